#!/bin/bash
# qemu-compare.sh FIRMWARE GUEST...: what a guest sees is the same under
# trixie's own qemu-system-ppc64 ("stock"), the project's patched one with
# kvm-ppc-mmu=off ("patched-off") and the patched one with the default
# kvm-ppc-mmu=auto, which opts the VM in to the module loaded on this host
# ("patched-module"): every line the guest prints (its MMU, ibm,pft-size,
# the pa-features radix bit, its CPUs) and every property of its device
# tree as Linux reads it (guest.dt=1: path, length and CRC of each),
# with FIRMWARE slof (Debian's default) or vof (x-vof=on, QEMU's own).
# GUEST is default, disable-radix, legacy, or maxmem: disable-radix with
# room for hotplug (maxmem 4 GiB) and resize-hpt=disabled, where QEMU sizes
# the HPT for maxmem (order 25), not for the 512 MiB the module would see.
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

# boot RUN QEMU [MACHINE_OPTIONS]: the guest of guest_boot, 2 vcpus, to
# its power-off; console in $w/RUN.console, QEMU's stderr in $w/RUN.err.
boot() {
	local run=$1 qemu=$2 mopt=${3:-}$guest_mopt vof=
	[ "$firmware" = vof ] && vof=,x-vof=on
	local -a trace=()
	[ "$qemu" = "$patched" ] && trace=(-trace 'spapr_kvm_ppc_mmu_*')
	# shellcheck disable=SC2086 # $mem is several options
	timeout -k 5 900 "$qemu" \
		-M pseries,accel=kvm$vof,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off$hpt_page_cap$mopt \
		-nodefaults -display none -no-reboot $guest_mem -smp 2 \
		-kernel "$kernel" -initrd "$guest_dir/initramfs.cpio" \
		-append "console=hvc0 loglevel=5 panic=-1 guest.dt=1 $append" \
		-serial "file:$w/$run.console" "${trace[@]}" </dev/null >"$w/$run.err" 2>&1
	echo "$?" >"$w/$run.rc"
}

# What the guest printed, without what differs between any two boots: the
# random /chosen/rng-seed QEMU gives each boot, and the kernel's words
# during the dump (timing).
seen() {	# seen RUN
	sed -n 's/\r$//; s/^guest: //p' "$w/$1.console" |
		grep -vE '^(dt: /chosen/rng-seed |kernel said during the dt dump: )'
}

for g in "$@"; do
	guest_mopt='' guest_mem=$mem
	if [ "$g" = maxmem ]; then
		guest_boot disable-radix
		guest_mopt=,resize-hpt=disabled
		guest_mem=$(sed 's/-m \([0-9]*[MG]\)/-m \1,slots=2,maxmem=4G/' <<<"$mem")
	else
		guest_boot "$g"
	fi
	sc="$firmware, $g guest"
	boot stock "$stock"
	boot patched-off "$patched" ,kvm-ppc-mmu=off
	boot patched-module "$patched"
	for run in stock patched-off patched-module; do
		check "$sc, $run: the guest reached userspace and QEMU exited $(cat "$w/$run.rc")" \
			sh -c "grep -aq '^guest: userspace reached' '$w/$run.console' && [ \"\$(cat '$w/$run.rc')\" = 0 ]"
	done
	seen stock >"$w/stock.seen"
	say "compare: $sc: $(grep -c '^dt: ' "$w/stock.seen") device-tree properties," \
		"$(grep -vc '^dt: ' "$w/stock.seen") other guest lines; $(grep -E '^(MMU|ibm,pft-size|pa-features)' "$w/stock.seen" | tr '\n' ';')"
	[ "$g" = maxmem ] &&
		check "$sc: stock QEMU sized the HPT for maxmem (ibm,pft-size 25)" \
			grep -q '^ibm,pft-size: 25$' "$w/stock.seen"
	for run in patched-off patched-module; do
		seen "$run" >"$w/$run.seen"
		diff "$w/stock.seen" "$w/$run.seen" | grep '^[<>]' | head -n 10 | sed "s/^/compare: $sc, stock vs $run: /"
		check "$sc: the guest sees the same under $run as under stock QEMU" \
			cmp -s "$w/stock.seen" "$w/$run.seen"
	done
	check "$sc: patched-off never asked the module" \
		sh -c "! grep -aq 'spapr_kvm_ppc_mmu_enable' '$w/patched-off.err'"
	check "$sc: patched-module opted the VM in to the module" \
		grep -aq 'spapr_kvm_ppc_mmu_enable ret=0' "$w/patched-module.err"
	# A pre-ISA 3.00 guest is negotiated by QEMU itself on an existing
	# machine type (kvm-ppc-mmu-legacy-hash=off); the others by the module.
	if [ "$g" = legacy ]; then
		check "$sc: QEMU negotiated the legacy guest's CAS itself" \
			sh -c "! grep -aq 'spapr_kvm_ppc_mmu_cas' '$w/patched-module.err'"
	else
		check "$sc: the module negotiated the guest's CAS" \
			grep -aq 'spapr_kvm_ppc_mmu_cas ret=0 status=0 ' "$w/patched-module.err"
	fi
done
