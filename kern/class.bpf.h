/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every class program shares:
 *
 *   class_begin    scratch, config, header facts, masks to all ones
 *   eval_header    the views every event has (evt.type, res, pid, uid, names)
 *   eval_<class>   the class's own views, from the record's payload
 *   class_finish   views not produced are unknown; emit if some term may match
 */
#ifndef TRIPLINE_CLASS_BPF_H
#define TRIPLINE_CLASS_BPF_H

#include "proc.bpf.h"

/* tp_btf/sys_exit's regs is a trusted BTF pointer: its fields are plain loads */
static __always_inline long syscall_nr(struct pt_regs *regs)
{
	return regs->orig_ax;
}

/* argument i of the syscall (x86_64 syscall convention) */
static __always_inline __u64 sys_arg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

static __always_inline __u32 syscall_evt_type(long nr)
{
	__u32 key = nr;
	struct tl_syscall *sc = bpf_map_lookup_elem(&syscall_classes, &key);

	return sc ? sc->evt_type : TL_EVT_UNKNOWN;
}

/* the scratch with a fresh record, or NULL when the class has nothing to evaluate */
static __always_inline struct tl_scratch *class_begin(__u32 class_id, __u32 evt_type, long res)
{
	struct tl_scratch *s = get_scratch();

	if (!s || load_config(s, class_id))
		return 0;
	count(class_id, TL_CNT_SEEN);
	s->appended = 0;
	begin_event(s, evt_type, res);
	tl_init_masks(s);
	if (s->ship_all) {
		/* Falco's architecture, for comparison: no view is evaluated */
		s->pending = 0;
		s->ev.flags |= TL_EF_SHIP_ALL;
	}
	return s;
}

/*
 * proc.name or proc.pname (`view`, its reversed view next to it) of the comm
 * at `comm_off`: both pairs come from the CPU's name cache when the comm and
 * the generation are the ones last looked up here, so a process that makes
 * many syscalls pays for its name's two trie walks once.
 */
static __always_inline void eval_name(struct tl_scratch *s, struct tl_name_cache *c, __u32 view,
				      __u32 comm_off, const char *comm)
{
	__u64 w0, w1;

	if (!wants(s, view) && !wants(s, view + 1))
		return;
	__builtin_memcpy(&w0, comm, 8);
	__builtin_memcpy(&w1, comm + 8, 8);
	if (c->gen != s->ev.gen || c->comm[0] != w0 || c->comm[1] != w1) {
		c->fwd = tl_lookup_str(s, view, comm_off, TL_LEN_CSTR);
		c->rev = tl_lookup_str(s, view + 1, comm_off, TL_LEN_CSTR);
		c->comm[0] = w0;
		c->comm[1] = w1;
		c->gen = s->ev.gen;
	}
	if (wants(s, view)) {
		if (c->fwd == TL_NO_PAIR)
			tl_apply_special(s, view, TL_UNKNOWN);
		else
			tl_apply_packed(s, view, c->fwd);
	}
	if (wants(s, view + 1)) {
		if (c->rev == TL_NO_PAIR)
			tl_apply_special(s, view + 1, TL_UNKNOWN);
		else
			tl_apply_packed(s, view + 1, c->rev);
	}
}

/*
 * `task`: the live task, for the facts read only when a rule needs them;
 * NULL for the test evaluator, which takes them from the record.
 */
