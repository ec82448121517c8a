// Path resolution, end to end: fd.name is the opened file's path from the
// kernel's own objects (relative names resolved against the dirfd or cwd,
// symlinks and ".." resolved, bind mounts and chroots as the process sees
// them, deleted files by the name they had); fd.nameraw is the name as the
// caller gave it; a path too long or too deep for the kernel is marked
// incomplete and never decided wrongly.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support.h"

using tltest::LiveAgent;
using tltest::SeenAlert;

namespace {

const char* kOutput = "name=%fd.name raw=%fd.nameraw dir=%fd.directory file=%fd.filename";

std::string rules(const std::string& base)
{
    auto rule = [](const std::string& name, const std::string& cond) {
        return "- rule: " + name + "\n  desc: d\n  condition: '" + cond + "'\n  output: '" + kOutput +
               "'\n  priority: INFO\n";
    };
    return rule("paths open", "evt.type in (open, openat, openat2) and proc.name = tl-paths") +
           rule("paths fchmod", "evt.type = fchmod and proc.name = tl-paths") +
           rule("deep under base", "evt.type in (open, openat) and proc.name = tl-deep and fd.name startswith \"" +
                                       base + "/deep/\"");
}

struct Fixture {
    std::string base = "/tmp/tripline-paths-" + std::to_string(getpid());
    std::unique_ptr<LiveAgent> agent;

    Fixture()
    {
        std::filesystem::remove_all(base);
        std::filesystem::create_directories(base + "/sub");
        std::filesystem::create_directories(base + "/bind");
        std::filesystem::create_directories(base + "/root");
        for (const char* f : {"/sub/target.txt", "/sub/rel.txt", "/sub/cwd.txt", "/root/inside.txt"})
            std::ofstream(base + f) << "x";
        std::filesystem::create_symlink(base + "/sub/target.txt", base + "/link.txt");
        std::filesystem::create_directory_symlink(base + "/sub", base + "/dirlink");
        agent = LiveAgent::start(tltest::must_compile(rules(base)));
    }
    ~Fixture() { std::filesystem::remove_all(base); }

    // the alert of `rule` from `pid` whose fd.name is `name`
    std::optional<SeenAlert> opened(pid_t pid, const std::string& name, const std::string& rule = "paths open")
    {
        return agent->wait_alert([&](const SeenAlert& a) {
            return a.rule == rule && a.tgid == static_cast<uint32_t>(pid) && a.fields.count("fd.name") &&
                   a.fields.at("fd.name") == name;
        });
    }
};

Fixture* fixture()
{
    static std::unique_ptr<Fixture> f;
    if (!f)
        f = std::make_unique<Fixture>();
    return f.get();
}

#define NEED_KERNEL()                                                           \
    do {                                                                        \
        if (auto why = tltest::kernel_unavailable())                            \
            TL_SKIP("kernel tests need root and BPF: " + *why);                 \
    } while (0)

// runs `body` in a child named tl-paths; the child only makes syscalls
pid_t as_child(const std::function<int()>& body, const char* comm = "tl-paths")
{
    pid_t pid = 0;
    int status = tltest::run_child(
        [&]() {
            prctl(PR_SET_NAME, comm);
            return body();
        },
        &pid);
    CHECK(status == 0);
    return pid;
}

}  // namespace

TEST_SUITE("paths") {

TEST_CASE("relative to a directory fd, and to the cwd")
{
    NEED_KERNEL();
    Fixture* fx = fixture();
    const std::string base = fx->base, sub = base + "/sub";
    pid_t pid = as_child([&]() {
        int dirfd = open(base.c_str(), O_DIRECTORY | O_RDONLY);
        return dirfd < 0 || openat(dirfd, "sub/rel.txt", O_RDONLY) < 0;
    });
    auto a = fx->opened(pid, base + "/sub/rel.txt");
    REQUIRE(a);
    CHECK(a->fields["fd.nameraw"] == "sub/rel.txt");
    CHECK(a->fields["fd.directory"] == sub);
    CHECK(a->fields["fd.filename"] == "rel.txt");

    pid = as_child([&]() { return chdir(sub.c_str()) || open("cwd.txt", O_RDONLY) < 0; });
    a = fx->opened(pid, sub + "/cwd.txt");
    REQUIRE(a);
    CHECK(a->fields["fd.nameraw"] == "cwd.txt");
}

TEST_CASE("symlinks and dot-dot: resolved in fd.name, as given in fd.nameraw")
{
    NEED_KERNEL();
    Fixture* fx = fixture();
    const std::string base = fx->base, target = base + "/sub/target.txt";
    const std::string link = base + "/link.txt", via_dir = base + "/dirlink/target.txt",
                      dotdot = base + "/sub/../sub/./target.txt";
    pid_t pid = as_child([&]() {
        return open(link.c_str(), O_RDONLY) < 0 || open(via_dir.c_str(), O_RDONLY) < 0 ||
               open(dotdot.c_str(), O_RDONLY) < 0;
    });
    for (const auto& raw : {link, via_dir, dotdot}) {
        INFO(raw);
        auto a = fx->agent->wait_alert([&](const SeenAlert& s) {
            return s.rule == "paths open" && s.tgid == static_cast<uint32_t>(pid) && s.fields.count("fd.nameraw") &&
                   s.fields.at("fd.nameraw") == raw;
        });
        REQUIRE(a);
        CHECK(a->fields["fd.name"] == target);
    }
}

TEST_CASE("a deleted file keeps the name it had")
{
    NEED_KERNEL();
    Fixture* fx = fixture();
    const std::string gone = fx->base + "/gone.txt";
    pid_t pid = as_child([&]() {
        int fd = open(gone.c_str(), O_CREAT | O_RDWR, 0600);
        if (fd < 0 || unlink(gone.c_str()))
            return 1;
        return fchmod(fd, 0640) ? 2 : 0;
    });
    auto a = fx->opened(pid, gone, "paths fchmod");
    REQUIRE(a);
    CHECK(a->fields["fd.filename"] == "gone.txt");
}

TEST_CASE("a bind mount, and a chroot: the path the process sees")
{
    NEED_KERNEL();
    Fixture* fx = fixture();
    const std::string base = fx->base, sub = base + "/sub", bind = base + "/bind", root = base + "/root";
    const std::string via_bind = bind + "/target.txt";
    pid_t pid = as_child([&]() {
        if (unshare(CLONE_NEWNS) || mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) ||
            mount(sub.c_str(), bind.c_str(), nullptr, MS_BIND, nullptr))
            return 1;
        return open(via_bind.c_str(), O_RDONLY) < 0 ? 2 : 0;
    });
    REQUIRE(fx->opened(pid, via_bind));

    pid = as_child([&]() {
        if (chroot(root.c_str()) || chdir("/"))
            return 1;
        return open("/inside.txt", O_RDONLY) < 0 ? 2 : 0;
    });
    auto a = fx->opened(pid, "/inside.txt");
    REQUIRE(a);
    CHECK(a->fields["fd.directory"] == "/");
}

