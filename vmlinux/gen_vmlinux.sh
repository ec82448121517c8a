#!/usr/bin/env bash
# Regenerates vmlinux/<arch>/vmlinux.h from a kernel's BTF. The checked-in
# header only has to describe the types tripline reads; CO-RE relocates the
# offsets on each machine, so any recent kernel's BTF will do.
#
#   vmlinux/gen_vmlinux.sh                      # this machine's kernel
#   vmlinux/gen_vmlinux.sh /path/to/vmlinux x86 # another kernel image or BTF file
set -euo pipefail
btf=${1:-/sys/kernel/btf/vmlinux}
arch=${2:-x86}
out="$(dirname "$0")/$arch/vmlinux.h"
mkdir -p "$(dirname "$out")"
bpftool btf dump file "$btf" format c > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out from $btf"
