// SPDX-License-Identifier: GPL-2.0
/* Unit tests of logic/host_modes.c: which guest modes each host can give. */
#include "../host_modes.h"
#include "unit.h"
#include <linux/kvm_ppc_mmu.h>

#define R	KVM_PPC_MMU_GUEST_RADIX
#define H	KVM_PPC_MMU_GUEST_HASH
#define L	KVM_PPC_MMU_GUEST_LEGACY
#define S	KVM_PPC_MMU_GUEST_CAS_SWITCH
#define HR	KVM_PPC_MMU_HOST_RADIX
#define HN	KVM_PPC_MMU_HOST_NESTED
#define HM	KVM_PPC_MMU_HOST_NO_MIXING
#define HP	KVM_PPC_MMU_HOST_PREEMPTIBLE
#define HPF	KVM_PPC_MMU_HOST_PREEMPT_FORCED
#define HPS	KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE

static const struct {
	const char *name;
	struct ppcmmu_host_facts facts;
	u64 guest_modes, host_flags;
} cases[] = {
	/* arch_300 radix nested hash_v3 force_mixing pvr [preemptible force_preemptible nested_v2 kvm_hv_preempt_safe] */
	{ "P9 DD2.0 radix host (the emulated rig)", { 1, 1, 0, 0, 0, 0x004e1200 }, R, HR | HM },
	{ "P9 DD2.1 radix host", { 1, 1, 0, 0, 0, 0x004e1201 }, R, HR | HM },
	{ "P9 DD2.2 radix host", { 1, 1, 0, 1, 0, 0x004e1202 }, R | H | L | S, HR },
	{ "P9 DD2.3 radix host", { 1, 1, 0, 1, 0, 0x004e1203 }, R | H | L | S, HR },
	{ "P9 DD2.0 hash host (disable_radix)", { 1, 0, 0, 1, 0, 0x004e1200 }, H | L, 0 },
	{ "P9 DD2.2 hash host", { 1, 0, 0, 1, 0, 0x004e1202 }, H | L, 0 },
	{ "nested HV on P9 (radix only)", { 1, 1, 1, 0, 0, 0x004e1202 }, R, HR | HN },
	{ "nested HV on P9 DD2.0: no NO_MIXING, nesting is the reason", { 1, 1, 1, 0, 0, 0x004e1200 }, R, HR | HN },
	{ "Cumulus DD1.0 radix host", { 1, 1, 0, 0, 0, 0x004e2100 }, R, HR | HM },
	{ "Cumulus DD1.1 radix host", { 1, 1, 0, 1, 0, 0x004e2101 }, R | H | L | S, HR },
	{ "POWER10 radix host", { 1, 1, 0, 1, 0, 0x00800200 }, R | H | L | S, HR },
	{ "POWER8 (no ISA 3.00): nothing for us", { 0, 0, 0, 0, 0, 0x004d0200 }, 0, 0 },
	{ "KVM-HV says no hash for another reason: no flag invented", { 1, 1, 0, 0, 0, 0x004e1202 }, R, HR },
	{ "DD2.0 radix host, admin forces mixing", { 1, 1, 0, 0, 1, 0x004e1200 }, R | H | L | S, HR | HM | KVM_PPC_MMU_HOST_MIXING_FORCED },
	{ "force on a DD2.2 host changes nothing", { 1, 1, 0, 1, 1, 0x004e1202 }, R | H | L | S, HR },
	{ "force on a hash host changes nothing", { 1, 0, 0, 1, 1, 0x004e1200 }, H | L, 0 },
	{ "force on a nested host cannot create hash", { 1, 1, 1, 0, 1, 0x004e1200 }, R, HR | HN },
	{ "force where KVM-HV refuses for another reason: still no hash", { 1, 1, 0, 0, 1, 0x004e1202 }, R, HR },
	{ "preemptible DD2.2 radix host: radix only, PREEMPTIBLE says why", { 1, 1, 0, 1, 0, 0x004e1202, 1, 0 }, R, HR | HP },
	{ "preemptible hash host: nothing offered, PREEMPTIBLE says why", { 1, 0, 0, 1, 0, 0x004e1202, 1, 0 }, 0, HP },
	{ "preemptible DD2.2 radix host, admin forces hash", { 1, 1, 0, 1, 0, 0x004e1202, 1, 1 }, R | H | L | S, HR | HPF },
	{ "preemptible hash host, admin forces hash", { 1, 0, 0, 1, 0, 0x004e1202, 1, 1 }, H | L, HPF },
	{ "preemptible DD2.0: NO_MIXING is the reason, no PREEMPTIBLE", { 1, 1, 0, 0, 0, 0x004e1200, 1, 0 }, R, HR | HM },
	{ "preemptible DD2.0 with both overrides", { 1, 1, 0, 0, 1, 0x004e1200, 1, 1 }, R | H | L | S, HR | HM | KVM_PPC_MMU_HOST_MIXING_FORCED | HPF },
	{ "preemptible DD2.0, mixing forced only: withheld again", { 1, 1, 0, 0, 1, 0x004e1200, 1, 0 }, R, HR | HM | KVM_PPC_MMU_HOST_MIXING_FORCED | HP },
	{ "preemptible nested host: radix only anyway, no flag", { 1, 1, 1, 0, 0, 0x004e1202, 1, 0 }, R, HR | HN },
	{ "nested API v2 on POWER10 (KVM in a PowerVM LPAR): radix only", { 1, 1, 1, 0, 0, 0x00801200, 0, 0, 1 }, R, HR | HN | KVM_PPC_MMU_HOST_NESTED_V2 },
	{ "nested API v2, preemptible kernel: radix only, no PREEMPTIBLE", { 1, 1, 1, 0, 0, 0x00801200, 1, 0, 1 }, R, HR | HN | KVM_PPC_MMU_HOST_NESTED_V2 },
	{ "nested_v2 without nested (cannot happen): no v2 flag", { 1, 1, 0, 1, 0, 0x00801200, 0, 0, 1 }, R | H | L | S, HR },
	{ "force_preemptible on a voluntary kernel changes nothing", { 1, 1, 0, 1, 0, 0x004e1202, 0, 1 }, R | H | L | S, HR },
	{ "preemptible radix host, fixed kvm-hv: hash offered, PREEMPT_SAFE", { 1, 1, 0, 1, 0, 0x004e1202, 1, 0, 0, 1 }, R | H | L | S, HR | HPS },
	{ "preemptible hash host, fixed kvm-hv: hash offered, PREEMPT_SAFE", { 1, 0, 0, 1, 0, 0x004e1202, 1, 0, 0, 1 }, H | L, HPS },
	{ "fixed kvm-hv and the override: safe, not forced", { 1, 1, 0, 1, 0, 0x004e1202, 1, 1, 0, 1 }, R | H | L | S, HR | HPS },
	{ "fixed kvm-hv on a voluntary kernel: no flag", { 1, 1, 0, 1, 0, 0x004e1202, 0, 0, 0, 1 }, R | H | L | S, HR },
	{ "fixed kvm-hv on DD2.0: NO_MIXING still the reason", { 1, 1, 0, 0, 0, 0x004e1200, 1, 0, 0, 1 }, R, HR | HM },
	{ "fixed kvm-hv, nested: radix only, no flag", { 1, 1, 1, 0, 0, 0x004e1202, 1, 0, 0, 1 }, R, HR | HN },
};

