// SPDX-License-Identifier: GPL-2.0
/*
 * --save and --restore: the VM snapshot.c saves, written as a stream
 * (stream.h) that a new VMM process reads to continue the guest, as a
 * migration between two processes (or hosts) would.
 *
 * Save runs at the --snapshot-after trigger, with every vcpu parked and no
 * hypercall answer pending in any (cpus.c), once the guest
 * is done with Open Firmware (a restored VM has none: of_client.c answers
 * H_FUNCTION there); the stream goes to FILE.tmp, renamed to FILE once
 * complete, and the VMM stops there.
 *
 * Restore checks everything before it creates the VM: the whole file
 * (stream_parse(): every CRC, length and count), then that this VMM and
 * host can run what it holds (vcpus, MMU mode against the module's
 * GET_CAPS, page size, --mem). A stream refused changes nothing; the VMM
 * says why in one "vmm: restore:" line and exits VMM_EXIT_RESTORE_REFUSED.
 * Only then are RAM, the VM, its MMU state, vcpus and HPT made from it;
 * each vcpu comes back started or stopped (waiting for RTAS start-cpu) as
 * it was, with its interrupt-controller state (KVM_REG_PPC_ICP_STATE, one
 * of its registers).
 * A restored guest has no kernel the VMM could boot again: a reboot
 * request stops it (reset.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot.h"
#include "stream.h"

#define SLB_ESID_V	(1ULL << 27)	/* a valid SLB entry, as KVM_GET_SREGS gives it */

/* kvm_regs in the stream's order (stream.h: struct stream_vcpu.gpr). */
static uint64_t *regs_field(struct kvm_regs *r, unsigned int i)
{
	uint64_t *fixed[] = {
		(uint64_t *)&r->pc, (uint64_t *)&r->cr, (uint64_t *)&r->ctr, (uint64_t *)&r->lr,
		(uint64_t *)&r->xer, (uint64_t *)&r->msr, (uint64_t *)&r->srr0,
		(uint64_t *)&r->srr1, (uint64_t *)&r->pid, (uint64_t *)&r->sprg0,
		(uint64_t *)&r->sprg1, (uint64_t *)&r->sprg2, (uint64_t *)&r->sprg3,
		(uint64_t *)&r->sprg4, (uint64_t *)&r->sprg5, (uint64_t *)&r->sprg6,
		(uint64_t *)&r->sprg7,
	};

	_Static_assert(ARRAY_SIZE(fixed) + 32 == STREAM_NR_GPRS, "stream.h's REGS layout");
	return i < ARRAY_SIZE(fixed) ? fixed[i] : (uint64_t *)&r->gpr[i - ARRAY_SIZE(fixed)];
}

static void vcpu_to_stream(const struct vcpu_image *c, unsigned int index, bool started,
			   struct stream_vcpu *v)
{
	struct kvm_regs regs = c->regs;
	unsigned int i;

	memset(v, 0, sizeof(*v));
	v->index = index;
	v->flags = started ? STREAM_VCPU_STARTED : 0;
	for (i = 0; i < STREAM_NR_GPRS; i++)
		v->gpr[i] = *regs_field(&regs, i);
	v->pvr = c->sregs.pvr;
	for (i = 0; i < STREAM_MAX_SLB; i++) {
		if (!(c->sregs.u.s.ppc64.slb[i].slbe & SLB_ESID_V))
			continue;
		v->slb[v->nr_slb][0] = c->sregs.u.s.ppc64.slb[i].slbe;
		v->slb[v->nr_slb][1] = c->sregs.u.s.ppc64.slb[i].slbv;
		v->nr_slb++;
	}
	for (i = 0; i < (unsigned int)c->nr_regs && i < STREAM_MAX_ONE_REGS; i++) {
		v->reg[i].id = c->reg[i].id;
		v->reg[i].len = 1U << ((c->reg[i].id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
		memcpy(v->reg[i].val, c->reg[i].val, v->reg[i].len);
	}
	v->nr_regs = i;
}

/* The registers of a checked stream back into a vcpu_image; -1 for ones we do not restore. */
static int vcpu_from_stream(const struct stream_vcpu *v, struct vcpu_image *c, char *why,
			    size_t size)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < STREAM_NR_GPRS; i++)
		*regs_field(&c->regs, i) = v->gpr[i];
	c->sregs.pvr = v->pvr;
	for (i = 0; i < v->nr_slb; i++) {
		c->sregs.u.s.ppc64.slb[i].slbe = v->slb[i][0];
		c->sregs.u.s.ppc64.slb[i].slbv = v->slb[i][1];
	}
	if (v->nr_regs > SNAPSHOT_MAX_REGS) {
		snprintf(why, size, "vcpu %u has %u registers, this VMM restores at most %u",
			 v->index, v->nr_regs, SNAPSHOT_MAX_REGS);
		return -1;
	}
	for (i = 0; i < v->nr_regs; i++) {
		/* Only what a save gives: a stream cannot reach other KVM registers. */
		if (!snapshot_reg_known(v->reg[i].id)) {
			snprintf(why, size, "vcpu %u: register 0x%llx is not one this VMM saves",
				 v->index, (unsigned long long)v->reg[i].id);
			return -1;
		}
		c->reg[i].id = v->reg[i].id;
		memcpy(c->reg[i].val, v->reg[i].val, v->reg[i].len);
	}
	c->nr_regs = v->nr_regs;
	return 0;
}

