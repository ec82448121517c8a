// Pass 3: macro and list expansion.
// Consumes a parsed condition and the ruleset's macros and lists; produces the
// condition with every macro replaced by its body and every list name inside
// a value list replaced by its items. Tested by tests/test_expand.cpp.
#include "rulegen/passes.h"

namespace tripline {

Definitions collect_definitions(const Items& items)
{
    Definitions d;
    for (const auto& m : items.macros)
        d.macros[m.name] = &m;  // a later definition replaces an earlier one
    for (const auto& l : items.lists)
        d.lists[l.name] = &l;
    return d;
}

namespace {

constexpr int kMaxDepth = 64;

class Expander {
public:
    Expander(Definitions& defs, Diagnostics& diags) : defs_(defs), diags_(diags) {}

    std::optional<Expr> expand(const Expr& e, int depth)
    {
        switch (e.kind) {
        case Expr::Kind::MacroRef:
            return macro(e, depth);
        case Expr::Kind::Compare: {
            Expr out = e;
            if (!values(out))
                return std::nullopt;
            return out;
        }
        case Expr::Kind::And:
        case Expr::Kind::Or:
        case Expr::Kind::Not: {
            Expr out = e;
            out.kids.clear();
            bool ok = true;
            for (const auto& k : e.kids) {
                auto x = expand(k, depth);
                if (x)
                    out.kids.push_back(std::move(*x));
                else
                    ok = false;  // keep going: report every undefined macro
            }
            if (!ok)
                return std::nullopt;
            return out;
        }
        default:
            return e;
        }
    }

private:
    std::optional<Expr> macro(const Expr& ref, int depth)
    {
        auto it = defs_.macros.find(ref.name);
        if (it == defs_.macros.end()) {
            diags_.add(Diagnostic{Severity::Error, Code::UnknownMacro, ref.loc,
                                  "'" + ref.name + "' is not a macro",
                                  "fields have a dot (proc.name); macros must be defined with '- macro:'",
                                  ref.expanded_from});
            return std::nullopt;
        }
        for (const auto& s : stack_) {
            if (s == ref.name) {
                diags_.add(Diagnostic{Severity::Error, Code::MacroCycle, ref.loc,
                                      "macro '" + ref.name + "' expands to itself", "", ref.expanded_from});
                return std::nullopt;
            }
        }
        if (depth > kMaxDepth) {
            diags_.error(Code::MacroCycle, ref.loc, "macros nested more than 64 deep");
            return std::nullopt;
        }
        auto parsed = defs_.parsed.find(ref.name);
        if (parsed == defs_.parsed.end())
            parsed = defs_.parsed.emplace(ref.name, parse_condition(it->second->condition, diags_)).first;
        if (!parsed->second)
            return std::nullopt;  // its syntax error is reported once, at the macro
        stack_.push_back(ref.name);
        auto body = expand(*parsed->second, depth + 1);
        stack_.pop_back();
        if (!body)
            return std::nullopt;
        mark(*body, ref);
        return body;
    }

    static void mark(Expr& e, const Expr& ref)
    {
        e.expanded_from.push_back({ref.name, ref.loc});
        for (const auto& outer : ref.expanded_from)
            e.expanded_from.push_back(outer);
        for (auto& k : e.kids)
            mark(k, ref);
    }

    // list names inside a value list become the list's items
    bool values(Expr& e)
    {
        if (e.rhs.kind == Operand::Kind::Word && e.op == "in" && defs_.lists.count(e.rhs.text)) {
            Operand list;
            list.kind = Operand::Kind::List;
            list.loc = e.rhs.loc;
            list.items.push_back(e.rhs);
            e.rhs = list;
        }
        if (e.rhs.kind != Operand::Kind::List)
            return true;
        std::vector<Operand> flat;
        for (const auto& item : e.rhs.items)
            inline_item(item, flat, 0);
        e.rhs.items = std::move(flat);
        return true;
    }

    void inline_item(const Operand& item, std::vector<Operand>& out, int depth)
    {
        auto it = item.kind == Operand::Kind::Word ? defs_.lists.find(item.text) : defs_.lists.end();
        if (it == defs_.lists.end() || depth > kMaxDepth) {
            out.push_back(item);
            return;
        }
        for (const auto& text : it->second->items)
            inline_item(parse_list_item(text), out, depth + 1);
    }

    Definitions& defs_;
    Diagnostics& diags_;
    std::vector<std::string> stack_;
};

}  // namespace

std::optional<Expr> expand_macros(const Expr& e, Definitions& defs, Diagnostics& diags)
{
    return Expander(defs, diags).expand(e, 0);
}

}  // namespace tripline
