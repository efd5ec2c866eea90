// SPDX-License-Identifier: GPL-2.0
/* Put the guest kernel (an ELF vmlinux, as Debian ships it) and initramfs in guest RAM. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

static void *read_file(const char *path, size_t *size)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t done = 0;

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	while (buf && done < (size_t)st.st_size) {
		ssize_t n = read(fd, (char *)buf + done, st.st_size - done);

		if (n <= 0) {
			perror(path);
			free(buf);
			buf = NULL;
			break;
		}
		done += n;
	}
	close(fd);
	*size = done;
	return buf;
}

/* Loads PT_LOAD segments at their physical addresses; Linux's vmlinux is linked for 0. */
int load_kernel(struct vmm *vmm, const char *path)
{
	size_t size, i;
	uint8_t *img = read_file(path, &size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	int r = -1;

	if (!img)
		return -1;
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_PPC64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > size ||
	    (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff) {
		fprintf(stderr, "vmm: %s: not a ppc64 ELF kernel\n", path);
		goto out;
	}
	vmm->kernel_end = 0;
	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(img + eh->e_phoff) + i;
		uint8_t *dst;

		if (ph->p_type != PT_LOAD)
			continue;
		dst = guest_ptr(&vmm->ram, ph->p_paddr, ph->p_memsz);
		if (!dst || ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
		    ph->p_filesz > size - ph->p_offset) {
			fprintf(stderr, "vmm: %s: segment %zu does not fit guest RAM\n", path, i);
			goto out;
		}
		memcpy(dst, img + ph->p_offset, ph->p_filesz);
		memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
		if (ph->p_paddr + ph->p_memsz > vmm->kernel_end)
			vmm->kernel_end = ph->p_paddr + ph->p_memsz;
	}
	/* The entry is a kernel virtual address (0xc000...): the real address is its low part. */
	vmm->kernel_entry = eh->e_entry & 0x0fffffffffffffffULL;
	r = 0;
out:
	free(img);
	return r;
}

int load_initrd(struct vmm *vmm, const char *path, uint64_t gpa)
{
	size_t size;
	void *img = read_file(path, &size);
	void *dst;

	if (!img)
		return -1;
	dst = guest_ptr(&vmm->ram, gpa, size);
	if (!dst) {
		fprintf(stderr, "vmm: %s (%zu bytes) does not fit guest RAM at 0x%llx\n",
			path, size, (unsigned long long)gpa);
		free(img);
		return -1;
	}
	memcpy(dst, img, size);
	free(img);
	vmm->initrd_start = gpa;
	vmm->initrd_size = size;
	return 0;
}
