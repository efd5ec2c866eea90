// SPDX-License-Identifier: GPL-2.0
/*
 * mkstream FILE: writes a small, well-formed stream of a hash guest (one
 * vcpu, 512 MiB of zero RAM, no HPT yet, CAS done in hash) for the hosts
 * that cannot run hash (tools/vmm/scenarios.sh, nested): the VMM must
 * refuse it for its MMU mode. The emulated hosts share no storage, so a
 * stream saved on the radix host cannot be carried there; this one passes
 * every format check and is refused for the same reason a real one is.
 */
#include <stdio.h>
#include <unistd.h>

#include "../stream.h"

int main(int argc, char **argv)
{
	struct stream_header hdr = { STREAM_VERSION, STREAM_F_HCALL_DONE, sysconf(_SC_PAGESIZE),
				     1, 512ULL << 20 };
	static struct stream_vcpu v = { .flags = STREAM_VCPU_STARTED, .pvr = 0x004e1202 };
	struct stream_mmu mmu = { .mode = 0 /* KVM_PPC_MMU_MODE_HASH */ };
	struct stream_cas cas = { .flags = STREAM_CAS_DONE, .mode = 0 };
	struct stream_writer w;
	FILE *f;

	f = argc == 2 ? fopen(argv[1], "wb") : NULL;
	if (!f) {
		fprintf(stderr, "usage: mkstream FILE (writable)\n");
		return 2;
	}
	stream_begin(&w, f, &hdr);
	stream_section_begin(&w, STREAM_SEC_RAM, 0);	/* all of RAM zero */
	stream_section_end(&w);
	stream_put_vcpu(&w, &v);
	stream_put_mmu(&w, &mmu);
	stream_put_cas(&w, &cas);
	if (stream_end(&w) || fclose(f)) {
		fprintf(stderr, "mkstream: writing %s failed\n", argv[1]);
		return 1;
	}
	return 0;
}
