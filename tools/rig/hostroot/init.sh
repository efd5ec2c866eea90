#!/bin/bash
# /init of the transparency host (tools/stages/transparency.sh): Debian's
# qemu-system-ppc boots each guest (/guest, tools/rig/guest/) with KVM twice in
# this one boot, first with only kvm and kvm-hv loaded, then with
# kvm-ppc-mmu.ko loaded too. The guests are named on the kernel command
# line, tguests=default,disable-radix,legacy (default: just "default"):
#   default        Debian's kernel as is
#   disable-radix  the same with disable_radix: hash, switched at CAS on a
#                  radix host
#   legacy         the kernel without ISA 3.00 in its CAS vector (hash, and
#                  QEMU's legacy-guest handling)
# Each guest console line is printed with the run's label
# ("without-module.legacy: ", "with-module.default: ", ...); our own lines
# start "hostinit: ". Then the host powers off.
set -u

# shellcheck source=tools/rig/hostroot/host-lib.sh
. /host-lib.sh
host_begin

# Highest kvm_ppc_mmu refcnt while QEMU runs: a VM that ran a vcpu through
# the module's hooks pins it (kmod/vm_registry.c), so >= 1 shows the guest
# really went through the module.
watch_refcnt() {
	local max=0 r
	while [ -e /tmp/guest-running ]; do
		r=$(cat /sys/module/kvm_ppc_mmu/refcnt 2>/dev/null) || r=0
		[ "$r" -gt "$max" ] && max=$r && echo "$max" >/tmp/refcnt-max
		sleep 0.5
	done
}

say "guest RAM: $ram_backing"

run_guest() {	# run_guest RUN GUEST
	local label=$1.$2 t0 rc kernel append
	guest_boot "$2"
	say "$label: kvm_ppc_mmu $([ -d /sys/module/kvm_ppc_mmu ] && echo loaded || echo absent)"
	echo 0 >/tmp/refcnt-max
	touch /tmp/guest-running
	watch_refcnt &
	t0=$(now_cs)
	qemu_guest qemu-system-ppc64 "$append" | sed -u "s/\r//g; s/^/$label: /"
	rc=${PIPESTATUS[0]}
	rm -f /tmp/guest-running
	wait
	say "$label: qemu exit=$rc time=$(secs $(($(now_cs) - t0)))s" \
	    "kvm_ppc_mmu refcnt max=$(cat /tmp/refcnt-max)"
}

guests=$(sed -n 's/.*tguests=\([^ ]*\).*/\1/p' /proc/cmdline | tr ',' ' ')
guests=${guests:-default}

say "start uptime=$(secs "$(now_cs)")s pagesize=$(getconf PAGESIZE) host=$(grep -m1 '^MMU' /proc/cpuinfo | tr -s ' \t' ' ')"
say "$(qemu-system-ppc64 --version | head -n1)"
# ppcmmu.kvm_hv=fixed: kvm-hv rebuilt with tools/kvm-hv/patches instead of
# Debian's, and the module told so, as tools/kvm-hv/build.sh --install does.
kvm_hv=kvm-hv ppcmmu_opts=
if grep -q 'ppcmmu\.kvm_hv=fixed' /proc/cmdline && [ -f /modules/kvm-hv-fixed.ko ]; then
	kvm_hv=kvm-hv-fixed ppcmmu_opts=kvm_hv_preempt_fixed=1
fi
for m in kvm $kvm_hv; do
	if insmod "/modules/$m.ko"; then
		say "insmod $m.ko ok"
	else
		say "insmod $m.ko failed"
	fi
done
[ -c /dev/kvm ] || say "no /dev/kvm"

for g in $guests; do run_guest without-module "$g"; done

if insmod /modules/kvm-ppc-mmu.ko $ppcmmu_opts; then
	say "insmod kvm-ppc-mmu.ko ok"
else
	say "insmod kvm-ppc-mmu.ko failed"
fi
[ -d /sys/module/kvm_ppc_mmu ] &&
	say "/sys/module/kvm_ppc_mmu present: version=$(cat /sys/module/kvm_ppc_mmu/version 2>/dev/null || echo ?)" \
	    "taint=$(cat /sys/module/kvm_ppc_mmu/taint)"

for g in $guests; do run_guest with-module "$g"; done

# The VM is gone, so its pin on the module should be too.
if rmmod kvm_ppc_mmu; then
	say "rmmod kvm_ppc_mmu ok"
else
	say "rmmod kvm_ppc_mmu failed"
fi

say "done uptime=$(secs "$(now_cs)")s"
echo o >/proc/sysrq-trigger
sleep 10
