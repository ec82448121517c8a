// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Sockets: connect, accept, accept4, bind, listen, socket, sendto, sendmsg
 * (tail-called from the dispatcher).
 *
 *   the fd: connect/bind/listen/send* use their first argument; accept* and
 *   socket return it
 *   the socket behind it: family, protocol, both ends from the socket itself;
 *   when the call failed, or sends to an explicit address, the remote end from
 *   the sockaddr argument (flagged as user-supplied)
 *   roles: an accepted, bound or listening socket is the server end
 *   fd / address / port views; emit if some term may match
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "class.bpf.h"

#define AF_INET 2
#define AF_INET6 10
#define EINPROGRESS 115

/* an address the caller passed: into `addr` / `port` */
static __always_inline int from_sockaddr(__u8 *addr, __u16 *port, const void *uaddr)
{
	__u16 family = 0;

	if (!uaddr || bpf_probe_read_user(&family, sizeof(family), uaddr))
		return -1;
	if (family == AF_INET) {
		struct sockaddr_in sin = {};

		if (bpf_probe_read_user(&sin, sizeof(sin), uaddr))
			return -1;
		__builtin_memset(addr, 0, 10);
		addr[10] = addr[11] = 0xff;
		__builtin_memcpy(&addr[12], &sin.sin_addr.s_addr, 4);
		*port = bpf_ntohs(sin.sin_port);
		return 0;
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 sin6 = {};

		if (bpf_probe_read_user(&sin6, sizeof(sin6), uaddr))
			return -1;
		__builtin_memcpy(addr, &sin6.sin6_addr, 16);
		*port = bpf_ntohs(sin6.sin6_port);
		return 0;
	}
	return -1;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(net_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 evt_type = syscall_evt_type(syscall_nr(regs));
	const void *uaddr = 0;
	struct tl_net_info *n;
	struct tl_scratch *s;
	struct file *file = 0;
	long fd;

	s = class_begin(TL_CLASS_NET, evt_type, ret);
	if (!s)
		return 0;
	n = &s->ev.payload.net;
	switch (evt_type) {
	case TL_EVT_ACCEPT:
	case TL_EVT_ACCEPT4:
		fd = ret;
		n->args[0] = PT_REGS_PARM4_CORE_SYSCALL(regs); /* accept4 flags */
		break;
	case TL_EVT_SOCKET:
		fd = ret;
		n->args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
		n->args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
		n->args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
		break;
	case TL_EVT_LISTEN:
		fd = PT_REGS_PARM1_CORE_SYSCALL(regs);
		n->args[0] = PT_REGS_PARM2_CORE_SYSCALL(regs);
		break;
	case TL_EVT_SENDTO:
		fd = PT_REGS_PARM1_CORE_SYSCALL(regs);
		uaddr = (const void *)PT_REGS_PARM5_CORE_SYSCALL(regs);
		break;
	case TL_EVT_SENDMSG: {
		struct user_msghdr *msg = (struct user_msghdr *)PT_REGS_PARM2_CORE_SYSCALL(regs);

		fd = PT_REGS_PARM1_CORE_SYSCALL(regs);
		bpf_probe_read_user(&uaddr, sizeof(uaddr), &msg->msg_name);
		break;
	}
	default: /* connect, bind */
		fd = PT_REGS_PARM1_CORE_SYSCALL(regs);
		break;
	}
	n->fd = fd;
	if (fd >= 0)
		file = fd_to_file(task, fd);
	if (!file) {
		s->ev.flags |= TL_EF_NO_ADDR;
		n->fd_kind = TL_FD_NONE;
	} else if (tl_describe_file(s, (__u64)file, TL_DESCRIBE_NET)) {
		if (evt_type == TL_EVT_ACCEPT || evt_type == TL_EVT_ACCEPT4 || evt_type == TL_EVT_BIND ||
		    evt_type == TL_EVT_LISTEN)
			n->sock.is_server = 1;
		if (evt_type == TL_EVT_CONNECT && ret != 0 && ret != -EINPROGRESS)
			uaddr = (const void *)PT_REGS_PARM2_CORE_SYSCALL(regs);
		if (evt_type == TL_EVT_BIND && ret != 0) {
			/* a failed bind: the address it asked for */
			if (from_sockaddr(n->sock.local, &n->sock.lport,
					  (const void *)PT_REGS_PARM2_CORE_SYSCALL(regs)) == 0)
				s->ev.flags |= TL_EF_ADDR_FROM_USER;
		}
		if (uaddr && from_sockaddr(n->sock.remote, &n->sock.rport, uaddr) == 0)
			s->ev.flags |= TL_EF_ADDR_FROM_USER;
	} else {
		s->ev.flags |= TL_EF_NO_ADDR;
	}

	eval_header(s, task);
	eval_net_views(s);
	apply_cached(s, proc_current(s, task));
	class_finish(s, TL_CLASS_NET, task);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
