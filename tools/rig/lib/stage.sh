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
	local name=$1 out rc line t0
	shift
	echo "=== $name"
	t0=$(date +%s)
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n1)
	rm -f "$out"
	stage_pass=$(sed -nE 's/.*\b([0-9]+) passed, ([0-9]+) failed.*/\1/p' <<<"$line")
	stage_fail=$(sed -nE 's/.*\b([0-9]+) passed, ([0-9]+) failed.*/\2/p' <<<"$line")
	if [ -z "$stage_pass" ]; then stage_pass=0 stage_fail=1; fi
	if [ "$rc" -ne 0 ] && [ "$stage_fail" -eq 0 ]; then stage_fail=1; fi
	total_pass=$((total_pass + stage_pass)) total_fail=$((total_fail + stage_fail))
	echo "# $name: $(( $(date +%s) - t0 ))s"
}
