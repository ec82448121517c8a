// Diagnostics: every rule error carries file:line:col, the source line with a
// caret, a stable code (tests assert on codes, not wording), and the chain of
// macros it was expanded from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tripline {

struct Loc {
    uint32_t file = 0;  // index into SourceManager; 0 = no file
    uint32_t line = 0;  // 1-based; 0 = unknown
    uint32_t col = 0;   // 1-based
    bool known() const { return line != 0; }
};

enum class Severity { Error, Warning };

// Stable codes, documented in docs/diagnostics.md.
enum class Code {
    YamlSyntax,        // the file is not valid YAML
    YamlShape,         // valid YAML, but not a list of rule/macro/list items
    MissingKey,        // a required key (condition, output, ...) is absent
    BadKeyValue,       // a key has the wrong type or value
    UnknownKey,        // warning: a key tripline does not know
    UnknownItem,       // an item that is neither rule, macro nor list
    Syntax,            // condition syntax error
    UnknownField,      // a field the catalog does not have
    UnknownMacro,      // an identifier that names no macro
    UnknownList,       // reserved: a list reference that names no list
    MacroCycle,        // a macro that expands to itself
    TypeMismatch,      // operator or value does not fit the field's type
    BadValue,          // a value that cannot be parsed for the field
    BadOutput,         // output template error
    UnsupportedSource, // warning: a rule for a source tripline does not have
    Capacity,          // the ruleset does not fit the kernel tables
    Io,                // a file could not be read
    UnsupportedOperator, // an operator tripline does not implement yet
    UnsupportedEvent,  // warning: an event type tripline does not capture yet
    BadOverride,       // an append/override that Falco's loader refuses
    BadException,      // an exception whose fields, comps or values do not fit
    EngineVersion,     // the rules need a newer rules engine
    UnsupportedPlugin, // warning: the rules name a plugin tripline does not have
    Deprecated,        // warning: a form Falco deprecates (append: true, enabled-only items)
    Ignored,           // warning: accepted and ignored (capture)
    NoEventType,       // warning: a rule that matches every event type
};

const char* code_name(Code c);

struct Diagnostic {
    Severity severity = Severity::Error;
    Code code = Code::Syntax;
    Loc loc;
    std::string message;
    std::string hint;
    std::vector<std::pair<std::string, Loc>> expanded_from;  // macro name, use site
};

class SourceManager {
public:
    uint32_t add(std::string path, std::string text);
    const std::string& path(uint32_t file) const;
    std::string line_text(uint32_t file, uint32_t line) const;
    std::string where(const Loc& loc) const;  // "file:line:col"

private:
    struct File {
        std::string path;
        std::string text;
    };
    std::vector<File> files_{File{"<none>", ""}};
};

class Diagnostics {
public:
    void error(Code code, Loc loc, std::string message, std::string hint = {});
    void warning(Code code, Loc loc, std::string message, std::string hint = {});
    void add(Diagnostic d) { all_.push_back(std::move(d)); }

    bool has_errors() const;
    size_t error_count() const;
    const std::vector<Diagnostic>& all() const { return all_; }
    bool has_code(Code c) const;

    // "file:line:col: error: message [code]", source line, caret, hint, chain
    std::string format(const SourceManager& sm) const;

private:
    std::vector<Diagnostic> all_;
};

}  // namespace tripline
