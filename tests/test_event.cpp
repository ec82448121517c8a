// Records: decoding with validation, encoding for tests, field values; the
// reference evaluator's semantics; output templates and the JSON alert.
#include <nlohmann/json.hpp>

#include "tests/events.h"
#include "tests/support.h"
#include "user/alert.h"

using namespace tripline;

namespace {

std::string value_of(const Event& e, const char* field)
{
    Context ctx;
    ctx.user_name = [](uint32_t uid) { return uid == 0 ? std::string("root") : std::string(); };
    return render_value(field_value(e, find_field(field)->id, ctx));
}

}  // namespace

TEST_SUITE("event") {

TEST_CASE("encode then decode keeps every field")
{
    Event e = tltest::make_event(TL_CLASS_OPEN, TL_EVT_OPENAT);
    auto bytes = encode_event(e);
    std::string why;
    auto d = decode_event(bytes.data(), bytes.size(), &why);
    REQUIRE_MESSAGE(d.has_value(), why);
    CHECK(value_of(*d, "fd.name") == "/etc/hosts");
    CHECK(value_of(*d, "fd.directory") == "/etc");
    CHECK(value_of(*d, "fd.filename") == "hosts");
    CHECK(value_of(*d, "proc.exe") == "cat");
    CHECK(value_of(*d, "proc.args") == "/etc/hosts");
    CHECK(value_of(*d, "proc.cmdline") == "cat /etc/hosts");
    CHECK(value_of(*d, "evt.type") == "openat");
    CHECK(value_of(*d, "evt.res") == "SUCCESS");
    CHECK(value_of(*d, "fd.typechar") == "f");
    CHECK(value_of(*d, "evt.is_open_read") == "true");
    CHECK(value_of(*d, "user.name") == "<NA>");
    CHECK(value_of(*d, "user.loginuid") == "1000");
    CHECK(value_of(*d, "fd.sip") == "<NA>");  // not a connect
}

TEST_CASE("connect fields and the socket tuple")
{
    Event e = tltest::make_event(TL_CLASS_NET, TL_EVT_CONNECT);
    CHECK(value_of(e, "fd.sip") == "169.254.169.254");
    CHECK(value_of(e, "fd.rport") == "80");
    CHECK(value_of(e, "fd.lport") == "40000");
    CHECK(value_of(e, "fd.name") == "10.0.0.5:40000->169.254.169.254:80");
    CHECK(value_of(e, "fd.l4proto") == "tcp");
    e.rec.flags |= TL_EF_NO_ADDR;
    CHECK(value_of(e, "fd.sip") == "<NA>");
}

TEST_CASE("malformed records are refused with a reason, never read past")
{
    Event e = tltest::make_event(TL_CLASS_OPEN, TL_EVT_OPENAT);
    auto good = encode_event(e);
    std::string why;
    CHECK_FALSE(decode_event(good.data(), 10, &why));
    CHECK(why.find("shorter than the header") != std::string::npos);

    auto bad = good;
    reinterpret_cast<tl_event*>(bad.data())->size = static_cast<uint32_t>(bad.size() + 100);
    CHECK_FALSE(decode_event(bad.data(), bad.size(), &why));

    bad = good;
    reinterpret_cast<tl_event*>(bad.data())->str[TL_STR_FD_NAME].off = 60000;
    CHECK_FALSE(decode_event(bad.data(), bad.size(), &why));
    CHECK(why.find("runs past") != std::string::npos);

    bad = good;
    reinterpret_cast<tl_event*>(bad.data())->class_id = 99;
    CHECK_FALSE(decode_event(bad.data(), bad.size(), &why));

    bad = good;
    std::memset(reinterpret_cast<tl_event*>(bad.data())->comm, 'A', TL_COMM_LEN);  // no NUL
    auto d = decode_event(bad.data(), bad.size(), &why);
    REQUIRE(d);
    CHECK(std::strlen(d->rec.comm) == TL_COMM_LEN - 1);
}

TEST_CASE("reference evaluator: Falco's semantics for missing values")
{
    Ruleset rs = tltest::must_compile(R"(
- rule: ne
  condition: proc.pname != bash
  output: o
  desc: d
  priority: INFO
- rule: not_eq
  condition: not proc.pname = bash
  output: o
  desc: d
  priority: INFO
)");
    Event e = tltest::make_event(TL_CLASS_OPEN, TL_EVT_OPENAT);
    Context ctx;
    std::strcpy(e.rec.pcomm, "zsh");
    CHECK(eval_condition(rs.rules[0].condition, rs.preds, e, ctx));
    CHECK(eval_condition(rs.rules[1].condition, rs.preds, e, ctx));
    e.rec.flags |= TL_EF_NO_PARENT;  // no parent: != is false, not = is true
    CHECK_FALSE(eval_condition(rs.rules[0].condition, rs.preds, e, ctx));
    CHECK(eval_condition(rs.rules[1].condition, rs.preds, e, ctx));
}

TEST_CASE("a failed open is named as Falco names it: its argument made canonical; fd.nameraw stays raw")
{
    Event e = tltest::make_event(TL_CLASS_OPEN, TL_EVT_OPENAT);
    Context ctx;
    e.rec.res = -2;  // ENOENT
    e.rec.payload.open.fd = -1;
    e.rec.flags |= TL_EF_PATH_FROM_USER | TL_EF_PATH_TRUNC;  // as the kernel sends it: not canonical
    e.rec.flags |= TL_EF_PROC_INFO;
    e.str[TL_STR_CWD] = "/srv/www";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/var/www/../../etc/./shadow", "/etc/shadow"}, {"//etc//passwd/", "/etc/passwd"},
        {"../../etc/x", "/etc/x"}, {"./a/../b", "/srv/www/b"}, {"/etc/hosts", "/etc/hosts"}};
    for (const auto& [raw, name] : cases) {
        INFO(raw);
        e.str[TL_STR_FD_NAME] = raw;
        CHECK(render_value(field_value(e, FieldId::FdName, ctx)) == name);
        CHECK(render_value(field_value(e, FieldId::FdNameraw, ctx)) == raw);
    }
    // the reference evaluator decides on the canonical name (the kernel left it unknown)
    Ruleset rs = tltest::must_compile(R"(
- rule: etc
  condition: fd.name startswith /etc/ and fd.nameraw startswith /var/
  output: o
  desc: d
  priority: INFO
)");
    e.str[TL_STR_FD_NAME] = "/var/www/../../etc/./shadow";
    CHECK(eval_condition(rs.rules[0].condition, rs.preds, e, ctx));
}

