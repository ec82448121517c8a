// The compiler pipeline: the passes of passes.h, in order, over a ruleset.
// Every stage reports all of its errors before the pipeline stops.
#include "rulegen/abi_names.h"
#include "rulegen/passes.h"
#include "rulegen/ruleset.h"

namespace tripline {

std::optional<Ruleset> compile_rules(const std::vector<std::string>& paths, SourceManager& sm, Diagnostics& diags,
                                     const Selection& select, const Accounts& accounts)
{
    Items items = load_items(paths, sm, diags);
    if (diags.has_errors())
        return std::nullopt;
    return compile_items(items, diags, select, accounts);
}

namespace {

void report_plugins(const Items& items, Diagnostics& diags)
{
    for (const auto& p : items.plugins) {
        // the container plugin's fields are built in
        if (p.name == "container")
            continue;
        bool alternative = false;
        for (const auto& [name, version] : p.alternatives)
            alternative = alternative || name == "container";
        if (alternative)
            continue;
        diags.warning(Code::UnsupportedPlugin, p.loc,
                      "the rules require plugin '" + p.name + "' (>= " + p.version +
                          "), which tripline does not have: rules for its event source are skipped");
    }
}

// compiles one rule's condition and output; nullopt when it has errors
std::optional<Rule> compile_rule(const RuleItem& item, Definitions& defs, PredTable& preds, const Accounts& accounts,
                                 Diagnostics& diags)
{
    auto parsed = parse_condition(condition_with_exceptions(item), diags);
    if (!parsed)
        return std::nullopt;
    auto expanded = expand_macros(*parsed, defs, diags);
    if (!expanded)
        return std::nullopt;
    if (!typecheck(*expanded, preds, diags))
        return std::nullopt;
    auto output = parse_output(item.output, diags);
    if (!output)
        return std::nullopt;
    Rule r;
    r.name = item.name;
    r.desc = item.desc;
    r.priority = item.priority;
    r.tags.assign(item.tags.begin(), item.tags.end());
    r.enabled = item.enabled;
    r.loc = item.loc;
    r.condition = std::move(*expanded);
    r.formula = add_prefilters(rewrite_for_kernel(to_nnf(r.condition), preds), preds, accounts, &r.prefilters);
    r.output = std::move(*output);
    return r;
}

// only unknown fields: what skip-if-unknown-filter forgives
bool only_unknown_fields(const Diagnostics& d)
{
    for (const auto& x : d.all())
        if (x.severity == Severity::Error && x.code != Code::UnknownField &&
            !(x.code == Code::BadOutput && x.message.find("unknown field") != std::string::npos))
            return false;
    return true;
}

void apply_selection(std::vector<Rule>& rules, const Selection& select)
{
    for (auto& r : rules) {
        r.below_priority = static_cast<int>(r.priority) > static_cast<int>(select.min_priority);
        if (r.below_priority)
            r.enabled = false;
    }
    for (const auto& step : select.steps)
        for (auto& r : rules) {
            if (r.below_priority)
                continue;  // never added: no selection can enable it
            bool hit = step.by_tag ? std::find(r.tags.begin(), r.tags.end(), step.pattern) != r.tags.end()
                                   : wildcard_match(step.pattern, r.name);
            if (hit)
                r.enabled = step.enable;
        }
}

}  // namespace

std::optional<Ruleset> compile_items(const Items& items, Diagnostics& diags, const Selection& select,
                                     const Accounts& accounts)
{
    Ruleset rs;
    Definitions defs = collect_definitions(items);
    PredTable preds;
    report_plugins(items, diags);

    // every macro's syntax is checked, used or not, as Falco does
    for (const auto& [name, macro] : defs.macros)
        defs.parsed.emplace(name, parse_condition(macro->condition, diags));

    for (const auto& item : items.rules) {
        if (item.source != "syscall") {
            diags.warning(Code::UnsupportedSource, item.loc,
                          "rule '" + item.name + "' is for source '" + item.source +
                              "'; tripline only has 'syscall' and skips it");
            continue;
        }
        Diagnostics local;
        auto r = compile_rule(item, defs, preds, accounts, local);
        if (!r && item.skip_if_unknown_filter && only_unknown_fields(local)) {
            for (auto d : local.all()) {
                d.severity = Severity::Warning;
                d.message += " (rule '" + item.name + "' skipped: skip-if-unknown-filter)";
                diags.add(std::move(d));
            }
            continue;
        }
        for (const auto& d : local.all())
            diags.add(d);
        if (r)
            rs.rules.push_back(std::move(*r));
    }
    if (diags.has_errors())
        return std::nullopt;
    rs.preds = std::move(preds.preds);
    apply_selection(rs.rules, select);

    const uint32_t all_classes = ((1u << TL_CLASS_COUNT) - 1) & ~1u;
    for (size_t i = 0; i < rs.rules.size(); i++) {
        Rule& r = rs.rules[i];
        if (!r.enabled)
            continue;
        for (uint32_t c = 1; c < TL_CLASS_COUNT; c++) {
            TermList tl = build_terms(specialize(r.formula, c, rs.preds), c, rs.preds);
            if (tl.terms.empty())
                continue;
            r.classes |= 1u << c;
            r.weakened = r.weakened || tl.weakened;
            for (auto& t : tl.terms) {
                r.userspace = r.userspace || t.parts.count(TL_VIEW_USERSPACE);
                r.terms.push_back(static_cast<uint32_t>(rs.terms.size()));
                rs.terms.push_back(TermInfo{static_cast<int>(i), c, std::move(t)});
            }
        }
        if (!r.classes)
            diags.warning(Code::UnsupportedEvent, r.loc,
                          "rule '" + r.name + "' can never match: tripline captures none of the events it needs");
        const RuleItem* item = nullptr;
        for (const auto& it : items.rules)
            if (it.name == r.name)
                item = &it;
        if (r.classes == all_classes && item && item->warn_evttypes)
            diags.warning(Code::NoEventType, r.loc,
                          "rule '" + r.name + "' matches every event type: it is evaluated on every event tripline "
                          "captures",
                          "restrict it with evt.type, or set warn_evttypes: false");
    }

    rs.tables = lower_tables(rs.terms, rs.preds, diags);
    if (diags.has_errors())
        return std::nullopt;
    rs.rule_of_bit.assign(TL_MAX_TERMS, -1);
    for (size_t t = 0; t < rs.terms.size(); t++)
        rs.rule_of_bit[rs.tables.bit_of_term[t]] = rs.terms[t].rule;
    return rs;
}

}  // namespace tripline
