/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only header the pure-logic files include for base types. It maps them
 * onto the kernel's in the module and onto libc's in native unit tests and
 * fuzzers, so the same .c file builds in both places unchanged.
 */
#ifndef PPCMMU_LOGIC_COMPAT_H
#define PPCMMU_LOGIC_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
#endif

#endif /* PPCMMU_LOGIC_COMPAT_H */
