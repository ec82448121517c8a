// Alert-fatigue controls in front of the outputs: a token bucket per rule
// (rate_limit) and the suppression of identical alerts within a window
// (dedup). What either holds back is counted per rule, with the processes
// that caused it, and summarised once per interval. Time is passed in, so
// tests drive it (tests/test_outputs.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "user/output.h"

namespace tripline {

struct GateConfig {
    bool rate_limit = false;
    double rate = 1.0;   // alerts per second per rule, refilled continuously
    double burst = 10;   // the bucket's size
    bool dedup = false;
    uint64_t dedup_window_ns = 10'000'000'000ULL;
    uint64_t summary_interval_ns = 60'000'000'000ULL;
};

// what the gate held back of one rule's alerts during one interval
struct Suppressed {
    std::string rule;
    uint64_t rate_limited = 0, duplicates = 0;
    uint64_t seconds = 0;                                  // the interval
    std::vector<std::pair<std::string, uint64_t>> top;     // processes, most first, three at most
    // "rule 'X' suppressed 1,204 times in the last 60s (rate limit 1,204, duplicates 0), top processes: cat (1,000)"
    std::string line() const;
};

// The summary as an alert of its own (rule "tripline suppressed alerts",
// priority Notice, source "internal"), so it reaches the outputs operators
// read, not only tripline's log.
constexpr const char* kSuppressedRule = "tripline suppressed alerts";
Shipped suppressed_alert(const Suppressed& s, const std::string& hostname, uint64_t time_ns, bool iso8601);

class AlertGate {
public:
    explicit AlertGate(GateConfig cfg = {}) : cfg_(cfg) {}
    bool enabled() const { return cfg_.rate_limit || cfg_.dedup; }
    // true: ship it. `message` identifies identical alerts (the rendered
    // output without its time); `process` is named in the summary.
    bool admit(const std::string& rule, const std::string& message, const std::string& process, uint64_t now_ns);
    // one per rule that had alerts held back, once per interval (none before
    // the interval has passed, unless `final`: at exit); counts restart after each summary
    std::vector<Suppressed> summaries(uint64_t now_ns, bool final = false);
    uint64_t suppressed() const { return total_; }

private:
    struct Bucket {
        double tokens = 0;
        uint64_t last_ns = 0;
        bool started = false;
    };
    struct Held {
        uint64_t rate_limited = 0, duplicates = 0;
        std::map<std::string, uint64_t> processes;
    };
    void hold(const std::string& rule, const std::string& process, bool duplicate);

    GateConfig cfg_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::unordered_map<std::string, uint64_t> seen_;  // rule + message -> last shipped
    std::map<std::string, Held> held_;
    uint64_t total_ = 0;
    uint64_t last_summary_ns_ = 0;
    bool summary_started_ = false;
};

std::string with_commas(uint64_t n);  // 1204 -> "1,204"

}  // namespace tripline
