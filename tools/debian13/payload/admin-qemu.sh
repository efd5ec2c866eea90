# shellcheck shell=sh
# Phase "qemu" (tools/debian13/run.sh, boot 2): the project's patched QEMU
# (tools/qemu/, on trixie's qemu 10.0 source) beside trixie's own, on the
# radix host with the module loaded: what each guest sees under trixie's,
# the patched without and with the module, with SLOF and with VOF
# (qemu-compare.sh), and, when asked, live migrations between them
# (qemu-migrate.sh). The module is the one boot 1 installed and set to
# load at boot; run alone (DEBIAN13_PHASES=qemu), the payload brings one
# built for this kernel in the tree.
if [ ! -d /sys/module/kvm_ppc_mmu ] && [ -f "$P/kvm-ppc-mmu.ko" ]; then
	typed modprobe kvm_hv
	typed insmod "$P/kvm-ppc-mmu.ko"
fi
check "kvm_ppc_mmu loaded ($(cat /sys/module/kvm_ppc_mmu/version 2>/dev/null), $(modinfo -F filename kvm_ppc_mmu 2>/dev/null || echo "$P/kvm-ppc-mmu.ko"))" \
	test -d /sys/module/kvm_ppc_mmu
# As Documentation/qemu.rst tells an admin: in a prefix of its own, beside
# trixie's, with trixie's firmware (it looks for it relative to itself).
mkdir -p /opt/ppc-mmu
cp -a "$P/qemu/usr" /opt/ppc-mmu/
rm -f /opt/ppc-mmu/usr/share/qemu/vof.bin
typed ln -s /usr/share/qemu/slof.bin /usr/share/qemu/vof.bin /opt/ppc-mmu/usr/share/qemu/
typed /opt/ppc-mmu/usr/bin/qemu-system-ppc64 --version
# The live migrations (qemu-migrate.sh), by hand: what DEBIAN13_QEMU_MIGRATE
# asks for (tools/debian13/run.sh; Documentation/qemu.rst says why).
scope=$(cat "$P/qemu-migrate-scope" 2>/dev/null)
[ -n "$scope" ] && [ "$scope" != none ] && bash "$P/qemu-migrate.sh" "$scope"
# One compare alone, by hand (DEBIAN13_QEMU_COMPARE, tools/debian13/run.sh)
only=$(cat "$P/qemu-compare-scope" 2>/dev/null)
if [ -n "$only" ]; then
	# shellcheck disable=SC2086 # firmware and guests
	compare_skip_off=1 bash "$P/qemu-compare.sh" $only
	return 0
fi
# patched-off (kvm-ppc-mmu=off: none of the series' code runs) beside a
# radix and a hash guest; the other guests differ in what the module and
# the series do, which patched-off leaves out.
bash "$P/qemu-compare.sh" slof default disable-radix
compare_skip_off=1 bash "$P/qemu-compare.sh" slof legacy maxmem disk memplug
# By hand (DEBIAN13_QEMU_COMPARE): memplug-disabled and memplug-required
# (memplug with resize-hpt disabled, required), kexec (a hash guest
# kexecs, then gets a cpu: two hash kernels per QEMU, 7 minutes of the
# test command's critical path under its load) and cpu-hotplug (the same
# plug without the kexec).
# VOF: how the guest reaches CAS differs (QEMU's own client interface, not
# SLOF's hcall); what follows is the same for the legacy guest (SLOF's).
compare_skip_off=1 bash "$P/qemu-compare.sh" vof default disable-radix
# What QEMU does with a module it must not use, or that fails it: the
# module reloaded with a test-only parameter each time (kmod/caps.c,
# kmod/hpt.c). Under kvm-ppc-mmu=auto QEMU must go on without it, and say
# why: an older ABI, fewer modes offered than KVM's (qemu-probe.sh); the
# module's CAS failing for want of memory, a failure the guest did not
# cause, where QEMU negotiates itself and the guest sees what stock QEMU
# showed it above (qemu-compare.sh's fallback); under kvm-ppc-mmu=on the
# same failure makes QEMU exit with the reason (qemu-probe.sh cas-fails).
reload_module() {	# reload_module PARAM=VALUE: its VMs are gone
	typed rmmod kvm_ppc_mmu
	if [ -f "$P/kvm-ppc-mmu.ko" ]; then
		typed insmod "$P/kvm-ppc-mmu.ko" "$1"
	else
		typed modprobe kvm_ppc_mmu "$1"
	fi
	check "kvm_ppc_mmu reloaded with $1" \
		grep -qx "$(echo "${1#*=}" | sed 's/^1$/Y/')" "/sys/module/kvm_ppc_mmu/parameters/${1%%=*}"
}
reload_module test_report_abi_version=3
bash "$P/qemu-probe.sh" old-abi
reload_module test_as_preemptible=1
bash "$P/qemu-probe.sh" preemptible
reload_module test_hpt_alloc_fail=1
compare_fallback=1 bash "$P/qemu-compare.sh" slof disable-radix
bash "$P/qemu-probe.sh" cas-fails
# Once its VMs are gone the module unloads; without it, kvm-ppc-mmu=on
# refuses to start, and says why.
typed rmmod kvm_ppc_mmu
check "kvm_ppc_mmu unloads after the patched QEMU's VMs" test ! -d /sys/module/kvm_ppc_mmu
typed timeout 120 /opt/ppc-mmu/usr/bin/qemu-system-ppc64 -M pseries,accel=kvm,kvm-ppc-mmu=on -nodefaults \
	-display none -m 512M >/tmp/on.err 2>&1
rc=$?
cat /tmp/on.err
check "without the module, kvm-ppc-mmu=on refuses to start (exit $rc)" \
	sh -c "[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q 'kvm-ppc-mmu=on requires KVM-HV with the kvm-ppc-mmu module loaded' /tmp/on.err"
