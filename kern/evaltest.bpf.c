// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The evaluator on a given record, for tests (BPF_PROG_TEST_RUN): the
 * differential tests write a record into test_records[0], run this program,
 * and read back the masks. It runs the same view code as the live programs,
 * with the cached views computed from the record as a cache fill would.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "class.bpf.h"

SEC("raw_tp")
int eval_record(void *ctx)
{
	struct tl_scratch *s = get_scratch();
	__u32 zero = 0;
	struct tl_event *in = bpf_map_lookup_elem(&test_records, &zero);

	if (!s || !in)
		return 1;
	bpf_probe_read_kernel(&s->ev, sizeof(s->ev), in);
	if (load_config(s, in->class_id)) {
		/* the class has no terms: the live programs drop every such event */
		for (int i = 0; i < TL_MAX_WORDS; i++)
			in->may[i] = in->def[i] = 0;
		return 0;
	}
	tl_init_masks(s);
	eval_header(s, 0);
	switch (in->class_id) {
	case TL_CLASS_EXEC:
		eval_exe_flags(s, 0);
		eval_cwd(s, 0);
		break;
	case TL_CLASS_OPEN:
		eval_open_views(s);
		eval_fd_path(s, (s->ev.flags & TL_EF_PATH_TRUNC) != 0, s->ev.payload.open.fd_kind);
		eval_nameraw(s, (s->ev.flags & TL_EF_PATH_TRUNC) != 0);
		break;
	case TL_CLASS_NET:
		eval_net_views(s);
		break;
	case TL_CLASS_SYSCALL:
		eval_syscall_views(s);
		break;
	default:
		break;
	}
	proc_views_from_record(s);
	apply_cached(s, &s->proc);
	apply_rest_unknown(s);
	bpf_probe_read_kernel(in->may, sizeof(in->may), s->ev.may);
	bpf_probe_read_kernel(in->def, sizeof(in->def), s->ev.def);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
