// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-ppc-mmu: in-kernel guest MMU negotiation for KVM-HV on POWER9.
 *
 * See hooks.c for how the module attaches to KVM-HV and why unloading is
 * safe, and uapi/linux/kvm_ppc_mmu.h for what VMMs can call.
 */
#include <linux/module.h>

#include "ppc_mmu.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

#define PPCMMU_VERSION "0.1.0"

static int __init ppcmmu_init(void)
{
	return ppcmmu_hooks_install();	/* calls ppcmmu_host_init() */
}

static void __exit ppcmmu_exit(void)
{
	ppcmmu_hooks_remove();
}

module_init(ppcmmu_init);
module_exit(ppcmmu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("In-kernel guest MMU negotiation (CAS, process table, HPT) for KVM-HV on POWER9");
MODULE_VERSION(PPCMMU_VERSION);
MODULE_SOFTDEP("pre: kvm-hv");
