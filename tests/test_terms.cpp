// Negation normal form (pass 5), class specialization (pass 6) and
// view-separable DNF with its cap (pass 7).
#include <sstream>

#include "rulegen/passes.h"
#include "tests/support.h"

using namespace tripline;

namespace {

struct Compiled {
    Ruleset rs;
    std::string terms;  // dump "terms"
};

Compiled compile(const std::string& cond)
{
    Compiled c{tltest::must_compile("- rule: r\n  condition: " + cond + "\n  output: o\n  desc: d\n  priority: INFO\n"), ""};
    c.terms = dump(c.rs, "terms");
    return c;
}

size_t count_terms(const Ruleset& rs, uint32_t class_id)
{
    size_t n = 0;
    for (const auto& t : rs.terms)
        n += t.class_id == class_id;
    return n;
}

}  // namespace

TEST_SUITE("terms") {

TEST_CASE("NNF: negations sink to predicates (De Morgan)")
{
    Compiled c = compile("not (proc.name = a and (fd.name = /x or not fd.name = /y))");
    Formula f = c.rs.rules[0].formula;
    std::string s = f.text(c.rs.preds);
    CHECK(s == "(not proc.name = a or (not fd.name = /x and fd.name = /y))");
}

TEST_CASE("specialization: evt.type decides the classes; absent fields are false")
{
    Compiled c = compile("evt.type in (open, openat) and fd.name = /etc/x");
    CHECK(c.rs.rules[0].classes == (1u << TL_CLASS_OPEN));
    // evt.type in (open, openat) is neither all nor none of the open class's types: kept
    CHECK(c.terms.find("[evt.type] evt.type in (open, openat)") != std::string::npos);

    Compiled all = compile("evt.type in (open, openat, openat2, creat) and fd.name = /etc/x");
    CHECK(all.terms.find("[evt.type]") == std::string::npos);

    // fd.name has no value on exec events: under exec the rule is false, under
    // open the negation is the interesting part
    Compiled neg = compile("proc.name = sh and not fd.name startswith /tmp");
    CHECK((neg.rs.rules[0].classes & (1u << TL_CLASS_EXEC)) != 0);
    CHECK(neg.terms.find("exec r: [proc.name] proc.name = sh\n") != std::string::npos);

    Compiled never = compile("evt.type = execve and fd.name = /x");
    CHECK(never.rs.rules[0].classes == 0);
}

TEST_CASE("an or inside one view costs no terms; across views it does")
{
    Compiled one = compile("evt.type = openat and (fd.name startswith /etc or fd.name = /root/x)");
    CHECK(count_terms(one.rs, TL_CLASS_OPEN) == 1);

    Compiled two = compile("evt.type = openat and (fd.name startswith /etc or proc.name = cat)");
    CHECK(count_terms(two.rs, TL_CLASS_OPEN) == 2);

    // (a and X) or (a and Y) merges to a and (X or Y)
    Compiled merged = compile("evt.type = openat and ((proc.name = a and fd.name = /x) or (proc.name = a and fd.name = /y))");
    CHECK(count_terms(merged.rs, TL_CLASS_OPEN) == 1);
}

TEST_CASE("the term cap weakens soundly to the hull and says so")
{
    // (a1 or b1) and ... (a6 or b6) across two views: 64 terms uncapped
    std::string cond = "evt.type = openat";
    for (int i = 0; i < 6; i++)
        cond += " and (proc.name = n" + std::to_string(i) + " or fd.name = /f" + std::to_string(i) + ")";
    Compiled c = compile(cond);
    CHECK(c.rs.rules[0].weakened);
    CHECK(count_terms(c.rs, TL_CLASS_OPEN) <= kMaxTermsPerRule);
    CHECK_FALSE(c.rs.rules[0].kernel_decides());

    // the hull of [proc.name = a] or [fd.name = b] drops both views: always
    Formula f = make_or({Formula::lit(0, false), Formula::lit(1, false)});
    TermList tl = build_terms(make_and({f, f}), TL_CLASS_OPEN, c.rs.preds, 1);
    CHECK(tl.weakened);
    REQUIRE(tl.terms.size() == 1);
}

TEST_CASE("past the cap, the exceptions are weakened, not the rule's own shape")
{
    // Falco's "Read sensitive file untrusted" in miniature: a two-view
    // disjunction that carries the rule, then many two-term exceptions
    std::string cond = "evt.type = openat and (fd.name in (/etc/shadow, /etc/sudoers) or fd.directory = /etc/pam.d)";
    for (int i = 0; i < 8; i++)
        cond += " and not (proc.name = n" + std::to_string(i) + " and proc.pname = p" + std::to_string(i) + ")";
    Compiled c = compile(cond);
    CHECK(c.rs.rules[0].weakened);
    CHECK(count_terms(c.rs, TL_CLASS_OPEN) <= kMaxTermsPerRule);
    size_t terms = 0;
    std::istringstream lines(c.terms);
    for (std::string text; std::getline(lines, text);) {
        terms++;
        INFO(text);
        CHECK((text.find("[fd.name]") != std::string::npos || text.find("[fd.directory]") != std::string::npos));
    }
    CHECK(terms >= 2);
}

TEST_CASE("userspace-only predicates make a rule need confirmation")
{
    Compiled c = compile("evt.type = execve and proc.cmdline contains curl");
    CHECK(c.rs.rules[0].userspace);
    CHECK(c.terms.find("[userspace]") != std::string::npos);
    Compiled k = compile("evt.type = execve and proc.name = curl");
    CHECK(k.rs.rules[0].kernel_decides());
}

TEST_CASE("contradictions and tautologies fold away")
{
    CHECK(compile("proc.name = a and not proc.name = a").rs.rules[0].classes == 0);
    Compiled t = compile("evt.type = execve and (proc.name = a or not proc.name = a)");
    CHECK(t.terms.find("[proc.name]") == std::string::npos);
}

TEST_CASE("names: user.name is prefiltered on the uid, through the account snapshot")
{
    Accounts acc;
    acc.users = {{0, "root"}, {1, "daemon"}, {1000, "alice"}};
    acc.groups = {{0, "root"}};
    Diagnostics d;
    SourceManager sm;
    Items items = load_items_text("t.yaml",
                                  "- rule: r\n  condition: evt.type = execve and user.name in (daemon, bin)\n"
                                  "  output: o\n  desc: d\n  priority: INFO\n",
                                  sm, d);
    auto rs = compile_items(items, d, {}, acc);
    REQUIRE(rs);
    // the guard rules out the known ids whose names fail: root and alice, not daemon, not unknown ids
    bool found = false;
    for (const auto& p : rs->preds)
        if (p.field.id == FieldId::UserUid && p.op == Op::In) {
            found = true;
            CHECK(p.values == std::vector<Value>{Value{int64_t{0}}, Value{int64_t{1000}}});
        }
    CHECK(found);
    CHECK(explain(*rs).find("prefilter for: user.name in (daemon, bin)") != std::string::npos);
}

}
