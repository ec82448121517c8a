// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/* Definitions of the shared maps; see maps.bpf.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "maps.bpf.h"

syscall_classes_t syscall_classes SEC(".maps");
class_programs_t class_programs SEC(".maps");
config_index_t config_index SEC(".maps");
configs_t configs SEC(".maps");
term_sets_t term_sets SEC(".maps");
small_values_t small_values SEC(".maps");
str_values_t str_values SEC(".maps");
num_values_t num_values SEC(".maps");
processes_t processes SEC(".maps");
proc_args_t proc_args SEC(".maps");
counters_t counters SEC(".maps");
scratch_t scratch SEC(".maps");
events_t events SEC(".maps");
test_records_t test_records SEC(".maps");

const volatile __u32 self_tgid = 0;

char LICENSE[] SEC("license") = "Dual BSD/GPL";
