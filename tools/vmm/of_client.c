// SPDX-License-Identifier: GPL-2.0
/*
 * The Open Firmware client interface, enough for Linux's prom_init.
 *
 * The guest calls a 4-instruction stub (below) that turns each client call
 * into hypercall KVMPPC_H_VOF_CLIENT (0xf005) with r4 = the guest real
 * address of the IEEE 1275 argument block, as QEMU's vof.bin does. The
 * block is big-endian: service name pointer, nargs, nret, then nargs inputs
 * and nret outputs in args[10]. Every pointer in it is guest-controlled.
 *
 * The interesting service is call-method "ibm,client-architecture-support":
 * cas.c hands the vector to kvm-ppc-mmu.
 */
#include <stdio.h>
#include <time.h>

#include "vmm.h"

#define PROM_ERROR		0xffffffffU
#define OF_MAX_ARGS		10
#define OF_PROP_MAX		(64 * 1024)	/* setprop: far above anything prom_init sets */
#define OF_STACK_SIZE		0x10000
/* Longest property name: prom_init's MAX_PROPERTY_NAME (64) less the NUL. */
#define OF_PROP_NAME_MAX	63

/* Big-endian: prom_init calls Open Firmware in 32-bit big-endian mode. */
static const uint32_t of_stub[] = {
	0x7c641b78,	/* mr    r4,r3 */
	0x3c600000,	/* lis   r3,0 */
	0x6063f005,	/* ori   r3,r3,0xf005 */
	0x44000022,	/* sc    1 */
	0x4e800020,	/* blr */
};

struct of_call {
	struct vmm *vmm;
	struct vcpu *caller;
	const uint32_t *in;
	unsigned int nargs;
	uint32_t *out;
	unsigned int nret;
};

static struct dt_node *node_of(struct vmm *vmm, uint32_t phandle)
{
	if (!phandle || phandle == PROM_ERROR)
		return NULL;
	return dt_find_phandle(vmm->dt, phandle);
}

static struct dt_node *node_of_instance(struct vmm *vmm, uint32_t ihandle)
{
	int i;

	for (i = 0; i < vmm->nr_instances; i++)
		if (vmm->instances[i].ihandle == ihandle)
			return vmm->instances[i].node;
	return NULL;
}

uint32_t of_open_node(struct vmm *vmm, struct dt_node *node)
{
	struct of_instance *inst;

	if (!node || vmm->nr_instances >= VMM_MAX_INSTANCES)
		return 0;
	inst = &vmm->instances[vmm->nr_instances];
	inst->ihandle = 0x10000 + vmm->nr_instances;
	inst->node = node;
	vmm->nr_instances++;
	return inst->ihandle;
}

/* Copies min(len, buflen) bytes to the guest; false if the buffer is not in RAM. */
static bool copy_out(struct vmm *vmm, uint32_t gpa, const void *src, uint32_t len,
		     uint32_t buflen)
{
	uint32_t n = len < buflen ? len : buflen;
	void *dst = guest_ptr(&vmm->ram, gpa, n);

	if (!dst)
		return false;
	memcpy(dst, src, n);
	return true;
}

static bool claim_overlaps(struct vmm *vmm, uint64_t start, uint64_t size, uint64_t *end)
{
	int i;

	for (i = 0; i < vmm->nr_claims; i++) {
		struct of_claim *c = &vmm->claims[i];

		if (start < c->start + c->size && c->start < start + size) {
			*end = c->start + c->size;
			return true;
		}
	}
	return false;
}

static uint32_t of_claim_range(struct vmm *vmm, uint64_t virt, uint64_t size, uint64_t align)
{
	uint64_t end, addr;

	if (!size || size > vmm->ram.size || vmm->nr_claims >= VMM_MAX_CLAIMS)
		return PROM_ERROR;
	if (align & (align - 1))
		return PROM_ERROR;
	if (!align) {
		addr = virt;
		if (addr > vmm->ram.size - size || claim_overlaps(vmm, addr, size, &end))
			return PROM_ERROR;
	} else {	/* first fit, as OF's "claim" with an alignment allocates */
		addr = 0;
		while (addr <= vmm->ram.size - size && claim_overlaps(vmm, addr, size, &end))
			addr = (end + align - 1) & ~(align - 1);
		if (addr > vmm->ram.size - size)
			return PROM_ERROR;
	}
	if (addr + size > 0x100000000ULL)	/* the interface is 32-bit */
		return PROM_ERROR;
	vmm->claims[vmm->nr_claims].start = addr;
	vmm->claims[vmm->nr_claims].size = size;
	vmm->nr_claims++;
	return addr;
}

