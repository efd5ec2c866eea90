// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM state of the module, keyed by struct kvm.
 *
 * KVM gives a module no slot in struct kvm, so VMs are found through a small
 * RCU hash table. An entry is created the first time a VM enters the module
 * in a way that can last (ppcmmu_vm_pin) and takes a reference on this
 * module; the VM's destroy hook drops both (ppcmmu_vm_release). That is what
 * makes rmmod fail with EBUSY while any such VM lives.
 */
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "ppc_mmu.h"
#include "trace.h"

static DEFINE_HASHTABLE(ppcmmu_vms, 6);
static DEFINE_SPINLOCK(ppcmmu_vms_lock);	/* writers; readers use RCU */
static atomic_t ppcmmu_vm_ids = ATOMIC_INIT(0);

static struct ppcmmu_vm *ppcmmu_vm_lookup_rcu(struct kvm *kvm)
{
	struct ppcmmu_vm *vm;

	hash_for_each_possible_rcu(ppcmmu_vms, vm, node, (unsigned long)kvm)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

/*
 * The returned entry stays valid while the caller runs on behalf of @kvm:
 * it is only freed by the VM's destroy hook, which KVM calls after every
 * vcpu and VM ioctl of that VM has returned.
 */
struct ppcmmu_vm *ppcmmu_vm_find(struct kvm *kvm)
{
	struct ppcmmu_vm *vm;

	rcu_read_lock();
	vm = ppcmmu_vm_lookup_rcu(kvm);
	rcu_read_unlock();
	return vm;
}

/*
 * Whether any vcpu of @kvm has entered KVM_RUN, through the module or not:
 * before the module was loaded (it may still be inside KVM-HV's own
 * vcpu_run), or while its entry could not be allocated (hooks.c runs such
 * a vcpu ungated). A new entry starts from this, so such a VM cannot opt in
 * afterwards (ioctl.c). Reads kvm->online_vcpus and the vcpu array as
 * kvm_for_each_vcpu() allows without kvm->lock; a vcpu created after the
 * look has not run, or runs through the module and says so itself (run.c).
 */
static bool ppcmmu_vm_vcpus_entered_run(struct kvm *kvm)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm)
		if (ppcmmu_vcpu_entered_run(vcpu))
			return true;
	return false;
}

/*
 * Find or create @kvm's entry, pinning this module for the VM's lifetime.
 * ERR_PTR(-ENODEV) when the module is being unloaded (no new pin is
 * possible), ERR_PTR(-ENOMEM) when the entry cannot be allocated.
 */
struct ppcmmu_vm *ppcmmu_vm_pin(struct kvm *kvm)
{
	struct ppcmmu_vm *vm, *raced;

	vm = ppcmmu_vm_find(kvm);
	if (vm)
		return vm;

	/*
	 * Pin before anything that may sleep: hooks.c's vcpu_run wrapper
	 * runs outside SRCU and relies on never sleeping unpinned.
	 */
	if (!try_module_get(THIS_MODULE))
		return ERR_PTR(-ENODEV);
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm) {
		module_put(THIS_MODULE);
		return ERR_PTR(-ENOMEM);
	}
	vm->kvm = kvm;
	vm->pid = task_tgid_nr(current);
	vm->vcpus_ran = ppcmmu_vm_vcpus_entered_run(kvm);
	mutex_init(&vm->lock);
	init_rwsem(&vm->entry_gate);

	spin_lock(&ppcmmu_vms_lock);
	raced = ppcmmu_vm_lookup_rcu(kvm);
	if (!raced) {
		/* Numbered once published: ids of live VMs are unique. */
		vm->id = atomic_inc_return(&ppcmmu_vm_ids);
		hash_add_rcu(ppcmmu_vms, &vm->node, (unsigned long)kvm);
	}
	spin_unlock(&ppcmmu_vms_lock);

	if (raced) {		/* another vcpu of this VM got there first */
		module_put(THIS_MODULE);
		kfree(vm);
		return raced;
	}
	return vm;
}

/*
 * Called from the destroy_vm hook once KVM-HV has torn the VM down. The
 * module reference is dropped last; the hook's caller still runs a few
 * instructions of ours after this, which hooks.c's unload path covers.
 */
void ppcmmu_vm_release(struct kvm *kvm)
{
	struct ppcmmu_vm *vm;

	spin_lock(&ppcmmu_vms_lock);
	vm = ppcmmu_vm_lookup_rcu(kvm);
	if (vm)
		hash_del_rcu(&vm->node);
	spin_unlock(&ppcmmu_vms_lock);

	if (!vm)
		return;
	kfree_rcu(vm, rcu);
	module_put(THIS_MODULE);
}

bool ppcmmu_vm_registry_empty(void)
{
	bool empty;

	spin_lock(&ppcmmu_vms_lock);
	empty = hash_empty(ppcmmu_vms);
	spin_unlock(&ppcmmu_vms_lock);
	return empty;
}

void ppcmmu_refused(struct ppcmmu_vm *vm, enum ppcmmu_op op, long code, bool busy)
{
	if (vm) {
		atomic64_inc(&vm->nr_refusals);
		if (busy)
			atomic64_inc(&vm->nr_busy);
	}
	trace_ppc_mmu_refusal(vm, op, code, busy);
}
