#!/usr/bin/env bash
# The main job: cross-build kvm-ppc-mmu, boot an emulated POWER9 host under
# QEMU with Debian's powerpc64le kernel, load KVM-HV and the module there, and
# show it at work. Usage: tools/demo.sh [radix|hash|nested]  (default radix)
set -euo pipefail
source "$(dirname "$0")/lib/qemu.sh"
host=${1:-radix}
echo "demo: booting an emulated POWER9 $host host (QEMU, ~10-20 s)..."
run_program_in_host demo "$host" 300 loglevel=6
