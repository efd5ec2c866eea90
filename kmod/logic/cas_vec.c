// SPDX-License-Identifier: GPL-2.0
/*
 * ibm,architecture-vec, as Linux's prom_init builds it and QEMU reads it:
 *
 *   { be32 mask, be32 value } x n   PVRs the guest can run as; the list
 *                                   ends at the first pair with bits in
 *                                   value outside mask (Linux's "2.04 and
 *                                   earlier" entry), which never matches
 *   u8 count                        number of option vectors - 1
 *   { u8 len; u8 data[len + 1] } x  option vectors OV1, OV2, ... (len is
 *                                   data bytes - 1)
 *
 * Only OV1 (architecture levels) and OV5 (platform facilities, incl. MMU)
 * matter here, so parsing stops after OV5. Every read is checked against
 * the buffer, which the caller bounds by guest RAM.
 */
#include "cas_vec.h"

static u32 be32_at(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

u8 ppcmmu_ov_byte(const u8 *ov, u32 len, u32 n)
{
	return n >= 1 && n <= len ? ov[n - 1] : 0;
}

static bool ppcmmu_logical_pvr_ok(u32 val, u32 max_compat)
{
	return val >= PPCMMU_PVR_ARCH_206 && val <= max_compat;
}

static enum ppcmmu_cas_err ppcmmu_cas_parse_pvrs(const u8 *buf, size_t len, size_t *pos,
						 u32 host_pvr, u32 max_compat,
						 struct ppcmmu_cas_vec *out)
{
	u32 i, mask, val;

	for (i = 0; i < PPCMMU_CAS_MAX_PVRS; i++) {
		if (len - *pos < 8)
			return PPCMMU_CAS_ERR_PVR_TRUNCATED;
		mask = be32_at(buf + *pos);
		val = be32_at(buf + *pos + 4);
		*pos += 8;
		if (~mask & val)		/* the terminator */
			return PPCMMU_CAS_ERR_NONE;
		out->nr_pvrs++;
		if (mask == 0xffffffff && (val & 0xffff0000) == 0x0f000000) {
			if (ppcmmu_logical_pvr_ok(val, max_compat) && val > out->compat_pvr)
				out->compat_pvr = val;
		} else if ((host_pvr & mask) == (val & mask)) {
			out->pvr_raw_match = true;
		}
	}
	return PPCMMU_CAS_ERR_PVR_UNTERMINATED;
}

enum ppcmmu_cas_err ppcmmu_cas_parse(const u8 *buf, size_t len, u32 host_pvr,
				     u32 max_compat, struct ppcmmu_cas_vec *out)
{
	enum ppcmmu_cas_err err;
	size_t pos = 0, n;
	u32 v;

	memset(out, 0, sizeof(*out));
	err = ppcmmu_cas_parse_pvrs(buf, len, &pos, host_pvr, max_compat, out);
	if (err)
		return err;

	if (pos >= len)
		return PPCMMU_CAS_ERR_COUNT_TRUNCATED;
	out->nr_vectors = (u32)buf[pos++] + 1;

	for (v = 1; v <= out->nr_vectors && v <= 5; v++) {
		if (pos >= len)
			return PPCMMU_CAS_ERR_VEC_TRUNCATED;
		n = (size_t)buf[pos++] + 1;		/* data bytes */
		if (len - pos < n)
			return PPCMMU_CAS_ERR_VEC_TRUNCATED;
		if (v == 1) {
			memcpy(out->ov1, buf + pos, n);
			out->ov1_len = n;
		} else if (v == 5) {
			memcpy(out->ov5, buf + pos, n);
			out->ov5_len = n;
		}
		pos += n;
	}
	if (out->nr_vectors < 5)	/* the count byte always gives OV1 */
		return PPCMMU_CAS_ERR_NO_OV5;
	if (!out->pvr_raw_match && !out->compat_pvr)
		return PPCMMU_CAS_ERR_NO_PVR;
	return PPCMMU_CAS_ERR_NONE;
}
