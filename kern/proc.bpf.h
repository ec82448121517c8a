/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The process cache: per tgid, the view pairs of the facts that are costly to
 * get (exe path, argv[0], container id), stamped with the generation and the
 * leader's start time. Filled at exec, copied at fork, dropped at exit, and
 * computed from the live task whenever it is missing or stale (another
 * generation, a reused pid, a move to another cgroup) — so processes that
 * predate the agent, a reload, or a process joining a container are never a
 * blind spot.
 */
#ifndef TRIPLINE_PROC_BPF_H
#define TRIPLINE_PROC_BPF_H

#include "record.bpf.h"

static const __u32 tl_cached_views[TL_NCACHED] = {
	TL_VIEW_EXE, TL_VIEW_EXE_REV, TL_VIEW_EXEPATH,
	TL_VIEW_EXEPATH_REV, TL_VIEW_CONTAINER_ID, TL_VIEW_CONTAINER_ID_REV,
};

static __always_inline void cached_str_views(struct tl_scratch *s, __u32 slot, __u32 str_off,
					     __u64 len, int unknown)
{
	for (int r = 0; r < 2; r++) {
		__u32 view = tl_cached_views[(slot + r) % TL_NCACHED];
		__u64 pair = TL_NO_PAIR;

		if (!((READ_ONCE(s->used) >> view) & 1)) {
			s->proc.views[(slot + r) % TL_NCACHED].may = TL_SET_ALL;
			s->proc.views[(slot + r) % TL_NCACHED].def = TL_SET_ALL;
			continue;
		}
		if (!unknown)
			pair = tl_lookup_str(s, view, str_off, len);
		if (pair == TL_NO_PAIR) {
			s->proc.views[(slot + r) % TL_NCACHED].may = TL_SET_UNKNOWN;
			s->proc.views[(slot + r) % TL_NCACHED].def = TL_SET_UNKNOWN;
		} else {
			s->proc.views[(slot + r) % TL_NCACHED].may = (__u32)pair;
			s->proc.views[(slot + r) % TL_NCACHED].def = pair >> 32;
		}
	}
}

/*
 * Computes s->proc from the record's exe path, argv and container id. The
 * same code serves live events and the evaluator's test program.
 */
static __always_inline void proc_views_from_record(struct tl_scratch *s)
{
	struct tl_event *ev = &s->ev;

	/* argv[0] is proc.exe */
	cached_str_views(s, TL_CACHED_EXE, TL_DATA_OFF(ev->str[TL_STR_ARGS].off),
			 ev->str[TL_STR_ARGS].len ? TL_LEN_CSTR : 0, 0);
	cached_str_views(s, TL_CACHED_EXEPATH, TL_DATA_OFF(ev->str[TL_STR_EXEPATH].off),
			 ev->str[TL_STR_EXEPATH].len, (ev->flags & TL_EF_EXE_TRUNC) != 0);
	cached_str_views(s, TL_CACHED_CONTAINER_ID, TL_OFF(ev.container_id), TL_LEN_CSTR, 0);
	s->proc.gen = ev->gen;
	s->proc.flags = ev->flags & TL_EF_EXE_TRUNC;
	__builtin_memcpy(s->proc.container_id, ev->container_id, TL_CONTAINER_ID_LEN);
}

static __always_inline __u64 leader_start_time(struct task_struct *task)
{
	return task->group_leader->start_time;
}

/* fills exe path and argv of the current task into the record, once */
static __always_inline void gather_exe_args(struct tl_scratch *s, struct task_struct *task)
{
	if (!(s->appended & TL_APPENDED_EXE))
		append_exepath(s, task);
	if (!(s->appended & TL_APPENDED_ARGS))
		append_args(s, task);
	s->appended |= TL_APPENDED_EXE | TL_APPENDED_ARGS;
}

/* everything an alert may print about the process: only for emitted records */
static __always_inline void gather_process(struct tl_scratch *s, struct task_struct *task)
{
	gather_exe_args(s, task);
	tl_gather_proc_info(s);
}

/* remembers this image's argv for its children's proc.pcmdline */
static __always_inline void cache_args(struct tl_scratch *s, struct task_struct *task)
{
	__u32 tgid = s->ev.tgid;
	__u32 len = s->ev.str[TL_STR_ARGS].len;

	if (len > TL_PARGS_MAX)
		len = TL_PARGS_MAX;
	s->args.start_time = BPF_CORE_READ(task, group_leader, start_time);
	s->args.len = len;
	bpf_probe_read_kernel(s->args.data, len & (2 * TL_PARGS_MAX - 1),
			      &s->ev.data[s->ev.str[TL_STR_ARGS].off & TL_DATA_MASK]);
	bpf_map_update_elem(&proc_args, &tgid, &s->args, BPF_ANY);
}

/* (re)computes and stores the current process's cache entry */
static __always_inline struct tl_proc *proc_refresh(struct tl_scratch *s, struct task_struct *task)
{
	__u32 tgid = s->ev.tgid;
	struct tl_proc *p;

	gather_exe_args(s, task);
	tl_read_container_id(s);
	s->proc.start_time = leader_start_time(task);
	s->proc.cgroups = (__u64)task->cgroups;
	proc_views_from_record(s);
	if (bpf_map_update_elem(&processes, &tgid, &s->proc, BPF_ANY)) {
		count(s->ev.class_id, TL_CNT_PROC_TABLE_FULL);
		return &s->proc;
	}
	p = bpf_map_lookup_elem(&processes, &tgid);
	return p ? p : &s->proc;
}

/* the current process's cache entry, computed if missing or stale */
static __always_inline struct tl_proc *proc_current(struct tl_scratch *s, struct task_struct *task)
{
	__u32 tgid = s->ev.tgid;
	struct tl_proc *p = bpf_map_lookup_elem(&processes, &tgid);

	/* stale: another generation, a reused pid, or moved to another cgroup */
	if (p && p->gen == s->ev.gen && p->start_time == leader_start_time(task) &&
	    p->cgroups == (__u64)task->cgroups) {
		__builtin_memcpy(s->ev.container_id, p->container_id, TL_CONTAINER_ID_LEN);
		return p;
	}
	return proc_refresh(s, task);
}

static __always_inline void apply_cached(struct tl_scratch *s, struct tl_proc *p)
{
	for (int i = 0; i < TL_NCACHED; i++) {
		if (!wants(s, tl_cached_views[i]))
			continue;
		if (p->views[i].may == TL_SET_UNKNOWN)
			tl_apply_special(s, tl_cached_views[i], TL_UNKNOWN);
		else
			tl_apply_packed(s, tl_cached_views[i],
					p->views[i].may | ((__u64)p->views[i].def << 32));
	}
}

#endif
