/* Nagios Core 4 as a source: its JSON CGIs under [nagios] url (the cgi-bin directory).
 *
 * Three shared pollers on [nagios] interval (default [ui] refresh, 30 s): statusjson hostlist
 * and servicelist with details (STORE_NAGIOS_HOST, STORE_NAGIOS_SERVICE rows, mark and
 * sweep), and objectjson hostgrouplist, which makes the host map (core/nagios/
 * nagios_objects.h): each row's tenant and app; a fourth reads objectjson hostlist for the
 * hosts' _APP custom variables every ten intervals (objects change seldom, the answer is
 * large). A fourth, the programstatus poll of the
 * shared HTTP-source part (core/source_http.h), says which Nagios it is and is the probe of
 * `govconsole check`. The CGIs answer HTTP 200 even for errors (result.type_code says), and an
 * answer empty for the user means the user is not a contact authorised to see it
 * (/work/shared/notes/nagios4.md): both fail the poll, the last rows stay and go stale.
 *
 * Requests (core/nagios/nagios_request.h): d fetches the object's status, comments and
 * downtimes; acknowledge and downtime GET cmd.cgi's form (for its CSRF form id) and POST it
 * as the web UI does; after one succeeds the row is marked as waiting for the next poll. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/http.h"
#include "core/log.h"
#include "core/nagios/nagios_objects.h"
#include "core/nagios/nagios_request.h"
#include "core/nagios/nagios_status.h"
#include "core/poller.h"
#include "core/sanitize.h"
#include "core/source_http.h"
#include "core/store_impl.h"
#include "core/tenant_pattern.h"
#include "core/xalloc.h"

static char *nagios_url(const struct gc_config *cfg, const char *demo_url)
{
    char *base = nagios_cgi_base(cfg, demo_url);
    char *url = base != NULL ? xasprintf("%s/statusjson.cgi?query=programstatus", base) : NULL;

    free(base);
    return url;
}

static enum source_http_verdict nagios_answer(const char *body, size_t len, const char *user,
                                              char **about, char **why)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const char *who = NULL;
    json_t *ps;
    enum source_http_verdict v = SOURCE_HTTP_OK;

    if (root == NULL) {
        *why = nagios_not_json_text(body, len);
        return SOURCE_HTTP_BAD;
    }
    ps = nagios_answer_data(root, "programstatus", &who, why);
    if (ps == NULL) {
        v = SOURCE_HTTP_BAD;
    } else if (!json_is_object(ps) || json_object_size(ps) == 0) {
        *why = nagios_no_data_text(who != NULL ? who : user);
        v = SOURCE_HTTP_REJECTED;
    } else {
        const char *version = json_string_value(json_object_get(ps, "version"));
        char *clean = sanitize_dup(version != NULL ? version : "?");

        *about = xasprintf("Nagios Core %s", clean);
        free(clean);
    }
    json_decref(root);
    return v;
}

/* A failed answer: the CGI's own message when it is JSON, else the status. */
static char *nagios_error_text(long status, const char *body, size_t len, const char *transport)
{
    json_t *root;
    const char *msg;
    char *out;

    if (transport != NULL) {
        return xstrdup(transport);
    }
    root = body != NULL ? json_loadb(body, len, 0, NULL) : NULL;
    msg = json_string_value(json_object_get(json_object_get(root, "result"), "message"));
    out = msg != NULL && msg[0] != '\0' ? xasprintf("HTTP %ld: %s", status, msg)
          : status == 401                ? xstrdup("HTTP 401: unauthorized")
                                         : xasprintf("HTTP %ld", status);
    json_decref(root);
    return out;
}

static const struct source_http_def nagios_def = {
    .name = "nagios",
    .url = nagios_url,
    .answer = nagios_answer,
    .error_text = nagios_error_text,
};

/* ---- the state -------------------------------------------------------------------------- */

struct nagios_call;

