/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Map keys and values that rulegen writes and the kernel reads.
 *
 * A *view* is one way the kernel looks at one field: proc.name forwards,
 * proc.name reversed (for endswith), fd.sip as an address, ... For every view
 * an event carries, the kernel does one lookup that returns a *pair* of term
 * set ids (may, def). term_sets[id] is a bitmap over all terms of the ruleset:
 * bit t of the "may" set says term t's constraint on this view can hold for
 * this value, bit t of the "def" set says it certainly holds. The event's
 * masks are the AND of its views' sets; see eval.bpf.h.
 *
 * Keys carry the generation parity so that a new ruleset is written beside
 * the old one and switched by flipping tl_config_index.
 */
#ifndef TRIPLINE_TABLES_H
#define TRIPLINE_TABLES_H

#include "event.h"

enum tl_view {
	/* small views: value < 256, looked up in an array */
	TL_VIEW_EVT_TYPE = 0,
	TL_VIEW_FD_KIND = 1,
	TL_VIEW_OPEN_READ = 2,
	TL_VIEW_OPEN_WRITE = 3,
	TL_VIEW_L4PROTO = 4,
	/* substring views: the value is the set of needles the string contains */
	TL_VIEW_FD_NAME_HAS = 5,
	TL_VIEW_FD_NAMERAW_HAS = 6,
	TL_VIEW_EXE_FLAGS = 7,      /* proc.is_exe_*: enum tl_exe_flags of the executable */
	TL_SMALL_VIEWS = 8,

	/* numeric views: 16-byte big-endian values in an LPM trie */
	TL_VIEW_RAWRES = 8,
	TL_VIEW_PID = 9,
	TL_VIEW_PPID = 10,
	TL_VIEW_UID = 11,
	TL_VIEW_GID = 12,
	TL_VIEW_LOGINUID = 13,
	TL_VIEW_FD_NUM = 14,
	TL_VIEW_REMOTE_ADDR = 15,
	TL_VIEW_LOCAL_ADDR = 16,
	TL_VIEW_REMOTE_PORT = 17,
	TL_VIEW_LOCAL_PORT = 18,
	TL_VIEW_SERVER_ADDR = 19,
	TL_VIEW_CLIENT_ADDR = 20,
	TL_VIEW_SERVER_PORT = 21,
	TL_VIEW_CLIENT_PORT = 22,
	TL_VIEW_SYSARG0 = 23,       /* the syscall's raw first argument (signed) */
	TL_VIEW_TTY = 24,           /* proc.tty: the controlling terminal, read live */

	/* string views: (even, odd) = (forwards, reversed) in an LPM trie */
	TL_VIEW_PROC_NAME = 32,
	TL_VIEW_PROC_NAME_REV = 33,
	TL_VIEW_PNAME = 34,
	TL_VIEW_PNAME_REV = 35,
	TL_VIEW_EXE = 36,           /* argv[0]; cached per process */
	TL_VIEW_EXE_REV = 37,
	TL_VIEW_EXEPATH = 38,       /* cached per process */
	TL_VIEW_EXEPATH_REV = 39,
	TL_VIEW_CONTAINER_ID = 40,  /* cached per process */
	TL_VIEW_CONTAINER_ID_REV = 41,
	TL_VIEW_FD_NAME = 42,
	TL_VIEW_FD_NAME_REV = 43,
	TL_VIEW_FD_DIRECTORY = 44,
	TL_VIEW_FD_DIRECTORY_REV = 45,
	TL_VIEW_FD_FILENAME = 46,
	TL_VIEW_FD_FILENAME_REV = 47,
	TL_VIEW_CWD = 48,           /* proc.cwd with its trailing '/', at exec */
	TL_VIEW_CWD_REV = 49,

	/* predicates only userspace can decide: always unknown in the kernel */
	TL_VIEW_USERSPACE = 63,
	TL_NVIEWS = 64,
};

#define TL_FIRST_NUM_VIEW TL_VIEW_RAWRES
#define TL_FIRST_STR_VIEW TL_VIEW_PROC_NAME

/* the process cache holds the views of these, in this order */
enum tl_cached_view {
	TL_CACHED_EXE = 0,
	TL_CACHED_EXE_REV,
	TL_CACHED_EXEPATH,
	TL_CACHED_EXEPATH_REV,
	TL_CACHED_CONTAINER_ID,
	TL_CACHED_CONTAINER_ID_REV,
	TL_NCACHED,
};

#define TL_STR_KEY_MAX 254 /* LPM data is at most 256 bytes: gen, view, string */
#define TL_MAX_SETS 4096   /* distinct term sets per generation */
#define TL_STR_ENTRIES 65536  /* string trie: two generations' entries */
#define TL_NUM_ENTRIES 16384  /* number trie: two generations' entries */
#define TL_PROC_TABLE_ENTRIES 65536
#define TL_MAX_SYSCALLS 1024 /* syscall_classes entries: x86_64 numbers, then ia32 ones */
#define TL_COMPAT_BASE 512   /* syscall_classes[TL_COMPAT_BASE + ia32 nr]: see below */
#define TL_ARGS_CACHE_ENTRIES 16384
#define TL_SET_ALL 0       /* set id 0 is every term: "no constraint" */
#define TL_SET_UNKNOWN 0xffffffffu /* in the process cache: "the view's unknown pair" */

