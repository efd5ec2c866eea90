/* SPDX-License-Identifier: GPL-2.0 */
/* Watch the kernel log from a test: open at the tail, act, then search. */
#ifndef PPCMMU_SELFTEST_KMSG_H
#define PPCMMU_SELFTEST_KMSG_H

#include <stdbool.h>

/* An fd positioned at the end of /dev/kmsg, or -1. */
int kmsg_open_tail(void);
/* Whether any record logged since kmsg_open_tail() contains @needle. */
bool kmsg_find(int fd, const char *needle);

#endif
