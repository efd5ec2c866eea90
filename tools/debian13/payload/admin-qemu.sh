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
# The live migrations only by hand, DEBIAN13_QEMU_MIGRATE=stock|all|switch
# (tools/debian13/run.sh; Documentation/qemu.rst, "Known bugs").
scope=$(cat "$P/qemu-migrate-scope" 2>/dev/null)
[ -n "$scope" ] && bash "$P/qemu-migrate.sh" "$scope"
bash "$P/qemu-compare.sh" slof default disable-radix legacy maxmem
bash "$P/qemu-compare.sh" vof default disable-radix legacy
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
