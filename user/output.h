// Where alert lines go: stdout or a file, behind a bounded queue and a
// writer thread, so a slow terminal or disk never stalls the ring-buffer
// consumer. A full queue drops the line and counts it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "user/result.h"

namespace tripline {

class Output {
public:
    // "-" is stdout; anything else a file opened for appending
    static Result<std::unique_ptr<Output>> open(const std::string& path, size_t capacity = 65536);
    ~Output();  // drains what is queued, then stops

    bool push(std::string line);  // false: dropped
    uint64_t written() const { return written_; }
    uint64_t dropped() const { return dropped_; }
    uint64_t failed() const { return failed_; }
    uint64_t queued() const;  // accepted and not yet written (or failed)
    const std::string& name() const { return path_; }
    // waits until every accepted line is written or failed, for at most
    // `limit`; false when some are still waiting
    bool flush(std::chrono::milliseconds limit);

private:
    Output(FILE* f, bool owned, std::string path, size_t capacity);
    void writer();

    FILE* file_;
    bool owned_;
    std::string path_;
    size_t capacity_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::string> queue_;
    bool stopping_ = false;
    std::atomic<uint64_t> accepted_{0}, written_{0}, dropped_{0}, failed_{0};
    std::thread thread_;
};

}  // namespace tripline
