# shellcheck shell=sh
# What the admin types, shown as typed (a "root@host:~# " line) with its
# output, and the checks on it as TAP lines tools/debian13/run.sh counts:
# "ppcmmu-admin: ok - NAME" or "ppcmmu-admin: not ok - NAME".
P=/mnt/payload

typed() {	# typed CMD...: run as the admin would, transcript on the console
	echo "root@$(hostname):~# $*"
	"$@"
}

check() {	# check NAME CMD...: one result line; CMD's success or failure
	name=$1
	shift
	if "$@"; then
		echo "ppcmmu-admin: ok - $name"
	else
		echo "ppcmmu-admin: not ok - $name"
		return 1
	fi
}

# The module's file for kernel $1 as DKMS installs it, or nothing.
module_file() {
	find "/lib/modules/$1" "/usr/lib/modules/$1" -name 'kvm-ppc-mmu.ko*' 2>/dev/null | head -n1
}

# The project's own programs (static, from the payload): the host check,
# and selftests that run real guests under KVM-HV through the module.
selftests() {
	# Tests that reload the module with other parameters load it from a
	# file: the one DKMS built, decompressed (finit_module takes .ko).
	ko=$(modinfo -F filename kvm_ppc_mmu)
	case $ko in
	*.xz) xz -dc "$ko" >/tmp/kvm-ppc-mmu.ko ;;
	*) cp "$ko" /tmp/kvm-ppc-mmu.ko ;;
	esac
	export PPC_MMU_KO=/tmp/kvm-ppc-mmu.ko
	typed "$P/ppc-mmu-host-check" --json | tee /tmp/host-check.json
	check "the host check says ready" grep -q '"ready":true' /tmp/host-check.json
	for t in ppc_mmu_caps ppc_mmu_guest ppc_mmu_cas; do
		typed "$P/$t" >/tmp/$t.out 2>&1
		rc=$?
		cat /tmp/$t.out
		check "$t on $(uname -r)" sh -c "[ $rc -eq 0 ] && grep -q '^# Totals: pass:[1-9]' /tmp/$t.out"
	done
}
