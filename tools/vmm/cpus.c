// SPDX-License-Identifier: GPL-2.0
/*
 * One thread per vcpu. Each loops: park while it must (stopped by RTAS, or
 * paused for another vcpu), KVM_RUN without the VMM lock, then handle the
 * exit with the lock held (vcpu_sync.c has the rules). What an exit asks
 * for that concerns the whole VM, a reboot or the snapshot trigger, is done
 * by the vcpu that saw it, with every other vcpu paused.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "vmm.h"

static void report_unexpected_exit(struct vcpu *vcpu)
{
	struct kvm_regs regs = { 0 };

	ioctl(vcpu->fd, KVM_GET_REGS, &regs);
	printf("vmm: vcpu %d: unexpected exit reason %u at pc 0x%llx msr 0x%llx\n", vcpu->id,
	       vcpu->run->exit_reason, (unsigned long long)regs.pc, (unsigned long long)regs.msr);
	vmm_stop(vcpu->vmm, VMM_EXIT_GUEST_DIED);
}

static bool must_park(struct vcpu *vcpu)
{
	struct vmm *vmm = vcpu->vmm;

	return !vmm->stop && (vmm->pause_requests || !vcpu->started);
}

/* Wait, parked, until this vcpu may run again (or the VM stops). */
static void park(struct vcpu *vcpu)
{
	struct vmm *vmm = vcpu->vmm;

	if (!must_park(vcpu))
		return;
	/* Whoever changes us meanwhile must see our registers as they are. */
	if (vcpu_complete_hcall(vcpu)) {
		vmm_stop(vmm, VMM_EXIT_ERROR);
		return;
	}
	vmm->nr_parked++;
	pthread_cond_broadcast(&vmm->changed);
	while (must_park(vcpu))
		pthread_cond_wait(&vmm->changed, &vmm->lock);
	vmm->nr_parked--;
}

/* The whole-VM work an exit asked for, with the other vcpus paused. */
static void whole_vm_work(struct vcpu *vcpu)
{
	struct vmm *vmm = vcpu->vmm;
	bool reboot = vmm->reboot_due;
	bool snapshot = vmm->con.triggered && !vmm->snapshot_done;
	int r;

	if (vmm->stop || (!reboot && !snapshot))
		return;
	if (vcpu_complete_hcall(vcpu) || vcpus_pause_others(vcpu)) {
		vmm_stop(vmm, VMM_EXIT_ERROR);
		return;
	}
	if (reboot) {
		r = vm_reset(vmm);
	} else {
		vmm->snapshot_done = true;
		r = vmm->opt.save_file ? migration_save(vmm) : snapshot_restore_into_fresh_vm(vmm);
	}
	vcpus_resume_others(vcpu);
	if (r)
		vmm_stop(vmm, VMM_EXIT_ERROR);
}

static void handle_exit(struct vcpu *vcpu)
{
	switch (vcpu->run->exit_reason) {
	case KVM_EXIT_PAPR_HCALL:
		hcall_exit(vcpu);
		vcpu->hcall_pending = true;
		/* The console line that starts a live copy went by. */
		if (vcpu->vmm->con.live_triggered && !vcpu->vmm->live &&
		    live_copy_start(vcpu->vmm))
			vmm_stop(vcpu->vmm, VMM_EXIT_ERROR);
		break;
	case KVM_EXIT_INTR:
		break;
	default:
		report_unexpected_exit(vcpu);
		return;
	}
	whole_vm_work(vcpu);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vmm *vmm = vcpu->vmm;
	int r, err;

	pthread_mutex_lock(&vmm->lock);
	for (;;) {
		park(vcpu);
		if (vmm->stop)
			break;
		/* Cleared under the lock: a kick after this sets it again. */
		vcpu->run->immediate_exit = 0;
		pthread_mutex_unlock(&vmm->lock);
		r = ioctl(vcpu->fd, KVM_RUN, 0);
		err = errno;
		pthread_mutex_lock(&vmm->lock);
		vcpu->hcall_pending = false;	/* KVM loaded any answer on entry */
		if (r) {
			if (err == EINTR)
				continue;	/* kicked: park or stop */
			fprintf(stderr, "vmm: vcpu %d: KVM_RUN: %s\n", vcpu->id, strerror(err));
			vmm_stop(vmm, VMM_EXIT_ERROR);
			break;
		}
		handle_exit(vcpu);
	}
	pthread_mutex_unlock(&vmm->lock);
	return NULL;
}

static void on_kick(int sig)
{
	(void)sig;	/* only to make KVM_RUN return EINTR */
}

/* One thread per vcpu; if one cannot be made, the VM is stopped. */
void vcpus_start_threads(struct vmm *vmm)
{
	struct sigaction sa = { .sa_handler = on_kick };	/* no SA_RESTART */
	int i;

	sigaction(VMM_SIG_KICK, &sa, NULL);
	pthread_mutex_lock(&vmm->lock);
	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct vcpu *vcpu = &vmm->vcpu[i];

		if (pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu)) {
			perror("vmm: vcpu thread");
			vmm_stop(vmm, VMM_EXIT_ERROR);
			break;
		}
		vcpu->thread_started = true;
	}
	pthread_mutex_unlock(&vmm->lock);
}

void vcpus_join_threads(struct vmm *vmm)
{
	int i;

	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		if (vmm->vcpu[i].thread_started)
			pthread_join(vmm->vcpu[i].thread, NULL);
		vmm->vcpu[i].thread_started = false;
	}
}
