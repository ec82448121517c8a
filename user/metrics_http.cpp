// The metrics endpoint; see metrics_http.h.
#include "user/metrics_http.h"

#include <chrono>
#include <sstream>

namespace tripline {

namespace {

constexpr size_t kMaxRequest = 8192;

const char* reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    default: return "Service Unavailable";
    }
}

}  // namespace

std::string http_response(int status, const std::string& content_type, const std::string& body)
{
    return "HTTP/1.0 " + std::to_string(status) + " " + reason(status) + "\r\nContent-Type: " + content_type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

Result<std::unique_ptr<Listener>> serve_metrics(const std::string& host_port, Mailbox& mailbox)
{
    return Listener::tcp(host_port, [&mailbox](int fd) {
        const auto request = read_request(fd, "\r\n\r\n", kMaxRequest);
        if (!request) {
            write_all(fd, http_response(400, "text/plain", "request too long, too slow or malformed\n"));
            return;
        }
        std::istringstream line(request->substr(0, request->find("\r\n")));
        std::string method, target, version;
        line >> method >> target >> version;
        const std::string path = target.substr(0, target.find('?'));
        if (version.rfind("HTTP/", 0) != 0) {
            write_all(fd, http_response(400, "text/plain", "not an HTTP request\n"));
        } else if (path != "/metrics") {
            write_all(fd, http_response(404, "text/plain", "tripline serves /metrics only\n"));
        } else if (method != "GET" && method != "HEAD") {
            write_all(fd, http_response(405, "text/plain", "GET /metrics only\n"));
        } else if (auto body = mailbox.ask("metrics", std::chrono::seconds(5))) {
            std::string r = http_response(200, "text/plain; version=0.0.4; charset=utf-8", *body);
            if (method == "HEAD")
                r.resize(r.find("\r\n\r\n") + 4);
            write_all(fd, r);
        } else {
            write_all(fd, http_response(503, "text/plain", "the agent did not answer\n"));
        }
    });
}

}  // namespace tripline
