// SPDX-License-Identifier: GPL-2.0
/* Unit tests of logic/cas_vec.c and logic/cas_decide.c with real vectors. */
#include <string.h>

#include "../cas_decide.h"
#include "../papr.h"
#include "../uapi_checks.h"
#include "unit.h"
#include "ppcmmu/cas_vectors.h"
#include <linux/kvm_ppc_mmu.h>

#define P9_DD20		0x004e1200
#define P8		0x004d0200
#define R	KVM_PPC_MMU_GUEST_RADIX
#define H	(KVM_PPC_MMU_GUEST_HASH | KVM_PPC_MMU_GUEST_LEGACY)
#define RH	(R | H | KVM_PPC_MMU_GUEST_CAS_SWITCH)

static struct ppcmmu_cas_vec vec;
static struct ppcmmu_cas_decision d;
static uint8_t buf[8192];

static enum ppcmmu_cas_err parse(size_t len, uint32_t pvr)
{
	return ppcmmu_cas_parse(buf, len, pvr, PPCMMU_PVR_ARCH_300, &vec);
}

static void decide(enum ppcmmu_cas_err err, u64 modes)
{
	ppcmmu_cas_decide(&vec, err, modes, &d);
}

static void test_real_vectors(void)
{
	size_t n;
	enum ppcmmu_cas_err e;

	n = cas_vec_linux61(buf, 0x40, 0x40);
	CHECK(n == CAS_VEC_LINUX61_SIZE && buf[CAS_VEC_LINUX61_OV5_24] == 0x40 &&
	      buf[CAS_VEC_LINUX61_OV5_26] == 0x40 && buf[CAS_VEC_LINUX61_OV1_3] == 0xc0 &&
	      buf[CAS_VEC_LINUX61_COUNT] == 5,
	      "Linux 6.1 vector: %zu bytes, offsets as prom_init lays them out", n);
	e = parse(n, P9_DD20);
	CHECK(e == 0 && vec.nr_pvrs == 13 && vec.pvr_raw_match &&
	      vec.compat_pvr == PPCMMU_PVR_ARCH_300 && vec.nr_vectors == 6 &&
	      vec.ov1_len == 3 && vec.ov5_len == 26,
	      "6.1 parses: %u PVRs, raw match %d, compat %#x, %u vectors, OV1 %u, OV5 %u",
	      vec.nr_pvrs, vec.pvr_raw_match, vec.compat_pvr, vec.nr_vectors, vec.ov1_len,
	      vec.ov5_len);
	decide(e, RH);
	CHECK(d.status == PPCMMU_CAS_ACCEPTED && d.radix && d.gtse && !d.legacy &&
	      d.ack_byte24 == 0x40 && d.ack_byte26 == 0x40 && d.compat_pvr == 0 && d.hcall_ret == 0,
	      "6.1 radix guest on a radix+hash host: radix, GTSE, acks 0x40/0x40");
	decide(e, R);
	CHECK(d.status == PPCMMU_CAS_ACCEPTED && d.radix, "6.1 radix guest on a nested host: radix");
	decide(e, H);
	CHECK(d.status == PPCMMU_CAS_MODE_UNAVAILABLE && d.hcall_ret == PPCMMU_H_HARDWARE,
	      "6.1 radix-only guest on a hash host: MODE_UNAVAILABLE");

	n = cas_vec_linux61(buf, 0x00, 0x00);
	e = parse(n, P9_DD20);
	decide(e, H);
	CHECK(d.status == PPCMMU_CAS_ACCEPTED && !d.radix && !d.gtse && !d.legacy &&
	      d.ack_byte24 == 0 && d.ack_byte26 == 0,
	      "6.1 hash guest (disable_radix) on a hash host: hash");
	decide(e, RH);
	CHECK(d.status == PPCMMU_CAS_ACCEPTED && !d.radix, "6.1 hash guest on radix+hash host: hash");
	decide(e, R);
	CHECK(d.status == PPCMMU_CAS_MODE_UNAVAILABLE, "6.1 hash guest on a nested host: refused");

	n = cas_vec_linux61(buf, 0x40, 0x00);
	decide(parse(n, P9_DD20), RH);
	CHECK(d.radix && !d.gtse && d.ack_byte26 == 0, "radix without GTSE asked: none given");
	n = cas_vec_linux61(buf, 0x00, 0x40);
	decide(parse(n, P9_DD20), RH);
	CHECK(!d.radix && !d.gtse, "GTSE bit with hash: ignored");

	n = cas_vec_linux61(buf, 0x80, 0x40);
	decide(parse(n, P9_DD20), RH);
	CHECK(d.status == 0 && d.radix, "'either' (0x80) on a radix+hash host: radix");
	decide(parse(n, P9_DD20), H);
	CHECK(d.status == 0 && !d.radix, "'either' on a hash host: hash");
	n = cas_vec_linux61(buf, 0xc0, 0);
	decide(parse(n, P9_DD20), R);
	CHECK(d.status == 0 && d.radix, "'dynamic' (0xc0) on a nested host: radix");
	n = cas_vec_linux61(buf, 0x40 | 0x20 | 0x1f, 0x40);
	decide(parse(n, P9_DD20), RH);
	CHECK(d.status == 0 && d.radix && d.ack_byte24 == 0x40, "other byte-24 bits ignored");

	n = cas_vec_linux49(buf);
	e = parse(n, P9_DD20);
	CHECK(n == CAS_VEC_LINUX49_SIZE && e == 0 && !vec.pvr_raw_match &&
	      vec.compat_pvr == PPCMMU_PVR_ARCH_207 && vec.ov1_len == 2 && vec.ov5_len == 21,
	      "Linux 4.9 vector: no POWER9, best compat 2.07, OV1 2 bytes, OV5 21 bytes");
	decide(e, RH);
	CHECK(d.status == 0 && !d.radix && d.legacy && d.compat_pvr == PPCMMU_PVR_ARCH_207,
	      "4.9 guest on a radix+hash host: legacy hash in POWER8 compat");
	decide(e, H);
	CHECK(d.status == 0 && !d.radix && d.legacy, "4.9 guest on a hash host: legacy hash");
	decide(e, R);
	CHECK(d.status == PPCMMU_CAS_MODE_UNAVAILABLE, "4.9 guest on a nested host: refused");

	n = cas_vec_linux61(buf, 0x40, 0x40);
	buf[CAS_VEC_LINUX61_OV1_3] = 0x40;		/* 3.1 but not 3.00 */
	decide(parse(n, P9_DD20), RH);
	CHECK(d.status == 0 && d.legacy && !d.radix, "no ISA 3.00 bit: legacy, whatever OV5 says");
}