static void write_stream(struct vmm *vmm, struct vm_image *img, uint64_t host_tb,
			 struct stream_writer *w, FILE *f, struct stream_vcpu *v)
{
	uint64_t *offset = snapshot_tb_offset(img);
	struct stream_header hdr = {
		.version = STREAM_VERSION, .flags = STREAM_F_HCALL_DONE,
		.page_size = sysconf(_SC_PAGESIZE), .nr_vcpus = img->nr_vcpus,
		.ram_size = vmm->ram.size,
	};
	struct stream_mmu mmu = {
		.features = img->mmu.features, .mode = img->mmu.mode,
		.hpt_order = img->mmu.hpt_order, .process_table = img->mmu.process_table,
		.state_flags = img->mmu.state_flags,
	};
	int i;
	struct stream_cas cas = {
		.flags = vmm->cas_done ? STREAM_CAS_DONE : 0, .mode = vmm->cas.mode,
		.out_flags = vmm->cas.out_flags, .compat_pvr = vmm->cas.compat_pvr,
		.hpt_order = vmm->cas.hpt_order,
	};

	stream_begin(w, f, &hdr);
	stream_put_ram(w, vmm->ram.host, vmm->ram.size);
	for (i = 0; i < img->nr_vcpus; i++) {
		vcpu_to_stream(&img->cpu[i], i, img->started[i], v);
		stream_put_vcpu(w, v);
	}
	stream_put_mmu(w, &mmu);
	if (img->htab)
		stream_put_htab(w, img->htab, img->htab_len);
	stream_put_cas(w, &cas);
	stream_put_console(w, vmm->con.line, vmm->con.line_len);
	if (offset)
		stream_put_timebase(w, host_tb + *offset);
}

/* At the --snapshot-after trigger: FILE written, the VMM stops (VMM_EXIT_SAVED). */
int migration_save(struct vmm *vmm)
{
	uint64_t host_tb = snapshot_host_timebase();	/* the vcpus are paused: the guest's time stops here */
	struct vm_image *img = calloc(1, sizeof(*img));
	struct stream_vcpu *v = malloc(sizeof(*v));
	const char *path = vmm->opt.save_file;
	char tmp[4096];
	struct stream_writer w;
	long size;
	FILE *f = NULL;
	int r = -1;

	/* A restored VM has no firmware: the guest must be done with it. */
	if (!vmm->of_quiesced) {
		fprintf(stderr, "vmm: save: the guest is still in Open Firmware (prom_init); save once its kernel runs\n");
		goto out;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp) || !img || !v ||
	    snapshot_save_vm(vmm, img))
		goto out;
	f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "vmm: save: %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	write_stream(vmm, img, host_tb, &w, f, v);
	r = stream_end(&w);
	size = ftell(f);
	if (fclose(f))
		r = -1;
	f = NULL;
	if (r || rename(tmp, path)) {
		fprintf(stderr, "vmm: save: writing %s failed: %s\n", path, strerror(errno));
		unlink(tmp);
		r = -1;
		goto out;
	}
	printf("vmm: save: %s: %llu MiB guest, %d vcpus, %d registers each, MMU %s%s, %ld bytes; the VMM stops here\n",
	       path, (unsigned long long)(vmm->ram.size >> 20), img->nr_vcpus, img->cpu[0].nr_regs,
	       img->mmu.mode == KVM_PPC_MMU_MODE_RADIX ? "radix" : "hash",
	       img->htab ? " with its HPT" : "", size);
	vmm_stop(vmm, VMM_EXIT_SAVED);
	r = 0;
