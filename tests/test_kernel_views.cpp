// Views added to keep Falco's rules in the kernel, end to end with the real
// programs: `contains` with a short literal on an open's fd.name or
// fd.nameraw, and the executable's flags (proc.is_exe_*) at exec. Benign
// events never reach userspace; matching ones still alert.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support.h"

using namespace tripline;
using tltest::LiveAgent;

namespace {

// a child that, from `dir`, runs build/bench/tiny `times` times; its pid (the execs' parent)
pid_t exec_tiny(const std::string& dir, int times)
{
    const std::string tiny = tltest::build_dir() + "/bench/tiny";
    pid_t pid = 0;
    int st = tltest::run_child(
        [&]() {
            if (chdir(dir.c_str()))
                return 1;
            for (int i = 0; i < times; i++) {
                pid_t c = fork();
                if (c == 0) {
                    execl(tiny.c_str(), "tiny", (char*)nullptr);
                    _exit(127);
                }
                int w = 0;
                waitpid(c, &w, 0);
                if (!WIFEXITED(w) || WEXITSTATUS(w) != 0)
                    return 2;
            }
            return 0;
        },
        &pid);
    REQUIRE(st == 0);
    return pid;
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("substring views: contains on fd.name and fd.nameraw decided in the kernel")
{
    TL_NEED_KERNEL();
    const std::string dir = "/tmp/tl-substr-" + std::to_string(getpid());
    std::filesystem::create_directories(dir + "/sub");
    std::ofstream(dir + "/plain") << "x";
    std::ofstream(dir + "/has-needle7-here") << "x";
    auto a = LiveAgent::start(tltest::must_compile(
        "- rule: Dot-dot read\n"
        "  condition: evt.type in (open, openat) and evt.is_open_read = true and fd.nameraw contains \"../\" "
        "and fd.name startswith " + dir + "/\n"
        "  output: dot-dot (file=%fd.name raw=%fd.nameraw)\n  desc: d\n  priority: WARNING\n"
        "- rule: Needle\n"
        "  condition: evt.type in (open, openat) and fd.name contains needle7\n"
        "  output: needle (file=%fd.name)\n  desc: d\n  priority: WARNING\n"));
    constexpr int kOpens = 2000;
    const std::string plain = dir + "/plain", dotdot = dir + "/sub/../plain", needle = dir + "/has-needle7-here";
    pid_t benign = 0, bad = 0;
    REQUIRE(tltest::run_child(
                [&]() {
                    for (int i = 0; i < kOpens; i++) {
                        int fd = open(plain.c_str(), O_RDONLY);
                        if (fd < 0)
                            return 1;
                        close(fd);
                    }
                    return 0;
                },
                &benign) == 0);
    REQUIRE(tltest::run_child(
                [&]() {
                    int fd = open(dotdot.c_str(), O_RDONLY);
                    int fd2 = open(needle.c_str(), O_RDONLY);
                    return fd < 0 || fd2 < 0 ? 1 : 0;
                },
                &bad) == 0);
    auto dot = a->wait_alert([&](const tltest::SeenAlert& s) { return s.rule == "Dot-dot read" && s.tgid == uint32_t(bad); });
    REQUIRE(dot);
    CHECK(dot->fields["fd.name"] == plain);
    CHECK(dot->fields["fd.nameraw"] == dotdot);
    auto hit = a->wait_alert([&](const tltest::SeenAlert& s) { return s.rule == "Needle" && s.tgid == uint32_t(bad); });
    REQUIRE(hit);
    CHECK(hit->fields["fd.name"] == needle);
    a->settle();
    CHECK(a->records_from(static_cast<uint32_t>(benign)) == 0);  // dropped in the kernel, every one
    CHECK(a->records_from(static_cast<uint32_t>(bad)) == 2);
    std::filesystem::remove_all(dir);
}

TEST_CASE("Falco's ruleset: plain reads by a child of a non-shell never reach userspace")
{
    TL_NEED_KERNEL();
    auto falco = tltest::falco_rules();
    if (!falco)
        TL_SKIP("Falco's stable ruleset not found (set TL_FALCO_RULES)");
    // 'Directory traversal monitored file read' asks for fd.nameraw contains ../ of any read
    // whose parent is not a shell: before substring views, every such read was a candidate
    auto a = LiveAgent::start(tltest::must_compile_files({*falco}));
    const std::string file = "/tmp/tl-substr-falco-" + std::to_string(getpid());
    std::ofstream(file) << "x";
    pid_t pid = 0;
    REQUIRE(tltest::run_child(
                [&]() {
                    for (int i = 0; i < 2000; i++) {
                        int fd = open(file.c_str(), O_RDONLY);
                        if (fd < 0)
                            return 1;
                        close(fd);
                    }
                    return 0;
                },
                &pid) == 0);
    a->settle();
    std::filesystem::remove(file);
    CHECK(a->records_from(static_cast<uint32_t>(pid)) == 0);
}

TEST_CASE("executable flags: a binary run from a memfd, decided at exec")
{
    TL_NEED_KERNEL();
    auto a = LiveAgent::start(tltest::must_compile(
        "- rule: Memfd exec\n"
        "  condition: evt.type in (execve, execveat) and proc.is_exe_from_memfd = true\n"
        "  output: memfd exec (exe=%proc.exepath name=%proc.name)\n  desc: d\n  priority: WARNING\n"));
    const std::string tiny = tltest::build_dir() + "/bench/tiny";
    const std::string image = tltest::read_file(tiny);
    REQUIRE(!image.empty());
    pid_t plain = exec_tiny("/tmp", 50), fileless = 0;
    REQUIRE(tltest::run_child(
                [&]() {
                    int fd = memfd_create("tl-fileless", MFD_CLOEXEC);
                    if (fd < 0 || write(fd, image.data(), image.size()) != ssize_t(image.size()))
                        return 1;
                    char* const argv[] = {const_cast<char*>("tl-fileless"), nullptr};
                    char* const envp[] = {nullptr};
                    fexecve(fd, argv, envp);
                    return 2;
                },
                &fileless) == 0);
    auto hit = a->wait_alert([&](const tltest::SeenAlert& s) { return s.tgid == uint32_t(fileless); });
    REQUIRE(hit);
    CHECK(hit->rule == "Memfd exec");
    a->settle();
    CHECK(a->records_with_parent(static_cast<uint32_t>(plain)) == 0);  // the 50 plain execs: dropped in the kernel
}

TEST_CASE("proc.cwd at exec, decided in the kernel")
{
    TL_NEED_KERNEL();
    const std::string shm = "/dev/shm/tl-cwd-" + std::to_string(getpid());
    std::filesystem::create_directories(shm);
    auto a = LiveAgent::start(tltest::must_compile(
        "- rule: Exec in shm\n"
        "  condition: evt.type in (execve, execveat) and proc.cwd startswith /dev/shm/\n"
        "  output: exec in shm (cwd=%proc.cwd name=%proc.name)\n  desc: d\n  priority: WARNING\n"));
    pid_t plain = exec_tiny("/tmp", 50);
    pid_t in_shm = exec_tiny(shm, 1);
    auto hit = a->wait_alert([&](const tltest::SeenAlert& s) { return s.rule == "Exec in shm"; });
    REQUIRE(hit);
    CHECK(hit->fields["proc.cwd"] == shm + "/");
    a->settle();
    CHECK(a->records_with_parent(static_cast<uint32_t>(in_shm)) == 1);
    CHECK(a->records_with_parent(static_cast<uint32_t>(plain)) == 0);  // dropped in the kernel
    std::filesystem::remove_all(shm);
}

TEST_CASE("Falco's ruleset: plain execs by root never reach userspace")
{
    TL_NEED_KERNEL();
    auto falco = tltest::falco_rules();
    if (!falco)
        TL_SKIP("Falco's stable ruleset not found (set TL_FALCO_RULES)");
    // 'System user interactive' (user.name, through the uid), 'Execution from /dev/shm'
    // (proc.cwd) and 'Fileless execution via memfd_create' (proc.is_exe_from_memfd) once
    // sent every exec to userspace
    auto a = LiveAgent::start(tltest::must_compile_files({*falco}));
    pid_t pid = exec_tiny("/tmp", 30);
    a->settle();
    CHECK(a->records_with_parent(static_cast<uint32_t>(pid)) == 0);
}

}
