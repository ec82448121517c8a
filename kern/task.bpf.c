// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * container.id from the cgroup path: a 64-hex-digit run in the name of the
 * task's cgroup or of its parent, first in the cgroup v2 hierarchy, then in
 * the v1 cpu hierarchy; "host" when there is none.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
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

/* ---- what an fd is: fd.type, and a socket's ends ---- */

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFIFO 0010000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58
#define SOCK_RAW 3
#define TCP_ESTABLISHED 1
#define TCP_LISTEN 10

static __always_inline void ipv4_mapped(__u8 *out, __be32 addr)
{
	__builtin_memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	__builtin_memcpy(&out[12], &addr, 4);
}

static __always_inline __u8 l4proto_of(struct sock *sk)
{
	if (BPF_CORE_READ(sk, sk_type) == SOCK_RAW)
		return TL_L4_RAW;
	switch (BPF_CORE_READ(sk, sk_protocol)) {
	case IPPROTO_TCP:
		return TL_L4_TCP;
	case IPPROTO_UDP:
		return TL_L4_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return TL_L4_ICMP;
	default:
		return TL_L4_UNKNOWN;
	}
}

/* both ends from the socket: trusted, and what the kernel will use */
static __always_inline void socket_ends(struct tl_sock *ts, struct sock *sk, __u16 family)
{
	if (family == AF_INET) {
		ipv4_mapped(ts->remote, BPF_CORE_READ(sk, __sk_common.skc_daddr));
		ipv4_mapped(ts->local, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
	} else {
		BPF_CORE_READ_INTO(&ts->remote, sk, __sk_common.skc_v6_daddr);
		BPF_CORE_READ_INTO(&ts->local, sk, __sk_common.skc_v6_rcv_saddr);
	}
	ts->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	ts->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	ts->l4proto = l4proto_of(sk);
	ts->is_server = BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_LISTEN;
	ts->connected = BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_ESTABLISHED || ts->rport != 0;
}

/* anonymous inodes are told apart by their dentry's name: "[eventfd]", ... */
static __always_inline __u8 anon_kind(struct file *file)
{
	char n[8] = {};

	bpf_probe_read_kernel(n, sizeof(n), BPF_CORE_READ(file, f_path.dentry, d_name.name));
	if (n[0] == 'i' && n[1] == 'n' && n[2] == 'o')
		return TL_FD_INOTIFY; /* "inotify" */
	if (n[0] == 'b' && n[1] == 'p' && n[2] == 'f')
		return TL_FD_BPF;     /* "bpf-prog", "bpf-map", "bpf_link" */
	if (n[0] != '[')
		return TL_FD_OTHER;
	switch (n[1]) {
	case 'e':
		return n[2] == 'v' && n[5] == 't' && n[6] == 'f' ? TL_FD_EVENT : TL_FD_EVENTPOLL; /* [eventfd] [eventpoll] */
	case 's':
		return TL_FD_SIGNALFD;
	case 't':
		return TL_FD_TIMERFD;
	case 'u':
		return TL_FD_USERFAULTFD;
	case 'i':
		return TL_FD_IO_URING;
	case 'p':
		return TL_FD_PIDFD;
	default:
		return TL_FD_OTHER;
	}
}

__noinline int tl_describe_file(struct tl_scratch *s, __u64 file_ptr, __u32 which)
{
	struct file *file = (struct file *)file_ptr;
	struct tl_sock *ts;
	__u8 *kind;
	__u32 mode;

	if (!s)
		return 0;
	if (which == TL_DESCRIBE_NET) {
		ts = &s->ev.payload.net.sock;
		kind = &s->ev.payload.net.fd_kind;
	} else {
		ts = &s->ev.payload.sys.sock;
		kind = &s->ev.payload.sys.fd_kind;
	}
	if (!file) {
		*kind = TL_FD_NONE;
		return 0;
	}
	mode = BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT;
	switch (mode) {
	case S_IFSOCK: {
		struct socket *sock = BPF_CORE_READ(file, private_data);
		struct sock *sk = BPF_CORE_READ(sock, sk);
		__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

		if (which == TL_DESCRIBE_NET)
			s->ev.payload.net.family = family;
		if (family == AF_INET || family == AF_INET6) {
			*kind = family == AF_INET ? TL_FD_IPV4 : TL_FD_IPV6;
			socket_ends(ts, sk, family);
			return 1;
		}
		*kind = family == AF_UNIX ? TL_FD_UNIX : family == AF_NETLINK ? TL_FD_NETLINK : TL_FD_OTHER_SOCKET;
		return 0;
	}
	case S_IFIFO:
		*kind = TL_FD_PIPE;
		return 0;
	case S_IFDIR:
		*kind = TL_FD_DIRECTORY;
		return 0;
	case 0:
		*kind = anon_kind(file);
		return 0;
	default: {
		char n[6] = {};

		bpf_probe_read_kernel(n, sizeof(n), BPF_CORE_READ(file, f_path.dentry, d_name.name));
		*kind = n[0] == 'm' && n[1] == 'e' && n[2] == 'm' && n[3] == 'f' && n[4] == 'd' && n[5] == ':'
				? TL_FD_MEMFD
				: TL_FD_FILE;
		return 0;
	}
	}
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
