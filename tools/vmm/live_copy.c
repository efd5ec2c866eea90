// SPDX-License-Identifier: GPL-2.0
/*
 * --live-copy-after TEXT: from the first console line holding TEXT, copy the
 * guest's RAM while the guest runs, as the first phase of a live migration
 * does, and check the copy at the end.
 *
 * Dirty logging goes on for the RAM memslot; the whole of RAM is copied
 * once, then each pass (every PASS_MS) copies what changed since the last:
 * the pages KVM_GET_DIRTY_LOG names (the guest's stores) and the pages the
 * VMM itself handed out (guest_mem.h: KVM does not see the VMM's stores).
 * Passes go on for at least MIN_PASSES, and for PASSES_AFTER_BUSY more once
 * a switch of the guest's MMU was answered busy (the module refuses to switch
 * while dirty logging is on: kmod/switch_guard.c); at most MAX_S seconds.
 * Then every vcpu is paused, the last pass copies what is left, and the
 * copy must equal RAM byte for byte: a page that differs is one whose change
 * the dirty log lost, which a real migration would have corrupted. Dirty
 * logging ends, the guest goes on, and the switch it waited for goes ahead.
 *
 * Prints "vmm: live copy: ..." lines; the last one says how many pages
 * differ (tools/stages/vmm-scenarios.sh wants 0, and a busy switch).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

#define PASS_MS			200
#define MIN_PASSES		5
#define PASSES_AFTER_BUSY	3
#define MAX_S			120

struct live_copy {
	struct vmm *vmm;
	pthread_t thread;
	uint8_t *copy;		/* the destination's RAM, as a migration would build it */
	uint64_t *kvm_dirty;	/* KVM_GET_DIRTY_LOG's bitmap */
	uint64_t *vmm_written;	/* vmm->ram.written while the copy runs */
	uint64_t pages, words;
	unsigned int page_shift;
	int passes;
	uint64_t copied;	/* pages copied after the first full copy */
	int r;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void copy_page(struct live_copy *lc, uint64_t page)
{
	uint64_t off = page << lc->page_shift;

	memcpy(lc->copy + off, lc->vmm->ram.host + off, 1ULL << lc->page_shift);
	lc->copied++;
}

/* Copy the pages set in @bits, clearing them (atomically: the VMM marks too). */
static void copy_marked(struct live_copy *lc, uint64_t *bits)
{
	uint64_t w, word, b;

	for (w = 0; w < lc->words; w++) {
		word = __atomic_exchange_n(&bits[w], 0, __ATOMIC_ACQ_REL);
		for (b = 0; word; b++, word >>= 1)
			if (word & 1)
				copy_page(lc, w * 64 + b);
	}
}

/*
 * One pass: what the guest dirtied (no lock: a page it writes again after
 * the log was read is in the next log), then what the VMM handed out,
 * under the VMM lock, which every VMM store to guest RAM is made under.
 */
static int pass(struct live_copy *lc, bool locked)
{
	struct vmm *vmm = lc->vmm;
	struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = lc->kvm_dirty };

	if (ioctl(vmm->vm_fd, KVM_GET_DIRTY_LOG, &log)) {
		perror("vmm: live copy: KVM_GET_DIRTY_LOG");
		return -1;
	}
	copy_marked(lc, lc->kvm_dirty);
	if (!locked)
		pthread_mutex_lock(&vmm->lock);
	copy_marked(lc, lc->vmm_written);
	if (!locked)
		pthread_mutex_unlock(&vmm->lock);
	lc->passes++;
	return 0;
}

/* Pages where the copy and RAM differ; the first few are named. */
static uint64_t count_differences(struct live_copy *lc)
{
	uint64_t page, n = 0, size = 1ULL << lc->page_shift;

	for (page = 0; page < lc->pages; page++) {
		if (!memcmp(lc->copy + (page << lc->page_shift),
			    lc->vmm->ram.host + (page << lc->page_shift), size))
			continue;
		if (n++ < 8)
			printf("vmm: live copy: page at 0x%llx differs from the copy\n",
			       (unsigned long long)(page << lc->page_shift));
	}
	return n;
}

static bool enough_passes(struct live_copy *lc, int busy_pass, long long start)
{
	if (lc->passes < MIN_PASSES)
		return false;
	if (busy_pass >= 0 && lc->passes - busy_pass >= PASSES_AFTER_BUSY)
		return true;
	return now_ms() - start > MAX_S * 1000LL;
}

