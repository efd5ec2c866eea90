#!/usr/bin/env bash
# Build the debug host kernel: Debian's own linux-source-6.1 (the newest in
# the system's apt lists), configured as allnoconfig plus
# tools/rig/debug-kernel/debug.config (what the emulated powernv9 hosts need,
# and lockdep, PROVE_RCU, KASAN, kmemleak, DEBUG_LIST, SLUB_DEBUG_ON, ...),
# cross-compiled into build/kernel/debug-<source version>/ with the layout
# tools/rig/fetch-kernel.sh gives Debian's kernels:
#   vmlinux  kvm.ko kvm-hv.ko  modules/  headers/ (the build tree)  release  kmake
# and linked as build/kernel/6.1-debug, so every stage runs on it with
# PPC_MMU_KERNEL=6.1-debug.
#
# Cached: rebuilt only when the source version or debug.config change (the
# stamp file). From scratch about 10 minutes on 2 cores (the note of the
# commit that added it has the figures).
#
# Usage: tools/rig/debug-kernel/build.sh     (called by fetch-kernel.sh 6.1-debug)
set -euo pipefail
export PATH=$PATH:/sbin:/usr/sbin

root=$(cd "$(dirname "$0")/../../.." && pwd)
frag=$root/tools/rig/debug-kernel/debug.config
top=$root/build/kernel
cross=powerpc64le-linux-gnu-
pkg=linux-source-6.1

ver=$(apt-cache -q show "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n1)
[ -n "$ver" ] || { echo "debug-kernel: no $pkg in the apt lists (tools/rig/setup.sh)" >&2; exit 1; }
dest=$top/debug-$ver
stamp="$pkg $ver $(sha256sum "$frag" | cut -c1-16)"
if [ -f "$dest/.complete" ] && [ "$(cat "$dest/stamp" 2>/dev/null)" = "$stamp" ]; then
	ln -sfn "debug-$ver" "$top/6.1-debug"
	exit 0
fi

t0=$(date +%s)
echo "debug-kernel: building $pkg $ver with $(grep -c '^CONFIG_' "$frag") options of debug.config"
rm -rf "$dest"
mkdir -p "$dest/obj"
(cd "$dest" && apt-get -q -o APT::Sandbox::User=root download "$pkg=$ver" >/dev/null)
dpkg-deb --fsys-tarfile "$dest"/${pkg}_*.deb | tar -xO "./usr/src/$pkg.tar.xz" | tar -xJ -C "$dest"
rm -f "$dest"/${pkg}_*.deb
src=$dest/$pkg
t_src=$(date +%s)

kmake() { make -s -C "$src" O="$dest/obj" ARCH=powerpc CROSS_COMPILE=$cross "$@"; }
kmake KCONFIG_ALLCONFIG="$frag" allnoconfig >"$dest/config.log" 2>&1
# Kconfig drops what it cannot satisfy without a word: every option
# debug.config sets must be in the result, or the checkers are not there.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while read -r line; do
	grep -qxF "$line" "$dest/obj/.config" || echo "$line"
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: Kconfig did not keep:" $missing >&2
	exit 1
fi

if ! kmake -j"$(nproc)" vmlinux modules >"$dest/build.log" 2>&1; then
	echo "debug-kernel: build failed, see $dest/build.log" >&2
	tail -n 20 "$dest/build.log" >&2
	exit 1
fi
t_build=$(date +%s)
release=$(kmake kernelrelease)
kmake INSTALL_MOD_PATH="$dest/root" modules_install >/dev/null
cp "$dest/obj/arch/powerpc/kvm/kvm.ko" "$dest/obj/arch/powerpc/kvm/kvm-hv.ko" "$dest/"
ln -sfn obj/vmlinux "$dest/vmlinux"
ln -sfn "root/lib/modules/$release" "$dest/modules"
ln -sfn obj "$dest/headers"
echo "$release" >"$dest/release"
cat >"$dest/kmake" <<EOF
#!/bin/sh
# make against the debug kernel's build tree (tools/rig/debug-kernel/build.sh)
exec make -C '$dest/obj' ARCH=powerpc CROSS_COMPILE=$cross "\$@"
EOF
chmod +x "$dest/kmake"
echo "$stamp" >"$dest/stamp"
touch "$dest/.complete"
ln -sfn "debug-$ver" "$top/6.1-debug"
echo "debug-kernel: $release ready in $dest: source $((t_src - t0))s, build $((t_build - t_src))s," \
	".config $(grep -c '=' "$dest/obj/.config") options set, vmlinux $(du -m "$dest/obj/vmlinux" | cut -f1) MiB"
