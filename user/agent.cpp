// The agent; see agent.h.
#include "user/agent.h"

#include <bpf/libbpf.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
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
    std::unique_ptr<Agent> a(new Agent(opts));
    a->ctx_ = host_context();
    a->boot_to_wall_ns_ = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
    a->ctx_.boot_to_wall_ns = a->boot_to_wall_ns_;
    a->drop_rule_.name = kDropAlertRule;
    a->drop_rule_.priority = Priority::Critical;
    a->drop_rule_.tags = {"tripline", "drops"};
    auto k = Kernel::load(opts.attach, opts.ring_bytes);
    if (!k)
        return Error{k.error()};
    a->kernel_ = std::move(*k);
    auto installed = a->kernel_->install(rules.tables, opts.ship_all ? TL_CFG_SHIP_ALL : 0);
    if (!installed)
        return Error{installed.error()};
    a->generations_[a->kernel_->generation()] = std::make_shared<const Ruleset>(std::move(rules));
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
    // the masks are bits of the terms of the generation that computed them
    const auto gen = generations_.find(e->rec.gen);
    if (gen == generations_.end()) {
        if (stats_.unknown_generation++ == 0)
            log::warn("a record of ruleset generation " + std::to_string(e->rec.gen) +
                      " arrived after that ruleset was released; not confirmed (counted as unknown_generation)");
        return;
    }
    const std::shared_ptr<const Ruleset> rules = gen->second;  // held: on_alert may reload
    for (const Rule* rule : confirm(*rules, *e, ctx_, stats_.confirm)) {
        stats_.alerts++;
        stats_.rule_matches[rule->name]++;
        send(make_alert(*rule, *e, ctx_, wall_clock_ns(e->rec.ts_ns)), *e);
    }
}

void Agent::send(const Alert& alert, const Event& e)
{
    if (on_alert)
        on_alert(alert, e);
    if (output_)
        output_->push(opts_.json ? format_json(alert, ctx_.hostname) : format_text(alert));
}

bool Agent::check_drops()
{
    const auto now = std::chrono::steady_clock::now();
    last_drop_check_ = now;
    const Counters c = kernel_->counters();
    uint64_t total = 0;
    for (const auto& k : c)
        total += k[TL_CNT_LOST];
    if (total <= lost_reported_)
        return false;
    if (stats_.drop_alerts != 0 && now - last_drop_alert_ < opts_.drop_alert_interval)
        return false;  // rate-limited: these losses go into the next alert
    // Falco's drop alert, with tripline's words: how many, since when, where
    Alert a;
    a.rule = &drop_rule_;
    a.time_ns = static_cast<uint64_t>(clock_ns(CLOCK_REALTIME));
    const uint64_t lost = total - lost_reported_;
    std::string per_class;
    a.fields.emplace_back("n_lost", static_cast<int64_t>(lost));
    a.fields.emplace_back("n_lost_total", static_cast<int64_t>(total));
    for (uint32_t cls = 1; cls < TL_CLASS_COUNT; cls++) {
        per_class += std::string(per_class.empty() ? "" : " ") + class_name(cls) + "=" + std::to_string(c[cls][TL_CNT_LOST]);
        a.fields.emplace_back(std::string("n_lost_") + class_name(cls), static_cast<int64_t>(c[cls][TL_CNT_LOST]));
    }
    a.message = "tripline internal: " + std::to_string(lost) +
                " events lost to a full ring buffer since the last report (" + std::to_string(total) +
                " in total; per class " + per_class + ")";
    lost_reported_ = total;
    last_drop_alert_ = now;
    stats_.drop_alerts++;
    send(a, Event{});
    return true;
}

Result<int> Agent::poll(int timeout_ms)
{
    int n = ring_buffer__poll(ring_.get(), timeout_ms);
    if (n < 0 && n != -EINTR)
        return Error{std::string("reading the events ring buffer: ") + std::strerror(-n)};
    if (std::chrono::steady_clock::now() - last_drop_check_ >= std::chrono::seconds(1))
        check_drops();
    return n < 0 ? 0 : n;
}

