// A decoded ring-buffer record, and the value of each field for it. The
// reference evaluator and the alert formatter read events through here; the
// tests build events and encode them into records for the kernel evaluator.
#pragma once

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
    std::string exepath;
    std::string args;       // argv, NUL separated
    std::string fd_name;
};

// Validates and decodes one record. On failure returns nullopt and says why.
std::optional<Event> decode_event(const void* data, size_t size, std::string* error);

// The record for an event: offsets, lengths, data_len and size filled in.
// Strings longer than the kernel would send are cut and flagged truncated.
std::vector<uint8_t> encode_event(const Event& e);

// What only userspace knows.
struct Context {
    std::string hostname;
    std::function<std::string(uint32_t uid)> user_name;  // "" when unknown
};

std::optional<Value> field_value(const Event& e, const FieldRef& f, const Context& ctx);
inline std::optional<Value> field_value(const Event& e, FieldId id, const Context& ctx)
{
    return field_value(e, FieldRef{id, ""}, ctx);
}

std::string argv0(const Event& e);
std::string args_joined(const Event& e);  // argv[1..], space separated

}  // namespace tripline
