/* The directory (Active Directory, spoken to over LDAP) as a source: [directory]. It says
 * whether the server can be reached with the TLS asked for, accepts the service account and
 * has the base (the probe of core/directory/probe.h), and over the probe's connection reads
 * what the directory registers about tenants, applications and datasets
 * (core/directory/dir_read.h, dir_model.h) into STORE_DIR_TENANT, STORE_DIR_APP and
 * STORE_DIR_DATASET: on a worker thread (libldap blocks) at start, again every [directory]
 * interval (5 minutes), and with back-off while it fails. A failed read keeps the last rows,
 * stale once they are three intervals old. Who is at the keyboard is resolved before the
 * session starts (main.c, core/directory/identity.h); `govconsole check` runs the probe and,
 * when it passes, resolves the session's user (groups and role) too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

#include "core/access.h"
#include "core/backoff.h"
#include "core/config.h"
#include "core/directory/dir_read.h"
#include "core/directory/identity.h"
#include "core/directory/probe.h"
#include "core/loop.h"
#include "core/source.h"
#include "core/store_impl.h"
#include "core/workpool.h"
#include "core/xalloc.h"

#define DIRECTORY_BACKOFF_MIN_MS 5000

struct directory {
    struct source_env env;
    char *password;
    struct dir_identity_opts id_opts; /* borrowed from the configuration */
    struct dir_probe_opts opts;
    struct source_health health;
    struct backoff backoff;
    struct loop_timer *timer;
    uint64_t run; /* bumped by stop: a probe of an older run is dropped */
    bool busy;
    int64_t interval_ms;          /* [directory] interval */
    char *tenants_dn;             /* ou=Tenants,BASE */
    struct store_tenancy tenancy; /* of the three kinds: ctx is the source */
    uint64_t tenancy_gen;         /* bumped when the tenants' display names change */
    uint32_t epoch;               /* mark of the rows the last read saw */
};

struct directory_job {
    struct directory *d;
    uint64_t run;
    struct dir_probe_result res;
    char *user;               /* check: whose identity to resolve too */
    struct dir_identity id;
    source_probe_fn done; /* a probe for `check`, else the health's */
    void *arg;
    struct dir_rows rows; /* the health's: what the read found, when res.error is NULL */
};

/* ---- the rows' tenancy ---- */

static const char *directory_row_tenant(void *ctx, enum store_kind kind,
                                        const struct store_row *row)
{
    (void)ctx;
    return kind == STORE_DIR_TENANT ? row->uid : ((const struct dir_object *)row)->tenant;
}

static uint64_t directory_tenancy_gen(void *ctx)
{
    const struct directory *d = ctx;

    return d->tenancy_gen;
}

/* The tenants' display names, with their tenant (ServiceNow maps companies through them). */
static void directory_displays(void *ctx, void (*fn)(const char *, const char *, void *), void *arg)
{
    const struct directory *d = ctx;
    const struct store_table *t = store_table(d->env.store, STORE_DIR_TENANT);

    for (size_t i = 0; i < t->count; i++) {
        const struct dir_tenant *dt = (const struct dir_tenant *)t->rows[i];

        if (dt->display != NULL) {
            fn(dt->display, dt->row.uid, arg);
        }
    }
}

/* Texts that point at a tenant: its name and display name. (Not the apps' short names, such
 * as "org-api", which would withhold texts that merely share a word; the sources that run
 * the apps and datasets name them.) */
static void directory_names(void *ctx, void (*fn)(const char *, const char *, void *), void *arg)
{
    const struct directory *d = ctx;
    const struct store_table *t = store_table(d->env.store, STORE_DIR_TENANT);

    for (size_t i = 0; i < t->count; i++) {
        fn(t->rows[i]->uid, t->rows[i]->uid, arg);
    }
    directory_displays(ctx, fn, arg);
}

static bool directory_configured(const struct gc_config *cfg, const char *demo_url)
{
    (void)demo_url; /* govsim speaks no LDAP: only a configured directory */
    return cfg->directory.uri != NULL && cfg->directory.uri[0] != '\0';
}

