/* The one registry of sources (core/sources.c lists them), and the set running in a session.
 * main.c and the console loop over it; nothing outside a source's folder names a source. */
#ifndef GC_CORE_SOURCES_H
#define GC_CORE_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "core/source.h"

struct sources;

/* The i-th registered source, NULL past the end. */
const struct source_ops *sources_registry(size_t i);

/* Initialises every configured source (in registry order). NULL with *err (caller frees)
 * naming the source when one cannot be used: the program stops with status 2. */
struct sources *sources_new(const struct source_env *env, char **err);
void sources_start(struct sources *ss);
void sources_stop(struct sources *ss);
/* fini of every source; free the workpool first. NULL is ignored. */
void sources_free(struct sources *ss);

/* The running sources but helpers (source_ops.helper, found by sources_find() alone). */
size_t sources_count(const struct sources *ss);
/* The i-th running source (registry order), NULL past the end. */
struct source *sources_at(struct sources *ss, size_t i);
/* The running source called `name`, or NULL. */
struct source *sources_find(struct sources *ss, const char *name);

/* Changes whenever any source's health changes (the sum of their versions). */
uint64_t sources_health_version(struct sources *ss);

/* The source command called `name` (or an alias); *src its source. NULL when none. */
const struct source_command *sources_command(struct sources *ss, const char *name,
                                             struct source **src);

#endif
