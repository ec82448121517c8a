// Formatting of diagnostics; see diag.h.
#include "rulegen/diag.h"

#include <sstream>

namespace tripline {

const char* code_name(Code c)
{
    switch (c) {
    case Code::YamlSyntax: return "yaml-syntax";
    case Code::YamlShape: return "yaml-shape";
    case Code::MissingKey: return "missing-key";
    case Code::BadKeyValue: return "bad-key-value";
    case Code::UnknownKey: return "unknown-key";
    case Code::UnknownItem: return "unknown-item";
    case Code::Syntax: return "syntax";
    case Code::UnknownField: return "unknown-field";
    case Code::UnknownMacro: return "unknown-macro";
    case Code::UnknownList: return "unknown-list";
    case Code::MacroCycle: return "macro-cycle";
    case Code::TypeMismatch: return "type-mismatch";
    case Code::BadValue: return "bad-value";
    case Code::BadOutput: return "bad-output";
    case Code::UnsupportedSource: return "unsupported-source";
    case Code::Capacity: return "capacity";
    case Code::Io: return "io";
    case Code::UnsupportedOperator: return "unsupported-operator";
    case Code::UnsupportedEvent: return "unsupported-event";
    case Code::BadOverride: return "bad-override";
    case Code::BadException: return "bad-exception";
    case Code::EngineVersion: return "engine-version";
    case Code::UnsupportedPlugin: return "unsupported-plugin";
    case Code::Deprecated: return "deprecated";
    case Code::Ignored: return "ignored";
    case Code::NoEventType: return "no-event-type";
    }
    return "unknown";
}

uint32_t SourceManager::add(std::string path, std::string text)
{
    files_.push_back(File{std::move(path), std::move(text)});
    return static_cast<uint32_t>(files_.size() - 1);
}

const std::string& SourceManager::path(uint32_t file) const
{
    return files_.at(file < files_.size() ? file : 0).path;
}

std::string SourceManager::line_text(uint32_t file, uint32_t line) const
{
    if (file == 0 || file >= files_.size() || line == 0)
        return {};
    const std::string& t = files_[file].text;
    size_t pos = 0;
    for (uint32_t l = 1; l < line; l++) {
        pos = t.find('\n', pos);
        if (pos == std::string::npos)
            return {};
        pos++;
    }
    size_t end = t.find('\n', pos);
    return t.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

std::string SourceManager::where(const Loc& loc) const
{
    std::ostringstream o;
    o << path(loc.file);
    if (loc.known())
        o << ':' << loc.line << ':' << loc.col;
    return o.str();
}

void Diagnostics::error(Code code, Loc loc, std::string message, std::string hint)
{
    all_.push_back(Diagnostic{Severity::Error, code, loc, std::move(message), std::move(hint), {}});
}

void Diagnostics::warning(Code code, Loc loc, std::string message, std::string hint)
{
    all_.push_back(Diagnostic{Severity::Warning, code, loc, std::move(message), std::move(hint), {}});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const
{
    size_t n = 0;
    for (const auto& d : all_)
        n += d.severity == Severity::Error;
    return n;
}

bool Diagnostics::has_code(Code c) const
{
    for (const auto& d : all_)
        if (d.code == c)
            return true;
    return false;
}

std::string Diagnostics::format(const SourceManager& sm) const
{
    std::ostringstream o;
    for (const auto& d : all_) {
        if (d.loc.file != 0)
            o << sm.where(d.loc) << ": ";
        o << (d.severity == Severity::Error ? "error" : "warning") << ": "
          << d.message << " [" << code_name(d.code) << "]\n";
        std::string line = sm.line_text(d.loc.file, d.loc.line);
        if (!line.empty()) {
            o << "  " << line << "\n  ";
            for (uint32_t i = 1; i < d.loc.col && i <= line.size(); i++)
                o << (line[i - 1] == '\t' ? '\t' : ' ');
            o << "^\n";
        }
        if (!d.hint.empty())
            o << "  hint: " << d.hint << "\n";
        for (const auto& [name, use] : d.expanded_from)
            o << "  expanded from macro '" << name << "' used at " << sm.where(use) << "\n";
    }
    return o.str();
}

}  // namespace tripline
