/* ServiceNow as a source: the REST Table API under [servicenow] url (the instance).
 *
 * Incidents (STORE_INCIDENT) and change requests (STORE_CHANGE: planned from Monday of last
 * week to the end of this week) are read on [servicenow] interval (60 s by default), each
 * through a shared poller of its own, cheaply: sysparm_fields limited to what the incidents view shows,
 * sysparm_display_value=all, sysparm_exclude_reference_link=true, sysparm_query limited to the
 * companies of the tenants the session may see, the active incidents and those resolved in
 * the last 30 days, in sysparm_limit/sysparm_offset pages. After the first load a poll asks
 * only for the records updated since the newest sys_updated_on seen, less a minute of
 * overlap; once an hour a full poll sweeps what left the query. A 429 waits as Retry-After
 * says; a failed poll keeps the last rows and the source shows failing, then stale.
 *
 * An incident's tenant is its company's display value mapped (DESIGN.md, Tenant mapping):
 * [servicenow] tenant_pattern when set, else a [tenant NAME] servicenow_company or display,
 * else a tenant display name another source knows (Kubernetes' namespace annotation). A
 * company that maps to no tenant has none: only a session of every tenant sees it.
 *
 * `govconsole check` reads the configured user's sys_user record (core/source_http.c).
 * Enter on an incident reads its record and its journal (sys_journal_field). */
#define _GNU_SOURCE /* vasprintf */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/access.h"
#include "core/config.h"
#include "core/http.h"
#include "core/k8s/k8s_model.h"
#include "core/log.h"
#include "core/nagios/nagios_status.h"
#include "core/loop.h"
#include "core/poller.h"
#include "core/sanitize.h"
#include "core/servicenow/sn_instance.h"
#include "core/servicenow/sn_model.h"
#include "core/servicenow/sn_oauth.h"
#include "core/servicenow/sn_request.h"
#include "core/source_http.h"
#include "core/store_impl.h"
#include "core/tenant_pattern.h"
#include "core/xalloc.h"

#define SN_PAGE 2000                   /* records a page */
#define SN_OVERLAP_S 60                /* a delta poll reaches this far behind the newest seen */
#define SN_FULL_EVERY_MS (60 * 60 * 1000) /* a full poll at least this often */
#define SN_RESOLVED_DAYS 30            /* resolved incidents kept this long */
#define SN_DEFAULT_INTERVAL_MS 60000

/* A company display name and the tenant it maps to. */
struct sn_company {
    char *company;
    const char *tenant; /* interned */
};

struct source_call {
    struct sn_source *sn;
    struct source_call *prev, *next;
    const struct source_request *req;
    struct http_req *http;
    source_reply_fn done;
    void *arg;
    char *record; /* the incident's record, while its journal is read; a refusal's or a
                     failed create's reason */
    size_t rlen;
    struct loop_timer *timer; /* a refusal on its way */
};

/* One table polled into one store kind: incidents, change requests. */
enum sn_feed_id { SN_FEED_INCIDENTS, SN_FEED_CHANGES, SN_NFEEDS };

struct sn_feed {
    struct sn_source *sn;
    const char *table;      /* "incident" */
    const char *fields;     /* sysparm_fields */
    enum store_kind kind;
    /* The part of the query that says which records (caller frees): the open incidents and
     * those resolved lately; the changes of this week and last. */
    char *(*window)(void);
    void (*decode)(const char *body, size_t len, size_t limit, struct poller_decode *out);
    struct poller *poller;
    struct poller_ops pops;
    char *query;            /* the encoded query of the poll in progress */
    char newest[20];        /* the newest sys_updated_on applied */
    int64_t last_full_ms;   /* when the last full poll started; 0 = never */
};

struct sn_source {
    struct source_env env;
    struct source_http *sh; /* credentials, TLS, the probe */
    struct http_opts opts;  /* every request's: source_http's, or with OAuth the bearer */
    char bearer[4096];      /* the OAuth token ("" without OAuth); wiped when freed */
    struct sn_oauth *oauth; /* NULL: basic authentication */
    struct source_health oauth_health; /* until the first token */
    bool started;           /* start was called: the pollers start with the first token */
    bool polling;           /* the pollers are started */
    struct sn_probe *probe; /* `govconsole check` waiting for a token, or NULL */
    char *base;             /* the instance, without a trailing '/' */
    struct sn_feed feeds[SN_NFEEDS];
    struct poller *poller;  /* the incidents' (feeds[SN_FEED_INCIDENTS].poller) */
    struct store_tenancy tenancy;
    struct tenant_pattern *pattern;
    struct sn_company *map;
    size_t nmap;
    uint64_t map_gen;
    bool map_built;
    char **interned;
    size_t ninterned;
    char note[160];
    struct source_call *calls;
};

static const enum store_kind servicenow_kinds[] = {STORE_INCIDENT, STORE_CHANGE};

/* ---- the health probe's URL (core/source_http.c) -------------------------------------- */

/* The instance's base URL without trailing slashes (caller frees), NULL when none. */
char *sn_base_url(const struct gc_config *cfg, const char *demo_url)
{
    const char *base = demo_url != NULL ? demo_url : cfg->servicenow.url;
    size_t n;

    if (base == NULL || base[0] == '\0') {
        return NULL;
    }
    n = strlen(base);
    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    return xasprintf("%.*s", (int)n, base);
}