static uint32_t svc_finddevice(struct of_call *c)
{
	char path[256];
	struct dt_node *n;

	if (!guest_read_string(&c->vmm->ram, c->in[0], path, sizeof(path)))
		return PROM_ERROR;
	n = dt_find_path(c->vmm->dt, path);
	return n ? n->phandle : PROM_ERROR;
}

/* The property named by in[1] of the node in[0] (getprop, getproplen), or NULL. */
static struct dt_prop *prop_of(struct of_call *c)
{
	struct dt_node *n = node_of(c->vmm, c->in[0]);
	char name[OF_PROP_NAME_MAX + 1];

	if (!n || !guest_read_string(&c->vmm->ram, c->in[1], name, sizeof(name)))
		return NULL;
	return dt_get_prop(n, name);
}

static uint32_t svc_getprop(struct of_call *c)
{
	struct dt_prop *p = prop_of(c);

	if (!p || !copy_out(c->vmm, c->in[2], p->val, p->len, c->in[3]))
		return PROM_ERROR;
	return p->len;
}

static uint32_t svc_getproplen(struct of_call *c)
{
	struct dt_prop *p = prop_of(c);

	return p ? p->len : PROM_ERROR;
}

static uint32_t svc_setprop(struct of_call *c)
{
	struct dt_node *n = node_of(c->vmm, c->in[0]);
	uint32_t len = c->in[3];
	char name[OF_PROP_NAME_MAX + 1];
	void *val;

	if (!n || len > OF_PROP_MAX || !guest_read_string(&c->vmm->ram, c->in[1], name, sizeof(name)))
		return PROM_ERROR;
	val = guest_ptr(&c->vmm->ram, c->in[2], len);
	if (!val && len)
		return PROM_ERROR;
	dt_set_prop(n, name, val, len);
	return len;
}

/*
 * nextprop: the name after in[1] ("" or NULL: the first) into the buffer at
 * in[2]. IEEE 1275 limits names to 31 characters and the buffer to 32
 * bytes, but PAPR names run longer (ibm,processor-radix-AP-encodings is
 * 32), and the one client that matters, Linux's prom_init, passes a
 * MAX_PROPERTY_NAME (64) byte buffer and stops walking the node at the
 * first failed call, losing every property after it. So names are written
 * whole, NUL included, up to OF_PROP_NAME_MAX characters, as QEMU's VOF
 * does (its OF_PROPNAME_LEN_MAX is 64 too); setprop never stores longer ones.
 */
static uint32_t svc_nextprop(struct of_call *c)
{
	struct dt_node *n = node_of(c->vmm, c->in[0]);
	char prev[OF_PROP_NAME_MAX + 1] = "";
	struct dt_prop *p;
	size_t len;

	if (!n)
		return PROM_ERROR;
	if (c->in[1] && !guest_read_string(&c->vmm->ram, c->in[1], prev, sizeof(prev)))
		return PROM_ERROR;
	p = dt_next_prop(n, prev);
	if (!p)
		return 0;
	len = strlen(p->name);
	if (len > OF_PROP_NAME_MAX || !copy_out(c->vmm, c->in[2], p->name, len + 1, len + 1))
		return PROM_ERROR;
	return 1;
}

static uint32_t svc_child(struct of_call *c)
{
	struct dt_node *n = node_of(c->vmm, c->in[0]);

	return n && n->child ? n->child->phandle : 0;
}

static uint32_t svc_peer(struct of_call *c)
{
	struct dt_node *n;

	if (!c->in[0])			/* peer(0) is the root */
		return c->vmm->dt->phandle;
	n = node_of(c->vmm, c->in[0]);
	return n && n->sibling ? n->sibling->phandle : 0;
}

static uint32_t svc_parent(struct of_call *c)
{
	struct dt_node *n = node_of(c->vmm, c->in[0]);

	return n && n->parent ? n->parent->phandle : 0;
}

static uint32_t path_out(struct of_call *c, struct dt_node *n)
{
	char path[512];
	size_t len;

	if (!n)
		return PROM_ERROR;
	len = dt_node_path(n, path, sizeof(path));
	if (len >= sizeof(path))
		return PROM_ERROR;
	/* OF returns the path length without the NUL, and copies what fits. */
	if (!copy_out(c->vmm, c->in[1], path, len + 1, c->in[2]))
		return PROM_ERROR;
	return len;
}

