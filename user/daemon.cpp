// `tripline run`; see daemon.h.
//
//   compile -> load, attach -> serve control socket and /metrics
//   loop: poll the ring buffer (100 ms)
//         SIGHUP or `tripline reload`: compile, install the next generation
//         questions from the control socket and /metrics: answered here
//   SIGTERM/SIGINT: detach, drain the ring buffer, drain the outputs, exit 0
#include "user/daemon.h"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "user/control.h"
#include "user/features.h"
#include "user/log.h"
#include "user/mailbox.h"
#include "user/metrics.h"
#include "user/metrics_http.h"

namespace tripline {

namespace {

constexpr int kExitRules = 1, kExitSystem = 2;

// Signals only raise flags; the loop acts on them between two polls, so a
// handler never touches the agent.
std::atomic<bool> g_stop{false}, g_reload{false};
void on_stop(int) { g_stop = true; }
void on_reload(int) { g_reload = true; }

void install_signal_handlers()
{
    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sa.sa_handler = on_reload;
    sigaction(SIGHUP, &sa, nullptr);
}

size_t enabled_rules(const Ruleset& rs)
{
    size_t n = 0;
    for (const auto& r : rs.rules)
        n += r.enabled;
    return n;
}

class Daemon {
public:
    Daemon(Agent& agent, const RuleCompiler& compile) : agent_(agent), compile_(compile) {}

    // compiles and installs the next generation; the answer to `tripline reload`
    std::string reload(const std::string& cause)
    {
        std::string diagnostics;
        auto rs = compile_(diagnostics);
        const std::string gen = std::to_string(agent_.generation());
        if (!rs) {
            reload_failures_++;
            last_error_ = "the rules have errors; generation " + gen + " keeps running";
            std::cerr << diagnostics;
            log::error("reload (" + cause + ") refused: " + last_error_);
            return nlohmann::json{{"ok", false}, {"rules_wrong", true}, {"error", last_error_},
                                  {"diagnostics", diagnostics}}
                .dump();
        }
        if (!diagnostics.empty())
            std::cerr << diagnostics;  // warnings
        const size_t enabled = enabled_rules(*rs);
        if (auto r = agent_.reload(std::move(*rs)); !r) {
            reload_failures_++;
            last_error_ = r.error();
            log::error("reload (" + cause + ") failed: " + last_error_);
            return nlohmann::json{{"ok", false}, {"error", last_error_}, {"generation", agent_.generation()}}.dump();
        }
        reloads_++;
        log::info("reloaded (" + cause + "): ruleset generation " + std::to_string(agent_.generation()) + ", " +
                  std::to_string(enabled) + " rules");
        return nlohmann::json{{"ok", true}, {"generation", agent_.generation()}, {"rules", enabled}}.dump();
    }

    Health health() const
    {
        Health h = agent_.health();
        h.reloads = reloads_;
        h.reload_failures = reload_failures_;
        h.last_reload_error = last_error_;
        return h;
    }

    std::string answer(const std::string& question)
    {
        if (question == "reload")
            return reload("tripline reload");
        if (question == "metrics")
            return to_prometheus(health());
        return nlohmann::json{{"ok", true}, {"health", to_json(health())}}.dump();
    }

private:
    Agent& agent_;
    const RuleCompiler& compile_;
    uint64_t reloads_ = 0, reload_failures_ = 0;
    std::string last_error_;
};

}  // namespace

int run_daemon(const DaemonOptions& opts, const RuleCompiler& compile)
{
    std::string diagnostics;
    auto rs = compile(diagnostics);
    std::cerr << diagnostics;
    if (!rs)
        return kExitRules;
    if (auto ok = check_machine(); !ok) {
        log::error(ok.error());
        return kExitSystem;
    }
    auto output = Output::open(opts.output_path.empty() ? "-" : opts.output_path);
    if (!output) {
        log::error(output.error());
        return kExitSystem;
    }
    const size_t enabled = enabled_rules(*rs);
    auto agent = Agent::start(std::move(*rs), opts.agent);
    if (!agent) {
        log::error(agent.error());
        return kExitSystem;
    }
    (*agent)->set_output(std::move(*output));
    if (opts.bpf_stats)
        if (auto r = (*agent)->kernel().enable_run_time_stats(); !r)
            log::warn(r.error() + "; BPF run times stay at 0");

    Daemon daemon(**agent, compile);
    Mailbox mailbox;  // outlives the listeners below, which ask through it
    std::unique_ptr<Listener> control, metrics;
    // each is optional, but asked for and impossible is an error
    auto listen = [](Result<std::unique_ptr<Listener>> l, std::unique_ptr<Listener>& into) {
        if (!l) {
            log::error(l.error());
            return false;
        }
        into = std::move(*l);
        return true;
    };
    if (!opts.socket_path.empty() && !listen(serve_control(opts.socket_path, mailbox), control))
        return kExitSystem;
    if (!opts.metrics_address.empty() && !listen(serve_metrics(opts.metrics_address, mailbox), metrics))
        return kExitSystem;
    if (metrics)
        log::info("serving metrics on http://" + metrics->address() + "/metrics");
    install_signal_handlers();
    log::info("watching with " + std::to_string(enabled) + " rules" +
              (opts.agent.ship_all ? " (kernel filter off: every event goes to userspace)" : "") + "; Ctrl-C stops");

    Result<Ok> loop = Ok{};
    while (!g_stop) {
        if (auto r = (*agent)->poll(100); !r) {
            loop = Error{r.error()};
            break;
        }
        if (g_reload.exchange(false))
            daemon.reload("SIGHUP");  // the outputs reopen their files here too
        mailbox.serve([&daemon](const std::string& q) { return daemon.answer(q); });
    }

    // stop answering, then stop producing, then drain what was produced
    mailbox.close();
    metrics.reset();
    control.reset();
    const bool drained = (*agent)->shutdown();
    std::string summary = (*agent)->summary();
    if (!opts.exit_stats_path.empty()) {
        std::ofstream out(opts.exit_stats_path);
        out << (*agent)->summary_json() << "\n";
        if (!out)
            log::error("writing the exit statistics to " + opts.exit_stats_path);
    }
    std::istringstream lines(summary);
    if (!drained) {
        // the output's writer is stuck (a full pipe, a hung disk): waiting for
        // it would break the bounded stop; the kernel releases the BPF objects
        for (std::string line; std::getline(lines, line);)
            log::info(line);
        std::_Exit(loop ? 0 : kExitSystem);
    }
    agent->reset();  // release every BPF object before saying goodbye
    for (std::string line; std::getline(lines, line);)
        log::info(line);
    if (!loop) {
        log::error(loop.error());
        return kExitSystem;
    }
    return 0;
}

}  // namespace tripline
