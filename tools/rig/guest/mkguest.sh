#!/usr/bin/env bash
# Build the guest that tools/vmm (and, for the transparency check, Debian's
# qemu-system-ppc) boots inside the emulated POWER9 host:
#   build/guest/vmlinux         Debian's own powerpc64le kernel, stripped
#   build/guest/initramfs.cpio  /init = tools/rig/guest/init.c (prints the MMU line)
#   build/guest/vmlinux-legacy  the same kernel, not announcing ISA 3.00 (mklegacy.sh)
#   build/guest/vmlinux-host    with PPC_MMU_KERNEL set to another series than
#                               6.1: that host kernel, to boot as a guest too
#                               (the "same-kernel" scenarios); absent otherwise
# The guest kernel is bookworm's 6.1 whichever kernel the host runs.
# Usage: tools/rig/guest/mkguest.sh   (after tools/rig/setup.sh has fetched the kernel)
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
ppcmmu_root=$root
source "$root/tools/rig/lib/kernel.sh"
out=$root/build/guest
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out" "$stage"/{dev,proc,sys}

powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -static -o "$stage/init" "$root/tools/rig/guest/init.c"
(cd "$stage" && find . | cpio -o -H newc --quiet) >"$out/initramfs.cpio"
# The guest kernel is 6.1 whatever the host's: fetched here if no stage has yet.
guest_kdir=$(PPC_MMU_KERNEL="" ppcmmu_kernel_dir)
powerpc64le-linux-gnu-strip -o "$out/vmlinux" "$guest_kdir/vmlinux"
"$root/tools/rig/guest/mklegacy.sh" "$out/vmlinux" "$out/vmlinux-legacy" >/dev/null
rm -f "$out/vmlinux-host"
# The debug host kernel is a powernv-only build: never a guest.
case $(ppcmmu_kernel_series) in
6.1|6.1-debug) ;;
*) powerpc64le-linux-gnu-strip -o "$out/vmlinux-host" "$(ppcmmu_kernel_dir)/vmlinux" ;;
esac
