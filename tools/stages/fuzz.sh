#!/usr/bin/env bash
# Fuzz the pure parsers and checks (kmod/logic/tests/fuzz_*.c) with
# libFuzzer under ASan and UBSan, FUZZ_SECONDS each (default 30). Seeds are
# real vectors (Linux 6.1 radix/hash, Linux 4.9). Prints each target's
# executions and "fuzz: N passed, N failed"; a crash, sanitizer report or
# broken invariant fails the target and keeps the input in build/fuzz/.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/fuzz
secs=${FUZZ_SECONDS:-30}
mkdir -p "$out"
cflags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
	-I"$root/uapi" -I"$root/kmod/logic" -I"$root/tools/lib")
logic=("$root"/kmod/logic/*.c)

# Seed corpus for the CAS parser, written by a tiny native helper.
seed_dir=$out/seeds-cas
mkdir -p "$seed_dir"
cat >"$out/seed.c" <<'SEED'
#include <stdio.h>
#include "ppcmmu/cas_vectors.h"
static void put(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "wb");
	if (f) { fwrite(b, 1, n, f); fclose(f); }
}
int main(int argc, char **argv)
{
	uint8_t b[CAS_VEC_MAX_SIZE];

	(void)argc;
	put(argv[1], "linux61-radix", b, cas_vec_linux61(b, 0x40, 0x40));
	put(argv[1], "linux61-hash", b, cas_vec_linux61(b, 0x00, 0x00));
	put(argv[1], "linux61-either", b, cas_vec_linux61(b, 0x80, 0x40));
	put(argv[1], "linux49", b, cas_vec_linux49(b));
	return 0;
}
SEED
cc -I"$root/tools/lib" -o "$out/seed" "$out/seed.c" "$root/tools/lib/ppcmmu/cas_vectors.c" &&
	"$out/seed" "$seed_dir"

pass=0 fail=0
for t in "$root"/kmod/logic/tests/fuzz_*.c; do
	name=$(basename "$t" .c)
	if ! clang "${cflags[@]}" -o "$out/$name" "$t" "${logic[@]}" 2>"$out/$name.build"; then
		echo "not ok - $name does not build"; sed 's/^/#   /' "$out/$name.build"
		fail=$((fail + 1)); continue
	fi
	corpus=$out/corpus-$name
	mkdir -p "$corpus"
	[ "$name" = fuzz_cas ] && cp "$seed_dir"/* "$corpus/"
	(cd "$out" && "./$name" -max_total_time="$secs" -max_len=6000 -print_final_stats=1 \
		"$corpus" >"$name.log" 2>&1)
	rc=$?
	execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$out/$name.log")
	if [ $rc -eq 0 ] && [ -n "$execs" ]; then
		echo "ok - $name: $execs executions in ${secs}s, no crash"; pass=$((pass + 1))
	else
		echo "not ok - $name (exit $rc)"; grep -E "ERROR|SUMMARY|Test unit written" "$out/$name.log" | head -5 | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
