#!/usr/bin/env bash
# The main job: cross-build kvm-ppc-mmu and the reference VMM, boot an
# emulated POWER9 host under QEMU with Debian's powerpc64le kernel, load
# KVM-HV and the module there, and run the reference VMM: it boots Debian's
# own kernel as a guest, whose MMU is negotiated at CAS by the module and
# whose process table is registered in the kernel. The guest's console
# shows the MMU it runs ("guest: MMU : Radix"). On the radix host (POWER9
# DD2.2, as real hosts) the same kernel also boots hash (disable_radix),
# legacy, through a snapshot and through reboots that change its MMU.
# Usage: tools/demo.sh [radix|hash|nested|dd20]  (default radix)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tools/rig/lib/qemu.sh"
host=${1:-radix}
log=$root/build/logs/demo-$host.log

bash "$root/tools/rig/setup.sh"
make -s -C "$root" modules
"$root/tools/rig/mkhostinitrd.sh" "$root/build/vmm-initramfs.cpio"
mkdir -p "$root/build/logs"
echo "demo: booting an emulated POWER9 $host host (QEMU), then guests under the reference VMM..."
rc=0
run_host "$host" "$root/build/vmm-initramfs.cpio" "$log" 900 "ppcmmu.run=vmm-scenarios" || rc=$?
# The VMM's and the guests' own lines, plus the guest kernel's MMU lines.
grep -E '^(scenario:|vmm:|guest:)|ibm,client-architecture-support|radix-mmu:|hash-mmu:|lpar: |kvm_ppc_mmu' "$log" |
	grep -vE 'hypercall 0x|^(vmm|guest): dt: ' || true
echo "demo: full console (host and guests): $log"
[ $rc -eq 0 ] && grep -q '^vmm-scenarios: done' "$log"
