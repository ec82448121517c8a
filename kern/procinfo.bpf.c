// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The process block of an emitted record (only those: the cost is paid per
 * alert candidate, not per event):
 *
 *   ancestry       parent, grandparent, ... up to 8: tgid and comm
 *   namespace ids  vpid, session id, process group id (as the process sees them)
 *   leaders        comm of the session leader and of the process group leader
 *   tty            new_encode_dev(major, minor) of the controlling terminal
 *   times          start of the process, of its parent, of its pid namespace's init
 *   credentials    effective and permitted capabilities
 *   executable     inode number, ctime, mtime; memfd / overlay layer / writable
 *   strings        cwd, parent's and grandparent's exe path, the parent's and
 *                  the group leader's argv from the argv cache
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "record.bpf.h"

#define S_IFMT 00170000

/* inode times before 6.11 (commit 3aa63a569c64) and before 6.6 (commit 13bc24457850) */
struct inode___pre611 {
	struct timespec64 __i_ctime;
	struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));

struct inode___pre66 {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

static __always_inline __u64 ts_ns(__s64 sec, __s64 nsec)
{
	return (__u64)sec * 1000000000ULL + (__u64)nsec;
}

static __always_inline void inode_times(struct inode *inode, __u64 *ctime, __u64 *mtime)
{
	if (bpf_core_field_exists(inode->i_ctime_sec)) {
		*ctime = ts_ns(BPF_CORE_READ(inode, i_ctime_sec), BPF_CORE_READ(inode, i_ctime_nsec));
		*mtime = ts_ns(BPF_CORE_READ(inode, i_mtime_sec), BPF_CORE_READ(inode, i_mtime_nsec));
		return;
	}
	struct inode___pre611 *i611 = (void *)inode;
	if (bpf_core_field_exists(i611->__i_ctime)) {
		*ctime = ts_ns(BPF_CORE_READ(i611, __i_ctime.tv_sec), BPF_CORE_READ(i611, __i_ctime.tv_nsec));
		*mtime = ts_ns(BPF_CORE_READ(i611, __i_mtime.tv_sec), BPF_CORE_READ(i611, __i_mtime.tv_nsec));
		return;
	}
	struct inode___pre66 *i66 = (void *)inode;
	*ctime = ts_ns(BPF_CORE_READ(i66, i_ctime.tv_sec), BPF_CORE_READ(i66, i_ctime.tv_nsec));
	*mtime = ts_ns(BPF_CORE_READ(i66, i_mtime.tv_sec), BPF_CORE_READ(i66, i_mtime.tv_nsec));
}

/* the task a struct pid names (its PIDTYPE_PID task) */
static __always_inline struct task_struct *pid_task_of(struct pid *pid)
{
	struct hlist_node *first = BPF_CORE_READ(pid, tasks[PIDTYPE_PID].first);

	if (!first)
		return 0;
	return (struct task_struct *)((char *)first - bpf_core_field_offset(struct task_struct, pid_links));
}

/* the number of `pid` as seen from namespace level `level`; 0 when not visible */
static __always_inline __u32 pid_nr_at(struct pid *pid, __u32 level)
{
	if (!pid || BPF_CORE_READ(pid, level) < level || level > 31)
		return 0;
	return BPF_CORE_READ(pid, numbers[level].nr);
}

/* the cached argv of process `tgid`, if it is still that process */
static __always_inline void append_cached_args(struct tl_scratch *s, __u32 slot, __u32 tgid,
					       struct task_struct *leader)
{
	struct tl_args *a = bpf_map_lookup_elem(&proc_args, &tgid);

	if (!a || !leader || a->start_time != BPF_CORE_READ(leader, start_time)) {
		if (slot == TL_STR_PARGS)
			s->ev.flags |= TL_EF_NO_PARGS;
		return;
	}
	append_kernel_bytes(s, slot, a->data, a->len);
}

static __always_inline void append_exe_of(struct tl_scratch *s, __u32 slot, struct task_struct *t)
{
	struct file *exe = BPF_CORE_READ(t, mm, exe_file);

	if (exe)
		append_path(s, slot, BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt));
}

