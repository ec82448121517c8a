// The agent's health at one moment, and the three ways it is shown: the
// Prometheus text exposition (/metrics), JSON (`tripline stats --json`, the
// control socket) and a table for people (`tripline stats`).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "user/alert.h"
#include "user/kernel.h"
#include "user/output_counters.h"

namespace tripline {

struct ProgramRunTime {
    std::string name;
    uint64_t run_time_ns = 0;  // 0 unless kernel.bpf_stats_enabled (or --bpf-stats)
    uint64_t run_count = 0;
};

struct Health {
    uint32_t pid = 0;
    uint32_t generation = 0;       // ruleset generation in force
    uint64_t rules_enabled = 0;
    uint64_t reloads = 0;          // generations installed after the first
    uint64_t reload_failures = 0;  // reloads refused: rules did not compile, or tables could not be written
    std::string last_reload_error;
    Counters kernel{};             // per class: seen, dropped (early and late), emitted, lost, ...
    uint64_t records = 0;          // read from the ring buffer
    uint64_t malformed = 0;
    uint64_t unknown_generation = 0;  // records of a generation whose ruleset was already released
    ConfirmStats confirm;
    uint64_t alerts = 0;
    uint64_t drop_alerts = 0;      // "tripline dropped events" alerts sent
    std::map<std::string, uint64_t> rule_matches;  // alerts per rule name, every generation
    std::vector<OutputCounters> outputs;
    double cpu_seconds = 0;        // user + system, the whole agent
    uint64_t rss_bytes = 0;
    std::vector<ProgramRunTime> programs;
};

// the agent process's own CPU time and resident memory
void fill_process_usage(Health& h);

// Prometheus text exposition format 0.0.4: HELP and TYPE before each
// family's samples, label values escaped.
std::string to_prometheus(const Health& h);
std::string prometheus_label_value(std::string_view v);  // escaped, without the quotes

nlohmann::ordered_json to_json(const Health& h);
// the human table of `tripline stats`, from the JSON the agent sent
std::string format_table(const nlohmann::json& health);

}  // namespace tripline
