/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's console: the hvterm hypercalls (H_PUT_TERM_CHAR,
 * H_GET_TERM_CHAR) and Open Firmware's "write" both end here. Output goes
 * to stdout as it comes; complete lines are watched for what the VMM acts
 * on (the snapshot trigger, a guest kernel panic), which it reads back from
 * struct console after the exit: the console itself stops nothing.
 * Bottom layer: no KVM, no struct vmm, unit-tested natively.
 */
#ifndef PPCMMU_VMM_CONSOLE_H
#define PPCMMU_VMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console {
	const char *trigger;	/* a line containing it sets .triggered (NULL: none) */
	bool triggered;
	const char *live_trigger;	/* the same for .live_triggered (--live-copy-after) */
	bool live_triggered;
	bool panicked;		/* "Kernel panic - not syncing" went by */
	char line[256];		/* the line being written */
	size_t line_len;
};

void console_write(struct console *con, const char *buf, size_t len);

/* The hvterm hypercalls: args as KVM passes them (r4..), a PAPR return code. */
long console_put_term_char(struct console *con, const uint64_t *args);
long console_get_term_char(uint64_t *args);

#endif
