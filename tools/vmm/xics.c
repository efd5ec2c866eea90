// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's interrupt controller is KVM's own: a XICS device
 * (KVM_DEV_TYPE_XICS). On a POWER9 host whose kernel drives XIVE (powernv)
 * KVM-HV implements it as XICS-on-XIVE; under a nested hypervisor it is
 * KVM's XICS emulation. Either way the ICP hypercalls (H_CPPR, H_XIRR,
 * H_EOI, H_IPI, H_IPOLL) never reach the VMM: KVM answers them and delivers
 * the IPIs an SMP guest sends, waking a vcpu that sleeps in H_CEDE. The VM
 * has no device that raises an interrupt (the console is polled, the timer
 * is the decrementer), so no source is configured: Linux finds no source
 * controller ("XICS: Cannot find a Source Controller"), which it tolerates,
 * and uses the presentation layer for IPIs only.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "vmm.h"

int xics_create(struct vmm *vmm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_XICS };

	if (ioctl(vmm->vm_fd, KVM_CREATE_DEVICE, &dev)) {
		perror("vmm: KVM_CREATE_DEVICE (in-kernel XICS)");
		return -1;
	}
	vmm->xics_fd = dev.fd;
	return 0;
}

/* The vcpu becomes XICS server number vcpu->id (its cpu node says so). */
int xics_connect(struct vcpu *vcpu)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_IRQ_XICS,
		.args = { vcpu->vmm->xics_fd, vcpu->id },
	};

	if (ioctl(vcpu->fd, KVM_ENABLE_CAP, &cap)) {
		fprintf(stderr, "vmm: vcpu %d: KVM_CAP_IRQ_XICS: %s\n", vcpu->id, strerror(errno));
		return -1;
	}
	return 0;
}

/* The hypercall ICP (PAPR "ibm,ppc-xicp"), serving every vcpu. */
void xics_add_node(struct vmm *vmm)
{
	const uint32_t servers[] = { 0, vmm->nr_vcpus };	/* first server, how many */
	struct dt_node *icp = dt_add_node(vmm->dt, "interrupt-controller");

	dt_set_string(icp, "device_type", "PowerPC-External-Interrupt-Presentation");
	dt_set_string(icp, "compatible", "IBM,ppc-xicp");
	dt_set_prop(icp, "interrupt-controller", NULL, 0);
	dt_set_u32(icp, "#interrupt-cells", 2);
	dt_set_u32(icp, "#address-cells", 0);
	dt_set_cells(icp, "ibm,interrupt-server-ranges", servers, 2);
}
