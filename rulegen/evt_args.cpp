// Event arguments as Falco prints them; see evt_args.h. Tested by
// tests/test_event.cpp (flag renderings, per-event parameters).
#include "rulegen/evt_args.h"

#include <algorithm>

#include <cstdio>
#include <cstring>
#include <functional>
#include <variant>
#include <vector>

#include "rulegen/abi_names.h"
#include "rulegen/event.h"

namespace tripline {

namespace {

struct Flag {
    const char* name;
    uint64_t value;
};

// Falco's FLAGS rendering: table order, matched bits cleared, '|' between
// names, a zero entry only for zero, unknown bits dropped
std::string render_flags(const std::vector<Flag>& table, uint64_t initial)
{
    std::string out;
    uint64_t val = initial;
    for (const Flag& f : table) {
        bool match = (f.value == 0 && initial == 0) || (f.value != 0 && (val & f.value) == f.value && val != 0);
        if (!match)
            continue;
        val &= ~f.value;
        out += (out.empty() ? "" : "|") + std::string(f.name);
        if (f.value == initial)
            break;
    }
    return out;
}

// ENUMFLAGS: every name whose value is the value
std::string render_enum(const std::vector<Flag>& table, uint64_t v)
{
    std::string out;
    for (const Flag& f : table)
        if (f.value == v)
            out += (out.empty() ? "" : "|") + std::string(f.name);
    return out;
}

// the driver's PPM open flags, in its table's order
constexpr uint64_t kORdonly = 1, kOWronly = 2, kORdwr = 3, kOCreat = 4, kOAppend = 8, kODsync = 16, kOExcl = 32,
                   kONonblock = 64, kOSync = 128, kOTrunc = 256, kODirect = 512, kODirectory = 1024,
                   kOLargefile = 2048, kOCloexec = 4096, kOTmpfile = 8192, kOFCreated = 16384;
const std::vector<Flag> kFileFlags = {
    {"O_LARGEFILE", kOLargefile}, {"O_DIRECTORY", kODirectory}, {"O_DIRECT", kODirect}, {"O_TRUNC", kOTrunc},
    {"O_SYNC", kOSync},           {"O_NONBLOCK", kONonblock},   {"O_EXCL", kOExcl},     {"O_DSYNC", kODsync},
    {"O_APPEND", kOAppend},       {"O_CREAT", kOCreat},         {"O_RDWR", kORdwr},     {"O_WRONLY", kOWronly},
    {"O_RDONLY", kORdonly},       {"O_CLOEXEC", kOCloexec},     {"O_NONE", 0},          {"O_TMPFILE", kOTmpfile},
    {"O_F_CREATED", kOFCreated}};

uint64_t open_flags_to_ppm(uint32_t k)
{
    // x86_64 values
    constexpr uint32_t WRONLY = 01, RDWR = 02, CREAT = 0100, EXCL = 0200, TRUNC = 01000, APPEND = 02000,
                       NONBLOCK = 04000, DSYNC = 010000, DIRECT = 040000, LARGEFILE = 0100000,
                       DIRECTORY = 0200000, CLOEXEC = 02000000, SYNC = 04010000, TMPFILE = 020200000;
    uint64_t p = 0;
    uint32_t acc = k & 3;
    p |= acc == 0 ? kORdonly : acc == WRONLY ? kOWronly : acc == RDWR ? kORdwr : 0;
    if (k & CREAT) p |= kOCreat;
    if (k & EXCL) p |= kOExcl;
    if (k & TRUNC) p |= kOTrunc;
    if (k & APPEND) p |= kOAppend;
    if (k & NONBLOCK) p |= kONonblock;
    if ((k & SYNC) == SYNC) p |= kOSync;
    else if (k & DSYNC) p |= kODsync;
    if (k & DIRECT) p |= kODirect;
    if (k & LARGEFILE) p |= kOLargefile;
    if ((k & TMPFILE) == TMPFILE) p |= kOTmpfile;
    else if (k & DIRECTORY) p |= kODirectory;
    if (k & CLOEXEC) p |= kOCloexec;
    if (k & TL_O_F_CREATED) p |= kOFCreated;
    return p;
}

const std::vector<Flag> kSocketFamilies = {
    {"AF_NFC", 39}, {"AF_ALG", 38}, {"AF_CAIF", 37}, {"AF_IEEE802154", 36}, {"AF_PHONET", 35}, {"AF_ISDN", 34},
    {"AF_RXRPC", 33}, {"AF_IUCV", 32}, {"AF_BLUETOOTH", 31}, {"AF_TIPC", 30}, {"AF_CAN", 29}, {"AF_LLC", 26},
    {"AF_WANPIPE", 25}, {"AF_PPPOX", 24}, {"AF_IRDA", 23}, {"AF_SNA", 22}, {"AF_RDS", 21}, {"AF_ATMSVC", 20},
    {"AF_ECONET", 19}, {"AF_ASH", 18}, {"AF_PACKET", 17}, {"AF_ROUTE", 16}, {"AF_NETLINK", 16}, {"AF_KEY", 15},
    {"AF_SECURITY", 14}, {"AF_NETBEUI", 13}, {"AF_DECnet", 12}, {"AF_ROSE", 11}, {"AF_INET6", 10}, {"AF_X25", 9},
    {"AF_ATMPVC", 8}, {"AF_BRIDGE", 7}, {"AF_NETROM", 6}, {"AF_APPLETALK", 5}, {"AF_IPX", 4}, {"AF_AX25", 3},
    {"AF_INET", 2}, {"AF_LOCAL", 1}, {"AF_UNIX", 1}, {"AF_UNSPEC", 0}};

// in the driver's order, with the kernel's values (each maps to one PPM bit)
const std::vector<Flag> kCloneFlags = {
    {"CLONE_FILES", 0x400},          {"CLONE_FS", 0x200},           {"CLONE_IO", 0x80000000},
    {"CLONE_NEWIPC", 0x8000000},     {"CLONE_NEWNET", 0x40000000},  {"CLONE_NEWNS", 0x20000},
    {"CLONE_NEWPID", 0x20000000},    {"CLONE_NEWUTS", 0x4000000},   {"CLONE_PARENT", 0x8000},
    {"CLONE_PARENT_SETTID", 0x100000}, {"CLONE_PTRACE", 0x2000},    {"CLONE_SIGHAND", 0x800},
    {"CLONE_SYSVSEM", 0x40000},      {"CLONE_THREAD", 0x10000},     {"CLONE_UNTRACED", 0x800000},
    {"CLONE_VM", 0x100},             {"CLONE_NEWUSER", 0x10000000}, {"CLONE_CHILD_CLEARTID", 0x200000},
    {"CLONE_CHILD_SETTID", 0x1000000}, {"CLONE_SETTLS", 0x80000},   {"CLONE_VFORK", 0x4000},
    {"CLONE_NEWCGROUP", 0x2000000}};

const std::vector<Flag> kMountFlags = {
    {"RDONLY", 1u << 0},    {"NOSUID", 1u << 1},       {"NODEV", 1u << 2},       {"NOEXEC", 1u << 3},
    {"SYNCHRONOUS", 1u << 4}, {"REMOUNT", 1u << 5},    {"MANDLOCK", 1u << 6},    {"DIRSYNC", 1u << 7},
    {"NOATIME", 1u << 10},  {"NODIRATIME", 1u << 11},  {"BIND", 1u << 12},       {"MOVE", 1u << 13},
    {"REC", 1u << 14},      {"SILENT", 1u << 15},      {"POSIXACL", 1u << 16},   {"UNBINDABLE", 1u << 17},
    {"PRIVATE", 1u << 18},  {"SLAVE", 1u << 19},       {"SHARED", 1u << 20},     {"RELATIME", 1u << 21},
    {"KERNMOUNT", 1u << 22}, {"I_VERSION", 1u << 23},  {"STRICTATIME", 1u << 24}, {"LAZYTIME", 1u << 25},
    {"NOSEC", 1u << 28},    {"BORN", 1u << 29},        {"ACTIVE", 1u << 30},     {"NOUSER", 1u << 31}};

const std::vector<Flag> kUmountFlags = {{"FORCE", 1}, {"DETACH", 2}, {"EXPIRE", 4}, {"NOFOLLOW", 8}};

const std::vector<Flag> kPtraceRequests = {
    {"PTRACE_SINGLEBLOCK", 33},  {"PTRACE_SYSEMU_SINGLESTEP", 32}, {"PTRACE_SYSEMU", 31},
    {"PTRACE_ARCH_PRCTL", 30},   {"PTRACE_SET_THREAD_AREA", 26},   {"PTRACE_GET_THREAD_AREA", 25},
    {"PTRACE_OLDSETOPTIONS", 21}, {"PTRACE_SETFPXREGS", 19},       {"PTRACE_GETFPXREGS", 18},
    {"PTRACE_SETFPREGS", 15},    {"PTRACE_GETFPREGS", 14},         {"PTRACE_SETREGS", 13},
    {"PTRACE_GETREGS", 12},      {"PTRACE_SETSIGMASK", 0x420b},    {"PTRACE_GETSIGMASK", 0x420a},
    {"PTRACE_PEEKSIGINFO", 0x4209}, {"PTRACE_LISTEN", 0x4208},     {"PTRACE_INTERRUPT", 0x4207},
    {"PTRACE_SEIZE", 0x4206},    {"PTRACE_SETREGSET", 0x4205},     {"PTRACE_GETREGSET", 0x4204},
    {"PTRACE_SETSIGINFO", 0x4203}, {"PTRACE_GETSIGINFO", 0x4202},  {"PTRACE_GETEVENTMSG", 0x4201},
    {"PTRACE_SETOPTIONS", 0x4200}, {"PTRACE_SYSCALL", 24},         {"PTRACE_DETACH", 17},
    {"PTRACE_ATTACH", 16},       {"PTRACE_SINGLESTEP", 9},         {"PTRACE_KILL", 8},
    {"PTRACE_CONT", 7},          {"PTRACE_POKEUSR", 6},            {"PTRACE_POKEDATA", 5},
    {"PTRACE_POKETEXT", 4},      {"PTRACE_PEEKUSR", 3},            {"PTRACE_PEEKDATA", 2},
    {"PTRACE_PEEKTEXT", 1},      {"PTRACE_TRACEME", 0}};

const std::vector<Flag> kPrctlOptions = {
    {"PR_GET_DUMPABLE", 3},  {"PR_SET_DUMPABLE", 4},  {"PR_GET_KEEPCAPS", 7},  {"PR_SET_KEEPCAPS", 8},
    {"PR_SET_NAME", 15},     {"PR_GET_NAME", 16},     {"PR_GET_SECCOMP", 21},  {"PR_SET_SECCOMP", 22},
    {"PR_CAPBSET_READ", 23}, {"PR_CAPBSET_DROP", 24}, {"PR_GET_SECUREBITS", 27}, {"PR_SET_SECUREBITS", 28},
    {"PR_MCE_KILL", 33},     {"PR_SET_MM", 35},       {"PR_SET_CHILD_SUBREAPER", 36}, {"PR_GET_CHILD_SUBREAPER", 37},
    {"PR_SET_NO_NEW_PRIVS", 38}, {"PR_GET_NO_NEW_PRIVS", 39}, {"PR_GET_TID_ADDRESS", 40},
    {"PR_SET_THP_DISABLE", 41}, {"PR_GET_THP_DISABLE", 42}, {"PR_CAP_AMBIENT", 47}};

const std::vector<Flag> kMemfdFlags = {{"MFD_CLOEXEC", 1}, {"MFD_ALLOW_SEALING", 2}, {"MFD_HUGETLB", 4}};
const std::vector<Flag> kExecveFlags = {{"EXE_WRITABLE", TL_EXE_WRITABLE}, {"EXE_UPPER_LAYER", TL_EXE_UPPER_LAYER},
                                        {"EXE_FROM_MEMFD", TL_EXE_FROM_MEMFD}, {"EXE_LOWER_LAYER", TL_EXE_LOWER_LAYER}};
const std::vector<Flag> kLinkatFlags = {{"AT_SYMLINK_FOLLOW", 0x400}, {"AT_EMPTY_PATH", 0x1000}};
const std::vector<Flag> kUnlinkatFlags = {{"AT_REMOVEDIR", 0x200}};
const std::vector<Flag> kRenameat2Flags = {{"RENAME_NOREPLACE", 1}, {"RENAME_EXCHANGE", 2}, {"RENAME_WHITEOUT", 4}};
const std::vector<Flag> kFinitModuleFlags = {{"MODULE_INIT_IGNORE_MODVERSIONS", 1},
                                             {"MODULE_INIT_IGNORE_VERMAGIC", 2},
                                             {"MODULE_INIT_COMPRESSED_FILE", 4}};
const std::vector<Flag> kChmodMode = {
    {"S_IXOTH", 01},  {"S_IWOTH", 02},  {"S_IROTH", 04},   {"S_IXGRP", 010},   {"S_IWGRP", 020},   {"S_IRGRP", 040},
    {"S_IXUSR", 0100}, {"S_IWUSR", 0200}, {"S_IRUSR", 0400}, {"S_ISVTX", 01000}, {"S_ISGID", 02000}, {"S_ISUID", 04000}};

const char* kCapNames[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};

// ---- parameters ----

enum class K { Errno, Fd, Pid, Uid, Gid, Int, Dec, Oct, Hex, Str, Path, RelPath, Sockaddr, Tuple, Flags, Enum, Mode };

using Raw = std::variant<int64_t, std::string>;

struct Param {
    const char* name;
    K kind;
    std::function<std::optional<Raw>(const Event&)> get;
    const std::vector<Flag>* table = nullptr;
    int dirfd_param = -1;  // RelPath: the parameter holding its directory fd
    int raw = -1;          // Enum: rendered from this raw argument alone (the payload's args[raw])
};

std::string str(const Event& e, int slot) { return e.str[static_cast<size_t>(slot)]; }

std::string endpoint(const uint8_t* addr, uint16_t port)
{
    IpAddr a;
    std::memcpy(a.b.data(), addr, 16);
    return format_ip(a) + ":" + std::to_string(port);
}

const tl_sock* sock_of(const Event& e)
{
    if (e.rec.class_id == TL_CLASS_NET)
        return &e.rec.payload.net.sock;
    if (e.rec.class_id == TL_CLASS_SYSCALL)
        return &e.rec.payload.sys.sock;
    return nullptr;
}

std::optional<Raw> tuple(const Event& e)
{
    const tl_sock* s = sock_of(e);
    if (!s || (e.rec.flags & TL_EF_NO_ADDR))
        return std::nullopt;
    bool server = s->is_server;
    std::string client = server ? endpoint(s->remote, s->rport) : endpoint(s->local, s->lport);
    std::string srv = server ? endpoint(s->local, s->lport) : endpoint(s->remote, s->rport);
    return Raw{client + "->" + srv};
}

std::optional<Raw> addr_of(const Event& e, bool local)
{
    const tl_sock* s = sock_of(e);
    if (!s || (e.rec.flags & TL_EF_NO_ADDR))
        return std::nullopt;
    return Raw{local ? endpoint(s->local, s->lport) : endpoint(s->remote, s->rport)};
}

int64_t res(const Event& e) { return e.rec.res; }
int64_t sysarg(const Event& e, int i) { return static_cast<int64_t>(e.rec.payload.sys.args[i]); }

auto R() { return [](const Event& e) -> std::optional<Raw> { return Raw{res(e)}; }; }
auto A(int i) { return [i](const Event& e) -> std::optional<Raw> { return Raw{sysarg(e, i)}; }; }
auto A32(int i)
{
    return [i](const Event& e) -> std::optional<Raw> { return Raw{static_cast<int64_t>(static_cast<int32_t>(sysarg(e, i)))}; };
}
auto S(int slot) { return [slot](const Event& e) -> std::optional<Raw> { return Raw{str(e, slot)}; }; }
auto Zero() { return [](const Event&) -> std::optional<Raw> { return Raw{int64_t{0}}; }; }
auto Empty() { return [](const Event&) -> std::optional<Raw> { return Raw{std::string()}; }; }

std::vector<Param> exec_params(bool failed)
{
    auto argv_of = [failed](const Event& e) { return failed ? str(e, TL_STR_ARG1) : e.str[TL_STR_ARGS]; };
    return {
        {"res", K::Errno, R()},
        {"exe", K::Str, [argv_of](const Event& e) -> std::optional<Raw> {
             std::string a = argv_of(e);
             return Raw{a.substr(0, a.find('\0'))};
         }},
        {"args", K::Str, [argv_of](const Event& e) -> std::optional<Raw> {
             std::string a = argv_of(e);
             auto first = a.find('\0');
             std::string rest = first == std::string::npos ? "" : a.substr(first + 1);
             for (char& c : rest)
                 if (!c)
                     c = ' ';
             return Raw{rest};
         }},
        {"tid", K::Pid, [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.pid}}; }},
        {"pid", K::Pid, [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.tgid}}; }},
        {"ptid", K::Pid, [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.ppid}}; }},
        {"cwd", K::Str, Empty()},
        {"comm", K::Str, [](const Event& e) -> std::optional<Raw> { return Raw{std::string(e.rec.comm)}; }},
        {"env", K::Str, [](const Event& e) -> std::optional<Raw> {
             std::string env = e.str[TL_STR_ENV];
             for (char& c : env)
                 if (!c)
                     c = ' ';
             return Raw{env};
         }},
        {"tty", K::Dec, [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.proc.tty}}; }},
        {"pgid", K::Pid, [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.proc.vpgid}}; }},
        {"loginuid", K::Uid, [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.loginuid}}; }},
        {"flags", K::Flags, [failed](const Event& e) -> std::optional<Raw> {
             return Raw{failed ? int64_t{0} : int64_t{e.rec.proc.exe_flags}};
         }, &kExecveFlags},
        {"cap_permitted", K::Hex, [](const Event& e) -> std::optional<Raw> { return Raw{static_cast<int64_t>(e.rec.proc.cap_permitted)}; }},
        {"cap_effective", K::Hex, [](const Event& e) -> std::optional<Raw> { return Raw{static_cast<int64_t>(e.rec.proc.cap_effective)}; }},
        {"exe_ino", K::Dec, [](const Event& e) -> std::optional<Raw> { return Raw{static_cast<int64_t>(e.rec.proc.exe_ino)}; }},
        {"exe_ino_ctime", K::Dec, [](const Event& e) -> std::optional<Raw> { return Raw{static_cast<int64_t>(e.rec.proc.exe_ctime_ns)}; }},
        {"exe_ino_mtime", K::Dec, [](const Event& e) -> std::optional<Raw> { return Raw{static_cast<int64_t>(e.rec.proc.exe_mtime_ns)}; }},
        {"uid", K::Uid, [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.uid}}; }},
        {"trusted_exepath", K::Path, [](const Event& e) -> std::optional<Raw> { return Raw{e.str[TL_STR_EXEPATH]}; }},
        {"gid", K::Gid, [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.gid}}; }},
        {"filename", K::Path, [failed](const Event& e) -> std::optional<Raw> {
             return Raw{failed ? str(e, TL_STR_ARG0) : e.str[TL_STR_EXEPATH]};
         }},
    };
}

