/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM's migration stream (--save / --restore): what one VMM process
 * writes and a new one reads to continue the guest. Pure format code: no
 * KVM, no struct vmm, unit-tested natively (tools/vmm/tests/test_stream.c);
 * migration.c maps a VM to and from it.
 *
 * Everything is little-endian and fixed-width:
 *   header   "PPCMMUVM" u32 version u32 flags u32 host_page_size
 *            u32 nr_vcpus u64 ram_size u32 crc32(the 32 bytes before)
 *   section  u32 type u32 reserved(0) u64 length, length bytes of payload,
 *            u32 crc32(type, reserved, length, payload)
 *   trailer  "PPCMMEND" u32 nr_sections u32 crc32 of the header and of
 *            every section's 16-byte head and CRC, in order, and of the
 *            trailer's first 12 bytes: each payload is covered by its own
 *            CRC, so this chain covers the whole file while reading the
 *            large payloads (RAM, HTAB) only once.
 * Payloads are in stream.c next to their parsers. A reader checks the
 * whole file before anything is used (stream_parse()); nothing else may
 * follow the trailer.
 */
#ifndef PPCMMU_VMM_STREAM_H
#define PPCMMU_VMM_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STREAM_VERSION		1
#define STREAM_HEADER_BYTES	36
#define STREAM_SECTION_HEAD	16
#define STREAM_TRAILER_BYTES	16

/* Header flags. */
/* Each vcpu's r3..r12 hold the results of the hypercall it exited on. */
#define STREAM_F_HCALL_DONE	(1U << 0)
#define STREAM_F_ALL		STREAM_F_HCALL_DONE

enum stream_section {
	STREAM_SEC_RAM = 1,	/* non-zero runs of guest RAM */
	STREAM_SEC_VCPU,	/* one per vcpu: registers, started or not */
	STREAM_SEC_MMU,		/* struct kvm_ppc_mmu_state, field by field */
	STREAM_SEC_HTAB,	/* KVM's HTAB stream (hash guests with an HPT) */
	STREAM_SEC_CAS,		/* what CAS decided, for the VMM's own use */
	STREAM_SEC_CONSOLE,	/* the console line the guest had half written */
	STREAM_SEC_ICP,		/* one per vcpu with an in-kernel ICP: KVM_REG_PPC_ICP_STATE */
	STREAM_SEC_TIMEBASE,	/* the guest's timebase when saved (at most one) */
	STREAM_SEC_MAX
};

#define STREAM_MAX_VCPUS	1024
#define STREAM_MAX_RAM		(64ULL << 30)	/* the VMM's --mem limit */
#define STREAM_RAM_GRAIN	4096		/* RAM runs start and end on this */
#define STREAM_NR_GPRS		49		/* see struct stream_vcpu.gpr */
#define STREAM_MAX_SLB		64
#define STREAM_MAX_ONE_REGS	256
#define STREAM_CONSOLE_MAX	256

/* The generic ONE_REG id encoding (linux/kvm.h), kept here so x86 builds this. */
#define STREAM_REG_ARCH_MASK	0xff00000000000000ULL
#define STREAM_REG_PPC		0x1000000000000000ULL
#define STREAM_REG_SIZE_SHIFT	52
#define STREAM_REG_SIZE_MASK	0x00f0000000000000ULL

struct stream_one_reg {
	uint64_t id;
	uint32_t len;		/* 1 << the id's size field: 4, 8 or 16 */
	uint8_t val[16];
};

/* STREAM_SEC_VCPU */
#define STREAM_VCPU_STARTED	(1U << 0)	/* running (else stopped, awaiting start-cpu) */

struct stream_vcpu {
	uint32_t index;
	uint32_t flags;
	/* KVM_GET_REGS: pc cr ctr lr xer msr srr0 srr1 pid sprg0-7 gpr0-31 */
	uint64_t gpr[STREAM_NR_GPRS];
	/* KVM_GET_SREGS as KVM-HV fills it: the PVR and the valid SLB entries */
	uint32_t pvr;
	uint32_t nr_slb;
	uint64_t slb[STREAM_MAX_SLB][2];	/* esid, vsid */
	uint32_t nr_regs;
	struct stream_one_reg reg[STREAM_MAX_ONE_REGS];
	bool has_icp;
	uint64_t icp;		/* STREAM_SEC_ICP */
};

