# shellcheck shell=bash
# The emulated POWER9 hosts, shared by tools/stages/run-hosts.sh and tools/demo.sh.
#
# run_host HOST INITRD LOG TIMEOUT EXTRA_APPEND
#   HOST: radix  (-M powernv9: bare-metal POWER9 DD2.2, host kernel in radix)
#         hash   (-M powernv9 DD2.2, host booted with disable_radix)
#         nested (-M pseries with cap-nested-hv: KVM-HV as a guest)
#         dd20   (-M powernv9 of bookworm's QEMU 7.2: POWER9 DD2.0, radix
#                host; KVM-HV cannot mix hash and radix there)
#         p10radix, p10hash  (-M powernv10: bare-metal POWER10, as radix and
#                hash above)
#         nestedv2 (-M pseries with cap-nested-papr: KVM-HV as a guest driving
#                its guests through the PAPR nested API v2, as KVM in a
#                PowerVM LPAR does; POWER10, Linux >= 6.8)
#         p11nestedv2 (the same on a POWER11 CPU: QEMU 10.0 has POWER11 for
#                pseries only, no powernv11)
#   radix, hash and the POWER10/11 hosts run the system QEMU (>= 10,
#   tools/rig/setup.sh); dd20 and
#   nested run bookworm's QEMU 7.2 (build/qemu-dd20, tools/rig/fetch-qemu-dd20.sh).
#   Nested stays on 7.2 because QEMU 10's nested-HV emulation can leave an
#   L2 guest that spins without exiting running forever: the L1 host's timer
#   never ends its KVM_RUN (selftests/ppc_mmu_guest.c's spinning-guest test
#   hangs there as soon as anything runs before it; passes on 7.2).
# Boots Debian's powerpc64le kernel with the initramfs, console to LOG: the
# one PPC_MMU_KERNEL names (6.1, 6.12, 7.2; default 6.1, tools/rig/lib/kernel.sh).
# PPC_MMU_QEMU_ARGS, if set, is added to QEMU's command line (split on
# blanks), e.g. "-icount shift=0,sleep=off" for instruction-counted time.
# Returns QEMU's status (124 on timeout).

# What fails a console whatever the tests said: oops, BUG (KASAN's too), WARN,
# panic, lockups (host or guest kernel), and the debug kernel's reports:
# lockdep's and RCU's "WARNING: possible/suspicious/..." headers, kmemleak's
# "unreferenced object" (tools/rig/initramfs/init.c prints them). One
# pattern for every script that judges a console.
# shellcheck disable=SC2034  # used by the scripts that source this file
kernel_trouble_re='Oops:|BUG:|WARNING: CPU|WARNING: (possible|suspicious|inconsistent|bad unlock|lock held|held lock|Nested lock)|unreferenced object 0x|Kernel panic|Unable to handle kernel|kernel BUG|Call Trace:|refcount_t: |list_(add|del) corruption|soft lockup|hard LOCKUP|rcu_sched detected|rcu: INFO|blocked for more than|general protection'

ppcmmu_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
source "$ppcmmu_root/tools/rig/lib/kernel.sh"

# The qemu-system-ppc64 that emulates the Debian 13 host's qemu boot: the
# machine's own, or with PPC_MMU_EMULATOR=built tools/rig/emulator/'s
# (Debian 13's QEMU with two fixes to its radix MMU, built once and cached
# under build/). The machine's loses a radix guest's writes behind the
# emulated KVM-HV's dirty tracking (tools/rig/emulator/patches/), which
# live migrations of radix guests need; but under ours the emulated host
# stalled in the test command (Documentation/rig.rst, "The emulator").
ppcmmu_emulator() {
	if [ "${PPC_MMU_EMULATOR:-machine}" = machine ]; then
		echo qemu-system-ppc64
		return
	fi
	bash "$ppcmmu_root/tools/rig/emulator/build.sh" | tail -n1
	return "${PIPESTATUS[0]}"
}

# Switch run_host to bookworm's QEMU 7.2 (sets qemu and machine's -L).
qemu_dd20() {
	bash "$ppcmmu_root/tools/rig/fetch-qemu-dd20.sh" || return 1
	qemu=$ppcmmu_root/build/qemu-dd20/usr/bin/qemu-system-ppc64
	machine=(-L "$ppcmmu_root/build/qemu-dd20/usr/share/qemu")
}