std::vector<Param> open_params(uint32_t type)
{
    auto fd = [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.payload.open.fd}}; };
    auto name = [](const Event& e) -> std::optional<Raw> { return Raw{e.str[TL_STR_FD_NAME]}; };
    auto flags = [](const Event& e) -> std::optional<Raw> { return Raw{static_cast<int64_t>(open_flags_to_ppm(e.rec.payload.open.flags))}; };
    auto mode = [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.payload.open.mode_arg}}; };
    auto dirfd = [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.payload.open.dirfd}}; };
    auto ino = [](const Event& e) -> std::optional<Raw> { return Raw{static_cast<int64_t>(e.rec.payload.open.ino)}; };
    switch (type) {
    case TL_EVT_OPEN:
        return {{"fd", K::Fd, fd}, {"name", K::Path, name}, {"flags", K::Flags, flags, &kFileFlags},
                {"mode", K::Oct, mode}, {"dev", K::Hex, Zero()}, {"ino", K::Dec, ino}};
    case TL_EVT_CREAT:
        return {{"fd", K::Fd, fd}, {"name", K::Path, name}, {"mode", K::Oct, mode}, {"dev", K::Hex, Zero()},
                {"ino", K::Dec, ino}};
    case TL_EVT_OPENAT2:
        return {{"fd", K::Fd, fd}, {"dirfd", K::Fd, dirfd}, {"name", K::RelPath, name, nullptr, 1},
                {"flags", K::Flags, flags, &kFileFlags}, {"mode", K::Oct, mode}, {"resolve", K::Hex, Zero()},
                {"dev", K::Hex, Zero()}, {"ino", K::Dec, ino}};
    default:
        return {{"fd", K::Fd, fd}, {"dirfd", K::Fd, dirfd}, {"name", K::RelPath, name, nullptr, 1},
                {"flags", K::Flags, flags, &kFileFlags}, {"mode", K::Oct, mode}, {"dev", K::Hex, Zero()},
                {"ino", K::Dec, ino}};
    }
}

