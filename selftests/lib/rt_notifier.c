// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "rt_notifier.h"

int rt_notifier_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *rt_notifier_main(void *arg)
{
	struct sched_param rt = { .sched_priority = 1 };
	struct timespec nap = { .tv_nsec = 200 * 1000 };
	struct rt_notifier *n = arg;
	size_t off, page = sysconf(_SC_PAGESIZE);

	n->error = rt_notifier_pin(n->cpu);
	n->realtime = !pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt);
	while (!n->error && !atomic_load(&n->stop)) {
		if (!atomic_load(&n->paused) && n->act) {
			n->error = n->act(n->ctx);
			atomic_fetch_add(&n->rounds, 1);
		} else if (!atomic_load(&n->paused)) {
			for (off = 0; off < n->size; off += page)
				*(volatile uint8_t *)(n->start + off) = 1;
			if (madvise(n->start, n->size, MADV_DONTNEED))
				n->error = errno;
			atomic_fetch_add(&n->rounds, 1);
		}
		nanosleep(&nap, NULL);
	}
	return NULL;
}

int rt_notifier_start(struct rt_notifier *n, void *addr, size_t len, bool paused)
{
	uintptr_t page = sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)addr & ~(page - 1);
	uintptr_t end = ((uintptr_t)addr + len + page - 1) & ~(page - 1);
	int r;

	memset(n, 0, sizeof(*n));
	n->start = (uint8_t *)start;
	n->size = end - start;
	n->cpu = sched_getcpu();
	atomic_store(&n->paused, paused);
	r = rt_notifier_pin(n->cpu);
	r = r ? r : pthread_create(&n->thread, NULL, rt_notifier_main, n);
	return -r;
}

int rt_thread_start(struct rt_notifier *n, int (*act)(void *ctx), void *ctx)
{
	int r;

	memset(n, 0, sizeof(*n));
	n->act = act;
	n->ctx = ctx;
	n->cpu = sched_getcpu();
	r = rt_notifier_pin(n->cpu);
	r = r ? r : pthread_create(&n->thread, NULL, rt_notifier_main, n);
	return -r;
}

void rt_notifier_stop(struct rt_notifier *n)
{
	atomic_store(&n->stop, true);
	pthread_join(n->thread, NULL);
}
