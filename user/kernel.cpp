// Loading the BPF object and writing its tables; see kernel.h.
#include "user/kernel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "tripline.skel.h"
#include "user/log.h"

namespace tripline {

void Kernel::SkelDeleter::operator()(tripline_bpf* s) const { tripline_bpf__destroy(s); }
void Kernel::LinkDeleter::operator()(bpf_link* l) const { bpf_link__destroy(l); }

namespace {

std::string why(int err)
{
    std::string tail = log::libbpf_tail();
    return std::string(std::strerror(err < 0 ? -err : err)) + (tail.empty() ? "" : " (libbpf: " + tail + ")");
}

}  // namespace

Result<std::unique_ptr<Kernel>> Kernel::load(bool attach, uint32_t ring_bytes)
{
    std::unique_ptr<Kernel> k(new Kernel());
    k->skel_.reset(tripline_bpf__open());
    if (!k->skel_)
        return Error{"opening the BPF object: " + why(errno)};
    tripline_bpf* s = k->skel_.get();
    s->rodata->self_tgid = static_cast<uint32_t>(getpid());
    if (ring_bytes) {
        const auto page = static_cast<uint32_t>(sysconf(_SC_PAGESIZE));
        if (ring_bytes < page || (ring_bytes & (ring_bytes - 1)))
            return Error{"sizing the events ring buffer: " + std::to_string(ring_bytes) +
                         " bytes is not a power of two of at least one page (" + std::to_string(page) + ")"};
        if (int err = bpf_map__set_max_entries(s->maps.events, ring_bytes))
            return Error{"sizing the events ring buffer: " + why(err)};
    }
    // tail-called and test programs are not attached to anything themselves
    for (bpf_program* p : {s->progs.open_exit, s->progs.net_exit, s->progs.setid_exit, s->progs.syscall_exit,
                           s->progs.exec_fail_exit, s->progs.eval_record})
        bpf_program__set_autoattach(p, false);
    if (int err = tripline_bpf__load(s)) {
        std::string failed;
        bpf_program* p;
        bpf_object__for_each_program(p, s->obj) if (bpf_program__fd(p) < 0 && failed.empty()) failed =
            bpf_program__name(p);
        return Error{"loading the BPF programs" + (failed.empty() ? "" : " (first not loaded: " + failed + ")") +
                     ": " + why(err) + "; run with -v for the verifier's log"};
    }
    const std::pair<uint32_t, bpf_program*> classes[] = {
        {TL_CLASS_EXEC, s->progs.exec_fail_exit}, {TL_CLASS_OPEN, s->progs.open_exit},
        {TL_CLASS_NET, s->progs.net_exit},        {TL_CLASS_SETID, s->progs.setid_exit},
        {TL_CLASS_SYSCALL, s->progs.syscall_exit},
    };
    for (const auto& [cls, prog] : classes) {
        int fd = bpf_program__fd(prog);
        if (bpf_map_update_elem(bpf_map__fd(s->maps.class_programs), &cls, &fd, BPF_ANY))
            return Error{std::string("filling the tail-call table with ") + bpf_program__name(prog) + ": " +
                         why(errno)};
    }
    if (attach) {
        auto r = k->attach_all();
        if (!r)
            return Error{r.error()};
    }
    return k;
}

Kernel::~Kernel() = default;

Result<Ok> Kernel::attach_all()
{
    bpf_program* p;
    bpf_object__for_each_program(p, skel_->obj)
    {
        if (!bpf_program__autoattach(p))
            continue;
        bpf_link* link = bpf_program__attach(p);
        if (!link)
            return Error{std::string("attaching program ") + bpf_program__name(p) + " to " +
                         bpf_program__section_name(p) + ": " + why(errno)};
        links_.emplace_back(link);
    }
    return Ok{};
}

Result<Ok> Kernel::install(const KernelTables& t, uint32_t config_flags)
{
    tripline_bpf* s = skel_.get();
    const uint32_t gen = gen_ + 1, parity = gen & 1;
    std::vector<tl_str_key> str_keys;
    std::vector<tl_num_key> num_keys;
    // before the switch nothing reads the new parity: undo and keep the old generation
    auto fail = [&](const std::string& what) {
        Error e{"writing " + what + " of generation " + std::to_string(gen) + ": " + why(errno) +
                "; generation " + std::to_string(gen_) + " stays in force"};
        for (auto& key : str_keys)
            bpf_map_delete_elem(bpf_map__fd(s->maps.str_values), &key);
        for (auto& key : num_keys)
            bpf_map_delete_elem(bpf_map__fd(s->maps.num_values), &key);
        return e;
    };

    for (size_t id = 0; id < t.sets.size(); id++) {
        uint32_t key = parity * TL_MAX_SETS + static_cast<uint32_t>(id);
        tl_set set{};
        std::memcpy(set.w, t.sets[id].data(), sizeof(set.w));
        if (bpf_map_update_elem(bpf_map__fd(s->maps.term_sets), &key, &set, BPF_ANY))
            return fail("term set " + std::to_string(id));
    }
    for (const auto& e : t.small) {
        uint32_t key = TL_SMALL_INDEX(parity, e.view, e.value);
        if (bpf_map_update_elem(bpf_map__fd(s->maps.small_values), &key, &e.pair, BPF_ANY))
            return fail(std::string("the ") + view_name(e.view) + " table");
    }
    for (const auto& e : t.str) {
        tl_str_key key{};
        key.prefixlen = static_cast<uint32_t>(8 * (2 + e.bytes.size()));
        key.gen = static_cast<uint8_t>(parity);
        key.view = e.view;
        std::memcpy(key.str, e.bytes.data(), e.bytes.size());
        if (bpf_map_update_elem(bpf_map__fd(s->maps.str_values), &key, &e.pair, BPF_ANY))
            return fail(std::string("the ") + view_name(e.view) + " trie");
        str_keys.push_back(key);
    }
    for (const auto& e : t.num) {
        tl_num_key key{};
        key.prefixlen = 16 + e.bits;
        key.gen = static_cast<uint8_t>(parity);
        key.view = e.view;
        std::memcpy(key.val, e.val.data(), 16);
        if (bpf_map_update_elem(bpf_map__fd(s->maps.num_values), &key, &e.pair, BPF_ANY))
            return fail(std::string("the ") + view_name(e.view) + " trie");
        num_keys.push_back(key);
    }
    tl_config cfg{};
    cfg.gen = gen;
    cfg.flags = config_flags;
    cfg.valid_set = t.valid_set;
    std::memcpy(cfg.classes, t.classes.data(), sizeof(cfg.classes));
    std::memcpy(cfg.unknown, t.unknown.data(), sizeof(cfg.unknown));
    std::memcpy(cfg.absent, t.absent.data(), sizeof(cfg.absent));
    std::memcpy(cfg.needles, t.needles.data(), sizeof(cfg.needles));
    if (bpf_map_update_elem(bpf_map__fd(s->maps.configs), &parity, &cfg, BPF_ANY))
        return fail("the configuration");

    // The syscall table is not per generation: the dispatcher reads it before
    // the class program reads the index. So a syscall the new rules want is
    // let through before the switch (the old generation drops what it does
    // not want), and one only the old rules wanted is turned off after it.
    // Between the two, the table lets through the union: nothing is missed.
    auto syscall_entry = [&t](uint32_t nr) { return nr < t.syscalls.size() ? t.syscalls[nr] : tl_syscall{}; };
    auto in_force = [this](uint32_t nr) { return nr < syscalls_.size() ? syscalls_[nr] : tl_syscall{}; };
    for (uint32_t nr = 0; nr < TL_MAX_SYSCALLS; nr++) {
        tl_syscall sc = syscall_entry(nr);
        if (!sc.class_id || in_force(nr).class_id || gen_ == 0)
            continue;
        if (bpf_map_update_elem(bpf_map__fd(s->maps.syscall_classes), &nr, &sc, BPF_ANY))
            return fail("the syscall table");
    }

    // the switch: one word
    uint32_t zero = 0;
    if (bpf_map_update_elem(bpf_map__fd(s->maps.config_index), &zero, &gen, BPF_ANY))
        return fail("the generation index");
    const uint32_t old_gen = gen_;
    gen_ = gen;

    // from here on the new generation is in force whatever fails
    std::string late_error;
    for (uint32_t nr = 0; nr < TL_MAX_SYSCALLS; nr++) {
        tl_syscall sc = syscall_entry(nr);
        if (bpf_map_update_elem(bpf_map__fd(s->maps.syscall_classes), &nr, &sc, BPF_ANY) && late_error.empty())
            late_error = "writing the syscall table of generation " + std::to_string(gen) + ": " + why(errno);
    }
    syscalls_ = t.syscalls;

    // programs that read the old index finish within microseconds
    if (old_gen != 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (auto& key : str_keys_)
            bpf_map_delete_elem(bpf_map__fd(s->maps.str_values), &key);
        for (auto& key : num_keys_)
            bpf_map_delete_elem(bpf_map__fd(s->maps.num_values), &key);
    }
    str_keys_ = std::move(str_keys);
    num_keys_ = std::move(num_keys);
    if (!late_error.empty())
        return Error{late_error};
    return Ok{};
}

Kernel::StatsFd::~StatsFd()
{
    if (fd >= 0)
        close(fd);
}

Result<Ok> Kernel::enable_run_time_stats()
{
    if (run_time_stats_.fd >= 0)
        return Ok{};
    int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
    if (fd < 0)
        return Error{"enabling BPF run-time statistics (BPF_ENABLE_STATS): " + why(errno)};
    run_time_stats_.fd = fd;
    return Ok{};
}

Counters Kernel::counters() const
{
    Counters out{};
    int ncpu = libbpf_num_possible_cpus();
    std::vector<uint64_t> per_cpu(static_cast<size_t>(ncpu > 0 ? ncpu : 1));
    int fd = bpf_map__fd(skel_->maps.counters);
    for (uint32_t c = 0; c < TL_CLASS_COUNT; c++)
        for (uint32_t n = 0; n < TL_CNT_COUNT; n++) {
            uint32_t key = c * TL_CNT_COUNT + n;
            if (bpf_map_lookup_elem(fd, &key, per_cpu.data()))
                continue;
            for (uint64_t v : per_cpu)
                out[c][n] += v;
        }
    return out;
}

int Kernel::events_fd() const { return bpf_map__fd(skel_->maps.events); }

Result<Ok> Kernel::eval_record(std::vector<uint8_t>& rec) const
{
    std::vector<uint8_t> value(sizeof(tl_event), 0);
    std::memcpy(value.data(), rec.data(), std::min(rec.size(), value.size()));
    uint32_t zero = 0;
    int map = bpf_map__fd(skel_->maps.test_records);
    if (bpf_map_update_elem(map, &zero, value.data(), BPF_ANY))
        return Error{"writing the test record: " + why(errno)};
    uint64_t args[1] = {0};
    LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));
    if (bpf_prog_test_run_opts(bpf_program__fd(skel_->progs.eval_record), &opts))
        return Error{"running eval_record: " + why(errno)};
    if (opts.retval != 0)
        return Error{"eval_record returned " + std::to_string(opts.retval)};
    if (bpf_map_lookup_elem(map, &zero, value.data()))
        return Error{"reading the test record: " + why(errno)};
    std::memcpy(rec.data(), value.data(), std::min(rec.size(), static_cast<size_t>(TL_EVENT_HEADER_SIZE)));
    return Ok{};
}

std::vector<Kernel::ProgramInfo> Kernel::programs() const
{
    std::vector<ProgramInfo> out;
    bpf_program* p;
    bpf_object__for_each_program(p, skel_->obj)
    {
        bpf_prog_info info{};
        uint32_t len = sizeof(info);
        if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
            continue;
        out.push_back({bpf_program__name(p), info.xlated_prog_len / 8, info.verified_insns, info.run_time_ns,
                       info.run_cnt});
    }
    return out;
}

}  // namespace tripline
