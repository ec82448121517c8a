// Conformance with Falco's rule language: for every operator, modifier,
// transformer, field form, exception form and override form, a condition and
// an event with the verdict Falco gives. Each case runs through the reference
// evaluator (the verdict must match) and through the real kernel tables with
// BPF_PROG_TEST_RUN (an exact match must be among the kernel's candidates; a
// "definite" kernel verdict must be an exact match).
#include <fcntl.h>

#include <sstream>

#include "rulegen/evt_args.h"
#include "tests/events.h"
#include "tests/support.h"
#include "user/kernel.h"

using namespace tripline;

namespace {

Context test_context()
{
    Context ctx;
    ctx.hostname = "node-1";
    ctx.user_name = [](uint32_t uid) { return uid == 0 ? std::string("root") : uid == 1000 ? std::string("alice") : std::string(); };
    ctx.group_name = [](uint32_t gid) { return gid == 0 ? std::string("root") : std::string(); };
    return ctx;
}

void set_proc(Event& e)
{
    e.rec.flags |= TL_EF_PROC_INFO;
    tl_proc_info& p = e.rec.proc;
    p.n_anc = 3;
    p.anc[0] = tl_ancestor{0, 77, "bash", 0};
    p.anc[1] = tl_ancestor{0, 66, "sshd", 0};
    p.anc[2] = tl_ancestor{0, 1, "systemd", 0};
    p.tty = 34816;
    p.vpid = 4242;
    p.vpgid = 4242;
    p.sid = 77;
    p.cap_effective = (1ULL << 21) | (1ULL << 1);  // CAP_SYS_ADMIN, CAP_DAC_OVERRIDE
    e.rec.ppid = 77;
    e.str[TL_STR_CWD] = "/root";
    e.str[TL_STR_PARGS] = std::string("-bash\0-l", 8);
    e.str[TL_STR_PEXEPATH] = "/usr/bin/bash";
}

// cat opens /etc/shadow for reading
Event open_shadow()
{
    Event e = tltest::make_event(TL_CLASS_OPEN, TL_EVT_OPENAT);
    e.str[TL_STR_FD_NAME] = "/etc/shadow";
    e.str[TL_STR_ARGS] = std::string("cat\0/etc/shadow", 15);
    set_proc(e);
    return e;
}

Event open_trunc()
{
    Event e = open_shadow();
    e.str[TL_STR_FD_NAME] = "/var/log/syslog";
    e.rec.payload.open.flags = O_WRONLY | O_TRUNC | O_CREAT;
    e.rec.payload.open.is_read = 0;
    e.rec.payload.open.is_write = 1;
    return e;
}

Event failed_open()
{
    Event e = open_shadow();
    e.rec.res = -2;
    e.rec.payload.open.fd = -1;
    return e;
}

Event connect_metadata()
{
    Event e = tltest::make_event(TL_CLASS_NET, TL_EVT_CONNECT);
    e.rec.res = 0;
    set_proc(e);
    return e;
}

Event exec_curl()
{
    Event e = tltest::make_event(TL_CLASS_EXEC, TL_EVT_EXECVE);
    std::strcpy(e.rec.comm, "curl");
    e.rec.res = 0;
    e.str[TL_STR_EXEPATH] = "/usr/bin/curl";
    e.str[TL_STR_ARGS] = std::string("curl\0aGVsbG8=", 13);
    e.str[TL_STR_ENV] = std::string("HOME=/root\0PATH=/bin", 20);
    set_proc(e);
    return e;
}

Event ptrace_attach()
{
    Event e = tltest::make_event(TL_CLASS_SYSCALL, TL_EVT_PTRACE);
    e.rec.res = 0;
    e.rec.payload.sys.args[0] = 16;  // PTRACE_ATTACH
    e.rec.payload.sys.args[1] = 4321;
    set_proc(e);
    return e;
}

// ptrace with a request no name covers: Falco prints the number
Event ptrace_unknown()
{
    Event e = ptrace_attach();
    e.rec.payload.sys.args[0] = 12345;
    return e;
}

Event socket_packet()
{
    Event e = tltest::make_event(TL_CLASS_NET, TL_EVT_SOCKET);
    e.rec.res = 4;
    e.rec.payload.net.fd = 4;
    e.rec.payload.net.fd_kind = TL_FD_OTHER_SOCKET;
    e.rec.payload.net.args[0] = 17;  // AF_PACKET
    e.rec.flags |= TL_EF_NO_ADDR;
    set_proc(e);
    return e;
}

Event symlink_shadow()
{
    Event e = tltest::make_event(TL_CLASS_SYSCALL, TL_EVT_SYMLINKAT);
    e.rec.res = 0;
    e.rec.payload.sys.args[1] = static_cast<uint64_t>(-100);
    e.str[TL_STR_ARG0] = "/etc/shadow";
    e.str[TL_STR_ARG1] = "link";
    set_proc(e);
    return e;
}

struct Case {
    std::string cond;
    Event event;
    bool expect;
};

std::vector<Case> cases()
{
    const Event sh = open_shadow(), tr = open_trunc(), fo = failed_open(), co = connect_metadata(),
                ex = exec_curl(), pt = ptrace_attach(), pu = ptrace_unknown(), so = socket_packet(), sy = symlink_shadow();
    return {
        // equality, sets
        {"proc.name = cat", sh, true},
        {"proc.name = Cat", sh, false},
        {"proc.name == cat", sh, true},
        {"proc.name != cat", sh, false},
        {"proc.name in (bash, cat)", sh, true},
        {"proc.name in cat", sh, true},
        {"proc.name in (bash, sh)", sh, false},
        {"fd.name intersects (/etc/shadow, /x)", sh, true},
        {"proc.pname in (more_shells)", sh, true},
        {"proc.name = \"cat\"", sh, true},
        {"proc.name = 'cat'", sh, true},
        // strings
        {"fd.name contains had", sh, true},
        {"fd.name icontains SHAD", sh, true},
        {"fd.name contains SHAD", sh, false},
        {"fd.name bcontains 736861646f77", sh, true},
        {"fd.name startswith /etc/", sh, true},
        {"fd.name bstartswith 2f657463", sh, true},
        {"fd.name endswith dow", sh, true},
        {"fd.name startswith ''", sh, true},
        // globs, regular expressions, path prefixes
        {"fd.name glob '/etc/*'", sh, true},
        {"fd.name glob '*shadow'", sh, true},
        {"fd.name glob '/etc/s?adow'", sh, true},
        {"fd.name glob '/etc/[a-r]*'", sh, false},
        {"fd.name iglob '/ETC/*'", sh, true},
        {"fd.name regex '/etc/[a-z]+'", sh, true},
        {"fd.name regex 'shadow'", sh, false},
        {"fd.name regex '.*shad.*'", sh, true},
        {"fd.name pmatch (/etc)", sh, true},
        {"fd.name pmatch (/et)", sh, false},
        {"fd.name pmatch (/usr, /etc/shadow)", sh, true},
        {"fd.name pmatch (/etc/*)", sh, true},
        {"fd.name pmatch (/)", sh, true},
        // exists, missing values
        {"fd.name exists", sh, true},
        {"fd.sip exists", sh, false},
        {"fd.sip != 1.2.3.4", sh, false},
        {"not fd.sip = 1.2.3.4", sh, true},
        {"proc.pname exists", sh, true},
        // numbers, booleans
        {"fd.num >= 3", sh, true},
        {"fd.num < 3", sh, false},
        {"evt.rawres = 3", sh, true},
        {"proc.pid in (4242, 1)", sh, true},
        {"user.uid > 999", sh, true},
        {"user.uid = 0x3e8", sh, true},
        {"evt.is_open_read = true", sh, true},
        {"evt.is_open_write = true", sh, false},
        {"evt.is_open_read = false", co, true},
        // evt.res
        {"evt.res = SUCCESS", sh, true},
        {"evt.res = ENOENT", fo, true},
        {"evt.res startswith E", fo, true},
        {"evt.failed = true", fo, true},
        {"fd.num = -1", fo, true},
        // addresses and networks
        {"fd.sip = 169.254.169.254", co, true},
        {"fd.snet = 169.254.0.0/16", co, true},
        {"fd.sip in (10.0.0.1, 169.254.169.254)", co, true},
        {"fd.cip = 10.0.0.5", co, true},
        {"fd.rport = 80", co, true},
        {"fd.sport = 80", co, true},
        {"fd.lport > 1024", co, true},
        {"fd.net = 10.0.0.0/8", co, true},
        {"fd.ip != 1.2.3.4", co, true},
        {"fd.ip != 10.0.0.5", co, false},
        {"fd.port = 80", co, true},
        {"fd.name = 10.0.0.5:40000->169.254.169.254:80", co, true},
        {"fd.l4proto = tcp", co, true},
        {"fd.typechar = 4", co, true},
        {"fd.is_server = false", co, true},
        // modifiers (Falco 0.44)
        {"proc.name startswith anyof (ca, x)", sh, true},
        {"proc.name = anyof (x, y)", sh, false},
        {"proc.name = oneof (cat, cat)", sh, false},
        {"proc.name = oneof (cat, dog)", sh, true},
        {"proc.name != oneof (cat, cat, bash)", sh, true},
        {"proc.name != allof (a, b)", sh, true},
        {"proc.name endswith allof (t, at)", sh, true},
        {"proc.name = anyof ()", sh, false},
        {"proc.name = allof ()", sh, false},
        // transformers, val()
        {"tolower(proc.name) = cat", sh, true},
        {"toupper(proc.name) = CAT", sh, true},
        {"tolower(toupper(proc.name)) = cat", sh, true},
        {"basename(fd.name) = shadow", sh, true},
        {"len(fd.name) = 11", sh, true},
        {"len(fd.name) > 20", sh, false},
        {"b64(proc.args) = hello", ex, true},
        {"proc.name = val(proc.pname)", sh, false},
        {"fd.directory = val(fd.directory)", sh, true},
        // field arguments and ancestry
        {"proc.aname[1] = bash", sh, true},
        {"proc.aname[2] = sshd", sh, true},
        {"proc.aname[4] = x", sh, false},
        {"proc.aname = sshd", sh, true},
        {"proc.aname != sshd", sh, true},
        {"proc.aname in (sshd, login)", sh, true},
        {"proc.apid[1] = 77", sh, true},
        {"proc.pcmdline = \"bash -l\"", sh, true},
        {"proc.pexe = -bash", sh, true},
        {"proc.env[HOME] = /root", ex, true},
        {"proc.env contains \"PATH=/bin\"", ex, true},
        {"proc.tty != 0", sh, true},
        {"proc.tty = 34816", sh, true},
        {"proc.tty = 0", sh, false},
        {"proc.is_vpgid_leader = true", sh, true},
        {"proc.cwd = /root/", sh, true},
        {"thread.cap_effective contains CAP_SYS_ADMIN", sh, true},
        {"thread.cap_effective icontains sys_module", sh, false},
        {"user.name = alice", sh, true},
        {"proc.cmdline = \"cat /etc/shadow\"", sh, true},
        {"proc.exe = cat", sh, true},
        // event arguments
        {"evt.arg.flags contains O_TRUNC", tr, true},
        {"evt.arg.flags = O_TRUNC|O_CREAT|O_WRONLY", tr, true},
        {"evt.arg.flags contains O_TRUNC", sh, false},
        {"evt.arg.name = /etc/shadow", sh, true},
        {"evt.arg[2] = /etc/shadow", sh, true},
        {"evt.arg.request contains PTRACE_ATTACH", pt, true},
        {"evt.arg.request in (PTRACE_POKETEXT, PTRACE_ATTACH)", pt, true},
        {"evt.arg.pid = 4321", pt, true},
        {"evt.arg.request != PTRACE_ATTACH", pt, false},
        {"evt.arg.request != PTRACE_TRACEME", pt, true},
        {"evt.arg.request exists", pt, true},
        {"evt.arg.request exists", sh, false},
        {"not evt.arg.request = PTRACE_ATTACH", sh, true},
        {"evt.arg.request = 16", pt, false},  // a named value prints its name
        {"evt.arg.request startswith PTRACE_A", pt, true},
        {"evt.arg.request icontains attach", pt, true},
        {"evt.arg.domain = AF_PACKET", so, true},
        {"evt.arg.domain in (AF_INET, AF_INET6)", so, false},
        {"evt.rawarg.request = 16", pt, true},
        {"evt.arg.request = 12345", pu, true},
        {"evt.arg.request in (12345, PTRACE_ATTACH)", pu, true},
        {"evt.arg.request = 012345", pu, false},
        {"evt.arg.request contains PTRACE", pu, false},
        {"evt.arg.request contains 234", pu, true},
        {"evt.arg.domain contains AF_PACKET", so, true},
        {"evt.arg.target = /etc/shadow", sy, true},
        {"evt.arg.linkpath = /root/link", sy, true},
        {"evt.arg.nonesuch exists", sh, false},
        {"evt.rawarg.fd = 3", sh, true},
        // list fields
        {"fd.types intersects (file)", sh, true},
        {"fd.types in (file, ipv4)", sh, true},
        {"fd.types in (ipv4)", sh, false},
        {"len(fd.types) = 1", sh, true},
        // event types, boolean structure, macros
        {"evt.type in (open, openat) and evt.dir = <", sh, true},
        {"evt.type = execve", sh, false},
        {"spawned and proc.name = curl", ex, true},
        {"not (proc.name = cat or proc.name = dog)", sh, false},
        {"not not proc.name = cat", sh, true},
        {"evt.num = 0", sh, false},
        {"evt.num >= 0", sh, true},
    };
}

const char* kHeader = R"(
- list: shells
  items: [bash, sh]
- list: more_shells
  items: [shells, zsh]
- macro: spawned
  condition: evt.type in (execve, execveat)
)";

