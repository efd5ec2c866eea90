/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ibm,architecture-vec images as real guests send them, built byte for byte
 * (pure C: used by the native unit tests and fuzzer seeds as well as by the
 * guests in the selftests, the demo and the benchmarks).
 *
 *   cas_vec_linux61  Linux 6.1 prom_init: 14 PVR pairs (POWER5..POWER10 and
 *                    logical 3.1..2.05, "2.04 and earlier" last), count 5,
 *                    OV1..OV7; OV1 byte 3 = ISA 3.00|3.1, OV5 26 bytes
 *                    with byte 24 (MMU) and 26 (radix GTSE) as given.
 *                    445 bytes; OV5 byte 24 at offset 181, byte 26 at 183.
 *   cas_vec_linux49  Linux 4.9: 10 PVR pairs without POWER9 or 3.00, OV1 of
 *                    2 bytes (no ISA 3.00 byte), OV5 of 21 bytes. 150 bytes.
 */
#ifndef PPCMMU_CAS_VECTORS_H
#define PPCMMU_CAS_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#define CAS_VEC_LINUX61_SIZE	445
#define CAS_VEC_LINUX61_OV5_24	181
#define CAS_VEC_LINUX61_OV5_26	183
#define CAS_VEC_LINUX61_OV1_3	116
#define CAS_VEC_LINUX61_COUNT	112
#define CAS_VEC_LINUX49_SIZE	150
#define CAS_VEC_MAX_SIZE	512

size_t cas_vec_linux61(uint8_t *buf, uint8_t ov5_byte24, uint8_t ov5_byte26);
size_t cas_vec_linux49(uint8_t *buf);

#endif
