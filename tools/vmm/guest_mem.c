// SPDX-License-Identifier: GPL-2.0
/* Guest memory: see guest_mem.h. */
#include <sys/mman.h>

#include "guest_mem.h"

bool guest_read_string(const struct guest_mem *mem, uint64_t gpa, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		const char *p = guest_ptr(mem, gpa + i, 1);

		if (!p)
			return false;
		buf[i] = *p;
		if (!*p)
			return true;
	}
	buf[size - 1] = '\0';
	return false;
}

/* NORESERVE: a guest touches little of its RAM; the host commits what it touches. */
int guest_mem_alloc(struct guest_mem *mem)
{
	void *p = mmap(NULL, mem->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	mem->host = p;
	return 0;
}

void guest_mem_free(struct guest_mem *mem)
{
	if (mem->host)
		munmap(mem->host, mem->size);
	mem->host = NULL;
}

void guest_mem_mark_written(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	uint64_t *bits = __atomic_load_n(&mem->written, __ATOMIC_ACQUIRE);
	uint64_t page, last;

	if (!bits || !len || gpa >= mem->size)
		return;
	if (len > mem->size - gpa)
		len = mem->size - gpa;
	last = (gpa + len - 1) >> mem->page_shift;
	for (page = gpa >> mem->page_shift; page <= last; page++)
		__atomic_fetch_or(&bits[page / 64], 1ULL << (page % 64), __ATOMIC_RELAXED);
}

/* MADV_DONTNEED on a private anonymous mapping: the next touch reads zeroes. */
int guest_mem_clear(struct guest_mem *mem)
{
	guest_mem_mark_written(mem, 0, mem->size);
	return madvise(mem->host, mem->size, MADV_DONTNEED);
}
