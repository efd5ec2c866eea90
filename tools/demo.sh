#!/usr/bin/env bash
# The main job: cross-build kvm-ppc-mmu, boot an emulated POWER9 host under
# QEMU with Debian's powerpc64le kernel, load KVM-HV and the module there, and
# show it at work. Usage: tools/demo.sh [radix|hash|nested]  (default radix)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
host=${1:-radix}
cd "$root"
source tools/lib/qemu.sh

bash tools/setup.sh
make -s modules
make -s -C selftests
tools/mkinitramfs.sh build/initramfs.cpio
mkdir -p build/logs
log=build/logs/demo-$host.log
echo "demo: booting an emulated POWER9 $host host (QEMU, ~10-20 s)..."
rc=0
run_host "$host" build/initramfs.cpio "$log" 300 "ppcmmu.run=demo loglevel=6" || rc=$?
grep -E '^(demo:|ppcmmu-init:)|kvm-ppc-mmu' "$log" || true
if [ $rc -ne 0 ] || ! grep -q '^ppcmmu-init: demo exit=0 ' "$log"; then
	echo "demo failed (qemu status $rc); console log: $log" >&2
	exit 1
fi
