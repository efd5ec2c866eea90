// SPDX-License-Identifier: GPL-2.0
/*
 * How the module sits inside KVM-HV.
 *
 * kvm.ko exports kvmppc_hv_ops, a pointer to kvm-hv's one ops struct, and
 * every HV VM's kvm->arch.kvm_ops points at that same struct. KVM decides
 * "is this an HV VM?" by comparing those two pointers
 * (is_kvmppc_hv_enabled), so neither pointer may change. Instead the module
 * rewrites three function pointers *inside* the struct, saving the
 * originals:
 *
 *   vcpu_run       in-kernel hypercalls for VMs that opted in (run.c)
 *   arch_vm_ioctl  the module's own VM ioctls (type KVM_PPC_MMU_IO)
 *   destroy_vm     per-VM cleanup
 *
 * Each wrapper passes straight through for everything that is not ours, so
 * a VM that never opts in behaves exactly as before.
 *
 * Lifetime rules (why unload is safe):
 *  - kvm-hv is pinned with a module reference from install to remove, so
 *    the struct we patched and the originals we call stay valid.
 *  - A VM whose vcpu runs through vcpu_run (which can last indefinitely)
 *    first pins *this* module (vm_registry.c) until its destroy_vm hook, so
 *    rmmod fails with EBUSY while such a VM lives. A KVM_RUN that arrives
 *    once the module is going (no pin possible) returns EINTR without
 *    entering the guest, so unload never waits for a guest.
 *  - arch_vm_ioctl holds a module reference for the call: a VM ioctl can
 *    block for as long as the caller likes (an argument on a userfaultfd
 *    page nobody resolves), and rmmod must then fail with EBUSY rather than
 *    wait for it. Only a call that arrives once the module is going (no
 *    reference possible) runs inside an SRCU read section instead; it is
 *    never one of ours (those return ENODEV then).
 *  - destroy_vm runs inside an SRCU read section; it never waits on
 *    userspace.
 *    vcpu_run, taken on every KVM_RUN of every HV VM, holds neither: it
 *    sleeps only once it holds a module reference (the VM's pin, or one
 *    for the call), and before that runs a few instructions that never
 *    sleep.
 *    On remove the originals are restored, then: a wait for every CPU to
 *    pass a quiescent state, so any CPU that had already loaded one of
 *    our pointers has entered its read section or, in vcpu_run, finished
 *    (no reference can be taken once the module is going);
 *    synchronize_srcu() so every read section has ended; the same wait
 *    again so the few instructions a wrapper runs after srcu_read_unlock
 *    or module_put (its epilogue) are done. The waits rely on those
 *    instructions not sleeping: with CONFIG_PREEMPTION a task could be
 *    preempted there, which RCU-tasks covers instead of RCU.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/srcu.h>
#include <linux/kvm_ppc_mmu.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s_64.h>
#include "trace.h"

#if defined(CONFIG_PREEMPTION) && !defined(CONFIG_TASKS_RCU)
#error "kvm-ppc-mmu needs CONFIG_TASKS_RCU for a safe unload on preemptible kernels"
#endif

struct kvmppc_ops ppcmmu_orig_ops;

static struct kvmppc_ops *ppcmmu_hv_ops;	/* kvm-hv's struct we patched */
static struct module *ppcmmu_hv_owner;		/* kvm-hv, pinned */

DEFINE_STATIC_SRCU(ppcmmu_srcu);

/*
 * For the selftests only: the hooks are published (load) and withdrawn
 * (unload) in a few instructions, so the races between those steps and
 * other CPUs' KVM calls cannot be hit on purpose. This stretches them:
 * at load, a sleep after destroy_vm is published and before the rest;
 * at unload, a sleep after the module is marked going and before any hook
 * is withdrawn. 0 (the default) costs nothing.
 */
static unsigned int test_hook_delay_ms;
module_param(test_hook_delay_ms, uint, 0444);
MODULE_PARM_DESC(test_hook_delay_ms,
		 "Testing only: widen the load/unload hook windows by this many ms (max 10000)");

static void ppcmmu_test_delay(void)
{
	if (test_hook_delay_ms)
		msleep(min(test_hook_delay_ms, PPCMMU_TEST_DELAY_MAX_MS));
}

/*
 * Every KVM_RUN of every HV VM comes through here, so it takes no SRCU read
 * section (two full barriers a call): it never sleeps without a module
 * reference. Before it holds one it runs a few instructions and sleeps
 * nowhere, which the unload's wait for CPUs covers (ppcmmu_hooks_remove).
 */