struct nagios {
    struct source_http *sh;
    struct source_env env;
    char *base;
    struct poller *hosts, *services, *groups, *objects;
    struct poller_ops hosts_ops, services_ops, groups_ops, objects_ops;
    /* The last hostgroups and host objects read (unresolved), which make the map. */
    struct nagios_hostmap *raw_groups, *raw_objects;
    /* The host map; the one before it stays until the next, so that tenant and app strings
     * handed out before a change stay valid until views rebuilt (store_commit()). */
    struct nagios_hostmap *map, *old_map;
    uint64_t map_gen;
    struct tenant_pattern *tp;
    struct store_tenancy tenancy;
    struct nagios_call *calls;
};

static const enum store_kind nagios_kinds[] = {STORE_NAGIOS_HOST, STORE_NAGIOS_SERVICE};

/* A row's tenant and app from the current map (cached in the row per map generation). */
static void nagios_row_resolve(const struct nagios *n, const struct nagios_row *cr)
{
    struct nagios_row *r = (struct nagios_row *)cr; /* the source's own row, loop thread */
    const struct nagios_host_entry *e;

    if (r->map_gen == n->map_gen && r->app != NULL) {
        return;
    }
    e = nagios_hostmap_find(n->map, r->host);
    r->tenant = e != NULL ? e->tenant : NULL;
    r->app = e != NULL ? e->app : r->host;
    r->map_gen = n->map_gen;
}

static const char *nagios_row_tenant(void *ctx, enum store_kind kind, const struct store_row *row)
{
    const struct nagios *n = ctx;

    (void)kind;
    nagios_row_resolve(n, (const struct nagios_row *)row);
    return ((const struct nagios_row *)row)->tenant;
}

static uint64_t nagios_tenancy_gen(void *ctx)
{
    const struct nagios *n = ctx;

    return n->map_gen;
}

static void nagios_names(void *ctx, void (*fn)(const char *name, const char *tenant, void *arg),
                         void *arg)
{
    const struct nagios *n = ctx;

    for (size_t i = 0; i < nagios_hostmap_count(n->map); i++) {
        const struct nagios_host_entry *e = nagios_hostmap_host(n->map, i);

        fn(e->host, e->tenant, arg);
    }
}

/* Every row of a kind to the current map. */
static void nagios_resolve_all(struct nagios *n, enum store_kind kind)
{
    struct store_table *t = store_table(n->env.store, kind);

    for (size_t i = 0; i < t->count; i++) {
        nagios_row_resolve(n, (struct nagios_row *)t->rows[i]);
    }
}

/* ---- the pollers ------------------------------------------------------------------------ */

static void nagios_decode_hosts(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    (void)arg;
    nagios_status_decode(body, len, true, out);
}

static void nagios_decode_services(const char *body, size_t len, struct poller_decode *out,
                                   void *arg)
{
    (void)arg;
    nagios_status_decode(body, len, false, out);
}

static void nagios_status_applied(struct poller_decode *d, void *arg)
{
    struct nagios *n = arg;

    (void)d;
    nagios_resolve_all(n, STORE_NAGIOS_HOST);
    nagios_resolve_all(n, STORE_NAGIOS_SERVICE);
}

static void nagios_decode_groups(const char *body, size_t len, struct poller_decode *out,
                                 void *arg)
{
    struct nagios_hostmap *m = nagios_hostmap_new();

    (void)arg;
    if (nagios_hostmap_read_groups(m, body, len, &out->rejected, &out->error) != 0) {
        nagios_hostmap_free(m);
        return;
    }
    out->extra = m;
}

static void nagios_decode_objects(const char *body, size_t len, struct poller_decode *out,
                                  void *arg)
{
    struct nagios_hostmap *m = nagios_hostmap_new();

    (void)arg;
    if (nagios_hostmap_read_hosts(m, body, len, &out->rejected, &out->error) != 0) {
        nagios_hostmap_free(m);
        return;
    }
    out->extra = m;
}

static void nagios_free_map(void *extra)
{
    nagios_hostmap_free(extra);
}

