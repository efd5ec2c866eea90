// SPDX-License-Identifier: GPL-2.0
/* The VMM's device tree: see devtree.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devtree.h"
#include "dt_digest.h"

static uint32_t next_phandle = 1;

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		perror("vmm: calloc");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		perror("vmm: strdup");
		exit(1);
	}
	return p;
}

struct dt_node *dt_new_root(void)
{
	struct dt_node *root = xcalloc(1, sizeof(*root));

	root->name = xstrdup("");
	root->phandle = next_phandle++;
	return root;
}

struct dt_node *dt_add_node(struct dt_node *parent, const char *name)
{
	struct dt_node *node = xcalloc(1, sizeof(*node)), **tail = &parent->child;
	char base[64];

	node->name = xstrdup(name);
	node->phandle = next_phandle++;
	node->parent = parent;
	while (*tail)		/* keep creation order: it is the order prom_init sees */
		tail = &(*tail)->sibling;
	*tail = node;
	/* Real Open Firmware gives every node a "name": the part before '@'. */
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(name, "@"), name);
	dt_set_string(node, "name", base);
	return node;
}

void dt_free(struct dt_node *node)
{
	struct dt_prop *p, *pn;
	struct dt_node *c, *cn;

	if (!node)
		return;
	for (c = node->child; c; c = cn) {
		cn = c->sibling;
		dt_free(c);
	}
	for (p = node->props; p; p = pn) {
		pn = p->next;
		free(p->name);
		free(p->val);
		free(p);
	}
	free(node->name);
	free(node);
}

struct dt_prop *dt_get_prop(struct dt_node *node, const char *name)
{
	struct dt_prop *p;

	for (p = node->props; p; p = p->next)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

void dt_set_prop(struct dt_node *node, const char *name, const void *val, uint32_t len)
{
	struct dt_prop *p = dt_get_prop(node, name), **tail;

	if (!p) {
		p = xcalloc(1, sizeof(*p));
		p->name = xstrdup(name);
		for (tail = &node->props; *tail; tail = &(*tail)->next)
			;
		*tail = p;
	}
	free(p->val);
	p->val = xcalloc(1, len ? len : 1);
	if (len)
		memcpy(p->val, val, len);
	p->len = len;
}

void dt_set_string(struct dt_node *node, const char *name, const char *s)
{
	dt_set_prop(node, name, s, strlen(s) + 1);
}

void dt_set_cells(struct dt_node *node, const char *name, const uint32_t *cells, int n)
{
	uint8_t buf[256 * 4];
	int i;

	if (n > 256) {
		fprintf(stderr, "vmm: property %s too long\n", name);
		exit(1);
	}
	for (i = 0; i < n; i++) {
		buf[4 * i] = cells[i] >> 24;
		buf[4 * i + 1] = cells[i] >> 16;
		buf[4 * i + 2] = cells[i] >> 8;
		buf[4 * i + 3] = cells[i];
	}
	dt_set_prop(node, name, buf, 4 * n);
}

void dt_set_u32(struct dt_node *node, const char *name, uint32_t v)
{
	dt_set_cells(node, name, &v, 1);
}

struct dt_prop *dt_next_prop(struct dt_node *node, const char *prev)
{
	struct dt_prop *p;

	if (!prev || !*prev)
		return node->props;
	p = dt_get_prop(node, prev);
	return p ? p->next : NULL;
}

/* A path component matches "name@unit" exactly, or "name" when unit is left out. */
static struct dt_node *dt_child_named(struct dt_node *parent, const char *comp, size_t len)
{
	struct dt_node *c;

	for (c = parent->child; c; c = c->sibling)
		if (!strncmp(c->name, comp, len) && (c->name[len] == '\0' ||
						     (c->name[len] == '@' && !memchr(comp, '@', len))))
			return c;
	return NULL;
}

struct dt_node *dt_find_path(struct dt_node *root, const char *path)
{
	struct dt_node *node = root;

	if (path[0] != '/')
		return NULL;
	while (node && *path) {
		size_t len;

		path += strspn(path, "/");
		len = strcspn(path, "/:");	/* ":args" after a device path are ignored */
		if (!len)
			break;
		node = dt_child_named(node, path, len);
		path += len;
		if (*path == ':')
			break;
	}
	return node;
}

struct dt_node *dt_find_phandle(struct dt_node *node, uint32_t phandle)
{
	struct dt_node *c, *found;

	if (node->phandle == phandle)
		return node;
	for (c = node->child; c; c = c->sibling) {
		found = dt_find_phandle(c, phandle);
		if (found)
			return found;
	}
	return NULL;
}

size_t dt_node_path(struct dt_node *node, char *buf, size_t size)
{
	char tmp[512] = "";
	size_t len;

	if (!node->parent) {
		snprintf(buf, size, "/");
		return 1;
	}
	len = dt_node_path(node->parent, tmp, sizeof(tmp));
	if (len == 1)
		len = 0;	/* the root's "/" is the separator */
	return (size_t)snprintf(buf, size, "%.*s/%s", (int)len, tmp, node->name);
}

void dt_print_digest(struct dt_node *node, const char *prefix)
{
	struct dt_node *child;
	const struct dt_prop *p;
	char path[512];

	dt_node_path(node, path, sizeof(path));
	for (p = node->props; p; p = p->next)
		printf("%sdt: %s/%s %u %08x\n", prefix, node->parent ? path : "", p->name, p->len,
		       dt_digest_crc32(p->val, p->len));
	for (child = node->child; child; child = child->sibling)
		dt_print_digest(child, prefix);
}
