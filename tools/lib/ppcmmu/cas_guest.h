/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot the CAS guest of mmu_guest.h in a fresh opted-in VM (all
 * features, 64 MiB), the way a VMM does with the module: the guest's
 * KVMPPC_H_CAS is negotiated in the kernel (FEAT_CAS), the VMM reads the
 * outcome with KVM_PPC_MMU_GET_CAS and answers the guest, which then
 * registers its process table and runs translated to DONE. The VM is left
 * alive for the caller to inspect and destroy.
 */
#ifndef PPCMMU_LIB_CAS_GUEST_H
#define PPCMMU_LIB_CAS_GUEST_H

#include <stdint.h>
#include <linux/kvm_ppc_mmu.h>

#include "guest.h"
#include "mmu_guest.h"

#define CAS_GUEST_MEM		(64UL << 20)
#define CAS_GUEST_HPT_ORDER	19		/* RAM-sized HPT for 64 MiB */
#define CAS_GUEST_VEC_ADDR	0x400000ULL

/*
 * A Linux 6.1 vector with OV5 byte 24 = @ov5_24 (0x40 radix, 0x00 hash),
 * byte 26 = @ov5_26. 0 or -errno (set-up, or the first exit was not the
 * CAS); @out and @res hold the outcome and what the guest reported.
 */
int cas_guest_boot(struct guest_vm *vm, uint8_t ov5_24, uint8_t ov5_26,
		   struct kvm_ppc_mmu_cas *out, struct mmu_guest_result *res);
/*
 * cas_guest_boot() in two steps, for callers that time them apart
 * (tools/bench/bench_scale.c): prepare creates the VM, opts it in and
 * writes the guest and its vector (on failure the VM may be half made:
 * guest_vm_destroy() it anyway); negotiate runs it from the CAS to DONE.
 */
int cas_guest_prepare(struct guest_vm *vm, uint8_t ov5_24, uint8_t ov5_26);
int cas_guest_negotiate(struct guest_vm *vm, struct kvm_ppc_mmu_cas *out,
			struct mmu_guest_result *res);

#endif