/* A new map from the last hostgroups and host objects; the one before stays a while. */
static void nagios_map_rebuild(struct nagios *n)
{
    struct nagios_hostmap *m = nagios_hostmap_new();

    nagios_hostmap_merge(m, n->raw_groups);
    nagios_hostmap_merge(m, n->raw_objects);
    nagios_hostmap_resolve(m, n->env.cfg, n->tp);
    nagios_hostmap_free(n->old_map);
    n->old_map = n->map;
    n->map = m;
    n->map_gen++;
    nagios_resolve_all(n, STORE_NAGIOS_HOST);
    nagios_resolve_all(n, STORE_NAGIOS_SERVICE);
}

/* A poll of hostgroups (groups true) or host objects: its map replaces the last one read. */
static void nagios_objects_applied_as(struct nagios *n, struct poller_decode *d, bool groups)
{
    struct nagios_hostmap **raw = groups ? &n->raw_groups : &n->raw_objects;

    if (d == NULL || d->extra == NULL) {
        return; /* 304: the map stands */
    }
    nagios_hostmap_free(*raw);
    *raw = d->extra;
    d->extra = NULL;
    nagios_map_rebuild(n);
}

static void nagios_groups_applied(struct poller_decode *d, void *arg)
{
    nagios_objects_applied_as(arg, d, true);
}

static void nagios_objects_applied(struct poller_decode *d, void *arg)
{
    nagios_objects_applied_as(arg, d, false);
}

static void nagios_free_row(struct store_row *row)
{
    nagios_row_free(row);
}

/* ---- requests --------------------------------------------------------------------------- */

struct source_call {
    struct nagios *n;
    struct nagios_call *self;
};

struct nagios_call {
    struct source_call handle;
    struct nagios_call *next;
    const struct source_request *req;
    source_reply_fn done;
    void *arg;
    struct http_req *http;
    int step;      /* detail: 0 the object, 1 comments, 2 downtimes */
    char *text;    /* detail: the text so far */
};

static void nagios_call_free(struct nagios_call *c)
{
    free(c->text);
    free(c);
}

static void nagios_call_unlink(struct nagios *n, struct nagios_call *c)
{
    for (struct nagios_call **pp = &n->calls; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            return;
        }
    }
}

static void nagios_call_finish(struct nagios_call *c, bool ok, long status, char *text,
                               char *error)
{
    struct nagios *n = c->handle.n;
    struct source_reply reply = {.ok = ok, .status = status, .text = text, .error = error};

    nagios_call_unlink(n, c);
    c->done(&reply, c->arg);
    free(reply.text);
    free(reply.error);
    nagios_call_free(c);
}

/* Starts a GET of url, or a POST of a form body (HTML answers) with an optional cookie. */
static void nagios_start(struct nagios *n, struct nagios_call *c, const char *url,
                         const char *body, const char *cookie, http_done_cb cb)
{
    struct http_opts o = *source_http_base(n->sh);

    o.url = url;
    o.timeout_ms = 30000;
    o.max_body = (size_t)16 << 20;
    o.cookie = cookie;
    if (strstr(url, "/cmd.cgi") != NULL) {
        o.accept = "text/html";
    }
    if (body != NULL) {
        o.method = "POST";
        o.body = body;
        o.content_type = "application/x-www-form-urlencoded";
    }
    c->http = http_start(source_http_client(n->sh), &o, NULL, cb, c);
}

/* The failure of an exchange as one line, or NULL when it is a 2xx with a body. */
static char *nagios_exchange_error(const struct http_result *res)
{
    char *raw, *clean;

    if (res->error == NULL && res->status >= 200 && res->status < 300 && res->body != NULL) {
        return NULL;
    }
    raw = nagios_error_text(res->status, res->body, res->body_len,
                            res->status == 0 ? res->error : NULL);
    clean = sanitize_dup(raw);
    free(raw);
    return clean;
}

