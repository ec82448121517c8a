// Predicates: the atomic comparisons of a ruleset (field, operator, typed
// constants), deduplicated, and their exact meaning on a field value. The
// reference evaluator and the kernel lowering both use eval_pred, so the two
// cannot disagree about what a comparison means.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rulegen/diag.h"
#include "rulegen/fields.h"

namespace tripline {

enum class Op { Eq, Ne, Lt, Le, Gt, Ge, In, Contains, Icontains, Startswith, Endswith, Exists };
const char* op_name(Op op);
std::optional<Op> parse_op(const std::string& s);

struct Pred {
    FieldId field = FieldId::EvtType;
    Op op = Op::Eq;
    // typed constants: std::string for strings, int64_t for numbers, IpNet for
    // addresses and networks (an address is a /128), bool for booleans
    std::vector<Value> values;
    Loc loc;  // first use

    std::string text() const;  // "proc.name in (bash, sh)": canonical, also the dedup key
};

// Falco's semantics: a missing value makes every comparison false (and so
// `not` of it true).
bool eval_pred(const Pred& p, const std::optional<Value>& v);

}  // namespace tripline
