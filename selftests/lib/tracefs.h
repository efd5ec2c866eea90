/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's tracepoints from a selftest: a tracefs instance of its own
 * (instances/<name>, so the global buffer and other users are untouched)
 * with the ppc_mmu events enabled, and helpers to find events and read
 * their "key=value" fields in the text the trace file prints.
 */
#ifndef PPCMMU_SELFTEST_TRACEFS_H
#define PPCMMU_SELFTEST_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

/* Mount tracefs if needed, make the instance, enable events/@system: 0 or -errno. */
int tracefs_open(const char *instance, const char *system);
/* Whether events/@system/@event exists in the instance. */
bool tracefs_has_event(const char *system, const char *event);
/* Empty the instance's buffer: 0 or -errno. */
int tracefs_clear(void);
/* The instance's whole trace text (malloc'd, NUL-terminated), or NULL. */
char *tracefs_read(void);
/* Disable the events and remove the instance. */
void tracefs_close(void);

/*
 * Lines of @text holding event @event ("<event>: " in the line) and, if
 * @pid > 0, " pid=<pid> ", in order; the first @max are stored in @lines
 * (each malloc'd: trace_lines_free). Returns how many there are, which
 * may exceed @max.
 */
int trace_lines(const char *text, const char *event, int pid, char **lines, int max);
void trace_lines_free(char **lines, int n);
/* The value of field @key in @line ("key=value"), into @val: true if found. */
bool trace_field(const char *line, const char *key, char *val, size_t len);
/* Field @key of @line compares equal to @want (as text). */
bool trace_field_is(const char *line, const char *key, const char *want);
/* Field @key as a number (strtoll base 0), @dflt if absent. */
long long trace_field_num(const char *line, const char *key, long long dflt);

#endif
