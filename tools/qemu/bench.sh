#!/usr/bin/env bash
# Debian's unpatched QEMU 7.2 against the patched QEMU with kvm-ppc-mmu.ko,
# side by side in ONE emulated host boot (tools/qemu/compare-init.sh,
# qcmp.mode=bench): ROUNDS rounds, in each every guest booted once by each,
# the order swapped every round (unpatched first in odd rounds, patched
# first in even ones), the module loaded only around the patched runs.
# Emulated timing is noisy and drifts with the load of this machine, so only
# ratios between runs of the same host boot are reported.
#
# Measured per run:
#   boot to userspace  host uptime from starting QEMU to the guest's first
#                      "guest: userspace reached" (QEMU start, VOF, the
#                      guest kernel with its CAS, the initramfs' /init)
#   HPT bytes          2^N from the guest's "guest: ibm,pft-size: N" (what
#                      QEMU put in the device tree from KVM's table; 0 when
#                      the guest runs radix without one); for the patched
#                      runs, the module's own view is printed too: the order
#                      of its ppc_mmu_cas verdict and of any HPT it installed
#                      (ppc_mmu_hpt_install)
# Prints one line per guest and QEMU (median, min-max, runs) and the ratios
# patched/unpatched of the medians.
#
# Usage: tools/qemu/bench.sh [HOST [ROUNDS [GUESTS]]]
#        HOST radix (default) or hash; ROUNDS default 5; GUESTS default
#        default,disable-radix (radix guest and hash guest)
# Env:   PPC_MMU_HOST_TIMEOUT=<s> (default 1800)
#        QEMU_BENCH_LOG=<console log>  no run: the table from that log
# Log:   build/logs/qemu-bench-<host>.log (the console); the table is also
#        written to build/logs/qemu-bench-<host>.txt
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/qemu/lib.sh
source "$root/tools/qemu/lib.sh"
host=${1:-radix}
rounds=${2:-5}
guests=${3:-default,disable-radix}
case $host in
radix|hash) ;;
*) echo "bench: HOST radix or hash" >&2; exit 2 ;;
esac
log=$root/build/logs/qemu-bench-$host.log
initrd=$root/build/qemu-compare-host.cpio
mkdir -p "$root/build/logs"

if [ -n "${QEMU_BENCH_LOG:-}" ]; then
	log=$QEMU_BENCH_LOG rc=0
else
	qemu_side_by_side_initrd "$initrd" || { echo "bench: could not build the host initramfs" >&2; exit 1; }
	t0=$(date +%s)
	run_host "$host" "$initrd" "$log" "${PPC_MMU_HOST_TIMEOUT:-1800}" \
		"panic=-1 tguests=$guests qcmp.mode=bench qcmp.rounds=$rounds"
	rc=$?
	echo "# $host host: qemu status $rc, $(($(date +%s) - t0))s wall, console log $log"
fi
grep -E '^hostinit: (start|unpatched:|patched:|guest RAM|done|.*failed)' "$log"

ok=1
if [ $rc -ne 0 ] || ! grep -q '^hostinit: done' "$log"; then
	echo "# the host did not finish"; ok=0
fi
if grep -qE "$kernel_trouble_re" "$log"; then
	echo "# kernel trouble on the console:"; grep -m3 -E "$kernel_trouble_re" "$log"; ok=0
fi

