// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The evaluator's global functions; see eval.bpf.h for the idea.
 *
 *   tl_eval_<kind>(s, view, value)   if the class constrains the view:
 *                                    look the value up, AND its pair in
 *   tl_apply_special / _packed       AND a known pair in (unknown, absent, cached)
 *   tl_any_may                       does some term of the class survive?
 *
 * Globals are verified once each with their arguments unknown, which keeps the
 * class programs' verification cost small however many views they evaluate.
 * Strings are passed as offsets into the scratch: a global function can only
 * take pointers to sized objects.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "eval.bpf.h"

static __always_inline struct tl_config *config_of(struct tl_scratch *s)
{
	__u32 parity = s->parity & 1;

	return bpf_map_lookup_elem(&configs, &parity);
}

/* words [lo, hi) of the class, one branch per word */
static __always_inline void and_set(struct tl_scratch *s, __u64 *mask, __u32 set_id)
{
	__u32 key = (s->parity & 1) * TL_MAX_SETS + (set_id & (TL_MAX_SETS - 1));
	__u32 lo = READ_ONCE(s->lo);
	__u32 n = READ_ONCE(s->hi) - lo;
	struct tl_set *set;

	if (set_id == TL_SET_ALL)
		return;
	set = bpf_map_lookup_elem(&term_sets, &key);
	if (!set) /* cannot happen for a well-formed table */
		return;
	for (int i = 0; i < TL_MAX_WORDS; i++) {
		__u32 w = (lo + i) & (TL_MAX_WORDS - 1);

		if ((__u32)i >= n)
			break;
		mask[w] &= set->w[w];
	}
}

static __always_inline void apply_pair(struct tl_scratch *s, __u32 view, __u32 may, __u32 def)
{
	s->pending = READ_ONCE(s->pending) & ~(1ULL << (view & 63));
	and_set(s, s->ev.may, may);
	and_set(s, s->ev.def, def);
}

__noinline int tl_apply_packed(struct tl_scratch *s, __u32 view, __u64 pair)
{
	if (!s)
		return 0;
	apply_pair(s, view, (__u32)pair, pair >> 32);
	return 0;
}

__noinline int tl_apply_special(struct tl_scratch *s, __u32 view, __u32 which)
{
	struct tl_config *cfg;
	struct tl_pair p;

	if (!s || !((READ_ONCE(s->pending) >> (view & 63)) & 1))
		return 0;
	cfg = config_of(s);
	if (!cfg)
		return 0;
	p = which == TL_ABSENT ? cfg->absent[view & (TL_NVIEWS - 1)]
			       : cfg->unknown[view & (TL_NVIEWS - 1)];
	apply_pair(s, view, p.may, p.def);
	return 0;
}

static __always_inline int apply_found(struct tl_scratch *s, __u32 view, struct tl_pair *p)
{
	if (!p)
		return tl_apply_special(s, view, TL_UNKNOWN);
	apply_pair(s, view, p->may, p->def);
	return 0;
}

__noinline int tl_eval_small(struct tl_scratch *s, __u32 view, __u32 value)
{
	__u32 key;

	if (!s || !((READ_ONCE(s->pending) >> (view & 63)) & 1))
		return 0;
	if (value > 255 || view >= TL_SMALL_VIEWS)
		return tl_apply_special(s, view, TL_UNKNOWN);
	key = TL_SMALL_INDEX(s->parity, view, value);
	return apply_found(s, view, bpf_map_lookup_elem(&small_values, &key));
}

static __always_inline struct tl_num_key *num_key(struct tl_scratch *s, __u32 view)
{
	struct tl_num_key *k = &s->nkey;

	__builtin_memset(k, 0, sizeof(*k));
	k->prefixlen = 8 * (2 + 16);
	k->gen = s->parity & 1;
	k->view = view;
	return k;
}

/* 64-bit big endian; signed values with the sign bit flipped so they sort */
__noinline int tl_eval_num(struct tl_scratch *s, __u32 view, __u64 value, __u32 is_signed)
{
	struct tl_num_key *k;

	if (!s || !((READ_ONCE(s->pending) >> (view & 63)) & 1))
		return 0;
	if (is_signed)
		value ^= 1ULL << 63;
	k = num_key(s, view);
	for (int i = 0; i < 8; i++)
		k->val[i] = value >> (56 - 8 * i);
	return apply_found(s, view, bpf_map_lookup_elem(&num_values, k));
}

__noinline int tl_eval_addr(struct tl_scratch *s, __u32 view, __u32 addr_off)
{
	struct tl_num_key *k;

	if (!s || !((READ_ONCE(s->pending) >> (view & 63)) & 1))
		return 0;
	if (addr_off > sizeof(*s) - 16)
		return tl_apply_special(s, view, TL_UNKNOWN);
	k = num_key(s, view);
	bpf_probe_read_kernel(k->val, 16, (char *)s + addr_off);
	return apply_found(s, view, bpf_map_lookup_elem(&num_values, k));
}

/*
 * The pair of a string looked up forwards (even view) or reversed (odd view).
 * `len` excludes the NUL, or is TL_LEN_CSTR for a NUL-terminated string.
 * Strings that do not fit a key give TL_NO_PAIR: unknown.
 */