std::vector<Param> net_params(uint32_t type)
{
    auto fd = [](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.payload.net.fd}}; };
    auto narg = [](int i) {
        return [i](const Event& e) -> std::optional<Raw> { return Raw{static_cast<int64_t>(e.rec.payload.net.args[i])}; };
    };
    auto remote = [](const Event& e) { return addr_of(e, false); };
    auto local = [](const Event& e) { return addr_of(e, true); };
    switch (type) {
    case TL_EVT_CONNECT:
        return {{"res", K::Errno, R()}, {"tuple", K::Tuple, tuple}, {"fd", K::Fd, fd}, {"addr", K::Sockaddr, remote}};
    case TL_EVT_ACCEPT:
    case TL_EVT_ACCEPT4: {
        std::vector<Param> p = {{"fd", K::Fd, fd}, {"tuple", K::Tuple, tuple}, {"queuepct", K::Dec, Zero()},
                                {"queuelen", K::Dec, Zero()}, {"queuemax", K::Dec, Zero()}};
        if (type == TL_EVT_ACCEPT4)
            p.push_back({"flags", K::Hex, narg(0)});
        return p;
    }
    case TL_EVT_BIND:
        return {{"res", K::Errno, R()}, {"addr", K::Sockaddr, local}, {"fd", K::Fd, fd}};
    case TL_EVT_LISTEN:
        return {{"res", K::Errno, R()}, {"fd", K::Fd, fd}, {"backlog", K::Int, narg(0)}};
    case TL_EVT_SOCKET:
        return {{"fd", K::Fd, fd}, {"domain", K::Enum, narg(0), &kSocketFamilies, -1, 0}, {"type", K::Dec, narg(1)},
                {"proto", K::Dec, narg(2)}};
    default:  // sendto, sendmsg
        return {{"res", K::Errno, R()}, {"data", K::Str, Empty()}, {"fd", K::Fd, fd}, {"size", K::Dec, Zero()},
                {"tuple", K::Tuple, tuple}};
    }
}

