/* metrics.k8s.io polling: PodMetrics and NodeMetrics lists decoded item by item on a worker. */
#include "core/k8s/k8s_metrics.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/http.h"
#include "core/jsonarena.h"
#include "core/jsontext.h"
#include "core/k8s/k8s_model.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/store.h"
#include "core/workpool.h"
#include "core/xalloc.h"

#define K8S_METRICS_ABSENT_RETRY_MS (5 * 60 * 1000)
#define K8S_METRICS_BACKOFF_MAX_MS (5 * 60 * 1000)
/* Items decoded in one arena before it is released: bounds the decoder's memory. */
#define K8S_METRICS_ARENA_ITEMS 1000
/* Rows put into the store per loop pass, so that a 50,000-pod poll never holds the loop. */
#define K8S_METRICS_SLICE 4096
/* Timers of both resources (and of other sources) land on the same second. */
#define K8S_METRICS_ALIGN_MS 1000

enum { K8S_MRES_PODS, K8S_MRES_NODES, K8S_MRES_COUNT };

struct k8s_metrics_job;

struct k8s_metrics_res {
    struct k8s_metrics_poller *p;
    const char *name; /* "pod metrics" */
    const char *path;
    enum store_kind kind;
    enum k8s_metrics_state state;
    bool ever_ok;
    char *error;        /* why it fails, while FAILING */
    uint64_t run;       /* bumped by stop: decodes of an older run are dropped */
    uint32_t epoch;     /* mark of the rows of the poll being applied */
    int fails;          /* failures in a row */
    int64_t started_ms; /* when the current poll's request started */
    bool busy;          /* a request, a decode or an apply is in progress */
    struct http_req *req;
    struct loop_timer *timer; /* the next poll */
    struct k8s_metrics_job *applying;
    size_t applied;           /* rows of `applying` already in the store */
    struct loop_timer *slice; /* the next apply slice */
};

struct k8s_metrics_poller {
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store *store;
    struct http_opts base;
    char *server;
    int interval_ms;
    long timeout_ms;
    struct k8s_metrics_res res[K8S_MRES_COUNT];
    struct source_health health;
    struct k8s_metrics_stats stats;
};

struct k8s_metrics_job {
    struct k8s_metrics_res *r;
    uint64_t run;
    char *body;
    size_t len;
    struct store_row **rows;
    size_t nrows, cap;
    char *error;
    double decode_ms;
    double fetch_ms; /* request start to the answer */
    size_t scanned;  /* items read by the fast path (the rest went through jansson) */
};

static void k8s_metrics_poll(struct k8s_metrics_res *r);

static double k8s_metrics_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* The first byte inside the top-level object's "items" array, NULL if there is none. */
static const char *k8s_metrics_find_items(const char *p, const char *end)
{
    p = jsontext_ws(p, end);
    if (p >= end || *p != '{') {
        return NULL;
    }
    p++;
    for (;;) {
        const char *key, *q;
        bool items;

        p = jsontext_ws(p, end);
        if (p >= end || *p != '"') {
            return NULL;
        }
        key = p + 1;
        q = jsontext_skip_string(p, end);
        if (q == NULL) {
            return NULL;
        }
        items = q - key - 1 == 5 && memcmp(key, "items", 5) == 0;
        p = jsontext_ws(q, end);
        if (p >= end || *p != ':') {
            return NULL;
        }
        p = jsontext_ws(p + 1, end);
        if (items) {
            return p < end && *p == '[' ? p + 1 : NULL;
        }
        p = jsontext_skip_value(p, end);
        if (p == NULL) {
            return NULL;
        }
        p = jsontext_ws(p, end);
        if (p >= end || *p != ',') {
            return NULL;
        }
        p++;
    }
}

/* The fast path of the decoder: one item read straight from its text, without a tree. It
 * takes only the plain form metrics-server writes (no escapes in what it keeps, strings where
 * strings belong); anything else gives up, and that item goes through jansson instead. */
