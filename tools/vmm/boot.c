// SPDX-License-Identifier: GPL-2.0
/*
 * Power-on, for the first boot (main.c) and after a reboot (reset.c): the
 * kernel and initrd in guest RAM, the device tree, Open Firmware's client
 * interface with the console as stdout, and vcpu 0's entry registers as
 * Linux expects them from Open Firmware. The other vcpus stay stopped until
 * the guest starts them (RTAS start-cpu).
 */
#include <stdio.h>

#include "vmm.h"

#define FW_AREA_SIZE	(1ULL << 20)	/* Open Firmware stack and stub, top of RAM */
#define INITRD_ALIGN	(1ULL << 24)

int boot_prepare(struct vmm *vmm)
{
	/* Open Firmware runs with translation off: inside the RMA (rma.c). */
	uint64_t fw_base = vmm->rma_size - FW_AREA_SIZE;
	uint32_t ih;
	int i;

	if (load_kernel(vmm, vmm->opt.kernel))
		return -1;
	if (vmm->opt.initrd &&
	    load_initrd(vmm, vmm->opt.initrd, (vmm->kernel_end + INITRD_ALIGN - 1) & ~(INITRD_ALIGN - 1)))
		return -1;
	if (vmm->kernel_end > fw_base ||
	    (vmm->opt.initrd && vmm->initrd_start + vmm->initrd_size > fw_base)) {
		fprintf(stderr, "vmm: the kernel and initrd do not fit in the %llu MiB real mode area\n",
			(unsigned long long)(vmm->rma_size >> 20));
		return -1;
	}
	platform_build_tree(vmm);
	if (vmm->opt.dt_check)
		platform_add_fidelity_node(vmm);
	of_client_init(vmm, fw_base, FW_AREA_SIZE);
	ih = of_open_node(vmm, vmm->vty_node);
	dt_set_u32(vmm->chosen, "stdout", ih);
	dt_set_u32(vmm->chosen, "stdin", ih);
	vmm->boots++;
	for (i = 0; i < vmm->nr_vcpus; i++)
		vmm->vcpu[i].started = i == 0;
	/* Linux's entry convention with Open Firmware: r3/r4 initrd, r5 client interface. */
	return vcpu_set_entry(&vmm->vcpu[0], vmm->kernel_entry, MSR_SF | MSR_ME | MSR_LE,
			      fw_base + 0x10000 - 256, vmm->initrd_start, vmm->initrd_size,
			      vmm->of_entry);
}
