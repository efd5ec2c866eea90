#!/usr/bin/env bash
# Build build/guest/initramfs-kexec.cpio: the guest's initramfs
# (mkguest.sh, run first) plus what its init needs to kexec into the same
# kernel with disable_radix (guest.kexec=1, tools/rig/guest/init.c):
#   /kexec/kexec             Debian's (bookworm's kexec-tools, ppc64el): the
#                            guest kernel has kexec_load only, no
#                            kexec_file_load, and kexec_load wants
#                            kexec-tools' purgatory and device tree
#   /lib64/ld64.so.2, /lib/powerpc64le-linux-gnu/libc.so.6
#                            its libc, the cross compiler's (glibc 2.36,
#                            bookworm's)
#   /kexec/vmlinux, /kexec/initramfs.cpio   the kernel and initramfs the
#                            kexec boots (the guest's own)
# Usage: tools/rig/guest/mkguest-kexec.sh   (after mkguest.sh)
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
out=$root/build/guest
libc=/usr/powerpc64le-linux-gnu/lib
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

if [ ! -x "$root/build/kexec-tools/sbin/kexec" ]; then
	rm -rf "$root/build/kexec-tools" && mkdir -p "$root/build/kexec-tools/deb"
	(cd "$root/build/kexec-tools/deb" &&
	 apt-get download -q -o APT::Sandbox::User=root kexec-tools:ppc64el >/dev/null)
	dpkg-deb -x "$root"/build/kexec-tools/deb/*.deb "$root/build/kexec-tools"
fi
mkdir -p "$stage/kexec" "$stage/lib64" "$stage/lib/powerpc64le-linux-gnu"
cp "$root/build/kexec-tools/sbin/kexec" "$stage/kexec/"
cp "$libc/ld64.so.2" "$stage/lib64/"
cp "$libc/libc.so.6" "$stage/lib/powerpc64le-linux-gnu/"
cp "$out/vmlinux" "$out/initramfs.cpio" "$stage/kexec/"
# The guest's initramfs first, then /kexec and the libc appended: the
# kernel unpacks concatenated cpio archives in order.
{
	cat "$out/initramfs.cpio"
	(cd "$stage" && find . -mindepth 1 | cpio -o -H newc --quiet)
} >"$out/initramfs-kexec.cpio"
