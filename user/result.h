// System failures travel as a Result: a value, or one sentence saying which
// step failed on which object and why ("loading program open_exit: ...").
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace tripline {

struct Error {
    std::string message;
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : value_(std::move(value)) {}
    Result(Error e) : error_(std::move(e.message)) {}

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    T& operator*() { return *value_; }
    T* operator->() { return &*value_; }
    const std::string& error() const { return error_; }

private:
    std::optional<T> value_;
    std::string error_;
};

struct Ok {};

}  // namespace tripline