static int ppcmmu_vcpu_run(struct kvm_vcpu *vcpu)
{
	struct ppcmmu_vm *vm;
	int r;

	/*
	 * A run can last as long as the guest likes: never enter the guest
	 * from here without a module reference, or rmmod would free the code
	 * under it. Normally that is the VM's own pin, taken here for the
	 * VM's lifetime, which makes rmmod fail with EBUSY instead.
	 */
	vm = ppcmmu_vm_pin(vcpu->kvm);
	if (!IS_ERR(vm))
		return ppcmmu_vcpu_run_hooked(vm, vcpu);

	if (PTR_ERR(vm) == -ENOMEM && try_module_get(THIS_MODULE)) {
		/*
		 * No memory for the VM's entry: pin for this call only, and
		 * run as without the module. That is safe because such a VM
		 * can never be switched by us: the entry an opt-in creates
		 * later sees that its vcpus ran (vm_registry.c) and refuses.
		 */
		r = ppcmmu_orig_ops.vcpu_run(vcpu);
		module_put(THIS_MODULE);	/* epilogue: see ppcmmu_hooks_remove */
		return r;
	}

	/*
	 * The module is going, its hooks about to be withdrawn. Come back
	 * without entering the guest, exactly as KVM-HV does when a signal is
	 * pending at entry; the hypercall or MMIO the VMM completed is
	 * already in the vcpu. The VMM re-enters (VMMs must handle EINTR from
	 * KVM_RUN), soon straight into KVM-HV, so rmmod waits for no guest.
	 */
	vcpu->run->exit_reason = KVM_EXIT_INTR;
	return -EINTR;
}

static PPCMMU_VM_IOCTL_RET ppcmmu_arch_vm_ioctl(struct file *filp, unsigned int ioctl,
						unsigned long arg)
{
	struct kvm *kvm = filp->private_data;
	PPCMMU_VM_IOCTL_RET r;
	int idx;

	if (try_module_get(THIS_MODULE)) {
		if (_IOC_TYPE(ioctl) == KVM_PPC_MMU_IO)
			r = ppcmmu_vm_ioctl(kvm, ioctl, (void __user *)arg);
		else if (ioctl == KVM_PPC_GET_HTAB_FD)
			r = ppcmmu_get_htab_fd_ioctl(filp, ioctl, arg);
		else
			r = ppcmmu_orig_ops.arch_vm_ioctl(filp, ioctl, arg);
		module_put(THIS_MODULE);	/* epilogue: see ppcmmu_hooks_remove */
		return r;
	}

	/*
	 * The module is going and the hooks are about to be withdrawn: no VM
	 * is pinned (rmmod needs refcount 0), so nothing of ours applies.
	 */
	if (_IOC_TYPE(ioctl) == KVM_PPC_MMU_IO)
		return -ENODEV;
	idx = srcu_read_lock(&ppcmmu_srcu);
	r = ppcmmu_orig_ops.arch_vm_ioctl(filp, ioctl, arg);
	srcu_read_unlock(&ppcmmu_srcu, idx);
	return r;
}

static void ppcmmu_destroy_vm(struct kvm *kvm)
{
	int idx = srcu_read_lock(&ppcmmu_srcu);
	struct ppcmmu_vm *vm = ppcmmu_vm_find(kvm);
	struct kvm_hpt_info hpt = { 0 };

	/* A hash VM's HPT, which KVM-HV frees: traced for opted-in VMs. */
	if (vm && READ_ONCE(vm->opted_in) && !kvm_is_radix(kvm))
		hpt = kvm->arch.hpt;

	/*
	 * KVM-HV's destroy frees by mode: a radix VM's radix tree, a hash
	 * VM's HPT (clearing hpt.virt). A radix VM still holding an HPT the
	 * module put there would keep it forever, so look after KVM-HV is
	 * done: its vcpus are gone and its partition-table entry cleared, so
	 * nothing can use the table, and a hash VM's table is already freed
	 * and cannot be freed twice.
	 */
	ppcmmu_orig_ops.destroy_vm(kvm);
	if (hpt.virt)
		trace_ppc_mmu_hpt_free(vm, hpt.order, hpt.cma, false, PPCMMU_CAUSE_DESTROY);
	ppcmmu_hpt_free_stray(kvm, vm);
	ppcmmu_vm_release(kvm);		/* may drop the last module reference */

	srcu_read_unlock(&ppcmmu_srcu, idx);
}

static bool ppcmmu_in_module(const void *fn, struct module *owner)
{
	return fn && within_module((unsigned long)fn, owner);
}

/*
 * Every member we replace must still point into kvm-hv itself. Anything
 * else means another module already rewrote the struct; chaining onto it
 * would make both unloads unsafe, so refuse.
 */
static bool ppcmmu_ops_unhooked(const struct kvmppc_ops *ops, struct module *owner)
{
	bool ok;

	preempt_disable();	/* within_module() walks the module layout */
	ok = ppcmmu_in_module(ops->vcpu_run, owner) &&
	     ppcmmu_in_module(ops->arch_vm_ioctl, owner) &&
	     ppcmmu_in_module(ops->destroy_vm, owner);
	preempt_enable();
	return ok;
}

