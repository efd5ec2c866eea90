#!/usr/bin/env perl
# SPDX-License-Identifier: GPL-2.0
#
# Check Documentation/kvm-ppc-mmu-api.rst against uapi/linux/kvm_ppc_mmu.h,
# so that the two cannot drift apart:
#   - every KVM_PPC_MMU_* the header defines is named in the doc, and every
#     KVM_PPC_MMU_* the doc names is defined in the header;
#   - every constant's value as the doc states it (a table row "NAME  value"
#     or "NAME (value)" in the text) equals the header's;
#   - every struct kvm_ppc_mmu_* is reproduced in a literal block of the doc
#     with the same fields, types, array sizes and order, and the doc shows
#     no struct the header lacks;
#   - every ioctl has a section "N.N NAME" whose :Type: is "vm ioctl" and
#     whose :Parameters: name the struct the ioctl number encodes, with the
#     direction of its _IOR/_IOW/_IOWR (out, in, in/out); and every such
#     section is an ioctl of the header.
# Prints one line per disagreement and exits 1 if there is any.
#
# Usage: tools/stages/check-uapi-doc.pl [header] [doc]
use strict;
use warnings;

my $root = $0 =~ m{^(.*)/tools/[^/]+$} ? $1 : '.';
my $hdr_path = $ARGV[0] // "$root/uapi/linux/kvm_ppc_mmu.h";
my $doc_path = $ARGV[1] // "$root/Documentation/kvm-ppc-mmu-api.rst";

sub slurp {
	my ($p) = @_;
	open(my $f, '<', $p) or die "check-uapi-doc: $p: $!\n";
	local $/;
	return <$f>;
}

my $hdr = slurp($hdr_path);
my $doc = slurp($doc_path);
my @problems;
sub problem { push @problems, join('', @_); }

# --- the header ---
$hdr =~ s{/\*.*?\*/}{}gs;	# comments
$hdr =~ s{\\\n}{ }g;		# continued lines

my (%define, @define_order);
while ($hdr =~ /^#define\s+(KVM_PPC_MMU_\w+)\s+(.*?)\s*$/mg) {
	$define{$1} = $2;
	push @define_order, $1;
}

# A constant expression of numbers, already-known names, | << ( ): its value.
sub evaluate {
	my ($expr, $known) = @_;
	$expr =~ s/\b(0x[0-9a-fA-F]+|\d+)[uUlL]*\b/$1/g;
	$expr =~ s/\b(KVM_PPC_MMU_\w+)\b/exists $known->{$1} ? "($known->{$1})" : "UNKNOWN"/ge;
	return undef if $expr =~ /UNKNOWN/ || $expr !~ /^[\s\dxa-fA-F|<()]+$/;
	$expr =~ s/\b(0x[0-9a-fA-F]+)\b/hex($1)/ge;
	my $v = eval $expr;	## no critic: only digits and | << ( ) get here
	return $@ ? undef : $v;
}

my (%value, %ioctl);
for my $name (@define_order) {
	my $def = $define{$name};
	if ($def =~ /^_IO(WR|R|W)\(\s*KVM_PPC_MMU_IO\s*,\s*(0x[0-9a-fA-F]+|\d+)\s*,\s*struct\s+(\w+)\s*\)$/) {
		my %dir = (WR => 'in/out', R => 'out', W => 'in');
		$ioctl{$name} = { dir => $dir{$1}, struct => $3 };
		next;
	}
	my $v = evaluate($def, \%value);
	if (defined $v) {
		$value{$name} = $v;
	} else {
		problem("header: cannot read the value of $name ($def); teach tools/stages/check-uapi-doc.pl");
	}
}

# struct name => [ "type name[dim]", ... ]
sub structs {
	my ($text, $where) = @_;
	my %s;
	while ($text =~ /struct\s+(kvm_ppc_mmu_\w+)\s*\{(.*?)\}\s*;/sg) {
		my ($name, $body) = ($1, $2);
		my @fields;
		for my $decl (split /;/, $body) {
			$decl =~ s/^\s+|\s+$//g;
			next if $decl eq '';
			$decl =~ s/\s+/ /g;
			$decl =~ s/\s*\[\s*/[/g;
			$decl =~ s/\s*\]/]/g;
			if ($decl =~ /^(__[us]\d+) (\w+)((?:\[\w+\])?)$/) {
				push @fields, "$1 $2$3";
			} else {
				problem("$where: struct $name: cannot read field '$decl'");
			}
		}
		problem("$where: struct $name shown twice, differently")
			if $s{$name} && join(';', @{$s{$name}}) ne join(';', @fields);
		$s{$name} = \@fields;
	}
	return \%s;
}
my $hstructs = structs($hdr, 'header');