static char *servicenow_url(const struct gc_config *cfg, const char *demo_url)
{
    const char *user = demo_url != NULL ? NULL : cfg->servicenow.user;
    char *base = sn_base_url(cfg, demo_url), *esc, *url;

    if (base == NULL) {
        return NULL;
    }
    if (user == NULL) {
        url = xasprintf("%s/api/now/table/sys_user?sysparm_limit=1"
                        "&sysparm_fields=user_name,name",
                        base);
        free(base);
        return url;
    }
    esc = http_escape(user);
    url = xasprintf("%s/api/now/table/sys_user?sysparm_limit=1&sysparm_fields=user_name,name"
                    "&user_name=%s",
                    base, esc);
    free(esc);
    free(base);
    return url;
}

static enum source_http_verdict servicenow_answer(const char *body, size_t len, const char *user,
                                                  char **about, char **why)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    json_t *result = json_object_get(root, "result");
    enum source_http_verdict v = SOURCE_HTTP_OK;

    if (!json_is_array(result)) {
        *why = xstrdup(len > 0 && body[0] == '<'
                           ? "an HTML page, not the Table API: is [servicenow] url the instance?"
                           : "not a ServiceNow Table API answer");
        v = SOURCE_HTTP_BAD;
    } else if (json_array_size(result) == 0) {
        char *clean = sanitize_dup(user != NULL ? user : "this account");

        *why = xasprintf("ServiceNow shows no sys_user record for %s: the account may not read "
                         "it",
                         clean);
        free(clean);
        v = SOURCE_HTTP_REJECTED;
    } else {
        const char *name = json_string_value(
            json_object_get(json_array_get(result, 0), "user_name"));
        char *clean = sanitize_dup(name != NULL ? name : "?");

        *about = xasprintf("ServiceNow Table API, user %s", clean);
        free(clean);
    }
    json_decref(root);
    return v;
}

const struct source_http_def sn_http_def = {
    .name = "servicenow",
    .url = servicenow_url,
    .answer = servicenow_answer,
    .error_text = sn_error_text,
};

/* ---- tenancy ------------------------------------------------------------------------------ */

/* `tenant` as a string that lives as long as the source. */
static const char *sn_intern(struct sn_source *sn, const char *tenant)
{
    for (size_t i = 0; i < sn->ninterned; i++) {
        if (strcmp(sn->interned[i], tenant) == 0) {
            return sn->interned[i];
        }
    }
    sn->interned = xrealloc(sn->interned, (sn->ninterned + 1) * sizeof *sn->interned);
    sn->interned[sn->ninterned] = xstrdup(tenant);
    return sn->interned[sn->ninterned++];
}

/* Adds a company name's tenant unless the name is mapped already (the first says). */
static void sn_map_add(const char *company, const char *tenant, void *arg)
{
    struct sn_source *sn = arg;

    if (company == NULL || tenant == NULL || company[0] == '\0') {
        return;
    }
    for (size_t i = 0; i < sn->nmap; i++) {
        if (strcmp(sn->map[i].company, company) == 0) {
            return;
        }
    }
    sn->map = xrealloc(sn->map, (sn->nmap + 1) * sizeof *sn->map);
    sn->map[sn->nmap].company = xstrdup(company);
    sn->map[sn->nmap].tenant = sn_intern(sn, tenant);
    sn->nmap++;
}

/* Rebuilds the company map when a display name may have changed. */
static void sn_map_refresh(struct sn_source *sn)
{
    uint64_t gen = store_displays_gen(sn->env.store, &sn->tenancy);
    const struct gc_config *cfg = sn->env.cfg;

    if (sn->map_built && gen == sn->map_gen) {
        return;
    }
    for (size_t i = 0; i < sn->nmap; i++) {
        free(sn->map[i].company);
    }
    sn->nmap = 0;
    for (size_t i = 0; i < cfg->ntenants; i++) {
        sn_map_add(cfg->tenants[i].servicenow_company, cfg->tenants[i].name, sn);
    }
    for (size_t i = 0; i < cfg->ntenants; i++) {
        sn_map_add(cfg->tenants[i].display, cfg->tenants[i].name, sn);
    }
    store_displays(sn->env.store, &sn->tenancy, sn_map_add, sn);
    sn->map_gen = gen;
    sn->map_built = true;
}

/* The tenant a company display name maps to, NULL when none (borrowed for the source's
 * life). */
static const char *sn_company_tenant(struct sn_source *sn, const char *company)
{
    if (company == NULL) {
        return NULL;
    }
    if (sn->pattern != NULL) {
        const char *t = tenant_pattern_match(sn->pattern, company);

        return t != NULL ? sn_intern(sn, t) : NULL;
    }
    sn_map_refresh(sn);
    for (size_t i = 0; i < sn->nmap; i++) {
        if (strcmp(sn->map[i].company, company) == 0) {
            return sn->map[i].tenant;
        }
    }
    return NULL;
}

static const char *sn_row_tenant(void *ctx, enum store_kind kind, const struct store_row *row)
{
    return sn_company_tenant(ctx, kind == STORE_CHANGE ? ((const struct sn_change *)row)->company
                                                       : ((const struct sn_incident *)row)->company);
}

static uint64_t sn_tenancy_gen(void *ctx)
{
    struct sn_source *sn = ctx;

    return sn->pattern != NULL ? 0 : store_displays_gen(sn->env.store, &sn->tenancy);
}

