// What each alert output reports about itself: the contract between the
// outputs (user/output*) and whoever shows the agent's health (stats,
// /metrics, the exit summary).
#pragma once

#include <cstdint>
#include <string>

namespace tripline {

struct OutputCounters {
    std::string name;     // "stdout", "file", "syslog", "program", "http", "alertmanager"
    uint64_t sent = 0;    // delivered to the destination
    uint64_t failed = 0;  // given up on after the destination refused or failed (retries spent)
    uint64_t dropped = 0; // never attempted: the output's queue was full
    uint64_t queued = 0;  // waiting in the queue now
};

}  // namespace tripline
