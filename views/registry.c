/* The one registry of views. */
#include "views/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/xalloc.h"

extern const struct view_ops tenants_view;
extern const struct view_ops apps_view;
extern const struct view_ops pods_view;
extern const struct view_ops namespaces_view;
extern const struct view_ops nodes_view;
extern const struct view_ops sources_view;
extern const struct view_ops messages_view;
extern const struct view_ops alerts_view; /* nagios (issue 13) */
extern const struct view_ops sla_view;      /* sla (issue 13) */
extern const struct view_ops timeline_view; /* sla (issue 13): a service's state changes */
extern const struct view_ops routes_view; /* krakend (issue 15) */
extern const struct view_ops incidents_view; /* ServiceNow (issue 14) */
extern const struct view_ops changes_view;   /* ServiceNow (issue 14) */
extern const struct view_ops datasets_view; /* MapR */
extern const struct view_ops topics_view;   /* MapR */

static const struct view_ops *const views[] = {
    &tenants_view,
    &apps_view,
    &pods_view,
    &namespaces_view,
    &nodes_view,
    &sources_view,
    &messages_view,
    &alerts_view, /* nagios (issue 13) */
    &sla_view,      /* sla (issue 13) */
    &timeline_view, /* sla (issue 13) */
    &routes_view, /* krakend (issue 15) */
    &incidents_view, /* ServiceNow (issue 14) */
    &changes_view,   /* ServiceNow (issue 14) */
    &datasets_view, /* MapR */
    &topics_view,   /* MapR */
};

const struct view_ops *registry_get(size_t i)
{
    return i < sizeof views / sizeof views[0] ? views[i] : NULL;
}

const struct view_ops *registry_lookup(const char *name, struct view_scope *scope)
{
    const struct view_narrow *nw;

    if (scope != NULL) {
        scope->kind[0] = '\0';
    }
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        if (strcmp(views[i]->name, name) == 0) {
            return views[i];
        }
        for (size_t a = 0; views[i]->aliases != NULL && views[i]->aliases[a] != NULL; a++) {
            if (strcmp(views[i]->aliases[a], name) == 0) {
                return views[i];
            }
        }
        for (nw = views[i]->narrows; nw != NULL && nw->alias != NULL; nw++) {
            if (strcmp(nw->alias, name) == 0) {
                if (scope != NULL) {
                    snprintf(scope->kind, sizeof scope->kind, "%s", nw->kind);
                }
                return views[i];
            }
        }
    }
    return NULL;
}

const struct view_ops *registry_find(const char *name)
{
    return registry_lookup(name, NULL);
}

const char *registry_title(const struct view_ops *v, const struct view_scope *scope)
{
    for (const struct view_narrow *nw = v->narrows;
         nw != NULL && nw->alias != NULL && scope->kind[0] != '\0'; nw++) {
        if (strcmp(nw->kind, scope->kind) == 0) {
            return nw->title;
        }
    }
    return v->title;
}

bool registry_allowed(const struct view_ops *v, const struct access *a)
{
    return !v->cluster_scoped || a == NULL || access_all_tenants(a);
}

char *registry_validate(const struct view_ops *v)
{
    if (v->name == NULL || v->columns == NULL || v->stale == NULL || v->rebuild == NULL ||
        v->count == NULL || v->cell == NULL || v->row_key == NULL) {
        return xasprintf("view %s: a required hook is missing", v->name ? v->name : "?");
    }
    if (v->ncolumns == 0 || v->ncolumns > VIEW_MAX_COLUMNS) {
        return xasprintf("view %s: %zu columns (1 to %d)", v->name, v->ncolumns,
                         VIEW_MAX_COLUMNS);
    }
    if (v->actions != NULL && v->request == NULL) {
        return xasprintf("view %s: actions without a request hook", v->name);
    }
    for (const struct view_narrow *nw = v->narrows; nw != NULL && nw->alias != NULL; nw++) {
        if (nw->kind == NULL || nw->kind[0] == '\0' || nw->title == NULL ||
            strlen(nw->kind) >= sizeof((struct view_scope *)NULL)->kind) {
            return xasprintf("view %s: narrowing %s needs a kind (shorter than %zu) and a title",
                             v->name, nw->alias, sizeof((struct view_scope *)NULL)->kind);
        }
    }
    return NULL;
}

void registry_check(void)
{
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        char *err = registry_validate(views[i]);

        if (err != NULL) {
            die(1, "%s", err);
        }
    }
}

char *registry_names(const struct access *a, const char *sep, char *buf, size_t size)
{
    size_t o = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof views / sizeof views[0] && o < size; i++) {
        if (registry_allowed(views[i], a)) {
            o += (size_t)snprintf(buf + o, size - o, "%s%s%s", o > 0 ? " " : "", sep,
                                  views[i]->name);
        }
    }
    return buf;
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
