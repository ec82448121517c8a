// From a confirmed match to the alert people read: Falco's text line and
// Falco's JSON object (hostname, output, output_fields, priority, rule,
// source, tags, time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rulegen/ruleset.h"

namespace tripline {

struct Alert {
    const Rule* rule = nullptr;
    uint64_t time_ns = 0;  // wall clock, ns since the epoch
    std::string message;   // the rendered output template
    std::vector<std::pair<std::string, std::optional<Value>>> fields;  // the template's fields
};

Alert make_alert(const Rule& rule, const Event& e, const Context& ctx, uint64_t time_ns);

std::string rfc3339(uint64_t ns);      // 2026-12-03T18:00:00.123456789Z
std::string clock_time(uint64_t ns);   // 18:00:00.123456789, local time: Falco's time_format_iso_8601: false
// "<time>: <Priority> <message>"; the time as rfc3339, or clock_time when !iso8601
std::string format_text(const Alert& a, bool iso8601 = true);
// one line; "output" is format_text's line, "time" always RFC 3339
std::string format_json(const Alert& a, const std::string& hostname, bool iso8601 = true);

// Which rules an event really matches, among the kernel's candidates.
struct ConfirmStats {
    uint64_t candidates = 0;        // rules the kernel said may match
    uint64_t confirmed = 0;         // ... and do
    uint64_t undecided = 0;         // ... counted as matches: a value was incomplete (eval.cpp)
    uint64_t rejected = 0;          // ... and do not (expected for userspace-only predicates)
    uint64_t definite_mismatch = 0; // the kernel said certain, the reference evaluator disagrees
};
std::vector<const Rule*> confirm(const Ruleset& rs, const Event& e, const Context& ctx, ConfirmStats& stats);

}  // namespace tripline