struct k8s_metrics_scan {
    const char *p, *end;
};

/* A string at s->p without escapes, copied into buf (NUL-terminated); false if it is not a
 * plain string or does not fit. */
static bool k8s_metrics_scan_str(struct k8s_metrics_scan *s, char *buf, size_t size)
{
    const char *q;
    size_t n;

    if (s->p >= s->end || *s->p != '"') {
        return false;
    }
    for (q = s->p + 1; q < s->end && *q != '"'; q++) {
        if (*q == '\\' || (unsigned char)*q < 0x20) {
            return false;
        }
    }
    n = (size_t)(q - s->p - 1);
    if (q >= s->end || n >= size) {
        return false;
    }
    memcpy(buf, s->p + 1, n);
    buf[n] = '\0';
    s->p = q + 1;
    return true;
}

/* Steps into an object: s->p at '{'. */
static bool k8s_metrics_scan_open(struct k8s_metrics_scan *s, char open)
{
    s->p = jsontext_ws(s->p, s->end);
    if (s->p >= s->end || *s->p != open) {
        return false;
    }
    s->p++;
    return true;
}

/* The next key of an object (after '{' or a value): 1 with the key in buf and s->p after its
 * ':', 0 at the closing '}' (consumed), -1 on anything else. */
static int k8s_metrics_scan_key(struct k8s_metrics_scan *s, char *buf, size_t size, bool first)
{
    s->p = jsontext_ws(s->p, s->end);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return 0;
    }
    if (!first) {
        if (s->p >= s->end || *s->p != ',') {
            return -1;
        }
        s->p = jsontext_ws(s->p + 1, s->end);
    }
    if (!k8s_metrics_scan_str(s, buf, size)) {
        return -1;
    }
    s->p = jsontext_ws(s->p, s->end);
    if (s->p >= s->end || *s->p != ':') {
        return -1;
    }
    s->p = jsontext_ws(s->p + 1, s->end);
    return 1;
}

/* Skips the value at s->p. */
static bool k8s_metrics_scan_skip(struct k8s_metrics_scan *s)
{
    const char *q = jsontext_skip_value(s->p, s->end);

    if (q == NULL || q == s->p) {
        return false;
    }
    s->p = q;
    return true;
}

/* {"cpu": "...", "memory": "..."}: the two quantities (empty when absent). */
static bool k8s_metrics_scan_usage(struct k8s_metrics_scan *s, char *cpu, char *mem, size_t size)
{
    char key[32];
    int k;

    cpu[0] = mem[0] = '\0';
    if (!k8s_metrics_scan_open(s, '{')) {
        return false;
    }
    for (bool first = true; (k = k8s_metrics_scan_key(s, key, sizeof key, first)) == 1;
         first = false) {
        bool ok = strcmp(key, "cpu") == 0      ? k8s_metrics_scan_str(s, cpu, size)
                  : strcmp(key, "memory") == 0 ? k8s_metrics_scan_str(s, mem, size)
                                               : k8s_metrics_scan_skip(s);
        if (!ok) {
            return false;
        }
    }
    return k == 0;
}

/* Adds one usage object's quantities ("" is absent) to *sum, as k8s_row_parse() sums a pod's
 * containers; a node's single usage added to zero is its usage. */
static void k8s_metrics_scan_add(struct k8s_metrics *sum, const char *cpu, const char *mem)
{
    k8s_metrics_add_usage(sum, cpu[0] != '\0' ? cpu : NULL, mem[0] != '\0' ? mem : NULL);
}

/* One PodMetrics (pod) or NodeMetrics item at s->p; NULL when it is not in the plain form
 * (s->p is then anywhere inside it). */
static struct k8s_metrics *k8s_metrics_scan_item(struct k8s_metrics_scan *s, bool pod)
{
    enum { F_NAME, F_NS, F_TS, F_WINDOW, F_COUNT };
    char f[F_COUNT][256], key[64], cpu[64], mem[64];
    bool seen[F_COUNT] = {false}, containers = false;
    struct k8s_metrics sum = {0}; /* usage summed as it is read (a node's: its one usage) */
    struct k8s_metrics *m;
    int k, k2;

