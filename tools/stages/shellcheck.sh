#!/usr/bin/env bash
# Every shell script the project tracks (*.sh and .ci/run) passes shellcheck
# at severity warning: the bugs it finds there (an unchecked cd, a variable
# set and never used, a word split by accident) are real in scripts that
# judge tests. Info-level notes (unquoted $x where the split is meant, as in
# the emulated hosts' /init) are not checked. Project-wide settings, and why:
# .shellcheckrc.
#
# Prints one KTAP-style line ("ok - ...", unnumbered: unit-tests.sh counts it),
# with shellcheck's findings under a "not ok".
# Usage: tools/stages/shellcheck.sh
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
name="shellcheck -S warning: every tracked shell script"

if ! command -v shellcheck >/dev/null; then
	echo "not ok - $name: needs shellcheck (tools/rig/setup.sh)"
	exit 1
fi
mapfile -t scripts < <(git ls-files '*.sh' .ci/run)
if [ ${#scripts[@]} -eq 0 ]; then
	echo "not ok - $name: no scripts found (not a git checkout?)"
	exit 1
fi
if out=$(shellcheck -S warning -f gcc "${scripts[@]}" 2>&1); then
	echo "ok - $name (${#scripts[@]} scripts)"
else
	echo "not ok - $name"
	printf '%s\n' "$out" | sed 's/^/#   /' | head -40
	exit 1
fi
