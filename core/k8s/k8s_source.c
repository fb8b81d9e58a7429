/* Kubernetes as a source (core/source.h): the client and its informers, the tenancy of its
 * kinds, the requests of its views, `:ctx`, and the probe of `govconsole check`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/config.h"
#include "core/http.h"
#include "core/k8s/k8s.h"
#include "core/k8s/k8s_applog.h"
#include "core/k8s/k8s_describe.h"
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_probe.h"
#include "core/k8s/k8s_request.h"
#include "core/k8s/k8s_tenancy.h"
#include "core/k8s/kubeconfig.h"
#include "core/log.h"
#include "core/source.h"
#include "core/store_impl.h"
#include "core/workpool.h"
#include "core/xalloc.h"


struct k8s_source;

/* A call in flight, kept so that a context switch can cancel it. */
struct source_call {
    struct k8s_source *ks;
    struct source_call *prev, *next;
    struct k8s_call *call;
    struct k8s_applog *applog; /* an app's log instead of one call */
    const struct source_request *req;
    source_reply_fn done;
    source_chunk_fn chunk;
    void *arg;
};

struct k8s_source {
    struct source_env env;
    struct k8s_tenancy *tenancy;
    struct k8s_client *client;
    struct k8s_client **retired; /* stopped clients whose decodes may still be in the pool */
    size_t nretired;
    struct k8s_options opts;
    char *kubeconfig;            /* as configured (NULL: $KUBECONFIG or ~/.kube/config) */
    char **contexts;             /* for :ctx completion; NULL in the demo */
    bool demo;
    struct http_stats stats;
    struct source_call *calls;
};

static const enum store_kind k8s_source_kinds[] = {
    STORE_NAMESPACE, STORE_POD,   STORE_DEPLOYMENT,  STORE_STATEFULSET,  STORE_EVENT,
    STORE_REPLICASET, STORE_QUOTA, STORE_POD_METRICS, STORE_NODE_METRICS, STORE_NODE,
};
#define K8S_SOURCE_NKINDS (sizeof k8s_source_kinds / sizeof k8s_source_kinds[0])

static bool k8s_source_configured(const struct gc_config *cfg, const char *demo_url)
{
    (void)cfg;
    (void)demo_url;
    return true; /* the cluster is the platform: always there, from the kubeconfig */
}

/* The cluster of the demo: govsim, no credentials. */
static void k8s_source_demo_target(const char *url, struct kube_target *t)
{
    memset(t, 0, sizeof *t);
    t->context = xstrdup("govsim-demo");
    t->cluster = xstrdup("govsim");
    t->server = xstrdup(url);
}

/* A kubeconfig others may read holds credentials others may read: said at start, as ssh
 * does for keys. The files kubectl reads: the configured one, else $KUBECONFIG's, else
 * ~/.kube/config. */
static void k8s_source_warn_loose(const struct source_env *env, const char *configured)
{
    const char *list = configured != NULL ? configured : getenv("KUBECONFIG");
    char *own = NULL, *copy, *save = NULL;

    if (list == NULL || list[0] == '\0') {
        own = getenv("HOME") != NULL ? xasprintf("%s/.kube/config", getenv("HOME")) : NULL;
        list = own;
    }
    if (list == NULL) {
        return;
    }
    copy = xstrdup(list);
    for (char *f = strtok_r(copy, configured != NULL ? "" : ":", &save); f != NULL;
         f = strtok_r(NULL, ":", &save)) {
        struct stat st;

        if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
            config_diag_warn(env->diag,
                             "%s: others may read it (mode %04o): chmod 600, its credentials "
                             "are yours",
                             f, (unsigned)(st.st_mode & 07777));
        }
    }
    free(copy);
    free(own);
}

