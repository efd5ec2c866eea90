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
	{
		struct kvm_ppc_mmu_enable e;
		struct kvm_ppc_mmu_state st;

		memset(&e, 0, sizeof(e));
		CHECK(ppcmmu_check_enable_request(&e) == 0, "enable with no features");
		e.features = KVM_PPC_MMU_FEAT_ALL;
		CHECK(ppcmmu_check_enable_request(&e) == 0, "enable with every known feature");
		for (bad = 0, i = 0; i < 64; i++) {
			e.features = 1ULL << i;
			if (e.features & KVM_PPC_MMU_FEAT_ALL)
				continue;
			bad += ppcmmu_check_enable_request(&e) == -EINVAL;
		}
		CHECK(bad == 64 - (unsigned int)__builtin_popcountll(KVM_PPC_MMU_FEAT_ALL),
		      "each unknown feature bit -> EINVAL (%u)", bad);
		e.features = 0;
		e.flags = 1;
		CHECK(ppcmmu_check_enable_request(&e) == -EINVAL, "enable flags -> EINVAL");
		e.flags = 0;
		e.reserved[5] = 1;
		CHECK(ppcmmu_check_enable_request(&e) == -EINVAL, "enable reserved -> EINVAL");

		memset(&st, 0, sizeof(st));
		CHECK(ppcmmu_check_state_request(&st) == 0, "state request all zero");
		st.reserved[10] = 1;
		CHECK(ppcmmu_check_state_request(&st) == -EINVAL, "state reserved -> EINVAL");
		st.reserved[10] = 0;
		st.flags = 4;
		CHECK(ppcmmu_check_state_request(&st) == -EINVAL, "state flags -> EINVAL");
		st.flags = 0;
		st.mode = 7;
		st.process_table = ~0ULL;
		CHECK(ppcmmu_check_state_request(&st) == 0, "state output fields ignored on input");
		CHECK(sizeof(st) == 128 && sizeof(e) == 64, "state 128 and enable 64 bytes (ABI)");

		{
			struct kvm_ppc_mmu_cas cas;
			unsigned int i, bad = 0;

			memset(&cas, 0, sizeof(cas));
			cas.vec_addr = ~0ULL;	/* an input field, any value */
			CHECK(ppcmmu_check_cas_request(&cas) == 0, "CAS request with zero pad/reserved");
			for (i = 0; i < sizeof(cas.pad); i++) {
				cas.pad[i] = 0x40;
				bad += ppcmmu_check_cas_request(&cas) == -EINVAL;
				cas.pad[i] = 0;
			}
			CHECK(bad == sizeof(cas.pad), "each CAS pad byte non-zero -> EINVAL (%u/%zu)",
			      bad, sizeof(cas.pad));
		}

		{
			struct kvm_ppc_mmu_hpt_order o;
			unsigned int order, ok = 0, bad = 0;

			memset(&o, 0, sizeof(o));
			CHECK(ppcmmu_check_hpt_order_request(&o) == 0,
			      "HPT order 0 (the module's own sizing) accepted");
			for (order = 1; order < 64; order++) {
				o.order = order;
				if (ppcmmu_check_hpt_order_request(&o) == 0)
					ok += order >= 18 && order <= 46;
				else
					bad++;
			}
			CHECK(ok == 29 && bad == 63 - 29,
			      "HPT orders 18..46 accepted (%u), the other 1..63 -> EINVAL (%u)", ok, bad);
			o.order = 0xffffffffu;
			CHECK(ppcmmu_check_hpt_order_request(&o) == -EINVAL, "HPT order 2^32-1 -> EINVAL");
			o.order = 24;
			o.flags = 1ULL << 63;
			CHECK(ppcmmu_check_hpt_order_request(&o) == -EINVAL, "HPT order flags -> EINVAL");
			o.flags = 0;
			o.pad = 1;
			CHECK(ppcmmu_check_hpt_order_request(&o) == -EINVAL, "HPT order pad -> EINVAL");
			o.pad = 0;
			for (i = 0, bad = 0; i < sizeof(o.reserved); i++) {
				((unsigned char *)o.reserved)[i] = 1;
				bad += ppcmmu_check_hpt_order_request(&o) == -EINVAL;
				((unsigned char *)o.reserved)[i] = 0;
			}
			CHECK(bad == sizeof(o.reserved), "each HPT order reserved byte -> EINVAL (%u/%zu)",
			      bad, sizeof(o.reserved));
		}

		CHECK(ppcmmu_enable_transition(0, 3, false) == 0, "before run: any change");
		CHECK(ppcmmu_enable_transition(3, 0, false) == 0, "before run: opt out");
		CHECK(ppcmmu_enable_transition(3, 3, true) == 0, "after run: same set is fine");
		CHECK(ppcmmu_enable_transition(3, 1, true) == -EBUSY, "after run: change -> EBUSY");
		CHECK(ppcmmu_enable_transition(0, 1, true) == -EBUSY, "after run: late opt-in -> EBUSY");
	}
	return unit_done("test_uapi_checks");
}