__noinline __u64 tl_lookup_str(struct tl_scratch *s, __u32 view, __u32 str_off, __u64 len)
{
	struct tl_str_key *k;
	struct tl_pair *p;
	const char *str;

	if (!s || str_off > sizeof(*s) - TL_STR_KEY_MAX)
		return TL_NO_PAIR;
	str = (const char *)s + str_off;
	k = &s->skey;
	if (len == TL_LEN_CSTR) {
		long n = bpf_probe_read_kernel_str(k->str, TL_STR_KEY_MAX, str);

		/* n == TL_STR_KEY_MAX: it may have been cut */
		if (n <= 0 || n >= TL_STR_KEY_MAX)
			return TL_NO_PAIR;
		len = n - 1;
	} else {
		if (len > TL_STR_KEY_MAX - 2)
			return TL_NO_PAIR;
		bpf_probe_read_kernel(k->str, len, str);
	}
	len &= 255;
	k->str[len] = 0;
	if (view & 1) {
		for (int i = 0; i < TL_STR_KEY_MAX / 2; i++) {
			__u32 j = len - 1 - i;
			unsigned char t;

			if ((__u32)i >= j || j >= len)
				break;
			t = k->str[i];
			k->str[i] = k->str[j & 255];
			k->str[j & 255] = t;
		}
	}
	k->gen = s->parity & 1;
	k->view = view;
	k->prefixlen = 8 * (2 + len + 1);
	p = bpf_map_lookup_elem(&str_values, k);
	if (!p)
		return TL_NO_PAIR;
	return p->may | ((__u64)p->def << 32);
}

__noinline int tl_eval_str(struct tl_scratch *s, __u32 view, __u32 str_off, __u64 len, __u32 truncated)
{
	__u64 pair;

	if (!s || !((READ_ONCE(s->pending) >> (view & 63)) & 1))
		return 0;
	pair = truncated ? TL_NO_PAIR : tl_lookup_str(s, view, str_off, len);
	if (pair == TL_NO_PAIR)
		return tl_apply_special(s, view, TL_UNKNOWN);
	apply_pair(s, view, (__u32)pair, pair >> 32);
	return 0;
}

/* may = def = the class's terms; bits between terms never survive */
__noinline int tl_init_masks(struct tl_scratch *s)
{
	struct tl_config *cfg;

	if (!s)
		return 0;
	for (int i = 0; i < TL_MAX_WORDS; i++) {
		s->ev.may[i] = ~0ULL;
		s->ev.def[i] = ~0ULL;
	}
	cfg = config_of(s);
	if (!cfg)
		return 0;
	and_set(s, s->ev.may, cfg->valid_set);
	and_set(s, s->ev.def, cfg->valid_set);
	return 0;
}

__noinline int tl_any_may(struct tl_scratch *s)
{
	__u32 lo, n;
	__u64 acc = 0;

	if (!s)
		return 0;
	lo = READ_ONCE(s->lo);
	n = READ_ONCE(s->hi) - lo;
	for (int i = 0; i < TL_MAX_WORDS; i++) {
		if ((__u32)i >= n)
			break;
		acc |= s->ev.may[(lo + i) & (TL_MAX_WORDS - 1)];
	}
	return acc != 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * A substring view: which of the view's needles the string contains, looked
 * up as a small view. A string cut short, or longer than the scan, is unknown.
 * The needle test is branch-free and unused needles never match (mask 0,
 * val 1), so the verifier walks one state per byte, not one per outcome.
 */
__noinline int tl_eval_has(struct tl_scratch *s, __u32 view, __u32 str_off, __u32 len, __u32 truncated)
{
	__u64 val[TL_NEEDLES], mask[TL_NEEDLES];
	struct tl_config *cfg;
	const __u8 *str;
	__u64 window = 0, found = 0;

	if (!s || !((READ_ONCE(s->pending) >> (view & 63)) & 1))
		return 0;
	if (truncated || len > TL_HAS_SCAN_MAX || str_off > sizeof(*s) - TL_HAS_SCAN_MAX ||
	    view < TL_VIEW_FD_NAME_HAS || view >= TL_VIEW_FD_NAME_HAS + TL_HAS_VIEWS)
		return tl_apply_special(s, view, TL_UNKNOWN);
	cfg = config_of(s);
	if (!cfg)
		return 0;
	__builtin_memcpy(val, cfg->needles[(view - TL_VIEW_FD_NAME_HAS) & 1].val, sizeof(val));
	__builtin_memcpy(mask, cfg->needles[(view - TL_VIEW_FD_NAME_HAS) & 1].mask, sizeof(mask));
	str = (const __u8 *)s + str_off;
	for (__u32 i = 0; i < TL_HAS_SCAN_MAX; i++) {
		if (i >= len)
			break;
		window = (window << 8) | str[i];
#pragma unroll
		for (__u32 j = 0; j < TL_NEEDLES; j++) {
			__u64 x = (window & mask[j]) ^ val[j]; /* 0: needle j ends here */
			__u64 nonzero = x | -x;               /* top bit set unless x == 0 */

			/* hidden from clang, which would turn the test back into a branch */
			asm volatile("" : "+r"(nonzero));
			found |= ((nonzero >> 63) ^ 1) << j;
		}
	}
	return tl_eval_small(s, view, found);
}
