# shellcheck shell=sh
# libvirt as the admin manages guests, with the module loaded (sourced by
# admin-install.sh): trixie's libvirt runs the project's guest as a pseries
# KVM domain (direct kernel boot through SLOF, 2 vcpus, radix) through its
# lifecycle: define, start, the console's lines, reboot, managedsave and
# start (a restore), save and restore, destroy, undefine. The guest runs
# with guest.forever=1: it ticks once a second until stopped, so a restore
# shows as the count going on without a new boot, a reboot as a new boot.
# Each step is one "ppcmmu-admin: ok - libvirt: ..." line with its time.
dom=ppcmmu-guest
img=/var/lib/libvirt/images/$dom
con=/var/log/libvirt/qemu/$dom-console.log

console_count() {	# console_count TEXT: console lines holding TEXT
	n=$(grep -cF -- "$1" "$con" 2>/dev/null)
	echo "${n:-0}"
}

last_tick() {
	t=$(tr -d '\r' <"$con" 2>/dev/null | sed -n 's/^guest: tick \([0-9]*\)$/\1/p' | tail -n1)
	echo "${t:-0}"
}

wait_until() {	# wait_until SECONDS CMD...: poll CMD once a second
	limit=$1
	shift
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -gt "$limit" ] && return 1
		sleep 1
	done
}

booted() { [ "$(console_count 'guest: userspace reached')" -ge "$1" ] && [ "$(last_tick)" -ge 3 ]; }
ticked_past() { [ "$(last_tick)" -gt "$1" ]; }
refcnt() { cat /sys/module/kvm_ppc_mmu/refcnt 2>/dev/null || echo -1; }
state_is() { [ "$(virsh domstate $dom 2>/dev/null | head -n1)" = "$1" ]; }

step() {	# step NAME CMD...: a lifecycle step, timed, as a result line
	step_name=$1
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	check "libvirt: $step_name ($(( $(date +%s) - t0 ))s)" [ $rc -eq 0 ] || show_domain
}

# What a failed step leaves to go on: where the domain is, the console's
# last lines and the host kernel's last messages, and each host CPU's clock
# (the vDSO reads the timebase of the CPU it runs on: a CPU left with a
# guest's timebase offset shows as a clock apart from the other's).
show_domain() {
	for c in 0 1; do
		echo "ppcmmu-admin: # cpu $c clock: $(taskset -c $c date +%s.%N) uptime $(taskset -c $c cat /proc/uptime)"
	done
	virsh domstate --reason $dom 2>&1 | sed 's/^/ppcmmu-admin: # domstate: /'
	tr -d '\r' <"$con" 2>/dev/null | tail -n 40 | sed 's/^/ppcmmu-admin: # console: /'
	dmesg | tail -n 20 | sed 's/^/ppcmmu-admin: # dmesg: /'
}

# The domain an admin of this host writes: a 4K-page host needs QEMU's
# cap-hpt-max-page-size=4k (libvirt: <hpt><maxpagesize>) or huge pages
# backing RAM (host-lib.sh's guest_ram says why); the three speculation
# caps and ccf-assist are what the emulated POWER9 has (a real one does not
# need them).
write_domain() {
	maxpage=
	[ "$(getconf PAGESIZE)" = 4096 ] && maxpage="<hpt><maxpagesize unit='KiB'>4</maxpagesize></hpt>"
	cat >"/root/$dom.xml" <<XML
<domain type='kvm'>
  <name>$dom</name>
  <memory unit='MiB'>512</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='ppc64le' machine='pseries'>hvm</type>
    <kernel>$img/vmlinux</kernel>
    <initrd>$img/initramfs.cpio</initrd>
    <cmdline>console=hvc0 loglevel=5 panic=-1 guest.forever=1</cmdline>
  </os>
  <features>
    $maxpage
    <cfpc value='broken'/>
    <sbbc value='broken'/>
    <ibs value='broken'/>
    <ccf-assist state='off'/>
  </features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-ppc64</emulator>
    <console type='pty'>
      <log file='$con' append='on'/>
      <target type='serial'/>
    </console>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}

mkdir -p "$img"
cp "$P/guest/vmlinux" "$P/guest/initramfs.cpio" "$img/"
rm -f "$con"
typed virt-host-validate qemu
typed virsh version
write_domain
cat "/root/$dom.xml"

step "define" typed virsh define "/root/$dom.xml"
step "start" typed virsh start $dom
step "console: the guest booted (userspace reached, tick 3)" wait_until 600 booted 1
tr -d '\r' <"$con" | grep -E '^guest: (kernel|MMU|cpus online|work ran)'
check "libvirt: console: the guest runs radix" grep -q '^guest: MMU : Radix' "$con"
check "libvirt: console: both vcpus online" grep -q '^guest: cpus online: 2' "$con"
typed cat /sys/module/kvm_ppc_mmu/refcnt
check "libvirt: the domain's VM went through the module (refcnt >= 1)" [ "$(refcnt)" -ge 1 ]

step "reboot" typed virsh reboot $dom
step "console: the guest booted again" wait_until 600 booted 2

step "managedsave" typed virsh managedsave $dom
before=$(last_tick)
typed virsh dominfo $dom | grep -E '^(State|Managed save)'
check "libvirt: managedsave: shut off, managed save image kept" \
	sh -c "virsh domstate $dom | grep -q '^shut off' && virsh dominfo $dom | grep -q '^Managed save: *yes'"
step "start (restores the managed save)" typed virsh start $dom
step "console: ticks go on from $before, no new boot" wait_until 300 ticked_past "$before"
check "libvirt: restored, not rebooted (2 boots on the console)" [ "$(console_count 'guest: userspace reached')" -eq 2 ]

before=$(last_tick)
step "save" typed virsh save $dom "/var/tmp/$dom.save"
check "libvirt: saved: shut off" state_is "shut off"
step "restore" typed virsh restore "/var/tmp/$dom.save"
step "console: ticks go on from $before, no new boot" wait_until 300 ticked_past "$before"
check "libvirt: restored, not rebooted (2 boots on the console)" [ "$(console_count 'guest: userspace reached')" -eq 2 ]
rm -f "/var/tmp/$dom.save"

step "destroy" typed virsh destroy $dom
check "libvirt: destroyed: shut off" state_is "shut off"
step "undefine" typed virsh undefine $dom
check "libvirt: undefined: no longer listed" sh -c "! virsh list --all --name | grep -qx $dom"
echo "libvirt: the console, as the domain's log kept it:"
tr -d '\r' <"$con" | grep -E '^guest: |SLOF|Booting|Kernel|Power off' | sed 's/^/  console: /' | head -n 60
typed cat /sys/module/kvm_ppc_mmu/refcnt
check "libvirt: the module's pin went with the domain (refcnt 0)" [ "$(refcnt)" -eq 0 ]
