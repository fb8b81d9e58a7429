/* The sla source: rows of a period and a service's timeline, fetched on request. */
#include "core/nagios/sla_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/nagios/sla_fetch.h"
#include "core/source_health.h"
#include "core/xalloc.h"

static const enum store_kind sla_kinds[] = {STORE_SLA, STORE_SLA_CHANGE};

struct sla_src {
    struct source_env env;
    struct sla_fetch *fetch;
    struct source_health health;
    struct store_tenancy tenancy;
    char *held;          /* the period whose rows the store holds, or whose fetch failed */
    char *asked;         /* the period being fetched (NULL none) */
    char *held_changes;  /* the timeline the store holds */
    char *asked_changes; /* the timeline being fetched */
    char *changes_tenant;
    char *changes_host;
    char *changes_service;
    int64_t changes_end;
    char *note; /* the held period's: why incidents and MTTR are blank (NULL: they are not) */
};

char *sla_want_period(const struct sla_period *p)
{
    char buf[48];

    sla_period_format(p, buf, sizeof buf);
    return xstrdup(buf);
}

char *sla_want_changes(const struct sla_period *p, const char *tenant, const char *host,
                       const char *service)
{
    char buf[48];

    sla_period_format(p, buf, sizeof buf);
    return xasprintf("changes\t%s\t%s\t%s\t%s", buf, tenant, host, service);
}

static const char *sla_row_tenant(void *ctx, enum store_kind kind, const struct store_row *row)
{
    (void)ctx;
    if (kind == STORE_SLA) {
        return ((const struct sla_store_row *)row)->r.tenant;
    }
    return ((const struct sla_change_row *)row)->tenant;
}

static uint64_t sla_tenancy_gen(void *ctx)
{
    (void)ctx;
    return 0; /* a row's tenant never changes without the row */
}

static void sla_row_free(struct store_row *row)
{
    struct sla_store_row *r = (struct sla_store_row *)row;

    free(r->row.uid);
    free(r->r.tenant);
    free(r->r.app);
    free(r->r.host);
    free(r->r.service);
    free(r);
}

static void sla_change_free(struct store_row *row)
{
    struct sla_change_row *r = (struct sla_change_row *)row;

    free(r->row.uid);
    free(r->tenant);
    free(r->host);
    free(r->service);
    free(r->output);
    free(r);
}

static bool sla_configured(const struct gc_config *cfg, const char *demo_url)
{
    struct source_env env = {0};

    env.cfg = cfg;
    env.demo_url = demo_url;
    return sla_fetch_configured(&env);
}

static void *sla_init(const struct source_env *env, char **err)
{
    struct sla_src *s = xcalloc(1, sizeof *s);

    s->env = *env;
    s->fetch = sla_fetch_new(env, err);
    if (s->fetch == NULL) {
        free(s);
        return NULL;
    }
    s->health.name = "sla";
    s->held = xstrdup("");
    s->held_changes = xstrdup("");
    s->tenancy = (struct store_tenancy){.row_tenant = sla_row_tenant, .gen = sla_tenancy_gen, .ctx = s};
    store_register(env->store, STORE_SLA, sla_row_free, &s->tenancy);
    store_register(env->store, STORE_SLA_CHANGE, sla_change_free, &s->tenancy);
    return s;
}

/* Nothing to fetch until a view asks: the health stays "not started" until the first
 * answer, so that nothing takes an empty store for the source's data. */
static void sla_start(void *st)
{
    (void)st;
}

static void sla_stop(void *st)
{
    struct sla_src *s = st;

    sla_fetch_cancel(s->fetch);
    free(s->asked);
    s->asked = NULL;
    free(s->asked_changes);
    s->asked_changes = NULL;
}

static void sla_fini(void *st)
{
    struct sla_src *s = st;

    sla_fetch_free(s->fetch);
    source_health_fini(&s->health);
    free(s->held);
    free(s->asked);
    free(s->held_changes);
    free(s->asked_changes);
    free(s->changes_tenant);
    free(s->changes_host);
    free(s->changes_service);
    free(s->note);
    free(s);
}

/* Why the held period's incidents and MTTR are blank although ServiceNow is configured. */
static const char *sla_note(void *st)
{
    return ((struct sla_src *)st)->note;
}

static const struct source_health *sla_health(void *st)
{
    return &((struct sla_src *)st)->health;
}

/* The period's rows into the store. */
static void sla_got_table(struct sla_table *t, const char *err, void *arg)
{
    struct sla_src *s = arg;
    struct store_table *tab = store_table(s->env.store, STORE_SLA);
    int64_t now = (int64_t)time(NULL);

    if (t == NULL) {
        source_health_fail(&s->health, err, now);
        free(s->note);
        s->note = NULL;
        free(s->held);
        s->held = s->asked; /* held: nothing, and the failure says why */
        s->asked = NULL;
        return;
    }
    store_clear(tab);
    for (size_t i = 0; i < t->n; i++) {
        struct sla_store_row *r = xcalloc(1, sizeof *r);

        r->r = t->rows[i];
        r->order = i;
        r->row.uid = xasprintf("%d;%s;%s;%s;%s", (int)r->r.level, r->r.tenant,
                               r->r.app != NULL ? r->r.app : "",
                               r->r.host != NULL ? r->r.host : "",
                               r->r.service != NULL ? r->r.service : "");
        store_put(tab, &r->row);
    }
    free(s->note);
    s->note = t->incidents_note;
    free(t->rows); /* the strings went to the rows */
    free(t);
    free(s->held);
    s->held = s->asked;
    s->asked = NULL;
    source_health_ok(&s->health, SOURCE_OK, now);
}

