#!/bin/bash
# /usr/bin/qemu-system-ppc64 in tools/qemu/smoke.sh's emulated host: runs
# our binary (moved to qemu-system-ppc64.ppc-mmu; it stays in /usr/bin since
# QEMU finds vof.bin relative to itself) exactly as tools/rig/hostroot/init.sh
# asked, plus:
#   - QEMU's spapr_kvm_ppc_mmu_* trace events (log backend: stderr, which
#     init.sh labels like the guest's console) and the smoke's -machine
#     option, @MACHINE_OPT@ below (smoke.sh fills it in; a second -machine
#     merges with init.sh's -M);
#   - with kvm-ppc-mmu loaded, the module's own tracepoints (tracefs,
#     system ppc_mmu) recorded while QEMU runs and printed afterwards as
#     "kmod: ..." lines: the kernel's side of the story;
#   - with qsmoke.reboot=1 on the host's command line, the guest reboots
#     once (guest.reboot=1, and no -no-reboot): QEMU resets the machine and
#     boots the guest again, and is stopped at the second "guest: rebooting"
#     (the guest's command line is the same each boot), exit status 0.
# exec -a: QEMU's messages name argv[0], as they would without the wrapper.
bin=/usr/bin/qemu-system-ppc64.ppc-mmu
case "${1:-}" in --version|-version) exec -a qemu-system-ppc64 $bin "$@" ;; esac

args=()
reboot=
grep -qw 'qsmoke.reboot=1' /proc/cmdline && reboot=1
while [ $# -gt 0 ]; do
	case $1 in
	-no-reboot) [ -n "$reboot" ] || args+=("$1") ;;
	-append) args+=("$1" "$2${reboot:+ guest.reboot=1}"); shift ;;
	*) args+=("$1") ;;
	esac
	shift
done
# shellcheck disable=SC2206 # the option is one or two words, on purpose
args=(-trace 'spapr_kvm_ppc_mmu_*' @MACHINE_OPT@ "${args[@]}")

t=/sys/kernel/tracing
kmod=
if [ -d /sys/module/kvm_ppc_mmu ]; then
	mountpoint -q $t || mount -t tracefs nodev $t
	if [ -d $t/events/ppc_mmu ]; then
		echo 0 >$t/tracing_on
		echo >$t/trace
		echo 1 >$t/events/ppc_mmu/enable && echo 1 >$t/tracing_on && kmod=1
	fi
fi

if [ -z "$reboot" ]; then
	(exec -a qemu-system-ppc64 $bin "${args[@]}")
	rc=$?
else
	out=/tmp/qsmoke-qemu.out
	: >$out
	(exec -a qemu-system-ppc64 $bin "${args[@]}") >$out 2>&1 &
	pid=$!
	# A pipe, not <(...): the host has no /dev/fd.
	tail -n +1 -f --pid=$pid $out | {
		n=0
		while IFS= read -r line; do
			printf '%s\n' "$line"
			case $line in
			*"guest: rebooting"*)
				n=$((n + 1))
				[ $n -ge 2 ] && kill "$pid" 2>/dev/null ;;
			esac
		done
	}
	wait $pid
	rc=$?
	[ "$(grep -c 'guest: rebooting' $out)" -ge 2 ] && rc=0
	rm -f $out
fi

if [ -n "$kmod" ]; then
	echo 0 >$t/tracing_on
	echo 0 >$t/events/ppc_mmu/enable
	grep -v '^#' $t/trace | sed -E 's/^ *//; s/^/kmod: /' >&2
fi
exit $rc
