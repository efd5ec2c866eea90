# shellcheck shell=bash
# What the scripts of the emulated hosts that run guests under QEMU share
# (tools/rig/hostroot/init.sh, the transparency host's /init, and the
# Debian 13 host's payload, tools/debian13/payload/): sourced as
# /host-lib.sh or from the payload, which their builders install.
#   host_begin          mount /proc, /sys, /dev; PATH; guest RAM (below)
#   now_cs, secs, say   the host's clock in centiseconds, as S.CC, a log line
#   guest_boot GUEST    the kernel and command line of one of the project's
#                       guests: default, disable-radix, legacy
#   qemu_guest QEMU APPEND
#                       run the guest with QEMU: the one command line both
#                       hosts use, so unpatched, patched and Debian's QEMU
#                       are compared on the same options
#   transparency_run RUN GUEST
#                       one guest under Debian's qemu-system-ppc64, its
#                       console labelled RUN.GUEST, and whether its VM
#                       pinned kvm_ppc_mmu (the transparency check; also
#                       run by the Debian 13 host, tools/debian13/payload/)
# Set before sourcing to change them:
#   guest_dir       where the guests' files are (default /guest)
#   guest_firmware  vof (default: QEMU's x-vof=on, fast) or slof (Debian's
#                   default firmware, what an admin's QEMU boots)
#   guest_timeout   seconds a guest may take (default 300)
# shellcheck disable=SC2034 # set here, used by the script that sources this one

guest_dir=${guest_dir:-/guest}
guest_firmware=${guest_firmware:-vof}
guest_timeout=${guest_timeout:-300}

host_begin() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	export PATH=/usr/sbin:/usr/bin HOME=/root TMPDIR=/tmp LANG=C
	guest_ram
}

