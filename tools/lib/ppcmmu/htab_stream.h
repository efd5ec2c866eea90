/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's HTAB stream (KVM_PPC_GET_HTAB_FD): how a hash guest's HPT leaves
 * one VM and enters another, for migration and snapshots. Shared by the
 * selftests (ppc_mmu_cas's migration test) and the reference VMM
 * (tools/vmm/snapshot.c), so both copy an HPT the same, tested, way.
 *
 * The stream is records of a struct kvm_get_htab_header (index, n_valid,
 * n_invalid) followed by n_valid HPTEs of 16 bytes, big-endian.
 * Functions return what they did (bytes, HPTEs) or -errno.
 */
#ifndef PPCMMU_LIB_HTAB_STREAM_H
#define PPCMMU_LIB_HTAB_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Room for one read pass over an HPT of 2^order bytes. The worst stream
 * has a header per HPTE (8 bytes per 16), so twice the table is enough.
 */
static inline size_t htab_stream_max_bytes(unsigned int hpt_order)
{
	return (size_t)2 << hpt_order;
}

/* One pass of VM @vm_fd's HPT into @buf: bytes read, at most @cap. */
ssize_t htab_stream_read(int vm_fd, uint8_t *buf, size_t cap);

/*
 * Writes a stream read by htab_stream_read() into VM @vm_fd's HPT: HPTEs
 * written. See htab_stream_put().
 */
int htab_stream_write(int vm_fd, const uint8_t *buf, size_t len);

/*
 * Writes the stream's HPTEs to @htab_fd (a KVM_GET_HTAB_WRITE fd, or any
 * fd in a test) one per record, which is what kvm_htab_write() takes per
 * write(). VRMA HPTEs are left out: KVM-HV rebuilds the VRMA on the
 * destination's first entry and refuses (EINVAL) the ones it handed out.
 * A record cut short at the end of @buf is ignored. HPTEs written.
 */
int htab_stream_put(int htab_fd, const uint8_t *buf, size_t len);

#endif
