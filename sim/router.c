#include "sim/router.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/sim_util.h"

/* The API modules, in the order their prefixes are tried: Kubernetes last, as its "/"
 * takes every path the others do not (unknown paths get the apiserver's 404 Status), and
 * ServiceNow before it, as /api/now/ is not the apiserver's /api. */
extern const struct sim_api nagios_api;
extern const struct sim_api servicenow_api;
extern const struct sim_api mapr_api;
extern const struct sim_api krakend_api;
extern const struct sim_api k8s_api;

static const struct sim_api *const apis[] = {
    &nagios_api,     /* sim/nagios/ */
    &servicenow_api, /* sim/servicenow/ */
    &mapr_api,       /* sim/mapr/ */
    &krakend_api,    /* sim/krakend/ */
    &k8s_api,        /* sim/k8s/ */
};

#define N_APIS (sizeof(apis) / sizeof(apis[0]))

static const char *const fault_names[] = {
    [ROUTER_FAULT_NONE] = "none",       [ROUTER_FAULT_500] = "500",
    [ROUTER_FAULT_401] = "401",         [ROUTER_FAULT_403] = "403",
    [ROUTER_FAULT_GARBAGE] = "garbage", [ROUTER_FAULT_TRUNCATE] = "truncate",
    [ROUTER_FAULT_HANG] = "hang",       [ROUTER_FAULT_ESCAPE] = "escape",
    [ROUTER_FAULT_LEAK] = "leak",
};

#define N_FAULTS (sizeof(fault_names) / sizeof(fault_names[0]))

struct router {
    struct MHD_Daemon *daemon;
    struct router_config cfg;
    uint16_t port;
    void *state[N_APIS];
    /* The injected fault, guarded by the world lock. */
    enum router_fault fault_mode;
    unsigned fault_count;
    char fault_path[256];
    int64_t delay_get_ms; /* guarded by the world lock */
    /* The request log (s7-isolation, issue 16): see reqlog_add(). */
    pthread_mutex_t log_lock;
    char **log;                   /* ring of REQLOG_MAX lines, "METHOD PATH[?QUERY]" */
    unsigned long long log_total; /* lines ever logged: the next line's number */
};

#define DELAY_MAX_MS 600000

/* Response body bytes served, for /_sim/stats (`make bench` reads them): watch streams, paged
 * lists, and every buffered body (single objects, metrics, errors, /_sim itself). */
static _Atomic unsigned long long sent_watch, sent_list, sent_buffered;

/* Per-request state kept in *con_cls between MHD's calls: the request body so far. */
struct conn_state {
    struct jbuf body;
    bool too_large;
};

/* ---- responses --------------------------------------------------------------------- */

static void add_headers(struct MHD_Response *resp, const char *ctype, const char *const *headers)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    for (size_t i = 0; headers && headers[i] && headers[i + 1]; i += 2) {
        MHD_add_response_header(resp, headers[i], headers[i + 1]);
    }
}

enum MHD_Result router_queue_buffer(struct MHD_Connection *conn, unsigned status, const char *ctype,
                                    char *data, size_t len, const char *const *headers)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    sent_buffered += len;
    add_headers(resp, ctype, headers);
    enum MHD_Result rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

enum MHD_Result router_queue_text(struct MHD_Connection *conn, unsigned status, const char *ctype,
                                  const char *text, const char *const *headers)
{
    return router_queue_buffer(conn, status, ctype, sim_xstrdup(text), strlen(text), headers);
}

enum MHD_Result router_queue_jbuf(struct MHD_Connection *conn, unsigned status, struct jbuf *b,
                                  const char *const *headers)
{
    size_t len;
    char *data = jbuf_steal(b, &len);
    return router_queue_buffer(conn, status, "application/json", data, len, headers);
}

