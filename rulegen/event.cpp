// Record decoding and field values; see event.h. Tested by tests/test_event.cpp
// and fuzzed by tests/fuzz_decode.cpp.
#include "rulegen/event.h"

#include <cstring>

#include "rulegen/abi_names.h"

namespace tripline {

namespace {

bool take_string(const uint8_t* data, uint32_t data_len, const tl_str& s, std::string& out,
                 const char* what, std::string* error)
{
    if (s.len == 0) {
        out.clear();
        return true;
    }
    // the string and the NUL after it lie inside the data area
    if (static_cast<uint32_t>(s.off) + s.len >= data_len) {
        if (error)
            *error = std::string(what) + " runs past the record's data";
        return false;
    }
    out.assign(reinterpret_cast<const char*>(data) + s.off, s.len);
    return true;
}

void terminate(char* s, size_t n) { s[n - 1] = 0; }

}  // namespace

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
        return fail("record size field " + std::to_string(r.size) + " does not fit the " +
                    std::to_string(size) + " bytes received");
    if (r.data_len != r.size - TL_EVENT_HEADER_SIZE || r.data_len > TL_DATA_MAX)
        return fail("record data length " + std::to_string(r.data_len) + " does not match its size");
    if (r.class_id == TL_CLASS_NONE || r.class_id >= TL_CLASS_COUNT)
        return fail("record has unknown class " + std::to_string(r.class_id));
    if (r.evt_type == TL_EVT_UNKNOWN || r.evt_type >= TL_EVT_COUNT)
        return fail("record has unknown event type " + std::to_string(r.evt_type));
    const uint8_t* d = static_cast<const uint8_t*>(data) + TL_EVENT_HEADER_SIZE;
    if (!take_string(d, r.data_len, r.exepath, e.exepath, "exe path", error) ||
        !take_string(d, r.data_len, r.args, e.args, "argv", error) ||
        !take_string(d, r.data_len, r.fd_name, e.fd_name, "fd name", error))
        return std::nullopt;
    terminate(e.rec.comm, sizeof(e.rec.comm));
    terminate(e.rec.pcomm, sizeof(e.rec.pcomm));
    terminate(e.rec.container_id, sizeof(e.rec.container_id));
    return e;
}

std::vector<uint8_t> encode_event(const Event& e)
{
    tl_event r = e.rec;
    std::string data;
    auto put = [&](const std::string& s, size_t max, tl_str& out, uint16_t trunc_flag) {
        std::string v = s.substr(0, max - 1);
        if (v.size() < s.size())
            r.flags |= trunc_flag;
        out.off = static_cast<uint16_t>(data.size());
        out.len = static_cast<uint16_t>(v.size());
        data += v;
        data += '\0';
    };
    put(e.exepath, TL_PATH_MAX, r.exepath, TL_EF_EXE_TRUNC);
    put(e.args, TL_ARGS_MAX, r.args, TL_EF_ARGS_TRUNC);
    put(e.fd_name, TL_PATH_MAX, r.fd_name, TL_EF_PATH_TRUNC);
    r.data_len = static_cast<uint16_t>(data.size());
    r.size = static_cast<uint32_t>(TL_EVENT_HEADER_SIZE + data.size());
    std::vector<uint8_t> out(r.size);
    std::memcpy(out.data(), &r, TL_EVENT_HEADER_SIZE);
    std::memcpy(out.data() + TL_EVENT_HEADER_SIZE, data.data(), data.size());
    return out;
}

std::string argv0(const Event& e) { return e.args.substr(0, e.args.find('\0')); }

std::string args_joined(const Event& e)
{
    auto first = e.args.find('\0');
    if (first == std::string::npos)
        return "";
    std::string rest = e.args.substr(first + 1);
    for (char& c : rest)
        if (c == '\0')
            c = ' ';
    return rest;
}

namespace {

std::optional<Value> ip(const uint8_t* b)
{
    IpAddr a;
    std::memcpy(a.b.data(), b, 16);
    return Value{a};
}

std::string endpoint(const uint8_t* addr, uint16_t port)
{
    IpAddr a;
    std::memcpy(a.b.data(), addr, 16);
    std::string s = format_ip(a);
    return (a.is_v4() ? s : "[" + s + "]") + ":" + std::to_string(port);
}

// fd.directory / fd.filename of a path, split at its last '/'
std::pair<std::string, std::string> split_path(const std::string& p)
{
    auto slash = p.rfind('/');
    if (slash == std::string::npos)
        return {"", p};
    return {slash == 0 ? "/" : p.substr(0, slash), p.substr(slash + 1)};
}

}  // namespace