/* The incidents' and changes' companies, each with its tenant (for redaction of texts). */
static void sn_tenancy_names(void *ctx, void (*fn)(const char *name, const char *tenant, void *arg),
                             void *arg)
{
    struct sn_source *sn = ctx;
    const struct store_table *t = store_table(sn->env.store, STORE_INCIDENT);

    const struct store_table *ct = store_table(sn->env.store, STORE_CHANGE);

    for (size_t i = 0; i < t->count; i++) {
        const struct sn_incident *in = (const struct sn_incident *)t->rows[i];

        if (in->company != NULL) {
            fn(in->company, sn_company_tenant(sn, in->company), arg);
        }
    }
    for (size_t i = 0; i < ct->count; i++) {
        const struct sn_change *ch = (const struct sn_change *)ct->rows[i];

        if (ch->company != NULL) {
            fn(ch->company, sn_company_tenant(sn, ch->company), arg);
        }
    }
}

/* ---- polling ------------------------------------------------------------------------------ */

/* True when `name` can go into an encoded query's IN list as it is. */
static bool sn_query_safe(const char *name)
{
    return name[0] != '\0' && strpbrk(name, ",^=") == NULL;
}

/* The companies of the session's tenants as "company.nameINa,b^" (caller frees); "" for a
 * session of every tenant. The access layer hides what the query lets through; this only
 * keeps the rest off the wire. */
static char *sn_scope_query(struct sn_source *sn)
{
    const char *const *scope = access_scope(sn->env.access);
    char *q, *next;
    bool any = false;

    if (scope == NULL || sn->pattern != NULL) {
        return xstrdup("");
    }
    sn_map_refresh(sn);
    q = xstrdup("company.nameIN");
    for (size_t i = 0; scope[i] != NULL; i++) {
        for (size_t j = 0; j < sn->nmap; j++) {
            if (strcmp(sn->map[j].tenant, scope[i]) == 0 && sn_query_safe(sn->map[j].company)) {
                next = xasprintf("%s%s%s", q, any ? "," : "", sn->map[j].company);
                free(q);
                q = next;
                any = true;
            }
        }
        if (sn_query_safe(scope[i])) { /* a company named as the tenant: harmless if none */
            next = xasprintf("%s%s%s", q, any ? "," : "", scope[i]);
            free(q);
            q = next;
            any = true;
        }
    }
    if (!any) { /* no tenant at all ("nobody"): ask for no record, never for every one */
        free(q);
        return xstrdup("sys_idISEMPTY^");
    }
    next = xasprintf("%s^", q);
    free(q);
    return next;
}

/* The open incidents and those resolved in the last 30 days. */
static char *sn_incidents_window(void)
{
    char cutoff[24];

    sn_time_format((int64_t)time(NULL) - SN_RESOLVED_DAYS * 86400, cutoff, sizeof cutoff);
    return xasprintf("active=true^ORresolved_at>=%s", cutoff);
}

/* The changes planned to start last week or this week (from Monday of last week, local
 * time, to Monday of next week). */
static char *sn_changes_window(void)
{
    time_t now = time(NULL);
    struct tm tm;
    char from[24], to[24];
    time_t monday;

    localtime_r(&now, &tm);
    tm.tm_mday -= (tm.tm_wday + 6) % 7 + 7; /* Monday of last week */
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    monday = mktime(&tm);
    sn_time_format((int64_t)monday, from, sizeof from);
    tm.tm_mday += 14;
    tm.tm_isdst = -1;
    sn_time_format((int64_t)mktime(&tm), to, sizeof to);
    return xasprintf("start_date>=%s^start_date<%s", from, to);
}

/* The poller's url hook: page 0 decides the query (full or changes only), later pages
 * follow it. */
static char *sn_poll_url(void *arg, size_t page, bool *partial)
{
    struct sn_feed *f = arg;
    char *esc, *url;

    if (page == 0) {
        int64_t now_ms = loop_now_ms();
        char since[24], *scope = sn_scope_query(f->sn), *window = f->window(), *delta = NULL;

        *partial = f->newest[0] != '\0' && f->last_full_ms != 0 &&
                   now_ms - f->last_full_ms < SN_FULL_EVERY_MS;
        if (*partial) {
            sn_time_format(sn_time_parse(f->newest) - SN_OVERLAP_S, since, sizeof since);
            delta = xasprintf("^sys_updated_on>%s", since);
        } else {
            f->last_full_ms = now_ms;
        }
        free(f->query);
        f->query = xasprintf("%s%s%s^ORDERBYsys_updated_on", scope, window,
                             delta != NULL ? delta : "");
        free(scope);
        free(window);
        free(delta);
    }
    esc = http_escape(f->query);
    url = xasprintf("%s/api/now/table/%s?sysparm_display_value=all"
                    "&sysparm_exclude_reference_link=true&sysparm_fields=%s"
                    "&sysparm_limit=%d&sysparm_offset=%zu&sysparm_query=%s",
                    f->sn->base, f->table, f->fields, SN_PAGE, page * SN_PAGE, esc);
    free(esc);
    return url;
}

/* The poller's ahead hook: a next page exists when the query matched more records than the
 * pages before it hold (X-Total-Count); it is asked for while the one before decodes. */