/* Appends "key: value" lines of a JSON object (one level; nested values as compact JSON). */
static void detail_fields(char **text, const json_t *o, const char *indent)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)o, key, v) {
        char *val = json_is_string(v) ? xstrdup(json_string_value(v))
                                       : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        char *ck = sanitize_dup(key), *cv = sanitize_dup(val != NULL ? val : "");
        char *next = xasprintf("%s%s%s: %s\n", *text, indent, ck, cv);

        free(*text);
        *text = next;
        free(val);
        free(ck);
        free(cv);
    }
}

/* Appends the comments or downtimes (`member`) of the call's object. */
static void detail_list(struct nagios_call *c, json_t *root, const char *member,
                        const char *title)
{
    const struct nagios_req *q = c->req->priv;
    char *err = NULL, *next;
    json_t *list = nagios_answer_data(root, member, NULL, &err);
    const char *key;
    json_t *v;
    int count = 0;

    next = xasprintf("%s\n%s:\n", c->text, title);
    free(c->text);
    c->text = next;
    if (list == NULL) {
        next = xasprintf("%s  (not available: %s)\n", c->text, err);
        free(c->text);
        c->text = next;
        free(err);
        return;
    }
    json_object_foreach(list, key, v) {
        const char *h = json_string_value(json_object_get(v, "host_name"));
        const char *s = json_string_value(json_object_get(v, "service_description"));
        char *ch = sanitize_dup(h != NULL ? h : ""), *cs = sanitize_dup(s != NULL ? s : "");
        bool mine = strcmp(ch, q->host) == 0 &&
                    (q->service != NULL ? strcmp(cs, q->service) == 0 : cs[0] == '\0');

        free(ch);
        free(cs);
        if (!mine) {
            continue;
        }
        next = xasprintf("%s  - %s\n", c->text, key);
        free(c->text);
        c->text = next;
        detail_fields(&c->text, v, "    ");
        count++;
    }
    if (count == 0) {
        next = xasprintf("%s  none\n", c->text);
        free(c->text);
        c->text = next;
    }
}

static void nagios_detail_step(struct nagios_call *c);

static void nagios_detail_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct nagios_call *c = arg;
    const struct nagios_req *q = c->req->priv;
    char *err = nagios_exchange_error(res);
    json_t *root;

    (void)req;
    c->http = NULL;
    if (err != NULL) {
        nagios_call_finish(c, false, res->status, NULL, err);
        return;
    }
    root = json_loadb(res->body, res->body_len, 0, NULL);
    if (c->step == 0) {
        json_t *o = root != NULL ? nagios_answer_data(root, q->service != NULL ? "service"
                                                                               : "host",
                                                      NULL, &err)
                                 : NULL;

        if (o == NULL) {
            json_decref(root);
            nagios_call_finish(c, false, res->status, NULL,
                               err != NULL ? err : nagios_not_json_text(res->body,
                                                                        res->body_len));
            return;
        }
        c->text = xasprintf("%s%s%s\n\n", q->host, q->service != NULL ? " / " : "",
                            q->service != NULL ? q->service : "");
        detail_fields(&c->text, o, "");
    } else {
        detail_list(c, root, c->step == 1 ? "commentlist" : "downtimelist",
                    c->step == 1 ? "Comments" : "Downtimes");
    }
    json_decref(root);
    c->step++;
    if (c->step == 3) {
        char *text = c->text;

        c->text = NULL;
        nagios_call_finish(c, true, res->status, text, NULL);
        return;
    }
    nagios_detail_step(c);
}

static void nagios_detail_step(struct nagios_call *c)
{
    struct nagios *n = c->handle.n;
    const struct nagios_req *q = c->req->priv;
    char *url;

    if (c->step == 0) {
        char *h = http_escape(q->host), *s = q->service != NULL ? http_escape(q->service) : NULL;

        url = s != NULL ? xasprintf("%s/statusjson.cgi?query=service&hostname=%s"
                                    "&servicedescription=%s",
                                    n->base, h, s)
                        : xasprintf("%s/statusjson.cgi?query=host&hostname=%s", n->base, h);
        free(h);
        free(s);
    } else {
        url = xasprintf("%s/statusjson.cgi?query=%s&details=true", n->base,
                        c->step == 1 ? "commentlist" : "downtimelist");
    }
    nagios_start(n, c, url, NULL, NULL, nagios_detail_done);
    free(url);
}

