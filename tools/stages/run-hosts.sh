#!/usr/bin/env bash
# Boot Debian's powerpc64le kernel in emulated POWER9 hosts under QEMU, run
# the selftests inside (see tools/rig/initramfs/init.c), and judge the console.
#
# Usage: tools/stages/run-hosts.sh [HOST...]   (default: radix hash nested dd20;
#        the others, p10radix p10hash nestedv2 p11nestedv2: tools/rig/lib/qemu.sh)
# Env:   PPC_MMU_ONLY=<selftest>   run one selftest only
#        PPC_MMU_FUZZ_SECONDS=<s>, PPC_MMU_FUZZ_SEED=<n>, PPC_MMU_FUZZ_TRACE=1,
#        PPC_MMU_FUZZ_KVM_RACES=1, PPC_MMU_STORM_SECONDS=<s>,
#        PPC_MMU_PREEMPT_REPRODUCE=1, PPC_MMU_PREEMPT_SCENARIO=hcalls|faults,
#        PPC_MMU_PREEMPT_SECONDS=<s> (selftests/ppc_mmu_preempt.c),
#        PPC_MMU_KVM_HV_RACES_REPRODUCE=1 (selftests/ppc_mmu_kvm_hv_races.c)
#                                  passed to the programs in the host (on the
#                                  kernel command line, which hands VAR=value
#                                  to /init's environment); the seconds also
#                                  lengthen the host's and the program's limit
#        PPC_MMU_HOST_TIMEOUT=<s>  per-host limit (default 600)
#        PPC_MMU_PREBUILT=1        boot build/initramfs.cpio as it is (the job
#                                  runner built it: tools/rig/lib/stage.sh)
#        PPC_MMU_KERNEL=6.1|6.12|7.2 host kernel (default 6.1; logs then go
#                                  to build/logs/<series>/; the module must be
#                                  built for it: PPC_MMU_KERNEL=... make)
#
# Per host it prints "<host>: N passed, N failed[, N skipped]" and at the end
# the overall line. Counts are of individual KTAP results inside the
# programs; a program that dies without reporting a failure counts as one.
# A host fails outright (and its console log is kept in build/logs/) on a
# hang, a kernel oops/BUG/WARN, or a run that did not finish.
# Exit status: 0 only if every host passed.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/rig/lib/qemu.sh"
logs=$(ppcmmu_logs_dir)
hosts=("$@")
[ ${#hosts[@]} -eq 0 ] && hosts=(radix hash nested dd20)
timeout_s=${PPC_MMU_HOST_TIMEOUT:-600}
passed=()
for var in PPC_MMU_FUZZ_SECONDS PPC_MMU_FUZZ_SEED PPC_MMU_FUZZ_TRACE PPC_MMU_FUZZ_KVM_RACES \
	   PPC_MMU_STORM_SECONDS PPC_MMU_PREEMPT_REPRODUCE PPC_MMU_PREEMPT_SCENARIO \
	   PPC_MMU_PREEMPT_SECONDS PPC_MMU_KVM_HV_RACES_REPRODUCE; do
	[ -n "${!var:-}" ] && passed+=("$var=${!var}")
done
timeout_s=$((timeout_s + ${PPC_MMU_FUZZ_SECONDS:-0} + ${PPC_MMU_STORM_SECONDS:-0} + 2 * ${PPC_MMU_PREEMPT_SECONDS:-0}))

initrd=$root/build/initramfs.cpio
# PPC_MMU_PREBUILT=1: built once for every host's job (tools/rig/lib/stage.sh)
[ -n "${PPC_MMU_PREBUILT:-}" ] || "$root/tools/rig/mkinitramfs.sh" "$initrd" || exit 1
echo "host kernel: $(cat "$(ppcmmu_kernel_dir)/release")"


# The admin's host check (tools/host-check/), run by the host's /init before
# the selftests, must describe the host that really booted. Prints one
# "ok"/"not ok" line per expectation; the caller counts them.
host_check_expect() {	# host_check_expect HOST LOG
	local host=$1 log=$2 without with e
	without=$(grep -m1 '^host-check: without-module ' "$log")
	with=$(grep -m1 '^host-check: with-module ' "$log")
	local preemptible=0 ready=1
	ppcmmu_hash_withheld && preemptible=1
	# A preemptible kernel: the module withholds hash, so a hash host
	# offers no guest mode at all and the check says "not ready".
	[ "${host#p10}" = hash ] && [ $preemptible = 1 ] && ready=0
	local -a exp=("without|exit=1 " "without|\"module\":false" "without|\"ready\":false"
		      "with|\"module\":true")
	if [ $ready = 1 ]; then exp+=("with|exit=0 " "with|\"ready\":true")
	else exp+=("with|exit=1 " "with|\"ready\":false"); fi
	# Which protection the host check reports for hash on this kernel.
	local protection=not-needed
	if ppcmmu_kernel_preemptible; then
		protection=withheld
		[ "${PPC_MMU_KVM_HV:-}" = fixed ] && protection=kvm-hv-fixed
	fi
	case ${host#p1[01]} in
	radix|hash) exp+=("with|\"hash_preemption\":\"$protection\"") ;;
	esac
	local hash_yes="\"hash\":{\"available\":true}" legacy_yes="\"legacy\":{\"available\":true}"
	if [ $preemptible = 1 ]; then
		hash_yes="\"hash\":{\"available\":false,\"why\":\"the host kernel is preemptible"
		legacy_yes="\"legacy\":{\"available\":false,\"why\":\"the host kernel is preemptible"
	fi
	case $host in
	radix)	exp+=("with|\"cpu\":\"POWER9\"" "with|\"dd\":\"2.2\"") ;;
	p10*)	exp+=("with|\"cpu\":\"POWER10\"" "with|\"nested_api\":\"none\"") ;;
	nestedv2) exp+=("with|\"cpu\":\"POWER10\"") ;;
	p11*)	exp+=("with|\"cpu\":\"Power11\"") ;;	# Linux's name for it
	esac
	case ${host#p1[01]} in
	radix)	exp+=("with|\"host_mmu\":\"radix\"" "with|\"radix\":{\"available\":true}"
		      "with|$hash_yes" "with|$legacy_yes")
		[ $preemptible = 0 ] && exp+=("with|\"cas-switch\":{\"available\":true}") ;;
	hash)	exp+=("with|\"host_mmu\":\"hash\"" "with|\"radix\":{\"available\":false,\"why\":\"the host kernel runs hash"
		      "with|$hash_yes" "with|$legacy_yes") ;;
	nested)	exp+=("with|\"nested\":true" "with|\"nested_api\":\"v1\"" "with|\"radix\":{\"available\":true}"
		      "with|\"hash\":{\"available\":false,\"why\":\"nested KVM-HV (the host is itself a guest)") ;;
	nestedv2) exp+=("with|\"nested\":true" "with|\"nested_api\":\"v2\""
		      "with|\"radix\":{\"available\":true}"
		      "with|\"hash\":{\"available\":false,\"why\":\"nested KVM-HV through the PAPR nested API v2") ;;
	dd20)	exp+=("with|\"dd\":\"2.0\"" "with|\"radix\":{\"available\":true}"
		      "with|\"hash\":{\"available\":false,\"why\":\"POWER9 before DD2.2") ;;
	esac
	for e in "${exp[@]}"; do
		local line=$without
		[ "${e%%|*}" = with ] && line=$with
		if grep -qF -- "${e#*|}" <<<"$line"; then
			echo "ok host-check ${e%%|*}-module: ${e#*|}"
		else
			echo "not ok host-check ${e%%|*}-module: ${e#*|} (got: ${line:-nothing})"
		fi
	done
}

