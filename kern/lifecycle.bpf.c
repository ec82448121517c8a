// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Process lifecycle for the process cache.
 *
 *   fork: a new process (not a thread) in the parent's cgroups inherits the
 *         parent's entry, with its own start time
 *   exit: the last thread of a process removes its entry
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "maps.bpf.h"

SEC("tp_btf/sched_process_fork")
int BPF_PROG(process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct tl_proc *p;
	struct tl_proc copy;

	if (child->pid != child->tgid || parent->cgroups != child->cgroups)
		return 0;
	p = bpf_map_lookup_elem(&processes, &ptgid);
	if (!p)
		return 0;
	__builtin_memcpy(&copy, p, sizeof(copy));
	copy.start_time = child->start_time;
	bpf_map_update_elem(&processes, &ctgid, &copy, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(process_exit, struct task_struct *task)
{
	__u32 tgid = task->tgid;

	if (BPF_CORE_READ(task, signal, live.counter) == 0)
		bpf_map_delete_elem(&processes, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
