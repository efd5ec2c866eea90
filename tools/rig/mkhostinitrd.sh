#!/usr/bin/env bash
# Build the emulated host's initramfs for the reference VMM: the host /init
# (tools/rig/initramfs/init.c), kvm.ko, kvm-hv.ko, kvm-ppc-mmu.ko, busybox, the
# VMM (static ppc64le), the guest (tools/rig/guest/mkguest.sh) and the scenario
# runner (tools/vmm/scenarios.sh, run with ppcmmu.run=vmm-scenarios).
# The host kernel's modules are PPC_MMU_KERNEL's (default 6.1); so is
# /guest/vmlinux-host, when it is not 6.1 (tools/rig/guest/mkguest.sh).
# Compressed: QEMU 10's powernv loads at most 128 MiB of initrd.
# Usage: tools/rig/mkhostinitrd.sh OUT.cpio   (after make modules)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
ppcmmu_root=$root
source "$root/tools/rig/lib/kernel.sh"
kdir=$(ppcmmu_kernel_dir)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

"$root/tools/rig/fetch-busybox.sh"
"$root/tools/rig/guest/mkguest.sh"
mkdir -p "$stage"/{dev,proc,sys,bin,guest}
powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -static -o "$stage/init" "$root/tools/rig/initramfs/init.c"
powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -Werror -static -pthread -I"$root/uapi" -I"$root/kmod/logic" -I"$root/tools/lib" \
	-o "$stage/ppc-mmu-vmm" "$root"/tools/vmm/*.c "$root/kmod/logic/hpt_order.c" \
	"$root/tools/lib/ppcmmu/htab_stream.c"
# A hash guest's stream for the hosts that cannot run hash (tools/vmm/scenarios.sh).
powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -Werror -static -o "$stage/mkstream" \
	"$root/tools/vmm/tests/mkstream.c" "$root/tools/vmm/stream.c"
cp "$kdir/kvm.ko" "$kdir/kvm-hv.ko" \
	"$root/kvm-ppc-mmu.ko" "$stage/"
fixed=$(ppcmmu_kvm_hv_fixed_ko)
[ -z "$fixed" ] || cp "$fixed" "$stage/kvm-hv-fixed.ko"
cp "$root/build/busybox/bin/busybox" "$stage/bin/"
ln -s busybox "$stage/bin/sh"
cp "$root/tools/vmm/scenarios.sh" "$stage/vmm-scenarios"
cp "$root"/build/guest/{vmlinux,vmlinux-legacy,initramfs.cpio} "$stage/guest/"
[ -f "$root/build/guest/vmlinux-host" ] && cp "$root/build/guest/vmlinux-host" "$stage/guest/"
(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$out"
