#!/usr/bin/env bash
# The whole emulated-host suite on each of Debian's host kernels: for each
# series (default 6.1 6.12 7.2) fetch the newest kernel of the series
# (tools/rig/fetch-kernel.sh), then, each with that kernel as the host:
#   module          the module built against it
#   static checks   sparse (C=2), W=1, checkpatch, modinfo
#   dkms            add/build/install/remove against its headers
#   package         on 6.1: the admin's kvm-ppc-mmu-dkms .deb, lintian clean,
#                   its shipped source building the module
#   emulated hosts  the selftests in the hosts radix, hash, nested, and dd20
#                   on 6.1, p10radix and p10hash on 6.12 (tools/rig/lib/qemu.sh;
#                   nestedv2 and p11nestedv2 by hand, see below)
#   kselftest runner  on 6.1 only: it checks kselftest's packaging (Makefile,
#                   lib.mk, run_kselftest.sh), the same whatever the kernel;
#                   the programs it runs ran on every kernel as "emulated hosts"
#   vmm scenarios   the reference VMM's real-guest scenarios; on 6.12 and 7.2
#                   also the host's own kernel booted as the guest, and not
#                   dt-check (it checks the VMM's Open Firmware, the same
#                   code whatever the host kernel: 6.1 runs it on 4 hosts)
#                   nor the radix host's hash-snapshot (the hash host's
#                   snapshot and hash-save copy an HPT on that kernel too),
#                   nor hpt-ram (the VMM's sizing basis: the module's
#                   bookkeeping, the same on every kernel; the selftests
#                   check the order on each, 6.1 boots Linux on it);
#                   on 7.2 not the radix host's reboot-to-hash and
#                   reboot-to-radix: live-reboot-to-* makes the same reboots
#                   with every check of theirs, beside a dirty-log copy;
#                   on 6.12 not legacy either: in the kernel it is
#                   disable-radix's switch to hash (what differs, the CAS
#                   vector's reading and the VMM's pa-features edit, is not
#                   the kernel's), and 6.12's 4K-page hosts make each hash
#                   boot 40 s; 7.2 keeps it, as its refusal is that kernel's
#                   On 6.12 not the reboots between modes either (the
#                   radix hosts' live-reboot-to-*, the hash hosts' reboot):
#                   room for the Debian 13 host; they run on 6.1, 7.2 and
#                   the debug kernel; nor, on POWER10, the snapshots and
#                   saves (the module's state ioctls and KVM's HTAB fd,
#                   the same on either CPU) and reboot-to-radix. On 6.12
#                   only on the POWER10 and nested hosts: its POWER9 ones
#                   run the selftests, and real guests in the Debian 13
#                   host.
#   transparency    bookworm's unmodified QEMU 7.2 (VOF), with and without
#                   the module, on 6.1 and (hash host only: the radix
#                   host's guests and QEMU are 6.1's) 7.2
#   Debian 13 host  on 6.12 (Debian 13's kernel): the trixie POWER9 host an
#                   admin has, systemd and apt, the package installed with
#                   apt and built there by DKMS, both kernel flavours, and
#                   the transparency check with trixie's own QEMU 10.0 and
#                   SLOF on its radix and hash hosts, libvirt's lifecycle
#                   (tools/debian13/run.sh); in the background from before
#                   the first kernel on (the critical path), beside every
#                   kernel's stages, its results printed after the last
#                   kernel (or, with
#                   PPC_MMU_BACKGROUND_DIR, left running: see below)
# Per kernel, the images the hosts boot are built once ("images"), then each
# emulated host of the last four stages is a job, run two at a time
# (tools/rig/lib/stage.sh: ppcmmu_jobs; PPC_MMU_JOBS=1 runs one at a time).
# The kernels follow each other: each builds the module in the tree.
# The guests are bookworm's 6.1 kernel except in the same-kernel scenarios.
# The module is left built for 6.1, as the other tools expect.
#
# Usage: tools/stages/kernel-matrix.sh [SERIES...]     (default: 6.1 6.12 7.2)
# Env:   PPC_MMU_BACKGROUND_DIR=<dir>  do not wait for the Debian 13 host's
#        job: leave it running and write <dir>/debian13.{pid,out,t0,name}
#        (its exit status lands in debian13.rc), for tools/test.sh to report
#        it after the stages that run beside its tail
# Prints "kernel <release>: N passed, N failed (S s)" per kernel, and ends
# with "kernel matrix: N passed, N failed". Logs: build/logs/<series>/.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
source tools/rig/lib/stage.sh
source tools/rig/lib/kernel.sh
series=("$@")
[ ${#series[@]} -eq 0 ] && series=(6.1 6.12 7.2)

module() { make -s modules && echo "module: 1 passed, 0 failed"; }

summary=()
matrix_pass=0 matrix_fail=0
debian13_pid='' debian13_out='' debian13_t0=''	# its background job (6.12)
debian13_name="6.12: Debian 13 host (apt, DKMS, systemd, QEMU, libvirt)"
# Debian 13 is the release whose kernel 6.12 is: its POWER9 host as an
# admin has it (systemd, apt, the package built by DKMS on the host, both
# kernel flavours, trixie's QEMU and libvirt; tools/debian13/run.sh). The
# longest job by far (50 minutes on a fresh machine, the test command's
# critical path), so it starts first and runs in the background, one slot
# of its own (PPC_MMU_BUSY_PID), beside every kernel's stages; its results
# come at the end. The kernels' stages start once it has copied what it
# takes from the tree (the package, selftests, guests), which they rebuild.
if [[ " ${series[*]} " == *" 6.12 "* ]] && [ "${PPC_MMU_JOBS:-2}" -ge 2 ]; then
	debian13_out=$(mktemp) debian13_t0=$(date +%s)
	# Its status in a file too: a caller that is not its parent cannot
	# wait for it.
	(bash tools/debian13/run.sh </dev/null; echo $? >"$debian13_out.rc") \
		>"$debian13_out" 2>&1 &
	debian13_pid=$!
	export PPC_MMU_BUSY_PID="${PPC_MMU_BUSY_PID:-} $debian13_pid"
	echo "# $debian13_name: started in the background (pid $debian13_pid)"
	for ((i = 0; i < 600; i++)); do
		grep -q '^debian13: the payload is copied' "$debian13_out" && break
		kill -0 "$debian13_pid" 2>/dev/null || break
		sleep 1
	done
fi
for k in "${series[@]}"; do
	export PPC_MMU_KERNEL=$k
	# The DD2.0 host (bookworm's QEMU 7.2) on 6.1 only: what it checks,
	# hash refused next to radix, is KVM-HV's hash_v3_possible() rule,
	# the same in every series, and each host costs a few minutes.
	# The newer machines where they add something (each host costs
	# minutes): POWER10 bare metal (radix, and hash) on 6.12, Debian 13's
	# kernel series, as a POWER10 admin runs it; there hash guests still
	# run (7.2 withholds them) and 6.1's KVM-HV is no different on ISA
	# 3.1. The nested API v2 (KVM in a PowerVM LPAR, Linux 6.8+) on 6.12:
	# the reference VMM's real guests only. Its selftests passed by hand
	# (run-hosts.sh nestedv2, and p11nestedv2 on 7.2), but QEMU 10.0's
	# emulated v2 L0 does not bound a spinning L2: an L1 CPU stayed in
	# H_GUEST_RUN_VCPU for 96 s once (a fresh-clone run), so the spinning-
	# guest selftests there pass or fail on timing. Not on 7.2 at all:
	# there any Linux L2 guest stalls under that L0, with Debian's QEMU
	# and no module as well.
	selftest_hosts=()
	case $k in
	6.1)	hosts=(radix hash nested dd20) ;;
	# The POWER9 bare-metal hosts on 6.12 run the selftests, not the
	# VMM's scenarios: those run on POWER9 under 6.1, 7.2 and the debug
	# kernel, and on 6.12 under POWER10; 6.12's POWER9 KVM-HV runs real
	# guests in the Debian 13 host (tools/debian13: trixie's QEMU and
	# the patched one, radix and hash hosts). 10 minutes of a slot.
	6.12)	hosts=(nested p10radix p10hash nestedv2)
		selftest_hosts=(radix hash nested p10radix p10hash) ;;
	*)	hosts=(radix hash nested) ;;
	esac
	[ ${#selftest_hosts[@]} -eq 0 ] && selftest_hosts=("${hosts[@]}")
	t0=$(date +%s) total_pass=0 total_fail=0
	ppcmmu_stage "$k: fetch" bash -c 'tools/rig/fetch-kernel.sh "$PPC_MMU_KERNEL" && echo "fetch: 1 passed, 0 failed"'
	release=$(cat "build/kernel/$k/release" 2>/dev/null || echo "$k")
	if [ "$total_fail" -eq 0 ]; then
		ppcmmu_stage "$release: module" module
	fi
	if [ "$total_fail" -eq 0 ]; then
		ppcmmu_stage "$release: static checks" tools/stages/static-checks.sh
		ppcmmu_stage "$release: dkms" tools/stages/dkms-check.sh
		# The .deb is the same whatever the kernel; its source is built
		# against 6.1 as DKMS would (7.2's kbuild runs in a chroot).
		[ "$k" = 6.1 ] && ppcmmu_stage "$release: package" tools/stages/package-check.sh
		# KVM-HV's fixes as a maintainer would take them: checkpatch clean,
		# applying to Debian's source of this kernel and building there
		# (preemptible kernels, whose hosts load that kvm-hv).
		ppcmmu_kernel_preemptible &&
			ppcmmu_stage "$release: kvm-hv with tools/kvm-hv/patches" tools/stages/kvm-hv-check.sh
		images=(selftests vmm)
		[ "$k" != 6.12 ] && images+=(transparency)
		[ "$k" = 6.1 ] && images=(kselftest "${images[@]}")
		ppcmmu_stage "$release: images" ppcmmu_prepare_images "${images[@]}"
	fi
	# A preemptible kernel (7.2): Debian's kvm-hv can hang the host under a
	# hash guest, so the module withholds hash there. The bare-metal hosts
	# load kvm-hv rebuilt with tools/kvm-hv/patches instead, as an admin of
	# such a kernel would, and run every hash scenario; one more selftest
	# run keeps Debian's kvm-hv (hash withheld, the hang reproducer
	# skipped). The nested host has no hash guests either way.
	kvm_hv_env() {	# kvm_hv_env HOST: the PPC_MMU_KVM_HV= prefix of its jobs
		ppcmmu_kernel_preemptible || return 0
		case $1 in radix|hash|p10radix|p10hash) echo "PPC_MMU_KVM_HV=fixed " ;; esac
	}
	if [ "$total_fail" -eq 0 ]; then
		case $k in
		6.1) skip= ;;
		6.12) skip=dt-check,hash-snapshot,legacy,hpt-ram ;;
		# reboot-to-*: live-reboot-to-* makes the same reboot and
		# checks all the same, beside a dirty-log copy (6.1 runs both)
		*) skip=dt-check,hpt-ram,reboot-to-hash,reboot-to-radix ;;
		esac
		# One job per emulated host, two at a time (ppcmmu_jobs), the
		# longest first so the two slots end close together: the VMM's
		# scenarios, Debian's QEMU (transparency), then the selftests.
		jobs=()
		# One at a time (PPC_MMU_JOBS=1), the Debian 13 host is one of
		# 6.12's jobs (see above the loop).
		[ "$k" = 6.12 ] && [ -z "$debian13_pid" ] &&
			jobs+=("$debian13_name" tools/debian13/run.sh)
		for h in "${hosts[@]}"; do
			# Room for the Debian 13 host on 6.12: there the longest
			# scenarios, the reboots between modes (live: beside a
			# dirty-log copy), run on none of its hosts. They are the
			# module's switch, the same code on every CPU and kernel,
			# and run on 6.1's, 7.2's and the debug kernel's POWER9
			# hosts (lockdep, KASAN); 6.12's selftests still race the
			# switch against the VMM's ioctls (ppc_mmu_vmm_race).
			# Nor, on POWER10, the snapshots and saves: the module's
			# state ioctls and KVM's HTAB fd, the same code on either
			# CPU, run on POWER9 under 6.1, 7.2 and the debug
			# kernel; nor reboot-to-radix (reboot-to-hash switches).
			local_skip=$skip
			p10_saves=snapshot,save,save-restore,save-corrupt,save-truncated,save-mem,save-early
			if [ "$k" = 6.12 ]; then
				case $h in
				p10radix) local_skip=$skip,live-reboot-to-hash,live-reboot-to-radix,reboot-to-radix,$p10_saves ;;
				p10hash) local_skip=$skip,reboot,snapshot,hash-save,hash-save-restore ;;
				esac
			fi
			jobs+=("$release: vmm scenarios $h"
			       "$(kvm_hv_env "$h")PPC_MMU_PREBUILT=1 VMM_SKIP=$local_skip tools/stages/vmm-scenarios.sh $h")
			# bookworm's QEMU 7.2: the radix host's on 6.1 only (its
			# guests and QEMU are the same on 7.2, 5 min); 6.12's
			# transparency is Debian 13's QEMU in its own host.
			[ "$h" = radix ] && [ "$k" = 6.1 ] && jobs+=("$release: transparency radix"
						  "$(kvm_hv_env radix)PPC_MMU_PREBUILT=1 tools/stages/transparency.sh radix")
		done
		[ "$k" = 6.1 ] && jobs+=("$release: kselftest runner"
					"PPC_MMU_PREBUILT=1 tools/stages/kselftest-check.sh")
		for h in "${selftest_hosts[@]}"; do
			jobs+=("$release: emulated hosts $h" "$(kvm_hv_env "$h")PPC_MMU_PREBUILT=1 tools/stages/run-hosts.sh $h")
		done
		ppcmmu_kernel_preemptible &&
			jobs+=("$release: emulated hosts radix, Debian's kvm-hv"
			       "PPC_MMU_KVM_HV=debian PPC_MMU_PREBUILT=1 tools/stages/run-hosts.sh radix")
		[ "$k" != 6.12 ] &&
			jobs+=("$release: transparency hash" "$(kvm_hv_env hash)PPC_MMU_PREBUILT=1 tools/stages/transparency.sh hash")
		ppcmmu_jobs "${jobs[@]}"
	fi
	summary+=("kernel $release: $total_pass passed, $total_fail failed ($(( $(date +%s) - t0 ))s)")
	matrix_pass=$((matrix_pass + total_pass)) matrix_fail=$((matrix_fail + total_fail))
