/* Kubernetes informers: paged list on the worker pool, then watch with bookmarks. */
#define _GNU_SOURCE
#include "core/k8s/k8s.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/backoff.h"
#include "core/http.h"
#include "core/jsonarena.h"
#include "core/jsonflat.h"
#include "core/jsontext.h"
#include "core/k8s/k8s_metrics.h"
#include "core/k8s/k8s_model.h"
#include "core/loop.h"
#include "core/sanitize.h"
#include "core/store_impl.h"
#include "core/workpool.h"
#include "core/xalloc.h"

#define K8S_MAX_LINE ((size_t)64 << 20)
/* A pruned-line buffer grown past this by a rare large event is let go after it. */
#define K8S_PRUNED_KEEP ((size_t)1 << 20)
/* Pages fetched but not yet decoded: more only costs memory (a page is ~3 MB of JSON). */
#define K8S_PAGES_AHEAD 2

/* Rows are parsed and freed by k8s_row_parse() and k8s_row_free_fn() of store_kind. */
struct k8s_resource {
    const char *name;
    const char *path;
    enum store_kind store_kind;
    bool optional; /* its failures stay in its own health (k8s_client_health()) */
};

struct k8s_informer {
    struct k8s_client *c;
    enum k8s_kind kind;
    const struct k8s_resource *res;
    struct source_health health;
    uint64_t run;              /* bumped at every list start; older page jobs are dropped */
    uint32_t epoch;            /* mark of rows seen by the current list */
    char *list_rv;             /* resourceVersion of the list in progress */
    char *rv;                  /* watch from here */
    bool listing;
    bool last_page_seen;       /* the page without a continue token has arrived */
    size_t pages_outstanding;  /* submitted to the pool, not yet applied */
    bool synced;
    bool watching;             /* watch answered 200 */
    bool relist_wanted;        /* the watch stream asked for a relist (ERROR 410) */
    char *next_continue;       /* token of the next page, held back while decoding lags */
    char *watch_error;         /* why the watch stream was abandoned (not a watch stream) */
    struct http_req *req;
    struct loop_timer *retry;
    struct backoff backoff;
    char *line;
    size_t line_len, line_cap;
    struct k8s_stats stats;
    /* jsontext_prune() rules for a watch event ({"object": the kind's rules}) and a list
     * page ({"items": ...}) at once, and the loop's buffer for pruned watch lines. */
    struct jsonprune_member prune_member[3];
    struct jsonprune prune;
    struct jsontext_buf pruned;
};

struct k8s_client {
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store *store;
    struct kube_target target;
    struct k8s_options opt;
    struct http_opts base;
    struct k8s_informer inf[K8S_KIND_COUNT];
    struct source_health health; /* aggregate; last_error borrowed from an informer */
    struct k8s_metrics_poller *metrics;
};

struct k8s_page_job {
    struct k8s_informer *inf;
    uint64_t run;
    char *body;
    size_t len;
    bool peeked;               /* continue token was found before decoding */
    struct store_row **rows;
    size_t nrows;
    size_t skipped;
    char *rv;
    char *cont;
    long remaining;
    char *error;
};

static const struct k8s_resource k8s_resources[K8S_KIND_COUNT] = {
    [K8S_NAMESPACES] = {"namespaces", "/api/v1/namespaces", STORE_NAMESPACE},
    [K8S_PODS] = {"pods", "/api/v1/pods", STORE_POD},
    [K8S_DEPLOYMENTS] = {"deployments", "/apis/apps/v1/deployments", STORE_DEPLOYMENT},
    [K8S_STATEFULSETS] = {"statefulsets", "/apis/apps/v1/statefulsets", STORE_STATEFULSET},
    [K8S_EVENTS] = {"events", "/api/v1/events", STORE_EVENT},
    [K8S_REPLICASETS] = {"replicasets", "/apis/apps/v1/replicasets", STORE_REPLICASET},
    [K8S_RESOURCEQUOTAS] = {"resourcequotas", "/api/v1/resourcequotas", STORE_QUOTA},
    [K8S_NODES] = {"nodes", "/api/v1/nodes", STORE_NODE, true},
};

static void k8s_list_start(struct k8s_informer *inf);
static void k8s_list_page(struct k8s_informer *inf, const char *cont);
static void k8s_watch_start(struct k8s_informer *inf);

static int64_t k8s_wall_now(void)
{
    return (int64_t)time(NULL);
}

