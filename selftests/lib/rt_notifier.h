/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A real-time thread that keeps running KVM's MMU notifier on a range of
 * guest memory: it faults the range in, madvise(MADV_DONTNEED)s it (KVM
 * takes kvm->mmu_lock and unmaps what the guest mapped there), sleeps
 * 200 us, again. SCHED_FIFO and pinned to the CPU of the thread that starts
 * it, so every wakeup preempts that thread at once, wherever it is: a
 * preemptible kernel's races with the notifier open hundreds of times a
 * second. While paused it only naps, and takes no lock. With @act set it
 * calls that instead of madvise() (a VMM's other ioctls, raced the same way).
 */
#ifndef PPCMMU_SELFTESTS_RT_NOTIFIER_H
#define PPCMMU_SELFTESTS_RT_NOTIFIER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_notifier {
	uint8_t *start;		/* host view of the range, page aligned */
	size_t size;
	int cpu;
	atomic_bool paused;	/* no madvise() while set */
	atomic_bool stop;
	atomic_long rounds;	/* madvise() calls made */
	int error;		/* errno of a failed pin or madvise() */
	bool realtime;		/* SCHED_FIFO took (needs root) */
	pthread_t thread;
	int (*act)(void *ctx);	/* instead of madvise(): 0 or an errno to stop on */
	void *ctx;
};

/*
 * Start it on the calling thread's CPU (which the caller is pinned to
 * first) over the host pages covering [@addr, @addr + @len). 0 or -errno.
 */
int rt_notifier_start(struct rt_notifier *n, void *addr, size_t len, bool paused);
/* The same thread, calling @act(@ctx) each time it wakes (unpaused). */
int rt_thread_start(struct rt_notifier *n, int (*act)(void *ctx), void *ctx);
void rt_notifier_stop(struct rt_notifier *n);
/* Pin the calling thread to @cpu. 0 or an errno. */
int rt_notifier_pin(int cpu);

#endif