std::unique_ptr<Kernel> kernel_for(const Ruleset& rs)
{
    auto k = Kernel::load(false);
    REQUIRE_MESSAGE(k.ok(), k.error());
    auto installed = (*k)->install(rs.tables, 0);
    REQUIRE_MESSAGE(installed.ok(), installed.error());
    return std::move(*k);
}

// the kernel's may/def for rule `rule` on the event
std::pair<bool, bool> kernel_verdict(Kernel& k, const Ruleset& rs, size_t rule, const Event& e)
{
    auto rec = encode_event(e);
    auto ran = k.eval_record(rec);
    REQUIRE_MESSAGE(ran.ok(), ran.error());
    const tl_event* r = reinterpret_cast<const tl_event*>(rec.data());
    bool may = false, def = false;
    for (uint32_t t : rs.rules[rule].terms) {
        if (rs.terms[t].class_id != r->class_id)
            continue;
        uint32_t b = rs.tables.bit_of_term[t];
        may = may || ((r->may[b / 64] >> (b % 64)) & 1);
        def = def || ((r->def[b / 64] >> (b % 64)) & 1);
    }
    return {may, def};
}

// checks every rule of `rs` named in `expect` on `e`
void check_rules(const Ruleset& rs, const Event& e, const std::map<std::string, bool>& expect, Kernel* k)
{
    Context ctx = test_context();
    for (size_t i = 0; i < rs.rules.size(); i++) {
        auto it = expect.find(rs.rules[i].name);
        if (it == expect.end())
            continue;
        INFO("rule " << rs.rules[i].name << ": " << to_string(rs.rules[i].condition));
        bool exact = eval_condition(rs.rules[i].condition, rs.preds, e, ctx);
        CHECK(exact == it->second);
        if (!k || !rs.rules[i].enabled)
            continue;
        auto [may, def] = kernel_verdict(*k, rs, i, e);
        CHECK((!exact || may));
        CHECK((!def || exact));
    }
}

