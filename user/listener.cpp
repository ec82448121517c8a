// Listening sockets; see listener.h.
#include "user/listener.h"

#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "user/log.h"

namespace tripline {

namespace {

constexpr int kIoTimeoutSeconds = 2;

std::string errno_text() { return std::strerror(errno); }

void set_timeouts(int fd)
{
    struct timeval tv {};
    tv.tv_sec = kIoTimeoutSeconds;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

}  // namespace

Result<std::unique_ptr<Listener>> Listener::make(Fd sock, std::string address, std::string unlink_path,
                                                 Handler handler)
{
    Fd stop(eventfd(0, EFD_CLOEXEC));
    if (!stop)
        return Error{"creating the stop event of " + address + ": " + errno_text()};
    return std::unique_ptr<Listener>(
        new Listener(std::move(sock), std::move(stop), std::move(address), std::move(unlink_path), std::move(handler)));
}

Listener::Listener(Fd sock, Fd stop, std::string address, std::string unlink_path, Handler handler)
    : sock_(std::move(sock)), stop_(std::move(stop)), address_(std::move(address)),
      unlink_path_(std::move(unlink_path)), handler_(std::move(handler)), thread_([this] { serve(); })
{
}

Listener::~Listener()
{
    const uint64_t one = 1;
    if (write(stop_.get(), &one, sizeof(one)) != sizeof(one))
        log::error("stopping the listener on " + address_ + ": " + errno_text());
    thread_.join();
    if (!unlink_path_.empty())
        unlink(unlink_path_.c_str());
}

void Listener::serve()
{
    for (;;) {
        struct pollfd fds[2] = {{sock_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            log::error("waiting for connections on " + address_ + ": " + errno_text());
            return;
        }
        if (fds[1].revents)
            return;
        Fd conn(accept4(sock_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!conn)
            continue;  // the client went away before we took it
        set_timeouts(conn.get());
        handler_(conn.get());
    }
}

Result<std::unique_ptr<Listener>> Listener::unix_stream(const std::string& path, Handler handler)
{
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path))
        return Error{"control socket path " + path + " is longer than " + std::to_string(sizeof(addr.sun_path) - 1) +
                     " bytes"};
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    Fd sock(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock)
        return Error{"creating the control socket: " + errno_text()};
    // only root (the agent's user) may ask: the umask covers the window before chmod
    const mode_t old = umask(0177);
    const int bound = bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    umask(old);
    if (bound)
        return Error{"binding the control socket " + path + ": " + errno_text()};
    if (listen(sock.get(), 8))
        return Error{"listening on the control socket " + path + ": " + errno_text()};
    return make(std::move(sock), path, path, std::move(handler));
}

Result<std::unique_ptr<Listener>> Listener::tcp(const std::string& host_port, Handler handler)
{
    const auto colon = host_port.rfind(':');
    if (colon == std::string::npos || colon + 1 == host_port.size())
        return Error{"metrics address '" + host_port + "' is not HOST:PORT"};
    std::string host = host_port.substr(0, colon);
    const std::string port = host_port.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    struct addrinfo hints {}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0)
        return Error{"metrics address '" + host_port + "': " + gai_strerror(rc)};
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(res, freeaddrinfo);
    Fd sock(socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock)
        return Error{"creating the metrics socket: " + errno_text()};
    const int one = 1;
    setsockopt(sock.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(sock.get(), res->ai_addr, res->ai_addrlen))
        return Error{"binding the metrics endpoint to " + host_port + ": " + errno_text()};
    if (listen(sock.get(), 16))
        return Error{"listening on " + host_port + ": " + errno_text()};
    struct sockaddr_storage bound {};
    socklen_t len = sizeof(bound);
    char h[NI_MAXHOST] = {}, p[NI_MAXSERV] = {};
    std::string address = host_port;
    if (getsockname(sock.get(), reinterpret_cast<sockaddr*>(&bound), &len) == 0 &&
        getnameinfo(reinterpret_cast<sockaddr*>(&bound), len, h, sizeof(h), p, sizeof(p),
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        address = (bound.ss_family == AF_INET6 ? "[" + std::string(h) + "]" : std::string(h)) + ":" + p;
    return make(std::move(sock), address, "", std::move(handler));
}

std::optional<std::string> read_request(int fd, std::string_view terminator, size_t limit)
{
    std::string buf;
    char chunk[1024];
    while (buf.find(terminator) == std::string::npos) {
        const ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return std::nullopt;  // a timeout included
        if (n == 0)
            break;
        buf.append(chunk, static_cast<size_t>(n));
        if (buf.size() > limit)
            return std::nullopt;
    }
    return buf;
}

bool write_all(int fd, std::string_view data)
{
    while (!data.empty()) {
        const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

}  // namespace tripline
