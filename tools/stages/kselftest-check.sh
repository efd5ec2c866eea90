#!/usr/bin/env bash
# Run the selftests through kselftest's own runner (run_kselftest.sh, as a
# kernel tree installs it) in the emulated radix host, and check that it
# reports every program in kselftest-list.txt as passed or skipped.
# Host kernel: PPC_MMU_KERNEL (default 6.1; tools/rig/lib/kernel.sh).
# Prints "kselftest runner: N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/rig/lib/qemu.sh"
# PPC_MMU_PREBUILT=1: the job runner built both (tools/rig/lib/stage.sh)
if [ -z "${PPC_MMU_PREBUILT:-}" ]; then
	"$root/tools/rig/kselftest-tree.sh" || { echo "kselftest runner: 0 passed, 1 failed"; exit 1; }
	"$root/tools/rig/mkinitramfs.sh" "$root/build/initramfs.cpio" || exit 1
fi
log=$(ppcmmu_logs_dir)/kselftest-radix.log
# What this stage checks is kselftest's runner running every program; how
# long the fuzzer and the storm run is the emulated-host stage's business.
run_host radix "$root/build/initramfs.cpio" "$log" 600 \
	"ppcmmu.run=kselftest-runner PPC_MMU_FUZZ_SECONDS=3 PPC_MMU_STORM_SECONDS=3"
rc=$?

pass=0 fail=0
while IFS=: read -r collection prog; do
	line=$(grep -E "^(not )?ok [0-9]+ selftests: $collection: $prog( |$)" "$log" | tail -n1)
	if [ -n "$line" ] && [ "${line#not }" = "$line" ]; then
		echo "ok - run_kselftest.sh: $line"; pass=$((pass + 1))
	else
		echo "not ok - run_kselftest.sh: $collection:$prog: ${line:-no result}"; fail=$((fail + 1))
	fi
done <"$root/build/kselftest/kselftest-list.txt"
# The programs' own KTAP must come through the runner, nested under "# ".
leaves=$(grep -cE '^# ok [0-9]+ ' "$log")
if [ "$leaves" -gt 0 ] && ! grep -qE '^# not ok [0-9]+ ' "$log"; then
	echo "ok - $leaves nested results passed through the runner, none failed"; pass=$((pass + 1))
else
	echo "not ok - nested results: $leaves passed, $(grep -cE '^# not ok ' "$log") failed"
	fail=$((fail + 1))
fi
if [ $rc -ne 0 ] || ! grep -q '^ppcmmu-init: kselftest-runner exit=0 ' "$log"; then
	echo "not ok - runner did not finish cleanly (qemu status $rc); console log: $log"
	fail=$((fail + 1))
fi
echo "kselftest runner: $pass passed, $fail failed"
[ $fail -eq 0 ]
