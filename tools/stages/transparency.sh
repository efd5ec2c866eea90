#!/usr/bin/env bash
# Transparency check: Debian's unmodified qemu-system-ppc boots the same
# Linux guest with kvm-ppc-mmu loaded exactly as without it.
#
# Each emulated POWER9 host boots once (tools/rig/hostroot/init.sh as /init)
# and runs each guest (tools/rig/guest/) under QEMU with KVM twice: with only
# kvm and kvm-hv loaded, then with our module loaded too. The guests:
#   radix host (POWER9 DD2.2)  default -> Radix; disable-radix -> Hash
#                              (switched at CAS); legacy -> QEMU's choice
#                              (Radix), radix bit hidden in ibm,pa-features
#   hash host                  default -> Hash
# The console is judged here, one "ok N ..." / "not ok N ..." line per check.
#
# Usage: tools/stages/transparency.sh [radix] [hash] [nestedv2]   (default: radix hash;
#        nestedv2 runs the default guest, not in the matrix: kernel-matrix.sh)
# Env:   PPC_MMU_HOST_TIMEOUT=<s>   per-host limit (default 900)
#        PPC_MMU_KERNEL=6.1|6.12|7.2  host kernel (tools/rig/lib/kernel.sh); the
#                                   guests stay bookworm's 6.1
# Ends with "transparency: N passed, N failed"; exit 0 only if none failed.
# Console logs: build/logs/[<series>/]transparency-<host>.log
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/rig/lib/qemu.sh"
source "$root/tools/rig/lib/transparency-judge.sh"
logs=$(ppcmmu_logs_dir)
hosts=("$@")
[ ${#hosts[@]} -eq 0 ] && hosts=(radix hash)
timeout_s=${PPC_MMU_HOST_TIMEOUT:-900}
runs=(without-module with-module)


n=0 passed=0 failed=0
check() {	# check WHAT COMMAND...: one numbered result line
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $what"; passed=$((passed + 1))
	else
		echo "not ok $n $what"; failed=$((failed + 1))
	fi
}

host_done() {	# host_done LOG QEMU_STATUS
	[ "$2" -eq 0 ] && grep -q '^hostinit: done' "$1"
}

# Kernel trouble on the host's own console lines, or on the guests'.
clean() {	# clean LOG host|guests
	local sel=(-E) bad
	[ "$2" = host ] && sel=(-vE)
	bad=$(grep "${sel[@]}" "^($(IFS='|'; echo "${runs[*]}"))\.[a-z-]+: " "$1" | grep -m3 -E "$kernel_trouble_re")
	[ -z "$bad" ] && return 0
	sed 's/^/#   /' <<<"$bad"
	return 1
}

initrd=$root/build/transparency-host.cpio
mkdir -p "$logs"
start=$(date +%s)
# PPC_MMU_PREBUILT=1: the job runner built the initramfs (and the module)
# before it started this and the other hosts' jobs (tools/rig/lib/stage.sh).
if [ -z "${PPC_MMU_PREBUILT:-}" ]; then
	# Two runs at once would share the initramfs.
	exec 9>"$root/build/transparency.lock"
	flock -n 9 || { echo "# waiting for another tools/stages/transparency.sh"; flock 9; }
	if ! bash "$root/tools/rig/setup.sh" || ! make -s -C "$root" modules ||
	   ! "$root/tools/rig/hostroot/mktransparencyinitrd.sh" "$initrd"; then
		echo "not ok 1 build"
		echo "transparency: 0 passed, 1 failed"
		exit 1
	fi
fi
echo "# host kernel $(cat "$(ppcmmu_kernel_dir)/release"), Debian $(grep '^qemu-system-ppc ' "$root/build/hostroot/packages.txt")," \
	"host initramfs $(du -h "$initrd" | cut -f1), build $(( $(date +%s) - start ))s"

# On a preemptible host kernel KVM-HV itself can hang the host under a hash
# guest (kmod/logic/host_modes.c); unmodified QEMU does not ask the module,
# so the hash guests are not run there, the module or not.
preemptible=0
ppcmmu_hash_withheld && preemptible=1
for host in "${hosts[@]}"; do
	key=$host
	[ $preemptible = 1 ] && key=$host-preemptible
	case $key in
	radix) guests=(default disable-radix legacy) ;;
	*nestedv2|*nestedv2-preemptible) guests=(default) ;;
	hash) guests=(default) ;;
	radix-preemptible) guests=(default legacy)
		echo "# radix/disable-radix: not run, a hash guest on a preemptible host kernel (KVM-HV can hang the host)" ;;
	hash-preemptible) echo "# hash host: not run, its guests are hash and the host kernel is preemptible (KVM-HV can hang the host)"
		continue ;;
	*) echo "unknown host '$host' (radix, hash, nestedv2, p11nestedv2)" >&2; exit 2 ;;
	esac
	log=$logs/transparency-$host.log
	t0=$(date +%s)
	# A host panic reboots, which ends QEMU (-no-reboot) instead of hanging.
	run_host "$host" "$initrd" "$log" "$timeout_s" "panic=-1 tguests=$(IFS=,; echo "${guests[*]}")"
	rc=$?
	echo "# $host host: qemu status $rc, $(( $(date +%s) - t0 ))s wall, console log $log"
	grep -E '^hostinit: |^(without-module|with-module)\.[a-z-]+: guest: ' "$log" | sed 's/^/#   /'
	check "$host: host booted, ran every guest twice and powered off" host_done "$log" "$rc"
	transparency_judge "$host" "$log" "${guests[@]}"
	check "$host: module unloads after the guests" transparency_has_line "$log" "hostinit: rmmod kvm_ppc_mmu ok"
	check "$host: no kernel trouble on the host console" clean "$log" host
	check "$host: no kernel trouble on the guest consoles" clean "$log" guests
done
echo "# total $(( $(date +%s) - start ))s"
echo "transparency: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
