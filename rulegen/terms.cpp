// Pass 7: view-separable DNF.
// Consumes a class-specialized formula; produces terms, each a conjunction of
// one formula per view. Disjunctions inside one view cost nothing (the
// kernel's one lookup per view decides the whole formula); only disjunctions
// across views multiply terms. Past `cap` terms a sub-formula is replaced by
// its hull (in a conjunction, the widest conjunct that overflows) — per view, the disjunction of its terms' parts, dropping views
// some term leaves free — which every term implies: sound, marked weakened.
// Tested by tests/test_terms.cpp.
#include <algorithm>

#include "rulegen/passes.h"

namespace tripline {

namespace {

class Builder {
public:
    Builder(uint32_t class_id, const std::vector<Pred>& preds, size_t cap)
        : class_id_(class_id), preds_(preds), cap_(cap)
    {
    }

    std::vector<Term> build(const Formula& f)
    {
        switch (f.kind) {
        case Formula::Kind::True: return {Term{}};
        case Formula::Kind::False: return {};
        case Formula::Kind::Lit: {
            Term t;
            t.parts.emplace(view_of(preds_.at(f.pred), class_id_), f);
            return {t};
        }
        case Formula::Kind::And: {
            // Conjuncts with few terms first, and past the cap the one that
            // would overflow is weakened, never what is already built: a
            // rule's own shape (`open_read and sensitive_files`: one or two
            // terms each) is kept exact, and what gets hulled is the wide
            // product of its exceptions (`not (a and b)` across views: two
            // terms each), which rarely filters anything anyway.
            std::vector<std::vector<Term>> kids;
            for (const auto& k : f.kids) {
                kids.push_back(build(k));
                if (kids.back().empty())
                    return {};
            }
            std::stable_sort(kids.begin(), kids.end(),
                             [](const auto& a, const auto& b) { return a.size() < b.size(); });
            std::vector<Term> acc{Term{}};
            for (auto& next : kids) {
                if (acc.size() * next.size() > cap_)
                    next = hull(next);
                acc = product(acc, next);
                if (acc.empty())
                    return acc;
            }
            return acc;
        }
        case Formula::Kind::Or: {
            std::vector<Term> acc;
            for (const auto& k : f.kids)
                for (auto& t : build(k))
                    acc.push_back(std::move(t));
            acc = merge(std::move(acc));
            if (acc.size() > cap_)
                acc = hull(acc);
            return acc;
        }
        }
        return {};
    }

    bool weakened() const { return weakened_; }

private:
    static std::vector<Term> product(const std::vector<Term>& a, const std::vector<Term>& b)
    {
        std::vector<Term> out;
        for (const auto& x : a)
            for (const auto& y : b) {
                Term t = x;
                bool dead = false;
                for (const auto& [view, part] : y.parts) {
                    auto it = t.parts.find(view);
                    Formula f = it == t.parts.end() ? part : make_and({it->second, part});
                    if (f.kind == Formula::Kind::False)
                        dead = true;
                    t.parts[view] = std::move(f);
                }
                if (!dead && std::find(out.begin(), out.end(), t) == out.end())
                    out.push_back(std::move(t));
            }
        return out;
    }

    // (a and X) or (a and Y) = a and (X or Y), for X, Y on one view
    static std::vector<Term> merge(std::vector<Term> terms)
    {
        for (const auto& t : terms)
            if (t.parts.empty())
                return {Term{}};  // one term always holds: so does the disjunction
        for (bool changed = true; changed;) {
            changed = false;
            for (size_t i = 0; i < terms.size() && !changed; i++)
                for (size_t j = i + 1; j < terms.size() && !changed; j++) {
                    int diff_view = -1;
                    if (!differ_in_one_view(terms[i], terms[j], diff_view))
                        continue;
                    if (diff_view >= 0) {
                        Formula f = make_or({terms[i].parts[diff_view], terms[j].parts[diff_view]});
                        if (f.kind == Formula::Kind::True)
                            terms[i].parts.erase(diff_view);
                        else
                            terms[i].parts[diff_view] = std::move(f);
                    }
                    terms.erase(terms.begin() + static_cast<long>(j));
                    changed = true;
                }
        }
        return terms;
    }

    static bool differ_in_one_view(const Term& a, const Term& b, int& view)
    {
        if (a.parts.size() != b.parts.size())
            return false;
        view = -1;
        for (const auto& [v, f] : a.parts) {
            auto it = b.parts.find(v);
            if (it == b.parts.end())
                return false;
            if (it->second == f)
                continue;
            if (view >= 0)
                return false;
            view = v;
        }
        return true;
    }

    std::vector<Term> hull(const std::vector<Term>& terms)
    {
        weakened_ = true;
        if (terms.empty())
            return terms;
        Term h;
        for (const auto& [view, part] : terms[0].parts) {
            std::vector<Formula> alts;
            bool everywhere = true;
            for (const auto& t : terms) {
                auto it = t.parts.find(view);
                if (it == t.parts.end()) {
                    everywhere = false;
                    break;
                }
                alts.push_back(it->second);
            }
            if (!everywhere)
                continue;
            Formula f = make_or(std::move(alts));
            if (f.kind != Formula::Kind::True)
                h.parts[view] = std::move(f);
        }
        return {h};
    }

    uint32_t class_id_;
    const std::vector<Pred>& preds_;
    size_t cap_;
    bool weakened_ = false;
};

}  // namespace

TermList build_terms(const Formula& f, uint32_t class_id, const std::vector<Pred>& preds, size_t cap)
{
    Builder b(class_id, preds, cap);
    TermList out;
    out.terms = b.build(f);
    out.weakened = b.weakened();
    return out;
}

}  // namespace tripline
