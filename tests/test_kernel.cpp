// Kernel end to end: the real BPF programs, loaded and attached, against real
// syscalls made by child processes. Each default rule fires with its key
// fields; benign activity is dropped in the kernel (proved by the counters
// and by the absence of records from the processes that caused it).
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support.h"

using namespace tripline;
using tltest::LiveAgent;
using tltest::SeenAlert;

namespace {

LiveAgent* default_agent()
{
    static std::unique_ptr<LiveAgent> agent;
    if (!agent)
        agent = LiveAgent::start(tltest::must_compile_files({tltest::repo_dir() + "/rules"}));
    return agent.get();
}

#define NEED_KERNEL()                                                                    \
    do {                                                                                 \
        if (auto why = tltest::kernel_unavailable())                                     \
            TL_SKIP("kernel tests need root and BPF: " + *why);                          \
    } while (0)

std::function<bool(const SeenAlert&)> alert_for(const std::string& rule, pid_t pid)
{
    return [rule, pid](const SeenAlert& a) { return a.rule == rule && a.tgid == static_cast<uint32_t>(pid); };
}

std::string prog(const std::string& name) { return tltest::build_dir() + "/tests/progs/" + name; }


}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("shell spawned by an unexpected parent")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    pid_t pid = 0;
    REQUIRE(tltest::run_program({"/bin/sh", "-c", "exit 0"}, &pid) == 0);
    auto al = a->wait_alert(alert_for("Shell spawned in a container or by an unexpected parent", pid));
    REQUIRE(al);
    CHECK(al->fields["proc.name"] == "sh");
    CHECK(al->fields["proc.pname"] == "tripline_tests");
    CHECK(al->fields["proc.cmdline"] == "sh -c exit 0");
    CHECK(al->fields["container.id"] == "host");
    CHECK(al->fields["proc.pid"] == std::to_string(pid));
}

TEST_CASE("shell spawned in a container: namespaces and a runtime's cgroup")
{
    NEED_KERNEL();
    std::string root = tltest::cgroup2_root();
    if (root.empty())
        TL_SKIP("no cgroup v2 hierarchy is mounted, so no container cgroup can be made");
    LiveAgent* a = default_agent();
    const std::string id = "4f1c2b3a5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8";
    std::string dir = root + "/tripline-test/docker-" + id + ".scope";
    std::filesystem::create_directories(dir);
    std::string procs = dir + "/cgroup.procs";
    // the child: into the cgroup, new pid/mount/uts namespaces, then a shell
    // whose parent is an expected one — only the container makes it alert
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(procs.c_str(), O_WRONLY);
        if (fd < 0 || write(fd, "0", 1) != 1)
            _exit(90);
        close(fd);
        if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWPID))
            _exit(91);
        prctl(PR_SET_NAME, "bash");  // the shell's parent is an expected one
        pid_t inner = fork();
        if (inner == 0) {
            execl("/bin/sh", "sh", "-c", "exit 0", (char*)nullptr);
            _exit(92);
        }
        int st = 0;
        waitpid(inner, &st, 0);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 93);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WEXITSTATUS(st) == 0);
    auto al = a->wait_alert([&](const SeenAlert& s) {
        return s.rule == "Shell spawned in a container or by an unexpected parent" && s.fields.count("container.id") && s.fields.at("container.id") == id.substr(0, 12);
    });
    CHECK(al.has_value());
    if (al)
        CHECK(al->fields["proc.pname"] == "bash");
    std::filesystem::remove(dir);
    std::filesystem::remove(root + "/tripline-test");
}

TEST_CASE("write below /etc, and the allowlist decided in the kernel")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    char path[64];
    snprintf(path, sizeof(path), "/etc/tripline-e2e-%d", getpid());
    auto writer = [&path](const char* name) {
        return [&path, name]() {
            prctl(PR_SET_NAME, name);
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd < 0)
                return 1;
            close(fd);
            return 0;
        };
    };
    pid_t pid = 0, dpkg = 0;
    REQUIRE(tltest::run_child(writer("tl-writer"), &pid) == 0);
    REQUIRE(tltest::run_child(writer("dpkg"), &dpkg) == 0);
    unlink(path);
    auto al = a->wait_alert(alert_for("Write below /etc", pid));
    REQUIRE(al);
    CHECK(al->fields["fd.name"] == path);
    CHECK(al->fields["proc.name"] == "tl-writer");
    a->settle();
    CHECK(a->records_from(static_cast<uint32_t>(dpkg)) == 0);  // dropped in the kernel
}