static __always_inline void eval_header(struct tl_scratch *s, struct task_struct *task)
{
	struct tl_event *ev = &s->ev;

	tl_eval_small(s, TL_VIEW_EVT_TYPE, ev->evt_type);
	tl_eval_num(s, TL_VIEW_RAWRES, ev->res, 1);
	tl_eval_num(s, TL_VIEW_PID, ev->tgid, 0);
	tl_eval_num(s, TL_VIEW_UID, ev->uid, 0);
	tl_eval_num(s, TL_VIEW_GID, ev->gid, 0);
	tl_eval_num(s, TL_VIEW_LOGINUID, (__s64)(__s32)ev->loginuid, 1);
	eval_name(s, &s->names[0], TL_VIEW_PROC_NAME, TL_OFF(ev.comm), ev->comm);
	if (ev->flags & TL_EF_NO_PARENT) {
		tl_apply_special(s, TL_VIEW_PPID, TL_ABSENT);
		eval_str_absent(s, TL_VIEW_PNAME);
	} else {
		tl_eval_num(s, TL_VIEW_PPID, ev->ppid, 0);
		eval_name(s, &s->names[1], TL_VIEW_PNAME, TL_OFF(ev.pcomm), ev->pcomm);
	}
	if (wants(s, TL_VIEW_TTY)) {
		if (task)
			ev->proc.tty = task_tty(task);
		if (task || (ev->flags & TL_EF_PROC_INFO))
			tl_eval_num(s, TL_VIEW_TTY, ev->proc.tty, 0);
		else
			tl_apply_special(s, TL_VIEW_TTY, TL_ABSENT);
	}
	tl_apply_special(s, TL_VIEW_USERSPACE, TL_UNKNOWN);
}

/*
 * proc.is_exe_*: Falco's flags of the executable, computed as the process
 * block computes them (same task, same moment), or taken from the record
 * (test evaluator, task NULL).
 */
static __always_inline void eval_exe_flags(struct tl_scratch *s, struct task_struct *task)
{
	struct file *exe;

	if (!wants(s, TL_VIEW_EXE_FLAGS))
		return;
	if (!task) {
		if (s->ev.flags & TL_EF_PROC_INFO)
			tl_eval_small(s, TL_VIEW_EXE_FLAGS, s->ev.proc.exe_flags);
		else
			tl_apply_special(s, TL_VIEW_EXE_FLAGS, TL_ABSENT);
		return;
	}
	exe = BPF_CORE_READ(task, mm, exe_file);
	tl_eval_small(s, TL_VIEW_EXE_FLAGS, exe ? exe_flags(exe, task) : 0);
}

/*
 * proc.cwd at exec, with its trailing '/' (the record keeps it, so the
 * process block does not walk it again). The test evaluator takes the
 * record's (task NULL): one without the '/' is not a kernel value, unknown.
 */
static __always_inline void eval_cwd(struct tl_scratch *s, struct task_struct *task)
{
	__u32 off, len;
	int cut;

	if (!wants(s, TL_VIEW_CWD) && !wants(s, TL_VIEW_CWD_REV))
		return;
	if (!task && !(s->ev.flags & TL_EF_PROC_INFO)) {
		eval_str_absent(s, TL_VIEW_CWD);
		return;
	}
	cut = task ? append_cwd(s, task) : (s->ev.flags & TL_EF_CWD_TRUNC) != 0;
	off = s->ev.str[TL_STR_CWD].off;
	len = s->ev.str[TL_STR_CWD].len;
	if (!len || s->ev.data[(off + len - 1) & TL_DATA_MASK] != '/')
		cut = 1;
	eval_str(s, TL_VIEW_CWD, TL_DATA_OFF(off), len, cut);
}

/*
 * fd.directory and fd.filename split fd.name at its last '/'. Only the last
 * TL_STR_KEY_MAX bytes are searched: a longer file name is unknown anyway.
 */
