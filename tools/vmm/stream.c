// SPDX-License-Identifier: GPL-2.0
/*
 * The migration stream's writer and reader (layout in stream.h). Payloads:
 *   RAM      runs of u64 offset, u64 length (both multiples of
 *            STREAM_RAM_GRAIN, ascending, inside RAM), then the bytes:
 *            zero blocks are not written, a restored VM starts zeroed
 *   VCPU     u32 index u32 flags, 49 x u64 REGS, u32 pvr u32 nr_slb,
 *            nr_slb x (u64 esid, u64 vsid), u32 nr_regs u32 0, then per
 *            ONE_REG u64 id u32 len and len bytes (as KVM gives them)
 *   MMU      u64 features u32 mode u32 hpt_order u64 process_table
 *            u64 state_flags
 *   HTAB     KVM's HTAB stream: records of u32 index u16 n_valid
 *            u16 n_invalid and n_valid HPTEs of 16 bytes
 *   CAS      u32 flags u32 mode u32 out_flags u32 compat_pvr u32 hpt_order
 *   CONSOLE  the bytes of a half-written console line
 *   ICP      u32 index u32 0 u64 KVM_REG_PPC_ICP_STATE
 * The reader takes nothing on trust: every length is checked against what
 * holds it before it is used, and the whole file is checked before the
 * caller sees any of it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

static const char header_magic[8] = "PPCMMUVM";
static const char trailer_magic[8] = "PPCMMEND";

/* At most one section of each kind but VCPU and ICP, which come per vcpu. */
#define MAX_SECTIONS	(2 * STREAM_MAX_VCPUS + STREAM_SEC_MAX)

#define MMU_MODE_HASH	0	/* KVM_PPC_MMU_MODE_*, uapi/linux/kvm_ppc_mmu.h */
#define MMU_MODE_RADIX	1
#define HPT_ORDER_MIN	18
#define HPT_ORDER_MAX	46
#define HPTE_BYTES	16

/*
 * CRC-32 (IEEE 802.3, reflected 0xedb88320), eight bytes a step: RAM is
 * hundreds of MiB and the emulated hosts are slow.
 */
static uint32_t crc_table[8][256];

static void crc_init(void)
{
	uint32_t c;
	int i, j;

	if (crc_table[0][1])
		return;
	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc_table[j][i] = crc_table[0][crc_table[j - 1][i] & 0xff] ^
					  (crc_table[j - 1][i] >> 8);
}

