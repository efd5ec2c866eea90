// SPDX-License-Identifier: GPL-2.0
/*
 * Which guest MMU modes a host can give.
 *
 * KVM-HV is the authority on whether it can run a hash guest
 * (hash_v3_possible) and the module never overrides it; this file turns
 * that and the host's own state into the uapi's bits, and names the reason
 * when hash is refused so a VMM can tell an admin why.
 */
#include "host_modes.h"
#include <linux/kvm_ppc_mmu.h>

#define PVR_VER_POWER9	0x004e

/*
 * POWER9 before DD2.2 cannot run hash threads next to radix threads on one
 * core. kvm-hv encodes that as: Nimbus (pvr bits 0xe000 == 0) before 2.02,
 * Cumulus (0x2000) before 1.01. Mirrored here only to name the reason.
 */
bool ppcmmu_p9_cannot_mix_hash_radix(u32 pvr)
{
	u32 rev = pvr & 0xfff;

	if ((pvr >> 16) != PVR_VER_POWER9)
		return false;
	if ((pvr & 0xe000) == 0)
		return rev < 0x202;
	if ((pvr & 0xe000) == 0x2000)
		return rev < 0x101;
	return false;
}

/*
 * Hash guests and a preemptible host kernel. On ISA 3.00 KVM-HV runs every
 * guest through its POWER9 entry path, which handles a hash guest's HPT
 * hypercalls (H_ENTER, H_REMOVE, H_PROTECT, H_READ, H_BULK_REMOVE,
 * H_CLEAR_REF/MOD: kvmppc_pseries_do_hcall) and HPT faults
 * (kvmppc_hpte_hv_fault) in virtual mode with preemption enabled, under
 * locks written for real mode: arch_spin_lock() on kvm->mmu_lock's raw lock
 * and the HPTE/rmap bit locks, none of which disables preemption. Preempted
 * while holding one, the vcpu thread leaves any other taker on that CPU
 * spinning with preemption off: the host CPU hangs for good when the vcpu
 * thread cannot run elsewhere (pinned vcpus, one CPU). Seen on Debian's 7.2
 * (PREEMPT_LAZY) as a soft lockup of kdamond in kvm_mmu_notifier_test_young
 * while a hash guest booted. Non-preemptible kernels (6.1, 6.12: voluntary)
 * cannot be preempted inside those sections. So on a preemptible kernel the
 * module does not offer hash, unless kvm-hv has the fix (upstream's, in
 * 6.12.117 and later, or tools/kvm-hv/patches/ in a rebuilt kvm-hv.ko):
 * those handlers then run with preemption disabled. KVM-HV itself still
 * runs hash VMs a VMM sets up without the module.
 *
 * The module cannot make an unfixed kvm-hv safe by itself. It could take
 * the HPT hypercalls away from KVM-HV's in-kernel set and answer them with
 * preemption off, but kvmppc_hpte_hv_fault() runs inside KVM-HV's own exit
 * handling, out of reach of any hook, and holds an HPTE lock bit that the
 * MMU notifier waits for with preemption off. That window is narrow
 * (selftests/ppc_mmu_preempt.c's "faults" scenario has not hit it yet)
 * but it is there, so hash stays withheld.
 */
static bool ppcmmu_hash_meets_preemption(const struct ppcmmu_host_facts *facts)
{
	return facts->arch_300 && facts->preemptible;
}

void ppcmmu_host_modes(const struct ppcmmu_host_facts *facts,
		       struct ppcmmu_host_modes *out)
{
	bool radix = facts->arch_300 && facts->radix_host;
	bool hash = facts->hash_v3_possible;
	bool no_mixing = facts->radix_host && !facts->nested && !hash &&
			 ppcmmu_p9_cannot_mix_hash_radix(facts->pvr);
	bool forced = no_mixing && facts->force_mixing;
	bool exposed, at_risk, preempt_withheld, preempt_forced, preempt_safe;

	if (forced)
		hash = true;	/* only ever by explicit admin request */
	/* Flags name a reason only where hash would otherwise be offered. */
	exposed = hash && ppcmmu_hash_meets_preemption(facts);
	preempt_safe = exposed && facts->kvm_hv_preempt_safe;
	at_risk = exposed && !facts->kvm_hv_preempt_safe;
	preempt_withheld = at_risk && !facts->force_preemptible;
	preempt_forced = at_risk && facts->force_preemptible;
	if (preempt_withheld)
		hash = false;

	out->guest_modes = 0;
	out->host_flags = 0;

	if (radix)
		out->guest_modes |= KVM_PPC_MMU_GUEST_RADIX;
	if (hash) {
		/*
		 * A pre-ISA-3.00 guest runs as a hash guest on POWER9, so it
		 * is available exactly where ISA 3.00 hash is.
		 */
		out->guest_modes |= KVM_PPC_MMU_GUEST_HASH | KVM_PPC_MMU_GUEST_LEGACY;
	}
	if (radix && hash)
		out->guest_modes |= KVM_PPC_MMU_GUEST_CAS_SWITCH;

	if (facts->radix_host)
		out->host_flags |= KVM_PPC_MMU_HOST_RADIX;
	if (facts->nested)
		out->host_flags |= KVM_PPC_MMU_HOST_NESTED;
	if (facts->nested && facts->nested_v2)
		out->host_flags |= KVM_PPC_MMU_HOST_NESTED_V2;
	if (no_mixing)
		out->host_flags |= KVM_PPC_MMU_HOST_NO_MIXING;
	if (forced)
		out->host_flags |= KVM_PPC_MMU_HOST_MIXING_FORCED;
	if (preempt_withheld)
		out->host_flags |= KVM_PPC_MMU_HOST_PREEMPTIBLE;
	if (preempt_forced)
		out->host_flags |= KVM_PPC_MMU_HOST_PREEMPT_FORCED;
	if (preempt_safe)
		out->host_flags |= KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE;
}
