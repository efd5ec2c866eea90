#!/usr/bin/env bash
# The reference VMM's files depend one way (issue 12: a VMM one can read in
# a day reads bottom-up). A file depends on another when it calls or uses
# something the other defines (from the objects' symbol tables: exact, no C
# parsing) or includes its header. Any loop in that graph fails the check.
# Each file is a node named after its basename: x.c and x.h are one home;
# vmm.h (struct vmm, no .c) is a node of its own. Files outside tools/vmm
# (libc, kmod/logic, the selftests' shared lib) cannot call back into the
# VMM and are left out.
#
# Prints one KTAP-style line (the caller numbers nothing: "ok - ..."), the
# layers bottom first, or the loop and the edges that make it.
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
	if ! "$cc" -c -O0 -I"$root/uapi" -I"$root/kmod/logic" -I"$root/selftests" \
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
ls "$dir"/*.c "$dir"/*.h | while read -r f; do echo "$(node "$f") $(node "$f")"; done >"$tmp/pairs"
cut -d' ' -f1,2 "$tmp/edges" >>"$tmp/pairs"
if ! tsort "$tmp/pairs" >"$tmp/order" 2>"$tmp/loop"; then
	echo "not ok - $name"
	sed -n 's/^tsort: \([^ :]*\)$/\1/p' "$tmp/loop" | sort -u >"$tmp/inloop"
	echo "#   files in a loop: $(tr '\n' ' ' <"$tmp/inloop")"
	# The edges between files of a loop: what has to move.
	awk 'NR == FNR { in_loop[$1] = 1; next }
	     ($1 in in_loop) && ($2 in in_loop) { w[$1 " -> " $2] = w[$1 " -> " $2] " " $3 }
	     END { for (e in w) print "#   " e ":" w[e] }' "$tmp/inloop" "$tmp/edges" | sort
	exit 1
fi

# Layers, bottom first: a file sits one above the highest file it uses.
tac "$tmp/order" | awk 'NR == FNR { dep[$1] = dep[$1] " " $2; next }
	{ l = 0; n = split(dep[$1], d, " ")
	  for (i = 1; i <= n; i++) if (d[i] != $1 && lvl[d[i]] + 1 > l) l = lvl[d[i]] + 1
	  lvl[$1] = l; at[l] = at[l] " " $1; if (l > top) top = l }
	END { for (i = 0; i <= top; i++) print "#   layer " i ":" at[i] }' "$tmp/edges" -
echo "ok - $name"