    if (!k8s_metrics_scan_open(s, '{')) {
        return NULL;
    }
    for (bool first = true; (k = k8s_metrics_scan_key(s, key, sizeof key, first)) == 1;
         first = false) {
        if (strcmp(key, "metadata") == 0) {
            if (!k8s_metrics_scan_open(s, '{')) {
                return NULL;
            }
            for (bool f2 = true; (k2 = k8s_metrics_scan_key(s, key, sizeof key, f2)) == 1;
                 f2 = false) {
                int i = strcmp(key, "name") == 0 ? F_NAME : strcmp(key, "namespace") == 0 ? F_NS : -1;

                if (i >= 0 ? !k8s_metrics_scan_str(s, f[i], sizeof f[i]) : !k8s_metrics_scan_skip(s)) {
                    return NULL;
                }
                if (i >= 0) {
                    seen[i] = true;
                }
            }
            if (k2 != 0) {
                return NULL;
            }
        } else if (strcmp(key, "timestamp") == 0 || strcmp(key, "window") == 0) {
            int i = key[0] == 't' ? F_TS : F_WINDOW;

            if (!k8s_metrics_scan_str(s, f[i], sizeof f[i])) {
                return NULL;
            }
            seen[i] = true;
        } else if (pod && strcmp(key, "containers") == 0) {
            if (containers || !k8s_metrics_scan_open(s, '[')) {
                return NULL;
            }
            containers = true;
            s->p = jsontext_ws(s->p, s->end);
            if (s->p < s->end && *s->p == ']') {
                s->p++;
                continue;
            }
            for (;;) {
                bool has_usage = false;

                if (!k8s_metrics_scan_open(s, '{')) {
                    return NULL;
                }
                for (bool f2 = true; (k2 = k8s_metrics_scan_key(s, key, sizeof key, f2)) == 1;
                     f2 = false) {
                    if (strcmp(key, "usage") == 0) {
                        if (has_usage || !k8s_metrics_scan_usage(s, cpu, mem, sizeof cpu)) {
                            return NULL;
                        }
                        k8s_metrics_scan_add(&sum, cpu, mem);
                        has_usage = true;
                    } else if (!k8s_metrics_scan_skip(s)) {
                        return NULL;
                    }
                }
                if (k2 != 0 || !has_usage) {
                    return NULL;
                }
                s->p = jsontext_ws(s->p, s->end);
                if (s->p < s->end && *s->p == ',') {
                    s->p++;
                    continue;
                }
                if (s->p < s->end && *s->p == ']') {
                    s->p++;
                    break;
                }
                return NULL;
            }
        } else if (!pod && strcmp(key, "usage") == 0) {
            if (containers || !k8s_metrics_scan_usage(s, cpu, mem, sizeof cpu)) {
                return NULL;
            }
            k8s_metrics_scan_add(&sum, cpu, mem);
            containers = true;
        } else if (!k8s_metrics_scan_skip(s)) {
            return NULL;
        }
    }
    for (int i = 0; i < F_COUNT; i++) {
        seen[i] = seen[i] && f[i][0] != '\0'; /* "" is absent, as k8s_row_parse() reads it */
    }
    if (k != 0 || !seen[F_NAME] || (pod && !seen[F_NS]) || !containers) {
        return NULL; /* jansson says what is wrong, or reads what is unusual */
    }
    m = k8s_metrics_new(pod ? f[F_NS] : NULL, f[F_NAME], seen[F_TS] ? f[F_TS] : NULL,
                        seen[F_WINDOW] ? f[F_WINDOW] : NULL);
    m->cpu_m = sum.cpu_m;
    m->mem_b = sum.mem_b;
    return m;
}