static __always_inline void eval_fd_path(struct tl_scratch *s, int truncated, __u8 kind)
{
	__u32 off = s->ev.str[TL_STR_FD_NAME].off & TL_DATA_MASK;
	__u32 len = s->ev.str[TL_STR_FD_NAME].len & (TL_PATH_MAX - 1);
	const char *path = &s->ev.data[off];
	__u32 slash;

	eval_str(s, TL_VIEW_FD_NAME, TL_DATA_OFF(off), len, truncated);
	tl_eval_has(s, TL_VIEW_FD_NAME_HAS, TL_DATA_OFF(off), len, truncated);
	if (!(wants(s, TL_VIEW_FD_DIRECTORY) || wants(s, TL_VIEW_FD_DIRECTORY_REV) ||
	      wants(s, TL_VIEW_FD_FILENAME) || wants(s, TL_VIEW_FD_FILENAME_REV)))
		return;
	/* as Falco: a directory is its own fd.directory; pipes and sockets have neither */
	if (kind == TL_FD_DIRECTORY) {
		eval_str(s, TL_VIEW_FD_DIRECTORY, TL_DATA_OFF(off), len, truncated);
		eval_str_absent(s, TL_VIEW_FD_FILENAME);
		return;
	}
	if (kind != TL_FD_FILE && kind != TL_FD_MEMFD) {
		eval_str_absent(s, TL_VIEW_FD_DIRECTORY);
		eval_str_absent(s, TL_VIEW_FD_FILENAME);
		return;
	}
	s->slash = TL_LEN_CSTR;
	for (int i = 1; i <= TL_STR_KEY_MAX && !truncated; i++) {
		if ((__u32)i > len)
			break;
		if (path[(len - i) & (TL_PATH_MAX - 1)] == '/') {
			s->slash = len - i;
			break;
		}
	}
	slash = READ_ONCE(s->slash);
	if (slash >= len) {
		eval_str(s, TL_VIEW_FD_DIRECTORY, 0, 0, 1);
		eval_str(s, TL_VIEW_FD_FILENAME, 0, 0, 1);
		return;
	}
	/* "/etc/passwd" -> "/etc" and "passwd"; "/passwd" -> "/" and "passwd" */
	eval_str(s, TL_VIEW_FD_DIRECTORY, TL_DATA_OFF(off), slash ? slash : 1, 0);
	eval_str(s, TL_VIEW_FD_FILENAME, TL_DATA_OFF(off + slash + 1), len - slash - 1, 0);
}

/*
 * fd.nameraw of an open, as userspace reads it: the name as the caller gave
 * it (TL_STR_ARG0, read only when a rule asks; for a failed open, the record's
 * fd.name, which is that argument before userspace makes it canonical), else
 * the resolved fd.name. A name that filled the buffer may have been cut.
 */
static __always_inline void eval_nameraw(struct tl_scratch *s, int fd_truncated)
{
	__u32 raw_len = s->ev.str[TL_STR_ARG0].len;

	__u32 name_len = s->ev.str[TL_STR_FD_NAME].len;

	if (raw_len)
		tl_eval_has(s, TL_VIEW_FD_NAMERAW_HAS, TL_DATA_OFF(s->ev.str[TL_STR_ARG0].off), raw_len,
			    raw_len >= TL_PATH_MAX - 1);
	else if (s->ev.flags & TL_EF_PATH_FROM_USER) /* a failed open: fd.name is the argument, raw */
		tl_eval_has(s, TL_VIEW_FD_NAMERAW_HAS, TL_DATA_OFF(s->ev.str[TL_STR_FD_NAME].off), name_len,
			    name_len >= TL_PATH_MAX - 1);
	else
		tl_eval_has(s, TL_VIEW_FD_NAMERAW_HAS, TL_DATA_OFF(s->ev.str[TL_STR_FD_NAME].off), name_len,
			    fd_truncated);
}

static __always_inline void eval_open_views(struct tl_scratch *s)
{
	struct tl_open_info *o = &s->ev.payload.open;

	tl_eval_small(s, TL_VIEW_FD_KIND, o->fd_kind);
	tl_eval_small(s, TL_VIEW_OPEN_READ, o->is_read);
	tl_eval_small(s, TL_VIEW_OPEN_WRITE, o->is_write);
	tl_eval_num(s, TL_VIEW_FD_NUM, (__s64)o->fd, 1);
}

/*
 * A socket's ends under both names Falco gives them: remote/local, and
 * server/client (the server is the local end of an accepted or bound socket,
 * the remote end of a connect).
 */
