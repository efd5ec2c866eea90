# shellcheck shell=bash
# The emulated POWER9 hosts, shared by tools/run-hosts.sh and tools/demo.sh.
#
# run_host HOST INITRD LOG TIMEOUT EXTRA_APPEND
#   HOST: radix  (-M powernv9: bare-metal POWER9, host kernel in radix)
#         hash   (-M powernv9, host booted with disable_radix)
#         nested (-M pseries with cap-nested-hv: KVM-HV as a guest)
# Boots Debian's powerpc64le kernel with the initramfs, console to LOG.
# Returns QEMU's status (124 on timeout).

ppcmmu_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

run_host() {
	local host=$1 initrd=$2 log=$3 timeout_s=$4 extra=${5:-}
	local append="console=hvc0 rdinit=/init loglevel=5 ppcmmu.host=$host $extra"
	local machine
	case $host in
	radix)	machine=(-M powernv9) ;;
	hash)	machine=(-M powernv9); append+=" disable_radix" ;;
	nested)	machine=(-M pseries,cap-nested-hv=on,x-vof=on -cpu POWER9 -vga none) ;;
	*)	echo "unknown host '$host' (radix, hash, nested)" >&2; return 2 ;;
	esac
	timeout --foreground -k 5 "$timeout_s" qemu-system-ppc64 "${machine[@]}" \
		-nographic -no-reboot -m 2G \
		-kernel "$ppcmmu_root/build/kernel/current/vmlinux" -initrd "$initrd" \
		-append "$append" </dev/null >"$log" 2>&1
	local rc=$?
	sed -i 's/\r$//' "$log"
	return $rc
}
