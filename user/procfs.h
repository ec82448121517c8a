// Facts about live processes that a record does not carry — an ancestor's
// executable and command line, a parent that predates the agent — read from
// /proc and trusted only when the process's start time (boot clock, as the
// kernel recorded it) matches, so a reused pid is never mistaken for the
// original.
#pragma once

#include <cstdint>
#include <optional>

#include "rulegen/event.h"

namespace tripline {

// /proc/PID/exe and /proc/PID/cmdline, when PID still is the process that
// started at `start_ns`
std::optional<ProcFacts> read_proc_facts(uint32_t pid, uint64_t start_ns);

}  // namespace tripline
