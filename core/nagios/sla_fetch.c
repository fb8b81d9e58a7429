/* The SLA's questions to Nagios: host map, availability, state changes. */
#include "core/nagios/sla_fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/http.h"
#include "core/nagios/nagios_objects.h"
#include "core/nagios/sla_incidents.h"
#include "core/source_http.h"
#include "core/tenant_pattern.h"
#include "core/workpool.h"
#include "core/xalloc.h"

#define SLA_FETCH_TIMEOUT_MS 120000

struct table_job;
struct changes_job;

struct sla_fetch {
    struct source_env env;
    struct source_http *sh; /* credentials and TLS of [nagios]; never started */
    char *base;             /* the CGI directory, no trailing slash */
    struct tenant_pattern *tp;
    struct table_job *table;
    struct changes_job *changes;
    struct sla_incidents *inc; /* NULL: no [servicenow], or inc_err says why not */
    char *inc_err;
};

/* ---- the [nagios] section --------------------------------------------------------------- */


/* Never polled: the fetcher only borrows the section's credentials. */
static enum source_http_verdict fetch_answer(const char *body, size_t len, const char *user,
                                             char **about, char **why)
{
    (void)body;
    (void)len;
    (void)user;
    (void)why;
    *about = xstrdup("Nagios archive");
    return SOURCE_HTTP_OK;
}

static const struct source_http_def fetch_def = {
    .name = "nagios",
    .url = nagios_cgi_base,
    .answer = fetch_answer,
};

bool sla_fetch_configured(const struct source_env *env)
{
    return source_http_configured(&fetch_def, env->cfg, env->demo_url);
}

struct sla_fetch *sla_fetch_new(const struct source_env *env, char **err)
{
    struct sla_fetch *f = xcalloc(1, sizeof *f);
    const char *pattern = env->cfg->nagios.tenant_pattern;

    f->env = *env;
    f->sh = source_http_new(env, &fetch_def, err);
    if (f->sh == NULL) {
        free(f);
        return NULL;
    }
    f->base = nagios_cgi_base(env->cfg, env->demo_url);
    if (sla_incidents_configured(env)) {
        char *why = NULL;

        f->inc = sla_incidents_new(env, &why);
        if (f->inc == NULL) {
            f->inc_err = xasprintf("ServiceNow: %s", why != NULL ? why : "cannot be used");
            free(why);
        }
    }
    if (pattern != NULL) {
        f->tp = tenant_pattern_new(pattern, err);
        if (f->tp == NULL) {
            sla_fetch_free(f);
            return NULL;
        }
    }
    return f;
}

/* One line for a failed exchange. */
static char *exchange_error(const char *url, struct http_result *res)
{
    if (res->error != NULL) {
        return xasprintf("Nagios at %s: %s", url, res->error);
    }
    if (res->status == 401 || res->status == 403) {
        return xasprintf("Nagios: HTTP %ld: the credentials of [nagios] were not accepted",
                         res->status);
    }
    return xasprintf("Nagios: HTTP %ld from %s", res->status, url);
}

static struct http_req *get(struct sla_fetch *f, const char *url, http_done_cb done, void *arg)
{
    struct http_opts o = *source_http_base(f->sh);

    o.url = url;
    o.timeout_ms = SLA_FETCH_TIMEOUT_MS;
    return http_start(f->env.http, &o, NULL, done, arg);
}

/* ---- what both questions share ------------------------------------------------------------ */

/* The first member of each question's job. */
struct fetch_job {
    struct sla_fetch *f; /* NULL once cancelled */
    struct http_req *req;
    char *url;
    char *body;
    size_t len;
    char *err;
};

/* An exchange ended: true with the body taken, or false with j->err set. */
static bool job_answer(struct fetch_job *j, struct http_result *res)
{
    j->req = NULL;
    if (res->error != NULL || res->status != 200) {
        j->err = exchange_error(j->url, res);
        return false;
    }
    free(j->body);
    j->body = res->body;
    j->len = res->body_len;
    res->body = NULL;
    return true;
}

/* Cancels a job: true when it may be freed now, false when the pool still holds it (its
 * done callback frees it). */
static bool job_cancel(struct sla_fetch *f, struct fetch_job *j)
{
    if (j->req != NULL) {
        http_cancel(f->env.http, j->req);
        return true;
    }
    j->f = NULL;
    return false;
}

static void job_fini(struct fetch_job *j)
{
    free(j->url);
    free(j->body);
    free(j->err);
}

/* ---- a period's table --------------------------------------------------------------------- */

