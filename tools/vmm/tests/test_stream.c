// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of the migration stream (stream.c): what is written is
 * read back the same; a stream with any byte changed, cut at any length,
 * of another version, with lengths or counts out of bounds is refused as a
 * whole, with a reason, before anything of it is used.
 */
#include <stdlib.h>
#include <string.h>

#include "../stream.h"
#include "unit.h"

#define RAM_SIZE	(16 * STREAM_RAM_GRAIN)

static uint8_t ram[RAM_SIZE] __attribute__((aligned(8)));

/* One HTAB record: HPTEs 3 and 4 valid, 5..6 invalid (order 18: 16384 slots). */
static uint8_t htab[8 + 2 * 16] = { 3, 0, 0, 0, 2, 0, 2, 0, 0xaa, [39] = 0xbb };

struct build {
	struct stream_header hdr;
	struct stream_vcpu vcpu[2];
	int nr_vcpu_sections;
	struct stream_mmu mmu;
	uint32_t cas_mode;
	bool with_htab;
	bool timebase_twice;	/* a second TIMEBASE section */
};

static void default_build(struct build *b)
{
	int i;

	memset(b, 0, sizeof(*b));
	b->hdr = (struct stream_header){ STREAM_VERSION, STREAM_F_HCALL_DONE, 4096, 2,
					 RAM_SIZE };
	for (i = 0; i < 2; i++) {
		struct stream_vcpu *v = &b->vcpu[i];

		v->index = i;
		v->flags = i ? 0 : STREAM_VCPU_STARTED;	/* a secondary not yet started */
		v->gpr[0] = 0xc000000000001234ULL + i;
		v->gpr[STREAM_NR_GPRS - 1] = 0x31;
		v->pvr = 0x004e1202;
		v->nr_slb = 1;
		v->slb[0][0] = 0x8000000008000000ULL;
		v->slb[0][1] = 0x0000400ea1b00d00ULL;
		v->nr_regs = 2;
		v->reg[0] = (struct stream_one_reg){ STREAM_REG_PPC | 0x0020000000000000ULL | 0xb5,
						      4, { 0x05, 0x00, 0x00, 0x0f } };
		v->reg[1] = (struct stream_one_reg){ STREAM_REG_PPC | 0x0040000000000000ULL | 0x9a,
						      16, { 1, 2, 3, [15] = 16 } };
		v->has_icp = i == 1;
		v->icp = 0xff00000000000000ULL;
	}
	b->nr_vcpu_sections = 2;
	b->mmu = (struct stream_mmu){ 0x7, 0 /* hash */, 18, 0, 0 };
	b->with_htab = true;
}

/* The stream @b describes, in a malloc'd buffer. */
static uint8_t *write_stream(const struct build *b, size_t *len)
{
	struct stream_cas cas = { STREAM_CAS_DONE, b->cas_mode, 2, 0x0f000005, b->mmu.hpt_order };
	struct stream_writer w;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int i, r;

	stream_begin(&w, f, &b->hdr);
	stream_put_ram(&w, ram, RAM_SIZE);
	for (i = 0; i < b->nr_vcpu_sections; i++)
		stream_put_vcpu(&w, &b->vcpu[i]);
	stream_put_mmu(&w, &b->mmu);
	if (b->with_htab)
		stream_put_htab(&w, htab, sizeof(htab));
	stream_put_cas(&w, &cas);
	stream_put_console(&w, "half a li", 9);
	stream_put_timebase(&w, 0x123456789abcdefULL);
	if (b->timebase_twice)
		stream_put_timebase(&w, 1);
	r = stream_end(&w);
	fclose(f);
	if (r) {
		free(buf);
		return NULL;
	}
	return (uint8_t *)buf;
}

static int parse(const uint8_t *buf, size_t len, char *err)
{
	struct stream_image img;
	int r = stream_parse(buf, len, &img, err, 256);

	if (!r)
		stream_image_free(&img);
	return r;
}

