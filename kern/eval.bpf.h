/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The in-kernel rule evaluator: three-valued term masks, one lookup per view.
 *
 * Every term of every rule has a bit. The event starts with may = def = all
 * ones over its class's words; each view of the event ANDs in the pair of sets
 * its lookup returns. Worked example, terms t0..t2 of one class:
 *
 *   t0 = proc.name in (bash, sh) and fd.name startswith /etc/
 *   t1 = proc.name = nginx
 *   t2 = fd.name contains passwd            (userspace only)
 *
 *   proc.name "bash"     -> may 101  def 101   (t1 fails, t2 has no proc.name constraint)
 *   fd.name "/etc/hosts" -> may 111  def 111   (t1 has no fd.name constraint)
 *   userspace            -> may 111  def 011   (t2 can't be decided here)
 *                           ----------------
 *   event                   may 101  def 001  -> emit; t0 is certain, t2 is possible
 *
 * A view whose value is truncated ANDs in (all, terms without a constraint on
 * the view): it can never make a term certain nor rule one out. That keeps the
 * kernel a sound over-approximation: may ⊇ exact matches ⊇ def.
 *
 * The per-view work is in global functions (eval.bpf.c): the verifier checks
 * each once, not once per call site. Their state — the class's word range,
 * the views still pending, the generation parity — lives in the scratch map,
 * so no branch on it teaches the verifier anything that splits its states.
 */
#ifndef TRIPLINE_EVAL_BPF_H
#define TRIPLINE_EVAL_BPF_H

#include "maps.bpf.h"

#define TL_LEN_CSTR 0xffffffffu /* "NUL-terminated: measure it" */
#define TL_NO_PAIR (~0ULL)      /* a lookup that left the view unknown */

enum tl_special { TL_UNKNOWN = 0, TL_ABSENT = 1 };

/* offset of a field of the scratch, for the global functions' string args */
#define TL_OFF(field) ((__u32)__builtin_offsetof(struct tl_scratch, field))
#define TL_DATA_OFF(off) (TL_OFF(ev.data) + ((off) & TL_DATA_MASK))

extern int tl_eval_small(struct tl_scratch *s, __u32 view, __u32 value);
extern int tl_eval_num(struct tl_scratch *s, __u32 view, __u64 value, __u32 is_signed);
extern int tl_eval_addr(struct tl_scratch *s, __u32 view, __u32 addr_off);
extern int tl_eval_str(struct tl_scratch *s, __u32 view, __u32 str_off, __u64 len, __u32 truncated);
extern int tl_eval_has(struct tl_scratch *s, __u32 view, __u32 str_off, __u32 len, __u32 truncated);
extern int tl_apply_special(struct tl_scratch *s, __u32 view, __u32 which);
extern int tl_apply_packed(struct tl_scratch *s, __u32 view, __u64 pair);
extern __u64 tl_lookup_str(struct tl_scratch *s, __u32 view, __u32 str_off, __u64 len);
extern int tl_any_may(struct tl_scratch *s);
extern int tl_init_masks(struct tl_scratch *s);

/* loads the generation in force and the class's word range; -1: nothing to do */
static __always_inline int load_config(struct tl_scratch *s, __u32 class_id)
{
	__u32 zero = 0, parity;
	__u32 *gen = bpf_map_lookup_elem(&config_index, &zero);
	struct tl_config *cfg;

	if (!gen || class_id >= TL_CLASS_COUNT)
		return -1;
	parity = *gen & 1;
	cfg = bpf_map_lookup_elem(&configs, &parity);
	if (!cfg)
		return -1;
	s->parity = parity;
	s->lo = cfg->classes[class_id].word_lo;
	s->hi = cfg->classes[class_id].word_hi;
	s->pending = cfg->classes[class_id].views;
	s->used = 0;
	for (int i = 0; i < TL_CLASS_COUNT; i++)
		s->used |= cfg->classes[i].views;
	s->ship_all = (cfg->flags & TL_CFG_SHIP_ALL) != 0;
	s->ev.gen = cfg->gen;
	s->ev.class_id = class_id;
	return s->lo < s->hi && s->hi <= TL_MAX_WORDS ? 0 : -1;
}

static __always_inline int wants(struct tl_scratch *s, __u32 view)
{
	return (READ_ONCE(s->pending) >> (view & 63)) & 1;
}

/*
 * Views the class program did not produce (a table newer than the program):
 * an unknown view ANDs "all" into may and its unconstrained terms into def,
 * so clearing def covers any number of them, soundly.
 */
static __always_inline void apply_rest_unknown(struct tl_scratch *s)
{
	if (!READ_ONCE(s->pending))
		return;
	for (int i = 0; i < TL_MAX_WORDS; i++)
		s->ev.def[i] = 0;
}

/* a string and its reverse */
static __always_inline void eval_str(struct tl_scratch *s, __u32 view, __u32 str_off, __u64 len,
				     __u32 truncated)
{
	tl_eval_str(s, view, str_off, len, truncated);
	tl_eval_str(s, view + 1, str_off, len, truncated);
}

static __always_inline void eval_str_absent(struct tl_scratch *s, __u32 view)
{
	tl_apply_special(s, view, TL_ABSENT);
	tl_apply_special(s, view + 1, TL_ABSENT);
}

#endif
