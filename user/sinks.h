// The destinations, one file each: output_file.cpp (stdout, file),
// output_syslog.cpp, output_program.cpp, output_http.cpp (webhook and
// Alertmanager), and make_outputs, which builds them all from the config.
#pragma once

#include <memory>
#include <string>

#include "user/config.h"
#include "user/output.h"

namespace tripline {

std::unique_ptr<Sink> stdout_sink(bool json);
// appends; reopen() (SIGHUP) opens the path again, so logrotate's rename works
Result<std::unique_ptr<Sink>> file_sink(const std::string& path, bool json);

struct SyslogOptions {
    std::string socket = "/dev/log";  // a unix datagram socket
    bool rfc3164 = false;             // else RFC 5424
    int facility = 1;                 // user
    std::string app_name = "tripline";
    std::string hostname;
};
int syslog_facility(const std::string& name);  // "local0" -> 16; -1 when unknown
std::unique_ptr<Sink> syslog_sink(SyslogOptions opts, bool json);
// the datagram for one alert, with its text line or `body` (exposed for tests)
std::string syslog_message(const SyslogOptions& opts, const Shipped& a);
std::string syslog_message(const SyslogOptions& opts, const Shipped& a, const std::string& body);

// `sh -c command`, one alert per line on its stdin, started again if it dies
std::unique_ptr<Sink> program_sink(const std::string& command, bool json);

// POST of Falco's JSON alert (Falcosidekick's input)
std::unique_ptr<Sink> http_sink(const HttpConfig& cfg);
// POST to Alertmanager's /api/v2/alerts of a one-alert array
std::unique_ptr<Sink> alertmanager_sink(const HttpConfig& cfg);
std::string alertmanager_body(const Shipped& a);  // exposed for tests

// every output the config enables; an error names the output that failed to open
Result<std::unique_ptr<Outputs>> make_outputs(const Config& cfg, const std::string& hostname);

}  // namespace tripline
