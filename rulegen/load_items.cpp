// Pass 1: YAML rule files -> Items.
// Consumes file paths; produces lists, macros and rules with source positions.
// Tested by tests/test_load.cpp.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "rulegen/items.h"

namespace tripline {

namespace fs = std::filesystem;

Loc Text::at(size_t offset) const
{
    if (locs.empty())
        return {};
    return locs[std::min(offset, locs.size() - 1)];
}

const char* priority_name(Priority p)
{
    static const char* names[] = {"Emergency", "Alert",  "Critical",      "Error",
                                  "Warning",   "Notice", "Informational", "Debug"};
    return names[static_cast<int>(p)];
}

namespace {

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
        for (const auto& item : doc)
            load_item(item);
    }

private:
    Loc loc_at_offset(size_t pos) const
    {
        auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
        size_t line = static_cast<size_t>(it - line_starts_.begin());
        return Loc{file_, static_cast<uint32_t>(line),
                   static_cast<uint32_t>(pos - line_starts_[line - 1] + 1)};
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

    bool scalar(const YAML::Node& item, const YAML::Node& v, const std::string& key)
    {
        if (v.IsScalar())
            return true;
        diags_.error(Code::BadKeyValue, loc_of(v.IsDefined() ? v : item),
                     "'" + key + "' must be a string");
        return false;
    }

    void load_item(const YAML::Node& item)
    {
        if (!item.IsMap()) {
            diags_.error(Code::YamlShape, loc_of(item), "an item must be a mapping",
                         "write '- rule: name' with its keys indented below");
            return;
        }
        if (item["rule"])
            load_rule(item);
        else if (item["macro"])
            load_macro(item);
        else if (item["list"])
            load_list(item);
        else if (item["required_engine_version"] || item["required_plugin_versions"])
            return;  // accepted; tripline's engine is self-contained
        else
            diags_.error(Code::UnknownItem, loc_of(item),
                         "item is not a rule, macro or list",
                         "tripline understands rule, macro, list and required_engine_version items");
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

    void load_list(const YAML::Node& item)
    {
        ListItem l;
        l.loc = loc_of(item["list"]);
        if (!scalar(item, item["list"], "list"))
            return;
        l.name = item["list"].as<std::string>();
        unknown_keys(item, {"list", "items", "append"}, "list");
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
        out_.lists.push_back(std::move(l));
    }

    void load_macro(const YAML::Node& item)
    {
        MacroItem m;
        m.loc = loc_of(item["macro"]);
        if (!scalar(item, item["macro"], "macro"))
            return;
        m.name = item["macro"].as<std::string>();
        unknown_keys(item, {"macro", "condition", "append"}, "macro");
        if (!item["condition"]) {
            diags_.error(Code::MissingKey, m.loc, "macro '" + m.name + "' has no 'condition'");
            return;
        }
        if (!scalar(item, item["condition"], "condition"))
            return;
        m.condition = text_of(item["condition"]);
        out_.macros.push_back(std::move(m));
    }

    std::optional<Priority> parse_priority(std::string p)
    {
        std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
        static const std::map<std::string, Priority> names = {
            {"emergency", Priority::Emergency}, {"alert", Priority::Alert},
            {"critical", Priority::Critical},   {"error", Priority::Error},
            {"warning", Priority::Warning},     {"notice", Priority::Notice},
            {"informational", Priority::Informational}, {"info", Priority::Informational},
            {"debug", Priority::Debug}};
        auto it = names.find(p);
        if (it == names.end())
            return std::nullopt;
        return it->second;
    }

    void load_rule(const YAML::Node& item)
    {
        RuleItem r;
        r.loc = loc_of(item["rule"]);
        if (!scalar(item, item["rule"], "rule"))
            return;
        r.name = item["rule"].as<std::string>();
        unknown_keys(item, {"rule", "condition", "output", "desc", "priority", "tags", "enabled",
                            "source", "append", "exceptions", "override", "warn_evttypes",
                            "skip-if-unknown-filter", "capture", "capture_duration"},
                     "rule");
        bool ok = true;
        for (const char* key : {"condition", "output", "priority"}) {
            if (!item[key]) {
                diags_.error(Code::MissingKey, r.loc, "rule '" + r.name + "' has no '" + key + "'",
                             "every rule needs condition, output and priority");
                ok = false;
            } else if (!scalar(item, item[key], key)) {
                ok = false;
            }
        }
        if (!ok)
            return;
        r.condition = text_of(item["condition"]);
        r.output = text_of(item["output"]);
        auto prio = parse_priority(item["priority"].as<std::string>());
        if (!prio) {
            diags_.error(Code::BadKeyValue, loc_of(item["priority"]),
                         "unknown priority '" + item["priority"].as<std::string>() + "'",
                         "one of EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFORMATIONAL, DEBUG");
            return;
        }
        r.priority = *prio;
        if (item["desc"] && scalar(item, item["desc"], "desc"))
            r.desc = item["desc"].as<std::string>();
        if (const auto en = item["enabled"]) {
            try {
                r.enabled = en.as<bool>();
            } catch (const YAML::Exception&) {
                diags_.error(Code::BadKeyValue, loc_of(en), "'enabled' must be true or false");
                return;
            }
        }
        if (const auto tags = item["tags"]) {
            if (!tags.IsSequence()) {
                diags_.error(Code::BadKeyValue, loc_of(tags), "'tags' must be a list of strings");
                return;
            }
            for (const auto& t : tags)
                if (t.IsScalar())
                    r.tags.push_back(t.as<std::string>());
        }
        if (item["source"] && scalar(item, item["source"], "source"))
            r.source = item["source"].as<std::string>();
        out_.rules.push_back(std::move(r));
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

}  // namespace

Items load_items_text(const std::string& name, const std::string& text, SourceManager& sm,
                      Diagnostics& diags)
{
    Items out;
    uint32_t file = sm.add(name, text);
    YAML::Node doc;
    try {
        doc = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        diags.error(Code::YamlSyntax,
                    Loc{file, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)},
                    "invalid YAML: " + e.msg);
        return out;
    } catch (const YAML::Exception& e) {
        diags.error(Code::YamlSyntax, Loc{file, 0, 0}, std::string("invalid YAML: ") + e.what());
        return out;
    }
    try {
        FileLoader(file, text, diags, out).load(doc);
    } catch (const YAML::Exception& e) {
        diags.error(Code::YamlShape,
                    Loc{file, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)},
                    e.msg);
    }
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
        Items one = load_items_text(path, ss.str(), sm, diags);
        for (auto& l : one.lists)
            all.lists.push_back(std::move(l));
        for (auto& m : one.macros)
            all.macros.push_back(std::move(m));
        for (auto& r : one.rules)
            all.rules.push_back(std::move(r));
    }
    return all;
}

}  // namespace tripline
