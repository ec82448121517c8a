// See procfs.h.
#include "user/procfs.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tripline {

namespace {

std::string read_all(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// field 22 of /proc/PID/stat: start time in clock ticks since boot
std::optional<uint64_t> start_ticks(const std::string& dir)
{
    const std::string stat = read_all(dir + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream rest(stat.substr(close + 2));
    std::string skip;
    for (int field = 3; field < 22; field++)
        rest >> skip;
    uint64_t ticks = 0;
    if (!(rest >> ticks))
        return std::nullopt;
    return ticks;
}

}  // namespace

std::optional<ProcFacts> read_proc_facts(uint32_t pid, uint64_t start_ns)
{
    static const uint64_t ns_per_tick = 1000000000ULL / static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
    const std::string dir = "/proc/" + std::to_string(pid);
    // the kernel prints nsec_to_clock_t(start_boottime): the same division
    auto before = start_ticks(dir);
    if (!before || *before != start_ns / ns_per_tick)
        return std::nullopt;
    ProcFacts f;
    std::error_code ec;
    f.exepath = std::filesystem::read_symlink(dir + "/exe", ec).string();
    f.argv = read_all(dir + "/cmdline");
    while (!f.argv.empty() && f.argv.back() == '\0')
        f.argv.pop_back();
    // still the same process after the reads?
    auto after = start_ticks(dir);
    if (!after || *after != *before)
        return std::nullopt;
    return f;
}

}  // namespace tripline
