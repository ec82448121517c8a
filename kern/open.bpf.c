// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * File opens: open, openat, openat2, creat (tail-called from the dispatcher).
 *
 *   header views, process cache, fd kind / access mode / fd number
 *   nothing may match?             drop (before any path walk)
 *   fd.name: the opened file's path from its struct file; on failure the
 *            path argument (unknown unless already canonical and absolute)
 *   fd.name, fd.directory, fd.filename views; substrings of fd.name
 *   fd.nameraw substrings, if a rule asks (the name as the caller gave it)
 *   some term may match?           emit with fd.nameraw, exe path and argv
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
#define FMODE_CREATED 0x100000
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

/* the path argument; *out = the flags argument, or the mode argument if `mode` */
static __always_inline const char *open_args(struct pt_regs *regs, __u32 evt_type, __u32 *out, int mode)
{
	switch (evt_type) {
	case TL_EVT_OPEN:
		*out = sys_arg(regs, mode ? 2 : 1);
		return (const char *)sys_arg(regs, 0);
	case TL_EVT_CREAT:
		*out = mode ? sys_arg(regs, 1) : (O_CREAT | O_WRONLY | O_TRUNC);
		return (const char *)sys_arg(regs, 0);
	case TL_EVT_OPENAT2: {
		struct open_how *how = (struct open_how *)sys_arg(regs, 2);
		__u64 v = 0;

		if (mode)
			bpf_probe_read_user(&v, sizeof(v), &how->mode);
		else
			bpf_probe_read_user(&v, sizeof(v), &how->flags);
		*out = v;
		return (const char *)sys_arg(regs, 1);
	}
	default:
		*out = sys_arg(regs, mode ? 3 : 2);
		return (const char *)sys_arg(regs, 1);
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
	struct tl_file_facts f = {};
	const char *upath = 0;
	int truncated;

	s = class_begin(TL_CLASS_OPEN, evt_type, ret);
	if (!s)
		return 0;
	o = &s->ev.payload.open;
	if (ret >= 0)
		file = fd_to_file(task, ret);
	/* as Falco: the flags the caller asked for, created or not */
	upath = open_args(regs, evt_type, &o->flags, 0);
	open_args(regs, evt_type, &o->mode_arg, 1);
	if (evt_type == TL_EVT_OPENAT || evt_type == TL_EVT_OPENAT2)
		o->dirfd = sys_arg(regs, 0);
	if (evt_type != TL_EVT_CREAT) { /* Falco: creat is neither */
		__u32 acc = o->flags & O_ACCMODE;

		o->is_read = acc != O_WRONLY;
		o->is_write = acc == O_WRONLY || acc == O_RDWR;
	}
	if (file) {
		file_facts(s, file, &f);
		o->fd = ret;
		o->mode = f.i_mode;
		o->fd_kind = fd_kind_of_mode(o->mode);
		o->ino = f.ino;
		if (f.f_mode & FMODE_CREATED)
			o->flags |= TL_O_F_CREATED;
	} else {
		o->fd = -1;
		o->fd_kind = TL_FD_FILE;
	}

	eval_header(s, task);
	eval_open_views(s);
	apply_cached(s, proc_current(s, task));
	if (early_drop(s, TL_CLASS_OPEN))
		return 0;

	if (file) {
		truncated = append_path(s, TL_STR_FD_NAME, f.dentry, f.mnt);
	} else {
		truncated = append_user_str(s, TL_STR_FD_NAME, upath);
		s->ev.flags |= TL_EF_PATH_FROM_USER;
		/* canonicalized (and a relative one resolved) in userspace: maybe unknown here */
		if (tl_raw_name_not_canonical(s))
			truncated = 1;
	}
	if (truncated) {
		s->ev.flags |= TL_EF_PATH_TRUNC;
		count(TL_CLASS_OPEN, TL_CNT_PATH_TRUNC);
	}
	eval_fd_path(s, truncated, s->ev.payload.open.fd_kind);
	/* fd.nameraw: the name as the caller gave it, read now only if a rule asks */
	if (wants(s, TL_VIEW_FD_NAMERAW_HAS)) {
		if (file)
			append_user_str(s, TL_STR_ARG0, upath);
		eval_nameraw(s, truncated);
	}
	if (!class_decide(s, TL_CLASS_OPEN))
		return 0;
	if (file && !s->ev.str[TL_STR_ARG0].len)
		append_user_str(s, TL_STR_ARG0, upath);
	class_emit(s, TL_CLASS_OPEN, task);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