__noinline int tl_gather_proc_info(struct tl_scratch *s)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_struct *leader, *parent = 0, *t;
	struct tl_proc_info *pi;
	struct signal_struct *sig;
	struct pid *sid_pid, *pgid_pid;
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	struct file *exe;
	__u32 level, n = 0;

	if (!s)
		return 0;
	pi = &s->ev.proc;
	__builtin_memset(pi, 0, sizeof(*pi));
	leader = BPF_CORE_READ(task, group_leader);

	/* ancestry: each ancestor's main thread */
	t = BPF_CORE_READ(leader, real_parent);
	for (int i = 0; i < TL_MAX_ANCESTORS; i++) {
		struct task_struct *l;
		__u32 pid;

		if (!t)
			break;
		l = BPF_CORE_READ(t, group_leader);
		pid = BPF_CORE_READ(l, tgid);
		if (pid == 0) /* above init */
			break;
		if (i == 0)
			parent = l;
		pi->anc[i].pid = pid;
		pi->anc[i].start_ns = BPF_CORE_READ(l, start_boottime);
		bpf_probe_read_kernel_str(pi->anc[i].comm, TL_COMM_LEN, &l->comm);
		n = i + 1;
		t = BPF_CORE_READ(l, real_parent);
	}
	pi->n_anc = n;

	/* ids as the process's own pid namespace sees them */
	level = BPF_CORE_READ(leader, thread_pid, level);
	pi->vpid = pid_nr_at(BPF_CORE_READ(leader, thread_pid), level);
	sig = BPF_CORE_READ(task, signal);
	sid_pid = BPF_CORE_READ(sig, pids[PIDTYPE_SID]);
	pgid_pid = BPF_CORE_READ(sig, pids[PIDTYPE_PGID]);
	pi->sid = pid_nr_at(sid_pid, level);
	pi->vpgid = pid_nr_at(pgid_pid, level);
	t = pid_task_of(sid_pid);
	if (t)
		bpf_probe_read_kernel_str(pi->sname, TL_COMM_LEN, &t->comm);
	t = pid_task_of(pgid_pid);
	if (t) {
		bpf_probe_read_kernel_str(pi->vpgid_name, TL_COMM_LEN, &t->comm);
		append_cached_args(s, TL_STR_PGARGS, BPF_CORE_READ(t, tgid), BPF_CORE_READ(t, group_leader));
	}

	pi->tty = task_tty(task);

	pi->start_ns = BPF_CORE_READ(leader, start_boottime);
	if (parent)
		pi->pstart_ns = BPF_CORE_READ(parent, start_boottime);
	if (level <= 31) {
		struct pid_namespace *ns = BPF_CORE_READ(leader, thread_pid, numbers[level].ns);

		pi->pidns_start_ns = BPF_CORE_READ(ns, child_reaper, start_boottime);
	}
	BPF_CORE_READ_INTO(&pi->cap_effective, task, cred, cap_effective);
	BPF_CORE_READ_INTO(&pi->cap_permitted, task, cred, cap_permitted);

	exe = BPF_CORE_READ(mm, exe_file);
	if (exe) {
		pi->exe_ino = BPF_CORE_READ(exe, f_inode, i_ino);
		inode_times(BPF_CORE_READ(exe, f_inode), &pi->exe_ctime_ns, &pi->exe_mtime_ns);
		pi->exe_flags = exe_flags(exe, task);
	}

	/* strings: what an alert may print */
	append_cwd(s, task);
	/* the environment as exec set it up, as Falco captures it */
	if (mm)
		append_user_block(s, TL_STR_ENV, BPF_CORE_READ(mm, env_start), BPF_CORE_READ(mm, env_end),
				  TL_ENV_MAX);
	if (parent) {
		append_exe_of(s, TL_STR_PEXEPATH, parent);
		append_cached_args(s, TL_STR_PARGS, pi->anc[0].pid, parent);
		if (n > 1)
			append_exe_of(s, TL_STR_GEXEPATH, BPF_CORE_READ(parent, real_parent, group_leader));
	}
	s->ev.flags |= TL_EF_PROC_INFO;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
