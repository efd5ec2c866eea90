// SPDX-License-Identifier: GPL-2.0
/*
 * The module's tracepoints (trace system ppc_mmu), read through tracefs
 * while real guests negotiate: a radix and a hash guest boot through CAS
 * and H_REGISTER_PROC_TBL, the VMM resets one with SET_STATE, and ioctls
 * are refused. Every event the module must emit is looked for and its
 * fields checked against what the test did and what the ioctls answered;
 * a VM that does not opt in must leave no event at all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "lib/test_env.h"
#include "lib/tracefs.h"
#include "ppcmmu/cas_guest.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define SYSTEM		"ppc_mmu"
#define MAX_LINES	16
#define GR		(1ULL << 63)
#define H_PARAMETER	(-4)
#define NR_TESTS	22

static const char *const events[] = {
	"ppc_mmu_cas", "ppc_mmu_register_proc_tbl", "ppc_mmu_hpt_install", "ppc_mmu_hpt_free",
	"ppc_mmu_mode_switch", "ppc_mmu_refusal", "ppc_mmu_enable", "ppc_mmu_set_state",
};

static struct kvm_ppc_mmu_caps caps;
static bool can_radix, can_hash, forced;
static int mypid;

/* The events of @event by this process in @text: lines[], count. */
struct found {
	int n;
	char *l[MAX_LINES];
};

static void find(const char *text, const char *event, struct found *f)
{
	f->n = text ? trace_lines(text, event, mypid, f->l, MAX_LINES) : 0;
	if (f->n > MAX_LINES)
		f->n = MAX_LINES;
}

static void found_free(struct found *f)
{
	trace_lines_free(f->l, f->n);
	f->n = 0;
}

static void show(const char *what, const struct found *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		ktap_info("%s: %s", what, strstr(f->l[i], "ppc_mmu_") ?: f->l[i]);
}

/* Trace text since the last clear (NULL on error), cleared again after. */
static char *take_trace(void)
{
	char *t = tracefs_read();

	tracefs_clear();
	return t;
}

static int count_all(const char *text)
{
	struct found f;
	unsigned int i;
	int n = 0;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		find(text, events[i], &f);
		show("unexpected", &f);
		n += f.n;
		found_free(&f);
	}
	return n;
}

/* A VM that does not opt in runs a guest: no event. 1 result. */
static void test_not_opted_in(void)
{
	struct guest_exit log[4];
	struct guest_vm vm;
	struct gasm a;
	char *t;
	int r;

	tracefs_clear();
	r = mmu_guest_vm(&vm, 16UL << 20, GUEST_MMU_DEFAULT, 0);
	if (!r) {
		gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
		gasm_hcall(&a, TEST_HCALL_REPORT);
		gasm_hcall(&a, TEST_HCALL_DONE);
		gasm_emit(&a, PPC_B_SELF);
		r = guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
		r = r < 0 ? r : guest_run_script(&vm, 0, log, 4);
		guest_vm_destroy(&vm);
	}
	t = take_trace();
	ktap_result(r == 2 && t && count_all(t) == 0,
		    "VM not opted in: guest runs, no ppc_mmu event (r=%d)", r);
	free(t);
}

