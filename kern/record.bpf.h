/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Building and sending a record: the header, strings appended to the data
 * area one after another, and the ring-buffer write sized to what was used.
 */
#ifndef TRIPLINE_RECORD_BPF_H
#define TRIPLINE_RECORD_BPF_H

#include "eval.bpf.h"
#include "path.bpf.h"
#include "task.bpf.h"

static __always_inline struct tl_scratch *get_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

static __always_inline void begin_event(struct tl_scratch *s, __u32 evt_type, long res)
{
	struct tl_event *ev = &s->ev;

	ev->evt_type = evt_type;
	ev->flags = 0;
	ev->res = res;
	ev->data_len = 0;
	ev->exepath.off = ev->exepath.len = 0;
	ev->args.off = ev->args.len = 0;
	ev->fd_name.off = ev->fd_name.len = 0;
	__builtin_memset(&ev->payload, 0, sizeof(ev->payload));
	fill_task_header(ev, bpf_get_current_task_btf());
}

/* resolves a path into the data area; returns non-zero when truncated */
static __always_inline int append_path(struct tl_scratch *s, struct tl_str *out,
				       struct dentry *dentry, struct vfsmount *mnt)
{
	__u32 base = s->ev.data_len;
	__u32 cap = TL_PATH_MAX, r;

	if (base + 1 >= TL_DATA_MAX)
		return 1;
	if (base + cap > TL_DATA_MAX)
		cap = TL_DATA_MAX - base;
	r = tl_resolve_path(s, (__u64)dentry, (__u64)mnt, base, cap);
	out->off = base;
	out->len = r & 0xffff;
	s->ev.data_len = base + out->len + 1;
	return (r & TL_PATH_TRUNCATED) != 0;
}

/* a user string (a syscall argument) into the data area */
static __always_inline int append_user_str(struct tl_scratch *s, struct tl_str *out, const char *ustr)
{
	__u32 base = s->ev.data_len;
	long n;

	if (base + TL_PATH_MAX > TL_DATA_MAX)
		return 1;
	n = bpf_probe_read_user_str(&s->ev.data[base & TL_DATA_MASK], TL_PATH_MAX, ustr);
	if (n <= 0) {
		s->ev.data[base & TL_DATA_MASK] = 0;
		n = 1;
	}
	out->off = base;
	out->len = n - 1;
	s->ev.data_len = base + n;
	return n == TL_PATH_MAX; /* may have been cut */
}

static __always_inline void append_exepath(struct tl_scratch *s, struct task_struct *task)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	if (!exe) {
		s->ev.flags |= TL_EF_EXE_TRUNC;
		return;
	}
	if (append_path(s, &s->ev.exepath, BPF_CORE_READ(exe, f_path.dentry),
			BPF_CORE_READ(exe, f_path.mnt)))
		s->ev.flags |= TL_EF_EXE_TRUNC;
}

/* argv as the process laid it out: NUL separated */
static __always_inline void append_args(struct tl_scratch *s, struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long start = BPF_CORE_READ(mm, arg_start);
	unsigned long end = BPF_CORE_READ(mm, arg_end);
	__u32 base = s->ev.data_len;
	__u32 n = end - start;

	if (!mm || end <= start || base + TL_ARGS_MAX > TL_DATA_MAX)
		return;
	if (n > TL_ARGS_MAX - 1) {
		n = TL_ARGS_MAX - 1;
		s->ev.flags |= TL_EF_ARGS_TRUNC;
	}
	if (bpf_probe_read_user(&s->ev.data[base & TL_DATA_MASK], n & (TL_ARGS_MAX - 1),
				(const void *)start))
		return;
	/* argv ends with a NUL; drop it from the length, keep one after */
	if (s->ev.data[(base + n - 1) & TL_DATA_MASK] == 0)
		n--;
	s->ev.data[(base + n) & TL_DATA_MASK] = 0;
	s->ev.args.off = base;
	s->ev.args.len = n;
	s->ev.data_len = base + n + 1;
}

static __always_inline void emit(struct tl_scratch *s, __u32 class_id)
{
	__u32 size = TL_EVENT_HEADER_SIZE + s->ev.data_len;

	if (size > sizeof(s->ev))
		size = sizeof(s->ev);
	s->ev.size = size;
	if (bpf_ringbuf_output(&events, &s->ev, size, 0))
		count(class_id, TL_CNT_LOST);
	else
		count(class_id, TL_CNT_EMITTED);
}

#endif
