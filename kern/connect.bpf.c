// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Outbound connections: connect (tail-called from the dispatcher).
 *
 *   header views, process cache, fd number
 *   socket behind the fd: family, protocol, and — when the call succeeded or
 *   is in progress — both ends from the socket itself; otherwise the remote
 *   end from the sockaddr argument (flagged as user-supplied)
 *   address / port / kind / protocol views; emit if some term may match
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "class.bpf.h"

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define EINPROGRESS 115
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58
#define SOCK_RAW 3
#define S_IFMT 00170000
#define S_IFSOCK 0140000

static __always_inline void ipv4_mapped(__u8 *out, __be32 addr)
{
	__builtin_memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	__builtin_memcpy(&out[12], &addr, 4);
}

static __always_inline __u8 l4proto_of(struct sock *sk)
{
	__u16 proto = BPF_CORE_READ(sk, sk_protocol);

	if (BPF_CORE_READ(sk, sk_type) == SOCK_RAW)
		return TL_L4_RAW;
	switch (proto) {
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
static __always_inline void ends_from_socket(struct tl_connect_info *ci, struct sock *sk, __u16 family)
{
	if (family == AF_INET) {
		ipv4_mapped(ci->remote, BPF_CORE_READ(sk, __sk_common.skc_daddr));
		ipv4_mapped(ci->local, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
	} else {
		BPF_CORE_READ_INTO(&ci->remote, sk, __sk_common.skc_v6_daddr);
		BPF_CORE_READ_INTO(&ci->local, sk, __sk_common.skc_v6_rcv_saddr);
	}
	ci->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	ci->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
}

/* a failed connect: the remote end the caller asked for */
static __always_inline int remote_from_sockaddr(struct tl_connect_info *ci, const void *uaddr, __u16 family)
{
	if (family == AF_INET) {
		struct sockaddr_in sin = {};

		if (bpf_probe_read_user(&sin, sizeof(sin), uaddr))
			return -1;
		ipv4_mapped(ci->remote, sin.sin_addr.s_addr);
		ci->rport = bpf_ntohs(sin.sin_port);
	} else {
		struct sockaddr_in6 sin6 = {};

		if (bpf_probe_read_user(&sin6, sizeof(sin6), uaddr))
			return -1;
		__builtin_memcpy(ci->remote, &sin6.sin6_addr, 16);
		ci->rport = bpf_ntohs(sin6.sin6_port);
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(connect_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	long fd = PT_REGS_PARM1_CORE_SYSCALL(regs);
	struct tl_connect_info *ci;
	struct tl_scratch *s;
	struct socket *sock;
	struct file *file;
	struct sock *sk;
	__u16 family;

	s = class_begin(TL_CLASS_CONNECT, syscall_evt_type(syscall_nr(regs)), ret);
	if (!s)
		return 0;
	ci = &s->ev.payload.connect;
	ci->fd = fd;
	file = fd_to_file(task, fd);
	if (!file || (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK) {
		s->ev.flags |= TL_EF_NO_ADDR;
		ci->fd_kind = TL_FD_OTHER;
		goto eval;
	}
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	ci->l4proto = l4proto_of(sk);
	if (family == AF_INET || family == AF_INET6) {
		ci->fd_kind = family == AF_INET ? TL_FD_IPV4 : TL_FD_IPV6;
		ends_from_socket(ci, sk, family);
		if (ret != 0 && ret != -EINPROGRESS) {
			/* a failed connect may leave the socket without a peer */
			if (remote_from_sockaddr(ci, (const void *)PT_REGS_PARM2_CORE_SYSCALL(regs), family))
				s->ev.flags |= TL_EF_NO_ADDR;
			s->ev.flags |= TL_EF_ADDR_FROM_USER;
		}
	} else {
		ci->fd_kind = family == AF_UNIX ? TL_FD_UNIX : TL_FD_OTHER_SOCKET;
		s->ev.flags |= TL_EF_NO_ADDR;
	}

eval:
	eval_header(s);
	eval_connect_views(s);
	apply_cached(s, proc_current(s, task));
	class_finish(s, TL_CLASS_CONNECT, task);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
