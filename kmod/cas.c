// SPDX-License-Identifier: GPL-2.0
/*
 * The MMU part of ibm,client-architecture-support, for KVM_PPC_MMU_CAS and
 * for KVMPPC_H_CAS intercepted in run.c.
 *
 * The vector is copied out of guest RAM (never past the memslot holding its
 * start, never more than the parser can use), parsed and judged by the pure
 * code in logic/, and only an accepted outcome touches the VM:
 *   hash chosen: an HPT sized from RAM is put in place and KVM-HV's
 *     configure_mmu switches the VM to HPT; it builds the VRMA on the next
 *     entry, so a guest that issued CAS in radix real mode keeps running.
 *   radix chosen: a radix VM stays as it is (the guest registers its
 *     process table next, as with QEMU); a hash VM is switched to radix.
 */
#include <linux/slab.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s_64.h>
#include <asm/hvcall.h>
#include "logic/cas_decide.h"
#include "logic/papr.h"
#include "trace.h"

static_assert(PPCMMU_H_MULTI_THREADS_ACTIVE == H_MULTI_THREADS_ACTIVE);
static_assert(PPCMMU_CAS_ACCEPTED == KVM_PPC_MMU_CAS_ACCEPTED);
static_assert(PPCMMU_CAS_MALFORMED == KVM_PPC_MMU_CAS_MALFORMED);
static_assert(PPCMMU_CAS_MODE_UNAVAILABLE == KVM_PPC_MMU_CAS_MODE_UNAVAILABLE);
static_assert(PPCMMU_CAS_BUSY == KVM_PPC_MMU_CAS_BUSY);
static_assert(PPCMMU_CAS_NO_MEMORY == KVM_PPC_MMU_CAS_NO_MEMORY);
static_assert(PPCMMU_CAS_ERR_NOT_IN_RAM == KVM_PPC_MMU_CAS_ERR_NOT_IN_RAM);
static_assert(PPCMMU_CAS_ERR_NO_PVR == KVM_PPC_MMU_CAS_ERR_NO_PVR);

/*
 * Copy the vector at @gpa into @buf: at most @max bytes, never past the end
 * of the memslot holding @gpa. Returns the bytes copied, 0 if @gpa is not
 * RAM. The memslot lookup and the read happen in one kvm->srcu read
 * section: a VMM thread deleting the slot meanwhile waits for it in
 * synchronize_srcu() instead of freeing the slot under the read.
 */
static size_t ppcmmu_read_vector(struct kvm *kvm, u64 gpa, u8 *buf, size_t max)
{
	struct kvm_memory_slot *slot;
	size_t avail = 0;
	u64 end;
	int idx;

	idx = srcu_read_lock(&kvm->srcu);
	slot = ppcmmu_gfn_to_memslot(kvm, gpa >> PAGE_SHIFT);
	if (slot && !(slot->flags & KVM_MEMSLOT_INVALID)) {
		end = (slot->base_gfn + slot->npages) << PAGE_SHIFT;
		avail = min_t(u64, end - gpa, max);
	}
	if (avail && ppcmmu_read_guest(kvm, gpa, buf, avail))
		avail = 0;
	srcu_read_unlock(&kvm->srcu, idx);
	return avail;
}

static u32 ppcmmu_max_compat_pvr(void)
{
	return cpu_has_feature(CPU_FTR_ARCH_31) ? PPCMMU_PVR_ARCH_31 : PPCMMU_PVR_ARCH_300;
}

static void ppcmmu_cas_refuse(struct ppcmmu_cas_decision *d, enum ppcmmu_cas_status status,
			      long hret)
{
	d->status = status;
	d->hcall_ret = hret;
}

/* Make the VM's MMU what @d says; on failure change nothing. */
static void ppcmmu_cas_apply(struct ppcmmu_vm *vm, struct ppcmmu_cas_decision *d)
{
	struct kvm_ppc_mmuv3_cfg cfg = { 0 };	/* hash, no process table */
	struct kvm *kvm = vm->kvm;
	struct ppcmmu_hpt_want want = { .from_radix = true };
	int err;

	if (d->radix == kvm_is_radix(kvm)) {
		/*
		 * Radix stays as it is. Hash only needs its HPT, and keeps the
		 * one it has: a CAS again (a reboot) allocates nothing.
		 */
		err = d->radix ? 0 : ppcmmu_hpt_install_sized(vm, PPCMMU_CAUSE_CAS);
	} else if (d->radix) {
		cfg.flags = KVM_PPC_MMUV3_RADIX | (d->gtse ? KVM_PPC_MMUV3_GTSE : 0);
		cfg.process_table = PATB_GR;
		err = ppcmmu_configure_mmu(vm, &cfg, NULL, PPCMMU_CAUSE_CAS);
	} else {
		want.order = ppcmmu_hpt_sized_order(vm);
		err = ppcmmu_configure_mmu(vm, &cfg, &want, PPCMMU_CAUSE_CAS);
	}

	if (err == -ENOMEM)
		ppcmmu_cas_refuse(d, PPCMMU_CAS_NO_MEMORY, H_NO_MEM);
	else if (err == -EBUSY)
		ppcmmu_cas_refuse(d, PPCMMU_CAS_BUSY, H_MULTI_THREADS_ACTIVE);
	else if (err)
		ppcmmu_cas_refuse(d, PPCMMU_CAS_MODE_UNAVAILABLE, H_HARDWARE);
}