run_host() {
	local host=$1 initrd=$2 log=$3 timeout_s=$4 extra=${5:-}
	local append="console=hvc0 rdinit=/init loglevel=5 ppcmmu.host=$host $extra"
	# PPC_MMU_KVM_HV=fixed: the host loads kvm-hv-fixed.ko (tools/kvm-hv/,
	# in the images of preemptible kernels) instead of Debian's kvm-hv.ko.
	[ -n "${PPC_MMU_KVM_HV:-}" ] && append+=" ppcmmu.kvm_hv=$PPC_MMU_KVM_HV"
	local machine qemu=qemu-system-ppc64 kdir
	kdir=$(ppcmmu_kernel_dir) || return 2
	case $host in
	radix)	machine=(-M powernv9) ;;
	hash)	machine=(-M powernv9); append+=" disable_radix" ;;
	p10radix) machine=(-M powernv10) ;;
	p10hash) machine=(-M powernv10); append+=" disable_radix" ;;
	# QEMU's TCG emulation of the v2 API's L0 can keep an L1 CPU inside
	# H_GUEST_RUN_VCPU for over 10 s while an L2 guest spins (seen: 16 s,
	# the L1's hard-lockup watchdog firing; it then returns): the L1's
	# watchdog waits 60 s there. Two CPUs, so one stuck there does not
	# stop the test that would end the guest.
	nestedv2) machine=(-M pseries,cap-nested-papr=on,x-vof=on -cpu POWER10 -smp 2 -vga none)
		append+=" watchdog_thresh=60" ;;
	p11nestedv2) machine=(-M pseries,cap-nested-papr=on,x-vof=on -cpu POWER11 -smp 2 -vga none)
		append+=" watchdog_thresh=60" ;;
	nested)	qemu_dd20 || return 2
		machine=(-M pseries,cap-nested-hv=on,x-vof=on -cpu POWER9 -vga none "${machine[@]}") ;;
	dd20)	qemu_dd20 || return 2
		machine=(-M powernv9 "${machine[@]}") ;;
	*)	echo "unknown host '$host' (radix, hash, nested, dd20, p10radix, p10hash, nestedv2, p11nestedv2)" >&2
		return 2 ;;
	esac
	local -a user_args
	read -r -a user_args <<<"${PPC_MMU_QEMU_ARGS:-}"
	timeout --foreground -k 5 "$timeout_s" "$qemu" "${machine[@]}" "${user_args[@]}" \
		-nographic -no-reboot -m 2G \
		-kernel "$kdir/vmlinux" -initrd "$initrd" \
		-append "$append" </dev/null >"$log" 2>&1
	local rc=$?
	sed -i 's/\r$//' "$log"
	return $rc
}

# run_program_in_host PROG HOST TIMEOUT [EXTRA_APPEND]
#   Set up, build, and boot HOST with /PROG (tools/rig/initramfs/init.c's
#   ppcmmu.run=) instead of the selftests; print PROG's "PROG:" lines.
#   Fails if the program did not exit 0; the log is build/logs/PROG-HOST.log.
run_program_in_host() {
	local prog=$1 host=$2 timeout_s=$3 extra=${4:-} rc=0
	local log=$ppcmmu_root/build/logs/$prog-$host.log

	bash "$ppcmmu_root/tools/rig/setup.sh" || return 1
	make -s -C "$ppcmmu_root" modules || return 1
	make -s -C "$ppcmmu_root/selftests" || return 1
	"$ppcmmu_root/tools/rig/mkinitramfs.sh" "$ppcmmu_root/build/initramfs.cpio" || return 1
	mkdir -p "$ppcmmu_root/build/logs"
	run_host "$host" "$ppcmmu_root/build/initramfs.cpio" "$log" "$timeout_s" \
		"ppcmmu.run=$prog $extra" || rc=$?
	grep -E "^($prog:|ppcmmu-init:)|kvm-ppc-mmu" "$log" || true
	if [ $rc -ne 0 ] || ! grep -q "^ppcmmu-init: $prog exit=0 " "$log"; then
		echo "$prog failed (qemu status $rc); console log: $log" >&2
		return 1
	fi
}
