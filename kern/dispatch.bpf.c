// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sys_exit dispatcher: runs for every syscall exit, so it does as little as
 * it can.
 *
 *   ia32 syscall                   return; counted when it is of a watched kind
 *   nr -> syscall_classes[nr]      not interesting: return
 *   own process                    return
 *   tail call class_programs[class]
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "task.bpf.h"

#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_dispatch, struct pt_regs *regs, long ret)
{
	__u32 nr = regs->orig_ax;
	struct tl_syscall *sc;
	struct task_struct *task;

	if (nr >= TL_COMPAT_BASE)
		return 0;
	task = bpf_get_current_task_btf();
	if (task->thread_info.status & TS_COMPAT) {
		/*
		 * nr is an ia32 number here, with other argument registers:
		 * decoding it as x86_64 would mislead. Checked before the x86_64
		 * table, whose entry for the same number is another syscall.
		 */
		__u32 compat = TL_COMPAT_BASE + nr;

		sc = bpf_map_lookup_elem(&syscall_classes, &compat);
		if (sc && sc->class_id)
			count(TL_CLASS_NONE, TL_CNT_COMPAT_SKIPPED);
		return 0;
	}
	sc = bpf_map_lookup_elem(&syscall_classes, &nr);
	if (!sc || !sc->class_id)
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	bpf_tail_call(ctx, &class_programs, sc->class_id);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