/* A body without an items array: the reason, from the whole JSON. */
static void k8s_metrics_decode_whole(struct k8s_metrics_job *job)
{
    struct jsonarena arena = {0};
    json_error_t jerr;
    json_t *root;
    const char *msg;

    jsonarena_begin(&arena);
    root = json_loadb(job->body, job->len, JSON_ALLOW_NUL, &jerr);
    if (root == NULL) {
        job->error = xasprintf("invalid JSON in %s list: %s (at byte %d)", job->r->name, jerr.text,
                               jerr.position);
    } else if ((msg = json_string_value(json_object_get(root, "message"))) != NULL) {
        job->error = xasprintf("%s: %s", job->r->name, msg);
    } else {
        job->error = xasprintf("%s list has no items array", job->r->name);
    }
    json_decref(root);
    jsonarena_end(&arena);
}

struct k8s_metrics *k8s_metrics_scan_text(const char **p, const char *end, bool pod)
{
    struct k8s_metrics_scan scan = {*p, end};
    struct k8s_metrics *m = k8s_metrics_scan_item(&scan, pod);

    if (m != NULL) {
        *p = scan.p;
    }
    return m;
}

static void k8s_metrics_job_push(struct k8s_metrics_job *job, struct store_row *row)
{
    if (job->nrows == job->cap) {
        job->cap = job->cap ? job->cap * 2 : 1024;
        job->rows = xrealloc(job->rows, job->cap * sizeof *job->rows);
    }
    job->rows[job->nrows++] = row;
}

/* Worker thread: the items one at a time, each arena released after a thousand, so the
 * memory stays that of a thousand items. Touches nothing shared. */
static void k8s_metrics_work(void *arg)
{
    struct k8s_metrics_job *job = arg;
    const char *end = job->body != NULL ? job->body + job->len : NULL;
    const char *p = job->body != NULL ? k8s_metrics_find_items(job->body, end) : NULL;
    struct jsonarena arena = {0};
    double t0 = k8s_metrics_clock_ms();
    size_t in_arena = 0;

    if (job->body == NULL) {
        job->error = xasprintf("%s: empty answer", job->r->name);
        return;
    }
    if (p == NULL) {
        k8s_metrics_decode_whole(job);
        return;
    }
    jsonarena_begin(&arena);
    p = jsontext_ws(p, end);
    while (p < end && *p != ']') {
        json_error_t jerr;
        json_t *item;
        struct store_row *m;
        struct k8s_metrics *fast =
            k8s_metrics_scan_text(&p, end, job->r->kind == STORE_POD_METRICS);

        if (fast != NULL) {
            k8s_metrics_job_push(job, &fast->row);
            p = jsontext_ws(p, end);
            job->scanned++;
            goto next;
        }
        item = json_loadb(p, (size_t)(end - p), JSON_DISABLE_EOF_CHECK, &jerr);
        if (item == NULL) {
            job->error = xasprintf("invalid JSON in %s list at byte %zu: %s", job->r->name,
                                   (size_t)(p - job->body) + (size_t)jerr.position, jerr.text);
            break;
        }
        m = k8s_row_parse(job->r->kind, item, NULL); /* an item without a name is skipped */
        if (m != NULL) {
            k8s_metrics_job_push(job, m);
        }
        json_decref(item);
        p = jsontext_ws(p + jerr.position, end);
        if (++in_arena == K8S_METRICS_ARENA_ITEMS) {
            jsonarena_end(&arena);
            memset(&arena, 0, sizeof arena);
            jsonarena_begin(&arena);
            in_arena = 0;
        }
    next:
        if (p < end && *p == ',') {
            p = jsontext_ws(p + 1, end);
        } else if (p >= end || *p != ']') {
            job->error = xasprintf("invalid JSON in %s list at byte %zu: expected ',' or ']'",
                                   job->r->name, (size_t)(p - job->body));
            break;
        }
    }
    if (job->error == NULL && p >= end) {
        job->error = xasprintf("%s list is truncated", job->r->name);
    }
    jsonarena_end(&arena);
    free(job->body); /* the rows are copies: the 20 MB of a 50,000-pod answer go now */
    job->body = NULL;
    job->decode_ms = k8s_metrics_clock_ms() - t0;
}

