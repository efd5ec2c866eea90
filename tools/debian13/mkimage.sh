#!/usr/bin/env bash
# Build the Debian 13 (trixie) POWER9 host as its admin has it: a ppc64el root
# filesystem with systemd as init, apt and dpkg, and Debian's two 6.12
# kernel flavours installed (powerpc64le, 4K pages; powerpc64le-64k), on an
# ext4 disk image the emulated powernv9 host boots from (tools/debian13/run.sh).
#
# How: tools/debian13/mirror.sh makes a local trixie repository of every
# package the host and the admin's commands need (resolved from trixie,
# trixie-updates and trixie-security's lists; see there why not straight
# from deb.debian.org). debootstrap installs from it with --arch=ppc64el,
# its second stage run through QEMU's user-mode emulator (binfmt_misc,
# registered here with the F flag so it works inside the chroot), so every
# package's own maintainer scripts run as on a real host (update-initramfs
# writes the initrds that boot it). The repository stays in the image at
# /srv/debian, the host's only apt source: the emulated host has no network,
# and the admin's apt installs from it as from a mirror (dkms, its compiler,
# both flavours' linux-headers). QEMU and libvirt are installed already.
#
# The kernel is the matrix's 6.12 (build/kernel/6.12/release, the newest the
# archive serves: tools/rig/fetch-kernel.sh). Nothing project-specific is in
# the image but one systemd unit, ppcmmu-payload.service: at boot it mounts
# the disk labelled PPCMMU if there is one, runs its run.sh as root with the
# output on the console, and powers off. So the module, the package and the
# scripts an admin types come with each run, and the image is rebuilt only
# when its key changes: this script, the kernel release, the package lists.
#
# Result:
#   build/debian13/<key>/rootfs.img      raw ext4, label trixie-root
#   build/debian13/<key>/vmlinux-<rel>   both flavours, for QEMU's -kernel
#   build/debian13/<key>/initrd.img-<rel>
#   build/debian13/<key>/packages.txt    dpkg -l of the image
#   build/debian13/current -> <key>
# Usage: tools/debian13/mkimage.sh   (as root; network to deb.debian.org)
# Prints the image directory on its last line of stdout.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tools/debian13
top=$root/build/debian13
log() { echo "debian13-image: $*" >&2; }

bash "$root/tools/rig/fetch-kernel.sh" 6.12 >&2
abi=$(sed 's/-powerpc64le$//' "$root/build/kernel/6.12/release")
flavours=("$abi-powerpc64le" "$abi-powerpc64le-64k")
# What the admin's commands install (tools/debian13/payload/): in the
# image's repository, not installed: the package's dependency dkms and what
# it pulls, each flavour's headers.
admin_pkgs=(dkms "linux-headers-${flavours[0]}" "linux-headers-${flavours[1]}")
# Installed: a virtualisation host as its admin has it before the module
# comes, trixie's QEMU (SLOF in qemu-system-data) and libvirt; and what
# makes the disk a guest boots from as an installed one does, through SLOF
# and grub (payload/guest-disk.sh): grub-mkimage and grub's
# powerpc-ieee1275 modules (the -bin package installs no boot loader).
image_pkgs=(systemd-sysv udev kmod apt initramfs-tools e2fsprogs procps
	iproute2 "linux-image-${flavours[0]}" "linux-image-${flavours[1]}"
	qemu-system-ppc qemu-utils libvirt-daemon-system libvirt-clients
	libvirt-daemon-driver-qemu grub-ieee1275-bin fdisk)

key=$( { cat "$0" "$here/mirror.sh" "$here/ppcmmu-payload.service" "$here/ppcmmu-payload"
	echo "$abi ${admin_pkgs[*]} ${image_pkgs[*]}"; } | sha256sum | cut -c1-12)
out=$top/$key
if [ -f "$out/.complete" ]; then
	ln -sfn "$key" "$top/current"
	echo "$out"
	exit 0
fi

missing=()
for p in debootstrap qemu-user-static e2fsprogs qemu-utils apt-utils curl; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ -n "${missing[*]:-}" ]; then
	log "installing ${missing[*]}"
	# QEMU 10's user emulator, the same release as the system emulator
	# (tools/rig/setup.sh adds bookworm-backports); the rest bookworm's.
	bash "$root/tools/rig/setup.sh" >&2
	for p in "${missing[@]}"; do
		case $p in
		qemu-user-static|qemu-utils) DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends -t bookworm-backports "$p" >&2 ;;
		*) DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$p" >&2 ;;
		esac
	done
fi