/* After a change went through: its row is marked as waiting for the next poll. */
static void nagios_mark_waiting(struct nagios *n, const struct nagios_req *q)
{
    enum store_kind kind = q->service != NULL ? STORE_NAGIOS_SERVICE : STORE_NAGIOS_HOST;
    struct store_table *t = store_table(n->env.store, kind);
    const struct nagios_row *old = (const struct nagios_row *)store_get(t, q->uid);
    struct nagios_row *r;

    if (old == NULL) {
        return;
    }
    r = xcalloc(1, sizeof *r);
    *r = *old;
    r->row.uid = xstrdup(old->row.uid);
    r->host = xstrdup(old->host);
    r->service = old->service != NULL ? xstrdup(old->service) : NULL;
    r->output = xstrdup(old->output);
    r->waiting = q->what == NAGIOS_REQ_ACK ? NAGIOS_WAIT_ACK : NAGIOS_WAIT_DOWNTIME;
    store_put(t, &r->row);
}

static void nagios_change_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct nagios_call *c = arg;
    char *err = nagios_exchange_error(res);

    (void)req;
    c->http = NULL;
    if (err == NULL && nagios_cmd_result(res->body, res->body_len, &err) == 0) {
        nagios_mark_waiting(c->handle.n, c->req->priv);
        nagios_call_finish(c, true, res->status, NULL, NULL);
        return;
    }
    nagios_call_finish(c, false, res->status, NULL, err);
}

/* The change's form came: POST it with its form id, as cookie and as field. */
static void nagios_form_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct nagios_call *c = arg;
    struct nagios *n = c->handle.n;
    const struct source_request *r = c->req;
    char *err = nagios_exchange_error(res);
    char *form_id, *cookie, *url, *body;

    (void)req;
    c->http = NULL;
    if (err != NULL) {
        nagios_call_finish(c, false, res->status, NULL, err);
        return;
    }
    form_id = nagios_cmd_form_id(res->body, res->body_len);
    cookie = form_id != NULL ? xasprintf("NagFormId=%s", form_id) : NULL;
    url = xasprintf("%s/cmd.cgi", n->base);
    body = nagios_cmd_body(r->priv, r->access != NULL ? access_user(r->access) : NULL,
                           (int64_t)time(NULL), form_id);
    nagios_start(n, c, url, body, cookie, nagios_change_done);
    free(form_id);
    free(cookie);
    free(url);
    free(body);
}

static struct source_call *nagios_perform(void *s, const struct source_request *r,
                                          source_reply_fn done, void *arg)
{
    struct nagios *n = source_http_extra(s);
    const struct nagios_req *q = r->priv;
    struct nagios_call *c;

    if (n == NULL || q == NULL) {
        return NULL;
    }
    c = xcalloc(1, sizeof *c);
    c->handle.n = n;
    c->handle.self = c;
    c->req = r;
    c->done = done;
    c->arg = arg;
    c->next = n->calls;
    n->calls = c;
    if (q->what == NAGIOS_REQ_DETAIL) {
        nagios_detail_step(c);
    } else {
        char *query = nagios_cmd_form_query(q);
        char *url = xasprintf("%s/cmd.cgi?%s", n->base, query);

        nagios_start(n, c, url, NULL, NULL, nagios_form_done);
        free(query);
        free(url);
    }
    return &c->handle;
}

static void nagios_cancel(void *s, struct source_call *h)
{
    struct nagios *n = source_http_extra(s);
    struct nagios_call *c = h->self;

    if (c->http != NULL) {
        http_cancel(source_http_client(n->sh), c->http);
    }
    nagios_call_unlink(n, c);
    nagios_call_free(c);
}

