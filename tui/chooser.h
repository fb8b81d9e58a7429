/* The chooser: Enter on a row that leads to several views (a tenant: its apps, datasets,
 * routes) opens a small menu of them. A view joins it by setting view_ops.tenant_entry; the
 * menu lists those the session may open whose source runs, in registry order. With one view
 * to offer there is no menu: Enter goes there at once. */
#ifndef GC_TUI_CHOOSER_H
#define GC_TUI_CHOOSER_H

#include <stddef.h>

#include "views/view.h"

struct app;

/* Opens what Enter asked for: `t->view` at once when the chooser has only that to offer,
 * else the menu (its first item `t->view` where offered). */
void chooser_open(struct app *a, const struct view_target *t);

/* The views offered for a target, at most max, into out (borrowed); how many. */
size_t chooser_views(struct app *a, const struct view_target *t, const struct view_ops **out,
                     size_t max);

#endif
