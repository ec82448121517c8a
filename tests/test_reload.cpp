// Reload and lifecycle, against the real kernel side: rulesets swapped by
// generation while a child triggers a rule without pause (no event missed, no
// record confirmed against the wrong generation), a broken rule file that
// leaves the old rules running, SIGHUP, ring-buffer loss reported as a
// rate-limited alert, and a stop that still delivers what was triggered
// just before it.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support.h"

using namespace tripline;
using tltest::LiveAgent;
using tltest::SeenAlert;

namespace {

// A rule on opens of DIR/t-* by processes named `comm`; `shape` varies the
// condition so that the two rulesets' tables differ, not only their names.
std::string trigger_rule(const std::string& name, const std::string& comm, const std::string& dir, int shape)
{
    const std::string files = shape == 0 ? "(fd.name startswith " + dir + "/t- or fd.name = /nonexistent/a)"
                                          : "fd.name startswith " + dir + "/t- and not fd.name endswith .skip";
    return "- rule: " + name + "\n  desc: reload test\n  condition: evt.type in (open, openat) and proc.name = " +
           comm + " and " + files + "\n  output: " + name + " opened %fd.name (gen test)\n  priority: WARNING\n";
}

// what a trigger child and the test share: a stop request and the number of
// opens that completed (each of DIR/t-<n>, n counting from 0)
struct Shared {
    std::atomic<int> stop{0};
    std::atomic<int> done{0};
};

Shared* shared_page()
{
    void* p = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    return new (p) Shared();
}

// DIR/t-<n> without allocating (the child of a threaded process)
void file_name(char* out, const std::string& dir, int n)
{
    size_t at = dir.copy(out, 200);
    out[at++] = '/';
    out[at++] = 't';
    out[at++] = '-';
    char digits[16];
    int k = 0;
    do {
        digits[k++] = static_cast<char>('0' + n % 10);
        n /= 10;
    } while (n);
    while (k)
        out[at++] = digits[--k];
    out[at] = '\0';
}

// forks a child named `comm` that opens DIR/t-0, DIR/t-1, ... until asked to
// stop or `max` opens are done
pid_t start_trigger(Shared* sh, const std::string& comm, const std::string& dir, int max, int pause_us)
{
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_NAME, comm.c_str());
        char path[256];
        for (int n = 0; n < max && !sh->stop; n++) {
            file_name(path, dir, n);
            int fd = open(path, O_RDONLY | O_CREAT, 0600);
            if (fd < 0)
                _exit(1);
            close(fd);
            sh->done = n + 1;
            if (pause_us)
                usleep(static_cast<useconds_t>(pause_us));
        }
        _exit(0);
    }
    return pid;
}

