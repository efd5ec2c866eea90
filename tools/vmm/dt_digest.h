/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One line per device-tree property, printed by two sides of the Open
 * Firmware fidelity check (tools/stages/vmm-scenarios.sh compares them):
 *   the VMM, from the tree its client interface shows, when prom_init
 *   quiesces Open Firmware (after it flattened the tree):
 *	vmm: dt: /cpus/PowerPC,POWER9@0/ibm,pft-size 8 1c2f04a9
 *   the guest, from /proc/device-tree, once in userspace:
 *	guest: dt: /cpus/PowerPC,POWER9@0/ibm,pft-size 8 1c2f04a9
 * (path/name, value length, CRC-32 of the value). Every VMM line must come
 * back from the guest unchanged: what prom_init missed or mangled shows.
 */
#ifndef PPCMMU_DT_DIGEST_H
#define PPCMMU_DT_DIGEST_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, as zlib's crc32()), bitwise: values are small. */
static inline uint32_t dt_digest_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = 0xffffffffu;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

#endif
