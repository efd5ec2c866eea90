#!/usr/bin/env bash
# KVM-HV's fixes (tools/kvm-hv/patches) as a maintainer would take them:
# each patch checkpatch clean (its one allowed warning is the Fixes: commit
# id, which it cannot look up outside a kernel git tree), and the series
# applying with no fuzz to Debian's source of PPC_MMU_KERNEL and building
# kvm-hv.ko there (tools/kvm-hv/build.sh --rig).
# Usage: PPC_MMU_KERNEL=7.2 tools/stages/kvm-hv-check.sh
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cp=$root/build/checkpatch/scripts/checkpatch.pl
pass=0 fail=0
result() {	# result RC NAME
	if [ "$1" -eq 0 ]; then echo "ok - $2"; pass=$((pass + 1))
	else echo "not ok - $2"; fail=$((fail + 1)); fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for p in "$root"/tools/kvm-hv/patches/*.patch; do
	# Outside any git tree: checkpatch reads a path inside one as a file of it.
	cp "$p" "$tmp/p.patch"
	out=$(cd "$tmp" && perl "$cp" --no-tree -q p.patch 2>&1)
	left=$(grep -E '^(ERROR|WARNING|CHECK)' <<<"$out" | grep -v "Unknown commit id")
	[ -f "$cp" ] && [ -z "$left" ]
	result $? "checkpatch: $(basename "$p")${left:+ ($left)}"
done
rc=0
bash "$root/tools/kvm-hv/build.sh" --rig || rc=$?
result $rc "the series applies to Debian's source of $(cat "$root/build/kernel/${PPC_MMU_KERNEL:-current}/release" 2>/dev/null) and builds kvm-hv.ko"
echo "kvm-hv: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