TEST_CASE("paths too deep or too long for the kernel: incomplete, never decided wrongly")
{
    NEED_KERNEL();
    Fixture* fx = fixture();
    // 70 components (the kernel keeps 64), and 20 components of 250 bytes
    // (past the 4,096 bytes it keeps)
    std::string deep = fx->base + "/deep";
    for (int i = 0; i < 70; i++)
        deep += "/d";
    std::filesystem::create_directories(deep);
    // past PATH_MAX for one syscall: make it a piece at a time
    std::filesystem::path at = fx->base + "/deep";
    int dirfd = open(at.c_str(), O_DIRECTORY | O_RDONLY);
    REQUIRE(dirfd >= 0);
    for (int i = 0; i < 20; i++) {
        std::string name(250, static_cast<char>('a' + i));
        mkdirat(dirfd, name.c_str(), 0755);
        int next = openat(dirfd, name.c_str(), O_DIRECTORY | O_RDONLY);
        close(dirfd);
        REQUIRE(next >= 0);
        dirfd = next;
    }
    const std::string deep_file = deep + "/leaf.txt";
    std::ofstream(deep_file) << "x";
    pid_t pid = as_child(
        [&]() {
            int d = open(deep_file.c_str(), O_RDONLY);
            int w = openat(dirfd, "leaf.txt", O_RDONLY | O_CREAT, 0600);
            return d < 0 || w < 0;
        },
        "tl-deep");
    close(dirfd);
    // both opens are under base/deep/: the rule matches both, so neither may be missed
    fx->agent->settle();
    std::string wide = fx->base + "/deep";
    for (int i = 0; i < 20; i++)
        wide += "/" + std::string(250, static_cast<char>('a' + i));
    size_t alerts = 0;
    for (const auto& a : fx->agent->alerts()) {
        if (a.rule != "deep under base" || a.tgid != static_cast<uint32_t>(pid))
            continue;
        alerts++;
        // the kernel had only part of each path: the rule was undecidable, so it alerted
        CHECK(a.fields.at("fd.name") != deep_file);
        CHECK(a.fields.at("fd.name") != wide + "/leaf.txt");
        CHECK(a.fields.at("fd.name").size() < 4096);
    }
    CHECK(alerts == 2);
    CHECK(fx->agent->records_from(static_cast<uint32_t>(pid)) == 2);
}

TEST_CASE("a failed open: decided in the kernel when its name is canonical, else named canonically in userspace")
{
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP("kernel tests need root and BPF: " + *why);
    auto agent = LiveAgent::start(tltest::must_compile(
        "- rule: failed below etc\n  desc: d\n  condition: evt.type in (open, openat) and proc.name = tl-canon and "
        "evt.res = ENOENT and fd.name startswith /etc/\n  output: \'%fd.name %fd.nameraw\'\n  priority: INFO\n"));
    const std::string tag = std::to_string(getpid());
    const std::string dotfile = "/tmp/.tl-canon-missing-" + tag;        // canonical: "/." then a name
    const std::string escaped = "/tmp/../etc/tl-canon-missing-" + tag;  // a ".." component
    const std::string dotdir = "/tmp/./tl-canon-missing-" + tag;        // a "." component, not below /etc
    // each in a child named tl-canon whose open must fail
    auto fail_open = [](const std::string& path) {
        pid_t pid = 0;
        const int st = tltest::run_child(
            [&path]() {
                prctl(PR_SET_NAME, "tl-canon");
                return open(path.c_str(), O_RDONLY) < 0 ? 0 : 1;
            },
            &pid);
        CHECK(st == 0);
        return pid;
    };
    const pid_t p_dot = fail_open(dotfile), p_esc = fail_open(escaped), p_dir = fail_open(dotdir);
    auto al = agent->wait_alert([&](const SeenAlert& a) { return a.tgid == static_cast<uint32_t>(p_esc); });
    REQUIRE(al);
    CHECK(al->fields["fd.name"] == "/etc/tl-canon-missing-" + tag);
    CHECK(al->fields["fd.nameraw"] == escaped);
    agent->settle();
    // canonical and not below /etc: dropped in the kernel, not even sent
    CHECK(agent->records_from(static_cast<uint32_t>(p_dot)) == 0);
    // not canonical: sent (the kernel cannot tell), and no alert once named
    CHECK(agent->records_from(static_cast<uint32_t>(p_dir)) == 1);
    for (const auto& a : agent->alerts())
        CHECK(a.tgid != static_cast<uint32_t>(p_dir));
}

}
