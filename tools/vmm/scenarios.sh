#!/bin/sh
# Runs inside the emulated POWER9 host (as /vmm-scenarios, under busybox):
# loads kvm-ppc-mmu, then boots the guest with the reference VMM once per
# scenario of this host kind. tools/stages/vmm-scenarios.sh judges the console.
# Each scenario prints "scenario: NAME begin" ... "scenario: NAME end exit=N secs=S".
# Kernel command line: ppcmmu.host=radix|hash|nested|dd20 (which list; the
#                      POWER10 hosts p10radix and p10hash take radix's and
#                      hash's, the nested-API-v2 host nestedv2 nested's),
#                      vmm.only=NAME (just that one), vmm.timeout=S (per guest, 300),
#                      vmm.smp=N (vcpus per guest; default: the VMM's, 4),
#                      vmm.skip=A,B (scenarios not to run).
/bin/busybox --install -s /bin
export PATH=/bin

host=$PPC_MMU_EXPECT_HOST
case $host in
p10*)		kind=${host#p10} ;;
*nestedv2)	kind=nested ;;
*)		kind=$host ;;
esac
only=$(sed -n 's/.*vmm\.only=\([^ ]*\).*/\1/p' /proc/cmdline)
timeout=$(sed -n 's/.*vmm\.timeout=\([0-9]*\).*/\1/p' /proc/cmdline)
smp=$(sed -n 's/.*vmm\.smp=\([0-9]*\).*/\1/p' /proc/cmdline)
skip=$(sed -n 's/.*vmm\.skip=\([^ ]*\).*/\1/p' /proc/cmdline)
# Under the nested API v2 with QEMU's TCG as the L0, an SMP guest's idle
# vcpus stall: with 4 vcpus its hard-lockup watchdog fired on each,
# with 2 a 6.12 guest's IPI for a TLB flush went unanswered for minutes
# (soft lockup in smp_call_function_many_cond); one vcpu boots clean.
# Not the module's doing: Debian's QEMU 7.2 without the module, the same
# 2-vcpu 6.12 guest in the same host, locks up at the same point.
case $host in *nestedv2) smp=${smp:-1} ;; esac
guest="--initrd /guest/initramfs.cpio --mem 512 --timeout ${timeout:-300} ${smp:+--smp $smp}"
args="console=hvc0"
# A 4-vcpu guest's vcpu can go unscheduled for over 10 s in the emulated
# host, run beside another one on a 2-core machine: first seen on the
# POWER10 hosts ("CPU 1 self-detected hard LOCKUP ... last heartbeat
# 10235ms ago", p10hash, a fresh-clone run), then on Debian 13's 6.12 POWER9
# radix and hash hosts (11344 ms, init in select_task_rq_fair; the dump
# interleaved with the VMM's save line). That is the emulation's scheduling,
# not the guest's: its watchdog waits 30 s on every host. A clock jump is
# judged separately (a tick over 2.5 s is printed, one of 8 s fails).
args="$args watchdog_thresh=30"

echo "vmm-scenarios: host=$host"
# PPC_MMU_KO_OPTIONS: what the host's modprobe.d would give the module
# (tools/rig/initramfs/init.c sets it beside a rebuilt kvm-hv).
# shellcheck disable=SC2086
insmod /kvm-ppc-mmu.ko ${PPC_MMU_KO_OPTIONS:-} || echo "vmm-scenarios: insmod kvm-ppc-mmu.ko failed"

scenario() {
	name=$1
	shift
	# vmm.only=NAME also runs NAME-*: a restore goes with its save
	[ -n "$only" ] && [ "$only" != "$name" ] && [ "${name#"$only"-}" = "$name" ] && return
	case ",$skip," in *",$name,"*) return ;; esac
	echo "scenario: $name begin"
	t0=$(cut -d' ' -f1 /proc/uptime)
	/ppc-mmu-vmm "$@"
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "scenario: $name end exit=$rc secs=$(awk "BEGIN { print $t1 - $t0 }")"
}

