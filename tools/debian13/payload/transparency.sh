#!/bin/bash
# transparency.sh RUN GUEST...: trixie's own qemu-system-ppc64, unmodified and
# with its default firmware (SLOF, from qemu-system-data), boots each of the
# project's guests (tools/rig/guest/, in the payload) with KVM on this host,
# each console line labelled RUN.GUEST (RUN: without-module or with-module,
# whichever is true now). tools/debian13/run.sh judges the two runs of each
# guest as tools/stages/transparency.sh does (tools/rig/lib/transparency-judge.sh):
# the guest's lines must be the same with the module loaded as without it.
#
# What an admin of a 4K-page host passes, and why, is guest_ram's comment in
# host-lib.sh: -machine cap-hpt-max-page-size=4k, or huge pages backing RAM.
set -u
P=/mnt/payload
run=$1
shift
# shellcheck disable=SC2034 # read by host-lib.sh
guest_dir=$P/guest guest_firmware=slof guest_timeout=900
# shellcheck source=tools/rig/hostroot/host-lib.sh
. "$P/host-lib.sh"
guest_ram
say "$run: guest RAM: $ram_backing; $(qemu-system-ppc64 --version | head -n1); firmware: SLOF ($(dpkg-query -W -f='${Package} ${Version}' qemu-system-data))"
if [ "$run" = with-module ] && [ -d /sys/module/kvm_ppc_mmu ]; then
	say "/sys/module/kvm_ppc_mmu present: version=$(cat /sys/module/kvm_ppc_mmu/version 2>/dev/null || echo ?)"
fi
for g in "$@"; do
	transparency_run "$run" "$g"
done
