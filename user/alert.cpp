// Confirmation and formatting of alerts; see alert.h.
#include "user/alert.h"

#include <nlohmann/json.hpp>

#include <ctime>

namespace tripline {

Alert make_alert(const Rule& rule, const Event& e, const Context& ctx, uint64_t time_ns)
{
    Alert a;
    a.rule = &rule;
    a.time_ns = time_ns;
    a.message = render(rule.output, e, ctx);
    for (const FieldRef& f : rule.output.fields())
        a.fields.emplace_back(f.text(), field_value(e, f, ctx));
    return a;
}

namespace {

// strftime's `fmt` for the seconds, then nine digits of nanoseconds and `tail`
std::string stamp(uint64_t ns, bool utc, const char* fmt, const char* tail)
{
    time_t secs = static_cast<time_t>(ns / 1000000000ULL);
    struct tm tm {};
    if (utc)
        gmtime_r(&secs, &tm);
    else
        localtime_r(&secs, &tm);
    char buf[64];
    size_t n = strftime(buf, sizeof(buf), fmt, &tm);
    snprintf(buf + n, sizeof(buf) - n, ".%09llu%s", static_cast<unsigned long long>(ns % 1000000000ULL), tail);
    return buf;
}

}  // namespace

std::string rfc3339(uint64_t ns) { return stamp(ns, true, "%Y-%m-%dT%H:%M:%S", "Z"); }

std::string clock_time(uint64_t ns) { return stamp(ns, false, "%H:%M:%S", ""); }

std::string format_text(const Alert& a, bool iso8601)
{
    return (iso8601 ? rfc3339(a.time_ns) : clock_time(a.time_ns)) + ": " + priority_name(a.rule->priority) + " " +
           a.message;
}

std::string format_json(const Alert& a, const std::string& hostname, bool iso8601)
{
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    for (const auto& [name, v] : a.fields) {
        if (!v)
            fields[name] = nullptr;
        else if (const auto* i = std::get_if<int64_t>(&*v))
            fields[name] = *i;
        else if (const auto* b = std::get_if<bool>(&*v))
            fields[name] = *b;
        else
            fields[name] = format_value(*v);
    }
    nlohmann::ordered_json j;
    j["hostname"] = hostname;
    j["output"] = format_text(a, iso8601);
    j["output_fields"] = fields;
    j["priority"] = priority_name(a.rule->priority);
    j["rule"] = a.rule->name;
    j["source"] = "syscall";
    j["tags"] = a.rule->tags;
    j["time"] = rfc3339(a.time_ns);
    // invalid UTF-8 in paths or argv must not lose the alert
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::vector<const Rule*> confirm(const Ruleset& rs, const Event& e, const Context& ctx, ConfirmStats& stats)
{
    const tl_event& r = e.rec;
    const tl_class_cfg& cls = rs.tables.classes[r.class_id];
    std::vector<bool> candidate(rs.rules.size(), false), certain(rs.rules.size(), false);
    if (r.flags & TL_EF_SHIP_ALL) {
        for (size_t i = 0; i < rs.rules.size(); i++)
            candidate[i] = rs.rules[i].enabled && (rs.rules[i].classes & (1u << r.class_id));
    } else {
        for (uint32_t w = cls.word_lo; w < cls.word_hi && w < TL_MAX_WORDS; w++)
            for (uint64_t bits = r.may[w]; bits; bits &= bits - 1) {
                uint32_t bit = w * 64 + static_cast<uint32_t>(__builtin_ctzll(bits));
                int rule = rs.rule_of_bit[bit];
                if (rule < 0)
                    continue;
                candidate[static_cast<size_t>(rule)] = true;
                certain[static_cast<size_t>(rule)] = certain[static_cast<size_t>(rule)] || ((r.def[w] >> (bit % 64)) & 1);
            }
    }
    std::vector<const Rule*> matched;
    for (size_t i = 0; i < rs.rules.size(); i++) {
        if (!candidate[i])
            continue;
        stats.candidates++;
        const Tri verdict = eval_condition3(rs.rules[i].condition, rs.preds, e, ctx);
        if (verdict != Tri::F) {
            stats.confirmed++;
            stats.undecided += verdict == Tri::U;
            matched.push_back(&rs.rules[i]);
        } else {
            stats.rejected++;
            stats.definite_mismatch += certain[i];
        }
    }
    return matched;
}

}  // namespace tripline