static const char *nagios_tenant_of(void *s, const struct source_request *r)
{
    struct nagios *n = source_http_extra(s);
    const struct nagios_req *q = r->priv;
    const struct nagios_host_entry *e = q != NULL ? nagios_hostmap_find(n->map, q->host) : NULL;

    return e != NULL ? e->tenant : NULL;
}

/* The tenants the host map knows (the session may see), so that `:alerts TENANT` narrows
 * without Kubernetes. */
static void nagios_scopes(void *s, struct access *a, source_scope_fn fn, void *arg)
{
    struct nagios *n = source_http_extra(s);
    const char *last = NULL;

    for (size_t i = 0; i < nagios_hostmap_count(n->map); i++) {
        const char *t = nagios_hostmap_host(n->map, i)->tenant;

        if (t != NULL && (last == NULL || strcmp(t, last) != 0) && access_tenant_visible(a, t)) {
            fn(t, t, arg);
            last = t;
        }
    }
}

static void nagios_where(void *s, const char **context, const char **server)
{
    struct nagios *n = source_http_extra(s);

    *context = NULL;
    *server = n->base;
}

/* ---- lifecycle -------------------------------------------------------------------------- */

static bool nagios_configured(const struct gc_config *cfg, const char *demo_url)
{
    return source_http_configured(&nagios_def, cfg, demo_url);
}

static void nagios_free(void *p)
{
    struct nagios *n = p;

    while (n->calls != NULL) {
        struct nagios_call *c = n->calls;

        n->calls = c->next;
        nagios_call_free(c);
    }
    poller_free(n->hosts);
    poller_free(n->services);
    poller_free(n->groups);
    poller_free(n->objects);
    nagios_hostmap_free(n->raw_groups);
    nagios_hostmap_free(n->raw_objects);
    nagios_hostmap_free(n->map);
    nagios_hostmap_free(n->old_map);
    tenant_pattern_free(n->tp);
    free(n->base);
    free(n);
}

static struct poller *nagios_poller(struct nagios *n, const char *name, const char *query,
                                    enum store_kind kind, int every,
                                    const struct poller_ops *ops)
{
    const struct config_source *cs = config_source_get(n->env.cfg, "nagios");
    struct poller_config pc;
    char *url = xasprintf("%s/%s", n->base, query);
    struct poller *p;

    memset(&pc, 0, sizeof pc);
    pc.name = name;
    pc.url = url;
    pc.base = source_http_base(n->sh);
    pc.kind = kind;
    pc.interval_ms = every * (cs != NULL && cs->interval_ms > 0 ? cs->interval_ms
                                                                : n->env.cfg->ui.refresh_ms);
    pc.stats = (struct http_stats *)source_http_op_stats(n->sh);
    p = poller_new(n->env.loop, n->env.http, n->env.pool, n->env.store, &pc, ops, n);
    free(url);
    return p;
}