static void *k8s_source_init(const struct source_env *env, char **err)
{
    const struct gc_config *cfg = env->cfg;
    struct k8s_source *ks = xcalloc(1, sizeof *ks);
    struct kube_target target;

    ks->env = *env;
    ks->tenancy = k8s_tenancy_new(env->store);
    for (size_t i = 0; i < cfg->ntenants; i++) {
        const struct config_tenant *t = &cfg->tenants[i];

        for (size_t k = 0; k < t->nnamespaces; k++) {
            k8s_tenancy_map_namespace(ks->tenancy, t->namespaces[k], t->name);
        }
        if (t->display != NULL) {
            k8s_tenancy_set_display(ks->tenancy, t->name, t->display);
        }
    }
    if (cfg->kubernetes.tenant_pattern != NULL &&
        k8s_tenancy_set_pattern(ks->tenancy, cfg->kubernetes.tenant_pattern, err) != 0) {
        k8s_tenancy_free(ks->tenancy);
        free(ks);
        return NULL;
    }
    k8s_tenancy_register(ks->tenancy);
    ks->kubeconfig = cfg->kubernetes.kubeconfig != NULL ? xstrdup(cfg->kubernetes.kubeconfig)
                                                        : NULL;
    if (env->demo_url != NULL) {
        ks->demo = true;
        k8s_source_demo_target(env->demo_url, &target);
    } else if (kubeconfig_load(ks->kubeconfig, cfg->kubernetes.context, &target, err) != 0) {
        char *hint = xasprintf("%s (--kubeconfig FILE and --context NAME choose a cluster; "
                               "--demo runs against the built-in simulator)",
                               *err);

        free(*err);
        *err = hint;
        k8s_tenancy_free(ks->tenancy);
        free(ks->kubeconfig);
        free(ks);
        return NULL;
    } else {
        ks->contexts = kubeconfig_contexts(ks->kubeconfig);
        k8s_source_warn_loose(env, ks->kubeconfig);
    }
    ks->opts.metrics_interval_ms = (int)cfg->kubernetes.interval_metrics_ms;
    ks->opts.stats = &ks->stats;
    ks->opts.allow_plain = cfg->kubernetes.allow_plain_http;
    ks->client = k8s_client_new(env->loop, env->http, env->pool, env->store, &target, &ks->opts);
    kube_target_fini(&target);
    return ks;
}

static void k8s_source_start(void *s)
{
    struct k8s_source *ks = s;

    k8s_client_start(ks->client);
}

/* Answers every call in flight as cancelled (the context changed, or the source stops). */
static void k8s_source_cancel_calls(struct k8s_source *ks, const char *why)
{
    while (ks->calls != NULL) {
        struct source_call *c = ks->calls;
        struct source_reply reply = {0};

        ks->calls = c->next;
        if (ks->calls != NULL) {
            ks->calls->prev = NULL;
        }
        k8s_client_cancel(ks->client, c->call);
        k8s_applog_free(c->applog);
        reply.cancelled = true;
        reply.error = xstrdup(why);
        c->done(&reply, c->arg);
        free(reply.text);
        free(reply.error);
        free(c);
    }
}

static void k8s_source_stop(void *s)
{
    struct k8s_source *ks = s;

    k8s_source_cancel_calls(ks, "cancelled: the console is stopping");
    k8s_client_stop(ks->client);
}

/* Frees the retired clients once no decode of theirs can be pending. */
static void k8s_source_reap(struct k8s_source *ks, bool pool_gone)
{
    if (ks->nretired == 0 || (!pool_gone && workpool_pending(ks->env.pool) > 0)) {
        return;
    }
    for (size_t i = 0; i < ks->nretired; i++) {
        k8s_client_free(ks->retired[i]);
    }
    free(ks->retired);
    ks->retired = NULL;
    ks->nretired = 0;
}

static void k8s_source_fini(void *s)
{
    struct k8s_source *ks = s;

    k8s_source_reap(ks, true);
    k8s_client_free(ks->client);
    k8s_tenancy_free(ks->tenancy);
    kubeconfig_contexts_free(ks->contexts);
    free(ks->kubeconfig);
    free(ks);
}

static const struct source_health *k8s_source_health(void *s)
{
    struct k8s_source *ks = s;

    return k8s_client_health(ks->client);
}

