// SPDX-License-Identifier: GPL-2.0
/* The guest's console: see console.h. */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "papr.h"		/* kmod/logic: PAPR return codes */

/*
 * A panicked guest never powers off: flagging the panic lets the VMM stop
 * it rather than wait for a timeout.
 */
static void console_line(struct console *con, const char *line)
{
	if (con->trigger && !con->triggered && strstr(line, con->trigger))
		con->triggered = true;
	if (con->live_trigger && !con->live_triggered && strstr(line, con->live_trigger))
		con->live_triggered = true;
	if (strstr(line, "Kernel panic - not syncing")) {
		printf("\nvmm: the guest kernel panicked; stopping it\n");
		con->panicked = true;
	}
}

void console_write(struct console *con, const char *buf, size_t len)
{
	size_t i;

	fwrite(buf, 1, len, stdout);
	fflush(stdout);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n' || con->line_len == sizeof(con->line) - 1) {
			con->line[con->line_len] = '\0';
			console_line(con, con->line);
			con->line_len = 0;
		} else if (buf[i] != '\r') {
			con->line[con->line_len++] = buf[i];
		}
	}
}

/* H_PUT_TERM_CHAR: r4 terminal, r5 length (<= 16), r6-r7 the bytes, first byte highest. */
long console_put_term_char(struct console *con, const uint64_t *args)
{
	uint64_t len = args[1];
	char buf[16];
	unsigned int i;

	if (len > 16)
		return PPCMMU_H_PARAMETER;
	for (i = 0; i < len; i++)
		buf[i] = args[2 + i / 8] >> (56 - 8 * (i % 8));
	console_write(con, buf, len);
	return PPCMMU_H_SUCCESS;
}

long console_get_term_char(uint64_t *args)
{
	args[0] = 0;	/* no input: the console is output-only */
	args[1] = args[2] = 0;
	return PPCMMU_H_SUCCESS;
}
