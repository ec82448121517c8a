// The kernel side, loaded: the BPF skeleton, its links, and the maps the
// agent writes (rule tables) and reads (counters, ring buffer). Every libbpf
// object is owned here and released by the destructor.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "rulegen/tables.h"
#include "user/result.h"

struct tripline_bpf;
struct bpf_link;

namespace tripline {

using ClassCounters = std::array<uint64_t, TL_CNT_COUNT>;
using Counters = std::array<ClassCounters, TL_CLASS_COUNT>;

class Kernel {
public:
    // open -> configure -> load -> fill the tail-call table; attach when asked.
    // ring_bytes sizes the events ring buffer (a power of two, at least a
    // page); 0 keeps the built-in 16 MiB.
    static Result<std::unique_ptr<Kernel>> load(bool attach, uint32_t ring_bytes = 0);
    ~Kernel();
    Kernel(const Kernel&) = delete;
    Kernel& operator=(const Kernel&) = delete;

    // writes the tables as a new generation beside the old one, switches to
    // it, then removes the old generation's entries. On an error before the
    // switch the old generation stays in force and what was written of the
    // new one is removed; generation() says which one runs.
    Result<Ok> install(const KernelTables& tables, uint32_t config_flags);
    uint32_t generation() const { return gen_; }
    // stops producing events: every link is destroyed, the maps stay
    void detach() { links_.clear(); }
    // kernel.bpf_stats_enabled for as long as this object lives (or until
    // the returned holder is dropped): run_time_ns/run_cnt become non-zero
    Result<Ok> enable_run_time_stats();

    Counters counters() const;
    int events_fd() const;
    // the evaluator on one record (tests): masks written back into `rec`
    Result<Ok> eval_record(std::vector<uint8_t>& rec) const;
    struct ProgramInfo {
        std::string name;
        uint32_t insns;
        uint32_t verified_insns;
        uint64_t run_time_ns;  // 0 unless BPF run-time statistics are on
        uint64_t run_cnt;
    };
    std::vector<ProgramInfo> programs() const;

private:
    Kernel() = default;
    Result<Ok> attach_all();

    struct SkelDeleter {
        void operator()(tripline_bpf* s) const;
    };
    struct LinkDeleter {
        void operator()(bpf_link* l) const;
    };
    std::unique_ptr<tripline_bpf, SkelDeleter> skel_;
    std::vector<std::unique_ptr<bpf_link, LinkDeleter>> links_;
    struct StatsFd {  // the fd bpf_enable_stats returns: statistics stay on while it is open
        int fd = -1;
        StatsFd() = default;
        StatsFd(const StatsFd&) = delete;
        StatsFd& operator=(const StatsFd&) = delete;
        ~StatsFd();
    };
    StatsFd run_time_stats_;
    uint32_t gen_ = 0;
    std::vector<tl_syscall> syscalls_;  // the syscall table in force
    std::vector<tl_str_key> str_keys_;  // entries of the generation in force
    std::vector<tl_num_key> num_keys_;
};

}  // namespace tripline
