#!/usr/bin/env bash
# Fetch QEMU's source exactly as the emulated hosts' userspace runs it:
# Debian bookworm's qemu source package, with Debian's own debian/patches
# applied (dpkg-source -x does that for a "3.0 (quilt)" package), so that our
# patch series (tools/qemu/patches/) applies on top of what POWER9 users of
# bookworm actually run, not on upstream 7.2.0.
#
# The version is the source of the qemu-system-ppc in the host root
# (build/hostroot/packages.txt, tools/rig/hostroot/mkhostroot.sh) when that
# exists, otherwise the one apt would install for ppc64el today.
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
# Project-owned deb-src lines: apt-get source needs the Sources indexes, and
# bookworm's sources.list here has only binary lines. The same suites as the
# binary ones, so every bookworm qemu version that was ever a candidate has
# its source (point releases land in bookworm, fixes first in -security).
src_list=/etc/apt/sources.list.d/ppc-mmu-deb-src.sources

log() { echo "qemu-src: $*" >&2; }

# The version: what the host root was built with (its binNMU suffix, +bN,
# is not part of the source version), else the ppc64el candidate's Source.
version=
if [ -s "$root/build/hostroot/packages.txt" ]; then
	version=$(awk '$1 == "qemu-system-ppc" {print $2}' "$root/build/hostroot/packages.txt" |
		sed -E 's/\+b[0-9]+$//')
fi
if [ -z "$version" ]; then
	version=$(apt-cache show --no-all-versions qemu-system-ppc:ppc64el 2>/dev/null |
		sed -nE 's/^Source: qemu \((.*)\)$/\1/p; s/^Version: (.*)$/\1/p' | head -n1 |
		sed -E 's/\+b[0-9]+$//')
fi
[ -n "$version" ] || { log "cannot tell which qemu version the hosts run"; exit 1; }
# Upstream version without epoch and Debian revision, for the directory name.
dirname=${version#*:}
tree=$out/$dirname

if [ -f "$tree/.complete" ]; then
	echo "$tree"
	exit 0
fi

# apt-cache showsrc takes names only: look for the version in its records.
have_source() {
	apt-cache showsrc qemu 2>/dev/null | grep -qxF "Version: $version"
}
if ! have_source; then
	if [ ! -f "$src_list" ]; then
		log "adding deb-src lines ($src_list)"
		cat >"$src_list" <<'EOS'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	fi
	# Another worker may hold apt's lock, and a mirror mid-sync can fail an
	# index we do not need (seen: bookworm-security's ppc64el Packages), which
	# makes apt-get update fail as a whole: what counts is qemu's Sources.
	for i in 1 2 3 4 5; do
		apt-get update -q >/tmp/ppc-mmu-qemu-src-update.log 2>&1 || true
		have_source && break
		[ "$i" = 5 ] && { tail -n 20 /tmp/ppc-mmu-qemu-src-update.log >&2; log "no source for qemu $version"; exit 1; }
		log "apt-get update did not give qemu $version's source (try $i), retrying"
		sleep 10
	done
fi

# dpkg-source comes with dpkg-dev (tools/rig/setup.sh installs it too).
if ! command -v dpkg-source >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dpkg-dev
fi

mkdir -p "$out/dl"
dsc=$out/dl/qemu_${version#*:}.dsc
if [ ! -f "$dsc" ]; then
	log "downloading qemu $version source"
	# --download-only: no unpacking by apt; dpkg-source below does it into
	# our own directory name. As root apt would fetch as _apt, which cannot
	# write here, so do it as root explicitly.
	(cd "$out/dl" && apt-get source -q --download-only -o APT::Sandbox::User=root "qemu=$version")
fi

log "unpacking with Debian's patches into $tree"
rm -rf "$tree" "$tree.tmp"
# --skip-debianization would drop debian/; the quilt series is applied
# either way. We keep debian/ (it documents what was applied).
dpkg-source --no-check -x "$dsc" "$tree.tmp" >"$out/dl/dpkg-source.log" 2>&1 ||
	{ cat "$out/dl/dpkg-source.log" >&2; exit 1; }
log "$(grep -c . "$tree.tmp/debian/patches/series" 2>/dev/null || echo 0) lines in debian/patches/series applied"
mv "$tree.tmp" "$tree"
echo "$version" >"$tree/.complete"
echo "$tree"
