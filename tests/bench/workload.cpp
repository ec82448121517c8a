// The benchmark's workload: N threads for D seconds of a mix of syscalls,
// reporting operations per second per kind as JSON on stdout.
//
//   workload --threads 2 --seconds 5 --mix open=4,open_watched=1,stat=2,connect=1,exec=1,getpid=4
//
// Kinds:
//   open          open/read/close of a file outside any watched directory
//   open_watched  the same for a file below /etc (read only: matches no default rule)
//   open_write    open for writing of a file in the work directory
//   stat          stat of a file
//   connect       connect to and accept from a loopback listener
//   exec          fork + exec of a small static binary (argv[0] of this program's --exec)
//   getpid        the cheapest syscall: pure per-syscall overhead
//   sensitive     open of /etc/shadow for reading: one alert per op with the default rules
// Each thread runs the mix round-robin, weight times each kind per round.
// --rate caps the total operations per second (for alert bursts).
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

enum Kind { kOpen, kOpenWatched, kOpenWrite, kStat, kConnect, kExec, kGetpid, kSensitive, kKinds };
const char* kNames[kKinds] = {"open", "open_watched", "open_write", "stat", "connect", "exec", "getpid", "sensitive"};

struct Options {
    int threads = 2;
    double seconds = 5;
    int weights[kKinds] = {4, 1, 1, 2, 1, 1, 4, 0};
    double rate = 0;  // total ops/s cap; 0: as fast as possible
    std::string dir = "/tmp/tripline-workload";
    std::string exec_path = "/bin/true";
};

std::atomic<bool> g_stop{false};
int g_listen_fd = -1;
uint16_t g_port = 0;

void die(const char* what)
{
    std::fprintf(stderr, "workload: %s: %s\n", what, std::strerror(errno));
    std::exit(2);
}

bool parse_mix(const std::string& mix, Options& o)
{
    for (auto& w : o.weights)
        w = 0;
    size_t pos = 0;
    while (pos < mix.size()) {
        size_t comma = mix.find(',', pos);
        std::string item = mix.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        pos = comma == std::string::npos ? mix.size() : comma + 1;
        size_t eq = item.find('=');
        std::string name = item.substr(0, eq);
        int weight = eq == std::string::npos ? 1 : std::atoi(item.c_str() + eq + 1);
        bool found = false;
        for (int k = 0; k < kKinds; k++)
            if (name == kNames[k]) {
                o.weights[k] = weight;
                found = true;
            }
        if (!found) {
            std::fprintf(stderr, "workload: unknown kind '%s' in --mix\n", name.c_str());
            return false;
        }
    }
    return true;
}

void setup_listener()
{
    g_listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(g_listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(g_listen_fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) || listen(g_listen_fd, 4096))
        die("listen on loopback");
    socklen_t len = sizeof(sa);
    getsockname(g_listen_fd, reinterpret_cast<sockaddr*>(&sa), &len);
    g_port = ntohs(sa.sin_port);
}

void do_op(Kind k, const Options& o, const std::string& own_file)
{
    char buf[64];
    switch (k) {
    case kOpen:
    case kOpenWatched: {
        int fd = open(k == kOpen ? own_file.c_str() : "/etc/os-release", O_RDONLY);
        if (fd >= 0) {
            (void)!read(fd, buf, sizeof(buf));
            close(fd);
        }
        break;
    }
    case kOpenWrite: {
        int fd = open(own_file.c_str(), O_WRONLY);
        if (fd >= 0)
            close(fd);
        break;
    }
    case kStat: {
        struct stat st;
        stat(own_file.c_str(), &st);
        break;
    }
    case kConnect: {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = htons(g_port);
        if (connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0) {
            int a = accept(g_listen_fd, nullptr, nullptr);
            if (a >= 0)
                close(a);
        }
        close(c);
        break;
    }
    case kExec: {
        pid_t pid = fork();
        if (pid == 0) {
            execl(o.exec_path.c_str(), o.exec_path.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        int st;
        waitpid(pid, &st, 0);
        break;
    }
    case kGetpid:
        syscall(SYS_getpid);  // not cached by libc
        break;
    case kSensitive: {
        int fd = open("/etc/shadow", O_RDONLY);
        if (fd >= 0)
            close(fd);
        break;
    }
    case kKinds:
        break;
    }
}

}  // namespace

int main(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "workload: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--threads")
            o.threads = std::atoi(next().c_str());
        else if (a == "--seconds")
            o.seconds = std::atof(next().c_str());
        else if (a == "--mix") {
            if (!parse_mix(next(), o))
                return 2;
        } else if (a == "--dir")
            o.dir = next();
        else if (a == "--exec")
            o.exec_path = next();
        else if (a == "--rate")
            o.rate = std::atof(next().c_str());
        else {
            std::fprintf(stderr,
                         "usage: workload [--threads N] [--seconds S] [--mix kind=weight,...] [--dir D] [--exec BIN]\n"
                         "kinds: open open_watched open_write stat connect exec getpid sensitive\n");
            return a == "--help" ? 0 : 2;
        }
    }
    mkdir(o.dir.c_str(), 0755);
    setup_listener();
    std::vector<std::thread> threads;
    std::vector<std::array<uint64_t, kKinds>> counts(static_cast<size_t>(o.threads));
    auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < o.threads; t++) {
        threads.emplace_back([&, t] {
            std::string own = o.dir + "/file-" + std::to_string(t);
            int fd = open(own.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || write(fd, "workload\n", 9) != 9)
                die("create the work file");
            close(fd);
            auto& mine = counts[static_cast<size_t>(t)];
            mine.fill(0);
            uint64_t done = 0;
            const auto began = std::chrono::steady_clock::now();
            while (!g_stop.load(std::memory_order_relaxed)) {
                for (int k = 0; k < kKinds; k++)
                    for (int w = 0; w < o.weights[k]; w++) {
                        do_op(static_cast<Kind>(k), o, own);
                        mine[static_cast<size_t>(k)]++;
                        done++;
                    }
                if (o.rate > 0) {  // pace this thread to its share of the rate
                    auto due = began + std::chrono::duration<double>(done / (o.rate / o.threads));
                    std::this_thread::sleep_until(due);
                }
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    g_stop = true;
    for (auto& th : threads)
        th.join();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"threads\": %d, \"seconds\": %.3f, \"ops_per_sec\": {", o.threads, secs);
    uint64_t total = 0;
    for (int k = 0; k < kKinds; k++) {
        uint64_t n = 0;
        for (const auto& c : counts)
            n += c[static_cast<size_t>(k)];
        total += n;
        std::printf("%s\"%s\": %.1f", k ? ", " : "", kNames[k], n / secs);
    }
    std::printf("}, \"total_ops_per_sec\": %.1f, \"counts\": {", total / secs);
    for (int k = 0; k < kKinds; k++) {
        uint64_t n = 0;
        for (const auto& c : counts)
            n += c[static_cast<size_t>(k)];
        std::printf("%s\"%s\": %llu", k ? ", " : "", kNames[k], static_cast<unsigned long long>(n));
    }
    std::printf("}}\n");
    return 0;
}
