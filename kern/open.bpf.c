// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * File opens: open, openat, openat2, creat (tail-called from the dispatcher).
 *
 *   header views, process cache, fd kind / access mode / fd number
 *   nothing may match?             drop (before any path walk)
 *   fd.name: the opened file's path from its struct file; on failure the
 *            path argument (a relative one is unknown)
 *   fd.name, fd.directory, fd.filename views
 *   some term may match?           emit with exe path and argv
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "class.bpf.h"

#define O_ACCMODE 00000003
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_TRUNC 00001000
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define S_IFMT 00170000
#define S_IFREG 0100000
#define S_IFDIR 0040000
#define S_IFIFO 0010000
#define S_IFSOCK 0140000

static __always_inline __u8 fd_kind_of_mode(__u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return TL_FD_DIRECTORY;
	case S_IFIFO:
		return TL_FD_PIPE;
	case S_IFSOCK:
		return TL_FD_UNIX;
	default:
		return TL_FD_FILE;
	}
}

/* the flags argument and the path argument of a failed open */
static __always_inline const char *open_args(struct pt_regs *regs, __u32 evt_type, __u32 *flags)
{
	switch (evt_type) {
	case TL_EVT_OPEN:
		*flags = PT_REGS_PARM2_CORE_SYSCALL(regs);
		return (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs);
	case TL_EVT_CREAT:
		*flags = O_CREAT | O_WRONLY | O_TRUNC;
		return (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs);
	case TL_EVT_OPENAT2: {
		struct open_how *how = (struct open_how *)PT_REGS_PARM3_CORE_SYSCALL(regs);
		__u64 f = 0;

		bpf_probe_read_user(&f, sizeof(f), &how->flags);
		*flags = f;
		return (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
	}
	default:
		*flags = PT_REGS_PARM3_CORE_SYSCALL(regs);
		return (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
	}
}

SEC("tp_btf/sys_exit")
int BPF_PROG(open_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 evt_type = syscall_evt_type(syscall_nr(regs));
	struct tl_open_info *o;
	struct tl_scratch *s;
	struct file *file = 0;
	const char *upath = 0;
	int truncated;

	s = class_begin(TL_CLASS_OPEN, evt_type, ret);
	if (!s)
		return 0;
	o = &s->ev.payload.open;
	if (ret >= 0)
		file = fd_to_file(task, ret);
	if (file) {
		__u32 fmode = BPF_CORE_READ(file, f_mode);

		o->fd = ret;
		o->flags = BPF_CORE_READ(file, f_flags);
		o->mode = BPF_CORE_READ(file, f_inode, i_mode);
		o->fd_kind = fd_kind_of_mode(o->mode);
		o->is_read = (fmode & FMODE_READ) != 0;
		o->is_write = (fmode & FMODE_WRITE) != 0;
	} else {
		__u32 acc;

		upath = open_args(regs, evt_type, &o->flags);
		acc = o->flags & O_ACCMODE;
		o->fd = -1;
		o->fd_kind = TL_FD_FILE;
		o->is_read = acc != O_WRONLY;
		o->is_write = acc == O_WRONLY || acc == O_RDWR;
	}

	eval_header(s);
	eval_open_views(s);
	apply_cached(s, proc_current(s, task));
	if (early_drop(s, TL_CLASS_OPEN))
		return 0;

	if (file) {
		truncated = append_path(s, &s->ev.fd_name, BPF_CORE_READ(file, f_path.dentry),
					BPF_CORE_READ(file, f_path.mnt));
	} else {
		truncated = append_user_str(s, &s->ev.fd_name, upath);
		s->ev.flags |= TL_EF_PATH_FROM_USER;
		/* Falco resolves relative names against the cwd; not done here yet */
		if (s->ev.data[s->ev.fd_name.off & TL_DATA_MASK] != '/')
			truncated = 1;
	}
	if (truncated) {
		s->ev.flags |= TL_EF_PATH_TRUNC;
		count(TL_CLASS_OPEN, TL_CNT_PATH_TRUNC);
	}
	eval_fd_path(s, truncated);
	class_finish(s, TL_CLASS_OPEN, task);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
