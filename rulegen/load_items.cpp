// Pass 1: YAML rule files -> Items.
// Consumes file paths; produces lists, macros and rules with source positions,
// after applying Falco's collector rules in file order: a redefinition
// replaces in place, `override: {key: append|replace}` and the deprecated
// `append: true` modify an earlier item, an item with only `enabled` toggles
// one. Tested by tests/test_load.cpp and tests/test_conformance.cpp.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "rulegen/fields.h"
#include "rulegen/items.h"
#include "rulegen/yaml_docs.h"

namespace tripline {

namespace fs = std::filesystem;

Loc Text::at(size_t offset) const
{
    if (locs.empty())
        return {};
    return locs[std::min(offset, locs.size() - 1)];
}

Text& Text::operator+=(const Text& more)
{
    if (!locs.empty())
        locs.pop_back();  // the old end
    s += more.s;
    locs.insert(locs.end(), more.locs.begin(), more.locs.end());
    if (locs.size() < s.size() + 1)
        locs.resize(s.size() + 1, locs.empty() ? Loc{} : locs.back());
    return *this;
}

Text Text::at_loc(const std::string& s, Loc loc)
{
    Text t;
    t.s = s;
    t.locs.assign(s.size() + 1, loc);
    return t;
}

const char* priority_name(Priority p)
{
    static const char* names[] = {"Emergency", "Alert",  "Critical",      "Error",
                                  "Warning",   "Notice", "Informational", "Debug"};
    return names[static_cast<int>(p)];
}

bool parse_priority(const std::string& s, Priority& out)
{
    std::string p = s;
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
    static const std::map<std::string, Priority> names = {
        {"emergency", Priority::Emergency}, {"alert", Priority::Alert},     {"critical", Priority::Critical},
        {"error", Priority::Error},         {"warning", Priority::Warning}, {"notice", Priority::Notice},
        {"informational", Priority::Informational}, {"info", Priority::Informational},
        {"debug", Priority::Debug}};
    auto it = names.find(p);
    if (it == names.end())
        return false;
    out = it->second;
    return true;
}

namespace {

// the operators an exception's comps may name (Falco's supported_operators)
bool is_operator(const std::string& op)
{
    static const std::set<std::string> ops = {"exists",   "<=",        "<",          ">=",          ">",
                                              "==",       "=",         "!=",         "glob",        "iglob",
                                              "contains", "icontains", "bcontains",  "startswith",  "bstartswith",
                                              "endswith", "regex",     "intersects", "in",          "pmatch"};
    return ops.count(op) != 0;
}

// "startswith anyof": an operator that takes oneof/anyof/allof
bool is_modifier_op(const std::string& op)
{
    static const std::set<std::string> base = {"=",          "==",          "!=",       "contains", "icontains",
                                               "bcontains",  "startswith",  "bstartswith", "endswith", "glob",
                                               "iglob",      "regex"};
    auto space = op.find(' ');
    if (space == std::string::npos)
        return false;
    std::string mod = op.substr(op.find_first_not_of(' ', space));
    return base.count(op.substr(0, space)) && (mod == "oneof" || mod == "anyof" || mod == "allof");
}

bool is_list_op(const std::string& op) { return op == "in" || op == "intersects" || op == "pmatch"; }

std::string trim(std::string s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
        i++;
    return s.substr(i);
}

// Falco's semver comparison: same major, and at least the required version
std::optional<std::array<long, 3>> semver(const std::string& v)
{
    std::array<long, 3> out{};
    char extra = 0;
    if (std::sscanf(v.c_str(), "%ld.%ld.%ld%c", &out[0], &out[1], &out[2], &extra) == 3)
        return out;
    if (v.find_first_not_of("0123456789") == std::string::npos && !v.empty())
        return std::array<long, 3>{0, std::stol(v), 0};  // an integer N means 0.N.0
    return std::nullopt;
}

class FileLoader {
public:
    FileLoader(uint32_t file, const std::string& raw, Diagnostics& diags, Items& out)
        : file_(file), raw_(raw), diags_(diags), out_(out)
    {
        line_starts_.push_back(0);
        for (size_t i = 0; i < raw.size(); i++)
            if (raw[i] == '\n')
                line_starts_.push_back(i + 1);
    }

