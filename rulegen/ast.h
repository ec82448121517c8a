// The condition AST. Parsing produces Compare, MacroRef, And, Or and Not
// nodes; macro expansion removes MacroRef; type checking binds each Compare
// to a catalog field and typed values (pred).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rulegen/diag.h"

namespace tripline {

// A value on the right of an operator: a bare word, a quoted string, or a
// parenthesised list of those (list names among them are expanded later).
struct Operand {
    enum class Kind { None, Word, Quoted, List, Field } kind = Kind::None;  // Field: val(field)
    std::string text;
    std::vector<Operand> items;
    Loc loc;
};

struct Expr {
    enum class Kind { And, Or, Not, Compare, MacroRef, True, False } kind = Kind::True;
    std::vector<Expr> kids;  // And, Or: two or more; Not: one
    Loc loc;

    // Compare
    std::string field;  // "proc.name"
    std::string arg;    // "2" for proc.aname[2]
    std::vector<std::string> transformers;  // tolower(b64(x)): {"b64", "tolower"}, innermost first
    std::string op;     // "=", "in", "exists", ...
    std::string modifier;  // "oneof", "anyof", "allof": op applies to each value of a list
    Operand rhs;
    int pred = -1;      // set by type checking: index into the ruleset's predicates

    // MacroRef
    std::string name;

    // macros this node was expanded from, innermost first
    std::vector<std::pair<std::string, Loc>> expanded_from;
};

// Deterministic text form, for dumps and golden tests.
std::string to_string(const Expr& e);
std::string to_string(const Operand& o);

}  // namespace tripline
