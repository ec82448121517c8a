// append_output; see append.h.
#include "user/append.h"

#include <algorithm>
#include <cctype>

namespace tripline {

namespace {

constexpr const char* kOwnPrefix = "%tripline.";

// parse_output trims trailing blanks (right for a whole rule output, wrong
// for the text before an own field), so each segment carries a sentinel that
// is taken off again
constexpr char kSentinel = '\x01';

std::optional<OutputTemplate> parse_segment(const std::string& seg, std::string* why)
{
    Diagnostics d;
    auto t = parse_output(Text::at_loc(seg + kSentinel, Loc{}), d);
    if (!t) {
        *why = d.all().empty() ? "bad template" : d.all().front().message;
        return std::nullopt;
    }
    auto& last = t->pieces.back();
    if (!last.field && !last.literal.empty() && last.literal.back() == kSentinel)
        last.literal.pop_back();
    if (!last.field && last.literal.empty())
        t->pieces.pop_back();
    return t;
}

}  // namespace

std::optional<AppendTemplate> AppendTemplate::parse(const std::string& text, std::string* why)
{
    AppendTemplate t;
    size_t at = 0;
    for (;;) {
        size_t own = text.find(kOwnPrefix, at);
        auto seg = parse_segment(text.substr(at, own == std::string::npos ? std::string::npos : own - at), why);
        if (!seg)
            return std::nullopt;
        t.pieces_.push_back({std::move(seg), Own::None});
        if (own == std::string::npos)
            return t;
        size_t end = own + 1;
        while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_' ||
                                     text[end] == '.'))
            end++;
        std::string name = text.substr(own + 1, end - own - 1);
        while (!name.empty() && name.back() == '.') {  // "%tripline.rule_id."
            name.pop_back();
            end--;
        }
        if (name == "tripline.rule_id")
            t.pieces_.push_back({std::nullopt, Own::RuleId});
        else if (name == "tripline.generation")
            t.pieces_.push_back({std::nullopt, Own::Generation});
        else {
            *why = "unknown field '" + name + "' (tripline's own fields: tripline.rule_id, tripline.generation)";
            return std::nullopt;
        }
        at = end;
    }
}

std::string AppendTemplate::render(const Event& e, const Context& ctx, int64_t rule_id, int64_t generation) const
{
    std::string out;
    for (const auto& p : pieces_) {
        if (p.text)
            out += tripline::render(*p.text, e, ctx);
        else
            out += std::to_string(p.own == Own::RuleId ? rule_id : generation);
    }
    return out;
}

std::optional<Value> AppendTemplate::value(const Event& e, const Context& ctx, int64_t rule_id,
                                           int64_t generation) const
{
    // pieces_ always starts with a (maybe empty) text segment: "%tripline.x" alone is ["", own, ""]
    std::vector<const Piece*> nonempty;
    for (const auto& p : pieces_)
        if (!p.text || !p.text->pieces.empty())
            nonempty.push_back(&p);
    if (nonempty.size() == 1 && !nonempty[0]->text)
        return Value{nonempty[0]->own == Own::RuleId ? rule_id : generation};
    if (nonempty.size() == 1 && nonempty[0]->text->pieces.size() == 1) {
        const auto& only = nonempty[0]->text->pieces[0];
        if (only.literal.empty() && only.field)
            return field_value(e, *only.field, ctx);
    }
    return Value{render(e, ctx, rule_id, generation)};
}

std::optional<Appender> Appender::build(const std::vector<AppendSpec>& specs, std::string* why)
{
    Appender a;
    for (size_t i = 0; i < specs.size(); i++) {
        const std::string where = "append_output[" + std::to_string(i) + "]";
        Compiled c{specs[i], std::nullopt, {}};
        if (!specs[i].extra_output.empty()) {
            c.output = AppendTemplate::parse(specs[i].extra_output, why);
            if (!c.output) {
                *why = where + ".extra_output: " + *why;
                return std::nullopt;
            }
        }
        for (const auto& [name, text] : specs[i].extra_fields) {
            auto t = AppendTemplate::parse(text.empty() ? "%" + name : text, why);
            if (!t) {
                *why = where + ".extra_fields: " + name + ": " + *why;
                return std::nullopt;
            }
            c.fields.emplace_back(name, std::move(*t));
        }
        a.specs_.push_back(std::move(c));
    }
    return a;
}

void Appender::apply(Alert& a, const Event& e, const Context& ctx, int64_t rule_id, int64_t generation) const
{
    for (const auto& c : specs_) {
        const AppendSpec& s = c.spec;
        if (!s.rule.empty() && !wildcard_match(s.rule, a.rule->name))
            continue;
        if (!s.source.empty() && s.source != "syscall")
            continue;
        const auto& tags = a.rule->tags;
        if (!std::all_of(s.tags.begin(), s.tags.end(),
                         [&](const std::string& t) { return std::find(tags.begin(), tags.end(), t) != tags.end(); }))
            continue;
        if (c.output)
            a.message += " " + c.output->render(e, ctx, rule_id, generation);
        for (const auto& [name, t] : c.fields) {
            auto v = t.value(e, ctx, rule_id, generation);
            auto same = [&](const auto& f) { return f.first == name; };
            if (std::none_of(a.fields.begin(), a.fields.end(), same))
                a.fields.emplace_back(name, std::move(v));
        }
    }
}

}  // namespace tripline