    void load(const YAML::Node& doc)
    {
        if (doc.IsNull())
            return;
        if (!doc.IsSequence()) {
            diags_.error(Code::YamlShape, loc_of(doc), "a rules file must be a YAML list of items",
                         "each item starts with '- rule:', '- macro:' or '- list:'");
            return;
        }
        for (const auto& item : doc) {
            if (item.IsNull())
                continue;
            load_item(item);
        }
    }

private:
    Loc loc_at_offset(size_t pos) const
    {
        auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
        size_t line = static_cast<size_t>(it - line_starts_.begin());
        return Loc{file_, static_cast<uint32_t>(line), static_cast<uint32_t>(pos - line_starts_[line - 1] + 1)};
    }

    Loc loc_of(const YAML::Node& n) const
    {
        YAML::Mark m = n.Mark();
        if (m.pos < 0)
            return Loc{file_, 0, 0};
        return loc_at_offset(static_cast<size_t>(m.pos));
    }

    // Aligns the scalar's characters with the raw text: each non-space
    // character is found in order; spaces (folded line breaks) take the
    // position of the raw text at that point.
    Text text_of(const YAML::Node& n) const
    {
        Text t;
        t.s = n.as<std::string>();
        YAML::Mark m = n.Mark();
        size_t r = m.pos < 0 ? raw_.size() : static_cast<size_t>(m.pos);
        if (r < raw_.size() && (raw_[r] == '|' || raw_[r] == '>')) {
            size_t nl = raw_.find('\n', r);
            r = nl == std::string::npos ? raw_.size() : nl + 1;
        }
        for (char c : t.s) {
            if (std::isspace(static_cast<unsigned char>(c))) {
                t.locs.push_back(loc_at_offset(std::min(r, raw_.size())));
                if (r < raw_.size() && raw_[r] == c)
                    r++;
                continue;
            }
            size_t limit = std::min(raw_.size(), r + 256);
            size_t f = r;
            while (f < limit && raw_[f] != c)
                f++;
            if (f < limit)
                r = f;
            t.locs.push_back(loc_at_offset(std::min(r, raw_.size())));
            if (f < limit)
                r++;
        }
        t.locs.push_back(loc_at_offset(std::min(r, raw_.size())));
        return t;
    }

    // a required, non-empty scalar
    std::optional<std::string> string(const YAML::Node& item, const char* key, bool required = true)
    {
        const YAML::Node v = item[key];
        if (!v) {
            if (required)
                diags_.error(Code::MissingKey, loc_of(item), std::string("item has no '") + key + "'");
            return std::nullopt;
        }
        if (!v.IsScalar()) {
            diags_.error(Code::BadKeyValue, loc_of(v), std::string("'") + key + "' must be a string");
            return std::nullopt;
        }
        std::string s = v.as<std::string>();
        if (s.empty()) {
            diags_.error(Code::BadKeyValue, loc_of(v), std::string("'") + key + "' must not be empty");
            return std::nullopt;
        }
        return s;
    }

    std::optional<bool> boolean(const YAML::Node& v, const char* key)
    {
        try {
            return v.as<bool>();
        } catch (const YAML::Exception&) {
            diags_.error(Code::BadKeyValue, loc_of(v), std::string("'") + key + "' must be true or false");
            return std::nullopt;
        }
    }

    void unknown_keys(const YAML::Node& item, const std::set<std::string>& known, const char* kind)
    {
        for (const auto& kv : item) {
            auto key = kv.first.as<std::string>();
            if (!known.count(key))
                diags_.warning(Code::UnknownKey, loc_of(kv.first),
                               std::string("unknown key '") + key + "' in " + kind + ", ignored");
        }
    }

    void load_item(const YAML::Node& item)
    {
        if (!item.IsMap()) {
            diags_.error(Code::YamlShape, loc_of(item), "an item must be a mapping",
                         "write '- rule: name' with its keys indented below");
            return;
        }
        // Falco picks the kind by the first of these keys present
        if (item["required_engine_version"])
            engine_version(item);
        else if (item["required_plugin_versions"])
            plugin_versions(item);
        else if (item["list"])
            load_list(item);
        else if (item["macro"])
            load_macro(item);
        else if (item["rule"])
            load_rule(item);
        else
            diags_.warning(Code::UnknownItem, loc_of(item), "unknown top level item, ignored",
                           "tripline understands rule, macro, list, required_engine_version and "
                           "required_plugin_versions items");
    }