static bool sn_poll_ahead(void *arg, size_t page, long long total)
{
    (void)arg;
    return (long long)(page * SN_PAGE) < total;
}

static void sn_poll_decode(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    const struct sn_feed *f = arg;

    f->decode(body, len, SN_PAGE, out);
}

/* A page is in the store: the newest change seen, and records that could not be read. */
static void sn_poll_applied(struct poller_decode *d, void *arg)
{
    struct sn_feed *f = arg;
    const struct sn_page_info *info = d != NULL ? d->extra : NULL;

    if (info == NULL) {
        return;
    }
    if (strcmp(info->newest, f->newest) > 0) {
        memcpy(f->newest, info->newest, sizeof f->newest);
    }
    if (info->skipped > 0) {
        snprintf(f->sn->note, sizeof f->sn->note,
                 "%zu %s record(s) without sys_id or number left out", info->skipped, f->table);
        log_msg("servicenow: %s", f->sn->note);
    }
}

/* ---- the detail of an incident ------------------------------------------------------------ */

static void sn_call_unlink(struct source_call *c)
{
    if (c->prev != NULL) {
        c->prev->next = c->next;
    } else {
        c->sn->calls = c->next;
    }
    if (c->next != NULL) {
        c->next->prev = c->prev;
    }
}

static void sn_call_free(struct source_call *c)
{
    free(c->record);
    free(c);
}

/* Answers the call and frees it; takes `text` and `error`. */
static void sn_call_reply(struct source_call *c, bool ok, long status, char *text, char *error)
{
    struct source_reply reply = {.ok = ok, .status = status, .text = text, .error = error};

    sn_call_unlink(c);
    c->done(&reply, c->arg);
    free(reply.text);
    free(reply.error);
    sn_call_free(c);
}

/* Starts a GET of the Table API path made of `fmt` (the instance's base before it). */
/* A failed answer ends the call with the instance's words: true when it did (c is freed). */
static bool sn_call_failed(struct source_call *c, struct http_result *res)
{
    if (res->error == NULL && res->status >= 200 && res->status < 300) {
        return false;
    }
    sn_call_reply(c, false, res->status, NULL,
                  sn_error_text(res->status, res->body, res->body_len, res->error));
    return true;
}

static void sn_call_get(struct source_call *c, http_done_cb done, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void sn_call_get(struct source_call *c, http_done_cb done, const char *fmt, ...)
{
    struct http_opts o = *&c->sn->opts;
    char *path, *url;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&path, fmt, ap) < 0) {
        path = NULL;
    }
    va_end(ap);
    url = xasprintf("%s/api/now/table/%s", c->sn->base, path != NULL ? path : "");
    o.url = url;
    o.timeout_ms = 30000;
    o.max_body = (size_t)8 << 20;
    c->http = http_start(c->sn->env.http, &o, NULL, done, c);
    free(url);
    free(path);
}

/* Adds a line for each Kubernetes app (a Deployment or StatefulSet the session sees) that
 * the incident's CI names as "TENANT-APP" (as Nagios names its hosts). */
static void sn_links_kind(struct sn_source *sn, enum store_kind kind, const char *ci,
                          char **links)
{
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    access_rows(sn->env.access, kind, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct k8s_workload *w = (const struct k8s_workload *)r;
        const char *app = w->app != NULL ? w->app : w->name;
        size_t tl = tenant != NULL ? strlen(tenant) : 0;

        if (tenant != NULL && app != NULL && strncmp(ci, tenant, tl) == 0 && ci[tl] == '-' &&
            strcmp(ci + tl + 1, app) == 0) {
            char *more = xasprintf("%s  Kubernetes app: %s/%s (:apps %s)\n",
                                   *links != NULL ? *links : "", w->ns, w->name, w->ns);

            free(*links);
            *links = more;
        }
    }
}

/* Does `text` name `word` as a whole word (not "dmi-obs-api" inside "dmi-obs-api-v2")? */
static bool sn_names(const char *text, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = text != NULL && n > 0 ? strstr(text, word) : NULL; p != NULL;
         p = strstr(p + 1, word)) {
        bool before = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '-'),
             after = !(isalnum((unsigned char)p[n]) || p[n] == '-');

        if (before && after) {
            return true;
        }
    }
    return false;
}

/* Adds a line for each Nagios host the session sees that the incident names (its CI, as
 * govsim and the platform name hosts TENANT-APP, or its short description or correlation
 * id), and for each of that host's services that is not OK. */
static void sn_links_nagios(struct sn_source *sn, const struct sn_incident *in, char **links)
{
    static const enum store_kind kinds[] = {STORE_NAGIOS_HOST, STORE_NAGIOS_SERVICE};

    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        struct access_cursor cur;
        const struct store_row *r;
        const char *tenant;

        access_rows(sn->env.access, kinds[k], &cur);
        while ((r = access_next(&cur, &tenant)) != NULL) {
            const struct nagios_row *n = (const struct nagios_row *)r;
            char *more;

            if (n->host == NULL ||
                !((in->cmdb_ci != NULL && strcmp(in->cmdb_ci, n->host) == 0) ||
                  sn_names(in->short_description, n->host) ||
                  sn_names(in->correlation_id, n->host)) ||
                (n->service != NULL && n->state == NAGIOS_OK)) {
                continue;
            }
            more = n->service != NULL
                       ? xasprintf("%s  Nagios: %s on %s is %s (:alerts %s)\n",
                                   *links != NULL ? *links : "", n->service, n->host,
                                   nagios_state_name(n->state), tenant != NULL ? tenant : "")
                       : xasprintf("%s  Nagios host: %s is %s (:alerts %s)\n",
                                   *links != NULL ? *links : "", n->host,
                                   nagios_state_name(n->state), tenant != NULL ? tenant : "");
            free(*links);
            *links = more;
        }
    }
}

