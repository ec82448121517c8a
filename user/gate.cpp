// Rate limit and de-duplication; see gate.h.
#include "user/gate.h"

#include <algorithm>

namespace tripline {

std::string with_commas(uint64_t n)
{
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); i++) {
        if (i && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

void AlertGate::hold(const std::string& rule, const std::string& process, bool duplicate)
{
    Held& h = held_[rule];
    (duplicate ? h.duplicates : h.rate_limited)++;
    h.processes[process]++;
    total_++;
}

bool AlertGate::admit(const std::string& rule, const std::string& message, const std::string& process,
                      uint64_t now_ns)
{
    if (!summary_started_) {
        summary_started_ = true;
        last_summary_ns_ = now_ns;
    }
    if (cfg_.dedup) {
        const std::string key = rule + '\0' + message;
        auto it = seen_.find(key);
        if (it != seen_.end() && now_ns - it->second < cfg_.dedup_window_ns) {
            hold(rule, process, true);
            return false;
        }
    }
    if (cfg_.rate_limit) {
        Bucket& b = buckets_[rule];
        if (!b.started) {
            b = {cfg_.burst, now_ns, true};
        } else if (now_ns > b.last_ns) {
            b.tokens = std::min(cfg_.burst, b.tokens + cfg_.rate * static_cast<double>(now_ns - b.last_ns) / 1e9);
            b.last_ns = now_ns;
        }
        if (b.tokens < 1) {
            hold(rule, process, false);
            return false;
        }
        b.tokens -= 1;
    }
    if (cfg_.dedup)
        seen_[rule + '\0' + message] = now_ns;
    return true;
}

std::vector<std::string> AlertGate::summaries(uint64_t now_ns)
{
    std::vector<std::string> lines;
    if (!summary_started_ || now_ns - last_summary_ns_ < cfg_.summary_interval_ns)
        return lines;
    const uint64_t secs = (now_ns - last_summary_ns_) / 1'000'000'000ULL;
    last_summary_ns_ = now_ns;
    for (const auto& [rule, h] : held_) {
        std::vector<std::pair<std::string, uint64_t>> top(h.processes.begin(), h.processes.end());
        std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        std::string line = "rule '" + rule + "' suppressed " + with_commas(h.rate_limited + h.duplicates) +
                           " times in the last " + std::to_string(secs) + "s (rate limit " +
                           with_commas(h.rate_limited) + ", duplicates " + with_commas(h.duplicates) +
                           "), top processes:";
        for (size_t i = 0; i < top.size() && i < 3; i++)
            line += (i ? ", " : " ") + top[i].first + " (" + with_commas(top[i].second) + ")";
        lines.push_back(line);
    }
    held_.clear();
    // forget duplicates older than the window, so the table stays as small as the traffic
    std::erase_if(seen_, [&](const auto& kv) { return now_ns - kv.second >= cfg_.dedup_window_ns; });
    return lines;
}

}  // namespace tripline
