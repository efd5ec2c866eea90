// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ktap.h"

static int ktap_planned, ktap_n, ktap_pass, ktap_fail, ktap_skipped;

void ktap_start(int planned)
{
	ktap_planned = planned;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%d\n", planned);
}

static void ktap_vline(const char *status, const char *directive,
		       const char *fmt, va_list ap)
{
	printf("%s %d ", status, ++ktap_n);
	vprintf(fmt, ap);
	if (directive)
		printf(" # SKIP %s", directive);
	putchar('\n');
	fflush(stdout);
}

bool ktap_result(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vline(cond ? "ok" : "not ok", NULL, fmt, ap);
	va_end(ap);
	if (cond)
		ktap_pass++;
	else
		ktap_fail++;
	return cond;
}

void ktap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vline("ok", reason, fmt, ap);
	va_end(ap);
	ktap_skipped++;
}

void ktap_skip_n(int n, const char *reason, const char *name)
{
	while (n-- > 0)
		ktap_skip(reason, "%s", name);
}

void ktap_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	fflush(stdout);
}

int ktap_finish(void)
{
	int error = ktap_n != ktap_planned;

	if (error)
		printf("# planned %d results but reported %d\n", ktap_planned, ktap_n);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:%d\n",
	       ktap_pass, ktap_fail, ktap_skipped, error);
	fflush(stdout);
	if (ktap_fail || error)
		exit(KSFT_FAIL);
	if (ktap_skipped == ktap_n)
		exit(KSFT_SKIP);
	exit(KSFT_PASS);
}