// YAML single quotes: a quote is doubled
std::string single_quoted(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
}

std::string rule_yaml(const std::string& name, const std::string& cond, const std::string& extra = "")
{
    return "- rule: " + name + "\n  desc: d\n  condition: " + single_quoted(cond) +
           "\n  output: o %proc.name\n  priority: INFO\n" + extra;
}

}  // namespace

TEST_SUITE("conformance") {

TEST_CASE("operators, modifiers, transformers and fields: reference and kernel")
{
    auto all = cases();
    std::ostringstream yaml;
    yaml << kHeader;
    for (size_t i = 0; i < all.size(); i++) {
        yaml << rule_yaml("c" + std::to_string(i), all[i].cond, "  warn_evttypes: false\n");
    }
    Ruleset rs = tltest::must_compile(yaml.str());
    REQUIRE(rs.rules.size() == all.size());
    std::unique_ptr<Kernel> k;
    if (auto why = tltest::kernel_unavailable())
        MESSAGE("kernel side not checked: " << *why);
    else
        k = kernel_for(rs);
    Context ctx = test_context();
    for (size_t i = 0; i < all.size(); i++) {
        INFO("case " << i << ": " << all[i].cond);
        check_rules(rs, all[i].event, {{"c" + std::to_string(i), all[i].expect}}, k.get());
    }
}

TEST_CASE("prefilters: the kernel drops what a glob, regex, wildcard pmatch or long value cannot match")
{
    const std::string long_path = "/var/" + std::string(300, 'x');
    struct Pf {
        std::string cond;
        const char* hit;   // an fd.name that matches
        const char* miss;  // one the kernel's prefilter rejects
    };
    const std::vector<Pf> pfs = {
        {"fd.name glob '/etc/*'", "/etc/shadow", "/var/log"},
        {"fd.name glob '*.pem'", "/etc/ssl/a.pem", "/etc/ssl/a.crt"},
        {"fd.name iglob '/*/SHADOW'", "/etc/shadow", "etc/shadow"},
        {"fd.name regex '/etc/sh[a-z]+'", "/etc/shadow", "/var/shadow"},
        {"fd.name pmatch (/etc/*/x, /root)", "/etc/a/x/y", "/var/a/x"},
        {"fd.name pmatch (/etc/*/x, /root)", "/root/.ssh", "/usr/bin"},
        {"fd.name = " + long_path, long_path.c_str(), "/var/xxx"},
        {"fd.name in (/a, " + long_path + ")", "/a", "/var/xxx"},
        {"not fd.name glob '/etc/*'", "/var/log", nullptr},
    };
    std::ostringstream yaml;
    for (size_t i = 0; i < pfs.size(); i++)
        yaml << rule_yaml("p" + std::to_string(i), "evt.type = openat and " + pfs[i].cond);
    std::string text = yaml.str();
    Ruleset rs = tltest::must_compile(text);
    REQUIRE(rs.rules.size() == pfs.size());
    CHECK(explain(rs).find("prefilter for: fd.name glob") != std::string::npos);
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP(*why);
    auto k = kernel_for(rs);
    for (size_t i = 0; i < pfs.size(); i++) {
        INFO("prefilter " << i << ": " << pfs[i].cond);
        Event hit = open_shadow();
        hit.str[TL_STR_FD_NAME] = pfs[i].hit;
        check_rules(rs, hit, {{"p" + std::to_string(i), true}}, k.get());
        if (!pfs[i].miss)
            continue;
        Event miss = open_shadow();
        miss.str[TL_STR_FD_NAME] = pfs[i].miss;
        check_rules(rs, miss, {{"p" + std::to_string(i), false}}, k.get());
        CHECK_FALSE(kernel_verdict(*k, rs, i, miss).first);
    }
}

TEST_CASE("flag renderings follow the driver's tables")
{
    CHECK(open_flags_string(O_RDWR | O_CREAT) == "O_CREAT|O_RDWR");
    CHECK(open_flags_string(O_RDONLY | O_CLOEXEC) == "O_RDONLY|O_CLOEXEC");
    CHECK(open_flags_string(O_WRONLY | O_CREAT | O_TRUNC) == "O_TRUNC|O_CREAT|O_WRONLY");
    CHECK(socket_family_string(1) == "AF_LOCAL|AF_UNIX");
    CHECK(socket_family_string(17) == "AF_PACKET");
    CHECK(socket_family_string(16) == "AF_ROUTE|AF_NETLINK");
    CHECK(ptrace_request_string(16) == "PTRACE_ATTACH");
    CHECK(ptrace_request_string(12345) == "PTRACE_UNKNOWN");
    CHECK(clone_flags_string(0x20000 | 0x10000000) == "CLONE_NEWNS|CLONE_NEWUSER");
    CHECK(caps_string((1ULL << 0) | (1ULL << 21)) == "CAP_CHOWN CAP_SYS_ADMIN");
    CHECK(execve_flags_string(TL_EXE_WRITABLE | TL_EXE_UPPER_LAYER) == "EXE_WRITABLE|EXE_UPPER_LAYER");
    Context ctx = test_context();
    Event sh = open_shadow();
    CHECK(evt_args(sh, ctx) == "fd=3 dirfd=-100(AT_FDCWD) name=/etc/shadow flags=1(O_RDONLY) mode=0 dev=0 ino=0 ");
}

TEST_CASE("exceptions: tuple, single-field, lists, list names, modifiers, appended values")
{
    std::string yaml = std::string(kHeader) + R"(
- list: editors
  items: [vim, cat]
- rule: tuple
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
  exceptions:
    - name: known
      fields: [proc.name, fd.directory]
      comps: [=, startswith]
      values: [[cat, /et]]
- rule: single
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
  exceptions:
    - name: names
      fields: proc.name
      values: [bash, cat]
- rule: listname
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
  exceptions:
    - name: names
      fields: proc.name
      values: [editors]
- rule: listelem
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
  exceptions:
    - name: pairs
      fields: [proc.name, fd.name]
      comps: [in, pmatch]
      values: [[[vim, cat], [/etc]]]
- rule: modifier
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
  exceptions:
    - name: prefixes
      fields: proc.name
      comps: startswith anyof
      values: [ca, x]
- rule: appended
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
  exceptions:
    - name: known
      fields: [proc.name]
      values: [[bash]]
- rule: appended
  exceptions:
    - name: known
      values: [[cat]]
  override:
    exceptions: append
- rule: novalues
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
  exceptions:
    - name: empty
      fields: [proc.name]
)";
    SourceManager sm;
    Diagnostics d;
    auto rs = tltest::compile_text(yaml, d, &sm);
    INFO(d.format(sm));
    REQUIRE(rs);
    std::unique_ptr<Kernel> k;
    if (!tltest::kernel_unavailable())
        k = kernel_for(*rs);
    Event cat = open_shadow(), dog = open_shadow();
    std::strcpy(dog.rec.comm, "dog");
    check_rules(*rs, cat, {{"tuple", false}, {"single", false}, {"listname", false}, {"listelem", false},
                           {"modifier", false}, {"appended", false}, {"novalues", true}},
                k.get());
    check_rules(*rs, dog, {{"tuple", true}, {"single", true}, {"listname", true}, {"listelem", true},
                           {"modifier", true}, {"appended", true}, {"novalues", true}},
                k.get());
    // Falco's exact generated text
    for (const auto& item : load_items_text("t", yaml, sm, d).rules)
        if (item.name == "tuple")
            CHECK(condition_with_exceptions(item).s ==
                  "(evt.type = openat) and not (( proc.name = cat and  fd.directory startswith /et))");
}

