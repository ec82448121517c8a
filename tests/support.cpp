// Test helpers; see support.h.
#include "tests/support.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "user/features.h"

namespace tltest {

using namespace tripline;

namespace {
bool g_skipped = false;
}

void skip(const std::string& reason)
{
    g_skipped = true;
    std::cerr << "SKIPPED: " << reason << "\n";
}

bool take_skip()
{
    bool s = g_skipped;
    g_skipped = false;
    return s;
}

std::string build_dir()
{
    char exe[PATH_MAX] = {};
    if (readlink("/proc/self/exe", exe, sizeof(exe) - 1) <= 0)
        return "build";
    return std::filesystem::path(exe).parent_path().string();
}

std::string repo_dir() { return std::filesystem::path(build_dir()).parent_path().string(); }

std::optional<std::string> falco_rules()
{
    std::vector<std::string> where;
    if (const char* env = std::getenv("TL_FALCO_RULES"))
        where.push_back(env);
    where.push_back(repo_dir() + "/../shared/peers/falco_rules.yaml");
    where.push_back("/work/shared/peers/falco_rules.yaml");
    for (const auto& p : where)
        if (access(p.c_str(), R_OK) == 0)
            return p;
    return std::nullopt;
}

std::optional<Ruleset> compile_text(const std::string& yaml, Diagnostics& d, SourceManager* sm_out)
{
    SourceManager local;
    SourceManager& sm = sm_out ? *sm_out : local;
    Items items = load_items_text("test.yaml", yaml, sm, d);
    if (d.has_errors())
        return std::nullopt;
    return compile_items(items, d, {}, test_accounts());
}

Accounts test_accounts()
{
    Accounts a;
    a.users = {{0, "root"}, {1000, "alice"}};
    a.groups = {{0, "root"}};
    return a;
}

Ruleset must_compile(const std::string& yaml)
{
    SourceManager sm;
    Diagnostics d;
    auto rs = compile_text(yaml, d, &sm);
    INFO(d.format(sm));
    REQUIRE(rs.has_value());
    return std::move(*rs);
}

Ruleset must_compile_files(const std::vector<std::string>& paths)
{
    SourceManager sm;
    Diagnostics d;
    auto rs = compile_rules(paths, sm, d);
    INFO(d.format(sm));
    REQUIRE(rs.has_value());
    return std::move(*rs);
}

std::optional<std::string> kernel_unavailable()
{
    auto ok = check_machine();
    if (!ok)
        return ok.error();
    return std::nullopt;
}

std::unique_ptr<LiveAgent> LiveAgent::start(Ruleset rules, AgentOptions opts)
{
    auto a = Agent::start(std::move(rules), opts);
    INFO(a.error());
    REQUIRE(a.ok());
    std::unique_ptr<LiveAgent> live(new LiveAgent());
    live->agent_ = std::move(*a);
    live->agent_->on_record = [p = live.get()](const Event& e) {
        std::lock_guard<std::mutex> lock(p->mutex_);
        p->records_by_tgid_[e.rec.tgid]++;
        p->records_by_tgid_class_[{e.rec.tgid, e.rec.class_id}]++;
        p->records_by_ppid_[e.rec.ppid]++;
        p->records_++;
    };
    live->agent_->on_alert = [p = live.get()](const Alert& al, const Event& e) {
        SeenAlert s;
        s.rule = al.rule->name;
        s.text = format_text(al);
        s.json = format_json(al, "test-host");
        s.tgid = e.rec.tgid;
        s.gen = e.rec.gen;
        s.ppid = e.rec.ppid;
        s.container_id = e.rec.container_id;
        for (uint32_t i = 0; i < e.rec.proc.n_anc && i < TL_MAX_ANCESTORS; i++)
            s.ancestors.push_back(e.rec.proc.anc[i].pid);
        for (const auto& [name, v] : al.fields)
            s.fields[name] = render_value(v);
        std::lock_guard<std::mutex> lock(p->mutex_);
        p->alerts_.push_back(std::move(s));
    };
    live->thread_ = std::thread([p = live.get()] {
        while (!p->stop_) {
            while (p->waiting_ > 0)  // std::mutex is not fair: let a reload in
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            std::unique_lock<std::mutex> lock(p->agent_mutex_);
            auto r = p->agent_->poll(50);
            lock.unlock();
            if (!r) {
                std::cerr << "poll failed: " << r.error() << "\n";
                return;
            }
        }
    });
    return live;
}

Result<Ok> LiveAgent::reload(Ruleset rules)
{
    waiting_++;
    std::lock_guard<std::mutex> lock(agent_mutex_);
    waiting_--;
    return agent_->reload(std::move(rules));
}

LiveAgent::~LiveAgent()
{
    stop_ = true;
    if (thread_.joinable())
        thread_.join();
}

std::optional<SeenAlert> LiveAgent::wait_alert(const std::function<bool(const SeenAlert&)>& pred,
                                               std::chrono::milliseconds timeout)
{
    auto end = std::chrono::steady_clock::now() + timeout;
    do {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (const auto& a : alerts_)
                if (pred(a))
                    return a;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < end);
    return std::nullopt;
}

std::vector<SeenAlert> LiveAgent::alerts()
{
    std::lock_guard<std::mutex> lock(mutex_);
    return alerts_;
}

size_t LiveAgent::records_from(uint32_t tgid)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = records_by_tgid_.find(tgid);
    return it == records_by_tgid_.end() ? 0 : it->second;
}

