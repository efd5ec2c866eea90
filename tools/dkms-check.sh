#!/usr/bin/env bash
# Exercise dkms.conf as far as an x86 machine allows: dkms add, build (cross,
# against the unpacked ppc64le headers), install, status and remove, in a
# sandbox under build/dkms (nothing touches this machine's /lib/modules or
# /var/lib/dkms). depmod and modprobe then run against the sandbox to show
# the installed module resolves with its kvm dependency and kvm-hv softdep.
# What only a POWER host shows: the native strip, and autoinstall on boot.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=$PATH:/sbin:/usr/sbin
ver=$(sed -n 's/^PACKAGE_VERSION="\?\([^"]*\)"\?/\1/p' dkms.conf)
kver=$(readlink build/kernel/current)-powerpc64le
sb=$root/build/dkms
pass=0 fail=0 n=0
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; pass=$((pass + 1));
	else echo "not ok $n $2"; fail=$((fail + 1)); sed 's/^/#   /' "$sb/last.log" | tail -15; fi
}

rm -rf "$sb"
mkdir -p "$sb/tree" "$sb/src" "$sb/root/lib/modules/$kver"
# What a release tarball / git checkout holds: the tracked files.
git ls-files -z | tar -C "$root" --null -T - -cf - --transform "s,^,kvm-ppc-mmu-$ver/," | tar -C "$sb/src" -xf -
cp -al build/kernel/current/modules/. "$sb/root/lib/modules/$kver/"
D=(--dkmstree "$sb/tree" --sourcetree "$sb/src" --installtree "$sb/root/lib/modules")
K=(-k "$kver" -a ppc64le --kernelsourcedir "$root/build/kernel/current/headers")

dkms add "kvm-ppc-mmu/$ver" "${D[@]}" >"$sb/last.log" 2>&1
result $? "dkms add kvm-ppc-mmu/$ver"
dkms build "kvm-ppc-mmu/$ver" "${D[@]}" "${K[@]}" >"$sb/last.log" 2>&1 &&
	[ -f "$sb/tree/kvm-ppc-mmu/$ver/$kver/ppc64le/module/kvm-ppc-mmu.ko" ]
result $? "dkms build for $kver (ppc64le)"
dkms install "kvm-ppc-mmu/$ver" "${D[@]}" "${K[@]}" --no-depmod >"$sb/last.log" 2>&1 &&
	[ -f "$sb/root/lib/modules/$kver/updates/dkms/kvm-ppc-mmu.ko" ]
result $? "dkms install into updates/dkms"
dkms status "${D[@]}" >"$sb/last.log" 2>&1 && grep -q "kvm-ppc-mmu/$ver, $kver, ppc64le: installed" "$sb/last.log"
result $? "dkms status says installed"
{ depmod -b "$sb/root" -a "$kver" &&
  modprobe -d "$sb/root" -S "$kver" --show-depends kvm-ppc-mmu; } >"$sb/last.log" 2>&1 &&
	grep -q "kvm-hv.ko" "$sb/last.log" && grep -q "kvm.ko" "$sb/last.log" &&
	grep -q "updates/dkms/kvm-ppc-mmu.ko" "$sb/last.log"
result $? "modprobe resolves kvm, kvm-hv (softdep) then kvm-ppc-mmu"
dkms remove "kvm-ppc-mmu/$ver" "${D[@]}" -k "$kver" -a ppc64le --no-depmod >"$sb/last.log" 2>&1 &&
	[ ! -e "$sb/root/lib/modules/$kver/updates/dkms/kvm-ppc-mmu.ko" ]
result $? "dkms remove cleans up"
echo "dkms: $pass passed, $fail failed"
[ $fail -eq 0 ]