std::vector<Param> setid_params(uint32_t type)
{
    auto id = [](int i) {
        return [i](const Event& e) -> std::optional<Raw> { return Raw{int64_t{e.rec.payload.setid.args[i]}}; };
    };
    switch (type) {
    case TL_EVT_SETUID: return {{"res", K::Errno, R()}, {"uid", K::Uid, id(0)}};
    case TL_EVT_SETGID: return {{"res", K::Errno, R()}, {"gid", K::Gid, id(0)}};
    case TL_EVT_SETREUID: return {{"res", K::Errno, R()}, {"ruid", K::Uid, id(0)}, {"euid", K::Uid, id(1)}};
    case TL_EVT_SETREGID: return {{"res", K::Errno, R()}, {"rgid", K::Gid, id(0)}, {"egid", K::Gid, id(1)}};
    case TL_EVT_SETRESUID:
        return {{"res", K::Errno, R()}, {"ruid", K::Uid, id(0)}, {"euid", K::Uid, id(1)}, {"suid", K::Uid, id(2)}};
    default:
        return {{"res", K::Errno, R()}, {"rgid", K::Gid, id(0)}, {"egid", K::Gid, id(1)}, {"sgid", K::Gid, id(2)}};
    }
}

std::vector<Param> syscall_params(uint32_t type)
{
    const int s0 = TL_STR_ARG0, s1 = TL_STR_ARG1, s2 = TL_STR_ARG2;
    switch (type) {
    case TL_EVT_PTRACE:
        return {{"res", K::Errno, R()}, {"addr", K::Hex, A(2)}, {"data", K::Hex, A(3)},
                {"request", K::Enum, A(0), &kPtraceRequests, -1, 0}, {"pid", K::Pid, A(1)}};
    case TL_EVT_SYMLINK: return {{"res", K::Errno, R()}, {"target", K::Str, S(s0)}, {"linkpath", K::Path, S(s1)}};
    case TL_EVT_SYMLINKAT:
        return {{"res", K::Errno, R()}, {"target", K::Str, S(s0)}, {"linkdirfd", K::Fd, A32(1)},
                {"linkpath", K::RelPath, S(s1), nullptr, 2}};
    case TL_EVT_LINK: return {{"res", K::Errno, R()}, {"oldpath", K::Path, S(s0)}, {"newpath", K::Path, S(s1)}};
    case TL_EVT_LINKAT:
        return {{"res", K::Errno, R()}, {"olddir", K::Fd, A32(0)}, {"oldpath", K::RelPath, S(s0), nullptr, 1},
                {"newdir", K::Fd, A32(2)}, {"newpath", K::RelPath, S(s1), nullptr, 3},
                {"flags", K::Flags, A(4), &kLinkatFlags}};
    case TL_EVT_UNLINK: return {{"res", K::Errno, R()}, {"path", K::Path, S(s0)}};
    case TL_EVT_UNLINKAT:
        return {{"res", K::Errno, R()}, {"dirfd", K::Fd, A32(0)}, {"name", K::RelPath, S(s0), nullptr, 1},
                {"flags", K::Flags, A(2), &kUnlinkatFlags}};
    case TL_EVT_RENAME: return {{"res", K::Errno, R()}, {"oldpath", K::Path, S(s0)}, {"newpath", K::Path, S(s1)}};
    case TL_EVT_RENAMEAT:
    case TL_EVT_RENAMEAT2: {
        std::vector<Param> p = {{"res", K::Errno, R()}, {"olddirfd", K::Fd, A32(0)},
                                {"oldpath", K::RelPath, S(s0), nullptr, 1}, {"newdirfd", K::Fd, A32(2)},
                                {"newpath", K::RelPath, S(s1), nullptr, 3}};
        if (type == TL_EVT_RENAMEAT2)
            p.push_back({"flags", K::Flags, A(4), &kRenameat2Flags});
        return p;
    }
    case TL_EVT_MKDIR: return {{"res", K::Errno, R()}, {"path", K::Path, S(s0)}, {"mode", K::Hex, A(1)}};
    case TL_EVT_MKDIRAT:
        return {{"res", K::Errno, R()}, {"dirfd", K::Fd, A32(0)}, {"path", K::RelPath, S(s0), nullptr, 1},
                {"mode", K::Hex, A(2)}};
    case TL_EVT_RMDIR: return {{"res", K::Errno, R()}, {"path", K::Path, S(s0)}};
    case TL_EVT_CHMOD: return {{"res", K::Errno, R()}, {"filename", K::Path, S(s0)}, {"mode", K::Mode, A(1), &kChmodMode}};
    case TL_EVT_FCHMOD: return {{"res", K::Errno, R()}, {"fd", K::Fd, A32(0)}, {"mode", K::Mode, A(1), &kChmodMode}};
    case TL_EVT_FCHMODAT:
        return {{"res", K::Errno, R()}, {"dirfd", K::Fd, A32(0)}, {"filename", K::RelPath, S(s0), nullptr, 1},
                {"mode", K::Mode, A(2), &kChmodMode}};
    case TL_EVT_DUP: return {{"res", K::Fd, R()}, {"oldfd", K::Fd, A32(0)}};
    case TL_EVT_DUP2: return {{"res", K::Fd, R()}, {"oldfd", K::Fd, A32(0)}, {"newfd", K::Fd, A32(1)}};
    case TL_EVT_DUP3:
        return {{"res", K::Fd, R()}, {"oldfd", K::Fd, A32(0)}, {"newfd", K::Fd, A32(1)},
                {"flags", K::Flags, [](const Event& e) -> std::optional<Raw> {
                     return Raw{static_cast<int64_t>(open_flags_to_ppm(static_cast<uint32_t>(sysarg(e, 2))) & kOCloexec)};
                 }, &kFileFlags}};
    case TL_EVT_INIT_MODULE:
        return {{"res", K::Errno, R()}, {"img", K::Str, Empty()}, {"length", K::Dec, A(1)}, {"uargs", K::Str, S(s0)}};
    case TL_EVT_FINIT_MODULE:
        return {{"res", K::Errno, R()}, {"fd", K::Fd, A32(0)}, {"uargs", K::Str, S(s0)},
                {"flags", K::Flags, A(2), &kFinitModuleFlags}};
    case TL_EVT_BPF: return {{"fd", K::Fd, R()}, {"cmd", K::Int, A(0)}};
    case TL_EVT_UNSHARE: return {{"res", K::Errno, R()}, {"flags", K::Flags, A(0), &kCloneFlags}};
    case TL_EVT_SETNS: return {{"res", K::Errno, R()}, {"fd", K::Fd, A32(0)}, {"nstype", K::Flags, A(1), &kCloneFlags}};
    case TL_EVT_MOUNT:
        return {{"res", K::Errno, R()}, {"dev", K::Str, S(s0)}, {"dir", K::Path, S(s1)}, {"type", K::Str, S(s2)},
                {"flags", K::Flags, [](const Event& e) -> std::optional<Raw> {
                     uint64_t f = static_cast<uint32_t>(sysarg(e, 3));
                     if ((f & 0xffff0000) == 0xc0ed0000)  // MS_MGC_VAL
                         f &= 0xffff;
                     return Raw{static_cast<int64_t>(f)};
                 }, &kMountFlags}};
    case TL_EVT_UMOUNT2: return {{"res", K::Errno, R()}, {"name", K::Path, S(s0)}, {"flags", K::Flags, A(1), &kUmountFlags}};
    case TL_EVT_MEMFD_CREATE:
        return {{"fd", K::Fd, R()}, {"name", K::Str, S(s0)}, {"flags", K::Flags, A(1), &kMemfdFlags}};
    case TL_EVT_USERFAULTFD:
        return {{"res", K::Errno, R()}, {"flags", K::Flags, [](const Event& e) -> std::optional<Raw> {
                     return Raw{static_cast<int64_t>(open_flags_to_ppm(static_cast<uint32_t>(sysarg(e, 0))) & (kONonblock | kOCloexec))};
                 }, &kFileFlags}};
    case TL_EVT_PRCTL:
        return {{"res", K::Errno, R()}, {"option", K::Enum, A(0), &kPrctlOptions, -1, 0},
                {"arg2_str", K::Str, [](const Event& e) -> std::optional<Raw> {
                     int64_t opt = sysarg(e, 0);
                     return Raw{opt == 15 || opt == 16 ? str(e, TL_STR_ARG0) : std::string()};
                 }},
                {"arg2_int", K::Int, A(1)}};
    default: return {};
    }
}

