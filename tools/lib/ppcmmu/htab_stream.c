// SPDX-License-Identifier: GPL-2.0
/* KVM's HTAB stream: see htab_stream.h. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "htab_stream.h"

#define HPTE_BYTES	16

/* VRMA HPTEs: 1 TB segment, VSID 0x1ffffff (kvm-hv's is_vrma_hpte()). */
static bool is_vrma_hpte(const uint8_t *hpte)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | hpte[i];
	return (v & ~0xffffffULL) == 0x4001ffffff000000ULL;
}

ssize_t htab_stream_read(int vm_fd, uint8_t *buf, size_t cap)
{
	struct kvm_get_htab_fd rd = { .flags = 0 };
	size_t len = 0;
	ssize_t n = 0;
	int fd = ioctl(vm_fd, KVM_PPC_GET_HTAB_FD, &rd);

	if (fd < 0)
		return -errno;
	/* The first pass ends with a read of 0; later reads would start a new one. */
	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += n;
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? n : (ssize_t)len;
}

int htab_stream_put(int htab_fd, const uint8_t *buf, size_t len)
{
	struct kvm_get_htab_header h, one = { .n_valid = 1 };
	uint8_t rec[sizeof(one) + HPTE_BYTES];
	size_t off, rec_len;
	int copied = 0;
	unsigned int j;

	for (off = 0; off + sizeof(h) <= len; off += rec_len) {
		memcpy(&h, buf + off, sizeof(h));	/* the stream has no alignment */
		rec_len = sizeof(h) + (size_t)HPTE_BYTES * h.n_valid;
		if (rec_len > len - off)
			break;
		for (j = 0; j < h.n_valid; j++) {
			const uint8_t *hpte = buf + off + sizeof(h) + HPTE_BYTES * j;

			if (is_vrma_hpte(hpte))
				continue;
			one.index = h.index + j;
			memcpy(rec, &one, sizeof(one));
			memcpy(rec + sizeof(one), hpte, HPTE_BYTES);
			errno = 0;
			if (write(htab_fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
				return errno ? -errno : -EIO;
			copied++;
		}
	}
	return copied;
}

int htab_stream_write(int vm_fd, const uint8_t *buf, size_t len)
{
	struct kvm_get_htab_fd wr = { .flags = KVM_GET_HTAB_WRITE };
	int fd = ioctl(vm_fd, KVM_PPC_GET_HTAB_FD, &wr);
	int r;

	if (fd < 0)
		return -errno;
	r = htab_stream_put(fd, buf, len);
	close(fd);
	return r;
}
