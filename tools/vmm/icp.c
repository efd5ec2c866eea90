// SPDX-License-Identifier: GPL-2.0
/*
 * A XICS presentation controller (ICP) for one vcpu and no interrupt
 * sources. Linux's pseries SMP setup needs an interrupt controller to map
 * its IPI (it BUGs without one); this VM has no device that raises an
 * interrupt (the console is polled, the timer is the decrementer), so the
 * ICP only keeps the vcpu's priority and always reports "nothing pending".
 * A VMM with devices would use KVM's in-kernel XICS/XIVE device instead.
 */
#include "vmm.h"

#define XIRR_NONE	0	/* XISR 0: no interrupt pending */
#define MFRR_NONE	0xff

static uint8_t cppr;

void icp_add_node(struct vmm *vmm)
{
	static const uint32_t servers[] = { 0, 1 };	/* first server 0, one server */
	struct dt_node *icp = dt_add_node(vmm->dt, "interrupt-controller");

	dt_set_string(icp, "device_type", "PowerPC-External-Interrupt-Presentation");
	dt_set_string(icp, "compatible", "IBM,ppc-xicp");
	dt_set_prop(icp, "interrupt-controller", NULL, 0);
	dt_set_u32(icp, "#interrupt-cells", 2);
	dt_set_u32(icp, "#address-cells", 0);
	dt_set_cells(icp, "ibm,interrupt-server-ranges", servers, 2);
}

long icp_hcall(uint64_t nr, uint64_t *args)
{
	switch (nr) {
	case H_CPPR:
		cppr = args[0];
		return PPCMMU_H_SUCCESS;
	case H_XIRR:
	case H_XIRR_X:
		args[0] = (uint64_t)cppr << 24 | XIRR_NONE;
		args[1] = 0;	/* H_XIRR_X: timebase */
		return PPCMMU_H_SUCCESS;
	case H_IPOLL:
		if (args[0] != 0)
			return PPCMMU_H_PARAMETER;
		args[0] = (uint64_t)cppr << 24 | XIRR_NONE;
		args[1] = MFRR_NONE;
		return PPCMMU_H_SUCCESS;
	case H_EOI:
		return PPCMMU_H_SUCCESS;
	case H_IPI:	/* the only server is the caller, which never waits on an IPI */
		return args[0] == 0 ? PPCMMU_H_SUCCESS : PPCMMU_H_PARAMETER;
	}
	return PPCMMU_H_FUNCTION;
}
