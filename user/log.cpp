// The logger; see log.h.
#include "user/log.h"

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>
#include <deque>
#include <mutex>

namespace tripline::log {

namespace {
bool g_verbose = false;
int g_min = 1;  // 0 debug, 1 info, 2 warning, 3 error
std::mutex g_mutex;
std::deque<std::string> g_libbpf_tail;

void emit(const char* level, const std::string& msg)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    std::fprintf(stderr, "tripline: %s%s\n", level, msg.c_str());
}

int libbpf_print(enum libbpf_print_level level, const char* fmt, va_list args)
{
    char buf[1024];
    std::vsnprintf(buf, sizeof(buf), fmt, args);
    std::string line(buf);
    while (!line.empty() && line.back() == '\n')
        line.pop_back();
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (level != LIBBPF_DEBUG) {
            g_libbpf_tail.push_back(line);
            if (g_libbpf_tail.size() > 20)
                g_libbpf_tail.pop_front();
        }
    }
    if (g_verbose)
        emit("libbpf: ", line);
    return 0;
}
}  // namespace

void set_verbose(bool on) { g_verbose = on; }
void set_level(const std::string& level)
{
    g_min = level == "debug" ? 0 : level == "warning" ? 2 : level == "error" ? 3 : 1;
    g_verbose = g_verbose || g_min == 0;
}
bool verbose() { return g_verbose; }
void info(const std::string& msg)
{
    if (g_min <= 1)
        emit("", msg);
}
void warn(const std::string& msg)
{
    if (g_min <= 2)
        emit("warning: ", msg);
}
void error(const std::string& msg) { emit("error: ", msg); }
void debug(const std::string& msg)
{
    if (g_verbose)
        emit("debug: ", msg);
}

void route_libbpf() { libbpf_set_print(libbpf_print); }

std::string libbpf_tail(size_t lines)
{
    std::lock_guard<std::mutex> lock(g_mutex);
    std::string out;
    size_t start = g_libbpf_tail.size() > lines ? g_libbpf_tail.size() - lines : 0;
    for (size_t i = start; i < g_libbpf_tail.size(); i++)
        out += (out.empty() ? "" : " | ") + g_libbpf_tail[i];
    return out;
}

}  // namespace tripline::log
