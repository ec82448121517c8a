// Lexer and parser (pass 2).
#include "rulegen/lexer.h"
#include "rulegen/parser.h"
#include "tests/support.h"

using namespace tripline;

namespace {

Text text(const std::string& s)
{
    Text t;
    t.s = s;
    for (size_t i = 0; i <= s.size(); i++)
        t.locs.push_back(Loc{1, 1, static_cast<uint32_t>(i + 1)});
    return t;
}

std::string parsed(const std::string& cond)
{
    Diagnostics d;
    auto e = parse_condition(text(cond), d);
    return e ? to_string(*e) : "ERROR " + (d.all().empty() ? std::string() : d.all()[0].message);
}

Diagnostic first_error(const std::string& cond)
{
    Diagnostics d;
    auto e = parse_condition(text(cond), d);
    CHECK_FALSE(e.has_value());
    REQUIRE_FALSE(d.all().empty());
    return d.all()[0];
}

}  // namespace

TEST_SUITE("parser") {

TEST_CASE("lexer: values after an operator are bare words, not punctuation")
{
    Lexer lx("fd.name startswith /etc/ and fd.sip=169.254.0.0/16");
    CHECK(lx.next().text == "fd.name");
    CHECK(lx.next().text == "startswith");
    Token v = lx.next_value();
    CHECK(v.kind == Token::Kind::Word);
    CHECK(v.text == "/etc/");
    CHECK(lx.next().text == "and");
    CHECK(lx.next().text == "fd.sip");
    CHECK(lx.next().text == "=");
    CHECK(lx.next_value().text == "169.254.0.0/16");
    CHECK(lx.next().kind == Token::Kind::End);
}

TEST_CASE("lexer: quoted strings with escapes, and an unterminated one")
{
    Lexer lx(R"("a \"b\" c" 'it''s')");
    Token q = lx.next_value();
    CHECK(q.kind == Token::Kind::Quoted);
    CHECK(q.text == "a \"b\" c");
    Lexer bad("\"open");
    CHECK(bad.next_value().kind == Token::Kind::Error);
}

TEST_CASE("precedence: not binds tighter than and, and tighter than or")
{
    CHECK(parsed("a or b and not c") == "(a or (b and not c))");
    CHECK(parsed("(a or b) and c") == "((a or b) and c)");
    CHECK(parsed("not not a") == "not not a");
}

TEST_CASE("comparisons, lists, exists, field arguments")
{
    CHECK(parsed("proc.name in (bash, \"my sh\", (zsh, ksh))") == R"(proc.name in (bash, "my sh", zsh, ksh))");
    CHECK(parsed("fd.num>=0 and evt.dir=<") == "(fd.num >= 0 and evt.dir = <)");
    CHECK(parsed("proc.pname exists") == "proc.pname exists");
    CHECK(parsed("proc.name == bash") == "proc.name = bash");
    CHECK(parsed("proc.aname[2] = sh") == "proc.aname[2] = sh");
    CHECK(parsed("proc.name in ()") == "proc.name in ()");
}

TEST_CASE("syntax errors point at the offending column")
{
    Diagnostic d = first_error("proc.name = bash and");
    CHECK(d.code == Code::Syntax);
    CHECK(d.loc.col == 21);

    d = first_error("(proc.name = bash");
    CHECK(d.message.find("missing ')'") != std::string::npos);

    d = first_error("proc.name bash");
    CHECK(d.message.find("needs an operator") != std::string::npos);
    CHECK(d.loc.col == 11);

    d = first_error("proc.name in (a, b");
    CHECK(d.message.find("')'") != std::string::npos);

    d = first_error("proc.name =");
    CHECK(d.message.find("expected a value after '='") != std::string::npos);

    d = first_error("a b");
    CHECK(d.message.find("unexpected 'b'") != std::string::npos);
    CHECK(d.loc.col == 3);

    CHECK(first_error("").message == "empty condition");
}

TEST_CASE("nesting is bounded: a hostile condition cannot exhaust the stack")
{
    std::string deep(5000, '(');
    deep += "a";
    deep += std::string(5000, ')');
    Diagnostic d = first_error(deep);
    CHECK(d.message.find("nested too deeply") != std::string::npos);
    std::string nots;
    for (int i = 0; i < 5000; i++)
        nots += "not ";
    CHECK(first_error(nots + "a").message.find("nested too deeply") != std::string::npos);
}

TEST_CASE("list items from YAML keep their quoting")
{
    Operand o = parse_list_item(text("\"(systemd)\""));
    CHECK(o.kind == Operand::Kind::Quoted);
    CHECK(o.text == "(systemd)");
    CHECK(parse_list_item(text("bash")).kind == Operand::Kind::Word);
}

}
