#!/usr/bin/env bash
# Benchmarks, run in an emulated POWER9 host (see tools/bench/*.c): prints
# per-call costs and their ratios, all taken in one run.
# Usage: tools/bench.sh [radix|hash|nested]   (default radix)
set -euo pipefail
source "$(dirname "$0")/rig/lib/qemu.sh"
run_program_in_host bench "${1:-radix}" 900
