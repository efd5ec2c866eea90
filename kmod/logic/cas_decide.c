// SPDX-License-Identifier: GPL-2.0
/*
 * Which MMU a guest gets at client-architecture-support.
 *
 * Follows QEMU's spapr (do_client_architecture_support) where QEMU answers,
 * and gives a defined result where QEMU would terminate the VM:
 *   - no ISA 3.00 bit in OV1: a legacy guest. It runs hash (whatever OV5
 *     says), and the VMM must clear the radix bit in ibm,pa-features: some
 *     4.x-era kernels crash when they see it.
 *   - OV5 byte 24: 0x00 hash, 0x40 radix, 0x80/0xc0 either (QEMU exits on
 *     these; Linux never sends them): radix if the host has it, else hash.
 *   - a mode the host cannot give: MODE_UNAVAILABLE, nothing changed.
 *   - OV5 byte 26 bit 0x40 with radix: GTSE, acknowledged.
 * Malformed vectors: H_PARAMETER, as QEMU answers a missing OV1/OV5; no
 * usable PVR: H_HARDWARE, as QEMU answers that. MODE_UNAVAILABLE suggests
 * H_HARDWARE to a VMM that wants to return rather than stop the VM.
 */
#include "cas_decide.h"
#include "papr.h"
#include <linux/kvm_ppc_mmu.h>

u8 ppcmmu_cas_platform_byte24(u64 guest_modes)
{
	bool radix = guest_modes & KVM_PPC_MMU_GUEST_RADIX;
	bool hash = guest_modes & KVM_PPC_MMU_GUEST_HASH;

	if (radix && hash)
		return PPCMMU_OV5_24_EITHER;
	return radix ? PPCMMU_OV5_24_RADIX : PPCMMU_OV5_24_HASH;
}

static void ppcmmu_cas_refuse(struct ppcmmu_cas_decision *out, enum ppcmmu_cas_status status,
			      enum ppcmmu_cas_err reason, long hret)
{
	out->status = status;
	out->reason = reason;
	out->hcall_ret = hret;
}

void ppcmmu_cas_decide(const struct ppcmmu_cas_vec *vec, enum ppcmmu_cas_err parse_err,
		       u64 guest_modes, struct ppcmmu_cas_decision *out)
{
	bool host_radix = guest_modes & KVM_PPC_MMU_GUEST_RADIX;
	bool radix;
	u8 mmu;

	memset(out, 0, sizeof(*out));
	if (parse_err) {		/* @vec may hold nothing useful */
		ppcmmu_cas_refuse(out, PPCMMU_CAS_MALFORMED, parse_err,
				  parse_err == PPCMMU_CAS_ERR_NO_PVR ? PPCMMU_H_HARDWARE :
								       PPCMMU_H_PARAMETER);
		return;
	}

	mmu = ppcmmu_ov_byte(vec->ov5, vec->ov5_len, 24) & PPCMMU_OV5_24_MMU_MASK;
	out->compat_pvr = vec->pvr_raw_match ? 0 : vec->compat_pvr;
	out->legacy = !(ppcmmu_ov_byte(vec->ov1, vec->ov1_len, 3) & PPCMMU_OV1_ISA_300);

	if (out->legacy)
		radix = false;
	else if (mmu == PPCMMU_OV5_24_EITHER || mmu == PPCMMU_OV5_24_DYNAMIC)
		radix = host_radix;
	else
		radix = mmu == PPCMMU_OV5_24_RADIX;

	if (!(guest_modes & (out->legacy ? KVM_PPC_MMU_GUEST_LEGACY :
			     radix ? KVM_PPC_MMU_GUEST_RADIX : KVM_PPC_MMU_GUEST_HASH))) {
		ppcmmu_cas_refuse(out, PPCMMU_CAS_MODE_UNAVAILABLE, PPCMMU_CAS_ERR_NONE,
				  PPCMMU_H_HARDWARE);
		return;
	}

	out->radix = radix;
	out->gtse = radix && (ppcmmu_ov_byte(vec->ov5, vec->ov5_len, 26) &
			      PPCMMU_OV5_26_RADIX_GTSE);
	out->ack_byte24 = radix ? PPCMMU_OV5_24_RADIX : PPCMMU_OV5_24_HASH;
	out->ack_byte26 = out->gtse ? PPCMMU_OV5_26_RADIX_GTSE : 0;
	out->status = PPCMMU_CAS_ACCEPTED;
	out->hcall_ret = PPCMMU_H_SUCCESS;
}