static void k8s_metrics_job_free(struct k8s_metrics_job *job, size_t first_owned)
{
    for (size_t i = first_owned; i < job->nrows; i++) {
        k8s_metrics_free(job->rows[i]);
    }
    free(job->rows);
    free(job->body);
    free(job->error);
    free(job);
}

enum k8s_metrics_state k8s_metrics_poller_state(const struct k8s_metrics_poller *p)
{
    bool ok = false, absent = false;

    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        switch (p->res[i].state) {
        case K8S_METRICS_FAILING:
            return K8S_METRICS_FAILING;
        case K8S_METRICS_OK:
            ok = true;
            break;
        case K8S_METRICS_ABSENT:
            absent = true;
            break;
        case K8S_METRICS_UNKNOWN:
            break;
        }
    }
    return ok ? K8S_METRICS_OK : absent ? K8S_METRICS_ABSENT : K8S_METRICS_UNKNOWN;
}

static void k8s_metrics_update_health(struct k8s_metrics_poller *p)
{
    struct source_health *h = &p->health;
    int64_t now = (int64_t)time(NULL);

    switch (k8s_metrics_poller_state(p)) {
    case K8S_METRICS_FAILING:
        for (int i = 0; i < K8S_MRES_COUNT; i++) {
            if (p->res[i].state == K8S_METRICS_FAILING) {
                source_health_fail(h, p->res[i].error, now);
                break;
            }
        }
        break;
    case K8S_METRICS_ABSENT:
        source_health_ok(h, SOURCE_OK, now);
        h->last_error =
            xstrdup("metrics.k8s.io is not served (no metrics-server); CPU and memory are n/a");
        break;
    case K8S_METRICS_OK:
        source_health_ok(h, SOURCE_OK, now);
        break;
    case K8S_METRICS_UNKNOWN:
        h->state = SOURCE_CONNECTING;
        h->version++;
        break;
    }
}

static void k8s_metrics_poll_fire(void *arg)
{
    struct k8s_metrics_res *r = arg;

    r->timer = NULL;
    k8s_metrics_poll(r);
}

/* The poll is over: the next one in `delay_ms`. */
static void k8s_metrics_schedule(struct k8s_metrics_res *r, int64_t delay_ms)
{
    struct k8s_metrics_poller *p = r->p;

    r->busy = false;
    loop_timer_cancel(p->loop, r->timer);
    r->timer = loop_timer_add_aligned(p->loop, delay_ms > 0 ? delay_ms : 0, K8S_METRICS_ALIGN_MS,
                                      k8s_metrics_poll_fire, r);
    k8s_metrics_update_health(p);
}

static void k8s_metrics_fail(struct k8s_metrics_res *r, const char *msg)
{
    int64_t delay = r->p->interval_ms;

    r->p->stats.failures++;
    r->state = K8S_METRICS_FAILING;
    free(r->error);
    r->error = xasprintf("%s: %s", r->name, msg);
    for (int i = 0; i < r->fails && delay < K8S_METRICS_BACKOFF_MAX_MS; i++) {
        delay *= 2;
    }
    r->fails++;
    k8s_metrics_schedule(r,
                         delay < K8S_METRICS_BACKOFF_MAX_MS ? delay : K8S_METRICS_BACKOFF_MAX_MS);
}

/* Not served: no rows, and a quiet look again in five minutes. */
static void k8s_metrics_absent(struct k8s_metrics_res *r)
{
    struct store_table *t = store_table(r->p->store, r->kind);

    r->p->stats.absent++;
    r->state = K8S_METRICS_ABSENT;
    r->fails = 0;
    free(r->error);
    r->error = NULL;
    if (t->count > 0) {
        store_clear(t);
    }
    k8s_metrics_schedule(r, K8S_METRICS_ABSENT_RETRY_MS);
}

