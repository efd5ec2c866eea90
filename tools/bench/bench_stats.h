/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timing and order statistics shared by the benchmarks. Times are
 * CLOCK_MONOTONIC integer nanoseconds (DESIGN.md: no floating point kept
 * across KVM_RUN); ratios are computed only when printed.
 */
#ifndef PPCMMU_BENCH_STATS_H
#define PPCMMU_BENCH_STATS_H

#include <stdlib.h>
#include <time.h>

static inline long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int bench_cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts @v in place; the median is then v[n / 2], min v[0], max v[n - 1]. */
static inline void bench_sort_ll(long long *v, int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_ll);
}

static inline void bench_sort_double(double *v, int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
}

#endif