static __always_inline void eval_sock_views(struct tl_scratch *s, struct tl_sock *sock, __u32 sock_off,
					    int has_addr)
{
	__u32 remote = sock_off + __builtin_offsetof(struct tl_sock, remote);
	__u32 local = sock_off + __builtin_offsetof(struct tl_sock, local);

	if (!has_addr) {
		for (__u32 v = TL_VIEW_REMOTE_ADDR; v <= TL_VIEW_CLIENT_PORT; v++)
			tl_apply_special(s, v, TL_ABSENT);
		return;
	}
	tl_eval_addr(s, TL_VIEW_REMOTE_ADDR, remote);
	tl_eval_addr(s, TL_VIEW_LOCAL_ADDR, local);
	tl_eval_num(s, TL_VIEW_REMOTE_PORT, sock->rport, 0);
	tl_eval_num(s, TL_VIEW_LOCAL_PORT, sock->lport, 0);
	tl_eval_addr(s, TL_VIEW_SERVER_ADDR, sock->is_server ? local : remote);
	tl_eval_addr(s, TL_VIEW_CLIENT_ADDR, sock->is_server ? remote : local);
	tl_eval_num(s, TL_VIEW_SERVER_PORT, sock->is_server ? sock->lport : sock->rport, 0);
	tl_eval_num(s, TL_VIEW_CLIENT_PORT, sock->is_server ? sock->rport : sock->lport, 0);
}

static __always_inline int is_inet(__u8 kind)
{
	return kind == TL_FD_IPV4 || kind == TL_FD_IPV6;
}

static __always_inline void eval_net_views(struct tl_scratch *s)
{
	struct tl_net_info *n = &s->ev.payload.net;

	int has_addr = is_inet(n->fd_kind) && !(s->ev.flags & TL_EF_NO_ADDR);

	tl_eval_num(s, TL_VIEW_FD_NUM, (__s64)n->fd, 1);
	tl_eval_num(s, TL_VIEW_SYSARG0, n->args[0], 1);
	tl_eval_small(s, TL_VIEW_FD_KIND, n->fd_kind);
	/* only an IP socket whose ends are known has a protocol (Falco: <NA>) */
	tl_eval_small(s, TL_VIEW_L4PROTO, has_addr ? n->sock.l4proto : TL_L4_UNKNOWN);
	eval_sock_views(s, &n->sock, TL_OFF(ev.payload.net.sock), has_addr);
}

static __always_inline void eval_syscall_views(struct tl_scratch *s)
{
	struct tl_syscall_info *y = &s->ev.payload.sys;
	int has_addr = is_inet(y->fd_kind) && !(s->ev.flags & (TL_EF_NO_FD | TL_EF_NO_ADDR));

	tl_eval_num(s, TL_VIEW_SYSARG0, y->args[0], 1);

	if (s->ev.flags & TL_EF_NO_FD) {
		tl_apply_special(s, TL_VIEW_FD_NUM, TL_ABSENT);
		tl_apply_special(s, TL_VIEW_FD_KIND, TL_ABSENT);
		tl_apply_special(s, TL_VIEW_L4PROTO, TL_ABSENT);
	} else {
		tl_eval_num(s, TL_VIEW_FD_NUM, (__s64)y->fd, 1);
		tl_eval_small(s, TL_VIEW_FD_KIND, y->fd_kind);
		tl_eval_small(s, TL_VIEW_L4PROTO, has_addr ? y->sock.l4proto : TL_L4_UNKNOWN);
	}
	eval_sock_views(s, &y->sock, TL_OFF(ev.payload.sys.sock), has_addr);
}

/* cheap views done: give up before the expensive ones if nothing can match */
static __always_inline int early_drop(struct tl_scratch *s, __u32 class_id)
{
	if (s->ship_all || tl_any_may(s))
		return 0;
	count(class_id, TL_CNT_DROPPED_EARLY);
	return 1;
}

/* every view applied: does some term of the class still hold? (counts a drop) */
static __always_inline int class_decide(struct tl_scratch *s, __u32 class_id)
{
	apply_rest_unknown(s);
	if (tl_any_may(s))
		return 1;
	count(class_id, TL_CNT_DROPPED);
	return 0;
}

static __always_inline void class_emit(struct tl_scratch *s, __u32 class_id, struct task_struct *task)
{
	gather_process(s, task);
	emit(s, class_id);
}

/* returns non-zero when the event was emitted */
static __always_inline int class_finish(struct tl_scratch *s, __u32 class_id, struct task_struct *task)
{
	if (!class_decide(s, class_id))
		return 0;
	class_emit(s, class_id, task);
	return 1;
}

#endif
