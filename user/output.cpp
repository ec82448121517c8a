// Alert outputs; see output.h.
#include "user/output.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include "user/log.h"

namespace tripline {

Result<std::unique_ptr<Output>> Output::open(const std::string& path, size_t capacity)
{
    if (path == "-")
        return std::unique_ptr<Output>(new Output(stdout, false, "stdout", capacity));
    FILE* f = std::fopen(path.c_str(), "a");
    if (!f)
        return Error{"opening output file " + path + ": " + std::strerror(errno)};
    return std::unique_ptr<Output>(new Output(f, true, path, capacity));
}

Output::Output(FILE* f, bool owned, std::string path, size_t capacity)
    : file_(f), owned_(owned), path_(std::move(path)), capacity_(capacity), thread_([this] { writer(); })
{
}

Output::~Output()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (owned_)
        std::fclose(file_);
}

bool Output::push(std::string line)
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (queue_.size() >= capacity_) {
            dropped_++;
            return false;
        }
        queue_.push_back(std::move(line));
        accepted_++;
    }
    cv_.notify_one();
    return true;
}

uint64_t Output::queued() const
{
    // written_ and failed_ move after the line left the queue: never above accepted_
    const uint64_t done = written_ + failed_;
    const uint64_t accepted = accepted_;
    return accepted > done ? accepted - done : 0;
}

bool Output::flush(std::chrono::milliseconds limit)
{
    // polling keeps the writer free of a second condition; this runs once, at exit
    const auto end = std::chrono::steady_clock::now() + limit;
    while (queued() != 0) {
        if (std::chrono::steady_clock::now() >= end)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

void Output::writer()
{
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_)
            return;
        std::deque<std::string> batch;
        batch.swap(queue_);
        lock.unlock();
        for (const auto& line : batch) {
            if (std::fputs(line.c_str(), file_) < 0 || std::fputc('\n', file_) < 0) {
                // a full disk or a closed pipe: count it, say it once
                if (failed_++ == 0)
                    log::error("writing alerts to " + path_ + ": " + std::strerror(errno));
            } else {
                written_++;
            }
        }
        std::fflush(file_);
        lock.lock();
    }
}

}  // namespace tripline
