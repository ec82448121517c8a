// tripline.yaml: the agent's configuration, with Falco's key names where
// Falco has one. Every key is documented in docs/config.md, with a commented
// example in docs/tripline.yaml. Any key can be overridden on the command
// line as "-o key.path=value" (the value is YAML). An unknown key, a wrong
// type or a bad value is refused, naming the key, where it was set and why.
// Tested by tests/test_config.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rulegen/select.h"
#include "user/append.h"
#include "user/gate.h"
#include "user/result.h"

namespace tripline {

constexpr const char* kDefaultConfigPath = "/etc/tripline/tripline.yaml";

struct HttpConfig {
    bool enabled = false;
    std::string url;
    std::string ca_cert, client_cert, client_key;  // PEM files; empty: the system's CAs, no client cert
    bool insecure = false;                          // skip certificate verification
    std::map<std::string, std::string> headers;
    long timeout_ms = 2000;  // per attempt, connection included
    int retries = 3;         // after the first attempt
    long backoff_ms = 200;   // before the first retry; doubles each time
};

struct Config {
    std::vector<std::string> rules_files;
    std::optional<Priority> priority;       // minimum priority
    std::vector<Selection::Step> rules;     // Falco's rules: enable/disable selection
    bool json_output = false;
    bool time_format_iso_8601 = true;  // false: Falco's default "HH:MM:SS.nnnnnnnnn" local time
    bool stdout_enabled = true;
    bool file_enabled = false;
    std::string file_filename;
    bool syslog_enabled = false;
    std::string syslog_socket = "/dev/log";
    std::string syslog_format = "rfc3164";  // glibc's form, what /dev/log expects; or rfc5424
    std::string syslog_facility = "user";
    std::string syslog_app_name = "tripline";
    bool program_enabled = false;
    std::string program_command;
    HttpConfig http;
    HttpConfig alertmanager;
    std::vector<AppendSpec> append_output;
    size_t outputs_queue_capacity = 65536;  // alerts per output
    uint64_t outputs_drain_timeout_ms = 2000;
    GateConfig gate;  // rate_limit and dedup
    bool metrics_enabled = false;
    std::string metrics_listen_address = "127.0.0.1";
    uint16_t metrics_port = 9376;  // as kDefaultMetricsAddress
    std::string log_level = "info";  // debug, info, warning, error
    uint32_t ring_buffer_bytes = 8u << 20;  // buffers.ring_buffer_mb
};

// Reads `path` (when given), then applies the "key=value" overrides in order.
// `required`: a missing file is an error (-c FILE); otherwise it means defaults.
Result<Config> load_config(const std::optional<std::string>& path, bool required,
                           const std::vector<std::string>& overrides);
// The same from text, for tests; `origin` names it in errors.
Result<Config> parse_config(const std::string& yaml, const std::string& origin,
                            const std::vector<std::string>& overrides);

}  // namespace tripline