# --save at tick 1 ends the VMM (exit 6); a second VMM process --restores
# the stream and the guest goes on to tick 3 and powers off. A damaged
# copy (8 bytes changed mid-RAM) and a cut one (4 KiB short) of the same
# stream, and the stream itself with another --mem, are refused whole
# (exit 7): nothing runs. save_restore NAME ARGS...
restore="--mem 512 --timeout ${timeout:-300}"
save_restore() {	# (scenario() sets $name: these keep their own)
	saved=$1
	shift
	rm -f /tmp/$saved.vm
	scenario $saved "$@" --snapshot-after "guest: tick 1" --save /tmp/$saved.vm
	# Time passes between the two, as in any migration: the guest's clock
	# must not jump by it (tools/rig/guest/init.c prints any tick
	# that took over 2.5 s; the judge fails a jump of 8 s or more, well
	# above the ~4 s a loaded emulated host can stall a guest anyway).
	sleep 10
	scenario $saved-restore --restore /tmp/$saved.vm $restore
}
damaged_copies() {	# damaged_copies NAME: NAME-corrupt, NAME-truncated, NAME-mem
	saved=$1
	[ -f /tmp/$saved.vm ] || return
	size=$(wc -c </tmp/$saved.vm)
	cp /tmp/$saved.vm /tmp/corrupt.vm
	printf 'CORRUPT!' | dd of=/tmp/corrupt.vm bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
	scenario $saved-corrupt --restore /tmp/corrupt.vm $restore
	rm -f /tmp/corrupt.vm
	head -c $((size - 4096)) /tmp/$saved.vm >/tmp/truncated.vm
	scenario $saved-truncated --restore /tmp/truncated.vm $restore
	rm -f /tmp/truncated.vm
	scenario $saved-mem --restore /tmp/$saved.vm --mem 256 --timeout ${timeout:-300}
}
mkdir -p /tmp

# The guest's RAM (--mem 512) calls for an HPT of 512 MiB / 128 = 2^22 bytes.
hash_on_radix="$args disable_radix"
# A preemptible host kernel whose kvm-hv lacks the preemption fix: the
# module withholds hash there, since that kvm-hv can hang the host under a
# hash guest (kmod/logic/host_modes.c), and says so when it loads. The
# radix host then gives radix only, as the DD2.0 host does; the hash host
# gives nothing, so a guest is refused at CAS. Scenarios that need hash do
# not run. With a fixed kvm-hv (tools/kvm-hv/) hash is offered and they do.
preemptible=
dmesg | grep -q 'kvm-ppc-mmu: hash guests withheld: this kernel is preemptible' && preemptible=1
echo "vmm-scenarios: hash withheld on a preemptible kernel: ${preemptible:-no}"
# A scenario that boots a guest in hash, which a preemptible host skips.
hash_scenario() {
	[ -z "$preemptible" ] && scenario "$@"
}

