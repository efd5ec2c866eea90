// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifecycle: loading, refusing to load, unloading, refusing to unload,
 * and the pins that make unload safe. Run on every emulated host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/kmsg.h"
#include "lib/ktap.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define GUEST_MEM	(16UL << 20)

/* A guest that reports once and finishes: enough to enter vcpu_run. */
static int start_vm(struct guest_vm *vm, int run_it)
{
	int r = guest_vm_create_done(vm, GUEST_MEM);

	return r || !run_it ? r : guest_vm_run_done(vm);
}

static void test_load_unload(void)
{
	int hv_ref = module_refcnt(KVM_HV_MODNAME);
	int r;

	r = module_load_file(ppcmmu_ko_path());
	ktap_result(r == 0, "load succeeds (r=%d)", r);
	ktap_result(module_is_loaded(PPCMMU_MODNAME), "module visible in /sys/module");
	ktap_result(module_refcnt(KVM_HV_MODNAME) == hv_ref + 1,
		    "kvm-hv pinned while loaded (refcnt %d -> %d)",
		    hv_ref, module_refcnt(KVM_HV_MODNAME));
	r = module_load_file(ppcmmu_ko_path());
	ktap_result(r == -EEXIST, "second load refused with EEXIST (r=%d)", r);
	r = module_unload(KVM_HV_MODNAME);
	ktap_result(r == -EWOULDBLOCK, "kvm-hv cannot be unloaded under us (r=%d)", r);
	r = module_unload(PPCMMU_MODNAME);
	ktap_result(r == 0, "unload with no VMs succeeds (r=%d)", r);
	ktap_result(module_refcnt(KVM_HV_MODNAME) == hv_ref,
		    "kvm-hv pin dropped (refcnt %d)", module_refcnt(KVM_HV_MODNAME));
}

static void test_unload_refused_while_vm_ran(void)
{
	struct guest_vm vm;
	int r;

	r = module_load_file(ppcmmu_ko_path());
	r = r ? r : start_vm(&vm, 1);
	if (!ktap_result(r == 0, "VM runs with module loaded (r=%d)", r)) {
		ktap_skip_n(3, "VM did not run", "unload while VM lives");
		ppcmmu_ensure_unloaded();
		return;
	}
	ktap_result(module_refcnt(PPCMMU_MODNAME) == 1,
		    "a VM that ran pins the module (refcnt %d)", module_refcnt(PPCMMU_MODNAME));
	r = module_unload(PPCMMU_MODNAME);
	ktap_result(r == -EWOULDBLOCK, "unload refused while the VM lives (r=%d)", r);
	guest_vm_destroy(&vm);
	r = module_unload(PPCMMU_MODNAME);
	ktap_result(r == 0, "unload succeeds once the VM is destroyed (r=%d)", r);
}

static void test_vm_outlives_module(void)
{
	struct guest_exit log[4];
	struct guest_vm vm;
	int r;

	/* Created and set up under the module, but never entered its code. */
	r = module_load_file(ppcmmu_ko_path());
	r = r ? r : start_vm(&vm, 0);
	if (!ktap_result(r == 0, "VM created with module loaded (r=%d)", r)) {
		ktap_skip_n(2, "VM setup failed", "VM outlives module");
		ppcmmu_ensure_unloaded();
		return;
	}
	r = module_unload(PPCMMU_MODNAME);
	ktap_result(r == 0, "module unloads under a VM that never ran (r=%d)", r);
	r = guest_run_script(&vm, 0, log, 4);
	ktap_result(r == 1 && log[0].nr == TEST_HCALL_DONE && log[0].args[0] == 7,
		    "that VM then runs normally on plain KVM-HV (r=%d)", r);
	guest_vm_destroy(&vm);
}

/* Does KVM-HV run its guests through the PAPR nested API v2 (caps say)? Leaves the module unloaded. */
static bool host_is_nested_v2(void)
{
	struct kvm_ppc_mmu_caps caps;
	struct guest_vm vm;
	bool v2 = false;

	if (ppcmmu_ensure_loaded() || guest_vm_create(&vm, GUEST_MEM))
		return false;
	if (!ppcmmu_get_caps(vm.vm_fd, &caps))
		v2 = caps.host_flags & KVM_PPC_MMU_HOST_NESTED_V2;
	guest_vm_destroy(&vm);
	ppcmmu_ensure_unloaded();	/* as the tests after this one expect */
	return v2;
}

