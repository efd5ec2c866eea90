#!/usr/bin/env bash
# Cross-build the project's qemu-system-ppc64 for ppc64el on this x86 machine:
# Debian 13's QEMU (tools/qemu/fetch-source.sh: trixie's qemu source as
# POWER9 admins install it, Debian's patches applied) plus our series
# (tools/qemu/patches/, applied in order from its series file), configured
# as the ppc64 system emulator Debian ships minus what the emulated hosts
# cannot use: KVM and TCG, no GUI, docs, tools or optional libraries.
#
# Result, reused while its key (the source version, the series and every
# patch in it, this script) is unchanged:
#   build/qemu-patched/<version>-<key>/usr/bin/qemu-system-ppc64
#   build/qemu-patched/<version>-<key>/usr/share/qemu/vof.bin
#         (pseries' firmware with x-vof=on, what tools/rig/hostroot/init.sh
#         passes; SLOF, the default firmware, is left out)
#   build/qemu-patched/<version>-<key>/packages.txt   the sysroot's packages
#   build/qemu-patched/<version>-<key>/.complete      written last
#   build/qemu-patched/current -> <version>-<key>
# The tree is laid out as a host's root is (/usr/bin, /usr/share/qemu). It
# links only against libraries Debian's own qemu-system-ppc already pulls in,
# built against bookworm's (glib 2.74, QEMU 10.0 needs 2.66), so the one
# binary runs in the bookworm host root (build/hostroot, tools/qemu/smoke.sh)
# and in the trixie host (tools/debian13/, newer sonames-compatible glib,
# glibc): bookworm's cross compiler links against its glibc 2.36, which a
# trixie sysroot's libraries (built against 2.41) would not link with.
#
# Why a private sysroot and not multiarch -dev:ppc64el packages: installing
# libglib2.0-dev:ppc64el system-wide needs the amd64 and ppc64el versions of
# every Multi-Arch: same package in lock step, and this machine runs
# bookworm-backports' QEMU 10 (whose newer libraries would be held back or
# replaced) for the other workers and the test suite. `apt-get download` +
# `dpkg -x` into build/ touches no system package, is exactly bookworm's
# ppc64el archive, and is thrown away with build/. The compiler keeps its own
# libc (libc6-dev-ppc64el-cross, same glibc 2.36 as the hosts); the sysroot
# only adds the libraries' headers, .pc files and .so files, found through a
# pkg-config wrapper (PKG_CONFIG_SYSROOT_DIR) and -I/-L/-rpath-link.
#
# Usage: tools/qemu/build.sh   (as root; network to deb.debian.org)
# Env:   QEMU_BUILD_JOBS=<n>   ninja -j (default: nproc)
# Prints the output directory on its last line of stdout.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tools/qemu
triplet=powerpc64le-linux-gnu
jobs=${QEMU_BUILD_JOBS:-$(nproc)}

log() { echo "qemu-build: $*" >&2; }
# shellcheck source=tools/qemu/lib.sh
source "$here/lib.sh"

# Debian's python3 first: meson runs on it, and QEMU's configure refuses
# --python with a system meson (any python3 earlier in PATH, say pyenv's,
# would otherwise be the one QEMU's build scripts run on).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

# Build machine packages: the cross compiler and its libc, QEMU 10.0's build
# system (meson >= 1.5: qemu_build_packages gets it; ninja; python3
# with venv, which configure runs meson in), pkg-config, and apt/dpkg tools
# for the sysroot.
host_pkgs=("gcc-$triplet" "binutils-$triplet" libc6-dev-ppc64el-cross ninja-build
	python3 python3-venv pkgconf dpkg-dev patch make)
# The target libraries QEMU 10.0's ppc64 system emulator cannot do without
# (meson.build): glib-2.0 and gthread-2.0 (pkg-config; glib-2.0.pc names
# libpcre2-8 in Requires.private, which pkg-config insists on finding),
# pixman-1 (the pseries display devices), zlib (always required), libfdt (pseries builds its device tree with it; Debian's tarball
# has no dtc submodule to fall back to). The runtime packages give the .so
# files the -dev symlinks point at, and the libraries those need at link time.
target_pkgs=(libglib2.0-dev libglib2.0-0 libpcre2-dev libpcre2-8-0
	libpixman-1-dev libpixman-1-0 zlib1g-dev zlib1g libfdt-dev libfdt1)

