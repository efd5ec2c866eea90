#!/usr/bin/env bash
# A local trixie ppc64el apt repository holding PACKAGES and everything they
# depend on, for tools/debian13/mkimage.sh's debootstrap and the image's apt.
#
# Why not deb.debian.org directly: the archive this machine (and CI) reaches
# lists trixie 13.x's ppc64el packages but does not serve every file those
# lists name: a point release's newest ppc64el builds can answer 404 while the
# build before them downloads (seen on 2026-12-06: libc6 2.41-12+deb13u5 404,
# +deb13u4 there; zlib1g +deb13u1 404, +b1 there; amd64 complete). So apt
# resolves the closure from the real lists, and each package whose file is
# missing is taken at the newest earlier build the archive has (the same
# upstream version with a lower +deb13uN or +bN), said in build.log. The
# repository is what debootstrap and apt then see: a consistent, signed-off
# (here: unsigned, trusted=yes, local) trixie.
#
# Usage: tools/debian13/mirror.sh DIR PACKAGE...   (DIR/dists/trixie/...)
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1
shift
apt_top=$root/build/apt/trixie-ppc64el
log() { echo "debian13-mirror: $*" >&2; }
# shellcheck disable=SC2034  # read by tools/rig/lib/kernel.sh
ppcmmu_root=$root
source "$root/tools/rig/lib/kernel.sh"

mkdir -p "$apt_top/state/lists/partial" "$apt_top/cache/archives/partial" "$apt_top/empty"
touch "$apt_top/state/status"
cat >"$apt_top/sources.list" <<'SRC'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security trixie-security main
SRC
# A ppc64el system with nothing installed: apt's resolution is what a
# trixie host's would be.
opts=(-o "Dir::Etc::SourceList=$apt_top/sources.list" -o "Dir::Etc::SourceParts=$apt_top/empty"
	-o "Dir::Etc::Preferences=$apt_top/empty/none" -o "Dir::Etc::PreferencesParts=$apt_top/empty"
	-o "Dir::State=$apt_top/state" -o "Dir::State::status=$apt_top/state/status"
	-o "Dir::Cache=$apt_top/cache" -o APT::Architecture=ppc64el -o APT::Architectures=ppc64el
	-o APT::Sandbox::User=root -o Acquire::Check-Valid-Until=false -q)
if [ -z "$(find "$apt_top/state/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440)" ]; then
	apt-get "${opts[@]}" update >"$apt_top/update.log" 2>&1 || { log "apt update failed: $apt_top/update.log"; exit 1; }
