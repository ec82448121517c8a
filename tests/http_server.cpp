// The test HTTP server; see http_server.h.
#include "tests/http_server.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace tltest {

namespace {

int loopback_listener(uint16_t* port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("test HTTP server: cannot listen on 127.0.0.1");
    *port = ntohs(a.sin_port);
    return fd;
}

// waits up to 100 ms for fd to be readable
bool readable(int fd) { pollfd p{fd, POLLIN, 0}; return poll(&p, 1, 100) > 0; }

}  // namespace

uint16_t dead_port()
{
    uint16_t port = 0;
    close(loopback_listener(&port));
    return port;
}

HttpServer::HttpServer(int status, std::chrono::milliseconds delay) : status_(status), delay_(delay)
{
    listen_fd_ = loopback_listener(&port_);
    thread_ = std::thread([this] { serve(); });
}

HttpServer::~HttpServer()
{
    stop_ = true;
    thread_.join();
    close(listen_fd_);
}

std::string HttpServer::url(const std::string& path) const
{
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<HttpRequest> HttpServer::requests()
{
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
}

std::vector<HttpRequest> HttpServer::wait_requests(size_t n, std::chrono::milliseconds timeout)
{
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (requests().size() < n && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return requests();
}

bool HttpServer::sleep_unless_stopped(std::chrono::milliseconds d)
{
    const auto end = std::chrono::steady_clock::now() + d;
    while (!stop_ && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return !stop_;
}

void HttpServer::serve()
{
    while (!stop_) {
        if (!readable(listen_fd_))
            continue;
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        connection(fd);
        close(fd);
    }
}

void HttpServer::connection(int fd)
{
    std::string buf;
    while (!stop_) {
        size_t head_end = buf.find("\r\n\r\n");
        if (head_end == std::string::npos) {
            if (!readable(fd))
                continue;
            char chunk[4096];
            ssize_t n = read(fd, chunk, sizeof(chunk));
            if (n <= 0)
                return;  // the client closed (or timed out and gave up)
            buf.append(chunk, static_cast<size_t>(n));
            continue;
        }
        HttpRequest req;
        std::string head = buf.substr(0, head_end);
        size_t line_end = head.find("\r\n");
        std::string first = head.substr(0, line_end);
        size_t sp1 = first.find(' '), sp2 = first.find(' ', sp1 + 1);
        req.method = first.substr(0, sp1);
        req.path = first.substr(sp1 + 1, sp2 - sp1 - 1);
        for (size_t at = line_end; at != std::string::npos && at < head.size();) {
            size_t next = head.find("\r\n", at + 2);
            std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
            size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon), value = line.substr(colon + 1);
                std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
                value.erase(0, value.find_first_not_of(' '));
                req.headers[name] = value;
            }
            at = next;
        }
        size_t length = req.headers.count("content-length") ? std::stoul(req.headers["content-length"]) : 0;
        while (buf.size() < head_end + 4 + length && !stop_) {
            if (!readable(fd))
                continue;
            char chunk[4096];
            ssize_t n = read(fd, chunk, sizeof(chunk));
            if (n <= 0)
                return;
            buf.append(chunk, static_cast<size_t>(n));
        }
        req.body = buf.substr(head_end + 4, length);
        buf.erase(0, head_end + 4 + length);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            requests_.push_back(req);
        }
        if (!sleep_unless_stopped(delay_))
            return;
        std::string reply = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: 0\r\n\r\n";
        if (write(fd, reply.data(), reply.size()) < 0)
            return;
    }
}

}  // namespace tltest
