// SPDX-License-Identifier: GPL-2.0
/* Unit tests of logic/proc_tbl.c: H_REGISTER_PROC_TBL argument checking. */
#include "../papr.h"
#include "../proc_tbl.h"
#include "unit.h"
#include <linux/kvm_ppc_mmu.h>

#define RH	(KVM_PPC_MMU_GUEST_RADIX | KVM_PPC_MMU_GUEST_HASH)
#define GR	PPCMMU_PATB_GR
#define NEW_RADIX_GTSE	0x1d
#define NEW_RADIX	0x1c
#define NEW_HASH_SLB	0x18
#define NEW_HASH_PT	0x1a
#define DEREG_RADIX	0x14
#define DEREG_HASH	0x10
#define KEEP_RADIX	0x04
#define KEEP_HASH	0x00

static const struct ppcmmu_mmu_now radix_now = { true, GR | 0x10000 | 0 };
static const struct ppcmmu_mmu_now hash_now = { false, 0 };

static const struct {
	const char *name;
	struct ppcmmu_proc_tbl_args a;
	const struct ppcmmu_mmu_now *now;
	u64 modes;
	long hret;
	bool radix, gtse;
	u64 pt, base, bytes;
} cases[] = {
	{ "new radix 4K table with GTSE", { NEW_RADIX_GTSE, 0x10000, 0, 0 }, &hash_now, RH,
	  PPCMMU_H_SUCCESS, true, true, GR | 0x10000, 0x10000, 4096 },
	{ "new radix 64K table, size 4", { NEW_RADIX, 0x20000, 0, 4 }, &hash_now, RH,
	  PPCMMU_H_SUCCESS, true, false, GR | 0x20000 | 4, 0x20000, 65536 },
	{ "new radix, largest table (size 24)", { NEW_RADIX, 1ULL << 36, 0, 24 }, &radix_now, RH,
	  PPCMMU_H_SUCCESS, true, false, GR | (1ULL << 36) | 24, 1ULL << 36, 1ULL << 36 },
	{ "base not 4K aligned", { NEW_RADIX, 0x10800, 0, 0 }, &radix_now, RH, PPCMMU_H_P2 },
	{ "base with low bit", { NEW_RADIX, 0x10001, 0, 0 }, &radix_now, RH, PPCMMU_H_P2 },
	{ "base at 2^60", { NEW_RADIX, 1ULL << 60, 0, 0 }, &radix_now, RH, PPCMMU_H_P2 },
	{ "base all ones", { NEW_RADIX, ~0ULL, 0, 0 }, &radix_now, RH, PPCMMU_H_P2 },
	{ "base not aligned to 8K table", { NEW_RADIX, 0x11000, 0, 1 }, &radix_now, RH, PPCMMU_H_P2 },
	{ "page size 1", { NEW_RADIX, 0x10000, 1, 0 }, &radix_now, RH, PPCMMU_H_P3 },
	{ "page size all ones", { NEW_RADIX, 0x10000, ~0ULL, 0 }, &radix_now, RH, PPCMMU_H_P3 },
	{ "table size 25", { NEW_RADIX, 0x10000, 0, 25 }, &radix_now, RH, PPCMMU_H_P4 },
	{ "table size all ones (no shift overflow)", { NEW_RADIX, 0x10000, 0, ~0ULL }, &radix_now, RH,
	  PPCMMU_H_P4 },
	{ "P2 checked before P3 and P4", { NEW_RADIX, 0x10001, 1, 99 }, &radix_now, RH, PPCMMU_H_P2 },
	{ "new hash with SLB", { NEW_HASH_SLB, 0x1234, 5, 6 }, &radix_now, RH,
	  PPCMMU_H_SUCCESS, false, false, 0, 0, 0 },
	{ "new hash with SLB and GTSE", { NEW_HASH_SLB | 1, 0, 0, 0 }, &radix_now, RH,
	  PPCMMU_H_SUCCESS, false, true, 0, 0, 0 },
	/* QEMU's h_register_process_table, hash with SLB: base < 2^38, page size 0..7, size <= 24 */
	{ "new hash, largest base, page size and table size", { NEW_HASH_SLB, (1ULL << 38) - 1, 7, 24 },
	  &radix_now, RH, PPCMMU_H_SUCCESS, false, false, 0, 0, 0 },
	{ "new hash, base at 2^38", { NEW_HASH_SLB, 1ULL << 38, 0, 0 }, &radix_now, RH, PPCMMU_H_P2 },
	{ "new hash, base all ones", { NEW_HASH_SLB, ~0ULL, 0, 0 }, &hash_now, RH, PPCMMU_H_P2 },
	{ "new hash, page size 8", { NEW_HASH_SLB, 0, 8, 0 }, &hash_now, RH, PPCMMU_H_P3 },
	{ "new hash, page size bit 63", { NEW_HASH_SLB, 0, 1ULL << 63, 0 }, &hash_now, RH,
	  PPCMMU_H_P3 },
	{ "new hash, table size 25", { NEW_HASH_SLB, 0, 0, 25 }, &hash_now, RH, PPCMMU_H_P4 },
	{ "new hash, table size all ones", { NEW_HASH_SLB | 1, 0, 0, ~0ULL }, &hash_now, RH,
	  PPCMMU_H_P4 },
	{ "new hash: P2 checked before P3 and P4", { NEW_HASH_SLB, 1ULL << 38, 8, 25 }, &hash_now, RH,
	  PPCMMU_H_P2 },
	{ "new hash: P3 checked before P4", { NEW_HASH_SLB, 0, 8, 25 }, &hash_now, RH, PPCMMU_H_P3 },
	{ "new hash, bad base on a radix-only host: arguments first, as QEMU",
	  { NEW_HASH_SLB, 1ULL << 38, 0, 0 }, &radix_now, KVM_PPC_MMU_GUEST_RADIX, PPCMMU_H_P2 },
	{ "new radix, bad base on a hash-only host: arguments first, as QEMU",
	  { NEW_RADIX, 0x10001, 0, 0 }, &hash_now, KVM_PPC_MMU_GUEST_HASH, PPCMMU_H_P2 },
	{ "hash with segment table: unsupported", { NEW_HASH_PT, 0x10000, 0, 0 }, &hash_now, RH,
	  PPCMMU_H_PARAMETER },
	{ "type 0b11 has no meaning", { 0x1e, 0x10000, 0, 0 }, &hash_now, RH, PPCMMU_H_PARAMETER },
	{ "reserved bit 5", { 0x20 | NEW_RADIX, 0x10000, 0, 0 }, &hash_now, RH, PPCMMU_H_PARAMETER },
	{ "reserved bit 63", { (1ULL << 63) | NEW_RADIX, 0x10000, 0, 0 }, &hash_now, RH,
	  PPCMMU_H_PARAMETER },
	{ "radix on a hash-only host", { NEW_RADIX, 0x10000, 0, 0 }, &hash_now,
	  KVM_PPC_MMU_GUEST_HASH, PPCMMU_H_PARAMETER },
	{ "hash on a radix-only host", { NEW_HASH_SLB, 0, 0, 0 }, &radix_now,
	  KVM_PPC_MMU_GUEST_RADIX, PPCMMU_H_PARAMETER },
	{ "nothing offered at all", { NEW_RADIX, 0x10000, 0, 0 }, &radix_now, 0, PPCMMU_H_PARAMETER },
	{ "keep current radix", { KEEP_RADIX, 0xdead, 7, 7 }, &radix_now, RH,
	  PPCMMU_H_SUCCESS, true, false, GR | 0x10000, 0x10000, 4096 },
	{ "keep current radix, op 0b01 (QEMU compatible)", { 0x0c | 1, 0, 0, 0 }, &radix_now, RH,
	  PPCMMU_H_SUCCESS, true, true, GR | 0x10000, 0x10000, 4096 },
	{ "keep current hash", { KEEP_HASH, 0, 0, 0 }, &hash_now, RH,
	  PPCMMU_H_SUCCESS, false, false, 0, 0, 0 },
	{ "keep current, mismatch radix->hash", { KEEP_HASH, 0, 0, 0 }, &radix_now, RH,
	  PPCMMU_H_PARAMETER },
	{ "keep current, mismatch hash->radix", { KEEP_RADIX, 0, 0, 0 }, &hash_now, RH,
	  PPCMMU_H_PARAMETER },
	{ "deregister radix", { DEREG_RADIX, 0x10000, 0, 0 }, &radix_now, RH,
	  PPCMMU_H_SUCCESS, true, false, GR, 0, 0 },
	{ "deregister hash", { DEREG_HASH, 0, 0, 0 }, &hash_now, RH,
	  PPCMMU_H_SUCCESS, false, false, 0, 0, 0 },
	{ "deregister naming the other mode", { DEREG_HASH, 0, 0, 0 }, &radix_now, RH,
	  PPCMMU_H_PARAMETER },
};