uint32_t stream_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc_init();
	crc = ~crc;
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][p[4]] ^ crc_table[2][p[5]] ^
		      crc_table[1][p[6]] ^ crc_table[0][p[7]];
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void le32_put(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void le64_put(uint8_t *p, uint64_t v)
{
	le32_put(p, (uint32_t)v);
	le32_put(p + 4, v >> 32);
}

static uint32_t le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64_get(const uint8_t *p)
{
	return le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

/* Writer */

static void raw_write(struct stream_writer *w, const void *buf, size_t len)
{
	if (!w->err && len && fwrite(buf, 1, len, w->f) != len)
		w->err = -1;
}

void stream_begin(struct stream_writer *w, FILE *f, const struct stream_header *hdr)
{
	uint8_t h[STREAM_HEADER_BYTES];

	memset(w, 0, sizeof(*w));
	w->f = f;
	memcpy(h, header_magic, 8);
	le32_put(h + 8, hdr->version);
	le32_put(h + 12, hdr->flags);
	le32_put(h + 16, hdr->page_size);
	le32_put(h + 20, hdr->nr_vcpus);
	le64_put(h + 24, hdr->ram_size);
	le32_put(h + 32, stream_crc32(0, h, 32));
	w->chain_crc = stream_crc32(0, h, sizeof(h));
	raw_write(w, h, sizeof(h));
}

void stream_section_begin(struct stream_writer *w, uint32_t type, uint64_t len)
{
	uint8_t h[STREAM_SECTION_HEAD];

	if (w->in_section)
		w->err = -1;
	le32_put(h, type);
	le32_put(h + 4, 0);
	le64_put(h + 8, len);
	w->chain_crc = stream_crc32(w->chain_crc, h, sizeof(h));
	w->sec_crc = stream_crc32(0, h, sizeof(h));
	w->sec_left = len;
	w->in_section = true;
	raw_write(w, h, sizeof(h));
}

void stream_put(struct stream_writer *w, const void *buf, size_t len)
{
	if (!w->in_section || len > w->sec_left) {
		w->err = -1;
		return;
	}
	w->sec_crc = stream_crc32(w->sec_crc, buf, len);
	w->sec_left -= len;
	raw_write(w, buf, len);
}

void stream_put_u32(struct stream_writer *w, uint32_t v)
{
	uint8_t b[4];

	le32_put(b, v);
	stream_put(w, b, sizeof(b));
}

void stream_put_u64(struct stream_writer *w, uint64_t v)
{
	uint8_t b[8];

	le64_put(b, v);
	stream_put(w, b, sizeof(b));
}

void stream_section_end(struct stream_writer *w)
{
	uint8_t c[4];

	if (!w->in_section || w->sec_left)
		w->err = -1;
	le32_put(c, w->sec_crc);
	w->chain_crc = stream_crc32(w->chain_crc, c, sizeof(c));
	w->in_section = false;
	w->nr_sections++;
	raw_write(w, c, sizeof(c));
}

int stream_end(struct stream_writer *w)
{
	uint8_t t[STREAM_TRAILER_BYTES];

	if (w->in_section)
		w->err = -1;
	memcpy(t, trailer_magic, 8);
	le32_put(t + 8, w->nr_sections);
	le32_put(t + 12, stream_crc32(w->chain_crc, t, 12));
	raw_write(w, t, sizeof(t));
	if (!w->err && fflush(w->f))
		w->err = -1;
	return w->err;
}

static bool block_is_zero(const uint8_t *p)
{
	const uint64_t *q = (const uint64_t *)p;	/* RAM is page aligned */
	size_t i;

	for (i = 0; i < STREAM_RAM_GRAIN / sizeof(*q); i++)
		if (q[i])
			return false;
	return true;
}

/* The next run of non-zero blocks at or after @from: its length, 0 for none. */
static uint64_t next_run(const uint8_t *ram, uint64_t size, uint64_t from, uint64_t *start)
{
	uint64_t end;

	while (from < size && block_is_zero(ram + from))
		from += STREAM_RAM_GRAIN;
	for (end = from; end < size && !block_is_zero(ram + end); end += STREAM_RAM_GRAIN)
		;
	*start = from;
	return end - from;
}

void stream_put_ram(struct stream_writer *w, const uint8_t *ram, uint64_t size)
{
	uint64_t at, run, start, len = 0;

	/* Two passes over RAM: the section's length goes first. */
	for (at = 0; (run = next_run(ram, size, at, &start)); at = start + run)
		len += 16 + run;
	stream_section_begin(w, STREAM_SEC_RAM, len);
	for (at = 0; (run = next_run(ram, size, at, &start)); at = start + run) {
		stream_put_u64(w, start);
		stream_put_u64(w, run);
		stream_put(w, ram + start, run);
	}
	stream_section_end(w);
}

static uint64_t vcpu_payload_len(const struct stream_vcpu *v)
{
	uint64_t len = 8 + 8 * STREAM_NR_GPRS + 8 + 16 * (uint64_t)v->nr_slb + 8;
	uint32_t i;

	for (i = 0; i < v->nr_regs; i++)
		len += 12 + v->reg[i].len;
	return len;
}

void stream_put_vcpu(struct stream_writer *w, const struct stream_vcpu *v)
{
	uint32_t i;

	if (v->nr_slb > STREAM_MAX_SLB || v->nr_regs > STREAM_MAX_ONE_REGS) {
		w->err = -1;
		return;
	}
	stream_section_begin(w, STREAM_SEC_VCPU, vcpu_payload_len(v));
	stream_put_u32(w, v->index);
	stream_put_u32(w, v->flags);
	for (i = 0; i < STREAM_NR_GPRS; i++)
		stream_put_u64(w, v->gpr[i]);
	stream_put_u32(w, v->pvr);
	stream_put_u32(w, v->nr_slb);
	for (i = 0; i < v->nr_slb; i++) {
		stream_put_u64(w, v->slb[i][0]);
		stream_put_u64(w, v->slb[i][1]);
	}
	stream_put_u32(w, v->nr_regs);
	stream_put_u32(w, 0);
	for (i = 0; i < v->nr_regs; i++) {
		stream_put_u64(w, v->reg[i].id);
		stream_put_u32(w, v->reg[i].len);
		stream_put(w, v->reg[i].val, v->reg[i].len > 16 ? 0 : v->reg[i].len);
	}
	stream_section_end(w);
	if (v->has_icp) {
		stream_section_begin(w, STREAM_SEC_ICP, 16);
		stream_put_u32(w, v->index);
		stream_put_u32(w, 0);
		stream_put_u64(w, v->icp);
		stream_section_end(w);
	}
}

void stream_put_mmu(struct stream_writer *w, const struct stream_mmu *m)
{
	stream_section_begin(w, STREAM_SEC_MMU, 32);
	stream_put_u64(w, m->features);
	stream_put_u32(w, m->mode);
	stream_put_u32(w, m->hpt_order);
	stream_put_u64(w, m->process_table);
	stream_put_u64(w, m->state_flags);
	stream_section_end(w);
}

void stream_put_htab(struct stream_writer *w, const uint8_t *htab, uint64_t len)
{
	stream_section_begin(w, STREAM_SEC_HTAB, len);
	stream_put(w, htab, len);
	stream_section_end(w);
}

void stream_put_cas(struct stream_writer *w, const struct stream_cas *c)
{
	stream_section_begin(w, STREAM_SEC_CAS, 20);
	stream_put_u32(w, c->flags);
	stream_put_u32(w, c->mode);
	stream_put_u32(w, c->out_flags);
	stream_put_u32(w, c->compat_pvr);
	stream_put_u32(w, c->hpt_order);
	stream_section_end(w);
}

void stream_put_console(struct stream_writer *w, const char *line, uint32_t len)
{
	stream_section_begin(w, STREAM_SEC_CONSOLE, len);
	stream_put(w, line, len);
	stream_section_end(w);
}

void stream_put_timebase(struct stream_writer *w, uint64_t guest_tb)
{
	stream_section_begin(w, STREAM_SEC_TIMEBASE, 8);
	stream_put_u64(w, guest_tb);
	stream_section_end(w);
}

/* Reader */

struct section {
	uint32_t type;
	const uint8_t *p;	/* payload */
	uint64_t len;
};

/* A bounded cursor over one payload: a read past its end sets .bad. */
struct cursor {
	const uint8_t *p;
	uint64_t left;
	bool bad;
};

static const uint8_t *take(struct cursor *c, uint64_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

static uint32_t get32(struct cursor *c)
{
	const uint8_t *p = take(c, 4);

	return p ? le32_get(p) : 0;
}

static uint64_t get64(struct cursor *c)
{
	const uint8_t *p = take(c, 8);

	return p ? le64_get(p) : 0;
}

static const char *const section_names[STREAM_SEC_MAX] = {
	[STREAM_SEC_RAM] = "RAM", [STREAM_SEC_VCPU] = "VCPU", [STREAM_SEC_MMU] = "MMU",
	[STREAM_SEC_HTAB] = "HTAB", [STREAM_SEC_CAS] = "CAS",
	[STREAM_SEC_CONSOLE] = "CONSOLE", [STREAM_SEC_ICP] = "ICP",
	[STREAM_SEC_TIMEBASE] = "TIMEBASE",
};

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

#define FAIL(...)	fail(err, err_size, __VA_ARGS__)

static int parse_header(const uint8_t *buf, size_t len, struct stream_header *h,
			char *err, size_t err_size)
{
	if (len < 8 || memcmp(buf, header_magic, 8))
		return FAIL("not a ppc-mmu-vmm stream (no \"PPCMMUVM\" header)");
	if (len < STREAM_HEADER_BYTES)
		return FAIL("truncated: %zu bytes, a header alone is %u", len, STREAM_HEADER_BYTES);
	if (le32_get(buf + 32) != stream_crc32(0, buf, 32))
		return FAIL("header checksum mismatch");
	h->version = le32_get(buf + 8);
	h->flags = le32_get(buf + 12);
	h->page_size = le32_get(buf + 16);
	h->nr_vcpus = le32_get(buf + 20);
	h->ram_size = le64_get(buf + 24);
	if (h->version != STREAM_VERSION)
		return FAIL("stream version %u, this VMM reads version %u", h->version,
			    STREAM_VERSION);
	if (h->flags & ~STREAM_F_ALL)
		return FAIL("unknown header flags 0x%x", h->flags & ~STREAM_F_ALL);
	if (h->page_size < 4096 || h->page_size > (16U << 20) ||
	    (h->page_size & (h->page_size - 1)))
		return FAIL("host page size %u is not one of 4 KiB..16 MiB", h->page_size);
	if (h->nr_vcpus < 1 || h->nr_vcpus > STREAM_MAX_VCPUS)
		return FAIL("%u vcpus, not 1..%u", h->nr_vcpus, STREAM_MAX_VCPUS);
	if (!h->ram_size || h->ram_size > STREAM_MAX_RAM || h->ram_size % h->page_size ||
	    h->ram_size % STREAM_RAM_GRAIN)
		return FAIL("RAM size %llu is not a multiple of the page size up to %llu GiB",
			    (unsigned long long)h->ram_size,
			    (unsigned long long)(STREAM_MAX_RAM >> 30));
	return 0;
}

/* Every section's framing and CRC, the trailer and its chained CRC. */
static int parse_frame(const uint8_t *buf, size_t len, struct section *sec,
		       uint32_t *nr, char *err, size_t err_size)
{
	const uint8_t *t = buf + len - STREAM_TRAILER_BYTES;
	uint32_t chain = stream_crc32(0, buf, STREAM_HEADER_BYTES);
	size_t at = STREAM_HEADER_BYTES, end = len - STREAM_TRAILER_BYTES;

	*nr = 0;
	while (at < end) {
		uint64_t plen;
		uint32_t type;

		if (end - at < STREAM_SECTION_HEAD + 4)
			return FAIL("truncated at byte %zu (a section head cut short)", at);
		type = le32_get(buf + at);
		plen = le64_get(buf + at + 8);
		if (plen > end - at - STREAM_SECTION_HEAD - 4)
			return FAIL("section %u at byte %zu claims %llu bytes, past the end (truncated?)",
				    *nr, at, (unsigned long long)plen);
		if (le32_get(buf + at + STREAM_SECTION_HEAD + plen) !=
		    stream_crc32(0, buf + at, STREAM_SECTION_HEAD + plen))
			return FAIL("section %u (%s) at byte %zu: checksum mismatch", *nr,
				    type && type < STREAM_SEC_MAX ? section_names[type] : "unknown type",
				    at);
		if (type == 0 || type >= STREAM_SEC_MAX || le32_get(buf + at + 4))
			return FAIL("section %u at byte %zu: unknown type %u", *nr, at, type);
		if (*nr == MAX_SECTIONS)
			return FAIL("more than %u sections", MAX_SECTIONS);
		chain = stream_crc32(chain, buf + at, STREAM_SECTION_HEAD);
		chain = stream_crc32(chain, buf + at + STREAM_SECTION_HEAD + plen, 4);
		sec[*nr].type = type;
		sec[*nr].p = buf + at + STREAM_SECTION_HEAD;
		sec[*nr].len = plen;
		(*nr)++;
		at += STREAM_SECTION_HEAD + plen + 4;
	}
	if (le32_get(t + 8) != *nr)
		return FAIL("the trailer counts %u sections, the stream has %u", le32_get(t + 8), *nr);
	if (le32_get(t + 12) != stream_crc32(chain, t, 12))
		return FAIL("trailer checksum mismatch");
	return 0;
}

static int parse_ram(const struct section *s, struct stream_image *img, char *err, size_t err_size)
{
	struct cursor c = { .p = s->p, .left = s->len };
	uint64_t next = 0;

	img->ram = s->p;
	img->ram_len = s->len;
	img->ram_bytes = 0;
	while (c.left) {
		uint64_t off = get64(&c), n = get64(&c);

		if (c.bad || off % STREAM_RAM_GRAIN || n % STREAM_RAM_GRAIN || !n || off < next ||
		    off > img->hdr.ram_size || n > img->hdr.ram_size - off || !take(&c, n))
			return FAIL("RAM: bad run at payload byte %llu (offset 0x%llx length 0x%llx)",
				    (unsigned long long)(s->len - c.left), (unsigned long long)off,
				    (unsigned long long)n);
		next = off + n;
		img->ram_bytes += n;
	}
	return 0;
}

static int parse_vcpu(const struct section *s, struct stream_image *img, bool *seen,
		      char *err, size_t err_size)
{
	struct cursor c = { .p = s->p, .left = s->len };
	struct stream_vcpu v;
	uint32_t i;

	memset(&v, 0, sizeof(v));
	v.index = get32(&c);
	v.flags = get32(&c);
	if (v.index >= img->hdr.nr_vcpus || seen[v.index])
		return FAIL("VCPU: index %u repeated or not below %u", v.index, img->hdr.nr_vcpus);
	if (v.flags & ~STREAM_VCPU_STARTED)
		return FAIL("VCPU %u: unknown flags 0x%x", v.index, v.flags);
	for (i = 0; i < STREAM_NR_GPRS; i++)
		v.gpr[i] = get64(&c);
	v.pvr = get32(&c);
	v.nr_slb = get32(&c);
	if (v.nr_slb > STREAM_MAX_SLB)
		return FAIL("VCPU %u: %u SLB entries, at most %u", v.index, v.nr_slb, STREAM_MAX_SLB);
	for (i = 0; i < v.nr_slb; i++) {
		v.slb[i][0] = get64(&c);
		v.slb[i][1] = get64(&c);
	}
	v.nr_regs = get32(&c);
	if (v.nr_regs > STREAM_MAX_ONE_REGS || get32(&c))
		return FAIL("VCPU %u: %u registers, at most %u", v.index, v.nr_regs,
			    STREAM_MAX_ONE_REGS);
	for (i = 0; i < v.nr_regs && !c.bad; i++) {
		struct stream_one_reg *r = &v.reg[i];
		const uint8_t *val;

		r->id = get64(&c);
		r->len = get32(&c);
		if ((r->id & STREAM_REG_ARCH_MASK) != STREAM_REG_PPC ||
		    (r->len != 4 && r->len != 8 && r->len != 16) ||
		    r->len != 1U << ((r->id & STREAM_REG_SIZE_MASK) >> STREAM_REG_SIZE_SHIFT))
			return FAIL("VCPU %u: register 0x%llx of %u bytes is not a POWER ONE_REG",
				    v.index, (unsigned long long)r->id, r->len);
		val = take(&c, r->len);
		if (val)
			memcpy(r->val, val, r->len);
	}
	if (c.bad || c.left)
		return FAIL("VCPU %u: payload of %llu bytes does not match its contents", v.index,
			    (unsigned long long)s->len);
	seen[v.index] = true;
	v.has_icp = img->vcpu[v.index].has_icp;		/* an ICP section may come first */
	v.icp = img->vcpu[v.index].icp;
	img->vcpu[v.index] = v;
	return 0;
}

static int parse_fixed(const struct section *s, struct stream_image *img, char *err,
		       size_t err_size)
{
	struct cursor c = { .p = s->p, .left = s->len };
	uint32_t idx;

	switch (s->type) {
	case STREAM_SEC_MMU:
		img->mmu.features = get64(&c);
		img->mmu.mode = get32(&c);
		img->mmu.hpt_order = get32(&c);
		img->mmu.process_table = get64(&c);
		img->mmu.state_flags = get64(&c);
		break;
	case STREAM_SEC_CAS:
		img->cas.flags = get32(&c);
		img->cas.mode = get32(&c);
		img->cas.out_flags = get32(&c);
		img->cas.compat_pvr = get32(&c);
		img->cas.hpt_order = get32(&c);
		break;
	case STREAM_SEC_ICP:
		idx = get32(&c);
		if (get32(&c) || idx >= img->hdr.nr_vcpus || img->vcpu[idx].has_icp)
			return FAIL("ICP: vcpu index %u repeated or not below %u", idx,
				    img->hdr.nr_vcpus);
		img->vcpu[idx].has_icp = true;
		img->vcpu[idx].icp = get64(&c);
		break;
	case STREAM_SEC_TIMEBASE:
		img->guest_tb = get64(&c);
		img->has_timebase = true;
		break;
	case STREAM_SEC_CONSOLE:
		if (s->len >= STREAM_CONSOLE_MAX)
			return FAIL("CONSOLE: a line of %llu bytes, at most %u",
				    (unsigned long long)s->len, STREAM_CONSOLE_MAX - 1);
		memcpy(img->console, s->p, s->len);
		img->console_len = s->len;
		return 0;
	}
	if (c.bad || c.left)
		return FAIL("%s: payload of %llu bytes, not its size", section_names[s->type],
			    (unsigned long long)s->len);
	return 0;
}

/* KVM's HTAB stream, record by record, inside an HPT of 2^hpt_order bytes. */
static int parse_htab(const struct section *s, struct stream_image *img, char *err,
		      size_t err_size)
{
	struct cursor c = { .p = s->p, .left = s->len };
	uint64_t nr_slots = 1ULL << (img->mmu.hpt_order - 4);

	img->htab = s->p;
	img->htab_len = s->len;
	img->nr_hptes = 0;
	while (c.left) {
		const uint8_t *h = take(&c, 8);
		uint64_t index, n_valid, n_invalid;

		if (!h)
			return FAIL("HTAB: a record head cut short");
		index = le32_get(h);
		n_valid = h[4] | h[5] << 8;
		n_invalid = h[6] | h[7] << 8;
		if (index + n_valid + n_invalid > nr_slots || !take(&c, n_valid * HPTE_BYTES))
			return FAIL("HTAB: record for HPTEs %llu..+%llu outside an HPT of order %u or cut short",
				    (unsigned long long)index,
				    (unsigned long long)(n_valid + n_invalid), img->mmu.hpt_order);
		img->nr_hptes += n_valid;
	}
	return 0;
}

/* What must hold between sections: one of each, modes that agree. */
static int check_whole(const struct stream_image *img, const uint32_t *count, const bool *seen,
		       char *err, size_t err_size)
{
	const struct stream_mmu *m = &img->mmu;
	uint32_t i;

	if (count[STREAM_SEC_RAM] != 1 || count[STREAM_SEC_MMU] != 1 || count[STREAM_SEC_CAS] != 1 ||
	    count[STREAM_SEC_HTAB] > 1 || count[STREAM_SEC_CONSOLE] > 1 ||
	    count[STREAM_SEC_TIMEBASE] > 1)
		return FAIL("needs one RAM, MMU and CAS section and at most one HTAB, CONSOLE and TIMEBASE");
	for (i = 0; i < img->hdr.nr_vcpus; i++)
		if (!seen[i])
			return FAIL("no VCPU section for vcpu %u of %u", i, img->hdr.nr_vcpus);
	if (!(img->vcpu[0].flags & STREAM_VCPU_STARTED))
		return FAIL("vcpu 0 is not started");
	if (m->mode != MMU_MODE_HASH && m->mode != MMU_MODE_RADIX)
		return FAIL("MMU: unknown mode %u", m->mode);
	if (m->hpt_order && (m->mode == MMU_MODE_RADIX || m->hpt_order < HPT_ORDER_MIN ||
			     m->hpt_order > HPT_ORDER_MAX))
		return FAIL("MMU: HPT order %u for a %s guest", m->hpt_order,
			    m->mode == MMU_MODE_RADIX ? "radix" : "hash");
	if (count[STREAM_SEC_HTAB] != (m->mode == MMU_MODE_HASH && m->hpt_order))
		return FAIL("an HTAB section goes with a hash guest's HPT, and only with it");
	if ((img->cas.flags & STREAM_CAS_DONE) && img->cas.mode != m->mode)
		return FAIL("CAS chose %s but the MMU is %s",
			    img->cas.mode == MMU_MODE_RADIX ? "radix" : "hash",
			    m->mode == MMU_MODE_RADIX ? "radix" : "hash");
	if (img->cas.flags & ~STREAM_CAS_DONE)
		return FAIL("CAS: unknown flags 0x%x", img->cas.flags);
	return 0;
}

static int parse_sections(const struct section *sec, uint32_t nr, struct stream_image *img,
			  char *err, size_t err_size)
{
	uint32_t count[STREAM_SEC_MAX] = { 0 }, i;
	const struct section *htab = NULL;
	bool *seen = calloc(img->hdr.nr_vcpus, sizeof(*seen));
	int r = -1;

	if (!seen)
		return FAIL("out of memory");
	for (i = 0; i < nr; i++) {
		const struct section *s = &sec[i];

		count[s->type]++;
		if (s->type == STREAM_SEC_RAM)
			r = parse_ram(s, img, err, err_size);
		else if (s->type == STREAM_SEC_VCPU)
			r = parse_vcpu(s, img, seen, err, err_size);
		else if (s->type == STREAM_SEC_HTAB)
			htab = s, r = 0;	/* needs the MMU section's order */
		else
			r = parse_fixed(s, img, err, err_size);
		if (r)
			goto out;
	}
	r = check_whole(img, count, seen, err, err_size);
	if (!r && htab)
		r = parse_htab(htab, img, err, err_size);
out:
	free(seen);
	return r;
}

int stream_parse(const uint8_t *buf, size_t len, struct stream_image *img,
		 char *err, size_t err_size)
{
	struct section *sec;
	uint32_t nr;
	int r;

	memset(img, 0, sizeof(*img));
	if (parse_header(buf, len, &img->hdr, err, err_size))
		return -1;
	if (len < STREAM_HEADER_BYTES + STREAM_TRAILER_BYTES ||
	    memcmp(buf + len - STREAM_TRAILER_BYTES, trailer_magic, 8))
		return FAIL("truncated or followed by other bytes: %zu bytes, no trailer at the end",
			    len);
	sec = calloc(MAX_SECTIONS, sizeof(*sec));
	img->vcpu = calloc(img->hdr.nr_vcpus, sizeof(*img->vcpu));
	if (!sec || !img->vcpu) {
		r = FAIL("out of memory");
		goto out;
	}
	r = parse_frame(buf, len, sec, &nr, err, err_size);
	if (!r)
		r = parse_sections(sec, nr, img, err, err_size);
out:
	free(sec);
	if (r)
		stream_image_free(img);
	return r;
}

void stream_image_free(struct stream_image *img)
{
	free(img->vcpu);
	img->vcpu = NULL;
}

void stream_ram_apply(const struct stream_image *img, uint8_t *ram)
{
	struct cursor c = { .p = img->ram, .left = img->ram_len };

	/* Checked by parse_ram(): every run is inside RAM. */
	while (c.left && !c.bad) {
		uint64_t off = get64(&c), n = get64(&c);
		const uint8_t *p = take(&c, n);

		if (p)
			memcpy(ram + off, p, n);
	}
}
