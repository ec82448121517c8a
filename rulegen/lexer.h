// The condition lexer. Falco's condition language is context-sensitive: after
// an operator, '/etc/' or '169.254.0.0/16' is one bare value, not punctuation,
// so the parser asks for either a structural token or a value.
#pragma once

#include <string>

namespace tripline {

struct Token {
    enum class Kind { End, LParen, RParen, Comma, Ident, Op, Word, Quoted, Error } kind = Kind::End;
    std::string text;  // unquoted for Quoted; the message for Error
    size_t begin = 0;  // offsets into the condition text
    size_t end = 0;
};

class Lexer {
public:
    explicit Lexer(const std::string& text) : s_(text) {}

    Token next();        // ( ) , identifiers (fields, macros, keywords, word operators), = != < ...
    Token next_value();  // a quoted string, a bare word, or '(' opening a list
    Token peek();        // next() without consuming it
    size_t pos() const { return pos_; }

private:
    void skip_space();
    Token quoted(char quote);
    Token word(size_t begin);  // up to a space, a parenthesis or a comma

    std::string s_;  // owned: a lexer may outlive the text it was given
    size_t pos_ = 0;
};

bool is_word_operator(const std::string& ident);  // in, contains, startswith, exists, ...

}  // namespace tripline
