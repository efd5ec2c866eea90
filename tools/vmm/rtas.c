// SPDX-License-Identifier: GPL-2.0
/*
 * RTAS: the handful of calls a Linux guest makes that matter here. Linux
 * enters RTAS at the blob it instantiated (call-method "instantiate-rtas"),
 * in 32-bit big-endian real mode; the blob makes hypercall H_RTAS (0xf000)
 * with r4 = the big-endian argument block {token, nargs, nret, args[]}.
 * Calls the VMM does not know get status -3 ("no such call"), which Linux
 * handles: it only looks tokens up in /rtas, and we list only these.
 */
#include <stdio.h>
#include <time.h>

#include "vmm.h"

#define RTAS_MAX_ARGS		16
#define RTAS_UNKNOWN_OP		((uint32_t)-3)
#define RTAS_PARAM_ERROR	((uint32_t)-3)

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
};

void rtas_add_tokens(struct vmm *vmm, struct dt_node *rtas)
{
	(void)vmm;
	dt_set_u32(rtas, "power-off", TOKEN_POWER_OFF);
	dt_set_u32(rtas, "system-reboot", TOKEN_SYSTEM_REBOOT);
	dt_set_u32(rtas, "get-time-of-day", TOKEN_GET_TIME_OF_DAY);
	dt_set_u32(rtas, "ibm,os-term", TOKEN_OS_TERM);
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

long rtas_call(struct vmm *vmm, uint64_t args_gpa)
{
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
		vmm->stop = true;
		vmm->exit_code = VMM_EXIT_POWER_OFF;
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
		vmm->stop = true;
		vmm->exit_code = VMM_EXIT_GUEST_DIED;
		break;
	default:
		ret[0] = RTAS_UNKNOWN_OP;
		break;
	}
	for (i = 0; i < nret; i++)
		be32_put(blk + 12 + 4 * (nargs + i), ret[i]);
	return 0;
}
