#!/bin/bash
# qemu-compare.sh FIRMWARE GUEST...: what a guest sees is the same under
# trixie's own qemu-system-ppc64 ("stock"), the project's patched one with
# kvm-ppc-mmu=off ("patched-off") and the patched one with the default
# kvm-ppc-mmu=auto, which opts the VM in to the module loaded on this host
# ("patched-module"): every line the guest prints (its MMU, ibm,pft-size,
# the pa-features radix bit, its CPUs) and every property of its device
# tree as Linux reads it (guest.dt=1: path, length and CRC of each),
# with FIRMWARE slof (Debian's default) or vof (x-vof=on, QEMU's own).
# GUEST is default, disable-radix, legacy, maxmem: disable-radix with
# room for hotplug (maxmem 4 GiB) and resize-hpt=disabled, where QEMU sizes
# the HPT for maxmem (order 25), not for the 512 MiB the module would see,
# disk (SLOF only): the default guest booted from a disk as an installed
# guest boots, SLOF loading grub from its PReP partition and grub the
# kernel from its root (guest-disk.sh), not from QEMU's -kernel, or
# cpu-hotplug: disable-radix with room for 4 cpus, and one plugged through
# QEMU's monitor once the guest runs (guest.hotplug=1): the new cpu node's
# ibm,pft-size is QEMU's own idea of the HPT, which under the module QEMU
# takes from the kernel (spapr_kvm_ppc_mmu_sync on CPU hotplug), or
# kexec: the disable-radix guest kexecs into its kernel again
# (guest.kexec=1; no CAS: the new kernel keeps the negotiated hash and
# registers its process table with H_REGISTER_PROC_TBL, which the module
# answers without QEMU), then gets a cpu as cpu-hotplug does; every guest
# line compared, but not the device tree (disable-radix's shows it), or
# memplug, memplug-disabled, memplug-required: disable-radix with
# maxmem=4G and resize-hpt enabled (QEMU's default), disabled or required,
# given 512 MiB through the monitor (object_add, device_add pc-dimm) once
# it runs (guest.memplug=1): how much its MemTotal grew, its HPT's order
# after, and its kernel's words on resizing the HPT. With resize-hpt on,
# Linux resizes its HPT for its new memory size through QEMU and KVM's
# resize ioctls, which under the module replace an HPT the module
# allocated; disabled, QEMU sized it for maxmem at CAS.
# With compare_fallback=1 the module was loaded with test_hpt_alloc_fail=1:
# its CAS to hash fails for want of memory, a failure the guest did not
# cause, and the patched QEMU (kvm-ppc-mmu=auto) must negotiate as it does
# without the module, the guest seeing what stock QEMU showed it in this
# script's earlier run for the same firmware and guest (kept as
# stock-GUEST.seen; only patched-module boots again).
# With compare_skip_off=1 the patched-off boot is left out: where the
# firmware, the guest or the boot path is what differs, QEMU without the
# module runs none of the series' code, and SLOF's default and
# disable-radix guests (radix and hash) show patched-off already.
# The machine type is the same pseries-10.0 for all three: an existing
# machine type on an upgraded host sees what it saw before.
#
# Lines: "ppcmmu-admin: ok - ..." / "not ok - ..." (lib.sh's check), and
# "compare: " lines with what differed.
set -u
P=/mnt/payload
firmware=$1
shift
# shellcheck disable=SC2034 # read by host-lib.sh
guest_dir=$P/guest guest_firmware=$firmware
# shellcheck source=tools/rig/hostroot/host-lib.sh
. "$P/host-lib.sh"
# shellcheck source=tools/debian13/payload/lib.sh
. "$P/lib.sh"
guest_ram
stock=/usr/bin/qemu-system-ppc64
patched=/opt/ppc-mmu/usr/bin/qemu-system-ppc64
w=/tmp/compare-$firmware
mkdir -p "$w"
# Every guest's kernel command line starts so (the disk guest's in grub.cfg).
base_append="console=hvc0 loglevel=5 panic=-1"
# The RAM options with room for 4 GiB (two DIMM slots).
mem_maxmem=$(sed 's/-m \([0-9]*[MG]\)/-m \1,slots=2,maxmem=4G/' <<<"$mem")