    void engine_version(const YAML::Node& item)
    {
        const YAML::Node v = item["required_engine_version"];
        std::string req = v.IsScalar() ? v.as<std::string>() : "";
        auto want = semver(req);
        if (!want) {
            diags_.error(Code::EngineVersion, loc_of(v),
                         "cannot read engine version '" + req + "'", "expected x.y.z");
            return;
        }
        auto have = *semver(kEngineVersion);
        if ((*want)[0] != have[0] || *want > have) {
            diags_.error(Code::EngineVersion, loc_of(v),
                         "the rules require engine version " + req + "; tripline implements " + kEngineVersion);
            return;
        }
        if (out_.required_engine.empty() || *semver(out_.required_engine) < *want)
            out_.required_engine = req;
    }

    void plugin_versions(const YAML::Node& item)
    {
        const YAML::Node list = item["required_plugin_versions"];
        if (!list.IsSequence()) {
            diags_.error(Code::BadKeyValue, loc_of(list), "'required_plugin_versions' must be a list");
            return;
        }
        for (const auto& p : list) {
            if (!p.IsMap() || !p["name"] || !p["version"]) {
                diags_.error(Code::BadKeyValue, loc_of(p), "a plugin requirement needs 'name' and 'version'");
                continue;
            }
            PluginRequirement r{p["name"].as<std::string>(), p["version"].as<std::string>(), {}, loc_of(p)};
            if (const auto alts = p["alternatives"])
                for (const auto& a : alts)
                    if (a.IsMap() && a["name"] && a["version"])
                        r.alternatives.emplace_back(a["name"].as<std::string>(), a["version"].as<std::string>());
            out_.plugins.push_back(std::move(r));
        }
    }

    // override: {key: append|replace}
    std::map<std::string, std::string> overrides(const YAML::Node& item, const std::set<std::string>& appendable,
                                                 const std::set<std::string>& replaceable, bool& ok)
    {
        std::map<std::string, std::string> out;
        const YAML::Node ov = item["override"];
        if (!ov)
            return out;
        if (!ov.IsMap()) {
            diags_.error(Code::BadOverride, loc_of(ov), "'override' must map keys to append or replace");
            ok = false;
            return out;
        }
        if (item["append"] && item["append"].IsScalar() && item["append"].as<std::string>() == "true") {
            diags_.error(Code::BadOverride, loc_of(item["append"]),
                         "keys 'override' and 'append: true' cannot be used together",
                         "add an 'append' entry (e.g. 'condition: append') under 'override' instead");
            ok = false;
        }
        for (const auto& kv : ov) {
            std::string key = kv.first.as<std::string>(), op = kv.second.IsScalar() ? kv.second.as<std::string>() : "";
            if (op == "append" && !appendable.count(key)) {
                diags_.error(Code::BadOverride, loc_of(kv.first),
                             "key '" + key + "' cannot be appended to, use 'replace' instead");
                ok = false;
            } else if (op == "replace" && !replaceable.count(key)) {
                diags_.error(Code::BadOverride, loc_of(kv.first), "key '" + key + "' cannot be replaced");
                ok = false;
            } else if (op != "append" && op != "replace") {
                diags_.error(Code::BadOverride, loc_of(kv.second),
                             "invalid override operation for key '" + key + "': '" + op + "'",
                             "allowed values are: append replace");
                ok = false;
            } else if (!item[key]) {
                diags_.error(Code::BadOverride, loc_of(kv.first),
                             "an " + op + " override for '" + key + "' was specified but '" + key + "' is not defined");
                ok = false;
            }
            out[key] = op;
        }
        return out;
    }

    bool legacy_append(const YAML::Node& item)
    {
        const YAML::Node a = item["append"];
        if (!a)
            return false;
        auto b = boolean(a, "append");
        if (b && *b)
            diags_.warning(Code::Deprecated, loc_of(a), "'append' key is deprecated",
                           "add an 'append' entry (e.g. 'condition: append') under 'override' instead");
        return b && *b;
    }

    template <class T>
    static T* find(std::vector<T>& v, const std::string& name)
    {
        for (auto& x : v)
            if (x.name == name)
                return &x;
        return nullptr;
    }