static void k8s_metrics_slice_fire(void *arg);

/* Puts the next slice of the decoded rows into the store; after the last, sweeps. */
static void k8s_metrics_apply(struct k8s_metrics_res *r)
{
    struct k8s_metrics_poller *p = r->p;
    struct k8s_metrics_job *job = r->applying;
    struct store_table *t = store_table(p->store, r->kind);
    size_t n = job->nrows - r->applied;
    double t0 = k8s_metrics_clock_ms(), ms;

    if (n > K8S_METRICS_SLICE) {
        n = K8S_METRICS_SLICE;
    }
    for (size_t i = r->applied; i < r->applied + n; i++) {
        job->rows[i]->mark = r->epoch;
        store_put(t, job->rows[i]);
    }
    r->applied += n;
    if (r->applied == job->nrows) {
        store_sweep(t, r->epoch);
    }
    ms = k8s_metrics_clock_ms() - t0;
    if (r == &p->res[K8S_MRES_PODS]) {
        p->stats.apply_ms += ms;
        p->stats.apply_max_ms = ms > p->stats.apply_max_ms ? ms : p->stats.apply_max_ms;
    }
    if (r->applied < job->nrows) {
        r->slice = loop_timer_add(p->loop, 0, k8s_metrics_slice_fire, r);
        return;
    }
    if (r == &p->res[K8S_MRES_PODS]) {
        p->stats.rows = job->nrows;
        p->stats.decode_ms = job->decode_ms;
    }
    /* `make bench` reads these lines. */
    log_msg("metrics: %s %zu rows (%zu by the fast path), %.1f MB in %.0f ms, decode %.0f ms "
            "(worker), apply %.1f ms (loop, longest slice %.1f ms)",
            r->name, job->nrows, job->scanned, (double)job->len / 1048576.0, job->fetch_ms,
            job->decode_ms,
            r == &p->res[K8S_MRES_PODS] ? p->stats.apply_ms : ms,
            r == &p->res[K8S_MRES_PODS] ? p->stats.apply_max_ms : ms);
    p->stats.polls++;
    r->applying = NULL;
    k8s_metrics_job_free(job, job->nrows);
    r->state = K8S_METRICS_OK;
    r->ever_ok = true;
    r->fails = 0;
    free(r->error);
    r->error = NULL;
    k8s_metrics_schedule(r, r->started_ms + p->interval_ms - loop_now_ms());
}

static void k8s_metrics_slice_fire(void *arg)
{
    struct k8s_metrics_res *r = arg;

    r->slice = NULL;
    k8s_metrics_apply(r);
}

/* Loop thread: a decoded answer. */
static void k8s_metrics_done(void *arg)
{
    struct k8s_metrics_job *job = arg;
    struct k8s_metrics_res *r = job->r;

    if (job->run != r->run) {
        k8s_metrics_job_free(job, 0); /* stopped meanwhile */
        return;
    }
    if (job->error != NULL) {
        char *msg = job->error;

        job->error = NULL;
        k8s_metrics_job_free(job, 0);
        k8s_metrics_fail(r, msg);
        free(msg);
        return;
    }
    if (r == &r->p->res[K8S_MRES_PODS]) {
        r->p->stats.apply_ms = 0;
        r->p->stats.apply_max_ms = 0;
    }
    r->epoch++;
    r->applying = job;
    r->applied = 0;
    k8s_metrics_apply(r);
}

