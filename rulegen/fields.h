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
    EvtType, EvtDir, EvtRes, EvtRawres, EvtIsOpenRead, EvtIsOpenWrite, EvtHostname,
    ProcName, ProcExe, ProcExepath, ProcCmdline, ProcArgs, ProcPname, ProcPid, ProcPpid,
    UserUid, UserName, UserLoginuid, GroupGid,
    FdName, FdDirectory, FdFilename, FdNum, FdTypechar, FdType, FdL4proto,
    FdSip, FdCip, FdRip, FdLip, FdSport, FdCport, FdRport, FdLport, FdDport,
    FdSnet, FdCnet, FdRnet, FdLnet,
    ContainerId,
    Count
};

// What may follow a field's name.
enum class ArgKind {
    None,      // proc.name
    Index,     // proc.aname[2]: a number; without it, some fields are lists (FieldInfo::list)
    Key,       // proc.env[HOME]
    ArgName,   // evt.arg.flags or evt.arg[0]
};

struct FieldInfo {
    FieldId id;
    const char* name;
    FieldType type;
    const char* desc;
    ArgKind arg = ArgKind::None;
    bool list = false;  // without an index, the field is every element (proc.aname: all ancestors)
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
bool is_list(const FieldRef& f);  // extracts several values

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