/* Radix guest through CAS and registration. 5 results. */
static void test_radix_guest(void)
{
	struct kvm_ppc_mmu_cas out;
	struct mmu_guest_result res;
	struct found en, cas, reg, bad;
	struct kvm_ppc_mmu_state st = { 0 };
	struct guest_vm vm;
	char *t, vmid[16];
	int r;

	if (!can_radix) {
		ktap_skip_n(5, "host cannot run radix guests", "radix guest events");
		return;
	}
	tracefs_clear();
	r = cas_guest_boot(&vm, 0x40, 0x40, &out, &res);
	if (r == 0 && ppcmmu_get_state(vm.vm_fd, &st))
		r = -EIO;
	if (vm.vm_fd >= 0)
		guest_vm_destroy(&vm);
	t = take_trace();
	find(t, "ppc_mmu_enable", &en);
	find(t, "ppc_mmu_cas", &cas);
	find(t, "ppc_mmu_register_proc_tbl", &reg);
	find(t, "ppc_mmu_refusal", &bad);
	show("radix", &en);
	show("radix", &cas);
	show("radix", &reg);
	show("radix", &bad);

	ktap_result(!r && res.done && res.value_read == MMU_GUEST_B_VALUE &&
		    out.status == KVM_PPC_MMU_CAS_ACCEPTED && out.mode == KVM_PPC_MMU_MODE_RADIX,
		    "radix guest boots through CAS and registration (r=%d)", r);
	ktap_result(en.n == 1 && trace_field_num(en.l[0], "vm", 0) > 0 &&
		    trace_field_is(en.l[0], "old", "0x0") &&
		    trace_field_num(en.l[0], "features", -1) == KVM_PPC_MMU_FEAT_ALL &&
		    trace_field_is(en.l[0], "ret", "0"),
		    "ppc_mmu_enable: vm, old=0x0 features=0x%llx ret=0",
		    (unsigned long long)KVM_PPC_MMU_FEAT_ALL);
	vmid[0] = '\0';
	if (en.n)
		trace_field(en.l[0], "vm", vmid, sizeof(vmid));
	ktap_result(cas.n == 1 && trace_field_is(cas.l[0], "vm", vmid) &&
		    trace_field_is(cas.l[0], "vcpu", "0") &&
		    trace_field_num(cas.l[0], "vec", 0) == (long long)CAS_GUEST_VEC_ADDR &&
		    /* 13 pairs and the terminator; count byte 5; OV1 3.00|3.1 */
		    trace_field_is(cas.l[0], "pvrs", "13") &&
		    /* its raw PVRs run POWER5..POWER10: POWER11 matches a logical one */
		    trace_field_is(cas.l[0], "pvr_match", caps.pvr >> 16 == 0x82 ? "0" : "1") &&
		    trace_field_is(cas.l[0], "vectors", "6") &&
		    trace_field_is(cas.l[0], "ov1_3", "0xc0") &&
		    trace_field_is(cas.l[0], "ov5_24", "0x40") &&
		    trace_field_is(cas.l[0], "ov5_26", "0x40") &&
		    trace_field_is(cas.l[0], "status", "accepted") &&
		    trace_field_is(cas.l[0], "reason", "none") &&
		    trace_field_is(cas.l[0], "mode", "radix") &&
		    trace_field_is(cas.l[0], "gtse", "1") &&
		    trace_field_is(cas.l[0], "legacy", "0") &&
		    trace_field_num(cas.l[0], "compat_pvr", -1) == out.compat_pvr &&
		    trace_field_is(cas.l[0], "hpt_order", "0") &&
		    trace_field_is(cas.l[0], "hret", "0"),
		    "ppc_mmu_cas: same vm, vcpu 0, the vector's summary, accepted radix with GTSE");
	ktap_result(reg.n == 1 && trace_field_is(reg.l[0], "vm", vmid) &&
		    trace_field_is(reg.l[0], "vcpu", "0") &&
		    trace_field_num(reg.l[0], "flags", 0) == (long long)PROC_TBL_NEW_RADIX_GTSE &&
		    trace_field_num(reg.l[0], "base", 0) == (long long)MMU_GUEST_PROC_TBL &&
		    trace_field_is(reg.l[0], "hret", "0") &&
		    trace_field_is(reg.l[0], "applied", "1") &&
		    trace_field_is(reg.l[0], "switch", "no") &&
		    trace_field_is(reg.l[0], "mode", "radix") &&
		    st.process_table == (GR | MMU_GUEST_PROC_TBL),
		    "ppc_mmu_register_proc_tbl: flags 0x1d base 0x10000 hret 0 applied, no switch");
	ktap_result(bad.n == 0, "no refusal event for the radix boot (%d)", bad.n);
	found_free(&en);
	found_free(&cas);
	found_free(&reg);
	found_free(&bad);
	free(t);
}

