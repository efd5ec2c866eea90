# shellcheck shell=bash
# What the scripts that build QEMU 10.0 from Debian 13's source share
# (tools/qemu/build.sh, tools/qemu/qtest.sh, tools/rig/emulator/build.sh):
# their build packages, and the patches a series file names.

# qemu_build_packages PKG...: install whichever of PKG this machine lacks,
# then meson 1.5 or later, QEMU 10.0's floor (bookworm has 1.0, its
# backports 1.7; Debian built trixie's QEMU with 1.7). apt's output goes to
# stderr: the callers' stdout is their result.
qemu_build_packages() {
	local p missing=()

	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "qemu-lib: installing ${missing[*]}" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
	fi
	if ! dpkg --compare-versions "$(dpkg-query -W -f='${Version}' meson 2>/dev/null || echo 0)" ge 1.5; then
		echo "qemu-lib: installing meson from bookworm-backports" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			-t bookworm-backports meson >&2
	fi
}

# qemu_series_patches DIR: the patches DIR/series names, one path a line, in
# its order; a '#' starts a comment, blank lines are skipped.
qemu_series_patches() {
	local p

	while read -r p; do
		p=${p%%#*}
		p=${p//[[:space:]]/}
		[ -n "$p" ] && echo "$1/$p"
	done <"$1/series"
}
