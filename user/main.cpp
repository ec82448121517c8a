// tripline: runtime threat detection with Falco rules evaluated in the kernel.
#include <CLI/CLI.hpp>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "rulegen/abi_names.h"
#include "rulegen/ruleset.h"
#include "user/agent.h"
#include "user/config.h"
#include "user/features.h"
#include "user/log.h"
#include "user/sinks.h"

using namespace tripline;

namespace {

constexpr const char* kVersion = "0.1.0";
constexpr int kExitRules = 1;   // the rules are wrong
constexpr int kExitSystem = 2;  // tripline or the machine failed

std::atomic<bool> g_stop{false};
std::atomic<bool> g_hup{false};

void on_signal(int) { g_stop = true; }
// SIGHUP: the run loop reopens the output files (log rotation)
void on_hup(int) { g_hup = true; }

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

// compiles, printing every diagnostic; nullopt when the rules have errors
std::optional<Ruleset> compile(std::vector<std::string> paths)
{
    if (paths.empty())
        paths = default_rules();
    SourceManager sm;
    Diagnostics diags;
    auto rs = compile_rules(paths, sm, diags, g_select);
    std::cerr << diags.format(sm);
    if (!rs)
        std::cerr << "tripline: " << diags.error_count() << " error(s) in the rules; nothing loaded\n";
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

int cmd_run(const std::vector<std::string>& paths, const Config& cfg, const AgentOptions& opts,
            const std::string& stats_path)
{
    auto rs = compile(paths);
    if (!rs)
        return kExitRules;
    if (auto ok = check_machine(); !ok) {
        log::error(ok.error());
        return kExitSystem;
    }
    auto outputs = make_outputs(cfg, host_context().hostname);
    if (!outputs) {
        log::error(outputs.error());
        return kExitSystem;
    }
    if ((*outputs)->size() == 0)
        log::warn("no output is enabled: alerts are counted, not shipped");
    std::string why;
    auto appender = Appender::build(cfg.append_output, &why);  // checked with the config already
    if (!appender) {
        log::error(why);
        return kExitRules;
    }
    size_t enabled = 0;
    for (const auto& r : rs->rules)
        enabled += r.enabled;
    auto agent = Agent::start(std::move(*rs), opts);
    if (!agent) {
        log::error(agent.error());
        return kExitSystem;
    }
    (*agent)->set_outputs(std::move(*outputs));
    (*agent)->set_appender(std::move(*appender));
    (*agent)->set_gate(cfg.gate);
    Agent* a = agent->get();
    (*agent)->on_tick = [a] {
        if (g_hup.exchange(false)) {
            log::info("SIGHUP: reopening the output files");
            a->outputs()->reopen();
        }
    };
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    struct sigaction hup {};
    hup.sa_handler = on_hup;
    sigaction(SIGHUP, &hup, nullptr);
    // a stdout reader that went away is a failed output (EPIPE, counted), not the end of detection
    signal(SIGPIPE, SIG_IGN);
    log::info("watching with " + std::to_string(enabled) + " rules" +
              (opts.ship_all ? " (kernel filter off: every event goes to userspace)" : "") + "; Ctrl-C stops");
    auto r = (*agent)->run(g_stop);
    (*agent)->outputs()->drain();  // bounded: outputs_queue.drain_timeout_ms
    std::string summary = (*agent)->summary();
    if (!stats_path.empty()) {
        std::ofstream out(stats_path);
        out << (*agent)->summary_json() << "\n";
        if (!out)
            log::error("writing the exit statistics to " + stats_path);
    }
    agent->reset();  // detach and release every BPF object before saying goodbye
    std::istringstream lines(summary);
    for (std::string line; std::getline(lines, line);)
        log::info(line);
    if (!r) {
        log::error(r.error());
        return kExitSystem;
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
    tripline run -c tripline.yaml -o http_output.enabled=true -o http_output.url=http://127.0.0.1:2801/
    tripline run --min-priority warning --select "disable.rule=*" --select enable.tag=network
    tripline check -r rules/            # validate rules for CI (exit 1 on errors)
    tripline explain "Write below /etc" # how one rule runs in the kernel
    tripline fields                     # every field a rule can use)");

    std::vector<std::string> paths, selects;
    std::string min_priority, config_path;
    auto add_rules = [&](CLI::App* sub) {
        sub->add_option("-c,--config", config_path,
                        std::string("the configuration file (default ") + kDefaultConfigPath +
                            ", if it exists; docs/config.md)");
        sub->add_option("-r,--rules", paths, "rule file or directory (repeatable; default: rules/ beside the binary)")
            ->allow_extra_args(false);  // one path per -r, so positional arguments stay positional
        sub->add_option("--min-priority", min_priority,
                        "load only rules at least this severe (emergency ... debug), as Falco's 'priority'");
        sub->add_option("--select", selects,
                        "enable.rule=PATTERN, disable.rule=PATTERN, enable.tag=TAG, disable.tag=TAG; applied in "
                        "order, as Falco's 'rules:' section ('*' is a wildcard)")
            ->allow_extra_args(false);
    };

    AgentOptions opts;
    bool json = false;
    std::vector<std::string> out_args;
    std::string stats_path;
    auto* run = app.add_subcommand("run", "run the agent: load the rules into the kernel and print alerts");
    add_rules(run);
    run->add_flag("--json", json, "one JSON object per alert, with Falco's keys (json_output)");
    run->add_option("-o,--output", out_args,
                    "KEY=VALUE overrides a config key (dotted, the value is YAML); without '=', a file to append "
                    "alerts to instead of stdout")
        ->allow_extra_args(false);
    run->add_flag("--no-kernel-filter", opts.ship_all,
                  "forward every event of the watched kinds to userspace (Falco's architecture, for comparison)");
    run->add_option("--exit-stats", stats_path, "at exit, write the counters, CPU and memory as JSON to this file");
    run->footer("EXAMPLES:\n    tripline run -r rules/ --json -o alerts.json\n"
                "    tripline run -c /etc/tripline/tripline.yaml -o rate_limit.enabled=true -o rate_limit.rate=0.5");

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
    // -o KEY=VALUE overrides the config; -o FILE is the older file output
    std::vector<std::string> overrides;
    std::string out_file;
    for (const auto& o : out_args) {
        if (o.find('=') != std::string::npos)
            overrides.push_back(o);
        else
            out_file = o;
    }
    auto cfg = load_config(config_path.empty() ? std::string(kDefaultConfigPath) : config_path,
                           !config_path.empty(), overrides);
    if (!cfg) {
        std::cerr << "tripline: config: " << cfg.error() << "\n";
        return kExitRules;
    }
    log::set_level(verbose ? "debug" : cfg->log_level);
    if (paths.empty())
        paths = cfg->rules_files;
    if (cfg->priority)
        g_select.min_priority = *cfg->priority;
    g_select.steps = cfg->rules;
    if (!min_priority.empty() && !parse_priority(min_priority, g_select.min_priority)) {
        std::cerr << "tripline: --min-priority: unknown priority '" << min_priority << "'\n";
        return kExitRules;
    }
    log::route_libbpf();
    if (run->parsed()) {
        if (!out_file.empty()) {
            cfg->file_enabled = true;
            cfg->file_filename = out_file;
            cfg->stdout_enabled = false;
        }
        cfg->json_output = cfg->json_output || json;
        opts.iso8601 = cfg->time_format_iso_8601;
        opts.ring_bytes = cfg->ring_buffer_bytes;
        return cmd_run(paths, *cfg, opts, stats_path);
    }
    if (check->parsed())
        return cmd_check(paths);
    if (expl->parsed())
        return cmd_explain(paths, rule, dump_what);
    if (fields->parsed())
        return cmd_fields();
    return 0;
}