# binfmt_misc: ppc64el ELF executables run under qemu-ppc64le. F: the
# interpreter is opened now, so it is found from inside the chroot too.
binfmt=/proc/sys/fs/binfmt_misc
[ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt"
if [ ! -e "$binfmt/qemu-ppc64le" ]; then
	qemu_user=$(readlink -f /usr/bin/qemu-ppc64le-static)
	magic=$(sed -nE 's/^:qemu-ppc64le:M::([^:]*):.*/\1/p' /usr/share/qemu/binfmt.d/qemu-ppc64le.conf)
	mask=$(sed -nE 's/^:qemu-ppc64le:M::[^:]*:([^:]*):.*/\1/p' /usr/share/qemu/binfmt.d/qemu-ppc64le.conf)
	[ -n "$magic" ] && [ -n "$mask" ] || { log "no ppc64le magic in QEMU's binfmt.d"; exit 1; }
	echo ":qemu-ppc64le:M::$magic:$mask:$qemu_user:F" >"$binfmt/register"
fi

rm -rf "$out"
mkdir -p "$out"
fs=$out/fs
# Shared by every image key: a package already downloaded is not fetched
# again (mirror.sh keeps the build it took first).
repo=$top/repo
t0=$(date +%s)
log "local trixie repository"
bash "$here/mirror.sh" "$repo" "${image_pkgs[@]}" "${admin_pkgs[@]}"
tm=$(date +%s)
log "debootstrap trixie ppc64el (second stage under qemu-user)"
# The repository is unsigned: mirror.sh checked every file against the
# archive's signed lists when it downloaded it.
if ! debootstrap --arch=ppc64el --variant=minbase --no-check-gpg \
	--include=systemd-sysv,udev,kmod,apt,initramfs-tools,e2fsprogs,procps,iproute2 \
	trixie "$fs" "file://$repo" >"$out/debootstrap.log" 2>&1; then
	tail -n5 "$out/debootstrap.log" >&2
	log "debootstrap failed, see $out/debootstrap.log"
	exit 1
fi
t1=$(date +%s)

mkdir -p "$fs/srv"
cp -a "$repo" "$fs/srv/debian"
cat >"$fs/etc/apt/sources.list" <<'SRC'
# A local copy of trixie (tools/debian13/mirror.sh): this host has no network.
# On a real host: deb http://deb.debian.org/debian trixie main, and the same
# for trixie-updates and trixie-security (debian-security).
deb [trusted=yes] file:/srv/debian trixie main
SRC
echo trixie-power9 >"$fs/etc/hostname"
echo "LABEL=trixie-root / ext4 defaults,errors=remount-ro 0 1" >"$fs/etc/fstab"
# The initrd must find the root disk on its own: virtio on the PHB's root
# port (initramfs-tools' MODULES=most would take them too; said, not guessed).
printf 'virtio_pci\nvirtio_blk\next4\n' >>"$fs/etc/initramfs-tools/modules"
install -m 0644 "$here/ppcmmu-payload.service" "$fs/etc/systemd/system/"
install -m 0755 "$here/ppcmmu-payload" "$fs/usr/local/sbin/"
in_chroot() { chroot "$fs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
mount -t proc proc "$fs/proc"
trap 'umount "$fs/proc" 2>/dev/null || true' EXIT
log "kernels"
{
	in_chroot apt-get update
	in_chroot apt-get install -y --no-install-recommends "${image_pkgs[@]}"
	# No timer may take apt's lock or reach for a network the host lacks
	# while the admin's commands run.
	in_chroot systemctl mask apt-daily.timer apt-daily-upgrade.timer \
		e2scrub_all.timer fstrim.timer 2>/dev/null || true
	in_chroot systemctl enable ppcmmu-payload.service
	in_chroot passwd -d root
	in_chroot dpkg -l
} >"$out/chroot.log" 2>&1 || { tail -n8 "$out/chroot.log" >&2; log "chroot step failed, see $out/chroot.log"; exit 1; }
sed -n '/^ii /p' "$out/chroot.log" | awk '{print $2, $3}' >"$out/packages.txt"
umount "$fs/proc"
trap - EXIT
for f in "${flavours[@]}"; do
	cp "$fs/boot/vmlinux-$f" "$fs/boot/initrd.img-$f" "$out/" ||
		{ log "no kernel or initrd for $f in the image"; exit 1; }
done
t2=$(date +%s)
log "ext4 image"
# Room for what the admin installs (compiler, headers, libvirt, QEMU).
mke2fs -q -t ext4 -L trixie-root -d "$fs" "$out/rootfs.img" 6G >/dev/null
rm -rf "$fs"
t3=$(date +%s)
log "ready in $out (repository $((tm - t0))s, debootstrap $((t1 - tm))s, apt $((t2 - t1))s, image $((t3 - t2))s; $(wc -l <"$out/packages.txt") packages)"
touch "$out/.complete"
ln -sfn "$key" "$top/current"
# Images of other keys are stale: 6 GB each (sparse).
find "$top" -mindepth 1 -maxdepth 1 -type d -regextype egrep -regex '.*/[0-9a-f]{12}' \
	! -name "$key" -exec rm -rf {} +
echo "$out"
