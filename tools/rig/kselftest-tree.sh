#!/usr/bin/env bash
# Build the selftests the way a kernel tree would: kselftest's own Makefile
# and lib.mk (from Debian's linux-source-6.1), with selftests/ copied in as
# tools/testing/selftests/kvm-ppc-mmu and the library it shares with the
# tools as tools/lib/ppcmmu (where the kernel keeps tools/lib/bpf for
# selftests/bpf and bpftool), then `make install`, giving
# build/kselftest/ with run_kselftest.sh, kselftest-list.txt and our
# programs. Also fetches Debian's static ppc64el busybox (build/busybox),
# the shell run_kselftest.sh needs inside the emulated host.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
src=$root/build/kselftest-src
out=$root/build/kselftest

if [ ! -f "$src/.complete" ]; then
	rm -rf "$src" && mkdir -p "$src"
	tar -C "$src" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/tools/testing/selftests/lib.mk \
		linux-source-6.1/tools/testing/selftests/Makefile \
		linux-source-6.1/tools/testing/selftests/kselftest \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/run_kselftest.sh \
		linux-source-6.1/scripts/subarch.include \
		linux-source-6.1/tools/scripts
	touch "$src/.complete"
fi
st=$src/tools/testing/selftests
rm -rf "$st/kvm-ppc-mmu" "$st/uapi" "$src/tools/lib/ppcmmu" "$out" "$root/build/kselftest-obj"
cp -r "$root/selftests" "$st/kvm-ppc-mmu"
cp -r "$root/uapi" "$st/uapi"
mkdir -p "$src/tools/lib"
cp -r "$root/tools/lib/ppcmmu" "$src/tools/lib/ppcmmu"
make -s -C "$st" TARGETS=kvm-ppc-mmu CC=powerpc64le-linux-gnu-gcc \
	O="$root/build/kselftest-obj" INSTALL_PATH="$out" install >/dev/null

"$root/tools/rig/fetch-busybox.sh"