char *k8s_error_text(long status, const char *body, size_t len, const char *transport)
{
    json_t *j;
    const char *msg = NULL;
    char *out;

    if (transport != NULL) {
        return xasprintf("%s", transport);
    }
    if (body != NULL && len > 0 && len < 65536) {
        j = json_loadb(body, len, 0, NULL);
        if (json_is_object(j)) {
            msg = json_string_value(json_object_get(j, "message"));
        }
        if (msg != NULL) {
            out = xasprintf("HTTP %ld: %s", status, msg);
            json_decref(j);
            return out;
        }
        json_decref(j);
    }
    switch (status) {
    case 401:
        return xstrdup("HTTP 401: unauthorized (check the kubeconfig's credentials)");
    case 403:
        return xstrdup("HTTP 403: forbidden");
    case 200:
        return xstrdup("response is not valid JSON");
    default:
        return xasprintf("HTTP %ld", status);
    }
}

static void k8s_set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = src != NULL ? xstrdup(src) : NULL;
}

static void k8s_retry_fire(void *arg)
{
    struct k8s_informer *inf = arg;

    inf->retry = NULL;
    if (inf->rv != NULL && inf->synced) {
        k8s_watch_start(inf);
    } else {
        k8s_list_start(inf);
    }
}

/* Records a failure and schedules a retry with capped exponential back-off and jitter. */
static void k8s_fail(struct k8s_informer *inf, enum source_fault fault, long status,
                     const char *msg)
{
    struct k8s_client *c = inf->c;
    int64_t delay;

    inf->stats.failures++;
    inf->watching = false;
    source_health_fault(&inf->health, fault, status, msg, k8s_wall_now());
    delay = backoff_next(&inf->backoff);
    loop_timer_cancel(c->loop, inf->retry);
    inf->retry = loop_timer_add(c->loop, delay, k8s_retry_fire, inf);
}

/* Finds `"continue":"TOKEN"` in the list's metadata, which the API server writes before
 * "items". Sets *found when the metadata was seen; returns the token (caller frees), or NULL
 * when there is none (last page). */
static char *k8s_peek_continue(const char *body, size_t len, bool *found)
{
    size_t scan = len < 8192 ? len : 8192;
    const char *items = memmem(body, scan, "\"items\"", 7);
    const char *meta = memmem(body, scan, "\"metadata\"", 10);
    const char *k, *end;

    *found = false;
    if (items == NULL || meta == NULL || meta > items) {
        return NULL;
    }
    *found = true;
    k = memmem(meta, (size_t)(items - meta), "\"continue\"", 10);
    if (k == NULL) {
        return NULL;
    }
    k += 10;
    while (k < items && (*k == ' ' || *k == ':')) {
        k++;
    }
    if (k >= items || *k != '"') {
        *found = false;
        return NULL;
    }
    k++;
    end = memchr(k, '"', (size_t)(items - k));
    if (end == NULL || memchr(k, '\\', (size_t)(end - k)) != NULL) {
        *found = false; /* escaped token: let the decoder read it */
        return NULL;
    }
    return end > k ? xstrndup(k, (size_t)(end - k)) : NULL;
}

/* Decodes a list page and extracts rows; the JSON tree is released before it returns. */
static void k8s_page_decode(struct k8s_page_job *job, const struct k8s_resource *res)
{
    json_error_t jerr;
    struct jsontext_buf pruned = {0};
    json_t *root = NULL;
    json_t *items, *meta;
    size_t i;

    /* The members no parser reads are left out before the page is read into a tree (about
     * half of a pod's text, and more of its values); the whole page is read when that fails. */
    if (job->inf->prune.members != NULL &&
        jsontext_prune(job->body, job->len, &job->inf->prune, &pruned)) {
        root = jsonflat_load(pruned.buf, pruned.len, JSON_ALLOW_NUL, &jerr);
    }
    free(pruned.buf);
    if (root == NULL) {
        root = jsonflat_load(job->body, job->len, JSON_ALLOW_NUL, &jerr);
    }
    free(job->body);
    job->body = NULL;
    if (root == NULL) {
        job->error = xasprintf("invalid JSON in %s list: %s (at byte %d)", res->name, jerr.text,
                               jerr.position);
        return;
    }
    items = json_object_get(root, "items");
    meta = json_object_get(root, "metadata");
    if (!json_is_array(items)) {
        const char *msg = json_string_value(json_object_get(root, "message"));
        job->error = msg != NULL ? xasprintf("%s", msg)
                                 : xasprintf("%s list has no items array", res->name);
        json_decref(root);
        return;
    }
    job->rv = xstrdup(json_string_value(json_object_get(meta, "resourceVersion")));
    job->cont = xstrdup(json_string_value(json_object_get(meta, "continue")));
    if (job->cont != NULL && job->cont[0] == '\0') {
        free(job->cont);
        job->cont = NULL;
    }
    job->remaining = (long)json_integer_value(json_object_get(meta, "remainingItemCount"));
    job->rows = xcalloc(json_array_size(items) + 1, sizeof *job->rows);
    for (i = 0; i < json_array_size(items); i++) {
        char *err = NULL;
        struct store_row *row = k8s_row_parse(res->store_kind, json_array_get(items, i), &err);

        if (row != NULL) {
            job->rows[job->nrows++] = row;
        } else {
            job->skipped++;
            free(err);
        }
    }
    json_decref(root);
}

