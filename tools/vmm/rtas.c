// SPDX-License-Identifier: GPL-2.0
/*
 * RTAS: the handful of calls a Linux guest makes that matter here. Linux
 * enters RTAS at the blob it instantiated (call-method "instantiate-rtas"),
 * in 32-bit big-endian real mode; the blob makes hypercall H_RTAS (0xf000)
 * with r4 = the big-endian argument block {token, nargs, nret, args[]}.
 * Calls the VMM does not know get status -3 ("no such call"), which Linux
 * handles: it only looks tokens up in /rtas, and we list only these.
 *
 * The secondary vcpus are PAPR's "stopped" processors until the guest
 * starts one (start-cpu); a processor stops itself with stop-self (CPU
 * offline) and query-cpu-stopped-state tells which is which. Listing the
 * last one also makes prom_init leave the secondaries alone ("prom_hold_cpus:
 * skipped"): Linux starts them itself, with start-cpu, once it runs.
 */
#include <stdio.h>
#include <time.h>

#include "vmm.h"

#define RTAS_MAX_ARGS		16
#define RTAS_UNKNOWN_OP		((uint32_t)-3)
#define RTAS_PARAM_ERROR	((uint32_t)-3)
#define RTAS_HW_ERROR		((uint32_t)-1)

/* query-cpu-stopped-state's answers */
#define CPU_STOPPED		0
#define CPU_RUNNING		2

/* Big-endian, as Linux enters RTAS. */
const uint32_t rtas_blob[5] = {
	0x7c641b78,	/* mr    r4,r3 */
	0x3c600000,	/* lis   r3,0 */
	0x6063f000,	/* ori   r3,r3,0xf000 (H_RTAS) */
	0x44000022,	/* sc    1 */
	0x4e800020,	/* blr */
};

enum rtas_token {
	TOKEN_POWER_OFF = 0x2001,
	TOKEN_SYSTEM_REBOOT,
	TOKEN_GET_TIME_OF_DAY,
	TOKEN_OS_TERM,
	TOKEN_START_CPU,
	TOKEN_STOP_SELF,
	TOKEN_QUERY_CPU_STOPPED,
};

void rtas_add_tokens(struct vmm *vmm, struct dt_node *rtas)
{
	(void)vmm;
	dt_set_u32(rtas, "power-off", TOKEN_POWER_OFF);
	dt_set_u32(rtas, "system-reboot", TOKEN_SYSTEM_REBOOT);
	dt_set_u32(rtas, "get-time-of-day", TOKEN_GET_TIME_OF_DAY);
	dt_set_u32(rtas, "ibm,os-term", TOKEN_OS_TERM);
	dt_set_u32(rtas, "start-cpu", TOKEN_START_CPU);
	dt_set_u32(rtas, "stop-self", TOKEN_STOP_SELF);
	dt_set_u32(rtas, "query-cpu-stopped-state", TOKEN_QUERY_CPU_STOPPED);
}

/* The vcpu RTAS names by its interrupt server number (= its id), or NULL. */
static struct vcpu *vcpu_by_server(struct vmm *vmm, uint32_t server)
{
	return server < (uint32_t)vmm->nr_vcpus ? &vmm->vcpu[server] : NULL;
}

/*
 * start-cpu(server, start address, r3): the stopped vcpu begins at the
 * address in real mode with r3 set. It is parked, so its registers can be
 * set from here; a hypercall it left pending (its stop-self) was completed
 * when it parked and cannot overwrite r3.
 */
static uint32_t start_cpu(struct vmm *vmm, const uint32_t *in, unsigned int nargs)
{
	struct vcpu *target = nargs >= 3 ? vcpu_by_server(vmm, in[0]) : NULL;

	if (!target)
		return RTAS_PARAM_ERROR;
	if (target->started)
		return RTAS_HW_ERROR;	/* PAPR: the processor is not stopped */
	if (vcpu_complete_hcall(target) ||
	    vcpu_set_entry(target, in[1], MSR_SF | MSR_ME, 0, in[2], 0, 0))
		return RTAS_HW_ERROR;
	target->started = true;
	pthread_cond_broadcast(&vmm->changed);	/* its thread leaves park() */
	return 0;
}

static void get_time_of_day(uint32_t *ret, unsigned int nret)
{
	struct timespec ts;
	struct tm tm;

	if (nret < 8) {
		ret[0] = RTAS_PARAM_ERROR;
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	ret[0] = 0;
	ret[1] = tm.tm_year + 1900;
	ret[2] = tm.tm_mon + 1;
	ret[3] = tm.tm_mday;
	ret[4] = tm.tm_hour;
	ret[5] = tm.tm_min;
	ret[6] = tm.tm_sec;
	ret[7] = ts.tv_nsec;
}

long rtas_call(struct vcpu *caller, uint64_t args_gpa)
{
	struct vmm *vmm = caller->vmm;
	struct vcpu *target;
	uint8_t *blk = guest_ptr(&vmm->ram, args_gpa & 0xffffffffULL, 12 + 4 * RTAS_MAX_ARGS);
	uint32_t token, nargs, nret, in[RTAS_MAX_ARGS], ret[RTAS_MAX_ARGS] = { 0 };
	char msg[256];
	unsigned int i;

	if (!blk)
		return PPCMMU_H_PARAMETER;
	token = be32_get(blk);
	nargs = be32_get(blk + 4);
	nret = be32_get(blk + 8);
	if (nargs > RTAS_MAX_ARGS || nret > RTAS_MAX_ARGS - nargs || !nret)
		return PPCMMU_H_PARAMETER;
	for (i = 0; i < nargs; i++)
		in[i] = be32_get(blk + 12 + 4 * i);

	switch (token) {
	case TOKEN_POWER_OFF:
		printf("vmm: the guest powered off\n");
		vmm_stop(vmm, VMM_EXIT_POWER_OFF);
		break;
	case TOKEN_SYSTEM_REBOOT:
		vmm->reboot_due = true;	/* main.c resets the VM after this exit */
		break;
	case TOKEN_GET_TIME_OF_DAY:
		get_time_of_day(ret, nret);
		break;
	case TOKEN_OS_TERM:
		if (nargs < 1 || !guest_read_string(&vmm->ram, in[0], msg, sizeof(msg)))
			snprintf(msg, sizeof(msg), "(unreadable message)");
		printf("vmm: the guest terminated (ibm,os-term): %s\n", msg);
		vmm_stop(vmm, VMM_EXIT_GUEST_DIED);
		break;
	case TOKEN_START_CPU:
		ret[0] = start_cpu(vmm, in, nargs);
		break;
	case TOKEN_STOP_SELF:	/* never returns to the guest: the vcpu parks (cpus.c) */
		caller->started = false;
		break;
	case TOKEN_QUERY_CPU_STOPPED:
		target = nargs >= 1 ? vcpu_by_server(vmm, in[0]) : NULL;
		if (!target || nret < 2) {
			ret[0] = RTAS_PARAM_ERROR;
			break;
		}
		ret[1] = target->started ? CPU_RUNNING : CPU_STOPPED;
		break;
	default:
		ret[0] = RTAS_UNKNOWN_OP;
		break;
	}
	for (i = 0; i < nret; i++)
		be32_put(blk + 12 + 4 * (nargs + i), ret[i]);
	return 0;
}
