/* The SLA's incidents from ServiceNow. */
#include "core/nagios/sla_incidents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/http.h"
#include "core/poller.h"
#include "core/servicenow/sn_instance.h"
#include "core/servicenow/sn_model.h"
#include "core/servicenow/sn_oauth.h"
#include "core/tenant_pattern.h"
#include "core/workpool.h"
#include "core/xalloc.h"

#define SLA_SN_PAGE 1000
#define SLA_SN_TIMEOUT_MS 60000
/* What the count needs of an incident (sn_incidents_decode() skips one without sys_id or
 * number). */
#define SLA_SN_FIELDS "sys_id,number,state,company,cmdb_ci,opened_at,resolved_at"

struct inc_job;

struct sla_incidents {
    struct source_env env;
    struct source_http *sh; /* [servicenow]'s credentials and TLS; never started */
    struct http_opts opts;  /* every request's: sh's, or with OAuth the bearer */
    char bearer[4096];
    struct sn_oauth *oauth; /* NULL: basic authentication */
    bool token;             /* the first token came */
    bool oauth_started;
    char *base;
    struct tenant_pattern *tp;
    struct inc_job *job;
};

struct inc_job {
    struct sla_incidents *x; /* NULL once cancelled while on the pool */
    struct http_req *req;
    bool on_pool;
    int64_t from, to;
    size_t page;
    char *body;
    size_t len;
    struct poller_decode dec; /* the page being decoded */
    struct store_row **rows;  /* every page's incidents */
    size_t n, cap;
    sla_incidents_fn done;
    void *arg;
};

const char *sla_incidents_company_tenant(const struct gc_config *cfg, struct tenant_pattern *tp,
                                         const char *company)
{
    if (company == NULL || company[0] == '\0') {
        return NULL;
    }
    if (tp != NULL) {
        return tenant_pattern_match(tp, company);
    }
    for (size_t i = 0; i < cfg->ntenants; i++) {
        const struct config_tenant *t = &cfg->tenants[i];

        if ((t->servicenow_company != NULL && strcmp(t->servicenow_company, company) == 0) ||
            (t->display != NULL && strcmp(t->display, company) == 0) ||
            strcmp(t->name, company) == 0) {
            return t->name;
        }
    }
    return NULL;
}

bool sla_incidents_configured(const struct source_env *env)
{
    return source_http_configured(&sn_http_def, env->cfg, env->demo_url);
}

static void dec_fini(struct poller_decode *d)
{
    for (size_t i = 0; i < d->nrows; i++) {
        sn_incident_free(d->rows[i]);
    }
    free(d->rows);
    free(d->error);
    free(d->extra);
    memset(d, 0, sizeof *d);
}

static void job_free(struct inc_job *j)
{
    for (size_t i = 0; i < j->n; i++) {
        sn_incident_free(j->rows[i]);
    }
    free(j->rows);
    dec_fini(&j->dec);
    free(j->body);
    free(j);
}

/* Ends the question with err, or with the incidents. */
static void job_finish(struct inc_job *j, const char *err)
{
    struct sla_incidents *x = j->x;

    if (x != NULL) {
        struct sla_incident *in = xcalloc(j->n + 1, sizeof *in);

        x->job = NULL;
        for (size_t i = 0; err == NULL && i < j->n; i++) {
            const struct sn_incident *s = (const struct sn_incident *)j->rows[i];

            in[i].tenant = sla_incidents_company_tenant(x->env.cfg, x->tp, s->company);
            in[i].ci = s->cmdb_ci;
            in[i].opened = s->opened;
            in[i].resolved = s->resolved;
            in[i].canceled = s->state == SN_STATE_CANCELED;
        }
        j->done(in, err == NULL ? j->n : 0, err, j->arg);
        free(in);
    }
    job_free(j);
}

static void page_start(struct inc_job *j);

static void page_decode(void *arg)
{
    struct inc_job *j = arg;

    sn_incidents_decode(j->body, j->len, SLA_SN_PAGE, &j->dec);
}

static void page_decoded(void *arg)
{
    struct inc_job *j = arg;
    bool more;

    j->on_pool = false;
    if (j->x == NULL) {
        job_free(j);
        return;
    }
    if (j->dec.error != NULL) {
        char *err = xasprintf("ServiceNow: %s", j->dec.error);

        job_finish(j, err);
        free(err);
        return;
    }
    if (j->n + j->dec.nrows > j->cap) {
        j->cap = (j->n + j->dec.nrows) * 2;
        j->rows = xrealloc(j->rows, j->cap * sizeof *j->rows);
    }
    memcpy(j->rows + j->n, j->dec.rows, j->dec.nrows * sizeof *j->rows);
    j->n += j->dec.nrows;
    more = j->dec.more && j->dec.nrows > 0;
    j->dec.nrows = 0;
    dec_fini(&j->dec);
    free(j->body);
    j->body = NULL;
    if (more) {
        j->page++;
        page_start(j);
        return;
    }
    job_finish(j, NULL);
}

