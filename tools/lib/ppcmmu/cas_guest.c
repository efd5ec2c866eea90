// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cas_guest.h"
#include "cas_vectors.h"
#include "mmu_guest.h"

int cas_guest_prepare(struct guest_vm *vm, uint8_t ov5_24, uint8_t ov5_26)
{
	int r;

	r = mmu_guest_vm(vm, CAS_GUEST_MEM, GUEST_MMU_DEFAULT, KVM_PPC_MMU_FEAT_ALL);
	if (r)
		return r;
	mmu_guest_pages(vm);
	cas_vec_linux61(vm->mem + CAS_GUEST_VEC_ADDR, ov5_24, ov5_26);
	mmu_guest_cas_program(vm, CAS_GUEST_VEC_ADDR);
	r = guest_vcpu_add(vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	return r < 0 ? r : 0;
}

int cas_guest_negotiate(struct guest_vm *vm, struct kvm_ppc_mmu_cas *out,
			struct mmu_guest_result *res)
{
	struct kvm_run *run;
	int r;

	memset(out, 0, sizeof(*out));
	memset(res, 0, sizeof(*res));
	r = guest_vcpu_run(vm, 0);
	if (r)
		return r;
	run = vm->vcpus[0].run;
	if (run->exit_reason != KVM_EXIT_PAPR_HCALL || run->papr_hcall.nr != H_CAS)
		return -EPROTO;
	if (ioctl(vm->vm_fd, KVM_PPC_MMU_GET_CAS, out))
		return -errno;
	/* Answer as QEMU would: r3, then what the guest follows (r4, r5). */
	run->papr_hcall.ret = out->status == KVM_PPC_MMU_CAS_ACCEPTED ? 0 :
			      (uint64_t)out->hcall_ret;
	run->papr_hcall.args[0] = out->mode;
	run->papr_hcall.args[1] = !!(out->out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY);
	mmu_guest_run(vm, 0, res);
	return res->exits < 0 ? res->exits : 0;
}

int cas_guest_boot(struct guest_vm *vm, uint8_t ov5_24, uint8_t ov5_26,
		   struct kvm_ppc_mmu_cas *out, struct mmu_guest_result *res)
{
	int r;

	memset(out, 0, sizeof(*out));
	memset(res, 0, sizeof(*res));
	r = cas_guest_prepare(vm, ov5_24, ov5_26);
	return r ? r : cas_guest_negotiate(vm, out, res);
}
