// Pass 6: specialization to one event class.
// Consumes a rule's formula and an event class; produces the formula as it
// stands for events of that class: comparisons on fields the class lacks are
// false, constant fields are decided, and evt.type is decided when all or none
// of the class's event types satisfy it. `false` means the rule never applies
// to the class. Tested by tests/test_terms.cpp.
#include "rulegen/abi_names.h"
#include <climits>

#include "rulegen/passes.h"

namespace tripline {

namespace {

// the truth of a predicate that is the same for every event of the class
std::optional<bool> decided(const Pred& p, uint32_t class_id)
{
    Lowered l = lowering(p.field, class_id);
    if (l.how == Lowering::Absent)
        return false;
    if (p.other) {
        Lowered o = lowering(*p.other, class_id);
        if (o.how == Lowering::Absent)
            return false;
        return std::nullopt;
    }
    if (l.how == Lowering::Constant)
        return eval_pred(p, transform(p.transformers, constant_value(p.field.id, class_id)));
    if (p.field.id == FieldId::EvtNum && p.transformers.empty()) {
        // tripline numbers events from 1: decided when the answer is the same
        // for 1 and for the largest number (every comparison is monotone)
        bool at_one = eval_pred(p, Value{int64_t{1}});
        bool at_max = eval_pred(p, Value{INT64_MAX});
        bool has_point = p.op == Op::Eq || p.op == Op::Ne || p.op == Op::In || p.op == Op::Intersects;
        bool point_reachable = false;
        for (const auto& v : p.values)
            point_reachable = point_reachable || std::get<int64_t>(v) >= 1;
        if (at_one == at_max && !(has_point && point_reachable))
            return at_one;
        return std::nullopt;
    }
    if (p.field.id != FieldId::EvtType)
        return std::nullopt;
    bool any = false, all = true;
    for (uint32_t t = 1; t < TL_EVT_COUNT; t++) {
        if (evt_type_class(t) != class_id)
            continue;
        bool v = eval_pred(p, transform(p.transformers, small_value(FieldId::EvtType, t)));
        any = any || v;
        all = all && v;
    }
    if (!any)
        return false;
    if (all)
        return true;
    return std::nullopt;
}

Formula walk(const Formula& f, uint32_t class_id, const std::vector<Pred>& preds)
{
    switch (f.kind) {
    case Formula::Kind::Lit: {
        auto d = decided(preds.at(f.pred), class_id);
        if (!d)
            return f;
        return *d != f.neg ? Formula::yes() : Formula::no();
    }
    case Formula::Kind::And:
    case Formula::Kind::Or: {
        std::vector<Formula> kids;
        for (const auto& k : f.kids)
            kids.push_back(walk(k, class_id, preds));
        return f.kind == Formula::Kind::And ? make_and(std::move(kids)) : make_or(std::move(kids));
    }
    default:
        return f;
    }
}

}  // namespace

Formula specialize(const Formula& f, uint32_t class_id, const std::vector<Pred>& preds)
{
    return walk(f, class_id, preds);
}

}  // namespace tripline