enum MHD_Result router_queue_json_as(struct MHD_Connection *conn, unsigned status,
                                     const char *ctype, json_t *doc, size_t flags,
                                     const char *const *headers)
{
    char *s = json_dumps(doc, flags | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (!s) {
        return MHD_NO;
    }
    return router_queue_buffer(conn, status, ctype, s, strlen(s), headers);
}

enum MHD_Result router_queue_json(struct MHD_Connection *conn, unsigned status, json_t *doc,
                                  const char *const *headers)
{
    return router_queue_json_as(conn, status, "application/json", doc, JSON_COMPACT, headers);
}

enum MHD_Result router_queue_stream(struct MHD_Connection *conn, const char *ctype, uint64_t size,
                                    size_t block, MHD_ContentReaderCallback reader, void *cls,
                                    MHD_ContentReaderFreeCallback free_fn,
                                    const char *const *headers)
{
    struct MHD_Response *resp =
        MHD_create_response_from_callback(size, block, reader, cls, free_fn);
    if (!resp) {
        free_fn(cls);
        return MHD_NO;
    }
    add_headers(resp, ctype, headers);
    enum MHD_Result rc = MHD_queue_response(conn, 200, resp);
    MHD_destroy_response(resp);
    return rc;
}

void router_count_sent(enum router_sent kind, size_t n)
{
    if (kind == ROUTER_SENT_WATCH) {
        sent_watch += n;
    } else {
        sent_list += n;
    }
}

/* ---- requests ---------------------------------------------------------------------- */

const char *router_arg(struct MHD_Connection *conn, const char *key)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

bool router_arg_true(struct MHD_Connection *conn, const char *key)
{
    const char *v = router_arg(conn, key);
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "True") == 0);
}

const char *router_header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

int router_connection_fd(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    return ci ? ci->connect_fd : -1;
}

bool router_peer_closed(int fd)
{
    if (fd < 0) {
        return false;
    }
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) {
        return true;
    }
    return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

bool router_basic_auth(const struct router_request *req, char *user, size_t size)
{
    user[0] = '\0';
    const char *want = req->cfg->basic_auth;
    if (!want) {
        return true;
    }
    const char *h = router_header(req->conn, "Authorization");
    if (!h || strncasecmp(h, "Basic ", 6) != 0) {
        return false;
    }
    size_t len;
    char *pair = sim_base64_decode(h + 6, &len);
    bool ok = pair && len == strlen(want) && memcmp(pair, want, len) == 0;
    if (ok) {
        const char *colon = strchr(want, ':');
        size_t n = colon ? (size_t)(colon - want) : strlen(want);
        snprintf(user, size, "%.*s", (int)n, want);
    }
    free(pair);
    return ok;
}

enum router_fault router_take_fault(struct router *r, const char *path)
{
    struct world *w = r->cfg.world;
    enum router_fault mode = ROUTER_FAULT_NONE;
    world_lock(w);
    if (r->fault_count > 0 &&
        (!r->fault_path[0] || strncmp(path, r->fault_path, strlen(r->fault_path)) == 0)) {
        mode = r->fault_mode;
        if (--r->fault_count == 0) {
            r->fault_mode = ROUTER_FAULT_NONE;
        }
    }
    world_unlock(w);
    return mode;
}

int64_t router_get_delay_ms(struct router *r)
{
    world_lock(r->cfg.world);
    int64_t ms = r->delay_get_ms;
    world_unlock(r->cfg.world);
    return ms;
}

uint16_t router_port(const struct router *r)
{
    return r->port;
}

/* ---- /_sim/ control endpoints --------------------------------------------------------- */

/* A failure in the apiserver's Status shape, as the control endpoints have always answered. */
static enum MHD_Result sim_error(struct MHD_Connection *conn, unsigned code, const char *reason,
                                 const char *message)
{
    return router_queue_json(conn, code,
                             json_pack("{s:s,s:s,s:{},s:s,s:s,s:s,s:i}", "kind", "Status",
                                       "apiVersion", "v1", "metadata", "status", "Failure",
                                       "message", message, "reason", reason, "code", (int)code),
                             NULL);
}

