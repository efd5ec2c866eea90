#!/usr/bin/env bash
# Build the emulated host's initramfs: /init (tools/rig/initramfs/init.c), Debian's
# kvm.ko and kvm-hv.ko, our module, and the selftests.
# Usage: tools/rig/mkinitramfs.sh OUT.cpio   (host kernel: PPC_MMU_KERNEL, default 6.1)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
source "$root/tools/rig/lib/kernel.sh"
kdir=$(ppcmmu_kernel_dir)
# The module must have been built for the kernel that will load it.
built_for=$(/sbin/modinfo -F vermagic "$root/kvm-ppc-mmu.ko" | awk '{print $1}')
if [ "$built_for" != "$(cat "$kdir/release")" ]; then
	echo "mkinitramfs: kvm-ppc-mmu.ko is built for ${built_for:-?}, the host kernel is $(cat "$kdir/release"):" \
		"run PPC_MMU_KERNEL=${PPC_MMU_KERNEL:-6.1} make modules" >&2
	exit 1
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{dev,proc,sys,selftests}
powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -static -o "$stage/init" "$root/tools/rig/initramfs/init.c"
cp "$kdir/kvm.ko" "$kdir/kvm-hv.ko" "$stage/"
fixed=$(ppcmmu_kvm_hv_fixed_ko) || exit 1
[ -z "$fixed" ] || cp "$fixed" "$stage/kvm-hv-fixed.ko"
# Programs run instead of the selftests with ppcmmu.run=NAME (tools/demo.sh,
# tools/bench.sh). Built with every initramfs, so the selftest stage keeps
# them compiling.
# They use the shared library only (tools/lib/ppcmmu), never selftests/lib.
lib=$root/tools/lib/ppcmmu
helpers=("$lib/guest.c" "$lib/module_ctl.c" "$lib/ppcmmu.c" "$lib/mmu_guest.c"
	 "$lib/cas_vectors.c" "$lib/cas_guest.c")
for prog in demo:tools/demo/ppc_mmu_demo.c bench:tools/bench/bench_proc_tbl.c \
	    bench-scale:tools/bench/bench_scale.c; do
	powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -static -pthread -I"$root/tools/lib" -I"$root/uapi" \
		-o "$stage/${prog%%:*}" "$root/${prog#*:}" "${helpers[@]}"
done
cp "$root/kvm-ppc-mmu.ko" "$stage/"
powerpc64le-linux-gnu-gcc -O2 -Wall -Wextra -Werror -static -I"$root/uapi" \
	-o "$stage/ppc-mmu-host-check" "$root/tools/host-check/ppc-mmu-host-check.c"
# A twin of the module under another name (selftests: a second hook is refused).
twin=$root/build/twin
rm -rf "$twin" && mkdir -p "$twin"
cp -r "$root/Kbuild" "$root/kmod" "$root/uapi" "$twin/"
"$kdir/kmake" -s M="$twin" PPCMMU_MODNAME=kvm-ppc-mmu-twin modules
cp "$twin/kvm-ppc-mmu-twin.ko" "$stage/"
# Built here too, so a stage run alone never boots stale selftests.
make -s -C "$root/selftests" || exit 1
cp "$root"/build/selftests/* "$stage/selftests/"
# kselftest's own runner with a shell to run it, if tools/rig/kselftest-tree.sh
# built them (ppcmmu.run=kselftest-runner; see tools/stages/kselftest-check.sh).
if [ -d "$root/build/kselftest" ] && [ -x "$root/build/busybox/bin/busybox" ]; then
	mkdir -p "$stage/bin"
	cp "$root/build/busybox/bin/busybox" "$stage/bin/"
	ln -s busybox "$stage/bin/sh"
	cp -r "$root/build/kselftest" "$stage/kselftest"
	cat >"$stage/kselftest-runner" <<'RUNNER'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin:$PATH
# runner.sh logs to /dev/stdout; devtmpfs has no such links (udev makes them)
ln -sfn /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
cd /kselftest && exec ./run_kselftest.sh
RUNNER
	chmod +x "$stage/kselftest-runner"
fi
(cd "$stage" && find . | cpio -o -H newc --quiet) > "$out"
