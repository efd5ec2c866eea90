#!/usr/bin/env bash
# Every check of the patched QEMU, one after the other (the emulated hosts
# share this machine's cores; never two at once), each step's verdict and
# time, and a total. Not part of tools/test.sh (whose time budget is spent).
#
#   build                 tools/qemu/build.sh (reused while its key holds)
#   smoke radix|hash|nested  tools/qemu/smoke.sh: each guest with and without
#                         the module, same guest lines, the module's work
#   smoke on              QEMU_SMOKE_KVM_PPC_MMU=on: refused without the module
#   reboot                QEMU_SMOKE_REBOOT=1 (radix): a reboot through SET_STATE
#   reboot-switch radix|hash  QEMU_SMOKE_REBOOT=switch: the admin changes the
#                         command line (qom-set /machine append) and the
#                         rebooted guest runs the other MMU
#   migrate               QEMU_SMOKE_MIGRATE=1 (radix)
#   compare radix         tools/qemu/compare.sh: Debian's unpatched QEMU =
#                         patched without the module = patched with it
#   bench radix           tools/qemu/bench.sh radix 3: the ratio table
#
# Usage: tools/qemu/test.sh   (as root; about 15 minutes when the QEMU build
#        is cached (14 measured on 2 shared cores), plus 4-10 for the
#        build; the steps' logs in build/logs/)
# Env:   QEMU_TEST_STEPS="smoke-radix compare-radix ..."  run only these
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
q=$root/tools/qemu
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

step build bash "$q/build.sh"
step smoke-radix bash "$q/smoke.sh" radix default,disable-radix,legacy
step smoke-hash bash "$q/smoke.sh" hash
step smoke-nested bash "$q/smoke.sh" nested
step smoke-on env QEMU_SMOKE_KVM_PPC_MMU=on bash "$q/smoke.sh" radix default
step reboot env QEMU_SMOKE_REBOOT=1 bash "$q/smoke.sh" radix
step reboot-switch-radix env QEMU_SMOKE_REBOOT=switch bash "$q/smoke.sh" radix
step reboot-switch-hash env QEMU_SMOKE_REBOOT=switch bash "$q/smoke.sh" hash
step migrate env QEMU_SMOKE_MIGRATE=1 bash "$q/smoke.sh" radix
step compare-radix bash "$q/compare.sh" radix
step bench-radix bash "$q/bench.sh" radix 3

echo "=== qemu checks: ${summary[*]}"
echo "=== total $(($(date +%s) - start))s: $pass passed, $fail failed"
[ $fail -eq 0 ]
