// Health and metrics: the Prometheus text exposition parsed strictly (every
// line well-formed, HELP and TYPE before a family's samples, label values
// escaped, values numeric), the live endpoint of a real agent whose counters
// move when a rule fires, `tripline stats`, and a scrape by a real
// Prometheus (Debian's package) when it is installed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/support.h"
#include "user/fd.h"
#include "user/metrics.h"

using namespace tripline;

namespace {

struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

// The text format 0.0.4, strictly: a sample's family must have had its HELP
// and TYPE, no family is described twice, no series appears twice. Returns
// the samples, or fails the test saying which line is wrong.
std::vector<Sample> parse_exposition(const std::string& text)
{
    static const std::regex name_re("[a-zA-Z_:][a-zA-Z0-9_:]*"), label_re("[a-zA-Z_][a-zA-Z0-9_]*");
    static const std::set<std::string> types{"counter", "gauge", "histogram", "summary", "untyped"};
    REQUIRE_FALSE(text.empty());
    REQUIRE(text.back() == '\n');
    std::vector<Sample> out;
    std::set<std::string> helped, typed, series;
    std::istringstream in(text);
    int lineno = 0;
    for (std::string line; std::getline(in, line);) {
        lineno++;
        INFO("line " << lineno << ": " << line);
        REQUIRE_FALSE(line.empty());
        if (line[0] == '#') {
            std::istringstream words(line);
            std::string hash, kind, name, rest;
            words >> hash >> kind >> name;
            std::getline(words, rest);
            REQUIRE(hash == "#");
            REQUIRE((kind == "HELP" || kind == "TYPE"));
            REQUIRE(std::regex_match(name, name_re));
            if (kind == "HELP") {
                REQUIRE(helped.insert(name).second);
                REQUIRE(rest.size() > 1);
            } else {
                REQUIRE(typed.insert(name).second);
                REQUIRE(types.count(rest.substr(1)) == 1);
            }
            continue;
        }
        Sample s;
        size_t at = 0;
        while (at < line.size() && line[at] != '{' && line[at] != ' ')
            at++;
        s.name = line.substr(0, at);
        REQUIRE(std::regex_match(s.name, name_re));
        REQUIRE(helped.count(s.name) == 1);  // HELP and TYPE came first
        REQUIRE(typed.count(s.name) == 1);
        if (at < line.size() && line[at] == '{') {
            at++;
            while (line.at(at) != '}') {
                const size_t eq = line.find('=', at);
                REQUIRE(eq != std::string::npos);
                const std::string label = line.substr(at, eq - at);
                REQUIRE(std::regex_match(label, label_re));
                REQUIRE(line.at(eq + 1) == '"');
                std::string value;
                size_t i = eq + 2;
                for (; line.at(i) != '"'; i++) {
                    if (line[i] == '\\') {
                        const char e = line.at(++i);
                        REQUIRE((e == '\\' || e == '"' || e == 'n'));
                        value += e == 'n' ? '\n' : e;
                    } else {
                        value += line[i];
                    }
                }
                REQUIRE(s.labels.emplace(label, value).second);
                at = i + 1;
                if (line.at(at) == ',')
                    at++;
            }
            at++;
        }
        REQUIRE(line.at(at) == ' ');
        const std::string number = line.substr(at + 1);
        char* end = nullptr;
        s.value = std::strtod(number.c_str(), &end);
        REQUIRE(!number.empty());
        REQUIRE(*end == '\0');
        REQUIRE(std::isfinite(s.value));
        std::string key = s.name;
        for (const auto& [k, v] : s.labels)
            key += "|" + k + "=" + v;
        REQUIRE(series.insert(key).second);
        out.push_back(std::move(s));
    }
    return out;
}

// the value of one series; nullopt when absent
std::optional<double> value_of(const std::vector<Sample>& samples, const std::string& name,
                               const std::map<std::string, std::string>& labels = {})
{
    for (const auto& s : samples)
        if (s.name == name && s.labels == labels)
            return s.value;
    return std::nullopt;
}

// GET over loopback with a plain socket: status line, headers and body
std::optional<std::string> http_get(uint16_t port, const std::string& target)
{
    Fd sock(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    struct sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv {};
    tv.tv_sec = 10;
    setsockopt(sock.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)))
        return std::nullopt;
    const std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (write(sock.get(), req.data(), req.size()) != static_cast<ssize_t>(req.size()))
        return std::nullopt;
    std::string resp;
    char buf[4096];
    for (ssize_t n; (n = read(sock.get(), buf, sizeof(buf))) > 0;)
        resp.append(buf, static_cast<size_t>(n));
    return resp;
}

std::string body_of(const std::string& resp)
{
    const auto at = resp.find("\r\n\r\n");
    return at == std::string::npos ? "" : resp.substr(at + 4);
}