/* An informer's own health, by its resource's name ("nodes"). */
static const struct source_health *k8s_source_part_health(void *s, const char *part)
{
    struct k8s_source *ks = s;

    for (int k = 0; k < K8S_KIND_COUNT; k++) {
        const struct source_health *h = k8s_client_informer_health(ks->client, (enum k8s_kind)k);

        if (h->name != NULL && strcmp(h->name, part) == 0) {
            return h;
        }
    }
    return NULL;
}

/* "connected" while watching, else the health's token; and why CPU and MEM read n/a. */
static void k8s_source_token(void *s, char *buf, size_t size)
{
    struct k8s_source *ks = s;
    const struct source_health *h = k8s_client_health(ks->client);
    char tok[96];
    size_t nconflicts;

    if (h->state == SOURCE_OK) {
        snprintf(tok, sizeof tok, "connected");
    } else {
        source_health_token(h, tok, sizeof tok);
    }
    switch (k8s_client_metrics_state(ks->client)) {
    case K8S_METRICS_ABSENT:
        snprintf(buf, size, "%s  metrics: none", tok);
        break;
    case K8S_METRICS_FAILING:
        snprintf(buf, size, "%s  metrics: failing", tok);
        break;
    case K8S_METRICS_UNKNOWN:
    case K8S_METRICS_OK:
        snprintf(buf, size, "%s", tok);
        break;
    }
    k8s_tenancy_conflicts(ks->tenancy, &nconflicts);
    if (nconflicts > 0) {
        size_t o = strlen(buf);

        snprintf(buf + o, size > o ? size - o : 0, "  tenancy conflicts: %zu (:sources)",
                 nconflicts);
    }
}

/* What stands beside the health: namespaces refused for a tenancy conflict. */
static const char *k8s_source_note(void *s)
{
    struct k8s_source *ks = s;
    size_t n;
    const char *text = k8s_tenancy_conflicts(ks->tenancy, &n);

    return n > 0 ? text : NULL;
}

static void k8s_source_summary(void *s, char *buf, size_t size)
{
    struct k8s_source *ks = s;
    const char *ctx = k8s_client_context(ks->client);
    const char *server = k8s_client_server(ks->client);

    snprintf(buf, size, "context: %s  server: %s", ctx != NULL ? ctx : "-",
             server != NULL ? server : "-");
}

static const char *k8s_source_url(void *s)
{
    struct k8s_source *ks = s;

    return k8s_client_server(ks->client);
}

static const struct http_stats *k8s_source_stats(void *s)
{
    struct k8s_source *ks = s;

    return &ks->stats;
}

/* The namespaces the session may see, each with its tenant. */
static void k8s_source_scopes(void *s, struct access *a, source_scope_fn fn, void *arg)
{
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    (void)s;
    access_rows(a, STORE_NAMESPACE, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const char *ns = ((const struct k8s_namespace *)r)->name;

        if (ns != NULL) {
            fn(ns, tenant, arg);
        }
    }
}

static void k8s_source_unlink(struct source_call *c)
{
    struct k8s_source *ks = c->ks;

    if (c->prev != NULL) {
        c->prev->next = c->next;
    } else {
        ks->calls = c->next;
    }
    if (c->next != NULL) {
        c->next->prev = c->prev;
    }
}

static struct source_call *k8s_source_track(struct k8s_source *ks, const struct source_request *r,
                                            source_reply_fn done, source_chunk_fn chunk,
                                            void *arg)
{
    struct source_call *c = xcalloc(1, sizeof *c);

    c->ks = ks;
    c->req = r;
    c->done = done;
    c->chunk = chunk;
    c->arg = arg;
    c->next = ks->calls;
    if (ks->calls != NULL) {
        ks->calls->prev = c;
    }
    ks->calls = c;
    return c;
}