out:
	if (f)
		fclose(f);
	if (img)
		free(img->htab);
	free(img);
	free(v);
	return r;
}

static int refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int refuse(const char *fmt, ...)
{
	va_list ap;

	printf("vmm: restore: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("; nothing restored\n");
	return VMM_EXIT_RESTORE_REFUSED;
}

/* What this host's module offers, from a VM made for asking and closed again. */
static int host_guest_modes(struct vmm *vmm, uint64_t *modes)
{
	struct kvm_ppc_mmu_caps caps = { 0 };
	int fd;

	vmm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vmm->kvm_fd < 0) {
		perror("vmm: /dev/kvm");
		return -1;
	}
	fd = ioctl(vmm->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (fd < 0 || ioctl(fd, KVM_PPC_MMU_GET_CAPS, &caps)) {
		fprintf(stderr, "vmm: restore: KVM_PPC_MMU_GET_CAPS: %s (are kvm-hv and kvm-ppc-mmu loaded?)\n",
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	*modes = caps.guest_modes;
	return 0;
}

/* Whether this VMM on this host can run the guest of a checked stream. */
static int check_fit(struct vmm *vmm, const struct stream_image *s)
{
	bool hash = s->mmu.mode == KVM_PPC_MMU_MODE_HASH;
	bool legacy = (s->cas.flags & STREAM_CAS_DONE) &&
		      (s->cas.out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY);
	long page = sysconf(_SC_PAGESIZE);
	uint64_t modes, need;

	unsigned int i;

	if (s->hdr.nr_vcpus > VMM_MAX_VCPUS)
		return refuse("the stream has %u vcpus, this VMM runs at most %d",
			      s->hdr.nr_vcpus, VMM_MAX_VCPUS);
	/* This VMM's ICP state is a ONE_REG of each vcpu (KVM_REG_PPC_ICP_STATE). */
	for (i = 0; i < s->hdr.nr_vcpus; i++)
		if (s->vcpu[i].has_icp)
			return refuse("vcpu %u has an ICP section; this VMM carries ICP state as a register", i);
	if (host_guest_modes(vmm, &modes))
		return VMM_EXIT_ERROR;
	need = !hash ? KVM_PPC_MMU_GUEST_RADIX :
	       legacy ? KVM_PPC_MMU_GUEST_LEGACY : KVM_PPC_MMU_GUEST_HASH;
	if (!(modes & need))
		return refuse("the stream's guest runs %s, which this host does not offer (it offers:%s%s%s)",
			      !hash ? "radix" : legacy ? "hash for a legacy guest" : "hash",
			      modes & KVM_PPC_MMU_GUEST_RADIX ? " radix" : "",
			      modes & KVM_PPC_MMU_GUEST_HASH ? " hash" : "",
			      modes & KVM_PPC_MMU_GUEST_LEGACY ? " legacy-hash" : "");
	if (s->hdr.page_size != page)
		return refuse("the stream comes from a host with %u KiB pages, this one has %ld KiB",
			      s->hdr.page_size >> 10, page >> 10);
	if (vmm->opt.mem_given && vmm->opt.ram_size != s->hdr.ram_size)
		return refuse("the stream's guest has %llu MiB of RAM, --mem says %llu",
			      (unsigned long long)(s->hdr.ram_size >> 20),
			      (unsigned long long)(vmm->opt.ram_size >> 20));
	return 0;
}

/* The stream carries the guest's timebase at save: go on from there. */
static void continue_timebase(const struct stream_image *s, struct vm_image *img)
{
	int64_t passed;

	if (!s->has_timebase || !snapshot_tb_offset(img))
		return;
	passed = snapshot_continue_timebase(img, s->guest_tb);
	printf("vmm: restore: guest timebase continued from the save (host time since: %lld ms)\n",
	       (long long)passed / (long long)(VMM_TIMEBASE_HZ / 1000));
}

/* The stream's guest, in a new VM; the image checked whole already. */
static int build_vm(struct vmm *vmm, const struct stream_image *s, struct vm_image *img)
{
	int hptes = 0;

	img->mmu.features = s->mmu.features;
	img->mmu.mode = s->mmu.mode;
	img->mmu.hpt_order = s->mmu.hpt_order;
	img->mmu.process_table = s->mmu.process_table;
	img->mmu.state_flags = s->mmu.state_flags;
	img->htab = (uint8_t *)s->htab;		/* only read: htab_stream_write() */
	img->htab_len = s->htab_len;
	img->nr_vcpus = s->hdr.nr_vcpus;
	continue_timebase(s, img);
	vmm->opt.nr_vcpus = s->hdr.nr_vcpus;	/* vcpus_create() makes that many */
	vmm->ram.size = s->hdr.ram_size;
	if (guest_mem_alloc(&vmm->ram)) {
		perror("vmm: restore: guest RAM");
		return VMM_EXIT_ERROR;
	}
	stream_ram_apply(s, vmm->ram.host);
	if (snapshot_restore_vm(vmm, img, &hptes))
		return VMM_EXIT_ERROR;
	memcpy(vmm->con.line, s->console, s->console_len);
	vmm->con.line_len = s->console_len;
	vmm->cas_done = s->cas.flags & STREAM_CAS_DONE;
	vmm->cas.mode = s->cas.mode;
	vmm->cas.out_flags = s->cas.out_flags;
	vmm->cas.compat_pvr = s->cas.compat_pvr;
	vmm->cas.hpt_order = s->cas.hpt_order;
	printf("vmm: restore: %llu MiB guest (%llu KiB from the stream), %d vcpus, MMU %s%s; the guest continues\n",
	       (unsigned long long)(vmm->ram.size >> 20), (unsigned long long)(s->ram_bytes >> 10),
	       img->nr_vcpus,
	       s->mmu.mode == KVM_PPC_MMU_MODE_RADIX ? "radix" : "hash",
	       vmm->cas.out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY ? " (legacy guest)" : "");
	if (s->htab)
		printf("vmm: restore: %d HPTEs written through KVM's HTAB fd\n", hptes);
	return 0;
}

/* --restore FILE: 0 and a VM ready to run, or the VMM's exit status. */
int migration_restore(struct vmm *vmm)
{
	const char *path = vmm->opt.restore_file;
	struct stream_image s = { 0 };
	struct vm_image *img = NULL;
	char why[256];
	struct stat st;
	void *map = MAP_FAILED;
	unsigned int i;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		r = refuse("%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < STREAM_HEADER_BYTES + STREAM_TRAILER_BYTES) {
		r = refuse("%s: not a stream (%lld bytes%s)", path, (long long)st.st_size,
			   S_ISREG(st.st_mode) ? ", truncated" : ", not a regular file");
		goto out;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		r = refuse("%s: %s", path, strerror(errno));
		goto out;
	}
	if (stream_parse(map, st.st_size, &s, why, sizeof(why))) {
		r = refuse("%s: %s", path, why);
		goto out;
	}
	img = calloc(1, sizeof(*img));
	if (!img) {
		r = VMM_EXIT_ERROR;
		goto out;
	}
	r = check_fit(vmm, &s);
	for (i = 0; !r && i < s.hdr.nr_vcpus; i++) {
		if (vcpu_from_stream(&s.vcpu[i], &img->cpu[i], why, sizeof(why)))
			r = refuse("%s: %s", path, why);
		img->started[i] = s.vcpu[i].flags & STREAM_VCPU_STARTED;
	}
	if (!r)
		r = build_vm(vmm, &s, img);
out:
	stream_image_free(&s);
	free(img);
	if (map != MAP_FAILED)
		munmap(map, st.st_size);
	if (fd >= 0)
		close(fd);
	return r;
}
