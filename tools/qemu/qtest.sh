#!/usr/bin/env bash
# QEMU's own tests of the ppc64 system emulator (make check-qtest-ppc64),
# natively on this x86 machine with TCG, on Debian 13's qemu source
# (tools/qemu/fetch-source.sh) without and then with our series
# (tools/qemu/patches/): every test must give the same verdict both times,
# and none may fail. What the series changes under TCG (nothing: the
# kvm-ppc-mmu code only ever acts with KVM) is thereby compiled and run by
# QEMU's own suite: qom-test walks every machine property (kvm-ppc-mmu
# included), migration-test and the pseries boot and device tests go
# through the changed reset, CAS, pre_save and post_load paths.
#
# One object tree: built from Debian's source, tested, then the series is
# applied to that source and ninja rebuilds what it touches.
# Result lines: "ok - ..." / "not ok - ...", then
# "qemu qtest: N passed, N failed". Logs: build/logs/qemu-qtest/.
# Usage: tools/qemu/qtest.sh   (as root; network to deb.debian.org)
# Env:   QEMU_BUILD_JOBS=<n>   ninja -j (default: nproc)
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tools/qemu
jobs=${QEMU_BUILD_JOBS:-$(nproc)}
logs=$root/build/logs/qemu-qtest
pass=0 fail=0
result() {	# result <0|1 ok> NAME
	if [ "$1" -eq 0 ]; then echo "ok - $2"; pass=$((pass + 1))
	else echo "not ok - $2"; fail=$((fail + 1)); fi
}
finish() {
	echo "qemu qtest: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
# shellcheck source=tools/qemu/lib.sh
source "$here/lib.sh"

# Build packages (meson 1.5+ as tools/qemu/build.sh gets it), the libraries
# the emulator links (x86 this time), and the firmware the tests boot:
# SLOF and VOF (qemu-system-data), the VGA and NIC option ROMs (seabios,
# ipxe-qemu), all where Debian's QEMU looks for them (FIRMWAREPATH below).
pkgs=(gcc ninja-build python3 python3-venv pkgconf make patch dpkg-dev
	libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev
	qemu-system-data seabios ipxe-qemu)
qemu_build_packages "${pkgs[@]}"

src=$(bash "$here/fetch-source.sh" | tail -n1) || { result 1 "Debian 13's qemu source"; finish; }
version=$(basename "$src")
mapfile -t patches < <(qemu_series_patches "$here/patches")

obj=$root/build/qemu-native
rm -rf "$obj" "$logs"
mkdir -p "$obj" "$logs"
cp -a "$src" "$obj/src"
mkdir "$obj/b"
# As debian/rules configures its system emulators, reduced to the ppc64
# target and to what the tests need: TCG (KVM is there but unused on x86).
(cd "$obj/b" && "$obj/src/configure" --target-list=ppc64-softmmu \
	--without-default-features --enable-kvm --enable-tcg --enable-fdt=system \
	--disable-docs --disable-tools --disable-user --disable-guest-agent \
	--disable-debug-info --disable-download --disable-install-blobs \
	--firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu \
	--enable-werror) >"$logs/configure.log" 2>&1 ||
	{ tail -n 20 "$logs/configure.log"; result 1 "configure QEMU $version natively"; finish; }

# An uninstalled QEMU looks for its firmware under the build tree's
# qemu-bundle/ (the configured directories, relocated): point it at the
# system's, file by file where the bundle has a directory of its own.
bundle_firmware() {
	local d f
	for d in /usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu; do
		mkdir -p "$obj/b/qemu-bundle$d"
		for f in "$d"/*; do
			[ -e "$obj/b/qemu-bundle$d/${f##*/}" ] || ln -s "$f" "$obj/b/qemu-bundle$d/"
		done
	done
}

# run_qtest NAME: build, run the suite, leave "TEST VERDICT" lines in
# $logs/NAME.verdicts.
run_qtest() {
	local name=$1 t0
	t0=$(date +%s)
	ninja -C "$obj/b" -j"$jobs" >"$logs/$name.build.log" 2>&1 ||
		{ tail -n 20 "$logs/$name.build.log"; return 1; }
	bundle_firmware
	echo "# $name: built in $(($(date +%s) - t0)) s"
	t0=$(date +%s)
	make -C "$obj/b" check-qtest-ppc64 >"$logs/$name.log" 2>&1
	echo "# $name: check-qtest-ppc64 in $(($(date +%s) - t0)) s:" \
		"$(grep -E '^(Ok|Fail|Skipped|Timeout|Expected Fail|Unexpected Pass): ' "$logs/$name.log" | tr -s ' ' | tr '\n' ' ')"
	sed -nE 's|^ *[0-9]+/[0-9]+ qemu:[^ ]+ / ([^ ]+) +([A-Z]+) .*|\1 \2|p' "$logs/$name.log" |
		sort -u >"$logs/$name.verdicts"
	[ -s "$logs/$name.verdicts" ]
}

verdicts_ok() {	# verdicts_ok FILE: every test OK or SKIP
	! grep -vE ' (OK|SKIP)$' "$1"
}

run_qtest without-series
result $? "qtest-ppc64 builds and runs on QEMU $version as Debian ships it"
result "$(verdicts_ok "$logs/without-series.verdicts" >/dev/null; echo $?)" \
	"without the series: $(grep -c ' OK$' "$logs/without-series.verdicts") tests ok, $(grep -c ' SKIP$' "$logs/without-series.verdicts") skipped, none failed"
for p in "${patches[@]}"; do
	patch -d "$obj/src" -p1 --fuzz=0 --forward --batch --quiet <"$p" >>"$logs/patch.log" 2>&1 ||
		{ cat "$logs/patch.log"; result 1 "$(basename "$p") applies"; finish; }
done
result 0 "the series applies (${#patches[@]} patches, no fuzz)"
run_qtest with-series
result $? "qtest-ppc64 builds (-Werror) and runs with the series"
result "$(verdicts_ok "$logs/with-series.verdicts" >/dev/null; echo $?)" \
	"with the series: $(grep -c ' OK$' "$logs/with-series.verdicts") tests ok, $(grep -c ' SKIP$' "$logs/with-series.verdicts") skipped, none failed"
diffs=$(diff "$logs/without-series.verdicts" "$logs/with-series.verdicts")
result "$([ -z "$diffs" ]; echo $?)" "every test's verdict is the same with and without the series${diffs:+: $(tr '\n' ' ' <<<"$diffs")}"
rm -rf "$obj"
finish