const std::vector<Param>& params_of(const Event& e)
{
    static const auto tables = [] {
        std::vector<std::vector<Param>> t(TL_EVT_COUNT * 2);
        for (uint32_t type = 1; type < TL_EVT_COUNT; type++) {
            switch (evt_type_class(type)) {
            case TL_CLASS_EXEC:
                t[type] = exec_params(false);
                t[TL_EVT_COUNT + type] = exec_params(true);
                break;
            case TL_CLASS_OPEN: t[type] = open_params(type); break;
            case TL_CLASS_NET: t[type] = net_params(type); break;
            case TL_CLASS_SETID: t[type] = setid_params(type); break;
            default: t[type] = syscall_params(type); break;
            }
        }
        return t;
    }();
    uint32_t type = e.rec.evt_type < TL_EVT_COUNT ? e.rec.evt_type : 0;
    bool failed_exec = e.rec.class_id == TL_CLASS_EXEC && e.rec.res < 0;
    return tables[(failed_exec ? TL_EVT_COUNT : 0) + type];
}

std::string normalize(const std::string& path)
{
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos)
            j = path.size();
        std::string c = path.substr(i, j - i);
        if (c == "..") {
            if (!parts.empty())
                parts.pop_back();
        } else if (!c.empty() && c != ".") {
            parts.push_back(c);
        }
        i = j + 1;
    }
    std::string out;
    for (const auto& c : parts)
        out += "/" + c;
    return out.empty() ? "/" : out;
}