/* The detail's links for the incident of the request (caller frees), NULL when none. */
static char *sn_links(struct sn_source *sn, const struct sn_req *q)
{
    const struct sn_incident *in = (const struct sn_incident *)store_get(
        store_table(sn->env.store, STORE_INCIDENT), q->sys_id);
    char *links = NULL;

    if (in == NULL || sn->env.access == NULL) {
        return NULL;
    }
    if (in->cmdb_ci != NULL) {
        sn_links_kind(sn, STORE_DEPLOYMENT, in->cmdb_ci, &links);
        sn_links_kind(sn, STORE_STATEFULSET, in->cmdb_ci, &links);
    }
    sn_links_nagios(sn, in, &links);
    return links;
}

static void sn_detail_journal_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct source_call *c = arg;
    bool read = res->error == NULL && res->status >= 200 && res->status < 300;
    char *err = NULL, *links = sn_links(c->sn, c->req->priv);
    char *text = sn_detail_text(c->record, c->rlen, read ? res->body : NULL,
                                read ? res->body_len : 0, links, &err);

    (void)req;
    free(links);
    c->http = NULL;
    sn_call_reply(c, text != NULL, res->status, text, err);
}

static void sn_detail_record_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct source_call *c = arg;
    const struct sn_req *q = c->req->priv;
    char *query, *esc;

    (void)req;
    c->http = NULL;
    if (sn_call_failed(c, res)) {
        return;
    }
    c->record = res->body;
    c->rlen = res->body_len;
    res->body = NULL;
    query = xasprintf("element_id=%s^elementINwork_notes,comments^ORDERBYDESCsys_created_on",
                      q->sys_id);
    esc = http_escape(query);
    sn_call_get(c, sn_detail_journal_done,
                "sys_journal_field?sysparm_fields=element,value,sys_created_on,sys_created_by"
                "&sysparm_limit=500&sysparm_query=%s",
                esc);
    free(esc);
    free(query);
}

/* ---- changes ------------------------------------------------------------------------------ */

/* The first company name that maps to `tenant` (config first), NULL when none. */
static const char *sn_tenant_company(struct sn_source *sn, const char *tenant)
{
    sn_map_refresh(sn);
    for (size_t i = 0; i < sn->nmap; i++) {
        if (strcmp(sn->map[i].tenant, tenant) == 0) {
            return sn->map[i].company;
        }
    }
    return NULL;
}

/* Starts a write of `body` (method PATCH or POST) to `path` under the Table API. */
static void sn_call_write(struct source_call *c, const char *method, const char *path,
                          const char *body, http_done_cb done)
{
    struct http_opts o = *&c->sn->opts;
    char *url = xasprintf("%s/api/now/table/%s%ssysparm_input_display_value=true"
                          "&sysparm_fields=number,sys_id",
                          c->sn->base, path, strchr(path, '?') != NULL ? "&" : "?");

    o.url = url;
    o.method = method;
    o.body = body;
    o.content_type = "application/json";
    o.timeout_ms = 30000;
    o.max_body = (size_t)1 << 20;
    c->http = http_start(c->sn->env.http, &o, NULL, done, c);
    free(url);
}

/* The number in a write's answer ({"result":{"number":...}}), or NULL (caller frees). */
static char *sn_answer_number(const char *body, size_t len)
{
    json_t *root = body != NULL ? json_loadb(body, len, 0, NULL) : NULL;
    json_t *res = json_object_get(root, "result");
    const char *n;
    char *out;

    if (json_is_array(res)) {
        res = json_array_get(res, 0);
    }
    n = json_string_value(json_object_get(res, "number"));
    out = n != NULL ? sanitize_dup(n) : NULL;
    json_decref(root);
    return out;
}

/* A change answered: ok with the record's number, or the instance's words; and a poll soon,
 * so that the view shows it. */
static void sn_change_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct source_call *c = arg;
    struct sn_source *sn = c->sn;

    (void)req;
    c->http = NULL;
    if (sn_call_failed(c, res)) {
        return;
    }
    sn_call_reply(c, true, res->status, sn_answer_number(res->body, res->body_len), NULL);
    poller_poke(sn->poller);
}

/* The answer to the look-up of a create whose own answer never came. */
static void sn_create_found(struct http_req *req, struct http_result *res, void *arg)
{
    struct source_call *c = arg;
    const struct sn_req *q = c->req->priv;
    char *number = NULL;

    (void)req;
    c->http = NULL;
    if (res->error == NULL && res->status == 200) {
        number = sn_answer_number(res->body, res->body_len);
    }
    if (number != NULL) {
        char *text = xasprintf("%s (found by its correlation id %s after the request failed: "
                               "not sent again)",
                               number, q->correlation);

        struct sn_source *sn = c->sn;

        free(number);
        sn_call_reply(c, true, 200, text, NULL); /* frees c */
        poller_poke(sn->poller);
    } else if (res->error == NULL && res->status == 200) {
        sn_call_reply(c, false, 0, NULL,
                      xasprintf("the request failed (%s) and no incident carries its "
                                "correlation id %s: nothing was opened; try again",
                                c->record != NULL ? c->record : "no answer", q->correlation));
    } else {
        sn_call_reply(c, false, 0, NULL,
                      xasprintf("the request failed (%s) and the look-up for correlation id %s "
                                "too: look for it before trying again",
                                c->record != NULL ? c->record : "no answer", q->correlation));
    }
}