/* Field by field: struct padding is not the stream's. */
static bool vcpu_equal(const struct stream_vcpu *a, const struct stream_vcpu *b)
{
	uint32_t i;

	if (a->index != b->index || a->flags != b->flags || a->pvr != b->pvr ||
	    a->nr_slb != b->nr_slb || a->nr_regs != b->nr_regs || a->has_icp != b->has_icp ||
	    (a->has_icp && a->icp != b->icp) || memcmp(a->gpr, b->gpr, sizeof(a->gpr)) ||
	    memcmp(a->slb, b->slb, sizeof(a->slb[0]) * a->nr_slb))
		return false;
	for (i = 0; i < a->nr_regs; i++)
		if (a->reg[i].id != b->reg[i].id || a->reg[i].len != b->reg[i].len ||
		    memcmp(a->reg[i].val, b->reg[i].val, a->reg[i].len))
			return false;
	return true;
}

static void fill_ram(void)
{
	memset(ram, 0, sizeof(ram));
	memset(ram, 0x11, 100);				/* block 0 */
	ram[STREAM_RAM_GRAIN + 7] = 0x22;		/* block 1: one run with 0 */
	ram[9 * STREAM_RAM_GRAIN] = 0x33;		/* block 9 alone */
	ram[RAM_SIZE - 1] = 0x44;			/* the last block */
}

static void test_round_trip(void)
{
	static uint8_t back[RAM_SIZE] __attribute__((aligned(8)));
	struct stream_image img;
	struct build b;
	char err[256] = "";
	uint8_t *buf;
	size_t len;
	int r;

	default_build(&b);
	buf = write_stream(&b, &len);
	CHECK(buf != NULL, "a two-vcpu hash stream is written");
	if (!buf)
		return;
	CHECK(len < RAM_SIZE / 2, "zero RAM is not written (%zu bytes for %u of RAM, 4 blocks used)",
	      len, RAM_SIZE);
	r = stream_parse(buf, len, &img, err, sizeof(err));
	CHECK(r == 0, "and read back (%s)", err);
	if (r) {
		free(buf);
		return;
	}
	stream_ram_apply(&img, back);
	CHECK(!memcmp(back, ram, RAM_SIZE) && img.ram_bytes == 4 * STREAM_RAM_GRAIN,
	      "RAM comes back byte for byte from its non-zero blocks");
	CHECK(img.hdr.nr_vcpus == 2 && img.hdr.ram_size == RAM_SIZE &&
	      img.hdr.flags == STREAM_F_HCALL_DONE && img.hdr.page_size == 4096,
	      "the header comes back");
	CHECK(vcpu_equal(&img.vcpu[0], &b.vcpu[0]) && vcpu_equal(&img.vcpu[1], &b.vcpu[1]),
	      "both vcpus come back: registers, SLB, ONE_REGs, started or not, ICP state");
	CHECK(!memcmp(&img.mmu, &b.mmu, sizeof(b.mmu)) && img.cas.out_flags == 2 &&
	      img.cas.compat_pvr == 0x0f000005 && img.cas.flags == STREAM_CAS_DONE,
	      "the MMU state and CAS outcome come back");
	CHECK(img.htab_len == sizeof(htab) && !memcmp(img.htab, htab, sizeof(htab)) &&
	      img.nr_hptes == 2, "the HTAB stream comes back (2 HPTEs)");
	CHECK(img.console_len == 9 && !memcmp(img.console, "half a li", 9),
	      "the half-written console line comes back");
	CHECK(img.has_timebase && img.guest_tb == 0x123456789abcdefULL,
	      "the guest's timebase at save comes back");
	stream_image_free(&img);
	free(buf);
	default_build(&b);
	b.timebase_twice = true;
	buf = write_stream(&b, &len);
	CHECK(buf && parse(buf, len, err) != 0, "two TIMEBASE sections are refused (%s)", err);
	free(buf);
}

