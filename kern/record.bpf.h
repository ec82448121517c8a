/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Building and sending a record: the header, strings appended to the data
 * area one after another (each in its slot, ev.str[]), and the ring-buffer
 * write sized to what was used.
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
	__builtin_memset(ev->str, 0, sizeof(ev->str));
	__builtin_memset(&ev->payload, 0, sizeof(ev->payload));
	fill_task_header(ev, bpf_get_current_task_btf());
}

/* resolves a path into the data area; returns non-zero when truncated */
static __always_inline int append_path(struct tl_scratch *s, __u32 slot, struct dentry *dentry,
				       struct vfsmount *mnt)
{
	__u32 base = s->ev.data_len;
	__u32 cap = TL_PATH_MAX, r;

	if (slot >= TL_NSTR || base + 2 >= TL_DATA_MAX)
		return 1;
	if (base + cap > TL_DATA_MAX)
		cap = TL_DATA_MAX - base;
	r = tl_resolve_path(s, (__u64)dentry, (__u64)mnt, base, cap);
	s->ev.str[slot].off = base;
	s->ev.str[slot].len = r & 0xffff;
	s->ev.data_len = base + (r & 0xffff) + 1;
	return (r & TL_PATH_TRUNCATED) != 0;
}

/*
 * proc.cwd as Falco shows it, with a trailing '/', into its slot, once per
 * record; non-zero when it could not be resolved whole.
 */
static __always_inline int append_cwd(struct tl_scratch *s, struct task_struct *task)
{
	__u32 off, len;
	int cut;

	if (s->appended & TL_APPENDED_CWD)
		return (s->ev.flags & TL_EF_CWD_TRUNC) != 0;
	s->appended |= TL_APPENDED_CWD;
	cut = append_path(s, TL_STR_CWD, BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt));
	off = s->ev.str[TL_STR_CWD].off;
	len = s->ev.str[TL_STR_CWD].len;
	if (!cut && len && s->ev.data[(off + len - 1) & TL_DATA_MASK] != '/') {
		if (off + len + 2 > TL_DATA_MAX) {
			cut = 1;
		} else {
			s->ev.data[(off + len) & TL_DATA_MASK] = '/';
			s->ev.data[(off + len + 1) & TL_DATA_MASK] = 0;
			s->ev.str[TL_STR_CWD].len = len + 1;
			s->ev.data_len = off + len + 2;
		}
	}
	if (cut)
		s->ev.flags |= TL_EF_CWD_TRUNC;
	return cut;
}

/* a user string (a syscall argument) into the data area; non-zero when cut */
static __always_inline int append_user_str(struct tl_scratch *s, __u32 slot, const char *ustr)
{
	__u32 base = s->ev.data_len;
	long n;

	if (slot >= TL_NSTR || base + TL_PATH_MAX > TL_DATA_MAX)
		return 1;
	n = bpf_probe_read_user_str(&s->ev.data[base & TL_DATA_MASK], TL_PATH_MAX, ustr);
	if (n <= 0) {
		s->ev.data[base & TL_DATA_MASK] = 0;
		n = 1;
	}
	s->ev.str[slot].off = base;
	s->ev.str[slot].len = n - 1;
	s->ev.data_len = base + n;
	return n == TL_PATH_MAX; /* may have been cut */
}

/* `max` bytes of user memory holding NUL-separated strings (argv, environ) */
static __always_inline int append_user_block(struct tl_scratch *s, __u32 slot, unsigned long start,
					     unsigned long end, __u32 max)
{
	__u32 base = s->ev.data_len;
	__u64 n = end - start; /* 64 bits: the clamp and the helper see the same register */
	int cut = 0;

	if (slot >= TL_NSTR || end <= start || base + max > TL_DATA_MAX)
		return 0;
	if (n > max - 1) {
		n = max - 1;
		cut = 1;
	}
	if (n > 4095 || bpf_probe_read_user(&s->ev.data[base & TL_DATA_MASK], n, (const void *)start))
		return 0;
	/* the block ends with a NUL; drop it from the length, keep one after */
	if (s->ev.data[(base + n - 1) & TL_DATA_MASK] == 0)
		n--;
	s->ev.data[(base + n) & TL_DATA_MASK] = 0;
	s->ev.str[slot].off = base;
	s->ev.str[slot].len = n;
	s->ev.data_len = base + n + 1;
	return cut;
}

/* bytes of a BPF map value (cached argv) into the data area */
static __always_inline void append_kernel_bytes(struct tl_scratch *s, __u32 slot, const char *src, __u32 len)
{
	__u32 base = s->ev.data_len;

	if (slot >= TL_NSTR || base + TL_PARGS_MAX + 1 > TL_DATA_MAX)
		return;
	if (len > TL_PARGS_MAX)
		len = TL_PARGS_MAX;
	bpf_probe_read_kernel(&s->ev.data[base & TL_DATA_MASK], len & (2 * TL_PARGS_MAX - 1), src);
	s->ev.data[(base + len) & TL_DATA_MASK] = 0;
	s->ev.str[slot].off = base;
	s->ev.str[slot].len = len;
	s->ev.data_len = base + len + 1;
}

static __always_inline void append_exepath(struct tl_scratch *s, struct task_struct *task)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	if (!exe) {
		s->ev.flags |= TL_EF_EXE_TRUNC;
		return;
	}
	if (append_path(s, TL_STR_EXEPATH, BPF_CORE_READ(exe, f_path.dentry),
			BPF_CORE_READ(exe, f_path.mnt)))
		s->ev.flags |= TL_EF_EXE_TRUNC;
}

/* argv as the process laid it out: NUL separated */
static __always_inline void append_args(struct tl_scratch *s, struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);

	if (!mm)
		return;
	if (append_user_block(s, TL_STR_ARGS, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end),
			      TL_ARGS_MAX))
		s->ev.flags |= TL_EF_ARGS_TRUNC;
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
