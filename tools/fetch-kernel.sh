#!/usr/bin/env bash
# Fetch Debian bookworm's newest powerpc64le kernel (image + headers + kbuild)
# and unpack it under build/kernel/<abi>/, then point build/kernel/current at it.
#
# The image gives vmlinux, kvm.ko and kvm-hv.ko for the emulated hosts; the
# headers give the kbuild tree the module builds against. The ABI number moves
# when Debian ships a kernel update, so it is discovered, never hard-coded.
# Needs the ppc64el architecture added and apt lists current (tools/setup.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest_top=$root/build/kernel

abi=${PPC_MMU_KERNEL_ABI:-$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-powerpc64le$' |
	awk '{print $1}' | sed 's/^linux-image-//; s/-powerpc64le$//' | sort -V | tail -n1)}
if [ -z "$abi" ]; then
	echo "fetch-kernel: no linux-image-*-powerpc64le in apt lists; run tools/setup.sh" >&2
	exit 1
fi
dest=$dest_top/$abi
flavour=$abi-powerpc64le

if [ -f "$dest/.complete" ] && [ -f "$dest/vmlinux" ] &&
   [ -f "$dest/modules/kernel/arch/powerpc/kvm/kvm-hv.ko" ] && [ -f "$dest/headers/Module.symvers" ]; then
	ln -sfn "$abi" "$dest_top/current"
	exit 0
fi

echo "fetch-kernel: Debian kernel $flavour"
rm -rf "$dest"
mkdir -p "$dest/debs"
(cd "$dest/debs" && apt-get download -q -o APT::Sandbox::User=root \
	"linux-image-$flavour:ppc64el" "linux-headers-$flavour:ppc64el" \
	"linux-headers-$abi-common" linux-kbuild-6.1:amd64 >/dev/null)
for d in "$dest"/debs/*.deb; do
	dpkg-deb -x "$d" "$dest/root"
done
rm -rf "$dest/debs"

hdr=$dest/root/usr/src/linux-headers-$flavour
# The flavour's Makefile includes the -common tree and the kbuild tools by
# absolute /usr/src and /usr/lib paths: point them into the unpacked copy.
sed -i "s|/usr/src/linux-headers-$abi-common|$dest/root/usr/src/linux-headers-$abi-common|g" "$hdr/Makefile"
# scripts and tools are symlinks into /usr/lib/linux-kbuild-6.1: re-point them.
for l in scripts tools; do
	for tree in "$hdr" "$dest/root/usr/src/linux-headers-$abi-common"; do
		if [ -L "$tree/$l" ]; then
			ln -sfn "$dest/root/usr/lib/linux-kbuild-6.1/$l" "$tree/$l"
		fi
	done
done

ln -sfn "$hdr" "$dest/headers"
ln -sfn "$dest/root/boot/vmlinux-$flavour" "$dest/vmlinux"
ln -sfn "$dest/root/lib/modules/$flavour" "$dest/modules"
touch "$dest/.complete"
ln -sfn "$abi" "$dest_top/current"
echo "fetch-kernel: ready in $dest"
