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
#include "user/features.h"
#include "user/log.h"

using namespace tripline;

namespace {

constexpr const char* kVersion = "0.1.0";
constexpr int kExitRules = 1;   // the rules are wrong
constexpr int kExitSystem = 2;  // tripline or the machine failed

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

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

int cmd_run(const std::vector<std::string>& paths, const AgentOptions& opts, const std::string& out_path,
            const std::string& stats_path)
{
    auto rs = compile(paths);
    if (!rs)
        return kExitRules;
    if (auto ok = check_machine(); !ok) {
        log::error(ok.error());
        return kExitSystem;
    }
    auto output = Output::open(out_path.empty() ? "-" : out_path);
    if (!output) {
        log::error(output.error());
        return kExitSystem;
    }
    size_t enabled = 0;
    for (const auto& r : rs->rules)
        enabled += r.enabled;
    auto agent = Agent::start(std::move(*rs), opts);
    if (!agent) {
        log::error(agent.error());
        return kExitSystem;
    }
    (*agent)->set_output(std::move(*output));
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    log::info("watching with " + std::to_string(enabled) + " rules" +
              (opts.ship_all ? " (kernel filter off: every event goes to userspace)" : "") + "; Ctrl-C stops");
    auto r = (*agent)->run(g_stop);
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
    tripline run --min-priority warning --select "disable.rule=*" --select enable.tag=network
    tripline check -r rules/            # validate rules for CI (exit 1 on errors)
    tripline explain "Write below /etc" # how one rule runs in the kernel
    tripline fields                     # every field a rule can use)");

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

    AgentOptions opts;
    std::string out_path, stats_path;
    auto* run = app.add_subcommand("run", "run the agent: load the rules into the kernel and print alerts");
    add_rules(run);
    run->add_flag("--json", opts.json, "one JSON object per alert, with Falco's keys");
    run->add_option("-o,--output", out_path, "append alerts to this file instead of stdout");
    run->add_flag("--no-kernel-filter", opts.ship_all,
                  "forward every event of the watched kinds to userspace (Falco's architecture, for comparison)");
    run->add_option("--exit-stats", stats_path, "at exit, write the counters, CPU and memory as JSON to this file");
    run->footer("EXAMPLES:\n    tripline run -r rules/ --json -o alerts.json");

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
    if (run->parsed())
        return cmd_run(paths, opts, out_path, stats_path);
    if (check->parsed())
        return cmd_check(paths);
    if (expl->parsed())
        return cmd_explain(paths, rule, dump_what);
    if (fields->parsed())
        return cmd_fields();
    return 0;
}
