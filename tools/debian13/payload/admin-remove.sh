# shellcheck shell=sh
# Second boot, the same disk, Debian's powerpc64le-64k kernel: the module
# loaded at boot (modules-load.d) without a command, runs guests on 64K
# pages (the selftests, and trixie's QEMU with and without the module);
# apt remove takes it away for every kernel.
# shellcheck source=tools/debian13/payload/lib.sh
. /mnt/payload/lib.sh
rel=$(uname -r)
typed uname -r
typed lsmod | grep -E '^(kvm_ppc_mmu|kvm_hv) '
check "kvm_ppc_mmu loaded at boot on $rel" grep -q '^kvm_ppc_mmu ' /proc/modules
typed systemctl status --no-pager systemd-modules-load.service | grep -E 'Active|Loaded'
selftests
# A hash host: its guests are hash whatever they ask; the module is loaded
# now, so the run without it comes second.
bash $P/transparency.sh with-module default
typed modprobe -r kvm_ppc_mmu
check "modprobe -r kvm_ppc_mmu" sh -c "! grep -q '^kvm_ppc_mmu ' /proc/modules"
typed modprobe kvm_hv	# modprobe -r took it too, unused once the module went
bash $P/transparency.sh without-module default
typed apt-get remove -y kvm-ppc-mmu-dkms >/tmp/apt.out 2>&1
rc=$?
grep -E "^Removing|dkms|[Ee]rror" /tmp/apt.out
check "apt remove kvm-ppc-mmu-dkms" [ $rc -eq 0 ]
typed dkms status | tee /tmp/dkms.out
check "dkms status has no kvm-ppc-mmu" sh -c "! grep -q kvm-ppc-mmu /tmp/dkms.out"
typed sh -c 'find /lib/modules /usr/lib/modules /usr/src -name "kvm-ppc-mmu*"'
check "no module left for any kernel" sh -c \
	'[ -z "$(find /lib/modules /usr/lib/modules /usr/src /var/lib/dkms -name "kvm-ppc-mmu*" 2>/dev/null)" ]'
