// tripline.yaml; see config.h. The file is read into one YAML tree, the -o
// overrides are written into that tree, and then one pass reads every key,
// typed, refusing what it does not know: an override is checked exactly like
// the file.
#include "user/config.h"

#include "user/sinks.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace tripline {

namespace {

struct ConfigError {
    std::string message;
};

// Reads typed values out of the tree, knowing where each came from.
class Reader {
public:
    Reader(std::string origin, std::map<std::string, std::string> overridden)
        : origin_(std::move(origin)), overridden_(std::move(overridden))
    {
    }

    [[noreturn]] void fail(const std::string& key, const YAML::Node& n, const std::string& why) const
    {
        throw ConfigError{where(key, n) + ": " + key + ": " + why};
    }

    // refuses keys of a section that are not in `known`
    void only(const std::string& section, const YAML::Node& n, const std::set<std::string>& known) const
    {
        if (!n.IsMap())
            fail(section, n, "expected a mapping of keys");
        for (const auto& kv : n) {
            const std::string k = kv.first.Scalar();
            if (!known.count(k)) {
                std::string list;
                for (const auto& s : known)
                    list += (list.empty() ? "" : ", ") + s;
                fail(join(section, k), kv.first, "unknown key (known here: " + list + ")");
            }
        }
    }

    bool boolean(const std::string& key, const YAML::Node& n) const
    {
        bool v = false;
        if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
            fail(key, n, "expected true or false, got " + show(n));
        return v;
    }

    long long integer(const std::string& key, const YAML::Node& n, long long lo, long long hi) const
    {
        long long v = 0;
        if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v))
            fail(key, n, "expected an integer, got " + show(n));
        if (v < lo || v > hi)
            fail(key, n, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + show(n));
        return v;
    }

    double number(const std::string& key, const YAML::Node& n, double lo) const
    {
        double v = 0;
        if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v))
            fail(key, n, "expected a number, got " + show(n));
        if (v < lo)
            fail(key, n, "must be at least " + show_number(lo) + ", got " + show(n));
        return v;
    }

    std::string string(const std::string& key, const YAML::Node& n) const
    {
        if (!n.IsScalar())
            fail(key, n, "expected a string, got " + show(n));
        return n.Scalar();
    }

    std::string one_of(const std::string& key, const YAML::Node& n, const std::vector<std::string>& allowed) const
    {
        std::string v = string(key, n);
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
            std::string list;
            for (const auto& a : allowed)
                list += (list.empty() ? "" : ", ") + a;
            fail(key, n, "expected one of " + list + ", got " + show(n));
        }
        return v;
    }

    // a list of strings; one string alone is a list of one
    std::vector<std::string> strings(const std::string& key, const YAML::Node& n) const
    {
        if (n.IsScalar())
            return {n.Scalar()};
        if (!n.IsSequence())
            fail(key, n, "expected a list of strings, got " + show(n));
        std::vector<std::string> out;
        for (size_t i = 0; i < n.size(); i++)
            out.push_back(string(key + "[" + std::to_string(i) + "]", n[i]));
        return out;
    }

    static std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

private:
    std::string where(const std::string& key, const YAML::Node& n) const
    {
        // an overridden key, a key inside an overridden section, or a section
        // an override created, came from the command line
        for (const auto& [k, text] : overridden_)
            if (k.rfind(key + ".", 0) == 0)
                return "-o " + text;
        for (std::string k = key;;) {
            auto it = overridden_.find(k);
            if (it != overridden_.end())
                return "-o " + it->second;
            size_t dot = k.find_last_of(".[");
            if (dot == std::string::npos)
                break;
            k.resize(dot);
        }
        if (n.IsDefined() && !n.Mark().is_null())
            return origin_ + ":" + std::to_string(n.Mark().line + 1);
        return origin_;
    }

    static std::string show(const YAML::Node& n)
    {
        if (n.IsScalar())
            return "'" + n.Scalar() + "'";
        if (n.IsSequence())
            return "a list";
        if (n.IsMap())
            return "a mapping";
        return "nothing";
    }

    static std::string show_number(double d)
    {
        std::ostringstream o;
        o << d;
        return o.str();
    }

    std::string origin_;
    std::map<std::string, std::string> overridden_;
};

