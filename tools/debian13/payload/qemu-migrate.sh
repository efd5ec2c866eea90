#!/bin/bash
# Live migrations between trixie's own qemu-system-ppc64 ("stock": it never
# asks for the module), the project's patched one ("patched": the
# kvm-ppc-mmu=auto default, which opts the VM in to the module loaded on
# this host) and the patched one with kvm-ppc-mmu=off ("patched-off", by
# hand), over a TCP socket on this host while the guest runs: 4 vcpus, SLOF
# (Debian's default firmware), a radix guest (default) and a hash guest
# (disable_radix). After each migration the guest's once-a-second ticks
# (guest.forever=1) must go on on the destination from where the source
# left them, its lost-write detector (guest.memcheck=1, tools/rig/guest/
# init.c) must find every page it wrote before holding what it wrote, and a
# patched destination's trace must show the module took the state the
# stream carried (spapr_kvm_ppc_mmu_load ret=0).
#
# By hand only (DEBIAN13_QEMU_MIGRATE), with the host under
# tools/rig/emulator/'s QEMU (PPC_MMU_EMULATOR=built): the machine's own
# loses a radix guest's writes behind KVM-HV's dirty tracking, which made
# such migrations, stock -> stock too, corrupt the guest at random; and
# under ours the host stalled in full test commands (Documentation/rig.rst).
#
# qemu-migrate.sh "ITEM ...", each ITEM in turn:
#   chain          one guest through every direction (chain() says which)
#   FROM:TO:GUEST  one migration of a fresh guest: FROM and TO stock,
#                  patched or patched-off, GUEST default or disable-radix;
#                  repeat an item to loop it
#
# Lines: "ppcmmu-admin: ok - ..." / "not ok - ..." (lib.sh's check), the
# consoles' last lines and QEMU's messages prefixed "migrate: ".
set -u
P=/mnt/payload
# shellcheck disable=SC2034 # read by host-lib.sh
guest_dir=$P/guest guest_firmware=slof
# shellcheck source=tools/rig/hostroot/host-lib.sh
. "$P/host-lib.sh"
# shellcheck source=tools/debian13/payload/lib.sh
. "$P/lib.sh"
guest_ram
stock=/usr/bin/qemu-system-ppc64
patched=/opt/ppc-mmu/usr/bin/qemu-system-ppc64
w=/tmp/migrate
rm -rf $w
mkdir -p $w
say "migrate: guest RAM: $ram_backing; stock: $($stock --version | head -n1); patched: $($patched --version | head -n1)"
vms=0

# vm NAME SIDE: start a VM of $kernel/$append (or $vm_append, when set) on
# SIDE's QEMU (stock, patched, patched-off) in the background; with
# vm_incoming=1 it waits for a migration stream. Console in $w/NAME.console,
# QEMU's output (and a patched QEMU's module trace) in $w/NAME.err, its HMP
# port in $w/NAME.hmp, its stream port in $w/NAME.in. The same machine on
# every side, as migration requires. -no-reboot, so a guest that panics
# (panic=-1 reboots) ends there instead of ticking again; vm_no_reboot=''
# drops it for a VM that must take the monitor's system_reset (QEMU's
# -no-reboot turns that into an exit too).
vm() {
	local vm=$1 side=$2 qemu=$stock machine='' hmp_port in_port
	local -a extra=()
	vms=$((vms + 1))
	hmp_port=$((5000 + vms)) in_port=$((4400 + vms))
	case $side in
	patched) qemu=$patched extra=(-trace 'spapr_kvm_ppc_mmu_*') ;;
	patched-off) qemu=$patched machine=,kvm-ppc-mmu=off ;;
	esac
	[ "${vm_incoming:-}" = 1 ] && extra+=(-incoming "tcp:127.0.0.1:$in_port")
	echo "$side" >"$w/$vm.side"
	echo "$hmp_port" >"$w/$vm.hmp"
	echo "$in_port" >"$w/$vm.in"
	: >"$w/$vm.console"
	# shellcheck disable=SC2086 # $mem is several options
	"$qemu" -M pseries,accel=kvm,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off$hpt_page_cap$machine \
		-nodefaults -display none ${vm_no_reboot--no-reboot} $mem -smp 4 \
		-kernel "$kernel" -initrd "$guest_dir/initramfs.cpio" \
		-append "console=hvc0 loglevel=5 panic=-1 guest.forever=1 guest.memcheck=1 ${vm_append-$append}" \
		-serial "file:$w/$vm.console" -monitor "tcp:127.0.0.1:$hmp_port,server=on,wait=off" \
		"${extra[@]}" </dev/null >"$w/$vm.err" 2>&1 &
	echo $! >"$w/$vm.pid"
}

