// Bounded queues and worker threads in front of every sink; see output.h.
#include "user/output.h"

#include <exception>

#include "user/log.h"

namespace tripline {

Output::Output(std::unique_ptr<Sink> sink, size_t capacity)
    : sink_(std::move(sink)), name_(sink_->name()), capacity_(capacity ? capacity : 1), thread_([this] { worker(); })
{
}

Output::~Output()
{
    drain(std::chrono::milliseconds(0));
    thread_.join();
}

bool Output::push(std::shared_ptr<const Shipped> alert)
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ || queue_.size() >= capacity_) {
            dropped_++;
            return false;
        }
        queue_.push_back(std::move(alert));
    }
    cv_.notify_one();
    return true;
}

void Output::reopen()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        reopen_ = true;
    }
    cv_.notify_one();
}

void Output::drain(std::chrono::milliseconds timeout)
{
    std::unique_lock<std::mutex> lock(mutex_);
    stopping_ = true;
    cv_.notify_one();
    idle_cv_.wait_for(lock, timeout, [this] { return queue_.empty() && !busy_; });
    // past the deadline: the sink gives up its retries, the rest is dropped
    abort_ = true;
    dropped_ += queue_.size();
    queue_.clear();
    cv_.notify_one();
}

OutputCounters Output::counters() const
{
    OutputCounters c;
    c.name = name_;
    c.sent = sent_;
    c.failed = failed_;
    c.dropped = dropped_;
    std::lock_guard<std::mutex> lock(mutex_);
    c.queued = queue_.size() + busy_;
    return c;
}

void Output::worker()
{
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        cv_.wait(lock, [this] { return stopping_ || reopen_ || !queue_.empty(); });
        if (reopen_) {
            reopen_ = false;
            lock.unlock();
            sink_->reopen();
            lock.lock();
            continue;
        }
        if (queue_.empty()) {
            idle_cv_.notify_all();
            if (stopping_)
                return;
            continue;
        }
        auto alert = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        lock.unlock();
        Result<Ok> r = Error{"no attempt"};
        try {
            r = sink_->deliver(*alert, abort_);
        } catch (const std::exception& e) {
            // an escaped exception would end the whole agent from this thread
            r = Error{e.what()};
        }
        if (r) {
            sent_++;
        } else if (failed_++ == 0 || log::verbose()) {
            // the first failure is said; the rest are counted (and shown with -v)
            log::error("output " + name_ + ": " + r.error());
        }
        lock.lock();
        busy_ = false;
        if (queue_.empty())
            idle_cv_.notify_all();
    }
}

Outputs::~Outputs() { drain(); }

void Outputs::add(std::unique_ptr<Sink> sink, size_t capacity)
{
    outputs_.push_back(std::make_unique<Output>(std::move(sink), capacity));
}

void Outputs::push(Shipped alert)
{
    auto shared = std::make_shared<const Shipped>(std::move(alert));
    for (auto& o : outputs_)
        o->push(shared);
}

void Outputs::reopen()
{
    for (auto& o : outputs_)
        o->reopen();
}

void Outputs::drain()
{
    // one deadline for all: each output drains in parallel on its own thread
    const auto end = std::chrono::steady_clock::now() + drain_timeout;
    for (auto& o : outputs_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
        o->drain(std::max(left, std::chrono::milliseconds(0)));
    }
}

std::vector<OutputCounters> Outputs::counters() const
{
    std::vector<OutputCounters> all;
    for (const auto& o : outputs_)
        all.push_back(o->counters());
    return all;
}

}  // namespace tripline