static void *directory_init(const struct source_env *env, char **err)
{
    struct directory *d = xcalloc(1, sizeof *d);

    d->env = *env;
    if (dir_identity_opts_init(env->cfg, NULL, &d->id_opts, &d->password, err) != 0) {
        free(d);
        return NULL;
    }
    d->opts = d->id_opts.conn;
    d->health.name = "directory";
    d->interval_ms = env->cfg->directory.interval_ms > 0 ? env->cfg->directory.interval_ms : 300000;
    backoff_init(&d->backoff,
                 d->interval_ms < DIRECTORY_BACKOFF_MIN_MS ? d->interval_ms
                                                           : DIRECTORY_BACKOFF_MIN_MS,
                 d->interval_ms);
    d->tenants_dn = dir_read_tenants_dn(d->opts.base);
    d->tenancy = (struct store_tenancy){.row_tenant = directory_row_tenant,
                                        .gen = directory_tenancy_gen,
                                        .names = directory_names,
                                        .displays = directory_displays,
                                        .ctx = d};
    store_register(env->store, STORE_DIR_TENANT, dir_tenant_free, &d->tenancy);
    store_register(env->store, STORE_DIR_APP, dir_object_free, &d->tenancy);
    store_register(env->store, STORE_DIR_DATASET, dir_object_free, &d->tenancy);
    return d;
}

/* Worker thread: the probe alone for `check`; else the probe, then the read over its
 * connection, mapped to rows. */
static void directory_work(void *arg)
{
    struct directory_job *job = arg;
    struct directory *d = job->d;
    struct dir_snapshot snap;
    LDAP *ld = NULL;
    bool no_answer = false;

    if (job->done != NULL) {
        struct dir_identity_opts o = d->id_opts;

        if (dir_probe_run(&d->opts, &job->res) == 0 && job->user != NULL) {
            o.user = job->user;
            dir_identity_resolve(&o, &job->id);
        }
        return;
    }
    if (dir_probe_open(&d->opts, &job->res, &ld) != 0) {
        return;
    }
    if (dir_read(ld, d->opts.base, d->opts.timeout_ms, &snap, &job->res.error, &no_answer) == 0) {
        dir_model_rows(&snap, d->tenants_dn, &job->rows);
        dir_snapshot_fini(&snap);
    } else if (no_answer) {
        job->res.reachable = false;
    }
    ldap_unbind_ext_s(ld, NULL, NULL);
}

