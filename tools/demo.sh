#!/usr/bin/env bash
# The main job: cross-build kvm-ppc-mmu and the reference VMM, boot an
# emulated POWER9 host under QEMU with Debian's powerpc64le kernel, load
# KVM-HV and the module there, and run the reference VMM: it boots Debian's
# own kernel as a guest, whose MMU is negotiated at CAS by the module and
# whose process table is registered in the kernel. The guest's console
# shows the MMU it runs ("guest: MMU : Radix").
# Usage: tools/demo.sh [radix|hash|nested]  (default radix)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/lib/qemu.sh"
host=${1:-radix}
log=$root/build/logs/demo-$host.log

bash "$root/tools/setup.sh"
make -s -C "$root" modules
"$root/tools/vmm/mkhostinitrd.sh" "$root/build/vmm-initramfs.cpio"
mkdir -p "$root/build/logs"
echo "demo: booting an emulated POWER9 $host host (QEMU), then guests under the reference VMM..."
rc=0
run_host "$host" "$root/build/vmm-initramfs.cpio" "$log" 900 "ppcmmu.run=vmm-scenarios" || rc=$?
# The VMM's and the guests' own lines, plus the guest kernel's MMU lines.
grep -E '^(scenario:|vmm:|guest:)|ibm,client-architecture-support|radix-mmu:|hash-mmu:|lpar: |kvm_ppc_mmu' "$log" |
	grep -v 'hypercall 0x' || true
echo "demo: full console (host and guests): $log"
[ $rc -eq 0 ] && grep -q '^vmm-scenarios: done' "$log"