int main(void)
{
	struct ppcmmu_proc_tbl_plan p;
	unsigned int i, bad;
	long h;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p.radix = !cases[i].radix;	/* poison: must be overwritten */
		h = ppcmmu_proc_tbl_decide(&cases[i].a, cases[i].now, cases[i].modes, &p);
		if (cases[i].hret != PPCMMU_H_SUCCESS) {
			CHECK(h == cases[i].hret, "%s: hret %ld (want %ld)", cases[i].name, h,
			      cases[i].hret);
			continue;
		}
		CHECK(h == 0 && p.radix == cases[i].radix && p.gtse == cases[i].gtse &&
		      p.process_table == cases[i].pt && p.table_base == cases[i].base &&
		      p.table_bytes == cases[i].bytes,
		      "%s: hret %ld radix %d gtse %d pt %#llx range %#llx+%#llx", cases[i].name, h,
		      p.radix, p.gtse, (unsigned long long)p.process_table,
		      (unsigned long long)p.table_base, (unsigned long long)p.table_bytes);
	}

	for (bad = 0, i = 5; i < 64; i++) {
		struct ppcmmu_proc_tbl_args a = { (1ULL << i) | NEW_RADIX, 0x10000, 0, 0 };

		bad += ppcmmu_proc_tbl_decide(&a, &radix_now, RH, &p) == PPCMMU_H_PARAMETER;
	}
	CHECK(bad == 59, "every reserved flag bit 5..63 alone -> H_PARAMETER (%u/59)", bad);

	CHECK(ppcmmu_proc_tbl_range_hret(true, true) == PPCMMU_H_SUCCESS, "table in RAM");
	CHECK(ppcmmu_proc_tbl_range_hret(false, false) == PPCMMU_H_P2, "base outside RAM -> H_P2");
	CHECK(ppcmmu_proc_tbl_range_hret(true, false) == PPCMMU_H_P4,
	      "table running past the end of RAM -> H_P4");
	return unit_done("test_proc_tbl");
}
