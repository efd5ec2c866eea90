#!/usr/bin/env bash
# Exercise dkms.conf as far as an x86 machine allows: dkms add, build (cross,
# against the unpacked ppc64le headers), install, status and remove, in a
# sandbox (nothing touches this machine's /lib/modules or /var/lib/dkms).
# depmod and modprobe then run against the sandbox to show the installed
# module resolves with its kvm dependency and kvm-hv softdep.
# dkms strips the module with the native strip, which on this x86 machine
# cannot read a ppc64le object (a warning in bookworm's dkms 3.0, a failed
# build in sid's 3.2): a "strip" first on dkms's PATH runs the cross
# binutils' one instead, as a POWER host's own would.
# What only a POWER host shows: autoinstall on boot.
#
# The kernel is PPC_MMU_KERNEL's (default 6.1). Where that kernel's kbuild
# cannot run on bookworm (6.12: trixie's, 7.2: sid's; tools/rig/fetch-kernel.sh), dkms runs where its
# kbuild does, in the kernel's chroot, with that release's dkms installed there
# on first use; the sandbox is then under the chroot's /root.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
source "$root/tools/rig/lib/kernel.sh"
export PATH=$PATH:/sbin:/usr/sbin
ver=$(sed -n 's/^PACKAGE_VERSION="\?\([^"]*\)"\?/\1/p' dkms.conf)
kdir=$(ppcmmu_kernel_dir) || { echo "dkms: 0 passed, 1 failed"; exit 1; }
kver=$(cat "$kdir/release")
chroot_dir=
[ -d "$kdir/chroot" ] && chroot_dir=$(cd "$kdir/chroot" && pwd)
if [ -n "$chroot_dir" ]; then
	sb_host=$chroot_dir/root/dkms-sandbox sb=/root/dkms-sandbox
	in_env() { chroot "$chroot_dir" env PATH="$sb/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$@"; }
	ksrc=/usr/src/linux-headers-$kver
else
	sb_host=$root/build/dkms${PPC_MMU_KERNEL:+-$PPC_MMU_KERNEL} sb=$sb_host
	in_env() { PATH="$sb/bin:$PATH" "$@"; }
	ksrc=$(cd "$kdir/headers" && pwd)
fi
pass=0 fail=0 n=0
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; pass=$((pass + 1));
	else echo "not ok $n $2"; fail=$((fail + 1)); sed 's/^/#   /' "$sb_host/last.log" | tail -15; fi
}

rm -rf "$sb_host"
mkdir -p "$sb_host/tree" "$sb_host/src" "$sb_host/root/lib/modules/$kver" "$sb_host/bin"
printf '#!/bin/sh\nexec powerpc64le-linux-gnu-strip "$@"\n' >"$sb_host/bin/strip"
chmod +x "$sb_host/bin/strip"
if [ -n "$chroot_dir" ] && ! in_env sh -c 'command -v dkms && command -v depmod' >/dev/null; then
	{ in_env apt-get -q "${ppcmmu_apt_valid_until[@]}" update &&
	  DEBIAN_FRONTEND=noninteractive in_env apt-get -y -q install --no-install-recommends dkms kmod
	} >"$sb_host/last.log" 2>&1
	result $? "dkms installed in the $kver chroot"
fi
echo "# dkms $(in_env dkms --version 2>/dev/null | sed 's/^dkms-//') against $kver${chroot_dir:+ (in its ${PPC_MMU_KERNEL:-} chroot)}"
# What a release tarball / git checkout holds: the tracked files.
git ls-files -z | tar -C "$root" --null -T - -cf - --transform "s,^,kvm-ppc-mmu-$ver/," | tar -C "$sb_host/src" -xf -
cp -al "$kdir/modules/." "$sb_host/root/lib/modules/$kver/"
D=(--dkmstree "$sb/tree" --sourcetree "$sb/src" --installtree "$sb/root/lib/modules")
K=(-k "$kver" -a ppc64le --kernelsourcedir "$ksrc")

in_env dkms add "kvm-ppc-mmu/$ver" "${D[@]}" >"$sb_host/last.log" 2>&1
result $? "dkms add kvm-ppc-mmu/$ver"
in_env dkms build "kvm-ppc-mmu/$ver" "${D[@]}" "${K[@]}" >"$sb_host/last.log" 2>&1 &&
	ls "$sb_host/tree/kvm-ppc-mmu/$ver/$kver/ppc64le/module/kvm-ppc-mmu.ko"* >/dev/null 2>&1
result $? "dkms build for $kver (ppc64le)"
in_env dkms install "kvm-ppc-mmu/$ver" "${D[@]}" "${K[@]}" --no-depmod >"$sb_host/last.log" 2>&1 &&
	ls "$sb_host/root/lib/modules/$kver/updates/dkms/kvm-ppc-mmu.ko"* >/dev/null 2>&1
result $? "dkms install into updates/dkms"
in_env dkms status "${D[@]}" >"$sb_host/last.log" 2>&1 && grep -q "kvm-ppc-mmu/$ver, $kver, ppc64le: installed" "$sb_host/last.log"
result $? "dkms status says installed"
{ in_env depmod -b "$sb/root" -a "$kver" &&
  in_env modprobe -d "$sb/root" -S "$kver" --show-depends kvm-ppc-mmu; } >"$sb_host/last.log" 2>&1 &&
	grep -qE "kvm-hv\.ko" "$sb_host/last.log" && grep -qE "/kvm\.ko" "$sb_host/last.log" &&
	grep -q "updates/dkms/kvm-ppc-mmu.ko" "$sb_host/last.log"
result $? "modprobe resolves kvm, kvm-hv (softdep) then kvm-ppc-mmu"
in_env dkms remove "kvm-ppc-mmu/$ver" "${D[@]}" -k "$kver" -a ppc64le --no-depmod >"$sb_host/last.log" 2>&1 &&
	! ls "$sb_host/root/lib/modules/$kver/updates/dkms/kvm-ppc-mmu.ko"* >/dev/null 2>&1
result $? "dkms remove cleans up"
echo "dkms: $pass passed, $fail failed"
[ $fail -eq 0 ]
