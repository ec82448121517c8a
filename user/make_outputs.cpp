// Every output the config enables, each behind its own queue; see sinks.h.
#include "user/sinks.h"

namespace tripline {

Result<std::unique_ptr<Outputs>> make_outputs(const Config& cfg, const std::string& hostname)
{
    auto outs = std::make_unique<Outputs>();
    outs->drain_timeout = std::chrono::milliseconds(cfg.outputs_drain_timeout_ms);
    const size_t cap = cfg.outputs_queue_capacity;
    const bool line_outputs = cfg.stdout_enabled || cfg.file_enabled || cfg.syslog_enabled || cfg.program_enabled;
    outs->wants_text = line_outputs && !cfg.json_output;
    outs->wants_json = (line_outputs && cfg.json_output) || cfg.http.enabled || cfg.alertmanager.enabled;
    if (cfg.stdout_enabled)
        outs->add(stdout_sink(cfg.json_output), cap);
    if (cfg.file_enabled) {
        auto f = file_sink(cfg.file_filename, cfg.json_output);
        if (!f)
            return Error{f.error()};
        outs->add(std::move(*f), cap);
    }
    if (cfg.syslog_enabled) {
        SyslogOptions o;
        o.socket = cfg.syslog_socket;
        o.rfc3164 = cfg.syslog_format == "rfc3164";
        o.facility = syslog_facility(cfg.syslog_facility);
        o.app_name = cfg.syslog_app_name;
        o.hostname = hostname;
        outs->add(syslog_sink(std::move(o), cfg.json_output), cap);
    }
    if (cfg.program_enabled)
        outs->add(program_sink(cfg.program_command, cfg.json_output), cap);
    if (cfg.http.enabled)
        outs->add(http_sink(cfg.http), cap);
    if (cfg.alertmanager.enabled)
        outs->add(alertmanager_sink(cfg.alertmanager), cap);
    return outs;
}

}  // namespace tripline