TEST_CASE("exceptions that Falco refuses")
{
    auto refused = [](const std::string& ex) {
        Diagnostics d;
        tltest::compile_text(rule_yaml("r", "evt.type = openat", "  exceptions:\n" + ex), d);
        return d.has_code(Code::BadException);
    };
    CHECK(refused("    - name: e\n      values: [[a]]\n"));  // no fields
    CHECK(refused("    - name: e\n      fields: [proc.name, fd.name]\n      comps: [=]\n      values: []\n"));
    CHECK(refused("    - name: e\n      fields: [proc.name]\n      comps: [like]\n      values: []\n"));
    CHECK(refused("    - name: e\n      fields: proc.name\n      comps: '='\n      values: [a]\n"));
    CHECK(refused("    - name: e\n      fields: [proc.nope]\n      values: [[a]]\n"));
    CHECK(refused("    - name: e\n      fields: [proc.name, fd.name]\n      values: [[a]]\n"));
}

TEST_CASE("overrides: append and replace, per key, and what Falco refuses")
{
    std::string yaml = std::string(kHeader) + rule_yaml("appendcond", "evt.type = openat") + rule_yaml("replacecond", "evt.type = openat") +
                       rule_yaml("disabled", "evt.type = openat") + rule_yaml("legacy", "evt.type = openat") +
                       rule_yaml("standalone", "evt.type = openat") + R"(
- rule: appendcond
  condition: and proc.name = bash
  override:
    condition: append
- rule: replacecond
  condition: proc.name = cat
  output: replaced %fd.name
  tags: [x]
  priority: CRITICAL
  override:
    condition: replace
    output: replace
    tags: replace
    priority: replace
- rule: disabled
  enabled: false
  override:
    enabled: replace
- rule: legacy
  condition: and proc.name = cat
  append: true
- rule: standalone
  enabled: false
- list: shells
  items: [cat]
  override:
    items: append
- macro: spawned
  condition: or proc.name = cat
  override:
    condition: append
- rule: viamacro
  desc: d
  condition: spawned and proc.pname in (shells)
  output: o
  priority: INFO
)";
    SourceManager sm;
    Diagnostics d;
    auto rs = tltest::compile_text(yaml, d, &sm);
    INFO(d.format(sm));
    REQUIRE(rs);
    CHECK(d.has_code(Code::Deprecated));  // append: true, standalone enabled
    std::unique_ptr<Kernel> k;
    if (!tltest::kernel_unavailable())
        k = kernel_for(*rs);
    Event cat = open_shadow();
    check_rules(*rs, cat, {{"appendcond", false}, {"replacecond", true}, {"legacy", true}, {"viamacro", true}}, k.get());
    for (const auto& r : rs->rules) {
        if (r.name == "replacecond") {
            CHECK(r.priority == Priority::Critical);
            CHECK(r.tags == std::vector<std::string>{"x"});
            CHECK(render(r.output, cat, test_context()) == "replaced /etc/shadow");
        }
        if (r.name == "disabled" || r.name == "standalone")
            CHECK_FALSE(r.enabled);
    }

    auto refused = [](const std::string& y) {
        Diagnostics dd;
        tltest::compile_text(std::string(kHeader) + rule_yaml("r", "evt.type = openat") + y, dd);
        return dd.has_code(Code::BadOverride);
    };
    CHECK(refused("- rule: nosuch\n  condition: a\n  override:\n    condition: append\n"));
    CHECK(refused("- rule: r\n  priority: INFO\n  override:\n    priority: append\n"));
    CHECK(refused("- rule: r\n  condition: a\n  output: o\n  override:\n    condition: append\n"));
    CHECK(refused("- rule: r\n  condition: a\n  override:\n    condition: merge\n"));
    CHECK(refused("- rule: r\n  override:\n    condition: append\n"));
    CHECK(refused("- rule: r\n  condition: a\n  append: true\n  override:\n    condition: append\n"));
    CHECK(refused("- list: nosuch\n  items: [a]\n  override:\n    items: append\n"));
}

