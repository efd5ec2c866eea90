/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory: the one place that maps guest real addresses to host
 * pointers. Everything the guest hands the VMM (argument blocks, strings,
 * buffers) goes through guest_ptr() or guest_read_string(), so a bad
 * address or length is refused here and nowhere else has to check it.
 * The bottom layer of the VMM: no KVM, no struct vmm, unit-tested natively.
 */
#ifndef PPCMMU_VMM_GUEST_MEM_H
#define PPCMMU_VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	uint8_t *host;		/* guest real address 0 in the VMM */
	uint64_t size;
	/*
	 * While a live copy runs (live_copy.c): one bit per page of
	 * 1 << page_shift bytes that the VMM may have written. KVM's dirty log
	 * sees only the guest's own stores, so every page handed out by
	 * guest_ptr() is marked, read or written. NULL otherwise.
	 */
	uint64_t *written;
	unsigned int page_shift;
};

/* Mark [gpa, gpa + len) in mem->written (atomically: any thread may). */
void guest_mem_mark_written(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* Guest real address -> host pointer for [gpa, gpa + len), or NULL. */
static inline void *guest_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	if (gpa > mem->size || len > mem->size - gpa)
		return NULL;
	if (__atomic_load_n(&mem->written, __ATOMIC_ACQUIRE))
		guest_mem_mark_written(mem, gpa, len);
	return mem->host + gpa;
}

/* Copies a NUL-terminated guest string of at most size-1 bytes; false if it does not fit. */
bool guest_read_string(const struct guest_mem *mem, uint64_t gpa, char *buf, size_t size);

/* Open Firmware and RTAS argument blocks are big-endian whatever the guest runs. */
static inline uint32_t be32_get(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline void be32_put(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/* Maps mem->size bytes of zeroed RAM; -1 with errno set if it cannot. */
int guest_mem_alloc(struct guest_mem *mem);
void guest_mem_free(struct guest_mem *mem);
/* Back to all zeroes (a reboot), without unmapping what KVM maps; marks every page written. */
int guest_mem_clear(struct guest_mem *mem);

#endif
