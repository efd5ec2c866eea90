#!/usr/bin/env bash
# Prove the cross-built qemu-system-ppc64 (tools/qemu/build.sh) works where
# it is meant to: inside an emulated POWER9 host, booting Debian's kernel as a
# KVM-HV guest exactly as tools/stages/transparency.sh runs Debian's own QEMU
# (same host /init, tools/rig/hostroot/init.sh, same guests and options).
#
# The host initramfs is the shared Debian root (build/hostroot/rootfs.cpio.gz,
# never modified), then one more archive with the /init, the modules, the
# guests and our QEMU tree: the kernel unpacks concatenated archives in
# order, so our /usr/bin/qemu-system-ppc64 and /usr/share/qemu/vof.bin
# replace Debian's. init.sh prints `qemu-system-ppc64 --version`, whose
# package string names our build key, so the log shows which binary ran.
#
# Usage: tools/qemu/smoke.sh [HOST [GUESTS]]
#        HOST radix (default), hash or nested (a pseries L1 running KVM-HV
#        nested, on bookworm's QEMU 7.2: radix guests only; Linux with
#        disable_radix follows ibm,arch-vec-5-platform-support and runs
#        radix there, with and without the module; "legacy" is refused by
#        the module, which runs such guests hash only); GUESTS a comma list of
#        tools/rig/hostroot/init.sh's guests (default: default,disable-radix
#        on radix, default on hash)
# Env:   PPC_MMU_HOST_TIMEOUT=<s> (default 900)
#        QEMU_SMOKE_REBOOT=1  each guest reboots once (the machine reset
#        and a second boot; with the module, the reset goes through its
#        SET_STATE: the rebooted guest negotiates again at CAS)
#        QEMU_SMOKE_REBOOT=switch  the reboot changes the guest's MMU as an
#        admin would: once the guest is up, the monitor sets the machine's
#        kernel command line (qom-set /machine append, disable_radix
#        toggled; tools/qemu/smoke-qemu-wrapper.sh), the guest reboots and
#        its second boot runs the other MMU where the host has it (radix
#        host: default radix->hash, disable-radix hash->radix; hash host:
#        hash both times; nested: radix both times, Linux ignores
#        disable_radix there). Both runs must show the same two MMUs, and
#        with the module, CAS and GET_STATE must follow the switch and the
#        module's ppc_mmu_mode_switch tracepoint show it
#        QEMU_SMOKE_MIGRATE=1  each guest is migrated to a file at its
#        first tick and restored in a fresh QEMU (-incoming), which must let
#        it finish; with the module, the MMU state travels in the
#        spapr_kvm_ppc_mmu subsection and the destination applies it with
#        SET_STATE
#        QEMU_SMOKE_TREE=<dir>  boot this usr/bin + usr/share/qemu tree
#        instead of tools/qemu/build.sh's (a developer's incremental build;
#        the "ours" check then only wants "ppc-mmu" in the version)
#        QEMU_SMOKE_KVM_PPC_MMU=auto|on|off  the pseries kvm-ppc-mmu property
#        (patch 0002; default: not given, which is auto). With "on" the runs
#        without the module must fail at start with QEMU's refusal.
# Log:   build/logs/qemu-smoke-<host>[-<mode>].log; prints the host's and the
#        guests' lines and exits 0 only if every guest reached userspace in
#        both runs (with "on": only in the run with the module), printed the
#        same guest lines in both, and, in the run with the module, the
#        module did the work: QEMU opted the VM in and negotiated CAS through
#        it (QEMU's spapr_kvm_ppc_mmu_* trace lines), and the module's own
#        tracepoints (trace system ppc_mmu, read from tracefs after each run
#        and printed as "<run>.<guest>: kmod: ...") show its CAS verdict and
#        the guest's H_REGISTER_PROC_TBL answered in the kernel.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/rig/lib/qemu.sh
source "$root/tools/rig/lib/qemu.sh"
host=${1:-radix}
case $host in
radix) guests=${2:-default,disable-radix} ;;
hash) guests=${2:-default} ;;
nested) guests=${2:-default,disable-radix} ;;
*) echo "smoke: unknown host '$host' (radix, hash, nested)" >&2; exit 2 ;;
esac
timeout_s=${PPC_MMU_HOST_TIMEOUT:-900}
mode=${QEMU_SMOKE_KVM_PPC_MMU:-}
machine_opt=
case $mode in
'') ;;
auto|on|off) machine_opt="-machine kvm-ppc-mmu=$mode" ;;
*) echo "smoke: QEMU_SMOKE_KVM_PPC_MMU=$mode: auto, on or off" >&2; exit 2 ;;
esac
initrd=$root/build/qemu-smoke-host.cpio
reboot=${QEMU_SMOKE_REBOOT:-}
case $reboot in
''|1|switch) ;;
*) echo "smoke: QEMU_SMOKE_REBOOT=$reboot: 1 or switch" >&2; exit 2 ;;
esac
reboots=0 reboot_tag=
[ -n "$reboot" ] && reboots=1 reboot_tag=-reboot
[ "$reboot" = switch ] && reboot_tag=-reboot-switch
migrate=${QEMU_SMOKE_MIGRATE:-}
[ -n "$reboot" ] && [ -n "$migrate" ] && { echo "smoke: reboot or migrate, not both" >&2; exit 2; }
log=$root/build/logs/qemu-smoke-$host${mode:+-$mode}$reboot_tag${migrate:+-migrate}.log

