#!/usr/bin/env bash
# Build the emulated host's initramfs: /init (tools/initramfs/init.c), Debian's
# kvm.ko and kvm-hv.ko, our module, and the selftests.
# Usage: tools/mkinitramfs.sh OUT.cpio
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
kdir=$root/build/kernel/current
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{dev,proc,sys,selftests}
powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -static -o "$stage/init" "$root/tools/initramfs/init.c"
cp "$kdir/modules/kernel/arch/powerpc/kvm/kvm.ko" "$kdir/modules/kernel/arch/powerpc/kvm/kvm-hv.ko" "$stage/"
# Programs run instead of the selftests with ppcmmu.run=NAME.
helpers=("$root/selftests/lib/guest.c" "$root/selftests/lib/module_ctl.c"
	 "$root/selftests/lib/ppcmmu.c" "$root/selftests/lib/mmu_guest.c"
	 "$root/selftests/lib/cas_vectors.c")
for prog in demo:tools/demo/ppc_mmu_demo.c bench:tools/bench/bench_proc_tbl.c; do
	powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -static -I"$root/selftests" -I"$root/uapi" \
		-o "$stage/${prog%%:*}" "$root/${prog#*:}" "${helpers[@]}"
done
cp "$root/kvm-ppc-mmu.ko" "$stage/"
# A twin of the module under another name (selftests: a second hook is refused).
twin=$root/build/twin
rm -rf "$twin" && mkdir -p "$twin"
cp -r "$root/Kbuild" "$root/kmod" "$root/uapi" "$twin/"
make -s -C "$root/build/kernel/current/headers" M="$twin" ARCH=powerpc \
	CROSS_COMPILE=powerpc64le-linux-gnu- PPCMMU_MODNAME=kvm-ppc-mmu-twin modules
cp "$twin/kvm-ppc-mmu-twin.ko" "$stage/"
cp "$root"/build/selftests/* "$stage/selftests/"
(cd "$stage" && find . | cpio -o -H newc --quiet) > "$out"
