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

/* MADV_DONTNEED on a private anonymous mapping: the next touch reads zeroes. */
int guest_mem_clear(struct guest_mem *mem)
{
	return madvise(mem->host, mem->size, MADV_DONTNEED);
}
