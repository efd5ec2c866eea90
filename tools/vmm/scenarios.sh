#!/bin/sh
# Runs inside the emulated POWER9 host (as /vmm-scenarios, under busybox):
# loads kvm-ppc-mmu, then boots the guest with the reference VMM once per
# scenario of this host kind. tools/stages/vmm-scenarios.sh judges the console.
# Each scenario prints "scenario: NAME begin" ... "scenario: NAME end exit=N secs=S".
# Kernel command line: ppcmmu.host=radix|hash|nested|dd20 (which list),
#                      vmm.only=NAME (just that one), vmm.timeout=S (per guest, 300),
#                      vmm.smp=N (vcpus per guest; default: the VMM's, 4).
/bin/busybox --install -s /bin
export PATH=/bin

host=$PPC_MMU_EXPECT_HOST
only=$(sed -n 's/.*vmm\.only=\([^ ]*\).*/\1/p' /proc/cmdline)
timeout=$(sed -n 's/.*vmm\.timeout=\([0-9]*\).*/\1/p' /proc/cmdline)
smp=$(sed -n 's/.*vmm\.smp=\([0-9]*\).*/\1/p' /proc/cmdline)
guest="--initrd /guest/initramfs.cpio --mem 512 --timeout ${timeout:-300} ${smp:+--smp $smp}"
args="console=hvc0"

echo "vmm-scenarios: host=$host"
insmod /kvm-ppc-mmu.ko || echo "vmm-scenarios: insmod kvm-ppc-mmu.ko failed"

scenario() {
	name=$1
	shift
	[ -n "$only" ] && [ "$only" != "$name" ] && return
	echo "scenario: $name begin"
	t0=$(cut -d' ' -f1 /proc/uptime)
	/ppc-mmu-vmm "$@"
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "scenario: $name end exit=$rc secs=$(awk "BEGIN { print $t1 - $t0 }")"
}

# The guest's RAM (--mem 512) calls for an HPT of 512 MiB / 128 = 2^22 bytes.
hash_on_radix="$args disable_radix"
# A preemptible host kernel (uname -v says PREEMPT...): the module withholds
# hash there, since KVM-HV can hang the host under a hash guest
# (kmod/logic/host_modes.c). The radix host then gives radix only, as the
# DD2.0 host does; the hash host gives nothing, so a guest is refused at CAS.
# Scenarios that need hash do not run.
preemptible=
uname -v | grep -q PREEMPT && preemptible=1
echo "vmm-scenarios: preemptible kernel: ${preemptible:-no}"
# A scenario that boots a guest in hash, which a preemptible host skips.
hash_scenario() {
	[ -z "$preemptible" ] && scenario "$@"
}

case $host${preemptible:+-preemptible} in
hash-preemptible)
	scenario default --kernel /guest/vmlinux $guest --append "$args"
	scenario legacy --kernel /guest/vmlinux-legacy $guest --append "$args"
	;;
radix|radix-preemptible)	# POWER9 DD2.2, as real hosts: the guest picks its MMU at CAS
	scenario default --kernel /guest/vmlinux $guest --append "$args"
	scenario disable-radix --kernel /guest/vmlinux $guest --append "$hash_on_radix"
	scenario legacy --kernel /guest/vmlinux-legacy $guest --append "$args"
	scenario snapshot --kernel /guest/vmlinux $guest --append "$args" \
		--snapshot-after "guest: tick 1"
	hash_scenario hash-snapshot --kernel /guest/vmlinux $guest --append "$hash_on_radix" \
		--snapshot-after "guest: tick 1"
	hash_scenario reboot-to-hash --kernel /guest/vmlinux $guest --append "$args guest.reboot=1" \
		--reboot-append "$hash_on_radix"
	hash_scenario reboot-to-radix --kernel /guest/vmlinux $guest \
		--append "$hash_on_radix guest.reboot=1" --reboot-append "$args"
	scenario dt-check --kernel /guest/vmlinux $guest --append "$hash_on_radix guest.dt=1" \
		--dt-check
	;;
hash)
	scenario default --kernel /guest/vmlinux $guest --append "$args"
	scenario disable-radix --kernel /guest/vmlinux $guest --append "$args disable_radix"
	scenario legacy --kernel /guest/vmlinux-legacy $guest --append "$args"
	scenario snapshot --kernel /guest/vmlinux $guest --append "$args" \
		--snapshot-after "guest: tick 1"
	scenario reboot --kernel /guest/vmlinux $guest --append "$args guest.reboot=1" \
		--reboot-append "$args"
	scenario dt-check --kernel /guest/vmlinux $guest --append "$args guest.dt=1" --dt-check
	;;
nested)
	scenario default --kernel /guest/vmlinux $guest --append "$args"
	scenario legacy --kernel /guest/vmlinux-legacy $guest --append "$args"
	scenario dt-check --kernel /guest/vmlinux $guest --append "$args guest.dt=1" --dt-check
	;;
dd20)	# POWER9 DD2.0: KVM-HV cannot run hash guests next to radix
	scenario default --kernel /guest/vmlinux $guest --append "$args"
	scenario disable-radix --kernel /guest/vmlinux $guest --append "$hash_on_radix"
	scenario legacy --kernel /guest/vmlinux-legacy $guest --append "$args"
	scenario dt-check --kernel /guest/vmlinux $guest --append "$args guest.dt=1" --dt-check
	;;
esac
# The host's own kernel as the guest too, when it is not the 6.1 guest
# kernel above (tools/rig/guest/mkguest.sh): radix where the host gives it,
# hash where it gives hash, both on the radix host.
if [ -f /guest/vmlinux-host ]; then
	case $host${preemptible:+-preemptible} in
	hash-preemptible) ;;
	radix|radix-preemptible)
		scenario same-kernel --kernel /guest/vmlinux-host $guest --append "$args"
		hash_scenario same-kernel-hash --kernel /guest/vmlinux-host $guest --append "$hash_on_radix" ;;
	*)	scenario same-kernel --kernel /guest/vmlinux-host $guest --append "$args" ;;
	esac
fi
echo "vmm-scenarios: done"