static uint32_t svc_package_to_path(struct of_call *c)
{
	return path_out(c, node_of(c->vmm, c->in[0]));
}

static uint32_t svc_instance_to_path(struct of_call *c)
{
	return path_out(c, node_of_instance(c->vmm, c->in[0]));
}

static uint32_t svc_instance_to_package(struct of_call *c)
{
	struct dt_node *n = node_of_instance(c->vmm, c->in[0]);

	return n ? n->phandle : PROM_ERROR;
}

static uint32_t svc_canon(struct of_call *c)
{
	char path[256];
	size_t len;

	if (!guest_read_string(&c->vmm->ram, c->in[0], path, sizeof(path)))
		return PROM_ERROR;
	len = strlen(path);
	if (!copy_out(c->vmm, c->in[1], path, len + 1, c->in[2]))
		return PROM_ERROR;
	return len;
}

static uint32_t svc_open(struct of_call *c)
{
	char path[256];

	if (!guest_read_string(&c->vmm->ram, c->in[0], path, sizeof(path)))
		return 0;
	return of_open_node(c->vmm, dt_find_path(c->vmm->dt, path));
}

static uint32_t svc_close(struct of_call *c)
{
	(void)c;
	return 0;
}

static uint32_t svc_write(struct of_call *c)
{
	uint32_t len = c->in[2];
	const char *buf = guest_ptr(&c->vmm->ram, c->in[1], len);

	if (!buf || !node_of_instance(c->vmm, c->in[0]))
		return PROM_ERROR;
	console_write(&c->vmm->con, buf, len);
	return len;
}

static uint32_t svc_read(struct of_call *c)
{
	(void)c;
	return 0;		/* no input: prom_init never waits for any */
}

static uint32_t svc_claim(struct of_call *c)
{
	return of_claim_range(c->vmm, c->in[0], c->in[1], c->in[2]);
}

static uint32_t svc_release(struct of_call *c)
{
	struct vmm *vmm = c->vmm;
	int i;

	for (i = 0; i < vmm->nr_claims; i++) {
		if (vmm->claims[i].start == c->in[0] && vmm->claims[i].size == c->in[1]) {
			vmm->claims[i] = vmm->claims[--vmm->nr_claims];
			return 0;
		}
	}
	return PROM_ERROR;
}