/* A create answered; without an answer (a timeout, a reset) it may still have been made:
 * look for its correlation id before saying anything. */
static void sn_create_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct source_call *c = arg;
    const struct sn_req *q = c->req->priv;
    char *query, *esc;

    if (res->error == NULL || res->status != 0) {
        sn_change_done(req, res, arg);
        return;
    }
    c->http = NULL;
    c->record = sn_error_text(0, NULL, 0, res->error); /* the reason, for the reply */
    query = xasprintf("correlation_id=%s", q->correlation);
    esc = http_escape(query);
    sn_call_get(c, sn_create_found, "incident?sysparm_fields=number&sysparm_limit=1"
                                    "&sysparm_query=%s",
                esc);
    free(esc);
    free(query);
}

/* The session's user's sys_user record, for an assignment. */
static void sn_assign_user_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct source_call *c = arg;
    const struct sn_req *q = c->req->priv;
    json_t *root, *user;
    const char *id;
    char *body, *path;

    (void)req;
    c->http = NULL;
    if (sn_call_failed(c, res)) {
        return;
    }
    root = json_loadb(res->body, res->body_len, 0, NULL);
    user = json_array_get(json_object_get(root, "result"), 0);
    id = json_string_value(json_object_get(user, "sys_id"));
    if (id == NULL) {
        char *who = sanitize_dup(q->body);

        json_decref(root);
        sn_call_reply(c, false, res->status, NULL,
                      xasprintf("ServiceNow has no user %s to assign to", who));
        free(who);
        return;
    }
    user = json_pack("{s:s}", "assigned_to", id);
    body = json_dumps(user, JSON_COMPACT);
    json_decref(user);
    json_decref(root);
    path = xasprintf("incident/%s", q->sys_id);
    sn_call_write(c, "PATCH", path, body, sn_change_done);
    free(path);
    free(body);
}

/* A create's body with the company of its tenant (caller frees); NULL when the tenant has
 * none. */
static char *sn_create_body(struct sn_source *sn, const struct sn_req *q)
{
    const char *company = q->tenant != NULL ? sn_tenant_company(sn, q->tenant) : NULL;
    json_t *body;
    char *out;

    if (company == NULL || q->body == NULL) {
        return NULL;
    }
    body = json_loads(q->body, 0, NULL);
    json_object_set_new(body, "company", json_string(company));
    out = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return out;
}

/* Answers a call that could not be sent, from the loop (perform's callers expect `done`
 * later, never inside perform). */
static void sn_call_refused(void *arg)
{
    struct source_call *c = arg;
    char *why = c->record;

    c->timer = NULL;
    c->record = NULL;
    sn_call_reply(c, false, 0, NULL, why);
}

static void sn_call_refuse(struct source_call *c, char *why)
{
    c->record = why;
    c->timer = loop_timer_add(c->sn->env.loop, 0, sn_call_refused, c);
}

static struct source_call *sn_perform(void *s, const struct source_request *r,
                                      source_reply_fn done, void *arg)
{
    struct sn_source *sn = s;
    const struct sn_req *q = r->priv;
    struct source_call *c = xcalloc(1, sizeof *c);
    char *esc, *body, *path;

    c->sn = sn;
    c->req = r;
    c->done = done;
    c->arg = arg;
    c->next = sn->calls;
    if (sn->calls != NULL) {
        sn->calls->prev = c;
    }
    sn->calls = c;
    switch (q->kind) {
    case SN_REQ_DETAIL:
        esc = http_escape(q->sys_id);
        sn_call_get(c, sn_detail_record_done,
                    "incident/%s?sysparm_display_value=all&sysparm_exclude_reference_link=true",
                    esc);
        free(esc);
        break;
    case SN_REQ_CREATE:
        body = sn_create_body(sn, q);
        if (body == NULL) {
            sn_call_refuse(c, xasprintf("no ServiceNow company is known for tenant %s "
                                        "([tenant %s] servicenow_company or display)",
                                        q->tenant != NULL ? q->tenant : "-",
                                        q->tenant != NULL ? q->tenant : "NAME"));
            break;
        }
        sn_call_write(c, "POST", "incident", body, sn_create_done);
        free(body);
        break;
    case SN_REQ_NOTE:
    case SN_REQ_RESOLVE:
        path = xasprintf("incident/%s", q->sys_id);
        sn_call_write(c, "PATCH", path, q->body != NULL ? q->body : "{}", sn_change_done);
        free(path);
        break;
    case SN_REQ_ASSIGN:
        esc = http_escape(q->body);
        sn_call_get(c, sn_assign_user_done,
                    "sys_user?sysparm_fields=sys_id,name&sysparm_limit=1&user_name=%s", esc);
        free(esc);
        break;
    }
    return c;
}