void read_http(const Reader& r, const std::string& section, const YAML::Node& n, HttpConfig& h)
{
    r.only(section, n,
           {"enabled", "url", "ca_cert", "client_cert", "client_key", "insecure", "headers", "timeout_ms", "retries",
            "backoff_ms"});
    for (const auto& kv : n) {
        const std::string k = kv.first.Scalar(), key = Reader::join(section, k);
        const YAML::Node& v = kv.second;
        if (k == "enabled")
            h.enabled = r.boolean(key, v);
        else if (k == "url")
            h.url = r.string(key, v);
        else if (k == "ca_cert")
            h.ca_cert = r.string(key, v);
        else if (k == "client_cert")
            h.client_cert = r.string(key, v);
        else if (k == "client_key")
            h.client_key = r.string(key, v);
        else if (k == "insecure")
            h.insecure = r.boolean(key, v);
        else if (k == "timeout_ms")
            h.timeout_ms = static_cast<long>(r.integer(key, v, 1, 600000));
        else if (k == "retries")
            h.retries = static_cast<int>(r.integer(key, v, 0, 100));
        else if (k == "backoff_ms")
            h.backoff_ms = static_cast<long>(r.integer(key, v, 0, 600000));
        else if (k == "headers") {
            if (!v.IsMap())
                r.fail(key, v, "expected a mapping of header names to values");
            for (const auto& hv : v) {
                const std::string name = hv.first.Scalar();
                if (name.empty() || name.find_first_of(": \r\n") != std::string::npos)
                    r.fail(key, hv.first, "'" + name + "' is not a header name");
                std::string value = r.string(key + "." + name, hv.second);
                if (value.find_first_of("\r\n") != std::string::npos)
                    r.fail(key + "." + name, hv.second, "a header value cannot hold a line break");
                h.headers[name] = value;
            }
        }
    }
    if (h.enabled && h.url.rfind("http://", 0) != 0 && h.url.rfind("https://", 0) != 0)
        r.fail(Reader::join(section, "url"), n["url"], "an http:// or https:// URL is required when enabled");
    if (h.client_cert.empty() != h.client_key.empty())
        r.fail(Reader::join(section, h.client_cert.empty() ? "client_cert" : "client_key"), n,
               "client_cert and client_key go together");
}

std::vector<Selection::Step> read_rules(const Reader& r, const YAML::Node& n)
{
    // Falco's form: a list of {enable: {rule: X}} / {disable: {tag: Y}}
    if (!n.IsSequence())
        r.fail("rules", n, "expected a list of enable:/disable: items");
    std::vector<Selection::Step> steps;
    for (size_t i = 0; i < n.size(); i++) {
        const std::string key = "rules[" + std::to_string(i) + "]";
        r.only(key, n[i], {"enable", "disable"});
        if (n[i].size() != 1)
            r.fail(key, n[i], "expected exactly one of enable: or disable:");
        for (const auto& kv : n[i]) {
            const std::string what = kv.first.Scalar(), k2 = key + "." + what;
            r.only(k2, kv.second, {"rule", "tag"});
            if (kv.second.size() != 1)
                r.fail(k2, kv.second, "expected exactly one of rule: or tag:");
            for (const auto& sel : kv.second) {
                Selection::Step s;
                s.enable = what == "enable";
                s.by_tag = sel.first.Scalar() == "tag";
                s.pattern = r.string(k2 + "." + sel.first.Scalar(), sel.second);
                steps.push_back(s);
            }
        }
    }
    return steps;
}

std::vector<AppendSpec> read_append(const Reader& r, const YAML::Node& n)
{
    if (!n.IsSequence())
        r.fail("append_output", n, "expected a list of {match, extra_output, extra_fields} items");
    std::vector<AppendSpec> specs;
    for (size_t i = 0; i < n.size(); i++) {
        const std::string key = "append_output[" + std::to_string(i) + "]";
        r.only(key, n[i], {"match", "extra_output", "extra_fields"});
        AppendSpec s;
        if (const auto m = n[i]["match"]) {
            r.only(key + ".match", m, {"rule", "source", "tags"});
            if (m["rule"])
                s.rule = r.string(key + ".match.rule", m["rule"]);
            if (m["source"])
                s.source = r.string(key + ".match.source", m["source"]);
            if (m["tags"])
                s.tags = r.strings(key + ".match.tags", m["tags"]);
        }
        if (n[i]["extra_output"])
            s.extra_output = r.string(key + ".extra_output", n[i]["extra_output"]);
        if (const auto f = n[i]["extra_fields"]) {
            if (!f.IsSequence())
                r.fail(key + ".extra_fields", f, "expected a list of field names or {name: template}");
            for (size_t j = 0; j < f.size(); j++) {
                const std::string fk = key + ".extra_fields[" + std::to_string(j) + "]";
                if (f[j].IsScalar())
                    s.extra_fields.emplace_back(f[j].Scalar(), "");
                else if (f[j].IsMap() && f[j].size() == 1)
                    for (const auto& kv : f[j])
                        s.extra_fields.emplace_back(kv.first.Scalar(), r.string(fk, kv.second));
                else
                    r.fail(fk, f[j], "expected a field name or one {name: template}");
            }
        }
        specs.push_back(std::move(s));
    }
    // the templates are checked here, so a bad field stops the start, not the first alert
    std::string why;
    if (!Appender::build(specs, &why)) {
        size_t dot = why.find(": ");
        std::string k = why.substr(0, dot);
        YAML::Node at = n;
        r.fail(k, at, why.substr(dot + 2));
    }
    return specs;
}

