// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any byte string as ibm,architecture-vec, parsed and
 * judged for every kind of host. ASan catches any read outside the input
 * (libFuzzer hands over an exactly-sized copy); the checks below catch
 * outcomes that break the rules whatever the input.
 */
#include <stdlib.h>

#include "../cas_decide.h"
#include <linux/kvm_ppc_mmu.h>

static const u64 hosts[] = {
	KVM_PPC_MMU_GUEST_RADIX,
	KVM_PPC_MMU_GUEST_HASH | KVM_PPC_MMU_GUEST_LEGACY,
	KVM_PPC_MMU_GUEST_RADIX | KVM_PPC_MMU_GUEST_HASH | KVM_PPC_MMU_GUEST_LEGACY |
		KVM_PPC_MMU_GUEST_CAS_SWITCH,
	0,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ppcmmu_cas_vec vec;
	struct ppcmmu_cas_decision d;
	enum ppcmmu_cas_err err;
	unsigned int i;

	err = ppcmmu_cas_parse(data, size, 0x004e1200, 0x0f000005, &vec);
	if (!err && (vec.nr_vectors < 5 || vec.ov1_len < 1 || vec.ov1_len > 256 ||
		     vec.ov5_len < 1 || vec.ov5_len > 256 || vec.nr_pvrs > 511))
		abort();
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		ppcmmu_cas_decide(&vec, err, hosts[i], &d);
		if ((err != 0) != (d.status == PPCMMU_CAS_MALFORMED))
			abort();
		if (d.status != PPCMMU_CAS_ACCEPTED) {
			if (d.hcall_ret == 0 || d.radix || d.ack_byte24)
				abort();
			continue;
		}
		if (!(hosts[i] & (d.radix ? KVM_PPC_MMU_GUEST_RADIX : KVM_PPC_MMU_GUEST_HASH)))
			abort();	/* a mode the host cannot give */
		if ((d.legacy && d.radix) || (d.gtse && !d.radix) || d.hcall_ret)
			abort();
		if (d.ack_byte24 != (d.radix ? 0x40 : 0) || d.ack_byte26 != (d.gtse ? 0x40 : 0))
			abort();
	}
	return 0;
}