set -e
if [ -n "${QEMU_SMOKE_TREE:-}" ]; then
	qemu_tree=$QEMU_SMOKE_TREE
else
	qemu_tree=$(bash "$root/tools/qemu/build.sh" | tail -n1)
fi
make -s -C "$root" modules
bash "$root/tools/rig/guest/mkguest.sh"
# The host root is shared with other worktrees and the test suite: use it,
# never rebuild it from here (mkhostroot.sh starts with rm -rf).
if [ ! -s "$root/build/hostroot/rootfs.cpio.gz" ] || [ ! -f "$root/build/hostroot/.complete" ]; then
	echo "smoke: no build/hostroot (run tools/rig/hostroot/mkhostroot.sh)" >&2
	exit 1
fi
kdir=$(ppcmmu_kernel_dir)
stage=$(mktemp -d)
trap 'rm -rf "$stage" "$stage.cpio"' EXIT
mkdir -p "$stage"/{modules,guest}
install -m 755 "$root/tools/rig/hostroot/init.sh" "$stage/init"
install -m 644 "$root/tools/rig/hostroot/host-lib.sh" "$stage/host-lib.sh"
cp "$kdir/kvm.ko" "$kdir/kvm-hv.ko" "$root/kvm-ppc-mmu.ko" "$stage/modules/"
cp "$root"/build/guest/{vmlinux,vmlinux-legacy,initramfs.cpio} "$stage/guest/"
cp -a "$qemu_tree/usr" "$stage/"
# init.sh runs qemu-system-ppc64 with fixed options: the binary moves aside
# and tools/qemu/smoke-qemu-wrapper.sh takes its place (see there).
mv "$stage/usr/bin/qemu-system-ppc64" "$stage/usr/bin/qemu-system-ppc64.ppc-mmu"
sed "s|@MACHINE_OPT@|$machine_opt|" "$root/tools/qemu/smoke-qemu-wrapper.sh" \
	>"$stage/usr/bin/qemu-system-ppc64"
