# shellcheck shell=bash
# Shared by tools/qemu/compare.sh and tools/qemu/bench.sh: the host
# initramfs with both QEMUs side by side.
#
# qemu_side_by_side_initrd OUT
#   Builds (or reuses) the patched QEMU (tools/qemu/build.sh), the module and
#   the guests, and writes OUT: the shared Debian host root
#   (build/hostroot/rootfs.cpio.gz, never modified: Debian's qemu-system-ppc64
#   7.2 stays in /usr/bin) followed by one more archive with
#   tools/qemu/compare-init.sh as /init, the modules, the guests, and the
#   patched tree under /opt/ppc-mmu (usr/bin/qemu-system-ppc64.ppc-mmu, its
#   vof.bin in usr/share/qemu, and tools/qemu/smoke-qemu-wrapper.sh as
#   usr/bin/qemu-system-ppc64). Sets qemu_tree to the patched tree.
# shellcheck source=tools/rig/lib/qemu.sh
source "$(dirname "${BASH_SOURCE[0]}")/../rig/lib/qemu.sh"

qemu_side_by_side_initrd() {
	local out=$1 stage kdir root=$ppcmmu_root
	qemu_tree=$(bash "$root/tools/qemu/build.sh" | tail -n1) || return 1
	[ -x "$qemu_tree/usr/bin/qemu-system-ppc64" ] || return 1
	make -s -C "$root" modules || return 1
	bash "$root/tools/rig/guest/mkguest.sh" || return 1
	# The host root is shared: use it, never rebuild it from here.
	if [ ! -s "$root/build/hostroot/rootfs.cpio.gz" ] || [ ! -f "$root/build/hostroot/.complete" ]; then
		echo "no build/hostroot (run tools/rig/hostroot/mkhostroot.sh)" >&2
		return 1
	fi
	kdir=$(ppcmmu_kernel_dir) || return 1
	stage=$(mktemp -d)
	mkdir -p "$stage"/{modules,guest,opt/ppc-mmu}
	install -m 755 "$root/tools/qemu/compare-init.sh" "$stage/init"
	install -m 644 "$root/tools/rig/hostroot/host-lib.sh" "$stage/host-lib.sh"
	cp "$kdir/kvm.ko" "$kdir/kvm-hv.ko" "$root/kvm-ppc-mmu.ko" "$stage/modules/"
	cp "$root"/build/guest/{vmlinux,vmlinux-legacy,initramfs.cpio} "$stage/guest/"
	cp -a "$qemu_tree/usr" "$stage/opt/ppc-mmu/"
	mv "$stage/opt/ppc-mmu/usr/bin/qemu-system-ppc64" "$stage/opt/ppc-mmu/usr/bin/qemu-system-ppc64.ppc-mmu"
	sed "s|@MACHINE_OPT@||" "$root/tools/qemu/smoke-qemu-wrapper.sh" \
		>"$stage/opt/ppc-mmu/usr/bin/qemu-system-ppc64"
	chmod 755 "$stage/opt/ppc-mmu/usr/bin/qemu-system-ppc64"
	cp "$root/build/hostroot/rootfs.cpio.gz" "$out"
	truncate -s %4 "$out"
	(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >>"$out"
	rm -rf "$stage"
}
