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

say "guest RAM: $ram_backing"

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

for g in $guests; do transparency_run without-module "$g"; done

if insmod /modules/kvm-ppc-mmu.ko $ppcmmu_opts; then
	say "insmod kvm-ppc-mmu.ko ok"
else
	say "insmod kvm-ppc-mmu.ko failed"
fi
[ -d /sys/module/kvm_ppc_mmu ] &&
	say "/sys/module/kvm_ppc_mmu present: version=$(cat /sys/module/kvm_ppc_mmu/version 2>/dev/null || echo ?)" \
	    "taint=$(cat /sys/module/kvm_ppc_mmu/taint)"

for g in $guests; do transparency_run with-module "$g"; done

# The VM is gone, so its pin on the module should be too.
if rmmod kvm_ppc_mmu; then
	say "rmmod kvm_ppc_mmu ok"
else
	say "rmmod kvm_ppc_mmu failed"
fi

say "done uptime=$(secs "$(now_cs)")s"
echo o >/proc/sysrq-trigger
sleep 10
