// The account snapshot; see accounts.h.
#include "rulegen/accounts.h"

#include <charconv>
#include <fstream>

namespace tripline {

namespace {

// "name:password:id:..." lines; unreadable files and odd lines add nothing
std::map<uint32_t, std::string> read_ids(const std::string& path)
{
    std::map<uint32_t, std::string> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        size_t a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
        size_t c = b == std::string::npos ? b : line.find(':', b + 1);
        if (c == std::string::npos || a == 0)
            continue;
        uint32_t id = 0;
        auto [end, ec] = std::from_chars(line.data() + b + 1, line.data() + c, id);
        if (ec == std::errc() && end == line.data() + c)
            out.emplace(id, line.substr(0, a));
    }
    out.emplace(0, "root");
    return out;
}

}  // namespace

Accounts Accounts::from_files(const std::string& passwd, const std::string& group)
{
    return Accounts{read_ids(passwd), read_ids(group)};
}

}  // namespace tripline
