/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record that crosses the ring buffer, shared by kern/, rulegen/ and user/.
 *
 * One record per candidate event: a fixed header, the term masks the kernel
 * computed, and a data area holding the variable strings (exe path, argv,
 * fd name) back to back. The kernel sends `size` bytes: the header and the
 * used part of the data area. The same layout is the input of the in-kernel
 * evaluator's test program, so generated events and real events go through
 * the same code.
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
#define TL_PATH_MAX 4096       /* bytes of a resolved path, with its NUL */
#define TL_ARGS_MAX 1024       /* bytes of argv kept, NUL separated */
#define TL_DATA_MAX 9216       /* exe path + args + fd name */

enum tl_class {
	TL_CLASS_NONE = 0,
	TL_CLASS_EXEC = 1,    /* sched_process_exec */
	TL_CLASS_OPEN = 2,    /* open, openat, openat2, creat */
	TL_CLASS_CONNECT = 3, /* connect */
	TL_CLASS_SETID = 4,   /* setuid family, setgid family */
	TL_CLASS_COUNT = 5,
};

/* evt.type values; the names are in rulegen/evttypes.cpp */
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
	TL_FD_OTHER_SOCKET,
	TL_FD_OTHER,
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
	TL_EF_PATH_TRUNC = 1 << 0,    /* fd name not resolved whole */
	TL_EF_PATH_FROM_USER = 1 << 1, /* fd name is the syscall argument, not the file */
	TL_EF_EXE_TRUNC = 1 << 2,     /* exe path not resolved whole */
	TL_EF_ARGS_TRUNC = 1 << 3,    /* argv longer than TL_ARGS_MAX */
	TL_EF_NO_PARENT = 1 << 4,     /* ppid / pcomm unknown */
	TL_EF_ADDR_FROM_USER = 1 << 5, /* address from the sockaddr argument */
	TL_EF_SHIP_ALL = 1 << 6,      /* emitted by ship-all mode, masks not computed */
	TL_EF_NO_FD = 1 << 7,         /* the fd fields are absent */
	TL_EF_NO_ADDR = 1 << 8,       /* no socket address could be read */
};

/* a string in the data area; len excludes the NUL that always follows it */
struct tl_str {
	__u16 off;
	__u16 len;
};

struct tl_open_info {
	__u32 flags;   /* f_flags of the opened file, or the flags argument on failure */
	__u32 mode;    /* i_mode of the inode, or the mode argument */
	__s32 fd;      /* fd.num: the returned fd, -1 on failure */
	__u8 fd_kind;  /* enum tl_fd_kind */
	__u8 is_read;  /* FMODE_READ */
	__u8 is_write; /* FMODE_WRITE */
	__u8 _pad;
};

struct tl_connect_info {
	__u8 remote[16]; /* IPv6, or IPv4-mapped IPv6 (::ffff:a.b.c.d) */
	__u8 local[16];
	__u16 rport;     /* host byte order */
	__u16 lport;
	__s32 fd;
	__u8 fd_kind;    /* TL_FD_IPV4, TL_FD_IPV6, TL_FD_UNIX, ... */
	__u8 l4proto;    /* enum tl_l4proto */
	__u8 _pad[2];
};

struct tl_setid_info {
	__u32 args[3];  /* the ids the call asked for (-1 = unchanged) */
	__u32 new_uid;  /* credentials after the call */
	__u32 new_gid;
	__u32 _pad;
};

union tl_payload {
	struct tl_open_info open;
	struct tl_connect_info connect;
	struct tl_setid_info setid;
	__u8 raw[48];
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
	struct tl_str exepath;
	struct tl_str args;     /* argv, NUL separated */
	struct tl_str fd_name;
	__u16 data_len;
	__u16 _pad1;
	__u64 may[TL_MAX_WORDS]; /* terms that may match */
	__u64 def[TL_MAX_WORDS]; /* terms that definitely match */
	char data[TL_DATA_MAX];
};

#define TL_EVENT_HEADER_SIZE __builtin_offsetof(struct tl_event, data)

TL_ASSERT(sizeof(struct tl_open_info) == 16, "tl_open_info layout");
TL_ASSERT(sizeof(struct tl_connect_info) == 44, "tl_connect_info layout");
TL_ASSERT(sizeof(union tl_payload) == 48, "tl_payload layout");
TL_ASSERT(TL_EVENT_HEADER_SIZE == 680, "tl_event header layout");
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
	TL_CNT_COMPAT_SKIPPED, /* ia32 syscalls not decoded */
	TL_CNT_COUNT,
};

#endif
