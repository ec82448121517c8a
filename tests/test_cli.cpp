// The tripline command line, as a user drives it: exit codes, error messages
// that name file, line and column, one-sentence refusals, and a real `run`
// stopped with Ctrl-C (SIGINT) that leaves nothing loaded.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/support.h"

using tltest::capture;
using tltest::Captured;

namespace {

std::string bin() { return tltest::build_dir() + "/tripline"; }
std::string rules() { return tltest::repo_dir() + "/rules"; }

std::string write_temp(const std::string& name, const std::string& text)
{
    std::string dir = "/tmp/tripline-cli-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    std::string path = dir + "/" + name;
    std::ofstream(path) << text;
    return path;
}

Captured check(const std::string& yaml)
{
    return capture({bin(), "check", "-r", write_temp("rules.yaml", yaml)});
}

// the BPF programs a process holds, by id (its fdinfo names them); counting
// names in `bpftool prog list` would also count other agents running meanwhile
std::set<uint32_t> programs_of(pid_t pid)
{
    std::set<uint32_t> ids;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fdinfo", ec)) {
        std::istringstream in(tltest::read_file(e.path()));
        for (std::string line; std::getline(in, line);)
            if (line.rfind("prog_id:", 0) == 0)
                ids.insert(static_cast<uint32_t>(std::stoul(line.substr(8))));
    }
    return ids;
}

