/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The maps every program shares. They are defined once, in maps.bpf.c, which
 * is linked first: libbpf 1.1's static linker resolves an extern map only if
 * its definition was seen before it.
 */
#ifndef TRIPLINE_MAPS_BPF_H
#define TRIPLINE_MAPS_BPF_H

#include "tables.h"

/*
 * A load clang may not replace with the value it just stored. Loop-carried
 * counters live in the scratch map and are read with it, so that the
 * verifier sees one unknown value instead of one state per value.
 */
#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))

#define TL_RINGBUF_BYTES (8 << 20) /* as Falco's default; mapped twice into the agent, so it is 16 MB of its RSS */

enum tl_appended {
	TL_APPENDED_EXE = 1 << 0,
	TL_APPENDED_ARGS = 1 << 1,
	TL_APPENDED_CWD = 1 << 2,
};

/* per-CPU scratch: the record under construction and the lookup keys */
struct tl_path_parts {
	__u32 n;      /* components walked */
	__u32 cursor; /* where the path begins in buf: it is written from the end */
	char buf[4096 + 256]; /* TL_PATH_MAX, and room for one NAME_MAX component before it */
};

/*
 * The pairs of the last comm looked up on this CPU, per name view: a pure
 * function of (generation, the comm's 16 bytes), so a hit is exact. Per CPU
 * and used by non-preemptible programs only, like the rest of the scratch.
 */
struct tl_name_cache {
	__u32 gen; /* 0: empty */
	__u32 _pad;
	__u64 comm[2]; /* TL_COMM_LEN bytes, NUL padded */
	__u64 fwd, rev; /* packed pairs, or TL_NO_PAIR */
};

struct tl_scratch {
	struct tl_event ev;
	char slack[4608]; /* masked writes near the end of ev.data land here */
	__u32 appended;   /* TL_APPENDED_*: strings already in ev.data */
	__u32 _pad;
	struct tl_str_key skey;
	struct tl_num_key nkey;
	struct tl_path_parts parts;
	struct tl_proc proc; /* a cache entry being computed */
	struct tl_args args; /* an argv cache entry being written */
	__u8 chunk[256];     /* neighbouring fields of one kernel object, read at once */
	struct tl_name_cache names[2]; /* proc.name, proc.pname */
	__u32 scan_run;      /* container id scan: hex digits in a row */
	__u32 slash;         /* fd name: offset of the last '/' */
	/* evaluator state, see eval.bpf.h */
	__u32 parity;        /* generation parity of the tables in force */
	__u32 lo, hi;        /* the class's words [lo, hi) */
	__u32 ship_all;      /* TL_CFG_SHIP_ALL */
	__u64 pending;       /* views of the class not applied yet */
	__u64 used;          /* views any class constrains */
};

typedef struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct tl_syscall);
} syscall_classes_t;

/* the kernel rejects BTF key/value types on prog arrays */
typedef struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, TL_CLASS_COUNT);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} class_programs_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32); /* generation in force; its parity picks configs[] */
} config_index_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct tl_config);
} configs_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * TL_MAX_SETS);
	__type(key, __u32);
	__type(value, struct tl_set);
} term_sets_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TL_SMALL_ENTRIES);
	__type(key, __u32);
	__type(value, struct tl_pair);
} small_values_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, TL_STR_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct tl_str_key);
	__type(value, struct tl_pair);
} str_values_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, TL_NUM_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct tl_num_key);
	__type(value, struct tl_pair);
} num_values_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TL_PROC_TABLE_ENTRIES);
	__type(key, __u32);
	__type(value, struct tl_proc);
} processes_t;

/* argv per process, for its children's proc.pcmdline: a cache, so LRU is fine */
typedef struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TL_ARGS_CACHE_ENTRIES);
	__type(key, __u32);
	__type(value, struct tl_args);
} proc_args_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TL_CLASS_COUNT * TL_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tl_scratch);
} scratch_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, TL_RINGBUF_BYTES);
} events_t;

typedef struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tl_event);
} test_records_t;

extern syscall_classes_t syscall_classes SEC(".maps");
extern class_programs_t class_programs SEC(".maps");
extern config_index_t config_index SEC(".maps");
extern configs_t configs SEC(".maps");
extern term_sets_t term_sets SEC(".maps");
extern small_values_t small_values SEC(".maps");
extern str_values_t str_values SEC(".maps");
extern num_values_t num_values SEC(".maps");
extern processes_t processes SEC(".maps");
extern proc_args_t proc_args SEC(".maps");
extern counters_t counters SEC(".maps");
extern scratch_t scratch SEC(".maps");
extern events_t events SEC(".maps");
extern test_records_t test_records SEC(".maps");

/* set between open and load */
extern const volatile __u32 self_tgid;

#endif
