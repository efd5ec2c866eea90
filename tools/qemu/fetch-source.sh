#!/usr/bin/env bash
# Fetch QEMU's source exactly as Debian 13 (trixie) POWER9 hosts run it:
# Debian's qemu source package, with Debian's own debian/patches applied
# (dpkg-source -x does that for a "3.0 (quilt)" package), so that our patch
# series (tools/qemu/patches/) applies on top of what admins actually
# install, not on upstream 10.0.x.
#
# The version is the source of the qemu-system-ppc in the Debian 13 host
# image (build/debian13/current/packages.txt, tools/debian13/mkimage.sh)
# when that exists, otherwise the newest one trixie's ppc64el lists give
# (trixie, -updates, -security), as apt on such a host would install it.
# The files come straight from the archive's pool (deb.debian.org, then
# its security pool); this machine's own apt sources are left alone.
#
# Result, reused while present:
#   build/qemu-src/<version>/            the unpacked, patched tree
#   build/qemu-src/<version>/.complete   written last
#   build/qemu-src/dl/                   the .dsc, .orig and .debian tarballs
# Prints the tree's path on its last line of stdout.
# Usage: tools/qemu/fetch-source.sh   (as root; network to deb.debian.org)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/qemu-src
log() { echo "qemu-src: $*" >&2; }
# shellcheck disable=SC2034  # read by tools/rig/lib/kernel.sh
ppcmmu_root=$root
source "$root/tools/rig/lib/kernel.sh"

# The version: what the Debian 13 image was built with (its binNMU suffix,
# +bN, is not part of the source version), else trixie's newest.
version=
if [ -s "$root/build/debian13/current/packages.txt" ]; then
	version=$(awk '$1 == "qemu-system-ppc" {print $2}' "$root/build/debian13/current/packages.txt")
fi
if [ -z "$version" ]; then
	version=$(ppcmmu_private_apt trixie trixie trixie-updates trixie-security -- \
		apt-cache show qemu-system-ppc:ppc64el 2>/dev/null |
		sed -nE 's/^Version: (.*)$/\1/p' | sort -V | tail -n1)
fi
version=$(sed -E 's/\+b[0-9]+$//' <<<"$version")
[ -n "$version" ] || { log "cannot tell which qemu version trixie ships"; exit 1; }
# Without epoch, for file and directory names.
plain=${version#*:}
tree=$out/$plain

if [ -f "$tree/.complete" ]; then
	echo "$tree"
	exit 0
fi

# dpkg-source comes with dpkg-dev (tools/rig/setup.sh installs it too).
if ! command -v dpkg-source >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dpkg-dev
fi

mkdir -p "$out/dl"
dsc=$out/dl/qemu_$plain.dsc
# The .dsc names the other two files; a point release's fixes may be in the
# security pool only.
fetch() {	# fetch FILE: into build/qemu-src/dl/ from either pool
	local f=$1 url
	[ -s "$out/dl/$f" ] && return 0
	for url in "http://deb.debian.org/debian/pool/main/q/qemu/$f" \
		   "http://deb.debian.org/debian-security/pool/updates/main/q/qemu/$f"; do
		curl -sfL -o "$out/dl/$f.tmp" "${url//+/%2b}" && mv "$out/dl/$f.tmp" "$out/dl/$f" && return 0
	done
	rm -f "$out/dl/$f.tmp"
	log "cannot download $f"
	return 1
}
log "downloading qemu $version source"
fetch "qemu_$plain.dsc"
for f in $(awk '/^Files:/{on=1; next} /^[^ ]/{on=0} on {print $3}' "$dsc"); do
	fetch "$f"
done

log "unpacking with Debian's patches into $tree"
rm -rf "$tree" "$tree.tmp"
# --no-check: the .dsc's signature needs debian-keyring; the checksums in it
# are still verified. debian/ is kept (it documents what was applied).
dpkg-source --no-check -x "$dsc" "$tree.tmp" >"$out/dl/dpkg-source.log" 2>&1 ||
	{ cat "$out/dl/dpkg-source.log" >&2; exit 1; }
log "$(grep -c . "$tree.tmp/debian/patches/series" 2>/dev/null || echo 0) lines in debian/patches/series applied"
mv "$tree.tmp" "$tree"
echo "$version" >"$tree/.complete"
echo "$tree"
