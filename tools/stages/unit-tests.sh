#!/usr/bin/env bash
# Native unit tests of the pure logic in kmod/logic/, and of the reference
# VMM's guest-facing parsers (tools/vmm/tests/), built with the host
# compiler under ASan and UBSan (any report aborts the test = failure);
# then the checks that the VMM's files depend one way (vmm-layers.sh) and
# that tools/lib/ppcmmu depends on nothing of the selftests (lib-deps.sh),
# and shellcheck over the scripts (shellcheck.sh).
# Prints each program's TAP lines and "unit tests: N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/unit
mkdir -p "$out"
cc=${CC:-clang}
cflags=(-std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-missing-field-initializers -fsanitize=address,undefined
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I"$root/uapi" -I"$root/kmod/logic" -I"$root/tools/lib")
logic=("$root"/kmod/logic/*.c "$root"/tools/lib/ppcmmu/cas_vectors.c)

vmm=("$root"/tools/vmm/{of_client,devtree,rtas,guest_mem,vcpu_sync}.c)
vmm_rma=("$root"/tools/vmm/rma.c "$root/kmod/logic/hpt_order.c")

pass=0 fail=0
for t in "$root"/kmod/logic/tests/test_*.c "$root"/tools/vmm/tests/test_*.c; do
	name=$(basename "$t" .c)
	case $t in
	*/tools/vmm/tests/test_rma.c) srcs=("${vmm_rma[@]}") extra=(-I"$root/kmod/logic/tests") ;;
	*/tools/vmm/tests/test_console.c) srcs=("$root/tools/vmm/console.c") extra=(-I"$root/kmod/logic/tests") ;;
	*/tools/vmm/tests/test_stream.c) srcs=("$root/tools/vmm/stream.c") extra=(-I"$root/kmod/logic/tests") ;;
	*/tools/vmm/tests/test_guest_mem.c) srcs=("$root/tools/vmm/guest_mem.c") extra=(-I"$root/kmod/logic/tests") ;;
	*/tools/vmm/*) srcs=("${vmm[@]}") extra=(-I"$root/kmod/logic/tests") ;;
	*) srcs=("${logic[@]}") extra=() ;;
	esac
	if ! "$cc" "${cflags[@]}" "${extra[@]}" -o "$out/$name" "$t" "${srcs[@]}" 2>"$out/$name.build"; then
		echo "not ok - $name does not build"; sed 's/^/#   /' "$out/$name.build"
		fail=$((fail + 1)); continue
	fi
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$out/$name" >"$out/$name.log" 2>&1
	rc=$?
	cat "$out/$name.log"
	p=$(grep -c '^ok ' "$out/$name.log") f=$(grep -c '^not ok ' "$out/$name.log")
	pass=$((pass + p)) fail=$((fail + f))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited $rc (sanitizer report?)"; fail=$((fail + 1))
	fi
done

# Not programs but properties of the sources (issue 12): the VMM's files
# depend one way, so it keeps reading bottom-up as it grows; the shared
# library tools/lib/ppcmmu uses nothing of the selftests; the scripts that
# run and judge the tests pass shellcheck.
for check in vmm-layers lib-deps shellcheck; do
	"$root/tools/stages/$check.sh" >"$out/$check.log" 2>&1
	cat "$out/$check.log"
	p=$(grep -c '^ok ' "$out/$check.log") f=$(grep -c '^not ok ' "$out/$check.log")
	pass=$((pass + p)) fail=$((fail + f))
	[ "$p" -eq 0 ] && [ "$f" -eq 0 ] && { echo "not ok - $check.sh printed no result"; fail=$((fail + 1)); }
done

echo "unit tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