struct table_job {
    struct fetch_job job;
    const struct gc_config *cfg;
    struct sla_period period;
    int64_t now;
    int64_t upto; /* the measured end */
    struct nagios_hostmap *map;
    struct sla_table *table;
    bool incidents; /* waiting for ServiceNow's incidents (f->inc holds the question) */
    sla_fetch_table_fn done;
    void *arg;
};

static void table_job_free(struct table_job *j)
{
    nagios_hostmap_free(j->map);
    if (j->table != NULL) {
        sla_table_fini(j->table);
        free(j->table);
    }
    job_fini(&j->job);
    free(j);
}

/* Ends the question: the callback with the table or the error. */
static void table_finish(struct table_job *j)
{
    struct sla_fetch *f = j->job.f;

    if (f != NULL) {
        f->table = NULL;
        j->done(j->table,
                j->table == NULL ? (j->job.err ? j->job.err : "Nagios: no answer") : NULL,
                j->arg);
        j->table = NULL;
    }
    table_job_free(j);
}

/* ServiceNow's answer: the rows' incidents and MTTR, or a note saying why they are blank. */
static void table_got_incidents(const struct sla_incident *in, size_t n, const char *err,
                                void *arg)
{
    struct table_job *j = arg;

    j->incidents = false;
    if (err != NULL) {
        j->table->incidents_note = xasprintf("incidents and MTTR not shown: %s", err);
    } else {
        sla_table_incidents(j->table, in, n);
    }
    table_finish(j);
}

/* The table is built: with [servicenow], its incidents first (docs/sla.md, Incidents). */
static void table_finish_done(void *arg)
{
    struct table_job *j = arg;
    struct sla_fetch *f = j->job.f;

    if (f != NULL && j->table != NULL && f->inc != NULL) {
        j->incidents = true;
        sla_incidents_fetch(f->inc, j->table->period.start, j->table->measured_end,
                            table_got_incidents, j);
        return;
    }
    if (f != NULL && j->table != NULL && f->inc_err != NULL) {
        j->table->incidents_note = xasprintf("incidents and MTTR not shown: %s", f->inc_err);
    }
    table_finish(j);
}

static void nothing(void *arg)
{
    (void)arg;
}

/* Worker: the availability answer into the table. */
static void table_decode(void *arg)
{
    struct table_job *j = arg;
    struct nagios_avail_list l;
    char period[48];

    if (nagios_archive_read_availability(j->job.body, j->job.len, &l, &j->job.err) != 0) {
        nagios_avail_list_fini(&l);
        return;
    }
    if (nagios_avail_list_empty_history(&l)) {
        sla_period_format(&j->period, period, sizeof period);
        j->job.err = xasprintf("Nagios has no history for %s: the period is before its archive "
                               "begins (or Nagios did not run)",
                               period);
        nagios_avail_list_fini(&l);
        return;
    }
    struct sla_input *in = xcalloc(l.n + 1, sizeof *in);

    for (size_t i = 0; i < l.n; i++) {
        const struct nagios_host_entry *e = nagios_hostmap_find(j->map, l.items[i].host);
        const struct config_tenant *ct;

        in[i].host = l.items[i].host;
        in[i].service = l.items[i].service;
        in[i].times = l.items[i].times;
        in[i].tenant = e != NULL ? e->tenant : NULL;
        in[i].app = e != NULL ? e->app : l.items[i].host;
        ct = in[i].tenant != NULL ? config_tenant(j->cfg, in[i].tenant) : NULL;
        in[i].target = ct != NULL && ct->sla_target >= 0 ? ct->sla_target : j->cfg->sla.target;
    }
    j->table = xcalloc(1, sizeof *j->table);
    sla_table_build(j->table, &j->period, j->now, j->cfg->sla.warning_is_down, in, l.n);
    free(in);
    nagios_avail_list_fini(&l);
}

static void table_got_availability(struct http_req *req, struct http_result *res, void *arg)
{
    struct table_job *j = arg;

    (void)req;
    if (!job_answer(&j->job, res)) {
        table_finish(j);
        return;
    }
    workpool_submit(j->job.f->env.pool, table_decode, table_finish_done, j);
}

/* Worker: the host map from the hostgroups. */
static void groups_decode(void *arg)
{
    struct table_job *j = arg;

    j->map = nagios_hostmap_new();
    nagios_hostmap_read_groups(j->map, j->job.body, j->job.len, NULL, &j->job.err);
}

