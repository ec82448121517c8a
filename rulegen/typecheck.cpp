// Pass 4: type checking.
// Consumes an expanded condition; binds every comparison to a catalog field,
// checks the operator against the field's type, parses the constants, and
// interns the result as a predicate (Expr::pred). Tested by tests/test_typecheck.cpp.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "rulegen/abi_names.h"
#include "rulegen/passes.h"

namespace tripline {

int PredTable::intern(Pred p)
{
    std::string key = p.text();
    auto it = index.find(key);
    if (it != index.end())
        return it->second;
    preds.push_back(std::move(p));
    int id = static_cast<int>(preds.size() - 1);
    index.emplace(std::move(key), id);
    return id;
}

namespace {

size_t edit_distance(const std::string& a, const std::string& b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); j++) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string suggestion(const std::string& name)
{
    std::string best;
    size_t best_d = 4;
    for (const auto& f : all_fields()) {
        size_t d = edit_distance(name, f.name);
        if (d < best_d) {
            best_d = d;
            best = f.name;
        }
    }
    return best.empty() ? "run 'tripline fields' for the list of fields" : "did you mean '" + best + "'?";
}

bool op_fits(Op op, FieldType t)
{
    switch (t) {
    case FieldType::String:
        return op != Op::Lt && op != Op::Le && op != Op::Gt && op != Op::Ge;
    case FieldType::Int:
        return op == Op::Eq || op == Op::Ne || op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge ||
               op == Op::In || op == Op::Intersects || op == Op::Exists;
    case FieldType::Ip:
    case FieldType::Net:
        return op == Op::Eq || op == Op::Ne || op == Op::In || op == Op::Intersects || op == Op::Exists;
    case FieldType::Bool:
        return op == Op::Eq || op == Op::Ne || op == Op::Exists;
    }
    return false;
}

bool takes_list(Op op) { return op == Op::In || op == Op::Intersects || op == Op::Pmatch; }

std::optional<std::string> from_hex(const std::string& hex)
{
    if (hex.size() % 2)
        return std::nullopt;
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 2) {
        auto digit = [](char c) -> int {
            if (c >= '0' && c <= '9')
                return c - '0';
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        };
        int hi = digit(hex[i]), lo = digit(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

class Checker {
public:
    Checker(PredTable& preds, Diagnostics& diags) : preds_(preds), diags_(diags) {}

    bool check(Expr& e)
    {
        if (e.kind == Expr::Kind::Compare && !e.modifier.empty() && e.modifier != "oneof" && !expand_modifier(e))
            return false;
        if (e.kind != Expr::Kind::Compare) {
            bool ok = true;
            for (auto& k : e.kids)
                ok = check(k) && ok;  // report every error, not only the first
            return ok;
        }
        return compare(e);
    }

private:
    void error(Code code, const Expr& e, Loc loc, std::string msg, std::string hint = {})
    {
        diags_.add(Diagnostic{Severity::Error, code, loc, std::move(msg), std::move(hint), e.expanded_from});
    }

    static bool takes_modifier(const std::string& op)
    {
        static const std::set<std::string> ops = {"=",          "!=",          "contains", "icontains",
                                                  "bcontains",  "startswith",  "bstartswith", "endswith",
                                                  "glob",       "iglob",       "regex"};
        return ops.count(op) != 0;
    }

    // `f op anyof (a, b)` is `(f op a or f op b)`, allof the same with `and`;
    // an empty list is false for both, as in Falco
    bool expand_modifier(Expr& e)
    {
        if (!takes_modifier(e.op)) {
            error(Code::TypeMismatch, e, e.loc, "'" + e.modifier + "' cannot follow '" + e.op + "'",
                  "it follows = != contains icontains bcontains startswith bstartswith endswith glob iglob regex");
            return false;
        }
        Expr out;
        out.loc = e.loc;
        out.expanded_from = e.expanded_from;
        out.kind = e.modifier == "anyof" ? Expr::Kind::Or : Expr::Kind::And;
        for (const auto& item : e.rhs.items) {
            Expr one = e;
            one.modifier.clear();
            one.rhs = item;
            out.kids.push_back(std::move(one));
        }
        if (out.kids.empty())
            out.kind = Expr::Kind::False;
        else if (out.kids.size() == 1)
            out = std::move(out.kids[0]);
        e = std::move(out);
        return true;
    }

    bool compare(Expr& e)
    {
        std::string why;
        auto ref = resolve_field(e.field, e.arg, &why);
        if (!ref) {
            bool unknown = why.rfind("unknown field", 0) == 0;
            error(Code::UnknownField, e, e.loc, why, unknown ? suggestion(e.field) : "");
            return false;
        }
        Pred p;
        p.field = *ref;
        p.loc = e.loc;
        for (const auto& t : e.transformers)
            p.transformers.push_back(*parse_transformer(t));  // the parser only accepts known ones
        auto op = parse_op(e.op);
        if (!op) {
            error(Code::UnsupportedOperator, e, e.loc, "operator '" + e.op + "' is not supported");
            return false;
        }
        p.op = *op;
        const FieldType type = value_type(p);
        const std::string lhs = p.text().substr(0, p.text().find(' '));
        if (!op_fits(*op, type)) {
            error(Code::TypeMismatch, e, e.loc,
                  "operator '" + e.op + "' does not apply to '" + lhs + "', a " + type_name(type));
            return false;
        }
        const bool counted = !p.transformers.empty() && p.transformers.back() == Transformer::Len;
        if (multi_of(p.field) == FieldInfo::Multi::List && !counted && *op != Op::In && *op != Op::Intersects &&
            *op != Op::Exists) {
            error(Code::TypeMismatch, e, e.loc,
                  "'" + lhs + "' is a list: only 'in', 'intersects' and 'exists' apply to it");
            return false;
        }
        if (e.rhs.kind == Operand::Kind::Field && (multi_of(p.field) != FieldInfo::Multi::No || *op == Op::Regex ||
                                                   *op == Op::Pmatch || type == FieldType::Net)) {
            error(Code::TypeMismatch, e, e.rhs.loc, "'" + lhs + "' " + e.op + " cannot take a field on its right");
            return false;
        }
        if (e.modifier == "oneof") {
            if (!takes_modifier(e.op)) {
                error(Code::TypeMismatch, e, e.loc, "'oneof' cannot follow '" + e.op + "'");
                return false;
            }
            p.oneof = true;
            for (const auto& item : e.rhs.items) {
                Expr one = e;
                one.rhs = item;
                Pred tmp = p;
                tmp.values.clear();
                if (!operands(one, type, lhs, tmp))
                    return false;
                p.values.push_back(tmp.values.at(0));
                if (tmp.regex)
                    p.regexes.push_back(tmp.regex);
            }
            e.pred = preds_.intern(std::move(p));
            return true;
        }
        if (*op != Op::Exists && !operands(e, type, lhs, p))
            return false;
        if (p.field.id == FieldId::EvtType && p.transformers.empty())
            warn_uncaptured(e, p);
        e.pred = preds_.intern(std::move(p));
        return true;
    }

    bool operands(const Expr& e, FieldType type, const std::string& lhs, Pred& p)
    {
        const Operand& rhs = e.rhs;
        if (rhs.kind == Operand::Kind::Field) {
            std::string why;
            auto bracket = rhs.text.find('[');
            std::string name = rhs.text.substr(0, bracket);
            std::string arg = bracket == std::string::npos ? "" : rhs.text.substr(bracket + 1, rhs.text.size() - bracket - 2);
            auto other = resolve_field(name, arg, &why);
            if (!other) {
                error(Code::UnknownField, e, rhs.loc, why);
                return false;
            }
            if (takes_list(p.op) || field_info(other->id).type != type) {
                error(Code::TypeMismatch, e, rhs.loc,
                      "val(" + rhs.text + ") cannot be compared with '" + lhs + "' by '" + e.op + "'");
                return false;
            }
            p.other = *other;
            return true;
        }
        if (takes_list(p.op)) {
            if (rhs.kind == Operand::Kind::Word || rhs.kind == Operand::Kind::Quoted) {
                // Falco: `proc.name in bash` is the set {bash}
                auto v = constant(e, type, lhs, rhs);
                if (!v)
                    return false;
                p.values.push_back(std::move(*v));
                return true;
            }
            if (rhs.kind != Operand::Kind::List) {
                error(Code::TypeMismatch, e, rhs.loc, "'" + e.op + "' needs a list: " + lhs + " " + e.op + " (a, b)");
                return false;
            }
            bool ok = true;
            for (const auto& item : rhs.items) {
                auto v = constant(e, type, lhs, item);
                if (v)
                    p.values.push_back(std::move(*v));
                else
                    ok = false;
            }
            return ok;
        }
        if (rhs.kind == Operand::Kind::List) {
            error(Code::TypeMismatch, e, rhs.loc, "'" + e.op + "' takes one value, not a list",
                  "use 'in' to compare with a list");
            return false;
        }
        auto v = constant(e, type, lhs, rhs);
        if (!v)
            return false;
        if (p.op == Op::Bcontains || p.op == Op::Bstartswith) {
            auto bytes = from_hex(std::get<std::string>(*v));
            if (!bytes) {
                error(Code::BadValue, e, rhs.loc, "'" + rhs.text + "' is not hex bytes, as '" + e.op + "' needs");
                return false;
            }
            v = Value{*bytes};
        }
        if (p.op == Op::Regex) {
            re2::RE2::Options opts(re2::RE2::Quiet);
            opts.set_posix_syntax(true);  // Falco: RE2 in POSIX mode
            auto re = std::make_shared<re2::RE2>(std::get<std::string>(*v), opts);
            if (!re->ok()) {
                error(Code::BadValue, e, rhs.loc, "invalid regular expression '" + rhs.text + "': " + re->error());
                return false;
            }
            p.regex = re;
        }
        p.values.push_back(std::move(*v));
        return true;
    }

    std::optional<Value> constant(const Expr& e, FieldType type, const std::string& lhs, const Operand& o)
    {
        const std::string& t = o.text;
        switch (type) {
        case FieldType::String:
            return Value{t};
        case FieldType::Int:
            if (auto i = parse_int(t))
                return Value{*i};
            error(Code::BadValue, e, o.loc, "'" + t + "' is not a number, and '" + lhs + "' is a number");
            return std::nullopt;
        case FieldType::Bool:
            if (t == "true" || t == "false")
                return Value{t == "true"};
            error(Code::BadValue, e, o.loc, "'" + t + "' is not true or false, and '" + lhs + "' is a bool");
            return std::nullopt;
        case FieldType::Ip:
            if (auto a = parse_ip(t))
                return Value{IpNet{*a, 128}};
            error(Code::BadValue, e, o.loc, "'" + t + "' is not an IP address, and '" + lhs + "' is one",
                  "compare networks with fd.snet, fd.cnet, fd.rnet or fd.lnet");
            return std::nullopt;
        case FieldType::Net:
            if (auto n = parse_net(t))
                return Value{*n};
            error(Code::BadValue, e, o.loc, "'" + t + "' is not a network such as 10.0.0.0/8");
            return std::nullopt;
        }
        return std::nullopt;
    }

    void warn_uncaptured(const Expr& e, const Pred& p)
    {
        if (p.op != Op::Eq && p.op != Op::In && p.op != Op::Ne)
            return;
        std::set<std::string> known;
        for (uint32_t t = 1; t < TL_EVT_COUNT; t++)
            known.insert(evt_type_name(t));
        for (const auto& v : p.values) {
            const auto& name = std::get<std::string>(v);
            if (!known.count(name))
                diags_.add(Diagnostic{Severity::Warning, Code::UnsupportedEvent, e.loc,
                                      "tripline does not capture '" + name + "' events yet; 'evt.type = " + name +
                                          "' never holds",
                                      "", e.expanded_from});
        }
    }

    PredTable& preds_;
    Diagnostics& diags_;
};

}  // namespace

bool typecheck(Expr& e, PredTable& preds, Diagnostics& diags) { return Checker(preds, diags).check(e); }

}  // namespace tripline