int main(void)
{
	struct ppcmmu_host_modes m;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ppcmmu_host_modes(&cases[i].facts, &m);
		CHECK(m.guest_modes == cases[i].guest_modes && m.host_flags == cases[i].host_flags,
		      "%s: modes %#llx flags %#llx", cases[i].name,
		      (unsigned long long)m.guest_modes, (unsigned long long)m.host_flags);
	}

	CHECK(ppcmmu_p9_cannot_mix_hash_radix(0x004e1200), "DD2.0 cannot mix");
	CHECK(ppcmmu_p9_cannot_mix_hash_radix(0x004e0100), "DD1.0 cannot mix");
	CHECK(!ppcmmu_p9_cannot_mix_hash_radix(0x004e1202), "DD2.2 can mix");
	CHECK(!ppcmmu_p9_cannot_mix_hash_radix(0x004e2101), "Cumulus DD1.1 can mix");
	CHECK(!ppcmmu_p9_cannot_mix_hash_radix(0x004e4000), "other P9 variants: not ours to judge");
	CHECK(!ppcmmu_p9_cannot_mix_hash_radix(0x00801200), "POWER10 with a DD2.0-like low half");
	CHECK(!ppcmmu_p9_cannot_mix_hash_radix(0), "PVR 0");
	return unit_done("test_host_modes");
}
