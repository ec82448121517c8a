// The compiler pipeline: the passes of passes.h, in order, over a ruleset.
// Every stage reports all of its errors before the pipeline stops.
#include "rulegen/passes.h"
#include "rulegen/ruleset.h"
#include "rulegen/abi_names.h"

namespace tripline {

std::optional<Ruleset> compile_rules(const std::vector<std::string>& paths, SourceManager& sm,
                                     Diagnostics& diags)
{
    Items items = load_items(paths, sm, diags);
    if (diags.has_errors())
        return std::nullopt;
    return compile_items(items, diags);
}

std::optional<Ruleset> compile_items(const Items& items, Diagnostics& diags)
{
    Ruleset rs;
    Definitions defs = collect_definitions(items);
    PredTable preds;

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
        auto parsed = parse_condition(item.condition, diags);
        if (!parsed)
            continue;
        auto expanded = expand_macros(*parsed, defs, diags);
        if (!expanded)
            continue;
        if (!typecheck(*expanded, preds, diags))
            continue;
        auto output = parse_output(item.output, diags);
        if (!output)
            continue;
        Rule r;
        r.name = item.name;
        r.desc = item.desc;
        r.priority = item.priority;
        r.tags = item.tags;
        r.enabled = item.enabled;
        r.loc = item.loc;
        r.condition = std::move(*expanded);
        r.formula = to_nnf(r.condition);
        r.output = std::move(*output);
        rs.rules.push_back(std::move(r));
    }
    if (diags.has_errors())
        return std::nullopt;
    rs.preds = std::move(preds.preds);

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
