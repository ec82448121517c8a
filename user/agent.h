// The agent: the loaded kernel side, the ruleset it runs, the ring-buffer
// consumer that confirms candidates, appends append_output's fields, passes
// them through the rate limit and de-duplication, and fans them out to the
// outputs.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "rulegen/ruleset.h"
#include "user/alert.h"
#include "user/append.h"
#include "user/gate.h"
#include "user/kernel.h"
#include "user/output.h"
#include "user/output_counters.h"

struct ring_buffer;

namespace tripline {

struct AgentOptions {
    bool iso8601 = true;    // the text line's time: RFC 3339, or Falco's clock time
    bool ship_all = false;  // --no-kernel-filter: the kernel forwards every event
    bool attach = true;     // false for tests that only evaluate records
    uint32_t ring_bytes = 0;  // events ring buffer size; 0: the built-in 16 MiB
};

struct AgentStats {
    uint64_t records = 0;        // read from the ring buffer
    uint64_t decode_errors = 0;  // records that failed validation
    uint64_t alerts = 0;
    uint64_t suppressed = 0;     // held back by the rate limit or de-duplication
    ConfirmStats confirm;
};

class Agent {
public:
    static Result<std::unique_ptr<Agent>> start(Ruleset rules, const AgentOptions& opts);
    ~Agent();

    // consumes what the ring buffer holds, waiting up to timeout_ms for it
    Result<int> poll(int timeout_ms);
    // polls until `stop` is set, calling tick() between polls
    Result<Ok> run(const std::atomic<bool>& stop);
    // the periodic work: the gate's summaries, then on_tick
    void tick();

    // where alerts go (nowhere when unset); tests can also take alerts directly
    void set_outputs(std::unique_ptr<Outputs> outs) { outputs_ = std::move(outs); }
    Outputs* outputs() { return outputs_.get(); }
    void set_gate(GateConfig cfg) { gate_ = AlertGate(cfg); }
    void set_appender(Appender a) { appender_ = std::move(a); }
    std::function<void(const Alert&, const Event&)> on_alert;  // every alert, before the gate
    std::function<void(const Event&)> on_record;
    std::function<void()> on_tick;  // run()'s loop, about every 100 ms (signals, reopen)

    const Ruleset& rules() const { return rules_; }
    Kernel& kernel() { return *kernel_; }
    const AgentStats& stats() const { return stats_; }
    // per output: sent, failed, dropped, queued (the one place the outputs are asked)
    std::vector<OutputCounters> output_counters() const;
    std::string summary() const;       // counters, one line per class, for exit and `stats`
    std::string summary_json() const;  // the same, with the agent's own CPU and memory

private:
    Agent(Ruleset rules, AgentOptions opts) : rules_(std::move(rules)), opts_(opts) {}
    static int on_sample(void* ctx, void* data, size_t size);
    void handle(const void* data, size_t size);
    void summarize(bool final);  // the gate's summaries: to the log and the outputs
    uint64_t wall_clock_ns(uint64_t boot_ns) const;

    Ruleset rules_;
    AgentOptions opts_;
    std::unique_ptr<Kernel> kernel_;
    struct RingDeleter {
        void operator()(ring_buffer* rb) const;
    };
    std::unique_ptr<ring_buffer, RingDeleter> ring_;
    std::unique_ptr<Outputs> outputs_;
    AlertGate gate_;
    std::optional<Appender> appender_;
    Context ctx_;
    AgentStats stats_;
    int64_t boot_to_wall_ns_ = 0;
};

// the hostname and a cached uid -> name lookup from the host's passwd
Context host_context();

}  // namespace tripline
