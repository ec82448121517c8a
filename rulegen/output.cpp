// Output templates: parsing "%field" references and rendering them. Tested
// by tests/test_output.cpp.
#include <algorithm>
#include <cctype>

#include "rulegen/ruleset.h"

namespace tripline {

std::vector<FieldRef> OutputTemplate::fields() const
{
    std::vector<FieldRef> out;
    for (const auto& p : pieces)
        if (p.field && std::find(out.begin(), out.end(), *p.field) == out.end())
            out.push_back(*p.field);
    return out;
}

std::optional<OutputTemplate> parse_output(const Text& text, Diagnostics& diags)
{
    OutputTemplate t;
    // a folded YAML block keeps its final newline; an alert line must not
    std::string s = text.s;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    std::string literal;
    bool ok = true;
    for (size_t i = 0; i < s.size();) {
        if (s[i] != '%' || i + 1 >= s.size() || !(std::isalpha(static_cast<unsigned char>(s[i + 1])))) {
            literal += s[i++];
            continue;
        }
        size_t start = ++i;
        while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '.'))
            i++;
        std::string name = s.substr(start, i - start);
        // a sentence may end right after a field: "%fd.name."
        while (!name.empty() && name.back() == '.') {
            name.pop_back();
            i--;
        }
        std::string arg;
        if (i < s.size() && s[i] == '[') {
            size_t close = s.find(']', i);
            if (close != std::string::npos) {
                arg = s.substr(i + 1, close - i - 1);
                i = close + 1;
            }
        }
        std::string why;
        auto f = resolve_field(name, arg, &why);
        if (!f) {
            diags.error(Code::BadOutput, text.at(start - 1), why + " in output");
            ok = false;
            continue;
        }
        t.pieces.push_back({literal, *f});
        literal.clear();
    }
    if (!literal.empty())
        t.pieces.push_back({literal, std::nullopt});
    if (!ok)
        return std::nullopt;
    return t;
}

std::string render_value(const std::optional<Value>& v) { return v ? format_value(*v) : "<NA>"; }

std::string render(const OutputTemplate& t, const Event& e, const Context& ctx)
{
    std::string out;
    for (const auto& p : t.pieces) {
        out += p.literal;
        if (p.field)
            out += render_value(field_value(e, *p.field, ctx));
    }
    return out;
}

}  // namespace tripline