static void sn_cancel(void *s, struct source_call *c)
{
    struct sn_source *sn = s;

    if (c->http != NULL) {
        http_cancel(sn->env.http, c->http);
    }
    loop_timer_cancel(sn->env.loop, c->timer);
    sn_call_unlink(c);
    sn_call_free(c);
}

static const char *sn_tenant_of(void *s, const struct source_request *r)
{
    struct sn_source *sn = s;
    const struct sn_req *q = r->priv;
    const struct store_row *row;

    if (q != NULL && q->kind == SN_REQ_CREATE) {
        return q->tenant; /* the one the form names: its company is what the body gets */
    }
    row = q != NULL && q->sys_id != NULL
              ? store_get(store_table(sn->env.store, STORE_INCIDENT), q->sys_id)
              : NULL;

    return row != NULL ? sn_row_tenant(sn, STORE_INCIDENT, row) : NULL;
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

/* ---- OAuth 2 ------------------------------------------------------------------------------ */

static void sn_pollers_start(struct sn_source *sn)
{
    for (size_t i = 0; i < SN_NFEEDS; i++) {
        poller_start(sn->feeds[i].poller);
    }
    sn->polling = true;
}

/* `govconsole check` with OAuth: the token first, then the probe with it. */
struct sn_probe {
    source_probe_fn done;
    void *arg;
};

/* The token is there (or refused: why): probe with it, or say why not. */
static void sn_probe_run(struct sn_source *sn, source_probe_fn done, void *arg, const char *why)
{
    struct source_probe res;

    if (why == NULL) {
        source_http_probe_with(sn->sh, &sn->opts, done, arg);
        return;
    }
    source_http_probe_init(sn->sh, source_http_op_url(sn->sh), &res);
    res.reachable = true;
    res.auth = 0;
    res.error = xstrdup(why);
    done(&res, arg);
    source_probe_fini(&res);
}

/* A token came (the pollers start with the first once started), or was refused. */
static void sn_oauth_done(bool ok, const char *why, void *arg)
{
    struct sn_source *sn = arg;
    struct sn_probe *pr = sn->probe;

    sn->probe = NULL;
    if (!ok) {
        source_health_fault(&sn->oauth_health, SOURCE_FAULT_AUTH, 0, why, (int64_t)time(NULL));
        log_msg("servicenow: %s", why);
    } else {
        source_health_ok(&sn->oauth_health, SOURCE_OK, (int64_t)time(NULL));
        if (sn->started && !sn->polling) {
            sn_pollers_start(sn);
        }
    }
    if (pr != NULL) {
        sn_probe_run(sn, pr->done, pr->arg, ok ? NULL : why);
        free(pr);
    }
}

/* [servicenow] client_id: OAuth 2 with client_secret_file; the password grant when user is
 * set. The requests then carry the token, not the user and password. */
static int sn_oauth_init(struct sn_source *sn, char **err)
{
    sn->oauth = sn_oauth_configure(sn->env.loop, sn->env.http, sn->env.cfg, sn->base, &sn->opts,
                                   sn->bearer, sizeof sn->bearer, sn_oauth_done, sn, err);
    if (sn->oauth == NULL) {
        return -1;
    }
    sn->oauth_health.name = "servicenow";
    return 0;
}

static bool servicenow_configured(const struct gc_config *cfg, const char *demo_url)
{
    return source_http_configured(&sn_http_def, cfg, demo_url);
}

static void sn_free(struct sn_source *sn)
{
    sn_oauth_free(sn->oauth);
    memset(sn->bearer, 0, sizeof sn->bearer);
    source_health_fini(&sn->oauth_health);
    for (size_t i = 0; i < SN_NFEEDS; i++) {
        poller_free(sn->feeds[i].poller);
        free(sn->feeds[i].query);
    }
    source_http_op_fini(sn->sh);
    tenant_pattern_free(sn->pattern);
    for (size_t i = 0; i < sn->nmap; i++) {
        free(sn->map[i].company);
    }
    free(sn->map);
    for (size_t i = 0; i < sn->ninterned; i++) {
        free(sn->interned[i]);
    }
    free(sn->interned);
    free(sn->base);
    free(sn);
}

static void *servicenow_init(const struct source_env *env, char **err)
{
    const struct config_source *cs = config_source_get(env->cfg, "servicenow");
    struct sn_source *sn = xcalloc(1, sizeof *sn);
    struct poller_config pc;

    sn->env = *env;
    sn->sh = source_http_new(env, &sn_http_def, err);
    if (sn->sh == NULL) {
        free(sn);
        return NULL;
    }
    sn->base = sn_base_url(env->cfg, env->demo_url);
    sn->opts = *source_http_base(sn->sh);
    if (env->demo_url == NULL && cs != NULL && cs->client_id != NULL && sn_oauth_init(sn, err) != 0) {
        sn_free(sn);
        return NULL;
    }
    if (cs != NULL && cs->tenant_pattern != NULL) {
        sn->pattern = tenant_pattern_new(cs->tenant_pattern, err);
        if (sn->pattern == NULL) {
            sn_free(sn);
            return NULL;
        }
    }
    sn->tenancy = (struct store_tenancy){
        .row_tenant = sn_row_tenant,
        .gen = sn_tenancy_gen,
        .names = sn_tenancy_names,
        .ctx = sn,
    };
    store_register(env->store, STORE_INCIDENT, sn_incident_free, &sn->tenancy);
    store_register(env->store, STORE_CHANGE, sn_change_free, &sn->tenancy);
    sn->feeds[SN_FEED_INCIDENTS] = (struct sn_feed){
        .table = "incident",
        .fields = SN_INCIDENT_FIELDS,
        .kind = STORE_INCIDENT,
        .window = sn_incidents_window,
        .decode = sn_incidents_decode,
    };
    sn->feeds[SN_FEED_CHANGES] = (struct sn_feed){
        .table = "change_request",
        .fields = SN_CHANGE_FIELDS,
        .kind = STORE_CHANGE,
        .window = sn_changes_window,
        .decode = sn_changes_decode,
    };
    for (size_t i = 0; i < SN_NFEEDS; i++) {
        struct sn_feed *f = &sn->feeds[i];

        f->sn = sn;
        memset(&pc, 0, sizeof pc);
        pc.name = i == SN_FEED_INCIDENTS ? "servicenow" : "servicenow changes";
        pc.url = sn->base;
        pc.base = &sn->opts;
        pc.kind = f->kind;
        pc.interval_ms = cs != NULL && cs->interval_ms > 0 ? cs->interval_ms
                                                           : SN_DEFAULT_INTERVAL_MS;
        f->pops = (struct poller_ops){
            .decode = sn_poll_decode,
            .free_row = i == SN_FEED_INCIDENTS ? sn_incident_free : sn_change_free,
            .error_text = sn_error_text,
            .applied = sn_poll_applied,
            .url = sn_poll_url,
            .ahead = sn_poll_ahead,
            .free_extra = free,
        };
        f->poller = poller_new(env->loop, env->http, env->pool, env->store, &pc, &f->pops, f);
    }
    sn->poller = sn->feeds[SN_FEED_INCIDENTS].poller;
    return sn;
}

static void servicenow_start(void *s)
{
    struct sn_source *sn = s;

    sn->started = true;
    if (sn->oauth != NULL) {
        sn->oauth_health.state = SOURCE_CONNECTING;
        sn->oauth_health.version++;
        sn_oauth_start(sn->oauth); /* the pollers start with the first token */
        return;
    }
    sn_pollers_start(sn);
}

static void servicenow_stop(void *s)
{
    struct sn_source *sn = s;

    if (sn->oauth != NULL) {
        sn_oauth_stop(sn->oauth);
    }
    free(sn->probe); /* never answered: the check is over */
    sn->probe = NULL;
    for (size_t i = 0; i < SN_NFEEDS; i++) {
        poller_stop(sn->feeds[i].poller);
    }
    while (sn->calls != NULL) {
        struct source_call *c = sn->calls;
        struct source_reply reply = {.cancelled = true};

        if (c->http != NULL) {
            http_cancel(sn->env.http, c->http);
        }
        loop_timer_cancel(sn->env.loop, c->timer);
        sn_call_unlink(c);
        c->done(&reply, c->arg);
        sn_call_free(c);
    }
}

static void servicenow_fini(void *s)
{
    sn_free(s);
}

/* The incidents' health, unless the changes fail while the incidents do not. */
static const struct source_health *servicenow_health(void *s)
{
    struct sn_source *sn = s;
    struct poller *changes = sn->feeds[SN_FEED_CHANGES].poller;

    if (sn->oauth != NULL && !sn->polling) {
        return &sn->oauth_health; /* no token yet */
    }
    if (poller_state(changes) == POLLER_FAILING && poller_state(sn->poller) == POLLER_OK) {
        return poller_health(changes);
    }
    return poller_health(sn->poller);
}

static const char *servicenow_note(void *s)
{
    struct sn_source *sn = s;

    return sn->note[0] != '\0' ? sn->note : NULL;
}

static const char *servicenow_source_url(void *s)
{
    struct sn_source *sn = s;

    return sn->base;
}

static const struct http_stats *servicenow_stats(void *s)
{
    struct sn_source *sn = s;

    return source_http_op_stats(sn->sh);
}

static void servicenow_probe(void *s, source_probe_fn done, void *arg)
{
    struct sn_source *sn = s;
    struct sn_probe *pr;

    if (sn->oauth == NULL) {
        source_http_op_probe(sn->sh, done, arg);
        return;
    }
    if (sn->bearer[0] != '\0' || sn->probe != NULL) {
        sn_probe_run(sn, done, arg,
                     sn->bearer[0] != '\0' ? NULL : "another check waits for the token");
        return;
    }
    pr = xcalloc(1, sizeof *pr);
    pr->done = done;
    pr->arg = arg;
    sn->probe = pr;
    sn_oauth_start(sn->oauth);
}

const struct source_ops servicenow_source = {
    .name = "servicenow",
    .kinds = servicenow_kinds,
    .nkinds = sizeof servicenow_kinds / sizeof servicenow_kinds[0],
    .configured = servicenow_configured,
    .init = servicenow_init,
    .start = servicenow_start,
    .stop = servicenow_stop,
    .fini = servicenow_fini,
    .health = servicenow_health,
    .note = servicenow_note,
    .tenant_of = sn_tenant_of,
    .url = servicenow_source_url,
    .stats = servicenow_stats,
    .perform = sn_perform,
    .cancel = sn_cancel,
    .error_text = sn_error_text,
    .probe = servicenow_probe,
};
