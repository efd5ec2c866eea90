#!/usr/bin/env bash
# The shared library tools/lib/ppcmmu depends on nothing of the selftests
# (issue 12; tools/lib/ppcmmu/README): selftests/lib may use it, never the
# reverse. Checked three ways, on the cross-built sources:
#   includes  every quoted #include names a file of tools/lib/ppcmmu itself
#   headers   each header compiles alone, with only -I tools/lib and uapi/
#   link      every .c compiles with only those, and the objects link into
#             one static program with nothing but libc (a call into
#             selftests/lib, ktap_result say, is an undefined reference)
#
# Prints one KTAP-style line ("ok - ...", unnumbered: unit-tests.sh counts
# it), with what broke the rule under a "not ok".
# Usage: tools/stages/lib-deps.sh [DIR]   (default tools/lib/ppcmmu)
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/tools/lib/ppcmmu}
cc=${LIB_CC:-powerpc64le-linux-gnu-gcc}
name="tools/lib/ppcmmu: depends on libc, the kernel's and our uapi headers only (nothing of selftests/)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v "$cc" >/dev/null; then
	echo "not ok - $name: needs $cc (tools/rig/setup.sh)"
	exit 1
fi
fail() { echo "not ok - $name: $1"; sed 's/^/#   /' "$2" | head -20; exit 1; }

for f in "$dir"/*.c "$dir"/*.h; do
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while read -r h; do
			case $h in
			*/*) echo "${f#"$root"/}: #include \"$h\" (outside the library)" ;;
			*) [ -e "$dir/$h" ] || echo "${f#"$root"/}: #include \"$h\" (no such file here)" ;;
			esac
		done
done >"$tmp/includes"
[ -s "$tmp/includes" ] && fail "a quoted #include leaves the library" "$tmp/includes"

cflags=(-O0 -Wall -Wextra -I"$(dirname "$dir")" -I"$root/uapi")
for h in "$dir"/*.h; do
	printf '#include "%s/%s"\n' "$(basename "$dir")" "$(basename "$h")" >"$tmp/h.c"
	"$cc" "${cflags[@]}" -fsyntax-only "$tmp/h.c" 2>"$tmp/err" ||
		fail "$(basename "$h") does not compile alone" "$tmp/err"
done
for c in "$dir"/*.c; do
	"$cc" "${cflags[@]}" -c -o "$tmp/$(basename "$c" .c).o" "$c" 2>"$tmp/err" ||
		fail "$(basename "$c") does not build with only -I tools/lib and uapi/" "$tmp/err"
done
echo 'int main(void) { return 0; }' >"$tmp/main.c"
"$cc" -static -pthread -o "$tmp/all" "$tmp/main.c" "$tmp"/*.o 2>"$tmp/err" ||
	fail "the objects do not link with libc alone" "$tmp/err"
echo "ok - $name"