/* Every byte changed two ways, every cut, one byte more: all refused. */
static void test_damage(void)
{
	size_t len, i, missed = 0, cut_missed = 0;
	struct build b;
	char err[256];
	uint8_t *buf;

	default_build(&b);
	buf = write_stream(&b, &len);
	if (!buf)
		return;
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		missed += !parse(buf, len, err);
		buf[i] ^= 0x81;
		missed += !parse(buf, len, err);
		buf[i] ^= 0x80;
	}
	CHECK(missed == 0, "each of %zu bytes changed (two ways): refused every time (%zu missed)",
	      len, missed);
	CHECK(parse(buf, len, err) == 0, "and the stream, restored, is accepted again");
	for (i = 0; i < len; i++)
		cut_missed += !parse(buf, i, err);
	CHECK(cut_missed == 0, "cut to each length 0..%zu: refused every time (%zu missed)",
	      len - 1, cut_missed);
	parse(buf, len - 1, err);
	CHECK(strstr(err, "truncated") != NULL, "a cut stream says so: \"%s\"", err);
	buf = realloc(buf, len + 1);
	buf[len] = 0;
	CHECK(parse(buf, len + 1, err) != 0, "a byte after the trailer: refused (%s)", err);
	free(buf);
}

static void expect_refused(const struct build *b, const char *what, const char *needle)
{
	char err[256] = "";
	uint8_t *buf;
	size_t len;
	int r;

	buf = write_stream(b, &len);
	r = buf ? parse(buf, len, err) : -1;
	CHECK(buf && r && strstr(err, needle), "%s: refused: \"%s\"", what, err);
	free(buf);
}

static void test_refusals(void)
{
	struct build b;

	default_build(&b);
	b.hdr.version = 2;
	expect_refused(&b, "version 2", "stream version 2, this VMM reads version 1");
	default_build(&b);
	b.hdr.flags = 0x80;
	expect_refused(&b, "an unknown header flag", "unknown header flags");
	default_build(&b);
	b.hdr.nr_vcpus = 0;
	b.nr_vcpu_sections = 0;
	expect_refused(&b, "0 vcpus", "0 vcpus, not 1..1024");
	default_build(&b);
	b.hdr.nr_vcpus = STREAM_MAX_VCPUS + 1;
	expect_refused(&b, "1025 vcpus", "1025 vcpus, not 1..1024");
	default_build(&b);
	b.hdr.nr_vcpus = 3;
	expect_refused(&b, "3 vcpus announced, 2 VCPU sections", "no VCPU section for vcpu 2");
	default_build(&b);
	b.vcpu[1].index = 2;
	expect_refused(&b, "a vcpu index past nr_vcpus", "index 2 repeated or not below 2");
	default_build(&b);
	b.vcpu[1].index = 0;
	expect_refused(&b, "a vcpu index twice", "index 0 repeated");
	default_build(&b);
	b.vcpu[0].flags = 0;
	expect_refused(&b, "the boot vcpu stopped", "vcpu 0 is not started");
	default_build(&b);
	b.vcpu[0].reg[0].len = 8;
	expect_refused(&b, "a ONE_REG whose length is not its id's", "is not a POWER ONE_REG");
	default_build(&b);
	b.hdr.ram_size = RAM_SIZE / 2;
	expect_refused(&b, "RAM runs past the header's RAM size", "RAM: bad run");
	default_build(&b);
	b.hdr.ram_size = 65 * (1ULL << 30);
	expect_refused(&b, "65 GiB of RAM", "up to 64 GiB");
	default_build(&b);
	b.hdr.page_size = 12345;
	expect_refused(&b, "a page size not a power of two", "host page size 12345");
	default_build(&b);
	b.with_htab = false;
	expect_refused(&b, "a hash guest's HPT without its HTAB", "HTAB section goes with");
	default_build(&b);
	b.mmu.mode = 1;
	b.mmu.hpt_order = 0;
	expect_refused(&b, "a radix guest with an HTAB", "HTAB section goes with");
	default_build(&b);
	b.mmu.hpt_order = 60;
	expect_refused(&b, "HPT order 60", "HPT order 60");
	default_build(&b);
	b.mmu.mode = 7;
	expect_refused(&b, "MMU mode 7", "unknown mode 7");
	default_build(&b);
	b.mmu.mode = 1;		/* radix, while CAS said hash */
	b.mmu.hpt_order = 0;
	b.mmu.process_table = 1ULL << 63;
	b.with_htab = false;
	expect_refused(&b, "an MMU in another mode than CAS chose", "CAS chose hash but the MMU is radix");
}

