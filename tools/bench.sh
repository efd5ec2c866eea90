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
set -euo pipefail
source "$(dirname "$0")/rig/lib/qemu.sh"
case ${2:-bench} in
bench|bench-scale) ;;
*) echo "unknown benchmark '$2' (bench, bench-scale)" >&2; exit 2 ;;
esac
run_program_in_host "${2:-bench}" "${1:-radix}" 900
