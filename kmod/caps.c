// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_PPC_MMU_GET_CAPS: read the host's facts, let the pure logic turn them
 * into the uapi's bits, and take the radix page-size encodings from KVM-HV's
 * own get_rmmu_info so they always match what KVM_PPC_GET_RMMU_INFO says.
 */
#include <linux/kvm_ppc_mmu.h>

#include "ppc_mmu.h"	/* kvm_host.h must precede the book3s headers */
#include <asm/kvm_book3s_64.h>
#include <asm/mmu.h>
#include "logic/host_modes.h"

static void ppcmmu_read_host_facts(struct ppcmmu_host_facts *facts)
{
	facts->arch_300 = cpu_has_feature(CPU_FTR_ARCH_300);
	facts->radix_host = radix_enabled();
	facts->nested = kvmhv_on_pseries();
	facts->hash_v3_possible = ppcmmu_orig_ops.hash_v3_possible &&
				  ppcmmu_orig_ops.hash_v3_possible();
	facts->pvr = mfspr(SPRN_PVR);
}

int ppcmmu_fill_caps(struct kvm *kvm, struct kvm_ppc_mmu_caps *caps)
{
	struct ppcmmu_host_facts facts;
	struct ppcmmu_host_modes modes;
	struct kvm_ppc_rmmu_info rmmu;
	u32 i, n = 0;

	ppcmmu_read_host_facts(&facts);
	ppcmmu_host_modes(&facts, &modes);

	caps->abi_version = KVM_PPC_MMU_ABI_VERSION;
	caps->guest_modes = modes.guest_modes;
	caps->host_flags = modes.host_flags;
	caps->pvr = facts.pvr;

	if ((modes.guest_modes & KVM_PPC_MMU_GUEST_RADIX) &&
	    ppcmmu_orig_ops.get_rmmu_info &&
	    !ppcmmu_orig_ops.get_rmmu_info(kvm, &rmmu)) {
		/* KVM-HV fills the array from the front; 0 ends it. */
		for (i = 0; i < ARRAY_SIZE(rmmu.ap_encodings) &&
			    n < KVM_PPC_MMU_MAX_AP_ENCODINGS; i++) {
			if (!rmmu.ap_encodings[i])
				break;
			caps->ap_encodings[n++] = rmmu.ap_encodings[i];
		}
	}
	caps->nr_ap_encodings = n;
	return 0;
}
