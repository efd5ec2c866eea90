#!/usr/bin/env bash
# Three QEMUs, one emulated host boot, the same guests (tools/qemu/compare-init.sh):
#   (a) unpatched       Debian bookworm's qemu-system-ppc64 7.2, as shipped
#   (b) patched         ours (tools/qemu/build.sh), kvm-ppc-mmu.ko not loaded
#   (c) patched-module  ours with the module loaded
# and requires (a) and (b) to print identical guest lines ("guest: ..."),
# and (c) the same too, but for the one deliberate difference: the legacy
# guest (a kernel without ISA 3.00 in its CAS vector) runs radix under QEMU
# alone, with the radix bit of its pa-features hidden, and hash under the
# module (its "MMU :" and "ibm,pft-size:" lines); on a nested host the module
# refuses it instead (QEMU exits 1: "Guest requested unavailable MMU mode").
# (b) must also show our QEMU probing and finding no module, (c) the module
# negotiating every CAS (its ppc_mmu_cas tracepoint).
#
# Usage: tools/qemu/compare.sh [HOST [GUESTS]]
#        HOST radix (default), hash or nested; GUESTS a comma list of
#        default, disable-radix, legacy (default: all three on radix,
#        default,disable-radix on hash and nested)
# Env:   PPC_MMU_HOST_TIMEOUT=<s> (default 900)
#        QEMU_COMPARE_DT=1  the guests also print their whole device tree
#        (guest.dt=1), so (a), (b) and (c) must build the same one
# Log:   build/logs/qemu-compare-<host>.log
# shellcheck disable=SC2015 # "A && B || { complain; }": C only complains
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/qemu/lib.sh
source "$root/tools/qemu/lib.sh"
host=${1:-radix}
case $host in
radix) guests=${2:-default,disable-radix,legacy} ;;
hash|nested) guests=${2:-default,disable-radix} ;;
*) echo "compare: unknown host '$host' (radix, hash, nested)" >&2; exit 2 ;;
esac
log=$root/build/logs/qemu-compare-$host${QEMU_COMPARE_DT:+-dt}.log
initrd=$root/build/qemu-compare-host.cpio
mkdir -p "$root/build/logs"

qemu_side_by_side_initrd "$initrd" || { echo "compare: could not build the host initramfs" >&2; exit 1; }
t0=$(date +%s)
run_host "$host" "$initrd" "$log" "${PPC_MMU_HOST_TIMEOUT:-900}" "panic=-1 tguests=$guests qcmp.mode=compare${QEMU_COMPARE_DT:+ qcmp.dt=1}"
rc=$?
echo "# $host host: qemu status $rc, $(($(date +%s) - t0))s wall, console log $log"
grep -E '^hostinit: |^(unpatched|patched|patched-module)\.[a-z-]+: (guest: |qemu-system-ppc64: |kmod: .*ppc_mmu_(cas|mode_switch|hpt_install):)' "$log"

ok=1
[ $rc -eq 0 ] && grep -q '^hostinit: done' "$log" || { echo "# the host did not finish"; ok=0; }
grep -q "^hostinit: unpatched: QEMU emulator version 7.2.*Debian" "$log" &&
	! grep -q "^hostinit: unpatched: .*ppc-mmu" "$log" || { echo "# (a) is not Debian's QEMU"; ok=0; }
grep -q "^hostinit: patched: QEMU emulator version .*ppc-mmu $(basename "$qemu_tree" | sed 's/.*-//')" "$log" || {
	echo "# (b)/(c) is not this build of ours"; ok=0; }
# (/chosen/rng-seed: random bytes QEMU puts there at every reset)
guest_lines() { sed -n "s/^$1\\.$2: guest: //p" "$log" | grep -vE '^(dt: /chosen/rng-seed |clock jumped: )'; }
for g in ${guests//,/ }; do
	for run in unpatched patched patched-module; do
		[ "$host/$g/$run" = nested/legacy/patched-module ] && continue
		grep -qxF "$run.$g: guest: userspace reached" "$log" &&
			grep -qE "^hostinit: $run\.$g: qemu exit=0 " "$log" || {
			echo "# $run.$g: the guest did not reach userspace, or qemu did not exit 0"; ok=0; }
	done
	if [ "$(guest_lines unpatched "$g")" != "$(guest_lines patched "$g")" ]; then
		echo "# $g: (a) unpatched and (b) patched without the module differ:"
		diff <(guest_lines unpatched "$g") <(guest_lines patched "$g") | sed 's/^/#   /'
		ok=0
	fi
	grep -qE "^patched\.$g: [0-9@.]*spapr_kvm_ppc_mmu_probe kvm-ppc-mmu=auto: ret=-25 " "$log" || {
		echo "# patched.$g: our QEMU did not probe and find no module"; ok=0; }
	if [ "$host/$g" = nested/legacy ]; then
		grep -qxF "patched-module.$g: qemu-system-ppc64: Guest requested unavailable MMU mode (hash)." "$log" || {
			echo "# patched-module.$g: no refusal of the legacy guest on a nested host"; ok=0; }
		continue
	fi
	grep -qE "^patched-module\.$g: kmod: .*ppc_mmu_cas: .*status=accepted" "$log" || {
		echo "# patched-module.$g: the module did not negotiate CAS"; ok=0; }
	skip='^$'
	if [ "$g" = legacy ]; then
		# The deliberate difference (DESIGN.md): QEMU alone gives the legacy
		# guest radix, with its pa-features radix bit hidden; the module
		# runs it hash.
		skip='^(MMU : |ibm,pft-size: )'
		guest_lines patched "$g" | grep -qxF "MMU : Radix" &&
			guest_lines patched-module "$g" | grep -qxF "MMU : Hash" || {
			echo "# legacy: not radix under QEMU alone and hash under the module"; ok=0; }
	fi
	if [ "$(guest_lines patched "$g" | grep -Ev "$skip")" != "$(guest_lines patched-module "$g" | grep -Ev "$skip")" ]; then
		echo "# $g: (b) patched without and (c) with the module differ:"
		diff <(guest_lines patched "$g") <(guest_lines patched-module "$g") | sed 's/^/#   /'
		ok=0
	fi
done
if grep -qE "$kernel_trouble_re" "$log"; then
	echo "# kernel trouble on the console:"; grep -m3 -E "$kernel_trouble_re" "$log"; ok=0
fi
if [ $ok = 1 ]; then
	echo "qemu compare ($host, $guests: unpatched = patched = patched+module, legacy's MMU aside): ok"
else
	echo "qemu compare ($host): FAILED"
fi
[ $ok = 1 ]
