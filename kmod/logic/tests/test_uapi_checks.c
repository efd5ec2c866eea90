// SPDX-License-Identifier: GPL-2.0
/* Unit tests of logic/uapi_checks.c: every unknown bit is refused. */
#include <string.h>

#include "../uapi_checks.h"
#include "unit.h"
#include <linux/kvm_ppc_mmu.h>

int main(void)
{
	struct kvm_ppc_mmu_caps c;
	unsigned char buf[64];
	unsigned int i, bad;

	memset(&c, 0, sizeof(c));
	CHECK(ppcmmu_check_caps_request(&c) == 0, "all-zero caps request accepted");

	for (bad = 0, i = 0; i < 32; i++) {
		memset(&c, 0, sizeof(c));
		c.flags = 1u << i;
		bad += ppcmmu_check_caps_request(&c) == -EINVAL;
	}
	CHECK(bad == 32, "each of the 32 flag bits alone -> EINVAL (%u/32)", bad);

	for (bad = 0, i = 0; i < sizeof(c.reserved); i++) {
		memset(&c, 0, sizeof(c));
		((unsigned char *)c.reserved)[i] = 0x80;
		bad += ppcmmu_check_caps_request(&c) == -EINVAL;
	}
	CHECK(bad == sizeof(c.reserved), "each reserved byte non-zero -> EINVAL (%u/%zu)",
	      bad, sizeof(c.reserved));

	/* Output fields are overwritten, so garbage in them is not an error. */
	memset(&c, 0, sizeof(c));
	c.abi_version = 99;
	c.guest_modes = ~0ULL;
	c.nr_ap_encodings = 1000;
	CHECK(ppcmmu_check_caps_request(&c) == 0, "output-only fields are ignored on input");

	memset(buf, 0, sizeof(buf));
	CHECK(ppcmmu_all_zero(buf, 0), "empty range is all zero");
	CHECK(ppcmmu_all_zero(buf, sizeof(buf)), "zero buffer");
	buf[63] = 1;
	CHECK(!ppcmmu_all_zero(buf, sizeof(buf)), "last byte set");
	CHECK(ppcmmu_all_zero(buf, 63), "length bound respected");

	CHECK(sizeof(struct kvm_ppc_mmu_caps) == 128, "caps struct is 128 bytes (ABI)");
	CHECK(KVM_PPC_MMU_GET_CAPS == 0xc080b900, "GET_CAPS number %#lx is stable",
	      (unsigned long)KVM_PPC_MMU_GET_CAPS);
	return unit_done("test_uapi_checks");
}