static enum MHD_Result sim_stats(struct router *r, struct MHD_Connection *conn)
{
    struct world *w = r->cfg.world;
    world_lock(w);
    char rv[24];
    char floor[24];
    snprintf(rv, sizeof(rv), "%llu", (unsigned long long)w->rv);
    snprintf(floor, sizeof(floor), "%llu", (unsigned long long)w->floor_rv);
    size_t deployments = 0;
    size_t statefulsets = 0;
    size_t rolling = 0;
    for (size_t i = 0; i < w->n_apps; i++) {
        deployments += w->apps[i].kind == APP_DEPLOYMENT;
        statefulsets += w->apps[i].kind == APP_STATEFULSET;
        rolling += w->apps[i].rolling;
    }
    json_t *doc =
        json_pack("{s:I,s:I,s:I,s:I,s:s,s:s,s:I,s:I,s:I,s:s,s:I}", "pods", (json_int_t)w->n_pods,
                  "namespaces", (json_int_t)w->n_ns, "deployments", (json_int_t)deployments,
                  "nodes", (json_int_t)w->n_nodes, "resourceVersion", rv, "oldestResourceVersion",
                  floor, "historyEvents", (json_int_t)w->hist_len, "openWatches",
                  (json_int_t)w->open_watches, "requestsServed", (json_int_t)w->requests, "fault",
                  fault_names[r->fault_mode], "faultCount", (json_int_t)r->fault_count);
    json_object_set_new(doc, "statefulsets", json_integer((json_int_t)statefulsets));
    json_object_set_new(doc, "events", json_integer((json_int_t)w->n_events));
    json_object_set_new(doc, "rollouts", json_integer((json_int_t)rolling));
    json_object_set_new(doc, "timers", json_boolean(w->ctl_active));
    json_object_set_new(doc, "watchBytesSent", json_integer((json_int_t)sent_watch));
    json_object_set_new(doc, "listBytesSent", json_integer((json_int_t)sent_list));
    json_object_set_new(doc, "bufferedBytesSent", json_integer((json_int_t)sent_buffered));
    json_object_set_new(doc, "getDelayMs", json_integer((json_int_t)r->delay_get_ms));
    world_unlock(w);
    return router_queue_json(conn, 200, doc, NULL);
}

static enum MHD_Result sim_fault(struct router *r, struct MHD_Connection *conn)
{
    const char *mode = router_arg(conn, "mode");
    const char *count = router_arg(conn, "count");
    const char *path = router_arg(conn, "path");
    int m = -1;
    for (size_t i = 0; mode && i < N_FAULTS; i++) {
        if (strcmp(mode, fault_names[i]) == 0) {
            m = (int)i;
        }
    }
    if (mode && strcmp(mode, "off") == 0) {
        m = ROUTER_FAULT_NONE;
    }
    if (m < 0) {
        return sim_error(conn, 400, "BadRequest",
                         "mode must be one of 500, 401, 403, garbage, truncate, hang, escape, leak, off");
    }
    long c = count ? strtol(count, NULL, 10) : 1;
    if (c < 0) {
        c = 0;
    }
    struct world *w = r->cfg.world;
    world_lock(w);
    r->fault_mode = (enum router_fault)m;
    r->fault_count = m == ROUTER_FAULT_NONE ? 0 : (unsigned)c;
    snprintf(r->fault_path, sizeof(r->fault_path), "%s", path ? path : "");
    world_unlock(w);
    return router_queue_json(conn, 200,
                             json_pack("{s:s,s:i,s:s}", "mode", fault_names[m], "count",
                                       m == ROUTER_FAULT_NONE ? 0 : (int)c, "path",
                                       path ? path : ""),
                             NULL);
}

/* POST /_sim/delay?get=MS: hold back the answers to GETs of one object. */
static enum MHD_Result sim_delay(struct router *r, struct MHD_Connection *conn)
{
    const char *get = router_arg(conn, "get");
    char *end = NULL;
    long long ms = get ? strtoll(get, &end, 10) : -1;
    if (!get || !*get || *end || ms < 0 || ms > DELAY_MAX_MS) {
        return sim_error(conn, 400, "BadRequest", "get must be milliseconds, 0 to 600000");
    }
    world_lock(r->cfg.world);
    r->delay_get_ms = ms;
    world_unlock(r->cfg.world);
    return router_queue_json(conn, 200, json_pack("{s:I}", "get", (json_int_t)ms), NULL);
}

