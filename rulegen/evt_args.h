// Event arguments as Falco names and prints them: evt.arg.NAME, evt.arg[N],
// evt.rawarg.NAME and evt.args, from tripline's records. The parameter lists
// follow Falco's exit events (no enter events: their parameters come last);
// flag names follow the driver's tables, in table order, joined by '|'.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tripline {

struct Event;
struct Context;

// evt.arg.NAME / evt.arg[N]: the resolved form when there is one, else the raw one
std::optional<std::string> evt_arg(const Event& e, const std::string& name_or_index, const Context& ctx);
// evt.rawarg.NAME: the raw number
std::optional<int64_t> evt_rawarg(const Event& e, const std::string& name);
// An enumerated parameter: evt.arg.NAME of `evt_type` is rendered from the
// payload's raw argument `raw` alone; `values` are those with a name (any
// other value renders as its decimal number). rewrite.cpp decides predicates
// on it from the number, which the kernel has.
struct EnumParam {
    uint32_t evt_type;
    int raw;
    std::vector<uint64_t> values;
};
// every event type with a parameter NAME; nullopt when one of them is not such an enumeration
std::optional<std::vector<EnumParam>> enum_params(const std::string& name);

// evt.args: "name=raw " or "name=raw(resolved) " per argument
std::string evt_args(const Event& e, const Context& ctx);

// the flag tables, exposed for tests
std::string open_flags_string(uint32_t kernel_flags);    // O_CREAT|O_RDWR
std::string caps_string(uint64_t caps);                  // CAP_CHOWN CAP_KILL
std::string socket_family_string(uint64_t family);       // AF_LOCAL|AF_UNIX
std::string ptrace_request_string(uint64_t request);     // PTRACE_ATTACH
std::string clone_flags_string(uint64_t kernel_flags);   // CLONE_NEWNS|CLONE_NEWUSER
std::string execve_flags_string(uint32_t exe_flags);     // EXE_WRITABLE|EXE_UPPER_LAYER

}  // namespace tripline
