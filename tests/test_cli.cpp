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

#include "tests/http_server.h"
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


// starts `tripline run ARGS` and waits until it says it is watching; -1 if it never does
pid_t start_agent(const std::vector<std::string>& args, const std::string& dir)
{
    std::vector<std::string> argv{bin(), "run"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t agent = tltest::spawn(argv, dir + "/out", dir + "/err");
    for (int i = 0; i < 200 && tltest::read_file(dir + "/err").find("watching") == std::string::npos; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return tltest::read_file(dir + "/err").find("watching") != std::string::npos ? agent : -1;
}

// a child named `name` opens /etc/shadow for reading
void read_shadow_as(const char* name)
{
    tltest::run_child([name]() {
        prctl(PR_SET_NAME, name);
        int fd = open("/etc/shadow", O_RDONLY);
        return fd < 0 ? 1 : (close(fd), 0);
    });
}

// the first line of `path` holding `what`, waiting up to 5 s for it
std::string line_with(const std::string& path, const std::string& what)
{
    for (int i = 0; i < 100; i++) {
        std::istringstream in(tltest::read_file(path));
        for (std::string l; std::getline(in, l);)
            if (l.find(what) != std::string::npos)
                return l;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
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
    pid_t agent = start_agent({"-r", rules(), "--json", "-o", alerts}, dir);
    REQUIRE(agent > 0);
    const std::set<uint32_t> held = programs_of(agent);
    CHECK(held.size() >= 9);  // the dispatcher, the class programs, exec, fork, exit
    read_shadow_as("tl-cli-reader");
    std::string line = line_with(alerts, "tl-cli-reader");
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

TEST_CASE("config: -c and -o key=value; refusals exit 1 naming the key and where")
{
    std::string cfg = write_temp("tripline.yaml", "rules_files: [" + rules() + "]\nrules:\n  - disable: {rule: \"*\"}\n"
                                                  "  - enable: {rule: \"Write below /etc\"}\n");
    Captured ok = capture({bin(), "check", "-c", cfg});
    CHECK(ok.status == 0);
    CHECK(ok.out.find("ok: 7 rules (1 enabled)") != std::string::npos);

    std::string bad = write_temp("bad.yaml", "json_output: true\nhttp_output:\n  retries: lots\n");
    Captured refused = capture({bin(), "check", "-c", bad});
    CHECK(refused.status == 1);
    CHECK(refused.err == "tripline: config: " + bad + ":3: http_output.retries: expected an integer, got 'lots'\n");

    Captured missing = capture({bin(), "run", "-c", "/nonexistent/tripline.yaml"});
    CHECK(missing.status == 1);
    CHECK(missing.err.find("/nonexistent/tripline.yaml: no such file") != std::string::npos);

    Captured over = capture({bin(), "run", "-r", rules(), "-o", "rate_limit.burst=0"});
    CHECK(over.status == 1);
    CHECK(over.err.find("-o rate_limit.burst=0: rate_limit.burst: must be at least 1") != std::string::npos);

    Captured unknown = capture({bin(), "run", "-r", rules(), "-o", "http_output.urll=http://x/"});
    CHECK(unknown.status == 1);
    CHECK(unknown.err.find("http_output.urll: unknown key") != std::string::npos);
    std::filesystem::remove_all(std::filesystem::path(cfg).parent_path());
}

TEST_CASE("run with a config: file, webhook and a dead Alertmanager at once; SIGHUP reopens the file; ring buffer size; exit stats per output")
{
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP("a real run needs root and BPF: " + *why);
    std::string dir = "/tmp/tripline-cli-" + std::to_string(getpid()) + "-outputs";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    tltest::HttpServer hook;
    const std::string alerts = dir + "/alerts.json";
    std::ofstream(dir + "/tripline.yaml")
        << "json_output: true\nstdout_output: {enabled: false}\n"
        << "file_output: {enabled: true, filename: " << alerts << "}\n"
        << "http_output: {enabled: true, url: '" << hook.url("/hook") << "', headers: {X-Token: t0k}}\n"
        << "alertmanager_output: {enabled: true, url: 'http://127.0.0.1:" << tltest::dead_port()
        << "', retries: 0, timeout_ms: 200}\n"
        << "append_output:\n  - match: {tags: [filesystem]}\n"
        << "    extra_output: 'rule_id=%tripline.rule_id'\n    extra_fields: [tripline.generation]\n"
        << "buffers: {ring_buffer_mb: 4}\n";
    pid_t agent = start_agent({"-r", rules(), "-c", dir + "/tripline.yaml", "--exit-stats", dir + "/stats.json"}, dir);
    REQUIRE(agent > 0);
    CHECK(capture({"/usr/sbin/bpftool", "map", "show", "name", "events"}).out.find("max_entries 4194304") !=
          std::string::npos);
    read_shadow_as("tl-cli-before");
    std::string before = line_with(alerts, "tl-cli-before");
    REQUIRE_FALSE(before.empty());
    auto j = nlohmann::json::parse(before);
    CHECK(j["output"].get<std::string>().find("rule_id=") != std::string::npos);
    CHECK(j["output_fields"].contains("tripline.generation"));
    // logrotate: rename, then HUP
    std::filesystem::rename(alerts, alerts + ".1");
    kill(agent, SIGHUP);
    for (int i = 0; i < 100 && !std::filesystem::exists(alerts); i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    read_shadow_as("tl-cli-after");
    CHECK_FALSE(line_with(alerts, "tl-cli-after").empty());
    // other processes on the machine may trigger rules too: count ours
    auto hooked = [&] {
        size_t n = 0;
        for (const auto& r : hook.requests())
            n += r.body.find("tl-cli-") != std::string::npos && r.headers.at("x-token") == "t0k";
        return n;
    };
    for (int i = 0; i < 200 && hooked() < 2; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kill(agent, SIGINT);
    CHECK(tltest::wait_exit(agent) == 0);
    CHECK(hooked() == 2);
    auto stats = nlohmann::json::parse(tltest::read_file(dir + "/stats.json"));
    std::map<std::string, nlohmann::json> outs;
    for (const auto& o : stats["outputs"])
        outs[o["name"]] = o;
    REQUIRE(outs.size() == 3);
    CHECK(outs["file"]["sent"] >= 2);
    CHECK(outs["http"]["sent"] >= 2);
    CHECK(outs["alertmanager"]["sent"] == 0);
    CHECK(outs["alertmanager"]["failed"] >= 2);  // the dead one failed; the others were not held by it
    std::string err = tltest::read_file(dir + "/err");
    CHECK(err.find("output file: sent") != std::string::npos);
    CHECK(err.find("SIGHUP: reopening") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("run with rate_limit: the burst is shipped, the rest counted and summed up with the process")
{
    if (auto why = tltest::kernel_unavailable())
        TL_SKIP("a real run needs root and BPF: " + *why);
    std::string dir = "/tmp/tripline-cli-" + std::to_string(getpid()) + "-gate";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/tripline.yaml") << "rate_limit: {enabled: true, rate: 0.001, burst: 2, summary_interval_s: 1}\n";
    pid_t agent = start_agent({"-r", rules(), "-c", dir + "/tripline.yaml", "--json", "-o", dir + "/alerts.json",
                               "--exit-stats", dir + "/stats.json"},
                              dir);
    REQUIRE(agent > 0);
    for (int i = 0; i < 6; i++)
        read_shadow_as("tl-cli-flood");
    // one summary per second (a slow consumer may split ours over two); other
    // processes on the machine may trigger the rule too, so count our process
    const std::string ours = "tl-cli-flood (";
    auto suppressed = [&] {
        size_t n = 0;
        std::istringstream err(tltest::read_file(dir + "/err"));
        for (std::string l; std::getline(err, l);)
            if (l.find("rule 'Read of a sensitive file' suppressed ") != std::string::npos)
                if (auto at = l.find(ours); at != std::string::npos)
                    n += std::stoul(l.substr(at + ours.size()));
        return n;
    };
    auto shipped = [&] {
        size_t n = 0;
        std::istringstream in(tltest::read_file(dir + "/alerts.json"));
        for (std::string l; std::getline(in, l);)
            n += l.find("tl-cli-flood") != std::string::npos && l.find("tripline suppressed alerts") == std::string::npos;
        return n;
    };
    for (int i = 0; i < 200 && suppressed() + shipped() < 6; i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kill(agent, SIGINT);
    CHECK(tltest::wait_exit(agent) == 0);
    INFO(tltest::read_file(dir + "/err"));
    CHECK(shipped() <= 2);  // the burst (shared with anyone else who read /etc/shadow meanwhile)
    CHECK(suppressed() + shipped() == 6);
    CHECK(suppressed() >= 4);
    auto stats = nlohmann::json::parse(tltest::read_file(dir + "/stats.json"));
    CHECK(stats["suppressed"] >= 4);
    // the summary reached the output too
    CHECK(tltest::read_file(dir + "/alerts.json").find("\"rule\":\"tripline suppressed alerts\"") != std::string::npos);
    std::filesystem::remove_all(dir);
}

}
