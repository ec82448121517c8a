// Record decoding and field values; see event.h. Tested by tests/test_event.cpp
// and fuzzed by tests/fuzz_decode.cpp. The definitions follow Falco's fields
// (docs/fields.md notes where tripline knows less than Falco).
#include "rulegen/event.h"

#include <cstring>
#include <ctime>

#include "rulegen/abi_names.h"
#include "rulegen/evt_args.h"

namespace tripline {

std::optional<Event> decode_event(const void* data, size_t size, std::string* error)
{
    auto fail = [&](const std::string& why) -> std::optional<Event> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (size < TL_EVENT_HEADER_SIZE)
        return fail("record of " + std::to_string(size) + " bytes is shorter than the header");
    Event e;
    std::memcpy(&e.rec, data, TL_EVENT_HEADER_SIZE);
    const tl_event& r = e.rec;
    if (r.size < TL_EVENT_HEADER_SIZE || r.size > size)
        return fail("record size field " + std::to_string(r.size) + " does not fit the " + std::to_string(size) +
                    " bytes received");
    if (r.data_len != r.size - TL_EVENT_HEADER_SIZE || r.data_len > TL_DATA_MAX)
        return fail("record data length " + std::to_string(r.data_len) + " does not match its size");
    if (r.class_id == TL_CLASS_NONE || r.class_id >= TL_CLASS_COUNT)
        return fail("record has unknown class " + std::to_string(r.class_id));
    if (r.evt_type == TL_EVT_UNKNOWN || r.evt_type >= TL_EVT_COUNT)
        return fail("record has unknown event type " + std::to_string(r.evt_type));
    if (r.proc.n_anc > TL_MAX_ANCESTORS)
        return fail("record has " + std::to_string(r.proc.n_anc) + " ancestors");
    const char* d = static_cast<const char*>(data) + TL_EVENT_HEADER_SIZE;
    for (int i = 0; i < TL_NSTR; i++) {
        const tl_str& s = r.str[i];
        if (s.len == 0)
            continue;
        // the string and the NUL after it lie inside the data area
        if (static_cast<uint32_t>(s.off) + s.len >= r.data_len)
            return fail("string " + std::to_string(i) + " runs past the record's data");
        e.str[static_cast<size_t>(i)].assign(d + s.off, s.len);
    }
    auto terminate = [](char* s, size_t n) { s[n - 1] = 0; };
    terminate(e.rec.comm, sizeof(e.rec.comm));
    terminate(e.rec.pcomm, sizeof(e.rec.pcomm));
    terminate(e.rec.container_id, sizeof(e.rec.container_id));
    terminate(e.rec.proc.sname, sizeof(e.rec.proc.sname));
    terminate(e.rec.proc.vpgid_name, sizeof(e.rec.proc.vpgid_name));
    for (auto& a : e.rec.proc.anc)
        terminate(a.comm, sizeof(a.comm));
    return e;
}

std::vector<uint8_t> encode_event(const Event& e)
{
    static const size_t kMax[TL_NSTR] = {TL_PATH_MAX, TL_ARGS_MAX, TL_PATH_MAX, TL_PATH_MAX, TL_PATH_MAX,
                                         TL_PARGS_MAX + 1, TL_PATH_MAX, TL_PARGS_MAX + 1, TL_ENV_MAX,
                                         TL_PATH_MAX, TL_PATH_MAX, TL_PATH_MAX};
    static const uint16_t kTrunc[TL_NSTR] = {TL_EF_EXE_TRUNC, TL_EF_ARGS_TRUNC, TL_EF_PATH_TRUNC, 0, 0, 0, 0, 0,
                                             0, 0, 0, 0};
    tl_event r = e.rec;
    std::string data;
    for (int i = 0; i < TL_NSTR; i++) {
        const std::string& s = e.str[static_cast<size_t>(i)];
        std::string v = s.substr(0, std::min(kMax[i] - 1, TL_DATA_MAX - data.size() - 1));
        if (v.size() < s.size())
            r.flags |= kTrunc[i];
        r.str[i].off = static_cast<uint16_t>(data.size());
        r.str[i].len = static_cast<uint16_t>(v.size());
        if (v.empty())
            continue;
        data += v;
        data += '\0';
    }
    r.data_len = static_cast<uint16_t>(data.size());
    r.size = static_cast<uint32_t>(TL_EVENT_HEADER_SIZE + data.size());
    std::vector<uint8_t> out(r.size);
    std::memcpy(out.data(), &r, TL_EVENT_HEADER_SIZE);
    std::memcpy(out.data() + TL_EVENT_HEADER_SIZE, data.data(), data.size());
    return out;
}

std::string argv0(const std::string& argv) { return argv.substr(0, argv.find('\0')); }

std::string args_joined(const std::string& argv)
{
    auto first = argv.find('\0');
    if (first == std::string::npos)
        return "";
    std::string rest = argv.substr(first + 1);
    for (char& c : rest)
        if (c == '\0')
            c = ' ';
    return rest;
}

namespace {

// boot-clock nanoseconds on the wall clock; a record's times are the kernel's,
// so a hostile or corrupt one wraps instead of overflowing
int64_t boot_to_wall(uint64_t boot_ns, const Context& ctx)
{
    return static_cast<int64_t>(boot_ns + static_cast<uint64_t>(ctx.boot_to_wall_ns));
}

using F = FieldId;
using OptValue = std::optional<Value>;

OptValue str(std::string s) { return Value{std::move(s)}; }
OptValue num(int64_t v) { return Value{v}; }
OptValue flag(bool b) { return Value{b}; }

std::string cmdline(const char* comm, const std::string& argv)
{
    std::string a = args_joined(argv);
    return a.empty() ? std::string(comm) : std::string(comm) + " " + a;
}

// fd.directory / fd.filename of a path, split at its last '/'
std::pair<std::string, std::string> split_path(const std::string& p)
{
    auto slash = p.rfind('/');
    if (slash == std::string::npos)
        return {"", p};
    return {slash == 0 ? "/" : p.substr(0, slash), p.substr(slash + 1)};
}

std::string endpoint(const uint8_t* addr, uint16_t port)
{
    IpAddr a;
    std::memcpy(a.b.data(), addr, 16);
    return format_ip(a) + ":" + std::to_string(port);
}

OptValue ip(const uint8_t* b)
{
    IpAddr a;
    std::memcpy(a.b.data(), b, 16);
    return Value{a};
}

std::string strip_deleted(std::string p)
{
    static const std::string suffix = " (deleted)";
    if (p.size() > suffix.size() && p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0)
        p.resize(p.size() - suffix.size());
    return p;
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

std::string clock_text(int64_t wall_ns, const char* fmt, bool utc)
{
    time_t secs = static_cast<time_t>(wall_ns / 1000000000LL);
    struct tm tm {};
    if (utc)
        gmtime_r(&secs, &tm);
    else
        localtime_r(&secs, &tm);
    char buf[64];
    size_t n = strftime(buf, sizeof(buf), fmt, &tm);
    snprintf(buf + n, sizeof(buf) - n, ".%09lld%s", static_cast<long long>(wall_ns % 1000000000LL), utc ? "Z" : "");
    return buf;
}

// what the event's fd is: class by class
struct FdView {
    bool present = false;
    int64_t num = -1;
    uint8_t kind = TL_FD_NONE;
    const tl_sock* sock = nullptr;  // an IP socket with known ends
    std::string path;               // a file's path
};

FdView fd_of(const Event& e)
{
    const tl_event& r = e.rec;
    FdView v;
    switch (r.class_id) {
    case TL_CLASS_OPEN:
        v.present = true;
        v.num = r.payload.open.fd;
        v.kind = r.payload.open.fd_kind;
        v.path = e.str[TL_STR_FD_NAME];
        // Falco names a failed open by its argument made canonical, a
        // relative one resolved against the cwd ("/tmp/../etc/x" is /etc/x)
        if ((r.flags & TL_EF_PATH_FROM_USER) && !v.path.empty()) {
            if (v.path[0] == '/')
                v.path = normalize(v.path);
            else if (!e.str[TL_STR_CWD].empty())
                v.path = normalize(e.str[TL_STR_CWD] + "/" + v.path);
        }
        break;
    case TL_CLASS_NET:
        v.present = true;
        v.num = r.payload.net.fd;
        v.kind = r.payload.net.fd_kind;
        if ((v.kind == TL_FD_IPV4 || v.kind == TL_FD_IPV6) && !(r.flags & TL_EF_NO_ADDR))
            v.sock = &r.payload.net.sock;
        break;
    case TL_CLASS_SYSCALL:
        if (r.flags & TL_EF_NO_FD)
            break;
        v.present = true;
        v.num = r.payload.sys.fd;
        v.kind = r.payload.sys.fd_kind;
        if ((v.kind == TL_FD_IPV4 || v.kind == TL_FD_IPV6) && !(r.flags & TL_EF_NO_ADDR))
            v.sock = &r.payload.sys.sock;
        v.path = v.kind == TL_FD_MEMFD && r.evt_type == TL_EVT_MEMFD_CREATE ? e.str[TL_STR_ARG0] : e.str[TL_STR_FD_NAME];
        break;
    default:
        break;
    }
    return v;
}

bool is_file(uint8_t kind) { return kind == TL_FD_FILE || kind == TL_FD_DIRECTORY || kind == TL_FD_MEMFD; }

OptValue fd_name(const Event& e, const FdView& fd)
{
    if (!fd.present)
        return std::nullopt;
    if (fd.sock) {
        const tl_sock& s = *fd.sock;
        // a listening or bound, unconnected socket is just its address
        if (s.is_server && !s.connected)
            return str(endpoint(s.local, s.lport));
        std::string client = s.is_server ? endpoint(s.remote, s.rport) : endpoint(s.local, s.lport);
        std::string server = s.is_server ? endpoint(s.local, s.lport) : endpoint(s.remote, s.rport);
        return str(client + "->" + server);
    }
    if (fd.kind == TL_FD_IPV4 || fd.kind == TL_FD_IPV6)
        return std::nullopt;
    (void)e;
    return str(fd.path);
}

const char* server_or_client(const tl_sock& s, bool server, bool port_wanted, int64_t* port)
{
    bool local = s.is_server == server;
    if (port_wanted)
        *port = local ? s.lport : s.rport;
    return reinterpret_cast<const char*>(local ? s.local : s.remote);
}

OptValue sock_addr(const FdView& fd, bool server)
{
    if (!fd.sock)
        return std::nullopt;
    return ip(reinterpret_cast<const uint8_t*>(server_or_client(*fd.sock, server, false, nullptr)));
}

OptValue sock_port(const FdView& fd, bool server)
{
    if (!fd.sock)
        return std::nullopt;
    int64_t port = 0;
    server_or_client(*fd.sock, server, true, &port);
    return num(port);
}

OptValue container_field(const Event& e, const Context& ctx, FieldId id)
{
    std::string cid = e.rec.container_id;
    if (cid == "host") {
        if (id == F::ContainerName)
            return str("host");
        if (id == F::ContainerPrivileged)
            return std::nullopt;
        return id == F::K8sNsName || id == F::K8sPodName ? std::nullopt : str("");
    }
    std::optional<ContainerInfo> info = ctx.container ? ctx.container(cid) : std::nullopt;
    if (!info)  // only the id is known: no runtime to ask, or it does not know the container
        return std::nullopt;
    switch (id) {
    case F::ContainerName: return str(info->name);
    case F::ContainerImage: return str(info->image);
    case F::ContainerImageRepository: return str(info->repository);
    case F::ContainerImageTag: return str(info->tag);
    case F::ContainerPrivileged: return flag(info->privileged);
    case F::K8sNsName: return str(info->k8s_ns);
    case F::K8sPodName: return str(info->k8s_pod);
    default: return std::nullopt;
    }
}

// ancestor n (1: the parent) from /proc, when the context can read it
std::optional<ProcFacts> ancestor_facts(const Event& e, size_t n, const Context& ctx)
{
    const tl_event& r = e.rec;
    if (!ctx.process || !(r.flags & TL_EF_PROC_INFO) || n == 0 || n > r.proc.n_anc || n > TL_MAX_ANCESTORS)
        return std::nullopt;
    const tl_ancestor& a = r.proc.anc[n - 1];
    return ctx.process(a.pid, a.start_ns);
}

std::optional<size_t> index_of(const FieldRef& f)
{
    if (f.arg.empty())
        return std::nullopt;
    return static_cast<size_t>(std::stoul(f.arg));
}

}  // namespace

std::optional<Value> field_value(const Event& e, const FieldRef& ref, const Context& ctx)
{
    const tl_event& r = e.rec;
    const tl_proc_info& p = r.proc;
    const bool open = r.class_id == TL_CLASS_OPEN;
    const bool info = r.flags & TL_EF_PROC_INFO;
    const bool has_parent = !(r.flags & TL_EF_NO_PARENT);
    const int64_t wall = boot_to_wall(r.ts_ns, ctx);
    const std::string& argv = e.str[TL_STR_ARGS];
    // the parent's argv: cached by the kernel at its exec, else from /proc
    std::optional<std::string> pargs;
    auto parent_args = [&]() -> const std::optional<std::string>& {
        if (pargs || !has_parent || !info)
            return pargs;
        if (!(r.flags & TL_EF_NO_PARGS))
            pargs = e.str[TL_STR_PARGS];
        else if (auto facts = ancestor_facts(e, 1, ctx))
            pargs = facts->argv;
        return pargs;
    };
    auto need_info = [&](OptValue v) { return info ? v : std::nullopt; };
    switch (ref.id) {
    case F::EvtType: return small_value(ref.id, r.evt_type);
    case F::EvtDir: return constant_value(ref.id, r.class_id);
    case F::EvtRes: return str(evt_res_string(r.res));
    case F::EvtRawres: return num(r.res);
    case F::EvtFailed: return flag(r.res < 0);
    case F::EvtNum: return num(static_cast<int64_t>(e.num));
    case F::EvtTime: return str(clock_text(wall, "%H:%M:%S", false));
    case F::EvtDatetime: return str(clock_text(wall, "%Y-%m-%d %H:%M:%S", false));
    case F::EvtRawtime: return num(wall);
    case F::EvtTimeIso8601: return str(clock_text(wall, "%Y-%m-%dT%H:%M:%S", true));
    case F::EvtHostname: return str(ctx.hostname);
    case F::EvtArgs: return str(evt_args(e, ctx));
    case F::EvtArg: {
        auto v = evt_arg(e, ref.arg, ctx);
        return v ? str(*v) : std::nullopt;
    }
    case F::EvtRawarg: {
        auto v = evt_rawarg(e, ref.arg);
        return v ? num(*v) : std::nullopt;
    }
    case F::EvtSysarg: {
        auto i = index_of(ref);
        if (r.class_id == TL_CLASS_SYSCALL && i && *i < 6)
            return num(static_cast<int64_t>(r.payload.sys.args[*i]));
        if (r.class_id == TL_CLASS_NET && i && *i < 3)
            return num(static_cast<int64_t>(r.payload.net.args[*i]));
        return std::nullopt;
    }
    case F::EvtIsOpenRead: return open ? small_value(ref.id, r.payload.open.is_read) : constant_value(ref.id, r.class_id);
    case F::EvtIsOpenWrite: return open ? small_value(ref.id, r.payload.open.is_write) : constant_value(ref.id, r.class_id);
    case F::EvtIsOpenExec: {
        if (!open)
            return constant_value(ref.id, r.class_id);
        uint32_t f = r.payload.open.flags, mode = r.payload.open.mode_arg;
        bool creates = r.evt_type == TL_EVT_CREAT || (f & 0100) || (f & 020000000);  // O_CREAT, __O_TMPFILE
        return flag(creates && (mode & 0111));
    }
    case F::ProcName: return str(r.comm);
    case F::ProcExe: return str(argv0(argv));
    case F::ProcExepath: return str(strip_deleted(e.str[TL_STR_EXEPATH]));
    case F::ProcCmdline: return str(cmdline(r.comm, argv));
    case F::ProcExeline: {
        std::string a = args_joined(argv);
        return str(a.empty() ? argv0(argv) : argv0(argv) + " " + a);
    }
    case F::ProcArgs: return str(args_joined(argv));
    case F::ProcCwd: {
        std::string cwd = e.str[TL_STR_CWD];
        return need_info(str(cwd.empty() || cwd.back() == '/' ? cwd : cwd + "/"));
    }
    case F::ProcPid: return num(r.tgid);
    case F::ProcVpid: return need_info(num(p.vpid));
    case F::ProcPpid: return has_parent ? num(r.ppid) : std::nullopt;
    case F::ProcPname: return has_parent ? str(r.pcomm) : std::nullopt;
    case F::ProcPexe: return parent_args() ? str(argv0(*parent_args())) : std::nullopt;
    case F::ProcPexepath: return has_parent && info ? str(strip_deleted(e.str[TL_STR_PEXEPATH])) : std::nullopt;
    case F::ProcPcmdline: return parent_args() ? str(cmdline(r.pcomm, *parent_args())) : std::nullopt;
    case F::ProcAname:
    case F::ProcApid:
    case F::ProcAexe:
    case F::ProcAexepath:
    case F::ProcAcmdline: {
        auto n = index_of(ref);
        if (!n)
            return std::nullopt;  // "any ancestor": field_values
        if (*n == 0) {
            FieldId self = ref.id == F::ProcAname ? F::ProcName : ref.id == F::ProcApid ? F::ProcPid
                           : ref.id == F::ProcAexe ? F::ProcExe : ref.id == F::ProcAexepath ? F::ProcExepath
                                                                                                : F::ProcCmdline;
            return field_value(e, self, ctx);
        }
        if (*n == 1 && ref.id == F::ProcAexe)
            return field_value(e, F::ProcPexe, ctx);
        if (*n == 1 && ref.id == F::ProcAcmdline)
            return field_value(e, F::ProcPcmdline, ctx);
        if (*n == 1 && ref.id == F::ProcAexepath)
            return field_value(e, F::ProcPexepath, ctx);
        if (ref.id == F::ProcAexepath && *n == 2 && info && p.n_anc >= 2 && !e.str[TL_STR_GEXEPATH].empty())
            return str(strip_deleted(e.str[TL_STR_GEXEPATH]));
        if (ref.id == F::ProcAexe || ref.id == F::ProcAcmdline || ref.id == F::ProcAexepath) {
            auto facts = ancestor_facts(e, *n, ctx);
            if (!facts)
                return std::nullopt;
            if (ref.id == F::ProcAexepath)
                return str(strip_deleted(facts->exepath));
            if (ref.id == F::ProcAexe)
                return str(argv0(facts->argv));
            return str(cmdline(p.anc[*n - 1].comm, facts->argv));
        }
        if (*n == 1)  // the parent, as the kernel saw it
            return field_value(e, ref.id == F::ProcAname ? F::ProcPname : F::ProcPpid, ctx);
        if (!info || *n > p.n_anc)
            return std::nullopt;
        const tl_ancestor& a = p.anc[*n - 1];
        return ref.id == F::ProcAname ? str(a.comm) : num(a.pid);
    }
    case F::ProcSid: return need_info(num(p.sid));
    case F::ProcSname: return need_info(str(p.sname));
    case F::ProcVpgid: return need_info(num(p.vpgid));
    case F::ProcVpgidName: return need_info(str(p.vpgid_name));
    case F::ProcVpgidExe:
        return info && !e.str[TL_STR_PGARGS].empty() ? str(argv0(e.str[TL_STR_PGARGS])) : std::nullopt;
    case F::ProcIsVpgidLeader: return need_info(flag(p.vpid == p.vpgid));
    case F::ProcIsSidLeader: return need_info(flag(p.vpid == p.sid));
    case F::ProcTty: return need_info(num(p.tty));
    case F::ProcDuration:
        return info && p.start_ns ? num(static_cast<int64_t>(r.ts_ns - p.start_ns)) : std::nullopt;
    case F::ProcPpidDuration:
        return info && p.pstart_ns ? num(static_cast<int64_t>(r.ts_ns - p.pstart_ns)) : std::nullopt;
    case F::ProcExeIno: return info && p.exe_ino ? num(static_cast<int64_t>(p.exe_ino)) : std::nullopt;
    case F::ProcExeInoCtime: return info && p.exe_ctime_ns ? num(static_cast<int64_t>(p.exe_ctime_ns)) : std::nullopt;
    case F::ProcExeInoMtime: return info && p.exe_mtime_ns ? num(static_cast<int64_t>(p.exe_mtime_ns)) : std::nullopt;
    case F::ProcExeInoCtimeDurationProcStart:
        if (!info || !p.exe_ctime_ns || !p.start_ns)
            return std::nullopt;
        return num(boot_to_wall(p.start_ns - p.exe_ctime_ns, ctx));
    case F::ProcIsExeUpperLayer: return need_info(flag(p.exe_flags & TL_EXE_UPPER_LAYER));
    case F::ProcIsExeLowerLayer: return need_info(flag(p.exe_flags & TL_EXE_LOWER_LAYER));
    case F::ProcIsExeFromMemfd: return need_info(flag(p.exe_flags & TL_EXE_FROM_MEMFD));
    case F::ProcIsExeWritable: return need_info(flag(p.exe_flags & TL_EXE_WRITABLE));
    case F::ProcEnv: {
        if (e.str[TL_STR_ENV].empty())
            return std::nullopt;
        const std::string& env = e.str[TL_STR_ENV];
        if (ref.arg.empty()) {
            std::string joined = env;
            for (char& c : joined)
                if (!c)
                    c = ' ';
            return str(joined);
        }
        size_t i = 0;
        while (i < env.size()) {
            size_t end = env.find('\0', i);
            std::string kv = env.substr(i, end == std::string::npos ? std::string::npos : end - i);
            if (kv.compare(0, ref.arg.size() + 1, ref.arg + "=") == 0)
                return str(kv.substr(ref.arg.size() + 1));
            if (end == std::string::npos)
                break;
            i = end + 1;
        }
        return str("");
    }
    case F::ThreadTid: return num(r.pid);
    case F::ThreadCapEffective: return need_info(str(caps_string(p.cap_effective)));
    case F::ThreadCapPermitted: return need_info(str(caps_string(p.cap_permitted)));
    case F::UserUid: return num(r.uid);
    case F::UserName: {
        std::string n = ctx.user_name ? ctx.user_name(r.uid) : "";
        return n.empty() ? (r.uid == 0 ? str("root") : std::nullopt) : str(n);
    }
    case F::UserLoginuid: return num(static_cast<int32_t>(r.loginuid));
    case F::UserLoginname: {
        if (r.loginuid == 0xffffffffu)
            return std::nullopt;
        std::string n = ctx.user_name ? ctx.user_name(r.loginuid) : "";
        return n.empty() ? (r.loginuid == 0 ? str("root") : std::nullopt) : str(n);
    }
    case F::GroupGid: return num(r.gid);
    case F::GroupName: {
        std::string n = ctx.group_name ? ctx.group_name(r.gid) : "";
        return n.empty() ? (r.gid == 0 ? str("root") : std::nullopt) : str(n);
    }
    case F::ContainerId:
    case F::ContainerFullId: return str(r.container_id);
    case F::ContainerName: case F::ContainerImage: case F::ContainerImageRepository: case F::ContainerImageTag:
    case F::ContainerPrivileged: case F::K8sNsName: case F::K8sPodName:
        return container_field(e, ctx, ref.id);
    case F::ContainerStartTs:
        return info && p.pidns_start_ns ? num(boot_to_wall(p.pidns_start_ns, ctx)) : std::nullopt;
    default:
        break;
    }

    // the fd fields
    const FdView fd = fd_of(e);
    if (!fd.present)
        return std::nullopt;
    switch (ref.id) {
    case F::FdNum: return num(fd.num);
    case F::FdName: return fd_name(e, fd);
    case F::FdNameraw:  // the name as the caller gave it, when the record has it
        if (open && !e.str[TL_STR_ARG0].empty())
            return str(e.str[TL_STR_ARG0]);
        if (open && (r.flags & TL_EF_PATH_FROM_USER))  // a failed open: fd.name is its argument made canonical
            return str(e.str[TL_STR_FD_NAME]);
        return fd_name(e, fd);
    case F::FdDirectory:
    case F::FdFilename: {
        if (!is_file(fd.kind))
            return std::nullopt;
        if (fd.kind == TL_FD_DIRECTORY)
            return ref.id == F::FdDirectory ? str(fd.path) : std::nullopt;
        auto [dir, file] = split_path(fd.path);
        return str(ref.id == F::FdDirectory ? dir : file);
    }
    case F::FdTypechar:
    case F::FdType: return small_value(ref.id, fd.kind);
    case F::FdL4proto: return fd.sock ? small_value(ref.id, fd.sock->l4proto) : std::nullopt;
    case F::FdSockfamily:
        if (fd.kind == TL_FD_IPV4 || fd.kind == TL_FD_IPV6)
            return str("ip");
        return fd.kind == TL_FD_UNIX ? str("unix") : std::nullopt;
    case F::FdSip:
    case F::FdSnet: return sock_addr(fd, true);
    case F::FdCip:
    case F::FdCnet: return sock_addr(fd, false);
    case F::FdRip:
    case F::FdRnet: return fd.sock ? ip(fd.sock->remote) : std::nullopt;
    case F::FdLip:
    case F::FdLnet: return fd.sock ? ip(fd.sock->local) : std::nullopt;
    case F::FdSport: return sock_port(fd, true);
    case F::FdCport: return sock_port(fd, false);
    case F::FdRport:
    case F::FdDport: return fd.sock ? num(fd.sock->rport) : std::nullopt;
    case F::FdLport: return fd.sock ? num(fd.sock->lport) : std::nullopt;
    case F::FdIsServer: return fd.sock ? flag(fd.sock->is_server) : std::nullopt;
    case F::FdConnected: return fd.sock ? flag(fd.sock->connected) : std::nullopt;
    case F::FdNameChanged: {
        // tripline does not keep an fd table: these calls are the ones that name a socket
        bool names = r.evt_type == TL_EVT_CONNECT || r.evt_type == TL_EVT_SENDTO || r.evt_type == TL_EVT_SENDMSG ||
                     r.evt_type == TL_EVT_ACCEPT || r.evt_type == TL_EVT_ACCEPT4 || r.evt_type == TL_EVT_BIND;
        return flag(names && r.res >= 0 && fd.sock);
    }
    case F::FdSipName: case F::FdCipName: case F::FdRipName: case F::FdLipName:
        return fd.sock ? str("") : std::nullopt;
    case F::FdTypes: {
        auto n = index_of(ref);
        if (n && static_cast<int64_t>(*n) != fd.num)
            return std::nullopt;  // only the event's fd is known
        auto t = small_value(F::FdType, fd.kind);
        if (n)
            return t;
        return Value{StrList{t ? std::get<std::string>(*t) : std::string()}};
    }
    default:
        return std::nullopt;
    }
}

std::optional<std::vector<Value>> field_values(const Event& e, const FieldRef& ref, const Context& ctx)
{
    const tl_event& r = e.rec;
    std::vector<Value> out;
    switch (ref.id) {
    case F::ProcAname:
    case F::ProcApid:
    case F::ProcAexe:
    case F::ProcAexepath:
    case F::ProcAcmdline: {
        // every ancestor the record knows, parent first (not the process itself)
        size_t n = (r.flags & TL_EF_PROC_INFO) ? r.proc.n_anc : (r.flags & TL_EF_NO_PARENT ? 0 : 1);
        for (size_t i = 1; i <= n; i++) {
            auto v = field_value(e, FieldRef{ref.id, std::to_string(i)}, ctx);
            if (v)
                out.push_back(*v);
        }
        if (out.empty())
            return std::nullopt;
        return out;
    }
    case F::FdIp:
    case F::FdNet:
    case F::FdPort: {
        bool port = ref.id == F::FdPort;
        auto c = field_value(e, port ? F::FdCport : F::FdCip, ctx);
        auto s = field_value(e, port ? F::FdSport : F::FdSip, ctx);
        if (!c || !s)
            return std::nullopt;
        return std::vector<Value>{*c, *s};
    }
    case F::FdTypes: {
        auto v = field_value(e, ref, ctx);
        if (!v)
            return std::nullopt;
        const auto* list = std::get_if<StrList>(&*v);
        if (!list)
            return std::vector<Value>{*v};  // fd.types[N]: the one fd's type
        for (const auto& s : *list)
            out.push_back(Value{s});
        return out;
    }
    default: {
        auto v = field_value(e, ref, ctx);
        if (!v)
            return std::nullopt;
        return std::vector<Value>{*v};
    }
    }
}

}  // namespace tripline
