// The agent: the loaded kernel side, the ruleset it runs, the ring-buffer
// consumer that confirms candidates and hands alerts to the output.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "rulegen/ruleset.h"
#include "user/alert.h"
#include "user/kernel.h"
#include "user/output.h"

struct ring_buffer;

namespace tripline {

struct AgentOptions {
    bool json = false;
    bool ship_all = false;  // --no-kernel-filter: the kernel forwards every event
    bool attach = true;     // false for tests that only evaluate records
};

struct AgentStats {
    uint64_t records = 0;        // read from the ring buffer
    uint64_t decode_errors = 0;  // records that failed validation
    uint64_t alerts = 0;
    ConfirmStats confirm;
};

class Agent {
public:
    static Result<std::unique_ptr<Agent>> start(Ruleset rules, const AgentOptions& opts);
    ~Agent();

    // consumes what the ring buffer holds, waiting up to timeout_ms for it
    Result<int> poll(int timeout_ms);
    // polls until `stop` is set
    Result<Ok> run(const std::atomic<bool>& stop);

    // where alert lines go (stdout when unset); tests can also take alerts directly
    void set_output(std::unique_ptr<Output> out) { output_ = std::move(out); }
    std::function<void(const Alert&, const Event&)> on_alert;
    std::function<void(const Event&)> on_record;

    const Ruleset& rules() const { return rules_; }
    Kernel& kernel() { return *kernel_; }
    const AgentStats& stats() const { return stats_; }
    std::string summary() const;       // counters, one line per class, for exit and `stats`
    std::string summary_json() const;  // the same, with the agent's own CPU and memory

private:
    Agent(Ruleset rules, AgentOptions opts) : rules_(std::move(rules)), opts_(opts) {}
    static int on_sample(void* ctx, void* data, size_t size);
    void handle(const void* data, size_t size);
    uint64_t wall_clock_ns(uint64_t boot_ns) const;

    Ruleset rules_;
    AgentOptions opts_;
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
