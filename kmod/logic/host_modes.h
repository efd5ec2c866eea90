/* SPDX-License-Identifier: GPL-2.0 */
/* Which guest MMU modes a host can give: pure logic, no kernel headers. */
#ifndef PPCMMU_LOGIC_HOST_MODES_H
#define PPCMMU_LOGIC_HOST_MODES_H

#include "compat.h"

/* What the module glue reads off the running host. */
struct ppcmmu_host_facts {
	bool arch_300;		/* CPU implements ISA 3.00 (POWER9 and later) */
	bool radix_host;	/* the host kernel itself runs radix */
	bool nested;		/* KVM-HV runs as a pseries guest (nested HV) */
	bool hash_v3_possible;	/* KVM-HV's own answer (kvmppc_ops.hash_v3_possible) */
	bool force_mixing;	/* admin override: offer hash on a no-mixing CPU */
	u32 pvr;
	bool preemptible;	/* the kernel preempts kernel code (preempt_model_preemptible) */
	bool force_preemptible;	/* admin override: offer hash on such a kernel */
	bool nested_v2;		/* nested, through the PAPR API v2 (kvmhv_is_nestedv2) */
	bool kvm_hv_preempt_safe; /* kvm-hv disables preemption around its HPTE locks */
};

struct ppcmmu_host_modes {
	u64 guest_modes;	/* KVM_PPC_MMU_GUEST_* */
	u64 host_flags;		/* KVM_PPC_MMU_HOST_* */
};

bool ppcmmu_p9_cannot_mix_hash_radix(u32 pvr);
void ppcmmu_host_modes(const struct ppcmmu_host_facts *facts,
		       struct ppcmmu_host_modes *out);

#endif /* PPCMMU_LOGIC_HOST_MODES_H */
