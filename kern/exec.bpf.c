// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Process execution: sched_process_exec, after the new image is in place.
 *
 *   exe path from the new mm's exe_file, argv from its stack, container id
 *   from the cgroup -> refresh the process cache (the old image's is stale)
 *   header views, cached views; emit if some term may match
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "class.bpf.h"

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_event, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 evt_type = syscall_evt_type(syscall_nr(regs));
	struct tl_scratch *s;
	struct tl_proc *proc;

	if (tgid == self_tgid)
		return 0;
	/* an exec all the same, whatever the number (an ia32 execve is 11) */
	if (evt_type != TL_EVT_EXECVEAT)
		evt_type = TL_EVT_EXECVE;
	s = class_begin(TL_CLASS_EXEC, evt_type, 0);
	if (!s) {
		/* no exec rules: still forget the old image's cached facts */
		bpf_map_delete_elem(&processes, &tgid);
		return 0;
	}
	proc = proc_refresh(s, p);
	eval_header(s);
	apply_cached(s, proc);
	class_finish(s, TL_CLASS_EXEC, p);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
