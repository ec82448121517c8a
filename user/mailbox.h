// Questions from helper threads (the control socket, the metrics endpoint)
// to the agent's one thread, which answers them between two polls of the
// ring buffer. The agent's state is never touched from another thread.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace tripline {

class Mailbox {
public:
    // any thread: nullopt when no answer came within `timeout` or the agent is stopping
    std::optional<std::string> ask(std::string question, std::chrono::milliseconds timeout)
    {
        auto letter = std::make_shared<Letter>();
        letter->question = std::move(question);
        std::future<std::string> answer = letter->answer.get_future();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (closed_)
                return std::nullopt;
            letters_.push_back(letter);
        }
        if (answer.wait_for(timeout) != std::future_status::ready)
            return std::nullopt;  // the letter stays alive in the queue until answered or closed
        std::string a = answer.get();
        if (a.empty())
            return std::nullopt;
        return a;
    }

    // the agent's thread: answers every letter waiting now
    void serve(const std::function<std::string(const std::string&)>& answer)
    {
        std::deque<std::shared_ptr<Letter>> batch;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            batch.swap(letters_);
        }
        for (auto& l : batch)
            l->answer.set_value(answer(l->question));
    }

    // no more answers: waiting askers get nullopt now, later ones at once
    void close()
    {
        std::deque<std::shared_ptr<Letter>> batch;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            closed_ = true;
            batch.swap(letters_);
        }
        for (auto& l : batch)
            l->answer.set_value("");
    }

private:
    struct Letter {
        std::string question;
        std::promise<std::string> answer;
    };
    std::mutex mutex_;
    std::deque<std::shared_ptr<Letter>> letters_;
    bool closed_ = false;
};

}  // namespace tripline
