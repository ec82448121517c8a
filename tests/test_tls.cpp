// The webhook over HTTPS against a real TLS receiver on loopback
// (tests/tls_server.py, Python's ssl module) with certificates made for the
// test by the openssl command: the server is verified with ca_cert, mutual
// TLS with client_cert/client_key, and refused without them.
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/outputs_support.h"
#include "tests/support.h"
#include "user/sinks.h"

using namespace tripline;
using namespace std::chrono_literals;

namespace {

// a CA, a server certificate for 127.0.0.1 and a client certificate, in `dir`
std::optional<std::string> make_certs(const std::string& dir)
{
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::ofstream(dir + "/san.ext") << "subjectAltName=IP:127.0.0.1\n";
    const std::string script =
        "set -e; cd " + dir + "; " +
        "openssl req -x509 " + key + " -keyout ca.key -out ca.pem -days 1 -subj /CN=tripline-test-ca; " +
        "openssl req " + key + " -keyout srv.key -out srv.csr -subj /CN=127.0.0.1; " +
        "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 1 "
        "-extfile san.ext; " +
        "openssl req " + key + " -keyout cli.key -out cli.csr -subj /CN=tripline-client; " +
        "openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cli.pem -days 1";
    auto c = tltest::capture({"/bin/sh", "-c", script});
    if (c.status != 0)
        return "openssl: " + c.err;
    return std::nullopt;
}

struct TlsServer {
    pid_t pid = -1;
    uint16_t port = 0;
    ~TlsServer()
    {
        if (pid > 0) {
            kill(pid, SIGKILL);
            tltest::wait_exit(pid, 5s);
        }
    }
};

// sends one alert through a fresh webhook output; returns its counters
OutputCounters send_one(const HttpConfig& cfg)
{
    Outputs outs;
    outs.add(http_sink(cfg), 10);
    outs.push(tltest::sample_alert("over TLS"));
    outs.drain_timeout = 10s;
    outs.drain();
    return outs.counters().at(0);
}

}  // namespace

TEST_SUITE("outputs") {

TEST_CASE("webhook over HTTPS: ca_cert, mutual TLS with client_cert/client_key, insecure")
{
    std::string dir = tltest::temp_dir("tls");
    if (tltest::capture({"/bin/sh", "-c", "command -v openssl && command -v python3"}).status != 0)
        TL_SKIP("the TLS test needs the openssl command and python3 (scripts/setup installs both)");
    if (auto why = make_certs(dir))
        TL_SKIP("could not make test certificates: " + *why);
    TlsServer server;
    server.pid = tltest::spawn({"/bin/sh", "-c",
                                "exec python3 \"$0\" \"$1\" \"$2\" \"$3\" \"$4\" \"$5\"",
                                tltest::repo_dir() + "/tests/tls_server.py", dir + "/port", dir + "/got",
                                dir + "/srv.pem", dir + "/srv.key", dir + "/ca.pem"},
                               dir + "/stdout", dir + "/stderr");
    if (!tltest::wait_for([&] { return !tltest::read_file(dir + "/port").empty(); }))
        TL_SKIP("the TLS test server did not start: " + tltest::read_file(dir + "/stderr"));
    const std::string url = "https://127.0.0.1:" + tltest::read_file(dir + "/port") + "/tls";

    HttpConfig cfg;
    cfg.enabled = true;
    cfg.url = url;
    cfg.retries = 0;
    cfg.timeout_ms = 5000;
    cfg.ca_cert = dir + "/ca.pem";
    cfg.client_cert = dir + "/cli.pem";
    cfg.client_key = dir + "/cli.key";
    CHECK(send_one(cfg).sent == 1);
    REQUIRE(tltest::wait_for([&] { return !tltest::read_file(dir + "/got").empty(); }));
    auto got = nlohmann::json::parse(tltest::read_file(dir + "/got"));
    CHECK(got["path"] == "/tls");
    CHECK(got["client"] == "tripline-client");
    CHECK(got["body"] == tltest::sample_alert("over TLS").json);

    HttpConfig no_ca = cfg;  // the system's CAs do not know the test CA
    no_ca.ca_cert.clear();
    CHECK(send_one(no_ca).failed == 1);

    HttpConfig insecure = no_ca;  // ... unless verification is off
    insecure.insecure = true;
    CHECK(send_one(insecure).sent == 1);

    HttpConfig no_client = cfg;  // the server requires a client certificate
    no_client.client_cert.clear();
    no_client.client_key.clear();
    CHECK(send_one(no_client).failed == 1);
    std::filesystem::remove_all(dir);
}

}
