// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Path resolution; see path.bpf.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "path.bpf.h"

#define TL_PATH_BUF_MASK 4095

static __always_inline struct mount *real_mount(struct vfsmount *vfsmnt)
{
	return (struct mount *)((char *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
}

/* d_parent and d_name of a dentry: one read where they are neighbours, as in every kernel since 2.6 */
struct tl_dentry_head {
	struct dentry *parent;
	__u64 hash_len; /* struct qstr: hash in the low half, len in the high half (little endian) */
	const unsigned char *name;
};

static __always_inline void read_dentry_head(struct tl_dentry_head *h, struct dentry *d)
{
	__u32 parent = bpf_core_field_offset(struct dentry, d_parent);
	__u32 name = bpf_core_field_offset(struct dentry, d_name);

	if (name == parent + 8) {
		bpf_probe_read_kernel(h, sizeof(*h), (char *)d + parent);
		return;
	}
	h->parent = BPF_CORE_READ(d, d_parent);
	h->hash_len = BPF_CORE_READ(d, d_name.hash_len);
	h->name = BPF_CORE_READ(d, d_name.name);
}

__noinline __u32 tl_resolve_path(struct tl_scratch *s, __u64 dentry_ptr, __u64 vfsmnt_ptr,
				 __u32 base, __u32 cap)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct dentry *root_dentry = task->fs->root.dentry;
	struct vfsmount *root_mnt = task->fs->root.mnt;
	struct dentry *dentry = (struct dentry *)dentry_ptr;
	struct vfsmount *vfsmnt = (struct vfsmount *)vfsmnt_ptr;
	struct mount *mnt = real_mount(vfsmnt);
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct tl_dentry_head h;
	__u32 truncated = TL_PATH_TRUNCATED;
	__u32 len, start;

	if (!s)
		return TL_PATH_TRUNCATED;
	if (cap > TL_PATH_MAX)
		cap = TL_PATH_MAX;
	/*
	 * The component count and the cursor live in the map value, not in
	 * registers: the verifier then sees one unknown value instead of
	 * walking the loop once per possible value.
	 */
	s->parts.n = 0;
	s->parts.cursor = TL_PATH_MAX;
	for (int i = 0; i < TL_PATH_STEPS; i++) {
		__u32 n = READ_ONCE(s->parts.n), at, part_len;

		if (dentry == root_dentry && vfsmnt == root_mnt) {
			truncated = 0;
			break;
		}
		read_dentry_head(&h, dentry);
		if (dentry == h.parent && dentry != mnt_root) {
			/*
			 * A pseudo file's own root (memfd, and what else
			 * alloc_file_pseudo makes): the kernel names it with
			 * d_op->d_dname ("/memfd:x (deleted)"), Falco by its name
			 * alone ("memfd:x"), which is what rules compare with. A
			 * disconnected dentry without d_dname has no known path.
			 */
			part_len = (h.hash_len >> 32) & 255;
			at = READ_ONCE(s->parts.cursor);
			if (n == 0 && BPF_CORE_READ(dentry, d_op, d_dname) && part_len && part_len < cap &&
			    at == TL_PATH_MAX) {
				at -= part_len;
				bpf_probe_read_kernel(&s->parts.buf[at & TL_PATH_BUF_MASK], part_len, h.name);
				s->parts.cursor = at;
				truncated = 0;
			}
			break;
		}
		if (dentry == mnt_root) {
			struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

			if (up == mnt) { /* the global root: outside the task's root */
				truncated = 0;
				break;
			}
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
			vfsmnt = (struct vfsmount *)((char *)up + bpf_core_field_offset(struct mount, mnt));
			mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
			continue;
		}
		if (n >= TL_PATH_PARTS)
			break;
		part_len = (h.hash_len >> 32) & 255;
		at = READ_ONCE(s->parts.cursor);
		/* room for "/name" and the NUL: TL_PATH_MAX - at is what is written */
		if (TL_PATH_MAX - at + part_len + 2 > cap || at < part_len + 1)
			break;
		at -= part_len + 1;
		s->parts.buf[at & TL_PATH_BUF_MASK] = '/';
		bpf_probe_read_kernel(&s->parts.buf[(at + 1) & TL_PATH_BUF_MASK], part_len, h.name);
		s->parts.cursor = at;
		s->parts.n = n + 1;
		dentry = h.parent;
	}
	start = READ_ONCE(s->parts.cursor) & TL_PATH_BUF_MASK;
	len = TL_PATH_MAX - start;
	if (len == 0 || len >= TL_PATH_MAX) {
		s->ev.data[base & TL_DATA_MASK] = '/';
		len = 1;
	} else {
		bpf_probe_read_kernel(&s->ev.data[base & TL_DATA_MASK], len & TL_PATH_BUF_MASK, &s->parts.buf[start]);
	}
	s->ev.data[(base + len) & TL_DATA_MASK] = 0;
	return (len & 0xffff) | truncated;
}

#define TL_CANON_SCAN 256 /* a failed open's name longer than this is unknown here */

/*
 * (open.bpf.c) Falco names a failed open by its argument made canonical against the cwd
 * ("/var/www/../../etc/x" -> "/etc/x", "//" -> "/", no trailing '/'), which
 * userspace computes; the kernel sees only the raw text. So a name that
 * canonicalizing could change is unknown here: a relative one, one with a
 * "." or ".." component or "//" anywhere, a trailing '/', or one longer than
 * the scan.
 */
__noinline int tl_raw_name_not_canonical(struct tl_scratch *s)
{
	__u32 off, len;
	const char *p;

	if (!s)
		return 1;
	off = s->ev.str[TL_STR_FD_NAME].off;
	len = s->ev.str[TL_STR_FD_NAME].len;
	p = s->ev.data;
	if (len == 0 || len > TL_CANON_SCAN || p[off & TL_DATA_MASK] != '/')
		return 1;
	if (len > 1 && p[(off + len - 1) & TL_DATA_MASK] == '/')
		return 1;
	/*
	 * "//", and "/." or "/.." followed by '/' or the end. The string is
	 * followed by its NUL, and a byte is read past the NUL only after a '.'
	 * that was inside the string, so no read leaves it.
	 */
	for (__u32 i = 0; i + 1 < TL_CANON_SCAN; i++) {
		char c;

		if (i + 1 >= len)
			break;
		if (p[(off + i) & TL_DATA_MASK] != '/')
			continue;
		c = p[(off + i + 1) & TL_DATA_MASK];
		if (c == '/')
			return 1;
		if (c != '.')
			continue;
		c = p[(off + i + 2) & TL_DATA_MASK];
		if (c == 0 || c == '/')
			return 1;
		if (c != '.')
			continue;
		c = p[(off + i + 3) & TL_DATA_MASK];
		if (c == 0 || c == '/')
			return 1;
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
