#!/usr/bin/env bash
# Make a "legacy-style" guest kernel: Debian's vmlinux whose prom_init does
# not announce ISA 3.00 in its ibm,architecture-vec (option vector 1, byte
# 3), as kernels before radix support did. Everything else is unchanged, so
# the test shows what the host does with such a request: hash plus the radix
# bit hidden in ibm,pa-features, or a clean refusal where hash is impossible.
#
# The vector's template is const data in prom_init; it is found by its
# unique byte pattern (end of the PVR list, the vector count, OV1), never by
# a hard-coded offset, and the script fails unless exactly one match.
# Usage: tools/rig/guest/mklegacy.sh IN_VMLINUX OUT_VMLINUX
set -euo pipefail

in=$1 out=$2
perl -e '
	local $/;
	open(my $f, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!\n";
	my $img = <$f>;
	# last PVR pair {0xfffffffe, 0x0f000001}, NUM_VECTORS(6) = 5,
	# OV1: length byte 2 (3 bytes), byte1 0, ISA 2.00-2.07 = 0xff, ISA 3.00|3.1 = 0xc0
	my $pat = "\xff\xff\xff\xfe\x0f\x00\x00\x01\x05\x02\x00\xff\xc0";
	my @at;
	my $pos = -1;
	push @at, $pos while ($pos = index($img, $pat, $pos + 1)) >= 0;
	die "expected one ibm,architecture-vec template, found " . scalar(@at) . "\n" if @at != 1;
	substr($img, $at[0] + length($pat) - 1, 1) = "\x00";	# no ISA 3.00, no 3.1
	open(my $o, ">:raw", $ARGV[1]) or die "$ARGV[1]: $!\n";
	print $o $img;
	printf "legacy guest: cleared OV1 ISA 3.00/3.1 at file offset 0x%x\n", $at[0] + length($pat) - 1;
' "$in" "$out"
