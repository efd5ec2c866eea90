// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any H_REGISTER_PROC_TBL arguments against any current
 * state and host. Accepted plans must describe a table the checks allow.
 */
#include <stdlib.h>
#include <string.h>

#include "../papr.h"
#include "../proc_tbl.h"
#include <linux/kvm_ppc_mmu.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ppcmmu_proc_tbl_args a;
	struct ppcmmu_proc_tbl_plan p;
	struct ppcmmu_mmu_now now;
	u64 modes;
	long h;

	if (size < sizeof(a) + 2)
		return 0;
	memcpy(&a, data, sizeof(a));
	now.radix = data[sizeof(a)] & 1;
	now.process_table = now.radix ? PPCMMU_PATB_GR | 0x10000 : 0;
	modes = data[sizeof(a) + 1] & 0xf;

	h = ppcmmu_proc_tbl_decide(&a, &now, modes, &p);
	if (h != PPCMMU_H_SUCCESS)
		return 0;
	if (a.flags & ~(u64)PPCMMU_PROC_TABLE_VALID)
		abort();
	if (!(modes & (p.radix ? KVM_PPC_MMU_GUEST_RADIX : KVM_PPC_MMU_GUEST_HASH)))
		abort();
	if (p.radix != !!(p.process_table & PPCMMU_PATB_GR))
		abort();
	if (p.table_bytes && ((p.table_base & (p.table_bytes - 1)) || p.table_base >> 60 ||
			      p.table_bytes > (1ULL << 36)))
		abort();
	return 0;
}
