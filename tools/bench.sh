#!/usr/bin/env bash
# Benchmarks, run in an emulated POWER9 host: each prints its numbers and
# their ratios, all taken in one run (see the header of its source).
# Usage: tools/bench.sh [radix|hash|nested] [bench|bench-scale]
#   bench        tools/bench/bench_proc_tbl.c: H_REGISTER_PROC_TBL in the
#                kernel vs via the VMM, and what the module costs a VM that
#                does not opt in (the default)
#   bench-scale  tools/bench/bench_scale.c: 1, 8, 32, 64 VMs negotiating at
#                once, HPT bytes, memory back, registry lookup cost
# Defaults: radix host, bench.
#
# Clock: bench runs the host with QEMU's -icount shift=0,sleep=off, so the
# host's clock advances one ns per emulated instruction: its "ns" are
# instructions, the same in every run whatever else loads this machine
# (emulated wall time swings by 30% under load; instruction counts by
# 0.5%). PPC_MMU_BENCH_CLOCK=real runs it on wall time instead.
# bench-scale always runs on wall time: it measures many threads at once,
# which icount would serialise.
set -euo pipefail
source "$(dirname "$0")/rig/lib/qemu.sh"
bench=${2:-bench}
case $bench in
bench|bench-scale) ;;
*) echo "unknown benchmark '$2' (bench, bench-scale)" >&2; exit 2 ;;
esac
if [ "$bench" = bench ] && [ "${PPC_MMU_BENCH_CLOCK:-icount}" != real ]; then
	export PPC_MMU_QEMU_ARGS="${PPC_MMU_QEMU_ARGS:-} -icount shift=0,sleep=off"
	echo "bench: host clock: instruction-counted (1 ns = 1 emulated instruction)"
fi
run_program_in_host "$bench" "${1:-radix}" 900
