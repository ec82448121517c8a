// Predicates; see predicate.h.
#include "rulegen/predicate.h"

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
    case Op::Contains: return "contains";
    case Op::Icontains: return "icontains";
    case Op::Startswith: return "startswith";
    case Op::Endswith: return "endswith";
    case Op::Exists: return "exists";
    }
    return "?";
}

std::optional<Op> parse_op(const std::string& s)
{
    static const std::map<std::string, Op> ops = {
        {"=", Op::Eq},          {"!=", Op::Ne},         {"<", Op::Lt},
        {"<=", Op::Le},         {">", Op::Gt},          {">=", Op::Ge},
        {"in", Op::In},         {"contains", Op::Contains}, {"icontains", Op::Icontains},
        {"startswith", Op::Startswith}, {"endswith", Op::Endswith}, {"exists", Op::Exists}};
    auto it = ops.find(s);
    if (it == ops.end())
        return std::nullopt;
    return it->second;
}

std::string Pred::text() const
{
    std::string s = std::string(field_info(field).name) + " " + op_name(op);
    if (op == Op::Exists)
        return s;
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
    if (op == Op::In) {
        s += " (";
        for (size_t i = 0; i < values.size(); i++)
            s += (i ? ", " : "") + quote(values[i]);
        return s + ")";
    }
    return s + " " + (values.empty() ? std::string() : quote(values[0]));
}

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool equal(const Value& field, const Value& constant)
{
    // addresses and networks: the constant is a network, the value an address
    if (const auto* net = std::get_if<IpNet>(&constant)) {
        if (const auto* a = std::get_if<IpAddr>(&field))
            return net->contains(*a);
        return false;
    }
    return field == constant;
}

}  // namespace

bool eval_pred(const Pred& p, const std::optional<Value>& v)
{
    if (!v)
        return false;
    switch (p.op) {
    case Op::Exists:
        return true;
    case Op::Eq:
        return equal(*v, p.values.at(0));
    case Op::Ne:
        return !equal(*v, p.values.at(0));
    case Op::In:
        return std::any_of(p.values.begin(), p.values.end(), [&](const Value& c) { return equal(*v, c); });
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
        const auto* a = std::get_if<int64_t>(&*v);
        const auto* b = std::get_if<int64_t>(&p.values.at(0));
        if (!a || !b)
            return false;
        return p.op == Op::Lt ? *a < *b : p.op == Op::Le ? *a <= *b : p.op == Op::Gt ? *a > *b : *a >= *b;
    }
    case Op::Contains:
    case Op::Icontains:
    case Op::Startswith:
    case Op::Endswith: {
        const auto* s = std::get_if<std::string>(&*v);
        const auto* c = std::get_if<std::string>(&p.values.at(0));
        if (!s || !c)
            return false;
        if (p.op == Op::Contains)
            return s->find(*c) != std::string::npos;
        if (p.op == Op::Icontains)
            return lower(*s).find(lower(*c)) != std::string::npos;
        if (p.op == Op::Startswith)
            return s->compare(0, c->size(), *c) == 0;
        return s->size() >= c->size() && s->compare(s->size() - c->size(), c->size(), *c) == 0;
    }
    }
    return false;
}

}  // namespace tripline
