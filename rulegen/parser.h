// Pass 2: condition text -> AST (tests/test_parser.cpp).
#pragma once

#include <optional>

#include "rulegen/ast.h"
#include "rulegen/items.h"

namespace tripline {

// Parses one condition. On error, reports every problem it can locate and
// returns nullopt. Nesting is limited so a hostile file cannot exhaust the stack.
std::optional<Expr> parse_condition(const Text& text, Diagnostics& diags);

// A list item from YAML ("bash", '"(systemd)"') as a value operand.
Operand parse_list_item(const Text& text);

constexpr int kMaxNesting = 200;

}  // namespace tripline