static void test_malformed(void)
{
	size_t full = cas_vec_linux61(buf, 0x40, 0x40), len;
	unsigned int right = 0, i;
	enum ppcmmu_cas_err e, want;

	for (len = 0; len <= full; len++) {
		e = parse(len, P9_DD20);
		want = len < 112 ? PPCMMU_CAS_ERR_PVR_TRUNCATED :
		       len == 112 ? PPCMMU_CAS_ERR_COUNT_TRUNCATED :
		       len < 184 ? PPCMMU_CAS_ERR_VEC_TRUNCATED : PPCMMU_CAS_ERR_NONE;
		right += e == want;
	}
	CHECK(right == full + 1, "every truncation 0..%zu classified exactly (%u right)", full, right);

	decide(parse(50, P9_DD20), RH);
	CHECK(d.status == PPCMMU_CAS_MALFORMED && d.reason == PPCMMU_CAS_ERR_PVR_TRUNCATED &&
	      d.hcall_ret == PPCMMU_H_PARAMETER, "malformed: H_PARAMETER with the reason");

	cas_vec_linux61(buf, 0x40, 0x40);
	buf[CAS_VEC_LINUX61_COUNT] = 3;			/* 4 vectors: no OV5 */
	CHECK(parse(full, P9_DD20) == PPCMMU_CAS_ERR_NO_OV5, "count says 4 vectors: NO_OV5");
	buf[CAS_VEC_LINUX61_COUNT] = 0;
	CHECK(parse(full, P9_DD20) == PPCMMU_CAS_ERR_NO_OV5, "count says 1 vector: NO_OV5");
	buf[CAS_VEC_LINUX61_COUNT] = 255;		/* 256 vectors; OV5 is all we read */
	CHECK(parse(full, P9_DD20) == 0, "count 256: parsing stops after OV5");
	buf[CAS_VEC_LINUX61_COUNT] = 5;
	buf[157] = 255;					/* OV5 claims 256 bytes */
	CHECK(parse(full, P9_DD20) == 0 && vec.ov5_len == 256, "OV5 of 256 bytes inside the buffer");
	CHECK(parse(400, P9_DD20) == PPCMMU_CAS_ERR_VEC_TRUNCATED, "OV5 running past the buffer");

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < 512; i++)			/* 512 matching pairs, no end */
		memcpy(buf + 8 * i, "\xff\xff\x00\x00\x00\x4e\x00\x00", 8);
	CHECK(parse(sizeof(buf), P9_DD20) == PPCMMU_CAS_ERR_PVR_UNTERMINATED,
	      "512 pairs without terminator: refused");
	memcpy(buf + 8 * 511, "\xff\xff\xff\xfe\x0f\x00\x00\x01", 8);
	buf[4096] = 4;
	for (i = 0; i < 5; i++)
		buf[4097 + 2 * i] = 0;			/* five 1-byte vectors */
	CHECK(parse(4107, P9_DD20) == 0 && vec.nr_pvrs == 511 && vec.ov5_len == 1,
	      "511 pairs + terminator, five 1-byte vectors: fine, OV5 too short for byte 24");
	decide(0, RH);
	CHECK(d.status == 0 && d.legacy, "OV1 without byte 3: legacy hash");

	cas_vec_linux61(buf, 0x40, 0x40);
	CHECK(parse(full, P8) == 0 && vec.pvr_raw_match, "the host PVR is what is matched (P8)");
	memcpy(buf + 6 * 8, "\xff\xff\x00\x00\x00\x4d\x00\x00", 8);	/* P9 entry -> P8 */
	CHECK(parse(full, P9_DD20) == 0 && !vec.pvr_raw_match && vec.compat_pvr == PPCMMU_PVR_ARCH_300,
	      "no raw match: best logical PVR the host supports");
	for (i = 8; i <= 12; i++)			/* logicals -> 2.04-ish, unsupported */
		memcpy(buf + i * 8, "\xff\xff\xff\xff\x0f\x00\x00\x02", 8);
	decide(parse(full, P9_DD20), RH);
	CHECK(d.status == PPCMMU_CAS_MALFORMED && d.reason == PPCMMU_CAS_ERR_NO_PVR &&
	      d.hcall_ret == PPCMMU_H_HARDWARE, "no PVR the host can be: H_HARDWARE");

	CHECK(ppcmmu_ov_byte(buf, 3, 0) == 0 && ppcmmu_ov_byte(buf, 3, 4) == 0,
	      "option-vector bytes 0 and beyond the end read as 0");
	CHECK(ppcmmu_cas_platform_byte24(RH) == 0x80 && ppcmmu_cas_platform_byte24(R) == 0x40 &&
	      ppcmmu_cas_platform_byte24(H) == 0x00, "platform-support byte 24: 0x80/0x40/0x00");
}

