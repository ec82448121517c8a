// Formulas; see formula.h.
#include "rulegen/formula.h"

#include <algorithm>

#include "rulegen/predicate.h"

namespace tripline {

std::string Formula::text(const std::vector<Pred>& preds) const
{
    switch (kind) {
    case Kind::True: return "true";
    case Kind::False: return "false";
    case Kind::Lit: {
        std::string p = pred >= 0 && static_cast<size_t>(pred) < preds.size() ? preds[pred].text()
                                                                             : "p" + std::to_string(pred);
        return neg ? "not " + p : p;
    }
    case Kind::And:
    case Kind::Or: {
        std::string s = "(";
        for (size_t i = 0; i < kids.size(); i++)
            s += (i ? (kind == Kind::And ? " and " : " or ") : "") + kids[i].text(preds);
        return s + ")";
    }
    }
    return "";
}

namespace {

Formula make_nary(Formula::Kind kind, std::vector<Formula> kids)
{
    const bool is_and = kind == Formula::Kind::And;
    const auto absorbing = is_and ? Formula::Kind::False : Formula::Kind::True;
    const auto neutral = is_and ? Formula::Kind::True : Formula::Kind::False;
    std::vector<Formula> flat;
    for (auto& k : kids) {
        if (k.kind == absorbing)
            return k;
        if (k.kind == neutral)
            continue;
        if (k.kind == kind) {
            for (auto& g : k.kids)
                flat.push_back(std::move(g));
            continue;
        }
        if (std::find(flat.begin(), flat.end(), k) == flat.end())
            flat.push_back(std::move(k));
    }
    // x and not x, x or not x
    for (const auto& a : flat)
        if (a.kind == Formula::Kind::Lit)
            for (const auto& b : flat)
                if (b.kind == Formula::Kind::Lit && a.pred == b.pred && a.neg != b.neg)
                    return is_and ? Formula::no() : Formula::yes();
    if (flat.empty())
        return is_and ? Formula::yes() : Formula::no();
    if (flat.size() == 1)
        return std::move(flat[0]);
    return Formula{kind, -1, false, std::move(flat)};
}

}  // namespace

Formula make_and(std::vector<Formula> kids) { return make_nary(Formula::Kind::And, std::move(kids)); }
Formula make_or(std::vector<Formula> kids) { return make_nary(Formula::Kind::Or, std::move(kids)); }

Tri eval3(const Formula& f, const std::function<Tri(int pred)>& truth)
{
    switch (f.kind) {
    case Formula::Kind::True: return Tri::T;
    case Formula::Kind::False: return Tri::F;
    case Formula::Kind::Lit: {
        Tri t = truth(f.pred);
        if (!f.neg || t == Tri::U)
            return t;
        return t == Tri::T ? Tri::F : Tri::T;
    }
    case Formula::Kind::And: {
        Tri r = Tri::T;
        for (const auto& k : f.kids) {
            Tri t = eval3(k, truth);
            if (t == Tri::F)
                return Tri::F;
            if (t == Tri::U)
                r = Tri::U;
        }
        return r;
    }
    case Formula::Kind::Or: {
        Tri r = Tri::F;
        for (const auto& k : f.kids) {
            Tri t = eval3(k, truth);
            if (t == Tri::T)
                return Tri::T;
            if (t == Tri::U)
                r = Tri::U;
        }
        return r;
    }
    }
    return Tri::U;
}

void collect_preds(const Formula& f, std::vector<int>& out)
{
    if (f.kind == Formula::Kind::Lit) {
        if (std::find(out.begin(), out.end(), f.pred) == out.end())
            out.push_back(f.pred);
        return;
    }
    for (const auto& k : f.kids)
        collect_preds(k, out);
}

Formula negate(const Formula& f)
{
    switch (f.kind) {
    case Formula::Kind::True: return Formula::no();
    case Formula::Kind::False: return Formula::yes();
    case Formula::Kind::Lit: return Formula::lit(f.pred, !f.neg);
    case Formula::Kind::And:
    case Formula::Kind::Or: {
        std::vector<Formula> kids;
        for (const auto& k : f.kids)
            kids.push_back(negate(k));
        return f.kind == Formula::Kind::And ? make_or(std::move(kids)) : make_and(std::move(kids));
    }
    }
    return f;
}

Formula map_literals(const Formula& f, const std::function<Formula(int pred)>& exact)
{
    switch (f.kind) {
    case Formula::Kind::Lit: {
        Formula e = exact(f.pred);
        return f.neg ? negate(e) : e;
    }
    case Formula::Kind::And:
    case Formula::Kind::Or: {
        std::vector<Formula> kids;
        for (const auto& k : f.kids)
            kids.push_back(map_literals(k, exact));
        return f.kind == Formula::Kind::And ? make_and(std::move(kids)) : make_or(std::move(kids));
    }
    default:
        return f;
    }
}

}  // namespace tripline
