// The items of rule files as loaded from YAML, before any condition parsing.
// Strings that hold conditions or outputs keep the source position of every
// character, so errors deep inside a folded block scalar still point at the
// right line and column.
#pragma once

#include <string>
#include <vector>

#include "rulegen/diag.h"

namespace tripline {

struct Text {
    std::string s;
    std::vector<Loc> locs;  // locs[i]: where s[i] came from; one extra for the end
    Loc at(size_t offset) const;
};

enum class Priority { Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug };
const char* priority_name(Priority p);  // "Warning", as Falco prints it

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

struct RuleItem {
    std::string name;
    Text condition;
    Text output;
    std::string desc;
    Priority priority = Priority::Warning;
    std::vector<std::string> tags;
    bool enabled = true;
    std::string source = "syscall";
    Loc loc;
};

struct Items {
    std::vector<ListItem> lists;
    std::vector<MacroItem> macros;
    std::vector<RuleItem> rules;
};

// Pass 1 (tests/test_load.cpp): rule files and directories -> items. A
// directory contributes its .yaml/.yml files in name order. Later
// definitions of a list or macro replace earlier ones, as in Falco.
Items load_items(const std::vector<std::string>& paths, SourceManager& sm, Diagnostics& diags);

// One document given as text (tests, fuzzing).
Items load_items_text(const std::string& name, const std::string& text, SourceManager& sm,
                      Diagnostics& diags);

}  // namespace tripline
