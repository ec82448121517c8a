/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Facts about the current task, read from kernel objects:
 *   header   pid, tgid, parent, comm, credentials, loginuid, time
 *   fd       fd number -> struct file
 *   cgroup   container id: a 64-hex-digit run in the cgroup path
 */
#ifndef TRIPLINE_TASK_BPF_H
#define TRIPLINE_TASK_BPF_H

#include <bpf/bpf_core_read.h>
#include "maps.bpf.h"

static __always_inline void count(__u32 class_id, __u32 counter)
{
	__u32 key = class_id * TL_CNT_COUNT + counter;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		*v += 1;
}

/* the header fields every class fills the same way */
static __always_inline void fill_task_header(struct tl_event *ev, struct task_struct *task)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct task_struct *parent = BPF_CORE_READ(leader, real_parent);
	__u64 id = bpf_get_current_pid_tgid();

	ev->pid = (__u32)id;
	ev->tgid = id >> 32;
	ev->ts_ns = bpf_ktime_get_boot_ns();
	ev->uid = BPF_CORE_READ(task, cred, euid.val);
	ev->gid = BPF_CORE_READ(task, cred, egid.val);
	ev->loginuid = (__u32)-1;
	if (bpf_core_field_exists(task->loginuid))
		ev->loginuid = BPF_CORE_READ(task, loginuid.val);
	/* Falco names a process by its main thread */
	bpf_probe_read_kernel_str(ev->comm, sizeof(ev->comm), &leader->comm);
	if (parent && parent != leader) {
		struct task_struct *pleader = BPF_CORE_READ(parent, group_leader);

		ev->ppid = BPF_CORE_READ(parent, tgid);
		bpf_probe_read_kernel_str(ev->pcomm, sizeof(ev->pcomm), &pleader->comm);
	} else {
		ev->ppid = 0;
		ev->pcomm[0] = 0;
		ev->flags |= TL_EF_NO_PARENT;
	}
}

/* proc.tty: the controlling terminal, encoded as new_encode_dev() does; 0: none */
static __always_inline __u32 task_tty(struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	__u32 major, minor;

	if (!tty)
		return 0;
	major = BPF_CORE_READ(tty, driver, major);
	minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline struct file *fd_to_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *file = 0;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return file;
}

/* container.id of the current task into s->ev.container_id; see task.bpf.c */
extern int tl_read_container_id(struct tl_scratch *s);

/* the process block and its strings (cwd, parent's and grandparent's exe,
 * cached argv of the parent and of the group leader); see procinfo.bpf.c */
extern int tl_gather_proc_info(struct tl_scratch *s);

/* fd.type of a file, and the socket's ends when it is one; see task.bpf.c */
extern int tl_describe_file(struct tl_scratch *s, __u64 file, __u32 which);
#define TL_DESCRIBE_NET 0     /* into ev.payload.net */
#define TL_DESCRIBE_SYSCALL 1 /* into ev.payload.sys */

#endif
