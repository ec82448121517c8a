// Shared test helpers: loud skips, compiling rules from text, running the
// real agent with its BPF programs, and triggering syscalls from children.
#pragma once

#include <doctest/doctest.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "rulegen/ruleset.h"
#include "user/agent.h"

namespace tltest {

// Marks the running test as skipped, says why on stderr, and counts it.
void skip(const std::string& reason);
bool take_skip();  // for the reporter: was the test that just ended skipped?

#define TL_SKIP(reason)            \
    do {                           \
        ::tltest::skip(reason);    \
        return;                    \
    } while (0)

// skips, loudly, a test that needs the real kernel side when it cannot run here
#define TL_NEED_KERNEL()                                                   \
    do {                                                                   \
        if (auto why = ::tltest::kernel_unavailable())                     \
            TL_SKIP("kernel tests need root and BPF: " + *why);            \
    } while (0)

std::string repo_dir();   // the checkout
std::string build_dir();  // where the binaries are
// Falco's stable ruleset, the compatibility target: $TL_FALCO_RULES, else
// ../shared/peers/falco_rules.yaml beside the checkout, else
// /work/shared/peers/falco_rules.yaml; nullopt when none is readable
std::optional<std::string> falco_rules();

// The account names rules compiled from text are prefiltered with; the
// reference contexts of the tests name no other ids differently.
tripline::Accounts test_accounts();
// Compiles YAML rules given as text (with test_accounts()). Diagnostics go to
// `d`; `sm` keeps the sources for formatting them.
std::optional<tripline::Ruleset> compile_text(const std::string& yaml, tripline::Diagnostics& d,
                                              tripline::SourceManager* sm = nullptr);
// Compiles or fails the test with the diagnostics.
tripline::Ruleset must_compile(const std::string& yaml);
tripline::Ruleset must_compile_files(const std::vector<std::string>& paths);

// Why the kernel tests cannot run here, if they cannot.
std::optional<std::string> kernel_unavailable();

struct SeenAlert {
    std::string rule;
    std::string text;
    std::string json;
    uint32_t tgid = 0;
    uint32_t gen = 0;  // the ruleset generation stamped in the record
    uint32_t ppid = 0;          // the parent's tgid, as the kernel saw it
    std::string container_id;   // "host", or the 12-character id
    std::vector<uint32_t> ancestors;  // tgids, parent first (as many as the record has)
    std::map<std::string, std::string> fields;  // output fields, rendered
};

// The real agent, consuming in a background thread.
class LiveAgent {
public:
    static std::unique_ptr<LiveAgent> start(tripline::Ruleset rules, tripline::AgentOptions opts = {});
    ~LiveAgent();

    // waits until an alert satisfies `pred`, or the timeout
    std::optional<SeenAlert> wait_alert(const std::function<bool(const SeenAlert&)>& pred,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(5));
    std::vector<SeenAlert> alerts();
    size_t records_from(uint32_t tgid);
    size_t records_from(uint32_t tgid, uint8_t class_id);  // of one event class (enum tl_class)
    size_t records_with_parent(uint32_t ppid);
    // lets the consumer catch up with everything the kernel sent so far
    void settle(std::chrono::milliseconds quiet = std::chrono::milliseconds(300));
    tripline::Agent& agent() { return *agent_; }
    // installs the next generation on the consuming thread's agent, between two polls
    tripline::Result<tripline::Ok> reload(tripline::Ruleset rules);

private:
    std::unique_ptr<tripline::Agent> agent_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::mutex agent_mutex_;  // the agent is used by one thread at a time
    std::atomic<int> waiting_{0};
    std::mutex mutex_;
    std::vector<SeenAlert> alerts_;
    std::map<uint32_t, size_t> records_by_tgid_;
    std::map<std::pair<uint32_t, uint8_t>, size_t> records_by_tgid_class_;
    std::map<uint32_t, size_t> records_by_ppid_;
    std::atomic<uint64_t> records_{0};
};

struct Captured {
    int status = -1;  // exit status, or -1 if killed
    std::string out, err;
};
// runs a program to completion with stdout and stderr captured
Captured capture(const std::vector<std::string>& argv);
// starts a program with stdout and stderr going to files; returns its pid
pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path);
int wait_exit(pid_t pid, std::chrono::milliseconds timeout = std::chrono::seconds(20));
std::string read_file(const std::string& path);
// where the cgroup v2 hierarchy is mounted ("" when it is not): tests make
// container cgroups there
std::string cgroup2_root();

// `tripline run ARGS...` in the background, stdout and stderr in dir/out and
// dir/err; returns its pid once it says it is watching (fails the test if it
// does not within 20 s)
pid_t start_agent(const std::vector<std::string>& args, const std::string& dir);
// a directory of its own below /tmp for one test, removed by the destructor
struct TempDir {
    explicit TempDir(const std::string& name);
    ~TempDir();
    std::string path;
};

// fork + execv without a shell; returns the exit status (or -1)
int run_program(const std::vector<std::string>& argv, pid_t* pid_out = nullptr);
// fork; the child runs `body` (raw syscalls only: no allocation) and exits
// with its result; returns the exit status and the child's pid
int run_child(const std::function<int()>& body, pid_t* pid_out = nullptr);

}  // namespace tltest