/* Worker thread: decode a list page and extract rows, with jansson allocating from an arena
 * (the rows themselves are ordinary heap copies). Touches nothing shared. */
static void k8s_page_work(void *arg)
{
    struct k8s_page_job *job = arg;
    struct jsonarena arena = {0};

    jsonarena_begin(&arena);
    k8s_page_decode(job, job->inf->res);
    jsonarena_end(&arena);
}

static void k8s_page_job_free(struct k8s_page_job *job, bool free_rows)
{
    if (free_rows) {
        store_row_free_fn free_row = k8s_row_free_fn(job->inf->res->store_kind);

        for (size_t i = 0; i < job->nrows; i++) {
            free_row(job->rows[i]);
        }
    }
    free(job->rows);
    free(job->body);
    free(job->rv);
    free(job->cont);
    free(job->error);
    free(job);
}

/* All pages are in: drop what the list did not see, then watch. */
static void k8s_list_complete(struct k8s_informer *inf)
{
    struct store_table *t = store_table(inf->c->store, inf->res->store_kind);

    store_sweep(t, inf->epoch);
    inf->listing = false;
    inf->synced = true;
    backoff_reset(&inf->backoff);
    k8s_set_str(&inf->rv, inf->list_rv);
    source_health_ok(&inf->health, SOURCE_OK, k8s_wall_now());
    k8s_watch_start(inf);
}

/* The server does not serve this kind (404 on its list): no rows, synced, and said in the
 * informer's health only (its state stays OK so that the source is not "failing"). The list
 * is tried again now and then, quietly. */
static void k8s_list_absent(struct k8s_informer *inf)
{
    struct k8s_client *c = inf->c;
    struct store_table *t = store_table(c->store, inf->res->store_kind);
    char *note = xasprintf("%s: not served by this server (HTTP 404); shown as empty",
                           inf->res->name);

    if (t->count > 0) {
        store_clear(t);
    }
    inf->listing = false;
    inf->synced = true;
    backoff_reset(&inf->backoff);
    free(inf->rv);
    inf->rv = NULL;
    source_health_ok(&inf->health, SOURCE_OK, k8s_wall_now());
    inf->health.last_error = sanitize_dup(note);
    free(note);
    loop_timer_cancel(c->loop, inf->retry);
    inf->retry = loop_timer_add(c->loop, c->opt.backoff_max_ms, k8s_retry_fire, inf);
}

/* Loop thread: apply a decoded page. */
static void k8s_page_done(void *arg)
{
    struct k8s_page_job *job = arg;
    struct k8s_informer *inf = job->inf;
    struct store_table *t;

    if (job->run != inf->run) {
        k8s_page_job_free(job, true);
        return;
    }
    inf->pages_outstanding--;
    if (job->error != NULL) {
        char *msg = xasprintf("%s", job->error);

        inf->run++; /* drop the rest of this list */
        if (inf->req != NULL) {
            http_cancel(inf->c->http, inf->req);
            inf->req = NULL;
        }
        k8s_page_job_free(job, true);
        k8s_fail(inf, SOURCE_FAULT_ANSWER, 0, msg);
        free(msg);
        return;
    }
    if (inf->next_continue != NULL && inf->req == NULL) {
        char *cont = inf->next_continue;

        inf->next_continue = NULL;
        k8s_list_page(inf, cont);
        free(cont);
    }
    t = store_table(inf->c->store, inf->res->store_kind);
    for (size_t i = 0; i < job->nrows; i++) {
        job->rows[i]->mark = inf->epoch;
        store_put(t, job->rows[i]);
    }
    inf->stats.pages++;
    inf->health.loaded += job->nrows;
    if (job->remaining > 0) {
        inf->health.expected = inf->health.loaded + (size_t)job->remaining;
    }
    inf->health.version++;
    if (inf->list_rv == NULL) {
        k8s_set_str(&inf->list_rv, job->rv);
    }
    if (!job->peeked) {
        if (job->cont != NULL) {
            k8s_list_page(inf, job->cont);
        } else {
            inf->last_page_seen = true;
        }
    }
    k8s_page_job_free(job, false);
    if (inf->last_page_seen && inf->pages_outstanding == 0 && inf->req == NULL &&
        inf->next_continue == NULL) {
        k8s_list_complete(inf);
    }
}

