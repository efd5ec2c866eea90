#!/usr/bin/env bash
# Benchmarks, run in the emulated POWER9 radix host (see tools/bench/*.c):
# prints per-call costs and their ratios, all taken in one run.
# Usage: tools/bench.sh [radix|hash|nested]   (default radix)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
host=${1:-radix}
cd "$root"
source tools/lib/qemu.sh
bash tools/setup.sh
make -s modules
make -s -C selftests
tools/mkinitramfs.sh build/initramfs.cpio
mkdir -p build/logs
log=build/logs/bench-$host.log
rc=0
run_host "$host" build/initramfs.cpio "$log" 900 "ppcmmu.run=bench" || rc=$?
grep -E '^bench:' "$log" || true
if [ $rc -ne 0 ] || ! grep -q '^ppcmmu-init: bench exit=0 ' "$log"; then
	echo "bench failed (qemu status $rc); console log: $log" >&2
	exit 1
fi
