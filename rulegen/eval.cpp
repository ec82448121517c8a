// The reference evaluator: the exact meaning of a condition on an event,
// straightforward by design. It confirms kernel candidates and is the oracle
// of the differential tests (tests/test_differential.cpp).
#include "rulegen/ruleset.h"

namespace tripline {

bool eval_condition(const Expr& e, const std::vector<Pred>& preds, const Event& ev, const Context& ctx)
{
    switch (e.kind) {
    case Expr::Kind::True: return true;
    case Expr::Kind::False: return false;
    case Expr::Kind::Not: return !eval_condition(e.kids.at(0), preds, ev, ctx);
    case Expr::Kind::And:
        for (const auto& k : e.kids)
            if (!eval_condition(k, preds, ev, ctx))
                return false;
        return true;
    case Expr::Kind::Or:
        for (const auto& k : e.kids)
            if (eval_condition(k, preds, ev, ctx))
                return true;
        return false;
    case Expr::Kind::Compare: {
        const Pred& p = preds.at(static_cast<size_t>(e.pred));
        std::optional<Value> other;
        if (p.other)
            other = field_value(ev, *p.other, ctx);
        FieldInfo::Multi multi = multi_of(p.field);
        if (multi != FieldInfo::Multi::No)
            return eval_pred_values(p, transform_values(p.transformers, field_values(ev, p.field, ctx)), multi, other);
        return eval_pred(p, transform(p.transformers, field_value(ev, p.field, ctx)), other);
    }
    case Expr::Kind::MacroRef: break;  // expanded before evaluation
    }
    return false;
}

}  // namespace tripline
