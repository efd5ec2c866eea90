#!/usr/bin/env bash
# Build, once, the ppc64el userspace of the transparency host: Debian
# bookworm's own qemu-system-ppc (unmodified), its libraries, bash and kmod.
# Result, reused until the marker is missing or this recipe changes:
#   build/hostroot/rootfs.cpio.gz   newc archive, owned by root
#   build/hostroot/packages.txt     "name version" of every package in it
#   build/hostroot/.complete        written last: sha256 of this script
# Usage: tools/rig/hostroot/mkhostroot.sh   (as root; network to deb.debian.org)
#
# We cannot run ppc64el binaries here (no qemu-user), so debootstrap only
# does its first stage and every deb it fetched is unpacked as dpkg -x does:
# no maintainer scripts run, which this runtime image does not need.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
out=$root/build/hostroot
mirror=${PPC_MMU_DEBIAN_MIRROR:-http://deb.debian.org/debian}
stamp=$(sha256sum "$0" | cut -d' ' -f1)

if [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$stamp" ] &&
   [ -s "$out/rootfs.cpio.gz" ]; then
	exit 0
fi

echo "mkhostroot: debootstrap ppc64el bookworm with qemu-system-ppc into $out"
rm -rf "$out" "$out.tmp"
tree=$out.tmp/root
mkdir -p "$out.tmp"
# DESIGN.md's recipe, plus kmod for the host /init's insmod and rmmod.
# Stage 1 leaves a failed run's reason in debootstrap/debootstrap.log.
if ! debootstrap --arch=ppc64el --foreign --variant=minbase \
	--include=qemu-system-ppc,qemu-system-data,kmod \
	bookworm "$tree" "$mirror" >"$out.tmp/debootstrap.log" 2>&1; then
	tail -n 20 "$out.tmp/debootstrap.log" >&2
	cat "$tree/debootstrap/debootstrap.log" >&2 2>/dev/null || true
	echo "mkhostroot: debootstrap failed" >&2
	exit 1
fi

# Stage 1 makes /proc a link to the build machine's /proc: the host mounts its own.
rm -rf "$tree/proc"
mkdir "$tree/proc"
# dpkg -x, except that bookworm's merged-/usr links (bin -> usr/bin, ...)
# stay links: plain tar would replace them with directories.
for deb in "$tree"/var/cache/apt/archives/*.deb; do
	dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$tree"
	# shellcheck disable=SC2016 # dpkg-deb's own ${field} syntax
	dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb" >>"$out.tmp/packages.txt"
done

# Drop what a boot that only runs qemu-system-ppc64 never reads.
rm -rf "$tree"/debootstrap "$tree"/var/cache/apt "$tree"/var/lib/apt/lists \
	"$tree"/usr/share/{doc,man,info,locale,lintian,bash-completion} \
	"$tree"/usr/lib/powerpc64le-linux-gnu/gconv
# QEMU's firmware for other machines; pseries with x-vof=on reads vof.bin.
(cd "$tree/usr/share/qemu" && rm -f hppa-firmware.img openbios-sparc* opensbi-* \
	palcode-* s390-* qboot.rom bios-microvm.bin npcm7xx_bootrom.bin QEMU,cgthree.bin QEMU,tcx.bin)
# The 32-bit machines' binary (same package, never run here).
rm -f "$tree/usr/bin/qemu-system-ppc"

(cd "$tree" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$out.tmp/rootfs.cpio.gz"
rm -rf "$tree"
mv "$out.tmp" "$out"
echo "$stamp" >"$out/.complete"
echo "mkhostroot: $(du -h "$out/rootfs.cpio.gz" | cut -f1) in $out/rootfs.cpio.gz," \
	"$(grep '^qemu-system-ppc ' "$out/packages.txt")"
