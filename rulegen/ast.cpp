// Printing of the AST; see ast.h.
#include "rulegen/ast.h"

namespace tripline {

std::string to_string(const Operand& o)
{
    switch (o.kind) {
    case Operand::Kind::None:
        return "";
    case Operand::Kind::Word:
        return o.text;
    case Operand::Kind::Quoted: {
        std::string s = "\"";
        for (char c : o.text) {
            if (c == '"' || c == '\\')
                s += '\\';
            s += c;
        }
        return s + "\"";
    }
    case Operand::Kind::Field:
        return "val(" + o.text + ")";
    case Operand::Kind::List: {
        std::string s = "(";
        for (size_t i = 0; i < o.items.size(); i++)
            s += (i ? ", " : "") + to_string(o.items[i]);
        return s + ")";
    }
    }
    return "";
}

std::string to_string(const Expr& e)
{
    switch (e.kind) {
    case Expr::Kind::True:
        return "true";
    case Expr::Kind::False:
        return "false";
    case Expr::Kind::MacroRef:
        return e.name;
    case Expr::Kind::Not:
        return "not " + to_string(e.kids.at(0));
    case Expr::Kind::And:
    case Expr::Kind::Or: {
        std::string s = "(";
        for (size_t i = 0; i < e.kids.size(); i++) {
            if (i)
                s += e.kind == Expr::Kind::And ? " and " : " or ";
            s += to_string(e.kids[i]);
        }
        return s + ")";
    }
    case Expr::Kind::Compare: {
        std::string s = e.field;
        if (!e.arg.empty())
            s += "[" + e.arg + "]";
        for (const auto& t : e.transformers)
            s = t + "(" + s + ")";
        s += " " + e.op;
        if (!e.modifier.empty())
            s += " " + e.modifier;
        if (e.rhs.kind != Operand::Kind::None)
            s += " " + to_string(e.rhs);
        return s;
    }
    }
    return "";
}

}  // namespace tripline
