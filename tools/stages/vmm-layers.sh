#!/usr/bin/env bash
# The reference VMM's files depend one way (issue 12: a VMM one can read in
# a day reads bottom-up). A file depends on another when it calls or uses
# something the other defines (from the objects' symbol tables: exact, no C
# parsing) or includes its header. Any loop in that graph fails the check.
# Each file is a node named after its basename: x.c and x.h are one home;
# vmm.h (struct vmm, no .c) is a node of its own. Files outside tools/vmm
# (libc, kmod/logic, the shared library tools/lib/ppcmmu) cannot call back
# into the VMM and are left out.
#
# Prints one KTAP-style line ("ok - ...", unnumbered: unit-tests.sh counts
# it), then the layers bottom first, or every edge that closes a loop.
# Usage: tools/stages/vmm-layers.sh [DIR]   (default tools/vmm)
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/tools/vmm}
cc=${VMM_CC:-powerpc64le-linux-gnu-gcc}
nm=${VMM_NM:-powerpc64le-linux-gnu-nm}
name="tools/vmm: files depend one way (no loop of calls or includes)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v "$cc" >/dev/null || ! command -v "$nm" >/dev/null; then
	echo "not ok - $name: needs $cc and $nm (tools/rig/setup.sh)"
	exit 1
fi

node() { local b; b=$(basename "$1"); echo "${b%.*}"; }

# Symbol edges: "user definer symbol", from the cross-built objects.
for c in "$dir"/*.c; do
	n=$(node "$c")
	if ! "$cc" -c -O0 -I"$root/uapi" -I"$root/kmod/logic" -I"$root/tools/lib" \
		-o "$tmp/$n.o" "$c" 2>"$tmp/$n.err"; then
		echo "not ok - $name: $n.c does not build"
		sed 's/^/#   /' "$tmp/$n.err" | head -20
		exit 1
	fi
	"$nm" -g --defined-only "$tmp/$n.o" | awk -v n="$n" 'NF == 3 { print $3, n }' >>"$tmp/defs"
done
for o in "$tmp"/*.o; do
	n=$(node "$o")
	"$nm" -u "$o" | awk -v n="$n" '{ print n, $NF }'
done | awk 'NR == FNR { def[$1] = $2; next }
	    ($2 in def) && def[$2] != $1 { print $1, def[$2], $2 }' "$tmp/defs" - >"$tmp/edges"

# Include edges: a quoted include of a header that lives in this directory.
for f in "$dir"/*.c "$dir"/*.h; do
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r h; do
		[ -e "$dir/$h" ] && [ "$(node "$f")" != "$(node "$h")" ] &&
			echo "$(node "$f") $(node "$h") #include"
	done
done >>"$tmp/edges"

# tsort: a line "a b" puts a before b; it names the files of any loop.
for f in "$dir"/*.c "$dir"/*.h; do echo "$(node "$f") $(node "$f")"; done >"$tmp/pairs"
cut -d' ' -f1,2 "$tmp/edges" >>"$tmp/pairs"
if ! tsort "$tmp/pairs" >"$tmp/order" 2>/dev/null; then
	echo "not ok - $name"
	# An edge is in a loop when its end reaches its start again (closure
	# of a graph of a score of files): those are the edges to undo.
	awk '{ r[$1, $2] = 1; n[$1]; n[$2]; e[NR] = $0 }
	     END {
		for (k in n) for (i in n) if ((i, k) in r) for (j in n) if ((k, j) in r) r[i, j] = 1
		for (x = 1; x <= NR; x++) {
			split(e[x], f, " ")
			if ((f[2], f[1]) in r) w[f[1] " -> " f[2]] = w[f[1] " -> " f[2]] " " f[3]
		}
		for (k in w) print "#   " k ":" w[k]
	     }' "$tmp/edges" | sort
	exit 1
fi

echo "ok - $name"
# Layers, bottom first: a file sits one above the highest file it uses.
tac "$tmp/order" | awk 'NR == FNR { dep[$1] = dep[$1] " " $2; next }
	{ l = 0; n = split(dep[$1], d, " ")
	  for (i = 1; i <= n; i++) if (d[i] != $1 && lvl[d[i]] + 1 > l) l = lvl[d[i]] + 1
	  lvl[$1] = l; at[l] = at[l] " " $1; if (l > top) top = l }
	END { for (i = 0; i <= top; i++) print "#   layer " i ":" at[i] }' "$tmp/edges" -
