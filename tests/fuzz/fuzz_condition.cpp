// libFuzzer target: one condition (and the same bytes as an output template)
// through the parser, macro expansion, type checking, normal form,
// prefilters, terms and table lowering, beside a fixed set of lists and
// macros. Run by scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rulegen/ruleset.h"

using namespace tripline;

namespace {

const char* kDefinitions = R"(
- list: shells
  items: [bash, sh, "zsh"]
- list: dirs
  items: [/etc, /usr/bin, shells]
- macro: spawned
  condition: evt.type in (execve, execveat) and evt.dir = <
- macro: writes
  condition: evt.is_open_write = true and fd.name pmatch (dirs)
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    SourceManager sm;
    Diagnostics diags;
    Items items = load_items_text("defs.yaml", kDefinitions, sm, diags);
    const std::string input(reinterpret_cast<const char*>(data), size);
    RuleItem rule;
    rule.name = "fuzzed";
    rule.desc = "d";
    rule.condition = Text::at_loc(input, Loc{});
    rule.output = Text::at_loc(input, Loc{});
    items.rules.push_back(rule);
    rule.name = "fuzzed with exception";
    rule.output = Text::at_loc("o %proc.name", Loc{});
    rule.exceptions.push_back(ExceptionItem{"x", true, {"proc.name", "fd.name"}, {"=", "pmatch"},
                                            {{ExceptionValue{false, input, {}}, ExceptionValue{true, "", {"/etc", input}}}},
                                            Loc{}});
    items.rules.push_back(rule);
    auto rs = compile_items(items, diags, {}, Accounts{});
    if (rs)
        (void)explain(*rs);
    (void)diags.format(sm);
    return 0;
}
