#!/usr/bin/env bash
# Install what the build and the emulated-host tests need, from Debian's archive.
# Idempotent: does nothing when everything is already there. Needs root.
#
# The emulated hosts need two QEMUs (tools/rig/lib/qemu.sh):
#   - QEMU >= 10 from bookworm-backports, installed system-wide: its powernv9
#     is POWER9 DD2.2 (PVR 0x004e1202), what real POWER9 hosts are, where
#     KVM-HV runs hash guests next to radix ones;
#   - bookworm's own QEMU 7.2, unpacked under build/qemu-dd20/ by
#     tools/rig/fetch-qemu-dd20.sh: its powernv9 is DD2.0, the one host kind that
#     shows the "cannot mix hash and radix" refusal (QEMU 10 rejects
#     power9_v2.0 on powernv9).
# bc, flex and bison build the debug host kernel (tools/rig/debug-kernel/).
# The unit tests run shellcheck over the scripts (tools/stages/shellcheck.sh).
# debhelper and dh-dkms build the admin's package (tools/pkg/build-deb.sh),
# lintian checks it (tools/stages/package-check.sh).
set -euo pipefail

qemu_min=1:10.0
backports_list=/etc/apt/sources.list.d/ppc-mmu-bookworm-backports.sources

pkgs=(make gcc clang libclang-rt-14-dev gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross
      sparse cpio xz-utils kmod dkms dpkg-dev linux-source-6.1 perl openssl git rsync debootstrap
      dwarves bc flex bison shellcheck debhelper dh-dkms lintian)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
need_arch=0
dpkg --print-foreign-architectures | grep -qx ppc64el || need_arch=1

qemu_new_enough() {
	local v
	v=$(dpkg-query -W -f='${Version}' qemu-system-ppc 2>/dev/null) &&
	dpkg --compare-versions "$v" ge "$qemu_min"
}

if [ ${#missing[@]} -eq 0 ] && [ $need_arch -eq 0 ] && qemu_new_enough &&
   apt-cache policy 'linux-headers-*-powerpc64le:ppc64el' >/dev/null 2>&1 &&
   [ -n "$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-powerpc64le$' 2>/dev/null)" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing packages (${missing[*]:-none}) or ppc64el architecture; run as root" >&2
	exit 1
fi

update() {
	# A mirror mid-sync can fail one index (seen: bookworm-security ppc64el). apt
	# then drops that whole suite, so retry, then go on.
	for i in 1 2 3; do
		apt-get update -q >/tmp/ppc-mmu-apt-update.log 2>&1 && return 0
		echo "setup: apt-get update failed (try $i), retrying" >&2
		sleep 5
	done
}

# Native packages first, before ppc64el is added: a failed ppc64el index would
# drop bookworm-security, and perl (say) then cannot match a security perl-base.
if [ ${#missing[@]} -gt 0 ]; then
	update
	# On a machine that already has QEMU 10, backports' newer libraries (libelf1)
	# can block bookworm's versions of others (libdw1, for pahole): then let
	# apt take those from bookworm-backports too.
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-t bookworm-backports "${missing[@]}"
fi
[ $need_arch -eq 1 ] && dpkg --add-architecture ppc64el

# bookworm-backports at its default priority (100): only what is asked for
# by suite below comes from there.
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	cat >"$backports_list" <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
fi
update
if ! qemu_new_enough; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-t bookworm-backports qemu-system-ppc qemu-system-common qemu-system-data
	qemu_new_enough || { echo "setup: qemu-system-ppc >= $qemu_min not installed" >&2; exit 1; }
fi
