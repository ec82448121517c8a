// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Path resolution; see path.bpf.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "path.bpf.h"

static __always_inline struct mount *real_mount(struct vfsmount *vfsmnt)
{
	return (struct mount *)((char *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
}

__noinline __u32 tl_resolve_path(struct tl_scratch *s, __u64 dentry_ptr, __u64 vfsmnt_ptr,
				 __u32 base, __u32 cap)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct dentry *root_dentry = BPF_CORE_READ(task, fs, root.dentry);
	struct vfsmount *root_mnt = BPF_CORE_READ(task, fs, root.mnt);
	struct dentry *dentry = (struct dentry *)dentry_ptr;
	struct vfsmount *vfsmnt = (struct vfsmount *)vfsmnt_ptr;
	struct mount *mnt = real_mount(vfsmnt);
	__u32 truncated = TL_PATH_TRUNCATED;
	__u32 len;

	if (!s)
		return TL_PATH_TRUNCATED;
	/*
	 * The component count lives in the map value, not a register: the
	 * verifier then sees one unknown count instead of walking the second
	 * loop once per possible value.
	 */
	s->parts.n = 0;
	for (int i = 0; i < TL_PATH_STEPS; i++) {
		struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
		struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
		__u32 n = READ_ONCE(s->parts.n);

		if (dentry == root_dentry && vfsmnt == root_mnt) {
			truncated = 0;
			break;
		}
		if (dentry == mnt_root || dentry == parent) {
			struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

			if (up == mnt) { /* the global root: outside the task's root */
				truncated = 0;
				break;
			}
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
			vfsmnt = (struct vfsmount *)((char *)up + bpf_core_field_offset(struct mount, mnt));
			continue;
		}
		if (n >= TL_PATH_PARTS)
			break;
		s->parts.name[n & (TL_PATH_PARTS - 1)] = BPF_CORE_READ(dentry, d_name.name);
		s->parts.len[n & (TL_PATH_PARTS - 1)] = BPF_CORE_READ(dentry, d_name.len);
		s->parts.n = n + 1;
		dentry = parent;
	}

	/* the cursor too: one unknown length, not one state per length */
	s->parts.cursor = 0;
	for (int i = TL_PATH_PARTS - 1; i >= 0; i--) {
		__u32 part_len, at;

		if ((__u32)i >= READ_ONCE(s->parts.n))
			continue;
		part_len = s->parts.len[i] & 255;
		at = READ_ONCE(s->parts.cursor);
		if (at + part_len + 2 > cap) {
			truncated = TL_PATH_TRUNCATED;
			break;
		}
		s->ev.data[(base + at) & TL_DATA_MASK] = '/';
		bpf_probe_read_kernel(&s->ev.data[(base + at + 1) & TL_DATA_MASK], part_len,
				      s->parts.name[i]);
		s->parts.cursor = at + 1 + part_len;
	}
	len = READ_ONCE(s->parts.cursor);
	if (len == 0) {
		s->ev.data[base & TL_DATA_MASK] = '/';
		len = 1;
	}
	s->ev.data[(base + len) & TL_DATA_MASK] = 0;
	return (len & 0xffff) | truncated;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