static void k8s_metrics_http_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct k8s_metrics_res *r = arg;
    struct k8s_metrics_job *job;

    (void)req;
    r->req = NULL;
    if (res->error == NULL && (res->status == 404 || (res->status == 503 && !r->ever_ok))) {
        k8s_metrics_absent(r);
        return;
    }
    if (res->error != NULL || res->status != 200) {
        char *msg = k8s_error_text(res->status, res->body, res->body_len, res->error);

        k8s_metrics_fail(r, msg);
        free(msg);
        return;
    }
    job = xcalloc(1, sizeof *job);
    job->r = r;
    job->run = r->run;
    job->body = res->body;
    job->len = res->body_len;
    job->fetch_ms = (double)(loop_now_ms() - r->started_ms);
    res->body = NULL;
    workpool_submit(r->p->pool, k8s_metrics_work, k8s_metrics_done, job);
}

static void k8s_metrics_poll(struct k8s_metrics_res *r)
{
    struct k8s_metrics_poller *p = r->p;
    struct http_opts o = p->base;
    char *url;

    if (r->busy) {
        return; /* never two at once */
    }
    url = xasprintf("%s%s", p->server, r->path);
    o.url = url;
    o.timeout_ms = p->timeout_ms;
    r->busy = true;
    r->started_ms = loop_now_ms();
    p->stats.requests++;
    r->req = http_start(p->http, &o, NULL, k8s_metrics_http_done, r);
    free(url);
}

struct k8s_metrics_poller *k8s_metrics_poller_new(struct loop *l, struct http *h,
                                                  struct workpool *pool, struct store *s,
                                                  const struct http_opts *base, const char *server,
                                                  int interval_ms, long timeout_ms)
{
    static const struct {
        const char *name, *path;
        enum store_kind kind;
    } defs[K8S_MRES_COUNT] = {
        [K8S_MRES_PODS] = {"pod metrics", "/apis/metrics.k8s.io/v1beta1/pods", STORE_POD_METRICS},
        [K8S_MRES_NODES] = {"node metrics", "/apis/metrics.k8s.io/v1beta1/nodes",
                            STORE_NODE_METRICS},
    };
    struct k8s_metrics_poller *p = xcalloc(1, sizeof *p);

    p->loop = l;
    p->http = h;
    p->pool = pool;
    p->store = s;
    p->base = *base;
    p->base.url = NULL;
    p->server = xstrdup(server != NULL ? server : "");
    p->interval_ms = interval_ms > 0 ? interval_ms : 15000;
    p->timeout_ms = timeout_ms > 0 ? timeout_ms : 60000;
    p->health.name = "metrics";
    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        struct k8s_metrics_res *r = &p->res[i];

        r->p = p;
        r->name = defs[i].name;
        r->path = defs[i].path;
        r->kind = defs[i].kind;
    }
    return p;
}

void k8s_metrics_poller_start(struct k8s_metrics_poller *p)
{
    p->health.state = SOURCE_CONNECTING;
    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        store_set_free(p->store, p->res[i].kind, k8s_metrics_free);
        k8s_metrics_poll(&p->res[i]);
    }
}

void k8s_metrics_poller_stop(struct k8s_metrics_poller *p)
{
    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        struct k8s_metrics_res *r = &p->res[i];

        r->run++;
        if (r->req != NULL) {
            http_cancel(p->http, r->req);
            r->req = NULL;
        }
        loop_timer_cancel(p->loop, r->timer);
        r->timer = NULL;
        loop_timer_cancel(p->loop, r->slice);
        r->slice = NULL;
        if (r->applying != NULL) {
            k8s_metrics_job_free(r->applying, r->applied);
            r->applying = NULL;
        }
        r->busy = false;
    }
}

void k8s_metrics_poller_free(struct k8s_metrics_poller *p)
{
    if (p == NULL) {
        return;
    }
    k8s_metrics_poller_stop(p);
    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        free(p->res[i].error);
    }
    source_health_fini(&p->health);
    free(p->server);
    free(p);
}

const struct source_health *k8s_metrics_poller_health(const struct k8s_metrics_poller *p)
{
    return &p->health;
}

void k8s_metrics_poller_stats(const struct k8s_metrics_poller *p, struct k8s_metrics_stats *out)
{
    *out = p->stats;
}