/* POST /_sim/label?namespace=NS&tenant=T: relabel a namespace for another tenant. */
static enum MHD_Result sim_label(struct router *r, struct MHD_Connection *conn)
{
    const char *ns = router_arg(conn, "namespace");
    const char *tenant = router_arg(conn, "tenant");
    if (!ns || !tenant || strlen(tenant) >= sizeof(((struct world_ns *)0)->tenant)) {
        return sim_error(conn, 400, "BadRequest", "namespace and tenant (under 32 bytes) are required");
    }
    world_lock(r->cfg.world);
    int rc = world_ns_relabel(r->cfg.world, ns, tenant);
    world_unlock(r->cfg.world);
    if (rc < 0) {
        return sim_error(conn, 404, "NotFound", "no such namespace");
    }
    return router_queue_json(conn, 200, json_pack("{s:s,s:s}", "namespace", ns, "tenant", tenant),
                             NULL);
}

/* POST /_sim/crashloop?ns=NS&app=NAME: every pod of a Deployment or StatefulSet into
 * CrashLoopBackOff (krakend, issue 15: its routes' 5xx follow). */
static enum MHD_Result sim_crashloop(struct world *w, struct MHD_Connection *conn)
{
    const char *ns = router_arg(conn, "ns"), *app = router_arg(conn, "app");
    if (ns == NULL || app == NULL) {
        return sim_error(conn, 400, "BadRequest", "ns and app are required");
    }
    world_lock(w);
    int rank = world_ns_find(w, ns);
    size_t i = rank < 0 ? w->n_apps : world_app_lower_bound(w, rank, app, false);
    if (i >= w->n_apps || w->apps[i].ns != rank || strcmp(w->apps[i].name, app) != 0) {
        world_unlock(w);
        return sim_error(conn, 404, "NotFound", "no such app");
    }
    size_t n = world_app_crashloop(w, i);
    world_changed(w);
    world_unlock(w);
    return router_queue_json(conn, 200, json_pack("{s:I}", "pods", (json_int_t)n), NULL);
}

/* ---- the request log (s7-isolation, issue 16) ---------------------------------------- */

/* Every request but /_sim/'s, as "METHOD PATH?QUERY" (the query's arguments decoded, in the
 * order sent), kept in a ring of the last REQLOG_MAX: GET /_sim/requests?since=N answers
 * {"next":TOTAL,"dropped":D,"requests":[...]} with the lines numbered N and up, so that a test
 * can prove that a request was never sent. */
#define REQLOG_MAX 65536

/* Appends s with every byte outside printable ASCII as %XX, so that each line is valid JSON
 * text and none is lost to a query that is not UTF-8. */
static void reqlog_put(struct jbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p < 0x7f) {
            jbuf_putc(b, (char)*p);
        } else {
            jbuf_printf(b, "%%%02X", *p);
        }
    }
}

static enum MHD_Result reqlog_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    struct jbuf *b = cls;
    jbuf_puts(b, b->data[b->len - 1] == '?' ? "" : "&");
    reqlog_put(b, key);
    if (value) {
        jbuf_puts(b, "=");
        reqlog_put(b, value);
    }
    return MHD_YES;
}

static void reqlog_add(struct router *r, struct MHD_Connection *conn, const char *method,
                       const char *url)
{
    struct jbuf b;
    jbuf_init(&b);
    jbuf_puts(&b, method);
    jbuf_puts(&b, " ");
    reqlog_put(&b, url);
    jbuf_puts(&b, "?");
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, reqlog_arg, &b);
    if (b.data[b.len - 1] == '?') {
        b.len--;
    }
    pthread_mutex_lock(&r->log_lock);
    char **slot = &r->log[r->log_total % REQLOG_MAX];
    free(*slot);
    *slot = jbuf_steal(&b, NULL);
    r->log_total++;
    pthread_mutex_unlock(&r->log_lock);
}

static enum MHD_Result sim_requests(struct router *r, struct MHD_Connection *conn)
{
    const char *since = router_arg(conn, "since");
    unsigned long long from = since ? strtoull(since, NULL, 10) : 0;
    json_t *lines = json_array();
    pthread_mutex_lock(&r->log_lock);
    unsigned long long total = r->log_total;
    unsigned long long oldest = total > REQLOG_MAX ? total - REQLOG_MAX : 0;
    unsigned long long dropped = from < oldest ? oldest - from : 0;
    for (unsigned long long i = from < oldest ? oldest : from; i < total; i++) {
        json_array_append_new(lines, json_string(r->log[i % REQLOG_MAX]));
    }
    pthread_mutex_unlock(&r->log_lock);
    return router_queue_json(conn, 200,
                             json_pack("{s:I,s:I,s:o}", "next", (json_int_t)total, "dropped",
                                       (json_int_t)dropped, "requests", lines),
                             NULL);
}

