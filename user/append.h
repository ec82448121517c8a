// Falco's append_output: extra text and fields added to the alerts of the
// rules a spec matches (by rule name, source, tags). Besides every catalog
// field, a template may name tripline's own `tripline.rule_id` (the rule's
// index in the loaded ruleset) and `tripline.generation` (the kernel table
// generation that produced the alert). Tested by tests/test_outputs.cpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rulegen/ruleset.h"
#include "user/alert.h"

namespace tripline {

struct AppendSpec {
    // match: every given criterion must hold; none given matches every rule
    std::string rule;               // a rule name, '*' wildcards allowed
    std::string source;             // "syscall" is the only source tripline has
    std::vector<std::string> tags;  // the rule has all of them
    std::string extra_output;       // appended to the message after one space
    // a plain field name, or a name and the template that gives its value
    std::vector<std::pair<std::string, std::string>> extra_fields;
};

// "%proc.pid in %container.id, rule %tripline.rule_id"
class AppendTemplate {
public:
    // nullopt with `why` when a field is unknown
    static std::optional<AppendTemplate> parse(const std::string& text, std::string* why);
    std::string render(const Event& e, const Context& ctx, int64_t rule_id, int64_t generation) const;
    // a template that is one field alone gives that field's typed value
    std::optional<Value> value(const Event& e, const Context& ctx, int64_t rule_id, int64_t generation) const;

private:
    enum class Own { None, RuleId, Generation };
    struct Piece {
        std::optional<OutputTemplate> text;  // literal text and catalog fields
        Own own = Own::None;
    };
    std::vector<Piece> pieces_;
};

class Appender {
public:
    // nullopt with `why` naming the spec (append_output[N]) when a template is wrong
    static std::optional<Appender> build(const std::vector<AppendSpec>& specs, std::string* why);
    bool empty() const { return specs_.empty(); }
    void apply(Alert& a, const Event& e, const Context& ctx, int64_t rule_id, int64_t generation) const;

private:
    struct Compiled {
        AppendSpec spec;
        std::optional<AppendTemplate> output;
        std::vector<std::pair<std::string, AppendTemplate>> fields;
    };
    std::vector<Compiled> specs_;
};

}  // namespace tripline