# wait_for_guest RUN LINE: until the guest of RUN printed LINE (10 min at most),
# with QEMU's human monitor's answers (a pipe: $w/RUN.mon.in/.out) kept in
# $w/RUN.hmp meanwhile.
wait_for_guest() {
	local run=$1 i
	cat "$w/$run.mon.out" >"$w/$run.hmp" &
	for ((i = 0; i < 1200; i++)); do
		grep -aq "^guest: $2" "$w/$run.console" 2>/dev/null && break
		sleep 0.5
	done
}

# plug_cpu RUN: once the guest of RUN asks for it, a cpu core plugged
# through the monitor.
plug_cpu() {
	local run=$1 type
	wait_for_guest "$run" 'waiting for a hotplugged cpu'
	echo 'info hotpluggable-cpus' >"$w/$run.mon.in"
	sleep 2
	type=$(grep -ao 'type: "[^"]*"' "$w/$run.hmp" | head -n1 | cut -d'"' -f2)
	echo "device_add ${type:-host-spapr-cpu-core},core-id=2,id=plugged" >"$w/$run.mon.in"
}

# plug_memory RUN: once the guest of RUN asks for it, 512 MiB plugged
# through the monitor, backed as its RAM is (huge pages when guest_ram
# found them: QEMU refuses a backend of smaller pages than the HPT's
# largest, cap-hpt-max-page-size).
plug_memory() {
	local run=$1 backend='memory-backend-ram,id=plug0,size=512M'
	[[ $guest_mem == */dev/hugepages* ]] &&
		backend='memory-backend-file,id=plug0,size=512M,mem-path=/dev/hugepages'
	wait_for_guest "$run" 'waiting for 512 MiB of hotplugged memory'
	echo "object_add $backend" >"$w/$run.mon.in"
	sleep 1
	echo 'device_add pc-dimm,id=plugged,memdev=plug0' >"$w/$run.mon.in"
}

# boot RUN QEMU [MACHINE_OPTIONS]: the guest of guest_boot, 2 vcpus, to
# its power-off; console in $w/RUN.console, QEMU's stderr in $w/RUN.err.
boot() {
	local run=$1 qemu=$2 mopt=${3:-}$guest_mopt vof='' smp=2 driver=''
	local -a mon=()
	if [ -n "$guest_plug" ]; then
		[ "$guest_plug" = cpu ] && smp=2,maxcpus=4
		rm -f "$w/$run".mon.* "$w/$run.console"
		mkfifo "$w/$run.mon.in" "$w/$run.mon.out"
		mon=(-monitor "pipe:$w/$run.mon")
		"plug_$guest_plug" "$run" &
		driver=$!
	fi
	[ "$firmware" = vof ] && vof=,x-vof=on
	local -a trace=() from=(-kernel "$kernel" -initrd "$guest_dir/$guest_initrd"
		-append "$base_append $guest_dt $append")
	[ "$qemu" = "$patched" ] && trace=(-trace 'spapr_kvm_ppc_mmu_*')
	[ -n "$guest_disk" ] &&
		from=(-drive "file=$guest_disk,if=none,id=disk0,format=raw,snapshot=on"
			-device virtio-blk-pci,drive=disk0)
	# shellcheck disable=SC2086 # $mem is several options
	timeout -k 5 900 "$qemu" \
		-M pseries,accel=kvm$vof,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off$hpt_page_cap$mopt \
		-nodefaults -display none -no-reboot $guest_mem -smp "$smp" "${mon[@]}" \
		"${from[@]}" -serial "file:$w/$run.console" "${trace[@]}" </dev/null >"$w/$run.err" 2>&1
	echo "$?" >"$w/$run.rc"
	if [ -n "$driver" ]; then
		kill "$driver" 2>/dev/null
		wait "$driver" 2>/dev/null
		pkill -f "cat $w/$run.mon.out" 2>/dev/null
	fi
}

# What the guest printed, without what differs between any two boots: the
# random /chosen/rng-seed QEMU gives each boot, and the kernel's words
# during the dump (timing).
seen() {	# seen RUN
	sed -n 's/\r$//; s/^guest: //p' "$w/$1.console" |
		grep -vE '^(dt: /chosen/rng-seed |kernel said during the dt dump: )'
}