// a section of `enabled` and one string that is required when enabled
void read_switched(const Reader& r, const std::string& section, const YAML::Node& n, const std::string& name,
                   bool& enabled, std::string& value)
{
    r.only(section, n, {"enabled", name});
    for (const auto& kv : n) {
        const std::string key = section + "." + kv.first.Scalar();
        if (kv.first.Scalar() == "enabled")
            enabled = r.boolean(key, kv.second);
        else
            value = r.string(key, kv.second);
    }
    if (enabled && value.empty())
        r.fail(section + "." + name, n, "required when " + section + ".enabled is true");
}

void read_top(const Reader& r, const YAML::Node& root, Config& c)
{
    r.only("", root,
           {"rules_files", "rules_file", "priority", "rules", "json_output", "time_format_iso_8601", "stdout_output",
            "file_output", "syslog_output", "program_output", "http_output", "alertmanager_output", "append_output",
            "outputs_queue", "rate_limit", "dedup", "metrics", "log_level", "buffers"});
    for (const auto& kv : root) {
        const std::string k = kv.first.Scalar();
        const YAML::Node& v = kv.second;
        auto section = [&](const std::set<std::string>& known) {
            r.only(k, v, known);
            return v;
        };
        if (k == "rules_files" || k == "rules_file")
            c.rules_files = r.strings(k, v);
        else if (k == "priority") {
            Priority p;
            if (!parse_priority(r.string(k, v), p))
                r.fail(k, v, "unknown priority (emergency, alert, critical, error, warning, notice, info, debug)");
            c.priority = p;
        } else if (k == "rules")
            c.rules = read_rules(r, v);
        else if (k == "json_output")
            c.json_output = r.boolean(k, v);
        else if (k == "time_format_iso_8601")
            c.time_format_iso_8601 = r.boolean(k, v);
        else if (k == "stdout_output") {
            for (const auto& s : section({"enabled"}))
                c.stdout_enabled = r.boolean(k + ".enabled", s.second);
        } else if (k == "file_output") {
            read_switched(r, k, v, "filename", c.file_enabled, c.file_filename);
        } else if (k == "syslog_output") {
            for (const auto& s : section({"enabled", "socket", "format", "facility", "app_name"})) {
                const std::string sk = s.first.Scalar(), key = k + "." + sk;
                if (sk == "enabled")
                    c.syslog_enabled = r.boolean(key, s.second);
                else if (sk == "socket")
                    c.syslog_socket = r.string(key, s.second);
                else if (sk == "format")
                    c.syslog_format = r.one_of(key, s.second, {"rfc5424", "rfc3164"});
                else if (sk == "facility") {
                    c.syslog_facility = r.string(key, s.second);
                    if (syslog_facility(c.syslog_facility) < 0)
                        r.fail(key, s.second, "expected a facility: kern, user, mail, daemon, auth, syslog, lpr, "
                                              "news, uucp, cron, authpriv, ftp, local0 ... local7");
                }
                else
                    c.syslog_app_name = r.string(key, s.second);
            }
        } else if (k == "program_output") {
            read_switched(r, k, v, "program", c.program_enabled, c.program_command);
        } else if (k == "http_output")
            read_http(r, k, v, c.http);
        else if (k == "alertmanager_output")
            read_http(r, k, v, c.alertmanager);
        else if (k == "append_output")
            c.append_output = read_append(r, v);
        else if (k == "outputs_queue") {
            for (const auto& s : section({"capacity", "drain_timeout_ms"})) {
                const std::string sk = s.first.Scalar();
                if (sk == "capacity")
                    c.outputs_queue_capacity = static_cast<size_t>(r.integer(k + "." + sk, s.second, 1, 10'000'000));
                else
                    c.outputs_drain_timeout_ms = static_cast<uint64_t>(r.integer(k + "." + sk, s.second, 0, 600000));
            }
        } else if (k == "rate_limit") {
            for (const auto& s : section({"enabled", "rate", "burst", "summary_interval_s"})) {
                const std::string sk = s.first.Scalar(), key = k + "." + sk;
                if (sk == "enabled")
                    c.gate.rate_limit = r.boolean(key, s.second);
                else if (sk == "rate")
                    c.gate.rate = r.number(key, s.second, 1e-6);
                else if (sk == "burst")
                    c.gate.burst = r.number(key, s.second, 1);
                else
                    c.gate.summary_interval_ns = static_cast<uint64_t>(r.integer(key, s.second, 1, 86400)) * 1'000'000'000ULL;
            }
        } else if (k == "dedup") {
            for (const auto& s : section({"enabled", "window_s"})) {
                const std::string sk = s.first.Scalar(), key = k + "." + sk;
                if (sk == "enabled")
                    c.gate.dedup = r.boolean(key, s.second);
                else
                    c.gate.dedup_window_ns = static_cast<uint64_t>(r.integer(key, s.second, 1, 86400)) * 1'000'000'000ULL;
            }
        } else if (k == "metrics") {
            for (const auto& s : section({"enabled", "listen_address", "port"})) {
                const std::string sk = s.first.Scalar(), key = k + "." + sk;
                if (sk == "enabled")
                    c.metrics_enabled = r.boolean(key, s.second);
                else if (sk == "listen_address")
                    c.metrics_listen_address = r.string(key, s.second);
                else
                    c.metrics_port = static_cast<uint16_t>(r.integer(key, s.second, 1, 65535));
            }
        } else if (k == "log_level")
            c.log_level = r.one_of(k, v, {"debug", "info", "warning", "error"});
        else if (k == "buffers") {
            for (const auto& s : section({"ring_buffer_mb"})) {
                const auto mb = r.integer(k + ".ring_buffer_mb", s.second, 1, 1024);
                if (mb & (mb - 1))
                    r.fail(k + ".ring_buffer_mb", s.second, "must be a power of two (the kernel's ring buffer is)");
                c.ring_buffer_bytes = static_cast<uint32_t>(mb) << 20;
            }
        }
    }
}

