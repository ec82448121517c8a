// syslog output: one datagram per alert on a local unix socket (/dev/log by
// default), in RFC 3164's local form (glibc's syslog(3): no hostname, what a
// default /dev/log receiver parses) or RFC 5424. The alert's priority is the
// syslog severity: Falco's priorities are syslog's, in the same order.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "user/fd.h"
#include "user/sinks.h"

namespace tripline {

int syslog_facility(const std::string& name)
{
    static const char* names[] = {"kern",  "user",     "mail", "daemon", "auth", "syslog", "lpr",
                                  "news",  "uucp",     "cron", "authpriv", "ftp"};
    for (int i = 0; i < 12; i++)
        if (name == names[i])
            return i;
    if (name.size() == 6 && name.rfind("local", 0) == 0 && name[5] >= '0' && name[5] <= '7')
        return 16 + (name[5] - '0');
    return -1;
}

std::string syslog_message(const SyslogOptions& o, const Shipped& a, const std::string& body)
{
    const int pri = o.facility * 8 + static_cast<int>(a.priority);
    const time_t secs = static_cast<time_t>(a.time_ns / 1000000000ULL);
    struct tm tm {};
    char stamp[64];
    if (o.rfc3164) {
        localtime_r(&secs, &tm);
        strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
        return "<" + std::to_string(pri) + ">" + stamp + " " + o.app_name + "[" + std::to_string(getpid()) +
               "]: " + body;
    }
    gmtime_r(&secs, &tm);
    size_t n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    // RFC 5424 allows six fractional digits at most
    snprintf(stamp + n, sizeof(stamp) - n, ".%06lluZ",
             static_cast<unsigned long long>(a.time_ns % 1000000000ULL / 1000));
    return "<" + std::to_string(pri) + ">1 " + stamp + " " + (o.hostname.empty() ? "-" : o.hostname) + " " +
           o.app_name + " " + std::to_string(getpid()) + " - - " + body;
}

std::string syslog_message(const SyslogOptions& o, const Shipped& a) { return syslog_message(o, a, a.text); }

namespace {

class SyslogSink : public Sink {
public:
    SyslogSink(SyslogOptions o, bool json) : opts_(std::move(o)), json_(json) {}
    std::string name() const override { return "syslog"; }

    Result<Ok> deliver(const Shipped& a, const std::atomic<bool>&) override
    {
        const std::string msg = syslog_message(opts_, a, json_ ? a.json : a.text);
        // a restarted syslog daemon makes a new socket: connect again once
        for (int attempt = 0; attempt < 2; attempt++) {
            if (!fd_ && !connect_socket())
                continue;
            if (send(fd_.get(), msg.data(), msg.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(msg.size()))
                return Ok{};
            why_ = std::strerror(errno);
            fd_.reset();
        }
        return Error{"sending to " + opts_.socket + ": " + why_};
    }

private:
    bool connect_socket()
    {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (opts_.socket.size() >= sizeof(addr.sun_path)) {
            why_ = "socket path too long";
            return false;
        }
        std::memcpy(addr.sun_path, opts_.socket.c_str(), opts_.socket.size() + 1);
        Fd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        // a receiver that stops reading must not hold the worker for long
        timeval tv{1, 0};
        if (!fd || setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
            connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
            why_ = std::strerror(errno);
            return false;
        }
        fd_ = std::move(fd);
        return true;
    }

    SyslogOptions opts_;
    const bool json_;
    Fd fd_;
    std::string why_;
};

}  // namespace

std::unique_ptr<Sink> syslog_sink(SyslogOptions opts, bool json)
{
    return std::make_unique<SyslogSink>(std::move(opts), json);
}

}  // namespace tripline