    // a redefinition replaces in place: the item keeps its position
    template <class T>
    static void define(std::vector<T>& v, T item)
    {
        if (T* prev = find(v, item.name))
            *prev = std::move(item);
        else
            v.push_back(std::move(item));
    }

    void load_list(const YAML::Node& item)
    {
        auto name = string(item, "list");
        if (!name)
            return;
        unknown_keys(item, {"list", "items", "append", "override"}, "list");
        bool ok = true;
        auto ov = overrides(item, {"items"}, {"items"}, ok);
        bool append = legacy_append(item) || (ov.count("items") && ov["items"] == "append");
        if (!ok)
            return;
        ListItem l;
        l.name = *name;
        l.loc = loc_of(item["list"]);
        const YAML::Node items = item["items"];
        if (!items) {
            diags_.error(Code::MissingKey, l.loc, "list '" + l.name + "' has no 'items'");
            return;
        }
        if (!items.IsSequence() && !items.IsNull()) {
            diags_.error(Code::BadKeyValue, loc_of(items), "'items' of list '" + l.name + "' must be a list");
            return;
        }
        for (const auto& v : items) {
            if (!v.IsScalar()) {
                diags_.error(Code::BadKeyValue, loc_of(v), "items of list '" + l.name + "' must be strings");
                continue;
            }
            l.items.push_back(text_of(v));
        }
        if (!append) {
            define(out_.lists, std::move(l));
            return;
        }
        ListItem* prev = find(out_.lists, l.name);
        if (!prev) {
            diags_.error(Code::BadOverride, l.loc,
                         "list '" + l.name + "' uses append but no list by that name already exists");
            return;
        }
        prev->items.insert(prev->items.end(), l.items.begin(), l.items.end());
    }

    void load_macro(const YAML::Node& item)
    {
        auto name = string(item, "macro");
        if (!name)
            return;
        unknown_keys(item, {"macro", "condition", "append", "override"}, "macro");
        bool ok = true;
        auto ov = overrides(item, {"condition"}, {"condition"}, ok);
        bool append = legacy_append(item) || (ov.count("condition") && ov["condition"] == "append");
        if (!ok || !string(item, "condition"))
            return;
        MacroItem m{*name, text_of(item["condition"]), loc_of(item["macro"])};
        if (!append) {
            define(out_.macros, std::move(m));
            return;
        }
        MacroItem* prev = find(out_.macros, m.name);
        if (!prev) {
            diags_.error(Code::BadOverride, m.loc,
                         "macro '" + m.name + "' uses append but no macro by that name already exists");
            return;
        }
        prev->condition += Text::at_loc(" ", m.loc);  // Falco joins with one space, no parentheses
        prev->condition += m.condition;
    }

    // ---- exceptions ----

    std::vector<std::string> scalar_or_list(const YAML::Node& n)
    {
        std::vector<std::string> out;
        if (n.IsScalar())
            out.push_back(trim(n.as<std::string>()));
        else if (n.IsSequence())
            for (const auto& x : n)
                if (x.IsScalar())
                    out.push_back(trim(x.as<std::string>()));
        return out;
    }

    ExceptionValue value_of(const YAML::Node& n)
    {
        ExceptionValue v;
        if (n.IsSequence()) {
            v.is_list = true;
            for (const auto& x : n)
                if (x.IsScalar())
                    v.list.push_back(x.as<std::string>());
        } else if (n.IsScalar()) {
            v.scalar = n.as<std::string>();
        }
        return v;
    }

