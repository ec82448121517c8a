// Rule selection; see select.h. Tested by tests/test_conformance.cpp.
#include "rulegen/select.h"

namespace tripline {

std::optional<Selection::Step> parse_selection_step(const std::string& text, std::string* why)
{
    auto fail = [&](const std::string& w) -> std::optional<Selection::Step> {
        if (why)
            *why = w;
        return std::nullopt;
    };
    auto eq = text.find('=');
    if (eq == std::string::npos)
        return fail("'" + text + "' is not ACTION.KIND=VALUE, e.g. disable.rule=Write*");
    std::string key = text.substr(0, eq);
    Selection::Step s;
    s.pattern = text.substr(eq + 1);
    if (key == "enable.rule" || key == "disable.rule" || key == "enable.tag" || key == "disable.tag") {
        s.enable = key.rfind("enable", 0) == 0;
        s.by_tag = key.find(".tag") != std::string::npos;
        if (s.pattern.empty())
            return fail("'" + key + "' needs a value");
        return s;
    }
    return fail("unknown selection '" + key + "': use enable.rule, disable.rule, enable.tag or disable.tag");
}

bool wildcard_match(const std::string& pattern, const std::string& name)
{
    size_t p = 0, n = 0;
    while (p < pattern.size()) {
        if (pattern[p] != '*') {
            size_t star = pattern.find('*', p);
            std::string lit = pattern.substr(p, star == std::string::npos ? std::string::npos : star - p);
            if (name.compare(n, lit.size(), lit) != 0)
                return false;
            p += lit.size();
            n += lit.size();
            continue;
        }
        while (p < pattern.size() && pattern[p] == '*')
            p++;
        if (p == pattern.size())
            return true;
        size_t star = pattern.find('*', p);
        std::string lit = pattern.substr(p, star == std::string::npos ? std::string::npos : star - p);
        size_t at = name.find(lit, n);  // the first occurrence: no backtracking, as Falco
        if (at == std::string::npos)
            return false;
        p += lit.size();
        n = at + lit.size();
    }
    return n == name.size();
}

}  // namespace tripline
