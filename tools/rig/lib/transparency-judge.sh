# shellcheck shell=bash
# Judging a transparency run: Debian's unmodified qemu-system-ppc64 booted
# each guest twice on one host, without and then with kvm-ppc-mmu loaded
# (transparency_run in tools/rig/hostroot/host-lib.sh wrote the log). Used by
# tools/stages/transparency.sh (bookworm's QEMU 7.2 with VOF, busybox hosts)
# and tools/debian13/run.sh (trixie's QEMU 10.0 with SLOF on a Debian 13 host).
#
# transparency_judge HOST LOG GUEST...
#   One check per claim, through the caller's "check WHAT COMMAND..." (which
#   prints a numbered ok / not ok line). HOST is radix or hash: what QEMU
#   itself chooses there (a radix host gives radix unless the guest asks for
#   hash only; the legacy guest, Debian's kernel without ISA 3.00 in its CAS
#   vector, still offers radix in OV5 and QEMU lets it run radix, only hiding
#   the pa-features bit; kvm-ppc-mmu puts such a guest in hash when the VMM
#   asks it, tools/stages/vmm-scenarios.sh checks that).

# The "guest: " lines /init of the guest printed in one run (LABEL = RUN.GUEST).
transparency_guest_lines() {	# transparency_guest_lines LOG LABEL
	sed -n "s/^$2: guest: /guest: /p" "$1"
}

# A run's whole guest console without the kernel's timestamps.
transparency_console() {	# transparency_console LOG LABEL
	sed -n "s/^$2: //p" "$1" | sed -E 's/\[ *[0-9]+\.[0-9]+\] //g'
}

transparency_has_line() {	# transparency_has_line LOG LINE
	grep -qxF -- "$2" "$1"
}

transparency_module_loaded() {	# transparency_module_loaded LOG GUEST
	transparency_has_line "$1" "hostinit: with-module.$2: kvm_ppc_mmu loaded" &&
		grep -q '^hostinit: /sys/module/kvm_ppc_mmu present' "$1"
}

# Identical, and not because neither run printed any.
transparency_same_guest_lines() {	# transparency_same_guest_lines LOG GUEST
	local d
	[ -n "$(transparency_guest_lines "$1" "without-module.$2")" ] || return 1
	d=$(diff <(transparency_guest_lines "$1" "without-module.$2") \
		 <(transparency_guest_lines "$1" "with-module.$2")) && return 0
	sed 's/^/#   /' <<<"$d"
	return 1
}

transparency_refcnt_pinned() {	# transparency_refcnt_pinned LOG GUEST: its VM pinned the module
	grep -qE "^hostinit: with-module\.$2: qemu exit=.* kvm_ppc_mmu refcnt max=[1-9]" "$1"
}

transparency_judge() {
	local host=$1 log=$2 g mmu run full_diff
	shift 2
	for g in "$@"; do
		case $host/$g in
		radix/default|radix/legacy) mmu=Radix ;;
		*) mmu=Hash ;;
		esac
		# Not judged (timing may move kernel messages): how close the whole guest consoles are.
		full_diff=$(diff <(transparency_console "$log" "without-module.$g") \
				 <(transparency_console "$log" "with-module.$g") | grep -c '^[<>]')
		echo "# $host/$g: whole guest consoles, timestamps removed: $full_diff lines differ"
		for run in without-module with-module; do
			check "$host/$g $run: guest reached userspace" \
				transparency_has_line "$log" "$run.$g: guest: userspace reached"
			check "$host/$g $run: guest MMU is $mmu" \
				transparency_has_line "$log" "$run.$g: guest: MMU : $mmu"
			check "$host/$g $run: qemu-system-ppc64 exited 0" \
				grep -qE "^hostinit: $run\.$g: qemu exit=0 " "$log"
		done
		[ "$g" = legacy ] && check "$host/$g: the radix bit is hidden from the legacy guest" \
			transparency_has_line "$log" "with-module.$g: guest: pa-features radix bit: 0"
		check "$host/$g: kvm_ppc_mmu absent in the run without it" \
			transparency_has_line "$log" "hostinit: without-module.$g: kvm_ppc_mmu absent"
		check "$host/$g: kvm_ppc_mmu loaded in the run with it (/sys/module/kvm_ppc_mmu)" \
			transparency_module_loaded "$log" "$g"
		check "$host/$g: the guest's VM went through the module (refcnt >= 1 while it ran)" \
			transparency_refcnt_pinned "$log" "$g"
		check "$host/$g: guest lines identical without and with the module" \
			transparency_same_guest_lines "$log" "$g"
	done
}
