/* The list of views, in the order `:` completion offers them. */
#ifndef GC_VIEWS_REGISTRY_H
#define GC_VIEWS_REGISTRY_H

#include <stddef.h>

#include "views/view.h"

/* The view whose name or alias is `name`, or NULL. */
const struct view_ops *registry_find(const char *name);

/* The i-th view, or NULL past the end. */
const struct view_ops *registry_get(size_t i);

#endif
