// Macro and list expansion (pass 3) and type checking (pass 4), through the
// pipeline: what a rule author sees.
#include "tests/support.h"

using namespace tripline;

namespace {

const char* kHeader = R"(
- list: shells
  items: [bash, sh]
- list: more_shells
  items: [shells, zsh, '"odd name"']
- macro: spawned
  condition: evt.type in (execve, execveat)
- macro: shell
  condition: proc.name in (more_shells)
)";

std::string rule(const std::string& cond)
{
    return std::string(kHeader) + "- rule: r\n  condition: " + cond + "\n  output: o %proc.name\n  desc: d\n  priority: INFO\n";
}

Diagnostics errors_of(const std::string& yaml, SourceManager& sm)
{
    Diagnostics d;
    CHECK_FALSE(tltest::compile_text(yaml, d, &sm).has_value());
    return d;
}

}  // namespace

TEST_SUITE("resolve") {

TEST_CASE("macros expand, lists inline recursively, quoted items stay literal")
{
    Ruleset rs = tltest::must_compile(rule("spawned and shell"));
    std::string ast = dump(rs, "ast");
    CHECK(ast.find("proc.name in (bash, sh, zsh, \"odd name\")") != std::string::npos);
    CHECK(ast.find("evt.type in (execve, execveat)") != std::string::npos);
}

TEST_CASE("an undefined macro is an error at its use")
{
    SourceManager sm;
    Diagnostics d = errors_of(rule("spawned and not_a_macro"), sm);
    REQUIRE(d.has_code(Code::UnknownMacro));
    std::string text = d.format(sm);
    CHECK(text.find("'not_a_macro' is not a macro") != std::string::npos);
    CHECK(text.find("test.yaml:") == 0);
}

TEST_CASE("a macro cycle is reported, not followed")
{
    SourceManager sm;
    Diagnostics d = errors_of(R"(
- macro: a
  condition: b
- macro: b
  condition: a
- rule: r
  condition: a
  output: o
  desc: d
  priority: INFO
)",
                              sm);
    CHECK(d.has_code(Code::MacroCycle));
}

TEST_CASE("an unknown field, with a suggestion, and the macro it came from")
{
    SourceManager sm;
    Diagnostics d = errors_of(R"(
- macro: bad
  condition: proc.nmae = bash
- rule: r
  condition: evt.type = execve and bad
  output: o
  desc: d
  priority: INFO
)",
                              sm);
    REQUIRE(d.has_code(Code::UnknownField));
    const Diagnostic& e = d.all()[0];
    CHECK(e.loc.line == 3);
    CHECK(e.loc.col == 14);
    CHECK(e.hint.find("proc.name") != std::string::npos);
    REQUIRE(e.expanded_from.size() == 1);
    CHECK(e.expanded_from[0].first == "bad");
    CHECK(e.expanded_from[0].second.line == 5);
    std::string text = d.format(sm);
    CHECK(text.find("test.yaml:3:14: error: unknown field 'proc.nmae'") != std::string::npos);
    CHECK(text.find("expanded from macro 'bad' used at test.yaml:5:") != std::string::npos);
}

TEST_CASE("type mismatches and bad values")
{
    SourceManager sm;
    CHECK(errors_of(rule("proc.name > 3"), sm).has_code(Code::TypeMismatch));
    CHECK(errors_of(rule("proc.pid startswith 1"), sm).has_code(Code::TypeMismatch));
    CHECK(errors_of(rule("proc.pid = abc"), sm).has_code(Code::BadValue));
    CHECK(errors_of(rule("fd.sip = 10.0.0.0/8"), sm).has_code(Code::BadValue));
    CHECK(errors_of(rule("fd.snet = 10.0.0.0/33"), sm).has_code(Code::BadValue));
    CHECK(errors_of(rule("evt.is_open_read = maybe"), sm).has_code(Code::BadValue));
    CHECK(errors_of(rule("proc.name = (a, b)"), sm).has_code(Code::TypeMismatch));
    CHECK(errors_of(rule("proc.name regex '(unclosed'"), sm).has_code(Code::BadValue));
    CHECK(errors_of(rule("proc.name bcontains zz"), sm).has_code(Code::BadValue));
    CHECK(errors_of(rule("proc.name contains oneof bash"), sm).has_code(Code::Syntax));
    CHECK(errors_of(rule("proc.name in anyof (a, b)"), sm).has_code(Code::TypeMismatch));
    CHECK(errors_of(rule("fd.types = file"), sm).has_code(Code::TypeMismatch));
    CHECK(errors_of(rule("proc.name = 'a\\qb'"), sm).has_code(Code::Syntax));
    CHECK(errors_of(rule("proc.pid glob 1*"), sm).has_code(Code::TypeMismatch));
    CHECK(errors_of(rule("proc.name = val(proc.pid)"), sm).has_code(Code::TypeMismatch));
    CHECK(errors_of(rule("proc.name[2] = x"), sm).has_code(Code::UnknownField));
}

TEST_CASE("every error of a file is reported, not only the first")
{
    SourceManager sm;
    Diagnostics d = errors_of(R"(
- rule: a
  condition: proc.nope = 1
  output: o
  desc: d
  priority: INFO
- rule: b
  condition: proc.pid = x
  output: o
  desc: d
  priority: INFO
- rule: c
  condition: proc.name = x
  output: "%proc.nope"
  desc: d
  priority: INFO
)",
                              sm);
    CHECK(d.error_count() == 3);
    CHECK(d.has_code(Code::UnknownField));
    CHECK(d.has_code(Code::BadValue));
    CHECK(d.has_code(Code::BadOutput));
}

TEST_CASE("identical comparisons share one predicate")
{
    Ruleset rs = tltest::must_compile(rule("proc.name = bash and not proc.name = bash or proc.name == bash"));
    int n = 0;
    for (const auto& p : rs.preds)
        n += p.text() == "proc.name = bash";
    CHECK(n == 1);
}

TEST_CASE("warnings: uncaptured event types, rules that can never match, other sources")
{
    SourceManager sm;
    Diagnostics d;
    auto rs = tltest::compile_text(R"(
- rule: r
  condition: evt.type = chdir
  output: o
  desc: d
  priority: INFO
- rule: k8s
  condition: ka.verb = get
  output: o
  desc: d
  priority: INFO
  source: k8s_audit
)",
                                   d, &sm);
    REQUIRE(rs.has_value());
    CHECK(d.has_code(Code::UnsupportedEvent));
    CHECK(d.has_code(Code::UnsupportedSource));
    CHECK(rs->rules.size() == 1);
    CHECK(rs->rules[0].classes == 0);
}

}
