#!/usr/bin/env bash
# All tests, in order; each stage ends with its own "<stage>: N passed, N
# failed" line and this script ends with the overall "N passed, N failed".
#   static checks   sparse, W=1, checkpatch, modinfo, dkms.conf
#   unit tests      pure logic, native, ASan+UBSan
#   fuzz            libFuzzer on the CAS parser and the proc-table checks
#                   (FUZZ_SECONDS per target, default 30)
#   dkms            add/build/install/remove in a sandbox
#   emulated hosts  selftests under real KVM-HV: powernv9 radix, powernv9
#                   hash, pseries nested
#   kselftest runner the same programs built and installed by the kernel's
#                   kselftest Makefile and run by its run_kselftest.sh
#   vmm scenarios   the reference VMM boots Debian's Linux as a guest through
#                   the module's CAS and process-table paths, in all hosts
#   transparency    Debian's unmodified qemu-system-ppc boots the same guest
#                   with and without the module, radix and hash hosts
# Usage: tools/test.sh   (as root on Debian bookworm; installs what it needs)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
start=$(date +%s)
bash tools/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

total_pass=0 total_fail=0
stage() {	# stage <name> <command...>: run, echo, add its counts
	local name=$1 out rc line p f
	shift
	echo "=== $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n1)
	p=$(sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/p' <<<"$line")
	f=$(sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/p' <<<"$line")
	if [ -z "$p" ]; then p=0; f=1; fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f))
	rm -f "$out"
}

build() {
	make -s modules && make -s -C selftests && echo "build: 1 passed, 0 failed"
}

stage build build
stage "static checks" tools/static-checks.sh
stage "unit tests" tools/unit-tests.sh
stage fuzz tools/fuzz.sh
stage dkms tools/dkms-check.sh
stage "emulated hosts" tools/run-hosts.sh radix hash nested dd20
stage "kselftest runner" tools/kselftest-check.sh
stage "vmm scenarios" tools/vmm-scenarios.sh
stage transparency tools/transparency.sh

echo "=== total ($(( $(date +%s) - start ))s)"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
