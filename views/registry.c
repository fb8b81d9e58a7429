/* The one registry of views. */
#include "views/registry.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

extern const struct view_ops tenants_view;
extern const struct view_ops apps_view;
extern const struct view_ops pods_view;

static const struct view_ops *const views[] = {
    &tenants_view,
    &apps_view,
    &pods_view,
};

const struct view_ops *registry_get(size_t i)
{
    return i < sizeof views / sizeof views[0] ? views[i] : NULL;
}

const struct view_ops *registry_find(const char *name)
{
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        if (strcmp(views[i]->name, name) == 0) {
            return views[i];
        }
        for (size_t a = 0; views[i]->aliases != NULL && views[i]->aliases[a] != NULL; a++) {
            if (strcmp(views[i]->aliases[a], name) == 0) {
                return views[i];
            }
        }
    }
    return NULL;
}

struct view *view_new(const struct view_ops *ops)
{
    struct view *v = xcalloc(1, sizeof *v);

    v->ops = ops;
    v->sort_col = -1;
    v->state = xcalloc(1, ops->state_size ? ops->state_size : 1);
    if (ops->init != NULL) {
        ops->init(v);
    }
    return v;
}

void view_free(struct view *v)
{
    if (v == NULL) {
        return;
    }
    if (v->ops->fini != NULL) {
        v->ops->fini(v);
    }
    free(v->state);
    free(v);
}
