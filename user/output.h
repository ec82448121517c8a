// Where alerts go. Each destination (a Sink) sits behind its own bounded
// queue and worker thread (an Output), so a slow or dead destination never
// stalls the ring-buffer consumer nor the other destinations: a full queue
// drops the alert and counts it. Outputs fans one alert out to all of them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rulegen/items.h"
#include "user/output_counters.h"
#include "user/result.h"

namespace tripline {

// One alert, rendered once and shared by every output.
struct Shipped {
    std::string text;  // Falco's text line: "<time>: <Priority> <message>"
    std::string json;  // Falco's JSON object, one line
    Priority priority = Priority::Warning;
    uint64_t time_ns = 0;
};

// A destination. deliver() runs on the output's worker thread only; it may
// block for as long as its own timeouts allow, and should give up early
// (retries, backoff) once `abort` is set.
class Sink {
public:
    virtual ~Sink() = default;
    virtual std::string name() const = 0;  // as OutputCounters::name
    virtual Result<Ok> deliver(const Shipped& alert, const std::atomic<bool>& abort) = 0;
    virtual void reopen() {}  // log rotation; called on the worker thread
};

class Output {
public:
    Output(std::unique_ptr<Sink> sink, size_t capacity);
    ~Output();  // drains for at most drain_timeout, then drops the rest
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    bool push(std::shared_ptr<const Shipped> alert);  // never blocks; false: dropped
    void reopen();                                    // the worker reopens before its next alert
    // stops taking alerts and waits up to `timeout` for the queue to empty;
    // what is still queued then is counted as dropped
    void drain(std::chrono::milliseconds timeout);
    OutputCounters counters() const;

private:
    void worker();

    std::unique_ptr<Sink> sink_;
    const std::string name_;
    const size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable cv_, idle_cv_;
    std::deque<std::shared_ptr<const Shipped>> queue_;
    bool stopping_ = false, busy_ = false, reopen_ = false;
    std::atomic<bool> abort_{false};
    std::atomic<uint64_t> sent_{0}, failed_{0}, dropped_{0};
    std::thread thread_;  // last: started once everything above exists
};

class Outputs {
public:
    ~Outputs();  // drains every output, `drain_timeout` in total
    void add(std::unique_ptr<Sink> sink, size_t capacity);
    size_t size() const { return outputs_.size(); }
    void push(Shipped alert);  // to every output; never blocks
    void reopen();
    void drain();
    std::vector<OutputCounters> counters() const;
    std::chrono::milliseconds drain_timeout{2000};
    // which renderings some output uses; the agent skips the others
    bool wants_text = true, wants_json = true;

private:
    std::vector<std::unique_ptr<Output>> outputs_;
};

}  // namespace tripline
