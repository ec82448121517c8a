// The compiler's passes, in the order pipeline.cpp calls them. Each pass is
// one file exporting one function; each can be run alone in a test.
//
//   load_items        YAML files -> items                    load_items.cpp
//   parse_condition   condition text -> AST                  parser.cpp
//   expand_macros     AST -> AST without macros, lists inline expand.cpp
//   typecheck         AST -> predicates bound to fields       typecheck.cpp
//   to_nnf            AST -> formula in negation normal form  normalize.cpp
//   rewrite_for_kernel formula -> formula on kernel fields    rewrite.cpp
//   add_prefilters    formula -> formula with kernel guards   prefilter.cpp
//   specialize        formula -> formula for one event class  specialize.cpp
//   build_terms       formula -> view-separable DNF terms     terms.cpp
//   lower_tables      terms -> kernel tables                  tables.cpp
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rulegen/accounts.h"
#include "rulegen/ast.h"
#include "rulegen/formula.h"
#include "rulegen/items.h"
#include "rulegen/parser.h"
#include "rulegen/predicate.h"
#include "rulegen/tables.h"

namespace tripline {

// macros and lists by name, with each macro parsed once
struct Definitions {
    std::map<std::string, const MacroItem*> macros;
    std::map<std::string, const ListItem*> lists;
    std::map<std::string, std::optional<Expr>> parsed;
};
Definitions collect_definitions(const Items& items);
std::optional<Expr> expand_macros(const Expr& e, Definitions& defs, Diagnostics& diags);

struct PredTable {
    std::vector<Pred> preds;
    std::map<std::string, int> index;  // Pred::text() -> position
    int intern(Pred p);
};
bool typecheck(Expr& e, PredTable& preds, Diagnostics& diags);

Formula to_nnf(const Expr& e);
Formula rewrite_for_kernel(const Formula& f, PredTable& preds);
// `guarded`, when given, gets each prefilter predicate and one predicate it guards
Formula add_prefilters(const Formula& f, PredTable& preds, const Accounts& accounts,
                       std::map<int, int>* guarded = nullptr);
Formula specialize(const Formula& f, uint32_t class_id, const std::vector<Pred>& preds);

constexpr size_t kMaxTermsPerRule = 32;
TermList build_terms(const Formula& f, uint32_t class_id, const std::vector<Pred>& preds,
                     size_t cap = kMaxTermsPerRule);

}  // namespace tripline
