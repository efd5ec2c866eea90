// SPDX-License-Identifier: GPL-2.0
/*
 * Native unit tests of the reference VMM's guest-facing parsers: the Open
 * Firmware client interface (of_client.c), RTAS (rtas.c) and the device tree
 * (devtree.c). Every argument block and pointer a guest hands over is
 * hostile: out of RAM, unterminated, oversized. ASan/UBSan (tools/stages/unit-tests.sh)
 * turn any read or write outside guest RAM into a failure.
 */
#include <stdarg.h>

#include "../vmm.h"
#include "unit.h"

#define RAM_SIZE	(1u << 20)
#define PROM_ERROR	0xffffffffu
#define BLK		0x1000	/* where the tests put argument blocks */
#define STR		0x2000	/* strings */
#define BUF		0x3000	/* output buffers */

/* What of_client.c needs from the rest of the VMM. */
static uint64_t cas_vec_seen;
static size_t console_bytes;

int cas_negotiate(struct vcpu *caller, uint64_t vec_gpa, uint32_t *ret)
{
	(void)caller;
	cas_vec_seen = vec_gpa;
	*ret = 0;
	return 0;
}

/* kvm_vm.c's: no vcpu here has a hypercall pending, or a KVM vcpu (fd -1). */
int vcpu_complete_hcall(struct vcpu *vcpu)
{
	(void)vcpu;
	return 0;
}

int vcpu_set_entry(struct vcpu *vcpu, uint64_t pc, uint64_t msr, uint64_t r1,
		   uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)pc, (void)msr, (void)r1, (void)r3, (void)r4, (void)r5;
	return vcpu->fd < 0 ? -1 : 0;
}

void console_write(struct console *con, const char *buf, size_t len)
{
	(void)con;
	(void)buf;
	console_bytes += len;
}

static struct vmm vmm;
static struct vcpu *const caller = &vmm.vcpu[0];
static uint32_t outs[10];

static uint32_t put_str(uint32_t gpa, const char *s)
{
	memcpy(vmm.ram.host + gpa, s, strlen(s) + 1);
	return gpa;
}