    std::optional<std::vector<ExceptionItem>> exceptions(const YAML::Node& item)
    {
        const YAML::Node ex = item["exceptions"];
        std::vector<ExceptionItem> out;
        if (!ex || ex.IsNull())
            return out;
        if (!ex.IsSequence()) {
            diags_.error(Code::BadException, loc_of(ex), "rule exceptions must be a list");
            return std::nullopt;
        }
        for (const auto& e : ex) {
            ExceptionItem x;
            x.loc = loc_of(e);
            auto name = e.IsMap() ? string(e, "name") : std::nullopt;
            if (!name)
                return std::nullopt;
            x.name = *name;
            if (const auto f = e["fields"]) {
                x.tuple = f.IsSequence();
                x.fields = scalar_or_list(f);
            }
            if (const auto c = e["comps"]) {
                if (x.tuple != c.IsSequence() && e["fields"]) {
                    diags_.error(Code::BadException, loc_of(c),
                                 "exception '" + x.name + "': fields and comps must both be strings, or both lists");
                    return std::nullopt;
                }
                x.comps = scalar_or_list(c);
            }
            if (const auto vs = e["values"]) {
                if (!vs.IsSequence()) {
                    diags_.error(Code::BadException, loc_of(vs), "exception '" + x.name + "': values must be a list");
                    return std::nullopt;
                }
                for (const auto& v : vs) {
                    if (x.tuple) {
                        std::vector<ExceptionValue> t;
                        if (v.IsSequence())
                            for (const auto& elem : v)
                                t.push_back(value_of(elem));
                        x.values.push_back(std::move(t));
                    } else {
                        if (v.IsSequence()) {
                            diags_.error(Code::BadException, loc_of(v),
                                         "exception '" + x.name + "': with a single field, values are strings");
                            return std::nullopt;
                        }
                        x.values.push_back({value_of(v)});
                    }
                }
            }
            out.push_back(std::move(x));
        }
        return out;
    }

    // Falco's validate_exception_info, and the values' shapes
    bool validate(ExceptionItem& x)
    {
        if (x.fields.empty()) {
            diags_.error(Code::BadException, x.loc, "exception '" + x.name + "' has no fields");
            return false;
        }
        if (x.tuple) {
            if (x.comps.empty())
                x.comps.assign(x.fields.size(), "=");
            if (x.comps.size() != x.fields.size()) {
                diags_.error(Code::BadException, x.loc, "exception '" + x.name + "': fields and comps lists must have equal length");
                return false;
            }
            for (const auto& c : x.comps)
                if (!is_operator(c) && !is_modifier_op(c)) {
                    diags_.error(Code::BadException, x.loc, "exception '" + x.name + "': '" + c + "' is not a supported comparison operator");
                    return false;
                }
            for (const auto& t : x.values)
                if (t.size() != x.fields.size()) {
                    diags_.error(Code::BadException, x.loc,
                                 "exception '" + x.name + "': fields and values lists must have equal length");
                    return false;
                }
        } else {
            if (x.comps.empty())
                x.comps = {"in"};
            if (!is_list_op(x.comps[0]) && !is_modifier_op(x.comps[0])) {
                diags_.error(Code::BadException, x.loc,
                             "exception '" + x.name + "': with a single field, comps must be in, pmatch, intersects "
                             "or a modifier operator (e.g. startswith oneof)");
                return false;
            }
        }
        for (const auto& f : x.fields) {
            auto bracket = f.find('[');
            std::string arg = bracket == std::string::npos ? "" : f.substr(bracket + 1, f.size() - bracket - 2);
            if (!resolve_field(f.substr(0, bracket), arg, nullptr)) {
                diags_.error(Code::BadException, x.loc, "exception '" + x.name + "': '" + f + "' is not a supported filter field");
                return false;
            }
        }
        return true;
    }

    // ---- rules ----

    struct RuleKeys {
        std::optional<Text> condition, output;
        std::optional<std::string> desc, source;
        std::optional<Priority> priority;
        std::optional<std::set<std::string>> tags;
        std::optional<bool> enabled, warn_evttypes, skip_unknown;
        std::optional<std::vector<ExceptionItem>> exceptions;
    };

