// Pass 5: negation normal form.
// Consumes a type-checked condition; produces a Formula whose negations sit on
// predicates only, flattened and with constants folded. Iterative depth is
// bounded by the parser's nesting limit. Tested by tests/test_terms.cpp.
#include "rulegen/passes.h"

namespace tripline {

namespace {

Formula nnf(const Expr& e, bool negate)
{
    switch (e.kind) {
    case Expr::Kind::True: return negate ? Formula::no() : Formula::yes();
    case Expr::Kind::False: return negate ? Formula::yes() : Formula::no();
    case Expr::Kind::Compare: return Formula::lit(e.pred, negate);
    case Expr::Kind::Not: return nnf(e.kids.at(0), !negate);
    case Expr::Kind::And:
    case Expr::Kind::Or: {
        std::vector<Formula> kids;
        for (const auto& k : e.kids)
            kids.push_back(nnf(k, negate));
        // De Morgan: not (a and b) = not a or not b
        bool conj = (e.kind == Expr::Kind::And) != negate;
        return conj ? make_and(std::move(kids)) : make_or(std::move(kids));
    }
    case Expr::Kind::MacroRef: break;  // expanded before this pass
    }
    return Formula::yes();
}

}  // namespace

Formula to_nnf(const Expr& e) { return nnf(e, false); }

}  // namespace tripline