done
unset PPC_MMU_KERNEL
if [ -n "$debian13_pid" ] && [ -n "${PPC_MMU_BACKGROUND_DIR:-}" ]; then
	mkdir -p "$PPC_MMU_BACKGROUND_DIR"
	echo "$debian13_pid" >"$PPC_MMU_BACKGROUND_DIR/debian13.pid"
	echo "$debian13_out" >"$PPC_MMU_BACKGROUND_DIR/debian13.out"
	echo "$debian13_t0" >"$PPC_MMU_BACKGROUND_DIR/debian13.t0"
	echo "$debian13_name" >"$PPC_MMU_BACKGROUND_DIR/debian13.name"
	summary+=("$debian13_name: still running in the background, reported by the caller")
elif [ -n "$debian13_pid" ]; then
	wait "$debian13_pid"
	rc=$?
	total_pass=0 total_fail=0
	ppcmmu_job_report "$debian13_name" "$debian13_out" "$rc" "$debian13_t0"
	summary+=("$debian13_name: $total_pass passed, $total_fail failed ($(( $(date +%s) - debian13_t0 ))s, beside the kernels after 6.12)")
	matrix_pass=$((matrix_pass + total_pass)) matrix_fail=$((matrix_fail + total_fail))
fi
if [ "${series[-1]}" != 6.1 ]; then
	make -s modules >/dev/null || { summary+=("rebuilding the module for 6.1 failed"); matrix_fail=$((matrix_fail + 1)); }
fi
echo "=== kernel matrix"
printf '%s\n' "${summary[@]}"
echo "kernel matrix: $matrix_pass passed, $matrix_fail failed"
[ "$matrix_fail" -eq 0 ]
