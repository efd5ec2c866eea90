// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM lock's rules. A vcpu thread (cpus.c) holds vmm->lock except
 * while it is inside KVM_RUN, so whoever holds the lock may touch any VMM
 * state; what it may not touch is a vcpu inside KVM_RUN: KVM holds that
 * vcpu's mutex, and its registers change under it. So:
 *  - A vcpu that is not running guest code is "parked": it waits on
 *    vmm->changed, counted in nr_parked, with no hypercall answer pending
 *    in KVM (cpus.c completes it first). Its registers can be read and set
 *    from any thread.
 *  - To change another vcpu (reset, snapshot, LPCR, compatibility mode),
 *    pause the others: they are kicked out of KVM_RUN, handle the exit they
 *    were in, and park. The requester waits until every other vcpu is
 *    parked; it counts as parked while it waits, so two vcpus asking at
 *    once do not wait for each other (the lock then serializes them).
 *  - Kicking is immediate_exit (for a vcpu about to enter) plus a signal
 *    (for one inside): together no kick is lost.
 * QEMU's pause_all_vcpus() and kvmtool's kvm__pause() follow the same idea.
 */
#include "vmm.h"

void vcpu_kick(struct vcpu *vcpu)
{
	if (!vcpu->run)
		return;
	vcpu->run->immediate_exit = 1;
	if (vcpu->thread_started)
		pthread_kill(vcpu->thread, VMM_SIG_KICK);
}

/* The first reason to stop wins; every vcpu leaves KVM_RUN and its thread ends. */
void vmm_stop(struct vmm *vmm, int exit_code)
{
	int i;

	if (!vmm->stop) {
		vmm->stop = true;
		vmm->exit_code = exit_code;
	}
	for (i = 0; i < vmm->nr_vcpus; i++)
		vcpu_kick(&vmm->vcpu[i]);
	pthread_cond_broadcast(&vmm->changed);
}

/*
 * Returns with every vcpu but @self parked (0), or -1 when the VM is being
 * stopped meanwhile: then nothing may be changed and the caller gives up.
 * Only a vcpu's own thread asks, from the handling of one of its exits.
 */
int vcpus_pause_others(struct vcpu *self)
{
	struct vmm *vmm = self->vmm;
	int i;

	vmm->pause_requests++;
	for (i = 0; i < vmm->nr_vcpus; i++)
		if (&vmm->vcpu[i] != self)
			vcpu_kick(&vmm->vcpu[i]);
	vmm->nr_parked++;
	while (vmm->nr_parked < vmm->nr_vcpus && !vmm->stop)
		pthread_cond_wait(&vmm->changed, &vmm->lock);
	vmm->nr_parked--;
	if (vmm->stop) {
		vcpus_resume_others(self);
		return -1;
	}
	return 0;
}

void vcpus_resume_others(struct vcpu *self)
{
	struct vmm *vmm = self->vmm;

	vmm->pause_requests--;
	pthread_cond_broadcast(&vmm->changed);
}
