// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Process execution.
 *
 * exec_event (sched_process_exec, after the new image is in place): exe path
 * from the new mm's exe_file, argv from its stack, container id from the
 * cgroup -> refresh the process cache and the argv cache (the old image's are
 * stale); header, executable flags, cwd and cached views; emit if some term
 * may match. As in Falco,
 * a successful execveat is an execve.
 *
 * exec_fail_exit (sys_exit of execve/execveat, tail-called): only failures —
 * the process is still the old image; the file name and argv it asked for go
 * to the string arguments.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "class.bpf.h"

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_event, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct tl_scratch *s;
	struct tl_proc *proc;

	if (tgid == self_tgid)
		return 0;
	s = class_begin(TL_CLASS_EXEC, TL_EVT_EXECVE, 0);
	if (!s) {
		/* no exec rules: still forget the old image's cached facts */
		bpf_map_delete_elem(&processes, &tgid);
		s = get_scratch();
		if (s) {
			s->ev.data_len = 0;
			s->ev.tgid = tgid;
			__builtin_memset(s->ev.str, 0, sizeof(s->ev.str));
			append_args(s, p);
			cache_args(s, p);
		}
		return 0;
	}
	proc = proc_refresh(s, p);
	cache_args(s, p);
	eval_header(s, p);
	eval_exe_flags(s, p);
	eval_cwd(s, p);
	apply_cached(s, proc);
	class_finish(s, TL_CLASS_EXEC, p);
	return 0;
}

/* argv as the caller passed it: NUL-separated strings, at most TL_ARGS_MAX bytes */
static __always_inline void append_user_argv(struct tl_scratch *s, __u32 slot, const char *const *argv)
{
	__u32 base = s->ev.data_len;

	if (slot >= TL_NSTR || base + TL_ARGS_MAX > TL_DATA_MAX)
		return;
	s->parts.cursor = 0;
	for (int i = 0; i < 16; i++) {
		const char *arg = 0;
		__u32 at = READ_ONCE(s->parts.cursor);
		long n;

		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg || at + 256 > TL_ARGS_MAX)
			break;
		n = bpf_probe_read_user_str(&s->ev.data[(base + at) & TL_DATA_MASK], 256, arg);
		if (n <= 0)
			break;
		s->parts.cursor = at + n;
	}
	__u32 len = READ_ONCE(s->parts.cursor);
	if (len)
		len--; /* the last NUL */
	s->ev.data[(base + len) & TL_DATA_MASK] = 0;
	s->ev.str[slot].off = base;
	s->ev.str[slot].len = len;
	s->ev.data_len = base + len + 1;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(exec_fail_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 evt_type = syscall_evt_type(syscall_nr(regs));
	struct tl_scratch *s;
	const char *file;
	const char *const *argv;

	if (ret >= 0) /* success: sched_process_exec saw it */
		return 0;
	s = class_begin(TL_CLASS_EXEC, evt_type, ret);
	if (!s)
		return 0;
	eval_header(s, task);
	eval_exe_flags(s, task);
	eval_cwd(s, task);
	apply_cached(s, proc_current(s, task));
	if (!class_decide(s, TL_CLASS_EXEC))
		return 0;
	if (evt_type == TL_EVT_EXECVEAT) {
		file = (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
		argv = (const char *const *)PT_REGS_PARM3_CORE_SYSCALL(regs);
	} else {
		file = (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs);
		argv = (const char *const *)PT_REGS_PARM2_CORE_SYSCALL(regs);
	}
	append_user_str(s, TL_STR_ARG0, file);
	append_user_argv(s, TL_STR_ARG1, argv);
	class_emit(s, TL_CLASS_EXEC, task);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
