// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * container.id from the cgroup path: a 64-hex-digit run in the name of the
 * task's cgroup or of its parent, first in the cgroup v2 hierarchy, then in
 * the v1 cpu hierarchy; "host" when there is none.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "task.bpf.h"

/* kernfs_node.parent became __parent in 6.15 (commit 633488947ef6) */
struct kernfs_node___pre615 {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___pre615 *)kn, parent);
}

static __always_inline int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

#define TL_CGROUP_NAME_SCAN 128

/*
 * Runtimes name their cgroups docker-<id>.scope, cri-containerd-<id>.scope,
 * crio-<id>.scope, libpod-<id>.scope or <id>. The run length is kept in the
 * map value so the verifier sees one unknown count, not a state per count.
 */
static __always_inline int id_in_name(struct tl_scratch *s, const char *name)
{
	unsigned char *buf = s->skey.str;

	if (bpf_probe_read_kernel_str(buf, TL_CGROUP_NAME_SCAN, name) <= 0)
		return 0;
	s->scan_run = 0;
	for (int i = 0; i < TL_CGROUP_NAME_SCAN; i++) {
		unsigned char c = buf[i];
		__u32 run;

		if (!c)
			break;
		run = is_hex(c) ? READ_ONCE(s->scan_run) + 1 : 0;
		s->scan_run = run;
		if (run == 64) {
			int start = i - 63;

			if (start < 0 || start > TL_CGROUP_NAME_SCAN - 12)
				return 0;
			for (int j = 0; j < 12; j++)
				s->ev.container_id[j] = buf[start + j];
			s->ev.container_id[12] = 0;
			return 1;
		}
	}
	return 0;
}

/* the leaf, or its parent for nested (podman) cgroups */
static __always_inline int id_in_cgroup(struct tl_scratch *s, struct cgroup *cg)
{
	struct kernfs_node *kn = BPF_CORE_READ(cg, kn);

	if (id_in_name(s, BPF_CORE_READ(kn, name)))
		return 1;
	kn = kernfs_parent(kn);
	return kn && id_in_name(s, BPF_CORE_READ(kn, name));
}

__noinline int tl_read_container_id(struct tl_scratch *s)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct css_set *cgroups = BPF_CORE_READ(task, cgroups);
	struct cgroup *dfl = BPF_CORE_READ(cgroups, dfl_cgrp);
	struct cgroup *v1 = 0;

	if (!s)
		return 0;
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpu_cgrp_id)) {
		int id = bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id);

		if (id >= 0 && id < 12)
			v1 = BPF_CORE_READ(cgroups, subsys[id], cgroup);
	}
	if (dfl && id_in_cgroup(s, dfl))
		return 1;
	if (v1 && v1 != dfl && id_in_cgroup(s, v1))
		return 1;
	__builtin_memcpy(s->ev.container_id, "host\0\0\0\0\0\0\0\0\0\0\0", TL_CONTAINER_ID_LEN);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