# --- the doc ---
my $dstructs = structs($doc, 'doc');
# Names, and families written NAME_* ("KVM_PPC_MMU_FEAT_*").
my (%doc_names, %doc_families);
while ($doc =~ /\b(KVM_PPC_MMU_\w+)(\*?)/g) {
	if ($2) {
		$doc_families{$1} = 1;
	} else {
		$doc_names{$1} = 1;
	}
}
my %doc_struct_refs = map { $_ => 1 } ($doc =~ /\bstruct\s+(kvm_ppc_mmu_\w+)\b/g);

for my $name (@define_order) {
	problem("doc: $name (header) is never named") unless $doc_names{$name};
}
for my $name (sort keys %doc_names) {
	problem("doc: names $name, which the header does not define") unless exists $define{$name};
}
for my $prefix (sort keys %doc_families) {
	problem("doc: names ${prefix}*, but the header defines no such name")
		unless grep { index($_, $prefix) == 0 && $_ ne $prefix } @define_order;
}

# Constants: the value the doc states.
for my $name (@define_order) {
	next unless exists $value{$name} && $doc_names{$name};
	my @stated;
	while ($doc =~ /^[ \t]*\Q$name\E[ \t]{2,}(\S+(?: \S+)*?)(?:[ \t]{2,}|[ \t]*$)/mg) {
		push @stated, $1;
	}
	while ($doc =~ /\b\Q$name\E \(((?:0x[0-9a-fA-F]+|\d+)(?: << \d+)?)\)/g) {
		push @stated, $1;
	}
	if (!@stated) {
		problem("doc: states no value for $name (header: $value{$name})");
		next;
	}
	for my $s (@stated) {
		my $v = evaluate($s, \%value);
		if (!defined $v) {
			problem("doc: value '$s' of $name is not a number");
		} elsif ($v != $value{$name}) {
			problem("doc: $name is $s = $v, the header says $value{$name}");
		}
	}
}

# Structs.
for my $name (sort keys %$hstructs) {
	if (!$dstructs->{$name}) {
		problem("doc: struct $name (header) is not shown");
		next;
	}
	my ($h, $d) = (join('; ', @{$hstructs->{$name}}), join('; ', @{$dstructs->{$name}}));
	problem("doc: struct $name differs from the header:\n    header: $h\n    doc:    $d")
		if $h ne $d;
}
for my $name (sort keys %doc_struct_refs) {
	problem("doc: names struct $name, which the header does not declare")
		unless $hstructs->{$name};
}

# Ioctl sections.
my %section;
while ($doc =~ /^\d+\.\d+ (KVM_PPC_MMU_\w+)\n-+\n(.*?)(?=^\d+\.\d+ |^\d+\. |\z)/msg) {
	$section{$1} = $2;
}
for my $name (sort keys %ioctl) {
	my $sec = $section{$name};
	if (!defined $sec) {
		problem("doc: no section for ioctl $name");
		next;
	}
	my ($type) = $sec =~ /^:Type:\s*(.*?)\s*$/m;
	my ($params) = $sec =~ /^:Parameters:\s*(.*?)\s*$/m;
	problem("doc: $name: :Type: is '" . ($type // 'missing') . "', not 'vm ioctl'")
		unless ($type // '') eq 'vm ioctl';
	my $want = "struct $ioctl{$name}{struct} ($ioctl{$name}{dir})";
	problem("doc: $name: :Parameters: is '" . ($params // 'missing') . "', the header encodes $want")
		unless ($params // '') eq $want;
	for my $field (qw(Capability Architectures Returns)) {
		problem("doc: $name: no :$field:") unless $sec =~ /^:$field:/m;
	}
}
for my $name (sort keys %section) {
	problem("doc: section $name is not an ioctl of the header") unless $ioctl{$name};
}

my $nfields = 0;
$nfields += @{$hstructs->{$_}} for keys %$hstructs;
if (@problems) {
	print "$_\n" for @problems;
	printf "uapi doc: %d disagreement(s) between %s and %s\n", scalar(@problems),
		$hdr_path, $doc_path;
	exit 1;
}
printf "uapi doc: %d ioctls, %d structs (%d fields), %d constants agree\n",
	scalar(keys %ioctl), scalar(keys %$hstructs), $nfields, scalar(keys %value);
exit 0;