int ppcmmu_hooks_install(void)
{
	struct kvmppc_ops *ops;
	struct module *owner = NULL;
	bool pinned = false;

	/*
	 * kvm-hv clears kvmppc_hv_ops before it is freed and freeing waits
	 * for an RCU grace period, so under rcu_read_lock() the struct seen
	 * here stays valid until the pin is taken.
	 */
	rcu_read_lock();
	ops = READ_ONCE(kvmppc_hv_ops);
	if (ops) {
		owner = ops->owner;
		pinned = try_module_get(owner);
	}
	rcu_read_unlock();

	if (!ops) {
		pr_err("kvm-ppc-mmu: kvm-hv is not loaded; load it first (modprobe kvm-hv)\n");
		return -ENODEV;
	}
	if (!pinned) {
		pr_err("kvm-ppc-mmu: kvm-hv is being unloaded; not hooking it\n");
		return -ENODEV;
	}
	if (!ops->configure_mmu) {
		pr_err("kvm-ppc-mmu: this kvm-hv has no configure_mmu (needs POWER9 / ISA 3.00 support)\n");
		module_put(owner);
		return -ENODEV;
	}
	if (!ppcmmu_ops_unhooked(ops, owner)) {
		pr_err("kvm-ppc-mmu: kvm-hv's ops are already hooked by another module; refusing to chain\n");
		module_put(owner);
		return -EBUSY;
	}

	ppcmmu_orig_ops = *ops;
	ppcmmu_hv_ops = ops;
	ppcmmu_hv_owner = owner;
	ppcmmu_host_init(owner);	/* before any wrapper can run */

	/*
	 * VMs that already exist keep running: they reach our wrappers on
	 * their next call, which behave exactly like KVM-HV for them.
	 *
	 * destroy_vm goes first. A VM gets a registry entry and a module
	 * reference only through vcpu_run or arch_vm_ioctl, and only our
	 * destroy_vm gives them back: a VM registered through a new hook and
	 * torn down through KVM-HV's own destroy_vm would keep both forever
	 * (rmmod then fails with EBUSY for good). Our destroy_vm on a VM that
	 * never registered finds nothing to release.
	 *
	 * Ordering: the CPU that registers a VM has loaded our vcpu_run or
	 * arch_vm_ioctl; the CPU that later destroys the VM got there through
	 * KVM's last kvm_put_kvm(), which is ordered after the registering
	 * CPU's accesses (release on its side, acquire on the final one). The
	 * smp_wmb() makes the destroy_vm store visible to every CPU that can
	 * see a later store, so the destroying CPU loads our destroy_vm.
	 */
	WRITE_ONCE(ops->destroy_vm, ppcmmu_destroy_vm);
	smp_wmb();	/* destroy_vm before the hooks that register VMs */
	ppcmmu_test_delay();
	WRITE_ONCE(ops->vcpu_run, ppcmmu_vcpu_run);
	WRITE_ONCE(ops->arch_vm_ioctl, ppcmmu_arch_vm_ioctl);

	pr_info("kvm-ppc-mmu: hooked KVM-HV (%d HV VM(s) already running)\n",
		module_refcount(owner) - 1);
	return 0;
}

static void ppcmmu_wait_for_cpus_outside_module(void)
{
#ifdef CONFIG_PREEMPTION
	synchronize_rcu_tasks();
#else
	synchronize_rcu();
#endif
}

void ppcmmu_hooks_remove(void)
{
	struct kvmppc_ops *ops = ppcmmu_hv_ops;

	/*
	 * The reverse of install: the hooks that register VMs first,
	 * destroy_vm last. The module is already going here, so no VM can
	 * register any more (try_module_get fails) and, the refcount being
	 * 0, none is registered; keeping the order anyway means no CPU ever
	 * sees a registering hook without our destroy_vm.
	 */
	ppcmmu_test_delay();
	WRITE_ONCE(ops->vcpu_run, ppcmmu_orig_ops.vcpu_run);
	WRITE_ONCE(ops->arch_vm_ioctl, ppcmmu_orig_ops.arch_vm_ioctl);
	smp_wmb();	/* pairs as at install */
	WRITE_ONCE(ops->destroy_vm, ppcmmu_orig_ops.destroy_vm);

	ppcmmu_wait_for_cpus_outside_module();	/* late callers are inside SRCU */
	synchronize_srcu(&ppcmmu_srcu);		/* all wrapper bodies done */
	ppcmmu_wait_for_cpus_outside_module();	/* all wrapper epilogues done */

	/* Module refcount 0 implies no pinned VM; anything else is our bug. */
	WARN_ON(!ppcmmu_vm_registry_empty());

	module_put(ppcmmu_hv_owner);
	pr_info("kvm-ppc-mmu: unhooked KVM-HV\n");
}