// the raw and the resolved text of one parameter
std::pair<std::string, std::string> render(const Event& e, const std::vector<Param>& ps, const Param& p,
                                           const Raw& raw, const Context& ctx)
{
    auto num = std::get_if<int64_t>(&raw);
    auto text = std::get_if<std::string>(&raw);
    char buf[64];
    switch (p.kind) {
    case K::Errno:
        return {std::to_string(*num), failure_name(*num)};
    case K::Fd: {
        std::string resolved;
        if (*num == -100)
            resolved = "AT_FDCWD";
        else
            resolved = failure_name(*num);
        return {std::to_string(*num), resolved};
    }
    case K::Pid: {
        std::string resolved;
        if (*num == e.rec.tgid)
            resolved = e.rec.comm;
        for (uint32_t i = 0; i < e.rec.proc.n_anc && i < TL_MAX_ANCESTORS && resolved.empty(); i++)
            if (e.rec.proc.anc[i].pid == static_cast<uint32_t>(*num))
                resolved = e.rec.proc.anc[i].comm;
        return {std::to_string(*num), resolved};
    }
    case K::Uid:
    case K::Gid: {
        uint32_t id = static_cast<uint32_t>(*num);
        if (id == 0xffffffffu)
            return {"-1", "<NONE>"};
        std::string name = p.kind == K::Uid && ctx.user_name ? ctx.user_name(id)
                           : p.kind == K::Gid && ctx.group_name ? ctx.group_name(id)
                                                                 : "";
        return {std::to_string(id), name.empty() ? (id == 0 ? "root" : "<NA>") : name};
    }
    case K::Int:
    case K::Dec:
        return {std::to_string(*num), ""};
    case K::Oct:
        std::snprintf(buf, sizeof(buf), "%#llo", static_cast<unsigned long long>(*num));
        return {buf, ""};
    case K::Hex:
        std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(*num));
        return {buf, ""};
    case K::Mode:
        std::snprintf(buf, sizeof(buf), "%#llo", static_cast<unsigned long long>(*num));
        return {buf, render_flags(*p.table, static_cast<uint64_t>(*num))};
    case K::Flags:
        return {std::to_string(static_cast<uint64_t>(*num)), render_flags(*p.table, static_cast<uint64_t>(*num))};
    case K::Enum:
        return {std::to_string(static_cast<uint64_t>(*num)), render_enum(*p.table, static_cast<uint64_t>(*num))};
    case K::Path:
    case K::RelPath: {
        if (text->empty() || (*text)[0] == '/')
            return {*text, ""};
        std::string dir;
        bool at_cwd = p.kind == K::Path;
        if (p.kind == K::RelPath && p.dirfd_param >= 0 && static_cast<size_t>(p.dirfd_param) < ps.size()) {
            auto d = ps[static_cast<size_t>(p.dirfd_param)].get(e);
            at_cwd = d && std::holds_alternative<int64_t>(*d) && std::get<int64_t>(*d) == -100;
        }
        if (at_cwd && (e.rec.flags & TL_EF_PROC_INFO))
            dir = e.str[TL_STR_CWD];
        return {*text, dir.empty() ? "" : normalize(dir + "/" + *text)};
    }
    case K::Str:
    case K::Sockaddr:
    case K::Tuple:
        return {*text, ""};
    }
    return {"", ""};
}

}  // namespace

