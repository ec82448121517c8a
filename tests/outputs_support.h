// Helpers shared by the output tests (test_outputs.cpp, test_receivers.cpp):
// a fresh temp directory, a sample alert, bounded waits.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "user/output.h"

namespace tltest {

inline std::string temp_dir(const std::string& name)
{
    std::string dir = "/tmp/tripline-outputs-" + std::to_string(getpid()) + "-" + name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// "Read of a sensitive file" by cat on /etc/shadow, as the agent ships it
inline tripline::Shipped sample_alert(const std::string& message,
                                      tripline::Priority p = tripline::Priority::Warning)
{
    nlohmann::ordered_json j;
    j["hostname"] = "node-1";
    j["output"] = "2026-12-04T08:00:00.000000001Z: " + std::string(tripline::priority_name(p)) + " " + message;
    j["output_fields"] = {{"proc.name", "cat"}, {"fd.name", "/etc/shadow"}, {"proc.pid", 4242}, {"fd.sip", nullptr}};
    j["priority"] = tripline::priority_name(p);
    j["rule"] = "Read of a sensitive file";
    j["source"] = "syscall";
    j["tags"] = {"filesystem", "mitre_credential_access"};
    j["time"] = "2026-12-04T08:00:00.000000001Z";
    return tripline::Shipped{j["output"], j.dump(), p, 1796371200000000001ULL};
}

// polls `done` until it holds or the timeout passes
inline bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10))
{
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= end)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

}  // namespace tltest
