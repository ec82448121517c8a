// tripline: runtime threat detection with Falco rules evaluated in the kernel.
#include <CLI/CLI.hpp>
#include <limits.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "rulegen/abi_names.h"
#include "rulegen/ruleset.h"
#include "user/agent.h"
#include "user/control.h"
#include "user/daemon.h"
#include "user/log.h"
#include "user/metrics_http.h"

using namespace tripline;

namespace {

constexpr const char* kVersion = "0.1.0";
constexpr int kExitRules = 1;   // the rules are wrong

std::vector<std::string> default_rules()
{
    char exe[PATH_MAX] = {};
    if (readlink("/proc/self/exe", exe, sizeof(exe) - 1) > 0) {
        auto beside = std::filesystem::path(exe).parent_path().parent_path() / "rules";
        if (std::filesystem::is_directory(beside))
            return {beside.string()};
    }
    return {"/etc/tripline/rules.d"};
}

Selection g_select;  // --min-priority, --select

// compiles; every diagnostic formatted into `out`; nullopt when the rules have errors
std::optional<Ruleset> compile_quietly(std::vector<std::string> paths, std::string& out)
{
    if (paths.empty())
        paths = default_rules();
    SourceManager sm;
    Diagnostics diags;
    auto rs = compile_rules(paths, sm, diags, g_select);
    out = diags.format(sm);
    if (!rs)
        out += "tripline: " + std::to_string(diags.error_count()) + " error(s) in the rules; nothing loaded\n";
    return rs;
}

// compiles, printing every diagnostic
std::optional<Ruleset> compile(const std::vector<std::string>& paths)
{
    std::string diagnostics;
    auto rs = compile_quietly(paths, diagnostics);
    std::cerr << diagnostics;
    return rs;
}

int cmd_check(const std::vector<std::string>& paths)
{
    auto rs = compile(paths);
    if (!rs)
        return kExitRules;
    size_t enabled = 0;
    for (const auto& r : rs->rules)
        enabled += r.enabled;
    std::cout << "ok: " << rs->rules.size() << " rules (" << enabled << " enabled), " << rs->terms.size()
              << " kernel terms, " << rs->tables.sets.size() << " term sets\n";
    return 0;
}

int cmd_explain(const std::vector<std::string>& paths, const std::string& rule, const std::string& what)
{
    auto rs = compile(paths);
    if (!rs)
        return kExitRules;
    if (!what.empty()) {
        std::cout << dump(*rs, what);
        return 0;
    }
    std::string out = explain(*rs, rule);
    if (!rule.empty() && out.empty()) {
        std::cerr << "tripline: no rule named '" << rule << "'\n";
        return kExitRules;
    }
    std::cout << out;
    return 0;
}

int cmd_fields()
{
    for (const auto& f : all_fields()) {
        std::string where;
        for (uint32_t c = 1; c < TL_CLASS_COUNT; c++)
            if (lowering(f.id, c).how != Lowering::Absent)
                where += (where.empty() ? "" : ",") + std::string(class_name(c));
        std::printf("%-20s %-10s %-28s %s\n", f.name, type_name(f.type), where.c_str(), f.desc);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"tripline: runtime threat detection for Linux. Falco's rules, evaluated in the kernel."};
    app.set_version_flag("--version", std::string("tripline ") + kVersion);
    app.require_subcommand(1);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log libbpf's and tripline's debug messages");
    app.footer(R"(EXAMPLES:
    tripline run                        # the default rules, alerts on stdout
    tripline run -r my_rules.yaml --json -o /var/log/tripline.json
    tripline run --min-priority warning --select "disable.rule=*" --select enable.tag=network
    tripline check -r rules/            # validate rules for CI (exit 1 on errors)
    tripline explain "Write below /etc" # how one rule runs in the kernel
    tripline fields                     # every field a rule can use
    tripline stats                      # a running agent's counters
    tripline reload                     # a running agent recompiles its rules (as SIGHUP does))");

    std::vector<std::string> paths, selects;
    std::string min_priority;
    auto add_rules = [&](CLI::App* sub) {
        sub->add_option("-r,--rules", paths, "rule file or directory (repeatable; default: rules/ beside the binary)")
            ->allow_extra_args(false);  // one path per -r, so positional arguments stay positional
        sub->add_option("--min-priority", min_priority,
                        "load only rules at least this severe (emergency ... debug), as Falco's 'priority'");
        sub->add_option("--select", selects,
                        "enable.rule=PATTERN, disable.rule=PATTERN, enable.tag=TAG, disable.tag=TAG; applied in "
                        "order, as Falco's 'rules:' section ('*' is a wildcard)")
            ->allow_extra_args(false);
    };

    DaemonOptions dopts;
    AgentOptions& opts = dopts.agent;
    dopts.socket_path = kDefaultControlSocket;
    bool metrics_on = false, no_socket = false;
    uint32_t drop_interval = 30;
    auto* run = app.add_subcommand("run", "run the agent: load the rules into the kernel and print alerts");
    add_rules(run);
    run->add_flag("--json", opts.json, "one JSON object per alert, with Falco's keys");
    run->add_option("-o,--output", dopts.output_path, "append alerts to this file instead of stdout");
    run->add_flag("--no-kernel-filter", opts.ship_all,
                  "forward every event of the watched kinds to userspace (Falco's architecture, for comparison)");
    run->add_option("--exit-stats", dopts.exit_stats_path,
                    "at exit, write the counters, CPU and memory as JSON to this file");
    auto add_socket = [&](CLI::App* sub) {
        sub->add_option("--socket", dopts.socket_path, "the agent's control socket")
            ->default_str(kDefaultControlSocket);
    };
    add_socket(run);
    run->add_flag("--no-socket", no_socket, "no control socket (then stats and reload cannot reach this agent)");
    run->add_flag("--metrics", metrics_on,
                  std::string("serve Prometheus metrics on http://") + kDefaultMetricsAddress + "/metrics");
    run->add_option("--metrics-address", dopts.metrics_address,
                    "serve /metrics on this HOST:PORT instead (implies --metrics; port 0 picks a free one)");
    run->add_flag("--bpf-stats", dopts.bpf_stats,
                  "turn on the kernel's BPF run-time statistics while the agent runs, so stats and /metrics show "
                  "time per program (it slowed a syscall-heavy load by another 8-13%)");
    run->add_option("--drop-alert-interval", drop_interval,
                    "at most one 'tripline dropped events' alert per this many seconds (0: every time the "
                    "kernel loses events)")
        ->default_val(30);
    run->add_option("--ring-buffer-bytes", opts.ring_bytes,
                    "size of the events ring buffer: a power of two of at least 4096 (default 16 MiB)");
    run->footer("EXAMPLES:\n    tripline run -r rules/ --json -o alerts.json\n"
                "    tripline run --metrics                      # Prometheus on 127.0.0.1:9376\n"
                "    kill -HUP $(pidof tripline)                 # recompile the rules, swap them atomically");

    bool stats_json = false;
    auto* stats = app.add_subcommand("stats", "ask a running agent for its counters");
    add_socket(stats);
    stats->add_flag("--json", stats_json, "the counters as one JSON object");
    stats->footer("EXAMPLES:\n    tripline stats\n    tripline stats --json | jq .kernel.open");

    auto* reload = app.add_subcommand(
        "reload", "make a running agent recompile its rule files and swap them in (exit 1 if they have errors)");
    add_socket(reload);
    reload->footer("EXAMPLES:\n    tripline reload && echo new rules in force");

    auto* check = app.add_subcommand("check", "compile the rules without touching the kernel");
    add_rules(check);
    check->footer("EXAMPLES:\n    tripline check -r rules/ -r extra.yaml");

    std::string rule, dump_what;
    auto* expl = app.add_subcommand("explain", "show how each rule is split between the kernel and userspace");
    add_rules(expl);
    expl->add_option("rule", rule, "only this rule");
    expl->add_option("--dump", dump_what, "a deterministic dump instead: ast, terms or tables")
        ->check(CLI::IsMember({"ast", "terms", "tables"}));
    expl->footer("EXAMPLES:\n    tripline explain \"Read of a sensitive file\"\n    tripline explain --dump tables");

    auto* fields = app.add_subcommand("fields", "list the fields conditions and outputs can use");

    CLI11_PARSE(app, argc, argv);
    log::set_verbose(verbose);
    if (!min_priority.empty() && !parse_priority(min_priority, g_select.min_priority)) {
        std::cerr << "tripline: --min-priority: unknown priority '" << min_priority << "'\n";
        return kExitRules;
    }
    for (const auto& s : selects) {
        std::string why;
        auto step = parse_selection_step(s, &why);
        if (!step) {
            std::cerr << "tripline: --select: " << why << "\n";
            return kExitRules;
        }
        g_select.steps.push_back(*step);
    }
    log::route_libbpf();
    if (run->parsed()) {
        if (no_socket)
            dopts.socket_path.clear();
        if (metrics_on && dopts.metrics_address.empty())
            dopts.metrics_address = kDefaultMetricsAddress;
        opts.drop_alert_interval = std::chrono::seconds(drop_interval);
        return run_daemon(dopts, [paths](std::string& diagnostics) { return compile_quietly(paths, diagnostics); });
    }
    if (stats->parsed())
        return cmd_stats(dopts.socket_path, stats_json);
    if (reload->parsed())
        return cmd_reload(dopts.socket_path);
    if (check->parsed())
        return cmd_check(paths);
    if (expl->parsed())
        return cmd_explain(paths, rule, dump_what);
    if (fields->parsed())
        return cmd_fields();
    return 0;
}
