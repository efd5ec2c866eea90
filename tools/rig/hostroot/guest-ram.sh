# shellcheck shell=bash
# How QEMU backs a guest's 512 MiB on this host: sourced as /guest-ram.sh by
# the emulated hosts' /init scripts (tools/rig/hostroot/init.sh, and
# tools/qemu/compare-init.sh), whose stage builders install it beside them.
# Sets hpt_page_cap (a -M suffix), mem (several QEMU options, unquoted on
# purpose) and ram_backing (what the log says).
# shellcheck disable=SC2034 # used by the script that sources this one

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
hpt_page_cap='' mem="-m 512M" ram_backing="plain, 64K host pages"
if [ "$(getconf PAGESIZE)" = 4096 ]; then
	hp_kb=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
	if [ -n "$hp_kb" ] && echo $((512 * 1024 / hp_kb)) >/proc/sys/vm/nr_hugepages &&
	   [ "$(cat /proc/sys/vm/nr_hugepages)" -ge $((512 * 1024 / hp_kb)) ] &&
	   mkdir -p /dev/hugepages && mount -t hugetlbfs hugetlbfs /dev/hugepages; then
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
