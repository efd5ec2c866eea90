#!/usr/bin/env bash
# Fetch Debian's static ppc64el busybox into build/busybox (once): the shell
# for scripts that run inside the emulated host (kselftest's runner, the VMM
# scenarios). Usage: tools/rig/fetch-busybox.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$root/build/busybox/bin/busybox" ]; then
	rm -rf "$root/build/busybox" && mkdir -p "$root/build/busybox/deb"
	(cd "$root/build/busybox/deb" &&
	 apt-get download -q -o APT::Sandbox::User=root busybox-static:ppc64el >/dev/null)
	dpkg-deb -x "$root"/build/busybox/deb/*.deb "$root/build/busybox"
fi
