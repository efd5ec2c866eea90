#!/bin/bash
# guest-disk.sh IMAGE KERNEL INITRD ARGS: a disk laid out as Debian's
# installer leaves a ppc64el guest's, for a boot through SLOF and grub as
# an installed guest boots: an MBR label with a PReP boot partition (type
# 0x41) holding grub's core image, which is what grub-install writes there
# for powerpc-ieee1275, and an ext4 root partition with /boot/vmlinux,
# /boot/initrd.img and /boot/grub/grub.cfg booting them with ARGS.
# SLOF finds the PReP partition and loads grub from it; grub finds its
# config on the root partition by searching for it (as an installed core
# image finds it by UUID) and boots Linux through the client interface.
# Needs grub-mkimage and /usr/lib/grub/powerpc-ieee1275 (grub-ieee1275-bin),
# sfdisk and mke2fs; no loop device: each partition is written in place.
set -eu
img=$1 kernel=$2 initrd=$3 args=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/root/boot/grub"
cp "$kernel" "$tmp/root/boot/vmlinux"
cp "$initrd" "$tmp/root/boot/initrd.img"
cat >"$tmp/root/boot/grub/grub.cfg" <<EOF
set timeout=0
menuentry 'Debian GNU/Linux' {
	linux /boot/vmlinux $args
	initrd /boot/initrd.img
}
EOF
cat >"$tmp/early.cfg" <<'EOF'
search.file /boot/grub/grub.cfg root
set prefix=($root)/boot/grub
EOF
grub-mkimage -O powerpc-ieee1275 -d /usr/lib/grub/powerpc-ieee1275 \
	-c "$tmp/early.cfg" -p /boot/grub -o "$tmp/core.elf" \
	part_msdos ext2 search_fs_file normal linux configfile echo

# 512-byte sectors: PReP from 1 MiB, 8 MiB long; the root after it, sized
# for its files and 32 MiB more.
prep_start=2048 prep_sectors=16384 root_start=18432
root_kb=$(($(du -sk "$tmp/root" | cut -f1) + 32768))
rm -f "$img"
truncate -s $((root_start * 512 + root_kb * 1024)) "$img"
sfdisk -q "$img" <<EOF
label: dos
start=$prep_start, size=$prep_sectors, type=41, bootable
start=$root_start, type=83
EOF
dd if="$tmp/core.elf" of="$img" bs=512 seek="$prep_start" conv=notrunc status=none
mke2fs -q -t ext4 -L guest-root -d "$tmp/root" -E offset=$((root_start * 512)) "$img" "${root_kb}k"