/* The control endpoints: POST (or PUT) to change the world, GET for the counters. */
static enum MHD_Result serve_sim(struct router *r, struct MHD_Connection *conn, const char *method,
                                 const char *url)
{
    static const char *const posts[] = {"/_sim/churn", "/_sim/compact", "/_sim/drop-watches",
                                        "/_sim/fault", "/_sim/delay",   "/_sim/label",
                                        "/_sim/crashloop", NULL};
    struct world *w = r->cfg.world;
    bool post = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0;
    if (strcmp(url, "/_sim/requests") == 0 && strcmp(method, "GET") == 0) { /* s7-isolation */
        return sim_requests(r, conn);
    }
    if (strcmp(url, "/_sim/stats") == 0) {
        return strcmp(method, "GET") == 0
                   ? sim_stats(r, conn)
                   : sim_error(conn, 405, "MethodNotAllowed",
                               "the server does not allow this method on the requested resource");
    }
    int known = -1;
    for (int i = 0; posts[i]; i++) {
        if (strcmp(url, posts[i]) == 0) {
            known = i;
        }
    }
    if (known < 0) {
        return sim_error(conn, 404, "NotFound", "the server could not find the requested resource");
    }
    if (!post) {
        return sim_error(conn, 405, "MethodNotAllowed",
                         "the server does not allow this method on the requested resource");
    }
    char rv[24];
    if (strcmp(url, "/_sim/churn") == 0) {
        const char *ns = router_arg(conn, "n");
        long n = ns ? strtol(ns, NULL, 10) : 1;
        if (n < 0 || n > 1000000) {
            return sim_error(conn, 400, "BadRequest", "n must be between 0 and 1000000");
        }
        uint64_t now_rv = world_churn(w, (unsigned)n);
        snprintf(rv, sizeof(rv), "%llu", (unsigned long long)now_rv);
        return router_queue_json(
            conn, 200, json_pack("{s:s,s:i}", "resourceVersion", rv, "applied", (int)n), NULL);
    }
    if (strcmp(url, "/_sim/compact") == 0) {
        world_compact(w);
        world_lock(w);
        snprintf(rv, sizeof(rv), "%llu", (unsigned long long)w->rv);
        world_unlock(w);
        return router_queue_json(conn, 200, json_pack("{s:s}", "resourceVersion", rv), NULL);
    }
    if (strcmp(url, "/_sim/drop-watches") == 0) {
        world_lock(w);
        unsigned long open = w->open_watches;
        world_unlock(w);
        world_drop_watches(w);
        return router_queue_json(conn, 200, json_pack("{s:I}", "dropped", (json_int_t)open), NULL);
    }
    if (strcmp(url, "/_sim/delay") == 0) {
        return sim_delay(r, conn);
    }
    if (strcmp(url, "/_sim/label") == 0) {
        return sim_label(r, conn);
    }
    if (strcmp(url, "/_sim/crashloop") == 0) { /* krakend (issue 15) */
        return sim_crashloop(w, conn);
    }
    return sim_fault(r, conn);
}

/* ---- the access handler ------------------------------------------------------------ */

/* The first module with a prefix the path starts with (the table ends with a catch-all). */
static size_t find_api(const char *url)
{
    for (size_t i = 0; i < N_APIS; i++) {
        for (size_t p = 0; apis[i]->prefixes[p]; p++) {
            if (strncmp(url, apis[i]->prefixes[p], strlen(apis[i]->prefixes[p])) == 0) {
                return i;
            }
        }
    }
    return N_APIS - 1;
}

/* The module whose own control endpoints (/_sim/NAME/...) the path names, else N_APIS. */
static size_t find_control(const char *url)
{
    for (size_t i = 0; i < N_APIS; i++) {
        size_t n = strlen(apis[i]->name);
        if (apis[i]->control && strncmp(url + 6, apis[i]->name, n) == 0 && url[6 + n] == '/') {
            return i;
        }
    }
    return N_APIS;
}

