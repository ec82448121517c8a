// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Every other captured syscall (tail-called from the dispatcher), described
 * by its syscall_classes entry rather than by code of its own: ptrace, the
 * link/unlink/rename/mkdir/rmdir/chmod families, dup*, module loading, bpf,
 * unshare, setns, mount, umount2, memfd_create, userfaultfd, prctl.
 *
 *   the six raw arguments, and the fd the entry names (the return value or
 *   the first argument): its type, and its ends when it is a socket
 *   header, fd and address views, the process cache
 *   some term may match? then the string arguments the entry marks, the
 *   fd's path when it is a file, and the process block; emit
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "class.bpf.h"

#define S_IFMT 00170000
#define S_IFREG 0100000
#define S_IFDIR 0040000

static __always_inline __u64 arg_n(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return PT_REGS_PARM1_CORE_SYSCALL(regs);
	case 1: return PT_REGS_PARM2_CORE_SYSCALL(regs);
	case 2: return PT_REGS_PARM3_CORE_SYSCALL(regs);
	case 3: return PT_REGS_PARM4_CORE_SYSCALL(regs);
	case 4: return PT_REGS_PARM5_CORE_SYSCALL(regs);
	default: return BPF_CORE_READ(regs, r9); /* libbpf 1.1 has no PT_REGS_PARM6_CORE_SYSCALL; x86_64 */
	}
}

SEC("tp_btf/sys_exit")
int BPF_PROG(syscall_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 nr = syscall_nr(regs);
	struct tl_syscall *sc = bpf_map_lookup_elem(&syscall_classes, &nr);
	struct tl_syscall_info *y;
	struct tl_scratch *s;
	struct file *file = 0;
	__u32 slot = TL_STR_ARG0;
	long fd = -1;

	if (!sc)
		return 0;
	s = class_begin(TL_CLASS_SYSCALL, sc->evt_type, ret);
	if (!s)
		return 0;
	y = &s->ev.payload.sys;
	for (int i = 0; i < 6; i++)
		y->args[i] = arg_n(regs, i);
	if (sc->fd_from == TL_FD_FROM_RET)
		fd = ret;
	else if (sc->fd_from == TL_FD_FROM_ARG0)
		fd = (int)y->args[0];
	y->fd = fd;
	if (fd >= 0)
		file = fd_to_file(task, fd);
	if (file)
		tl_describe_file(s, (__u64)file, TL_DESCRIBE_SYSCALL);
	else
		s->ev.flags |= TL_EF_NO_FD | TL_EF_NO_ADDR;

	eval_header(s, task);
	eval_syscall_views(s);
	apply_cached(s, proc_current(s, task));
	if (!class_decide(s, TL_CLASS_SYSCALL))
		return 0;

	/* only now the strings: paths, module arguments, names */
	for (int i = 0; i < 6; i++) {
		if (!((sc->str_args >> i) & 1) || slot > TL_STR_ARG2)
			continue;
		append_user_str(s, slot, (const char *)y->args[i]);
		slot++;
	}
	if (file) {
		__u32 mode = BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT;

		if (mode == S_IFREG || mode == S_IFDIR)
			append_path(s, TL_STR_FD_NAME, BPF_CORE_READ(file, f_path.dentry),
				    BPF_CORE_READ(file, f_path.mnt));
	}
	class_emit(s, TL_CLASS_SYSCALL, task);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