std::optional<std::string> evt_arg(const Event& e, const std::string& which, const Context& ctx)
{
    const auto& ps = params_of(e);
    const Param* p = nullptr;
    if (!which.empty() && which.find_first_not_of("0123456789") == std::string::npos) {
        size_t i = std::stoul(which);
        if (i < ps.size())
            p = &ps[i];
    } else {
        for (const auto& q : ps)
            if (which == q.name) {
                p = &q;
                break;
            }
    }
    if (!p)
        return std::nullopt;
    auto raw = p->get(e);
    if (!raw)
        return std::nullopt;
    auto [r, resolved] = render(e, ps, *p, *raw, ctx);
    return resolved.empty() ? r : resolved;
}

std::optional<std::vector<EnumParam>> enum_params(const std::string& name)
{
    std::vector<EnumParam> out;
    for (uint32_t type = 1; type < TL_EVT_COUNT; type++) {
        for (bool failed : {false, true}) {
            Event e;
            e.rec.class_id = static_cast<uint8_t>(evt_type_class(type));
            e.rec.evt_type = static_cast<uint8_t>(type);
            e.rec.res = failed ? -1 : 0;
            for (const auto& p : params_of(e)) {
                if (name != p.name)
                    continue;
                if (p.kind != K::Enum || p.raw < 0)
                    return std::nullopt;
                if (failed)
                    continue;  // the same parameter as on success
                EnumParam ep{type, p.raw, {}};
                for (const Flag& f : *p.table)
                    if (std::find(ep.values.begin(), ep.values.end(), f.value) == ep.values.end())
                        ep.values.push_back(f.value);
                out.push_back(std::move(ep));
            }
        }
    }
    return out;
}

