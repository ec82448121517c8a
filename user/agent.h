// The agent: the loaded kernel side, the ruleset it runs, the ring-buffer
// consumer that confirms candidates and hands alerts to the output.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rulegen/ruleset.h"
#include "user/alert.h"
#include "user/kernel.h"
#include "user/metrics.h"
#include "user/output.h"
#include "user/output_counters.h"

struct ring_buffer;

namespace tripline {

struct AgentOptions {
    bool json = false;
    bool ship_all = false;  // --no-kernel-filter: the kernel forwards every event
    bool attach = true;     // false for tests that only evaluate records
    uint32_t ring_bytes = 0;  // events ring buffer size; 0: the built-in 16 MiB
    // at most one "tripline dropped events" alert per interval; losses in
    // between are added to the next one
    std::chrono::seconds drop_alert_interval{30};
};

struct AgentStats {
    uint64_t records = 0;        // read from the ring buffer
    uint64_t decode_errors = 0;  // records that failed validation
    uint64_t unknown_generation = 0;  // records of a generation no longer held
    uint64_t alerts = 0;
    uint64_t drop_alerts = 0;
    ConfirmStats confirm;
    std::map<std::string, uint64_t> rule_matches;
};

// the name of the alert the agent sends when the ring buffer lost events
inline constexpr const char* kDropAlertRule = "tripline dropped events";

class Agent {
public:
    static Result<std::unique_ptr<Agent>> start(Ruleset rules, const AgentOptions& opts);
    ~Agent();

    // consumes what the ring buffer holds, waiting up to timeout_ms for it;
    // checks the kernel's loss counters about once a second
    Result<int> poll(int timeout_ms);
    // polls until `stop` is set, then shuts down (below)
    Result<Ok> run(const std::atomic<bool>& stop);
    // consumes everything the ring buffer holds now, for at most `limit`
    Result<Ok> drain(std::chrono::milliseconds limit = std::chrono::seconds(2));
    // stop producing (detach every program), drain the ring buffer, then the
    // output queue; each step bounded. false: alerts were left unwritten
    bool shutdown(std::chrono::milliseconds limit = std::chrono::seconds(5));

    // Installs a new ruleset as the next generation. Records already in the
    // ring buffer are confirmed against the generation stamped in them, so
    // the previous ruleset is kept until they are consumed. On an error the
    // old generation keeps running, unless the kernel said otherwise.
    Result<Ok> reload(Ruleset rules);
    // sends a drop alert if the kernel lost records since the last one and
    // the interval has passed; returns whether it sent one
    bool check_drops();

    // where alert lines go (stdout when unset); tests can also take alerts directly
    void set_output(std::unique_ptr<Output> out) { output_ = std::move(out); }
    std::function<void(const Alert&, const Event&)> on_alert;
    std::function<void(const Event&)> on_record;

    const Ruleset& rules() const { return *generations_.at(kernel_->generation()); }
    uint32_t generation() const { return kernel_->generation(); }
    Kernel& kernel() { return *kernel_; }
    const AgentStats& stats() const { return stats_; }
    // per output: sent, failed, dropped, queued (the one place the outputs are asked)
    std::vector<OutputCounters> output_counters() const;
    Health health() const;
    std::string summary() const;       // counters, one line per class, for exit and `stats`
    std::string summary_json() const;  // the same, with the agent's own CPU and memory

private:
    explicit Agent(AgentOptions opts) : opts_(opts) {}
    static int on_sample(void* ctx, void* data, size_t size);
    void handle(const void* data, size_t size);
    void send(const Alert& alert, const Event& e);
    uint64_t wall_clock_ns(uint64_t boot_ns) const;

    // the ruleset of each generation whose records may still arrive
    std::map<uint32_t, std::shared_ptr<const Ruleset>> generations_;
    AgentOptions opts_;
    Rule drop_rule_;             // what drop alerts are formatted with
    uint64_t lost_reported_ = 0; // the kernel's loss total at the last drop alert
    std::chrono::steady_clock::time_point last_drop_alert_{}, last_drop_check_{};
    std::unique_ptr<Kernel> kernel_;
    struct RingDeleter {
        void operator()(ring_buffer* rb) const;
    };
    std::unique_ptr<ring_buffer, RingDeleter> ring_;
    std::unique_ptr<Output> output_;
    Context ctx_;
    AgentStats stats_;
    int64_t boot_to_wall_ns_ = 0;
};

// the hostname and a cached uid -> name lookup from the host's passwd
Context host_context();

}  // namespace tripline
