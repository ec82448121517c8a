// Feature probes; see features.h.
#include "user/features.h"

#include <bpf/libbpf.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace tripline {

namespace {

constexpr int kCapSysAdmin = 21, kCapPerfmon = 38, kCapBpf = 39;

uint64_t effective_caps()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("CapEff:", 0) == 0)
            return std::stoull(line.substr(7), nullptr, 16);
    return 0;
}

bool has(uint64_t caps, int cap) { return (caps >> cap) & 1; }

}  // namespace

Result<Ok> check_machine()
{
    uint64_t caps = effective_caps();
    bool privileged = has(caps, kCapSysAdmin) || (has(caps, kCapBpf) && has(caps, kCapPerfmon));
    if (!privileged)
        return Error{"tripline run needs root (or CAP_BPF and CAP_PERFMON) to load its BPF programs"};

    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
        return Error{"this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): it was built without "
                     "CONFIG_DEBUG_INFO_BTF, which tripline needs to run its CO-RE programs"};

    struct utsname u {};
    uname(&u);
    int major = 0, minor = 0;
    std::sscanf(u.release, "%d.%d", &major, &minor);
    if (major < 5 || (major == 5 && minor < 15))
        return Error{std::string("kernel ") + u.release + " is older than 5.15, the oldest tripline supports"};

    if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) != 1)
        return Error{"this kernel has no BPF ring buffer (BPF_MAP_TYPE_RINGBUF), which tripline needs"};
    if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_LPM_TRIE, nullptr) != 1)
        return Error{"this kernel has no BPF LPM tries, which tripline's rule tables need"};
    // tp_btf programs cannot be probed without a target; loading says it if they fail
    return Ok{};
}

}  // namespace tripline
