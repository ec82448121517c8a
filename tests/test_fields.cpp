// Field ground truth: a trigger program (tests/progs/tl_fields.c) writes
// what /proc and its own syscalls say about itself, then opens a marker file
// and makes a TCP connection to itself; the live agent's alerts for those
// events must carry the same values. Ancestry is checked against /proc walked
// up from this test process, which is the program's parent.
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rulegen/evt_args.h"
#include "tests/support.h"

using tltest::LiveAgent;
using tltest::SeenAlert;

namespace {

std::map<std::string, std::string> read_truth(const std::string& path)
{
    std::map<std::string, std::string> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq != std::string::npos)
            out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

std::string slurp(const std::string& path, bool nul_to_space = false)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\0'))
        s.pop_back();
    if (nul_to_space)
        for (char& c : s)
            if (!c)
                c = ' ';
    return s;
}

// /proc's exe link, without the " (deleted)" that /proc adds for an unlinked
// image (a memfd, a replaced binary): tripline's exe paths are the file's
// path, as the kernel's own path walk gives it
std::string exe_of(pid_t pid)
{
    std::error_code ec;
    std::string exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
    const std::string suffix = " (deleted)";
    if (exe.size() > suffix.size() && exe.compare(exe.size() - suffix.size(), suffix.size(), suffix) == 0)
        exe.resize(exe.size() - suffix.size());
    return exe;
}

