/* The header's parts that do not need a screen (the drawing is in tui/app_int.h). */
#ifndef GC_TUI_HEADER_H
#define GC_TUI_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/access.h"

/* Who is at the keyboard, for the header: user, roles and scope ("alice · developer · dmi",
 * "bob · developer dmi, viewer registry", "carol · oncall · all tenants", "dave · viewer (no
 * tenants)"), then "  [read-only]" when so. `compact` (80 columns): "all" for every tenant.
 * Returns out. */
char *header_who(const struct access *a, bool compact, char *out, size_t size);

#endif
