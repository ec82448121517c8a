// The field catalog; see fields.h. The kernel side of each view is in
// kern/class.bpf.h: keep the two in step (tests/test_fields.cpp checks that
// every lowered view is one the class programs produce).
#include "rulegen/fields.h"

#include <map>
#include <optional>

#include "rulegen/abi_names.h"

extern "C" {
#include "kern/tables.h"
}

namespace tripline {

const char* type_name(FieldType t)
{
    switch (t) {
    case FieldType::String: return "string";
    case FieldType::Int: return "number";
    case FieldType::Ip: return "ip address";
    case FieldType::Net: return "network";
    case FieldType::Bool: return "bool";
    }
    return "?";
}

const std::vector<FieldInfo>& all_fields()
{
    using F = FieldId;
    using T = FieldType;
    using A = ArgKind;
    using M = FieldInfo::Multi;
    static const std::vector<FieldInfo> fields = {
        {F::EvtType, "evt.type", T::String, "event type: the syscall (execve, openat, connect, ...)"},
        {F::EvtDir, "evt.dir", T::String, "event direction: always '<' (syscall exit)"},
        {F::EvtRes, "evt.res", T::String, "SUCCESS, the error name (ENOENT, ...), or the number"},
        {F::EvtRawres, "evt.rawres", T::Int, "the syscall's return value"},
        {F::EvtFailed, "evt.failed", T::Bool, "the syscall returned an error"},
        {F::EvtNum, "evt.num", T::Int, "the event's number in this agent's stream (from 1)"},
        {F::EvtTime, "evt.time", T::String, "HH:MM:SS.nnnnnnnnn, local time"},
        {F::EvtDatetime, "evt.datetime", T::String, "YYYY-MM-DD HH:MM:SS.nnnnnnnnn, local time"},
        {F::EvtRawtime, "evt.rawtime", T::Int, "ns since the epoch"},
        {F::EvtTimeIso8601, "evt.time.iso8601", T::String, "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ"},
        {F::EvtHostname, "evt.hostname", T::String, "the host's name"},
        {F::EvtArgs, "evt.args", T::String, "every argument, name=value, as Falco prints them"},
        {F::EvtArg, "evt.arg", T::String, "one argument by name or index: evt.arg.flags, evt.arg[0]", A::ArgName},
        {F::EvtRawarg, "evt.rawarg", T::Int, "one argument's number: evt.rawarg.fd", A::ArgName},
        {F::EvtSysarg, "evt.sysarg", T::Int,
         "tripline: the syscall's raw argument N as the kernel read it (evt.sysarg[0]); how the kernel decides "
         "enumerated evt.arg values", A::Index},
        {F::EvtIsOpenRead, "evt.is_open_read", T::Bool, "an open/openat/openat2 asking for read access"},
        {F::EvtIsOpenWrite, "evt.is_open_write", T::Bool, "an open/openat/openat2 asking for write access"},
        {F::EvtIsOpenExec, "evt.is_open_exec", T::Bool, "an open creating a file with an exec bit"},
        {F::ProcName, "proc.name", T::String, "process name (comm of the main thread, 15 chars)"},
        {F::ProcExe, "proc.exe", T::String, "argv[0] of the process"},
        {F::ProcExepath, "proc.exepath", T::String, "full path of the executable, from the kernel"},
        {F::ProcCmdline, "proc.cmdline", T::String, "proc.name and the arguments"},
        {F::ProcExeline, "proc.exeline", T::String, "proc.exe and the arguments"},
        {F::ProcArgs, "proc.args", T::String, "the arguments, space separated"},
        {F::ProcCwd, "proc.cwd", T::String, "working directory, with a trailing /"},
        {F::ProcPid, "proc.pid", T::Int, "process id (tgid)"},
        {F::ProcVpid, "proc.vpid", T::Int, "process id in its pid namespace"},
        {F::ProcPpid, "proc.ppid", T::Int, "parent's process id"},
        {F::ProcPname, "proc.pname", T::String, "parent's process name"},
        {F::ProcPexe, "proc.pexe", T::String, "parent's argv[0]"},
        {F::ProcPexepath, "proc.pexepath", T::String, "parent's executable path"},
        {F::ProcPcmdline, "proc.pcmdline", T::String, "parent's command line"},
        {F::ProcAname, "proc.aname", T::String, "ancestor's name: [1] parent, [2] grandparent...; no index: any ancestor", A::Index, M::AnyAncestor},
        {F::ProcApid, "proc.apid", T::Int, "ancestor's pid; no index: any ancestor", A::Index, M::AnyAncestor},
        {F::ProcAexe, "proc.aexe", T::String, "ancestor's argv[0] ([1], [2]); no index: any ancestor", A::Index, M::AnyAncestor},
        {F::ProcAexepath, "proc.aexepath", T::String, "ancestor's exe path ([1], [2]); no index: any", A::Index, M::AnyAncestor},
        {F::ProcAcmdline, "proc.acmdline", T::String, "ancestor's command line ([1]); no index: any", A::Index, M::AnyAncestor},
        {F::ProcSid, "proc.sid", T::Int, "session id"},
        {F::ProcSname, "proc.sname", T::String, "session leader's name"},
        {F::ProcVpgid, "proc.vpgid", T::Int, "process group id in the pid namespace"},
        {F::ProcVpgidName, "proc.vpgid.name", T::String, "process group leader's name"},
        {F::ProcVpgidExe, "proc.vpgid.exe", T::String, "process group leader's argv[0]"},
        {F::ProcIsVpgidLeader, "proc.is_vpgid_leader", T::Bool, "the process leads its process group"},
        {F::ProcIsSidLeader, "proc.is_sid_leader", T::Bool, "the process leads its session"},
        {F::ProcTty, "proc.tty", T::Int, "controlling terminal (new_encode_dev), 0 when none"},
        {F::ProcDuration, "proc.duration", T::Int, "ns since the process started"},
        {F::ProcPpidDuration, "proc.ppid.duration", T::Int, "ns since the parent started"},
        {F::ProcExeIno, "proc.exe_ino", T::Int, "inode number of the executable"},
        {F::ProcExeInoCtime, "proc.exe_ino.ctime", T::Int, "executable's ctime, ns since the epoch"},
        {F::ProcExeInoMtime, "proc.exe_ino.mtime", T::Int, "executable's mtime, ns since the epoch"},
        {F::ProcExeInoCtimeDurationProcStart, "proc.exe_ino.ctime_duration_proc_start", T::Int, "process start minus the executable's ctime, ns"},
        {F::ProcIsExeUpperLayer, "proc.is_exe_upper_layer", T::Bool, "the executable is in an overlayfs upper layer"},
        {F::ProcIsExeLowerLayer, "proc.is_exe_lower_layer", T::Bool, "the executable is in an overlayfs lower layer"},
        {F::ProcIsExeFromMemfd, "proc.is_exe_from_memfd", T::Bool, "the executable is a memfd (fileless)"},
        {F::ProcIsExeWritable, "proc.is_exe_writable", T::Bool, "the process may write its own executable"},
        {F::ProcEnv, "proc.env", T::String, "environment at exec; proc.env[NAME]: one variable", A::Key},
        {F::ThreadTid, "thread.tid", T::Int, "thread id"},
        {F::ThreadCapEffective, "thread.cap_effective", T::String, "effective capabilities, CAP_* names"},
        {F::ThreadCapPermitted, "thread.cap_permitted", T::String, "permitted capabilities, CAP_* names"},
        {F::UserUid, "user.uid", T::Int, "effective user id"},
        {F::UserName, "user.name", T::String, "effective user's name (host's passwd)"},
        {F::UserLoginuid, "user.loginuid", T::Int, "audit login uid, -1 when unset"},
        {F::UserLoginname, "user.loginname", T::String, "login user's name"},
        {F::GroupGid, "group.gid", T::Int, "effective group id"},
        {F::GroupName, "group.name", T::String, "effective group's name"},
        {F::FdNum, "fd.num", T::Int, "file descriptor number; -1 when the call failed"},
        {F::FdName, "fd.name", T::String, "file path; for sockets client:port->server:port"},
        {F::FdNameraw, "fd.nameraw", T::String, "fd.name as the syscall gave it"},
        {F::FdDirectory, "fd.directory", T::String, "directory of fd.name"},
        {F::FdFilename, "fd.filename", T::String, "last component of fd.name"},
        {F::FdTypechar, "fd.typechar", T::String, "f file, d directory, 4 ipv4, 6 ipv6, u unix, p pipe, ..."},
        {F::FdType, "fd.type", T::String, "file, directory, ipv4, ipv6, unix, pipe, ..."},
        {F::FdL4proto, "fd.l4proto", T::String, "tcp, udp, icmp or raw"},
        {F::FdSockfamily, "fd.sockfamily", T::String, "ip or unix"},
        {F::FdSip, "fd.sip", T::Ip, "server address"},
        {F::FdCip, "fd.cip", T::Ip, "client address"},
        {F::FdRip, "fd.rip", T::Ip, "remote address"},
        {F::FdLip, "fd.lip", T::Ip, "local address"},
        {F::FdSport, "fd.sport", T::Int, "server port"},
        {F::FdCport, "fd.cport", T::Int, "client port"},
        {F::FdRport, "fd.rport", T::Int, "remote port"},
        {F::FdLport, "fd.lport", T::Int, "local port"},
        {F::FdDport, "fd.dport", T::Int, "destination port of a connect (tripline; = fd.rport)"},
        {F::FdSnet, "fd.snet", T::Net, "server address, compared as a network"},
        {F::FdCnet, "fd.cnet", T::Net, "client address, compared as a network"},
        {F::FdRnet, "fd.rnet", T::Net, "remote address, compared as a network"},
        {F::FdLnet, "fd.lnet", T::Net, "local address, compared as a network"},
        {F::FdIp, "fd.ip", T::Ip, "either end's address (filters only)", A::None, M::Either},
        {F::FdPort, "fd.port", T::Int, "either end's port (filters only)", A::None, M::Either},
        {F::FdNet, "fd.net", T::Net, "either end's address as a network (filters only)", A::None, M::Either},
        {F::FdIsServer, "fd.is_server", T::Bool, "the local end is the server"},
        {F::FdConnected, "fd.connected", T::Bool, "the socket is connected"},
        {F::FdNameChanged, "fd.name_changed", T::Bool, "this event changed the fd's name"},
        {F::FdSipName, "fd.sip.name", T::String, "server's DNS name (tripline resolves none: empty)"},
        {F::FdCipName, "fd.cip.name", T::String, "client's DNS name (empty)"},
        {F::FdRipName, "fd.rip.name", T::String, "remote DNS name (empty)"},
        {F::FdLipName, "fd.lip.name", T::String, "local DNS name (empty)"},
        {F::FdTypes, "fd.types", T::String, "fd types of the process (tripline knows only the event's fd)", A::Index, M::List},
        {F::ContainerId, "container.id", T::String, "12-digit container id from the cgroup, or 'host'"},
        {F::ContainerFullId, "container.full_id", T::String, "the container id (tripline keeps 12 digits)"},
        {F::ContainerName, "container.name", T::String, "container name; 'host' on the host"},
        {F::ContainerImage, "container.image", T::String, "container image"},
        {F::ContainerImageRepository, "container.image.repository", T::String, "container image repository"},
        {F::ContainerImageTag, "container.image.tag", T::String, "container image tag"},
        {F::ContainerPrivileged, "container.privileged", T::Bool, "privileged container"},
        {F::ContainerStartTs, "container.start_ts", T::Int, "start of the container's pid namespace init, epoch ns"},
        {F::K8sNsName, "k8s.ns.name", T::String, "Kubernetes namespace (pod label)"},
        {F::K8sPodName, "k8s.pod.name", T::String, "Kubernetes pod name (pod label)"},
    };
    return fields;
}

const FieldInfo* find_field(const std::string& name)
{
    static const bool ordered = [] {  // field_info() indexes by FieldId
        for (size_t i = 0; i < all_fields().size(); i++)
            if (static_cast<size_t>(all_fields()[i].id) != i)
                return false;
        return all_fields().size() == static_cast<size_t>(FieldId::Count);
    }();
    if (!ordered)
        return nullptr;
    static const std::map<std::string, const FieldInfo*> by_name = [] {
        std::map<std::string, const FieldInfo*> m;
        for (const auto& f : all_fields())
            m[f.name] = &f;
        return m;
    }();
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
}

const FieldInfo& field_info(FieldId id) { return all_fields().at(static_cast<size_t>(id)); }

std::string FieldRef::text() const
{
    const FieldInfo& f = field_info(id);
    if (arg.empty())
        return f.name;
    if (f.arg == ArgKind::ArgName)
        return std::string(f.name) + "." + arg;
    return std::string(f.name) + "[" + arg + "]";
}

FieldInfo::Multi multi_of(const FieldRef& f)
{
    return f.arg.empty() ? field_info(f.id).multi : FieldInfo::Multi::No;
}

std::optional<FieldRef> resolve_field(const std::string& name, const std::string& arg, std::string* why)
{
    auto fail = [&](std::string w) -> std::optional<FieldRef> {
        if (why)
            *why = std::move(w);
        return std::nullopt;
    };
    const FieldInfo* f = find_field(name);
    std::string dotted;
    for (const char* prefix : {"evt.arg.", "evt.rawarg."}) {  // evt.arg.NAME
        std::string p = prefix;
        if (!f && name.rfind(p, 0) == 0 && name.size() > p.size()) {
            f = find_field(p.substr(0, p.size() - 1));
            dotted = name.substr(p.size());
        }
    }
    if (!f)
        return fail("unknown field '" + name + "'");
    FieldRef ref{f->id, dotted.empty() ? arg : dotted};
    switch (f->arg) {
    case ArgKind::None:
        if (!arg.empty())
            return fail("field '" + name + "' takes no argument ('[" + arg + "]')");
        break;
    case ArgKind::Index:
        if (arg.empty() && f->multi == FieldInfo::Multi::No)
            return fail("field '" + name + "' needs an index: " + name + "[1]");
        if (!arg.empty() && (arg.find_first_not_of("0123456789") != std::string::npos))
            return fail("the index of '" + name + "' must be a number, not '" + arg + "'");
        break;
    case ArgKind::Key:
        break;
    case ArgKind::ArgName:
        if (!dotted.empty() && !arg.empty())
            return fail("field '" + name + "' takes no index");
        if (ref.arg.empty())
            return fail("'" + name + "' needs an argument name: " + name + ".flags, or an index: " + name + "[0]");
        break;
    }
    return ref;
}



Lowered lowering(FieldId id, uint32_t c)
{
    using F = FieldId;
    using L = Lowering;
    const bool open = c == TL_CLASS_OPEN, net = c == TL_CLASS_NET, sys = c == TL_CLASS_SYSCALL;
    const bool sock = net || sys;  // classes whose fd may be a socket
    const Lowered user{L::Userspace, TL_VIEW_USERSPACE};
    switch (id) {
    case F::EvtType: return {L::Small, TL_VIEW_EVT_TYPE};
    case F::EvtDir: return {L::Constant, -1};
    case F::EvtRes: return {L::Rawres, TL_VIEW_RAWRES};
    case F::EvtRawres: return {L::Num, TL_VIEW_RAWRES};
    // Falco: false, not missing, on other events
    case F::EvtIsOpenRead: return open ? Lowered{L::Small, TL_VIEW_OPEN_READ} : Lowered{L::Constant, -1};
    case F::EvtIsOpenWrite: return open ? Lowered{L::Small, TL_VIEW_OPEN_WRITE} : Lowered{L::Constant, -1};
    case F::EvtIsOpenExec: return open ? user : Lowered{L::Constant, -1};
    case F::ProcName: return {L::Str, TL_VIEW_PROC_NAME};
    case F::ProcExe: return {L::Str, TL_VIEW_EXE};
    case F::ProcExepath: return {L::Str, TL_VIEW_EXEPATH};
    case F::ProcPname: return {L::Str, TL_VIEW_PNAME};
    case F::ProcPid: return {L::Num, TL_VIEW_PID};
    case F::ProcPpid: return {L::Num, TL_VIEW_PPID};
    case F::UserUid: return {L::Num, TL_VIEW_UID};
    case F::UserLoginuid: return {L::Num, TL_VIEW_LOGINUID};
    case F::GroupGid: return {L::Num, TL_VIEW_GID};
    case F::FdName:
        if (open)
            return {L::Str, TL_VIEW_FD_NAME};
        return sock ? user : Lowered{};
    case F::FdNameraw:
        return open || sock ? user : Lowered{};
    case F::FdDirectory:
        if (open)
            return {L::Str, TL_VIEW_FD_DIRECTORY};
        return sys ? user : Lowered{};
    case F::FdFilename:
        if (open)
            return {L::Str, TL_VIEW_FD_FILENAME};
        return sys ? user : Lowered{};
    case F::FdNum: return open || sock ? Lowered{L::Num, TL_VIEW_FD_NUM} : Lowered{};
    case F::FdTypechar:
    case F::FdType: return open || sock ? Lowered{L::Small, TL_VIEW_FD_KIND} : Lowered{};
    case F::FdL4proto: return sock ? Lowered{L::Small, TL_VIEW_L4PROTO} : Lowered{};
    case F::FdSip:
    case F::FdSnet: return sock ? Lowered{L::Addr, TL_VIEW_SERVER_ADDR} : Lowered{};
    case F::FdCip:
    case F::FdCnet: return sock ? Lowered{L::Addr, TL_VIEW_CLIENT_ADDR} : Lowered{};
    case F::FdRip:
    case F::FdRnet: return sock ? Lowered{L::Addr, TL_VIEW_REMOTE_ADDR} : Lowered{};
    case F::FdLip:
    case F::FdLnet: return sock ? Lowered{L::Addr, TL_VIEW_LOCAL_ADDR} : Lowered{};
    case F::FdSport: return sock ? Lowered{L::Num, TL_VIEW_SERVER_PORT} : Lowered{};
    case F::FdCport: return sock ? Lowered{L::Num, TL_VIEW_CLIENT_PORT} : Lowered{};
    case F::FdRport:
    case F::FdDport: return sock ? Lowered{L::Num, TL_VIEW_REMOTE_PORT} : Lowered{};
    case F::FdLport: return sock ? Lowered{L::Num, TL_VIEW_LOCAL_PORT} : Lowered{};
    case F::FdSockfamily: case F::FdIp: case F::FdPort: case F::FdNet: case F::FdIsServer:
    case F::FdConnected: case F::FdNameChanged: case F::FdSipName: case F::FdCipName:
    case F::FdRipName: case F::FdLipName:
        return sock ? user : Lowered{};
    case F::FdTypes: return open || sock ? user : Lowered{};
    case F::ProcCwd: return c == TL_CLASS_EXEC ? Lowered{L::Str, TL_VIEW_CWD} : user;
    case F::ProcIsExeUpperLayer: case F::ProcIsExeLowerLayer: case F::ProcIsExeFromMemfd: case F::ProcIsExeWritable:
        return c == TL_CLASS_EXEC ? Lowered{L::Small, TL_VIEW_EXE_FLAGS} : user;
    case F::ContainerId: return {L::Str, TL_VIEW_CONTAINER_ID};
    case F::ProcTty: return {L::Num, TL_VIEW_TTY};
    case F::EvtSysarg: return sock ? user : Lowered{};  // evt.sysarg[0]: lowering(FieldRef)
    case F::Count: return {};
    default:  // read from the record, decided in userspace
        return user;
    }
}

Lowered lowering(const FieldRef& f, uint32_t c)
{
    // the first ancestor is the parent, which the kernel knows
    if (f.id == FieldId::ProcAname && f.arg == "1")
        return lowering(FieldId::ProcPname, c);
    if (f.id == FieldId::ProcApid && f.arg == "1")
        return lowering(FieldId::ProcPpid, c);
    if (f.id == FieldId::EvtSysarg && f.arg == "0" && (c == TL_CLASS_NET || c == TL_CLASS_SYSCALL))
        return {Lowering::Num, TL_VIEW_SYSARG0};
    return lowering(f.id, c);
}

std::optional<Value> small_value(FieldId id, uint32_t v)
{
    auto str = [](const char* s) -> std::optional<Value> {
        if (!s)
            return std::nullopt;
        return Value{std::string(s)};
    };
    switch (id) {
    case FieldId::EvtType: return str(evt_type_name(v));
    case FieldId::FdTypechar: return str(fd_typechar(v));
    case FieldId::FdType: return str(fd_type_name(v));
    case FieldId::FdL4proto: return str(l4proto_name(v));
    case FieldId::EvtIsOpenRead:
    case FieldId::EvtIsOpenWrite: return Value{v != 0};
    case FieldId::ProcIsExeUpperLayer: return Value{(v & TL_EXE_UPPER_LAYER) != 0};
    case FieldId::ProcIsExeLowerLayer: return Value{(v & TL_EXE_LOWER_LAYER) != 0};
    case FieldId::ProcIsExeFromMemfd: return Value{(v & TL_EXE_FROM_MEMFD) != 0};
    case FieldId::ProcIsExeWritable: return Value{(v & TL_EXE_WRITABLE) != 0};
    default: return std::nullopt;
    }
}

Value constant_value(FieldId id, uint32_t)
{
    if (id == FieldId::EvtDir)  // every event tripline sees is a syscall exit
        return Value{std::string("<")};
    return Value{false};  // evt.is_open_* outside opens
}

}  // namespace tripline