struct tl_str_key {
	__u32 prefixlen; /* in bits, counted from `gen` */
	__u8 gen;        /* generation parity */
	__u8 view;
	__u8 str[TL_STR_KEY_MAX];
};

struct tl_num_key {
	__u32 prefixlen;
	__u8 gen;
	__u8 view;
	__u8 val[16]; /* big endian; signed values with the sign bit flipped */
};

struct tl_pair {
	__u32 may; /* term set id */
	__u32 def;
};

struct tl_set {
	__u64 w[TL_MAX_WORDS];
};

struct tl_class_cfg {
	__u64 views;   /* bit v: view v has a constraint in some term of the class */
	__u16 word_lo; /* the class's terms live in words [word_lo, word_hi) */
	__u16 word_hi;
	__u32 _pad;
};

enum tl_config_flags {
	TL_CFG_SHIP_ALL = 1 << 0, /* forward every event of an active class */
};

/*
 * The needles of a substring view (`contains` with a short literal): bit j
 * of the view's value says the string contains needle j. A needle of len
 * bytes matches when the last len bytes read, shifted into a 64-bit window
 * (newest byte lowest), equal val under mask. Unused needles have mask 0
 * and val 1: they never match.
 */
#define TL_HAS_VIEWS 2      /* TL_VIEW_FD_NAME_HAS, TL_VIEW_FD_NAMERAW_HAS */
#define TL_NEEDLES 8        /* per view: the value is a byte */
#define TL_NEEDLE_MAX 8     /* bytes: one window */
#define TL_HAS_SCAN_MAX 512 /* longer strings are unknown to a substring view */

struct tl_needles {
	__u64 val[TL_NEEDLES];
	__u64 mask[TL_NEEDLES];
	__u32 n;
	__u32 _pad;
};

struct tl_config {
	__u32 gen;
	__u32 flags;
	__u32 valid_set; /* the bits that are terms: masks start from it */
	__u32 _pad;
	struct tl_class_cfg classes[TL_CLASS_COUNT];
	struct tl_pair unknown[TL_NVIEWS]; /* the value could not be read whole */
	struct tl_pair absent[TL_NVIEWS];  /* the event has no such value */
	struct tl_needles needles[TL_HAS_VIEWS];
};

/* where the generic class finds the fd an event uses */
enum tl_fd_from {
	TL_FD_FROM_NONE = 0,
	TL_FD_FROM_RET = 1,  /* the return value (dup, memfd_create, ...) */
	TL_FD_FROM_ARG0 = 2, /* the first argument (fchmod, setns, finit_module) */
};

/*
 * syscall_classes[nr]: which class program handles syscall nr, as which
 * evt.type, and — for the generic class — which arguments are strings to
 * copy and where its fd comes from.
 *
 * syscall_classes[TL_COMPAT_BASE + nr] describes ia32 syscall nr (a 32-bit
 * process, or int 0x80): class_id is set when its x86_64 counterpart is
 * interesting. Those are never decoded, only counted (TL_CNT_COMPAT_SKIPPED),
 * so that a watched kind of syscall made through ia32 is reported, not missed
 * in silence.
 */
struct tl_syscall {
	__u8 class_id; /* enum tl_class; 0: not interesting */
	__u8 evt_type; /* enum tl_evt_type */
	__u8 str_args; /* bit i: argument i is a user string, copied to TL_STR_ARG0.. in order */
	__u8 fd_from;  /* enum tl_fd_from */
};

/* small-view array index: gen parity, view, value */
#define TL_SMALL_INDEX(parity, view, value) \
	((((parity) & 1) * TL_SMALL_VIEWS + (view)) * 256 + ((value) & 255))
#define TL_SMALL_ENTRIES (2 * TL_SMALL_VIEWS * 256)

/* the per-process cache, keyed by tgid */
struct tl_proc {
	__u64 start_time; /* group leader's start_time: detects pid reuse */
	__u64 cgroups;    /* the task's css_set when filled: a cgroup move refreshes */
	__u32 gen;        /* generation of `views` */
	__u32 flags;      /* TL_EF_EXE_TRUNC, ... of the cached values */
	struct tl_pair views[TL_NCACHED];
	char container_id[TL_CONTAINER_ID_LEN];
};

/* the argv of a process, cached at its exec for its children's records */
struct tl_args {
	__u64 start_time; /* the leader's start_time: detects pid reuse */
	__u16 len;
	__u16 _pad[3];
	char data[TL_PARGS_MAX];
};

TL_ASSERT(sizeof(struct tl_str_key) == 260, "tl_str_key layout");
TL_ASSERT(sizeof(struct tl_num_key) == 24, "tl_num_key layout");
TL_ASSERT(sizeof(struct tl_class_cfg) == 16, "tl_class_cfg layout");
TL_ASSERT(sizeof(struct tl_proc) == 88, "tl_proc layout");

#endif
