// Rate limit and de-duplication; see gate.h.
#include "user/gate.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "user/alert.h"

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

std::string Suppressed::line() const
{
    std::string out = "rule '" + rule + "' suppressed " + with_commas(rate_limited + duplicates) +
                      " times in the last " + std::to_string(seconds) + "s (rate limit " + with_commas(rate_limited) +
                      ", duplicates " + with_commas(duplicates) + "), top processes:";
    for (size_t i = 0; i < top.size(); i++)
        out += (i ? ", " : " ") + top[i].first + " (" + with_commas(top[i].second) + ")";
    return out;
}

Shipped suppressed_alert(const Suppressed& s, const std::string& hostname, uint64_t time_ns, bool iso8601)
{
    const std::string text =
        (iso8601 ? rfc3339(time_ns) : clock_time(time_ns)) + ": " + priority_name(Priority::Notice) + " " + s.line();
    std::string top;
    for (const auto& [process, n] : s.top)
        top += (top.empty() ? "" : ", ") + process + " (" + std::to_string(n) + ")";
    nlohmann::ordered_json j;
    j["hostname"] = hostname;
    j["output"] = text;
    j["output_fields"] = {{"tripline.suppressed_rule", s.rule},
                          {"tripline.rate_limited", s.rate_limited},
                          {"tripline.duplicates", s.duplicates},
                          {"tripline.interval_s", s.seconds},
                          {"tripline.top_processes", top}};
    j["priority"] = priority_name(Priority::Notice);
    j["rule"] = kSuppressedRule;
    j["source"] = "internal";
    j["tags"] = {"tripline"};
    j["time"] = rfc3339(time_ns);
    return Shipped{text, j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), Priority::Notice,
                   time_ns};
}

std::vector<Suppressed> AlertGate::summaries(uint64_t now_ns, bool final)
{
    std::vector<Suppressed> out;
    if (!summary_started_ || (!final && now_ns - last_summary_ns_ < cfg_.summary_interval_ns))
        return out;
    const uint64_t secs = (now_ns - last_summary_ns_) / 1'000'000'000ULL;
    last_summary_ns_ = now_ns;
    for (const auto& [rule, h] : held_) {
        Suppressed s{rule, h.rate_limited, h.duplicates, secs, {h.processes.begin(), h.processes.end()}};
        std::stable_sort(s.top.begin(), s.top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        if (s.top.size() > 3)
            s.top.resize(3);
        out.push_back(std::move(s));
    }
    held_.clear();
    // forget duplicates older than the window, so the table stays as small as the traffic
    std::erase_if(seen_, [&](const auto& kv) { return now_ns - kv.second >= cfg_.dedup_window_ns; });
    return out;
}

}  // namespace tripline
