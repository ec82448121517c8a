// Which rules run: Falco's minimum priority and its `rules:` selection
// (enable/disable by rule name with '*' wildcards, or by tag), applied in order
// after every rules file is loaded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rulegen/items.h"

namespace tripline {

struct Selection {
    Priority min_priority = Priority::Debug;  // less severe rules are not loaded at all
    struct Step {
        bool enable = true;
        bool by_tag = false;
        std::string pattern;  // a rule name with '*' wildcards, or a tag
    };
    std::vector<Step> steps;
};

// "disable.rule=Write below *", "enable.tag=network"
std::optional<Selection::Step> parse_selection_step(const std::string& text, std::string* why);

// Falco's wildcard: only '*' is special, matched greedily without backtracking
bool wildcard_match(const std::string& pattern, const std::string& name);

}  // namespace tripline