// writes "a.b.c=value" into the tree, creating sections on the way
void apply_override(YAML::Node& root, const std::string& text, std::map<std::string, std::string>& overridden)
{
    const size_t eq = text.find('=');
    const std::string key = text.substr(0, eq);
    if (eq == std::string::npos || key.empty())
        throw ConfigError{"-o " + text + ": expected key=value"};
    YAML::Node value;
    try {
        value = YAML::Load(text.substr(eq + 1));
    } catch (const YAML::Exception& e) {
        throw ConfigError{"-o " + text + ": " + key + ": the value is not valid YAML: " + e.msg};
    }
    YAML::Node cur = root;
    std::string path;
    for (size_t start = 0;;) {
        const size_t dot = key.find('.', start);
        const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (part.empty())
            throw ConfigError{"-o " + text + ": " + key + ": empty key component"};
        path = Reader::join(path, part);
        if (dot == std::string::npos) {
            cur[part] = value;
            break;
        }
        YAML::Node next = cur[part];
        if (!next.IsDefined() || next.IsNull())
            cur[part] = YAML::Node(YAML::NodeType::Map);
        else if (!next.IsMap())
            throw ConfigError{"-o " + text + ": " + path + " is not a section"};
        // reset() rebinds; plain assignment would overwrite cur's content
        cur.reset(cur[part]);
        start = dot + 1;
    }
    overridden[key] = text;
}

}  // namespace

Result<Config> parse_config(const std::string& yaml, const std::string& origin,
                            const std::vector<std::string>& overrides)
{
    try {
        YAML::Node root;
        try {
            root = YAML::Load(yaml);
        } catch (const YAML::Exception& e) {
            return Error{origin + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg};
        }
        if (root.IsNull() || !root.IsDefined())
            root = YAML::Node(YAML::NodeType::Map);
        if (!root.IsMap())
            return Error{origin + ": expected a mapping of keys at the top"};
        std::map<std::string, std::string> overridden;
        for (const auto& o : overrides)
            apply_override(root, o, overridden);
        Config c;
        read_top(Reader(origin, std::move(overridden)), root, c);
        return c;
    } catch (const ConfigError& e) {
        return Error{e.message};
    } catch (const YAML::Exception& e) {
        return Error{origin + ": " + e.what()};
    }
}

Result<Config> load_config(const std::optional<std::string>& path, bool required,
                           const std::vector<std::string>& overrides)
{
    std::string text;
    std::string origin = "the command line";
    if (path) {
        std::error_code ec;
        if (!std::filesystem::exists(*path, ec)) {
            if (required)
                return Error{*path + ": no such file"};
        } else {
            std::ifstream in(*path);
            std::stringstream ss;
            ss << in.rdbuf();
            if (!in)
                return Error{*path + ": cannot read it"};
            text = ss.str();
            origin = *path;
        }
    }
    return parse_config(text, origin, overrides);
}

}  // namespace tripline
