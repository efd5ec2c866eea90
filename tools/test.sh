#!/usr/bin/env bash
# All tests, in order; each stage ends with its own "<stage>: N passed, N
# failed" line and this script ends with the overall "N passed, N failed".
#   build           the selftests (static ppc64le programs, any kernel)
#   unit tests      pure logic, native, ASan+UBSan
#   fuzz            libFuzzer on the CAS parser and the proc-table checks
#                   (FUZZ_SECONDS per target, default 30)
#   kernel matrix   for each of Debian's host kernels, 6.1, 6.12 and 7.2
#                   (tools/stages/kernel-matrix.sh): the module built against
#                   it, static checks, dkms, the selftests in the four
#                   emulated hosts, the kselftest runner, the reference VMM's
#                   real-guest scenarios, the transparency check with
#                   Debian's unmodified QEMU; one line per kernel
# Layout: tools/ holds the two entry points (this and demo.sh), tools/stages/
# one script per test stage, tools/rig/ what builds and boots the emulated
# hosts, and the programs (vmm/, host-check/, demo/, bench/).
# Usage: tools/test.sh   (as root on Debian bookworm; installs what it needs)
# Env:   PPC_MMU_KERNELS="6.1 6.12"   the kernels of the matrix (default all three)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source tools/rig/lib/stage.sh
start=$(date +%s)
bash tools/rig/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

total_pass=0 total_fail=0
timings=()
timed_stage() {	# timed_stage NAME COMMAND...: ppcmmu_stage, and note its wall time
	local t0
	t0=$(date +%s)
	ppcmmu_stage "$@"
	timings+=("$1 $(( $(date +%s) - t0 ))s")
}

build() { make -s -C selftests && echo "build: 1 passed, 0 failed"; }

timed_stage build build
timed_stage "unit tests" tools/stages/unit-tests.sh
timed_stage fuzz tools/stages/fuzz.sh
# shellcheck disable=SC2086
timed_stage "kernel matrix" tools/stages/kernel-matrix.sh ${PPC_MMU_KERNELS:-6.1 6.12 7.2}

echo "=== total ($(( $(date +%s) - start ))s: ${timings[*]})"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
