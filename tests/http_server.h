// A small HTTP/1.1 server on 127.0.0.1 for the output tests: it records each
// request and answers with a fixed status, after an optional delay (a slow
// receiver). One connection at a time, keep-alive honoured, as curl uses it.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tltest {

struct HttpRequest {
    std::string method, path, body;
    std::map<std::string, std::string> headers;  // names in lower case
};

class HttpServer {
public:
    explicit HttpServer(int status = 200, std::chrono::milliseconds delay = std::chrono::milliseconds(0));
    ~HttpServer();
    uint16_t port() const { return port_; }
    std::string url(const std::string& path = "/") const;
    std::vector<HttpRequest> requests();
    // waits until at least n requests arrived, or the timeout; returns them
    std::vector<HttpRequest> wait_requests(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    void serve();
    void connection(int fd);
    bool sleep_unless_stopped(std::chrono::milliseconds d);

    int status_;
    std::chrono::milliseconds delay_;
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<HttpRequest> requests_;
    std::thread thread_;
};

// a loopback port nothing listens on (bound, then closed)
uint16_t dead_port();

}  // namespace tltest