    bool read_rule_keys(const YAML::Node& item, RuleKeys& k)
    {
        bool ok = true;
        auto text = [&](const char* key) -> std::optional<Text> {
            if (!item[key])
                return std::nullopt;
            auto s = string(item, key);
            if (!s) {
                ok = false;
                return std::nullopt;
            }
            return text_of(item[key]);
        };
        k.condition = text("condition");
        k.output = text("output");
        if (k.output) {  // Falco trims outputs
            while (!k.output->s.empty() && std::isspace(static_cast<unsigned char>(k.output->s.back()))) {
                k.output->s.pop_back();
                k.output->locs.pop_back();
            }
        }
        if (item["desc"]) {
            k.desc = string(item, "desc");
            ok = ok && k.desc;
        }
        if (item["source"]) {
            k.source = string(item, "source");
            ok = ok && k.source;
        }
        if (item["priority"]) {
            auto p = string(item, "priority");
            Priority prio;
            if (p && parse_priority(*p, prio)) {
                k.priority = prio;
            } else {
                if (p)
                    diags_.error(Code::BadKeyValue, loc_of(item["priority"]), "unknown priority '" + *p + "'",
                                 "one of EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL (or INFO), DEBUG");
                ok = false;
            }
        }
        if (const auto tags = item["tags"]) {
            if (!tags.IsSequence() && !tags.IsNull()) {
                diags_.error(Code::BadKeyValue, loc_of(tags), "'tags' must be a list of strings");
                ok = false;
            } else {
                k.tags.emplace();
                for (const auto& t : tags)
                    if (t.IsScalar())
                        k.tags->insert(t.as<std::string>());
            }
        }
        for (auto [key, slot] : {std::pair<const char*, std::optional<bool>*>{"enabled", &k.enabled},
                                 {"warn_evttypes", &k.warn_evttypes},
                                 {"skip-if-unknown-filter", &k.skip_unknown}}) {
            if (item[key]) {
                *slot = boolean(item[key], key);
                ok = ok && slot->has_value();
            }
        }
        for (const char* key : {"capture", "capture_duration"})
            if (item[key])
                diags_.warning(Code::Ignored, loc_of(item[key]),
                               std::string("'") + key + "' is accepted and ignored: tripline does not record captures");
        if (item["exceptions"]) {
            k.exceptions = exceptions(item);
            ok = ok && k.exceptions;
        }
        return ok;
    }

    void load_rule(const YAML::Node& item)
    {
        auto name = string(item, "rule");
        if (!name)
            return;
        Loc loc = loc_of(item["rule"]);
        unknown_keys(item, {"rule", "condition", "output", "desc", "priority", "tags", "enabled", "source",
                            "append", "exceptions", "override", "warn_evttypes", "skip-if-unknown-filter",
                            "capture", "capture_duration"},
                     "rule");
        static const std::set<std::string> appendable = {"condition", "output", "desc", "tags", "exceptions"};
        static const std::set<std::string> replaceable = {"condition", "output", "desc", "priority", "tags",
                                                          "exceptions", "enabled", "warn_evttypes",
                                                          "skip-if-unknown-filter", "capture", "capture_duration"};
        bool ok = true;
        auto ov = overrides(item, appendable, replaceable, ok);
        RuleKeys k;
        ok = read_rule_keys(item, k) && ok;
        if (!ok)
            return;
        RuleItem* prev = find(out_.rules, *name);

        if (item["override"]) {
            // every overridable key present must be named under override
            for (const auto& key : replaceable)
                if (item[key] && !ov.count(key)) {
                    diags_.error(Code::BadOverride, loc_of(item[key]),
                                 "unexpected key '" + key + "': no corresponding entry under 'override' is defined");
                    return;
                }
            if (!prev) {
                bool appends = std::any_of(ov.begin(), ov.end(), [](const auto& kv) { return kv.second == "append"; });
                diags_.error(Code::BadOverride, loc,
                             "rule '" + *name + "' " + (appends ? "appends to" : "replaces keys of") +
                                 " a rule, but no rule by that name already exists");
                return;
            }
            for (const auto& [key, op] : ov)
                if (op == "append")
                    append_key(*prev, key, k, loc);
            for (const auto& [key, op] : ov)
                if (op == "replace")
                    replace_key(*prev, key, k);
            return;
        }
        if (legacy_append(item)) {
            if (!prev) {
                diags_.error(Code::BadOverride, loc, "rule '" + *name + "' uses append but no rule by that name already exists");
                return;
            }
            if (!k.condition && !k.exceptions) {
                diags_.error(Code::BadOverride, loc, "an appended rule must have exceptions or a condition");
                return;
            }
            if (k.condition)
                append_key(*prev, "condition", k, loc);
            if (k.exceptions)
                append_key(*prev, "exceptions", k, loc);
            return;
        }
        if (!k.condition && !k.output && !k.desc && !k.priority) {
            // the deprecated form that only toggles an earlier rule
            if (!k.enabled) {
                diags_.error(Code::MissingKey, loc, "rule '" + *name + "' has no condition, output, desc or priority",
                             "a rule needs all four; to only enable or disable one, give 'enabled' and "
                             "'override: {enabled: replace}'");
                return;
            }
            diags_.warning(Code::Deprecated, loc, "the standalone 'enabled' key is deprecated",
                           "add 'override: {enabled: replace}'");
            if (!prev) {
                diags_.error(Code::BadOverride, loc, "rule '" + *name + "' has 'enabled' but no rule by that name already exists");
                return;
            }
            prev->enabled = *k.enabled;
            return;
        }
        for (const char* key : {"condition", "output", "desc", "priority"}) {
            if (!item[key]) {
                diags_.error(Code::MissingKey, loc, "rule '" + *name + "' has no '" + key + "'",
                             "every rule needs condition, output, desc and priority");
                ok = false;
            }
        }
        if (!ok)
            return;
        RuleItem r;
        r.name = *name;
        r.loc = loc;
        r.condition = *k.condition;
        r.output = *k.output;
        r.desc = *k.desc;
        r.priority = *k.priority;
        if (k.tags)
            r.tags = *k.tags;
        if (k.enabled)
            r.enabled = *k.enabled;
        if (k.source)
            r.source = *k.source;
        if (k.warn_evttypes)
            r.warn_evttypes = *k.warn_evttypes;
        if (k.skip_unknown)
            r.skip_if_unknown_filter = *k.skip_unknown;
        if (k.exceptions) {
            for (auto& x : *k.exceptions)
                if (!validate(x))
                    return;
            r.exceptions = *k.exceptions;
        }
        if (prev && prev->source != r.source) {
            diags_.error(Code::BadOverride, loc, "rule '" + r.name + "' has been re-defined with a different source");
            return;
        }
        define(out_.rules, std::move(r));
    }