# One record per run: guest qemu round exit userspace_s pft module_cas_order module_hpt_install_order
records=$(awk '
	match($0, /^hostinit: r[0-9]+\.[a-z-]+\.[a-z-]+: qemu exit=/) {
		split($2, l, "."); key = l[1] "." l[2] "." l[3]; sub(/:$/, "", key)
		split(key, k, ".")
		ex = $4; sub(/exit=/, "", ex); us = $6; sub(/userspace=/, "", us)
		order[++n] = key; exitc[key] = ex; user[key] = us
		next
	}
	match($0, /^r[0-9]+\.[a-z-]+\.[a-z-]+: guest: ibm,pft-size: /) {
		key = $1; sub(/:$/, "", key); pft[key] = $NF; next
	}
	/^r[0-9]+\.patched-module\.[a-z-]+: kmod: .*ppc_mmu_cas: / {
		key = $1; sub(/:$/, "", key)
		if (match($0, /hpt_order=[0-9]+/)) cas[key] = substr($0, RSTART + 10, RLENGTH - 10)
		next
	}
	/^r[0-9]+\.patched-module\.[a-z-]+: kmod: .*ppc_mmu_hpt_install: / {
		key = $1; sub(/:$/, "", key)
		if (match($0, / order=[0-9]+/)) inst[key] = substr($0, RSTART + 7, RLENGTH - 7)
		next
	}
	END {
		for (i = 1; i <= n; i++) {
			key = order[i]; split(key, k, ".")
			printf "%s %s %s %s %s %s %s %s\n", k[3], k[2], k[1], exitc[key], user[key],
				(key in pft) ? pft[key] : "-", (key in cas) ? cas[key] : "-",
				(key in inst) ? inst[key] : "-"
		}
	}' "$log")
echo "# runs (guest qemu round exit userspace_s pft-size module_cas_hpt_order module_hpt_install_order):"
echo "$records" | awk '{ print "#   " $0 }'
bad=$(echo "$records" | awk '$4 != 0 || $5 == "-" || $6 == "-"' | wc -l)
[ "$bad" -eq 0 ] || { echo "# $bad run(s) failed or printed no userspace/pft-size line"; ok=0; }
[ "$(echo "$records" | grep -c .)" -eq $((rounds * 2 * $(echo "${guests//,/ }" | wc -w))) ] || {
	echo "# not every run happened"; ok=0; }

table=$(echo "$records" | awk -v host="$host" -v rounds="$rounds" '
	function median(list,    a, m, i, j, t) {
		m = split(list, a, " ")
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		lo = a[1]; hi = a[m]
		return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	$4 == 0 && $5 != "-" {
		u[$1 " " $2] = u[$1 " " $2] " " $5
		h[$1 " " $2] = h[$1 " " $2] " " (($6 > 0) ? 2 ^ $6 : 0)
		if ($2 == "patched-module") { mc[$1] = mc[$1] " " $7; mi[$1] = mi[$1] " " $8 }
		if (!($1 in seen)) { seen[$1] = 1; gl[++ng] = $1 }
		n[$1 " " $2]++
	}
	END {
		printf "qemu bench, %s host, one host boot, %d rounds (ABBA order)\n", host, rounds
		printf "%-14s %-15s %4s %24s %22s\n", "guest", "qemu", "runs", "to userspace s (min-max)", "HPT bytes (min-max)"
		for (i = 1; i <= ng; i++) {
			g = gl[i]
			for (q = 1; q <= 2; q++) {
				name = (q == 1) ? "unpatched" : "patched-module"
				k = g " " name
				mu[q] = median(u[k]); ul = lo; uh = hi
				mh[q] = median(h[k]); hl = lo; hh = hi
				printf "%-14s %-15s %4d %9.2f (%5.2f-%5.2f) %10d (%d-%d)\n", g, name, n[k], mu[q], ul, uh, mh[q], hl, hh
			}
			printf "%-14s %-15s %4s %9.3f %22s\n", g, "ratio pat/unp", "",
				(mu[1] > 0) ? mu[2] / mu[1] : 0,
				(mh[1] > 0) ? sprintf("%.3f", mh[2] / mh[1]) : (mh[2] == 0 ? "- (no HPT either)" : "inf")
			printf "%-14s module: CAS hpt_order%s, installed HPT order%s\n", "", mc[g], mi[g]
		}
	}')
echo "$table" | tee "$root/build/logs/qemu-bench-$host.txt"
[ $ok = 1 ] && echo "qemu bench ($host): ok" || echo "qemu bench ($host): FAILED"
[ $ok = 1 ]