pid_t parent_of(pid_t pid)
{
    std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream rest(stat.substr(close + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    return ppid;
}

// Falco's cmdline: the comm, then the arguments after argv[0]
std::string falco_cmdline(pid_t pid)
{
    std::string argv = slurp("/proc/" + std::to_string(pid) + "/cmdline");
    std::string comm = slurp("/proc/" + std::to_string(pid) + "/comm");
    auto first = argv.find('\0');
    std::string rest = first == std::string::npos ? "" : argv.substr(first + 1);
    for (char& c : rest)
        if (!c)
            c = ' ';
    return rest.empty() ? comm : comm + " " + rest;
}

const char* kFields[] = {
    "proc.pid", "proc.vpid", "proc.ppid", "proc.name", "proc.exe", "proc.exepath", "proc.cmdline", "proc.args",
    "proc.cwd", "proc.pname", "proc.pexe", "proc.pexepath", "proc.pcmdline", "proc.tty", "proc.sid", "proc.vpgid",
    "proc.is_vpgid_leader", "proc.duration", "proc.is_exe_upper_layer", "proc.is_exe_from_memfd", "proc.env[HOME]",
    "user.uid", "user.name", "user.loginuid", "group.gid", "group.name", "thread.cap_effective",
    "thread.cap_permitted", "container.id", "evt.hostname", "evt.type", "evt.res", "fd.num", "fd.name",
    "fd.directory", "fd.filename", "fd.typechar", "fd.type", "fd.l4proto", "fd.sockfamily", "fd.sip", "fd.cip",
    "fd.rip", "fd.lip", "fd.sport", "fd.cport", "fd.rport", "fd.lport", "fd.is_server",
    "proc.aname[1]", "proc.aname[2]", "proc.aname[3]", "proc.aname[4]", "proc.aname[5]", "proc.aname[6]",
    "proc.aname[7]", "proc.aname[8]", "proc.apid[1]", "proc.apid[2]", "proc.apid[3]", "proc.apid[4]",
    "proc.apid[5]", "proc.apid[6]", "proc.apid[7]", "proc.apid[8]", "proc.aexepath[1]", "proc.aexepath[2]",
    "proc.aexepath[3]", "proc.aexepath[4]", "proc.aexepath[5]", "proc.aexepath[6]", "proc.aexepath[7]",
    "proc.aexepath[8]", "proc.aexe[1]", "proc.aexe[2]", "proc.aexe[3]", "proc.aexe[4]", "proc.aexe[5]",
    "proc.aexe[6]", "proc.aexe[7]", "proc.aexe[8]", "proc.acmdline[2]", "evt.rawres", "evt.time",
    "evt.rawtime", "proc.is_exe_writable", "user.loginname", "fd.nameraw", "container.image.repository",
    "container.image.tag", "container.privileged", "k8s.ns.name", "k8s.pod.name"};

// the name of an ancestor above the parent (this test's own parent), from /proc
std::string grandparent_comm()
{
    return slurp("/proc/" + std::to_string(parent_of(getpid())) + "/comm");
}

std::string rules_for(const std::string& marker)
{
    std::string out;
    for (const char* f : kFields)
        out += std::string(f) + "=%" + f + " ";
    auto rule = [&](const std::string& name, const std::string& cond) {
        return "- rule: " + name + "\n  desc: d\n  condition: '" + cond + "'\n  output: '" + out +
               "'\n  priority: INFO\n";
    };
    return rule("fields open", "evt.type in (open, openat) and fd.name = \"" + marker + "\"") +
           rule("fields connect", "evt.type = connect and proc.name = tl_fields") +
           rule("fields accept", "evt.type in (accept, accept4) and proc.name = tl_fields") +
           // the network fields and any-ancestor proc.aname only in conditions: one
           // rule that must hold, one that must not
           rule("fields net", "evt.type = connect and proc.name = tl_fields and fd.net = \"127.0.0.0/8\" and "
                              "fd.snet = \"127.0.0.0/8\" and fd.cnet = \"127.0.0.0/8\"") +
           rule("fields not net", "evt.type = connect and proc.name = tl_fields and fd.snet = \"10.0.0.0/8\"") +
           rule("fields aname", "evt.type in (open, openat) and fd.name = \"" + marker + "\" and proc.aname = \"" +
                                    grandparent_comm() + "\"") +
           rule("fields not aname", "evt.type in (open, openat) and fd.name = \"" + marker +
                                        "\" and proc.aname = tl-no-such-ancestor");
}

}  // namespace

TEST_SUITE("fields") {

TEST_CASE("every field against /proc and the program's own syscalls")
{
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP("kernel tests need root and BPF: " + *why);
    const std::string dir = "/tmp/tripline-fields-" + std::to_string(getpid());
    std::filesystem::create_directories(dir + "/work");
    const std::string truth_path = dir + "/truth", marker = dir + "/work/marker.txt";
    auto agent = LiveAgent::start(tltest::must_compile(rules_for(marker)));

    pid_t pid = 0;
    const std::string prog = tltest::build_dir() + "/tests/progs/tl_fields";
    auto wall_ns = [] {
        return static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
    };
    const long long before_ns = wall_ns();
    REQUIRE(tltest::run_child(
                [&]() {
                    if (chdir((dir + "/work").c_str()))
                        return 90;
                    char home[] = "HOME=/tl-home";
                    char* env[] = {home, nullptr};
                    char* argv[] = {const_cast<char*>(prog.c_str()), const_cast<char*>(truth_path.c_str()),
                                    const_cast<char*>(marker.c_str()), const_cast<char*>("extra arg"), nullptr};
                    execve(prog.c_str(), argv, env);
                    return 91;
                },
                &pid) == 0);
    const long long after_ns = wall_ns();
    auto truth = read_truth(truth_path);
    REQUIRE(truth.count("client_port"));
    auto for_pid = [&](const std::string& rule) {
        return agent->wait_alert([&](const SeenAlert& a) { return a.rule == rule && a.tgid == static_cast<uint32_t>(pid); });
    };
    auto opened = for_pid("fields open"), connected = for_pid("fields connect"), accepted = for_pid("fields accept");
    REQUIRE(opened);
    REQUIRE(connected);
    REQUIRE(accepted);
    CHECK(for_pid("fields net"));
    CHECK(for_pid("fields aname"));
    agent->settle();
    for (const auto& s : agent->alerts())
        CHECK_FALSE((s.tgid == static_cast<uint32_t>(pid) && (s.rule == "fields not net" || s.rule == "fields not aname")));
    auto& f = opened->fields;

    {
        INFO("the process");
        CHECK(f["proc.pid"] == truth["pid"]);
        CHECK(f["proc.vpid"] == truth["pid"]);
        CHECK(f["proc.ppid"] == truth["ppid"]);
        CHECK(f["proc.name"] == "tl_fields");
        CHECK(f["proc.exe"] == prog);
        CHECK(f["proc.exepath"] == truth["exe"]);
        CHECK(f["proc.cmdline"] == "tl_fields " + truth_path + " " + marker + " extra arg");
        CHECK(f["proc.args"] == truth_path + " " + marker + " extra arg");
        CHECK(f["proc.cwd"] == truth["cwd"] + "/");  // Falco ends it with a slash
        CHECK(f["proc.tty"] == truth["tty"]);
        CHECK(f["proc.sid"] == truth["sid"]);
        CHECK(f["proc.vpgid"] == truth["pgid"]);
        CHECK(f["proc.is_vpgid_leader"] == (truth["pgid"] == truth["pid"] ? "true" : "false"));
        const long long duration = std::stoll(f["proc.duration"]);
        CHECK(duration > 0);
        CHECK(duration < 60'000'000'000LL);
        CHECK(f["proc.is_exe_upper_layer"] == "false");
        CHECK(f["proc.is_exe_from_memfd"] == "false");
        CHECK(f["proc.env[HOME]"] == "/tl-home");
        CHECK(f["proc.is_exe_writable"] == (truth["exe_writable"] == "1" ? "true" : "false"));
    }
    {
        INFO("user, group, capabilities, host");
        CHECK(f["user.uid"] == truth["uid"]);
        CHECK(f["user.name"] == "root");
        CHECK(f["group.gid"] == truth["gid"]);
        CHECK(f["group.name"] == "root");
        const long long loginuid = std::stoll(truth["loginuid"]);
        CHECK(f["user.loginuid"] == (loginuid == 4294967295LL ? "-1" : truth["loginuid"]));
        if (loginuid == 4294967295LL) {
            CHECK(f["user.loginname"] == "<NA>");
        } else {
            struct passwd* pw = getpwuid(static_cast<uid_t>(loginuid));
            CHECK(f["user.loginname"] == (pw ? pw->pw_name : "<NA>"));
        }
        CHECK(f["thread.cap_effective"] == tripline::caps_string(std::stoull(truth["cap_effective"])));
        CHECK(f["thread.cap_permitted"] == tripline::caps_string(std::stoull(truth["cap_permitted"])));
        CHECK(f["container.id"] == "host");
        // on the host: no image, no privilege flag, no Kubernetes
        CHECK(f["container.image.repository"] == "");
        CHECK(f["container.image.tag"] == "");
        CHECK(f["container.privileged"] == "<NA>");
        CHECK(f["k8s.ns.name"] == "<NA>");
        CHECK(f["k8s.pod.name"] == "<NA>");
        char host[256] = {};
        gethostname(host, sizeof(host) - 1);
        CHECK(f["evt.hostname"] == host);
    }
    {
        INFO("the parent and every ancestor, from /proc");
        const pid_t self = getpid();
        CHECK(f["proc.pname"] == slurp("/proc/self/comm"));
        CHECK(f["proc.pexepath"] == exe_of(self));
        CHECK(f["proc.pcmdline"] == falco_cmdline(self));
        std::string argv0 = slurp("/proc/self/cmdline");
        CHECK(f["proc.pexe"] == argv0.substr(0, argv0.find('\0')));
        // proc.aname[1] is the parent (this test), [2] its parent, ...
        std::vector<pid_t> chain;
        for (pid_t p = self; p > 0 && chain.size() < 8; p = parent_of(p))
            chain.push_back(p);
        for (size_t i = 1; i <= 8; i++) {
            const std::string n = "[" + std::to_string(i) + "]";
            INFO("ancestor " << i);
            if (i > chain.size()) {
                for (const char* a : {"proc.aname", "proc.apid", "proc.aexepath", "proc.aexe"})
                    CHECK(f[a + n] == "<NA>");
                continue;
            }
            const std::string proc = "/proc/" + std::to_string(chain[i - 1]);
            CHECK(f["proc.aname" + n] == slurp(proc + "/comm"));
            CHECK(f["proc.apid" + n] == std::to_string(chain[i - 1]));
            CHECK(f["proc.aexepath" + n] == exe_of(chain[i - 1]));
            std::string a0 = slurp(proc + "/cmdline");
            CHECK(f["proc.aexe" + n] == a0.substr(0, a0.find('\0')));
            if (i == 2)
                CHECK(f["proc.acmdline[2]"] == falco_cmdline(chain[1]));
        }
    }
    {
        INFO("the opened file");
        CHECK(f["evt.type"] == "openat");
        CHECK(f["evt.res"] == "SUCCESS");
        CHECK(f["evt.rawres"] == truth["fd"]);  // openat returns the fd
        CHECK(f["fd.nameraw"] == marker);
        // the event happened while the program ran; evt.time is its local time of day
        const long long raw = std::stoll(f["evt.rawtime"]);
        CHECK(raw >= before_ns);
        CHECK(raw <= after_ns);
        time_t secs = static_cast<time_t>(raw / 1000000000LL);
        struct tm tm {};
        localtime_r(&secs, &tm);
        char hms[64];
        snprintf(hms, sizeof(hms), "%02d:%02d:%02d.%09lld", tm.tm_hour, tm.tm_min, tm.tm_sec, raw % 1000000000LL);
        CHECK(f["evt.time"] == hms);
        CHECK(f["fd.num"] == truth["fd"]);
        CHECK(f["fd.name"] == marker);
        CHECK(f["fd.directory"] == dir + "/work");
        CHECK(f["fd.filename"] == "marker.txt");
        CHECK(f["fd.typechar"] == "f");
        CHECK(f["fd.type"] == "file");
        CHECK(f["fd.sip"] == "<NA>");
    }
    {
        INFO("both ends of the socket, at connect and at accept");
        auto& c = connected->fields;
        CHECK(c["evt.type"] == "connect");
        CHECK(c["fd.num"] == truth["connect_fd"]);
        CHECK(c["fd.sip"] == truth["server_ip"]);
        CHECK(c["fd.sport"] == truth["server_port"]);
        CHECK(c["fd.cip"] == truth["client_ip"]);
        CHECK(c["fd.cport"] == truth["client_port"]);
        CHECK(c["fd.rip"] == truth["server_ip"]);
        CHECK(c["fd.rport"] == truth["server_port"]);
        CHECK(c["fd.lip"] == truth["client_ip"]);
        CHECK(c["fd.lport"] == truth["client_port"]);
        CHECK(c["fd.name"] == truth["client_ip"] + ":" + truth["client_port"] + "->" + truth["server_ip"] + ":" +
                                 truth["server_port"]);
        CHECK(c["fd.l4proto"] == "tcp");
        CHECK(c["fd.sockfamily"] == "ip");
        CHECK(c["fd.typechar"] == "4");
        CHECK(c["fd.is_server"] == "false");
        auto& a = accepted->fields;
        CHECK(a["fd.num"] == truth["accept_fd"]);
        CHECK(a["fd.is_server"] == "true");
        CHECK(a["fd.sip"] == truth["server_ip"]);
        CHECK(a["fd.sport"] == truth["server_port"]);
        CHECK(a["fd.cip"] == truth["client_ip"]);
        CHECK(a["fd.cport"] == truth["client_port"]);
        CHECK(a["fd.lport"] == truth["server_port"]);
        CHECK(a["fd.rport"] == truth["client_port"]);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("container.id from each runtime's cgroup path")
{
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP("kernel tests need root and BPF: " + *why);
    const std::string root = tltest::cgroup2_root();
    if (root.empty())
        TL_SKIP("no cgroup v2 hierarchy is mounted, so no container cgroup can be made");
    const std::string marker = "/tmp/tripline-cgroup-marker-" + std::to_string(getpid());
    std::ofstream(marker) << "x";
    auto agent = LiveAgent::start(tltest::must_compile(
        "- rule: marker\n  desc: d\n  condition: evt.type in (open, openat) and fd.name = \"" + marker +
        "\"\n  output: '%container.id %container.name %container.image.repository'\n  priority: INFO\n"));
    const std::string id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    // systemd-driver scopes of docker, containerd (CRI), CRI-O and podman;
    // docker's cgroupfs driver; a kubelet pod slice
    const std::vector<std::string> forms = {
        "tripline-test/docker-" + id + ".scope",
        "tripline-test/cri-containerd-" + id + ".scope",
        "tripline-test/crio-" + id + ".scope",
        "tripline-test/libpod-" + id + ".scope",
        "tripline-test/docker/" + id,
        "tripline-test/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/cri-containerd-" +
            id + ".scope",
    };
    for (const auto& form : forms) {
        INFO(form);
        const std::string dir = root + "/" + form, procs = dir + "/cgroup.procs";
        std::filesystem::create_directories(dir);
        pid_t pid = 0;
        CHECK(tltest::run_child(
                  [&]() {
                      int fd = open(procs.c_str(), O_WRONLY);
                      if (fd < 0 || write(fd, "0", 1) != 1)
                          return 1;
                      close(fd);
                      return open(marker.c_str(), O_RDONLY) < 0 ? 2 : 0;
                  },
                  &pid) == 0);
        auto a = agent->wait_alert([&](const SeenAlert& s) { return s.tgid == static_cast<uint32_t>(pid); });
        REQUIRE(a);
        CHECK(a->fields["container.id"] == id.substr(0, 12));
        CHECK(a->fields["container.name"] == "<NA>");  // no runtime to ask here
        // the child has exited: the cgroup is empty and can go
        for (std::filesystem::path p = dir; p != root && p.string().size() > root.size(); p = p.parent_path())
            rmdir(p.c_str());
    }
    std::filesystem::remove(marker);
}

TEST_CASE("evt.arg.* against the arguments the program passed")
{
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP("kernel tests need root and BPF: " + *why);
    const std::string dir = "/tmp/tripline-args-" + std::to_string(getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string file = dir + "/created";
    // one rule per event type, printing the arguments the issue names
    const std::vector<std::pair<std::string, std::string>> watched = {
        {"openat", "%evt.arg.fd %evt.arg.name %evt.arg.flags %evt.arg.mode"},
        {"chmod", "%evt.arg.filename %evt.arg.mode"},
        {"ptrace", "%evt.arg.request"},
        {"setuid", "%evt.arg.uid"},
        {"bpf", "%evt.arg.cmd"},
        {"unshare", "%evt.arg.flags"},
        {"socket", "%evt.arg.domain"},
    };
    std::string yaml;
    for (const auto& [type, out] : watched)
        yaml += "- rule: args " + type + "\n  desc: d\n  condition: evt.type = " + type +
                " and proc.name = tl-args\n  output: \'" + out + "\'\n  priority: INFO\n";
    auto agent = LiveAgent::start(tltest::must_compile(yaml));
    pid_t pid = 0;
    // the child returns the fd openat gave it; every other call's outcome is irrelevant
    const int fd = tltest::run_child(
        [&]() {
            prctl(PR_SET_NAME, "tl-args");
            int f = openat(AT_FDCWD, file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
            chmod(file.c_str(), 0750);
            ptrace(PTRACE_PEEKDATA, getppid(), 0, 0);  // no tracee: ESRCH
            if (setuid(0))
                return 200;
            syscall(SYS_bpf, 5, nullptr, 0);  // BPF_PROG_LOAD without attributes: EINVAL
            unshare(CLONE_NEWUTS);
            int sk = socket(AF_INET6, SOCK_DGRAM, 0);
            if (sk >= 0)
                close(sk);
            return f;
        },
        &pid);
    REQUIRE(fd >= 3);
    REQUIRE(fd < 200);
    auto of = [&](const std::string& type) {
        auto a = agent->wait_alert(
            [&](const SeenAlert& s) { return s.rule == "args " + type && s.tgid == static_cast<uint32_t>(pid); });
        REQUIRE(a);
        return a->fields;
    };
    auto open = of("openat");
    CHECK(open["evt.arg.fd"] == std::to_string(fd));
    CHECK(open["evt.arg.name"] == file);
    // Falco's flag names in its table's order; O_F_CREATED: the file was new
    CHECK(open["evt.arg.flags"] == "O_TRUNC|O_CREAT|O_WRONLY|O_CLOEXEC|O_F_CREATED");
    CHECK(open["evt.arg.mode"] == "0640");
    auto ch = of("chmod");
    CHECK(ch["evt.arg.filename"] == file);
    CHECK(ch["evt.arg.mode"] == "S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR");  // 0750
    CHECK(of("ptrace")["evt.arg.request"] == "PTRACE_PEEKDATA");
    CHECK(of("setuid")["evt.arg.uid"] == "root");
    CHECK(of("bpf")["evt.arg.cmd"] == "5");
    CHECK(of("unshare")["evt.arg.flags"] == "CLONE_NEWUTS");
    CHECK(of("socket")["evt.arg.domain"] == "AF_INET6");
    std::filesystem::remove_all(dir);
}

TEST_CASE("proc.vpid, proc.sid, proc.vpgid as a process in its own pid namespace sees them")
{
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP("kernel tests need root and BPF: " + *why);
    const std::string root = tltest::cgroup2_root();
    if (root.empty())
        TL_SKIP("no cgroup v2 hierarchy is mounted, so no container cgroup can be made");
    const std::string marker = "/tmp/tripline-pidns-marker-" + std::to_string(getpid());
    std::ofstream(marker) << "x";
    auto agent = LiveAgent::start(tltest::must_compile(
        "- rule: marker\n  desc: d\n  condition: evt.type in (open, openat) and fd.name = \"" + marker +
        "\"\n  output: \'%proc.pid %proc.vpid %proc.sid %proc.vpgid %proc.is_vpgid_leader %container.id\'\n"
        "  priority: INFO\n"));
    const std::string id = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    const std::string dir = root + "/tripline-test/docker-" + id + ".scope";
    std::filesystem::create_directories(dir);
    // tl_falco: into the cgroup, new pid/mount/uts namespaces; the reader is
    // pid 1 there, and leads a new session (so its own process group too)
    pid_t outer = 0;
    CHECK(tltest::run_program({tltest::build_dir() + "/tests/progs/tl_falco", "--cgroup", dir + "/cgroup.procs",
                               "--setsid", "open-read", marker},
                              &outer) == 0);
    auto a = agent->wait_alert([&](const SeenAlert& s) { return s.ppid == static_cast<uint32_t>(outer); });
    rmdir(dir.c_str());
    rmdir((root + "/tripline-test").c_str());
    std::filesystem::remove(marker);
    REQUIRE(a);
    CHECK(a->fields["proc.vpid"] == "1");
    CHECK(a->fields["proc.sid"] == "1");
    CHECK(a->fields["proc.vpgid"] == "1");
    CHECK(a->fields["proc.is_vpgid_leader"] == "true");
    CHECK(a->fields["proc.pid"] == std::to_string(a->tgid));  // the host's number
    CHECK(a->fields["proc.pid"] != "1");
    CHECK(a->fields["container.id"] == id.substr(0, 12));
}

}
