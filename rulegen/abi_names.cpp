// Names of the kernel ABI's enumerations; see abi_names.h.
#include "rulegen/abi_names.h"

#include <cstring>

namespace tripline {

const char* evt_type_name(uint32_t t)
{
    static const char* names[TL_EVT_COUNT] = {
        nullptr,     "execve",      "execveat",  "open",     "openat",   "openat2",       "creat",
        "connect",   "setuid",      "setreuid",  "setresuid", "setgid",  "setregid",      "setresgid",
        "accept",    "accept4",     "bind",      "listen",   "socket",   "sendto",        "sendmsg",
        "ptrace",    "symlink",     "symlinkat", "link",     "linkat",   "unlink",        "unlinkat",
        "rename",    "renameat",    "renameat2", "mkdir",    "mkdirat",  "rmdir",         "chmod",
        "fchmod",    "fchmodat",    "dup",       "dup2",     "dup3",     "init_module",   "finit_module",
        "bpf",       "unshare",     "setns",     "mount",    "umount2",  "memfd_create",  "userfaultfd",
        "prctl"};
    return t < TL_EVT_COUNT ? names[t] : nullptr;
}

const char* fd_type_name(uint32_t k)
{
    static const char* names[TL_FD_KIND_COUNT] = {
        nullptr,  "file",    "directory", "ipv4",     "ipv6", "unix",        "pipe",
        "event",  "signalfd", "eventpoll", "inotify", "timerfd", "netlink",  nullptr,
        nullptr,  "bpf",     "userfaultfd", "io_uring", "memfd", "pidfd"};
    return k < TL_FD_KIND_COUNT ? names[k] : nullptr;
}

const char* fd_typechar(uint32_t k)
{
    static const char* chars[TL_FD_KIND_COUNT] = {nullptr, "f", "d", "4", "6", "u", "p", "e", "s", "l",
                                                   "i", "t", "n", "o", "o", "b", "u", "r", "m", "P"};
    return k < TL_FD_KIND_COUNT ? chars[k] : nullptr;
}

const char* l4proto_name(uint32_t p)
{
    static const char* names[TL_L4_COUNT] = {nullptr, "tcp", "udp", "icmp", "raw"};
    return p < TL_L4_COUNT ? names[p] : nullptr;
}

const char* class_name(uint32_t c)
{
    static const char* names[TL_CLASS_COUNT] = {"none", "exec", "open", "net", "setid", "syscall"};
    return c < TL_CLASS_COUNT ? names[c] : "?";
}

uint32_t evt_type_class(uint32_t t)
{
    for (const auto& sc : syscalls_x86_64())
        if (sc.evt_type == t)
            return sc.class_id;
    return TL_CLASS_NONE;
}

std::string errno_name(int64_t err)
{
    if (err <= 0 || err > 4095)
        return "";
    const char* n = strerrorname_np(static_cast<int>(err));
    return n ? n : "";
}

std::string failure_name(int64_t res)
{
    // below -4095 it is no errno, and negating INT64_MIN would overflow (found by fuzz_event)
    return res < 0 && res >= -4095 ? errno_name(-res) : "";
}

std::string evt_res_string(int64_t rawres)
{
    if (rawres >= 0)
        return "SUCCESS";
    std::string n = failure_name(rawres);
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
    // str: bit i = argument i is a string to copy; fd: where the event's fd comes from
    constexpr uint8_t R = TL_FD_FROM_RET, A0 = TL_FD_FROM_ARG0;
    static const std::vector<SyscallInfo> table = {
        {59, TL_EVT_EXECVE, TL_CLASS_EXEC, 0, 0},           {322, TL_EVT_EXECVEAT, TL_CLASS_EXEC, 0, 0},
        {2, TL_EVT_OPEN, TL_CLASS_OPEN, 0, 0},              {257, TL_EVT_OPENAT, TL_CLASS_OPEN, 0, 0},
        {437, TL_EVT_OPENAT2, TL_CLASS_OPEN, 0, 0},         {85, TL_EVT_CREAT, TL_CLASS_OPEN, 0, 0},
        {42, TL_EVT_CONNECT, TL_CLASS_NET, 0, 0},           {43, TL_EVT_ACCEPT, TL_CLASS_NET, 0, 0},
        {288, TL_EVT_ACCEPT4, TL_CLASS_NET, 0, 0},          {49, TL_EVT_BIND, TL_CLASS_NET, 0, 0},
        {50, TL_EVT_LISTEN, TL_CLASS_NET, 0, 0},            {41, TL_EVT_SOCKET, TL_CLASS_NET, 0, 0},
        {44, TL_EVT_SENDTO, TL_CLASS_NET, 0, 0},            {46, TL_EVT_SENDMSG, TL_CLASS_NET, 0, 0},
        {105, TL_EVT_SETUID, TL_CLASS_SETID, 0, 0},         {113, TL_EVT_SETREUID, TL_CLASS_SETID, 0, 0},
        {117, TL_EVT_SETRESUID, TL_CLASS_SETID, 0, 0},      {106, TL_EVT_SETGID, TL_CLASS_SETID, 0, 0},
        {114, TL_EVT_SETREGID, TL_CLASS_SETID, 0, 0},       {119, TL_EVT_SETRESGID, TL_CLASS_SETID, 0, 0},
        {101, TL_EVT_PTRACE, TL_CLASS_SYSCALL, 0, 0},
        {88, TL_EVT_SYMLINK, TL_CLASS_SYSCALL, 0b11, 0},    {266, TL_EVT_SYMLINKAT, TL_CLASS_SYSCALL, 0b101, 0},
        {86, TL_EVT_LINK, TL_CLASS_SYSCALL, 0b11, 0},       {265, TL_EVT_LINKAT, TL_CLASS_SYSCALL, 0b1010, 0},
        {87, TL_EVT_UNLINK, TL_CLASS_SYSCALL, 0b1, 0},      {263, TL_EVT_UNLINKAT, TL_CLASS_SYSCALL, 0b10, 0},
        {82, TL_EVT_RENAME, TL_CLASS_SYSCALL, 0b11, 0},     {264, TL_EVT_RENAMEAT, TL_CLASS_SYSCALL, 0b1010, 0},
        {316, TL_EVT_RENAMEAT2, TL_CLASS_SYSCALL, 0b1010, 0}, {83, TL_EVT_MKDIR, TL_CLASS_SYSCALL, 0b1, 0},
        {258, TL_EVT_MKDIRAT, TL_CLASS_SYSCALL, 0b10, 0},   {84, TL_EVT_RMDIR, TL_CLASS_SYSCALL, 0b1, 0},
        {90, TL_EVT_CHMOD, TL_CLASS_SYSCALL, 0b1, 0},       {91, TL_EVT_FCHMOD, TL_CLASS_SYSCALL, 0, A0},
        {268, TL_EVT_FCHMODAT, TL_CLASS_SYSCALL, 0b10, 0},  {32, TL_EVT_DUP, TL_CLASS_SYSCALL, 0, R},
        {33, TL_EVT_DUP2, TL_CLASS_SYSCALL, 0, R},          {292, TL_EVT_DUP3, TL_CLASS_SYSCALL, 0, R},
        {175, TL_EVT_INIT_MODULE, TL_CLASS_SYSCALL, 0b100, 0}, {313, TL_EVT_FINIT_MODULE, TL_CLASS_SYSCALL, 0b10, A0},
        {321, TL_EVT_BPF, TL_CLASS_SYSCALL, 0, R},          {272, TL_EVT_UNSHARE, TL_CLASS_SYSCALL, 0, 0},
        {308, TL_EVT_SETNS, TL_CLASS_SYSCALL, 0, A0},       {165, TL_EVT_MOUNT, TL_CLASS_SYSCALL, 0b111, 0},
        {166, TL_EVT_UMOUNT2, TL_CLASS_SYSCALL, 0b1, 0},    {319, TL_EVT_MEMFD_CREATE, TL_CLASS_SYSCALL, 0b1, R},
        {323, TL_EVT_USERFAULTFD, TL_CLASS_SYSCALL, 0, R},  {157, TL_EVT_PRCTL, TL_CLASS_SYSCALL, 0b10, 0},
    };
    return table;
}

const std::vector<SyscallInfo>& syscalls_ia32()
{
    // arch/x86/entry/syscalls/syscall_32.tbl; only what syscall_classes needs to count them
    auto x = [](int nr, uint8_t evt_type, uint8_t class_id) { return SyscallInfo{nr, evt_type, class_id, 0, 0}; };
    constexpr uint8_t E = TL_CLASS_EXEC, O = TL_CLASS_OPEN, N = TL_CLASS_NET, I = TL_CLASS_SETID, S = TL_CLASS_SYSCALL;
    static const std::vector<SyscallInfo> table = {
        x(11, TL_EVT_EXECVE, E),        x(358, TL_EVT_EXECVEAT, E),     x(5, TL_EVT_OPEN, O),
        x(295, TL_EVT_OPENAT, O),       x(437, TL_EVT_OPENAT2, O),      x(8, TL_EVT_CREAT, O),
        x(102, TL_EVT_UNKNOWN, N),      x(359, TL_EVT_SOCKET, N),       x(361, TL_EVT_BIND, N),
        x(362, TL_EVT_CONNECT, N),      x(363, TL_EVT_LISTEN, N),       x(364, TL_EVT_ACCEPT4, N),
        x(369, TL_EVT_SENDTO, N),       x(370, TL_EVT_SENDMSG, N),      x(23, TL_EVT_SETUID, I),
        x(213, TL_EVT_SETUID, I),       x(46, TL_EVT_SETGID, I),        x(214, TL_EVT_SETGID, I),
        x(70, TL_EVT_SETREUID, I),      x(203, TL_EVT_SETREUID, I),     x(71, TL_EVT_SETREGID, I),
        x(204, TL_EVT_SETREGID, I),     x(164, TL_EVT_SETRESUID, I),    x(208, TL_EVT_SETRESUID, I),
        x(170, TL_EVT_SETRESGID, I),    x(210, TL_EVT_SETRESGID, I),    x(26, TL_EVT_PTRACE, S),
        x(83, TL_EVT_SYMLINK, S),       x(304, TL_EVT_SYMLINKAT, S),    x(9, TL_EVT_LINK, S),
        x(303, TL_EVT_LINKAT, S),       x(10, TL_EVT_UNLINK, S),        x(301, TL_EVT_UNLINKAT, S),
        x(38, TL_EVT_RENAME, S),        x(302, TL_EVT_RENAMEAT, S),     x(353, TL_EVT_RENAMEAT2, S),
        x(39, TL_EVT_MKDIR, S),         x(296, TL_EVT_MKDIRAT, S),      x(40, TL_EVT_RMDIR, S),
        x(15, TL_EVT_CHMOD, S),         x(94, TL_EVT_FCHMOD, S),        x(306, TL_EVT_FCHMODAT, S),
        x(41, TL_EVT_DUP, S),           x(63, TL_EVT_DUP2, S),          x(330, TL_EVT_DUP3, S),
        x(128, TL_EVT_INIT_MODULE, S),  x(350, TL_EVT_FINIT_MODULE, S), x(357, TL_EVT_BPF, S),
        x(310, TL_EVT_UNSHARE, S),      x(346, TL_EVT_SETNS, S),        x(21, TL_EVT_MOUNT, S),
        x(52, TL_EVT_UMOUNT2, S),       x(356, TL_EVT_MEMFD_CREATE, S), x(374, TL_EVT_USERFAULTFD, S),
        x(172, TL_EVT_PRCTL, S),
    };
    return table;
}

}  // namespace tripline
