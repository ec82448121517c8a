// Loading rule files (pass 1): shapes, required keys, and positions.
#include "rulegen/items.h"
#include "tests/support.h"

using namespace tripline;

namespace {

Diagnostics load(const std::string& yaml, SourceManager& sm, Items* out = nullptr)
{
    Diagnostics d;
    Items items = load_items_text("f.yaml", yaml, sm, d);
    if (out)
        *out = items;
    return d;
}

}  // namespace

TEST_SUITE("load") {

TEST_CASE("rules, macros and lists load with their keys")
{
    SourceManager sm;
    Items items;
    Diagnostics d = load(R"(
- list: shells
  items: [bash, sh]
- macro: m
  condition: proc.name in (shells)
- rule: r
  desc: d
  condition: m
  output: "x %proc.name"
  priority: info
  tags: [a, b]
  enabled: false
)",
                         sm, &items);
    CHECK_FALSE(d.has_errors());
    REQUIRE(items.rules.size() == 1);
    CHECK(items.rules[0].priority == Priority::Informational);
    CHECK(items.rules[0].enabled == false);
    CHECK(items.rules[0].tags == std::set<std::string>{"a", "b"});
    CHECK(items.lists[0].items.size() == 2);
    CHECK(items.macros[0].condition.s == "proc.name in (shells)");
}

TEST_CASE("malformed YAML is an error with its line and column")
{
    SourceManager sm;
    Diagnostics d = load("- rule: r\n  condition: [unclosed\n", sm);
    REQUIRE(d.has_errors());
    CHECK(d.all()[0].code == Code::YamlSyntax);
    CHECK(d.all()[0].loc.line >= 2);
    CHECK(d.format(sm).find("f.yaml:") == 0);
}

TEST_CASE("a rule without output names the rule and the key")
{
    SourceManager sm;
    Diagnostics d = load("- rule: no output\n  condition: proc.name = x\n  desc: d\n  priority: INFO\n", sm);
    REQUIRE(d.has_errors());
    CHECK(d.all()[0].code == Code::MissingKey);
    CHECK(d.all()[0].message.find("'no output' has no 'output'") != std::string::npos);
    CHECK(d.all()[0].loc.line == 1);
}

TEST_CASE("bad shapes and values are errors, unknown keys warnings")
{
    SourceManager sm;
    CHECK(load("rule: x\n", sm).all()[0].code == Code::YamlShape);
    CHECK(load("- foo: x\n", sm).all()[0].code == Code::UnknownItem);
    CHECK(load("- rule: r\n  condition: a\n  output: o\n  priority: LOUD\n", sm).all()[0].code == Code::BadKeyValue);
    Diagnostics d = load("- rule: r\n  condition: a\n  output: o\n  desc: d\n  priority: INFO\n  colour: red\n", sm);
    CHECK_FALSE(d.has_errors());
    CHECK(d.has_code(Code::UnknownKey));
}

TEST_CASE("positions inside a folded condition point at the right line and column")
{
    SourceManager sm;
    Items items;
    load("- macro: m\n  condition: >\n    proc.name = a and\n      fd.name startswith /x\n", sm, &items);
    REQUIRE(items.macros.size() == 1);
    const Text& t = items.macros[0].condition;
    size_t at = t.s.find("fd.name");
    REQUIRE(at != std::string::npos);
    CHECK(t.at(at).line == 4);
    CHECK(t.at(at).col == 7);
    CHECK(t.at(0).line == 3);
    CHECK(t.at(0).col == 5);
}

TEST_CASE("directories load their YAML files in name order; a missing path is an error")
{
    SourceManager sm;
    Diagnostics d;
    Items items = load_items({tltest::repo_dir() + "/rules"}, sm, d);
    CHECK_FALSE(d.has_errors());
    CHECK(items.rules.size() >= 7);
    Diagnostics d2;
    load_items({"/nonexistent/rules.yaml"}, sm, d2);
    REQUIRE(d2.has_errors());
    CHECK(d2.all()[0].code == Code::Io);
}

}
