#!/usr/bin/env bash
# The reference VMM (tools/vmm) boots Debian's own Linux kernel as a guest
# in each emulated POWER9 host, through the module's CAS and process-table
# paths, and this script judges what the guest and the VMM printed.
#
# Usage: tools/stages/vmm-scenarios.sh [radix] [hash] [nested] [dd20] [p10radix]
#                                      [p10hash] [nestedv2]   (default: the first four)
# Env:   VMM_ONLY=<scenario>  run one scenario (default, legacy, snapshot, ...)
#        VMM_TIMEOUT=<s>      per guest boot limit inside the host (300)
#        VMM_SMP=<n>          vcpus per guest (default: the VMM's, 4)
#        VMM_SKIP=<a,b>       scenarios not to run (kernel-matrix.sh, debug-kernel.sh)
#        PPC_MMU_PREBUILT=1   boot build/vmm-initramfs.cpio as it is (tools/rig/lib/stage.sh)
#        PPC_MMU_KERNEL=6.1|6.12|7.2   host kernel (tools/rig/lib/kernel.sh);
#                             logs then go to build/logs/<series>/
#
# Scenarios (tools/vmm/scenarios.sh runs them inside the host), each with
# the guest's own console lines checked:
#   radix host   (POWER9 DD2.2) default -> Radix; disable_radix -> Hash
#                switched at CAS, HPT order from RAM; legacy (no ISA 3.00)
#                -> Hash with the radix bit gone from ibm,pa-features;
#                snapshot (radix) and hash-snapshot, continued in a fresh
#                VM; reboot-to-hash and reboot-to-radix (RTAS system-reboot,
#                the VMM resets the MMU through the module, CAS again with
#                another command line); live-reboot-to-hash and -to-radix (the
#                same reboots while the VMM copies RAM with dirty logging on:
#                the switch waits busy for the copy's end, the copy must
#                equal RAM); dt-check (Open Firmware fidelity)
#   hash host    default, disable_radix, legacy -> Hash; snapshot; reboot
#                (hash again, HPT cleared); dt-check
#   nested host  default -> Radix; legacy (hash-only request) -> refused;
#                dt-check
#   dd20 host    (POWER9 DD2.0, no hash next to radix) default -> Radix;
#                disable_radix -> Radix (platform says radix only);
#                legacy -> refused; dt-check
#   preemptible  (7.2) the module withholds hash: the radix host runs
#   host kernel  default, disable-radix and dt-check as radix, legacy refused,
#                snapshot; the hash host refuses default and legacy at CAS
#   save/restore (radix and hash hosts) --save at tick 1 (exit 6), then
#                --restore in a second VMM process: ticks 2 and 3, power
#                off, all 4 vcpus; radix host: save, save-restore, and a
#                corrupted and a cut copy of that stream and a --mem that
#                differs refused (save-corrupt, save-truncated, save-mem,
#                exit 7), and a save during prom_init refused
#                (save-early); hash host: hash-save, hash-save-restore
#                (HPT through the stream); nested: a hash stream refused
#                for its mode (hash-stream-refused)
#   every host,  same-kernel: the host's own kernel boots as the guest (in
#   when the     the host's default mode; on the radix host also hash,
#   host kernel  same-kernel-hash), and the guest reports that release
#   is not 6.1
# Prints "ok N <host>/<scenario>: <what>" per check, each scenario's wall
# time, and ends with "vmm scenarios: N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/rig/lib/qemu.sh"
hosts=("$@")
[ ${#hosts[@]} -eq 0 ] && hosts=(radix hash nested dd20)
logs=$(ppcmmu_logs_dir)
kdir=$(ppcmmu_kernel_dir) || { echo "vmm scenarios: 0 passed, 1 failed"; exit 1; }
echo "host kernel: $(cat "$kdir/release")"

initrd=$root/build/vmm-initramfs.cpio
# PPC_MMU_PREBUILT=1: the job runner built it (tools/rig/lib/stage.sh)
if [ -z "${PPC_MMU_PREBUILT:-}" ]; then
	bash "$root/tools/rig/setup.sh" >/dev/null || { echo "setup failed"; echo "vmm scenarios: 0 passed, 1 failed"; exit 1; }
	make -s -C "$root" modules || exit 1
	"$root/tools/rig/mkhostinitrd.sh" "$initrd" || { echo "vmm scenarios: 0 passed, 1 failed"; exit 1; }
fi

pass=0 fail=0 n=0

check() {	# check <ok?> <text>
	n=$((n + 1))
	if [ "$1" = 1 ]; then echo "ok $n $2"; pass=$((pass + 1));
	else echo "not ok $n $2"; fail=$((fail + 1)); fi
}

section() {	# the console between "scenario: NAME begin" and its end line
	# (the guest's tty ends its lines with \r\n, which the host's console
	# doubles: no \r survives here)
	tr -d '\r' <"$log" | unsplit_kernel_messages |
		awk -v b="scenario: $1 begin" -v e="scenario: $1 end " \
		'$0 == b {on=1; next} on && index($0, e) == 1 {print; exit} on'
}

# The guest's kernel and its userspace share one console, so a kernel
# message can land inside a line userspace is writing:
#   guest: dt: /cpus[    7.082380] hrtimer: interrupt took 21733311 ns
#   /PowerPC,POWER9@1/d-cache-line-size 4 ccfc5c3c
# Give the message its own line and join the two halves of the other.
unsplit_kernel_messages() {
	awk '{
		if (held != "") { $0 = held $0; held = "" }
		if (match($0, /\[ *[0-9]+\.[0-9]+\] /) && RSTART > 1) {
			held = substr($0, 1, RSTART - 1)
			print substr($0, RSTART)
			next
		}
		print
	} END { if (held != "") print held }'
}

has() { grep -qF -- "$2" <<<"$1" && echo 1 || echo 0; }
hasnt() { grep -qF -- "$2" <<<"$1" && echo 0 || echo 1; }
exit_is() { grep -qE "^scenario: .* end exit=$2 " <<<"$1" && echo 1 || echo 0; }

# How many vcpus the VMM gave the guest of section $1 (its first line).
# (the boot's first line, or a --restore's "made the VM" line)
vcpus_of() {
	sed -n -e 's/^vmm: [0-9]* MiB guest, \([0-9]*\) vcpus,.*/\1/p' \
	       -e 's/^vmm: restore: [0-9]* MiB guest ([0-9]* KiB from the stream), \([0-9]*\) vcpus,.*/\1/p' \
		<<<"$1" | head -1
}

# SMP: Linux brought up every vcpu (RTAS start-cpu, KVM's XICS for the
# IPIs), and a process pinned to each cpu ran there (tools/rig/guest/init.c).
all_cpus_work() {
	local s=$1 id=$2 cpus=$3	# (not "n": check() counts in the global n)
	check "$([ -n "$cpus" ] && has "$s" "guest: cpus online: $cpus" || echo 0)" \
		"$id: the guest brought up all ${cpus:-?} vcpus (cpus online: ${cpus:-?})"
	check "$([ -n "$cpus" ] && has "$s" "guest: work ran on cpus: $(seq -s ' ' 0 $((cpus - 1)))" || echo 0)" \
		"$id: work ran on every cpu, each pinned process never seen elsewhere"
}

# The guest booted to userspace in MMU mode $3 on $vcpus vcpus and powered off cleanly.
boots() {
	local s=$1 id=$2 mmu=$3 mode
	mode=$(tr '[:upper:]' '[:lower:]' <<<"$mmu")
	check "$(has "$s" "vmm: CAS: the module chose $mode")" "$id: CAS through the module chose $mode"
	check "$(has "$s" "guest: userspace reached")" "$id: the guest reached userspace"
	check "$(has "$s" "guest: MMU : $mmu")" "$id: the guest's /proc/cpuinfo says MMU : $mmu"
	all_cpus_work "$s" "$id" "$vcpus"
	check "$(has "$s" "guest: tick 3")" "$id: the guest kept running (tick 3)"
	check "$(exit_is "$s" 0)" "$id: the guest powered off, VMM exit 0"
}

refused() {
	local s=$1 id=$2
	check "$(has "$s" "vmm: CAS refused: MMU mode unavailable")" "$id: CAS refused with an explanation"
	check "$(exit_is "$s" 3)" "$id: the VMM stopped the VM (exit 3)"
	check "$(hasnt "$s" "guest: userspace reached")" "$id: the guest did not run on in a mode it did not ask for"
}

# Ticks after the restore come from the fresh VM.
snapshot() {
	local s=$1 id=$2 after
	after=$(sed -n '/vmm: snapshot: restored into a fresh VM/,$p' <<<"$s")
	check "$(has "$s" "vmm: snapshot: restored into a fresh VM")" "$id: saved after tick 1 and restored into a fresh VM"
	check "$(has "$s" "vmm: snapshot: saved 512 MiB of RAM, $vcpus vcpus")" "$id: all $vcpus vcpus were saved"
	check "$(( $(has "$after" "guest: tick 2") & $(has "$after" "guest: tick 3") ))" \
		"$id: the guest printed ticks 2 and 3 from the fresh VM"
	check "$(has "$after" "guest: work ran on cpus: $(seq -s ' ' 0 $((vcpus - 1)))")" \
		"$id: the per-cpu work running across the snapshot finished on every cpu in the fresh VM"
}

# --save at tick 1: the VMM wrote the stream and stopped (exit 6) before
# the guest went on. saved <section> <id> <MMU>
saved() {
	local s=$1 id=$2 mmu=$3 mode
	mode=$(tr '[:upper:]' '[:lower:]' <<<"$mmu")
	check "$(has "$s" "vmm: CAS: the module chose $mode")" "$id: CAS through the module chose $mode"
	check "$(has "$s" "guest: MMU : $mmu")" "$id: the guest's /proc/cpuinfo says MMU : $mmu"
	check "$(grep -qE "^vmm: save: /tmp/[a-z-]+\.vm: 512 MiB guest, $vcpus vcpus, [0-9]+ registers each, MMU $mode" <<<"$s" && echo 1 || echo 0)" \
		"$id: the VMM wrote the stream at tick 1 ($(grep -o '[0-9]* bytes;' <<<"$s" | head -1 | tr -d ';'))"
	check "$(( $(has "$s" "guest: tick 1") & $(hasnt "$s" "guest: tick 2") ))" \
		"$id: the guest got to tick 1 and no further in the saving VMM"
	check "$(exit_is "$s" 6)" "$id: the VMM exited 6 (saved)"
}

# --restore in a second VMM process: no new boot, the guest goes on.
restored() {
	local s=$1 id=$2 mmu=$3 mode jump
	mode=$(tr '[:upper:]' '[:lower:]' <<<"$mmu")
	check "$(grep -qE "^vmm: restore: 512 MiB guest \([0-9]+ KiB from the stream\), [0-9]+ vcpus, MMU $mode; the guest continues" <<<"$s" && echo 1 || echo 0)" \
		"$id: a new VMM process made the VM from the stream ($mode, ${vcpus:-?} vcpus)"
	check "$([ "${vcpus:-0}" = "${VMM_SMP:-4}" ] && echo 1 || echo 0)" \
		"$id: the stream carried all ${VMM_SMP:-4} vcpus (${vcpus:-?})"
	check "$(( $(has "$s" "guest: tick 2") & $(has "$s" "guest: tick 3") ))" \
		"$id: the guest printed ticks 2 and 3 after the restore"
	check "$(has "$s" "guest: work ran on cpus: $(seq -s ' ' 0 $((${vcpus:-1} - 1)))")" \
		"$id: the per-cpu work saved mid-run finished on every cpu after the restore"
	check "$(( $(hasnt "$s" "guest: tick 1") & $(hasnt "$s" "vmm: CAS") & $(hasnt "$s" "guest: userspace reached") ))" \
		"$id: it continued where it was saved (no boot, no CAS, no tick 1 again)"
	# The VMMs wait 10 s between save and restore (tools/vmm/scenarios.sh):
	# a guest timebase not continued from the save jumps by that and more.
	# A loaded emulated host alone can stretch a 200 ms sleep to ~4 s (seen
	# on 6.12's hash host in boots with no restore at all), so only a jump
	# of 8 s or more fails; shorter ones are shown.
	jump=$(sed -n 's/^guest: clock jumped: \([0-9]*\) ms.*/\1/p' <<<"$s" | sort -n | tail -1)
	check "$(( $(has "$s" "vmm: restore: guest timebase continued from the save") & (${jump:-0} < 8000) ))" \
		"$id: the guest's clock went on from the save, not by the 10 s and more since${jump:+ (largest stall: $jump ms)}"
	check "$(( $(has "$s" "vmm: the guest powered off") & $(exit_is "$s" 0) ))" \
		"$id: the guest powered off, VMM exit 0"
	if [ "$mmu" = Hash ]; then
		check "$(grep -qE "^vmm: restore: [1-9][0-9]* HPTEs written through KVM's HTAB fd" <<<"$s" && echo 1 || echo 0)" \
			"$id: the HPT came from the stream through KVM's HTAB fd"
	fi
}

# A stream refused whole: one "vmm: restore:" line saying why, exit 7, no guest.
stream_refused() {	# stream_refused <section> <id> <why>
	local s=$1 id=$2
	check "$(grep -qF -- "$3" <<<"$(grep '^vmm: restore: .*; nothing restored$' <<<"$s")" && echo 1 || echo 0)" \
		"$id: refused: $(grep -m1 '^vmm: restore: ' <<<"$s" | sed 's/^vmm: restore: //')"
	check "$(exit_is "$s" 7)" "$id: the VMM exited 7 (stream refused)"
	check "$(( $(hasnt "$s" "guest: ") & $(hasnt "$s" "the guest continues") ))" \
		"$id: nothing of the guest ran"
}

# The HPT the module allocated is the one the guest hashes into:
# ibm,pft-size reached its flattened tree. hpt_order SECTION ID ORDER WHAT
hpt_order() {
	local s=$1 id=$2 order=$3
	check "$(grep -qE "vmm: CAS: the module chose hash.*, HPT order $order," <<<"$s" && echo 1 || echo 0)" \
		"$id: the module gave the guest $4 (order $order)"
	check "$(has "$s" "guest: ibm,pft-size: $order")" "$id: the guest's ibm,pft-size says order $order"
}
# Sized from its RAM: 512 MiB / 128 = 2^22.
hpt_from_ram() { hpt_order "$1" "$2" 22 "an HPT sized from its RAM"; }
# --hpt-ram 2048: for the VMM's basis (2 GiB / 128 = 2^24), not the guest's
# RAM, through KVM_PPC_MMU_SET_HPT_ORDER.
hpt_from_vmm() { hpt_order "$1" "$2" 24 "the HPT the VMM sized"; }

no_hpt() {
	check "$(has "$1" "guest: ibm,pft-size: absent")" "$2: a radix guest gets no HPT (no ibm,pft-size)"
}

# A boot that ends in a reboot request instead of a power-off.
boots_then_reboots() {
	local s=$1 id=$2 mmu=$3 mode
	mode=$(tr '[:upper:]' '[:lower:]' <<<"$mmu")
	check "$(has "$s" "vmm: CAS: the module chose $mode")" "$id: CAS through the module chose $mode"
	check "$(has "$s" "guest: MMU : $mmu")" "$id: the guest's /proc/cpuinfo says MMU : $mmu"
	check "$(( $(has "$s" "guest: tick 3") & $(has "$s" "guest: rebooting") ))" \
		"$id: the guest ran (tick 3) and asked for a reboot"
}

# reboot <section> <id> <first MMU> <second MMU> <HPT order the reset leaves>
reboot() {
	local s=$1 id=$2 first second
	first=$(sed -n '/^vmm: reset: the guest asked for a reboot/q;p' <<<"$s")
	second=$(sed -n '/^vmm: reset: the guest asked for a reboot/,$p' <<<"$s")
	boots_then_reboots "$first" "$id (boot 1)" "$3"
	check "$(has "$s" "vmm: reset: MMU back to $5 through KVM_PPC_MMU_SET_STATE")" \
		"$id: the VMM reset the MMU to $5 through the module"
	boots "$second" "$id (boot 2)" "$4"
	if [ "$4" = Hash ]; then hpt_from_ram "$second" "$id (boot 2)"; else no_hpt "$second" "$id (boot 2)"; fi
}

# live_reboot <section> <id> <first MMU> <second MMU> <who retried>: a reboot
# into the other MMU while the VMM copies RAM with dirty logging on. The
# switch (at CAS, or the VMM's reset) was busy until the copy ended, then
# went through; the copy equalled RAM (no dirty page lost).
live_reboot() {
	local s=$1 id=$2 done_line busy
	reboot "$s" "$id" "$3" "$4" radix
	done_line=$(grep -m1 '^vmm: live copy: done: ' <<<"$s")
	busy=$(sed -n 's/.*copy, \([0-9]*\) busy answers to the guest.s MMU switch meanwhile.*/\1/p' <<<"$done_line")
	check "$(has "$s" "vmm: live copy: dirty logging on")" "$id: the VMM started a live copy at tick 1 (dirty logging on)"
	check "$([ "${busy:-0}" -gt 0 ] && echo 1 || echo 0)" \
		"$id: the switch was refused busy while the copy ran (${busy:-0} answers), and retried"
	check "$(has "$s" "vmm: $5 went through after")" "$id: the $5 went through once the copy ended"
	check "$(grep -qE ', 0 pages differ$' <<<"$done_line" && echo 1 || echo 0)" \
		"$id: the copy equals RAM: no page's change was lost (${done_line#vmm: live copy: done: })"
}

# Open Firmware fidelity: every property the VMM's tree held when prom_init
# quiesced it reached the guest's /proc/device-tree, with the same value.
# The guest dumps its tree twice (tools/rig/guest/init.c says why): a
# property counts as present if either copy of its line is intact. Another
# of its cpus has the kernel log warnings all through the dump
# (guest.dt_noise=1), which once garbled a line: they must come after it.
dt_check() {
	local s=$1 id=$2 vmm_dt guest_dt total missing noise
	vmm_dt=$(sed -n 's/^vmm: dt: //p' <<<"$s" | sort -u)
	guest_dt=$(sed -n 's/^guest: dt: //p' <<<"$s" | sort -u)
	total=$(grep -c . <<<"$vmm_dt")
	missing=$(comm -23 <(echo "$vmm_dt") <(echo "$guest_dt"))
	noise=$(grep -c '^guest: kernel said during the dt dump: .*dt noise [0-9]* from cpu' <<<"$s")
	check "$([ "$noise" -ge 1 ] && echo 1 || echo 0)" \
		"$id: the kernel logged warnings from another cpu during the dump ($noise), printed after it"
	check "$([ "$total" -ge 50 ] && echo 1 || echo 0)" "$id: the VMM listed its tree at quiesce ($total properties)"
	check "$([ -z "$missing" ] && echo 1 || echo 0)" \
		"$id: all $total reached the guest's device tree unchanged${missing:+; missing or changed: $(head -3 <<<"$missing" | tr '\n' ';')}"
	check "$(grep -qE '^/vmm-fidelity/name-of-length-N\.e{46} 4 ' <<<"$guest_dt" && grep -qE '^/vmm-fidelity/value-of-32768-bytes 32768 ' <<<"$guest_dt" && echo 1 || echo 0)" \
		"$id: including a 63-character name and a 32 KiB value"
	check "$(grep -qE '^/cpus/[^/]+/ibm,pft-size |^/cpus/[^/]+/ibm,processor-radix-AP-encodings ' <<<"$guest_dt" && echo 1 || echo 0)" \
		"$id: the cpu node's MMU properties are among them"
}

# A preemptible host kernel: the module withholds hash (hash-free scenario
# lists in tools/vmm/scenarios.sh). The radix host then answers as the DD2.0
# host does; the hash host refuses every guest at CAS.
preemptible=0
ppcmmu_hash_withheld && preemptible=1

judge() {	# judge <host> <scenario> <section>
	local host=$1 name=$2 s=$3 id="$1/$2" mmu vcpus
	if [ -z "$s" ]; then check 0 "$id: scenario did not run"; return; fi
	# The POWER10 hosts are judged as their POWER9 kinds, the nested-API-v2
	# host as the nested one (tools/vmm/scenarios.sh runs the same lists).
	case $host in p10*) host=${host#p10} ;; *nestedv2) host=nested ;; esac
	vcpus=$(vcpus_of "$s")
	if [ $preemptible = 1 ]; then
		case $host/$name in
		radix/disable-radix)
			boots "$s" "$id" Radix; no_hpt "$s" "$id"; return ;;
		radix/legacy|hash/default|hash/legacy)
			refused "$s" "$id"
			check "$(has "$s" "(hash withheld: preemptible host kernel)")" \
				"$id: the refusal says why: hash withheld on a preemptible kernel"
			return ;;
		radix/dt-check)
			boots "$s" "$id" Radix; dt_check "$s" "$id"; return ;;
		esac
	fi
	case $host/$name in
	radix/default|nested/default|dd20/default)
		boots "$s" "$id" Radix; no_hpt "$s" "$id"
		check "$(has "$s" "guest: pa-features radix bit: 1")" "$id: ibm,pa-features shows radix" ;;
	dd20/disable-radix)	# radix only here: prom_init ignores disable_radix
		boots "$s" "$id" Radix ;;
	dd20/legacy|nested/legacy)
		refused "$s" "$id" ;;
	radix/snapshot)
		boots "$s" "$id" Radix; snapshot "$s" "$id" ;;
	radix/disable-radix)
		boots "$s" "$id" Hash; hpt_from_ram "$s" "$id" ;;
	radix/legacy|hash/legacy)
		boots "$s" "$id" Hash; hpt_from_ram "$s" "$id"
		check "$(has "$s" "legacy guest: radix bit cleared in ibm,pa-features")" "$id: the VMM hid the radix bit"
		check "$(has "$s" "guest: pa-features radix bit: 0")" "$id: the guest sees no radix bit in ibm,pa-features" ;;
	radix/hash-snapshot|hash/snapshot)
		boots "$s" "$id" Hash; snapshot "$s" "$id"
		check "$(has "$s" "HPTEs copied")" "$id: the HPT went across through KVM's HTAB fd" ;;
	radix/reboot-to-hash)
		reboot "$s" "$id" Radix Hash radix ;;
	radix/reboot-to-radix)
		reboot "$s" "$id" Hash Radix radix ;;
	radix/live-reboot-to-hash)
		live_reboot "$s" "$id" Radix Hash CAS ;;
	radix/live-reboot-to-radix)
		live_reboot "$s" "$id" Hash Radix "reset: KVM_PPC_MMU_SET_STATE" ;;
	hash/reboot)
		reboot "$s" "$id" Hash Hash hash ;;
	hash/default|hash/disable-radix)
		boots "$s" "$id" Hash ;;
	radix/hpt-ram|hash/hpt-ram)
		boots "$s" "$id" Hash; hpt_from_vmm "$s" "$id" ;;
	radix/save)
		saved "$s" "$id" Radix ;;
	radix/save-restore)
		restored "$s" "$id" Radix ;;
	radix/save-corrupt)
		stream_refused "$s" "$id" ": checksum mismatch" ;;
	radix/save-truncated)
		stream_refused "$s" "$id" "truncated" ;;
	radix/save-early)
		check "$(has "$s" "vmm: save: the guest is still in Open Firmware (prom_init)")" \
			"$id: a save during prom_init is refused with the reason"
		check "$(( $(exit_is "$s" 1) & $(hasnt "$s" "vmm: CAS") ))" \
			"$id: the VMM stopped there (exit 1, before CAS)"
		check "$(grep -q '^vmm-scenarios: no stream written$' "$log" && echo 1 || echo 0)" \
			"$id: no stream file was left behind" ;;
	radix/save-mem)
		stream_refused "$s" "$id" "the stream's guest has 512 MiB of RAM, --mem says 256" ;;
	hash/hash-save)
		saved "$s" "$id" Hash ;;
	hash/hash-save-restore)
		restored "$s" "$id" Hash ;;
	nested/hash-stream-refused)
		stream_refused "$s" "$id" "the stream's guest runs hash, which this host does not offer" ;;
	*/same-kernel|radix/same-kernel-hash)
		case $host/$name in radix/same-kernel|nested/*|dd20/*) mmu=Radix ;; *) mmu=Hash ;; esac
		boots "$s" "$id" "$mmu"
		check "$(has "$s" "guest: kernel $(cat "$kdir/release")")" \
			"$id: the guest runs the host's own kernel ($(cat "$kdir/release"))" ;;
	*/dt-check)
		case $host in nested|dd20) mmu=Radix ;; *) mmu=Hash ;; esac
		boots "$s" "$id" "$mmu"; dt_check "$s" "$id" ;;
	*)	check 0 "$id: no expectations for this scenario" ;;
	esac
}

