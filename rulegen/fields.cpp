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
    static const std::vector<FieldInfo> fields = {
        {F::EvtType, "evt.type", T::String, "event type: the syscall (execve, openat, connect, ...)"},
        {F::EvtDir, "evt.dir", T::String, "event direction: always '<' (syscall exit)"},
        {F::EvtRes, "evt.res", T::String, "SUCCESS, or the error name (ENOENT, ...)"},
        {F::EvtRawres, "evt.rawres", T::Int, "the syscall's return value"},
        {F::EvtIsOpenRead, "evt.is_open_read", T::Bool, "the open asked for read access"},
        {F::EvtIsOpenWrite, "evt.is_open_write", T::Bool, "the open asked for write access"},
        {F::EvtHostname, "evt.hostname", T::String, "the host's name"},
        {F::ProcName, "proc.name", T::String, "process name (comm of the main thread)"},
        {F::ProcExe, "proc.exe", T::String, "argv[0] of the process"},
        {F::ProcExepath, "proc.exepath", T::String, "full path of the executable, from the kernel"},
        {F::ProcCmdline, "proc.cmdline", T::String, "proc.name and the arguments"},
        {F::ProcArgs, "proc.args", T::String, "the arguments, space separated"},
        {F::ProcPname, "proc.pname", T::String, "parent's process name"},
        {F::ProcPid, "proc.pid", T::Int, "process id (tgid)"},
        {F::ProcPpid, "proc.ppid", T::Int, "parent's process id"},
        {F::UserUid, "user.uid", T::Int, "effective user id"},
        {F::UserName, "user.name", T::String, "effective user's name (host's passwd)"},
        {F::UserLoginuid, "user.loginuid", T::Int, "audit login uid, -1 when unset"},
        {F::GroupGid, "group.gid", T::Int, "effective group id"},
        {F::FdName, "fd.name", T::String, "file path; for sockets client:port->server:port"},
        {F::FdDirectory, "fd.directory", T::String, "directory of fd.name"},
        {F::FdFilename, "fd.filename", T::String, "last component of fd.name"},
        {F::FdNum, "fd.num", T::Int, "file descriptor number; -1 when the call failed"},
        {F::FdTypechar, "fd.typechar", T::String, "f file, d directory, 4 ipv4, 6 ipv6, u unix, p pipe"},
        {F::FdType, "fd.type", T::String, "file, directory, ipv4, ipv6, unix, pipe, ..."},
        {F::FdL4proto, "fd.l4proto", T::String, "tcp, udp, icmp or raw"},
        {F::FdSip, "fd.sip", T::Ip, "server address (the remote end of a connect)"},
        {F::FdCip, "fd.cip", T::Ip, "client address (the local end of a connect)"},
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
        {F::ContainerId, "container.id", T::String, "12-digit container id from the cgroup, or 'host'"},
    };
    return fields;
}