for g in "$@"; do
	guest_mopt='' guest_mem=$mem guest_disk='' guest_plug='' guest_initrd=initramfs.cpio
	guest_dt=guest.dt=1
	if [ "$g" = maxmem ]; then
		guest_boot disable-radix
		guest_mopt=,resize-hpt=disabled
		guest_mem=$mem_maxmem
	elif [ "$g" = disk ]; then
		guest_boot default
		guest_disk=$w/disk.img
		check "$firmware, disk guest: a disk with grub in its PReP partition and the kernel in its root" \
			bash "$P/guest-disk.sh" "$guest_disk" "$kernel" "$guest_dir/initramfs.cpio" \
			"$base_append $guest_dt" || continue
	elif [ "$g" = cpu-hotplug ]; then
		guest_boot disable-radix
		guest_plug=cpu append="$append guest.hotplug=1"
	elif [ "$g" = kexec ]; then
		guest_boot disable-radix
		guest_plug=cpu append="$append guest.kexec=1 guest.hotplug=1" guest_initrd=initramfs-kexec.cpio
		guest_dt=''	# the tree is disable-radix's; two dumps per kernel would double its time
	elif [[ $g == memplug* ]]; then
		guest_boot disable-radix
		case $g in
		memplug-disabled) guest_mopt=,resize-hpt=disabled ;;
		memplug-required) guest_mopt=,resize-hpt=required ;;
		esac
		guest_mem=$mem_maxmem
		guest_plug=memory append="$append guest.memplug=1"
		guest_dt=''	# the tree at boot is maxmem's
		# Huge pages for the plugged 512 MiB too (guest_ram took 512 MiB).
		[[ $mem == */dev/hugepages* ]] &&
			echo $((2 * 512 * 1024 / $(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo))) \
				>/proc/sys/vm/nr_hugepages
	else
		guest_boot "$g"
	fi
	sc="$firmware, $g guest"
	if [ -n "${compare_fallback:-}" ]; then
		sc="$sc, the module's HPT allocation failing"
		runs='patched-module'
		check "$sc: stock QEMU's view of this guest was kept" \
			cp "$w/stock-$g.seen" "$w/stock.seen" || continue
	else
		runs='stock patched-off patched-module'
		[ -n "${compare_skip_off:-}" ] && runs='stock patched-module'
		boot stock "$stock"
		[ -n "${compare_skip_off:-}" ] || boot patched-off "$patched" ,kvm-ppc-mmu=off
	fi
	boot patched-module "$patched"
	for run in $runs; do
		check "$sc, $run: the guest reached userspace and QEMU exited $(cat "$w/$run.rc")" \
			sh -c "grep -aq '^guest: userspace reached' '$w/$run.console' && [ \"\$(cat '$w/$run.rc')\" = 0 ]"
	done
	[ -n "${compare_fallback:-}" ] || seen stock | tee "$w/stock-$g.seen" >"$w/stock.seen"
	say "compare: $sc: $(grep -c '^dt: ' "$w/stock.seen") device-tree properties," \
		"$(grep -vc '^dt: ' "$w/stock.seen") other guest lines; $(grep -E '^(MMU|ibm,pft-size|pa-features)' "$w/stock.seen" | tr '\n' ';')"
	[ "$g" = maxmem ] &&
		check "$sc: stock QEMU sized the HPT for maxmem (ibm,pft-size 25)" \
			grep -q '^ibm,pft-size: 25$' "$w/stock.seen"
	[ "$g" = disk ] &&
		grep -ai 'load\|grub\|boot' "$w/stock.console" | grep -av '^guest:' | head -n 6 |
		tr -d '\r' | sed "s/^/compare: $sc, stock's firmware said: /"
	[ -n "$guest_plug" ] &&
		grep '^hotplug: \|^cpus online after\|^kexec\|^MMU\|^memory hotplug: \|^ibm,pft-size' "$w/stock.seen" |
		sed "s/^/compare: $sc, stock: /"
	# The boot cpus' ibm,pft-size, which a plugged cpu's node must repeat.
	boot_pft=$(sed -n 's/^ibm,pft-size: //p' "$w/stock.seen" | head -n1)
	if [ "$g" = kexec ]; then
		check "$sc: under stock QEMU the guest ran hash, kexeced, ran hash again and brought a plugged cpu online, its node with the HPT's ibm,pft-size" \
			sh -c "[ \$(sed -n '/^kexec into: /,\$p' '$w/stock.seen' | grep -c '^MMU : Hash$') = 1 ] &&
			       [ \$(grep -c '^MMU : Hash$' '$w/stock.seen') = 2 ] &&
			       grep -q '^hotplug: PowerPC,[^ ]*@2 ibm,pft-size: $boot_pft$' '$w/stock.seen'"
	fi
	case $g in
	memplug-disabled)
		check "$sc: under stock QEMU the guest's MemTotal grew by 512 MiB and its HPT stayed sized for maxmem, not resized" \
			sh -c "grep -q '^memory hotplug: MemTotal grew by 524288 kB$' '$w/stock.seen' &&
			       grep -q '^memory hotplug: hpt order 25$' '$w/stock.seen' &&
			       ! grep -q '^memory hotplug: kernel: ' '$w/stock.seen'" ;;
	memplug*)
		check "$sc: under stock QEMU the guest's MemTotal grew by 512 MiB and it resized its HPT (through KVM)" \
			sh -c "grep -q '^memory hotplug: MemTotal grew by 524288 kB$' '$w/stock.seen' &&
			       grep -q '^memory hotplug: kernel: .*HPT resize to shift [0-9]* complete$' '$w/stock.seen' &&
			       ! grep -q '^memory hotplug: hpt order $boot_pft$' '$w/stock.seen'" ;;
	esac
	if [ "$g" = cpu-hotplug ]; then
		check "$sc: under stock QEMU the guest brought the plugged cpu online, its node with the HPT's ibm,pft-size" \
			sh -c "grep -q '^cpus online after the hotplug: 3$' '$w/stock.seen' &&
			       [ \$(grep -c '^hotplug: .* ibm,pft-size: $boot_pft$' '$w/stock.seen') = 3 ]"
	fi
	for run in $runs; do
		[ "$run" = stock ] && continue
		seen "$run" >"$w/$run.seen"
		diff "$w/stock.seen" "$w/$run.seen" | grep '^[<>]' | head -n 10 | sed "s/^/compare: $sc, stock vs $run: /"
		check "$sc: the guest sees the same under $run as under stock QEMU" \
			cmp -s "$w/stock.seen" "$w/$run.seen"
	done
	case $runs in *patched-off*)
		check "$sc: patched-off never asked the module" \
			sh -c "! grep -aq 'spapr_kvm_ppc_mmu_enable' '$w/patched-off.err'" ;;
	esac
	check "$sc: patched-module opted the VM in to the module" \
		grep -aq 'spapr_kvm_ppc_mmu_enable ret=0' "$w/patched-module.err"
	# A pre-ISA 3.00 guest is negotiated by QEMU itself on an existing
	# machine type (kvm-ppc-mmu-legacy-hash=off); the others by the module.
	if [ -n "${compare_fallback:-}" ]; then
		grep -a 'kvm-ppc-mmu\|spapr_kvm_ppc_mmu_cas' "$w/patched-module.err" | sed "s/^/compare: $sc: /"
		check "$sc: the module's CAS failed (NO_MEMORY) and QEMU negotiated without it" \
			sh -c "grep -aq 'spapr_kvm_ppc_mmu_cas ret=0 status=3 reason=4 ' '$w/patched-module.err' &&
			       grep -aq 'CAS through the module failed (busy or out of memory), negotiating without it' '$w/patched-module.err'"
	elif [ "$g" = legacy ]; then
		check "$sc: QEMU negotiated the legacy guest's CAS itself" \
			sh -c "! grep -aq 'spapr_kvm_ppc_mmu_cas' '$w/patched-module.err'"
	else
		check "$sc: the module negotiated the guest's CAS" \
			grep -aq 'spapr_kvm_ppc_mmu_cas ret=0 status=0 ' "$w/patched-module.err"
	fi
	# The table KVM resized was the module's: allocated at CAS with the
	# order the guest booted with, another one after.
	case $g in memplug|memplug-required)
		check "$sc: under patched-module KVM's resize replaced the HPT the module allocated at CAS (order $boot_pft)" \
			sh -c "grep -aq 'spapr_kvm_ppc_mmu_cas ret=0 status=0 .* hpt_order=$boot_pft ' '$w/patched-module.err' &&
			       ! grep -q '^memory hotplug: hpt order $boot_pft$' '$w/patched-module.seen'" ;;
	esac
done