static void k8s_source_answered(long status, const char *body, size_t len, const char *error,
                                void *arg)
{
    struct source_call *c = arg;
    struct k8s_source *ks = c->ks;
    const struct source_request *r = c->req;
    struct source_reply reply = {0};

    k8s_source_unlink(c);
    reply.status = status;
    reply.ok = error == NULL && status >= 200 && status < 300 &&
               (r->op != SOURCE_OP_DETAIL || status == 200);
    if (!reply.ok) {
        reply.error = k8s_error_text(status, body, len, error);
    } else if (r->op == SOURCE_OP_DETAIL && r->detail == SOURCE_DETAIL_TEXT) {
        reply.text = k8s_describe_request(ks->env.store, k8s_request_priv(r), body, len,
                                          (int64_t)time(NULL), r->access);
        if (reply.text == NULL) {
            reply.text = xstrndup(body, len); /* not an object: show what came */
        }
    } else if (r->op == SOURCE_OP_DETAIL) {
        reply.text = xstrndup(body, len);
    }
    c->done(&reply, c->arg);
    free(reply.text);
    free(reply.error);
    free(c);
}

static struct source_call *k8s_source_perform(void *s, const struct source_request *r,
                                              source_reply_fn done, void *arg)
{
    struct k8s_source *ks = s;
    const struct k8s_request_priv *kp = k8s_request_priv(r);
    struct source_call *c;

    if (kp == NULL) {
        return NULL;
    }
    c = k8s_source_track(ks, r, done, NULL, arg);
    c->call = k8s_client_call(ks->client, kp->method, kp->path, kp->body, kp->content_type,
                              k8s_source_answered, c);
    return c;
}

static void k8s_source_stream_data(const char *data, size_t len, void *arg)
{
    struct source_call *c = arg;
    struct source_chunk chunk = {.kind = SOURCE_CHUNK_TEXT, .data = data, .len = len};

    c->chunk(&chunk, c->arg);
}

static void k8s_source_stream_done(long status, const char *body, size_t len, const char *error,
                                   void *arg)
{
    struct source_call *c = arg;
    struct source_reply reply = {0};

    k8s_source_unlink(c);
    reply.status = status;
    reply.ok = error == NULL && status >= 200 && status < 300;
    if (!reply.ok) {
        reply.error = k8s_error_text(status, body, len, error);
    }
    c->done(&reply, c->arg);
    free(reply.error);
    free(c);
}

/* An app's log ended by itself (every previous run read): it is freed here, after the
 * reader heard of it (k8s_applog_start() allows that from inside `done`). */
static void k8s_source_applog_done(struct source_reply *reply, void *arg)
{
    struct source_call *c = arg;

    k8s_source_unlink(c);
    c->done(reply, c->arg);
    k8s_applog_free(c->applog);
    free(c);
}

static void k8s_source_applog_chunk(const struct source_chunk *chunk, void *arg)
{
    struct source_call *c = arg;

    c->chunk(chunk, c->arg);
}

static struct k8s_call *k8s_source_applog_open(void *ctx, const char *path, k8s_data_fn on_data,
                                               k8s_result_fn on_done, void *arg)
{
    struct k8s_source *ks = ctx;

    return k8s_client_stream(ks->client, path, on_data, on_done, arg);
}

static void k8s_source_applog_cancel(void *ctx, struct k8s_call *call)
{
    struct k8s_source *ks = ctx;

    k8s_client_cancel(ks->client, call);
}

static struct source_call *k8s_source_stream(void *s, const struct source_request *r,
                                             const struct source_stream_opts *o,
                                             source_chunk_fn on_chunk, source_reply_fn done,
                                             void *arg)
{
    struct k8s_source *ks = s;
    const struct k8s_request_priv *kp = k8s_request_priv(r);
    struct source_call *c;
    char *path;

    if (kp == NULL || (kp->obj != K8S_OBJECT_POD && kp->app == NULL)) {
        return NULL;
    }
    c = k8s_source_track(ks, r, done, on_chunk, arg);
    if (kp->obj != K8S_OBJECT_POD) {
        /* an app: its pods' logs, merged */
        const struct k8s_applog_io io = {
            .open = k8s_source_applog_open,
            .cancel = k8s_source_applog_cancel,
            .ctx = ks,
        };
        const struct k8s_applog_target t = {
            .ns = kp->ns,
            .app = kp->app,
            .version = kp->version,
            .container = o->part < r->nparts ? r->parts[o->part] : NULL,
            .previous = o->previous,
            .timestamps = o->timestamps,
        };

        c->applog = k8s_applog_start(ks->env.loop, ks->env.store,
                                     r->access != NULL ? r->access : ks->env.access, &io, &t,
                                     k8s_source_applog_chunk, k8s_source_applog_done, c);
        return c;
    }
    path = k8s_request_log_path(r, o);
    c->call = k8s_client_stream(ks->client, path, k8s_source_stream_data, k8s_source_stream_done,
                                c);
    free(path);
    return c;
}