TEST_CASE("rule selection: minimum priority, wildcards, tags, in order")
{
    CHECK(wildcard_match("Write below *", "Write below etc"));
    CHECK(wildcard_match("*", "anything"));
    CHECK(wildcard_match("**", ""));
    CHECK(wildcard_match("exact", "exact"));
    CHECK_FALSE(wildcard_match("exact", "exactly"));
    CHECK(wildcard_match("*below*", "Write below etc"));
    CHECK_FALSE(wildcard_match("*a", "aXa"));  // greedy, no backtracking: as Falco
    std::string yaml = rule_yaml("loud", "evt.type = openat") + R"(
- rule: quiet
  desc: d
  condition: evt.type = openat
  output: o
  priority: DEBUG
  tags: [network]
- rule: tagged
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
  tags: [network, fs]
)";
    Selection sel;
    sel.min_priority = Priority::Informational;
    sel.steps = {*parse_selection_step("disable.rule=*", nullptr), *parse_selection_step("enable.tag=network", nullptr)};
    SourceManager sm;
    Diagnostics d;
    Items items = load_items_text("t", yaml, sm, d);
    auto rs = compile_items(items, d, sel);
    REQUIRE(rs);
    std::map<std::string, bool> enabled;
    for (const auto& r : rs->rules)
        enabled[r.name] = r.enabled;
    CHECK_FALSE(enabled["loud"]);
    CHECK_FALSE(enabled["quiet"]);  // below the minimum: no selection can enable it
    CHECK(enabled["tagged"]);
    CHECK_FALSE(parse_selection_step("enable.color=red", nullptr));
}