size_t LiveAgent::records_from(uint32_t tgid, uint8_t class_id)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = records_by_tgid_class_.find({tgid, class_id});
    return it == records_by_tgid_class_.end() ? 0 : it->second;
}

size_t LiveAgent::records_with_parent(uint32_t ppid)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = records_by_ppid_.find(ppid);
    return it == records_by_ppid_.end() ? 0 : it->second;
}

void LiveAgent::settle(std::chrono::milliseconds quiet)
{
    uint64_t last = records_;
    for (int i = 0; i < 50; i++) {
        std::this_thread::sleep_for(quiet);
        if (records_ == last)
            return;
        last = records_;
    }
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string cgroup2_root()
{
    std::ifstream mounts("/proc/mounts");
    std::string dev, dir, type;
    while (mounts >> dev >> dir >> type) {
        if (type == "cgroup2")
            return dir;
        mounts.ignore(4096, '\n');
    }
    return "";
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path)
{
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}

int wait_exit(pid_t pid, std::chrono::milliseconds timeout)
{
    auto end = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Captured capture(const std::vector<std::string>& argv)
{
    char out[] = "/tmp/tripline-test-out-XXXXXX", err[] = "/tmp/tripline-test-err-XXXXXX";
    close(mkstemp(out));
    close(mkstemp(err));
    Captured c;
    c.status = wait_exit(spawn(argv, out, err), std::chrono::seconds(60));
    c.out = read_file(out);
    c.err = read_file(err);
    unlink(out);
    unlink(err);
    return c;
}

pid_t start_agent(const std::vector<std::string>& args, const std::string& dir)
{
    std::vector<std::string> argv{build_dir() + "/tripline", "run"};
    argv.insert(argv.end(), args.begin(), args.end());
    const pid_t pid = spawn(argv, dir + "/out", dir + "/err");
    for (int i = 0; i < 400 && read_file(dir + "/err").find("watching") == std::string::npos; i++) {
        if (waitpid(pid, nullptr, WNOHANG) == pid)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO("the agent said: " << read_file(dir + "/err"));
    REQUIRE(read_file(dir + "/err").find("watching") != std::string::npos);
    return pid;
}

TempDir::TempDir(const std::string& name) : path("/tmp/tripline-" + name + "-" + std::to_string(getpid()))
{
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
}

TempDir::~TempDir()
{
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

namespace {
int exit_status(pid_t pid)
{
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

int run_program(const std::vector<std::string>& argv, pid_t* pid_out)
{
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        execv(args[0], args.data());
        _exit(127);
    }
    if (pid_out)
        *pid_out = pid;
    return exit_status(pid);
}

int run_child(const std::function<int()>& body, pid_t* pid_out)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(body());
    if (pid_out)
        *pid_out = pid;
    return exit_status(pid);
}

}  // namespace tltest
