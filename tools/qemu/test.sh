#!/usr/bin/env bash
# Every check of the patched QEMU, one after the other, each step's verdict
# and time, and a total:
#   qtest     tools/qemu/qtest.sh: QEMU's own check-qtest-ppc64 on Debian
#             13's source, natively with TCG, without and with the series
#   build     tools/qemu/build.sh: the ppc64el binary (reused while its key
#             holds)
#   debian13  DEBIAN13_PHASES=qemu tools/debian13/run.sh: the Debian 13
#             host runs it beside trixie's own QEMU with the module loaded:
#             live migrations both ways, a mode switch after one, what each
#             guest sees under the three (SLOF and VOF)
# Usage: tools/qemu/test.sh   (as root; about 25 minutes, the Debian 13
#        image cached)
# Env:   QEMU_TEST_STEPS="qtest debian13"   run only these
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
start=$(date +%s)
pass=0 fail=0 summary=()

step() {	# step NAME COMMAND...
	local name=$1 t0 rc
	shift
	if [ -n "${QEMU_TEST_STEPS:-}" ] && [[ " $QEMU_TEST_STEPS " != *" $name "* ]]; then
		return 0
	fi
	echo "=== $name: $*"
	t0=$(date +%s)
	"$@"
	rc=$?
	if [ $rc -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	summary+=("$name $([ $rc -eq 0 ] && echo ok || echo FAILED) $(($(date +%s) - t0))s")
	echo "=== $name: $([ $rc -eq 0 ] && echo ok || echo FAILED) ($(($(date +%s) - t0))s)"
}

step qtest bash "$root/tools/qemu/qtest.sh"
step build bash "$root/tools/qemu/build.sh"
step debian13 env DEBIAN13_PHASES=qemu bash "$root/tools/debian13/run.sh"

echo "=== qemu checks: ${summary[*]}"
echo "=== total $(($(date +%s) - start))s: $pass passed, $fail failed"
[ $fail -eq 0 ]