TEST_CASE("reference evaluator: operators")
{
    Event e = tltest::make_event(TL_CLASS_OPEN, TL_EVT_OPENAT);
    Context ctx;
    auto holds = [&](const std::string& cond) {
        Ruleset rs = tltest::must_compile("- rule: r\n  condition: " + cond + "\n  output: o\n  desc: d\n  priority: INFO\n");
        return eval_condition(rs.rules[0].condition, rs.preds, e, ctx);
    };
    CHECK(holds("fd.name startswith /etc"));
    CHECK(holds("fd.name endswith hosts"));
    CHECK(holds("fd.name contains tc/ho"));
    CHECK(holds("fd.name icontains ETC"));
    CHECK_FALSE(holds("fd.name contains ETC"));
    CHECK(holds("fd.num >= 3 and fd.num <= 3 and fd.num > 2 and fd.num < 4"));
    CHECK(holds("fd.num in (1, 2, 3)"));
    CHECK(holds("proc.name exists"));
    CHECK_FALSE(holds("fd.sip exists"));
    CHECK(holds("evt.type in (open, openat) and evt.dir = <"));
    CHECK(holds("user.uid = 0x3e8"));
}

TEST_CASE("output templates render fields, <NA> for missing ones, no trailing newline")
{
    Ruleset rs = tltest::must_compile(R"(
- rule: r
  condition: proc.name = cat
  output: >
    read %fd.name by %proc.name (remote=%fd.sip).
  desc: d
  priority: WARNING
  tags: [t1, t2]
)");
    Event e = tltest::make_event(TL_CLASS_OPEN, TL_EVT_OPENAT);
    Context ctx;
    CHECK(render(rs.rules[0].output, e, ctx) == "read /etc/hosts by cat (remote=<NA>).");
}

TEST_CASE("alerts: Falco's text line and JSON keys")
{
    Ruleset rs = tltest::must_compile(R"(
- rule: Read hosts
  condition: proc.name = cat
  output: "read %fd.name by %proc.name uid=%user.uid ip=%fd.sip"
  desc: d
  priority: WARNING
  tags: [t1]
)");
    Event e = tltest::make_event(TL_CLASS_OPEN, TL_EVT_OPENAT);
    Context ctx;
    Alert a = make_alert(rs.rules[0], e, ctx, 1700000000123456789ULL);
    CHECK(rfc3339(a.time_ns) == "2023-11-14T22:13:20.123456789Z");
    CHECK(format_text(a) == "2023-11-14T22:13:20.123456789Z: Warning read /etc/hosts by cat uid=1000 ip=<NA>");
    auto j = nlohmann::json::parse(format_json(a, "node-1"));
    CHECK(j["hostname"] == "node-1");
    CHECK(j["rule"] == "Read hosts");
    CHECK(j["priority"] == "Warning");
    CHECK(j["source"] == "syscall");
    CHECK(j["tags"] == nlohmann::json::array({"t1"}));
    CHECK(j["time"] == "2023-11-14T22:13:20.123456789Z");
    CHECK(j["output"] == format_text(a));
    CHECK(j["output_fields"]["fd.name"] == "/etc/hosts");
    CHECK(j["output_fields"]["user.uid"] == 1000);
    CHECK(j["output_fields"]["fd.sip"].is_null());
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it)
        keys.push_back(it.key());
    CHECK(keys == std::vector<std::string>{"hostname", "output", "output_fields", "priority", "rule", "source",
                                            "tags", "time"});
    // bytes that are not UTF-8 do not lose the alert
    e.str[TL_STR_FD_NAME] = "/tmp/\xff\xfe";
    Alert b = make_alert(rs.rules[0], e, ctx, 0);
    CHECK_NOTHROW(nlohmann::json::parse(format_json(b, "h")));
}

}