case $kind${preemptible:+-preemptible} in
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
	save_restore save --kernel /guest/vmlinux $guest --append "$args"
	damaged_copies save
	rm -f /tmp/save.vm
	# Too early: the guest is still in Open Firmware, which a restored VM lacks.
	scenario save-early --kernel /guest/vmlinux $guest --append "$args" \
		--snapshot-after "Preparing to boot Linux" --save /tmp/early.vm
	[ -e /tmp/early.vm ] || [ -e /tmp/early.vm.tmp ] || echo "vmm-scenarios: no stream written"
	# A hash stream is the hash host's (below): the HPT of a guest switched
	# at CAS here goes across in hash-snapshot, and the budget is shared.
	hash_scenario reboot-to-hash --kernel /guest/vmlinux $guest --append "$args guest.reboot=1" \
		--reboot-append "$hash_on_radix"
	hash_scenario reboot-to-radix --kernel /guest/vmlinux $guest \
		--append "$hash_on_radix guest.reboot=1" --reboot-append "$args"
	# The same reboots during a live copy (dirty logging on, a migration's
	# first phase): the module refuses the switch while dirty logging is
	# on, the guest's CAS (to hash) or the VMM's reset (to radix) retries,
	# and goes through once the copy ends; the copy must equal RAM.
	hash_scenario live-reboot-to-hash --kernel /guest/vmlinux $guest \
		--append "$args guest.reboot=1" --reboot-append "$hash_on_radix" \
		--live-copy-after "guest: tick 1"
	hash_scenario live-reboot-to-radix --kernel /guest/vmlinux $guest \
		--append "$hash_on_radix guest.reboot=1" --reboot-append "$args" \
		--live-copy-after "guest: tick 1"
	scenario dt-check --kernel /guest/vmlinux $guest --append "$hash_on_radix guest.dt=1 guest.dt_noise=1" \
		--dt-check
	# The VMM's own sizing basis (QEMU's maxmem): CAS to hash gets an HPT
	# for 2 GiB (order 24), not for the guest's 512 MiB.
	hash_scenario hpt-ram --kernel /guest/vmlinux $guest --append "$hash_on_radix" --hpt-ram 2048
	;;
hash)
	scenario default --kernel /guest/vmlinux $guest --append "$args"
	scenario disable-radix --kernel /guest/vmlinux $guest --append "$args disable_radix"
	scenario legacy --kernel /guest/vmlinux-legacy $guest --append "$args"
	scenario snapshot --kernel /guest/vmlinux $guest --append "$args" \
		--snapshot-after "guest: tick 1"
	scenario reboot --kernel /guest/vmlinux $guest --append "$args guest.reboot=1" \
		--reboot-append "$args"
	save_restore hash-save --kernel /guest/vmlinux $guest --append "$args"
	rm -f /tmp/hash-save.vm
	scenario dt-check --kernel /guest/vmlinux $guest --append "$args guest.dt=1 guest.dt_noise=1" --dt-check
	# The same basis for a VM that is hash from its first KVM_RUN.
	scenario hpt-ram --kernel /guest/vmlinux $guest --append "$args" --hpt-ram 2048
	;;
nested|nested-preemptible)	# radix only, preemptible kernel or not
	scenario default --kernel /guest/vmlinux $guest --append "$args"
	scenario legacy --kernel /guest/vmlinux-legacy $guest --append "$args"
	scenario dt-check --kernel /guest/vmlinux $guest --append "$args guest.dt=1 guest.dt_noise=1" --dt-check
	# A hash guest's stream (tools/vmm/tests/mkstream.c: the hosts share no
	# storage) is refused for its MMU mode before anything is made.
	/mkstream /tmp/hash.vm
	scenario hash-stream-refused --restore /tmp/hash.vm $restore
	;;
dd20)	# POWER9 DD2.0: KVM-HV cannot run hash guests next to radix
	scenario default --kernel /guest/vmlinux $guest --append "$args"
	scenario disable-radix --kernel /guest/vmlinux $guest --append "$hash_on_radix"
	scenario legacy --kernel /guest/vmlinux-legacy $guest --append "$args"
	scenario dt-check --kernel /guest/vmlinux $guest --append "$args guest.dt=1 guest.dt_noise=1" --dt-check
	;;
esac
# The host's own kernel as the guest too, when it is not the 6.1 guest
# kernel above (tools/rig/guest/mkguest.sh): radix where the host gives it,
# hash where it gives hash, both on the radix host.
if [ -f /guest/vmlinux-host ]; then
	case $kind${preemptible:+-preemptible} in
	hash-preemptible) ;;
	radix|radix-preemptible)
		scenario same-kernel --kernel /guest/vmlinux-host $guest --append "$args"
		hash_scenario same-kernel-hash --kernel /guest/vmlinux-host $guest --append "$hash_on_radix" ;;
	*)	scenario same-kernel --kernel /guest/vmlinux-host $guest --append "$args" ;;
	esac
fi
echo "vmm-scenarios: done"
