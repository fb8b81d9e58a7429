/* The one registry of sources, and the helpers of the interface. */
#include "core/sources.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

extern const struct source_ops k8s_source;
extern const struct source_ops nagios_source;
extern const struct source_ops sla_source; /* sla (issue 13): core/nagios/sla_source.c */
extern const struct source_ops servicenow_source;
extern const struct source_ops mapr_source;
extern const struct source_ops krakend_source;
extern const struct source_ops directory_source;

static const struct source_ops *const registry[] = {
    &k8s_source,
    &nagios_source,
    &servicenow_source,
    &mapr_source,
    &krakend_source,
    &directory_source,
    &sla_source, /* sla (issue 13): a helper of nagios; helpers come last */
};

#define NREGISTRY (sizeof registry / sizeof registry[0])

struct sources {
    struct source items[NREGISTRY];
    size_t n;
    size_t shown; /* the first `shown` items are not helpers (source_ops.helper) */
};

const struct source_ops *sources_registry(size_t i)
{
    return i < NREGISTRY ? registry[i] : NULL;
}

struct sources *sources_new(const struct source_env *env, char **err)
{
    struct sources *ss = xcalloc(1, sizeof *ss);

    for (size_t i = 0; i < NREGISTRY; i++) {
        const struct source_ops *ops = registry[i];
        char *why = NULL;
        void *state;

        if (!ops->configured(env->cfg, env->demo_url)) {
            continue;
        }
        state = ops->init(env, &why);
        if (state == NULL) {
            *err = xasprintf("%s: %s", ops->name, why != NULL ? why : "cannot be used");
            free(why);
            sources_free(ss);
            return NULL;
        }
        ss->items[ss->n++] = (struct source){ops, state};
        if (!ops->helper) {
            ss->shown = ss->n;
        }
    }
    return ss;
}

void sources_start(struct sources *ss)
{
    for (size_t i = 0; i < ss->n; i++) {
        ss->items[i].ops->start(ss->items[i].state);
    }
}

void sources_stop(struct sources *ss)
{
    for (size_t i = 0; i < ss->n; i++) {
        ss->items[i].ops->stop(ss->items[i].state);
    }
}

void sources_free(struct sources *ss)
{
    if (ss == NULL) {
        return;
    }
    for (size_t i = 0; i < ss->n; i++) {
        ss->items[i].ops->fini(ss->items[i].state);
    }
    free(ss);
}

size_t sources_count(const struct sources *ss)
{
    return ss->shown;
}

struct source *sources_at(struct sources *ss, size_t i)
{
    return i < ss->shown ? &ss->items[i] : NULL;
}

struct source *sources_find(struct sources *ss, const char *name)
{
    for (size_t i = 0; name != NULL && i < ss->n; i++) {
        if (strcmp(ss->items[i].ops->name, name) == 0) {
            return &ss->items[i];
        }
    }
    return NULL;
}

uint64_t sources_health_version(struct sources *ss)
{
    uint64_t v = 0;

    for (size_t i = 0; i < ss->n; i++) {
        v += ss->items[i].ops->health(ss->items[i].state)->version;
    }
    return v;
}

const struct source_command *sources_command(struct sources *ss, const char *name,
                                             struct source **src)
{
    for (size_t i = 0; i < ss->n; i++) {
        const struct source_command *c = ss->items[i].ops->commands;

        for (; c != NULL && c->name != NULL; c++) {
            bool hit = strcmp(c->name, name) == 0;

            for (size_t a = 0; !hit && c->aliases != NULL && c->aliases[a] != NULL; a++) {
                hit = strcmp(c->aliases[a], name) == 0;
            }
            if (hit) {
                *src = &ss->items[i];
                return c;
            }
        }
    }
    return NULL;
}

struct source_request *source_request_new(const char *source, enum source_op op,
                                          enum access_verb verb, const char *action)
{
    struct source_request *r = xcalloc(1, sizeof *r);

    r->source = source;
    r->op = op;
    r->verb = verb;
    r->action = action;
    return r;
}

void source_request_free(struct source_request *r)
{
    if (r == NULL) {
        return;
    }
    if (r->ops != NULL && r->ops->free != NULL) {
        r->ops->free(r->priv);
    }
    for (size_t i = 0; i < r->nparts; i++) {
        free(r->parts[i]);
    }
    free(r->parts);
    free(r->tenant);
    free(r->target);
    free(r->title);
    free(r->question);
    free(r->confirm);
    free(r->typed_name);
    free(r->input_label);
    free(r->input_value);
    for (size_t i = 0; i < r->nfields; i++) {
        free(r->fields[i].label);
        free(r->fields[i].value);
    }
    free(r->fields);
    free(r);
}

void source_probe_fini(struct source_probe *p)
{
    free(p->url);
    free(p->about);
    free(p->error);
    memset(p, 0, sizeof *p);
}