/* Sections whose CRCs are right but whose contents claim too much. */
static void test_absurd_lengths(void)
{
	struct stream_header hdr = { STREAM_VERSION, 0, 4096, 1, RAM_SIZE };
	struct stream_writer w;
	char err[256] = "", *buf = NULL;
	size_t len;
	FILE *f;
	int r;

	/* A RAM run of 2^63 bytes at offset 0, in a 16-byte payload. */
	f = open_memstream(&buf, &len);
	stream_begin(&w, f, &hdr);
	stream_section_begin(&w, STREAM_SEC_RAM, 16);
	stream_put_u64(&w, 0);
	stream_put_u64(&w, 1ULL << 63);
	stream_section_end(&w);
	stream_end(&w);
	fclose(f);
	r = parse((uint8_t *)buf, len, err);
	CHECK(r && strstr(err, "RAM: bad run"), "a RAM run of 2^63 bytes: refused (%s)", err);
	free(buf);

	/* A VCPU claiming 2^32-1 SLB entries. */
	f = open_memstream(&buf, &len);
	stream_begin(&w, f, &hdr);
	stream_section_begin(&w, STREAM_SEC_VCPU, 8 + 8 * STREAM_NR_GPRS + 8);
	stream_put_u32(&w, 0);
	stream_put_u32(&w, STREAM_VCPU_STARTED);
	for (r = 0; r < STREAM_NR_GPRS; r++)
		stream_put_u64(&w, 0);
	stream_put_u32(&w, 0);
	stream_put_u32(&w, 0xffffffff);
	stream_section_end(&w);
	stream_end(&w);
	fclose(f);
	r = parse((uint8_t *)buf, len, err);
	CHECK(r && strstr(err, "4294967295 SLB entries"), "2^32-1 SLB entries: refused (%s)", err);
	free(buf);

	/* A section head claiming 2^64-1 bytes: the CRC cannot even be looked for. */
	f = open_memstream(&buf, &len);
	stream_begin(&w, f, &hdr);
	stream_section_begin(&w, STREAM_SEC_CONSOLE, 0);
	stream_section_end(&w);
	stream_end(&w);
	fclose(f);
	memset(buf + STREAM_HEADER_BYTES + 8, 0xff, 8);
	r = parse((uint8_t *)buf, len, err);
	CHECK(r && strstr(err, "past the end"), "a section of 2^64-1 bytes: refused (%s)", err);
	free(buf);

	/* A console line longer than the VMM's line buffer. */
	f = open_memstream(&buf, &len);
	stream_begin(&w, f, &hdr);
	stream_section_begin(&w, STREAM_SEC_CONSOLE, STREAM_CONSOLE_MAX);
	for (r = 0; r < STREAM_CONSOLE_MAX; r++)
		stream_put(&w, "x", 1);
	stream_section_end(&w);
	stream_end(&w);
	fclose(f);
	r = parse((uint8_t *)buf, len, err);
	CHECK(r && strstr(err, "CONSOLE: a line of 256 bytes"), "a 256-byte console line: refused (%s)",
	      err);
	free(buf);

	/* The writer refuses to put more than a section said, or less. */
	f = open_memstream(&buf, &len);
	stream_begin(&w, f, &hdr);
	stream_section_begin(&w, STREAM_SEC_CONSOLE, 2);
	stream_put(&w, "abc", 3);
	stream_section_end(&w);
	r = stream_end(&w);
	fclose(f);
	CHECK(r == -1, "the writer fails a section written past its length");
	free(buf);
}

/* CRC-32 as everyone computes it: the check value of "123456789". */
static void test_crc(void)
{
	CHECK(stream_crc32(0, "123456789", 9) == 0xcbf43926, "CRC-32 of \"123456789\" is 0xcbf43926");
	CHECK(stream_crc32(stream_crc32(0, "1234", 4), "56789", 5) == 0xcbf43926,
	      "and the same in two pieces");
}

int main(void)
{
	fill_ram();
	test_crc();
	test_round_trip();
	test_damage();
	test_refusals();
	test_absurd_lengths();
	return unit_done("test_stream");
}
