// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "cas_vectors.h"

static uint8_t *put_pvr(uint8_t *p, uint32_t mask, uint32_t val)
{
	int i;

	for (i = 3; i >= 0; i--)
		*p++ = mask >> (8 * i);
	for (i = 3; i >= 0; i--)
		*p++ = val >> (8 * i);
	return p;
}

/* An option vector of @n data bytes taken from @data (zeros if NULL). */
static uint8_t *put_vector(uint8_t *p, const uint8_t *data, size_t n)
{
	*p++ = (uint8_t)(n - 1);
	if (data)
		memcpy(p, data, n);
	else
		memset(p, 0, n);
	return p + n;
}

size_t cas_vec_linux61(uint8_t *buf, uint8_t ov5_byte24, uint8_t ov5_byte26)
{
	static const uint32_t raw[] = { 0x003a0000, 0x003e0000, 0x003f0000, 0x004b0000,
					0x004c0000, 0x004d0000, 0x004e0000, 0x00800000 };
	uint8_t ov1[3] = { 0x00, 0xff, 0xc0 };	/* 2.00..2.07; 3.00 and 3.1 */
	uint8_t ov5[26] = { 0 };
	uint8_t ov7[256] = "Linux version 6.1.0 (test vector)";
	uint8_t *p = buf;
	unsigned int i;

	p = put_pvr(p, 0xfffe0000, raw[0]);
	for (i = 1; i < 8; i++)
		p = put_pvr(p, 0xffff0000, raw[i]);
	for (i = 6; i >= 2; i--)
		p = put_pvr(p, 0xffffffff, 0x0f000000 | i);
	p = put_pvr(p, 0xfffffffe, 0x0f000001);	/* terminator */
	*p++ = 5;				/* "6 vectors" (OV7 follows anyway) */
	p = put_vector(p, ov1, sizeof(ov1));
	p = put_vector(p, NULL, 33);		/* OV2 */
	p = put_vector(p, NULL, 2);		/* OV3 */
	p = put_vector(p, NULL, 2);		/* OV4 */
	ov5[23] = ov5_byte24;			/* PAPR bytes count from 1 */
	ov5[25] = ov5_byte26;
	p = put_vector(p, ov5, sizeof(ov5));
	p = put_vector(p, NULL, 3);		/* OV6 */
	p = put_vector(p, ov7, sizeof(ov7));
	return p - buf;
}

size_t cas_vec_linux49(uint8_t *buf)
{
	static const uint32_t raw[] = { 0x003a0000, 0x003e0000, 0x003f0000, 0x004b0000,
					0x004c0000, 0x004d0000 };
	uint8_t ov1[2] = { 0x00, 0xfe };
	uint8_t *p = buf;
	unsigned int i;

	p = put_pvr(p, 0xfffe0000, raw[0]);
	for (i = 1; i < 6; i++)
		p = put_pvr(p, 0xffff0000, raw[i]);
	for (i = 4; i >= 2; i--)
		p = put_pvr(p, 0xffffffff, 0x0f000000 | i);
	p = put_pvr(p, 0xfffffffe, 0x0f000001);
	*p++ = 5;
	p = put_vector(p, ov1, sizeof(ov1));
	p = put_vector(p, NULL, 33);
	p = put_vector(p, NULL, 2);
	p = put_vector(p, NULL, 2);
	p = put_vector(p, NULL, 21);		/* OV5 ends before byte 24 */
	p = put_vector(p, NULL, 3);
	return p - buf;
}
