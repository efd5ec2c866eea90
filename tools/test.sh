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
#   debug kernel    the radix and hash hosts' selftests and the VMM
#                   scenarios on the project's debug build of Debian's 6.1
#                   (lockdep, PROVE_RCU, KASAN, kmemleak, ...;
#                   tools/stages/debug-kernel.sh). Its kernel builds in the
#                   background, niced, while the matrix runs, and takes one
#                   of the two job slots meanwhile.
#   Debian 13 host  the matrix's longest job (tools/debian13/run.sh),
#                   started before its first kernel and still running when
#                   the last kernel's are done: the debug kernel stage runs
#                   beside it, one slot each, and its results come last
# Two at a time: within each kernel, every emulated host is a job of its own
# and two run at once, one per core (tools/rig/lib/stage.sh: ppcmmu_jobs);
# each prints its block when it ends. PPC_MMU_JOBS=1 runs one at a time.
# Layout: tools/ holds the two entry points (this and demo.sh), tools/stages/
# one script per test stage, tools/rig/ what builds and boots the emulated
# hosts, the programs (vmm/, host-check/, demo/, bench/) and lib/ppcmmu/,
# the library they share with the selftests.
# Usage: tools/test.sh   (as root on Debian bookworm; installs what it needs)
# Env:   PPC_MMU_KERNELS="6.1 6.12"   the kernels of the matrix (default all three)
#        PPC_MMU_DEBUG_KERNEL=0        leave out the debug kernel stage
#        PPC_MMU_JOBS=1                one emulated host at a time (default 2)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
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

debug_build=
if [ "${PPC_MMU_DEBUG_KERNEL:-1}" != 0 ]; then
	mkdir -p build/logs
	nice -n 19 bash tools/rig/fetch-kernel.sh 6.1-debug >build/logs/debug-kernel-build.log 2>&1 &
	debug_build=$!
	# It takes one of the two job slots while it runs (ppcmmu_jobs).
	export PPC_MMU_BUSY_PID=$debug_build
fi

# The matrix leaves its Debian 13 job running here (kernel-matrix.sh).
background=$(mktemp -d)
export PPC_MMU_BACKGROUND_DIR=$background

timed_stage build build
timed_stage "unit tests" tools/stages/unit-tests.sh
timed_stage fuzz tools/stages/fuzz.sh
# shellcheck disable=SC2086
timed_stage "kernel matrix" tools/stages/kernel-matrix.sh ${PPC_MMU_KERNELS:-6.1 6.12 7.2}
unset PPC_MMU_BACKGROUND_DIR
debian13_pid=$(cat "$background/debian13.pid" 2>/dev/null)
if [ -n "$debug_build" ]; then
	# The stage builds it itself (and says why) if the background build failed.
	wait "$debug_build" || echo "# background debug kernel build failed: build/logs/debug-kernel-build.log"
	# One slot for the Debian 13 host while it runs (ppcmmu_jobs).
	export PPC_MMU_BUSY_PID=$debian13_pid
	timed_stage "debug kernel" tools/stages/debug-kernel.sh
fi
if [ -n "$debian13_pid" ]; then
	debian13_report() {	# its block and counts, once it has ended
		local out
		out=$(cat "$background/debian13.out")
		while [ ! -s "$out.rc" ] && kill -0 "$debian13_pid" 2>/dev/null; do sleep 5; done
		sleep 1	# the rc file is written just before it exits
		# Timed to its end (the rc file's), not to this report.
		ppcmmu_job_report "$(cat "$background/debian13.name")" "$out" \
			"$(cat "$out.rc" 2>/dev/null || echo 1)" "$(cat "$background/debian13.t0")" \
			"$(stat -c %Y "$out.rc" 2>/dev/null || date +%s)"
		rm -f "$out.rc"
		echo "Debian 13 host: $stage_pass passed, $stage_fail failed"
	}
	timed_stage "Debian 13 host" debian13_report
fi
rm -rf "$background"

echo "=== total ($(( $(date +%s) - start ))s: ${timings[*]})"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