static void test_set_state_checks(void)
{
	struct kvm_ppc_mmu_state st;

	memset(&st, 0, sizeof(st));
	st.mode = KVM_PPC_MMU_MODE_RADIX;
	st.process_table = PPCMMU_PATB_GR | 0x10000;
	st.state_flags = KVM_PPC_MMU_STATE_GTSE;
	CHECK(ppcmmu_check_set_state(&st, RH) == 0, "radix state with a table: valid");
	CHECK(ppcmmu_check_set_state(&st, H) == -EOPNOTSUPP, "radix state on a hash host: EOPNOTSUPP");
	st.hpt_order = 19;
	CHECK(ppcmmu_check_set_state(&st, RH) == -EINVAL, "radix with an HPT: EINVAL");
	st.hpt_order = 0;
	st.process_table = 0x10000;
	CHECK(ppcmmu_check_set_state(&st, RH) == -EINVAL, "radix without PATB_GR: EINVAL");
	st.process_table = PPCMMU_PATB_GR | 25;
	CHECK(ppcmmu_check_set_state(&st, RH) == -EINVAL, "radix table size 25: EINVAL");
	st.process_table = PPCMMU_PATB_GR | (1ULL << 62);
	CHECK(ppcmmu_check_set_state(&st, RH) == -EINVAL, "reserved process-table bits: EINVAL");

	memset(&st, 0, sizeof(st));
	st.mode = KVM_PPC_MMU_MODE_HASH;
	st.hpt_order = 19;
	st.features = KVM_PPC_MMU_FEAT_ALL;
	CHECK(ppcmmu_check_set_state(&st, H) == 0, "hash state with an HPT: valid");
	CHECK(ppcmmu_check_set_state(&st, R) == -EOPNOTSUPP, "hash state on a nested host: EOPNOTSUPP");
	st.hpt_order = 17;
	CHECK(ppcmmu_check_set_state(&st, H) == -EINVAL, "HPT order 17: EINVAL");
	st.hpt_order = 47;
	CHECK(ppcmmu_check_set_state(&st, H) == -EINVAL, "HPT order 47: EINVAL");
	st.hpt_order = 0;
	CHECK(ppcmmu_check_set_state(&st, H) == 0, "hash without an HPT yet: valid");
	st.process_table = 0x10000;
	CHECK(ppcmmu_check_set_state(&st, H) == -EINVAL, "hash with a process table: EINVAL");
	st.process_table = 0;
	st.mode = 2;
	CHECK(ppcmmu_check_set_state(&st, RH) == -EINVAL, "unknown mode: EINVAL");
	st.mode = KVM_PPC_MMU_MODE_HASH;
	st.state_flags = 2;
	CHECK(ppcmmu_check_set_state(&st, H) == -EINVAL, "unknown state flag: EINVAL");
	st.state_flags = 0;
	st.features = 1ULL << 9;
	CHECK(ppcmmu_check_set_state(&st, H) == -EINVAL, "unknown feature: EINVAL");
}

int main(void)
{
	test_real_vectors();
	test_malformed();
	test_set_state_checks();
	return unit_done("test_cas");
}