static bool directory_str_eq(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Whether two rows of a kind say the same. */
static bool directory_same(enum store_kind kind, const struct store_row *a,
                           const struct store_row *b)
{
    if (kind == STORE_DIR_TENANT) {
        const struct dir_tenant *x = (const void *)a, *y = (const void *)b;

        return strcmp(x->row.uid, y->row.uid) == 0 && directory_str_eq(x->display, y->display) &&
               directory_str_eq(x->responsible, y->responsible) &&
               directory_str_eq(x->contact, y->contact);
    }
    const struct dir_object *x = (const void *)a, *y = (const void *)b;

    return strcmp(x->row.uid, y->row.uid) == 0 && directory_str_eq(x->owner, y->owner);
}

/* Takes row i of a kind out of r (NULL when there is none). */
static struct store_row *directory_take(struct dir_rows *r, enum store_kind kind, size_t i)
{
    struct store_row *row = NULL;

    if (kind == STORE_DIR_TENANT && i < r->ntenants) {
        row = &r->tenants[i]->row;
        r->tenants[i] = NULL;
    } else if (kind == STORE_DIR_APP && i < r->napps) {
        row = &r->apps[i]->row;
        r->apps[i] = NULL;
    } else if (kind == STORE_DIR_DATASET && i < r->ndatasets) {
        row = &r->datasets[i]->row;
        r->datasets[i] = NULL;
    }
    return row;
}

/* Stores the rows of one kind (taking them), keeping a row that did not change, and removes
 * those the read did not see. Returns whether anything changed. */
static bool directory_apply(struct directory *d, enum store_kind kind, struct dir_rows *r)
{
    store_row_free_fn free_row = kind == STORE_DIR_TENANT ? dir_tenant_free : dir_object_free;
    struct store_table *t = store_table(d->env.store, kind);
    uint64_t gen = store_gen(d->env.store, kind);
    struct store_row *row;

    for (size_t i = 0; (row = directory_take(r, kind, i)) != NULL; i++) {
        struct store_row *old = store_get(t, row->uid);

        if (old != NULL && directory_same(kind, old, row)) {
            old->mark = d->epoch;
            free_row(row);
        } else {
            row->mark = d->epoch;
            store_put(t, row);
        }
    }
    store_sweep(t, d->epoch);
    return store_gen(d->env.store, kind) != gen;
}

/* Loop thread: the rows of a read that passed. */
static void directory_store(struct directory *d, struct dir_rows *r)
{
    d->epoch++;
    if (directory_apply(d, STORE_DIR_TENANT, r)) {
        d->tenancy_gen++; /* display names may have changed */
    }
    directory_apply(d, STORE_DIR_APP, r);
    directory_apply(d, STORE_DIR_DATASET, r);
}

static enum source_fault directory_fault(const struct dir_probe_result *r)
{
    if (!r->reachable) {
        return SOURCE_FAULT_UNREACHABLE;
    }
    if (r->auth == 0) {
        return SOURCE_FAULT_AUTH;
    }
    return SOURCE_FAULT_ANSWER;
}

static void directory_health_probe(struct directory *d);

static void directory_fire(void *arg)
{
    struct directory *d = arg;

    d->timer = NULL;
    directory_health_probe(d);
}

/* Loop thread: a probe is done. */
static void directory_done(void *arg)
{
    struct directory_job *job = arg;
    struct directory *d = job->d;
    int64_t delay;

    if (job->run != d->run) {
        /* stopped meanwhile: nobody waits for it */
    } else if (job->done != NULL) {
        struct source_probe p = {0};

        p.url = xstrdup(d->opts.uri);
        p.reachable = job->res.reachable;
        p.tls = job->res.tls;
        p.auth = job->res.auth;
        p.rtt_ms = job->res.rtt_ms;
        p.about = job->res.about;
        p.error = job->res.error;
        job->res.about = job->res.error = NULL;
        if (job->user != NULL && p.error == NULL) {
            char *who = dir_identity_summary(&job->id, job->user);
            char *about = p.about != NULL ? xasprintf("%s; %s", p.about, who) : xstrdup(who);

            free(p.about);
            free(who);
            p.about = about;
        }
        job->done(&p, job->arg);
        source_probe_fini(&p);
    } else {
        d->busy = false;
        int64_t now = (int64_t)time(NULL);

        if (job->res.error == NULL) {
            directory_store(d, &job->rows);
            source_health_ok(&d->health, SOURCE_OK, now);
            backoff_reset(&d->backoff);
            delay = d->interval_ms;
        } else {
            source_health_fault(&d->health, directory_fault(&job->res), 0, job->res.error, now);
            /* the last rows stay; stale once three intervals old, as the polled sources' */
            if (d->health.last_ok != 0 && (now - d->health.last_ok) * 1000 >= 3 * d->interval_ms) {
                source_health_stale(&d->health, true);
            }
            delay = backoff_next(&d->backoff);
        }
        d->timer = loop_timer_add_aligned(d->env.loop, delay, 1000, directory_fire, d);
    }
    dir_probe_result_fini(&job->res);
    dir_rows_fini(&job->rows);
    dir_identity_fini(&job->id);
    free(job->user);
    free(job);
}

static void directory_submit(struct directory *d, source_probe_fn done, void *arg)
{
    struct directory_job *job = xcalloc(1, sizeof *job);

    job->d = d;
    job->run = d->run;
    job->done = done;
    job->arg = arg;
    if (done != NULL && d->env.access != NULL) {
        job->user = xstrdup(access_user(d->env.access));
    }
    workpool_submit(d->env.pool, directory_work, directory_done, job);
}

static void directory_health_probe(struct directory *d)
{
    if (!d->busy) {
        d->busy = true;
        directory_submit(d, NULL, NULL);
    }
}

static void directory_start(void *s)
{
    struct directory *d = s;

    d->health.state = SOURCE_CONNECTING;
    d->health.version++;
    directory_health_probe(d);
}

static void directory_stop(void *s)
{
    struct directory *d = s;

    d->run++;
    d->busy = false;
    loop_timer_cancel(d->env.loop, d->timer);
    d->timer = NULL;
}

static void directory_fini(void *s)
{
    struct directory *d = s;

    directory_stop(d);
    source_health_fini(&d->health);
    if (d->password != NULL) {
        memset(d->password, 0, strlen(d->password));
    }
    free(d->password);
    free(d->tenants_dn);
    free(d);
}

static const struct source_health *directory_health(void *s)
{
    struct directory *d = s;

    return &d->health;
}

static const char *directory_url(void *s)
{
    struct directory *d = s;

    return d->opts.uri;
}

static void directory_probe(void *s, source_probe_fn done, void *arg)
{
    directory_submit(s, done, arg);
}

const struct source_ops directory_source = {
    .name = "directory",
    .configured = directory_configured,
    .init = directory_init,
    .start = directory_start,
    .stop = directory_stop,
    .fini = directory_fini,
    .health = directory_health,
    .url = directory_url,
    .probe = directory_probe,
};
