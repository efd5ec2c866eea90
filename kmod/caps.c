// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_PPC_MMU_GET_CAPS: read the host's facts, let the pure logic turn them
 * into the uapi's bits, and take the radix page-size encodings from KVM-HV's
 * own get_rmmu_info so they always match what KVM_PPC_GET_RMMU_INFO says.
 */
#include <linux/kvm_ppc_mmu.h>

#include <linux/moduleparam.h>
#include <linux/sched.h>	/* preempt_model_preemptible() */

#include "ppc_mmu.h"	/* kvm_host.h must precede the book3s headers */
#include <asm/kvm_book3s_64.h>
#include <asm/mmu.h>
#include "logic/host_modes.h"

/*
 * QEMU's emulated POWER9 is DD2.0, where KVM-HV refuses hash guests on a
 * radix host because real DD2.0 silicon cannot run hash and radix threads on
 * one core. The only way to exercise radix <-> hash switching on that rig is
 * to override this, so the override exists, off by default, loud when on.
 */
static bool allow_hash_on_no_mixing_cpu;
module_param(allow_hash_on_no_mixing_cpu, bool, 0444);
MODULE_PARM_DESC(allow_hash_on_no_mixing_cpu,
		 "Offer hash guests on a radix POWER9 < DD2.2 host (emulated test hosts only; taints)");

/*
 * A preemptible host kernel can hang a CPU under a hash guest (see
 * logic/host_modes.c), so hash is withheld there unless the admin, knowing
 * the vcpu threads are free to run on other CPUs, asks for it.
 */
static bool allow_hash_on_preemptible_kernel;
module_param(allow_hash_on_preemptible_kernel, bool, 0444);
MODULE_PARM_DESC(allow_hash_on_preemptible_kernel,
		 "Offer hash guests on a preemptible kernel, where KVM-HV can hang a host CPU under one (taints)");

/*
 * On a kernel whose own kvm-hv lacks the fix, hash becomes safe once a
 * kvm-hv rebuilt with it is loaded (tools/kvm-hv/build.sh --install, which
 * also sets this). The module cannot see the fix in a module's code, so it
 * checks what it can: the loaded kvm-hv must be one built outside the
 * kernel tree (TAINT_OOT_MODULE). After a kernel update brings back the
 * distribution's kvm-hv, the setting is ignored and hash withheld again.
 */
static bool kvm_hv_preempt_fixed;
module_param(kvm_hv_preempt_fixed, bool, 0444);
MODULE_PARM_DESC(kvm_hv_preempt_fixed,
		 "The loaded kvm-hv is rebuilt with tools/kvm-hv/patches (preemptible kernels: offer hash guests)");

/*
 * For the VMM's tests only: show a VMM the two probe answers it must treat
 * as "not this module" on a host that gives neither. test_as_preemptible
 * makes the module judge this kernel preemptible and its kvm-hv unfixed, so
 * it withholds hash exactly as on a 7.x host; test_report_abi_version makes GET_CAPS report
 * an older ABI (0: the module's own). tools/debian13: QEMU under
 * kvm-ppc-mmu=auto must then run the VM without the module.
 */
static bool test_as_preemptible;
module_param(test_as_preemptible, bool, 0444);
MODULE_PARM_DESC(test_as_preemptible,
		 "Testing only: judge this kernel preemptible, its kvm-hv unfixed (hash guests withheld)");

static unsigned int test_report_abi_version;
module_param(test_report_abi_version, uint, 0444);
MODULE_PARM_DESC(test_report_abi_version,
		 "Testing only: KVM_PPC_MMU_GET_CAPS reports this ABI version (0: the module's)");

static struct ppcmmu_host_facts ppcmmu_facts;
static struct ppcmmu_host_modes ppcmmu_modes;

static bool ppcmmu_kvm_hv_preempt_safe(struct module *kvm_hv)
{
	bool rebuilt = test_bit(TAINT_OOT_MODULE, &kvm_hv->taints);

	if (PPCMMU_KVM_HV_PREEMPT_FIX_UPSTREAM)
		return true;
	if (kvm_hv_preempt_fixed && !rebuilt)
		pr_warn("kvm-ppc-mmu: kvm_hv_preempt_fixed=1 ignored: the loaded kvm-hv is the kernel's own, built without the fix (tools/kvm-hv/build.sh --install)\n");
	return kvm_hv_preempt_fixed && rebuilt;
}

