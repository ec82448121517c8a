// Pass 2: condition text -> AST.
// Consumes the condition Text of a rule or macro; produces an Expr with
// Compare, MacroRef, And, Or and Not nodes. Tested by tests/test_parser.cpp.
//
//   or      := and ('or' and)*
//   and     := not ('and' not)*
//   not     := 'not' not | primary
//   primary := '(' or ')' | check | macro
//   check   := operand op value | operand 'exists'
//   operand := field | transformer '(' operand ')'
//   value   := word | "quoted" | 'val' '(' field ')' | '(' [value (',' value)*] ')'
#include "rulegen/parser.h"

#include "rulegen/lexer.h"

namespace tripline {

namespace {

class Parser {
public:
    Parser(const Text& text, Diagnostics& diags) : text_(text), lex_(text.s), diags_(diags) {}

    std::optional<Expr> parse()
    {
        if (lex_.peek().kind == Token::Kind::End) {
            fail(0, "empty condition");
            return std::nullopt;
        }
        auto e = parse_or(0);
        if (!e)
            return std::nullopt;
        Token t = lex_.next();
        if (t.kind != Token::Kind::End) {
            fail(t.begin, "unexpected '" + t.text + "' after a complete condition",
                 "join conditions with 'and' or 'or'");
            return std::nullopt;
        }
        return e;
    }

private:
    Loc at(size_t offset) const { return text_.at(offset); }

    void fail(size_t offset, std::string msg, std::string hint = {})
    {
        diags_.error(Code::Syntax, at(offset), std::move(msg), std::move(hint));
    }

    static bool is_keyword(const Token& t, const char* kw)
    {
        return t.kind == Token::Kind::Ident && t.text == kw;
    }

    std::optional<Expr> parse_or(int depth) { return parse_chain(depth, Expr::Kind::Or); }
    std::optional<Expr> parse_and(int depth) { return parse_chain(depth, Expr::Kind::And); }

    // operand ('or' operand)*, or operand ('and' operand)*
    std::optional<Expr> parse_chain(int depth, Expr::Kind kind)
    {
        const bool is_or = kind == Expr::Kind::Or;
        const char* keyword = is_or ? "or" : "and";
        auto operand = [&]() { return is_or ? parse_and(depth) : parse_not(depth); };
        auto left = operand();
        if (!left)
            return std::nullopt;
        if (!is_keyword(lex_.peek(), keyword))
            return left;
        Expr e;
        e.kind = kind;
        e.loc = left->loc;
        e.kids.push_back(std::move(*left));
        while (is_keyword(lex_.peek(), keyword)) {
            lex_.next();
            auto right = operand();
            if (!right)
                return std::nullopt;
            e.kids.push_back(std::move(*right));
        }
        return e;
    }

    std::optional<Expr> parse_not(int depth)
    {
        if (depth > kMaxNesting) {
            fail(lex_.pos(), "condition nested too deeply", "at most 200 levels of 'not' and parentheses");
            return std::nullopt;
        }
        Token t = lex_.peek();
        if (is_keyword(t, "not")) {
            lex_.next();
            auto inner = parse_not(depth + 1);
            if (!inner)
                return std::nullopt;
            Expr e;
            e.kind = Expr::Kind::Not;
            e.loc = at(t.begin);
            e.kids.push_back(std::move(*inner));
            return e;
        }
        return parse_primary(depth);
    }

    std::optional<Expr> parse_primary(int depth)
    {
        Token t = lex_.next();
        switch (t.kind) {
        case Token::Kind::LParen: {
            auto inner = parse_or(depth + 1);
            if (!inner)
                return std::nullopt;
            Token close = lex_.next();
            if (close.kind != Token::Kind::RParen) {
                fail(close.begin, close.kind == Token::Kind::End ? "missing ')'" : "expected ')' but found '" + close.text + "'",
                     "the '(' it closes is at column " + std::to_string(at(t.begin).col));
                return std::nullopt;
            }
            return inner;
        }
        case Token::Kind::Ident:
            if (t.text == "and" || t.text == "or") {
                fail(t.begin, "'" + t.text + "' needs a condition on its left");
                return std::nullopt;
            }
            return parse_check(t);
        case Token::Kind::End:
            fail(t.begin, "condition ends where a field, macro or '(' was expected");
            return std::nullopt;
        case Token::Kind::Error:
            fail(t.begin, t.text);
            return std::nullopt;
        default:
            fail(t.begin, "expected a field, macro or '(' but found '" + t.text + "'");
            return std::nullopt;
        }
    }

    static bool is_transformer(const std::string& s)
    {
        return s == "tolower" || s == "toupper" || s == "b64" || s == "basename" || s == "len";
    }

    // tolower(basename(fd.name)): the transformers, innermost first, and the field
    std::optional<Token> parse_operand(const Token& ident, std::vector<std::string>& transformers, int depth)
    {
        if (!is_transformer(ident.text) || lex_.peek().kind != Token::Kind::LParen)
            return ident;
        if (depth > kMaxNesting) {
            fail(ident.begin, "transformers nested too deeply");
            return std::nullopt;
        }
        lex_.next();
        Token inner = lex_.next();
        if (inner.kind != Token::Kind::Ident) {
            fail(inner.begin, "expected a field inside " + ident.text + "(...)");
            return std::nullopt;
        }
        auto field = parse_operand(inner, transformers, depth + 1);
        if (!field)
            return std::nullopt;
        Token close = lex_.next();
        if (close.kind != Token::Kind::RParen) {
            fail(close.begin, "expected ')' to close " + ident.text + "(");
            return std::nullopt;
        }
        transformers.push_back(ident.text);
        return field;
    }

