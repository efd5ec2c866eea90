#!/usr/bin/env bash
# Build the transparency check's host initramfs (tools/stages/transparency.sh):
# the cached Debian rootfs with its unmodified QEMU (mkhostroot.sh), then a
# second archive with the host's /init (init.sh, host-lib.sh), Debian's kvm.ko
# and kvm-hv.ko, kvm-ppc-mmu.ko and the guests (tools/rig/guest/).
# Host kernel: PPC_MMU_KERNEL (default 6.1). Needs the module built for it.
# Usage: tools/rig/hostroot/mktransparencyinitrd.sh OUT.cpio
set -uo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
initrd=$1
source "$root/tools/rig/lib/kernel.sh"

build() {
	bash "$root/tools/rig/guest/mkguest.sh" &&
	bash "$root/tools/rig/hostroot/mkhostroot.sh" || return 1

	# Our files go in a second archive after the cached rootfs: the kernel
	# unpacks concatenated archives in order, so nothing big is repacked.
	local kdir stage
	kdir=$(ppcmmu_kernel_dir) || return 1
	stage=$(mktemp -d)
	mkdir -p "$stage"/{modules,guest}
	install -m 755 "$root/tools/rig/hostroot/init.sh" "$stage/init"
	install -m 644 "$root/tools/rig/hostroot/host-lib.sh" "$stage/host-lib.sh"
	cp "$kdir/kvm.ko" "$kdir/kvm-hv.ko" "$root/kvm-ppc-mmu.ko" "$stage/modules/"
	local fixed
	fixed=$(ppcmmu_kvm_hv_fixed_ko) || return 1
	[ -z "$fixed" ] || cp "$fixed" "$stage/modules/kvm-hv-fixed.ko"
	cp "$root"/build/guest/{vmlinux,vmlinux-legacy,initramfs.cpio} "$stage/guest/"
	# Compressed: QEMU 10's powernv loads at most 128 MiB of initrd, and two
	# guest kernels take most of that. Zeros between archives are skipped.
	(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$stage.cpio" &&
	cp "$root/build/hostroot/rootfs.cpio.gz" "$initrd" &&
	truncate -s %4 "$initrd" &&
	cat "$stage.cpio" >>"$initrd"
	local rc=$?
	rm -rf "$stage" "$stage.cpio"
	return $rc
}
build