static void k8s_list_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct k8s_informer *inf = arg;
    struct k8s_page_job *job;
    bool found;
    char *cont;

    (void)req;
    inf->req = NULL;
    if (res->error != NULL || res->status != 200) {
        char *msg = k8s_error_text(res->status, res->body, res->body_len, res->error);

        inf->run++;
        if (res->status == 404 && res->error == NULL) {
            free(msg);
            k8s_list_absent(inf);
            return;
        }
        if (res->status == 410) {
            /* An expired continue token: start the list over at once. */
            inf->stats.relists_410++;
            free(msg);
            k8s_list_start(inf);
            return;
        }
        k8s_fail(inf, source_fault_of((int)res->failure, res->status), res->status, msg);
        free(msg);
        return;
    }
    job = xcalloc(1, sizeof *job);
    job->inf = inf;
    job->run = inf->run;
    job->body = res->body;
    job->len = res->body_len;
    res->body = NULL;
    cont = k8s_peek_continue(job->body, job->len, &found);
    job->peeked = found;
    inf->pages_outstanding++;
    workpool_submit(inf->c->pool, k8s_page_work, k8s_page_done, job);
    if (found) {
        if (cont == NULL) {
            inf->last_page_seen = true;
        } else if (inf->pages_outstanding < K8S_PAGES_AHEAD) {
            k8s_list_page(inf, cont); /* fetch the next page while this one decodes */
        } else {
            inf->next_continue = cont; /* back-pressure: wait for a decode to finish */
            cont = NULL;
        }
    }
    free(cont);
}

static void k8s_fill_opts(const struct k8s_client *c, struct http_opts *o, const char *url)
{
    *o = c->base;
    o->url = url;
}

static void k8s_list_page(struct k8s_informer *inf, const char *cont)
{
    struct k8s_client *c = inf->c;
    struct http_opts o;
    char *url, *esc = NULL;

    if (cont != NULL) {
        esc = http_escape(cont);
    }
    url = xasprintf("%s%s?limit=%d%s%s", c->target.server, inf->res->path, c->opt.page_size,
                    esc ? "&continue=" : "", esc ? esc : "");
    k8s_fill_opts(c, &o, url);
    o.timeout_ms = c->opt.request_timeout_ms;
    inf->req = http_start(c->http, &o, NULL, k8s_list_done, inf);
    free(url);
    free(esc);
}

static void k8s_list_start(struct k8s_informer *inf)
{
    struct k8s_client *c = inf->c;

    if (inf->req != NULL) {
        http_cancel(c->http, inf->req);
        inf->req = NULL;
    }
    inf->run++;
    inf->epoch++;
    inf->listing = true;
    free(inf->next_continue);
    inf->next_continue = NULL;
    inf->watching = false;
    inf->last_page_seen = false;
    inf->pages_outstanding = 0;
    free(inf->list_rv);
    inf->list_rv = NULL;
    inf->health.loaded = 0;
    inf->health.expected = 0;
    if (inf->health.state != SOURCE_RETRYING) {
        inf->health.state = inf->synced ? SOURCE_OK : SOURCE_LOADING;
    }
    inf->health.version++;
    inf->stats.lists++;
    k8s_list_page(inf, NULL);
}

/* The resourceVersion of an event's object, borrowed from the tree. */
static const char *k8s_object_rv(const json_t *obj)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
}

static int k8s_apply_line_tree(struct k8s_informer *inf, const char *line, size_t len,
                               char **err);

/* Applies one watch line. 0 applied, 1 relist needed, -1 an event that could not be used
 * (the stream goes on), -2 not an event at all (the stream is corrupt). The tree is built in
 * an arena, as list pages are: an event's thousand small allocations cost more than its
 * parse. */
static int k8s_apply_line(struct k8s_informer *inf, const char *line, size_t len, char **err)
{
    struct jsonarena arena = {0};
    int rc;

    jsonarena_begin(&arena);
    rc = k8s_apply_line_tree(inf, line, len, err);
    jsonarena_end(&arena);
    if (inf->pruned.cap > K8S_PRUNED_KEEP) {
        free(inf->pruned.buf);
        inf->pruned = (struct jsontext_buf){0};
    }
    return rc;
}

