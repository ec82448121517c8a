// See yaml_docs.h. A first pass drives yaml-cpp's parser with an event
// handler that only notes where each document starts and whether it was
// empty; a document that is empty but does not start at a document marker
// is a token the parser could not place, which LoadAll would loop on. Each
// document is then loaded alone from a copy of the text with every other
// line blanked, so that marks keep their line and column.
#include "rulegen/yaml_docs.h"

#include <yaml-cpp/eventhandler.h>

#include <sstream>

namespace tripline {

namespace {

struct DocumentProbe : YAML::EventHandler {
    YAML::Mark start;
    bool empty = true;

    void OnDocumentStart(const YAML::Mark& m) override
    {
        start = m;
        empty = true;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { empty = false; }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { empty = false; }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        empty = false;
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        empty = false;
    }
    void OnMapEnd() override {}
};

bool at_marker(const std::string& text, const YAML::Mark& m)
{
    if (m.pos < 0 || static_cast<size_t>(m.pos) >= text.size())
        return true;  // the end of the stream
    return text.compare(static_cast<size_t>(m.pos), 3, "---") == 0 ||
           text.compare(static_cast<size_t>(m.pos), 3, "...") == 0;
}

// `text` with every line outside [first, last) emptied
std::string only_lines(const std::string& text, int first, int last)
{
    std::string out;
    out.reserve(text.size());
    int line = 0;
    bool keep = line >= first && line < last;
    for (char c : text) {
        if (c == '\n') {
            out += c;
            line++;
            keep = line >= first && line < last;
            continue;
        }
        if (keep)
            out += c;
    }
    return out;
}

}  // namespace

std::vector<YAML::Node> load_documents(const std::string& text)
{
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentProbe probe;
    std::vector<int> starts;  // the first line of each non-empty document
    while (parser.HandleNextDocument(probe)) {
        if (!probe.empty) {
            starts.push_back(probe.start.line);
            continue;
        }
        if (!at_marker(text, probe.start))
            throw YAML::ParserException(probe.start, std::string("unexpected '") + text[probe.start.pos] + "'");
    }
    std::vector<YAML::Node> docs;
    if (starts.size() == 1) {
        docs.push_back(YAML::Load(text));
        return docs;
    }
    for (size_t i = 0; i < starts.size(); i++) {
        int last = i + 1 < starts.size() ? starts[i + 1] : INT32_MAX;
        docs.push_back(YAML::Load(only_lines(text, starts[i], last)));
    }
    return docs;
}

}  // namespace tripline
