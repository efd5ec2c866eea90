#!/usr/bin/env bash
# The module under the debug host kernel (tools/rig/debug-kernel/: Debian's
# 6.1 source with lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, KASAN, kmemleak,
# DEBUG_LIST, DEBUG_OBJECTS, SLUB_DEBUG_ON): the radix and hash hosts'
# selftests and the reference VMM's real-guest scenarios, each host booting
# that kernel.
#
# Any lockdep or RCU report, KASAN report, sleeping-in-atomic BUG or kmemleak
# finding on a console fails the run (tools/rig/lib/qemu.sh's
# kernel_trouble_re, applied by run-hosts.sh and vmm-scenarios.sh; kmemleak
# scans after the module is unloaded, tools/rig/initramfs/init.c). Checked
# here too: the checkers really were on (lockdep and kmemleak on both
# hosts, KASAN active on the radix host; it needs radix, so on the hash
# host it is built in and off).
#
# Usage: tools/stages/debug-kernel.sh
# Prints "debug kernel: N passed, N failed". Logs: build/logs/6.1-debug/.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
source tools/rig/lib/stage.sh
source tools/rig/lib/kernel.sh
export PPC_MMU_KERNEL=6.1-debug
logs=$(ppcmmu_logs_dir)

total_pass=0 total_fail=0
build() {
	local t0
	t0=$(date +%s)
	tools/rig/fetch-kernel.sh 6.1-debug || return 1
	echo "debug kernel $(cat build/kernel/6.1-debug/release) ready ($(( $(date +%s) - t0 ))s here)"
	make -s modules && echo "build: 1 passed, 0 failed"
}
ppcmmu_stage "debug kernel: build" build
[ "$total_fail" -eq 0 ] && ppcmmu_stage "debug kernel: images" ppcmmu_prepare_images selftests vmm
if [ "$total_fail" -eq 0 ]; then
	# One job per host, two at a time (tools/rig/lib/stage.sh: ppcmmu_jobs).
	# The VMM scenarios: every module path a guest takes, with the checkers
	# on; not the ones that only repeat a path at checker speed: dt-check
	# (the VMM's Open Firmware), hash-snapshot (the hash host's snapshot and
	# hash-save copy an HPT too), reboot-to-hash and reboot-to-radix
	# (live-reboot-to-* make the same reboots, with every check of theirs,
	# under dirty logging), hpt-ram (disable-radix's CAS with an HPT of
	# another order), default (live-reboot-to-hash's first boot is it),
	# legacy (disable-radix's switch to hash; what differs, the CAS
	# vector's reading and the VMM's pa-features edit, is not the kernel's,
	# and the CAS parser runs under ASan and UBSan in the unit tests and
	# fuzzers).
	# kvm-hv is the one rebuilt with tools/kvm-hv/patches (from this
	# kernel's own source): the checkers judge the fixes too (a sleep
	# under the preemption they disable, srcu and lockdep misuse).
	skip=dt-check,hash-snapshot,reboot-to-hash,reboot-to-radix,hpt-ram,default,legacy
	fixed="PPC_MMU_KVM_HV=fixed PPC_MMU_PREBUILT=1"
	ppcmmu_jobs \
		"debug kernel: vmm scenarios radix" "$fixed VMM_SKIP=$skip tools/stages/vmm-scenarios.sh radix" \
		"debug kernel: vmm scenarios hash" "$fixed VMM_SKIP=$skip tools/stages/vmm-scenarios.sh hash" \
		"debug kernel: emulated hosts radix" "$fixed tools/stages/run-hosts.sh radix" \
		"debug kernel: emulated hosts hash" "$fixed tools/stages/run-hosts.sh hash"

	# The checkers were on; a run without them proves nothing.
	pass=0 fail=0
	checkers() {	# checkers LOG WANT: the init's "checkers:" line is WANT
		local got
		got=$(grep -m1 '^ppcmmu-init: checkers: ' "$1" | sed 's/^ppcmmu-init: checkers: //')
		if [ "$got" = "$2" ]; then
			echo "ok $(basename "$1"): $got"; pass=$((pass + 1))
		else
			echo "not ok $(basename "$1"): checkers '${got:-none}', want '$2'"; fail=$((fail + 1))
		fi
	}
	kmemleak_ran() {	# kmemleak_ran LOG: the end-of-run scan happened
		if grep -qE '^ppcmmu-init: kmemleak: [0-9]+ unreferenced objects after the run' "$1"; then
			echo "ok $(basename "$1"): $(grep -m1 -oE 'kmemleak: [0-9]+ unreferenced objects after the run' "$1")"
			pass=$((pass + 1))
		else
			echo "not ok $(basename "$1"): no kmemleak scan at the end"; fail=$((fail + 1))
		fi
	}
	for log in "$logs/radix-kvm-hv-fixed.log" "$logs/vmm-radix.log"; do
		checkers "$log" "lockdep=1 kasan=1 kmemleak=1"
		kmemleak_ran "$log"
	done
	for log in "$logs/hash-kvm-hv-fixed.log" "$logs/vmm-hash.log"; do
		checkers "$log" "lockdep=1 kasan=1 kmemleak=1"
		kmemleak_ran "$log"
		if grep -q 'KASAN not enabled as it requires radix' "$log"; then
			echo "ok $(basename "$log"): KASAN built in and off (hash host)"; pass=$((pass + 1))
		else
			echo "not ok $(basename "$log"): no 'KASAN not enabled' line on the hash host"; fail=$((fail + 1))
		fi
	done
	if grep -q 'KASAN not enabled' "$logs/radix-kvm-hv-fixed.log"; then
		echo "not ok radix.log: KASAN off on the radix host"; fail=$((fail + 1))
	else
		echo "ok radix.log: KASAN active (radix host)"; pass=$((pass + 1))
	fi
	total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
	echo "checkers on: $pass passed, $fail failed"
fi
unset PPC_MMU_KERNEL
make -s modules >/dev/null || { echo "rebuilding the module for 6.1 failed"; total_fail=$((total_fail + 1)); }
echo "debug kernel: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
