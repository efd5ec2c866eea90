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
#     (the guest's command line is the same each boot), exit status 0;
#   - with qsmoke.reboot=switch, the same reboot, but changing the guest's
#     MMU the way an admin would: once the guest reached userspace, the
#     monitor (a pipe chardev) sets the machine's kernel command line,
#     `qom-set /machine append ...` (QEMU 7.2: MachineState's "append"
#     property, read again by spapr_machine_reset into /chosen/bootargs),
#     with disable_radix toggled and without guest.reboot=1: the reset
#     boots the guest into the other MMU, and that second boot powers off;
#   - with qsmoke.migrate=1, the guest is migrated: at its "guest: tick 1"
#     the VM is stopped and saved through the monitor (a pipe chardev) with
#     migrate "exec:cat > FILE", that QEMU quits, and a fresh QEMU process
#     with the same options and -incoming "exec:cat FILE" is told to "cont"
#     once it has loaded it, and lets the guest finish its ticks; the monitor's answers are printed as "monitor: ".
# exec -a: QEMU's messages name argv[0], as they would without the wrapper.
# Next to this script: /usr/bin in the smoke, /opt/ppc-mmu/usr/bin in
# tools/qemu/compare.sh and bench.sh (where Debian's binary stays in /usr/bin).
bin=${0%/*}/qemu-system-ppc64.ppc-mmu
case "${1:-}" in --version|-version) exec -a qemu-system-ppc64 "$bin" "$@" ;; esac

args=()
reboot='' migrate='' append=''
grep -qw 'qsmoke.reboot=1' /proc/cmdline && reboot=1
grep -qw 'qsmoke.reboot=switch' /proc/cmdline && reboot=switch
grep -qw 'qsmoke.migrate=1' /proc/cmdline && migrate=1
while [ $# -gt 0 ]; do
	case $1 in
	-no-reboot) [ -n "$reboot" ] || args+=("$1") ;;
	-append) args+=("$1" "$2${reboot:+ guest.reboot=1}"); append=$2; shift ;;
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

# follow_reboots PID OUT [ON_USERSPACE]: print QEMU's output (OUT) as it
# comes, run the function ON_USERSPACE once, at the guest's first "guest:
# userspace reached", and stop QEMU at a second "guest: rebooting": the
# guest reboots once, so a second means the reset did not boot what it was
# to (for switch: the new command line was not used). A pipe, not <(...):
# the host has no /dev/fd.
follow_reboots() {
	local pid=$1 out=$2 on_userspace=${3:-} n=0 line
	tail -n +1 -f --pid="$pid" "$out" | while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		*"guest: userspace reached"*)
			[ -n "$on_userspace" ] && "$on_userspace" && on_userspace= ;;
		*"guest: rebooting"*)
			n=$((n + 1))
			[ $n -ge 2 ] && kill "$pid" 2>/dev/null ;;
		esac
	done
}

# For reboot=switch, through the monitor on fd 5: the next boot's command line.
set_next_append() {
	echo "monitor: qom-set /machine append $next"
	echo "qom-set /machine append $next" >&5
	echo "qom-get /machine append" >&5
}

if [ -n "$migrate" ]; then
	out=/tmp/qsmoke-qemu.out mon=/tmp/qsmoke-mon state=/tmp/qsmoke-vm.state
	rm -f $mon.in $mon.out $mon.log $state
	mkfifo $mon.in $mon.out
	: >$out
	(exec -a qemu-system-ppc64 "$bin" "${args[@]}" -monitor pipe:$mon) >$out 2>&1 &
	pid=$!
	cat $mon.out >$mon.log &
	tail -n +1 -f --pid=$pid $out | {
		while IFS= read -r line; do
			printf '%s\n' "$line"
			case $line in
			*"guest: tick 1"*)
				# Stopped first: the guest powers off a second
				# later, before a live migration could converge.
				exec 5>$mon.in
				echo stop >&5
				echo "migrate_set_parameter max-bandwidth 4G" >&5
				echo "migrate \"exec:cat > $state\"" >&5
				for _ in $(seq 240); do
					sleep 0.5
					echo "info migrate" >&5
					grep -qE 'Migration status: (completed|failed|cancelled)' $mon.log && break
				done
				echo quit >&5
				exec 5>&- ;;
			esac
		done
	}
	wait $pid
	rc=$?
	sleep 0.5
	grep -E 'Migration status|total time|transferred ram|error|Error' $mon.log | sort -u | sed 's/^/monitor: /'
	if [ $rc -eq 0 ] && grep -q 'Migration status: completed' $mon.log; then
		echo "monitor: saved $(stat -c %s $state) bytes; restoring in a new QEMU"
		# The destination keeps the source's run state (paused): once
		# the incoming migration is done, "cont".
		rm -f $mon.in $mon.out
		mkfifo $mon.in $mon.out
		: >$mon.log
		timeout -k 5 120 "$bin" "${args[@]}" -monitor pipe:$mon -incoming "exec:cat $state" &
		pid=$!
		cat $mon.out >$mon.log &
		exec 5>$mon.in
		for _ in $(seq 240); do
			sleep 0.5
			echo "info status" >&5
			# Plain "paused": the load is done. While it runs, HMP says
			# "paused (inmigrate)", and a cont then only sets autostart,
			# which the stream's paused run state overrides once loaded:
			# the guest would stay paused.
			if tr -d '\r' <$mon.log | grep -q 'VM status: paused$'; then
				echo "monitor: destination loaded, paused: cont"
				echo cont >&5
				break
			fi
		done
		wait $pid
		rc=$?
		exec 5>&-
	else
		echo "monitor: the migration did not complete (qemu exit $rc)"
		[ $rc -eq 0 ] && rc=1
	fi
	rm -f $mon.in $mon.out $mon.log $state $out
elif [ "$reboot" = switch ]; then
	out=/tmp/qsmoke-qemu.out mon=/tmp/qsmoke-mon
	rm -f $mon.in $mon.out $mon.log
	mkfifo $mon.in $mon.out
	: >$out
	# The next boot's command line: disable_radix toggled, no guest.reboot=1.
	case " $append " in
	*" disable_radix "*) next=$(echo "$append" | sed -E 's/(^| )disable_radix( |$)/ /g; s/ +$//') ;;
	*) next="${append% } disable_radix" ;;
	esac
	(exec -a qemu-system-ppc64 "$bin" "${args[@]}" -monitor pipe:$mon) >$out 2>&1 &
	pid=$!
	cat $mon.out >$mon.log &
	exec 5>$mon.in
	follow_reboots $pid $out set_next_append
	wait $pid
	rc=$?
	exec 5>&-
	sleep 0.5
	# HMP echoes what it reads: keep qom-get's answer (a JSON string) and errors.
	tr -d '\r' <$mon.log | grep -aE '^"|rror' | sort -u | sed 's/^/monitor: append now /'
	[ "$(grep -c 'guest: rebooting' $out)" -ge 2 ] && rc=1
	rm -f $mon.in $mon.out $mon.log $out
elif [ -z "$reboot" ]; then
	(exec -a qemu-system-ppc64 "$bin" "${args[@]}")
	rc=$?
else
	out=/tmp/qsmoke-qemu.out
	: >$out
	(exec -a qemu-system-ppc64 "$bin" "${args[@]}") >$out 2>&1 &
	pid=$!
	follow_reboots $pid $out
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
