# shellcheck shell=sh
# The payload's entry (tools/debian13/ppcmmu-payload runs it as root):
# the phase this boot is for, named by the payload's file "phase".
# shellcheck source=tools/debian13/payload/lib.sh
. /mnt/payload/lib.sh
phase=$(cat $P/phase)
echo "ppcmmu-admin: phase $phase on $(uname -r), $(nproc) CPUs"
sh "$P/clock-watch.sh" &
# shellcheck disable=SC1090  # the phase named by the payload
. "$P/admin-$phase.sh"
echo "ppcmmu-admin: phase $phase done"