/* Whether a container of the request's pod (or of any of its app's pods) has a previous run:
 * the store's pod rows, as the session sees them. */
static int k8s_source_part_previous(void *s, const struct source_request *r, size_t part)
{
    struct k8s_source *ks = s;
    const struct k8s_request_priv *kp = k8s_request_priv(r);
    struct access *acc = r->access != NULL ? r->access : ks->env.access;
    struct access_cursor cur;
    const struct store_row *row;
    int answer = -1;

    if (kp == NULL || part >= r->nparts || acc == NULL) {
        return -1;
    }
    if (kp->obj == K8S_OBJECT_POD) {
        const struct store_row *pr =
            kp->uid != NULL ? store_get(store_table(ks->env.store, STORE_POD), kp->uid) : NULL;
        const struct k8s_pod *p = (const struct k8s_pod *)pr;

        if (p == NULL || p->name == NULL || strcmp(p->name, kp->name) != 0 ||
            !access_tenant_visible(acc, access_row_tenant(acc, STORE_POD, pr))) {
            return -1;
        }
        return k8s_pod_has_previous(p, r->parts[part]);
    }
    access_rows(acc, STORE_POD, &cur);
    while ((row = access_next(&cur, NULL)) != NULL) {
        const struct k8s_pod *p = (const struct k8s_pod *)row;
        int has;

        if (kp->app == NULL || !k8s_pod_of_app(p, kp->ns, kp->app, kp->version)) {
            continue;
        }
        has = k8s_pod_has_previous(p, r->parts[part]);
        if (has == 1) {
            return 1;
        }
        if (has == 0) {
            answer = 0;
        }
    }
    return answer;
}

static const char *k8s_source_tenant_of(void *s, const struct source_request *r)
{
    struct k8s_source *ks = s;
    const struct k8s_request_priv *kp = k8s_request_priv(r);

    return kp != NULL ? k8s_tenancy_ns_tenant(ks->tenancy, kp->ns) : NULL;
}

static void k8s_source_where(void *s, const char **context, const char **server)
{
    struct k8s_source *ks = s;

    *context = k8s_client_context(ks->client);
    *server = k8s_client_server(ks->client);
}

static void k8s_source_cancel(void *s, struct source_call *c)
{
    struct k8s_source *ks = s;

    if (c == NULL) {
        return;
    }
    k8s_source_unlink(c);
    k8s_client_cancel(ks->client, c->call);
    k8s_applog_free(c->applog);
    free(c);
}

/* May this session switch to context `name`? A session scoped to some tenants stays on its
 * cluster unless the system configuration names the context ([access] contexts). */
static bool k8s_source_ctx_allowed(const struct k8s_source *ks, const char *name)
{
    const char *list = ks->env.cfg->access.contexts;
    size_t n = strlen(name);

    if (ks->env.access == NULL || access_all_tenants(ks->env.access)) {
        return true;
    }
    while (list != NULL && *list != '\0') {
        size_t len;

        list += strspn(list, ", \t");
        len = strcspn(list, ", \t");
        if (len == n && len > 0 && strncmp(list, name, n) == 0) {
            return true;
        }
        list += len;
    }
    return false;
}

/* :ctx NAME: a new client for another context of the kubeconfig. The kinds Kubernetes owns
 * are cleared (only those); calls in flight to the old cluster are answered as cancelled, so
 * that nothing is completed and audited against the new one. */
