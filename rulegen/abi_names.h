// Names of the kernel ABI's enumerations (kern/event.h), and the x86_64
// syscall numbers of each event type. One place, shared by the compiler,
// the decoder and the loader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

extern "C" {
#include "kern/tables.h"
}

namespace tripline {

const char* evt_type_name(uint32_t evt_type);   // "openat"; nullptr when out of range
const char* fd_type_name(uint32_t fd_kind);     // "file", "ipv4", ...; nullptr for none
const char* fd_typechar(uint32_t fd_kind);      // "f", "4", ...; nullptr for none
const char* l4proto_name(uint32_t l4proto);     // "tcp", ...; nullptr for unknown
const char* class_name(uint32_t class_id);      // "open"
uint32_t evt_type_class(uint32_t evt_type);    // TL_EVT_OPENAT -> TL_CLASS_OPEN
std::string errno_name(int64_t err);            // 2 -> "ENOENT"; "" when unknown
std::string failure_name(int64_t res);          // a syscall result: -2 -> "ENOENT"; "" when not an errno
std::string evt_res_string(int64_t rawres);     // "SUCCESS", "ENOENT", or the number

struct SyscallInfo {
    int nr;           // x86_64
    uint8_t evt_type; // enum tl_evt_type
    uint8_t class_id; // enum tl_class
    uint8_t str_args; // bit i: argument i is a string the kernel copies (generic class)
    uint8_t fd_from;  // enum tl_fd_from (generic class)
};
const std::vector<SyscallInfo>& syscalls_x86_64();
// the same syscalls by their ia32 numbers (nr is the ia32 one); socketcall,
// which multiplexes the socket calls, has evt_type TL_EVT_UNKNOWN
const std::vector<SyscallInfo>& syscalls_ia32();

// every errno with a name, ascending
const std::vector<int>& named_errnos();

}  // namespace tripline
