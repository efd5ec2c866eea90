#!/usr/bin/env bash
# Unpack bookworm's own QEMU (7.2) under build/qemu-dd20/ for the DD2.0 host.
#
# The emulated radix and hash hosts run on the system QEMU (>= 10, from
# bookworm-backports), whose powernv9 is POWER9 DD2.2 like every POWER9
# host in the field. DD2.0 silicon cannot run hash and radix threads on one
# core, so KVM-HV refuses hash guests on a radix host there; to keep that
# refusal covered, the "dd20" host boots QEMU 7.2's powernv9 (PVR
# 0x004e1200). QEMU 10 no longer accepts power9_v2.0 on powernv9, and the
# two versions cannot both be installed, so 7.2 is unpacked here instead
# (binary plus its firmware, skiboot.lid); it runs on bookworm's libraries.
# The version is the newest bookworm (not backports) one apt knows.
# Usage: tools/rig/fetch-qemu-dd20.sh   (after tools/rig/setup.sh)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dest=$root/build/qemu-dd20

newest_bookworm() {	# newest_bookworm PKG: its newest version outside backports
	apt-cache madison "$1" | awk -F'|' '$3 !~ /backports/ { gsub(/ /, "", $2); print $2 }' |
		sort -V | tail -n1
}

bin_ver=$(newest_bookworm qemu-system-ppc)
data_ver=$(newest_bookworm qemu-system-data)
if [ -z "$bin_ver" ] || [ -z "$data_ver" ]; then
	echo "fetch-qemu-dd20: no bookworm qemu-system-ppc in apt lists; run tools/rig/setup.sh" >&2
	exit 1
fi
stamp="$bin_ver $data_ver"
if [ -x "$dest/usr/bin/qemu-system-ppc64" ] && [ "$(cat "$dest/.complete" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

echo "fetch-qemu-dd20: qemu-system-ppc $bin_ver, qemu-system-data $data_ver"
rm -rf "$dest"
mkdir -p "$dest/debs"
(cd "$dest/debs" && apt-get download -q -o APT::Sandbox::User=root \
	"qemu-system-ppc=$bin_ver" "qemu-system-data=$data_ver" >/dev/null)
for d in "$dest"/debs/*.deb; do
	dpkg-deb -x "$d" "$dest"
done
rm -rf "$dest/debs"
"$dest/usr/bin/qemu-system-ppc64" --version | head -n1
[ -f "$dest/usr/share/qemu/skiboot.lid" ] || { echo "fetch-qemu-dd20: no skiboot.lid" >&2; exit 1; }
echo "$stamp" >"$dest/.complete"
