// Differential: the kernel's verdict against the reference evaluator's, on
// generated events and on both the default rules and generated rules. The
// kernel side is the real evaluator (eval_record, run with
// BPF_PROG_TEST_RUN over the real maps the agent writes). For every event and
// rule: an exact match must be among the kernel's "may" terms (soundness), and
// a "definite" kernel verdict must be an exact match.
#include <random>
#include <sstream>

#include "tests/events.h"
#include "tests/support.h"
#include "user/kernel.h"

using namespace tripline;

namespace {

template <class T>
const T& pick(std::mt19937& rng, const std::vector<T>& v)
{
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

bool coin(std::mt19937& rng, int percent) { return std::uniform_int_distribution<int>(0, 99)(rng) < percent; }

const std::vector<std::string> kComms = {"bash", "sh", "cat", "dpkg", "sudo", "python3", "curl", "tl-x", "nginx", ""};
const std::vector<std::string> kPaths = {
    "/etc/shadow", "/etc/passwd", "/etc/sudoers.d/extra", "/etc/pam.d/login", "/etc", "/",
    "/root/.aws/credentials", "/home/u/.aws/config", "/tmp/x", "/tmp/evil/run", "/dev/shm/y", "/var/tmp/z",
    "/usr/bin/cat", "/usr/lib/os-release", "/etc/ssl/certs/ca.pem", "/etc/hosts",
    "/" + std::string(300, 'l') + "/deep"};
const std::vector<std::string> kArgv0 = {"cat", "/usr/bin/curl", "-bash", "sh", "./run", "/tmp/x", std::string(300, 'a')};
const std::vector<std::string> kContainers = {"host", "4f1c2b3a5d6e", "abcdef012345"};
const std::vector<int64_t> kRes = {0, 3, 7, -1, -2, -13, -115, -4000};
const std::vector<uint32_t> kIds = {0, 1, 1000, 65534, 0xffffffffu};
const std::vector<std::string> kAddrs = {"169.254.169.254", "10.0.0.1", "10.1.2.3", "192.168.1.9", "127.0.0.1",
                                         "::1", "2001:db8::1", "fe80::1"};
const std::vector<uint16_t> kPorts = {22, 80, 443, 8080, 40000};
// names as a caller gives them (fd.nameraw): relative, with dot-dots, too long to scan
const std::vector<std::string> kRawNames = {"../../etc/shadow", "./x", "/etc/passwd", "a/../b/../c", "id_rsa",
                                            "/home/u/.ssh/id_rsa", std::string(600, 'r') + "../", ""};

Event random_event(std::mt19937& rng)
{
    static const std::vector<std::pair<uint32_t, uint32_t>> types = {
        {TL_CLASS_EXEC, TL_EVT_EXECVE},     {TL_CLASS_EXEC, TL_EVT_EXECVEAT},  {TL_CLASS_OPEN, TL_EVT_OPEN},
        {TL_CLASS_OPEN, TL_EVT_OPENAT},     {TL_CLASS_OPEN, TL_EVT_OPENAT2},   {TL_CLASS_OPEN, TL_EVT_CREAT},
        {TL_CLASS_NET, TL_EVT_CONNECT},     {TL_CLASS_NET, TL_EVT_ACCEPT4},    {TL_CLASS_NET, TL_EVT_SOCKET},
        {TL_CLASS_SETID, TL_EVT_SETUID},    {TL_CLASS_SETID, TL_EVT_SETRESUID}, {TL_CLASS_SETID, TL_EVT_SETGID},
        {TL_CLASS_SYSCALL, TL_EVT_DUP2},    {TL_CLASS_SYSCALL, TL_EVT_SYMLINKAT}, {TL_CLASS_SYSCALL, TL_EVT_PTRACE}};
    auto [cls, type] = pick(rng, types);
    Event e = tltest::make_event(cls, type);
    std::snprintf(e.rec.comm, sizeof(e.rec.comm), "%s", pick(rng, kComms).c_str());
    std::snprintf(e.rec.pcomm, sizeof(e.rec.pcomm), "%s", pick(rng, kComms).c_str());
    std::snprintf(e.rec.container_id, sizeof(e.rec.container_id), "%s", pick(rng, kContainers).c_str());
    if (coin(rng, 10))
        e.rec.flags |= TL_EF_NO_PARENT;
    e.rec.tgid = coin(rng, 50) ? 1 : 4242;
    e.rec.ppid = coin(rng, 50) ? 1 : 77;
    e.rec.uid = pick(rng, kIds);
    e.rec.gid = pick(rng, kIds);
    e.rec.loginuid = pick(rng, kIds);
    e.str[TL_STR_EXEPATH] = pick(rng, kPaths);
    if (coin(rng, 5))
        e.rec.flags |= TL_EF_EXE_TRUNC;
    e.str[TL_STR_ARGS] = pick(rng, kArgv0) + std::string("\0", 1) + (coin(rng, 50) ? "-c" : "security-credentials");
    if (coin(rng, 5))
        e.str[TL_STR_ARGS].clear();
    if (coin(rng, 90))
        e.rec.flags |= TL_EF_PROC_INFO;
    e.rec.proc.tty = pick(rng, std::vector<uint32_t>{0, 34816, 1025});
    e.rec.proc.exe_flags = std::uniform_int_distribution<uint32_t>(0, 15)(rng);
    // as the kernel writes it (a trailing '/'), and sometimes not: the test evaluator must not decide that
    e.str[TL_STR_CWD] = pick(rng, std::vector<std::string>{"/home/u/", "/dev/shm/", "/", "/tmp/evil/", "/home/u"});
    if (coin(rng, 5))
        e.rec.flags |= TL_EF_CWD_TRUNC;
    e.rec.res = cls == TL_CLASS_EXEC ? 0 : pick(rng, kRes);
    if (cls == TL_CLASS_OPEN) {
        auto& o = e.rec.payload.open;
        o.fd = coin(rng, 80) ? 3 : -1;
        o.is_read = coin(rng, 60);
        o.is_write = coin(rng, 40);
        o.fd_kind = coin(rng, 85) ? TL_FD_FILE : TL_FD_DIRECTORY;
        e.str[TL_STR_FD_NAME] = pick(rng, kPaths);
        if (coin(rng, 5))
            e.rec.flags |= TL_EF_PATH_TRUNC;
        if (coin(rng, 60))
            e.str[TL_STR_ARG0] = pick(rng, kRawNames);
    }
    if (cls == TL_CLASS_NET || (cls == TL_CLASS_SYSCALL && coin(rng, 50))) {
        tl_sock& c = cls == TL_CLASS_NET ? e.rec.payload.net.sock : e.rec.payload.sys.sock;
        auto r = *parse_ip(pick(rng, kAddrs)), l = *parse_ip(pick(rng, kAddrs));
        std::memcpy(c.remote, r.b.data(), 16);
        std::memcpy(c.local, l.b.data(), 16);
        c.rport = pick(rng, kPorts);
        c.lport = pick(rng, kPorts);
        c.l4proto = coin(rng, 70) ? TL_L4_TCP : TL_L4_UDP;
        c.is_server = coin(rng, 30);
        c.connected = coin(rng, 80);
        int32_t fd = coin(rng, 90) ? 5 : -1;
        uint8_t kind = coin(rng, 50) ? TL_FD_IPV4 : coin(rng, 80) ? TL_FD_IPV6 : TL_FD_UNIX;
        if (cls == TL_CLASS_NET) {
            e.rec.payload.net.args[0] = pick(rng, std::vector<uint64_t>{1, 2, 10, 17, 99});
            e.rec.payload.net.fd = fd;
            e.rec.payload.net.fd_kind = kind;
        } else {
            e.rec.flags &= static_cast<uint16_t>(~(TL_EF_NO_FD | TL_EF_NO_ADDR));
            e.rec.payload.sys.fd = fd;
            e.rec.payload.sys.fd_kind = kind;
        }
        if (coin(rng, 10))
            e.rec.flags |= TL_EF_NO_ADDR;
    }
    if (cls == TL_CLASS_SYSCALL) {
        e.rec.payload.sys.args[0] = pick(rng, std::vector<uint64_t>{16, 0, 13, 16901, 12345, ~0ULL});
        e.str[TL_STR_ARG0] = pick(rng, kPaths);
        e.str[TL_STR_ARG1] = pick(rng, kPaths);
    }
    return e;
}

std::string q(const std::string& s) { return "\"" + s + "\""; }
std::string unq(const std::string& s) { return s.substr(1, s.size() - 2); }

std::string random_atom(std::mt19937& rng)
{
    auto s = [&](const std::vector<std::string>& pool) { return q(pick(rng, pool)); };
    auto prefix = [&](const std::vector<std::string>& pool) {
        std::string v = pick(rng, pool);
        return q(v.substr(0, std::uniform_int_distribution<size_t>(0, v.size())(rng)));
    };
    auto suffix = [&](const std::vector<std::string>& pool) {
        std::string v = pick(rng, pool);
        return q(v.substr(std::uniform_int_distribution<size_t>(0, v.size())(rng)));
    };
    auto list = [&](const std::vector<std::string>& pool) {
        return "(" + s(pool) + ", " + s(pool) + ", " + s(pool) + ")";
    };
    auto num = [&](auto v) { return std::to_string(v); };
    static const std::vector<std::string> strfields = {"proc.name", "proc.pname", "proc.exepath", "proc.exe",
                                                       "fd.name", "fd.directory", "fd.filename", "container.id"};
    static const std::vector<std::string> dirs = {"/etc", "/", "/tmp", "/root/.aws", "/etc/sudoers.d", "/tmp/evil"};
    switch (std::uniform_int_distribution<int>(0, 21)(rng)) {
    case 0: case 1: case 2: {
        std::string f = pick(rng, strfields);
        const auto& pool = f == "proc.name" || f == "proc.pname" ? kComms
                           : f == "container.id"                  ? kContainers
                           : f == "proc.exe"                      ? kArgv0
                           : f == "fd.directory"                  ? dirs
                                                                  : kPaths;
        switch (std::uniform_int_distribution<int>(0, 10)(rng)) {
        case 7: return f + " glob " + q(coin(rng, 50) ? unq(prefix(pool)) + "*" : "*" + unq(suffix(pool)));
        case 8: return f + (coin(rng, 50) ? " regex " : " iglob ") + q(unq(prefix(pool)) + ".*");
        case 9: return f + " pmatch (" + pick(rng, dirs) + ", " + pick(rng, dirs) + "/*, /*/shadow)";
        case 10: return f + " in (" + s(pool) + ", " + q("/" + std::string(270, 'l')) + ")";
        case 0: return f + " = " + s(pool);
        case 1: return f + " != " + s(pool);
        case 2: return f + " in " + list(pool);
        case 3: return f + " startswith " + prefix(pool);
        case 4: return f + " endswith " + suffix(pool);
        case 5: {  // needles of every length around a window (8 bytes)
            std::string v = pick(rng, pool);
            size_t at = std::uniform_int_distribution<size_t>(0, v.size())(rng);
            return f + " contains " + q(v.substr(at, std::uniform_int_distribution<size_t>(1, 10)(rng)));
        }
        default: return f + " exists";
        }
    }
    case 3: return "evt.type " + std::string(coin(rng, 50) ? "in (openat, execve, connect, setuid)" : "= " + pick(rng, std::vector<std::string>{"open", "creat", "execveat", "setgid"}));
    case 4: return "evt.res " + pick(rng, std::vector<std::string>{"= SUCCESS", "startswith E", "= ENOENT", "!= EACCES", "in (EINPROGRESS, SUCCESS)"});
    case 5: return "evt.rawres " + pick(rng, std::vector<std::string>{"< 0", ">= 0", "= -115", "> 3", "<= -13"});
    case 6: return "fd.num " + pick(rng, std::vector<std::string>{">= 0", "= -1", "< 4", "!= 3"});
    case 7: return "user.uid " + pick(rng, std::vector<std::string>{"= 0", "!= 0", "> 999", "in (0, 65534)", "< 2"});
    case 8: return "user.loginuid " + pick(rng, std::vector<std::string>{"= -1", ">= 0", "= 1000", "!= 0"});
    case 9: return pick(rng, std::vector<std::string>{"evt.is_open_read", "evt.is_open_write"}) + " = " + (coin(rng, 50) ? "true" : "false");
    case 10: return "fd.typechar " + pick(rng, std::vector<std::string>{"= f", "in (4, 6)", "= u", "!= d"});
    case 11: return "fd.sip " + pick(rng, std::vector<std::string>{"= 169.254.169.254", "!= 10.0.0.1", "in (::1, 10.1.2.3)"});
    case 12: return "fd.snet " + pick(rng, std::vector<std::string>{"in (10.0.0.0/8, 192.168.0.0/16)", "= 127.0.0.0/8", "!= fe80::/10"});
    case 13: return pick(rng, std::vector<std::string>{"fd.rport", "fd.lport", "fd.sport"}) + " " + pick(rng, std::vector<std::string>{"= 80", "> 1024", "in (22, 443)", "<= 443"});
    case 14: return "fd.l4proto " + std::string(coin(rng, 50) ? "= tcp" : "!= udp");
    case 15:
        if (coin(rng, 50))
            return "proc.cmdline contains " + q(coin(rng, 50) ? "security" : "-c");
        if (coin(rng, 30))
            return "proc.cwd " + pick(rng, std::vector<std::string>{"startswith /dev/shm/", "= /home/u/", "in (/, /tmp/evil/)", "endswith u/", "startswith /home"});
        return "fd.nameraw contains " + q(pick(rng, std::vector<std::string>{"../", "..", "./", "id_rsa", "/.ssh/", "rrrrrrrr", "etc/shadow"}));
    case 16: return pick(rng, std::vector<std::string>{"proc.pid", "proc.ppid"}) + " " + pick(rng, std::vector<std::string>{"= 1", "!= 1", "> 100"});
    case 17:
        if (coin(rng, 50))
            return "group.gid = " + num(pick(rng, kIds));
        return pick(rng, std::vector<std::string>{"user.name", "user.loginname", "group.name"}) + " " +
               pick(rng, std::vector<std::string>{"= root", "!= root", "in (alice, bin)", "startswith r", "= alice",
                                                  "exists", "contains o"});
    case 18: return "evt.arg.request " + pick(rng, std::vector<std::string>{"contains PTRACE_ATTACH", "= 12345", "!= PTRACE_TRACEME", "in (PTRACE_SETREGS, 18446744073709551615)", "startswith PTRACE_SET", "exists"});
    case 19: return "evt.arg.domain " + pick(rng, std::vector<std::string>{"= AF_PACKET", "contains AF_INET", "!= AF_UNIX", "= 99"});
    case 21:
        return pick(rng, std::vector<std::string>{"proc.is_exe_from_memfd", "proc.is_exe_upper_layer",
                                                  "proc.is_exe_lower_layer", "proc.is_exe_writable"}) +
               (coin(rng, 70) ? " = true" : " = false");
    default: return "proc.tty " + pick(rng, std::vector<std::string>{"= 0", "!= 0", "> 34000", "in (34816, 1)"});
    }
}

std::string random_condition(std::mt19937& rng, int depth)
{
    int pick_kind = depth <= 0 ? 0 : std::uniform_int_distribution<int>(0, 5)(rng);
    switch (pick_kind) {
    case 1: case 2: return "(" + random_condition(rng, depth - 1) + " and " + random_condition(rng, depth - 1) + ")";
    case 3: return "(" + random_condition(rng, depth - 1) + " or " + random_condition(rng, depth - 1) + ")";
    case 4: return "not " + random_condition(rng, depth - 1);
    default: return random_atom(rng);
    }
}

struct Tally {
    size_t matches = 0, kernel_may = 0, definite = 0, events = 0;
};

// runs `events` generated events through the kernel evaluator and the reference
void differential(const Ruleset& rs, Kernel& k, std::mt19937& rng, int events, Tally& tally)
{
    Context ctx;
    ctx.hostname = "h";
    ctx.user_name = [](uint32_t uid) { return uid == 0 ? std::string("root") : std::string(); };
    for (int n = 0; n < events; n++) {
        Event e = random_event(rng);
        std::vector<uint8_t> rec = encode_event(e);
        auto ran = k.eval_record(rec);
        REQUIRE_MESSAGE(ran.ok(), ran.error());
        std::string why;
        auto decoded = decode_event(rec.data(), rec.size(), &why);
        REQUIRE_MESSAGE(decoded.has_value(), why);
        tally.events++;
        const tl_event& r = decoded->rec;
        for (size_t i = 0; i < rs.rules.size(); i++) {
            const Rule& rule = rs.rules[i];
            if (!rule.enabled)
                continue;
            bool may = false, def = false;
            for (uint32_t t : rule.terms) {
                if (rs.terms[t].class_id != r.class_id)
                    continue;
                uint32_t b = rs.tables.bit_of_term[t];
                may = may || ((r.may[b / 64] >> (b % 64)) & 1);
                def = def || ((r.def[b / 64] >> (b % 64)) & 1);
            }
            bool exact = eval_condition(rule.condition, rs.preds, *decoded, ctx);
            tally.matches += exact;
            tally.kernel_may += may;
            tally.definite += def;
            if ((exact && !may) || (def && !exact)) {
                std::ostringstream o;
                o << (exact ? "MISSED" : "WRONG DEFINITE") << " rule '" << rule.name << "'\n"
                  << "  condition: " << to_string(rule.condition) << "\n  class " << class_name(r.class_id)
                  << " type " << evt_type_name(r.evt_type) << " comm '" << r.comm << "' pcomm '" << r.pcomm
                  << "' exe '" << decoded->str[TL_STR_EXEPATH] << "' argv0 '" << argv0(decoded->str[TL_STR_ARGS])
                  << "' fd '" << decoded->str[TL_STR_FD_NAME] << "' arg0 '" << decoded->str[TL_STR_ARG0]
                  << "' res " << r.res << " uid " << r.uid << " flags 0x" << std::hex << r.flags;
                FAIL(o.str());
                return;
            }
        }
    }
}

std::unique_ptr<Kernel> kernel_with(const Ruleset& rs)
{
    auto k = Kernel::load(false);
    REQUIRE_MESSAGE(k.ok(), k.error());
    auto installed = (*k)->install(rs.tables, 0);
    REQUIRE_MESSAGE(installed.ok(), installed.error());
    return std::move(*k);
}

#define NEED_KERNEL()                                                       \
    do {                                                                    \
        if (auto why = tltest::kernel_unavailable())                        \
            TL_SKIP("the differential tests run the BPF evaluator: " + *why); \
    } while (0)

}  // namespace

TEST_SUITE("differential") {

TEST_CASE("default rules: kernel verdicts never miss a match")
{
    NEED_KERNEL();
    Ruleset rs = tltest::must_compile_files({tltest::repo_dir() + "/rules"});
    auto k = kernel_with(rs);
    std::mt19937 rng(20261203);
    Tally t;
    differential(rs, *k, rng, 3000, t);
    MESSAGE("default rules: " << t.events << " events, " << t.matches << " exact matches, " << t.kernel_may
                              << " kernel candidates, " << t.definite << " definite");
    CHECK(t.matches > 0);
    CHECK(t.kernel_may < t.events * rs.rules.size() / 2);  // the kernel filters, it does not pass everything
}

TEST_CASE("generated rules: every operator, view and combination")
{
    NEED_KERNEL();
    for (uint32_t seed : {1u, 2u, 3u, 4u}) {
        std::mt19937 rng(seed);
        std::ostringstream yaml;
        for (int i = 0; i < 40; i++)
            yaml << "- rule: g" << i << "\n  condition: '" << random_condition(rng, 3)
                 << "'\n  output: o\n  desc: d\n  priority: INFO\n";
        INFO("seed " << seed << "\n" << yaml.str());
        Ruleset rs = tltest::must_compile(yaml.str());
        auto k = kernel_with(rs);
        Tally t;
        differential(rs, *k, rng, 1500, t);
        MESSAGE("seed " << seed << ": " << t.events << " events, " << t.matches << " exact matches, "
                        << t.kernel_may << " kernel candidates, " << t.definite << " definite");
        CHECK(t.matches > 0);
        CHECK(t.definite > 0);
    }
}

}
