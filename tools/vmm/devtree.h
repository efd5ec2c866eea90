/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small in-memory device tree: nodes with properties, found by path or
 * phandle. It is what the guest's Open Firmware client interface shows;
 * Linux's prom_init walks it and flattens it itself.
 */
#ifndef PPCMMU_VMM_DEVTREE_H
#define PPCMMU_VMM_DEVTREE_H

#include <stdint.h>
#include <stddef.h>

struct dt_prop {
	char *name;
	uint8_t *val;
	uint32_t len;
	struct dt_prop *next;
};

struct dt_node {
	char *name;		/* with unit address: "PowerPC,POWER9@0" */
	uint32_t phandle;	/* never 0 or 0xffffffff (OF's "invalid") */
	struct dt_node *parent, *child, *sibling;
	struct dt_prop *props;
};

struct dt_node *dt_new_root(void);
struct dt_node *dt_add_node(struct dt_node *parent, const char *name);
void dt_free(struct dt_node *root);

void dt_set_prop(struct dt_node *node, const char *name, const void *val, uint32_t len);
void dt_set_string(struct dt_node *node, const char *name, const char *s);
void dt_set_u32(struct dt_node *node, const char *name, uint32_t v);
/* An array of cells, stored big-endian as the tree wants. */
void dt_set_cells(struct dt_node *node, const char *name, const uint32_t *cells, int n);
struct dt_prop *dt_get_prop(struct dt_node *node, const char *name);
/* The property after @prev ("" or NULL: the first), or NULL at the end. */
struct dt_prop *dt_next_prop(struct dt_node *node, const char *prev);

struct dt_node *dt_find_path(struct dt_node *root, const char *path);
struct dt_node *dt_find_phandle(struct dt_node *root, uint32_t phandle);
/* Writes the node's full path to buf (truncated to size) and returns its length. */
size_t dt_node_path(struct dt_node *node, char *buf, size_t size);

/*
 * One "<prefix>dt: <path>/<name> <len> <crc32>" line per property, the
 * whole tree below @node (tools/vmm/dt_digest.h).
 */
void dt_print_digest(struct dt_node *node, const char *prefix);

#endif
