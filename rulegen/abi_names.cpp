// Names of the kernel ABI's enumerations; see abi_names.h.
#include "rulegen/abi_names.h"

#include <cstring>

namespace tripline {

const char* evt_type_name(uint32_t t)
{
    static const char* names[TL_EVT_COUNT] = {
        nullptr,  "execve",   "execveat",  "open",   "openat",   "openat2",  "creat",
        "connect", "setuid",  "setreuid",  "setresuid", "setgid", "setregid", "setresgid"};
    return t < TL_EVT_COUNT ? names[t] : nullptr;
}

const char* fd_type_name(uint32_t k)
{
    static const char* names[TL_FD_KIND_COUNT] = {
        nullptr,     "file",    "directory", "ipv4",    "ipv6",   "unix",    "pipe", "event",
        "signalfd",  "eventpoll", "inotify", "timerfd", "netlink", "socket", "other"};
    return k < TL_FD_KIND_COUNT ? names[k] : nullptr;
}

const char* fd_typechar(uint32_t k)
{
    static const char* chars[TL_FD_KIND_COUNT] = {nullptr, "f", "d", "4", "6", "u", "p", "e",
                                                   "s",     "l", "i", "t", "n", "o", "o"};
    return k < TL_FD_KIND_COUNT ? chars[k] : nullptr;
}

const char* l4proto_name(uint32_t p)
{
    static const char* names[TL_L4_COUNT] = {nullptr, "tcp", "udp", "icmp", "raw"};
    return p < TL_L4_COUNT ? names[p] : nullptr;
}

const char* class_name(uint32_t c)
{
    static const char* names[TL_CLASS_COUNT] = {"none", "exec", "open", "connect", "setid"};
    return c < TL_CLASS_COUNT ? names[c] : "?";
}

uint32_t evt_type_class(uint32_t t)
{
    switch (t) {
    case TL_EVT_EXECVE:
    case TL_EVT_EXECVEAT:
        return TL_CLASS_EXEC;
    case TL_EVT_OPEN:
    case TL_EVT_OPENAT:
    case TL_EVT_OPENAT2:
    case TL_EVT_CREAT:
        return TL_CLASS_OPEN;
    case TL_EVT_CONNECT:
        return TL_CLASS_CONNECT;
    case TL_EVT_SETUID:
    case TL_EVT_SETREUID:
    case TL_EVT_SETRESUID:
    case TL_EVT_SETGID:
    case TL_EVT_SETREGID:
    case TL_EVT_SETRESGID:
        return TL_CLASS_SETID;
    default:
        return TL_CLASS_NONE;
    }
}

std::string errno_name(int64_t err)
{
    if (err <= 0 || err > 4095)
        return "";
    const char* n = strerrorname_np(static_cast<int>(err));
    return n ? n : "";
}

std::string evt_res_string(int64_t rawres)
{
    if (rawres >= 0)
        return "SUCCESS";
    std::string n = errno_name(-rawres);
    return n.empty() ? std::to_string(rawres) : n;
}

const std::vector<int>& named_errnos()
{
    static const std::vector<int> all = [] {
        std::vector<int> v;
        for (int e = 1; e <= 4095; e++)
            if (!errno_name(e).empty())
                v.push_back(e);
        return v;
    }();
    return all;
}

const std::vector<SyscallInfo>& syscalls_x86_64()
{
    static const std::vector<SyscallInfo> table = {
        {2, TL_EVT_OPEN, TL_CLASS_OPEN},          {257, TL_EVT_OPENAT, TL_CLASS_OPEN},
        {437, TL_EVT_OPENAT2, TL_CLASS_OPEN},     {85, TL_EVT_CREAT, TL_CLASS_OPEN},
        {42, TL_EVT_CONNECT, TL_CLASS_CONNECT},   {105, TL_EVT_SETUID, TL_CLASS_SETID},
        {113, TL_EVT_SETREUID, TL_CLASS_SETID},   {117, TL_EVT_SETRESUID, TL_CLASS_SETID},
        {106, TL_EVT_SETGID, TL_CLASS_SETID},     {114, TL_EVT_SETREGID, TL_CLASS_SETID},
        {119, TL_EVT_SETRESGID, TL_CLASS_SETID},  {59, TL_EVT_EXECVE, TL_CLASS_NONE},
        {322, TL_EVT_EXECVEAT, TL_CLASS_NONE},
    };
    return table;
}

}  // namespace tripline