TEST_CASE("executable run from /tmp")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    std::string copy = "/tmp/tripline-e2e-true-" + std::to_string(getpid());
    std::filesystem::copy_file("/bin/true", copy, std::filesystem::copy_options::overwrite_existing);
    chmod(copy.c_str(), 0755);
    pid_t pid = 0;
    REQUIRE(tltest::run_program({copy}, &pid) == 0);
    auto al = a->wait_alert(alert_for("Executable run from /tmp or /dev/shm", pid));
    std::filesystem::remove(copy);
    REQUIRE(al);
    CHECK(al->fields["proc.exepath"] == copy);
}

TEST_CASE("connection to the cloud metadata address, in a private network namespace")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    pid_t pid = 0;
    REQUIRE(tltest::run_program({prog("tl_metadata")}, &pid) == 0);
    auto al = a->wait_alert(alert_for("Connection to the cloud metadata service", pid));
    REQUIRE(al);
    CHECK(al->fields["fd.name"].find("->169.254.169.254:80") != std::string::npos);
    CHECK(al->fields["evt.res"] == "SUCCESS");
    CHECK(al->fields["proc.name"] == "tl_metadata");
}

TEST_CASE("privilege change to root, and the allowlist")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    auto setuid_as = [](const char* name) {
        return [name]() {
            prctl(PR_SET_NAME, name);
            return setuid(0) == 0 ? 0 : 1;
        };
    };
    pid_t pid = 0, sudo = 0;
    REQUIRE(tltest::run_child(setuid_as("tl-escalate"), &pid) == 0);
    REQUIRE(tltest::run_child(setuid_as("sudo"), &sudo) == 0);
    auto al = a->wait_alert(alert_for("Privilege change to root by an unexpected process", pid));
    REQUIRE(al);
    CHECK(al->fields["evt.type"] == "setuid");
    CHECK(al->fields["proc.name"] == "tl-escalate");
    a->settle();
    CHECK(a->records_from(static_cast<uint32_t>(sudo)) == 0);
}

TEST_CASE("read of a sensitive file")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    pid_t pid = 0;
    REQUIRE(tltest::run_child(
                []() {
                    prctl(PR_SET_NAME, "tl-reader");
                    int fd = open("/etc/shadow", O_RDONLY);
                    return fd < 0 ? 1 : (close(fd), 0);
                },
                &pid) == 0);
    auto al = a->wait_alert(alert_for("Read of a sensitive file", pid));
    REQUIRE(al);
    CHECK(al->fields["fd.name"] == "/etc/shadow");
    CHECK(al->fields["user.name"] == "root");
}

TEST_CASE("AWS credentials: the credentials file, and role credentials from the metadata service")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    std::string home = "/tmp/tripline-e2e-home-" + std::to_string(getpid());
    std::filesystem::create_directories(home + "/.aws");
    std::string creds = home + "/.aws/credentials";
    std::ofstream(creds) << "[default]\n";
    pid_t pid = 0;
    REQUIRE(tltest::run_child(
                [&creds]() {
                    int fd = open(creds.c_str(), O_RDONLY);
                    return fd < 0 ? 1 : (close(fd), 0);
                },
                &pid) == 0);
    auto al = a->wait_alert(alert_for("AWS credentials access", pid));
    std::filesystem::remove_all(home);
    REQUIRE(al);
    CHECK(al->fields["fd.name"] == creds);

    // the command line is only known in userspace: the kernel forwards, userspace confirms
    pid_t curl = 0;
    REQUIRE(tltest::run_program({prog("tl_metadata"), "http://169.254.169.254/latest/meta-data/iam/security-credentials/"},
                                &curl) == 0);
    auto meta = a->wait_alert(alert_for("AWS credentials access", curl));
    REQUIRE(meta);
    CHECK(meta->fields["proc.cmdline"].find("security-credentials") != std::string::npos);
    pid_t plain = 0;
    REQUIRE(tltest::run_program({prog("tl_metadata")}, &plain) == 0);
    REQUIRE(a->wait_alert(alert_for("Connection to the cloud metadata service", plain)));
    a->settle();
    for (const auto& s : a->alerts())
        CHECK_FALSE((s.rule == "AWS credentials access" && s.tgid == static_cast<uint32_t>(plain)));
}