std::set<uint32_t> loaded_programs()
{
    std::set<uint32_t> ids;
    for (const auto& p : nlohmann::json::parse(capture({"/usr/sbin/bpftool", "-j", "prog", "list"}).out))
        ids.insert(p["id"].get<uint32_t>());
    return ids;
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("check: the default rules are valid")
{
    Captured c = capture({bin(), "check", "-r", rules()});
    CHECK(c.status == 0);
    CHECK(c.out.find("ok: 7 rules") != std::string::npos);
}

TEST_CASE("check: malformed YAML, unknown field, undefined macro, missing output")
{
    Captured yaml = check("- rule: r\n  condition: proc.name = x\n  output: [oops\n");
    CHECK(yaml.status == 1);
    CHECK(yaml.err.find("/rules.yaml:4:1: error: invalid YAML") != std::string::npos);
    CHECK(yaml.err.find("error: invalid YAML") != std::string::npos);

    Captured field = check("- rule: r\n  condition: evt.type = execve and proc.nam = x\n  output: o\n  desc: d\n  priority: INFO\n");
    CHECK(field.status == 1);
    CHECK(field.err.find("rules.yaml:2:36: error: unknown field 'proc.nam'") != std::string::npos);
    CHECK(field.err.find("did you mean 'proc.name'") != std::string::npos);

    Captured macro = check("- rule: r\n  condition: spawned and proc.name = x\n  output: o\n  desc: d\n  priority: INFO\n");
    CHECK(macro.status == 1);
    CHECK(macro.err.find("rules.yaml:2:14: error: 'spawned' is not a macro") != std::string::npos);

    Captured output = check("- rule: quiet\n  condition: proc.name = x\n  desc: d\n  priority: INFO\n");
    CHECK(output.status == 1);
    CHECK(output.err.find("rules.yaml:1:9: error: rule 'quiet' has no 'output'") != std::string::npos);

    Captured type = check("- rule: r\n  condition: proc.pid startswith 1\n  output: o\n  desc: d\n  priority: INFO\n");
    CHECK(type.status == 1);
    CHECK(type.err.find("[type-mismatch]") != std::string::npos);

    Captured missing = capture({bin(), "check", "-r", "/nonexistent.yaml"});
    CHECK(missing.status == 1);
    CHECK(missing.err.find("/nonexistent.yaml") != std::string::npos);
}

TEST_CASE("explain: the kernel/userspace split of a rule")
{
    Captured c = capture({bin(), "explain", "-r", rules(), "AWS credentials access"});
    CHECK(c.status == 0);
    CHECK(c.out.find("rule: AWS credentials access") != std::string::npos);
    CHECK(c.out.find("fd.name endswith /.aws/credentials") != std::string::npos);
    CHECK(c.out.find("suffix trie") != std::string::npos);
    CHECK(c.out.find("proc.cmdline contains security-credentials\n      -> userspace") != std::string::npos);
    CHECK(c.out.find("need userspace confirmation") != std::string::npos);
    CHECK(capture({bin(), "explain", "-r", rules(), "No such rule"}).status == 1);
    Captured dump = capture({bin(), "explain", "-r", rules(), "--dump", "tables"});
    CHECK(dump.status == 0);
    CHECK(dump.out.find("syscall 257 open openat") != std::string::npos);
}

TEST_CASE("--help on every subcommand, and --version")
{
    for (const char* sub : {"run", "check", "explain", "fields", "stats", "reload"}) {
        Captured c = capture({bin(), sub, "--help"});
        CHECK(c.status == 0);
        CHECK(c.out.find("Usage:") != std::string::npos);
    }
    CHECK(capture({bin(), "--help"}).out.find("EXAMPLES:") != std::string::npos);
    Captured v = capture({bin(), "--version"});
    CHECK(v.status == 0);
    CHECK(v.out.rfind("tripline ", 0) == 0);
    CHECK(capture({bin(), "fields"}).out.find("proc.exepath") != std::string::npos);
}

TEST_CASE("run refuses clearly without privileges and without BTF")
{
    if (geteuid() != 0)
        TL_SKIP("dropping privileges and hiding BTF need root");
    Captured user = capture({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             "--inh-caps=-all", "--bounding-set=-all", bin(), "run", "-r", rules()});
    CHECK(user.status == 2);
    CHECK(user.err.find("needs root") != std::string::npos);
    CHECK(user.err.find("libbpf") == std::string::npos);

    Captured no_btf = capture({"/usr/bin/unshare", "-m", "/bin/sh", "-c",
                               "mount -t tmpfs none /sys/kernel/btf && exec \"$0\" run -r \"$1\"", bin(), rules()});
    CHECK(no_btf.status == 2);
    CHECK(no_btf.err.find("no BTF") != std::string::npos);

    Captured out = capture({bin(), "run", "-r", rules(), "-o", "/nonexistent/dir/alerts"});
    CHECK(out.status == 2);
    CHECK(out.err.find("opening output file /nonexistent/dir/alerts") != std::string::npos);
}

TEST_CASE("run: alerts as JSON to a file; Ctrl-C stops it and releases every BPF object")
{
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP("a real run needs root and BPF: " + *why);
    std::string dir = "/tmp/tripline-cli-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    std::string alerts = dir + "/alerts.json";
    pid_t agent = tltest::spawn({bin(), "run", "-r", rules(), "--json", "-o", alerts}, dir + "/out", dir + "/err");
    // wait for the agent to say it is watching
    for (int i = 0; i < 200 && tltest::read_file(dir + "/err").find("watching") == std::string::npos; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(tltest::read_file(dir + "/err").find("watching") != std::string::npos);
    const std::set<uint32_t> held = programs_of(agent);
    CHECK(held.size() >= 9);  // the dispatcher, the class programs, exec, fork, exit
    pid_t reader = 0;
    tltest::run_child(
        []() {
            prctl(PR_SET_NAME, "tl-cli-reader");
            int fd = open("/etc/shadow", O_RDONLY);
            return fd < 0 ? 1 : (close(fd), 0);
        },
        &reader);
    std::string line;
    for (int i = 0; i < 100 && line.empty(); i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::istringstream in(tltest::read_file(alerts));
        for (std::string l; std::getline(in, l);)
            if (l.find("tl-cli-reader") != std::string::npos)
                line = l;
    }
    kill(agent, SIGINT);
    CHECK(tltest::wait_exit(agent) == 0);
    REQUIRE_FALSE(line.empty());
    auto j = nlohmann::json::parse(line);
    CHECK(j["rule"] == "Read of a sensitive file");
    CHECK(j["output_fields"]["fd.name"] == "/etc/shadow");
    for (const char* key : {"hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"})
        CHECK(j.contains(key));
    std::string err = tltest::read_file(dir + "/err");
    CHECK(err.find("open: seen") != std::string::npos);
    // an attached program is freed after its link, a moment after the exit: bounded wait
    size_t still_loaded = held.size();
    for (int i = 0; i < 100 && still_loaded; i++) {
        still_loaded = 0;
        for (uint32_t id : loaded_programs())
            still_loaded += held.count(id);
        if (still_loaded)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(still_loaded == 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("run -r falco_rules.yaml: all 25 rules load and attach, and a Falco rule alerts")
{
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP("a real run needs root and BPF: " + *why);
    auto falco = tltest::falco_rules();
    if (!falco)
        TL_SKIP("Falco's ruleset not found: set TL_FALCO_RULES to falco_rules.yaml");
    std::string dir = "/tmp/tripline-cli-falco-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    std::string alerts = dir + "/alerts.json";
    pid_t agent = tltest::spawn({bin(), "run", "-r", *falco, "--json", "-o", alerts}, dir + "/out", dir + "/err");
    for (int i = 0; i < 200 && tltest::read_file(dir + "/err").find("watching") == std::string::npos; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(tltest::read_file(dir + "/err").find("watching with 25 rules") != std::string::npos);
    pid_t tracee = 0;
    tltest::run_program({tltest::build_dir() + "/tests/progs/tl_falco", "--comm", "tl-cli-traceme", "ptrace-traceme"},
                        &tracee);
    std::string line;
    for (int i = 0; i < 100 && line.empty(); i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::istringstream in(tltest::read_file(alerts));
        for (std::string l; std::getline(in, l);)
            if (l.find("tl-cli-traceme") != std::string::npos)
                line = l;
    }
    kill(agent, SIGINT);
    CHECK(tltest::wait_exit(agent) == 0);
    REQUIRE_FALSE(line.empty());
    auto j = nlohmann::json::parse(line);
    CHECK(j["rule"] == "PTRACE anti-debug attempt");
    CHECK(j["priority"] == "Notice");
    CHECK(j["output_fields"]["proc.name"] == "tl-cli-traceme");
    CHECK(j["output_fields"]["evt.type"] == "ptrace");
    std::filesystem::remove_all(dir);
}

}
