// Loading every document of a YAML stream without YAML::LoadAll, which in
// yaml-cpp 0.7 (Debian 12) loops forever, allocating, on input such as a
// lone ',' (yaml-cpp issue 1040; Falco hit it as falcosecurity/falco#3281).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace tripline {

// The documents of `text`, each node's marks pointing into `text`. Throws
// YAML::ParserException (with a mark) where the stream is malformed,
// including content the parser would otherwise skip.
std::vector<YAML::Node> load_documents(const std::string& text);

}  // namespace tripline