/* MHD calls this first with *con_cls NULL (headers only), then with pieces of the body,
 * then once more with nothing left: requests are answered on that last call. */
static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
    struct router *r = cls;
    (void)version;
    if (*con_cls == NULL) {
        struct conn_state *cs = sim_xcalloc(1, sizeof(*cs));
        jbuf_init(&cs->body);
        *con_cls = cs;
        return MHD_YES;
    }
    struct conn_state *cs = *con_cls;
    if (*upload_data_size != 0) {
        if (cs->body.len + *upload_data_size > ROUTER_BODY_MAX) {
            cs->too_large = true;
        } else {
            jbuf_put(&cs->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    jbuf_reserve(&cs->body, 1);
    cs->body.data[cs->body.len] = '\0';
    struct world *w = r->cfg.world;
    world_lock(w);
    w->requests++;
    world_unlock(w);
    size_t i = find_api(url);
    if (strncmp(url, "/_sim/", 6) != 0) {
        reqlog_add(r, conn, method, url); /* s7-isolation */
    }
    if (strncmp(url, "/_sim/", 6) == 0) {
        i = find_control(url);
        if (i == N_APIS) {
            return serve_sim(r, conn, method, url);
        }
    }
    struct router_request req = {
        .router = r,
        .cfg = &r->cfg,
        .world = w,
        .conn = conn,
        .url = url,
        .method = method,
        .body = cs->body.data,
        .body_len = cs->too_large ? 0 : cs->body.len,
        .body_too_large = cs->too_large,
    };
    if (strncmp(url, "/_sim/", 6) == 0) {
        return apis[i]->control(r->state[i], &req);
    }
    return apis[i]->serve(r->state[i], &req);
}

/* Frees the per-request state whatever way the request ended. */
static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct conn_state *cs = *con_cls;
    if (cs) {
        jbuf_fini(&cs->body);
        free(cs);
    }
    *con_cls = NULL;
}

static void router_free(struct router *r)
{
    for (size_t i = 0; r->log && i < REQLOG_MAX; i++) { /* s7-isolation */
        free(r->log[i]);
    }
    free(r->log);
    pthread_mutex_destroy(&r->log_lock);
    for (size_t i = 0; i < N_APIS; i++) {
        if (apis[i]->stop && r->state[i]) {
            apis[i]->stop(r->state[i]);
        }
    }
    free(r);
}

struct router *router_start(const struct router_config *cfg)
{
    struct router *r = sim_xcalloc(1, sizeof(*r));
    r->cfg = *cfg;
    pthread_mutex_init(&r->log_lock, NULL); /* s7-isolation */
    r->log = sim_xcalloc(REQLOG_MAX, sizeof(*r->log));
    /* Known before the first request can arrive; a picked port is learnt below, before
     * anyone has been told where to connect. */
    r->port = cfg->port;
    for (size_t i = 0; i < N_APIS; i++) {
        r->state[i] = apis[i]->start ? apis[i]->start(r, &r->cfg) : NULL;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(cfg->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    r->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                     MHD_USE_POLL | MHD_USE_ERROR_LOG,
                                 cfg->port, NULL, NULL, access_handler, r, MHD_OPTION_SOCK_ADDR,
                                 &sa, MHD_OPTION_NOTIFY_COMPLETED, request_completed, r,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_END);
    if (!r->daemon) {
        fprintf(stderr, "govsim: cannot listen on 127.0.0.1:%u\n", cfg->port);
        router_free(r);
        return NULL;
    }
    if (cfg->port == 0) {
        const union MHD_DaemonInfo *li = MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_LISTEN_FD);
        struct sockaddr_in got;
        socklen_t gl = sizeof(got);
        if (li && getsockname(li->listen_fd, (struct sockaddr *)&got, &gl) == 0) {
            r->port = ntohs(got.sin_port);
        }
    }
    return r;
}

void router_stop(struct router *r)
{
    if (!r) {
        return;
    }
    MHD_stop_daemon(r->daemon);
    router_free(r);
}