static void *nagios_init(const struct source_env *env, char **err)
{
    struct source_http *sh = source_http_new(env, &nagios_def, err);
    struct nagios *n;
    const char *pattern = env->cfg->nagios.tenant_pattern;

    if (sh == NULL) {
        return NULL;
    }
    n = xcalloc(1, sizeof *n);
    n->sh = sh;
    n->env = *env;
    n->base = nagios_cgi_base(env->cfg, env->demo_url);
    n->map = nagios_hostmap_new();
    n->map_gen = 1;
    if (pattern != NULL && pattern[0] != '\0') {
        n->tp = tenant_pattern_new(pattern, err);
        if (n->tp == NULL) {
            char *why = *err;

            *err = xasprintf("[nagios] tenant_pattern: %s", why);
            free(why);
            nagios_free(n);
            source_http_op_fini(sh);
            return NULL;
        }
    }
    source_http_set_extra(sh, n, nagios_free);
    n->tenancy.row_tenant = nagios_row_tenant;
    n->tenancy.gen = nagios_tenancy_gen;
    n->tenancy.names = nagios_names;
    n->tenancy.ctx = n;
    for (size_t i = 0; i < sizeof nagios_kinds / sizeof nagios_kinds[0]; i++) {
        store_register(env->store, nagios_kinds[i], nagios_free_row, &n->tenancy);
    }
    n->hosts_ops = (struct poller_ops){.decode = nagios_decode_hosts,
                                       .free_row = nagios_free_row,
                                       .error_text = nagios_error_text,
                                       .applied = nagios_status_applied};
    n->services_ops = n->hosts_ops;
    n->services_ops.decode = nagios_decode_services;
    n->groups_ops = (struct poller_ops){.decode = nagios_decode_groups,
                                        .free_row = nagios_free_row,
                                        .error_text = nagios_error_text,
                                        .applied = nagios_groups_applied,
                                        .free_extra = nagios_free_map};
    n->objects_ops = n->groups_ops;
    n->objects_ops.decode = nagios_decode_objects;
    n->objects_ops.applied = nagios_objects_applied;
    n->groups = nagios_poller(n, "nagios hostgroups",
                              "objectjson.cgi?query=hostgrouplist&details=true", STORE_KIND_COUNT,
                              1, &n->groups_ops);
    n->objects = nagios_poller(n, "nagios host objects",
                               "objectjson.cgi?query=hostlist&details=true", STORE_KIND_COUNT, 10,
                               &n->objects_ops);
    n->hosts = nagios_poller(n, "nagios hosts", "statusjson.cgi?query=hostlist&details=true",
                             STORE_NAGIOS_HOST, 1, &n->hosts_ops);
    n->services = nagios_poller(n, "nagios services",
                                "statusjson.cgi?query=servicelist&details=true",
                                STORE_NAGIOS_SERVICE, 1, &n->services_ops);
    return sh;
}

static void nagios_op_start(void *s)
{
    struct nagios *n = source_http_extra(s);

    source_http_op_start(s);
    poller_start(n->groups);
    poller_start(n->objects);
    poller_start(n->hosts);
    poller_start(n->services);
}

static void nagios_op_stop(void *s)
{
    struct nagios *n = source_http_extra(s);

    poller_stop(n->groups);
    poller_stop(n->objects);
    poller_stop(n->hosts);
    poller_stop(n->services);
    while (n->calls != NULL) {
        struct nagios_call *c = n->calls;
        struct source_reply reply = {.ok = false, .cancelled = true};

        if (c->http != NULL) {
            http_cancel(source_http_client(n->sh), c->http);
        }
        n->calls = c->next;
        c->done(&reply, c->arg);
        nagios_call_free(c);
    }
    source_http_op_stop(s);
}

/* The source's health: the first poll that fails, else the service list's (the data the
 * views show), else the program status's before any list came. */
static const struct source_health *nagios_health(void *s)
{
    struct nagios *n = source_http_extra(s);
    struct poller *order[] = {n->services, n->hosts, n->groups, n->objects};
    const struct source_health *own = source_http_op_health(s);

    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (poller_state(order[i]) == POLLER_FAILING) {
            return poller_health(order[i]);
        }
    }
    if (own->state == SOURCE_RETRYING) {
        return own;
    }
    return poller_health(n->services);
}

const struct source_ops nagios_source = {
    .name = "nagios",
    .kinds = nagios_kinds,
    .nkinds = sizeof nagios_kinds / sizeof nagios_kinds[0],
    .configured = nagios_configured,
    .init = nagios_init,
    .start = nagios_op_start,
    .stop = nagios_op_stop,
    .fini = source_http_op_fini,
    .health = nagios_health,
    .url = source_http_op_url,
    .stats = source_http_op_stats,
    .tenant_of = nagios_tenant_of,
    .where = nagios_where,
    .scopes = nagios_scopes,
    .perform = nagios_perform,
    .cancel = nagios_cancel,
    .error_text = nagios_error_text,
    .probe = source_http_op_probe,
};
