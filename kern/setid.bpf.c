// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Privilege changes: setuid, setreuid, setresuid, setgid, setregid,
 * setresgid (tail-called from the dispatcher).
 *
 *   the ids asked for (arguments) and the credentials after the call
 *   header views (user.uid is the effective uid *after* the call), process
 *   cache; emit if some term may match
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "class.bpf.h"

SEC("tp_btf/sys_exit")
int BPF_PROG(setid_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tl_setid_info *si;
	struct tl_scratch *s;

	s = class_begin(TL_CLASS_SETID, syscall_evt_type(syscall_nr(regs)), ret);
	if (!s)
		return 0;
	si = &s->ev.payload.setid;
	si->args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
	si->args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
	si->args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
	si->new_uid = s->ev.uid;
	si->new_gid = s->ev.gid;

	eval_header(s, task);
	apply_cached(s, proc_current(s, task));
	class_finish(s, TL_CLASS_SETID, task);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
