// Outputs against real receivers from Debian's packages, started by the test
// on private sockets and loopback ports: rsyslogd (both syslog formats, and
// the severity it parsed) and prometheus-alertmanager (the alert queried back
// from its API). Skipped loudly when the binary is not installed.
#include <curl/curl.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/http_server.h"
#include "tests/outputs_support.h"
#include "tests/support.h"
#include "user/sinks.h"

using namespace tripline;
using namespace std::chrono_literals;

namespace {

using tltest::temp_dir;
using tltest::wait_for;

Shipped alert(const std::string& message, Priority p) { return tltest::sample_alert(message, p); }

// a daemon the test started, stopped (TERM, then KILL) however the test ends
struct Daemon {
    pid_t pid = -1;
    ~Daemon()
    {
        if (pid > 0) {
            kill(pid, SIGTERM);
            if (tltest::wait_exit(pid, 5s) == -1 && kill(pid, SIGKILL) == 0)
                tltest::wait_exit(pid, 5s);
        }
    }
};

size_t collect(char* p, size_t size, size_t n, void* out)
{
    static_cast<std::string*>(out)->append(p, size * n);
    return size * n;
}

// GET with libcurl; empty when the request failed
std::string http_get(const std::string& url)
{
    std::unique_ptr<CURL, void (*)(CURL*)> c(curl_easy_init(), curl_easy_cleanup);
    std::string body;
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &body);
    long status = 0;
    if (curl_easy_perform(c.get()) != CURLE_OK ||
        (curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status), status != 200))
        return "";
    return body;
}

}  // namespace

TEST_SUITE("receivers") {

TEST_CASE("syslog: a real rsyslogd receives RFC 3164 and RFC 5424 alerts with their severity")
{
    const char* rsyslogd = "/usr/sbin/rsyslogd";
    if (access(rsyslogd, X_OK) != 0)
        TL_SKIP("rsyslogd is not installed (Debian package rsyslog; scripts/setup installs it)");
    std::string dir = temp_dir("rsyslog");
    // two private sockets, never /dev/log: 3164 with imuxsock's local parser
    // (what a default /dev/log gets), 5424 with the full parser chain
    std::ofstream(dir + "/rsyslog.conf") << "global(workDirectory=\"" << dir << "\")\n"
        << "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
        << "input(type=\"imuxsock\" Socket=\"" << dir << "/3164.sock\")\n"
        << "input(type=\"imuxsock\" Socket=\"" << dir << "/5424.sock\" UseSpecialParser=\"off\" ParseHostname=\"on\")\n"
        << "template(name=\"t\" type=\"string\" string=\"%syslogseverity-text% %syslogfacility-text% "
           "%programname% %hostname% |%msg%|\\n\")\n"
        << "*.* action(type=\"omfile\" file=\"" << dir << "/out.log\" template=\"t\")\n";
    Daemon d;
    d.pid = tltest::spawn({rsyslogd, "-n", "-f", dir + "/rsyslog.conf", "-i", dir + "/rsyslogd.pid"},
                          dir + "/stdout", dir + "/stderr");
    if (!wait_for([&] {
            return std::filesystem::exists(dir + "/3164.sock") && std::filesystem::exists(dir + "/5424.sock");
        }))
        TL_SKIP("rsyslogd did not start: " + tltest::read_file(dir + "/stderr"));
    SyslogOptions o3164, o5424;
    o3164.socket = dir + "/3164.sock";
    o3164.rfc3164 = true;
    o3164.facility = syslog_facility("local3");
    o5424.socket = dir + "/5424.sock";
    o5424.hostname = "node-1";
    o5424.facility = syslog_facility("local5");
    {
        Outputs outs;
        outs.add(syslog_sink(o3164, false), 10);
        outs.add(syslog_sink(o5424, false), 10);
        outs.push(alert("first alert", Priority::Error));
        outs.push(alert("second alert", Priority::Notice));
        outs.drain();
        for (const auto& c : outs.counters())
            CHECK(c.sent == 2);
    }
    const std::string out = dir + "/out.log";
    REQUIRE(wait_for([&] {
        const std::string got = tltest::read_file(out);
        return std::count(got.begin(), got.end(), '\n') >= 4;
    }));
    const std::string log = tltest::read_file(out);
    INFO(log);
    const std::string first = alert("first alert", Priority::Error).text;
    CHECK(log.find("err local3 tripline ") != std::string::npos);
    CHECK(log.find("notice local3 tripline ") != std::string::npos);
    CHECK(log.find("err local5 tripline node-1 |" + first + "|") != std::string::npos);
    CHECK(log.find("notice local5 tripline node-1 |") != std::string::npos);
    CHECK(log.find("|" + first + "|") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("syslog: no receiver: failed and counted, the output carries on")
{
    std::string dir = temp_dir("nosyslog");
    SyslogOptions o;
    o.socket = dir + "/nobody.sock";
    Outputs outs;
    outs.add(syslog_sink(o, false), 10);
    outs.push(alert("lost", Priority::Warning));
    outs.drain();
    auto c = outs.counters().at(0);
    CHECK(c.failed == 1);
    CHECK(c.sent == 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("alertmanager: a real prometheus-alertmanager on loopback lists the alert")
{
    const char* am = "/usr/bin/prometheus-alertmanager";
    if (access(am, X_OK) != 0)
        TL_SKIP("prometheus-alertmanager is not installed (Debian package prometheus-alertmanager)");
    std::string dir = temp_dir("alertmanager");
    std::ofstream(dir + "/am.yml") << "route:\n  receiver: none\nreceivers:\n  - name: none\n";
    const uint16_t port = tltest::dead_port();
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    Daemon d;
    d.pid = tltest::spawn({am, "--config.file=" + dir + "/am.yml", "--storage.path=" + dir + "/data",
                           "--web.listen-address=127.0.0.1:" + std::to_string(port), "--cluster.listen-address="},
                          dir + "/stdout", dir + "/stderr");
    if (!wait_for([&] { return !http_get(base + "/-/ready").empty(); }, 20s))
        TL_SKIP("prometheus-alertmanager did not become ready: " + tltest::read_file(dir + "/stderr"));
    HttpConfig cfg;
    cfg.enabled = true;
    cfg.url = base;
    {
        Outputs outs;
        outs.add(alertmanager_sink(cfg), 10);
        outs.push(alert("alert for alertmanager", Priority::Critical));
        outs.drain_timeout = 5s;
        outs.drain();
        auto c = outs.counters().at(0);
        CHECK(c.name == "alertmanager");
        CHECK(c.sent == 1);
    }
    nlohmann::json alerts;
    REQUIRE(wait_for([&] {
        std::string body = http_get(base + "/api/v2/alerts");
        alerts = body.empty() ? nlohmann::json::array() : nlohmann::json::parse(body);
        return !alerts.empty();
    }));
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0]["labels"]["alertname"] == "Read of a sensitive file");
    CHECK(alerts[0]["labels"]["priority"] == "Critical");
    CHECK(alerts[0]["labels"]["hostname"] == "node-1");
    CHECK(alerts[0]["annotations"]["fd_name"] == "/etc/shadow");
    CHECK(alerts[0]["annotations"]["description"].get<std::string>().find("alert for alertmanager") !=
          std::string::npos);
    std::filesystem::remove_all(dir);
}

}
