// Predicates; see predicate.h.
#include "rulegen/predicate.h"

#include <fnmatch.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace tripline {

const char* op_name(Op op)
{
    switch (op) {
    case Op::Eq: return "=";
    case Op::Ne: return "!=";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    case Op::In: return "in";
    case Op::Intersects: return "intersects";
    case Op::Pmatch: return "pmatch";
    case Op::Contains: return "contains";
    case Op::Icontains: return "icontains";
    case Op::Bcontains: return "bcontains";
    case Op::Startswith: return "startswith";
    case Op::Bstartswith: return "bstartswith";
    case Op::Endswith: return "endswith";
    case Op::Glob: return "glob";
    case Op::Iglob: return "iglob";
    case Op::Regex: return "regex";
    case Op::Exists: return "exists";
    }
    return "?";
}

std::optional<Op> parse_op(const std::string& s)
{
    static const std::map<std::string, Op> ops = [] {
        std::map<std::string, Op> m;
        for (int i = 0; i <= static_cast<int>(Op::Exists); i++)
            m[op_name(static_cast<Op>(i))] = static_cast<Op>(i);
        m["=="] = Op::Eq;
        return m;
    }();
    auto it = ops.find(s);
    if (it == ops.end())
        return std::nullopt;
    return it->second;
}

const char* transformer_name(Transformer t)
{
    switch (t) {
    case Transformer::Tolower: return "tolower";
    case Transformer::Toupper: return "toupper";
    case Transformer::B64: return "b64";
    case Transformer::Basename: return "basename";
    case Transformer::Len: return "len";
    }
    return "?";
}

std::optional<Transformer> parse_transformer(const std::string& s)
{
    for (int i = 0; i <= static_cast<int>(Transformer::Len); i++)
        if (s == transformer_name(static_cast<Transformer>(i)))
            return static_cast<Transformer>(i);
    return std::nullopt;
}

std::string Pred::text() const
{
    std::string lhs = field.text();
    for (Transformer t : transformers)
        lhs = std::string(transformer_name(t)) + "(" + lhs + ")";
    std::string s = lhs + " " + op_name(op) + (oneof ? " oneof" : "");
    if (op == Op::Exists)
        return s;
    if (other)
        return s + " val(" + other->text() + ")";
    auto quote = [](const Value& v) {
        std::string t = format_value(v);
        bool plain = !t.empty() && std::none_of(t.begin(), t.end(), [](char c) {
            return std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == ',' || c == '"';
        });
        if (plain || !std::holds_alternative<std::string>(v))
            return t;
        std::string q = "\"";
        for (char c : t)
            q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        return q + "\"";
    };
    if (op == Op::In || op == Op::Intersects || op == Op::Pmatch || oneof) {
        s += " (";
        for (size_t i = 0; i < values.size(); i++)
            s += (i ? ", " : "") + quote(values[i]);
        return s + ")";
    }
    return s + " " + (values.empty() ? std::string() : quote(values[0]));
}

FieldType value_type(const Pred& p)
{
    FieldType t = field_info(p.field.id).type;
    for (Transformer x : p.transformers)
        t = x == Transformer::Len ? FieldType::Int : FieldType::String;
    return t;
}

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

std::optional<std::string> b64_decode(const std::string& in)
{
    static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=')
            break;
        auto pos = chars.find(c);
        if (pos == std::string::npos)
            return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

std::string basename_of(const std::string& p)
{
    auto slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

bool equal(const Value& field, const Value& constant)
{
    // addresses and networks: the constant is a network, the value an address
    if (const auto* net = std::get_if<IpNet>(&constant)) {
        if (const auto* a = std::get_if<IpAddr>(&field))
            return net->contains(*a);
        if (const auto* n = std::get_if<IpNet>(&field))
            return net->contains(n->addr);
        return false;
    }
    return field == constant;
}

// one scalar value against the predicate's constants
bool scalar(const Pred& p, const Value& v, const std::optional<Value>& other)
{
    auto first = [&]() -> const Value& { return other ? *other : p.values.at(0); };
    switch (p.op) {
    case Op::Exists:
        return true;
    case Op::Eq:
        return equal(v, first());
    case Op::Ne:
        return !equal(v, first());
    case Op::In:
    case Op::Intersects:
        return std::any_of(p.values.begin(), p.values.end(), [&](const Value& c) { return equal(v, c); });
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
        const auto* a = std::get_if<int64_t>(&v);
        const auto* b = std::get_if<int64_t>(&first());
        if (!a || !b)
            return false;
        return p.op == Op::Lt ? *a < *b : p.op == Op::Le ? *a <= *b : p.op == Op::Gt ? *a > *b : *a >= *b;
    }
    case Op::Pmatch: {
        const auto* s = std::get_if<std::string>(&v);
        return s && std::any_of(p.values.begin(), p.values.end(), [&](const Value& c) {
                   return path_under(*s, std::get<std::string>(c));
               });
    }
    default:
        break;
    }
    const auto* s = std::get_if<std::string>(&v);
    const auto* c = std::get_if<std::string>(&first());
    if (!s || !c)
        return false;
    switch (p.op) {
    case Op::Contains:
    case Op::Bcontains:
        return s->find(*c) != std::string::npos;
    case Op::Icontains:
        return lower(*s).find(lower(*c)) != std::string::npos;
    case Op::Startswith:
    case Op::Bstartswith:
        return s->compare(0, c->size(), *c) == 0;
    case Op::Endswith:
        return s->size() >= c->size() && s->compare(s->size() - c->size(), c->size(), *c) == 0;
    case Op::Glob:
        return fnmatch(c->c_str(), s->c_str(), 0) == 0;
    case Op::Iglob:
        return fnmatch(c->c_str(), s->c_str(), FNM_CASEFOLD) == 0;
    case Op::Regex:  // RE2 in POSIX mode, a full match
        return p.regex && re2::RE2::FullMatch(*s, *p.regex);
    default:
        return false;
    }
}

}  // namespace