int wait_child(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::vector<SeenAlert> alerts_matching(LiveAgent& a, const std::string& prefix)
{
    std::vector<SeenAlert> out;
    for (const auto& al : a.alerts())
        if (al.rule.rfind(prefix, 0) == 0)
            out.push_back(al);
    return out;
}

uint64_t lost_total(Agent& a)
{
    uint64_t n = 0;
    for (const auto& k : a.kernel().counters())
        n += k[TL_CNT_LOST];
    return n;
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("reload under continuous triggering: every event alerts once, by the generation that saw it")
{
    TL_NEED_KERNEL();
    tltest::TempDir dir("reload");
    const std::string comm = "tl-reload-trig";
    const std::string rule_a = "Reload test A", rule_b = "Reload test B";
    auto ruleset = [&](int i) { return tltest::must_compile(trigger_rule(i % 2 ? rule_b : rule_a, comm, dir.path, i % 2)); };

    auto agent = LiveAgent::start(ruleset(0));
    std::map<uint32_t, std::string> rule_of_gen{{agent->agent().generation(), rule_a}};
    Shared* sh = shared_page();
    const pid_t child = start_trigger(sh, comm, dir.path, 50000, 200);

    // reload while the child opens files: each generation must see some of them
    constexpr int kReloads = 12;
    std::vector<int> done_at_reload;
    for (int i = 1; i <= kReloads; i++) {
        const int before = sh->done;
        for (int spin = 0; spin < 2000 && sh->done < before + 20; spin++)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        auto r = agent->reload(ruleset(i));
        INFO(r.error());
        REQUIRE(r.ok());
        rule_of_gen[agent->agent().generation()] = i % 2 ? rule_b : rule_a;
        done_at_reload.push_back(sh->done);
    }
    const int before_stop = sh->done;
    for (int spin = 0; spin < 2000 && sh->done < before_stop + 20; spin++)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    sh->stop = 1;
    REQUIRE(wait_child(child) == 0);
    const int total = sh->done;
    REQUIRE(total > done_at_reload.back());  // the child was still triggering after the last reload
    CHECK(done_at_reload.front() > 0);        // ... and before the first

    // every open alerts exactly once (bounded wait for the consumer)
    for (int i = 0; i < 300 && alerts_matching(*agent, "Reload test").size() < static_cast<size_t>(total); i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    agent->settle();
    const auto alerts = alerts_matching(*agent, "Reload test");
    INFO("opens " << total << ", alerts " << alerts.size() << ", lost in the kernel " << lost_total(agent->agent()));
    CHECK(lost_total(agent->agent()) == 0);
    CHECK(agent->agent().stats().unknown_generation == 0);
    std::map<int, int> seen;
    std::set<uint32_t> gens;
    size_t mixed = 0;
    for (const auto& al : alerts) {
        const std::string& name = al.fields.at("fd.name");
        const int n = std::stoi(name.substr(name.rfind("/t-") + 3));
        seen[n]++;
        gens.insert(al.gen);
        // the record's generation is the one whose ruleset named the alert
        auto it = rule_of_gen.find(al.gen);
        if (it == rule_of_gen.end() || it->second != al.rule)
            mixed++;
    }
    CHECK(mixed == 0);
    int missing = 0, doubled = 0;
    for (int n = 0; n < total; n++) {
        missing += seen[n] == 0;
        doubled += seen[n] > 1;
    }
    CHECK(missing == 0);
    CHECK(doubled == 0);
    CHECK(alerts.size() == static_cast<size_t>(total));
    CHECK(gens.size() >= kReloads / 2);  // alerts came from most generations, not one
    MESSAGE(total << " opens across " << kReloads << " reloads: " << alerts.size() << " alerts from " << gens.size()
                  << " generations");
    munmap(sh, sizeof(Shared));
}

TEST_CASE("ring-buffer loss becomes one rate-limited 'tripline dropped events' alert with the count")
{
    TL_NEED_KERNEL();
    tltest::TempDir dir("loss");
    const std::string comm = "tl-loss-trig";
    AgentOptions opts;
    opts.json = true;
    opts.ring_bytes = 16384;  // a few records: the test stops consuming to overflow it
    opts.drop_alert_interval = std::chrono::hours(1);
    auto started = Agent::start(tltest::must_compile(trigger_rule("Loss test", comm, dir.path, 0)), opts);
    INFO(started.error());
    REQUIRE(started.ok());
    Agent& agent = **started;
    auto out = Output::open(dir.path + "/alerts.json");
    REQUIRE(out.ok());
    agent.set_output(std::move(*out));
    std::vector<Alert> drops;
    agent.on_alert = [&](const Alert& a, const Event&) {
        if (a.rule->name == kDropAlertRule)
            drops.push_back(a);
    };
    auto burst = [&] {
        Shared* sh = shared_page();
        REQUIRE(wait_child(start_trigger(sh, comm, dir.path, 200, 0)) == 0);
        munmap(sh, sizeof(Shared));
        REQUIRE(agent.drain().ok());
    };

    burst();  // nobody polled while 200 records met a buffer for a few
    const uint64_t lost = lost_total(agent);
    REQUIRE(lost > 0);
    CHECK(agent.check_drops());
    REQUIRE(drops.size() == 1);
    auto field = [](const Alert& a, const std::string& name) {
        for (const auto& [k, v] : a.fields)
            if (k == name && v)
                return std::get<int64_t>(*v);
        return int64_t{-1};
    };
    CHECK(field(drops[0], "n_lost") == static_cast<int64_t>(lost));
    CHECK(field(drops[0], "n_lost_open") == static_cast<int64_t>(lost));
    CHECK(drops[0].rule->priority == Priority::Critical);

    burst();  // more losses within the interval: no second alert
    REQUIRE(lost_total(agent) > lost);
    CHECK_FALSE(agent.check_drops());
    CHECK(drops.size() == 1);
    CHECK(agent.stats().drop_alerts == 1);

    // the alert went through the same output path, as Falco-shaped JSON
    REQUIRE(agent.shutdown());
    std::string line;
    std::istringstream in(tltest::read_file(dir.path + "/alerts.json"));
    for (std::string l; std::getline(in, l);)
        if (l.find(kDropAlertRule) != std::string::npos)
            line = l;
    REQUIRE_FALSE(line.empty());
    auto j = nlohmann::json::parse(line);
    CHECK(j["rule"] == kDropAlertRule);
    CHECK(j["priority"] == "Critical");
    CHECK(j["output_fields"]["n_lost"] == lost);
    CHECK(j["output"].get<std::string>().find(std::to_string(lost) + " events lost") != std::string::npos);
}

TEST_CASE("drop alerts without a rate limit report each new loss as a delta")
{
    TL_NEED_KERNEL();
    tltest::TempDir dir("loss0");
    const std::string comm = "tl-loss-trig0";
    AgentOptions opts;
    opts.ring_bytes = 16384;
    opts.drop_alert_interval = std::chrono::seconds(0);
    auto started = Agent::start(tltest::must_compile(trigger_rule("Loss test", comm, dir.path, 0)), opts);
    REQUIRE(started.ok());
    Agent& agent = **started;
    std::vector<int64_t> reported;
    agent.on_alert = [&](const Alert& a, const Event&) {
        if (a.rule->name == kDropAlertRule)
            reported.push_back(std::get<int64_t>(*a.fields.at(0).second));
    };
    uint64_t before = 0;
    for (int round = 0; round < 2; round++) {
        Shared* sh = shared_page();
        REQUIRE(wait_child(start_trigger(sh, comm, dir.path, 200, 0)) == 0);
        munmap(sh, sizeof(Shared));
        REQUIRE(agent.drain().ok());
        const uint64_t now = lost_total(agent);
        REQUIRE(now > before);
        CHECK(agent.check_drops());
        REQUIRE(reported.size() == static_cast<size_t>(round + 1));
        CHECK(reported.back() == static_cast<int64_t>(now - before));
        before = now;
    }
}

TEST_CASE("stop: what was triggered just before is drained from the ring buffer and written")
{
    TL_NEED_KERNEL();
    tltest::TempDir dir("stop");
    const std::string comm = "tl-stop-trig";
    auto started = Agent::start(tltest::must_compile(trigger_rule("Stop test", comm, dir.path, 0)), {});
    REQUIRE(started.ok());
    Agent& agent = **started;
    auto out = Output::open(dir.path + "/alerts.txt");
    REQUIRE(out.ok());
    agent.set_output(std::move(*out));
    Shared* sh = shared_page();
    REQUIRE(wait_child(start_trigger(sh, comm, dir.path, 50, 0)) == 0);
    munmap(sh, sizeof(Shared));
    // not one poll before the stop: everything comes from shutdown's drain
    REQUIRE(agent.shutdown());
    CHECK(agent.stats().alerts == 50);
    started->reset();  // the output closes its file
    std::istringstream in(tltest::read_file(dir.path + "/alerts.txt"));
    int lines = 0;
    for (std::string l; std::getline(in, l);)
        lines += l.find("Stop test opened") != std::string::npos;
    CHECK(lines == 50);
}

}

TEST_SUITE("cli") {

TEST_CASE("reload: a broken rule file keeps the old rules alerting; a good one swaps them; SIGHUP too")
{
    TL_NEED_KERNEL();
    tltest::TempDir dir("cli-reload");
    const std::string rules = dir.path + "/rules.yaml", sock = dir.path + "/tripline.sock";
    const std::string alerts = dir.path + "/alerts.txt", bin = tltest::build_dir() + "/tripline";
    const std::string comm = "tl-clireload";
    std::ofstream(rules) << trigger_rule("CLI reload old", comm, dir.path, 0);
    const pid_t agent = tltest::start_agent({"-r", rules, "--socket", sock, "-o", alerts}, dir.path);
    int next = 0;
    // opens one more file and waits for its alert line
    auto trigger_and_see = [&](const std::string& rule) {
        const int n = next++;
        pid_t pid = fork();
        if (pid == 0) {
            prctl(PR_SET_NAME, comm.c_str());
            char path[256];
            file_name(path, dir.path, n);
            int fd = open(path, O_RDONLY | O_CREAT, 0600);
            _exit(fd < 0 ? 1 : 0);
        }
        REQUIRE(wait_child(pid) == 0);
        const std::string want = rule + " opened " + dir.path + "/t-" + std::to_string(n) + " ";
        for (int i = 0; i < 200; i++) {
            if (tltest::read_file(alerts).find(want) != std::string::npos)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        return false;
    };
    CHECK(trigger_and_see("CLI reload old"));

    std::ofstream(rules) << "- rule: broken\n  condition: proc.nam = x\n  output: o\n  desc: d\n  priority: INFO\n";
    auto refused = tltest::capture({bin, "reload", "--socket", sock});
    CHECK(refused.status == 1);
    CHECK(refused.err.find("rules.yaml:2:14: error: unknown field 'proc.nam'") != std::string::npos);
    CHECK(refused.err.find("generation 1 keeps running") != std::string::npos);
    CHECK(trigger_and_see("CLI reload old"));

    std::ofstream(rules) << trigger_rule("CLI reload new", comm, dir.path, 1);
    auto ok = tltest::capture({bin, "reload", "--socket", sock});
    CHECK(ok.status == 0);
    CHECK(ok.out.find("ruleset generation 2") != std::string::npos);
    CHECK(trigger_and_see("CLI reload new"));

    std::ofstream(rules) << trigger_rule("CLI reload hup", comm, dir.path, 0);
    kill(agent, SIGHUP);
    bool reloaded = false;
    for (int i = 0; i < 200 && !reloaded; i++) {
        reloaded = tltest::read_file(dir.path + "/err").find("reloaded (SIGHUP): ruleset generation 3") != std::string::npos;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    CHECK(reloaded);
    CHECK(trigger_and_see("CLI reload hup"));

    auto stats = tltest::capture({bin, "stats", "--socket", sock, "--json"});
    REQUIRE(stats.status == 0);
    auto j = nlohmann::json::parse(stats.out);
    CHECK(j["generation"] == 3);
    CHECK(j["reloads"] == 2);
    CHECK(j["reload_failures"] == 1);
    CHECK(j["rule_matches"]["CLI reload old"] == 2);
    CHECK(j["rule_matches"]["CLI reload new"] == 1);

    kill(agent, SIGTERM);
    CHECK(tltest::wait_exit(agent) == 0);
    CHECK_FALSE(std::filesystem::exists(sock));  // removed on the way out
}

TEST_CASE("SIGTERM right after a burst: every alert is written, exit 0")
{
    TL_NEED_KERNEL();
    tltest::TempDir dir("cli-term");
    const std::string rules = dir.path + "/rules.yaml", alerts = dir.path + "/alerts.json";
    const std::string comm = "tl-cliterm";
    std::ofstream(rules) << trigger_rule("CLI term", comm, dir.path, 0);
    const pid_t agent =
        tltest::start_agent({"-r", rules, "--no-socket", "--json", "-o", alerts}, dir.path);
    Shared* sh = shared_page();
    REQUIRE(wait_child(start_trigger(sh, comm, dir.path, 100, 0)) == 0);
    munmap(sh, sizeof(Shared));
    kill(agent, SIGTERM);  // no wait: the records may all still be in the ring buffer
    CHECK(tltest::wait_exit(agent) == 0);
    std::istringstream in(tltest::read_file(alerts));
    int lines = 0;
    for (std::string l; std::getline(in, l);)
        lines += nlohmann::json::parse(l)["rule"] == "CLI term";
    CHECK(lines == 100);
}

TEST_CASE("stats and reload without a running agent: one sentence, exit 2")
{
    const std::string bin = tltest::build_dir() + "/tripline";
    for (const char* cmd : {"stats", "reload"}) {
        auto c = tltest::capture({bin, cmd, "--socket", "/nonexistent/tripline.sock"});
        CHECK(c.status == 2);
        CHECK(c.err.find("no tripline agent is running here") != std::string::npos);
        CHECK(std::count(c.err.begin(), c.err.end(), '\n') == 1);
    }
}

}
