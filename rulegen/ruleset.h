// A compiled ruleset: the rules with their exact conditions (for userspace
// confirmation), their terms, and the kernel tables.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rulegen/accounts.h"
#include "rulegen/ast.h"
#include "rulegen/event.h"
#include "rulegen/formula.h"
#include "rulegen/items.h"
#include "rulegen/select.h"
#include "rulegen/tables.h"

namespace tripline {

// "%proc.name opened %fd.name": literal text and fields, in order
struct OutputTemplate {
    struct Piece {
        std::string literal;
        std::optional<FieldRef> field;
    };
    std::vector<Piece> pieces;
    std::vector<FieldRef> fields() const;  // distinct, in order of appearance
};

// Parses "%field" references; an unknown field is an error at its position.
std::optional<OutputTemplate> parse_output(const Text& text, Diagnostics& diags);
std::string render(const OutputTemplate& t, const Event& e, const Context& ctx);
std::string render_value(const std::optional<Value>& v);  // "<NA>" when missing

struct Rule {
    std::string name;
    std::string desc;
    Priority priority = Priority::Warning;
    std::vector<std::string> tags;
    bool enabled = true;
    bool below_priority = false;  // under the minimum priority: never loaded
    Loc loc;
    Expr condition;  // macros expanded, predicates bound
    Formula formula; // negation normal form, with kernel prefilters
    std::map<int, int> prefilters;  // prefilter predicate -> a predicate it guards
    OutputTemplate output;
    std::vector<uint32_t> terms;  // indexes into Ruleset::terms
    uint32_t classes = 0;         // bit c: the rule applies to class c
    bool weakened = false;        // a term cap made the kernel form looser
    bool userspace = false;       // some predicate only userspace decides
    bool kernel_decides() const { return !weakened && !userspace; }
};

struct Ruleset {
    std::vector<Rule> rules;
    std::vector<Pred> preds;
    std::vector<TermInfo> terms;
    KernelTables tables;
    std::vector<int> rule_of_bit;  // term bit -> rule, -1 between classes
};

// The whole pipeline (pipeline.cpp). Returns nullopt when any error was
// reported; warnings alone do not stop it.
// `accounts`: the names user.name, user.loginname and group.name are
// prefiltered with in the kernel (the host's, read at every compile)
std::optional<Ruleset> compile_rules(const std::vector<std::string>& paths, SourceManager& sm,
                                     Diagnostics& diags, const Selection& select = {},
                                     const Accounts& accounts = Accounts::from_files());
std::optional<Ruleset> compile_items(const Items& items, Diagnostics& diags, const Selection& select = {},
                                     const Accounts& accounts = Accounts::from_files());

// The reference evaluator (eval.cpp): the exact meaning of a condition; U
// when it depends on a value the kernel could not read whole. eval_condition
// is "not F": an undecidable condition counts as a match (fail open).
Tri eval_condition3(const Expr& e, const std::vector<Pred>& preds, const Event& ev, const Context& ctx);
bool eval_condition(const Expr& e, const std::vector<Pred>& preds, const Event& ev, const Context& ctx);

// Reports (explain.cpp).
std::string explain(const Ruleset& rs, const std::string& only_rule = "");
std::string dump(const Ruleset& rs, const std::string& what);  // "ast", "terms", "tables"

}  // namespace tripline