/* STREAM_SEC_MMU: the fields of struct kvm_ppc_mmu_state */
struct stream_mmu {
	uint64_t features;
	uint32_t mode;		/* KVM_PPC_MMU_MODE_* */
	uint32_t hpt_order;
	uint64_t process_table;
	uint64_t state_flags;
};

/* STREAM_SEC_CAS */
#define STREAM_CAS_DONE		(1U << 0)	/* the guest called CAS */

struct stream_cas {
	uint32_t flags;
	uint32_t mode;		/* as CAS chose it (KVM_PPC_MMU_MODE_*) */
	uint32_t out_flags;	/* KVM_PPC_MMU_CAS_OUT_* */
	uint32_t compat_pvr;
	uint32_t hpt_order;
};

struct stream_header {
	uint32_t version;
	uint32_t flags;
	uint32_t page_size;
	uint32_t nr_vcpus;
	uint64_t ram_size;
};

/* A parsed stream: pointers into the buffer it was parsed from. */
struct stream_image {
	struct stream_header hdr;
	const uint8_t *ram;	/* RAM payload: runs of u64 offset, u64 length, bytes */
	uint64_t ram_len;
	uint64_t ram_bytes;	/* how much of RAM the runs hold */
	struct stream_vcpu *vcpu;	/* hdr.nr_vcpus of them, by index */
	struct stream_mmu mmu;
	const uint8_t *htab;	/* NULL: no HTAB section */
	uint64_t htab_len;
	uint32_t nr_hptes;	/* valid HPTEs the HTAB stream carries */
	struct stream_cas cas;
	char console[STREAM_CONSOLE_MAX];
	uint32_t console_len;
	bool has_timebase;
	uint64_t guest_tb;	/* STREAM_SEC_TIMEBASE */
};

uint32_t stream_crc32(uint32_t crc, const void *buf, size_t len);

/*
 * Writer: the stream goes out to @f as it is made. Each section is begun
 * with its exact payload length; stream_put() beyond it, or a section
 * ended short, is an error, as is any write error: the first error sticks
 * and stream_end() returns -1.
 */
struct stream_writer {
	FILE *f;
	uint32_t chain_crc;	/* the trailer's CRC, so far */
	uint32_t sec_crc;
	uint64_t sec_left;
	bool in_section;
	uint32_t nr_sections;
	int err;
};

void stream_begin(struct stream_writer *w, FILE *f, const struct stream_header *hdr);
void stream_section_begin(struct stream_writer *w, uint32_t type, uint64_t len);
void stream_put(struct stream_writer *w, const void *buf, size_t len);
void stream_put_u32(struct stream_writer *w, uint32_t v);
void stream_put_u64(struct stream_writer *w, uint64_t v);
void stream_section_end(struct stream_writer *w);
int stream_end(struct stream_writer *w);

/* Whole sections. RAM: only its non-zero STREAM_RAM_GRAIN blocks. */
void stream_put_ram(struct stream_writer *w, const uint8_t *ram, uint64_t size);
void stream_put_vcpu(struct stream_writer *w, const struct stream_vcpu *v);
void stream_put_mmu(struct stream_writer *w, const struct stream_mmu *m);
void stream_put_htab(struct stream_writer *w, const uint8_t *htab, uint64_t len);
void stream_put_cas(struct stream_writer *w, const struct stream_cas *c);
void stream_put_console(struct stream_writer *w, const char *line, uint32_t len);
void stream_put_timebase(struct stream_writer *w, uint64_t guest_tb);

/*
 * Checks all of @buf (@len bytes) and fills @img, which points into @buf
 * and owns img->vcpu (stream_image_free()). 0, or -1 with why in @err
 * (one line, no "vmm:" prefix) and nothing allocated.
 */
int stream_parse(const uint8_t *buf, size_t len, struct stream_image *img,
		 char *err, size_t err_size);
void stream_image_free(struct stream_image *img);

/* Copies the RAM runs of a parsed stream into @ram of img->hdr.ram_size zeroed bytes. */
void stream_ram_apply(const struct stream_image *img, uint8_t *ram);

#endif
