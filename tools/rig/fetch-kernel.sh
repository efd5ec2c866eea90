#!/usr/bin/env bash
# Fetch one of Debian's powerpc64le kernels (image, modules, headers, kbuild)
# into build/kernel/<version>/ and point build/kernel/<series> at it.
#
# Usage: tools/rig/fetch-kernel.sh [6.1|6.12|6.12-64k|7.2|6.1-debug]   (default: $PPC_MMU_KERNEL or 6.1)
#
#   6.1-debug  the debug host kernel, built from linux-source-6.1
#              (tools/rig/debug-kernel/build.sh)
#   6.1   bookworm's newest linux-image-6.1.0-N-powerpc64le (system apt);
#         also build/kernel/current, what everything used before the matrix
#   6.12  Debian 13 (trixie)'s newest 6.12.*+deb13, from trixie and
#         trixie-security (private apt config under build/apt/trixie): what a
#         POWER9 admin on Debian's stable release runs. Its linux-kbuild needs
#         trixie's glibc, so kbuild runs in a trixie chroot as for 7.2.
#         Debian's powerpc64le flavour, 4K pages since trixie.
#   6.12-64k  the same kernel's powerpc64le-64k flavour (build/kernel/
#         <version>-64k): the module is built and checked against both.
#   7.2   sid's newest 7.2.*+debN (private apt config under build/apt/sid,
#         never the system's sources). Split into linux-binary-* (vmlinux,
#         named vmlinuz) and linux-modules-* (.ko.xz). Its linux-kbuild needs
#         glibc >= 2.38 and its config was made by sid's gcc-16, which
#         bookworm's gcc-12 cannot stand in for (-fmin-function-alignment):
#         kbuild runs in a minimal sid chroot made by debootstrap
#         (build/kernel/<version>/chroot) holding make, sparse, that gcc, that
#         linux-kbuild (installed with the chroot's own apt from the same
#         suites, since a -security kbuild is not in the suite debootstrap
#         reads), and the headers at their Debian paths.
#
# Each build/kernel/<version>/ holds:
#   vmlinux            the kernel QEMU boots (ELF)
#   kvm.ko kvm-hv.ko   Debian's KVM modules, decompressed
#   modules/           the kernel's /lib/modules/<release> tree
#   headers/           the kbuild tree modules build against
#   release            uname -r of that kernel
#   kmake              make against it: kmake M=<dir> modules [C=2 W=1 ...]
#                      (adds ARCH/CROSS_COMPILE; in the chroot for 7.2)
# Versions are discovered with apt-cache, never hard-coded;
# PPC_MMU_KERNEL_ABI=<version> (e.g. 6.1.0-47, 6.12.113+deb13) pins one.
# A version already unpacked costs an apt-cache search (under a second).
set -euo pipefail
export PATH=$PATH:/sbin:/usr/sbin

root=$(cd "$(dirname "$0")/../.." && pwd)
ppcmmu_root=$root
source "$root/tools/rig/lib/kernel.sh"
series=${1:-$(ppcmmu_kernel_series)}
top=$root/build/kernel
kflavour=${PPC_MMU_KERNEL_FLAVOUR:-powerpc64le}
cross=powerpc64le-linux-gnu-
# One fetch of a series at a time: the test command's Debian 13 job
# (tools/debian13/mkimage.sh) and its 6.12 stage may both ask for 6.12.
mkdir -p "$top"
exec 9>"$top/.fetch-$series.lock"
flock 9

case $series in
6.1-debug)	# not Debian's binaries: built here from Debian's source
	exec bash "$root/tools/rig/debug-kernel/build.sh" ;;
6.1)	apt_src=system image_re='^linux-image-6\.1\.0-[0-9]+-powerpc64le$' runner=host ;;
6.12-64k) # the same kernel's 64K-page flavour (static checks build against it)
	exec env PPC_MMU_KERNEL_FLAVOUR=powerpc64le-64k bash "$0" 6.12 ;;
6.12)	apt_src=trixie suites=(trixie trixie-security) runner=chroot
	image_re="^linux-(image|binary)-6\\.12\\.[0-9]+\\+deb13-${PPC_MMU_KERNEL_FLAVOUR:-powerpc64le}\$" ;;