/*
 * Hash guest through CAS: HPT sized from RAM, switch on a radix host,
 * registration; then the VMM's reset (SET_STATE) and the VM's end, which
 * free the HPT. 7 results.
 */
static void test_hash_guest(void)
{
	struct kvm_ppc_mmu_state reset = { .features = KVM_PPC_MMU_FEAT_ALL };
	struct found ins, sw, cas, reg, set, fr;
	struct kvm_ppc_mmu_cas out;
	struct mmu_guest_result res;
	struct guest_vm vm;
	const char *want_cause = can_radix ? "cas" : "entry";
	char *t, *t2;
	int r, rs = -1;

	if (!can_hash) {
		ktap_skip_n(7, "host cannot run hash guests", "hash guest events");
		return;
	}
	tracefs_clear();
	r = cas_guest_boot(&vm, 0x00, 0x00, &out, &res);
	t = take_trace();
	if (!r) {
		/* A reset as tools/vmm/reset.c does it, for this host. */
		if (can_radix) {
			reset.mode = KVM_PPC_MMU_MODE_RADIX;
			reset.process_table = GR;
		} else {
			reset.mode = KVM_PPC_MMU_MODE_HASH;
		}
		rs = ioctl(vm.vm_fd, KVM_PPC_MMU_SET_STATE, &reset) ? -errno : 0;
	}
	if (vm.vm_fd >= 0)
		guest_vm_destroy(&vm);
	t2 = take_trace();

	find(t, "ppc_mmu_hpt_install", &ins);
	find(t, "ppc_mmu_mode_switch", &sw);
	find(t, "ppc_mmu_cas", &cas);
	find(t, "ppc_mmu_register_proc_tbl", &reg);
	show("hash", &ins);
	show("hash", &sw);
	show("hash", &cas);
	show("hash", &reg);

	ktap_result(!r && res.done && res.value_read == MMU_GUEST_B_VALUE &&
		    out.status == KVM_PPC_MMU_CAS_ACCEPTED && out.mode == KVM_PPC_MMU_MODE_HASH,
		    "hash guest boots through CAS and registration (r=%d)", r);
	ktap_result(ins.n == 1 && trace_field_num(ins.l[0], "order", 0) == CAS_GUEST_HPT_ORDER &&
		    trace_field_is(ins.l[0], "cause", want_cause) &&
		    (trace_field_is(ins.l[0], "alloc", "cma") ||
		     trace_field_is(ins.l[0], "alloc", "pages")) &&
		    t && strstr(t, "ppc_mmu_hpt_install:") < strstr(t, "ppc_mmu_cas:"),
		    "ppc_mmu_hpt_install: order %d, cause %s, before the CAS event",
		    CAS_GUEST_HPT_ORDER, want_cause);
	if (can_radix)
		ktap_result(sw.n == 1 && trace_field_is(sw.l[0], "from", "radix") &&
			    trace_field_is(sw.l[0], "to", "hash") &&
			    trace_field_is(sw.l[0], "process_table", "0x0") &&
			    trace_field_is(sw.l[0], "cause", "cas"),
			    "ppc_mmu_mode_switch: radix -> hash at CAS");
	else
		ktap_result(sw.n == 0, "no ppc_mmu_mode_switch on a hash host (%d)", sw.n);
	ktap_result(cas.n == 1 && trace_field_is(cas.l[0], "status", "accepted") &&
		    trace_field_is(cas.l[0], "mode", "hash") &&
		    trace_field_is(cas.l[0], "ov5_24", "0x00") &&
		    trace_field_is(cas.l[0], "gtse", "0") &&
		    trace_field_num(cas.l[0], "hpt_order", 0) == CAS_GUEST_HPT_ORDER,
		    "ppc_mmu_cas: accepted hash, hpt_order %d", CAS_GUEST_HPT_ORDER);
	ktap_result(reg.n == 1 &&
		    trace_field_num(reg.l[0], "flags", 0) == (long long)PROC_TBL_NEW_HASH_SLB &&
		    trace_field_is(reg.l[0], "base", "0x0") &&
		    trace_field_is(reg.l[0], "hret", "0") &&
		    trace_field_is(reg.l[0], "switch", "no") &&
		    trace_field_is(reg.l[0], "mode", "hash"),
		    "ppc_mmu_register_proc_tbl: flags 0x18 hret 0, hash, no switch");
	found_free(&ins);
	found_free(&sw);
	found_free(&cas);
	found_free(&reg);

	find(t2, "ppc_mmu_set_state", &set);
	find(t2, "ppc_mmu_hpt_free", &fr);
	find(t2, "ppc_mmu_mode_switch", &sw);
	show("reset", &set);
	show("reset", &fr);
	show("reset", &sw);
	ktap_result(rs == 0 && set.n == 1 && trace_field_is(set.l[0], "ret", "0") &&
		    trace_field_is(set.l[0], "mode", can_radix ? "radix" : "hash") &&
		    (!can_radix || (sw.n == 1 && trace_field_is(sw.l[0], "to", "radix") &&
				    trace_field_is(sw.l[0], "cause", "set_state"))),
		    "ppc_mmu_set_state: reset to %s, ret 0%s (r=%d)", can_radix ? "radix" : "hash",
		    can_radix ? ", switch hash -> radix" : "", rs);
	/* Radix host: KVM-HV frees the HPT at the switch; hash host: at destroy. */
	ktap_result(fr.n == 1 && trace_field_num(fr.l[0], "order", 0) == CAS_GUEST_HPT_ORDER &&
		    trace_field_is(fr.l[0], "by", "kvm-hv") &&
		    trace_field_is(fr.l[0], "cause", can_radix ? "set_state" : "destroy"),
		    "ppc_mmu_hpt_free: order %d by kvm-hv at %s", CAS_GUEST_HPT_ORDER,
		    can_radix ? "the reset" : "the VM's end");
	found_free(&set);
	found_free(&fr);
	found_free(&sw);
	free(t);
	free(t2);
}

