// The items of rule files as loaded from YAML, before any condition parsing,
// after Falco's collector has applied every redefinition, append and
// override in file order. Strings that hold conditions or outputs keep the
// source position of every character, so errors deep inside a folded block
// scalar — or an appended condition — still point at the right line and column.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "rulegen/diag.h"

namespace tripline {

struct Text {
    std::string s;
    std::vector<Loc> locs;  // locs[i]: where s[i] came from; one extra for the end
    Loc at(size_t offset) const;
    Text& operator+=(const Text& more);
    static Text at_loc(const std::string& s, Loc loc);  // generated text, all at one place
};

enum class Priority { Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug };
const char* priority_name(Priority p);  // "Warning", as Falco prints it
bool parse_priority(const std::string& s, Priority& out);  // case-insensitive, "info" too

struct ListItem {
    std::string name;
    std::vector<Text> items;
    Loc loc;
};

struct MacroItem {
    std::string name;
    Text condition;
    Loc loc;
};

// one value of an exception: a scalar, or a list (rendered "(a, b)")
struct ExceptionValue {
    bool is_list = false;
    std::string scalar;
    std::vector<std::string> list;
};

struct ExceptionItem {
    std::string name;
    bool tuple = true;                // fields given as a list
    std::vector<std::string> fields;
    std::vector<std::string> comps;
    std::vector<std::vector<ExceptionValue>> values;  // tuple form: one per field; single form: one
    Loc loc;
};

struct RuleItem {
    std::string name;
    Text condition;
    Text output;
    std::string desc;
    Priority priority = Priority::Warning;
    std::set<std::string> tags;  // a set, as Falco stores them
    bool enabled = true;
    std::string source = "syscall";
    std::vector<ExceptionItem> exceptions;
    bool warn_evttypes = true;
    bool skip_if_unknown_filter = false;
    Loc loc;
};

struct PluginRequirement {
    std::string name, version;
    std::vector<std::pair<std::string, std::string>> alternatives;
    Loc loc;
};

struct Items {
    std::vector<ListItem> lists;
    std::vector<MacroItem> macros;
    std::vector<RuleItem> rules;
    std::vector<PluginRequirement> plugins;
    std::string required_engine;  // the highest required_engine_version seen
};

// tripline implements Falco's rules engine of this version
constexpr const char* kEngineVersion = "0.62.0";

// Pass 1 (tests/test_load.cpp): rule files and directories -> items. A
// directory contributes its .yaml/.yml files in name order. Items are
// collected in order across files: a later file can redefine, append to or
// override what an earlier one defined, as in Falco.
Items load_items(const std::vector<std::string>& paths, SourceManager& sm, Diagnostics& diags);

// One document given as text (tests, fuzzing), added to `into` when given.
Items load_items_text(const std::string& name, const std::string& text, SourceManager& sm, Diagnostics& diags);
void load_items_text(const std::string& name, const std::string& text, SourceManager& sm, Diagnostics& diags,
                     Items& into);

// The condition Falco compiles for a rule: its own, and its exceptions
// rendered the way Falco's loader renders them.
Text condition_with_exceptions(const RuleItem& rule);

}  // namespace tripline