const FieldInfo* find_field(const std::string& name)
{
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

bool is_list(const FieldRef& f) { return f.arg.empty() && field_info(f.id).list; }

std::optional<FieldRef> resolve_field(const std::string& name, const std::string& arg, std::string* why)
{
    auto fail = [&](std::string w) -> std::optional<FieldRef> {
        if (why)
            *why = std::move(w);
        return std::nullopt;
    };
    const FieldInfo* f = find_field(name);
    std::string dotted;
    if (!f && name.rfind("evt.arg.", 0) == 0) {  // evt.arg.NAME
        f = find_field("evt.arg");
        dotted = name.substr(8);
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
        if (arg.empty() && !f->list)
            return fail("field '" + name + "' needs an index: " + name + "[1]");
        if (!arg.empty() && (arg.find_first_not_of("0123456789") != std::string::npos))
            return fail("the index of '" + name + "' must be a number, not '" + arg + "'");
        break;
    case ArgKind::Key:
        if (arg.empty())
            return fail("field '" + name + "' needs a key: " + name + "[NAME]");
        break;
    case ArgKind::ArgName:
        if (!dotted.empty() && !arg.empty())
            return fail("field '" + name + "' takes no index");
        if (ref.arg.empty())
            return fail("'evt.arg' needs an argument name: evt.arg.flags, or an index: evt.arg[0]");
        break;
    }
    return ref;
}

Lowered lowering(const FieldRef& f, uint32_t class_id) { return lowering(f.id, class_id); }

Lowered lowering(FieldId id, uint32_t c)
{
    using F = FieldId;
    using L = Lowering;
    const bool open = c == TL_CLASS_OPEN, conn = c == TL_CLASS_CONNECT;
    switch (id) {
    case F::EvtType: return {L::Small, TL_VIEW_EVT_TYPE};
    case F::EvtDir: return {L::Constant, -1};
    case F::EvtRes: return {L::Rawres, TL_VIEW_RAWRES};
    case F::EvtRawres: return {L::Num, TL_VIEW_RAWRES};
    case F::EvtIsOpenRead: return open ? Lowered{L::Small, TL_VIEW_OPEN_READ} : Lowered{};
    case F::EvtIsOpenWrite: return open ? Lowered{L::Small, TL_VIEW_OPEN_WRITE} : Lowered{};
    case F::EvtHostname: return {L::Userspace, TL_VIEW_USERSPACE};
    case F::ProcName: return {L::Str, TL_VIEW_PROC_NAME};
    case F::ProcExe: return {L::Str, TL_VIEW_EXE};
    case F::ProcExepath: return {L::Str, TL_VIEW_EXEPATH};
    case F::ProcCmdline:
    case F::ProcArgs:
    case F::UserName: return {L::Userspace, TL_VIEW_USERSPACE};
    case F::ProcPname: return {L::Str, TL_VIEW_PNAME};
    case F::ProcPid: return {L::Num, TL_VIEW_PID};
    case F::ProcPpid: return {L::Num, TL_VIEW_PPID};
    case F::UserUid: return {L::Num, TL_VIEW_UID};
    case F::UserLoginuid: return {L::Num, TL_VIEW_LOGINUID};
    case F::GroupGid: return {L::Num, TL_VIEW_GID};
    case F::FdName:
        if (open)
            return {L::Str, TL_VIEW_FD_NAME};
        return conn ? Lowered{L::Userspace, TL_VIEW_USERSPACE} : Lowered{};
    case F::FdDirectory: return open ? Lowered{L::Str, TL_VIEW_FD_DIRECTORY} : Lowered{};
    case F::FdFilename: return open ? Lowered{L::Str, TL_VIEW_FD_FILENAME} : Lowered{};
    case F::FdNum: return open || conn ? Lowered{L::Num, TL_VIEW_FD_NUM} : Lowered{};
    case F::FdTypechar:
    case F::FdType: return open || conn ? Lowered{L::Small, TL_VIEW_FD_KIND} : Lowered{};
    case F::FdL4proto: return conn ? Lowered{L::Small, TL_VIEW_L4PROTO} : Lowered{};
    // a connect is outbound: the server is the remote end
    case F::FdSip:
    case F::FdRip: return conn ? Lowered{L::Addr, TL_VIEW_REMOTE_ADDR} : Lowered{};
    case F::FdCip:
    case F::FdLip: return conn ? Lowered{L::Addr, TL_VIEW_LOCAL_ADDR} : Lowered{};
    case F::FdSnet:
    case F::FdRnet: return conn ? Lowered{L::Addr, TL_VIEW_REMOTE_ADDR} : Lowered{};
    case F::FdCnet:
    case F::FdLnet: return conn ? Lowered{L::Addr, TL_VIEW_LOCAL_ADDR} : Lowered{};
    case F::FdSport:
    case F::FdRport:
    case F::FdDport: return conn ? Lowered{L::Num, TL_VIEW_REMOTE_PORT} : Lowered{};
    case F::FdCport:
    case F::FdLport: return conn ? Lowered{L::Num, TL_VIEW_LOCAL_PORT} : Lowered{};
    case F::ContainerId: return {L::Str, TL_VIEW_CONTAINER_ID};
    case F::Count: break;
    }
    return {};
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
    default: return std::nullopt;
    }
}

Value constant_value(FieldId id, uint32_t)
{
    (void)id;  // evt.dir: every event tripline sees is a syscall exit
    return Value{std::string("<")};
}

}  // namespace tripline
