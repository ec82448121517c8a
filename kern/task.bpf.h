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

/*
 * The header fields every class fills the same way. `task` is a trusted BTF
 * pointer (the current task), so its fields are plain loads, not
 * bpf_probe_read_kernel() calls: on the hot path each helper call costs
 * more than all the loads of a header together.
 */
static __always_inline void fill_task_header(struct tl_event *ev, struct task_struct *task)
{
	struct task_struct *leader = task->group_leader;
	struct task_struct *parent = leader->real_parent;
	const struct cred *cred = task->cred;
	__u64 id = bpf_get_current_pid_tgid();

	ev->pid = (__u32)id;
	ev->tgid = id >> 32;
	ev->ts_ns = bpf_ktime_get_boot_ns();
	ev->uid = cred->euid.val;
	ev->gid = cred->egid.val;
	ev->loginuid = (__u32)-1;
	if (bpf_core_field_exists(task->loginuid))
		ev->loginuid = task->loginuid.val;
	/* Falco names a process by its main thread; comm is NUL padded (strscpy_pad) */
	__builtin_memcpy(ev->comm, leader->comm, TL_COMM_LEN);
	ev->comm[TL_COMM_LEN - 1] = 0;
	if (parent && parent != leader) {
		ev->ppid = parent->tgid;
		__builtin_memcpy(ev->pcomm, parent->group_leader->comm, TL_COMM_LEN);
		ev->pcomm[TL_COMM_LEN - 1] = 0;
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
	struct fdtable *fdt = task->files->fdt;
	struct file *file = 0;

	if (fd < 0 || fd >= fdt->max_fds)
		return 0;
	/* fdt->fd is an array of pointers: its element needs a real read */
	bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]);
	return file;
}

/*
 * What an opened file is: its path, access mode, inode number and type. The
 * file comes from the fd array as a plain pointer, so every field costs a
 * bpf_probe_read_kernel(); the fields of one object are read in one call
 * when they sit within TL_CHUNK bytes of each other (they do in every kernel
 * since 4.x), else one by one.
 */
struct tl_file_facts {
	struct vfsmount *mnt;
	struct dentry *dentry;
	__u64 ino;
	__u32 f_mode;
	__u32 i_mode;
};

#define TL_CHUNK 192
#define TL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define TL_MAX(a, b) ((a) > (b) ? (a) : (b))

static __always_inline void file_facts(struct tl_scratch *s, struct file *file, struct tl_file_facts *f)
{
	__u32 o_mode = bpf_core_field_offset(struct file, f_mode);
	__u32 o_inode = bpf_core_field_offset(struct file, f_inode);
	__u32 o_path = bpf_core_field_offset(struct file, f_path);
	__u32 lo = TL_MIN(o_mode, TL_MIN(o_inode, o_path));
	__u32 hi = TL_MAX(o_mode + 4, TL_MAX(o_inode + 8, o_path + 16));
	__u32 i_mode = bpf_core_field_offset(struct inode, i_mode);
	__u32 i_ino = bpf_core_field_offset(struct inode, i_ino);
	__u32 ilo = TL_MIN(i_mode, i_ino), ihi = TL_MAX(i_mode + 2, i_ino + 8);
	struct inode *inode;
	__u8 *c = s->chunk;

	if (hi - lo <= TL_CHUNK && !bpf_probe_read_kernel(c, hi - lo, (char *)file + lo)) {
		f->f_mode = *(__u32 *)(c + ((o_mode - lo) & 255));
		inode = *(struct inode **)(c + ((o_inode - lo) & 255));
		f->mnt = *(struct vfsmount **)(c + ((o_path - lo) & 255));
		f->dentry = *(struct dentry **)(c + ((o_path - lo + 8) & 255));
	} else {
		f->f_mode = BPF_CORE_READ(file, f_mode);
		inode = BPF_CORE_READ(file, f_inode);
		f->mnt = BPF_CORE_READ(file, f_path.mnt);
		f->dentry = BPF_CORE_READ(file, f_path.dentry);
	}
	if (ihi - ilo <= TL_CHUNK && !bpf_probe_read_kernel(c, ihi - ilo, (char *)inode + ilo)) {
		f->i_mode = *(__u16 *)(c + ((i_mode - ilo) & 255));
		f->ino = *(__u64 *)(c + ((i_ino - ilo) & 255));
	} else {
		f->i_mode = BPF_CORE_READ(inode, i_mode);
		f->ino = BPF_CORE_READ(inode, i_ino);
	}
}

#define TL_S_IWUSR 00200
#define TL_S_IWGRP 00020
#define TL_S_IWOTH 00002
#define OVERLAYFS_SUPER_MAGIC 0x794c7630

/* Falco's execve flags for the executable */
static __always_inline __u32 exe_flags(struct file *exe, struct task_struct *task)
{
	struct inode *inode = BPF_CORE_READ(exe, f_inode);
	unsigned char name[6] = {};
	__u32 flags = 0;
	__u32 mode = BPF_CORE_READ(inode, i_mode);
	__u32 euid = BPF_CORE_READ(task, cred, euid.val);
	__u32 egid = BPF_CORE_READ(task, cred, egid.val);

	/* a binary run from a memfd: its dentry is "memfd:<name>" */
	bpf_probe_read_kernel(name, sizeof(name), BPF_CORE_READ(exe, f_path.dentry, d_name.name));
	if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' &&
	    name[5] == ':')
		flags |= TL_EXE_FROM_MEMFD;

	if (bpf_core_type_exists(struct ovl_inode) &&
	    BPF_CORE_READ(inode, i_sb, s_magic) == OVERLAYFS_SUPER_MAGIC) {
		struct ovl_inode *ovl = (void *)((char *)inode - bpf_core_field_offset(struct ovl_inode, vfs_inode));

		flags |= BPF_CORE_READ(ovl, __upperdentry) ? TL_EXE_UPPER_LAYER : TL_EXE_LOWER_LAYER;
	}

	if (euid == 0 || (mode & TL_S_IWOTH) ||
	    ((mode & TL_S_IWUSR) && BPF_CORE_READ(inode, i_uid.val) == euid) ||
	    ((mode & TL_S_IWGRP) && BPF_CORE_READ(inode, i_gid.val) == egid))
		flags |= TL_EXE_WRITABLE;
	return flags;
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