uint16_t free_port()
{
    Fd sock(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    struct sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) ||
        getsockname(sock.get(), reinterpret_cast<sockaddr*>(&addr), &len))
        return 0;
    return ntohs(addr.sin_port);
}

// the port the agent said it serves /metrics on
uint16_t metrics_port(const std::string& err_path)
{
    static const std::regex re("serving metrics on http://127\\.0\\.0\\.1:([0-9]+)/metrics");
    std::smatch m;
    const std::string err = tltest::read_file(err_path);
    return std::regex_search(err, m, re) ? static_cast<uint16_t>(std::stoi(m[1])) : 0;
}

const char* kRule = R"(- rule: Metrics test "quoted" \ rule
  desc: metrics test
  condition: evt.type in (open, openat) and proc.name = tl-metrics-trig and fd.name startswith /tmp/tripline-metrics-
  output: metrics test opened %fd.name
  priority: NOTICE
)";

void trigger(const std::string& dir)
{
    const std::string path = dir + "/target";
    REQUIRE(tltest::run_child([&path]() {
                prctl(PR_SET_NAME, "tl-metrics-trig");
                int fd = open(path.c_str(), O_RDONLY | O_CREAT, 0600);
                return fd < 0 ? 1 : (close(fd), 0);
            }) == 0);
}

}  // namespace

