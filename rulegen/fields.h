// The field catalog: every field a condition or an output may use, its type,
// the event classes that carry it, and how the kernel sees it in each class.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rulegen/value.h"

namespace tripline {

enum class FieldType { String, Int, Ip, Net, Bool };
const char* type_name(FieldType t);

enum class FieldId : uint8_t {
    EvtType, EvtDir, EvtRes, EvtRawres, EvtFailed, EvtNum, EvtTime, EvtDatetime, EvtRawtime, EvtTimeIso8601,
    EvtHostname, EvtArgs, EvtArg, EvtRawarg, EvtSysarg, EvtIsOpenRead, EvtIsOpenWrite, EvtIsOpenExec,
    ProcName, ProcExe, ProcExepath, ProcCmdline, ProcExeline, ProcArgs, ProcCwd, ProcPid, ProcVpid, ProcPpid,
    ProcPname, ProcPexe, ProcPexepath, ProcPcmdline, ProcAname, ProcApid, ProcAexe, ProcAexepath, ProcAcmdline,
    ProcSid, ProcSname, ProcVpgid, ProcVpgidName, ProcVpgidExe, ProcIsVpgidLeader, ProcIsSidLeader, ProcTty,
    ProcDuration, ProcPpidDuration, ProcExeIno, ProcExeInoCtime, ProcExeInoMtime, ProcExeInoCtimeDurationProcStart,
    ProcIsExeUpperLayer, ProcIsExeLowerLayer, ProcIsExeFromMemfd, ProcIsExeWritable, ProcEnv,
    ThreadTid, ThreadCapEffective, ThreadCapPermitted,
    UserUid, UserName, UserLoginuid, UserLoginname, GroupGid, GroupName,
    FdNum, FdName, FdNameraw, FdDirectory, FdFilename, FdTypechar, FdType, FdL4proto, FdSockfamily,
    FdSip, FdCip, FdRip, FdLip, FdSport, FdCport, FdRport, FdLport, FdDport,
    FdSnet, FdCnet, FdRnet, FdLnet, FdIp, FdPort, FdNet, FdIsServer, FdConnected, FdNameChanged,
    FdSipName, FdCipName, FdRipName, FdLipName, FdTypes,
    ContainerId, ContainerFullId, ContainerName, ContainerImage, ContainerImageRepository, ContainerImageTag,
    ContainerPrivileged, ContainerStartTs, K8sNsName, K8sPodName,
    Count
};

// What may follow a field's name.
enum class ArgKind {
    None,      // proc.name
    Index,     // proc.aname[2]: a number; without it, some fields are lists (FieldInfo::list)
    Key,       // proc.env[HOME]; without it, the whole value
    ArgName,   // evt.arg.flags or evt.arg[0]
};

struct FieldInfo {
    FieldId id;
    const char* name;
    FieldType type;
    const char* desc;
    ArgKind arg = ArgKind::None;
    // how a field with several values compares (see eval_pred)
    enum class Multi : uint8_t {
        No,
        List,         // fd.types: `in` is a subset test, `intersects` a non-empty intersection
        AnyAncestor,  // proc.aname without index: true when some ancestor satisfies the comparison
        Either,       // fd.ip: either end; `!=` holds when neither end equals
    } multi = Multi::No;
};

// A field as a condition or an output names it: the catalog entry and its argument.
struct FieldRef {
    FieldId id = FieldId::EvtType;
    std::string arg;  // "2", "HOME", "flags"; empty when none
    std::string text() const;  // "proc.aname[2]", "evt.arg.flags"
    bool operator==(const FieldRef&) const = default;
    auto operator<=>(const FieldRef&) const = default;
};

// "proc.aname" + "2", or "evt.arg.flags" + "": the reference, or why not
std::optional<FieldRef> resolve_field(const std::string& name, const std::string& arg, std::string* why);
FieldInfo::Multi multi_of(const FieldRef& f);  // No when an index picks one value

// How the kernel sees a field in one event class.
enum class Lowering {
    Absent,    // events of the class have no such value: every comparison is false
    Constant,  // the same value for every event of the class
    Userspace, // only userspace evaluates it: unknown in the kernel
    Str,       // string views: `view` forwards, `view + 1` reversed
    Num,       // signed number view
    Addr,      // address view
    Small,     // small view over an enumerated domain (small_value)
    Rawres,    // evt.res: the rawres view, through the errno names
};

struct Lowered {
    Lowering how = Lowering::Absent;
    int view = -1;
};

const FieldInfo* find_field(const std::string& name);
const FieldInfo& field_info(FieldId id);
const std::vector<FieldInfo>& all_fields();
Lowered lowering(FieldId id, uint32_t class_id);
Lowered lowering(const FieldRef& f, uint32_t class_id);

// For Small fields: the field's value when the kernel's small value is `v`;
// nullopt when the event has no value (absent).
std::optional<Value> small_value(FieldId id, uint32_t v);
// For Constant fields.
Value constant_value(FieldId id, uint32_t class_id);

}  // namespace tripline
