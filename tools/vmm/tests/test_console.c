// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of the guest's console (console.c): what the VMM acts
 * on (the snapshot trigger, a kernel panic) is seen whole whatever way the
 * guest splits its output, a line longer than the buffer cannot overflow it,
 * and the hvterm hypercalls decode as PAPR says. What the guest "prints"
 * here starts with "# " and ends its line before the next CHECK, so it
 * reads as a TAP comment in the test's log.
 */
#include <string.h>

#include "../console.h"
#include "papr.h"
#include "unit.h"

/* H_PUT_TERM_CHAR's arguments for @s (at most 16 bytes): r6-r7, first byte highest. */
static void put_args(uint64_t *args, const char *s)
{
	size_t i, len = strlen(s);

	memset(args, 0, 4 * sizeof(*args));
	args[1] = len;
	for (i = 0; i < len; i++)
		args[2 + i / 8] |= (uint64_t)(uint8_t)s[i] << (56 - 8 * (i % 8));
}

static void test_trigger(void)
{
	struct console con = { .trigger = "login:" };

	console_write(&con, "# boot\n", 7);
	CHECK(!con.triggered, "a line without the trigger does not trigger");
	console_write(&con, "# log", 5);
	console_write(&con, "in:", 3);
	printf("\n");		/* ends the echoed half line, not the console's */
	CHECK(!con.triggered, "nor half a line that has it");
	console_write(&con, "\r\n", 2);
	CHECK(con.triggered && !con.panicked && con.line_len == 0,
	      "the line, split over writes, triggers once complete; \\r is dropped");
}

static void test_two_triggers(void)
{
	struct console con = { .trigger = "tick 3", .live_trigger = "tick 1" };

	console_write(&con, "# tick 1\n", 9);
	CHECK(con.live_triggered && !con.triggered, "the live-copy trigger fires on its own line only");
	console_write(&con, "# tick 3\n", 9);
	CHECK(con.live_triggered && con.triggered, "and the snapshot trigger on its own");
}

static void test_long_line(void)
{
	struct console con = { .trigger = "never" };
	char buf[600];

	memset(buf, 'x', sizeof(buf));
	buf[0] = '#';
	buf[1] = ' ';
	console_write(&con, buf, sizeof(buf));
	printf("\n");
	CHECK(con.line_len < sizeof(con.line) && !con.triggered,
	      "a 600-byte line is cut at the buffer, not written past it");
	console_write(&con, "\n", 1);
}

static void test_panic(void)
{
	struct console con = { 0 };

	console_write(&con, "# Kernel panic - not syncing: VFS\n", 34);
	CHECK(con.panicked && !con.triggered, "a kernel panic line is flagged (no trigger set)");
}

/* CHECK evaluates its condition twice: the calls go before it. */
static void test_hvterm(void)
{
	struct console con = { .trigger = "hvterm" };
	uint64_t args[4];
	long r;

	put_args(args, "# hvterm ok\n");
	r = console_put_term_char(&con, args);
	CHECK(r == PPCMMU_H_SUCCESS && con.triggered,
	      "H_PUT_TERM_CHAR: 12 bytes over r6-r7, first byte highest");
	put_args(args, "");
	args[1] = 17;
	r = console_put_term_char(&con, args);
	CHECK(r == PPCMMU_H_PARAMETER, "H_PUT_TERM_CHAR of 17 bytes: H_PARAMETER");
	args[0] = args[1] = args[2] = 0x5a;
	r = console_get_term_char(args);
	CHECK(r == PPCMMU_H_SUCCESS && !args[0] && !args[1] && !args[2],
	      "H_GET_TERM_CHAR: no input, zero bytes");
}

int main(void)
{
	test_trigger();
	test_two_triggers();
	test_long_line();
	test_panic();
	test_hvterm();
	return unit_done("test_console");
}
