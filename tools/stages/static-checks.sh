#!/usr/bin/env bash
# Static checks of the module, printed as KTAP-style lines and a closing
# "static checks: N passed, N failed" line; exit 1 on any failure.
#   sparse (C=2) and W=1: no warning from our own files
#   checkpatch (from Debian's linux-source-6.1): no error or warning
#   modinfo: license, description, version, kvm dependency, kvm-hv softdep
#   dkms.conf agrees with the module about name and version
#   the uapi doc agrees with the uapi header (tools/stages/check-uapi-doc.pl)
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
export PATH=$PATH:/sbin:/usr/sbin
pass=0 fail=0 n=0
result() {	# result <0|1 ok> <name> [details file]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"; pass=$((pass + 1))
	else
		echo "not ok $n $2"; fail=$((fail + 1))
		[ -n "${3:-}" ] && sed 's/^/#   /' "$3" | head -40
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ours='(kmod|uapi)/[^:]*:[0-9]+'

# Debian 13's 6.12 comes in two flavours (4K and 64K pages): both.
kernels=("${PPC_MMU_KERNEL:-6.1}")
[ "${PPC_MMU_KERNEL:-}" = 6.12 ] && kernels+=(6.12-64k)
for k in "${kernels[@]}"; do
	on=
	[ "$k" != "${PPC_MMU_KERNEL:-6.1}" ] && on=" on $k"
	make -s clean >/dev/null 2>&1
	PPC_MMU_KERNEL=$k make C=2 >"$tmp/sparse" 2>&1; rc=$?
	grep -E "^($root/)?$ours.*(warning|error)" "$tmp/sparse" >"$tmp/sparse.ours"
	[ $rc -eq 0 ] && [ ! -s "$tmp/sparse.ours" ] && grep -q "CHECK" "$tmp/sparse"
	result $? "sparse (make C=2)$on: no warnings from our files" "$tmp/sparse.ours"

	make -s clean >/dev/null 2>&1
	PPC_MMU_KERNEL=$k make W=1 >"$tmp/w1" 2>&1; rc=$?
	grep -E "^($root/)?$ours.*(warning|error)" "$tmp/w1" >"$tmp/w1.ours"
	[ $rc -eq 0 ] && [ ! -s "$tmp/w1.ours" ]
	result $? "make W=1$on: no warnings from our files" "$tmp/w1.ours"
done
# What the later stages boot is the module of the first kernel.
if [ ${#kernels[@]} -gt 1 ]; then
	make -s clean >/dev/null 2>&1
	make -s >/dev/null 2>&1
fi

cp=$root/build/checkpatch/scripts/checkpatch.pl
if [ ! -x "$cp" ] && [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	mkdir -p "$root/build/checkpatch"
	tar -C "$root/build/checkpatch" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
if [ -x "$cp" ]; then
	# Kernel C style for everything that builds into the module or is
	# kernel uapi. ktap/guest test helpers are userspace and use libc idioms.
	"$cp" --no-tree --quiet --show-types --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		-f kmod/*.c kmod/*.h kmod/logic/*.c kmod/logic/*.h uapi/linux/*.h >"$tmp/cp" 2>&1
	! grep -qE "^(ERROR|WARNING|CHECK)" "$tmp/cp"
	result $? "checkpatch: kmod/ and uapi/ clean" "$tmp/cp"
else
	result 1 "checkpatch: linux-source-6.1 not installed (run tools/rig/setup.sh)"
fi

ko=$root/kvm-ppc-mmu.ko
mi() { modinfo -F "$1" "$ko" 2>/dev/null; }
[ "$(mi license)" = "GPL" ] && [ -n "$(mi description)" ] && [ -n "$(mi version)" ] &&
	[ "$(mi depends)" = "kvm" ] && mi softdep | grep -q "pre: kvm-hv"
result $? "modinfo: license GPL, description, version $(mi version), depends kvm, softdep kvm-hv"

dk_ver=$(sed -n 's/^PACKAGE_VERSION="\?\([^"]*\)"\?/\1/p' dkms.conf)
dk_name=$(sed -n 's/^BUILT_MODULE_NAME\[0\]="\?\([^"]*\)"\?/\1/p' dkms.conf)
[ "$dk_ver" = "$(mi version)" ] && [ "$dk_name" = "kvm-ppc-mmu" ]
result $? "dkms.conf names kvm-ppc-mmu version $dk_ver = module version"

"$root/tools/stages/check-uapi-doc.pl" >"$tmp/doc" 2>&1
result $? "uapi doc: Documentation/kvm-ppc-mmu-api.rst agrees with uapi/linux/kvm_ppc_mmu.h" "$tmp/doc"

echo "static checks: $pass passed, $fail failed"
[ $fail -eq 0 ]
