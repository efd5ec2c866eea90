/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP producer for the selftests, in the format kselftest's runner
 * and the project's host runner both read:
 *
 *   TAP version 13
 *   1..N
 *   ok 1 name | not ok 2 name | ok 3 name # SKIP reason
 *   # Totals: pass:P fail:F xfail:0 xpass:0 skip:S error:E
 *
 * Exit code follows kselftest: 0 pass, 1 fail, 4 all skipped. A program that
 * reports a different number of results than it planned fails: a test that
 * silently stopped early must not look green.
 */
#ifndef PPCMMU_SELFTEST_KTAP_H
#define PPCMMU_SELFTEST_KTAP_H

#include <stdbool.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

void ktap_start(int planned);
/* One result; returns cond so callers can stop dependent steps. */
bool ktap_result(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ktap_skip(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Mark @n planned results as skipped because an earlier step failed. */
void ktap_skip_n(int n, const char *reason, const char *name);
void ktap_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ktap_finish(void) __attribute__((noreturn));

#endif