total_pass=0 total_fail=0 total_skip=0 failed_hosts=()
for host in "${hosts[@]}"; do
	log=$logs/$host${PPC_MMU_KVM_HV:+-kvm-hv-$PPC_MMU_KVM_HV}.log
	start=$(date +%s)
	run_host "$host" "$initrd" "$log" "$timeout_s" \
		"${PPC_MMU_ONLY:+ppcmmu.only=$PPC_MMU_ONLY} ${passed[*]}"
	rc=$?
	[ $rc -eq 2 ] && exit 2
	secs=$(( $(date +%s) - start ))

	# Leaf results are the programs' own lines, nested under "# ".
	pass=$(grep -cE '^# ok [0-9]+ ' "$log" | head -1); pass=${pass:-0}
	skip=$(grep -cE '^# ok [0-9]+ .*# SKIP' "$log"); skip=${skip:-0}
	pass=$((pass - skip))
	fail=$(grep -cE '^# not ok [0-9]+ ' "$log")
	programs=$(grep -m1 -oE '^1\.\.[0-9]+' "$log" | cut -c4-)
	reported=$(grep -cE '^(not )?ok [0-9]+ selftests: ' "$log")
	problems=()
	# A program that failed (crash, timeout, bad plan) without a failing leaf.
	while read -r name; do
		[ -z "$name" ] && continue
		section=$(awk -v n="$name" '$0 == "# selftests: ppc-mmu: " n {on=1; next}
			on && /^(not )?ok [0-9]+ selftests: / {exit} on' "$log")
		if ! grep -qE '^# not ok ' <<<"$section"; then
			fail=$((fail + 1)); problems+=("$name died without a failing result")
		fi
	done < <(grep -E '^not ok [0-9]+ selftests: ' "$log" | sed -E 's/.*ppc-mmu: ([^ ]+).*/\1/')
	[ $rc -eq 124 ] || [ $rc -eq 137 ] && problems+=("timed out after ${timeout_s}s")
	grep -q '^ppcmmu-init: done' "$log" || problems+=("run did not finish")
	[ -n "$programs" ] && [ "$reported" -ne "$programs" ] &&
		problems+=("$reported of $programs programs reported")
	hc=$(host_check_expect "$host" "$log")
	pass=$((pass + $(grep -c '^ok ' <<<"$hc")))
	while read -r bad; do
		[ -n "$bad" ] && problems+=("$bad") && fail=$((fail + 1))
	done < <(grep '^not ok ' <<<"$hc")
	if grep -qE "$kernel_trouble_re" "$log"; then
		problems+=("kernel trouble: $(grep -m1 -E "$kernel_trouble_re" "$log")")
	fi
	if [ ${#problems[@]} -gt 0 ] && [ $fail -eq 0 ]; then
		fail=1
	fi
	echo "$host: $pass passed, $fail failed, $skip skipped (${secs}s)"
	for p in "${problems[@]}"; do echo "  $host: $p"; done
	if [ $fail -ne 0 ]; then
		failed_hosts+=("$host")
		grep -E '^# not ok ' "$log" | sed "s/^/  $host: /"
		echo "  console log: $log"
	fi
	total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail)) total_skip=$((total_skip + skip))
done
echo "emulated hosts: $total_pass passed, $total_fail failed, $total_skip skipped"
[ ${#failed_hosts[@]} -eq 0 ]