chmod 755 "$stage/usr/bin/qemu-system-ppc64"
# gzip: QEMU 10's powernv loads at most 128 MiB of initrd (transparency.sh).
(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$stage.cpio"
cp "$root/build/hostroot/rootfs.cpio.gz" "$initrd"
truncate -s %4 "$initrd"
cat "$stage.cpio" >>"$initrd"
set +e

mkdir -p "$(dirname "$log")"
t0=$(date +%s)
run_host "$host" "$initrd" "$log" "$timeout_s" "panic=-1 tguests=$guests${reboot:+ qsmoke.reboot=$reboot}${migrate:+ qsmoke.migrate=1}"
rc=$?
echo "# $host host: qemu status $rc, $(( $(date +%s) - t0 ))s wall, console log $log"
grep -E '^hostinit: |^(without-module|with-module)\.[a-z-]+: (guest: |qemu-system-ppc64: |[0-9@.]*spapr_kvm_ppc_mmu|kmod: |monitor: )' "$log"
# check_module_work GUEST: in the run with the module, the MMU of GUEST
# was negotiated by the module (QEMU's trace of the ioctl and the module's
# own tracepoint agree on the mode), the guest's process-table registration
# was answered in the kernel, and QEMU's view was refreshed from it. The
# mode wanted: radix for "default" on a radix host, hash otherwise. The
# guest's lines must be the same in both runs (for "legacy": but for the
# MMU it runs, see below).
check_module_work() {
	local g=$1 p="with-module.$1: " radix=0 radix2 bad=0
	case $host/$g in radix/default|nested/default|nested/disable-radix) radix=1 ;; esac
	# After a switching reboot: the other mode on a radix host.
	radix2=$radix
	[ "$reboot" = switch ] && [ "$host" = radix ] && radix2=$((!radix))
	grep -qE "^${p}[0-9@.]*spapr_kvm_ppc_mmu_opt_in ret=0 " "$log" || {
		echo "# $p QEMU did not opt the VM in"; bad=1; }
	grep -qE "^${p}[0-9@.]*spapr_kvm_ppc_mmu_cas ret=0 status=0 .* radix=$radix " "$log" || {
		echo "# $p no accepted CAS through the module with radix=$radix"; bad=1; }
	grep -qE "^${p}kmod: .*ppc_mmu_cas: " "$log" || {
		echo "# $p no ppc_mmu_cas tracepoint from the module"; bad=1; }
	grep -qE "^${p}kmod: .*ppc_mmu_register_proc_tbl: " "$log" || {
		echo "# $p no ppc_mmu_register_proc_tbl tracepoint: H_REGISTER_PROC_TBL not in the kernel"; bad=1; }
	grep -qE "^${p}[0-9@.]*spapr_kvm_ppc_mmu_state ret=0 radix=$radix " "$log" || {
		echo "# $p QEMU never read the module's state (GET_STATE) with radix=$radix"; bad=1; }
	if [ "$reboot" = switch ]; then
		# The second boot's CAS and the state QEMU read last.
		grep -E "^${p}[0-9@.]*spapr_kvm_ppc_mmu_cas ret=0 status=0 " "$log" | tail -n1 |
			grep -qE " radix=$radix2 " || {
			echo "# $p the rebooted guest's CAS was not radix=$radix2"; bad=1; }
		grep -E "^${p}[0-9@.]*spapr_kvm_ppc_mmu_state ret=0 " "$log" | tail -n1 |
			grep -qE " radix=$radix2 " || {
			echo "# $p GET_STATE after the reboot did not say radix=$radix2"; bad=1; }
		if [ "$host/$radix" = radix/1 ]; then
			grep -qE "^${p}kmod: .*ppc_mmu_mode_switch: .*from=radix to=hash " "$log" || {
				echo "# $p no radix->hash switch by the module after the reboot"; bad=1; }
		fi
	fi
	# Every machine reset (at start, and the reboot's) through SET_STATE
	local resets
	# (with migration: the source's reset, the destination's, and the
	# destination loading the stream's state)
	resets=$(grep -cE "^${p}kmod: .*ppc_mmu_set_state: .* ret=0$" "$log")
	[ "$resets" -eq $((reboots ? 2 : migrate ? 3 : 1)) ] || {
		echo "# $p $resets successful ppc_mmu_set_state (machine resets, migration)"; bad=1; }
	if [ -n "$migrate" ]; then
		grep -qE "^${p}[0-9@.]*spapr_kvm_ppc_mmu_load ret=0 radix=$radix " "$log" || {
			echo "# $p the destination did not restore the MMU (radix=$radix) through SET_STATE"; bad=1; }
	fi
	if [ -n "$reboot" ]; then
		[ "$(grep -cE "^${p}kmod: .*ppc_mmu_cas: .* status=accepted" "$log")" -eq 2 ] || {
			echo "# $p not two accepted CAS (one a boot)"; bad=1; }
		if [ $radix = 0 ] && [ "$host" = radix ]; then
			grep -qE "^${p}kmod: .*ppc_mmu_mode_switch: .*from=hash to=radix .*cause=set_state" "$log" || {
				echo "# $p the reset did not take the hash VM back to radix"; bad=1; }
		fi
	fi
	if [ "$g" = legacy ]; then
		# The one intended difference: a guest without ISA 3.00 in its
		# vector runs hash under the module (the radix bit of its
		# pa-features hidden either way), where QEMU alone gives it the
		# radix its OV5 asks for.
		# shellcheck disable=SC2015 # the || part is only the complaint
		grep -qxF "${p}guest: MMU : Hash" "$log" &&
		grep -qxF "${p}guest: pa-features radix bit: 0" "$log" || {
			echo "# $p the legacy guest did not run hash with the radix bit hidden"; bad=1; }
		grep -qE "^${p}[0-9@.]*spapr_kvm_ppc_mmu_cas ret=0 status=0 .* legacy=1 " "$log" || {
			echo "# $p the module did not call the guest legacy"; bad=1; }
	fi
	local skip='^$'
	[ "$g" = legacy ] && skip='^(MMU : |ibm,pft-size: )'
	if [ "$reboot" = switch ]; then
		# The MMU of each boot, in both runs: the switch is the command
		# line's doing, not the module's.
		local want run m1=Hash m2=Hash
		[ $radix = 1 ] && m1=Radix
		[ $radix2 = 1 ] && m2=Radix
		want="MMU : $m1
MMU : $m2"
		for run in without-module with-module; do
			[ "$mode" = on ] && [ $run = without-module ] && continue
			[ "$(guest_lines $run "$g" | grep '^MMU : ')" = "$want" ] || {
				echo "# $run.$g: MMU lines are not: $want"; bad=1; }
		done
		grep -qE "^${p}monitor: append now \".*" "$log" || {
			echo "# $p the monitor did not report the new append"; bad=1; }
		if [ "$host/$radix/$radix2" = radix/0/1 ]; then
			# hash -> radix: the one difference. QEMU 7.2 alone keeps
			# the hash boot's htab_shift over the reset
			# (spapr_machine_reset frees no HPT when KVM can do radix),
			# so the radix guest still reads that ibm,pft-size; with
			# the module, QEMU takes hpt_order 0 from GET_STATE after
			# SET_STATE freed the table, as in a first radix boot.
			skip='^ibm,pft-size: '
			[ "$(guest_lines with-module "$g" | sed -n 's/^ibm,pft-size: //p' | tail -n1)" = 0 ] || {
				echo "# $p the rebooted radix guest's ibm,pft-size is not 0"; bad=1; }
		fi
	fi
	# (with "on" the run without the module never started a guest)
	if [ "$mode" != on ] &&
	   [ "$(guest_lines without-module "$g" | grep -Ev "$skip")" != \
	     "$(guest_lines with-module "$g" | grep -Ev "$skip")" ]; then
		echo "# $g: the guest's lines differ with and without the module:"
		diff <(guest_lines without-module "$g") <(guest_lines with-module "$g") | sed 's/^/#   /'
		bad=1
	fi
	return $bad
}