    std::optional<Expr> parse_check(const Token& first)
    {
        Expr e;
        e.loc = at(first.begin);
        auto operand = parse_operand(first, e.transformers, 0);
        if (!operand)
            return std::nullopt;
        const Token& ident = *operand;
        Token op = lex_.peek();
        bool is_op = op.kind == Token::Kind::Op || (op.kind == Token::Kind::Ident && is_word_operator(op.text));
        if (!is_op) {
            if (ident.text.find('.') != std::string::npos || !e.transformers.empty()) {
                fail(op.begin, "field '" + ident.text + "' needs an operator",
                     "for example: " + ident.text + " = value, " + ident.text + " in (a, b), " +
                         ident.text + " exists");
                return std::nullopt;
            }
            e.kind = Expr::Kind::MacroRef;
            e.name = ident.text;
            return e;
        }
        lex_.next();
        e.kind = Expr::Kind::Compare;
        auto bracket = ident.text.find('[');
        e.field = ident.text.substr(0, bracket);
        if (bracket != std::string::npos)
            e.arg = ident.text.substr(bracket + 1, ident.text.size() - bracket - 2);
        e.op = op.text == "==" ? "=" : op.text;
        if (e.op == "exists")
            return e;
        // Falco 0.44: `proc.name startswith anyof (a, b)`
        Token mod = lex_.peek();
        if (mod.kind == Token::Kind::Ident && (mod.text == "oneof" || mod.text == "anyof" || mod.text == "allof")) {
            lex_.next();
            e.modifier = mod.text;
            Token open = lex_.next_value();
            if (open.kind != Token::Kind::LParen) {
                fail(open.begin, "expected a list after '" + e.op + " " + e.modifier + "'");
                return std::nullopt;
            }
            auto list = parse_list(open);
            if (!list)
                return std::nullopt;
            e.rhs = std::move(*list);
            return e;
        }
        auto value = parse_value(op, true);
        if (!value)
            return std::nullopt;
        e.rhs = std::move(*value);
        return e;
    }

    std::optional<Operand> parse_value(const Token& after, bool allow_list)
    {
        Token v = lex_.next_value();
        Operand o;
        o.loc = at(v.begin);
        switch (v.kind) {
        case Token::Kind::Word:
            if (v.text == "val" && lex_.peek().kind == Token::Kind::LParen)
                return parse_val(v);
            o.kind = Operand::Kind::Word;
            o.text = v.text;
            return o;
        case Token::Kind::Quoted:
            o.kind = Operand::Kind::Quoted;
            o.text = v.text;
            return o;
        case Token::Kind::LParen:
            if (!allow_list)
                break;
            return parse_list(v);
        case Token::Kind::Error:
            fail(v.begin, v.text);
            return std::nullopt;
        default:
            break;
        }
        fail(v.begin, v.kind == Token::Kind::End ? "expected a value after '" + after.text + "'"
                                                 : "expected a value after '" + after.text + "' but found '" + v.text + "'");
        return std::nullopt;
    }

    // val(field): compare with another field of the same event
    std::optional<Operand> parse_val(const Token& val)
    {
        lex_.next();
        Token field = lex_.next();
        Token close = lex_.next();
        if (field.kind != Token::Kind::Ident || close.kind != Token::Kind::RParen) {
            fail(field.begin, "expected val(field)");
            return std::nullopt;
        }
        Operand o;
        o.kind = Operand::Kind::Field;
        o.text = field.text;
        o.loc = at(val.begin);
        return o;
    }

    std::optional<Operand> parse_list(const Token& open)
    {
        Operand list;
        list.kind = Operand::Kind::List;
        list.loc = at(open.begin);
        Token t = lex_.next_value();
        if (t.kind == Token::Kind::RParen)
            return list;
        for (;;) {
            Operand item;
            item.loc = at(t.begin);
            if (t.kind == Token::Kind::Word || t.kind == Token::Kind::Quoted) {
                item.kind = t.kind == Token::Kind::Word ? Operand::Kind::Word : Operand::Kind::Quoted;
                item.text = t.text;
            } else if (t.kind == Token::Kind::LParen) {
                // Falco accepts nested lists and flattens them
                auto inner = parse_list(t);
                if (!inner)
                    return std::nullopt;
                for (auto& i : inner->items)
                    list.items.push_back(std::move(i));
                goto separator;
            } else {
                fail(t.begin, t.kind == Token::Kind::End ? "list is missing its ')'" : "expected a list item but found '" + t.text + "'",
                     "the list opened at column " + std::to_string(at(open.begin).col));
                return std::nullopt;
            }
            list.items.push_back(std::move(item));
        separator:
            Token sep = lex_.next_value();
            if (sep.kind == Token::Kind::RParen)
                return list;
            if (sep.kind != Token::Kind::Comma) {
                fail(sep.begin, sep.kind == Token::Kind::End ? "list is missing its ')'" : "expected ',' or ')' in list but found '" + sep.text + "'");
                return std::nullopt;
            }
            t = lex_.next_value();
        }
    }

    const Text& text_;
    Lexer lex_;
    Diagnostics& diags_;
};

}  // namespace

std::optional<Expr> parse_condition(const Text& text, Diagnostics& diags)
{
    return Parser(text, diags).parse();
}

Operand parse_list_item(const Text& text)
{
    Operand o;
    o.loc = text.at(0);
    const std::string& s = text.s;
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
        o.kind = Operand::Kind::Quoted;
        o.text = s.substr(1, s.size() - 2);
    } else {
        o.kind = Operand::Kind::Word;
        o.text = s;
    }
    return o;
}

}  // namespace tripline