std::optional<Value> field_value(const Event& e, const FieldRef& ref, const Context& ctx)
{
    const FieldId id = ref.id;
    const tl_event& r = e.rec;
    const bool open = r.class_id == TL_CLASS_OPEN, conn = r.class_id == TL_CLASS_CONNECT;
    const bool has_parent = !(r.flags & TL_EF_NO_PARENT);
    const bool has_addr = conn && !(r.flags & TL_EF_NO_ADDR);
    const tl_connect_info& ci = r.payload.connect;
    using F = FieldId;
    switch (id) {
    case F::EvtType: return small_value(id, r.evt_type);
    case F::EvtDir: return constant_value(id, r.class_id);
    case F::EvtRes: return Value{evt_res_string(r.res)};
    case F::EvtRawres: return Value{static_cast<int64_t>(r.res)};
    case F::EvtIsOpenRead:
        return open ? small_value(id, r.payload.open.is_read) : std::nullopt;
    case F::EvtIsOpenWrite:
        return open ? small_value(id, r.payload.open.is_write) : std::nullopt;
    case F::EvtHostname: return Value{ctx.hostname};
    case F::ProcName: return Value{std::string(r.comm)};
    case F::ProcExe: return Value{argv0(e)};
    case F::ProcExepath: return Value{e.exepath};
    case F::ProcCmdline: {
        std::string a = args_joined(e);
        return Value{a.empty() ? std::string(r.comm) : std::string(r.comm) + " " + a};
    }
    case F::ProcArgs: return Value{args_joined(e)};
    case F::ProcPname: return has_parent ? std::optional<Value>{std::string(r.pcomm)} : std::nullopt;
    case F::ProcPid: return Value{static_cast<int64_t>(r.tgid)};
    case F::ProcPpid: return has_parent ? std::optional<Value>{static_cast<int64_t>(r.ppid)} : std::nullopt;
    case F::UserUid: return Value{static_cast<int64_t>(r.uid)};
    case F::UserName: {
        std::string n = ctx.user_name ? ctx.user_name(r.uid) : "";
        return n.empty() ? std::nullopt : std::optional<Value>{n};
    }
    case F::UserLoginuid: return Value{static_cast<int64_t>(static_cast<int32_t>(r.loginuid))};
    case F::GroupGid: return Value{static_cast<int64_t>(r.gid)};
    case F::FdName:
        if (open)
            return Value{e.fd_name};
        if (has_addr)
            return Value{endpoint(ci.local, ci.lport) + "->" + endpoint(ci.remote, ci.rport)};
        return std::nullopt;
    case F::FdDirectory: return open ? std::optional<Value>{split_path(e.fd_name).first} : std::nullopt;
    case F::FdFilename: return open ? std::optional<Value>{split_path(e.fd_name).second} : std::nullopt;
    case F::FdNum:
        if (open)
            return Value{static_cast<int64_t>(r.payload.open.fd)};
        return conn ? std::optional<Value>{static_cast<int64_t>(ci.fd)} : std::nullopt;
    case F::FdTypechar:
    case F::FdType:
        if (open)
            return small_value(id, r.payload.open.fd_kind);
        return conn ? small_value(id, ci.fd_kind) : std::nullopt;
    case F::FdL4proto: return conn ? small_value(id, ci.l4proto) : std::nullopt;
    case F::FdSip:
    case F::FdRip:
    case F::FdSnet:
    case F::FdRnet: return has_addr ? ip(ci.remote) : std::nullopt;
    case F::FdCip:
    case F::FdLip:
    case F::FdCnet:
    case F::FdLnet: return has_addr ? ip(ci.local) : std::nullopt;
    case F::FdSport:
    case F::FdRport:
    case F::FdDport: return has_addr ? std::optional<Value>{static_cast<int64_t>(ci.rport)} : std::nullopt;
    case F::FdCport:
    case F::FdLport: return has_addr ? std::optional<Value>{static_cast<int64_t>(ci.lport)} : std::nullopt;
    case F::ContainerId: return Value{std::string(r.container_id)};
    case F::Count: break;
    }
    return std::nullopt;
}

}  // namespace tripline