# Uptime in centiseconds, so bash can do the arithmetic.
now_cs() {
	local up _
	read -r up _ </proc/uptime
	echo $((10#${up/./}))
}

secs() {	# secs CENTISECONDS -> "S.CC"
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

say() {
	echo "hostinit: $*"
}

# guest_boot GUEST: sets kernel and append (the guest's own command line
# options) for GUEST:
#   default        Debian's kernel as is
#   disable-radix  the same with disable_radix: hash, switched at CAS on a
#                  radix host
#   legacy         the kernel without ISA 3.00 in its CAS vector (hash, and
#                  QEMU's legacy-guest handling)
guest_boot() {
	kernel=$guest_dir/vmlinux append=
	case $1 in
	disable-radix) append=disable_radix ;;
	legacy) kernel=$guest_dir/vmlinux-legacy ;;
	esac
}

# qemu_guest QEMU APPEND: boot $kernel (guest_boot) under QEMU with KVM,
# console on stdout, killed after $guest_timeout s; returns QEMU's status.
# The caps QEMU 7.2 wants but the emulated POWER9 lacks are set to what it
# has (see DESIGN.md), and guest RAM is backed as guest_ram chose. SLOF
# (guest_firmware=slof) is QEMU's default: no firmware option at all.
qemu_guest() {
	local vof=
	[ "$guest_firmware" = vof ] && vof=,x-vof=on
	# shellcheck disable=SC2086 # $mem is several options
	timeout -k 5 "$guest_timeout" "$1" \
		-M pseries,accel=kvm$vof,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off$hpt_page_cap \
		-nographic -vga none -no-reboot $mem -smp 1 \
		-kernel "$kernel" -initrd "$guest_dir/initramfs.cpio" \
		-append "console=hvc0 loglevel=5 panic=-1 $2" </dev/null 2>&1
}

# Highest kvm_ppc_mmu refcnt while QEMU runs: a VM that ran a vcpu through
# the module's hooks pins it (kmod/vm_registry.c), so >= 1 shows the guest
# really went through the module.
watch_refcnt() {
	local max=0 r
	while [ -e /tmp/guest-running ]; do
		r=$(cat /sys/module/kvm_ppc_mmu/refcnt 2>/dev/null) || r=0
		[ "$r" -gt "$max" ] && max=$r && echo "$max" >/tmp/refcnt-max
		sleep 0.5
	done
}

# transparency_run RUN GUEST: GUEST (guest_boot) under Debian's QEMU, each
# console line prefixed "RUN.GUEST: ", then what tools/rig/lib/transparency-judge.sh
# reads: whether the module was loaded, QEMU's status and the refcnt seen.
transparency_run() {
	local label=$1.$2 t0 rc
	guest_boot "$2"
	say "$label: kvm_ppc_mmu $([ -d /sys/module/kvm_ppc_mmu ] && echo loaded || echo absent)"
	echo 0 >/tmp/refcnt-max
	touch /tmp/guest-running
	watch_refcnt &
	t0=$(now_cs)
	qemu_guest qemu-system-ppc64 "$append" | sed -u "s/\r//g; s/^/$label: /"
	rc=${PIPESTATUS[0]}
	rm -f /tmp/guest-running
	wait
	say "$label: qemu exit=$rc time=$(secs $(($(now_cs) - t0)))s" \
	    "kvm_ppc_mmu refcnt max=$(cat /tmp/refcnt-max)"
}

# guest_ram: how QEMU backs a guest's 512 MiB on this host. Sets
# hpt_page_cap (a -M suffix), mem (several QEMU options, unquoted on
# purpose) and ram_backing (what the log says).
#
# A host with 4K pages (Debian's kernels from 6.12; 6.1 had 64K) cannot
# give a hash guest its usual 64K pages from plain 4K-backed RAM, and
# KVM-HV's VRMA (the hash guest's real-mode window, one page per HPTE
# group) would reach only RAM/4, so QEMU stops at start: "Can't support
# 64 kiB guest pages with 4 kiB host pages", then "Unable to create 512MiB
# RMA (VRMA only allows 128MiB". With or without the module, an admin of
# such a host backs guest RAM with huge pages (2M on a radix host, 16M on a
# hash one: 64K or 16M VRMA pages, the whole RAM covered), tried first here.
# The emulated hosts have none (QEMU's powernv9 gives the kernel no huge
# page size: no Hugepagesize in /proc/meminfo), so what runs here is the
# other way: guest pages of 4K and a NUMA node 0 within the VRMA (it must
# be a multiple of 256 MiB, so the guest gets 1 GiB and a VRMA of 256 MiB).
guest_ram() {
	local hp_kb
	hpt_page_cap='' mem="-m 512M" ram_backing="plain, 64K host pages"
	if [ "$(getconf PAGESIZE)" = 4096 ]; then
		hp_kb=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
		if [ -n "$hp_kb" ] && echo $((512 * 1024 / hp_kb)) >/proc/sys/vm/nr_hugepages &&
		   [ "$(cat /proc/sys/vm/nr_hugepages)" -ge $((512 * 1024 / hp_kb)) ] &&
		   mkdir -p /dev/hugepages &&
		   { mountpoint -q /dev/hugepages || mount -t hugetlbfs hugetlbfs /dev/hugepages; }; then
			mem="-m 512M -object memory-backend-file,id=ram0,size=512M,mem-path=/dev/hugepages
				-machine memory-backend=ram0"
			ram_backing="${hp_kb} kB huge pages (4K host pages)"
		else
			hpt_page_cap=,cap-hpt-max-page-size=4k
			mem="-m 1G -object memory-backend-ram,id=ram0,size=256M -object memory-backend-ram,id=ram1,size=768M
				-numa node,nodeid=0,memdev=ram0 -numa node,nodeid=1,memdev=ram1"
			ram_backing="4K pages, NUMA node 0 of 256 MiB (no huge pages: size ${hp_kb:-none} kB, got $(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo -))"
		fi
	fi
}