/* Host facts cannot change while the module is loaded: read them once. */
void ppcmmu_host_init(struct module *kvm_hv)
{
	ppcmmu_facts.arch_300 = cpu_has_feature(CPU_FTR_ARCH_300);
	ppcmmu_facts.radix_host = radix_enabled();
	ppcmmu_facts.nested = kvmhv_on_pseries();
	ppcmmu_facts.nested_v2 = ppcmmu_kvmhv_is_nestedv2();
	ppcmmu_facts.hash_v3_possible = ppcmmu_orig_ops.hash_v3_possible &&
					ppcmmu_orig_ops.hash_v3_possible();
	ppcmmu_facts.force_mixing = allow_hash_on_no_mixing_cpu;
	ppcmmu_facts.pvr = mfspr(SPRN_PVR);
	ppcmmu_facts.preemptible = preempt_model_preemptible() ||
				    test_as_preemptible;
	ppcmmu_facts.force_preemptible = allow_hash_on_preemptible_kernel;
	ppcmmu_facts.kvm_hv_preempt_safe = ppcmmu_facts.preemptible &&
					   !test_as_preemptible &&
					   ppcmmu_kvm_hv_preempt_safe(kvm_hv);
	ppcmmu_host_modes(&ppcmmu_facts, &ppcmmu_modes);

	if (ppcmmu_modes.host_flags & KVM_PPC_MMU_HOST_NESTED_V2)
		pr_info("kvm-ppc-mmu: KVM-HV runs its guests through the PAPR nested API v2 (KVM in a PowerVM LPAR): radix guests only, tables set through H_GUEST_SET_STATE\n");

	if (ppcmmu_modes.host_flags & KVM_PPC_MMU_HOST_MIXING_FORCED) {
		pr_warn("kvm-ppc-mmu: allow_hash_on_no_mixing_cpu: offering hash guests on a POWER9 (PVR %#x) that cannot mix hash and radix; for emulated test hosts only\n",
			ppcmmu_facts.pvr);
		add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	} else if (allow_hash_on_no_mixing_cpu) {
		pr_info("kvm-ppc-mmu: allow_hash_on_no_mixing_cpu has no effect on this host\n");
	}

	if (ppcmmu_modes.host_flags & KVM_PPC_MMU_HOST_PREEMPTIBLE) {
		pr_warn("kvm-ppc-mmu: hash guests withheld: this kernel is preemptible and KVM-HV handles a hash guest's HPT hypercalls and faults under raw locks with preemption on, which can hang a host CPU; %s (a kvm-hv rebuilt with the fix: tools/kvm-hv/build.sh)\n",
			ppcmmu_modes.guest_modes ? "radix guests only" :
			"no guest mode offered on this hash host");
	} else if (ppcmmu_modes.host_flags & KVM_PPC_MMU_HOST_PREEMPT_FORCED) {
		pr_warn("kvm-ppc-mmu: allow_hash_on_preemptible_kernel: offering hash guests on a preemptible kernel, where one can hang a host CPU\n");
		add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	} else if (ppcmmu_modes.host_flags & KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE) {
		pr_info("kvm-ppc-mmu: preemptible kernel, hash guests offered: kvm-hv runs their HPT hypercalls and faults with preemption disabled (%s)\n",
			PPCMMU_KVM_HV_PREEMPT_FIX_UPSTREAM ? "upstream fix in this kernel" :
			"rebuilt with tools/kvm-hv/patches");
	}
	if (allow_hash_on_preemptible_kernel &&
	    !(ppcmmu_modes.host_flags & KVM_PPC_MMU_HOST_PREEMPT_FORCED))
		pr_info("kvm-ppc-mmu: allow_hash_on_preemptible_kernel has no effect on this host\n");
}

u64 ppcmmu_guest_modes(void)
{
	return ppcmmu_modes.guest_modes;
}

int ppcmmu_fill_caps(struct kvm *kvm, struct kvm_ppc_mmu_caps *caps)
{
	const struct ppcmmu_host_facts *facts = &ppcmmu_facts;
	const struct ppcmmu_host_modes *modes = &ppcmmu_modes;
	struct kvm_ppc_rmmu_info rmmu;
	u32 i, n = 0;

	caps->abi_version = test_report_abi_version ?: KVM_PPC_MMU_ABI_VERSION;
	caps->guest_modes = modes->guest_modes;
	caps->host_flags = modes->host_flags;
	caps->pvr = facts->pvr;

	if ((modes->guest_modes & KVM_PPC_MMU_GUEST_RADIX) &&
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