ok=1
[ $rc -eq 0 ] && grep -q '^hostinit: done' "$log" || ok=0
ours="ppc-mmu $(basename "$qemu_tree" | sed 's/.*-//')"
[ -n "${QEMU_SMOKE_TREE:-}" ] && ours="ppc-mmu"
grep -q "^hostinit: QEMU emulator version .*$ours" "$log" || {
	echo "# not our qemu-system-ppc64 in the host"; ok=0; }
# What the guest sees must not depend on who negotiated its MMU.
# (A "clock jumped" line is a stall of the loaded emulated host, not
# something the module decides: left out.)
guest_lines() { sed -n "s/^$1\\.$2: guest: //p" "$log" | grep -v '^clock jumped: '; }
for g in ${guests//,/ }; do
	for run in without-module with-module; do
		# The probe: ENOTTY (-25) without the module, its caps with it;
		# "off" never asks (ret=0, nothing found).
		want="auto: ret=-25 abi=0 "
		[ $run = with-module ] && want="auto: ret=0 abi=[1-9]"
		case $mode/$run in
		on/without-module) want="on: ret=-25 abi=0 " ;;
		on/with-module) want="on: ret=0 abi=[1-9]" ;;
		off/*) want="off: ret=0 abi=0 " ;;
		esac
		if grep -q 'spapr_kvm_ppc_mmu_probe' "$log" &&
		   ! grep -qE "^$run\.$g: .*spapr_kvm_ppc_mmu_probe kvm-ppc-mmu=$want" "$log"; then
			echo "# $run.$g: the kvm-ppc-mmu probe did not say '$want'"; ok=0
		fi
		if [ "$host/$g/$run" = nested/legacy/with-module ] && [ "$mode" != off ]; then
			# The refusal: a guest without ISA 3.00 must run hash,
			# which a nested host cannot give. The module says so at
			# CAS and QEMU stops as it does for any unavailable mode.
			# (QEMU alone runs it radix, as its OV5 asks.)
			grep -qxF "$run.$g: qemu-system-ppc64: Guest requested unavailable MMU mode (hash)." "$log" || {
				echo "# $run.$g: no refusal of the legacy guest"; ok=0; }
			grep -qE "^hostinit: $run\.$g: qemu exit=1 " "$log" || {
				echo "# $run.$g: qemu did not exit 1"; ok=0; }
			# shellcheck disable=SC2015 # the || part is only the complaint
			grep -qE "^$run\.$g: [0-9@.]*spapr_kvm_ppc_mmu_cas ret=0 status=1 " "$log" &&
			grep -qE "^$run\.$g: kmod: .*ppc_mmu_cas: .*status=mode_unavailable" "$log" || {
				echo "# $run.$g: the refusal was not the module's"; ok=0; }
			continue
		fi
		if [ "$mode/$run" = on/without-module ]; then
			grep -qF "$run.$g: qemu-system-ppc64: kvm-ppc-mmu=on requires KVM-HV with the kvm-ppc-mmu module loaded in the host" "$log" || {
				echo "# $run.$g: no refusal of kvm-ppc-mmu=on without the module"; ok=0; }
			grep -qE "^hostinit: $run\.$g: qemu exit=1 " "$log" || {
				echo "# $run.$g: qemu did not exit 1"; ok=0; }
			continue
		fi
		boots=$(grep -cxF "$run.$g: guest: userspace reached" "$log")
		[ "$boots" -eq $((reboots ? 2 : 1)) ] || {
			echo "# $run.$g: 'guest: userspace reached' $boots times"; ok=0; }
		[ -z "$migrate" ] || grep -qF "$run.$g: monitor: saved " "$log" || {
			echo "# $run.$g: the guest was not migrated"; ok=0; }
		[ "$run" = with-module ] && [ "$mode" != off ] && {
			check_module_work "$g" || ok=0; }
		grep -qE "^hostinit: $run\.$g: qemu exit=0 " "$log" || {
			echo "# $run.$g: qemu did not exit 0"; ok=0; }
	done
done
if grep -qE "$kernel_trouble_re" "$log"; then
	echo "# kernel trouble on the console:"; grep -m3 -E "$kernel_trouble_re" "$log"; ok=0
fi
[ $ok = 1 ] && echo "qemu smoke ($host${mode:+, kvm-ppc-mmu=$mode}${reboot_tag//-/, }${migrate:+, migrate}): ok" ||
	echo "qemu smoke ($host${mode:+, kvm-ppc-mmu=$mode}${reboot_tag//-/, }${migrate:+, migrate}): FAILED"
[ $ok = 1 ]
