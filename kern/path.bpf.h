/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Path of a (dentry, vfsmount) as the current task sees it, like d_path():
 *
 *   walk up: leaf dentry -> parent ... until the task's root; at a mount's
 *            root step to the mountpoint in the parent mount; each name is
 *            written, after a '/', just before the ones already written
 *   copy:    the finished path into the record's data area, in one read
 *
 * A path that needs more than TL_PATH_PARTS components, or more than `cap`
 * bytes, is cut and reported as truncated: the evaluator treats it as unknown.
 */
#ifndef TRIPLINE_PATH_BPF_H
#define TRIPLINE_PATH_BPF_H

#include <bpf/bpf_core_read.h>
#include "maps.bpf.h"

#define TL_PATH_PARTS 64
#define TL_PATH_STEPS 80 /* components plus mount crossings */
#define TL_DATA_MASK 16383 /* offsets into ev.data; the scratch has slack after it */

#define TL_PATH_TRUNCATED (1u << 16)

/*
 * Writes the path of (dentry, vfsmount) at s->ev.data[base...] followed by a
 * NUL. Returns its length, or'ed with TL_PATH_TRUNCATED when it was cut. The
 * kernel pointers travel as integers: a global function takes pointers only
 * to objects the verifier can size.
 */
extern __u32 tl_resolve_path(struct tl_scratch *s, __u64 dentry, __u64 vfsmnt, __u32 base, __u32 cap);

/*
 * Non-zero when a failed open's name (the raw argument in TL_STR_FD_NAME) is
 * not certainly what Falco's canonical form of it would be; see path.bpf.c.
 */
extern int tl_raw_name_not_canonical(struct tl_scratch *s);

#endif