/* k8s_apply_line() inside the arena: nothing of the tree outlives it. */
static int k8s_apply_line_tree(struct k8s_informer *inf, const char *line, size_t len,
                               char **err)
{
    json_error_t jerr;
    json_t *ev = NULL;
    json_t *obj;
    const char *type;
    struct store_table *t = store_table(inf->c->store, inf->res->store_kind);
    int rc = 0;

    /* As for list pages: the pruned event when it can be, else the line as it came. */
    if (inf->prune.members != NULL && jsontext_prune(line, len, &inf->prune, &inf->pruned)) {
        ev = jsonflat_load(inf->pruned.buf, inf->pruned.len, 0, &jerr);
    }
    if (ev == NULL) {
        ev = jsonflat_load(line, len, 0, &jerr);
    }
    if (ev == NULL) {
        *err = xasprintf("invalid JSON in %s watch: %s", inf->res->name, jerr.text);
        return -2;
    }
    type = json_string_value(json_object_get(ev, "type"));
    obj = json_object_get(ev, "object");
    if (type == NULL || !json_is_object(obj)) {
        *err = xstrdup("watch event without type or object");
        rc = -2;
    } else if (strcmp(type, "ADDED") == 0 || strcmp(type, "MODIFIED") == 0) {
        struct store_row *row = k8s_row_parse(inf->res->store_kind, obj, err);

        if (row == NULL) {
            rc = -1;
        } else {
            row->mark = inf->epoch;
            store_put(t, row);
            k8s_set_str(&inf->rv, k8s_object_rv(obj));
            inf->stats.events++;
        }
    } else if (strcmp(type, "DELETED") == 0) {
        const char *uid = json_string_value(json_object_get(json_object_get(obj, "metadata"), "uid"));

        if (uid != NULL) {
            store_del(t, uid);
        }
        k8s_set_str(&inf->rv, k8s_object_rv(obj));
        inf->stats.events++;
    } else if (strcmp(type, "BOOKMARK") == 0) {
        if (k8s_object_rv(obj) != NULL) {
            k8s_set_str(&inf->rv, k8s_object_rv(obj));
        }
        inf->stats.bookmarks++;
    } else if (strcmp(type, "ERROR") == 0) {
        json_int_t code = json_integer_value(json_object_get(obj, "code"));
        const char *msg = json_string_value(json_object_get(obj, "message"));

        if (code == 410) {
            rc = 1;
        } else {
            *err = xasprintf("watch error %d: %s", (int)code, msg ? msg : "(no message)");
            rc = -1;
        }
    } else {
        *err = xasprintf("unknown watch event type %s", type);
        rc = -1;
    }
    json_decref(ev);
    return rc;
}

/* Applies one line of a watch stream. False when the stream must end: a relist is wanted
 * (ERROR 410), or it is not a watch stream (inf->watch_error says why). One bad event is
 * reported and the stream goes on. */
static bool k8s_watch_line(struct k8s_informer *inf, const char *line, size_t len)
{
    char *err = NULL;
    int rc = k8s_apply_line(inf, line, len, &err);

    if (rc == 1) {
        inf->relist_wanted = true;
        free(err);
        return false;
    }
    if (rc == -2) {
        /* Not a watch stream: fail it, back off, and watch again. */
        free(inf->watch_error);
        inf->watch_error = err;
        return false;
    }
    if (rc < 0) {
        source_health_fail(&inf->health, err, k8s_wall_now());
        inf->health.state = SOURCE_OK; /* one bad event; the stream goes on */
    }
    free(err);
    return true;
}

static bool k8s_watch_data(struct http_req *req, const char *data, size_t len, void *arg)
{
    struct k8s_informer *inf = arg;
    long status = http_req_status(req);
    size_t start = 0;

    if (inf->line_len + len + 1 > inf->line_cap) {
        if (inf->line_len + len + 1 > K8S_MAX_LINE) {
            inf->line_len = 0;
            return false;
        }
        while (inf->line_cap < inf->line_len + len + 1) {
            inf->line_cap = inf->line_cap ? inf->line_cap * 2 : 65536;
        }
        inf->line = xrealloc(inf->line, inf->line_cap);
    }
    memcpy(inf->line + inf->line_len, data, len);
    inf->line_len += len;
    if (status != 200) {
        return true; /* an error body: kept for the message */
    }
    if (!inf->watching) {
        inf->watching = true;
        backoff_reset(&inf->backoff);
        source_health_ok(&inf->health, SOURCE_OK, k8s_wall_now());
    }
    for (size_t i = 0; i < inf->line_len; i++) {
        if (inf->line[i] != '\n') {
            continue;
        }
        if (i > start && !k8s_watch_line(inf, inf->line + start, i - start)) {
            return false;
        }
        start = i + 1;
    }
    memmove(inf->line, inf->line + start, inf->line_len - start);
    inf->line_len -= start;
    return true;
}

