#!/usr/bin/env bash
# The admin's package: tools/pkg/build-deb.sh builds kvm-ppc-mmu-dkms_<v>_all.deb
# from the tree; this checks what an admin gets from it, short of installing
# it (that needs a POWER host: DKMS then builds on the host itself):
#   - lintian finds no error or warning (pedantic, info and experimental
#     tags shown too; none is accepted today);
#   - it ships the module's source under /usr/src/kvm-ppc-mmu-<v>/ (dkms.conf
#     naming that version, Kbuild, Makefile, kmod/, uapi/) and no tests;
#   - it depends on dkms, and its maintainer scripts are dh_dkms's: the
#     postinst hands the source to DKMS, the prerm removes every build;
#   - the shipped source alone builds the module against the host kernel
#     PPC_MMU_KERNEL (default 6.1) as DKMS would: make KDIR=... modules in a
#     copy of /usr/src/kvm-ppc-mmu-<v>, cross from here.
# Prints "package: N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/rig/lib/kernel.sh"
pass=0 fail=0
check() {	# check WHAT COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok - $what"; pass=$((pass + 1))
	else echo "not ok - $what"; fail=$((fail + 1)); fi
}
finish() { echo "package: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$root/dkms.conf")
deb=$("$root/tools/pkg/build-deb.sh")
check "tools/pkg/build-deb.sh built ${deb#"$root"/}" test -f "$deb" || finish
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lintian -I -E --pedantic "$deb" >"$tmp/lintian" 2>&1
sed 's/^/#   lintian: /' "$tmp/lintian" | grep -v 'running with root privileges'
check "lintian: no error or warning" bash -c "! grep -qE '^[EW]: ' '$tmp/lintian'"

dpkg-deb -x "$deb" "$tmp/root"
dpkg-deb -e "$deb" "$tmp/control"
src=$tmp/root/usr/src/kvm-ppc-mmu-$ver
check "ships the module's source in /usr/src/kvm-ppc-mmu-$ver (dkms.conf, Kbuild, Makefile, kmod/, uapi/)" \
	test -f "$src/dkms.conf" -a -f "$src/Kbuild" -a -f "$src/Makefile" -a -f "$src/kmod/main.c" \
	-a -f "$src/uapi/linux/kvm_ppc_mmu.h"
check "its dkms.conf names version $ver" grep -qx "PACKAGE_VERSION=\"$ver\"" "$src/dkms.conf"
check "no tests or tools in it" bash -c "[ ! -e '$src/kmod/logic/tests' ] && [ ! -e '$src/tools' ]"
check "depends on dkms" bash -c "dpkg-deb -f '$deb' Depends | grep -q '^dkms'"
check "postinst hands it to DKMS (dh_dkms: common.postinst kvm-ppc-mmu $ver)" \
	bash -c "grep -q 'DKMS_NAME=kvm-ppc-mmu' '$tmp/control/postinst' && grep -q 'DKMS_VERSION=$ver' '$tmp/control/postinst' && grep -q common.postinst '$tmp/control/postinst'"
check "prerm removes every DKMS build of it" grep -q 'dkms remove -m $DKMS_NAME -v $DKMS_VERSION --all' "$tmp/control/prerm"

kdir=$(ppcmmu_kernel_dir) || finish
cp -r "$src" "$tmp/build"
# DKMS runs dkms.conf's MAKE in its copy with KDIR set: here the same make,
# through the kernel's kmake (ARCH and CROSS_COMPILE; a chroot for 7.2).
check "the shipped source builds the module for $(cat "$kdir/release") as DKMS would" \
	"$kdir/kmake" -s M="$tmp/build" modules
check "  and it is that kernel's (vermagic)" \
	bash -c "[ \"\$(/sbin/modinfo -F vermagic '$tmp/build/kvm-ppc-mmu.ko' | cut -d' ' -f1)\" = '$(cat "$kdir/release")' ]"
finish