/* Refusals: a vector outside RAM, ENABLE after a run, a bad SET_STATE. 6 results. */
static void test_refusals(void)
{
	struct kvm_ppc_mmu_state bad_state = { .mode = 7 };
	struct kvm_ppc_mmu_cas c = { .vec_addr = 1ULL << 40 };
	struct kvm_ppc_mmu_enable en = { .features = KVM_PPC_MMU_FEAT_PROC_TBL };
	struct found cas, ref, ena, set;
	struct guest_exit log[2];
	struct guest_vm vm;
	struct gasm a;
	int r, rc = -1, re = -1, rs = -1;
	char *t;

	tracefs_clear();
	r = mmu_guest_vm(&vm, 16UL << 20, GUEST_MMU_DEFAULT, KVM_PPC_MMU_FEAT_ALL);
	if (!r) {
		rc = ioctl(vm.vm_fd, KVM_PPC_MMU_CAS, &c) ? -errno : 0;
		gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
		gasm_hcall(&a, TEST_HCALL_DONE);
		gasm_emit(&a, PPC_B_SELF);
		r = guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
		r = r < 0 ? r : guest_run_script(&vm, 0, log, 2);
		re = ioctl(vm.vm_fd, KVM_PPC_MMU_ENABLE, &en) ? -errno : 0;
		rs = ioctl(vm.vm_fd, KVM_PPC_MMU_SET_STATE, &bad_state) ? -errno : 0;
		guest_vm_destroy(&vm);
	}
	t = take_trace();
	find(t, "ppc_mmu_cas", &cas);
	find(t, "ppc_mmu_refusal", &ref);
	find(t, "ppc_mmu_enable", &ena);
	find(t, "ppc_mmu_set_state", &set);
	show("refusals", &cas);
	show("refusals", &ref);
	show("refusals", &ena);
	show("refusals", &set);

	ktap_result(rc == 0 && c.status == KVM_PPC_MMU_CAS_MALFORMED &&
		    c.reason == KVM_PPC_MMU_CAS_ERR_NOT_IN_RAM && c.hcall_ret == H_PARAMETER &&
		    re == -EBUSY && rs == -EINVAL && r == 1,
		    "set-up: CAS outside RAM malformed, ENABLE after a run EBUSY, bad SET_STATE EINVAL");
	ktap_result(cas.n == 1 && trace_field_is(cas.l[0], "vcpu", "-1") &&
		    trace_field_is(cas.l[0], "vec", "0x10000000000") &&
		    trace_field_is(cas.l[0], "status", "malformed") &&
		    trace_field_is(cas.l[0], "reason", "not_in_ram") &&
		    trace_field_is(cas.l[0], "mode", "none") &&
		    trace_field_is(cas.l[0], "hret", "-4"),
		    "ppc_mmu_cas from the ioctl: vcpu -1, malformed, not_in_ram, hret -4");
	ktap_result(ref.n == 3 &&
		    trace_field_is(ref.l[0], "op", "cas") && trace_field_is(ref.l[0], "code", "-4") &&
		    trace_field_is(ref.l[0], "busy", "0") &&
		    trace_field_is(ref.l[1], "op", "enable") &&
		    trace_field_is(ref.l[1], "code", "-16") && trace_field_is(ref.l[1], "busy", "1") &&
		    trace_field_is(ref.l[2], "op", "set_state") &&
		    trace_field_is(ref.l[2], "code", "-22") && trace_field_is(ref.l[2], "busy", "0"),
		    "ppc_mmu_refusal: cas -4, enable -16 (busy), set_state -22, in order (%d)", ref.n);
	ktap_result(ena.n == 2 && trace_field_is(ena.l[1], "old", "0x7") &&
		    trace_field_is(ena.l[1], "features", "0x1") &&
		    trace_field_is(ena.l[1], "ret", "-16"),
		    "ppc_mmu_enable: the refused change 0x7 -> 0x1, ret -16");
	ktap_result(set.n == 1 && trace_field_is(set.l[0], "mode", "invalid") &&
		    trace_field_is(set.l[0], "ret", "-22"),
		    "ppc_mmu_set_state: the malformed state, ret -22");
	found_free(&cas);
	find(t, "ppc_mmu_mode_switch", &cas);
	r = cas.n;
	found_free(&cas);
	find(t, "ppc_mmu_register_proc_tbl", &cas);
	ktap_result(t && r == 0 && cas.n == 0,
		    "no switch or registration traced for that VM (%d, %d)", r, cas.n);
	found_free(&cas);
	found_free(&ref);
	found_free(&ena);
	found_free(&set);
	free(t);
}

int main(void)
{
	unsigned int i;
	bool all = true;
	int r;

	mypid = getpid();
	test_env_begin(NR_TESTS, "trace", &caps, &forced);
	can_radix = caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX;
	can_hash = caps.guest_modes & KVM_PPC_MMU_GUEST_HASH;

	r = tracefs_open("ppc_mmu_selftest", SYSTEM);
	if (!ktap_result(r == 0, "tracefs instance with events/%s enabled (r=%d)", SYSTEM, r)) {
		ktap_skip_n(NR_TESTS - 2, "no tracefs", "trace");
		test_env_restore(forced);
		ktap_result(module_is_loaded(PPCMMU_MODNAME), "module loaded at the end");
		ktap_finish();
	}
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		all = all && tracefs_has_event(SYSTEM, events[i]);
	ktap_result(all, "the %zu ppc_mmu events exist", sizeof(events) / sizeof(events[0]));

	test_not_opted_in();
	test_radix_guest();
	test_hash_guest();
	test_refusals();

	tracefs_close();
	test_env_restore(forced);
	ktap_result(module_is_loaded(PPCMMU_MODNAME), "module loaded at the end");
	ktap_finish();
}