static int k8s_source_ctx(void *s, const char *name, char **msg)
{
    struct k8s_source *ks = s;
    struct kube_target target;
    char *err = NULL;

    if (name[0] == '\0') {
        *msg = xasprintf("context: %s", k8s_client_context(ks->client));
        return 0;
    }
    if (ks->demo) {
        *msg = xstrdup("contexts cannot be switched in this session (--demo)");
        return -1;
    }
    if (!k8s_source_ctx_allowed(ks, name)) {
        *msg = xasprintf("a session scoped to %s stays on its cluster: context %s is not one "
                         "the system configuration allows ([access] contexts)",
                         access_scope_text(ks->env.access), name);
        return -1;
    }
    if (kubeconfig_load(ks->kubeconfig, name, &target, &err) != 0) {
        *msg = err;
        return -1;
    }
    k8s_source_cancel_calls(ks, "cancelled: the context changed before the answer");
    k8s_client_stop(ks->client);
    ks->retired = xrealloc(ks->retired, (ks->nretired + 1) * sizeof *ks->retired);
    ks->retired[ks->nretired++] = ks->client;
    for (size_t k = 0; k < K8S_SOURCE_NKINDS; k++) {
        store_clear(store_table(ks->env.store, k8s_source_kinds[k]));
    }
    ks->client = k8s_client_new(ks->env.loop, ks->env.http, ks->env.pool, ks->env.store, &target,
                                &ks->opts);
    kube_target_fini(&target);
    k8s_client_start(ks->client);
    k8s_source_reap(ks, false);
    log_msg("context switched to %s", name);
    *msg = xasprintf("context %s", name);
    return 0;
}

static size_t k8s_source_ctx_complete(void *s, const char *word, size_t wlen, const char **out,
                                      size_t max)
{
    struct k8s_source *ks = s;
    size_t n = 0;

    for (size_t i = 0; ks->contexts != NULL && ks->contexts[i] != NULL && n < max; i++) {
        if (strncmp(ks->contexts[i], word, wlen) == 0 &&
            k8s_source_ctx_allowed(ks, ks->contexts[i])) {
            out[n++] = ks->contexts[i];
        }
    }
    return n;
}

static void k8s_source_probe(void *s, source_probe_fn done, void *arg)
{
    struct k8s_source *ks = s;

    k8s_probe_start(ks->client,
                    ks->env.access != NULL && !access_all_tenants(ks->env.access)
                        ? access_scope_text(ks->env.access)
                        : NULL,
                    done, arg);
}

static const char *const k8s_source_ctx_aliases[] = {"context", NULL};

static const struct source_command k8s_source_commands[] = {
    {
        .name = "ctx",
        .aliases = k8s_source_ctx_aliases,
        .help = "switch the Kubernetes context (:ctx NAME; without a name, say which)",
        .run = k8s_source_ctx,
        .complete = k8s_source_ctx_complete,
    },
    {.name = NULL},
};

const struct source_ops k8s_source = {
    .name = "kubernetes",
    .kinds = k8s_source_kinds,
    .nkinds = K8S_SOURCE_NKINDS,
    .configured = k8s_source_configured,
    .init = k8s_source_init,
    .start = k8s_source_start,
    .stop = k8s_source_stop,
    .fini = k8s_source_fini,
    .health = k8s_source_health,
    .part_health = k8s_source_part_health,
    .token = k8s_source_token,
    .note = k8s_source_note,
    .summary = k8s_source_summary,
    .url = k8s_source_url,
    .stats = k8s_source_stats,
    .scopes = k8s_source_scopes,
    .perform = k8s_source_perform,
    .stream = k8s_source_stream,
    .part_previous = k8s_source_part_previous,
    .cancel = k8s_source_cancel,
    .tenant_of = k8s_source_tenant_of,
    .where = k8s_source_where,
    .error_text = k8s_error_text,
    .probe = k8s_source_probe,
    .commands = k8s_source_commands,
};
