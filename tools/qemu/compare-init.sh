#!/bin/bash
# /init of the emulated host for tools/qemu/compare.sh and tools/qemu/bench.sh:
# Debian's unmodified qemu-system-ppc64 7.2 stays where the host root has it
# (/usr/bin, its vof.bin in /usr/share/qemu), the patched one is installed
# in a separate prefix (/opt/ppc-mmu/usr/bin, behind
# tools/qemu/smoke-qemu-wrapper.sh: QEMU's spapr_kvm_ppc_mmu_* trace lines
# and, with the module loaded, its tracepoints as "kmod: " lines; QEMU finds
# /opt/ppc-mmu/usr/share/qemu/vof.bin relative to itself), and the guests
# run exactly as tools/rig/hostroot/init.sh runs them (same options, same
# guests: default, disable-radix, legacy), one QEMU after the other.
#
# Kernel command line: tguests=<comma list> and
#   qcmp.mode=compare  for each guest: (a) "unpatched" Debian's QEMU, (b)
#       "patched" our QEMU, both without kvm-ppc-mmu.ko; then insmod and (c)
#       "patched-module" our QEMU with the module
#   qcmp.mode=bench qcmp.rounds=N  N rounds; in each, for each guest,
#       "unpatched" (no module) and "patched-module" (insmod before, rmmod
#       after), the order swapped every round (ABBA), so drift in the
#       emulated host's speed falls on both alike; the patched binary
#       runs directly (no wrapper script in the measured time), the module's
#       tracepoints recorded by this /init around the run
#   qcmp.dt=1  the guests print their whole device tree first (guest.dt=1:
#       "guest: dt: <path>/<name> <len> <crc32>"), compared like the rest
# Each guest console line is printed as "<label>.<guest>: ..." (bench:
# "r<round>.<label>.<guest>: ..."), and per QEMU run
#   hostinit: <label>.<guest>: qemu exit=RC time=S userspace=S
# where time is QEMU's whole run and userspace the time from starting QEMU
# to the guest's first "guest: userspace reached" (host uptime, emulated).
set -u

# shellcheck source=tools/rig/hostroot/host-lib.sh
. /host-lib.sh
host_begin

unpatched=/usr/bin/qemu-system-ppc64
patched=/opt/ppc-mmu/usr/bin/qemu-system-ppc64

arg() { sed -n "s/.*$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }

say "guest RAM: $ram_backing"

# label_lines LABEL T0: prefix each line; note when userspace was reached.
label_lines() {
	local line t=
	while IFS= read -r line; do
		line=${line//$'\r'/}
		printf '%s: %s\n' "$1" "$line"
		if [ -z "$t" ] && [[ $line == *"guest: userspace reached"* ]]; then
			t=$(($(now_cs) - $2))
			echo "$t" >/tmp/userspace-cs
		fi
	done
}

run_guest() {	# run_guest LABEL QEMU GUEST
	local label=$1.$3 qemu=$2 t0 rc kernel append u
	guest_boot "$3"
	[ "$(arg qcmp.dt)" = 1 ] && append="guest.dt=1 $append"
	rm -f /tmp/userspace-cs
	t0=$(now_cs)
	qemu_guest "$qemu" "$append" | label_lines "$label" "$t0"
	rc=${PIPESTATUS[0]}
	u=-
	[ -s /tmp/userspace-cs ] && u=$(secs "$(cat /tmp/userspace-cs)")
	say "$label: qemu exit=$rc time=$(secs $(($(now_cs) - t0))) userspace=$u"
}

# The module's tracepoints around one bench run, printed as "LABEL: kmod: ".
t=/sys/kernel/tracing
trace_on() {
	mountpoint -q $t || mount -t tracefs nodev $t
	echo 0 >$t/tracing_on
	echo >$t/trace
	echo 1 >$t/events/ppc_mmu/enable && echo 1 >$t/tracing_on
}
trace_dump() {
	echo 0 >$t/tracing_on
	echo 0 >$t/events/ppc_mmu/enable
	grep -v '^#' $t/trace | sed -E "s/^ *//; s/^/$1: kmod: /"
}

module() {	# module load|unload
	if [ "$1" = load ]; then
		insmod /modules/kvm-ppc-mmu.ko || say "insmod kvm-ppc-mmu.ko failed"
	else
		rmmod kvm_ppc_mmu || say "rmmod kvm_ppc_mmu failed"
	fi
}

guests=$(arg tguests | tr ',' ' ')
guests=${guests:-default}
mode=$(arg qcmp.mode)
rounds=$(arg qcmp.rounds)
rounds=${rounds:-3}

say "start uptime=$(secs "$(now_cs)")s pagesize=$(getconf PAGESIZE) host=$(grep -m1 '^MMU' /proc/cpuinfo | tr -s ' \t' ' ')"
say "unpatched: $($unpatched --version | head -n1)"
say "patched: $($patched --version | head -n1)"
for m in kvm kvm-hv; do
	insmod "/modules/$m.ko" || say "insmod $m.ko failed"
done
[ -c /dev/kvm ] || say "no /dev/kvm"

case $mode in
compare)
	for g in $guests; do
		run_guest unpatched $unpatched "$g"
		run_guest patched $patched "$g"
	done
	module load
	for g in $guests; do run_guest patched-module $patched "$g"; done
	module unload ;;
bench)
	for r in $(seq "$rounds"); do
		for g in $guests; do
			order="unpatched patched-module"
			[ $((r % 2)) = 0 ] && order="patched-module unpatched"
			for q in $order; do
				if [ "$q" = unpatched ]; then
					run_guest "r$r.$q" $unpatched "$g"
				else
					module load
					trace_on
					run_guest "r$r.$q" $patched.ppc-mmu "$g"
					trace_dump "r$r.$q.$g"
					module unload
				fi
			done
		done
	done ;;
*) say "qcmp.mode=$mode: compare or bench" ;;
esac

say "done uptime=$(secs "$(now_cs)")s"
echo o >/proc/sysrq-trigger
sleep 10
