// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracefs.h"

static char inst_dir[256];
static char inst_system[64];

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static const char *tracefs_root(void)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char p[128];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/instances", roots[i]);
		if (!access(p, F_OK))
			return roots[i];
	}
	/* The emulated hosts' /init mounts sysfs only; a real host has it. */
	if (mount("tracefs", roots[0], "tracefs", 0, NULL) == 0)
		return roots[0];
	return NULL;
}

int tracefs_open(const char *instance, const char *system)
{
	const char *root = tracefs_root();
	char p[384];

	if (!root)
		return -ENODEV;
	snprintf(inst_dir, sizeof(inst_dir), "%s/instances/%s", root, instance);
	snprintf(inst_system, sizeof(inst_system), "%s", system);
	if (mkdir(inst_dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(p, sizeof(p), "%s/events/%s/enable", inst_dir, system);
	return write_file(p, "1");
}

bool tracefs_has_event(const char *system, const char *event)
{
	char p[384];

	snprintf(p, sizeof(p), "%s/events/%s/%s/format", inst_dir, system, event);
	return !access(p, R_OK);
}

int tracefs_clear(void)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/trace", inst_dir);
	return write_file(p, "");
}

char *tracefs_read(void)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), p[300];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/trace", inst_dir);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

void tracefs_close(void)
{
	char p[384];

	snprintf(p, sizeof(p), "%s/events/%s/enable", inst_dir, inst_system);
	write_file(p, "0");
	rmdir(inst_dir);
}

int trace_lines(const char *text, const char *event, int pid, char **lines, int max)
{
	char tag[96], pidtag[32];
	const char *l = text;
	int n = 0;

	snprintf(tag, sizeof(tag), " %s: ", event);
	snprintf(pidtag, sizeof(pidtag), " pid=%d ", pid);
	while (l && *l) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		char *line = strndup(l, len);

		if (line && line[0] != '#' && strstr(line, tag) &&
		    (pid <= 0 || strstr(line, pidtag))) {
			if (n < max)
				lines[n] = line, line = NULL;
			n++;
		}
		free(line);
		l = e ? e + 1 : NULL;
	}
	return n;
}

void trace_lines_free(char **lines, int n)
{
	while (n-- > 0)
		free(lines[n]);
}

bool trace_field(const char *line, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[klen] == '=') {
			size_t n;

			p += klen + 1;
			n = strcspn(p, " \n");
			if (n >= len)
				n = len - 1;
			memcpy(val, p, n);
			val[n] = '\0';
			return true;
		}
		p += klen;
	}
	return false;
}

bool trace_field_is(const char *line, const char *key, const char *want)
{
	char v[128];

	return trace_field(line, key, v, sizeof(v)) && !strcmp(v, want);
}

long long trace_field_num(const char *line, const char *key, long long dflt)
{
	char v[64];

	return trace_field(line, key, v, sizeof(v)) ? strtoll(v, NULL, 0) : dflt;
}