fi
# Everything debootstrap would install (Priority: required, and apt) plus
# what was asked, resolved together.
required=$(apt-cache "${opts[@]}" dumpavail | awk '
	/^Package: /{p=$2} /^Priority: required/{print p} /^$/{p=""}' | sort -u)
apt-get "${opts[@]}" -s install --no-install-recommends $required apt "$@" >"$dir.resolve" 2>&1 ||
	{ tail -n5 "$dir.resolve" >&2; log "apt cannot resolve the package set"; exit 1; }
mkdir -p "$dir/pool" "$dir/dists/trixie/main/binary-ppc64el"
# url_ok URL: the archive serves it.
url_ok() { [ "$(curl -s -o /dev/null -w '%{http_code}' -r 0-0 "$1")" = 206 ]; }
# Earlier builds, most likely first: the same upstream version at a lower
# +deb13uN, without it, at a binNMU (+bN); then up to four earlier upstream
# patch releases with the same Debian revision (apt 3.0.4 -> 3.0.3,
# openssl 3.5.10-1~deb13u1 -> 3.5.9-1~deb13u1).
earlier() {
	local v=$1 base k up rev last
	if [[ $v =~ ^(.*)\+deb13u([0-9]+)$ ]]; then
		base=${BASH_REMATCH[1]}
		for ((k = BASH_REMATCH[2] - 1; k >= 1; k--)); do echo "$base+deb13u$k"; done
		echo "$base"
		for k in 1 2 3; do echo "$base+b$k"; done
	elif [[ $v =~ ^(.*)\+b([0-9]+)$ ]]; then
		base=${BASH_REMATCH[1]}
		for ((k = BASH_REMATCH[2] - 1; k >= 1; k--)); do echo "$base+b$k"; done
		echo "$base"
	fi
	up=${v%-*} rev=
	[ "$up" != "$v" ] && rev=-${v##*-}
	if [[ $up =~ ^(.*[^0-9])([0-9]+)$ ]]; then
		last=${BASH_REMATCH[2]}
		for ((k = last - 1; k >= 0 && k >= last - 4; k--)); do
			echo "${BASH_REMATCH[1]}$k$rev"
			[ "${rev%~deb13u*}" != "$rev" ] && echo "${BASH_REMATCH[1]}$k${rev%~deb13u*}"
		done
	fi
}
# Each package's note (what build was taken, if not the listed one) is
# $dir/notes/PKG; $dir.log is all of them.
note() { echo "$2" >"$dir/notes/$1"; }
fetch_trixie() {	# fetch_trixie PKG VERSION FILENAME: the listed build or an earlier one
	local pkg=$1 ver=$2 fn=$3 rel v url
	rel=${fn#pool/}
	rel=${rel#updates/}
	for v in "$ver" $(earlier "$ver"); do
		rel=${rel%/*}/${pkg}_${v#*:}_${fn##*_}
		for url in "http://deb.debian.org/debian/pool/$rel" \
			   "http://deb.debian.org/debian-security/pool/updates/$rel"; do
			url=${url//+/%2b}
			url_ok "$url" || continue
			curl -sf -o "$dir/pool/${pkg}_${v#*:}_${fn##*_}" "$url" || continue
			if [ "$v" != "$ver" ]; then note "$pkg" "older: $pkg $ver -> $v"; else rm -f "$dir/notes/$pkg"; fi
			return 0
		done
	done
	note "$pkg" "missing: $pkg $ver ($fn)"
	return 1
}
# Last resort, said in the log: unstable's build, when trixie has none the
# archive serves (seen: openssl's libssl3t64, every 3.5.x for ppc64el
# missing, sid's 3.6.x there). apt still checks its dependencies against the
# rest of the repository.
fetch_sid() {	# fetch_sid PKG VERSION
	local pkg=$1 ver=$2 fn
	fn=$(ppcmmu_private_apt sid sid -- apt-cache show "$pkg:ppc64el" 2>/dev/null |
		sed -n 's/^Filename: //p' | head -n1)
	[ -n "$fn" ] && url_ok "http://deb.debian.org/debian/${fn//+/%2b}" &&
		curl -sf -o "$dir/pool/${fn##*/}" "http://deb.debian.org/debian/${fn//+/%2b}" &&
		note "$pkg" "from sid: $pkg $ver -> ${fn##*/}"
}
mkdir -p "$dir/notes"
mapfile -t wanted < <(sed -nE 's/^Inst ([^ ]+) \(([^ ]+) .*/\1 \2/p' "$dir.resolve")
n=${#wanted[@]}
# Every file name from one apt-cache call (one per package costs a second
# of CPU each, reading the lists).
declare -A filename
while read -r pkg fn; do
	filename[$pkg]=$fn
done < <(mapfile -t pinned < <(printf '%s\n' "${wanted[@]}" | tr ' ' =)
	apt-cache "${opts[@]}" show "${pinned[@]}" | awk '/^Package: /{p=$2} /^Filename: /{print p, $2}')
# Eight at a time: each is a few round trips to the archive, not CPU.
for w in "${wanted[@]}"; do
	read -r pkg ver <<<"$w"
	if ls "$dir/pool/${pkg}_"*.deb >/dev/null 2>&1 &&
	   ! grep -qs '^missing' "$dir/notes/$pkg"; then
		continue
	fi
	fetch_trixie "$pkg" "$ver" "${filename[$pkg]}" &
	while [ "$(jobs -rp | wc -l)" -ge 8 ]; do wait -n || true; done
done
wait
for w in "${wanted[@]}"; do
	read -r pkg ver <<<"$w"
	grep -qs '^missing' "$dir/notes/$pkg" && fetch_sid "$pkg" "$ver"
done
cat "$dir"/notes/* >"$dir.log" 2>/dev/null || : >"$dir.log"
older=$(grep -c '^older:' "$dir.log" || true)
if grep -q '^missing' "$dir.log"; then
	grep '^missing' "$dir.log" >&2
	log "some packages are not in the archive at any build"
	exit 1
fi
(cd "$dir" && apt-ftparchive packages pool >dists/trixie/main/binary-ppc64el/Packages)
gzip -9kf "$dir/dists/trixie/main/binary-ppc64el/Packages"
(cd "$dir/dists/trixie" && apt-ftparchive -o APT::FTPArchive::Release::Suite=trixie \
	-o APT::FTPArchive::Release::Codename=trixie -o APT::FTPArchive::Release::Architectures=ppc64el \
	-o APT::FTPArchive::Release::Components=main release . >Release)
from_sid=$(grep -c '^from sid:' "$dir.log" || true)
log "$n packages in $dir ($older at an earlier build the archive has, $from_sid from sid; listed in $dir.log)"
