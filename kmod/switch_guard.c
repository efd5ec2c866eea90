// SPDX-License-Identifier: GPL-2.0
/*
 * When the module may switch a VM between radix and hash, given what the
 * VMM's own ioctls are doing to the same VM.
 *
 * KVM-HV's switch (kvmppc_switch_mmu_to_radix() / _to_hpt(), under
 * kvm->arch.mmu_setup_lock) frees the structures of the mode it leaves: the
 * HPT and its reverse map, or the radix tree. KVM-HV's vcpus_running check
 * and the entry gate (struct ppcmmu_vm) keep vcpus out of the guest
 * meanwhile, but these VMM paths use those structures without
 * mmu_setup_lock:
 *
 *   KVM_GET_DIRTY_LOG         walks the HPT and rmap, or the radix tree
 *                             (under kvm->slots_lock)
 *   read() of an HTAB fd      walks the HPT and its reverse map (no lock;
 *                             kvm->arch.hpte_mod_interest counts such fds)
 *   memslot delete or move    unmaps through the HPT or the radix tree
 *                             (under kvm->slots_lock)
 *   KVM_CREATE_VCPU           a new vcore copies kvm->arch.lpcr (under
 *                             kvm->lock); a switch between the copy and the
 *                             vcore's publication leaves that vcpu the old
 *                             mode's LPCR, the host hang the gate exists for
 *
 * and pages the guest dirtied in one mode are recorded only in that mode's
 * structures (HPTE change bits and the rmap, radix PTE dirty bits), which the
 * switch throws away: during dirty logging a switch would drop them from the
 * migration stream. QEMU keeps all of this apart with its big lock; the
 * module's switches run in vcpu threads, which QEMU runs without it.
 *
 * The rule: a switch of the module's goes ahead only while it holds, taken
 * without waiting, kvm->lock (no vcpu being created) and kvm->slots_lock (no
 * dirty log being read, no memslot changing), and finds no memslot with
 * dirty logging on and no HTAB fd open or being opened. Otherwise it is
 * busy, exactly as when another vcpu is inside KVM_RUN: the guest is
 * answered H_LONG_BUSY_ORDER_1_MSEC (H_REGISTER_PROC_TBL) or CAS busy, the
 * VMM EBUSY, and nothing changes. Linux retries H_LONG_BUSY_* for as long as
 * it gets it, so a guest that switches during a migration waits until the
 * VMM ends dirty logging; it never waits for a lock.
 *
 * Why never wait: the switch may run in a vcpu thread, which holds
 * vcpu->mutex, while KVM takes kvm->lock outside vcpu->mutex
 * (Documentation/virt/kvm/locking.rst); and a guest must not be able to
 * park its vcpu thread behind the VMM's long ioctls (pausing every vcpu, as
 * a VMM does to snapshot or migrate, would wait for it).
 *
 * The HTAB fd window: KVM_PPC_GET_HTAB_FD makes the fd visible
 * (anon_inode_getfd()) before it counts it in hpte_mod_interest, so another
 * thread could read it before any count says so. hooks.c therefore routes
 * that ioctl through ppcmmu_get_htab_fd_ioctl(), which counts the opening
 * in vm->htab_fds_opening under vm->lock, the lock every switch of the
 * module's holds: a switch either finished before the opening began or sees
 * it.
 */
#include <linux/kvm_host.h>

#include "ppc_mmu.h"

/* Is dirty logging on for any memslot? Under kvm->slots_lock. */
static bool ppcmmu_dirty_logging(struct kvm *kvm)
{
	struct kvm_memory_slot *slot;
	int bkt;

	lockdep_assert_held(&kvm->slots_lock);
	kvm_for_each_memslot(slot, bkt, kvm_memslots(kvm))
		if (slot->flags & KVM_MEM_LOG_DIRTY_PAGES)
			return true;
	return false;
}

/*
 * Take what a switch of @vm needs (see above), without waiting; the caller
 * holds vm->lock. 0: hold it until ppcmmu_switch_guard_end(). -EBUSY:
 * something was in the way, and nothing is held.
 */
int ppcmmu_switch_guard_begin(struct ppcmmu_vm *vm)
{
	struct kvm *kvm = vm->kvm;

	lockdep_assert_held(&vm->lock);
	if (!mutex_trylock(&kvm->lock))
		return -EBUSY;
	if (!mutex_trylock(&kvm->slots_lock))
		goto unlock_vm;
	if (ppcmmu_dirty_logging(kvm) ||
	    atomic_read(&vm->htab_fds_opening) ||
	    atomic_read(&kvm->arch.hpte_mod_interest))
		goto unlock_slots;
	/* last: vcpus wait for the gate, so hold it as briefly as we can */
	if (!down_write_trylock(&vm->entry_gate))
		goto unlock_slots;
	return 0;

unlock_slots:
	mutex_unlock(&kvm->slots_lock);
unlock_vm:
	mutex_unlock(&kvm->lock);
	return -EBUSY;
}

void ppcmmu_switch_guard_end(struct ppcmmu_vm *vm)
{
	up_write(&vm->entry_gate);
	mutex_unlock(&vm->kvm->slots_lock);
	mutex_unlock(&vm->kvm->lock);
}

/*
 * KVM_PPC_GET_HTAB_FD of any HV VM (hooks.c). The opening is counted under
 * vm->lock, so no switch of ours is under way when it starts, and every
 * later one sees it until KVM-HV has counted the fd itself. The lock is not
 * held across KVM-HV's ioctl, which may wait on the VMM's memory: a stuck
 * opening only keeps this VM's switches busy.
 */
long ppcmmu_get_htab_fd_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct kvm *kvm = filp->private_data;
	struct ppcmmu_vm *vm = ppcmmu_vm_pin(kvm);
	long r;

	/*
	 * ENODEV: the module is going, so no VM is pinned and no switch of
	 * ours can start any more: nothing to order against.
	 */
	if (IS_ERR(vm) && PTR_ERR(vm) != -ENODEV)
		return PTR_ERR(vm);
	if (IS_ERR(vm))
		return ppcmmu_orig_ops.arch_vm_ioctl(filp, ioctl, arg);

	if (mutex_lock_killable(&vm->lock))
		return -EINTR;
	atomic_inc(&vm->htab_fds_opening);
	mutex_unlock(&vm->lock);

	r = ppcmmu_orig_ops.arch_vm_ioctl(filp, ioctl, arg);

	/* KVM-HV counted a read fd in hpte_mod_interest before returning */
	atomic_dec(&vm->htab_fds_opening);
	return r;
}