/* The last pass with every vcpu paused, the check, dirty logging off. */
static int finish(struct live_copy *lc, unsigned long busy)
{
	struct vmm *vmm = lc->vmm;
	uint64_t differ;
	int r;

	pthread_mutex_lock(&vmm->lock);
	r = vcpus_pause_all(vmm);
	if (!r) {
		r = pass(lc, true);
		differ = count_differences(lc);
		printf("vmm: live copy: done: %d passes, %llu pages copied after the first copy, %lu busy answers to the guest's MMU switch meanwhile, %llu pages differ\n",
		       lc->passes, (unsigned long long)lc->copied, vmm->switch_busy - busy,
		       (unsigned long long)differ);
		if (differ)
			r = -1;
		__atomic_store_n(&vmm->ram.written, NULL, __ATOMIC_RELEASE);
		if (ram_log_dirty(vmm, false)) {
			perror("vmm: live copy: dirty logging off");
			r = -1;
		}
		vcpus_resume_all(vmm);
	}
	pthread_mutex_unlock(&vmm->lock);
	return r;
}

static void *live_copy_main(void *arg)
{
	struct live_copy *lc = arg;
	struct vmm *vmm = lc->vmm;
	long long start = now_ms();
	unsigned long busy;
	int busy_pass = -1;

	pthread_mutex_lock(&vmm->lock);
	busy = vmm->switch_busy;
	pthread_mutex_unlock(&vmm->lock);
	/* Marking first, then the log, then the full copy: no change falls between. */
	__atomic_store_n(&vmm->ram.written, lc->vmm_written, __ATOMIC_RELEASE);
	if (ram_log_dirty(vmm, true)) {
		perror("vmm: live copy: dirty logging on");
		__atomic_store_n(&vmm->ram.written, NULL, __ATOMIC_RELEASE);
		lc->r = -1;
		return NULL;
	}
	memcpy(lc->copy, vmm->ram.host, vmm->ram.size);
	printf("vmm: live copy: dirty logging on, %llu MiB copied; passes every %d ms\n",
	       (unsigned long long)(vmm->ram.size >> 20), PASS_MS);

	while (!enough_passes(lc, busy_pass, start) &&
	       !__atomic_load_n(&vmm->stop, __ATOMIC_RELAXED)) {
		usleep(PASS_MS * 1000);
		if (pass(lc, false)) {
			lc->r = -1;
			break;
		}
		if (busy_pass < 0 && __atomic_load_n(&vmm->switch_busy, __ATOMIC_RELAXED) != busy)
			busy_pass = lc->passes;
	}
	if (!lc->r && !vmm->stop)
		lc->r = finish(lc, busy);
	if (lc->r) {
		pthread_mutex_lock(&vmm->lock);
		vmm_stop(vmm, VMM_EXIT_ERROR);
		pthread_mutex_unlock(&vmm->lock);
	}
	return NULL;
}

/* At the trigger, with the VMM lock held: start the copier thread. */
int live_copy_start(struct vmm *vmm)
{
	struct live_copy *lc = calloc(1, sizeof(*lc));
	long page = sysconf(_SC_PAGESIZE);

	if (!lc)
		return -1;
	lc->vmm = vmm;
	lc->page_shift = __builtin_ctzl(page);
	lc->pages = vmm->ram.size >> lc->page_shift;
	lc->words = (lc->pages + 63) / 64;
	lc->copy = malloc(vmm->ram.size);
	lc->kvm_dirty = calloc(lc->words, sizeof(uint64_t));
	lc->vmm_written = calloc(lc->words, sizeof(uint64_t));
	vmm->ram.page_shift = lc->page_shift;
	vmm->live = lc;
	if (!lc->copy || !lc->kvm_dirty || !lc->vmm_written ||
	    pthread_create(&lc->thread, NULL, live_copy_main, lc)) {
		fprintf(stderr, "vmm: live copy: cannot start\n");
		lc->r = -1;
		lc->thread = 0;
		return -1;
	}
	return 0;
}

/* When the VM has stopped: wait for the copier; its verdict (0: none ran, or it passed). */
int live_copy_finish(struct vmm *vmm)
{
	struct live_copy *lc = vmm->live;
	int r;

	if (!lc)
		return 0;
	if (lc->thread)
		pthread_join(lc->thread, NULL);
	r = lc->r;
	free(lc->copy);
	free(lc->kvm_dirty);
	free(lc->vmm_written);
	free(lc);
	vmm->live = NULL;
	return r;
}
