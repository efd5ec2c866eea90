# shellcheck shell=sh
# In the background for a whole boot (run.sh starts it): every 10 s, the
# clock read on CPU 0, on CPU 1, then on CPU 0 again; a line when CPU 1's
# reading is not between CPU 0's two (20 ms of slack) or CPU 0's went
# backwards. Linux reads the time from the timebase of the CPU it runs on,
# and KVM-HV moves a CPU's timebase by its guest's offset at every guest
# entry and back at every exit (mtspr TBU40): under emulation, where a
# host CPU can be descheduled between any two instructions, a CPU left
# with a timebase apart from the other's would hang guests and time out
# the host's services. Four times this host's guests hung or its clock jumped
# in full test commands (Documentation/debian13-host.rst); this says
# whether the clocks parted when it happens again. At most 20 lines.
slack=20000000
n=0
while [ $n -lt 20 ]; do
	sleep 10
	a=$(taskset -c 0 date +%s%N)
	b=$(taskset -c 1 date +%s%N)
	c=$(taskset -c 0 date +%s%N)
	if [ "$c" -lt "$a" ] || [ $((b + slack)) -lt "$a" ] || [ "$b" -gt $((c + slack)) ]; then
		n=$((n + 1))
		echo "ppcmmu-admin: # clocks apart: cpu1 read $(((b - a) / 1000000)) ms after cpu0's first reading, cpu0's second $(((c - a) / 1000000)) ms after its first"
	fi
done