static void test_load_without_kvm_hv(void)
{
	const char *hv = kvm_hv_ko_path();
	int kmsg, r;

	if (!hv) {
		ktap_skip_n(4, "PPC_MMU_KVM_HV_KO not set", "load without kvm-hv");
		return;
	}
	/*
	 * Under the nested API v2, loading kvm-hv again sends the hypervisor
	 * below a second H_GUEST_SET_CAPABILITIES, which it may refuse: QEMU's
	 * L0 answers H_STATE once capabilities were set ("Could not configure
	 * parent hypervisor capabilities (rc=-75)"), leaving no kvm-hv at all.
	 */
	if (host_is_nested_v2()) {
		ktap_skip_n(4, "nested API v2: the hypervisor below may refuse kvm-hv's reload",
			    "load without kvm-hv");
		return;
	}
	r = module_unload(KVM_HV_MODNAME);
	if (!ktap_result(r == 0, "kvm-hv unloaded for the test (r=%d)", r)) {
		ktap_skip_n(3, "kvm-hv busy", "load without kvm-hv");
		return;
	}
	kmsg = kmsg_open_tail();
	r = module_load_file(ppcmmu_ko_path());
	ktap_result(r == -ENODEV, "load refused with ENODEV without kvm-hv (r=%d)", r);
	ktap_result(kmsg_find(kmsg, "kvm-ppc-mmu: kvm-hv is not loaded"),
		    "kernel log says why");
	close(kmsg);
	r = module_load_file(hv);
	ktap_result(r == 0, "kvm-hv reloaded (r=%d)", r);
}

/*
 * A second hook on kvm-hv (here: the same code under another name) must be
 * refused, whichever loads first, and say why. 5 results.
 */
static void test_second_hook_refused(void)
{
	const char *twin = getenv("PPC_MMU_TWIN_KO");
	int kmsg, r;

	if (!twin) {
		ktap_skip_n(5, "PPC_MMU_TWIN_KO not set", "second hook");
		return;
	}
	r = module_load_file(ppcmmu_ko_path());
	kmsg = kmsg_open_tail();
	r = r ? r : module_load_file(twin);
	ktap_result(r == -EBUSY, "twin refused while kvm-ppc-mmu hooks kvm-hv (r=%d)", r);
	ktap_result(kmsg_find(kmsg, "already hooked by another module"), "kernel log says why");
	close(kmsg);
	r = module_unload(PPCMMU_MODNAME);
	r = r ? r : module_load_file(twin);
	ktap_result(r == 0, "twin loads once kvm-ppc-mmu is gone (r=%d)", r);
	r = module_load_file(ppcmmu_ko_path());
	ktap_result(r == -EBUSY, "and then kvm-ppc-mmu is refused (r=%d)", r);
	r = module_unload("kvm_ppc_mmu_twin");
	ktap_result(r == 0 && module_refcnt(KVM_HV_MODNAME) == 0,
		    "twin unloads and kvm-hv is free again (r=%d)", r);
}

static void test_load_unload_cycles(void)
{
	struct guest_vm vm;
	int i, r = 0;

	for (i = 0; i < 20 && !r; i++) {
		r = module_load_file(ppcmmu_ko_path());
		r = r ? r : start_vm(&vm, 1);
		if (!r) {
			guest_vm_destroy(&vm);
			r = module_unload(PPCMMU_MODNAME);
		}
	}
	ktap_result(r == 0, "20 load / run VM / destroy / unload cycles (stopped at %d, r=%d)",
		    i, r);
	ppcmmu_ensure_unloaded();
}

int main(void)
{
	ktap_start(27);
	if (!ppcmmu_ko_path()) {
		ktap_skip_n(27, "PPC_MMU_KO not set", "module lifecycle");
		ktap_finish();
	}
	if (ppcmmu_ensure_unloaded())
		ktap_info("could not unload kvm-ppc-mmu before starting");

	test_load_unload();			/* 7 */
	test_unload_refused_while_vm_ran();	/* 4 */
	test_vm_outlives_module();		/* 3 */
	test_load_without_kvm_hv();		/* 4 */
	test_second_hook_refused();		/* 5 */
	test_load_unload_cycles();		/* 1 */

	/* Leave the module loaded, as the other tests expect. */
	ktap_result(ppcmmu_ensure_loaded() == 0, "module loaded again at the end");
	ktap_result(module_refcnt(PPCMMU_MODNAME) == 0, "no stray module references");
	ktap_result(module_is_loaded(KVM_HV_MODNAME), "kvm-hv still loaded");
	ktap_finish();
}