static void k8s_watch_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct k8s_informer *inf = arg;
    char *msg;

    (void)req;
    inf->req = NULL;
    inf->watching = false;
    if (res->error == NULL && res->status == 200 && inf->line_len > 0 &&
        inf->watch_error == NULL && !inf->relist_wanted) {
        /* The stream ended inside a line: an event without its newline (applied), or not a
         * watch stream at all, such as a proxy's error page (failed below). */
        k8s_watch_line(inf, inf->line, inf->line_len);
        inf->line_len = 0;
    }
    if (inf->watch_error != NULL) {
        msg = inf->watch_error;
        inf->watch_error = NULL;
        inf->line_len = 0;
        k8s_fail(inf, SOURCE_FAULT_ANSWER, 0, msg);
        free(msg);
        return;
    }
    if (inf->relist_wanted || res->status == 410) {
        inf->relist_wanted = false;
        inf->line_len = 0;
        inf->stats.relists_410++;
        k8s_list_start(inf);
        return;
    }
    if (res->error == NULL && res->status == 200) {
        inf->line_len = 0;
        k8s_watch_start(inf); /* the server ended the watch (timeoutSeconds): go on */
        return;
    }
    if (res->error == NULL && res->status == 404) {
        /* the kind went away: list again, which finds it absent (or back) */
        free(inf->rv);
        inf->rv = NULL;
    }
    msg = k8s_error_text(res->status, res->status != 200 ? inf->line : NULL,
                             res->status != 200 ? inf->line_len : 0, res->error);
    inf->line_len = 0;
    if (res->error != NULL && res->status == 200) {
        char *m2 = xasprintf("watch interrupted: %s", msg);
        free(msg);
        msg = m2;
    }
    k8s_fail(inf, source_fault_of((int)res->failure, res->status), res->status, msg);
    free(msg);
}

static void k8s_watch_start(struct k8s_informer *inf)
{
    struct k8s_client *c = inf->c;
    struct http_opts o;
    char *url, *rv = http_escape(inf->rv != NULL ? inf->rv : "0");

    url = xasprintf("%s%s?watch=1&allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%d",
                    c->target.server, inf->res->path, rv, c->opt.watch_timeout_s);
    k8s_fill_opts(c, &o, url);
    o.stream = true;
    o.timeout_ms = (long)(c->opt.watch_timeout_s + 30) * 1000;
    /* A watch that gets no byte (not even a bookmark) for two minutes is presumed dead: a
     * half-open connection, or a server that accepted and never answered. */
    o.idle_timeout_ms = 120000;
    inf->line_len = 0;
    inf->stats.watches++;
    inf->req = http_start(c->http, &o, k8s_watch_data, k8s_watch_done, inf);
    free(url);
    free(rv);
}

/* The informer's pruning rules: its kind's, under "object" of an event and "items" of a
 * page (neither has the other member). */
static void k8s_informer_prune_rules(struct k8s_informer *inf)
{
    const struct jsonprune *rules = k8s_row_prune(inf->res->store_kind);

    if (rules == NULL) {
        return;
    }
    inf->prune_member[0] = (struct jsonprune_member){"object", rules};
    inf->prune_member[1] = (struct jsonprune_member){"items", rules};
    inf->prune_member[2] = (struct jsonprune_member){NULL, NULL};
    inf->prune = (struct jsonprune){true, inf->prune_member, NULL};
}

struct k8s_client *k8s_client_new(struct loop *l, struct http *h, struct workpool *pool,
                                  struct store *s, const struct kube_target *target,
                                  const struct k8s_options *opts)
{
    struct k8s_client *c = xcalloc(1, sizeof *c);
    struct kube_target *t = &c->target;

    c->loop = l;
    c->http = h;
    c->pool = pool;
    c->store = s;
    if (opts != NULL) {
        c->opt = *opts;
    }
    c->opt.page_size = c->opt.page_size > 0 ? c->opt.page_size : 500;
    c->opt.watch_timeout_s = c->opt.watch_timeout_s > 0 ? c->opt.watch_timeout_s : 300;
    c->opt.backoff_min_ms = c->opt.backoff_min_ms > 0 ? c->opt.backoff_min_ms : 500;
    c->opt.backoff_max_ms = c->opt.backoff_max_ms > 0 ? c->opt.backoff_max_ms : 30000;
    c->opt.request_timeout_ms = c->opt.request_timeout_ms > 0 ? c->opt.request_timeout_ms : 60000;
    t->context = xstrdup(target->context);
    t->cluster = xstrdup(target->cluster);
    t->server = xstrdup(target->server);
    if (t->server != NULL) {
        size_t n = strlen(t->server);
        while (n > 0 && t->server[n - 1] == '/') {
            t->server[--n] = '\0';
        }
    }
    t->namespace = xstrdup(target->namespace);
    t->ca_file = xstrdup(target->ca_file);
    t->ca_data = xstrdup(target->ca_data);
    t->insecure = target->insecure;
    t->token = xstrdup(target->token);
    t->username = xstrdup(target->username);
    t->password = xstrdup(target->password);
    t->client_cert = xstrdup(target->client_cert);
    t->client_cert_data = xstrdup(target->client_cert_data);
    t->client_key = xstrdup(target->client_key);
    t->client_key_data = xstrdup(target->client_key_data);
    c->base.bearer = t->token;
    c->base.username = t->token == NULL ? t->username : NULL;
    c->base.password = t->password;
    c->base.ca_file = t->ca_file;
    c->base.ca_pem = t->ca_data;
    c->base.client_cert = t->client_cert;
    c->base.client_key = t->client_key;
    c->base.client_cert_pem = t->client_cert_data;
    c->base.client_key_pem = t->client_key_data;
    c->base.insecure = t->insecure;
    c->base.stats = c->opt.stats;
    c->base.allow_plain = c->opt.allow_plain;
    for (int k = 0; k < K8S_KIND_COUNT; k++) {
        c->inf[k].c = c;
        c->inf[k].kind = (enum k8s_kind)k;
        c->inf[k].res = &k8s_resources[k];
        c->inf[k].health.name = k8s_resources[k].name;
        backoff_init(&c->inf[k].backoff, c->opt.backoff_min_ms, c->opt.backoff_max_ms);
        k8s_informer_prune_rules(&c->inf[k]);
    }
    c->health.name = "kubernetes";
    c->metrics = k8s_metrics_poller_new(l, h, pool, s, &c->base, t->server,
                                        c->opt.metrics_interval_ms, c->opt.request_timeout_ms,
                                        NULL);
    return c;
}