static void page_got(struct http_req *req, struct http_result *res, void *arg)
{
    struct inc_job *j = arg;

    (void)req;
    j->req = NULL;
    if (res->error != NULL || res->status != 200) {
        char *why = sn_error_text(res->status, res->body, res->body_len, res->error);
        char *err = xasprintf("ServiceNow: %s", why);

        free(why);
        job_finish(j, err);
        free(err);
        return;
    }
    j->body = res->body;
    j->len = res->body_len;
    res->body = NULL;
    j->on_pool = true;
    workpool_submit(j->x->env.pool, page_decode, page_decoded, j);
}

/* GET one page of the incidents opened in [from, to), oldest first. */
static void page_start(struct inc_job *j)
{
    struct sla_incidents *x = j->x;
    char from[24], to[24], *q, *esc, *url;
    struct http_opts o = x->opts;

    sn_time_format(j->from, from, sizeof from);
    sn_time_format(j->to, to, sizeof to);
    q = xasprintf("opened_at>=%s^opened_at<%s^ORDERBYopened_at^ORDERBYsys_id", from, to);
    esc = http_escape(q);
    url = xasprintf("%s/api/now/table/incident?sysparm_display_value=all"
                    "&sysparm_exclude_reference_link=true&sysparm_fields=%s"
                    "&sysparm_limit=%d&sysparm_offset=%zu&sysparm_query=%s",
                    x->base, SLA_SN_FIELDS, SLA_SN_PAGE, j->page * SLA_SN_PAGE, esc);
    o.url = url;
    o.timeout_ms = SLA_SN_TIMEOUT_MS;
    j->req = http_start(x->env.http, &o, NULL, page_got, j);
    free(url);
    free(esc);
    free(q);
}

static void oauth_done(bool ok, const char *why, void *arg)
{
    struct sla_incidents *x = arg;

    if (ok) {
        x->token = true;
        if (x->job != NULL && x->job->req == NULL && !x->job->on_pool) {
            page_start(x->job);
        }
    } else if (!x->token && x->job != NULL && x->job->req == NULL && !x->job->on_pool) {
        char *err = xasprintf("ServiceNow: no OAuth token: %s", why);

        job_finish(x->job, err);
        free(err);
    }
}

struct sla_incidents *sla_incidents_new(const struct source_env *env, char **err)
{
    const struct config_source *cs = config_source_get(env->cfg, "servicenow");
    struct sla_incidents *x = xcalloc(1, sizeof *x);

    x->env = *env;
    x->sh = source_http_new(env, &sn_http_def, err);
    if (x->sh == NULL) {
        free(x);
        return NULL;
    }
    x->opts = *source_http_base(x->sh);
    x->base = sn_base_url(env->cfg, env->demo_url);
    if (env->demo_url == NULL && cs != NULL && cs->tenant_pattern != NULL) {
        x->tp = tenant_pattern_new(cs->tenant_pattern, err);
        if (x->tp == NULL) {
            sla_incidents_free(x);
            return NULL;
        }
    }
    if (env->demo_url == NULL && cs != NULL && cs->client_id != NULL) {
        x->oauth = sn_oauth_configure(env->loop, env->http, env->cfg, x->base, &x->opts,
                                      x->bearer, sizeof x->bearer, oauth_done, x, err);
        if (x->oauth == NULL) {
            sla_incidents_free(x);
            return NULL;
        }
    }
    return x;
}

void sla_incidents_cancel(struct sla_incidents *x)
{
    struct inc_job *j = x->job;

    x->job = NULL;
    if (j == NULL) {
        return;
    }
    if (j->on_pool) {
        j->x = NULL; /* page_decoded frees it */
        return;
    }
    if (j->req != NULL) {
        http_cancel(x->env.http, j->req);
    }
    job_free(j);
}

void sla_incidents_fetch(struct sla_incidents *x, int64_t from, int64_t to, sla_incidents_fn done,
                         void *arg)
{
    struct inc_job *j = xcalloc(1, sizeof *j);

    sla_incidents_cancel(x);
    x->job = j;
    j->x = x;
    j->from = from;
    j->to = to;
    j->done = done;
    j->arg = arg;
    if (x->oauth != NULL && !x->token) {
        if (!x->oauth_started) {
            x->oauth_started = true;
            sn_oauth_start(x->oauth); /* the first page waits for the token */
        }
        return;
    }
    page_start(j);
}

void sla_incidents_free(struct sla_incidents *x)
{
    if (x == NULL) {
        return;
    }
    sla_incidents_cancel(x);
    sn_oauth_free(x->oauth);
    memset(x->bearer, 0, sizeof x->bearer);
    if (x->sh != NULL) {
        source_http_op_fini(x->sh);
    }
    tenant_pattern_free(x->tp);
    free(x->base);
    free(x);
}