Result<Ok> Agent::run(const std::atomic<bool>& stop)
{
    while (!stop.load()) {
        auto r = poll(100);
        if (!r)
            return Error{r.error()};
    }
    shutdown();
    return Ok{};
}

Result<Ok> Agent::drain(std::chrono::milliseconds limit)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    // ring_buffer__consume returns how many records it read; 0 means empty now
    for (;;) {
        const int n = ring_buffer__consume(ring_.get());
        if (n < 0 && n != -EINTR)
            return Error{std::string("draining the events ring buffer: ") + std::strerror(-n)};
        if (n == 0 || std::chrono::steady_clock::now() >= end)
            return Ok{};
    }
}

bool Agent::shutdown(std::chrono::milliseconds limit)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    kernel_->detach();  // nothing new enters the ring buffer from here on
    if (auto r = drain(limit / 2); !r)
        log::error(r.error());
    check_drops();
    if (!output_)
        return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    const bool flushed = output_->flush(std::max(left, std::chrono::milliseconds(100)));
    if (!flushed)
        log::error("stopping with " + std::to_string(output_->queued()) + " alerts not yet written to " +
                   output_->name());
    return flushed;
}

Result<Ok> Agent::reload(Ruleset rules)
{
    const uint32_t before = kernel_->generation();
    auto shared = std::make_shared<const Ruleset>(std::move(rules));
    auto installed = kernel_->install(shared->tables, opts_.ship_all ? TL_CFG_SHIP_ALL : 0);
    const uint32_t now = kernel_->generation();
    if (now != before) {
        generations_[now] = shared;
        // Once the switch is made and in-flight programs are done (install
        // waits for them), every record of the old generation is in the ring
        // buffer: consume them while their ruleset is still held. The one
        // before the previous cannot have records left; release it.
        if (auto d = drain(); !d)
            log::error(d.error());
        generations_.erase(generations_.begin(), generations_.lower_bound(before));
    }
    if (!installed)
        return Error{installed.error()};
    return Ok{};
}

std::vector<OutputCounters> Agent::output_counters() const
{
    // one output for now; the configurable outputs will answer for themselves here
    if (!output_)
        return {};
    return {OutputCounters{output_->name(), output_->written(), output_->failed(), output_->dropped(),
                           output_->queued()}};
}

Health Agent::health() const
{
    Health h;
    h.pid = static_cast<uint32_t>(getpid());
    h.generation = kernel_->generation();
    for (const auto& r : rules().rules)
        h.rules_enabled += r.enabled;
    h.kernel = kernel_->counters();
    h.records = stats_.records;
    h.malformed = stats_.decode_errors;
    h.unknown_generation = stats_.unknown_generation;
    h.confirm = stats_.confirm;
    h.alerts = stats_.alerts;
    h.drop_alerts = stats_.drop_alerts;
    h.rule_matches = stats_.rule_matches;
    h.outputs = output_counters();
    for (const auto& p : kernel_->programs())
        h.programs.push_back({p.name, p.run_time_ns, p.run_cnt});
    fill_process_usage(h);
    return h;
}

std::string Agent::summary_json() const
{
    nlohmann::ordered_json j = to_json(health());
    // what `make bench` has read since before the health view: the CPU split,
    // the peak memory and the output's counters under their first names
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    j["cpu_user_s"] = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
    j["cpu_sys_s"] = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    j["max_rss_kb"] = ru.ru_maxrss;
    if (output_)
        j["output"] = {{"written", output_->written()}, {"dropped", output_->dropped()}, {"failed", output_->failed()}};
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
    // ia32 syscalls are not decoded: say how many of the watched kinds went by
    o << "ia32: " << c[TL_CLASS_NONE][TL_CNT_COMPAT_SKIPPED] << " syscalls of watched kinds not decoded\n";
    o << "records " << stats_.records << ", malformed " << stats_.decode_errors << ", candidates "
      << stats_.confirm.candidates << ", confirmed " << stats_.confirm.confirmed << ", rejected "
      << stats_.confirm.rejected << ", alerts " << stats_.alerts;
    if (output_)
        o << ", written " << output_->written() << ", output drops " << output_->dropped();
    return o.str();
}

}  // namespace tripline
