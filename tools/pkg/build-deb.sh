#!/usr/bin/env bash
# Build the admin's package, kvm-ppc-mmu-dkms_<version>_all.deb, from the tree:
# the module's source under /usr/src/kvm-ppc-mmu-<version>/ and dh_dkms's
# maintainer scripts, which make DKMS build and install the module on the host
# itself (with its own gcc, against linux-headers-$(uname -r)) for every kernel
# that has headers, and remove it with the package.
#
# Why dh-dkms (debhelper) and not "dkms mkdeb": it is how Debian's own *-dkms
# packages are made, so the result follows Debian policy (lintian checks it:
# tools/stages/package-check.sh) and its scripts are the ones every Debian
# admin already has; mkdeb's template package is built from whatever is in
# the build machine's DKMS tree.
#
# The version is the module's (dkms.conf's PACKAGE_VERSION, which the static
# checks hold equal to MODULE_VERSION), a native Debian version. The changelog
# is written here, dated by the last commit, so the same tree builds the same
# package. Needs debhelper and dh-dkms (tools/rig/setup.sh installs them).
# Usage: tools/pkg/build-deb.sh     prints the .deb's path (under build/pkg/)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$root/dkms.conf")
[ -n "$ver" ] || { echo "build-deb: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
out=$root/build/pkg
src=$out/kvm-ppc-mmu-$ver
rm -rf "$out"
mkdir -p "$src/kmod/logic"
# What DKMS builds from: the kbuild files, the module, the uapi header; not
# the tests or tools.
cp -r "$root/Kbuild" "$root/Makefile" "$root/dkms.conf" "$root/uapi" "$src/"
cp "$root"/kmod/*.[ch] "$src/kmod/"
cp "$root"/kmod/logic/*.[ch] "$src/kmod/logic/"
cp -r "$root/tools/pkg/debian" "$src/debian"
maint=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
when=$(git -C "$root" log -1 --format=%cD 2>/dev/null || date -R)
what=$(git -C "$root" describe --always --dirty 2>/dev/null || echo "an unversioned tree")
cat >"$src/debian/changelog" <<CHANGELOG
kvm-ppc-mmu ($ver) unstable; urgency=medium

  * Built from the kvm-ppc-mmu tree at $what.

 -- $maint  $when
CHANGELOG
if ! (cd "$src" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	echo "build-deb: dpkg-buildpackage failed; see $out/build.log" >&2
	tail -20 "$out/build.log" >&2
	exit 1
fi
echo "$out/kvm-ppc-mmu-dkms_${ver}_all.deb"
