// tripline's logger: one line per message on stderr. libbpf's own messages
// come through here too, and only with -v; without it, the last ones are kept
// so a failure can still say what the verifier or the kernel answered.
#pragma once

#include <string>

namespace tripline::log {

void set_verbose(bool on);
// "debug" (= verbose), "info", "warning" or "error": the least severe message shown
void set_level(const std::string& level);
bool verbose();
void info(const std::string& msg);
void warn(const std::string& msg);
void error(const std::string& msg);
void debug(const std::string& msg);

void route_libbpf();              // install the libbpf print callback
std::string libbpf_tail(size_t lines = 3);  // libbpf's last messages, for errors

}  // namespace tripline::log
