// The control socket; see control.h.
#include "user/control.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "user/fd.h"
#include "user/metrics.h"

namespace tripline {

namespace {

constexpr int kExitRules = 1, kExitSystem = 2;
constexpr size_t kMaxCommand = 256;
// a reload compiles the rules (Falco's whole ruleset: ~30 ms); generous for huge rule sets
constexpr auto kAnswerTimeout = std::chrono::seconds(60);

// a connected unix socket, or the errno of the failed connect
Result<Fd> connect_unix(const std::string& path)
{
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path))
        return Error{"control socket path " + path + " is too long"};
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    Fd sock(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock)
        return Error{std::strerror(errno)};
    if (connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)))
        return Error{std::strerror(errno)};
    return sock;
}

std::string refusal(const std::string& why) { return nlohmann::json{{"ok", false}, {"error", why}}.dump(); }

}  // namespace

Result<std::unique_ptr<Listener>> serve_control(const std::string& path, Mailbox& mailbox)
{
    if (connect_unix(path))
        return Error{"another tripline agent is already listening on " + path +
                     "; stop it, or give this one its own --socket"};
    std::error_code ec;
    std::filesystem::remove(path, ec);  // a socket left by an agent that did not stop cleanly
    const auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty() && !std::filesystem::exists(dir)) {
        std::filesystem::create_directories(dir, ec);
        if (ec)
            return Error{"creating the control socket's directory " + dir.string() + ": " + ec.message()};
        chmod(dir.c_str(), 0700);
    }
    return Listener::unix_stream(path, [&mailbox](int fd) {
        auto request = read_request(fd, "\n", kMaxCommand);
        if (!request)
            return;  // too long, or too slow: nothing worth an answer
        std::string command = *request;
        while (!command.empty() && (command.back() == '\n' || command.back() == '\r' || command.back() == ' '))
            command.pop_back();
        std::string answer;
        if (command != "stats" && command != "reload")
            answer = refusal("unknown command '" + command + "'; the agent knows stats and reload");
        else if (auto a = mailbox.ask(command, kAnswerTimeout))
            answer = *a;
        else
            answer = refusal("the agent did not answer (it is stopping, or busy)");
        write_all(fd, answer + "\n");
    });
}

Result<std::string> ask_agent(const std::string& path, const std::string& command)
{
    auto sock = connect_unix(path);
    if (!sock)
        return Error{"no tripline agent is running here (connecting to its control socket " + path + ": " +
                     sock.error() + ")"};
    struct timeval tv {};
    tv.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(kAnswerTimeout).count() + 5;
    setsockopt(sock->get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (!write_all(sock->get(), command + "\n"))
        return Error{"sending '" + command + "' to the agent on " + path + ": " + std::strerror(errno)};
    shutdown(sock->get(), SHUT_WR);
    auto answer = read_request(sock->get(), "\n", 64 << 20);
    if (!answer || answer->empty())
        return Error{"the agent on " + path + " did not answer '" + command + "'"};
    return *answer;
}

namespace {

// the agent's answer as JSON, or an exit code after saying what went wrong
Result<nlohmann::json> ask_json(const std::string& path, const std::string& command)
{
    auto answer = ask_agent(path, command);
    if (!answer)
        return Error{answer.error()};
    auto j = nlohmann::json::parse(*answer, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return Error{"the agent on " + path + " answered something that is not JSON"};
    return j;
}

}  // namespace

int cmd_stats(const std::string& path, bool json)
{
    auto j = ask_json(path, "stats");
    if (!j) {
        std::cerr << "tripline: " << j.error() << "\n";
        return kExitSystem;
    }
    if (!j->value("ok", false)) {
        std::cerr << "tripline: " << j->value("error", std::string("the agent refused")) << "\n";
        return kExitSystem;
    }
    if (json)
        std::cout << (*j)["health"].dump(2) << "\n";
    else
        std::cout << format_table((*j)["health"]);
    return 0;
}

int cmd_reload(const std::string& path)
{
    auto j = ask_json(path, "reload");
    if (!j) {
        std::cerr << "tripline: " << j.error() << "\n";
        return kExitSystem;
    }
    if (!j->value("ok", false)) {
        std::cerr << j->value("diagnostics", std::string());
        std::cerr << "tripline: reload refused: " << j->value("error", std::string("no reason given")) << "\n";
        return j->value("rules_wrong", false) ? kExitRules : kExitSystem;
    }
    std::cout << "reloaded: ruleset generation " << j->value("generation", 0u) << ", " << j->value("rules", 0u)
              << " rules enabled\n";
    return 0;
}

}  // namespace tripline
