#!/usr/bin/env bash
# Install what the build and the emulated-host tests need, from Debian's archive.
# Idempotent: does nothing when everything is already there. Needs root.
set -euo pipefail

pkgs=(make gcc clang libclang-rt-14-dev gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross
      qemu-system-ppc sparse cpio xz-utils kmod dkms dpkg-dev linux-source-6.1 perl openssl git rsync debootstrap)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
need_arch=0
dpkg --print-foreign-architectures | grep -qx ppc64el || need_arch=1

if [ ${#missing[@]} -eq 0 ] && [ $need_arch -eq 0 ] &&
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
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
[ $need_arch -eq 1 ] && dpkg --add-architecture ppc64el
update
