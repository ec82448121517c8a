// The agent; see agent.h.
#include "user/agent.h"

#include <bpf/libbpf.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <sstream>

#include "rulegen/abi_names.h"
#include "user/log.h"
#include "user/procfs.h"

namespace tripline {

void Agent::RingDeleter::operator()(ring_buffer* rb) const { ring_buffer__free(rb); }

Context host_context()
{
    Context ctx;
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    ctx.hostname = host;
    ctx.process = read_proc_facts;
    auto cache = std::make_shared<std::map<uint32_t, std::string>>();
    auto mutex = std::make_shared<std::mutex>();
    auto gcache = std::make_shared<std::map<uint32_t, std::string>>();
    ctx.group_name = [gcache, mutex](uint32_t gid) {
        std::lock_guard<std::mutex> lock(*mutex);
        auto it = gcache->find(gid);
        if (it != gcache->end())
            return it->second;
        struct group gr {}, *res = nullptr;
        char buf[4096];
        std::string name;
        if (getgrgid_r(gid, &gr, buf, sizeof(buf), &res) == 0 && res)
            name = res->gr_name;
        (*gcache)[gid] = name;
        return name;
    };
    ctx.user_name = [cache, mutex](uint32_t uid) {
        std::lock_guard<std::mutex> lock(*mutex);
        auto it = cache->find(uid);
        if (it != cache->end())
            return it->second;
        struct passwd pw {}, *res = nullptr;
        char buf[4096];
        std::string name;
        if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
            name = res->pw_name;
        (*cache)[uid] = name;
        return name;
    };
    return ctx;
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts {};
    clock_gettime(id, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

Result<std::unique_ptr<Agent>> Agent::start(Ruleset rules, const AgentOptions& opts)
{
    std::unique_ptr<Agent> a(new Agent(std::move(rules), opts));
    a->ctx_ = host_context();
    a->boot_to_wall_ns_ = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
    a->ctx_.boot_to_wall_ns = a->boot_to_wall_ns_;
    auto k = Kernel::load(opts.attach, opts.ring_bytes);
    if (!k)
        return Error{k.error()};
    a->kernel_ = std::move(*k);
    auto installed = a->kernel_->install(a->rules_.tables, opts.ship_all ? TL_CFG_SHIP_ALL : 0);
    if (!installed)
        return Error{installed.error()};
    a->ring_.reset(ring_buffer__new(a->kernel_->events_fd(), &Agent::on_sample, a.get(), nullptr));
    if (!a->ring_)
        return Error{std::string("opening the events ring buffer: ") + std::strerror(errno)};
    return a;
}

Agent::~Agent() = default;

int Agent::on_sample(void* ctx, void* data, size_t size)
{
    static_cast<Agent*>(ctx)->handle(data, size);
    return 0;  // never stop the poll: a bad record is counted, not fatal
}

uint64_t Agent::wall_clock_ns(uint64_t boot_ns) const
{
    return static_cast<uint64_t>(static_cast<int64_t>(boot_ns) + boot_to_wall_ns_);
}

void Agent::handle(const void* data, size_t size)
{
    stats_.records++;
    std::string why;
    auto e = decode_event(data, size, &why);
    if (!e) {
        if (stats_.decode_errors++ == 0)
            log::warn("dropping a malformed record: " + why);
        return;
    }
    e->num = stats_.records;
    if (on_record)
        on_record(*e);
    for (const Rule* rule : confirm(rules_, *e, ctx_, stats_.confirm)) {
        Alert alert = make_alert(*rule, *e, ctx_, wall_clock_ns(e->rec.ts_ns));
        if (appender_)
            appender_->apply(alert, *e, ctx_, rule - rules_.rules.data(), kernel_->generation());
        stats_.alerts++;
        if (on_alert)
            on_alert(alert, *e);
        if (gate_.enabled() && !gate_.admit(rule->name, alert.message, e->rec.comm, clock_ns(CLOCK_MONOTONIC))) {
            stats_.suppressed++;
            continue;
        }
        if (outputs_)
            outputs_->push(Shipped{outputs_->wants_text ? format_text(alert, opts_.iso8601) : std::string(),
                                   outputs_->wants_json ? format_json(alert, ctx_.hostname, opts_.iso8601)
                                                        : std::string(),
                                   rule->priority, alert.time_ns});
    }
}

void Agent::summarize(bool final)
{
    if (!gate_.enabled())
        return;
    for (const auto& s : gate_.summaries(clock_ns(CLOCK_MONOTONIC), final)) {
        log::warn(s.line());
        if (outputs_)
            outputs_->push(suppressed_alert(s, ctx_.hostname, static_cast<uint64_t>(clock_ns(CLOCK_REALTIME)),
                                            opts_.iso8601));
    }
}

void Agent::tick()
{
    summarize(false);
    if (on_tick)
        on_tick();
}

Result<int> Agent::poll(int timeout_ms)
{
    int n = ring_buffer__poll(ring_.get(), timeout_ms);
    if (n < 0 && n != -EINTR)
        return Error{std::string("reading the events ring buffer: ") + std::strerror(-n)};
    return n < 0 ? 0 : n;
}

Result<Ok> Agent::run(const std::atomic<bool>& stop)
{
    while (!stop.load()) {
        auto r = poll(100);
        if (!r)
            return Error{r.error()};
        tick();
    }
    // drain what the kernel already sent
    auto r = poll(0);
    summarize(true);  // what the gate held back since the last summary, before the outputs drain
    if (!r)
        return Error{r.error()};
    return Ok{};
}

std::vector<OutputCounters> Agent::output_counters() const
{
    return outputs_ ? outputs_->counters() : std::vector<OutputCounters>{};
}

std::string Agent::summary_json() const
{
    nlohmann::ordered_json j;
    const Counters c = kernel_->counters();
    static const char* names[TL_CNT_COUNT] = {"seen", "dropped_early", "dropped", "emitted", "lost",
                                              "proc_table_full", "path_truncated", "compat_skipped"};
    for (uint32_t cls = 0; cls < TL_CLASS_COUNT; cls++)
        for (uint32_t n = 0; n < TL_CNT_COUNT; n++)
            j["kernel"][class_name(cls)][names[n]] = c[cls][n];
    j["records"] = stats_.records;
    j["malformed"] = stats_.decode_errors;
    j["candidates"] = stats_.confirm.candidates;
    j["confirmed"] = stats_.confirm.confirmed;
    j["rejected"] = stats_.confirm.rejected;
    j["undecided"] = stats_.confirm.undecided;
    j["definite_mismatch"] = stats_.confirm.definite_mismatch;
    j["alerts"] = stats_.alerts;
    j["suppressed"] = stats_.suppressed;
    j["outputs"] = nlohmann::ordered_json::array();
    for (const auto& o : output_counters())
        j["outputs"].push_back(
            {{"name", o.name}, {"sent", o.sent}, {"failed", o.failed}, {"dropped", o.dropped}, {"queued", o.queued}});
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    j["cpu_user_s"] = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
    j["cpu_sys_s"] = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    j["max_rss_kb"] = ru.ru_maxrss;
    return j.dump();
}

std::string Agent::summary() const
{
    std::ostringstream o;
    Counters c = kernel_->counters();
    for (uint32_t cls = 1; cls < TL_CLASS_COUNT; cls++) {
        const ClassCounters& k = c[cls];
        o << class_name(cls) << ": seen " << k[TL_CNT_SEEN] << ", dropped in kernel "
          << k[TL_CNT_DROPPED_EARLY] + k[TL_CNT_DROPPED] << " (before path walk " << k[TL_CNT_DROPPED_EARLY]
          << "), emitted " << k[TL_CNT_EMITTED] << ", lost " << k[TL_CNT_LOST] << "\n";
    }
    o << "records " << stats_.records << ", malformed " << stats_.decode_errors << ", candidates "
      << stats_.confirm.candidates << ", confirmed " << stats_.confirm.confirmed << ", rejected "
      << stats_.confirm.rejected << ", alerts " << stats_.alerts << ", suppressed " << stats_.suppressed;
    for (const auto& out : output_counters())
        o << "\noutput " << out.name << ": sent " << out.sent << ", failed " << out.failed << ", dropped "
          << out.dropped << ", queued " << out.queued;
    return o.str();
}

}  // namespace tripline
