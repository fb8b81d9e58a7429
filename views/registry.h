/* The list of views, in the order `:` completion offers them. */
#ifndef GC_VIEWS_REGISTRY_H
#define GC_VIEWS_REGISTRY_H

#include <stddef.h>

#include "views/view.h"

/* The view whose name or alias is `name`, or NULL. */
const struct view_ops *registry_find(const char *name);

/* The i-th view, or NULL past the end. */
const struct view_ops *registry_get(size_t i);

/* Why a view cannot be registered (caller frees), NULL when it can: a required hook missing,
 * more columns than the table lays out (VIEW_MAX_COLUMNS), actions without a request hook. */
char *registry_validate(const struct view_ops *v);

/* Validates every registered view; the program stops (die) on the first that is not valid,
 * before it draws anything. Called once at start. */
void registry_check(void);

/* The view names joined with `sep` before each (":tenants :apps ..."), into buf. */
char *registry_names(const char *sep, char *buf, size_t size);

#endif