7.2)	apt_src=sid suites=(sid) image_re='^linux-(image|binary)-7\.2\.[0-9]+\+deb[0-9]+-powerpc64le$' runner=chroot ;;
*)	echo "fetch-kernel: unknown series '$series' ($ppcmmu_kernel_series_list)" >&2; exit 2 ;;
esac

kapt() {	# kapt apt-get|apt-cache ARGS...
	if [ "$apt_src" = system ]; then
		"$1" -q -o APT::Sandbox::User=root "${@:2}"
	else
		ppcmmu_private_apt "$apt_src" "${suites[@]}" -- "$@"
	fi
}

step() {	# step NAME: note how long the previous step took
	local now
	now=$(date +%s)
	[ -n "${step_name:-}" ] && timings+=("$step_name $((now - t_step))s")
	step_name=$1 t_step=$now
}
timings=()

step discover
# Newest first. The archive this rig reaches can list a kernel whose files it
# does not serve yet (seen: trixie-security's ppc64el 6.12.115 to 6.12.118
# answered 404 while amd64's were there), so the newest that downloads is
# taken below, and the ones skipped are said.
candidates=$(kapt apt-cache search --names-only "$image_re" | awk '{print $1}' |
	sed -E "s/^linux-(image|binary)-//; s/-$kflavour\$//" | sort -urV)
[ -n "${PPC_MMU_KERNEL_ABI:-}" ] && candidates=$PPC_MMU_KERNEL_ABI

# try_kernel ABI: set abi, flavour, dest; 0 when that kernel is unpacked
# already (done) or its packages are now in $dest/debs, 1 when they do not
# download.
try_kernel() {
	abi=$1 flavour=$1-$kflavour dest=$top/$1${kflavour#powerpc64le}
	# kmake came with the matrix: an older cache without it is fetched again.
	[ -f "$dest/.complete" ] && [ -x "$dest/kmake" ] && return 0
	rm -rf "$dest"
	mkdir -p "$dest/debs"
	pkgs=("linux-headers-$flavour:ppc64el" "linux-headers-$abi-common")
	if kapt apt-cache show "linux-binary-$flavour:ppc64el" >/dev/null 2>&1; then
		pkgs+=("linux-binary-$flavour:ppc64el" "linux-modules-$flavour:ppc64el")
	else
		pkgs+=("linux-image-$flavour:ppc64el")
	fi
	kbuild=$(kapt apt-cache depends "linux-headers-$flavour:ppc64el" |
		sed -nE 's/^ *Depends: (linux-kbuild-[^: ]+).*/\1/p' | head -n1)
	[ -n "$kbuild" ] || { echo "fetch-kernel: no linux-kbuild dependency of linux-headers-$flavour" >&2; exit 1; }
	pkgs+=("$kbuild:amd64")
	(cd "$dest/debs" && kapt apt-get download "${pkgs[@]}" >"$top/.download.log" 2>&1) && return 0
	echo "fetch-kernel: $flavour is listed but does not download ($(grep -c '^E:' "$top/.download.log") errors); trying an older one" >&2
	rm -rf "$dest"
	return 1
}

link() {
	ln -sfn "${dest##*/}" "$top/$series${kflavour#powerpc64le}"
	if [ "$series" = 6.1 ]; then ln -sfn "$abi" "$top/current"; fi
}

mkdir -p "$top"
step download
found=
for a in $candidates; do
	if try_kernel "$a"; then found=$a; break; fi
done
if [ -z "$found" ]; then
	if [ -f "$top/$series${kflavour#powerpc64le}/.complete" ]; then
		echo "fetch-kernel: $series: no kernel downloads; keeping $(readlink "$top/$series${kflavour#powerpc64le}")" >&2
		exit 0
	fi
	echo "fetch-kernel: $series: no package matching $image_re downloads (tools/rig/setup.sh)" >&2
	exit 1
fi
if [ -f "$dest/.complete" ]; then
	link
	exit 0
fi
echo "fetch-kernel: Debian kernel $flavour ($series; kbuild runs $([ "$runner" = host ] && echo here || echo "in a ${suites[0]} chroot"))"

step unpack
for d in "$dest"/debs/*.deb; do
	case $d in
	*/linux-headers-*|*/linux-kbuild-*) [ "$runner" = host ] && dpkg-deb -x "$d" "$dest/root" ;;
	*) dpkg-deb -x "$d" "$dest/root" ;;
	esac