std::optional<int64_t> evt_rawarg(const Event& e, const std::string& name)
{
    for (const auto& p : params_of(e)) {
        if (name != p.name)
            continue;
        auto raw = p.get(e);
        if (raw && std::holds_alternative<int64_t>(*raw))
            return std::get<int64_t>(*raw);
        return std::nullopt;
    }
    return std::nullopt;
}

std::string evt_args(const Event& e, const Context& ctx)
{
    std::string out;
    const auto& ps = params_of(e);
    for (const auto& p : ps) {
        auto raw = p.get(e);
        if (!raw)
            continue;
        auto [r, resolved] = render(e, ps, p, *raw, ctx);
        out += std::string(p.name) + "=" + r + (resolved.empty() ? "" : "(" + resolved + ")") + " ";
    }
    return out;
}

std::string open_flags_string(uint32_t k) { return render_flags(kFileFlags, open_flags_to_ppm(k)); }
std::string socket_family_string(uint64_t f) { return render_enum(kSocketFamilies, f); }
std::string ptrace_request_string(uint64_t r)
{
    std::string s = render_enum(kPtraceRequests, r);
    return s.empty() ? "PTRACE_UNKNOWN" : s;
}
std::string clone_flags_string(uint64_t f) { return render_flags(kCloneFlags, f); }
std::string execve_flags_string(uint32_t f) { return render_flags(kExecveFlags, f); }

std::string caps_string(uint64_t caps)
{
    std::string out;
    for (size_t i = 0; i < sizeof(kCapNames) / sizeof(kCapNames[0]); i++)
        if ((caps >> i) & 1)
            out += (out.empty() ? "" : " ") + std::string(kCapNames[i]);
    return out;
}

}  // namespace tripline
