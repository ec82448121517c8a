// tripline.yaml: every section read with its type, the -o overrides, and the
// refusals that name the key, where it was set and why.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support.h"
#include "user/config.h"

using namespace tripline;

namespace {

Config must_parse(const std::string& yaml, const std::vector<std::string>& overrides = {})
{
    auto c = parse_config(yaml, "t.yaml", overrides);
    INFO(c.error());
    REQUIRE(c.ok());
    return *c;
}

std::string refusal(const std::string& yaml, const std::vector<std::string>& overrides = {})
{
    auto c = parse_config(yaml, "t.yaml", overrides);
    REQUIRE_FALSE(c.ok());
    return c.error();
}

}  // namespace

TEST_SUITE("config") {

TEST_CASE("defaults: stdout only, text, no gate")
{
    Config c = must_parse("");
    CHECK(c.stdout_enabled);
    CHECK_FALSE(c.file_enabled);
    CHECK_FALSE(c.http.enabled);
    CHECK_FALSE(c.json_output);
    CHECK(c.time_format_iso_8601);
    CHECK_FALSE(c.gate.rate_limit);
    CHECK(c.outputs_queue_capacity == 65536);
    CHECK(c.log_level == "info");
}

TEST_CASE("the example config in docs/ is valid and sets what it says")
{
    auto c = load_config(tltest::repo_dir() + "/docs/tripline.yaml", true, {});
    INFO(c.error());
    REQUIRE(c.ok());
    CHECK(c->priority == Priority::Notice);
    CHECK(c->stdout_enabled);
    CHECK(c->http.timeout_ms == 2000);
}

TEST_CASE("every section, typed")
{
    Config c = must_parse(R"(
rules_files: [/etc/tripline/rules.d, extra.yaml]
priority: warning
rules:
  - disable: {rule: "*"}
  - enable: {tag: network}
json_output: true
time_format_iso_8601: false
stdout_output: {enabled: false}
file_output: {enabled: true, filename: /var/log/tripline.json}
syslog_output: {enabled: true, socket: /run/x.sock, format: rfc5424, facility: local3, app_name: tl}
program_output: {enabled: true, program: "jq -c . >> /tmp/x"}
http_output:
  enabled: true
  url: https://sidekick:2801/
  ca_cert: /etc/ca.pem
  client_cert: /etc/c.pem
  client_key: /etc/c.key
  insecure: true
  headers: {Authorization: Bearer x, X-Team: sec}
  timeout_ms: 500
  retries: 5
  backoff_ms: 50
alertmanager_output: {enabled: true, url: "http://127.0.0.1:9093"}
append_output:
  - match: {rule: "Write*", source: syscall, tags: [filesystem]}
    extra_output: "pid=%proc.pid rule_id=%tripline.rule_id"
    extra_fields: [container.id, {gen: "%tripline.generation"}]
outputs_queue: {capacity: 100, drain_timeout_ms: 300}
rate_limit: {enabled: true, rate: 0.5, burst: 3, summary_interval_s: 30}
dedup: {enabled: true, window_s: 5}
metrics: {enabled: true, listen_address: 0.0.0.0, port: 9376}
log_level: warning
buffers: {ring_buffer_mb: 32}
)");
    CHECK(c.rules_files == std::vector<std::string>{"/etc/tripline/rules.d", "extra.yaml"});
    CHECK(c.priority == Priority::Warning);
    REQUIRE(c.rules.size() == 2);
    CHECK_FALSE(c.rules[0].enable);
    CHECK(c.rules[0].pattern == "*");
    CHECK(c.rules[1].by_tag);
    CHECK(c.json_output);
    CHECK_FALSE(c.time_format_iso_8601);
    CHECK_FALSE(c.stdout_enabled);
    CHECK(c.file_filename == "/var/log/tripline.json");
    CHECK(c.syslog_format == "rfc5424");
    CHECK(c.syslog_facility == "local3");
    CHECK(c.program_command == "jq -c . >> /tmp/x");
    CHECK(c.http.headers.at("Authorization") == "Bearer x");
    CHECK(c.http.timeout_ms == 500);
    CHECK(c.http.retries == 5);
    CHECK(c.http.insecure);
    CHECK(c.alertmanager.enabled);
    REQUIRE(c.append_output.size() == 1);
    CHECK(c.append_output[0].tags == std::vector<std::string>{"filesystem"});
    CHECK(c.append_output[0].extra_fields.size() == 2);
    CHECK(c.append_output[0].extra_fields[1].first == "gen");
    CHECK(c.outputs_queue_capacity == 100);
    CHECK(c.gate.rate == 0.5);
    CHECK(c.gate.burst == 3);
    CHECK(c.gate.summary_interval_ns == 30'000'000'000ULL);
    CHECK(c.gate.dedup_window_ns == 5'000'000'000ULL);
    CHECK(c.metrics_enabled);
    CHECK(c.metrics_port == 9376);
    CHECK(c.log_level == "warning");
    CHECK(c.ring_buffer_bytes == 32u << 20);
}

TEST_CASE("refusals name the key, the file and line, and why")
{
    CHECK(refusal("json_output: true\nhttp_outptu: {}\n") ==
          "t.yaml:2: http_outptu: unknown key (known here: alertmanager_output, append_output, buffers, dedup, "
          "file_output, http_output, json_output, log_level, metrics, outputs_queue, priority, program_output, "
          "rate_limit, rules, rules_file, rules_files, stdout_output, syslog_output, time_format_iso_8601)");
    CHECK(refusal("http_output:\n  timeout_ms: soon\n") ==
          "t.yaml:2: http_output.timeout_ms: expected an integer, got 'soon'");
    CHECK(refusal("http_output:\n  enabled: true\n  url: ftp://x\n") ==
          "t.yaml:3: http_output.url: an http:// or https:// URL is required when enabled");
    CHECK(refusal("stdout_output: {enabled: maybe}\n").find("stdout_output.enabled: expected true or false") !=
          std::string::npos);
    CHECK(refusal("syslog_output: {format: rfc9999}\n").find("expected one of rfc5424, rfc3164") != std::string::npos);
    CHECK(refusal("syslog_output: {facility: local9}\n").find("syslog_output.facility") != std::string::npos);
    CHECK(refusal("priority: loud\n").find("t.yaml:1: priority: unknown priority") != std::string::npos);
    CHECK(refusal("file_output: {enabled: true}\n").find("file_output.filename: required") != std::string::npos);
    CHECK(refusal("metrics: {port: 70000}\n").find("metrics.port: must be between 1 and 65535") != std::string::npos);
    CHECK(refusal("buffers: {ring_buffer_mb: 3}\n").find("power of two") != std::string::npos);
    CHECK(refusal("rate_limit: {rate: 0}\n").find("rate_limit.rate: must be at least") != std::string::npos);
    CHECK(refusal("rules:\n  - enable: {rulez: x}\n").find("rules[0].enable.rulez: unknown key") != std::string::npos);
    CHECK(refusal("append_output:\n  - extra_output: '%proc.nme'\n")
              .find("append_output[0].extra_output: unknown field 'proc.nme'") != std::string::npos);
    CHECK(refusal("append_output:\n  - extra_output: '%tripline.nope'\n").find("tripline.nope") != std::string::npos);
    CHECK(refusal("http_output: {client_cert: /c.pem}\n").find("client_cert and client_key go together") !=
          std::string::npos);
    CHECK(refusal("http_output: [1, 2]\n").find("http_output: expected a mapping") != std::string::npos);
    CHECK(refusal("json_output: [\n").find("t.yaml:2: invalid YAML") != std::string::npos);
}

TEST_CASE("-o key=value overrides, YAML-typed, checked like the file")
{
    Config c = must_parse("http_output:\n  url: http://a/\n  retries: 1\n",
                          {"http_output.retries=7", "http_output.enabled=true", "rules_files=[a.yaml, b.yaml]",
                           "http_output.headers.X-Key=abc", "dedup.enabled=yes"});
    CHECK(c.http.retries == 7);
    CHECK(c.http.enabled);
    CHECK(c.http.url == "http://a/");
    CHECK(c.http.headers.at("X-Key") == "abc");
    CHECK(c.rules_files.size() == 2);
    CHECK(c.gate.dedup);
    // the same refusals, saying it came from the command line
    CHECK(refusal("", {"http_output.retries=many"}) ==
          "-o http_output.retries=many: http_output.retries: expected an integer, got 'many'");
    CHECK(refusal("", {"nosuch.key=1"}).find("-o nosuch.key=1: nosuch: unknown key") != std::string::npos);
    CHECK(refusal("json_output: true\n", {"json_output.x=1"}).find("json_output is not a section") !=
          std::string::npos);
    CHECK(refusal("", {"=1"}).find("expected key=value") != std::string::npos);
}

TEST_CASE("a missing -c file is an error; a missing default file means defaults")
{
    auto missing = load_config(std::string("/nonexistent/tripline.yaml"), true, {});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error() == "/nonexistent/tripline.yaml: no such file");
    auto defaults = load_config(std::string("/nonexistent/tripline.yaml"), false, {"json_output=true"});
    REQUIRE(defaults.ok());
    CHECK(defaults->json_output);
}

}