for host in "${hosts[@]}"; do
	log=$logs/vmm-$host.log
	start=$(date +%s)
	run_host "$host" "$initrd" "$log" 1500 \
		"ppcmmu.run=vmm-scenarios ${VMM_ONLY:+vmm.only=$VMM_ONLY} ${VMM_TIMEOUT:+vmm.timeout=$VMM_TIMEOUT} ${VMM_SMP:+vmm.smp=$VMM_SMP} ${VMM_SKIP:+vmm.skip=$VMM_SKIP}"
	rc=$?
	echo "# $host host: $(( $(date +%s) - start ))s in all (console log: $log)"
	check "$([ $rc -eq 0 ] && grep -q '^vmm-scenarios: done' "$log" && echo 1 || echo 0)" \
		"$host: the host ran every scenario and powered off (qemu status $rc)"
	trouble=$(grep -m1 -E "$kernel_trouble_re" "$log")
	check "$([ -z "$trouble" ] && echo 1 || echo 0)" "$host: no kernel trouble, host or guest${trouble:+ ($trouble)}"
	for name in $(sed -n 's/^scenario: \([^ ]*\) begin$/\1/p' "$log"); do
		echo "# $host/$name: $(grep -m1 "^scenario: $name end" "$log" | sed 's/.* secs=/wall /')s"
		judge "$host" "$name" "$(section "$name")"
	done
	if [ -f "$root/build/guest/vmlinux-host" ] && { [ -z "${VMM_ONLY:-}" ] || [ "$VMM_ONLY" = same-kernel ]; } &&
	   ! { [ "${host#p10}" = hash ] && [ $preemptible = 1 ]; }; then
		check "$(grep -q '^scenario: same-kernel begin$' "$log" && echo 1 || echo 0)" \
			"$host: the host's own kernel was booted as a guest (same-kernel)"
	fi
done
echo "vmm scenarios: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