void k8s_client_start(struct k8s_client *c)
{
    for (int k = 0; k < K8S_KIND_COUNT; k++) {
        struct k8s_informer *inf = &c->inf[k];

        inf->health.state = SOURCE_CONNECTING;
        k8s_list_start(inf);
    }
    k8s_metrics_poller_start(c->metrics);
}

void k8s_client_stop(struct k8s_client *c)
{
    for (int k = 0; k < K8S_KIND_COUNT; k++) {
        struct k8s_informer *inf = &c->inf[k];

        inf->run++;
        if (inf->req != NULL) {
            http_cancel(c->http, inf->req);
            inf->req = NULL;
        }
        loop_timer_cancel(c->loop, inf->retry);
        inf->retry = NULL;
    }
    k8s_metrics_poller_stop(c->metrics);
}

void k8s_client_free(struct k8s_client *c)
{
    if (c == NULL) {
        return;
    }
    k8s_client_stop(c);
    for (int k = 0; k < K8S_KIND_COUNT; k++) {
        struct k8s_informer *inf = &c->inf[k];

        source_health_fini(&inf->health);
        free(inf->rv);
        free(inf->list_rv);
        free(inf->line);
        free(inf->pruned.buf);
        free(inf->next_continue);
        free(inf->watch_error);
    }
    k8s_metrics_poller_free(c->metrics);
    kube_target_fini(&c->target);
    free(c);
}

/* Worse states rank higher. */
static int k8s_state_rank(enum source_state s)
{
    switch (s) {
    case SOURCE_RETRYING:
        return 4;
    case SOURCE_CONNECTING:
        return 3;
    case SOURCE_LOADING:
        return 2;
    case SOURCE_IDLE:
        return 1;
    case SOURCE_OK:
        break;
    }
    return 0;
}

const struct source_health *k8s_client_health(struct k8s_client *c)
{
    struct source_health *h = &c->health;
    const struct k8s_informer *worst = &c->inf[K8S_PODS];
    uint64_t version = 0;

    for (int k = 0; k < K8S_KIND_COUNT; k++) {
        if (c->inf[k].res->optional) {
            continue;
        }
        version += c->inf[k].health.version;
        if (k8s_state_rank(c->inf[k].health.state) > k8s_state_rank(worst->health.state)) {
            worst = &c->inf[k];
        }
    }
    h->state = worst->health.state;
    h->last_ok = worst->health.last_ok;
    h->failing_since = worst->health.failing_since;
    h->last_error = worst->health.last_error;
    h->fault = worst->health.fault;
    h->http_status = worst->health.http_status;
    h->loaded = c->inf[K8S_PODS].health.loaded;
    h->expected = c->inf[K8S_PODS].health.expected;
    h->version = version;
    return h;
}

const struct source_health *k8s_client_informer_health(struct k8s_client *c, enum k8s_kind kind)
{
    return &c->inf[kind].health;
}

bool k8s_client_synced(const struct k8s_client *c)
{
    for (int k = 0; k < K8S_KIND_COUNT; k++) {
        const struct k8s_informer *inf = &c->inf[k];

        if (!inf->synced &&
            !(inf->res->optional && inf->health.state == SOURCE_RETRYING)) {
            return false;
        }
    }
    return true;
}

