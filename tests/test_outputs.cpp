// Outputs: each behind its own bounded queue, checked against real receivers
// on loopback (a file, a program, the test HTTP server), including a dead and
// a slow one: pushes never block, the other outputs get every alert, and
// every alert is counted as sent, failed or dropped. Also the rate limit,
// de-duplication and append_output, on injected clocks and events.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/events.h"
#include "tests/http_server.h"
#include "tests/outputs_support.h"
#include "tests/support.h"
#include "user/append.h"
#include "user/gate.h"
#include "user/sinks.h"

using namespace tripline;
using namespace std::chrono_literals;

namespace {

using tltest::temp_dir;

Shipped alert(int i) { return tltest::sample_alert("alert number " + std::to_string(i)); }

std::vector<std::string> lines_of(const std::string& path)
{
    std::vector<std::string> out;
    std::istringstream in(tltest::read_file(path));
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

// waits until `path` has at least n lines
std::vector<std::string> wait_lines(const std::string& path, size_t n, std::chrono::milliseconds timeout = 10s)
{
    tltest::wait_for([&] { return lines_of(path).size() >= n; }, timeout);
    return lines_of(path);
}

std::unique_ptr<Sink> must(Result<std::unique_ptr<Sink>> r)
{
    INFO(r.error());
    REQUIRE(r.ok());
    return std::move(*r);
}

OutputCounters counters_of(const Outputs& outs, const std::string& name)
{
    for (const auto& c : outs.counters())
        if (c.name == name)
            return c;
    FAIL("no output named " << name);
    return {};
}

}  // namespace

TEST_SUITE("outputs") {

TEST_CASE("file: every alert appended; reopened after logrotate's rename")
{
    std::string dir = temp_dir("file");
    std::string path = dir + "/alerts.log";
    Outputs outs;
    outs.add(must(file_sink(path, false)), 100);
    for (int i = 0; i < 3; i++)
        outs.push(alert(i));
    CHECK(wait_lines(path, 3).size() == 3);
    std::filesystem::rename(path, path + ".1");
    outs.push(alert(3));  // still written to the renamed file, as logrotate expects until the HUP
    CHECK(wait_lines(path + ".1", 4).size() == 4);
    outs.reopen();
    outs.push(alert(4));
    auto fresh = wait_lines(path, 1);
    REQUIRE(fresh.size() == 1);
    CHECK(fresh[0].find("alert number 4") != std::string::npos);
    outs.drain();
    auto c = counters_of(outs, "file");
    CHECK(c.sent == 5);
    CHECK(c.failed + c.dropped + c.queued == 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("file: JSON lines; an unopenable path is refused at start")
{
    std::string dir = temp_dir("json");
    Outputs outs;
    outs.add(must(file_sink(dir + "/a.json", true)), 100);
    outs.push(alert(1));
    auto lines = wait_lines(dir + "/a.json", 1);
    REQUIRE(lines.size() == 1);
    CHECK(nlohmann::json::parse(lines[0])["rule"] == "Read of a sensitive file");
    auto bad = file_sink(dir + "/no/such/dir/a.json", true);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().find("opening output file " + dir + "/no/such/dir/a.json") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("webhook: POST of Falco's JSON alert with the configured headers")
{
    tltest::HttpServer server;
    HttpConfig cfg;
    cfg.enabled = true;
    cfg.url = server.url("/falco");
    cfg.headers = {{"X-Token", "s3cret"}, {"X-Team", "sec"}};
    Outputs outs;
    outs.add(http_sink(cfg), 100);
    outs.push(alert(1));
    outs.push(alert(2));
    auto reqs = server.wait_requests(2);
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].path == "/falco");
    CHECK(reqs[0].headers["content-type"] == "application/json");
    CHECK(reqs[0].headers["x-token"] == "s3cret");
    CHECK(reqs[0].headers["x-team"] == "sec");
    CHECK(reqs[0].body == alert(1).json);
    CHECK(nlohmann::json::parse(reqs[1].body)["output"] == alert(2).text);
    outs.drain();
    CHECK(counters_of(outs, "http").sent == 2);
}

TEST_CASE("webhook: a refusing receiver is retried with backoff, then counted as failed")
{
    tltest::HttpServer server(503);
    HttpConfig cfg;
    cfg.enabled = true;
    cfg.url = server.url();
    cfg.retries = 2;
    cfg.backoff_ms = 10;
    Outputs outs;
    outs.add(http_sink(cfg), 100);
    outs.push(alert(1));
    CHECK(server.wait_requests(3).size() == 3);  // the first attempt and two retries
    outs.drain_timeout = 5s;
    outs.drain();
    auto c = counters_of(outs, "http");
    CHECK(c.failed == 1);
    CHECK(c.sent == 0);
    CHECK(server.requests().size() == 3);  // and no more
}

TEST_CASE("a dead and a slow receiver: pushes never block, drops are counted, the file gets every alert")
{
    std::string dir = temp_dir("dead-slow");
    tltest::HttpServer slow(200, 3s);
    HttpConfig dead_cfg, slow_cfg;
    dead_cfg.enabled = slow_cfg.enabled = true;
    dead_cfg.url = "http://127.0.0.1:" + std::to_string(tltest::dead_port()) + "/";
    dead_cfg.retries = 1;
    dead_cfg.backoff_ms = 10;
    slow_cfg.url = slow.url();
    slow_cfg.timeout_ms = 200;
    slow_cfg.retries = 0;
    Outputs outs;
    outs.add(must(file_sink(dir + "/alerts.log", false)), 1000);
    outs.add(http_sink(dead_cfg), 2);
    outs.add(http_sink(slow_cfg), 2);
    const int n = 50;
    for (int i = 0; i < n; i++)
        outs.push(alert(i));  // returns at once: 50 pushes against queues of 2
    CHECK(wait_lines(dir + "/alerts.log", n).size() == n);
    CHECK(slow.wait_requests(1).size() >= 1);
    outs.drain_timeout = 1s;
    outs.drain();
    tltest::wait_for([&] {  // a request in flight ends within its own timeout
        auto all = outs.counters();
        return std::all_of(all.begin(), all.end(), [](const auto& c) { return c.queued == 0; });
    });
    for (const auto& c : outs.counters()) {
        INFO(c.name);
        CHECK(c.sent + c.failed + c.dropped == n);  // every alert accounted for
        CHECK(c.queued == 0);
    }
    auto file = outs.counters()[0], dead = outs.counters()[1], late = outs.counters()[2];
    CHECK(file.sent == n);
    CHECK(dead.sent == 0);
    CHECK(dead.failed >= 1);
    CHECK(dead.dropped >= n - 3);  // two queued and one in flight at most were attempted
    CHECK(late.sent == 0);         // every answer came after the timeout
    CHECK(late.failed >= 1);
    CHECK(late.dropped >= n - 3);
    std::filesystem::remove_all(dir);
}

TEST_CASE("program: alert lines on stdin; started again after it exits")
{
    std::string dir = temp_dir("program");
    const std::string out = dir + "/got", pid = dir + "/pid";
    // reads one line, records it and its pid, exits: each alert needs a fresh instance
    const std::string cmd = "read line; echo \"$line\" >> " + out + "; echo $$ > " + pid;
    Outputs outs;
    outs.add(program_sink(cmd, false), 100);
    for (int i = 0; i < 3; i++) {
        std::filesystem::remove(pid);
        outs.push(alert(i));
        REQUIRE(wait_lines(out, static_cast<size_t>(i) + 1).size() == static_cast<size_t>(i) + 1);
        // wait until that instance has exited (a zombie until the output reaps it)
        std::string child = wait_lines(pid, 1).at(0);
        for (int t = 0; t < 500; t++) {
            std::string stat = tltest::read_file("/proc/" + child + "/stat");
            if (stat.empty() || stat.find(") Z") != std::string::npos)
                break;
            std::this_thread::sleep_for(10ms);
        }
    }
    auto got = lines_of(out);
    REQUIRE(got.size() == 3);
    for (int i = 0; i < 3; i++)
        CHECK(got[static_cast<size_t>(i)].find("alert number " + std::to_string(i)) != std::string::npos);
    outs.drain();
    CHECK(counters_of(outs, "program").sent == 3);
    std::filesystem::remove_all(dir);
}

TEST_CASE("program: JSON lines to a long-running reader")
{
    std::string dir = temp_dir("program-json");
    Outputs outs;
    outs.add(program_sink("cat >> " + dir + "/got", true), 100);
    for (int i = 0; i < 5; i++)
        outs.push(alert(i));
    auto got = wait_lines(dir + "/got", 5);
    REQUIRE(got.size() == 5);
    CHECK(nlohmann::json::parse(got[4])["output"] == alert(4).text);
    std::filesystem::remove_all(dir);
}

TEST_CASE("program: one that stops reading fails its alerts, never blocks the others")
{
    std::string dir = temp_dir("program-stuck");
    Outputs outs;
    outs.add(must(file_sink(dir + "/alerts.log", false)), 10000);
    outs.add(program_sink("exec sleep 60", false), 8);  // never reads its stdin
    const int n = 3000;  // about 300 KB: more than the socket buffer holds
    for (int i = 0; i < n; i++)
        outs.push(alert(i));
    CHECK(wait_lines(dir + "/alerts.log", n).size() == n);
    outs.drain_timeout = 1s;
    outs.drain();
    // the drain does not wait for a send in flight; the send's own 1 s timeout ends it
    tltest::wait_for([&] { return counters_of(outs, "program").queued == 0; });
    auto stuck = counters_of(outs, "program");
    CHECK(stuck.sent + stuck.failed + stuck.dropped == n);
    CHECK(stuck.failed >= 1);  // the send timed out
    CHECK(stuck.dropped >= 1);
    CHECK(counters_of(outs, "file").sent == n);
    std::filesystem::remove_all(dir);
}

TEST_CASE("syslog: RFC 5424 and RFC 3164 datagrams")
{
    SyslogOptions o;
    o.hostname = "node-1";
    o.facility = syslog_facility("local3");
    CHECK(o.facility == 19);
    CHECK(syslog_facility("nope") == -1);
    Shipped a = alert(1);
    a.priority = Priority::Error;  // severity 3
    std::string pid = std::to_string(getpid());
    CHECK(syslog_message(o, a) == "<155>1 2026-12-04T08:00:00.000000Z node-1 tripline " + pid + " - - " + a.text);
    o.rfc3164 = true;
    std::string m = syslog_message(o, a);
    CHECK(m.rfind("<155>Dec  4 ", 0) == 0);
    CHECK(m.find(" tripline[" + pid + "]: " + a.text) != std::string::npos);
}

TEST_CASE("alertmanager: one alert with labels, annotations and startsAt")
{
    auto j = nlohmann::json::parse(alertmanager_body(alert(7)));
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 1);
    CHECK(j[0]["labels"]["alertname"] == "Read of a sensitive file");
    CHECK(j[0]["labels"]["priority"] == "Warning");
    CHECK(j[0]["labels"]["source"] == "syscall");
    CHECK(j[0]["labels"]["hostname"] == "node-1");
    CHECK(j[0]["labels"]["tags"] == "filesystem,mitre_credential_access");
    CHECK(j[0]["annotations"]["description"] == alert(7).text);
    CHECK(j[0]["annotations"]["fd_name"] == "/etc/shadow");
    CHECK(j[0]["annotations"]["proc_pid"] == "4242");
    CHECK(j[0]["annotations"]["fd_sip"] == "<NA>");
    CHECK(j[0]["startsAt"] == "2026-12-04T08:00:00.000000001Z");
}

TEST_CASE("rate limit: a token bucket per rule, and a summary of what it held back")
{
    GateConfig cfg;
    cfg.rate_limit = true;
    cfg.rate = 1;
    cfg.burst = 3;
    cfg.summary_interval_ns = 60'000'000'000ULL;
    AlertGate g(cfg);
    const uint64_t s = 1'000'000'000ULL, t0 = 1000 * s;
    int shipped = 0;
    for (int i = 0; i < 10; i++)
        shipped += g.admit("R", "m" + std::to_string(i), i < 7 ? "cat" : "bash", t0);
    CHECK(shipped == 3);  // the burst
    CHECK(g.admit("Other", "m", "cat", t0));  // buckets are per rule
    CHECK_FALSE(g.admit("R", "m", "cat", t0 + s / 2));
    CHECK(g.admit("R", "m", "cat", t0 + 2 * s));  // refilled at 1/s
    CHECK(g.suppressed() == 8);
    CHECK(g.summaries(t0 + 30 * s).empty());  // not yet a minute
    auto sums = g.summaries(t0 + 60 * s);
    REQUIRE(sums.size() == 1);
    CHECK(sums[0].line() == "rule 'R' suppressed 8 times in the last 60s (rate limit 8, duplicates 0), top processes: "
                            "cat (5), bash (3)");
    // and as an alert of its own, for the outputs
    Shipped a = suppressed_alert(sums[0], "node-1", 1700000000123456789ULL, true);
    CHECK(a.text == "2023-11-14T22:13:20.123456789Z: Notice " + sums[0].line());
    CHECK(a.priority == Priority::Notice);
    auto j = nlohmann::json::parse(a.json);
    CHECK(j["rule"] == "tripline suppressed alerts");
    CHECK(j["output"] == a.text);
    CHECK(j["output_fields"]["tripline.suppressed_rule"] == "R");
    CHECK(j["output_fields"]["tripline.rate_limited"] == 8);
    CHECK(j["output_fields"]["tripline.top_processes"] == "cat (5), bash (3)");
    CHECK(g.summaries(t0 + 120 * s).empty());  // counts restart
    int later = 0;
    for (int i = 0; i < 4; i++)
        later += g.admit("R", "m", "bash", t0 + 121 * s);  // the bucket is full again
    CHECK(later == 3);
    auto at_exit = g.summaries(t0 + 122 * s, true);  // at exit: before the interval has passed
    REQUIRE(at_exit.size() == 1);
    CHECK(at_exit[0].rate_limited == 1);
    CHECK(with_commas(1204) == "1,204");
    CHECK(with_commas(1234567) == "1,234,567");
    CHECK(with_commas(12) == "12");
}

TEST_CASE("dedup: identical alerts within the window are held back")
{
    GateConfig cfg;
    cfg.dedup = true;
    cfg.dedup_window_ns = 10'000'000'000ULL;
    AlertGate g(cfg);
    const uint64_t s = 1'000'000'000ULL;
    CHECK(g.admit("R", "same", "cat", 0));
    CHECK_FALSE(g.admit("R", "same", "cat", 5 * s));
    CHECK(g.admit("R", "different", "cat", 5 * s));
    CHECK(g.admit("Q", "same", "cat", 5 * s));  // another rule's alert is not a duplicate
    CHECK(g.admit("R", "same", "cat", 11 * s));  // the window has passed
    auto sums = g.summaries(61 * s);
    REQUIRE(sums.size() == 1);
    CHECK(sums[0].rule == "R");
    CHECK(sums[0].duplicates == 1);
    CHECK(sums[0].rate_limited == 0);
}

TEST_CASE("append_output: extra text and fields, by rule, tag and source")
{
    Ruleset rs = tltest::must_compile(R"(
- rule: Read hosts
  condition: proc.name = cat
  output: "read %fd.name"
  desc: d
  priority: WARNING
  tags: [filesystem]
)");
    Event e = tltest::make_event(TL_CLASS_OPEN, TL_EVT_OPENAT);
    Context ctx;
    ctx.hostname = "node-1";
    std::vector<AppendSpec> specs(4);
    specs[0].extra_output = "(pid=%proc.pid container=%container.id rule_id=%tripline.rule_id gen=%tripline.generation)";
    specs[0].extra_fields = {{"container.id", ""}, {"tripline.rule_id", ""}, {"host", "%evt.hostname"}};
    specs[1].tags = {"filesystem"};
    specs[1].rule = "Read *";
    specs[1].extra_output = "k8s=%k8s.ns.name";
    specs[2].tags = {"network"};  // the rule lacks it: not applied
    specs[2].extra_output = "NOT";
    specs[3].source = "k8s_audit";
    specs[3].extra_output = "NOT";
    std::string why;
    auto app = Appender::build(specs, &why);
    INFO(why);
    REQUIRE(app);
    Alert a = make_alert(rs.rules[0], e, ctx, 0);
    app->apply(a, e, ctx, 0, 2);
    CHECK(a.message == "read /etc/hosts (pid=4242 container=host rule_id=0 gen=2) k8s=<NA>");
    std::map<std::string, std::string> fields;
    for (const auto& [k, v] : a.fields)
        fields[k] = render_value(v);
    CHECK(fields["fd.name"] == "/etc/hosts");
    CHECK(fields["container.id"] == "host");
    CHECK(fields["tripline.rule_id"] == "0");
    CHECK(fields["host"] == "node-1");
    auto j = nlohmann::json::parse(format_json(a, "node-1"));
    CHECK(j["output_fields"]["tripline.rule_id"] == 0);  // typed, not text
    CHECK(j["output"].get<std::string>().find("gen=2") != std::string::npos);
}

}