TEST_SUITE("metrics") {

TEST_CASE("exposition: every family described first, label values escaped, values numeric")
{
    Health h;
    h.generation = 3;
    h.rule_matches["plain"] = 2;
    h.rule_matches["a \"quoted\" back\\slash and\nnewline"] = 5;
    h.kernel[TL_CLASS_OPEN][TL_CNT_SEEN] = 100;
    h.kernel[TL_CLASS_OPEN][TL_CNT_DROPPED_EARLY] = 90;
    h.kernel[TL_CLASS_OPEN][TL_CNT_DROPPED] = 7;
    h.kernel[TL_CLASS_OPEN][TL_CNT_EMITTED] = 3;
    h.confirm.rejected = 1;
    h.outputs.push_back({"stdout", 3, 0, 1, 2});
    h.programs.push_back({"open_exit", 12345, 10});
    h.cpu_seconds = 0.25;
    h.rss_bytes = 4096;
    const auto samples = parse_exposition(to_prometheus(h));
    CHECK(value_of(samples, "tripline_rule_matches_total", {{"rule", "a \"quoted\" back\\slash and\nnewline"}}) == 5);
    CHECK(value_of(samples, "tripline_kernel_events_total", {{"class", "open"}, {"outcome", "dropped"}}) == 97);
    CHECK(value_of(samples, "tripline_kernel_events_total", {{"class", "exec"}, {"outcome", "lost"}}) == 0);
    CHECK(value_of(samples, "tripline_confirm_rejected_total") == 1);
    CHECK(value_of(samples, "tripline_output_dropped_total", {{"output", "stdout"}}) == 1);
    CHECK(value_of(samples, "tripline_output_queue_depth", {{"output", "stdout"}}) == 2);
    CHECK(value_of(samples, "tripline_agent_cpu_seconds_total") == doctest::Approx(0.25));
    CHECK(value_of(samples, "tripline_bpf_run_time_ns_total", {{"program", "open_exit"}}) == 12345);
    CHECK(value_of(samples, "tripline_bpf_run_count_total", {{"program", "open_exit"}}) == 10);
    CHECK(value_of(samples, "tripline_ruleset_generation") == 3);
    CHECK(prometheus_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
    // the table reads the same numbers back from JSON
    const std::string table = format_table(nlohmann::json::parse(to_json(h).dump()));
    CHECK(std::regex_search(table, std::regex("\nopen +100 +97 +3 +0\n")));
    CHECK(table.find("open_exit") != std::string::npos);
    CHECK(table.find("      5  a \"quoted\"") != std::string::npos);
}

TEST_CASE("a live agent: /metrics moves when a rule fires, other paths are refused, stats agrees")
{
    TL_NEED_KERNEL();
    tltest::TempDir dir("metrics");
    const std::string rules = dir.path + "/rules.yaml", sock = dir.path + "/tripline.sock";
    std::ofstream(rules) << kRule;
    const pid_t agent = tltest::start_agent({"-r", rules, "--socket", sock, "--metrics-address", "127.0.0.1:0",
                                             "-o", dir.path + "/alerts"},
                                            dir.path);
    const uint16_t port = metrics_port(dir.path + "/err");
    REQUIRE(port != 0);
    const std::string rule = R"(Metrics test "quoted" \ rule)";

    auto scrape = [&] {
        auto resp = http_get(port, "/metrics");
        REQUIRE(resp);
        REQUIRE(resp->rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
        CHECK(resp->find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
        return parse_exposition(body_of(*resp));
    };
    const auto before = scrape();
    CHECK_FALSE(value_of(before, "tripline_rule_matches_total", {{"rule", rule}}).has_value());
    trigger(dir.path);
    std::vector<Sample> after;
    for (int i = 0; i < 100; i++) {
        after = scrape();
        if (value_of(after, "tripline_rule_matches_total", {{"rule", rule}}))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(value_of(after, "tripline_rule_matches_total", {{"rule", rule}}) == 1);
    const std::map<std::string, std::string> emitted{{"class", "open"}, {"outcome", "emitted"}};
    CHECK(*value_of(after, "tripline_kernel_events_total", emitted) >
          *value_of(before, "tripline_kernel_events_total", emitted));
    CHECK(*value_of(after, "tripline_kernel_events_total", {{"class", "open"}, {"outcome", "seen"}}) >
          *value_of(after, "tripline_kernel_events_total", emitted));
    CHECK(*value_of(after, "tripline_agent_rss_bytes") > 0);
    CHECK(value_of(after, "tripline_bpf_run_count_total", {{"program", "open_exit"}}).has_value());
    CHECK(value_of(after, "tripline_ruleset_generation") == 1);

    CHECK(http_get(port, "/")->rfind("HTTP/1.0 404", 0) == 0);
    auto huge = http_get(port, "/metrics?" + std::string(20000, 'x'));
    CHECK((!huge || huge->empty() || huge->rfind("HTTP/1.0 400", 0) == 0));

    const std::string bin = tltest::build_dir() + "/tripline";
    auto table = tltest::capture({bin, "stats", "--socket", sock});
    CHECK(table.status == 0);
    CHECK(table.out.find("      1  " + rule) != std::string::npos);
    CHECK(table.out.find("class") != std::string::npos);
    nlohmann::json j;
    for (int i = 0; i < 50; i++) {  // the output's writer thread may still be writing the line
        auto json = tltest::capture({bin, "stats", "--socket", sock, "--json"});
        REQUIRE(json.status == 0);
        j = nlohmann::json::parse(json.out);
        if (j["outputs"][0]["sent"] == 1)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(j["rule_matches"][rule] == 1);
    CHECK(j["outputs"][0]["sent"] == 1);
    CHECK(j["kernel"]["open"]["emitted"].get<uint64_t>() >= 1);

    kill(agent, SIGTERM);
    CHECK(tltest::wait_exit(agent) == 0);
}

TEST_CASE("a real Prometheus scrapes the endpoint")
{
    TL_NEED_KERNEL();
    const std::string prometheus = "/usr/bin/prometheus";
    if (access(prometheus.c_str(), X_OK) != 0)
        TL_SKIP("Debian's prometheus is not installed (scripts/setup installs it), so no real scrape; the "
                "exposition is still parsed strictly by the other metrics tests");
    tltest::TempDir dir("metrics-prom");
    const std::string rules = dir.path + "/rules.yaml";
    std::ofstream(rules) << kRule;
    const pid_t agent = tltest::start_agent(
        {"-r", rules, "--no-socket", "--metrics-address", "127.0.0.1:0", "-o", dir.path + "/alerts"}, dir.path);
    const uint16_t port = metrics_port(dir.path + "/err");
    REQUIRE(port != 0);
    trigger(dir.path);

    const uint16_t web = free_port();
    REQUIRE(web != 0);
    std::ofstream(dir.path + "/prometheus.yml")
        << "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: tripline\n    static_configs:\n"
           "      - targets: ['127.0.0.1:"
        << port << "']\n";
    const pid_t prom = tltest::spawn({prometheus, "--config.file=" + dir.path + "/prometheus.yml",
                                      "--storage.tsdb.path=" + dir.path + "/data",
                                      "--web.listen-address=127.0.0.1:" + std::to_string(web)},
                                     dir.path + "/prom.out", dir.path + "/prom.err");
    // ask its HTTP API until the scraped value is there (bounded: 60 s)
    const std::string query = "/api/v1/query?query=tripline_rule_matches_total";
    nlohmann::json result;
    for (int i = 0; i < 120; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        auto resp = http_get(web, query);
        if (!resp || resp->find(" 200 ") == std::string::npos)
            continue;
        auto j = nlohmann::json::parse(body_of(*resp), nullptr, false);
        if (!j.is_discarded() && j["status"] == "success" && !j["data"]["result"].empty()) {
            result = j["data"]["result"];
            break;
        }
    }
    kill(prom, SIGTERM);
    tltest::wait_exit(prom);
    kill(agent, SIGTERM);
    CHECK(tltest::wait_exit(agent) == 0);
    INFO("prometheus said: " << tltest::read_file(dir.path + "/prom.err").substr(0, 2000));
    REQUIRE(result.is_array());
    REQUIRE(result.size() == 1);
    CHECK(result[0]["metric"]["rule"] == R"(Metrics test "quoted" \ rule)");
    CHECK(result[0]["metric"]["job"] == "tripline");
    CHECK(result[0]["value"][1] == "1");
}

}
