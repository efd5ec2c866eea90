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
#include <errno.h>
#include <stdio.h>
#include <time.h>

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

/*
 * The same from a thread that is no vcpu (the live copy): returns with
 * every vcpu parked or waiting in vmm_retry_busy() (0), or -1 when the VM
 * is being stopped. Such a pause may touch guest RAM, not vcpus.
 */
int vcpus_pause_all(struct vmm *vmm)
{
	int i;

	vmm->pause_requests++;
	for (i = 0; i < vmm->nr_vcpus; i++)
		vcpu_kick(&vmm->vcpu[i]);
	while (vmm->nr_parked < vmm->nr_vcpus && !vmm->stop)
		pthread_cond_wait(&vmm->changed, &vmm->lock);
	if (vmm->stop) {
		vcpus_resume_all(vmm);
		return -1;
	}
	return 0;
}

void vcpus_resume_all(struct vmm *vmm)
{
	vmm->pause_requests--;
	pthread_cond_broadcast(&vmm->changed);
}

#define RETRY_BUSY_MS		1
#define RETRY_BUSY_MAX_S	300

/*
 * A switch of the module's was answered busy (the VMM's own dirty logging,
 * say: see Documentation/kvm-ppc-mmu-api.rst): wait a millisecond before
 * the caller tries again, counted as parked meanwhile, so that a pause of
 * every vcpu (the live copy's) is not held up by it. @what names the call
 * for the one line said about it; *@tries counts. -1 once the VM stops or
 * after RETRY_BUSY_MAX_S seconds of it: the VMM then gives up.
 */
int vmm_retry_busy(struct vmm *vmm, const char *what, unsigned int *tries)
{
	struct timespec until;

	if (!(*tries)++)
		printf("vmm: %s: busy, retrying every %d ms\n", what, RETRY_BUSY_MS);
	vmm->switch_busy++;
	if (vmm->stop || *tries > RETRY_BUSY_MAX_S * 1000 / RETRY_BUSY_MS) {
		fprintf(stderr, "vmm: %s: still busy after %u tries\n", what, *tries);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += RETRY_BUSY_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	vmm->nr_parked++;
	pthread_cond_broadcast(&vmm->changed);
	while (pthread_cond_timedwait(&vmm->changed, &vmm->lock, &until) != ETIMEDOUT &&
	       !vmm->stop)
		;
	vmm->nr_parked--;
	return vmm->stop ? -1 : 0;
}
