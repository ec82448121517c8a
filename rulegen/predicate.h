// Predicates: the atomic comparisons of a ruleset (field, transformers,
// operator, typed constants or another field), deduplicated, and their exact
// meaning on field values. The reference evaluator and the kernel lowering
// both use eval_pred, so the two cannot disagree about what a comparison means.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rulegen/diag.h"
#include "rulegen/fields.h"

namespace re2 {
class RE2;
}

namespace tripline {

enum class Op {
    Eq, Ne, Lt, Le, Gt, Ge, In, Intersects, Pmatch, Contains, Icontains, Bcontains,
    Startswith, Bstartswith, Endswith, Glob, Iglob, Regex, Exists
};
const char* op_name(Op op);
std::optional<Op> parse_op(const std::string& s);

enum class Transformer { Tolower, Toupper, B64, Basename, Len };
const char* transformer_name(Transformer t);
std::optional<Transformer> parse_transformer(const std::string& s);

struct Pred {
    FieldRef field;
    std::vector<Transformer> transformers;  // applied in order to the field's value
    Op op = Op::Eq;
    // typed constants: std::string for strings, int64_t for numbers, IpNet for
    // addresses and networks (an address is a /128), bool for booleans
    std::vector<Value> values;
    std::optional<FieldRef> other;  // val(other): compare with another field instead
    std::shared_ptr<const re2::RE2> regex;  // Op::Regex, compiled once
    bool oneof = false;  // `op oneof (v...)`: exactly one value satisfies op
    std::vector<std::shared_ptr<const re2::RE2>> regexes;  // oneof with regex: one per value
    Loc loc;  // first use

    std::string text() const;  // "proc.name in (bash, sh)": canonical, also the dedup key
    bool kernel_plain() const { return transformers.empty() && !other && !oneof; }
};

// The type a field has after the predicate's transformers.
FieldType value_type(const Pred& p);
std::optional<Value> transform(const std::vector<Transformer>& ts, std::optional<Value> v);

// Falco's semantics: a missing value makes every comparison false (and so
// `not` of it true). `other` is the value of val(field), when used.
bool eval_pred(const Pred& p, const std::optional<Value>& v, const std::optional<Value>& other = std::nullopt);
// the same for a field with several values, by its kind (FieldInfo::Multi)
bool eval_pred_values(const Pred& p, const std::optional<std::vector<Value>>& vs, FieldInfo::Multi multi,
                      const std::optional<Value>& other = std::nullopt);
// the transformers, element by element; len() of several values is their count
std::optional<std::vector<Value>> transform_values(const std::vector<Transformer>& ts,
                                                   std::optional<std::vector<Value>> vs);

// pmatch: `path` is one of `prefix`'s path components' continuations
bool path_under(const std::string& path, const std::string& prefix);

}  // namespace tripline