static uint32_t svc_milliseconds(struct of_call *c)
{
	struct timespec ts;

	(void)c;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * prom_init quiesces Open Firmware right after flattening the tree: what
 * the tree holds now is what the guest kernel should see (--dt-check).
 */
static uint32_t svc_quiesce(struct of_call *c)
{
	c->vmm->of_quiesced = true;
	if (c->vmm->opt.dt_check)
		dt_print_digest(c->vmm->dt, "vmm: ");
	return 0;
}

static uint32_t svc_exit(struct of_call *c)
{
	fprintf(stderr, "vmm: the guest called Open Firmware 'exit'\n");
	vmm_stop(c->vmm, VMM_EXIT_GUEST_DIED);
	return 0;
}

/*
 * call-method: in[0] method name, in[1] ihandle, in[2..] its arguments;
 * out[0] is the "catch result" (0: the method ran), out[1..] its returns.
 */
static uint32_t svc_call_method(struct of_call *c)
{
	struct vmm *vmm = c->vmm;
	struct dt_node *n = node_of_instance(vmm, c->in[1]);
	char method[64];

	if (c->nargs < 2 || !n || !guest_read_string(&vmm->ram, c->in[0], method, sizeof(method)))
		return PROM_ERROR;
	if (!strcmp(method, "ibm,client-architecture-support") && c->nargs >= 3 && c->nret >= 2) {
		uint32_t ret;

		if (cas_negotiate(c->caller, c->in[2], &ret))
			return PROM_ERROR;
		c->out[1] = ret;
		return 0;
	}
	if (!strcmp(method, "instantiate-rtas") && n == vmm->rtas_node &&
	    c->nargs >= 3 && c->nret >= 2) {
		void *dst = guest_ptr(&vmm->ram, c->in[2], sizeof(rtas_blob));
		unsigned int i;

		if (!dst)
			return PROM_ERROR;
		for (i = 0; i < sizeof(rtas_blob) / 4; i++)
			be32_put((uint8_t *)dst + 4 * i, rtas_blob[i]);
		c->out[1] = c->in[2];	/* the entry point is the blob's start */
		return 0;
	}
	if (vmm->opt.verbose)
		fprintf(stderr, "vmm: OF call-method '%s' not implemented\n", method);
	return PROM_ERROR;
}

struct of_service {
	const char *name;
	unsigned int nargs, nret;	/* at least this many */
	uint32_t (*fn)(struct of_call *c);
};

static const struct of_service services[] = {
	{ "finddevice", 1, 1, svc_finddevice },
	{ "getprop", 4, 1, svc_getprop },
	{ "getproplen", 2, 1, svc_getproplen },
	{ "setprop", 4, 1, svc_setprop },
	{ "nextprop", 3, 1, svc_nextprop },
	{ "child", 1, 1, svc_child },
	{ "peer", 1, 1, svc_peer },
	{ "parent", 1, 1, svc_parent },
	{ "package-to-path", 3, 1, svc_package_to_path },
	{ "instance-to-path", 3, 1, svc_instance_to_path },
	{ "instance-to-package", 1, 1, svc_instance_to_package },
	{ "canon", 3, 1, svc_canon },
	{ "open", 1, 1, svc_open },
	{ "close", 1, 0, svc_close },
	{ "write", 3, 1, svc_write },
	{ "read", 3, 1, svc_read },
	{ "claim", 3, 1, svc_claim },
	{ "release", 2, 0, svc_release },
	{ "milliseconds", 0, 1, svc_milliseconds },
	{ "quiesce", 0, 0, svc_quiesce },
	{ "exit", 0, 0, svc_exit },
	{ "call-method", 2, 1, svc_call_method },
};

long of_client_call(struct vcpu *caller, uint64_t args_gpa)
{
	struct vmm *vmm = caller->vmm;
	uint8_t *blk = guest_ptr(&vmm->ram, args_gpa & 0xffffffffULL, 12 + 4 * OF_MAX_ARGS);
	uint32_t in[OF_MAX_ARGS], out[OF_MAX_ARGS] = { 0 };
	struct of_call call = { .vmm = vmm, .caller = caller, .in = in, .out = out };
	unsigned int i, n;
	char service[32];

	if (!blk)
		return PPCMMU_H_PARAMETER;	/* the block is not in RAM */
	/* No tree, no firmware: a VM from --restore, whose guest had left it. */
	if (!vmm->dt)
		return PPCMMU_H_FUNCTION;
	call.nargs = be32_get(blk + 4);
	call.nret = be32_get(blk + 8);
	if (call.nargs > OF_MAX_ARGS || call.nret > OF_MAX_ARGS - call.nargs)
		return PPCMMU_H_PARAMETER;
	for (i = 0; i < call.nargs; i++)
		in[i] = be32_get(blk + 12 + 4 * i);
	out[0] = PROM_ERROR;
	if (guest_read_string(&vmm->ram, be32_get(blk), service, sizeof(service))) {
		for (n = 0; n < ARRAY_SIZE(services); n++) {
			const struct of_service *s = &services[n];

			if (strcmp(s->name, service))
				continue;
			if (call.nargs >= s->nargs && call.nret >= s->nret)
				out[0] = s->fn(&call);
			break;
		}
		if (vmm->opt.verbose || n == ARRAY_SIZE(services))
			fprintf(stderr, "vmm: OF %s(%u in, %u out) -> 0x%x%s\n", service,
				call.nargs, call.nret, out[0],
				n == ARRAY_SIZE(services) ? " (unknown)" : "");
	}
	for (i = 0; i < call.nret; i++)
		be32_put(blk + 12 + 4 * (call.nargs + i), out[i]);
	return 0;
}

/*
 * Firmware area at [fw_base, fw_base + fw_size): the client stack (r1 at
 * entry), then the stub. Claimed, so prom_init's allocations avoid it, as
 * they avoid the kernel and the initramfs.
 */
void of_client_init(struct vmm *vmm, uint64_t fw_base, uint64_t fw_size)
{
	uint8_t *stub = guest_ptr(&vmm->ram, fw_base + OF_STACK_SIZE, sizeof(of_stub));
	unsigned int i;

	for (i = 0; i < sizeof(of_stub) / 4; i++)
		be32_put(stub + 4 * i, of_stub[i]);
	vmm->of_entry = fw_base + OF_STACK_SIZE;
	of_claim_range(vmm, 0, vmm->kernel_end, 0);
	if (vmm->initrd_size)
		of_claim_range(vmm, vmm->initrd_start, vmm->initrd_size, 0);
	of_claim_range(vmm, fw_base, fw_size, 0);
}