static void sla_got_changes(const struct nagios_statechanges *c, const char *err, void *arg)
{
    struct sla_src *s = arg;
    struct store_table *tab = store_table(s->env.store, STORE_SLA_CHANGE);
    int64_t now = (int64_t)time(NULL);

    if (c == NULL) {
        source_health_fail(&s->health, err, now);
    } else {
        for (size_t i = 0; i < c->n; i++) {
            struct sla_change_row *r = xcalloc(1, sizeof *r);

            r->tenant = xstrdup(s->changes_tenant);
            r->host = xstrdup(s->changes_host);
            r->service = xstrdup(s->changes_service);
            r->output = xstrdup(c->items[i].output);
            r->t = c->items[i].t_ms / 1000;
            r->until = i + 1 < c->n ? c->items[i + 1].t_ms / 1000 : s->changes_end;
            r->state = c->items[i].state;
            r->hard = c->items[i].hard;
            r->index = i;
            r->row.uid = xasprintf("%zu", i);
            store_put(tab, &r->row);
        }
        source_health_ok(&s->health, SOURCE_OK, now);
    }
    free(s->held_changes);
    s->held_changes = s->asked_changes;
    s->asked_changes = NULL;
}

/* "changes\tPERIOD\tTENANT\tHOST\tSERVICE": a timeline. */
static bool sla_want_timeline(struct sla_src *s, const char *what)
{
    char *copy, *f[5], *save = NULL;
    struct sla_period p;
    size_t n = 0;
    int64_t now = (int64_t)time(NULL);

    if (strcmp(what, s->held_changes) == 0) {
        return true;
    }
    if (s->asked_changes != NULL && strcmp(what, s->asked_changes) == 0) {
        return false;
    }
    copy = xstrdup(what);
    for (char *tok = strtok_r(copy, "\t", &save); tok != NULL && n < 5;
         tok = strtok_r(NULL, "\t", &save)) {
        f[n++] = tok;
    }
    if (n != 5 || sla_period_parse(f[1], &p) != 0) {
        free(copy);
        return false;
    }
    free(s->asked_changes);
    s->asked_changes = xstrdup(what);
    free(s->changes_tenant);
    free(s->changes_host);
    free(s->changes_service);
    s->changes_tenant = xstrdup(f[2]);
    s->changes_host = xstrdup(f[3]);
    s->changes_service = xstrdup(f[4]);
    s->changes_end = now < p.end ? now : p.end;
    store_clear(store_table(s->env.store, STORE_SLA_CHANGE));
    sla_fetch_changes(s->fetch, f[3], f[4], &p, now, sla_got_changes, s);
    free(copy);
    return false;
}

/* The period of [sla] period (month, week or day) containing now, as text into buf. */
static void sla_default_period(const struct sla_src *s, char *buf, size_t size)
{
    struct sla_period p;
    enum sla_unit unit = s->env.cfg->sla.period == CONFIG_PERIOD_WEEK  ? SLA_UNIT_WEEK
                         : s->env.cfg->sla.period == CONFIG_PERIOD_DAY ? SLA_UNIT_DAY
                                                                       : SLA_UNIT_MONTH;

    sla_period_containing(unit, (int64_t)time(NULL), &p);
    sla_period_format(&p, buf, size);
}

static bool sla_want(void *st, const char *what, char *resolved, size_t size)
{
    struct sla_src *s = st;
    struct sla_period p;
    char def[48];

    if (strncmp(what, "changes\t", 8) == 0) {
        if (resolved != NULL && size > 0) {
            snprintf(resolved, size, "%s", what);
        }
        return sla_want_timeline(s, what);
    }
    if (what[0] == '\0') {
        sla_default_period(s, def, sizeof def);
        what = def;
    }
    if (resolved != NULL && size > 0) {
        snprintf(resolved, size, "%s", what);
    }
    if (strcmp(what, s->held) == 0) {
        return s->health.state == SOURCE_OK; /* else it failed: asked again after a step */
    }
    if (s->asked != NULL && strcmp(what, s->asked) == 0) {
        return false;
    }
    if (sla_period_parse(what, &p) != 0) {
        return false;
    }
    free(s->asked);
    s->asked = xstrdup(what);
    store_clear(store_table(s->env.store, STORE_SLA));
    source_health_ok(&s->health, SOURCE_LOADING, (int64_t)time(NULL));
    sla_fetch_table(s->fetch, &p, (int64_t)time(NULL), sla_got_table, s);
    return false;
}

const struct source_ops sla_source = {
    .name = "sla",
    .kinds = sla_kinds,
    .nkinds = sizeof sla_kinds / sizeof sla_kinds[0],
    .configured = sla_configured,
    .init = sla_init,
    .start = sla_start,
    .stop = sla_stop,
    .fini = sla_fini,
    .health = sla_health,
    .note = sla_note,
    .want = sla_want,
    .helper = true,
};