    void append_text(Text& to, const Text& more, Loc loc)
    {
        if (more.s.empty())
            return;
        to += Text::at_loc(" ", loc);  // one space, no parentheses: as Falco
        to += more;
    }

    void append_key(RuleItem& r, const std::string& key, RuleKeys& k, Loc loc)
    {
        if (key == "condition")
            append_text(r.condition, *k.condition, loc);
        else if (key == "output")
            append_text(r.output, *k.output, loc);
        else if (key == "desc")
            r.desc += " " + *k.desc;
        else if (key == "tags")
            r.tags.insert(k.tags->begin(), k.tags->end());
        else if (key == "exceptions")
            for (auto& x : *k.exceptions)
                append_exception(r, x);
    }

    void append_exception(RuleItem& r, ExceptionItem& x)
    {
        for (auto& existing : r.exceptions) {
            if (existing.name != x.name)
                continue;
            if (!x.fields.empty() || !x.comps.empty()) {
                diags_.error(Code::BadException, x.loc,
                             "can not append fields or comps to existing exception '" + x.name + "', only values");
                return;
            }
            if (x.values.empty())
                diags_.warning(Code::BadException, x.loc, "appending exception '" + x.name + "' with no values");
            // a tuple exception's appended values arrive as tuples; a single field's as scalars
            for (auto& v : x.values)
                existing.values.push_back(v);
            return;
        }
        if (x.values.empty()) {
            diags_.error(Code::BadException, x.loc, "new exception '" + x.name + "' must have values");
            return;
        }
        if (validate(x))
            r.exceptions.push_back(x);
    }

    void replace_key(RuleItem& r, const std::string& key, RuleKeys& k)
    {
        if (key == "condition") r.condition = *k.condition;
        else if (key == "output") r.output = *k.output;
        else if (key == "desc") r.desc = *k.desc;
        else if (key == "priority") r.priority = *k.priority;
        else if (key == "tags") r.tags = *k.tags;
        else if (key == "enabled") r.enabled = *k.enabled;
        else if (key == "warn_evttypes") r.warn_evttypes = *k.warn_evttypes;
        else if (key == "skip-if-unknown-filter") r.skip_if_unknown_filter = *k.skip_unknown;
        else if (key == "exceptions") {
            for (auto& x : *k.exceptions)
                if (!validate(x))
                    return;
            r.exceptions = *k.exceptions;
        }
    }

