// The condition lexer; see lexer.h. Tested by tests/test_parser.cpp.
#include "rulegen/lexer.h"

#include <cctype>
#include <set>

namespace tripline {

bool is_word_operator(const std::string& ident)
{
    static const std::set<std::string> ops = {
        "in",         "intersects", "pmatch", "contains", "icontains", "bcontains", "startswith",
        "bstartswith", "endswith",  "glob",   "iglob",    "regex",     "exists"};
    return ops.count(ident) != 0;
}

void Lexer::skip_space()
{
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])))
        pos_++;
}

Token Lexer::peek()
{
    size_t saved = pos_;
    Token t = next();
    pos_ = saved;
    return t;
}

Token Lexer::quoted(char quote)
{
    // Falco: the string ends at a quote not right after a backslash; then the
    // escapes \b \f \n \r \t \\ \/ and the same quote are decoded
    size_t begin = pos_++;
    size_t end = pos_;
    while (end < s_.size() && !(s_[end] == quote && s_[end - 1] != '\\'))
        end++;
    if (end >= s_.size()) {
        pos_ = s_.size();
        return Token{Token::Kind::Error, "unterminated string: missing closing " + std::string(1, quote), begin, pos_};
    }
    std::string text;
    for (size_t i = begin + 1; i < end; i++) {
        if (s_[i] != '\\' || i + 1 >= end) {
            text += s_[i];
            continue;
        }
        char n = s_[++i];
        switch (n) {
        case 'b': text += '\b'; break;
        case 'f': text += '\f'; break;
        case 'n': text += '\n'; break;
        case 'r': text += '\r'; break;
        case 't': text += '\t'; break;
        case '\\': text += '\\'; break;
        case '/': text += '/'; break;
        case ' ': text += '\\'; break;  // Falco's quirk: a backslash, the space dropped
        case '"':
        case '\'':
            if (n != quote) {
                pos_ = end + 1;
                return Token{Token::Kind::Error,
                             std::string("invalid \\") + n + " escape in " + quote + "-quoted string", begin, pos_};
            }
            text += n;
            break;
        default:
            pos_ = end + 1;
            return Token{Token::Kind::Error, std::string("unsupported string escape sequence: \\") + n, begin, pos_};
        }
    }
    pos_ = end + 1;
    return Token{Token::Kind::Quoted, text, begin, pos_};
}

Token Lexer::next()
{
    skip_space();
    size_t begin = pos_;
    if (pos_ >= s_.size())
        return Token{Token::Kind::End, "", begin, begin};
    char c = s_[pos_];
    if (c == '(' || c == ')' || c == ',') {
        pos_++;
        auto kind = c == '(' ? Token::Kind::LParen : c == ')' ? Token::Kind::RParen : Token::Kind::Comma;
        return Token{kind, std::string(1, c), begin, pos_};
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        while (pos_ < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
                s_[pos_] == '.' || s_[pos_] == '-'))
            pos_++;
        // a field argument: proc.aname[2], proc.env[HOME]
        if (pos_ < s_.size() && s_[pos_] == '[') {
            size_t close = s_.find(']', pos_);
            if (close == std::string::npos)
                return Token{Token::Kind::Error, "missing ']' after field argument", pos_, s_.size()};
            pos_ = close + 1;
        }
        return Token{Token::Kind::Ident, s_.substr(begin, pos_ - begin), begin, pos_};
    }
    for (const char* op : {"==", "!=", "<=", ">=", "=", "<", ">"}) {
        size_t n = std::char_traits<char>::length(op);
        if (s_.compare(pos_, n, op) == 0) {
            pos_ += n;
            return Token{Token::Kind::Op, op, begin, pos_};
        }
    }
    if (c == '"' || c == '\'')
        return quoted(c);
    // anything else is a stray bare word: let the parser say what it expected
    return word(begin);
}

// a bare value: up to a blank, a parenthesis, a comma, '=' or a quote, as Falco
Token Lexer::word(size_t begin)
{
    static const std::string stops = "(),=\"'";
    while (pos_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[pos_])) &&
           stops.find(s_[pos_]) == std::string::npos)
        pos_++;
    if (pos_ == begin) {  // a lone '=' or quote where a value belongs
        pos_++;
        return Token{Token::Kind::Error, "unexpected '" + s_.substr(begin, 1) + "' where a value belongs", begin, pos_};
    }
    return Token{Token::Kind::Word, s_.substr(begin, pos_ - begin), begin, pos_};
}

Token Lexer::next_value()
{
    skip_space();
    size_t begin = pos_;
    if (pos_ >= s_.size())
        return Token{Token::Kind::End, "", begin, begin};
    char c = s_[pos_];
    if (c == '(') {
        pos_++;
        return Token{Token::Kind::LParen, "(", begin, pos_};
    }
    if (c == ')' || c == ',') {
        pos_++;
        return Token{c == ')' ? Token::Kind::RParen : Token::Kind::Comma, std::string(1, c), begin, pos_};
    }
    if (c == '"' || c == '\'')
        return quoted(c);
    return word(begin);
}

}  // namespace tripline