std::optional<Value> transform(const std::vector<Transformer>& ts, std::optional<Value> v)
{
    for (Transformer t : ts) {
        if (!v)
            return v;
        if (t == Transformer::Len) {
            if (const auto* s = std::get_if<std::string>(&*v))
                v = Value{static_cast<int64_t>(s->size())};
            else if (const auto* l = std::get_if<StrList>(&*v))
                v = Value{static_cast<int64_t>(l->size())};
            else
                return std::nullopt;
            continue;
        }
        const auto* s = std::get_if<std::string>(&*v);
        if (!s)
            v = Value{format_value(*v)};
        std::string str = std::get<std::string>(*v);
        switch (t) {
        case Transformer::Tolower: v = Value{lower(str)}; break;
        case Transformer::Toupper: v = Value{upper(str)}; break;
        case Transformer::Basename: v = Value{basename_of(str)}; break;
        case Transformer::B64: {
            auto d = b64_decode(str);
            if (!d)
                return std::nullopt;
            v = Value{*d};
            break;
        }
        case Transformer::Len: break;
        }
    }
    return v;
}

// oneof: each value alone, exactly one must hold
bool exactly_one(const Pred& p, const Value& v)
{
    int hits = 0;
    for (size_t i = 0; i < p.values.size(); i++) {
        Pred one = p;
        one.oneof = false;
        one.values = {p.values[i]};
        if (i < p.regexes.size())
            one.regex = p.regexes[i];
        hits += scalar(one, v, std::nullopt);
    }
    return hits == 1;
}

bool eval_pred(const Pred& p, const std::optional<Value>& v, const std::optional<Value>& other)
{
    if (!v || (p.other && !other))
        return false;
    if (p.oneof)
        return exactly_one(p, *v);
    return scalar(p, *v, other);
}

std::optional<std::vector<Value>> transform_values(const std::vector<Transformer>& ts,
                                                   std::optional<std::vector<Value>> vs)
{
    if (!vs || ts.empty())
        return vs;
    for (size_t i = 0; i < ts.size(); i++) {
        if (ts[i] == Transformer::Len) {
            // len() of several values is their count; what follows applies to the count
            auto rest = std::vector<Transformer>(ts.begin() + static_cast<long>(i) + 1, ts.end());
            auto counted = transform(rest, Value{static_cast<int64_t>(vs->size())});
            if (!counted)
                return std::nullopt;
            return std::vector<Value>{*counted};
        }
        for (auto& v : *vs) {
            auto t = transform({ts[i]}, v);
            if (!t)
                return std::nullopt;
            v = *t;
        }
    }
    return vs;
}

bool eval_pred_values(const Pred& p, const std::optional<std::vector<Value>>& vs, FieldInfo::Multi multi,
                      const std::optional<Value>& other)
{
    if (!vs || (p.other && !other))
        return false;
    const auto& list = *vs;
    auto any = [&]() { return std::any_of(list.begin(), list.end(), [&](const Value& v) { return scalar(p, v, other); }); };
    switch (multi) {
    case FieldInfo::Multi::List:
        if (p.op == Op::Exists)
            return true;
        if (p.op == Op::In)  // a subset test
            return std::all_of(list.begin(), list.end(), [&](const Value& v) { return scalar(p, v, other); });
        return any();  // intersects
    case FieldInfo::Multi::Either:
        if (p.op == Op::Ne)  // neither end equals
            return std::all_of(list.begin(), list.end(), [&](const Value& v) { return scalar(p, v, other); });
        return any();
    default:  // some ancestor satisfies the comparison, whatever the operator
        return any();
    }
}

bool path_under(const std::string& path, const std::string& prefix)
{
    auto components = [](const std::string& s) {
        std::vector<std::string> out;
        size_t i = 0;
        while (i < s.size()) {
            size_t j = s.find('/', i);
            if (j == std::string::npos)
                j = s.size();
            if (j > i)
                out.push_back(s.substr(i, j - i));
            i = j + 1;
        }
        return out;
    };
    auto pre = components(prefix), p = components(path);
    if (pre.size() > p.size())
        return false;
    for (size_t i = 0; i < pre.size(); i++) {
        // a component with ? * [ is a glob for that component
        bool glob = pre[i].find_first_of("?*[") != std::string::npos;
        if (glob ? fnmatch(pre[i].c_str(), p[i].c_str(), 0) != 0 : pre[i] != p[i])
            return false;
    }
    return true;
}

}  // namespace tripline
