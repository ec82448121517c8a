/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record that crosses the ring buffer, shared by kern/, rulegen/ and user/.
 *
 * One record per candidate event: a fixed header (the event, the process and
 * its ancestry, the class's payload), the term masks the kernel computed, and
 * a data area holding the variable strings back to back. The kernel sends
 * `size` bytes: the header and the used part of the data area. The same
 * layout is the input of the in-kernel evaluator's test program, so generated
 * events and real events go through the same code.
 */
#ifndef TRIPLINE_EVENT_H
#define TRIPLINE_EVENT_H

#ifdef __BPF__
/* vmlinux.h supplies the __u* types */
#else
#include <linux/types.h>
#endif

/* static_assert in C++, _Static_assert in C */
#ifdef __cplusplus
#define TL_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define TL_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#define TL_COMM_LEN 16
#define TL_CONTAINER_ID_LEN 16 /* 12 hex chars or "host", NUL padded */
#define TL_MAX_WORDS 32        /* term bitmap words: 2048 terms */
#define TL_MAX_TERMS (TL_MAX_WORDS * 64)
#define TL_MAX_ANCESTORS 8     /* proc.aname[1..8] */
#define TL_PATH_MAX 4096       /* bytes of a resolved path, with its NUL */
#define TL_ARGS_MAX 1024       /* bytes of argv kept, NUL separated */
#define TL_PARGS_MAX 256       /* bytes of the parent's argv (cached at its exec) */
#define TL_ENV_MAX 1024        /* bytes of the environment, at exec */
#define TL_DATA_MAX 16384      /* all strings of one record */

enum tl_class {
	TL_CLASS_NONE = 0,
	TL_CLASS_EXEC = 1,    /* sched_process_exec; failed execve/execveat */
	TL_CLASS_OPEN = 2,    /* open, openat, openat2, creat */
	TL_CLASS_NET = 3,     /* connect, accept, accept4, bind, listen, socket, sendto, sendmsg */
	TL_CLASS_SETID = 4,   /* setuid family, setgid family */
	TL_CLASS_SYSCALL = 5, /* every other captured syscall, described by a table */
	TL_CLASS_COUNT = 6,
};

/* evt.type values; the names are in rulegen/abi_names.cpp */
enum tl_evt_type {
	TL_EVT_UNKNOWN = 0,
	TL_EVT_EXECVE,
	TL_EVT_EXECVEAT,
	TL_EVT_OPEN,
	TL_EVT_OPENAT,
	TL_EVT_OPENAT2,
	TL_EVT_CREAT,
	TL_EVT_CONNECT,
	TL_EVT_SETUID,
	TL_EVT_SETREUID,
	TL_EVT_SETRESUID,
	TL_EVT_SETGID,
	TL_EVT_SETREGID,
	TL_EVT_SETRESGID,
	TL_EVT_ACCEPT,
	TL_EVT_ACCEPT4,
	TL_EVT_BIND,
	TL_EVT_LISTEN,
	TL_EVT_SOCKET,
	TL_EVT_SENDTO,
	TL_EVT_SENDMSG,
	TL_EVT_PTRACE,
	TL_EVT_SYMLINK,
	TL_EVT_SYMLINKAT,
	TL_EVT_LINK,
	TL_EVT_LINKAT,
	TL_EVT_UNLINK,
	TL_EVT_UNLINKAT,
	TL_EVT_RENAME,
	TL_EVT_RENAMEAT,
	TL_EVT_RENAMEAT2,
	TL_EVT_MKDIR,
	TL_EVT_MKDIRAT,
	TL_EVT_RMDIR,
	TL_EVT_CHMOD,
	TL_EVT_FCHMOD,
	TL_EVT_FCHMODAT,
	TL_EVT_DUP,
	TL_EVT_DUP2,
	TL_EVT_DUP3,
	TL_EVT_INIT_MODULE,
	TL_EVT_FINIT_MODULE,
	TL_EVT_BPF,
	TL_EVT_UNSHARE,
	TL_EVT_SETNS,
	TL_EVT_MOUNT,
	TL_EVT_UMOUNT2,
	TL_EVT_MEMFD_CREATE,
	TL_EVT_USERFAULTFD,
	TL_EVT_PRCTL,
	TL_EVT_COUNT,
};

/* fd.typechar / fd.type, as one small enumeration */
enum tl_fd_kind {
	TL_FD_NONE = 0,
	TL_FD_FILE,
	TL_FD_DIRECTORY,
	TL_FD_IPV4,
	TL_FD_IPV6,
	TL_FD_UNIX,
	TL_FD_PIPE,
	TL_FD_EVENT,
	TL_FD_SIGNALFD,
	TL_FD_EVENTPOLL,
	TL_FD_INOTIFY,
	TL_FD_TIMERFD,
	TL_FD_NETLINK,
	TL_FD_OTHER_SOCKET, /* AF_PACKET and the like: 'o' */
	TL_FD_OTHER,
	TL_FD_BPF,
	TL_FD_USERFAULTFD,
	TL_FD_IO_URING,
	TL_FD_MEMFD,
	TL_FD_PIDFD,
	TL_FD_KIND_COUNT,
};

/* fd.l4proto */
enum tl_l4proto {
	TL_L4_UNKNOWN = 0,
	TL_L4_TCP,
	TL_L4_UDP,
	TL_L4_ICMP,
	TL_L4_RAW,
	TL_L4_COUNT,
};

/* tl_event.flags */
enum tl_event_flags {
	TL_EF_PATH_TRUNC = 1 << 0,     /* fd name not resolved whole */
	TL_EF_PATH_FROM_USER = 1 << 1, /* fd name is the syscall argument, not the file */
	TL_EF_EXE_TRUNC = 1 << 2,      /* exe path not resolved whole */
	TL_EF_ARGS_TRUNC = 1 << 3,     /* argv longer than TL_ARGS_MAX */
	TL_EF_NO_PARENT = 1 << 4,      /* ppid / pcomm unknown */
	TL_EF_ADDR_FROM_USER = 1 << 5, /* address from the sockaddr argument */
	TL_EF_SHIP_ALL = 1 << 6,       /* emitted by ship-all mode, masks not computed */
	TL_EF_NO_FD = 1 << 7,          /* the event has no fd */
	TL_EF_NO_ADDR = 1 << 8,        /* no socket address could be read */
	TL_EF_NO_PARGS = 1 << 9,       /* the parent's argv was not cached */
	TL_EF_PROC_INFO = 1 << 10,     /* the process block (ancestry, tty, ...) is filled */
	TL_EF_CWD_TRUNC = 1 << 11,     /* proc.cwd not resolved whole */
};

/* tl_proc_info.exe_flags, as Falco's execve flags */
enum tl_exe_flags {
	TL_EXE_WRITABLE = 1 << 0,
	TL_EXE_UPPER_LAYER = 1 << 1,
	TL_EXE_FROM_MEMFD = 1 << 2,
	TL_EXE_LOWER_LAYER = 1 << 3,
};

/* a string in the data area; len excludes the NUL that always follows it */
struct tl_str {
	__u16 off;
	__u16 len;
};

/* the strings of a record, by slot */
enum tl_str_slot {
	TL_STR_EXEPATH = 0, /* proc.exepath */
	TL_STR_ARGS,        /* argv, NUL separated */
	TL_STR_FD_NAME,     /* fd.name of a file */
	TL_STR_CWD,         /* proc.cwd */
	TL_STR_PEXEPATH,    /* the parent's exe path */
	TL_STR_PARGS,       /* the parent's argv (cached at its exec) */
	TL_STR_GEXEPATH,    /* the grandparent's exe path (proc.aexepath[2]) */
	TL_STR_PGARGS,      /* the process group leader's argv (proc.vpgid.exe) */
	TL_STR_ENV,         /* the environment at exec, NUL separated, TL_ENV_MAX bytes */
	TL_STR_ARG0,        /* syscall string arguments, as the class table says */
	TL_STR_ARG1,
	TL_STR_ARG2,
	TL_NSTR,
};

struct tl_ancestor {
	__u64 start_ns;  /* the ancestor's start (boot clock): userspace checks /proc against it */
	__u32 pid;
	char comm[TL_COMM_LEN];
	__u32 pad;
};

/* the process block: filled for every emitted record */
struct tl_proc_info {
	struct tl_ancestor anc[TL_MAX_ANCESTORS]; /* [0] parent, [1] grandparent, ... */
	__u32 n_anc;
	__u32 vpid;          /* pid in the process's own pid namespace */
	__u32 sid;           /* session id (namespace view) */
	__u32 vpgid;         /* process group id (namespace view) */
	__u32 tty;           /* new_encode_dev(major, minor); 0: none */
	__u32 exe_flags;     /* enum tl_exe_flags */
	__u64 start_ns;      /* process start, CLOCK_BOOTTIME */
	__u64 pstart_ns;     /* parent's start; 0 when unknown */
	__u64 pidns_start_ns; /* start of the pid namespace's init */
	__u64 cap_effective;
	__u64 cap_permitted;
	__u64 exe_ino;
	__u64 exe_ctime_ns;  /* epoch ns */
	__u64 exe_mtime_ns;
	char sname[TL_COMM_LEN];      /* the session leader's comm */
	char vpgid_name[TL_COMM_LEN]; /* the process group leader's comm */
};

/* the two ends of a socket, as the kernel holds them */
struct tl_sock {
	__u8 remote[16];  /* IPv6, or IPv4-mapped IPv6 (::ffff:a.b.c.d) */
	__u8 local[16];
	__u16 rport;      /* host byte order */
	__u16 lport;
	__u8 l4proto;     /* enum tl_l4proto */
	__u8 is_server;   /* accepted or bound: the local end is the server */
	__u8 connected;
	__u8 _pad;
};

#define TL_O_F_CREATED (1u << 31) /* in tl_open_info.flags: the open created the file */

struct tl_open_info {
	__u32 flags;   /* the flags argument, and TL_O_F_CREATED */
	__u32 mode;    /* i_mode of the inode, or the mode argument */
	__s32 fd;      /* fd.num: the returned fd, -1 on failure */
	__u8 fd_kind;  /* enum tl_fd_kind */
	__u8 is_read;  /* O_ACCMODE of the flags argument; 0 for creat */
	__u8 is_write;
	__u8 _pad;
	__u32 mode_arg; /* the mode argument (O_CREAT) */
	__s32 dirfd;    /* openat, openat2: the directory fd argument */
	__u64 ino;
};

/* connect, accept, accept4, bind, listen, socket, sendto, sendmsg */
struct tl_net_info {
	struct tl_sock sock;
	__s32 fd;
	__u8 fd_kind;
	__u8 family;    /* AF_* of the socket */
	__u8 _pad[2];
	__u64 args[3];  /* socket: domain, type, proto; listen: backlog; accept4: flags */
};

struct tl_setid_info {
	__u32 args[3];  /* the ids the call asked for (-1 = unchanged) */
	__u32 new_uid;  /* credentials after the call */
	__u32 new_gid;
	__u32 _pad;
};

/* every other syscall: its raw arguments and the fd it uses or returns */
struct tl_syscall_info {
	__u64 args[6];
	struct tl_sock sock; /* when the fd is a socket */
	__s32 fd;
	__u8 fd_kind;
	__u8 _pad[3];
};

union tl_payload {
	struct tl_open_info open;
	struct tl_net_info net;
	struct tl_setid_info setid;
	struct tl_syscall_info sys;
	__u8 raw[96];
};

struct tl_event {
	__u32 size;        /* header + data_len */
	__u8 class_id;     /* enum tl_class */
	__u8 evt_type;     /* enum tl_evt_type */
	__u16 flags;       /* enum tl_event_flags */
	__u32 gen;         /* ruleset generation the masks were computed with */
	__u32 pid;         /* thread id */
	__u64 ts_ns;       /* CLOCK_BOOTTIME */
	__s64 res;         /* syscall return value (0 for exec) */
	__u32 tgid;
	__u32 ppid;        /* tgid of the parent */
	__u32 uid;         /* effective uid */
	__u32 gid;         /* effective gid */
	__u32 loginuid;    /* (u32)-1 when unset */
	__u32 _pad0;
	char comm[TL_COMM_LEN];
	char pcomm[TL_COMM_LEN];
	char container_id[TL_CONTAINER_ID_LEN];
	union tl_payload payload;
	struct tl_proc_info proc;
	struct tl_str str[TL_NSTR];
	__u16 data_len;
	__u16 _pad1;
	__u64 may[TL_MAX_WORDS]; /* terms that may match */
	__u64 def[TL_MAX_WORDS]; /* terms that definitely match */
	char data[TL_DATA_MAX];
};

#define TL_EVENT_HEADER_SIZE __builtin_offsetof(struct tl_event, data)

TL_ASSERT(sizeof(struct tl_sock) == 40, "tl_sock layout");
TL_ASSERT(sizeof(struct tl_open_info) == 32, "tl_open_info layout");
TL_ASSERT(sizeof(struct tl_net_info) == 72, "tl_net_info layout");
TL_ASSERT(sizeof(struct tl_syscall_info) == 96, "tl_syscall_info layout");
TL_ASSERT(sizeof(union tl_payload) == 96, "tl_payload layout");
TL_ASSERT(sizeof(struct tl_proc_info) == 376, "tl_proc_info layout");
TL_ASSERT(TL_EVENT_HEADER_SIZE == 1144, "tl_event header layout");
TL_ASSERT(TL_DATA_MAX < 65536, "data offsets are 16 bits");

/* per-CPU counters, indexed by class * TL_CNT_COUNT + counter */
enum tl_counter {
	TL_CNT_SEEN = 0,       /* events of the class the kernel looked at */
	TL_CNT_DROPPED_EARLY,  /* dropped before the expensive fields */
	TL_CNT_DROPPED,        /* dropped after evaluating every field */
	TL_CNT_EMITTED,        /* records written to the ring buffer */
	TL_CNT_LOST,           /* records lost to a full ring buffer */
	TL_CNT_PROC_TABLE_FULL, /* process cache insert failed: computed uncached */
	TL_CNT_PATH_TRUNC,     /* paths that could not be resolved whole */
	TL_CNT_COMPAT_SKIPPED, /* ia32 syscalls of watched kinds, not decoded (class none) */
	TL_CNT_COUNT,
};

#endif