# hmp PORT COMMAND: one HMP command, its answer on stdout.
hmp() {
	local out
	{ exec 8<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
	printf '%s\n' "$2" >&8
	out=$(timeout 2 cat <&8)
	exec 8>&-
	printf '%s\n' "$out" | tr -d '\r' | grep -v '^QEMU .* monitor\|^(qemu)'
}

# last_tick CONSOLE: N of the last "guest: tick N" so far, or 0. The last,
# not the highest: a guest rebooted on this VM counts again from 1.
last_tick() {
	{ echo 0; grep -ao 'guest: tick [0-9]*' "$1" | awk '{print $3}'; } | tail -n1
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, trying once a
# second. Counted in tries, not by the clock: on a loaded machine the
# emulated host's wall clock was seen to run ahead of its uptime.
wait_for() {
	local n=$1
	shift
	until "$@"; do
		n=$((n - 1))
		[ "$n" -le 0 ] && return 1
		sleep 1
	done
}

tails() {	# tails NAME...: the end of each VM's console and QEMU's output
	local v
	for v in "$@"; do
		tail -n 8 "$w/$v.console" | tr -d '\r' | sed "s/^/migrate: $v console: /"
		grep -v 'warning: Number of\|hpt-max-page-size\|kernel_irqchip\|Falling back' "$w/$v.err" |
			tail -n 8 | sed "s/^/migrate: $v qemu: /"
	done
}

incoming_ready() { hmp "$1" "info status" | grep -q 'inmigrate'; }
ticked_past() { [ "$(last_tick "$1")" -gt "$2" ]; }
migration_done() { hmp "$1" "info migrate" | grep -qE 'Migration status: (completed|failed|cancelled)'; }

stop_vm() {	# stop_vm NAME: SIGTERM, then SIGKILL after 30 s (said)
	local pid n=30
	pid=$(cat "$w/$1.pid")
	kill "$pid" 2>/dev/null
	# bash reaps its finished children: a QEMU gone no longer answers.
	while kill -0 "$pid" 2>/dev/null && [ "$n" -gt 0 ]; do
		sleep 1
		n=$((n - 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "migrate: $1: QEMU still there 30 s after SIGTERM (wchan $(cat "/proc/$pid/wchan" 2>/dev/null)), SIGKILL"
		kill -9 "$pid" 2>/dev/null
		sleep 10
		kill -0 "$pid" 2>/dev/null && { say "migrate: $1: QEMU survives SIGKILL"; return 1; }
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# memcheck_clean CONSOLE: the guest's lost-write detector (guest.memcheck=1)
# reported twice on the destination's console, which starts at the
# migration, so at least one whole pass over its pages ran there; the last
# report counts no lost write, and none was shown
memcheck_clean() {
	[ "$(grep -ac 'guest: memcheck: pass' "$1")" -ge 2 ] &&
		grep -a 'guest: memcheck: pass' "$1" | tail -n1 | grep -q ', 0 lost writes' &&
		! grep -aq 'guest: memcheck: lost write' "$1"
}

# only_mmu CONSOLE MMU: the guest printed its MMU line, always MMU
only_mmu() {
	tr -d '\r' <"$1" | grep -aq "^guest: MMU : $2$" &&
		! tr -d '\r' <"$1" | grep -a '^guest: MMU : ' | grep -vq ": $2$"
}

# boot NAME SIDE GUEST: start a VM of GUEST (default, disable-radix) on
# SIDE and check it reaches userspace in the expected MMU; a patched side
# must have negotiated it through the module (the patched QEMU's trace: its
# CAS went through the module).
boot() {
	local vm=$1 side=$2 g=$3 mmu=Radix
	[ "$g" = disable-radix ] && mmu=Hash
	guest_boot "$g"
	vm "$vm" "$side"
	if ! wait_for 900 ticked_past "$w/$vm.console" 2; then
		check "$side, $g guest, 4 vcpus, SLOF: the guest reaches userspace" false
		tails "$vm"
		stop_vm "$vm"
		return 1
	fi
	check "$side, $g guest, 4 vcpus, SLOF: the guest runs $mmu" only_mmu "$w/$vm.console" "$mmu"
	[ "$side" != patched ] ||
		check "$side, $g guest: it negotiated its MMU through the module" \
			grep -aq 'spapr_kvm_ppc_mmu_cas ret=0 status=0 ' "$w/$vm.err"
}

# hop FROM TO SIDE MMU: live-migrate the running VM FROM to a new VM TO on
# SIDE, whose machine's command line is $vm_append (the guest's, unless
# set: used at TO's next reset only) and reboot rule $vm_no_reboot (vm).
# MMU (Radix, Hash) is what the guest runs; the stream's state must reach a
# patched TO through the module. FROM is gone afterwards.
hop() {
	local from=$1 to=$2 side=$3 mmu=$4 sc tick t want from_hmp
	from_hmp=$(cat "$w/$from.hmp")
	sc="$(cat "$w/$from.side") -> $side, ${mmu,,} guest, 4 vcpus, SLOF"
	vm_incoming=1 vm "$to" "$side"
	if ! wait_for 60 incoming_ready "$(cat "$w/$to.hmp")"; then
		check "$sc: the destination QEMU waits for the stream" false
		tails "$to"
		stop_vm "$from"
		stop_vm "$to"
		return 1
	fi
	t=$(date +%s)
	hmp "$from_hmp" "migrate -d tcp:127.0.0.1:$(cat "$w/$to.in")" | sed 's/^/migrate: /'
	wait_for 600 migration_done "$from_hmp"
	hmp "$from_hmp" "info migrate" >"$w/info-migrate"
	grep -E 'status|total time|transferred' "$w/info-migrate" | sed 's/^/migrate: /'
	tick=$(last_tick "$w/$from.console")
	stop_vm "$from"
	if ! check "$sc: migration completed ($(($(date +%s) - t)) s)" \
		grep -q 'Migration status: completed' "$w/info-migrate"; then
		tails "$from" "$to"
		stop_vm "$to"
		return 1
	fi
	check "$sc: the guest ticks on on the destination, past tick $tick" \
		wait_for 120 ticked_past "$w/$to.console" "$tick" || tails "$from" "$to"
	check "$sc: no write of the guest's was lost on the way (memcheck)" \
		wait_for 120 memcheck_clean "$w/$to.console" || tails "$to"
	grep -a 'guest: memcheck' "$w/$to.console" | tail -n 2 | sed "s/^/migrate: $to: /"
	if [ "$side" = patched ]; then
		want=0
		[ "$mmu" = Radix ] && want=1
		grep -a 'spapr_kvm_ppc_mmu' "$w/$to.err" | sed "s/^/migrate: $to: /"
		check "$sc: the destination took the guest's MMU state through the module" \
			grep -aq "spapr_kvm_ppc_mmu_load ret=0 radix=$want " "$w/$to.err"
	fi
	grep -av 'spapr_kvm_ppc_mmu\|warning: Number of\|hpt-max-page-size\|kernel_irqchip\|Falling back' \
		"$w/$to.err" | sed "s/^/migrate: $to qemu: /"
}

# reset_to_hash NAME: the monitor's system_reset of a patched VM whose
# machine's command line says disable_radix: the guest must come back hash,
# through the module's reset (back to radix, no HPT) and its CAS to hash.
reset_to_hash() {
	local sc="patched, default guest rebooted into disable_radix after its migration"
	hmp "$(cat "$w/$1.hmp")" system_reset >/dev/null
	check "$sc: the guest runs Hash" \
		wait_for 900 grep -aq 'guest: MMU : Hash' "$w/$1.console" || tails "$1"
	check "$sc: ... and reaches userspace again" \
		wait_for 120 grep -aq 'guest: userspace reached' "$w/$1.console"
	grep -a 'spapr_kvm_ppc_mmu_reset\|spapr_kvm_ppc_mmu_cas' "$w/$1.err" | sed "s/^/migrate: $1: /"
	check "$sc: the reset went through the module, then its CAS to hash" \
		sh -c "grep -aq 'spapr_kvm_ppc_mmu_reset ret=0 radix=1' '$w/$1.err' &&
		       grep -aq 'spapr_kvm_ppc_mmu_cas ret=0 status=0 .* radix=0 ' '$w/$1.err'"
}

# chain: one guest, booted radix on stock, through every direction:
#   stock -> patched -> stock            radix, both ways
#   stock -> patched -> patched          radix; the last one's machine says
#                                        disable_radix, and a system_reset
#                                        there switches the guest to hash
#   patched -> stock -> patched          hash, both ways
# One boot and one reboot for six migrations: each new VM is started for
# the next hop, as an admin migrates a guest between hosts.
chain() {
	boot a stock default || return
	hop a b patched Radix || return
	hop b c stock Radix || return
	vm_append=disable_radix hop c d patched Radix || return
	vm_append=disable_radix vm_no_reboot='' hop d e patched Radix || return
	reset_to_hash e
	vm_append=disable_radix hop e f stock Hash || return
	vm_append=disable_radix hop f g patched Hash || return
	stop_vm g
}

n=0
for item in ${1:-}; do
	case $item in
	chain) chain ;;
	*:*:*)
		IFS=: read -r from to g <<<"$item"
		n=$((n + 1))
		mmu=Radix
		[ "$g" = disable-radix ] && mmu=Hash
		boot "src$n" "$from" "$g" && hop "src$n" "dst$n" "$to" "$mmu" && stop_vm "dst$n"
		;;
	*) check "qemu-migrate.sh: '$item' is chain or FROM:TO:GUEST" false ;;
	esac
done