static void groups_done(void *arg)
{
    struct table_job *j = arg;
    struct sla_fetch *f = j->job.f;
    char *q;

    if (f == NULL || j->job.err != NULL) {
        table_finish(j);
        return;
    }
    nagios_hostmap_resolve(j->map, j->cfg, f->tp);
    q = nagios_archive_availability_query(false, j->period.start, j->upto);
    free(j->job.url);
    j->job.url = xasprintf("%s/archivejson.cgi?%s", f->base, q);
    free(q);
    j->job.req = get(f, j->job.url, table_got_availability, j);
}

static void table_got_groups(struct http_req *req, struct http_result *res, void *arg)
{
    struct table_job *j = arg;

    (void)req;
    if (!job_answer(&j->job, res)) {
        table_finish(j);
        return;
    }
    workpool_submit(j->job.f->env.pool, groups_decode, groups_done, j);
}

static void table_cancel(struct sla_fetch *f)
{
    struct table_job *j = f->table;

    f->table = NULL;
    if (j != NULL && j->incidents) {
        sla_incidents_cancel(f->inc); /* its callback will not run */
        table_job_free(j);
    } else if (j != NULL && job_cancel(f, &j->job)) {
        table_job_free(j);
    }
}

void sla_fetch_table(struct sla_fetch *f, const struct sla_period *p, int64_t now,
                     sla_fetch_table_fn done, void *arg)
{
    struct table_job *j = xcalloc(1, sizeof *j);
    char period[48];

    table_cancel(f);
    f->table = j;
    j->job.f = f;
    j->cfg = f->env.cfg;
    j->period = *p;
    j->now = now;
    j->upto = now < p->end ? now : p->end;
    j->done = done;
    j->arg = arg;
    if (j->upto <= p->start) {
        sla_period_format(p, period, sizeof period);
        j->job.err = xasprintf("Nagios has no history for %s: the period has not begun", period);
        workpool_submit(f->env.pool, nothing, table_finish_done, j);
        return;
    }
    j->job.url = xasprintf("%s/objectjson.cgi?query=hostgrouplist&details=true", f->base);
    j->job.req = get(f, j->job.url, table_got_groups, j);
}

/* ---- a service's timeline ----------------------------------------------------------------- */

struct changes_job {
    struct fetch_job job;
    struct nagios_statechanges list;
    bool ok;
    sla_fetch_changes_fn done;
    void *arg;
};

static void changes_job_free(struct changes_job *j)
{
    nagios_statechanges_fini(&j->list);
    job_fini(&j->job);
    free(j);
}

static void changes_finish(void *arg)
{
    struct changes_job *j = arg;

    if (j->job.f != NULL) {
        j->job.f->changes = NULL;
        j->done(j->ok ? &j->list : NULL,
                j->ok ? NULL : (j->job.err ? j->job.err : "Nagios: no answer"), j->arg);
    }
    changes_job_free(j);
}

static void changes_decode(void *arg)
{
    struct changes_job *j = arg;

    j->ok = nagios_archive_read_statechanges(j->job.body, j->job.len, &j->list, &j->job.err) == 0;
}

static void changes_got(struct http_req *req, struct http_result *res, void *arg)
{
    struct changes_job *j = arg;

    (void)req;
    if (!job_answer(&j->job, res)) {
        changes_finish(j);
        return;
    }
    workpool_submit(j->job.f->env.pool, changes_decode, changes_finish, j);
}

static void changes_cancel(struct sla_fetch *f)
{
    struct changes_job *j = f->changes;

    f->changes = NULL;
    if (j != NULL && job_cancel(f, &j->job)) {
        changes_job_free(j);
    }
}

void sla_fetch_changes(struct sla_fetch *f, const char *host, const char *service,
                       const struct sla_period *p, int64_t now, sla_fetch_changes_fn done,
                       void *arg)
{
    struct changes_job *j = xcalloc(1, sizeof *j);
    int64_t upto = now < p->end ? now : p->end;
    char *q = nagios_archive_statechange_query(host, service, p->start,
                                               upto > p->start ? upto : p->start + 1);

    changes_cancel(f);
    f->changes = j;
    j->job.f = f;
    j->done = done;
    j->arg = arg;
    j->job.url = xasprintf("%s/archivejson.cgi?%s", f->base, q);
    free(q);
    j->job.req = get(f, j->job.url, changes_got, j);
}

void sla_fetch_cancel(struct sla_fetch *f)
{
    table_cancel(f);
    changes_cancel(f);
}

void sla_fetch_free(struct sla_fetch *f)
{
    if (f == NULL) {
        return;
    }
    sla_fetch_cancel(f);
    if (f->sh != NULL) {
        source_http_op_fini(f->sh);
    }
    tenant_pattern_free(f->tp);
    sla_incidents_free(f->inc);
    free(f->inc_err);
    free(f->base);
    free(f);
}
