// A decoded ring-buffer record, and the value of each field for it. The
// reference evaluator and the alert formatter read events through here; the
// tests build events and encode them into records for the kernel evaluator.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rulegen/fields.h"

extern "C" {
#include "kern/event.h"
}

namespace tripline {

struct Event {
    struct tl_event rec{};  // the header part is meaningful; rec.data is not used
    std::array<std::string, TL_NSTR> str;  // the strings, by slot (enum tl_str_slot)
    uint64_t num = 0;                      // evt.num: set by the consumer
};

// Validates and decodes one record. On failure returns nullopt and says why.
std::optional<Event> decode_event(const void* data, size_t size, std::string* error);

// The record for an event: offsets, lengths, data_len and size filled in.
// Strings longer than the kernel would send are cut and flagged truncated.
std::vector<uint8_t> encode_event(const Event& e);

// What only userspace knows.
struct ContainerInfo {
    std::string name, image, repository, tag, k8s_ns, k8s_pod;
    bool privileged = false;
};

// A live process's executable path and argv (NUL separated).
struct ProcFacts {
    std::string exepath, argv;
};

struct Context {
    std::string hostname;
    std::function<std::string(uint32_t uid)> user_name;   // "" when unknown
    std::function<std::string(uint32_t gid)> group_name;  // "" when unknown
    std::function<std::optional<ContainerInfo>(const std::string& id)> container;  // runtime metadata
    int64_t boot_to_wall_ns = 0;  // CLOCK_REALTIME - CLOCK_BOOTTIME
    // what the record lacks about a live process (an ancestor past the
    // grandparent, a parent that predates the agent): pid and start time
    // (boot clock); nullopt when it is gone. Unset: those fields are missing.
    std::function<std::optional<ProcFacts>(uint32_t pid, uint64_t start_ns)> process;
};

// a field's value; nullopt when the event has none
std::optional<Value> field_value(const Event& e, const FieldRef& f, const Context& ctx);
inline std::optional<Value> field_value(const Event& e, FieldId id, const Context& ctx)
{
    return field_value(e, FieldRef{id, ""}, ctx);
}
// the values of a field with several (FieldInfo::Multi); nullopt when none
std::optional<std::vector<Value>> field_values(const Event& e, const FieldRef& f, const Context& ctx);

std::string argv0(const std::string& argv);        // NUL-separated argv -> argv[0]
std::string args_joined(const std::string& argv);  // argv[1..], space separated

}  // namespace tripline
