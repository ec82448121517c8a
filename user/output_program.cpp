// program output: `sh -c COMMAND` gets one alert per line on its stdin and
// is started again when it has died. Its stdin is one end of a socket pair
// rather than a pipe, so a dead reader is an EPIPE error from send(), not a
// SIGPIPE for the whole agent. It runs in its own process group, so the
// terminal's Ctrl-C stops the agent, which then drains to it and closes it.
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>

#include "user/fd.h"
#include "user/log.h"
#include "user/sinks.h"

extern char** environ;

namespace tripline {

namespace {

class Child {
public:
    static Result<std::unique_ptr<Child>> start(const std::string& command)
    {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
            return Error{std::string("socketpair: ") + std::strerror(errno)};
        Fd ours(sv[0]), theirs(sv[1]);
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        posix_spawn_file_actions_init(&fa);
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_adddup2(&fa, theirs.get(), 0);  // dup2 clears CLOEXEC on fd 0
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
        const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
        pid_t pid = -1;
        int err = posix_spawn(&pid, "/bin/sh", &fa, &attr, const_cast<char**>(argv), environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        if (err != 0)
            return Error{"starting sh -c '" + command + "': " + std::strerror(err)};
        timeval tv{1, 0};  // a program that stops reading fails alerts, it does not hold the worker
        setsockopt(ours.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        return std::unique_ptr<Child>(new Child(pid, std::move(ours)));
    }

    ~Child()
    {
        in_.reset();  // EOF: a well-behaved program finishes and exits
        for (int i = 0; i < 100 && !exited(); i++)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (!exited()) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }

    // reaps it when it has exited; the status says how
    bool exited()
    {
        if (status_)
            return true;
        int st = 0;
        if (waitpid(pid_, &st, WNOHANG) == pid_)
            status_ = st;
        return status_.has_value();
    }
    std::string how() const
    {
        if (!status_)
            return "running";
        return WIFSIGNALED(*status_) ? "killed by signal " + std::to_string(WTERMSIG(*status_))
                                     : "exited with status " + std::to_string(WEXITSTATUS(*status_));
    }

    // 0 or an errno
    int write_line(const std::string& line)
    {
        for (size_t off = 0; off < line.size();) {
            ssize_t n = send(in_.get(), line.data() + off, line.size() - off, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return errno;
            }
            off += static_cast<size_t>(n);
        }
        return 0;
    }

private:
    Child(pid_t pid, Fd in) : pid_(pid), in_(std::move(in)) {}
    pid_t pid_;
    Fd in_;
    std::optional<int> status_;
};

class ProgramSink : public Sink {
public:
    ProgramSink(std::string command, bool json) : command_(std::move(command)), json_(json) {}
    std::string name() const override { return "program"; }

    Result<Ok> deliver(const Shipped& a, const std::atomic<bool>&) override
    {
        const std::string line = (json_ ? a.json : a.text) + "\n";
        int err = 0;
        // a program that died is started again, once per alert
        for (int attempt = 0; attempt < 2; attempt++) {
            if (!child_ || child_->exited()) {
                if (child_ && restarts_++ == 0)
                    log::warn("program output: '" + command_ + "' " + child_->how() + "; starting it again");
                child_.reset();
                auto c = Child::start(command_);
                if (!c)
                    return Error{c.error()};
                child_ = std::move(*c);
            }
            err = child_->write_line(line);
            if (err == 0)
                return Ok{};
            if (err == EAGAIN || err == EWOULDBLOCK)
                return Error{"'" + command_ + "' is not reading its input"};
            child_->exited();  // EPIPE: it is gone, or going
            child_.reset();
        }
        return Error{"writing to '" + command_ + "': " + std::strerror(err)};
    }

private:
    const std::string command_;
    const bool json_;
    std::unique_ptr<Child> child_;
    uint64_t restarts_ = 0;
};

}  // namespace

std::unique_ptr<Sink> program_sink(const std::string& command, bool json)
{
    return std::make_unique<ProgramSink>(command, json);
}

}  // namespace tripline
