// `tripline run`: the agent with its lifecycle around it — signals, reload,
// the control socket, the metrics endpoint, and an orderly stop.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "rulegen/ruleset.h"
#include "user/agent.h"

namespace tripline {

struct DaemonOptions {
    AgentOptions agent;
    std::string output_path;      // "" or "-": stdout
    std::string exit_stats_path;  // --exit-stats
    std::string socket_path;      // the control socket; "" for none
    std::string metrics_address;  // HOST:PORT of /metrics; "" when off
    bool bpf_stats = false;       // turn kernel.bpf_stats_enabled on while running
};

// Compiles the configured rule files again (at start and on every reload):
// the ruleset, or nullopt with the diagnostics formatted in `diagnostics`.
using RuleCompiler = std::function<std::optional<Ruleset>(std::string& diagnostics)>;

// runs until SIGTERM or SIGINT; the exit code (0, 1 rules wrong, 2 system)
int run_daemon(const DaemonOptions& opts, const RuleCompiler& compile);

}  // namespace tripline
