/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal harness for native unit tests of kmod/logic/: each CHECK prints a
 * TAP line; unit_done() prints "<prog>: N passed, N failed" and exits 1 on
 * any failure. Built with ASan/UBSan by tools/stages/unit-tests.sh.
 */
#ifndef PPCMMU_UNIT_H
#define PPCMMU_UNIT_H

#include <stdio.h>
#include <stdlib.h>

static int unit_pass, unit_fail;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		unit_pass++;						\
		printf("ok %d ", unit_pass + unit_fail);		\
	} else {							\
		unit_fail++;						\
		printf("not ok %d ", unit_pass + unit_fail);		\
	}								\
	printf(__VA_ARGS__);						\
	printf("%s\n", (cond) ? "" : "  <-- " #cond);			\
} while (0)

static inline int unit_done(const char *prog)
{
	printf("%s: %d passed, %d failed\n", prog, unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}

#endif
