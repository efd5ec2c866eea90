#!/usr/bin/env bash
# The reference VMM (tools/vmm) boots Debian's own Linux kernel as a guest
# in each emulated POWER9 host, through the module's CAS and process-table
# paths, and this script judges what the guest and the VMM printed.
#
# Usage: tools/vmm-scenarios.sh [radix] [hash] [nested]   (default: all three)
# Env:   VMM_ONLY=<scenario>  run one scenario (default, legacy, snapshot, ...)
#
# Scenarios (tools/vmm/scenarios.sh runs them inside the host):
#   radix host   default -> Radix; legacy (no ISA 3.00) -> refused (hash is
#                impossible on this POWER9 next to radix); snapshot -> Radix,
#                saved after "tick 1" and continued in a fresh VM
#   hash host    default -> Hash; disable_radix -> Hash; legacy -> Hash with
#                the radix bit gone from ibm,pa-features; snapshot -> Hash
#   nested host  default -> Radix; legacy (hash-only request) -> refused
# Prints "ok N <host>/<scenario>: <what>" per check, each scenario's wall
# time, and ends with "vmm scenarios: N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib/qemu.sh"
hosts=("$@")
[ ${#hosts[@]} -eq 0 ] && hosts=(radix hash nested)
logs=$root/build/logs
mkdir -p "$logs"

bash "$root/tools/setup.sh" >/dev/null || { echo "setup failed"; echo "vmm scenarios: 0 passed, 1 failed"; exit 1; }
make -s -C "$root" modules || exit 1
initrd=$root/build/vmm-initramfs.cpio
"$root/tools/vmm/mkhostinitrd.sh" "$initrd" || { echo "vmm scenarios: 0 passed, 1 failed"; exit 1; }

pass=0 fail=0 n=0

check() {	# check <ok?> <text>
	n=$((n + 1))
	if [ "$1" = 1 ]; then echo "ok $n $2"; pass=$((pass + 1));
	else echo "not ok $n $2"; fail=$((fail + 1)); fi
}

section() {	# the console between "scenario: NAME begin" and its end line
	awk -v b="scenario: $1 begin" -v e="scenario: $1 end " \
		'$0 == b {on=1; next} on && index($0, e) == 1 {print; exit} on' "$log"
}

has() { grep -qF -- "$2" <<<"$1" && echo 1 || echo 0; }
hasnt() { grep -qF -- "$2" <<<"$1" && echo 0 || echo 1; }
exit_is() { grep -qE "^scenario: .* end exit=$2 " <<<"$1" && echo 1 || echo 0; }

# The guest booted to userspace in MMU mode $3 and powered off cleanly.
boots() {
	local s=$1 id=$2 mmu=$3 mode
	mode=$(tr '[:upper:]' '[:lower:]' <<<"$mmu")
	check "$(has "$s" "vmm: CAS: the module chose $mode")" "$id: CAS through the module chose $mode"
	check "$(has "$s" "guest: userspace reached")" "$id: the guest reached userspace"
	check "$(has "$s" "guest: MMU : $mmu")" "$id: the guest's /proc/cpuinfo says MMU : $mmu"
	check "$(has "$s" "guest: tick 3")" "$id: the guest kept running (tick 3)"
	check "$(exit_is "$s" 0)" "$id: the guest powered off, VMM exit 0"
}

refused() {
	local s=$1 id=$2
	check "$(has "$s" "vmm: CAS refused: MMU mode unavailable")" "$id: CAS refused with an explanation"
	check "$(exit_is "$s" 3)" "$id: the VMM stopped the VM (exit 3)"
	check "$(hasnt "$s" "guest: userspace reached")" "$id: the guest did not run on in a mode it did not ask for"
}

# Ticks after the restore come from the fresh VM.
snapshot() {
	local s=$1 id=$2 after
	after=$(sed -n '/vmm: snapshot: restored into a fresh VM/,$p' <<<"$s")
	check "$(has "$s" "vmm: snapshot: restored into a fresh VM")" "$id: saved after tick 1 and restored into a fresh VM"
	check "$(( $(has "$after" "guest: tick 2") & $(has "$after" "guest: tick 3") ))" \
		"$id: the guest printed ticks 2 and 3 from the fresh VM"
}

judge() {	# judge <host> <scenario> <section>
	local host=$1 name=$2 s=$3 id="$1/$2"
	if [ -z "$s" ]; then check 0 "$id: scenario did not run"; return; fi
	case $host/$name in
	radix/default|nested/default)
		boots "$s" "$id" Radix
		check "$(has "$s" "guest: pa-features radix bit: 1")" "$id: ibm,pa-features shows radix" ;;
	radix/legacy|nested/legacy)
		refused "$s" "$id" ;;
	radix/snapshot)
		boots "$s" "$id" Radix; snapshot "$s" "$id" ;;
	hash/default|hash/disable-radix)
		boots "$s" "$id" Hash ;;
	hash/legacy)
		boots "$s" "$id" Hash
		check "$(has "$s" "legacy guest: radix bit cleared in ibm,pa-features")" "$id: the VMM hid the radix bit"
		check "$(has "$s" "guest: pa-features radix bit: 0")" "$id: the guest sees no radix bit in ibm,pa-features" ;;
	hash/snapshot)
		boots "$s" "$id" Hash; snapshot "$s" "$id"
		check "$(has "$s" "HPTEs copied")" "$id: the HPT went across through KVM's HTAB fd" ;;
	*)	check 0 "$id: no expectations for this scenario" ;;
	esac
}

for host in "${hosts[@]}"; do
	log=$logs/vmm-$host.log
	start=$(date +%s)
	run_host "$host" "$initrd" "$log" 1500 "ppcmmu.run=vmm-scenarios ${VMM_ONLY:+vmm.only=$VMM_ONLY}"
	rc=$?
	echo "# $host host: $(( $(date +%s) - start ))s in all (console log: $log)"
	check "$([ $rc -eq 0 ] && grep -q '^vmm-scenarios: done' "$log" && echo 1 || echo 0)" \
		"$host: the host ran every scenario and powered off (qemu status $rc)"
	trouble=$(grep -m1 -E "$kernel_trouble_re" "$log")
	check "$([ -z "$trouble" ] && echo 1 || echo 0)" "$host: no kernel trouble, host or guest${trouble:+ ($trouble)}"
	for name in $(sed -n 's/^scenario: \([^ ]*\) begin$/\1/p' "$log"); do
		echo "# $host/$name: $(grep -m1 "^scenario: $name end" "$log" | sed 's/.* secs=/wall /')s"
		judge "$host" "$name" "$(section "$name")"
	done
done
echo "vmm scenarios: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
