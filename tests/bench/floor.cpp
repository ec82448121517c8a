// Loads and attaches the floor programs (floor.bpf.c) until SIGINT/SIGTERM.
#include <bpf/libbpf.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "floor.skel.h"

namespace {
volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
}  // namespace

int main()
{
    std::unique_ptr<floor_bpf, decltype(&floor_bpf__destroy)> skel(floor_bpf__open_and_load(), floor_bpf__destroy);
    if (!skel || floor_bpf__attach(skel.get())) {
        std::fprintf(stderr, "floor: loading or attaching the empty programs failed\n");
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    std::fprintf(stderr, "floor: attached\n");
    while (!g_stop)
        pause();
    return 0;
}
