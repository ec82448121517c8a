// Rendering the agent's health; see metrics.h.
#include "user/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "rulegen/abi_names.h"

namespace tripline {

void fill_process_usage(Health& h)
{
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    h.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                    static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    // statm's second field: resident pages now (getrusage only has the peak)
    std::ifstream statm("/proc/self/statm");
    uint64_t size = 0, resident = 0;
    if (statm >> size >> resident)
        h.rss_bytes = resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string prometheus_label_value(std::string_view v)
{
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

namespace {

// one metric family: its HELP and TYPE lines, then its samples
class Family {
public:
    Family(std::string& out, const char* name, const char* type, const std::string& help) : out_(out), name_(name)
    {
        out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    }
    void sample(uint64_t v, const std::vector<std::pair<const char*, std::string>>& labels = {})
    {
        line(labels) += std::to_string(v) + "\n";
    }
    void sample(double v, const std::vector<std::pair<const char*, std::string>>& labels = {})
    {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.6f", v);
        line(labels) += std::string(buf) + "\n";
    }

private:
    std::string& line(const std::vector<std::pair<const char*, std::string>>& labels)
    {
        out_ += name_;
        if (!labels.empty()) {
            out_ += "{";
            for (size_t i = 0; i < labels.size(); i++)
                out_ += std::string(i ? "," : "") + labels[i].first + "=\"" +
                        prometheus_label_value(labels[i].second) + "\"";
            out_ += "}";
        }
        out_ += " ";
        return out_;
    }
    std::string& out_;
    const char* name_;
};

uint64_t dropped(const ClassCounters& k) { return k[TL_CNT_DROPPED_EARLY] + k[TL_CNT_DROPPED]; }

}  // namespace

std::string to_prometheus(const Health& h)
{
    std::string out;
    {
        Family f(out, "tripline_rule_matches_total", "counter", "Alerts per rule since the agent started.");
        for (const auto& [rule, n] : h.rule_matches)
            f.sample(n, {{"rule", rule}});
    }
    {
        Family f(out, "tripline_kernel_events_total", "counter",
                 "Events per class the kernel looked at (seen), dropped in the kernel, emitted to the ring "
                 "buffer, and lost to a full ring buffer.");
        for (uint32_t cls = 1; cls < TL_CLASS_COUNT; cls++) {
            const ClassCounters& k = h.kernel[cls];
            const std::string name = class_name(cls);
            f.sample(k[TL_CNT_SEEN], {{"class", name}, {"outcome", "seen"}});
            f.sample(dropped(k), {{"class", name}, {"outcome", "dropped"}});
            f.sample(k[TL_CNT_EMITTED], {{"class", name}, {"outcome", "emitted"}});
            f.sample(k[TL_CNT_LOST], {{"class", name}, {"outcome", "lost"}});
        }
    }
    Family(out, "tripline_ring_records_total", "counter", "Records read from the ring buffer.").sample(h.records);
    Family(out, "tripline_ring_records_malformed_total", "counter", "Records that failed validation.")
        .sample(h.malformed);
    Family(out, "tripline_confirm_candidates_total", "counter", "Rules the kernel said may match an event.")
        .sample(h.confirm.candidates);
    Family(out, "tripline_confirm_rejected_total", "counter",
           "Kernel candidates the exact userspace check rejected (kernel false candidates).")
        .sample(h.confirm.rejected);
    Family(out, "tripline_alerts_total", "counter", "Alerts sent to the outputs, drop alerts included.")
        .sample(h.alerts + h.drop_alerts);
    Family(out, "tripline_drop_alerts_total", "counter", "'tripline dropped events' alerts sent.")
        .sample(h.drop_alerts);
    struct PerOutput {
        const char* name;
        const char* type;
        const char* help;
        uint64_t OutputCounters::*value;
    };
    static const PerOutput per_output[] = {
        {"tripline_output_sent_total", "counter", "Alerts an output delivered.", &OutputCounters::sent},
        {"tripline_output_failed_total", "counter", "Alerts an output gave up on after its destination failed.",
         &OutputCounters::failed},
        {"tripline_output_dropped_total", "counter", "Alerts dropped because an output's queue was full.",
         &OutputCounters::dropped},
        {"tripline_output_queue_depth", "gauge", "Alerts waiting in an output's queue.", &OutputCounters::queued},
    };
    for (const auto& m : per_output) {
        Family f(out, m.name, m.type, m.help);
        for (const auto& o : h.outputs)
            f.sample(o.*m.value, {{"output", o.name}});
    }
    Family(out, "tripline_agent_cpu_seconds_total", "counter", "CPU time of the agent process, user and system.")
        .sample(h.cpu_seconds);
    Family(out, "tripline_agent_rss_bytes", "gauge", "Resident memory of the agent process.").sample(h.rss_bytes);
    const std::pair<const char*, uint64_t ProgramRunTime::*> per_program[] = {
        {"tripline_bpf_run_time_ns_total", &ProgramRunTime::run_time_ns},
        {"tripline_bpf_run_count_total", &ProgramRunTime::run_count},
    };
    for (const auto& [name, value] : per_program) {
        Family f(out, name, "counter",
                 std::string(value == &ProgramRunTime::run_count ? "Runs of" : "Time in nanoseconds spent in") +
                     " each BPF program (0 unless kernel.bpf_stats_enabled or --bpf-stats; tail-called programs "
                     "count in their caller).");
        for (const auto& p : h.programs)
            f.sample(p.*value, {{"program", p.name}});
    }
    Family(out, "tripline_ruleset_generation", "gauge", "Generation of the ruleset in force.")
        .sample(static_cast<uint64_t>(h.generation));
    Family(out, "tripline_rules_enabled", "gauge", "Enabled rules in the ruleset in force.").sample(h.rules_enabled);
    {
        Family f(out, "tripline_reloads_total", "counter", "Ruleset reloads, by result.");
        f.sample(h.reloads, {{"result", "ok"}});
        f.sample(h.reload_failures, {{"result", "failed"}});
    }
    return out;
}

nlohmann::ordered_json to_json(const Health& h)
{
    nlohmann::ordered_json j;
    j["pid"] = h.pid;
    j["generation"] = h.generation;
    j["rules_enabled"] = h.rules_enabled;
    j["reloads"] = h.reloads;
    j["reload_failures"] = h.reload_failures;
    j["last_reload_error"] = h.last_reload_error;
    // every counter of every class ("none" holds the ia32 syscalls skipped)
    static const char* names[TL_CNT_COUNT] = {"seen", "dropped_early", "dropped_late", "emitted", "lost",
                                              "proc_table_full", "path_truncated", "compat_skipped"};
    for (uint32_t cls = 0; cls < TL_CLASS_COUNT; cls++) {
        const ClassCounters& k = h.kernel[cls];
        auto& c = j["kernel"][class_name(cls)];
        for (uint32_t n = 0; n < TL_CNT_COUNT; n++)
            c[names[n]] = k[n];
        c["dropped"] = dropped(k);  // early and late: what people ask for
    }
    j["records"] = h.records;
    j["malformed"] = h.malformed;
    j["unknown_generation"] = h.unknown_generation;
    j["candidates"] = h.confirm.candidates;
    j["confirmed"] = h.confirm.confirmed;
    j["rejected"] = h.confirm.rejected;
    j["undecided"] = h.confirm.undecided;
    j["definite_mismatch"] = h.confirm.definite_mismatch;
    j["alerts"] = h.alerts;
    j["drop_alerts"] = h.drop_alerts;
    j["rule_matches"] = nlohmann::ordered_json::object();
    for (const auto& [rule, n] : h.rule_matches)
        j["rule_matches"][rule] = n;
    j["outputs"] = nlohmann::ordered_json::array();
    for (const auto& o : h.outputs)
        j["outputs"].push_back(
            {{"name", o.name}, {"sent", o.sent}, {"failed", o.failed}, {"dropped", o.dropped}, {"queued", o.queued}});
    j["cpu_seconds"] = h.cpu_seconds;
    j["rss_bytes"] = h.rss_bytes;
    j["programs"] = nlohmann::ordered_json::array();
    for (const auto& p : h.programs)
        j["programs"].push_back({{"name", p.name}, {"run_time_ns", p.run_time_ns}, {"run_count", p.run_count}});
    return j;
}

std::string format_table(const nlohmann::json& j)
{
    std::ostringstream o;
    char line[256];
    // a counter of an object, 0 when absent: the table must not fail on an older agent's JSON
    auto n = [](const nlohmann::json& obj, const char* key) -> unsigned long long {
        auto it = obj.find(key);
        return it != obj.end() && it->is_number() ? it->get<unsigned long long>() : 0;
    };
    o << "agent pid " << n(j, "pid") << ", ruleset generation "
      << n(j, "generation") << " (" << n(j, "rules_enabled")
      << " rules), reloads " << n(j, "reloads") << " ok / "
      << n(j, "reload_failures") << " failed\n";
    if (const std::string e = j.value("last_reload_error", ""); !e.empty())
        o << "last reload error: " << e << "\n";
    std::snprintf(line, sizeof(line), "cpu %.2f s, rss %.1f MiB\n\n", j.value("cpu_seconds", 0.0),
                  static_cast<double>(n(j, "rss_bytes")) / (1024.0 * 1024.0));
    o << line;

    std::snprintf(line, sizeof(line), "%-8s %14s %14s %10s %8s\n", "class", "seen", "dropped", "emitted", "lost");
    o << line;
    const auto kernel = j.value("kernel", nlohmann::json::object());  // named: items() does not extend its life
    for (const auto& [cls, c] : kernel.items()) {
        if (cls == "none")
            continue;
        std::snprintf(line, sizeof(line), "%-8s %14llu %14llu %10llu %8llu\n", cls.c_str(),
                      n(c, "seen"), n(c, "dropped"),
                      n(c, "emitted"), n(c, "lost"));
        o << line;
    }
    o << "\nrecords " << n(j, "records") << ", candidates " << n(j, "candidates") << ", confirmed "
      << n(j, "confirmed") << ", rejected " << n(j, "rejected") << ", alerts " << n(j, "alerts")
      << ", drop alerts " << n(j, "drop_alerts") << "\n";

    const auto matches = j.value("rule_matches", nlohmann::json::object());
    if (!matches.empty()) {
        o << "\n" << std::string("matches  rule") << "\n";
        for (const auto& [rule, count] : matches.items()) {
            std::snprintf(line, sizeof(line), "%7llu  ", count.is_number() ? count.get<unsigned long long>() : 0ULL);
            o << line << rule << "\n";
        }
    }
    std::snprintf(line, sizeof(line), "\n%-14s %10s %8s %8s %7s\n", "output", "sent", "failed", "dropped", "queued");
    o << line;
    for (const auto& out : j.value("outputs", nlohmann::json::array())) {
        std::snprintf(line, sizeof(line), "%-14s %10llu %8llu %8llu %7llu\n", out.value("name", "").c_str(),
                      n(out, "sent"), n(out, "failed"),
                      n(out, "dropped"),
                      n(out, "queued"));
        o << line;
    }
    bool any_runs = false;
    for (const auto& p : j.value("programs", nlohmann::json::array()))
        any_runs = any_runs || n(p, "run_count") != 0;
    if (any_runs) {
        std::snprintf(line, sizeof(line), "\n%-20s %12s %14s %8s\n", "program", "runs", "run time ns", "ns/run");
        o << line;
        for (const auto& p : j.value("programs", nlohmann::json::array())) {
            const unsigned long long runs = n(p, "run_count"), ns = n(p, "run_time_ns");
            std::snprintf(line, sizeof(line), "%-20s %12llu %14llu %8llu\n", p.value("name", "").c_str(),
                          runs, ns, runs ? ns / runs : 0);
            o << line;
        }
    } else {
        o << "\nBPF run time: not measured (kernel.bpf_stats_enabled is off; `tripline run --bpf-stats` turns it on)\n";
    }
    return o.str();
}

}  // namespace tripline
