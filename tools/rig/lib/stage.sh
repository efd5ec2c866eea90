# shellcheck shell=bash
# One test stage: run it, show its output, add its counts to the caller's.
#
# ppcmmu_stage NAME COMMAND...
#   Prints "=== NAME", runs COMMAND with its output shown, and reads the
#   last "N passed, N failed" line it printed. Adds them to the caller's
#   $total_pass / $total_fail. A stage that printed no such line counts as
#   one failure, as does one that exited non-zero while reporting none.
#   Ends with "# NAME: S s" (its wall time). Sets $stage_pass / $stage_fail
#   for the caller's own summaries.

ppcmmu_stage() {
	local name=$1 out rc t0
	shift
	echo "=== $name"
	t0=$(date +%s)
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	ppcmmu_count "$out" "$rc"
	rm -f "$out"
	echo "# $name: $(( $(date +%s) - t0 ))s"
}

# ppcmmu_count OUTPUT_FILE EXIT_STATUS
#   The counts of a stage or job whose output is in OUTPUT_FILE: its last
#   "N passed, N failed" line, or one failure without one, or one more
#   for a non-zero exit that reported none. Sets $stage_pass / $stage_fail
#   and adds them to $total_pass / $total_fail.
ppcmmu_count() {
	local line
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1)
	stage_pass=$(sed -nE 's/.*\b([0-9]+) passed, ([0-9]+) failed.*/\1/p' <<<"$line")
	stage_fail=$(sed -nE 's/.*\b([0-9]+) passed, ([0-9]+) failed.*/\2/p' <<<"$line")
	if [ -z "$stage_pass" ]; then stage_pass=0 stage_fail=1; fi
	if [ "$2" -ne 0 ] && [ "$stage_fail" -eq 0 ]; then stage_fail=1; fi
	total_pass=$((total_pass + stage_pass)) total_fail=$((total_fail + stage_fail))
}

# ppcmmu_jobs NAME COMMAND [NAME COMMAND]...
#   Runs the jobs, each COMMAND a string for bash -c with its own output
#   file, at most $PPC_MMU_JOBS (default 2: one per core; each emulated host
#   keeps one core busy) at a time, in the order given; while a process of
#   $PPC_MMU_BUSY_PID lives (space-separated: the debug kernel's background
#   build, the Debian 13 host's job) it takes one of the slots, one slot
#   always left.
#   Each job's output is printed as one block when it ends, between
#   "=== NAME" and "# NAME: S s", and counted as ppcmmu_stage counts a stage.
#   Jobs must not share scratch files: the stage scripts take prebuilt
#   images (PPC_MMU_PREBUILT=1, see ppcmmu_prepare_images) and write one log
#   per host. PPC_MMU_JOBS=1 runs them one at a time, in order.
ppcmmu_jobs() {
	local -a queue=("$@")
	local -A job_name=() job_out=() job_t0=()
	local next=0 running=0 slots pid rc out busy
	while [ "$next" -lt ${#queue[@]} ] || [ "$running" -gt 0 ]; do
		slots=${PPC_MMU_JOBS:-2}
		for busy in ${PPC_MMU_BUSY_PID:-}; do
			kill -0 "$busy" 2>/dev/null && [ "$slots" -gt 1 ] && slots=$((slots - 1))
		done
		if [ "$running" -lt "$slots" ] && [ "$next" -lt ${#queue[@]} ]; then
			out=$(mktemp)
			bash -c "${queue[next + 1]}" >"$out" 2>&1 </dev/null &
			pid=$!
			job_name[$pid]=${queue[next]} job_out[$pid]=$out job_t0[$pid]=$(date +%s)
			next=$((next + 2)) running=$((running + 1))
			continue
		fi
		pid=
		if [ "$slots" -lt "${PPC_MMU_JOBS:-2}" ] && [ "$next" -lt ${#queue[@]} ]; then
			# A slot frees up when a background job ends too:
			# look every few seconds (bash reaps finished jobs, so a
			# finished one no longer answers kill -0).
			for pid in "${!job_name[@]}" ""; do
				[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && break
			done
			if [ -z "$pid" ]; then
				sleep 3
				continue
			fi
			wait "$pid"
			rc=$?
		else
			wait -n -p pid "${!job_name[@]}"
			rc=$?
		fi
		running=$((running - 1))
		ppcmmu_job_report "${job_name[$pid]}" "${job_out[$pid]}" "$rc" "${job_t0[$pid]}"
		unset "job_name[$pid]" "job_out[$pid]" "job_t0[$pid]"
	done
}

# ppcmmu_job_report NAME OUTPUT_FILE EXIT_STATUS START_SECONDS [END_SECONDS]
#   A job that ended: its output as one block between "=== NAME" and
#   "# NAME: S s" (S from START to END, default now), counted
#   (ppcmmu_count); the file is removed. For ppcmmu_jobs and for a job run
#   in the background across stages.
ppcmmu_job_report() {
	echo "=== $1"
	cat "$2"
	ppcmmu_count "$2" "$3"
	rm -f "$2"
	echo "# $1: $(( ${5:-$(date +%s)} - $4 ))s"
}

# ppcmmu_prepare_images IMAGE...
#   Builds, for the host kernel PPC_MMU_KERNEL and the module already built
#   for it, the images the host jobs boot: kselftest (kselftest's tree, which
#   the selftests image then carries), selftests (build/initramfs.cpio), vmm
#   (build/vmm-initramfs.cpio: the reference VMM's scenarios), transparency
#   (build/transparency-host.cpio: Debian's QEMU). Prints "images: N passed,
#   N failed". The jobs then run with PPC_MMU_PREBUILT=1 and build nothing,
#   so none writes what another reads.
ppcmmu_prepare_images() {
	local root=$ppcmmu_stage_root pass=0 fail=0 image cmd
	for image in "$@"; do
		case $image in
		kselftest)	cmd=("$root/tools/rig/kselftest-tree.sh") ;;
		selftests)	cmd=("$root/tools/rig/mkinitramfs.sh" "$root/build/initramfs.cpio") ;;
		vmm)		cmd=("$root/tools/rig/mkhostinitrd.sh" "$root/build/vmm-initramfs.cpio") ;;
		transparency)	cmd=("$root/tools/rig/hostroot/mktransparencyinitrd.sh"
				     "$root/build/transparency-host.cpio") ;;
		*)		cmd=(false) ;;
		esac
		if "${cmd[@]}"; then
			echo "ok - image $image"; pass=$((pass + 1))
		else
			echo "not ok - image $image"; fail=$((fail + 1))
		fi
	done
	echo "images: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
ppcmmu_stage_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
