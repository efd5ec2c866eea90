# shellcheck shell=bash
# Which Debian host kernel the rig builds against and boots, and the private
# apt configuration that reaches suites the system must never install from.
#
# PPC_MMU_KERNEL=6.1|6.12|7.2 chooses the kernel series (tools/rig/fetch-kernel.sh
# has what each means); unset means 6.1, reached as build/kernel/current, as
# before there was a choice. 6.1-debug is the project's own debug build of
# Debian's 6.1 source (tools/rig/debug-kernel/), a host kernel only.
#
# ppcmmu_kernel_series          the chosen series (6.1 when unset)
# ppcmmu_kernel_dir             build/kernel/<series> (current for the default)
#                               fetching it first if it is not there; holds
#                               vmlinux, kvm.ko, kvm-hv.ko, headers/, modules/,
#                               release (uname -r) and kmake (make against it)
# ppcmmu_kernel_tag             what per-kernel outputs are named after: the
#                               series when PPC_MMU_KERNEL is set, else empty
# ppcmmu_logs_dir               build/logs, or build/logs/<series> when
#                               PPC_MMU_KERNEL is set (made if missing)
# ppcmmu_kernel_preemptible    true when that kernel preempts kernel code
#                               (CONFIG_PREEMPTION): the module then withholds
#                               hash guests (kmod/logic/host_modes.c)
# ppcmmu_hash_withheld          true when the module withholds hash on the host
#                               booted: a preemptible kernel, with Debian's
#                               kvm-hv (not PPC_MMU_KVM_HV=fixed)
# ppcmmu_kvm_hv_fixed_ko        on a preemptible kernel whose kvm-hv lacks the
#                               preemption fix, and on the debug kernel (its
#                               checkers judge the fix): kvm-hv.ko rebuilt from Debian's
#                               source with tools/kvm-hv/patches (built, cached,
#                               its path printed); nothing elsewhere. Images
#                               carry it as kvm-hv-fixed.ko, loaded instead of
#                               Debian's when the host boots with
#                               ppcmmu.kvm_hv=fixed (PPC_MMU_KVM_HV=fixed)
# ppcmmu_private_apt NAME SUITE... -- apt-get|apt-cache ARGS...
#                               apt with its own sources (deb.debian.org, the
#                               suites given, a *-security suite from its
#                               debian-security archive; amd64 + ppc64el), lists and cache
#                               under build/apt/NAME; refreshes its lists when
#                               missing or a day old

ppcmmu_kernel_series_list="6.1 6.12 6.12-64k 7.2 6.1-debug"
# The archive this rig reaches may serve a suite's InRelease past its
# Valid-Until (seen: sid's, "expired (invalid since 19d)", on a fresh
# machine; a cached list hid it elsewhere). Signatures are still checked;
# only the freshness date is not, for the private suites and the sid chroot.
ppcmmu_apt_valid_until=(-o Acquire::Check-Valid-Until=false)
ppcmmu_root=${ppcmmu_root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}

ppcmmu_kernel_series() {
	local s=${PPC_MMU_KERNEL:-6.1}
	case " $ppcmmu_kernel_series_list " in
	*" $s "*) echo "$s" ;;
	*) echo "PPC_MMU_KERNEL=$s: unknown kernel series (one of: $ppcmmu_kernel_series_list)" >&2
	   return 1 ;;
	esac
}

ppcmmu_kernel_dir() {
	local s d
	s=$(ppcmmu_kernel_series) || return 1
	d=$ppcmmu_root/build/kernel/$s
	[ -z "${PPC_MMU_KERNEL:-}" ] && d=$ppcmmu_root/build/kernel/current
	if [ ! -f "$d/.complete" ] || [ ! -x "$d/kmake" ]; then	# kmake: see fetch-kernel.sh
		bash "$ppcmmu_root/tools/rig/fetch-kernel.sh" "$s" >&2 || return 1
	fi
	echo "$d"
}

ppcmmu_kernel_preemptible() {
	local d
	d=$(ppcmmu_kernel_dir) || return 1
	grep -q '^CONFIG_PREEMPTION=y' "$d/headers/.config"
}

ppcmmu_hash_withheld() {
	ppcmmu_kernel_preemptible && [ "${PPC_MMU_KVM_HV:-}" != fixed ]
}

ppcmmu_kvm_hv_fixed_ko() {
	local d rc=0
	# The debug kernel is not preemptible, but its checkers (lockdep,
	# DEBUG_ATOMIC_SLEEP) are what shows the fix sleeps nowhere.
	ppcmmu_kernel_preemptible || [ "$(ppcmmu_kernel_series)" = 6.1-debug ] || return 0
	d=$(ppcmmu_kernel_dir) || return 1
	bash "$ppcmmu_root/tools/kvm-hv/build.sh" --rig >&2 || rc=$?
	case $rc in
	0) echo "$ppcmmu_root/build/kvm-hv/$(cat "$d/release")/kvm-hv.ko" ;;
	3) ;;	# Debian's kvm-hv already has the fix
	*) return 1 ;;
	esac
}

ppcmmu_kernel_tag() {
	[ -n "${PPC_MMU_KERNEL:-}" ] && ppcmmu_kernel_series
	return 0
}

ppcmmu_logs_dir() {
	local d=$ppcmmu_root/build/logs${PPC_MMU_KERNEL:+/$PPC_MMU_KERNEL}
	mkdir -p "$d" && echo "$d"
}

ppcmmu_private_apt() {
	local name=$1 suites=() top
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do suites+=("$1"); shift; done
	shift
	top=$ppcmmu_root/build/apt/$name
	local opts=(-o "Dir::Etc::SourceList=$top/sources.list"
		    -o "Dir::Etc::SourceParts=$top/empty"
		    -o "Dir::Etc::Preferences=$top/empty/none"
		    -o "Dir::Etc::PreferencesParts=$top/empty"
		    -o "Dir::State=$top/state" -o "Dir::State::status=$top/state/status"
		    -o "Dir::Cache=$top/cache"
		    -o APT::Architecture=amd64 -o APT::Architectures=amd64,ppc64el
		    -o APT::Sandbox::User=root -q
		    "${ppcmmu_apt_valid_until[@]}")
	local want s
	want=$(for s in "${suites[@]}"; do
		case $s in
		*-security) echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security $s main" ;;
		*) echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $s main" ;;
		esac
	done)
	if [ ! -f "$top/sources.list" ] || [ "$(cat "$top/sources.list")" != "$want" ]; then
		rm -rf "$top"
		mkdir -p "$top/empty" "$top/state/lists/partial" "$top/cache/archives/partial"
		touch "$top/state/status"
		echo "$want" >"$top/sources.list"
	fi
	if [ -z "$(find "$top/state/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
		local _ ok=0
		for _ in 1 2 3; do	# a mirror mid-sync can fail one index
			apt-get "${opts[@]}" update >"$top/update.log" 2>&1 && { ok=1; break; }
			sleep 5
		done
		if [ $ok -eq 0 ]; then
			echo "private apt ($name): update failed, see $top/update.log" >&2
			[ -n "$(find "$top/state/lists" -maxdepth 1 -name '*_Packages*')" ] || return 1
			echo "private apt ($name): going on with the lists it has" >&2
		fi
	fi
	"$1" "${opts[@]}" "${@:2}"
}