enum k8s_metrics_state k8s_client_metrics_state(const struct k8s_client *c)
{
    return k8s_metrics_poller_state(c->metrics);
}

const struct source_health *k8s_client_metrics_health(struct k8s_client *c)
{
    return k8s_metrics_poller_health(c->metrics);
}

void k8s_client_metrics_stats(const struct k8s_client *c, struct k8s_metrics_stats *out)
{
    k8s_metrics_poller_stats(c->metrics, out);
}

const char *k8s_client_context(const struct k8s_client *c)
{
    return c->target.context;
}

const char *k8s_client_server(const struct k8s_client *c)
{
    return c->target.server;
}

bool k8s_client_insecure(const struct k8s_client *c)
{
    return c->target.insecure;
}

bool k8s_client_has_credentials(const struct k8s_client *c)
{
    const struct kube_target *t = &c->target;

    return t->token != NULL || t->username != NULL || t->client_cert != NULL ||
           t->client_cert_data != NULL;
}

void k8s_client_stats(const struct k8s_client *c, enum k8s_kind kind, struct k8s_stats *out)
{
    *out = c->inf[kind].stats;
}

int k8s_client_apply_event(struct k8s_client *c, enum k8s_kind kind, const char *line,
                           size_t len)
{
    struct k8s_informer *inf = &c->inf[kind];
    char *err = NULL;
    int rc;

    rc = k8s_apply_line(inf, line, len, &err);
    if (err != NULL) {
        source_health_fail(&inf->health, err, k8s_wall_now());
        free(err);
    }
    return rc < 0 ? -1 : rc;
}

struct k8s_call {
    struct k8s_client *c;
    struct http_req *req;
    k8s_result_fn cb;
    k8s_data_fn data_cb; /* streams only */
    void *arg;
    char *err_body;      /* streams: the body of a non-2xx response */
    size_t err_len;
};

#define K8S_STREAM_ERR_MAX 65536

static void k8s_call_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct k8s_call *call = arg;

    (void)req;
    if (call->data_cb != NULL) {
        call->cb(res->status, call->err_body, call->err_len, res->error, call->arg);
    } else {
        call->cb(res->status, res->body, res->body_len, res->error, call->arg);
    }
    free(call->err_body);
    free(call);
}

static bool k8s_stream_data(struct http_req *req, const char *data, size_t len, void *arg)
{
    struct k8s_call *call = arg;
    long status = http_req_status(req);

    if (len == 0) {
        return true;
    }
    if (status >= 200 && status < 300) {
        call->data_cb(data, len, call->arg);
    } else if (call->err_len < K8S_STREAM_ERR_MAX) {
        size_t n = len < K8S_STREAM_ERR_MAX - call->err_len ? len : K8S_STREAM_ERR_MAX - call->err_len;

        call->err_body = xrealloc(call->err_body, call->err_len + n + 1);
        memcpy(call->err_body + call->err_len, data, n);
        call->err_len += n;
        call->err_body[call->err_len] = '\0';
    }
    return true;
}

struct k8s_call *k8s_client_stream(struct k8s_client *c, const char *path, k8s_data_fn on_data,
                                   k8s_result_fn on_done, void *arg)
{
    struct k8s_call *call = xcalloc(1, sizeof *call);
    struct http_opts o;
    char *url = xasprintf("%s%s", c->target.server, path);

    k8s_fill_opts(c, &o, url);
    o.accept = "application/json, */*";
    o.stream = true;
    o.timeout_ms = 0;
    call->c = c;
    call->cb = on_done;
    call->data_cb = on_data;
    call->arg = arg;
    call->req = http_start(c->http, &o, k8s_stream_data, k8s_call_done, call);
    free(url);
    return call;
}

struct k8s_call *k8s_client_call(struct k8s_client *c, const char *method, const char *path,
                                 const char *body, const char *content_type, k8s_result_fn cb,
                                 void *arg)
{
    struct k8s_call *call = xcalloc(1, sizeof *call);
    struct http_opts o;
    char *url = xasprintf("%s%s", c->target.server, path);

    k8s_fill_opts(c, &o, url);
    o.method = method;
    o.body = body;
    o.content_type = content_type;
    o.timeout_ms = c->opt.request_timeout_ms;
    o.max_body = (size_t)64 << 20;
    call->c = c;
    call->cb = cb;
    call->arg = arg;
    call->req = http_start(c->http, &o, NULL, k8s_call_done, call);
    free(url);
    return call;
}

void k8s_client_cancel(struct k8s_client *c, struct k8s_call *call)
{
    if (call == NULL) {
        return;
    }
    http_cancel(c->http, call->req);
    free(call->err_body);
    free(call);
}