static void ppcmmu_cas_report(struct kvm *kvm, const struct ppcmmu_cas_decision *d,
			      u64 vec_addr, struct kvm_ppc_mmu_cas *out)
{
	memset(out, 0, sizeof(*out));
	out->vec_addr = vec_addr;
	out->status = d->status;
	out->reason = d->reason;
	out->hcall_ret = d->hcall_ret;
	out->platform_byte24 = ppcmmu_cas_platform_byte24(ppcmmu_guest_modes());
	if (d->status != PPCMMU_CAS_ACCEPTED)
		return;
	out->mode = d->radix ? KVM_PPC_MMU_MODE_RADIX : KVM_PPC_MMU_MODE_HASH;
	out->out_flags = (d->gtse ? KVM_PPC_MMU_CAS_OUT_GTSE : 0) |
			 (d->legacy ? KVM_PPC_MMU_CAS_OUT_LEGACY : 0);
	out->compat_pvr = d->compat_pvr;
	out->ov5_ack_byte24 = d->ack_byte24;
	out->ov5_ack_byte26 = d->ack_byte26;
	mutex_lock(&kvm->arch.mmu_setup_lock);
	out->hpt_order = kvm->arch.hpt.virt ? kvm->arch.hpt.order : 0;
	mutex_unlock(&kvm->arch.mmu_setup_lock);
}

/*
 * The PVR the guest sees: the calling vcpu's, as QEMU matches the CPU's
 * own (cpu->env.spr[SPR_PVR]), not the host's. For KVM_PPC_MMU_CAS, which
 * has no vcpu, the VM's first vcpu's, else what KVM-HV gives every new
 * vcpu (the host's). KVM-HV sets vcpu->arch.pvr from the host's PVR at
 * vcpu creation and refuses any other in KVM_SET_SREGS, so today they are
 * equal; a kernel that lets a VMM set a compatible model keeps working.
 */
u32 ppcmmu_vm_pvr(struct kvm *kvm, struct kvm_vcpu *vcpu)
{
	if (!vcpu)
		vcpu = kvm_get_vcpu(kvm, 0);
	return vcpu ? vcpu->arch.pvr : mfspr(SPRN_PVR);
}

/*
 * Negotiate for @vm the vector at guest address @vec_addr, for vcpu
 * @vcpu_id (the intercepted hypercall) or -1 (KVM_PPC_MMU_CAS), matching
 * the guest's PVR list against @pvr (ppcmmu_vm_pvr()).
 */
int ppcmmu_cas_negotiate(struct ppcmmu_vm *vm, int vcpu_id, u32 pvr, u64 vec_addr,
			 struct kvm_ppc_mmu_cas *out)
{
	u64 gpa = vec_addr & ~(0xfULL << 60);	/* as QEMU's ppc64_phys_to_real */
	struct kvm *kvm = vm->kvm;
	struct ppcmmu_cas_decision d;
	struct ppcmmu_cas_vec *vec;
	enum ppcmmu_cas_err err;
	size_t len;
	u8 *buf;

	buf = kvmalloc(PPCMMU_CAS_MAX_BYTES, GFP_KERNEL_ACCOUNT);
	vec = kzalloc(sizeof(*vec), GFP_KERNEL_ACCOUNT);
	if (!buf || !vec) {
		kvfree(buf);
		kfree(vec);
		return -ENOMEM;
	}

	mutex_lock(&vm->lock);
	len = ppcmmu_read_vector(kvm, gpa, buf, PPCMMU_CAS_MAX_BYTES);
	if (!len)
		err = PPCMMU_CAS_ERR_NOT_IN_RAM;
	else
		err = ppcmmu_cas_parse(buf, len, pvr, ppcmmu_max_compat_pvr(), vec);

	ppcmmu_cas_decide(vec, err, ppcmmu_guest_modes(), &d);
	if (d.status == PPCMMU_CAS_ACCEPTED)
		ppcmmu_cas_apply(vm, &d);
	ppcmmu_cas_report(kvm, &d, vec_addr, out);
	vm->cas = *out;
	vm->cas_valid = true;
	atomic64_inc(&vm->nr_cas);
	trace_ppc_mmu_cas(vm, vcpu_id, vec, out);
	if (out->status != KVM_PPC_MMU_CAS_ACCEPTED)
		ppcmmu_refused(vm, PPCMMU_OP_CAS, out->hcall_ret,
			       out->status == KVM_PPC_MMU_CAS_BUSY);
	mutex_unlock(&vm->lock);

	kvfree(buf);
	kfree(vec);
	return 0;
}
