/* The list of views, in the order `:` completion offers them. */
#ifndef GC_VIEWS_REGISTRY_H
#define GC_VIEWS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "views/view.h"

/* The view whose name, alias or narrowing alias (struct view_narrow) is `name`, or NULL. */
const struct view_ops *registry_find(const char *name);

/* registry_find(), and what `name` narrows the view to: with a narrowing alias scope->kind
 * is set to its kind, else emptied (the whole view). `scope` may be NULL. */
const struct view_ops *registry_lookup(const char *name, struct view_scope *scope);

/* The title of `v` narrowed to `scope`: its narrowing's ("statefulsets") when scope->kind is
 * one of them, else the view's. Static. */
const char *registry_title(const struct view_ops *v, const struct view_scope *scope);

/* May the session `a` open view `v`? Not a cluster-scoped view (nodes) unless the session's
 * scope is every tenant. Completion, help texts and commands offer only such views. */
bool registry_allowed(const struct view_ops *v, const struct access *a);

/* The i-th view, or NULL past the end. */
const struct view_ops *registry_get(size_t i);

/* Why a view cannot be registered (caller frees), NULL when it can: a required hook missing,
 * more columns than the table lays out (VIEW_MAX_COLUMNS), actions without a request hook, a
 * narrowing without its kind or title. */
char *registry_validate(const struct view_ops *v);

/* Validates every registered view; the program stops (die) on the first that is not valid,
 * before it draws anything. Called once at start. */
void registry_check(void);

/* The names of the views session `a` may open (every view when `a` is NULL), each with
 * `sep` before it (":tenants :apps ..."), into buf. */
char *registry_names(const struct access *a, const char *sep, char *buf, size_t size);

#endif
