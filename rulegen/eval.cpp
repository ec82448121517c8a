// The reference evaluator: the exact meaning of a condition on an event,
// straightforward by design. It confirms kernel candidates and is the oracle
// of the differential tests (tests/test_differential.cpp).
//
// A value the kernel could not read whole (a path of more than 64
// components or 4095 bytes, an executable path cut short) is not the real
// value: a comparison on it is unknown, and an unknown condition counts as a
// match. A security tool fails open here: an attacker cannot hide a write
// below /etc behind a deep enough path, at the price of an alert on such a
// rare path that a rule could not decide.
#include "rulegen/ruleset.h"

namespace tripline {

namespace {

bool incomplete(const FieldRef& f, const Event& ev)
{
    const tl_event& r = ev.rec;
    switch (f.id) {
    case FieldId::FdNameraw:
        // an open's name as the caller gave it, when the record has it: cut only if it filled the buffer
        if (r.class_id == TL_CLASS_OPEN && !ev.str[TL_STR_ARG0].empty())
            return ev.str[TL_STR_ARG0].size() + 1 >= TL_PATH_MAX;
        [[fallthrough]];
    case FieldId::FdName:
    case FieldId::FdDirectory:
    case FieldId::FdFilename: {
        if (!(r.flags & TL_EF_PATH_TRUNC))
            return false;
        // a failed open's relative name is unknown only to the kernel
        // (userspace resolves it against the cwd): incomplete only if cut
        const bool from_user = r.flags & TL_EF_PATH_FROM_USER;
        return !from_user || ev.str[TL_STR_FD_NAME].size() + 1 >= TL_PATH_MAX;
    }
    case FieldId::ProcExepath: return r.flags & TL_EF_EXE_TRUNC;
    case FieldId::ProcCwd: return r.flags & TL_EF_CWD_TRUNC;
    default: return false;
    }
}

Tri eval3(const Expr& e, const std::vector<Pred>& preds, const Event& ev, const Context& ctx)
{
    switch (e.kind) {
    case Expr::Kind::True: return Tri::T;
    case Expr::Kind::False: return Tri::F;
    case Expr::Kind::Not: {
        Tri t = eval3(e.kids.at(0), preds, ev, ctx);
        return t == Tri::U ? Tri::U : t == Tri::T ? Tri::F : Tri::T;
    }
    case Expr::Kind::And:
    case Expr::Kind::Or: {
        const bool is_and = e.kind == Expr::Kind::And;
        Tri acc = is_and ? Tri::T : Tri::F;
        for (const auto& k : e.kids) {
            Tri t = eval3(k, preds, ev, ctx);
            if (t == (is_and ? Tri::F : Tri::T))
                return t;
            if (t == Tri::U)
                acc = Tri::U;
        }
        return acc;
    }
    case Expr::Kind::Compare: {
        const Pred& p = preds.at(static_cast<size_t>(e.pred));
        // an incomplete value, not a missing one: a directory has no fd.filename however long its path
        auto cut = [&](const FieldRef& f) { return incomplete(f, ev) && field_value(ev, f, ctx); };
        if (p.op != Op::Exists && (cut(p.field) || (p.other && cut(*p.other))))
            return Tri::U;
        std::optional<Value> other;
        if (p.other)
            other = field_value(ev, *p.other, ctx);
        FieldInfo::Multi multi = multi_of(p.field);
        bool holds = multi != FieldInfo::Multi::No
                         ? eval_pred_values(p, transform_values(p.transformers, field_values(ev, p.field, ctx)),
                                            multi, other)
                         : eval_pred(p, transform(p.transformers, field_value(ev, p.field, ctx)), other);
        return holds ? Tri::T : Tri::F;
    }
    case Expr::Kind::MacroRef: break;  // expanded before evaluation
    }
    return Tri::F;
}

}  // namespace

Tri eval_condition3(const Expr& e, const std::vector<Pred>& preds, const Event& ev, const Context& ctx)
{
    return eval3(e, preds, ev, ctx);
}

bool eval_condition(const Expr& e, const std::vector<Pred>& preds, const Event& ev, const Context& ctx)
{
    return eval3(e, preds, ev, ctx) != Tri::F;
}

}  // namespace tripline
