// A listening socket served by one thread: connections are accepted one at
// a time and handed to a handler, with send and receive timeouts so a client
// that stalls cannot hold the thread for long. Used by the control socket
// (unix) and the metrics endpoint (TCP).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "user/fd.h"
#include "user/result.h"

namespace tripline {

class Listener {
public:
    using Handler = std::function<void(int fd)>;

    // a unix stream socket at `path`, mode 0600, removed again by the destructor
    static Result<std::unique_ptr<Listener>> unix_stream(const std::string& path, Handler handler);
    // "HOST:PORT" (an IPv4 or bracketed IPv6 literal, or localhost); port 0 picks one
    static Result<std::unique_ptr<Listener>> tcp(const std::string& host_port, Handler handler);
    ~Listener();  // stops the thread, closes the socket
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    const std::string& address() const { return address_; }  // the path, or HOST:PORT as bound

private:
    static Result<std::unique_ptr<Listener>> make(Fd sock, std::string address, std::string unlink_path,
                                                  Handler handler);
    Listener(Fd sock, Fd stop, std::string address, std::string unlink_path, Handler handler);
    void serve();

    Fd sock_;
    Fd stop_;  // an eventfd: written once to end serve()
    std::string address_, unlink_path_;
    Handler handler_;
    std::thread thread_;
};

// Reads until `terminator` has been seen or the peer closed its side; at most
// `limit` bytes. nullopt on a timeout, an error or a longer request.
std::optional<std::string> read_request(int fd, std::string_view terminator, size_t limit);
bool write_all(int fd, std::string_view data);

}  // namespace tripline