qemu_build_packages "${host_pkgs[@]}"
dpkg --print-foreign-architectures | grep -qx ppc64el || {
	dpkg --add-architecture ppc64el
	apt-get update -q >&2 || true
}

# One build at a time: two would share build/qemu-sysroot and the object tree.
mkdir -p "$root/build"
exec 9>"$root/build/qemu-build.lock"
flock -n 9 || { log "waiting for another tools/qemu/build.sh"; flock 9; }

src=$(bash "$here/fetch-source.sh" | tail -n1)
version=$(basename "$src")

# The cache key: this script, the series and each patch it names, in order.
series=$here/patches/series
mapfile -t patches < <(qemu_series_patches "$here/patches")
key=$( {
	sha256sum "$0" "$here/fetch-source.sh" "$series"
	[ ${#patches[@]} -gt 0 ] && sha256sum "${patches[@]}"
	printf '%s\n' "${target_pkgs[@]}"
} | sed 's/ .*\// /' | sha256sum | cut -c1-12)
out=$root/build/qemu-patched/$version-$key

if [ -f "$out/.complete" ]; then
	ln -sfn "$(basename "$out")" "$root/build/qemu-patched/current"
	echo "$out"
	exit 0
fi
t_start=$(date +%s)

# --- sysroot: bookworm's ppc64el libraries, unpacked, no system change ---
sysroot=$root/build/qemu-sysroot
sysroot_key=$(printf '%s\n' "${target_pkgs[@]}" | sha256sum | cut -c1-12)
if [ "$(cat "$sysroot/.complete" 2>/dev/null)" != "$sysroot_key" ]; then
	log "sysroot: downloading ${#target_pkgs[@]} ppc64el packages"
	rm -rf "$sysroot" "$sysroot.tmp"
	mkdir -p "$sysroot.tmp/debs" "$sysroot.tmp/usr/lib"
	# bookworm is merged-/usr: lib is a link, as on the hosts.
	ln -s usr/lib "$sysroot.tmp/lib"
	(cd "$sysroot.tmp/debs" &&
		apt-get download -q -o APT::Sandbox::User=root "${target_pkgs[@]/%/:ppc64el}" >&2)
	for deb in "$sysroot.tmp"/debs/*.deb; do
		dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$sysroot.tmp"
		# shellcheck disable=SC2016 # dpkg-deb's own ${field} syntax
		dpkg-deb -W --showformat='${Package}:${Architecture} ${Version}\n' "$deb" >>"$sysroot.tmp/packages.txt"
	done
	rm -rf "$sysroot.tmp/debs"
	# Absolute links (libfoo.so -> /lib/...) would point into this machine's
	# own amd64 root: make them relative inside the sysroot.
	find "$sysroot.tmp" -type l -lname '/*' | while read -r l; do
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$sysroot.tmp$(readlink "$l")")" "$l"
	done
	echo "$sysroot_key" >"$sysroot.tmp/.complete"
	mv "$sysroot.tmp" "$sysroot"
fi
libdir=$sysroot/usr/lib/$triplet

# pkg-config sees only the sysroot's .pc files and prefixes their paths.
mkdir -p "$root/build/qemu-obj"
pkgconf_wrap=$root/build/qemu-obj/$triplet-pkg-config
cat >"$pkgconf_wrap" <<EOS
#!/bin/sh
# Generated by tools/qemu/build.sh: pkg-config for the ppc64el sysroot.
PKG_CONFIG_LIBDIR=$libdir/pkgconfig:$sysroot/usr/share/pkgconfig
PKG_CONFIG_SYSROOT_DIR=$sysroot
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
exec pkg-config "\$@"
EOS
chmod +x "$pkgconf_wrap"

# --- source tree: Debian's, copied, then our series ---
obj=$root/build/qemu-obj/$version-$key
rm -rf "$obj"
mkdir -p "$obj"
log "copying the source and applying ${#patches[@]} patch(es) from $series"
cp -a "$src" "$obj/src"
for p in "${patches[@]}"; do
	log "  $(basename "$p")"
	patch -d "$obj/src" -p1 --fuzz=0 --forward --batch --quiet <"$p"
done
# QEMU keeps copies of the kernel headers it uses (linux-headers/); the
# series imports ours. A copy older than uapi/ would build a QEMU that
# speaks another ABI than the module: refuse, and say how to refresh it.
hdr=linux-headers/linux/kvm_ppc_mmu.h
if [ -f "$obj/src/$hdr" ] && ! cmp -s "$obj/src/$hdr" "$root/uapi/linux/kvm_ppc_mmu.h"; then
	diff -u "$obj/src/$hdr" "$root/uapi/linux/kvm_ppc_mmu.h" | head -n 20 >&2
	log "the series' $hdr differs from uapi/linux/kvm_ppc_mmu.h: regenerate" \
		"tools/qemu/patches/0001-linux-headers-*.patch from it"
	exit 1
fi

# --- configure: the ppc64 system emulator, KVM and TCG ---
# --without-default-features turns every optional library and feature off
# (no GUI, audio, block drivers beyond the built-in ones, slirp, seccomp, ...);
# what is asked back is KVM, TCG (as Debian builds it: the series must build
# and behave there too), system libfdt and the pieces the hosts use.
# -Werror: this configuration builds without a single warning, so a patch
# of ours that adds one (an implicit declaration, say) stops the build.
# --disable-download and --disable-install-blobs as debian/rules has them
# (the +ds tarball has no firmware blobs; Debian's qemu-system-data does).
# --prefix=/usr and the data dir /usr/share/qemu: where qemu-system-data puts
# slof.bin and vof.bin on a host, so the binary finds its firmware there.
log "configure"
mkdir -p "$obj/b"
(cd "$obj/b" && PKG_CONFIG="$pkgconf_wrap" "$obj/src/configure" \
	--cross-prefix=$triplet- \
	--prefix=/usr --sysconfdir=/etc --localstatedir=/var \
	--firmwarepath=/usr/share/qemu \
	--with-pkgversion="ppc-mmu $key, Debian $version" \
	--target-list=ppc64-softmmu \
	--without-default-features \
	--enable-kvm --enable-tcg --disable-download \
	--enable-fdt=system \
	--disable-docs --disable-tools --disable-user --disable-linux-user \
	--disable-guest-agent --disable-plugins --disable-debug-info \
	--disable-install-blobs --enable-werror \
	--extra-cflags="-I$sysroot/usr/include -I$sysroot/usr/include/$triplet" \
	--extra-ldflags="-L$libdir -Wl,-rpath-link=$libdir" \
	>"$obj/configure.log" 2>&1) || { tail -n 40 "$obj/configure.log" >&2; exit 1; }
t_conf=$(date +%s)

log "ninja -j$jobs (log: $obj/build.log)"
ninja -C "$obj/b" -j"$jobs" qemu-system-ppc64 >"$obj/build.log" 2>&1 ||
	{ tail -n 40 "$obj/build.log" >&2; exit 1; }
t_build=$(date +%s)

# --- VOF (pseries' minimal firmware with x-vof=on): built from the same
# tree as Debian does (debian/rules build-vof: 32-bit big-endian code). Our
# ppc64le cross gcc emits that with -m32 -mbig-endian, and ld with -EB.
mkdir -p "$obj/vof"
printf 'CC=%s\nLD=%s\nOBJCOPY=%s\nEXTRA_CFLAGS=-m32 -mbig-endian\n' \
	"$triplet-gcc" "$triplet-ld" "$triplet-objcopy" >"$obj/vof/config.mak"
make -C "$obj/vof" SRC_DIR="$obj/src/pc-bios/vof" -f "$obj/src/pc-bios/vof/Makefile" \
	>"$obj/vof.log" 2>&1 || { tail -n 20 "$obj/vof.log" >&2; exit 1; }

rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp/usr/bin" "$out.tmp/usr/share/qemu"
$triplet-strip -o "$out.tmp/usr/bin/qemu-system-ppc64" "$obj/b/qemu-system-ppc64"
cp "$obj/vof/vof.bin" "$out.tmp/usr/share/qemu/vof.bin"
cp "$sysroot/packages.txt" "$out.tmp/packages.txt"
{
	echo "source $version"
	echo "patches ${patches[*]##*/}"
	echo "configure $((t_conf - t_start))s, compile $((t_build - t_conf))s, total $(($(date +%s) - t_start))s (jobs $jobs)"
} >"$out.tmp/build-info.txt"
mv "$out.tmp" "$out"
echo "$key" >"$out/.complete"
ln -sfn "$(basename "$out")" "$root/build/qemu-patched/current"
# The object tree is large and rebuilt from scratch on any key change.
rm -rf "$obj"
log "$(du -h "$out/usr/bin/qemu-system-ppc64" | cut -f1) qemu-system-ppc64 in $out ($(tail -n1 "$out/build-info.txt"))"
echo "$out"