TEST_CASE("loader details: engine version, plugins, skip-if-unknown-filter, evttypes, capture")
{
    Diagnostics d;
    tltest::compile_text("- required_engine_version: 99.0.0\n", d);
    CHECK(d.has_code(Code::EngineVersion));
    Diagnostics ok;
    CHECK(tltest::compile_text("- required_engine_version: 0.57.0\n- required_engine_version: 14\n", ok));
    CHECK_FALSE(ok.has_errors());

    Diagnostics p;
    auto rs = tltest::compile_text(R"(
- required_plugin_versions:
    - name: container
      version: 0.4.0
    - name: k8saudit
      version: 0.7.0
- rule: skipped
  desc: d
  condition: evt.type = openat and proc.nosuch = 1
  output: o
  priority: INFO
  skip-if-unknown-filter: true
- rule: everything
  desc: d
  condition: proc.name = cat
  output: o
  priority: INFO
  capture: true
)",
                                   p);
    REQUIRE(rs);
    CHECK(p.has_code(Code::UnsupportedPlugin));
    CHECK(p.has_code(Code::UnknownField));  // as a warning, the rule skipped
    CHECK(p.has_code(Code::NoEventType));
    CHECK(p.has_code(Code::Ignored));
    CHECK(rs->rules.size() == 1);
}

TEST_CASE("Falco's stable ruleset loads, with every rule and its kernel/userspace split")
{
    auto falco = tltest::falco_rules();
    if (!falco)
        TL_SKIP("Falco's ruleset was not found: set TL_FALCO_RULES, or put it at ../shared/peers/falco_rules.yaml");
    Ruleset rs = tltest::must_compile_files({*falco});
    CHECK(rs.rules.size() == 25);
    size_t kernel = 0;
    for (const auto& r : rs.rules) {
        CHECK(r.classes != 0);
        kernel += r.kernel_decides();
    }
    CHECK(kernel >= 2);
    CHECK(explain(rs).find("rule: Terminal shell in container") != std::string::npos);
}

}
