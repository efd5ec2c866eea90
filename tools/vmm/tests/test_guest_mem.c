// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of guest_mem.c's marking of what the VMM touches while
 * a live copy runs (live_copy.c): KVM's dirty log sees only the guest's own
 * stores, so every page guest_ptr() hands out, and all of RAM when a reboot
 * clears it, must be marked; nothing is marked when no copy runs, and a
 * range is clipped to RAM.
 */
#include <string.h>
#include <sys/mman.h>

#include "../guest_mem.h"
#include "unit.h"

#define PAGE_SHIFT	16	/* 64 KiB, as the 6.1 host */
#define RAM		(64ULL << 20)
#define PAGES		(RAM >> PAGE_SHIFT)

static uint64_t bits[PAGES / 64];

static int marked(void)
{
	int n = 0;
	unsigned int i;

	for (i = 0; i < PAGES / 64; i++)
		n += __builtin_popcountll(bits[i]);
	return n;
}

int main(void)
{
	struct guest_mem mem = { .size = RAM, .page_shift = PAGE_SHIFT };
	void *p;

	if (guest_mem_alloc(&mem))
		return 1;
	p = guest_ptr(&mem, 0x10000, 8);
	CHECK(p && marked() == 0, "no live copy: guest_ptr() marks nothing");

	mem.written = bits;
	p = guest_ptr(&mem, 0x10000 - 4, 8);
	CHECK(p && marked() == 2 && (bits[0] & 3) == 3,
	      "8 bytes across a page boundary mark both pages (%d marked)", marked());
	memset(bits, 0, sizeof(bits));
	p = guest_ptr(&mem, RAM - 8, 16);
	CHECK(!p && marked() == 0, "a range past the end of RAM is refused and marks nothing");
	p = guest_ptr(&mem, RAM - 8, 8);
	CHECK(p && marked() == 1 && (bits[PAGES / 64 - 1] >> 63) == 1, "the last bytes mark the last page");
	memset(bits, 0, sizeof(bits));
	guest_mem_mark_written(&mem, RAM - 8, 1ULL << 40);
	CHECK(marked() == 1, "a mark past the end is clipped to RAM");
	CHECK(guest_mem_clear(&mem) == 0 && marked() == (int)PAGES,
	      "clearing RAM (a reboot) marks every page (%d of %llu)", marked(),
	      (unsigned long long)PAGES);
	guest_mem_free(&mem);
	return unit_done("test_guest_mem");
}
