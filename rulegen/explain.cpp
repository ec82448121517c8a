// Reports on a compiled ruleset: `tripline explain` (per rule: classes,
// predicates and where each is decided, terms, whether alerts need userspace
// confirmation) and the deterministic dumps golden tests compare.
#include <algorithm>
#include <iomanip>
#include <map>
#include <sstream>

#include "rulegen/abi_names.h"
#include "rulegen/ruleset.h"

namespace tripline {

namespace {

bool is_cached(int view)
{
    return view >= TL_VIEW_EXE && view <= TL_VIEW_CONTAINER_ID_REV;
}

std::string where_decided(int view)
{
    if (view == TL_VIEW_USERSPACE)
        return "userspace";
    std::string how = is_substring_view(view)                                         ? "substring scan"
                      : view < TL_SMALL_VIEWS                                           ? "array"
                      : view_is_addr(view)                                              ? "address trie"
                      : view < TL_FIRST_STR_VIEW                                      ? "number trie"
                      : (view & 1)                                                    ? "suffix trie"
                                                                                      : "string trie";
    return std::string(is_cached(view) ? "process cache" : "kernel") + ": " + view_name(view) + " (" + how + ")";
}

std::string class_list(uint32_t mask)
{
    std::string s;
    for (uint32_t c = 1; c < TL_CLASS_COUNT; c++)
        if (mask & (1u << c))
            s += (s.empty() ? "" : ", ") + std::string(class_name(c));
    return s.empty() ? "none (never matches)" : s;
}

std::string term_text(const Term& t, const std::vector<Pred>& preds)
{
    if (t.parts.empty())
        return "always";
    std::string s;
    for (const auto& [view, f] : t.parts)
        s += (s.empty() ? "" : "  AND  ") + std::string("[") + view_name(view) + "] " + f.text(preds);
    return s;
}

}  // namespace

std::string explain(const Ruleset& rs, const std::string& only)
{
    std::ostringstream o;
    for (const auto& r : rs.rules) {
        if (!only.empty() && r.name != only)
            continue;
        o << "rule: " << r.name << "\n";
        o << "  priority: " << priority_name(r.priority) << (r.enabled ? "" : "  (disabled: not loaded)") << "\n";
        o << "  classes: " << class_list(r.classes) << "\n";
        // each predicate, and where the terms that use it have it decided
        std::vector<int> preds;
        std::map<int, std::vector<std::string>> ways;
        for (uint32_t t : r.terms)
            for (const auto& [view, f] : rs.terms[t].term.parts) {
                std::vector<int> in_part;
                collect_preds(f, in_part);
                for (int p : in_part) {
                    if (std::find(preds.begin(), preds.end(), p) == preds.end())
                        preds.push_back(p);
                    auto& w = ways[p];
                    std::string how = where_decided(view);
                    if (std::find(w.begin(), w.end(), how) == w.end())
                        w.push_back(how);
                }
            }
        if (!preds.empty())
            o << "  predicates:\n";
        for (int p : preds) {
            std::string joined;
            for (const auto& w : ways[p])
                joined += (joined.empty() ? "" : "; ") + w;
            auto guard = r.prefilters.find(p);
            if (guard != r.prefilters.end())
                joined += "; prefilter for: " + rs.preds[guard->second].text();
            o << "    " << rs.preds[p].text() << "\n      -> " << joined << "\n";
        }
        if (!r.terms.empty())
            o << "  terms:\n";
        for (uint32_t t : r.terms)
            o << "    t" << rs.tables.bit_of_term[t] << " (" << class_name(rs.terms[t].class_id)
              << "): " << term_text(rs.terms[t].term, rs.preds) << "\n";
        if (!r.enabled || !r.classes)
            o << "  alerts: none\n";
        else if (r.kernel_decides())
            o << "  alerts: decided in the kernel; userspace re-checks and formats\n";
        else
            o << "  alerts: need userspace confirmation ("
              << (r.userspace ? "some predicates are userspace-only" : "")
              << (r.userspace && r.weakened ? "; " : "")
              << (r.weakened ? "the kernel form was loosened to fit the term cap" : "") << ")\n";
        o << "\n";
    }
    return o.str();
}

std::string dump(const Ruleset& rs, const std::string& what)
{
    std::ostringstream o;
    if (what == "ast") {
        for (const auto& r : rs.rules)
            o << r.name << ": " << to_string(r.condition) << "\n";
    } else if (what == "terms") {
        for (size_t t = 0; t < rs.terms.size(); t++)
            o << "t" << rs.tables.bit_of_term[t] << " " << class_name(rs.terms[t].class_id) << " "
              << rs.rules[rs.terms[t].rule].name << ": " << term_text(rs.terms[t].term, rs.preds) << "\n";
    } else if (what == "tables") {
        const KernelTables& k = rs.tables;
        o << "sets " << k.sets.size() << " valid " << k.valid_set << "\n";
        for (uint32_t c = 1; c < TL_CLASS_COUNT; c++)
            o << "class " << class_name(c) << " words [" << k.classes[c].word_lo << "," << k.classes[c].word_hi
              << ") views 0x" << std::hex << k.classes[c].views << std::dec << "\n";
        for (int v = 0; v < TL_NVIEWS; v++)
            if (k.unknown[v].may || k.unknown[v].def || k.absent[v].may || k.absent[v].def)
                o << "view " << view_name(v) << " unknown " << k.unknown[v].may << "/" << k.unknown[v].def
                  << " absent " << k.absent[v].may << "/" << k.absent[v].def << "\n";
        for (const auto& e : k.small)
            if (e.pair.may || e.pair.def)
                o << "small " << view_name(e.view) << " " << int(e.value) << " -> " << e.pair.may << "/"
                  << e.pair.def << "\n";
        for (const auto& e : k.str) {
            o << "str " << view_name(e.view) << " \"";
            for (char ch : e.bytes)
                o << (ch == '\0' ? std::string("\\0") : std::string(1, ch));
            o << "\" -> " << e.pair.may << "/" << e.pair.def << "\n";
        }
        for (const auto& e : k.num) {
            o << "num " << view_name(e.view) << " ";
            for (int i = 0; i < 16; i++)
                o << std::hex << std::setw(2) << std::setfill('0') << int(e.val[i]);
            o << std::dec << "/" << e.bits << " -> " << e.pair.may << "/" << e.pair.def << "\n";
        }
        for (size_t nr = 0; nr < k.syscalls.size(); nr++)
            if (k.syscalls[nr].class_id)
                o << "syscall " << nr << " " << class_name(k.syscalls[nr].class_id) << " "
                  << evt_type_name(k.syscalls[nr].evt_type) << "\n";
    }
    return o.str();
}

}  // namespace tripline