    uint32_t file_;
    const std::string& raw_;
    Diagnostics& diags_;
    Items& out_;
    std::vector<size_t> line_starts_;
};

std::vector<std::string> expand_paths(const std::vector<std::string>& paths, Diagnostics& diags)
{
    std::vector<std::string> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> in_dir;
            for (const auto& e : fs::directory_iterator(p, ec)) {
                auto ext = e.path().extension().string();
                if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
                    in_dir.push_back(e.path().string());
            }
            std::sort(in_dir.begin(), in_dir.end());
            files.insert(files.end(), in_dir.begin(), in_dir.end());
        } else if (fs::exists(p, ec)) {
            files.push_back(p);
        } else {
            diags.error(Code::Io, {}, "cannot read rules '" + p + "': no such file or directory");
        }
    }
    return files;
}

// Falco's loader quotes a value only when it holds a space
std::string quote_item(const std::string& v)
{
    if (v.find(' ') != std::string::npos && !v.empty() && v[0] != '"' && v[0] != '\'')
        return "\"" + v + "\"";
    return v;
}

std::string render_value(const ExceptionValue& v, const std::string& comp)
{
    if (v.is_list) {
        std::string s = "(";
        for (size_t i = 0; i < v.list.size(); i++)
            s += (i ? ", " : "") + quote_item(v.list[i]);
        return s + ")";
    }
    if (is_list_op(comp) || is_modifier_op(comp))
        return !v.scalar.empty() && v.scalar[0] == '(' ? v.scalar : "(" + v.scalar + ")";
    return quote_item(v.scalar);
}

}  // namespace

Text condition_with_exceptions(const RuleItem& rule)
{
    if (rule.exceptions.empty())
        return rule.condition;
    Text cond = Text::at_loc("(", rule.condition.at(0));
    cond += rule.condition;
    cond += Text::at_loc(")", rule.condition.at(rule.condition.s.size()));
    for (const auto& x : rule.exceptions) {
        std::string icond;
        if (!x.tuple) {
            if (!x.values.empty()) {
                icond = "(" + x.fields[0] + " " + x.comps[0] + " (";
                for (size_t i = 0; i < x.values.size(); i++)
                    icond += (i ? ", " : "") + quote_item(x.values[i][0].scalar);
                icond += "))";
            }
        } else {
            icond = "(";
            for (size_t t = 0; t < x.values.size(); t++) {
                icond += std::string(t ? " or " : "") + "(";
                for (size_t k = 0; k < x.fields.size(); k++)
                    icond += std::string(k ? " and " : "") + " " + x.fields[k] + " " + x.comps[k] + " " +
                             render_value(x.values[t][k], x.comps[k]);
                icond += ")";
            }
            icond += ")";
            if (icond == "()")
                icond.clear();
        }
        if (!icond.empty())
            cond += Text::at_loc(" and not " + icond, x.loc);
    }
    return cond;
}

void load_items_text(const std::string& name, const std::string& text, SourceManager& sm, Diagnostics& diags,
                     Items& into)
{
    uint32_t file = sm.add(name, text);
    std::vector<YAML::Node> docs;
    try {
        docs = load_documents(text);
    } catch (const YAML::ParserException& e) {
        diags.error(Code::YamlSyntax,
                    Loc{file, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)},
                    "invalid YAML: " + e.msg);
        return;
    } catch (const YAML::Exception& e) {
        diags.error(Code::YamlSyntax, Loc{file, 0, 0}, std::string("invalid YAML: ") + e.what());
        return;
    }
    FileLoader loader(file, text, diags, into);
    for (const auto& doc : docs) {
        try {
            loader.load(doc);
        } catch (const YAML::Exception& e) {
            diags.error(Code::YamlShape,
                        Loc{file, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)},
                        e.msg);
        }
    }
}

Items load_items_text(const std::string& name, const std::string& text, SourceManager& sm, Diagnostics& diags)
{
    Items out;
    load_items_text(name, text, sm, diags, out);
    return out;
}

Items load_items(const std::vector<std::string>& paths, SourceManager& sm, Diagnostics& diags)
{
    Items all;
    for (const auto& path : expand_paths(paths, diags)) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            diags.error(Code::Io, {}, "cannot read rules '" + path + "'");
            continue;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        load_items_text(path, ss.str(), sm, diags, all);
    }
    return all;
}

}  // namespace tripline