TEST_CASE("benign activity never reaches the ring buffer")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    std::string file = "/tmp/tripline-e2e-benign-" + std::to_string(getpid());
    std::ofstream(file) << "x";
    Counters before = a->agent().kernel().counters();
    pid_t pid = 0;
    constexpr int kOpens = 3000, kExecs = 100;
    REQUIRE(tltest::run_child(
                [&file]() {
                    for (int i = 0; i < kOpens; i++) {
                        int fd = open(file.c_str(), O_RDONLY);
                        if (fd < 0)
                            return 1;
                        close(fd);
                    }
                    for (int i = 0; i < kExecs; i++) {
                        pid_t c = fork();
                        if (c == 0) {
                            execl("/bin/true", "true", (char*)nullptr);
                            _exit(127);
                        }
                        int st = 0;
                        waitpid(c, &st, 0);
                        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                            return 2;
                    }
                    return 0;
                },
                &pid) == 0);
    a->settle();
    Counters after = a->agent().kernel().counters();
    std::filesystem::remove(file);
    auto dropped = [&](uint32_t cls) {
        return (after[cls][TL_CNT_DROPPED] + after[cls][TL_CNT_DROPPED_EARLY]) -
               (before[cls][TL_CNT_DROPPED] + before[cls][TL_CNT_DROPPED_EARLY]);
    };
    CHECK(dropped(TL_CLASS_OPEN) >= static_cast<uint64_t>(kOpens));
    CHECK(dropped(TL_CLASS_EXEC) >= static_cast<uint64_t>(kExecs));
    CHECK(a->records_from(static_cast<uint32_t>(pid)) == 0);
    CHECK(a->records_with_parent(static_cast<uint32_t>(pid)) == 0);
    CHECK(after[TL_CLASS_OPEN][TL_CNT_LOST] == 0);
}

TEST_CASE("ship-all mode forwards everything and userspace still alerts exactly")
{
    NEED_KERNEL();
    AgentOptions opts;
    opts.ship_all = true;
    auto a = LiveAgent::start(tltest::must_compile_files({tltest::repo_dir() + "/rules"}), opts);
    std::string file = "/tmp/tripline-e2e-shipall-" + std::to_string(getpid());
    std::ofstream(file) << "x";
    pid_t pid = 0;
    REQUIRE(tltest::run_child(
                [&file]() {
                    int fd = open(file.c_str(), O_RDONLY);
                    if (fd < 0)
                        return 1;
                    close(fd);
                    fd = open("/etc/shadow", O_RDONLY);
                    return fd < 0 ? 1 : (close(fd), 0);
                },
                &pid) == 0);
    REQUIRE(a->wait_alert(alert_for("Read of a sensitive file", pid)));
    a->settle();
    std::filesystem::remove(file);
    CHECK(a->records_from(static_cast<uint32_t>(pid)) >= 2);  // the benign open too
    size_t alerts = 0;
    for (const auto& s : a->alerts())
        alerts += s.tgid == static_cast<uint32_t>(pid);
    CHECK(alerts == 1);
}

TEST_CASE("ia32 syscalls of watched kinds are reported, not missed in silence")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    Counters before = a->agent().kernel().counters();
    pid_t pid = 0;
    const int st = tltest::run_program({prog("tl_ia32")}, &pid);
    if (st == 3)
        TL_SKIP("this kernel has no ia32 emulation: int 0x80 does not reach the compat syscalls");
    REQUIRE(st == 0);
    a->settle();
    Counters after = a->agent().kernel().counters();
    // open and setuid are watched by the default rules; getpid is not
    CHECK(after[TL_CLASS_NONE][TL_CNT_COMPAT_SKIPPED] - before[TL_CLASS_NONE][TL_CNT_COMPAT_SKIPPED] >= 2);
    CHECK(a->agent().summary().find("ia32: ") != std::string::npos);
}

TEST_CASE("verifier budget: every program far below the kernel's limits")
{
    NEED_KERNEL();
    LiveAgent* a = default_agent();
    auto progs = a->agent().kernel().programs();
    CHECK(progs.size() >= 8);
    for (const auto& p : progs) {
        INFO(p.name << ": " << p.verified_insns << " verified, " << p.insns << " instructions");
        CHECK(p.verified_insns < 250000);  // a quarter of BPF_COMPLEXITY_LIMIT_INSNS
        CHECK(p.insns < 8192);
    }
}

}