/* Calls service with the block at blk; returns the hcall status, outputs in outs[]. */
static long call_at(uint32_t blk, uint32_t service, unsigned int nargs, unsigned int nret, ...)
{
	uint8_t *b = vmm.ram.host + blk;
	unsigned int i;
	va_list ap;
	long r;

	be32_put(b, service);
	be32_put(b + 4, nargs);
	be32_put(b + 8, nret);
	va_start(ap, nret);
	for (i = 0; i < nargs && i < 10; i++)
		be32_put(b + 12 + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	r = of_client_call(caller, blk);
	for (i = 0; i < nret && nargs + i < 10; i++)
		outs[i] = be32_get(b + 12 + 4 * (nargs + i));
	return r;
}

#define CALL(name, nargs, nret, ...) \
	call_at(BLK, put_str(STR, name), nargs, nret, ##__VA_ARGS__)

static void build_tree(void)
{
	struct dt_node *cpus, *cpu;

	vmm.dt = dt_new_root();
	vmm.chosen = dt_add_node(vmm.dt, "chosen");
	cpus = dt_add_node(vmm.dt, "cpus");
	cpu = dt_add_node(cpus, "PowerPC,POWER9@0");
	vmm.vcpu[0].node = cpu;
	dt_set_u32(cpu, "reg", 0);
	dt_set_string(cpu, "device_type", "cpu");
	vmm.rtas_node = dt_add_node(vmm.dt, "rtas");
	rtas_add_tokens(&vmm, vmm.rtas_node);
}

static void test_paths(void)
{
	char path[64];
	long r;

	r = CALL("finddevice", 1, 1, put_str(STR + 0x100, "/cpus/PowerPC,POWER9"));
	CHECK(!r && outs[0] == vmm.vcpu[0].node->phandle, "finddevice without the unit address");
	CALL("finddevice", 1, 1, put_str(STR + 0x100, "/nope"));
	CHECK(outs[0] == PROM_ERROR, "finddevice of a missing node is an error");
	/* A path running into the end of RAM, no NUL. */
	memset(vmm.ram.host + RAM_SIZE - 8, 'a', 8);
	CALL("finddevice", 1, 1, RAM_SIZE - 8);
	CHECK(outs[0] == PROM_ERROR, "unterminated path at the end of RAM is refused");
	CALL("finddevice", 1, 1, 0xfffffff0u);
	CHECK(outs[0] == PROM_ERROR, "path pointer outside RAM is refused");

	memset(vmm.ram.host + BUF, 0x5a, 64);
	CALL("package-to-path", 3, 1, vmm.vcpu[0].node->phandle, BUF, 5);
	CHECK(outs[0] == strlen("/cpus/PowerPC,POWER9@0") && vmm.ram.host[BUF + 5] == 0x5a,
	      "package-to-path: full length returned, only the buffer written");
	CALL("package-to-path", 3, 1, vmm.vcpu[0].node->phandle, BUF, 64);
	memcpy(path, vmm.ram.host + BUF, sizeof(path));
	path[63] = 0;
	CHECK(!strcmp(path, "/cpus/PowerPC,POWER9@0"), "package-to-path gives %s", path);
	CALL("package-to-path", 3, 1, vmm.vcpu[0].node->phandle, RAM_SIZE - 2, 64);
	CHECK(outs[0] == PROM_ERROR, "package-to-path into a buffer past RAM is refused");
	CALL("package-to-path", 3, 1, 0xdeadbeefu, BUF, 64);
	CHECK(outs[0] == PROM_ERROR, "package-to-path of a bogus phandle is an error");
	CALL("peer", 1, 1, 0);
	CHECK(outs[0] == vmm.dt->phandle, "peer(0) is the root");
}

static void test_props(void)
{
	uint32_t ph = vmm.vcpu[0].node->phandle;
	int names = 0;

	memset(vmm.ram.host + BUF, 0x5a, 16);
	CALL("getprop", 4, 1, ph, put_str(STR + 0x100, "device_type"), BUF, 2);
	CHECK(outs[0] == 4 && vmm.ram.host[BUF + 2] == 0x5a,
	      "getprop: property length returned, only buflen bytes copied");
	CALL("getprop", 4, 1, ph, put_str(STR + 0x100, "device_type"), RAM_SIZE - 1, 4);
	CHECK(outs[0] == PROM_ERROR, "getprop into a buffer past RAM is refused");
	CALL("getproplen", 2, 1, ph, put_str(STR + 0x100, "missing"));
	CHECK(outs[0] == PROM_ERROR, "getproplen of a missing property is an error");
	CALL("setprop", 4, 1, ph, put_str(STR + 0x100, "huge"), BUF, 0x7fffffffu);
	CHECK(outs[0] == PROM_ERROR && !dt_get_prop(vmm.vcpu[0].node, "huge"),
	      "setprop of 2 GiB is refused and sets nothing");
	CALL("setprop", 4, 1, ph, put_str(STR + 0x100, "tail"), RAM_SIZE - 2, 4);
	CHECK(outs[0] == PROM_ERROR && !dt_get_prop(vmm.vcpu[0].node, "tail"),
	      "setprop from a value running past RAM is refused");
	memcpy(vmm.ram.host + BUF, "abcd", 4);
	CALL("setprop", 4, 1, ph, put_str(STR + 0x100, "linux,test"), BUF, 4);
	CHECK(outs[0] == 4 && !memcmp(dt_get_prop(vmm.vcpu[0].node, "linux,test")->val, "abcd", 4),
	      "setprop stores the guest's value");

	vmm.ram.host[STR + 0x200] = 0;	/* "" = first property */
	for (;;) {
		CALL("nextprop", 3, 1, ph, STR + 0x200, STR + 0x200);
		if (outs[0] != 1)
			break;
		names++;
	}
	CHECK(outs[0] == 0 && names == 4, "nextprop walks all %d properties, then 0", names);
}

/*
 * What prom_init (arch/powerpc/kernel/prom_init.c, scan_dt_build_struct)
 * does with a node: nextprop into a MAX_PROPERTY_NAME (64) byte buffer
 * until it answers anything but 1, then getproplen and getprop of each
 * name. It stops at the first failed nextprop, so one refused name drops
 * every property after it from the guest's flattened tree. PAPR names run
 * past IEEE 1275's 31 characters: ibm,processor-radix-AP-encodings is 32.
 */
#define PROM_MAX_PROPERTY_NAME	64

static int prom_walk_node(uint32_t ph, struct dt_node *node)
{
	uint32_t prev = STR + 0x400, name = STR + 0x500;
	int seen = 0;

	vmm.ram.host[prev] = 0;
	for (;;) {
		struct dt_prop *p;
		uint32_t len;

		memset(vmm.ram.host + name, 0x5a, PROM_MAX_PROPERTY_NAME + 8);
		CALL("nextprop", 3, 1, ph, prev, name);
		if (outs[0] != 1)
			break;
		if (vmm.ram.host[name + PROM_MAX_PROPERTY_NAME] != 0x5a)
			return -1;	/* wrote past prom_init's buffer */
		p = dt_get_prop(node, (char *)vmm.ram.host + name);
		CALL("getproplen", 2, 1, ph, name);
		len = outs[0];
		if (!p || len != p->len || len > 0x10000)
			return -1;
		CALL("getprop", 4, 1, ph, name, BUF, len);
		if (outs[0] != len || memcmp(vmm.ram.host + BUF, p->val, len))
			return -1;
		memmove(vmm.ram.host + prev, vmm.ram.host + name, PROM_MAX_PROPERTY_NAME);
		seen++;
	}
	return outs[0] == 0 ? seen : -1;
}

static void test_prom_init_walk(void)
{
	struct dt_node *n = dt_add_node(vmm.dt, "fidelity");
	char name[PROM_MAX_PROPERTY_NAME + 8];
	static uint8_t big[0x8000];
	int len, want = 0, seen;
	struct dt_prop *p;
	uint32_t ph;

	for (len = 1; len < PROM_MAX_PROPERTY_NAME; len += (len < 28 || len > 34) ? 7 : 1) {
		memset(name, 'a' + len % 26, len);
		name[len] = 0;
		dt_set_u32(n, name, len);
	}
	dt_set_cells(n, "ibm,processor-radix-AP-encodings", (uint32_t[]){ 0xc, 0xa0000010 }, 2);
	dt_set_prop(n, "empty", NULL, 0);
	for (len = 0; len < (int)sizeof(big); len++)
		big[len] = len * 7;
	dt_set_prop(n, "big", big, sizeof(big));
	dt_set_u32(n, "ibm,pft-size", 22);	/* after the long name, as in the cpu node */
	for (p = n->props; p; p = p->next)
		want++;
	ph = n->phandle;
	seen = prom_walk_node(ph, n);
	CHECK(seen == want, "prom_init's walk reads all %d properties with their values (%d)",
	      want, seen);

	memset(name, 'x', PROM_MAX_PROPERTY_NAME);
	name[PROM_MAX_PROPERTY_NAME] = 0;
	CALL("setprop", 4, 1, ph, put_str(STR + 0x100, name), BUF, 4);
	CHECK(outs[0] == PROM_ERROR, "setprop of a %d-character name (no room for its NUL in prom_init) is refused",
	      PROM_MAX_PROPERTY_NAME);
	CHECK(prom_walk_node(ph, n) == want, "and the walk still sees the same %d", want);
}

/* A block header with counts the guest made up; no arguments follow. */
static long raw_block(uint32_t nargs, uint32_t nret)
{
	be32_put(vmm.ram.host + BLK, put_str(STR, "peer"));
	be32_put(vmm.ram.host + BLK + 4, nargs);
	be32_put(vmm.ram.host + BLK + 8, nret);
	return of_client_call(caller, BLK);
}

static void test_blocks(void)
{
	CHECK(raw_block(11, 0) == -4, "nargs 11: H_PARAMETER");
	CHECK(raw_block(6, 5) == -4, "nargs + nret 11: H_PARAMETER");
	CHECK(raw_block(0xffffffffu, 0xffffffffu) == -4, "counts of 2^32-1: H_PARAMETER");
	CHECK(of_client_call(caller, RAM_SIZE - 16) == -4, "argument block past RAM: H_PARAMETER");
	CHECK(of_client_call(caller, 0xfffffffffffff000ULL) == -4, "block at a wild address");
	CALL("no-such-service", 0, 1);
	CHECK(outs[0] == PROM_ERROR, "unknown service answers -1");
	call_at(BLK, 0xfffffff0u, 0, 1);
	CHECK(outs[0] == PROM_ERROR, "service name outside RAM answers -1");
	CALL("finddevice", 0, 1);
	CHECK(outs[0] == PROM_ERROR, "too few arguments for the service answers -1");
}

static void test_claim(void)
{
	CALL("claim", 3, 1, 0x100, 0x100, 0);
	CHECK(outs[0] == PROM_ERROR, "claim over the pre-claimed kernel is refused");
	CALL("claim", 3, 1, 0x80000, 0, 0);
	CHECK(outs[0] == PROM_ERROR, "claim of 0 bytes is refused");
	CALL("claim", 3, 1, 0xfffff000u, 0x2000, 0);
	CHECK(outs[0] == PROM_ERROR, "claim past RAM is refused");
	CALL("claim", 3, 1, 0, RAM_SIZE + 1, 0x1000);
	CHECK(outs[0] == PROM_ERROR, "claim bigger than RAM is refused");
	CALL("claim", 3, 1, 0, 0x1000, 0x3000);
	CHECK(outs[0] == PROM_ERROR, "claim with a non-power-of-two alignment is refused");
	CALL("claim", 3, 1, 0, 0x2000, 0x10000);
	CHECK(outs[0] != PROM_ERROR && !(outs[0] & 0xffff) && outs[0] >= 0x20000,
	      "aligned claim lands past the kernel, aligned (0x%x)", outs[0]);
	CALL("claim", 3, 1, outs[0], 0x10, 0);
	CHECK(outs[0] == PROM_ERROR, "a claimed range cannot be claimed twice");
}

static void test_methods(void)
{
	uint32_t ih = of_open_node(&vmm, vmm.rtas_node), root = of_open_node(&vmm, vmm.dt);

	CALL("call-method", 3, 2, put_str(STR + 0x100, "instantiate-rtas"), ih, RAM_SIZE - 4);
	CHECK(outs[0] == PROM_ERROR, "instantiate-rtas at the end of RAM is refused");
	CALL("call-method", 3, 2, put_str(STR + 0x100, "instantiate-rtas"), ih, 0x40000);
	CHECK(outs[0] == 0 && outs[1] == 0x40000 && be32_get(vmm.ram.host + 0x40000 + 12) == 0x44000022,
	      "instantiate-rtas writes the big-endian blob and returns its entry");
	CALL("call-method", 3, 2, put_str(STR + 0x100, "instantiate-rtas"), root, 0x40000);
	CHECK(outs[0] == PROM_ERROR, "instantiate-rtas on another node is refused");
	CALL("call-method", 3, 2, put_str(STR + 0x100, "ibm,client-architecture-support"),
	     root, 0x50000);
	CHECK(outs[0] == 0 && outs[1] == 0 && cas_vec_seen == 0x50000,
	      "CAS goes to cas_negotiate with the vector address");
	CALL("call-method", 3, 2, put_str(STR + 0x100, "ibm,client-architecture-support"),
	     0x4242, 0x50000);
	CHECK(outs[0] == PROM_ERROR, "call-method on a bogus ihandle is refused");
	CALL("write", 3, 1, root, BUF, RAM_SIZE);
	CHECK(outs[0] == PROM_ERROR && console_bytes == 0, "write of a buffer past RAM is refused");
}

static long rtas_at3(uint32_t blk, uint32_t token, uint32_t nargs, uint32_t nret,
		     uint32_t arg0, uint32_t arg1, uint32_t arg2)
{
	be32_put(vmm.ram.host + blk, token);
	be32_put(vmm.ram.host + blk + 4, nargs);
	be32_put(vmm.ram.host + blk + 8, nret);
	be32_put(vmm.ram.host + blk + 12, arg0);
	be32_put(vmm.ram.host + blk + 16, arg1);
	be32_put(vmm.ram.host + blk + 20, arg2);
	return rtas_call(caller, blk);
}

static long rtas_at(uint32_t blk, uint32_t token, uint32_t nargs, uint32_t nret, uint32_t arg0)
{
	return rtas_at3(blk, token, nargs, nret, arg0, 0, 0);
}

static uint32_t rtas_ret(unsigned int nargs, unsigned int i)
{
	return be32_get(vmm.ram.host + BLK + 12 + 4 * (nargs + i));
}

static uint32_t token(const char *name)
{
	return be32_get(dt_get_prop(vmm.rtas_node, name)->val);
}

/*
 * The SMP calls name a vcpu by its server number, from the guest: any
 * number. vcpu 1 is stopped and has no KVM vcpu behind it (fd -1), so a
 * start that got as far as setting registers fails, and must change nothing.
 */
static void test_rtas_cpus(void)
{
	uint32_t start = token("start-cpu"), query = token("query-cpu-stopped-state");
	uint32_t stop = token("stop-self");

	CHECK(rtas_at(BLK, query, 1, 2, 1) == 0 && rtas_ret(1, 0) == 0 && rtas_ret(1, 1) == 0,
	      "query-cpu-stopped-state: vcpu 1 is stopped");
	CHECK(rtas_at(BLK, query, 1, 2, 0) == 0 && rtas_ret(1, 0) == 0 && rtas_ret(1, 1) == 2,
	      "query-cpu-stopped-state: vcpu 0 runs");
	CHECK(rtas_at(BLK, query, 1, 2, 2) == 0 && rtas_ret(1, 0) == (uint32_t)-3,
	      "query-cpu-stopped-state of server 2 (no such vcpu): parameter error");
	CHECK(rtas_at(BLK, query, 1, 2, 0xffffffffu) == 0 && rtas_ret(1, 0) == (uint32_t)-3,
	      "query-cpu-stopped-state of server 0xffffffff: parameter error");
	CHECK(rtas_at(BLK, query, 1, 1, 1) == 0 && rtas_ret(1, 0) == (uint32_t)-3,
	      "query-cpu-stopped-state with one return: parameter error");
	CHECK(rtas_at(BLK, query, 0, 2, 1) == 0 && rtas_ret(0, 0) == (uint32_t)-3,
	      "query-cpu-stopped-state with no argument: parameter error");
	CHECK(rtas_at3(BLK, start, 3, 1, 16, 0x100, 0) == 0 && rtas_ret(3, 0) == (uint32_t)-3,
	      "start-cpu of server 16 (no such vcpu): parameter error");
	CHECK(rtas_at3(BLK, start, 2, 1, 1, 0x100, 0) == 0 && rtas_ret(2, 0) == (uint32_t)-3,
	      "start-cpu with 2 arguments: parameter error");
	CHECK(rtas_at3(BLK, start, 3, 1, 0, 0x100, 0) == 0 && rtas_ret(3, 0) == (uint32_t)-1,
	      "start-cpu of a running vcpu: hardware error (PAPR: not stopped)");
	CHECK(rtas_at3(BLK, start, 3, 1, 1, 0x100, 0) == 0 && rtas_ret(3, 0) == (uint32_t)-1 &&
	      !vmm.vcpu[1].started, "start-cpu whose registers cannot be set: error, vcpu stays stopped");
	CHECK(rtas_at(BLK, stop, 0, 1, 0) == 0 && !caller->started, "stop-self stops the caller");
	caller->started = true;
}

static void test_rtas(void)
{
	uint32_t tod = be32_get(dt_get_prop(vmm.rtas_node, "get-time-of-day")->val);
	uint32_t term = be32_get(dt_get_prop(vmm.rtas_node, "ibm,os-term")->val);

	CHECK(rtas_at(BLK, tod, 17, 1, 0) == -4, "RTAS nargs 17: H_PARAMETER");
	CHECK(rtas_at(BLK, tod, 8, 9, 0) == -4, "RTAS nargs + nret 17: H_PARAMETER");
	CHECK(rtas_call(caller, RAM_SIZE - 8) == -4, "RTAS block past RAM: H_PARAMETER");
	CHECK(rtas_at(BLK, tod, 0, 8, 0) == 0 && be32_get(vmm.ram.host + BLK + 12) == 0 &&
	      be32_get(vmm.ram.host + BLK + 16) >= 2024, "get-time-of-day answers a date");
	CHECK(rtas_at(BLK, tod, 0, 2, 0) == 0 && be32_get(vmm.ram.host + BLK + 12) == (uint32_t)-3,
	      "get-time-of-day with too few returns: parameter error");
	CHECK(rtas_at(BLK, 0x1234, 0, 1, 0) == 0 && be32_get(vmm.ram.host + BLK + 12) == (uint32_t)-3,
	      "unknown token: -3");
	CHECK(rtas_at(BLK, term, 1, 1, 0xfffffff0u) == 0 && vmm.stop &&
	      vmm.exit_code == VMM_EXIT_GUEST_DIED, "os-term with a wild message pointer stops cleanly");
}

/*
 * A VM restored from a stream (--restore) has no device tree: the guest
 * left Open Firmware before it was saved, but its code can still call it.
 */
static void test_no_tree(void)
{
	struct dt_node *dt = vmm.dt;
	long r;

	vmm.dt = NULL;
	r = CALL("peer", 1, 1, 0);
	CHECK(r == PPCMMU_H_FUNCTION, "no device tree (a restored VM): peer(0) -> H_FUNCTION");
	r = CALL("finddevice", 1, 1, put_str(STR + 64, "/chosen"));
	CHECK(r == PPCMMU_H_FUNCTION, "and finddevice(\"/chosen\") -> H_FUNCTION");
	vmm.dt = dt;
}

int main(void)
{
	int i;

	vmm.nr_vcpus = 2;
	for (i = 0; i < vmm.nr_vcpus; i++) {
		vmm.vcpu[i].vmm = &vmm;
		vmm.vcpu[i].id = i;
		vmm.vcpu[i].fd = -1;
	}
	vmm.vcpu[0].started = true;
	vmm.ram.size = RAM_SIZE;
	vmm.ram.host = calloc(1, RAM_SIZE);
	vmm.kernel_end = 0x20000;
	build_tree();
	of_client_init(&vmm, RAM_SIZE - 0x20000, 0x20000);
	test_paths();
	test_props();
	test_prom_init_walk();
	test_blocks();
	test_claim();
	test_methods();
	test_rtas_cpus();
	test_rtas();
	test_no_tree();
	dt_free(vmm.dt);
	free(vmm.ram.host);
	return unit_done("test_of_client");
}