done

if [ "$runner" = host ]; then
	hdr=$dest/root/usr/src/linux-headers-$flavour
	cc=$(sed -nE 's/^CC = .*\$\(CROSS_COMPILE\)(gcc-[0-9]+).*/\1/p' "$hdr/.kernelvariables")
	command -v "$cross${cc:-gcc}" >/dev/null ||
		{ echo "fetch-kernel: $flavour wants $cross${cc:-gcc}, not installed" >&2; exit 1; }
	# The flavour's Makefile names the -common tree and itself by absolute
	# /usr/src paths; the kbuild links may be absolute (/usr/lib/...).
	sed -i "s|/usr/src/linux-headers-|$dest/root/usr/src/linux-headers-|g" "$hdr/Makefile"
	for tree in "$hdr" "$dest/root/usr/src/linux-headers-$abi-common"; do
		for l in scripts tools; do
			t=$(readlink "$tree/$l" 2>/dev/null) || continue
			case $t in /*) ln -sfn "$dest/root$t" "$tree/$l" ;; esac
		done
	done
	cat >"$dest/kmake" <<EOF
#!/bin/sh
# make against Debian's $flavour headers (tools/rig/fetch-kernel.sh)
exec make -C '$hdr' ARCH=powerpc CROSS_COMPILE=$cross "\$@"
EOF
else
	step chroot
	chroot=$dest/chroot
	cc=$(dpkg-deb --fsys-tarfile "$dest"/debs/linux-headers-"$flavour"_*.deb |
		tar -xO "./usr/src/linux-headers-$flavour/.kernelvariables" |
		sed -nE 's/^CC = .*\$\(CROSS_COMPILE\)(gcc-[0-9]+).*/\1/p')
	[ -n "$cc" ] || { echo "fetch-kernel: cannot tell which gcc built $flavour" >&2; exit 1; }
	# debootstrap reads one suite: the kbuild (which may be in -security)
	# is installed from the downloaded deb, its dependencies through
	# debootstrap (they are in the base suite).
	kbuild_deps=$(kapt apt-cache depends "$kbuild:amd64" |
		sed -nE 's/^ *Depends: ([^:< ]+).*/\1/p' | sort -u | paste -sd, -)
	if ! debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		--include="make,sparse,$cc-powerpc64le-linux-gnu${kbuild_deps:+,$kbuild_deps}" \
		"${suites[0]}" "$chroot" http://deb.debian.org/debian >"$dest/debootstrap.log" 2>&1; then
		echo "fetch-kernel: debootstrap of the ${suites[0]} chroot failed, see $dest/debootstrap.log" >&2
		tail -n5 "$dest/debootstrap.log" >&2
		exit 1
	fi
	rm -rf "$chroot/var/cache/apt/archives"/*.deb
	cp "$dest"/debs/"$kbuild"_*.deb "$chroot/tmp/"
	chroot "$chroot" sh -c 'dpkg -i /tmp/linux-kbuild-*.deb && rm /tmp/linux-kbuild-*.deb' \
		>>"$dest/debootstrap.log" 2>&1 ||
		{ echo "fetch-kernel: $kbuild does not install in the chroot, see $dest/debootstrap.log" >&2; exit 1; }
	for d in "$dest"/debs/linux-headers-*.deb; do
		dpkg-deb -x "$d" "$chroot"
	done
	hdr=$chroot/usr/src/linux-headers-$flavour
	# Newer kbuild (7.2's, not 6.12's) runs scripts/checker-valid.sh before
	# sparse (C=1/2) and Debian's linux-kbuild does not ship it (7.2.13), so
	# sparse would be skipped with only a warning: take it from
	# linux-source-<series>.
	kscripts=$chroot/usr/lib/$kbuild/scripts
	if grep -q 'scripts/checker-valid.sh' "$chroot/usr/src/linux-headers-$abi-common/Makefile" &&
	   [ ! -e "$kscripts/checker-valid.sh" ]; then
		step checker-valid.sh
		(cd "$dest/debs" && kapt apt-get download "linux-source-$series" >/dev/null)
		{ dpkg-deb --fsys-tarfile "$dest"/debs/linux-source-"$series"_*.deb |
			tar -xO "./usr/src/linux-source-$series.tar.xz" |
			tar -xJO --occurrence=1 "linux-source-$series/scripts/checker-valid.sh" \
			>"$kscripts/checker-valid.sh"; } 2>/dev/null || true
		[ -s "$kscripts/checker-valid.sh" ] ||
			{ echo "fetch-kernel: no scripts/checker-valid.sh in linux-source-$series" >&2; exit 1; }
		chmod +x "$kscripts/checker-valid.sh"
	fi
	# kmake binds the directories it builds in (the repo, any M= outside
	# it) at the same paths inside the chroot, in a private mount namespace
	# so nothing stays mounted once it returns.
	cat >"$dest/kmake" <<EOF
#!/bin/sh
# make against Debian's $flavour headers inside its ${suites[0]} chroot
# (tools/rig/fetch-kernel.sh): its kbuild needs ${suites[0]}'s glibc and $cc.
chroot='$chroot'
if [ -z "\${PPCMMU_KMAKE_NS:-}" ]; then
	PPCMMU_KMAKE_NS=1 exec unshare -m -- "\$0" "\$@"
fi
unset PPCMMU_KMAKE_NS
for b in '$root' \$(for a in "\$@"; do case \$a in M=/*) echo "\${a#M=}" ;; esac; done); do
	case \$b in '$root'/*) continue ;; esac
	mkdir -p "\$chroot\$b" && mount --bind "\$b" "\$chroot\$b" || exit 1
done
exec chroot "\$chroot" /bin/sh -c 'cd "\$1" 2>/dev/null || cd /; shift
	exec make -C /usr/src/linux-headers-$flavour ARCH=powerpc CROSS_COMPILE=$cross "\$@"' sh "\$PWD" "\$@"
EOF
fi
chmod +x "$dest/kmake"
rm -rf "$dest/debs"

step install
moddir=$(find "$dest/root/lib/modules" "$dest/root/usr/lib/modules" -maxdepth 1 -name "$flavour" 2>/dev/null | head -n1 || true)
[ -n "$moddir" ] || { echo "fetch-kernel: no modules/$flavour in the packages" >&2; exit 1; }
for v in "$dest/root/boot/vmlinux-$flavour" "$moddir/vmlinuz" "$moddir/vmlinux"; do
	if [ -f "$v" ] && [ "$(head -c4 "$v" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
		ln -sfn "$v" "$dest/vmlinux"
		break
	fi
done
[ -e "$dest/vmlinux" ] || { echo "fetch-kernel: no ELF vmlinux for $flavour" >&2; exit 1; }
for m in kvm kvm-hv; do
	k=$moddir/kernel/arch/powerpc/kvm/$m.ko
	if [ -f "$k" ]; then cp "$k" "$dest/$m.ko"
	elif [ -f "$k.xz" ]; then xz -dc "$k.xz" >"$dest/$m.ko"
	else echo "fetch-kernel: no $m.ko in $flavour" >&2; exit 1
	fi
done
ln -sfn "$moddir" "$dest/modules"
ln -sfn "$hdr" "$dest/headers"
echo "$flavour" >"$dest/release"

step check
# The whole toolchain (compiler, fixdep, modpost, pahole for BTF) must run
# where kmake puts it and build a module this kernel would load.
probe=$dest/probe
mkdir -p "$probe"
echo 'obj-m := ppcmmu-probe.o' >"$probe/Kbuild"
printf '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n' >"$probe/ppcmmu-probe.c"
if ! "$dest/kmake" -s M="$probe" modules >"$probe/log" 2>&1 ||
   [ "$(modinfo -F vermagic "$probe/ppcmmu-probe.ko" 2>/dev/null | awk '{print $1}')" != "$flavour" ]; then
	echo "fetch-kernel: kbuild for $flavour does not build a module:" >&2
	tail -n5 "$probe/log" >&2
	exit 1
fi
rm -rf "$probe"
step "done"
touch "$dest/.complete"
link
echo "fetch-kernel: ready in $dest (${timings[*]})"
