# shellcheck shell=sh
# First boot, Debian's powerpc64le kernel (4K pages), a radix host: trixie's
# QEMU runs the guests (transparency.sh); install the package and the headers
# with apt, DKMS builds the module on the host, load it, the same guests
# again and the project's selftests; make it load at boot; install the 64K
# flavour's headers and see DKMS build for that kernel too (its boot is
# admin-remove.sh).
# shellcheck source=tools/debian13/payload/lib.sh
. /mnt/payload/lib.sh
rel=$(uname -r)
guests="default disable-radix legacy"	# a radix host runs all three
other=$(cat $P/other-kernel)
typed cat /etc/debian_version
typed uname -r
# Debian's own QEMU first, before the module exists on this host: the guests
# as every admin's VMs run today (judged against the runs below).
typed modprobe kvm_hv
typed dpkg-query -W qemu-system-ppc qemu-system-data libvirt-daemon-system
bash $P/transparency.sh without-module $guests
cp $P/kvm-ppc-mmu-dkms_*.deb /root/
deb=$(ls /root/kvm-ppc-mmu-dkms_*.deb)
# No network here: apt takes every package from the local mirror in /srv/debian
# (tools/debian13/mkimage.sh).
typed apt-get install -y "$deb" "linux-headers-$rel" >/tmp/apt.out 2>&1
rc=$?
grep -E "^(Setting up|Building|Installing|Unpacking kvm|.*dkms)|[Ee]rror" /tmp/apt.out
check "apt installs the package and linux-headers-$rel" [ $rc -eq 0 ]
typed dkms status | tee /tmp/dkms.out
check "dkms status: installed for $rel" grep -q "^kvm-ppc-mmu/.*, $rel, .*: installed" /tmp/dkms.out
typed modinfo -F filename kvm_ppc_mmu
check "the module DKMS built is under /lib/modules/$rel/updates/dkms" \
	sh -c "modinfo -F filename kvm_ppc_mmu | grep -q '/$rel/updates/dkms/kvm-ppc-mmu.ko'"
typed modprobe kvm_ppc_mmu
check "modprobe kvm_ppc_mmu" grep -q '^kvm_ppc_mmu ' /proc/modules
typed lsmod | grep -E '^(kvm_ppc_mmu|kvm_hv|kvm) '
check "kvm_hv was loaded with it" grep -q '^kvm_hv ' /proc/modules
dmesg | grep -i 'kvm-ppc-mmu' | tail -n3
bash $P/transparency.sh with-module $guests
selftests
# shellcheck source=tools/debian13/payload/libvirt.sh
. $P/libvirt.sh
typed sh -c 'echo kvm_ppc_mmu > /etc/modules-load.d/kvm-ppc-mmu.conf'
typed apt-get install -y "linux-headers-$other" >/tmp/apt2.out 2>&1
rc=$?
grep -E "^(Setting up|dkms|Building|Installing)|autoinstall|[Ee]rror" /tmp/apt2.out
check "apt installs linux-headers-$other" [ $rc -eq 0 ]
typed dkms status | tee /tmp/dkms.out
check "dkms autoinstall built it for $other" grep -q "^kvm-ppc-mmu/.*, $other, .*: installed" /tmp/dkms.out
check "module file for $other" test -n "$(module_file "$other")"
