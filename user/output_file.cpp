// stdout and file outputs: one line per alert, text or JSON. A file is
// reopened on reopen() (SIGHUP) so that logrotate can rename it away.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "user/sinks.h"

namespace tripline {

namespace {

struct FileCloser {
    void operator()(FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

Result<Ok> write_line(FILE* f, const std::string& line)
{
    // one fwrite of line + newline, flushed: a reader tailing the file never sees half an alert
    std::string buf = line + "\n";
    if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size() || std::fflush(f) != 0)
        return Error{std::strerror(errno)};
    return Ok{};
}

class StdoutSink : public Sink {
public:
    explicit StdoutSink(bool json) : json_(json) {}
    std::string name() const override { return "stdout"; }
    Result<Ok> deliver(const Shipped& a, const std::atomic<bool>&) override
    {
        auto r = write_line(stdout, json_ ? a.json : a.text);
        if (!r)
            return Error{"writing to stdout: " + r.error()};
        return Ok{};
    }

private:
    const bool json_;
};

class FileSink : public Sink {
public:
    FileSink(FilePtr f, std::string path, bool json) : file_(std::move(f)), path_(std::move(path)), json_(json) {}
    std::string name() const override { return "file"; }
    Result<Ok> deliver(const Shipped& a, const std::atomic<bool>&) override
    {
        if (!file_) {
            // the last reopen failed: try again, the directory may be back
            reopen();
            if (!file_)
                return Error{"reopening " + path_ + ": " + why_};
        }
        auto r = write_line(file_.get(), json_ ? a.json : a.text);
        if (!r)
            return Error{"writing to " + path_ + ": " + r.error()};
        return Ok{};
    }
    void reopen() override
    {
        // open the new file before closing the old one, so a failed open keeps nothing half-done
        FilePtr f(std::fopen(path_.c_str(), "a"));
        if (!f) {
            why_ = std::strerror(errno);
            file_.reset();
            return;
        }
        file_ = std::move(f);
    }

private:
    FilePtr file_;
    const std::string path_;
    const bool json_;
    std::string why_;
};

}  // namespace

std::unique_ptr<Sink> stdout_sink(bool json) { return std::make_unique<StdoutSink>(json); }

Result<std::unique_ptr<Sink>> file_sink(const std::string& path, bool json)
{
    FilePtr f(std::fopen(path.c_str(), "a"));
    if (!f)
        return Error{"opening output file " + path + ": " + std::strerror(errno)};
    return std::unique_ptr<Sink>(std::make_unique<FileSink>(std::move(f), path, json));
}

}  // namespace tripline
