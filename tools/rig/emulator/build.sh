#!/usr/bin/env bash
# Build an x86 qemu-system-ppc64 to emulate the Debian 13 host's qemu boot
# with (opt-in: PPC_MMU_EMULATOR=built, tools/rig/lib/qemu.sh), from
# Debian 13's QEMU source (tools/qemu/fetch-source.sh, the tree the patched
# ppc64 QEMU is built from) plus the fixes in tools/rig/emulator/patches/
# (applied in the order of its series file): TCG only, no KVM, no GUI, docs
# or tools. The machine's own qemu-system-ppc64 (bookworm-backports' 10.0)
# loses writes of a radix guest of the emulated KVM-HV behind that host's
# dirty tracking, so live migrations there corrupt guests at random
# (the patches' messages say how; Documentation/rig.rst, "The emulator").
# Firmware (skiboot for powernv) stays the machine's: qemu-system-data's
# /usr/share/qemu, which QEMU finds relative to itself (../share/qemu).
#
# Result, reused while its key (the source version, this script, the
# series and its patches) is unchanged:
#   build/emulator/<version>-<key>/usr/bin/qemu-system-ppc64
#   build/emulator/<version>-<key>/usr/share/qemu -> /usr/share/qemu
#   build/emulator/current -> <version>-<key>
# Prints the binary's path on its last line of stdout.
# Usage: tools/rig/emulator/build.sh   (as root; network to deb.debian.org)
# Env:   EMULATOR_BUILD_JOBS=<n>   ninja -j (default: nproc)
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
here=$root/tools/rig/emulator
jobs=${EMULATOR_BUILD_JOBS:-$(nproc)}
log() { echo "emulator-build: $*" >&2; }
# shellcheck source=tools/qemu/lib.sh
source "$root/tools/qemu/lib.sh"

export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

# QEMU 10.0's build needs meson >= 1.5 (bookworm-backports has 1.7), ninja,
# python3 with venv; the libraries a ppc64 system emulator cannot do without.
pkgs=(gcc ninja-build python3 python3-venv pkgconf patch make
	libglib2.0-dev libpixman-1-dev zlib1g-dev libfdt-dev)
qemu_build_packages "${pkgs[@]}"

mkdir -p "$root/build/emulator"
exec 9>"$root/build/emulator/.lock"
flock -n 9 || { log "waiting for another tools/rig/emulator/build.sh"; flock 9; }

src=$(bash "$root/tools/qemu/fetch-source.sh" | tail -n1)
version=$(basename "$src")
mapfile -t patches < <(qemu_series_patches "$here/patches")
key=$(sha256sum "$0" "$here/patches/series" "${patches[@]}" | sed 's/ .*\// /' |
	sha256sum | cut -c1-12)
out=$root/build/emulator/$version-$key
if [ -x "$out/usr/bin/qemu-system-ppc64" ]; then
	ln -sfn "$(basename "$out")" "$root/build/emulator/current"
	echo "$out/usr/bin/qemu-system-ppc64"
	exit 0
fi

t_start=$(date +%s)
obj=$root/build/emulator/obj
rm -rf "$obj"
mkdir -p "$obj"
cp -a "$src" "$obj/src"
for p in "${patches[@]}"; do
	log "applying $(basename "$p")"
	patch -d "$obj/src" -p1 --fuzz=0 --forward --batch --quiet <"$p"
done
log "configure"
mkdir -p "$obj/b"
(cd "$obj/b" && "$obj/src/configure" \
	--prefix=/usr --firmwarepath=/usr/share/qemu \
	--with-pkgversion="ppc-mmu emulator $key, Debian $version" \
	--target-list=ppc64-softmmu --without-default-features \
	--enable-tcg --disable-kvm --disable-download --enable-fdt=system \
	--disable-docs --disable-tools --disable-user --disable-linux-user \
	--disable-guest-agent --disable-plugins --disable-debug-info \
	--disable-install-blobs >"$obj/configure.log" 2>&1) ||
	{ tail -n 40 "$obj/configure.log" >&2; exit 1; }
log "ninja -j$jobs (log: $obj/build.log)"
ninja -C "$obj/b" -j"$jobs" qemu-system-ppc64 >"$obj/build.log" 2>&1 ||
	{ tail -n 40 "$obj/build.log" >&2; exit 1; }

rm -rf "$out.tmp"
mkdir -p "$out.tmp/usr/bin" "$out.tmp/usr/share"
strip -o "$out.tmp/usr/bin/qemu-system-ppc64" "$obj/b/qemu-system-ppc64"
ln -s /usr/share/qemu "$out.tmp/usr/share/qemu"
mv "$out.tmp" "$out"
ln -sfn "$(basename "$out")" "$root/build/emulator/current"
rm -rf "$obj"
log "built in $(($(date +%s) - t_start)) s: $out/usr/bin/qemu-system-ppc64"
echo "$out/usr/bin/qemu-system-ppc64"
