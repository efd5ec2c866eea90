#!/bin/bash
# qemu-probe.sh CASE: the patched QEMU's probe of a module that is loaded
# but must not be used, the module reloaded by admin-qemu.sh with a
# test-only parameter that makes it answer as such a module would:
#   old-abi      test_report_abi_version=3: an ABI older than the series
#                needs (SPAPR_KVM_PPC_MMU_MIN_ABI 4)
#   preemptible  test_as_preemptible=1: the module judges the kernel
#                preemptible and withholds hash, as on every 7.x host, so
#                it offers guests less than KVM alone
#   cas-fails    test_hpt_alloc_fail=1: the module's CAS to hash fails for
#                want of memory. Under auto QEMU negotiates itself
#                (qemu-compare.sh's fallback); under on it must exit with
#                the reason once the guest calls CAS, as it does for a mode
#                it cannot give, not leave a guest that would hang (its
#                VM still radix, the guest going on as hash)
# For each, kvm-ppc-mmu=auto must start the VM without the module and say
# why (the VM is then what kvm-ppc-mmu=off gives, which qemu-compare.sh
# shows is what stock QEMU gives), and kvm-ppc-mmu=on must refuse the old
# ABI with its reason and take the radix-only module, as asked.
# QEMU is started stopped (-S) and quits through its monitor: the probe
# and the opt-in happen at machine creation, before the guest's first
# instruction, so no guest needs to boot.
#
# Lines: "ppcmmu-admin: ok - ..." / "not ok - ..." (lib.sh's check).
set -u
P=/mnt/payload
# shellcheck source=tools/rig/hostroot/host-lib.sh
. "$P/host-lib.sh"
# shellcheck source=tools/debian13/payload/lib.sh
. "$P/lib.sh"
guest_ram
patched=/opt/ppc-mmu/usr/bin/qemu-system-ppc64
case=$1

# start MODE: the patched QEMU with kvm-ppc-mmu=MODE, quit at once; its
# stderr (the probe's trace and warnings) in /tmp/probe-MODE.err, its exit
# status in /tmp/probe-MODE.rc.
start() {
	# shellcheck disable=SC2086 # $mem is several options
	echo quit | timeout -k 5 120 "$patched" \
		-M pseries,accel=kvm,kvm-ppc-mmu=$1,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off$hpt_page_cap \
		-nodefaults -display none -S -monitor stdio $mem -smp 2 \
		-trace 'spapr_kvm_ppc_mmu_*' >/dev/null 2>"/tmp/probe-$1.err"
	echo "$?" >"/tmp/probe-$1.rc"
	sed "s/^/probe: $case, kvm-ppc-mmu=$1: /" "/tmp/probe-$1.err"
}

# ran_without_module: auto started, quit cleanly and never opted the VM in
ran_without_module() {
	[ "$(cat /tmp/probe-auto.rc)" = 0 ] &&
		! grep -q 'spapr_kvm_ppc_mmu_enable' /tmp/probe-auto.err &&
		grep -q "$1" /tmp/probe-auto.err
}

case $case in old-abi|preemptible)
	start auto
	start on ;;
esac
case $case in
old-abi)
	check "old ABI: the probe read ABI 3" \
		grep -q 'spapr_kvm_ppc_mmu_probe kvm-ppc-mmu=auto: ret=0 abi=3 ' /tmp/probe-auto.err
	check "old ABI: kvm-ppc-mmu=auto runs the VM without the module and says why" \
		ran_without_module "kvm-ppc-mmu: the module's ABI version 3 is older than 4, continuing without it"
	check "old ABI: kvm-ppc-mmu=on refuses to start, with the reason (exit $(cat /tmp/probe-on.rc))" \
		sh -c '[ "$(cat /tmp/probe-on.rc)" = 1 ] &&
		       grep -q "kvm-ppc-mmu=on: the module.s ABI version 3 is older than 4" /tmp/probe-on.err'
	;;
preemptible)
	check "preemptible: the module withholds hash and says why" \
		sh -c 'dmesg | grep -q "kvm-ppc-mmu: hash guests withheld: this kernel is preemptible"'
	check "preemptible: the probe read radix only" \
		grep -q 'spapr_kvm_ppc_mmu_probe kvm-ppc-mmu=auto: ret=0 abi=[0-9]* radix=1 hash=0 ' /tmp/probe-auto.err
	check "preemptible: kvm-ppc-mmu=auto runs the VM without the module and says why" \
		ran_without_module "kvm-ppc-mmu: the module offers radix guests where KVM offers radix and hash, continuing without it"
	check "preemptible: kvm-ppc-mmu=on opts the VM in, radix only (exit $(cat /tmp/probe-on.rc))" \
		sh -c '[ "$(cat /tmp/probe-on.rc)" = 0 ] && grep -q "spapr_kvm_ppc_mmu_enable ret=0" /tmp/probe-on.err'
	;;
cas-fails)
	guest_dir=$P/guest
	guest_boot disable-radix
	# shellcheck disable=SC2086 # $mem is several options
	timeout -k 5 600 "$patched" \
		-M pseries,accel=kvm,kvm-ppc-mmu=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off$hpt_page_cap \
		-nodefaults -display none -no-reboot $mem -smp 2 \
		-kernel "$kernel" -initrd "$guest_dir/initramfs.cpio" \
		-append "console=hvc0 loglevel=5 panic=-1 $append" \
		-serial file:/tmp/probe-cas.console -trace 'spapr_kvm_ppc_mmu_*' </dev/null >/tmp/probe-cas.err 2>&1
	rc=$?
	sed 's/^/probe: cas-fails, kvm-ppc-mmu=on: /' /tmp/probe-cas.err | grep -v set_hpt_order
	check "CAS failing: kvm-ppc-mmu=on exits with the module's reason when the guest calls CAS (exit $rc)" \
		sh -c "[ $rc = 1 ] && grep -q 'spapr_kvm_ppc_mmu_cas ret=0 status=3 reason=4 ' /tmp/probe-cas.err &&
		       grep -q 'kvm-ppc-mmu=on: CAS through the module failed (busy or out of memory)' /tmp/probe-cas.err &&
		       grep -aq 'Calling ibm,client-architecture-support' /tmp/probe-cas.console"
	;;
*)
	check "qemu-probe.sh: known case $case" false
	;;
esac
