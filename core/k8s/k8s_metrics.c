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
#include "core/poller.h"
#include "core/store.h"
#include "core/workpool.h"
#include "core/xalloc.h"

/* Items decoded in one arena before it is released: bounds the decoder's memory. */
#define K8S_METRICS_ARENA_ITEMS 1000
/* Rows put into the store per loop pass, so that a 50,000-pod poll never holds the loop. */
#define K8S_METRICS_SLICE 4096
/* Timers of both resources (and of other sources) land on the same second. */
#define K8S_METRICS_ALIGN_MS 1000

enum { K8S_MRES_PODS, K8S_MRES_NODES, K8S_MRES_COUNT };

/* One resource of metrics.k8s.io, polled by the shared poller. */
struct k8s_metrics_res {
    const char *name; /* "pod metrics" */
    enum store_kind kind;
    struct poller *poller;
};

struct k8s_metrics_poller {
    struct store *store;
    struct k8s_metrics_res res[K8S_MRES_COUNT];
    struct source_health health; /* both resources in one, for the header */
    uint64_t seen_version;       /* of the pollers' health when `health` was made */
    enum k8s_metrics_state seen_state;
};

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
static void k8s_metrics_decode_whole(const char *name, const char *body, size_t len,
                                     struct poller_decode *out)
{
    struct jsonarena arena = {0};
    json_error_t jerr;
    json_t *root;
    const char *msg;

    jsonarena_begin(&arena);
    root = json_loadb(body, len, JSON_ALLOW_NUL, &jerr);
    if (root == NULL) {
        out->error = xasprintf("invalid JSON in %s list: %s (at byte %d)", name, jerr.text,
                               jerr.position);
    } else if ((msg = json_string_value(json_object_get(root, "message"))) != NULL) {
        out->error = xasprintf("%s: %s", name, msg);
    } else {
        out->error = xasprintf("%s list has no items array", name);
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

/* The poller's decode hook, on a worker: the items one at a time, each arena released after
 * a thousand, so the memory stays that of a thousand items. Touches nothing shared. */
static void k8s_metrics_decode(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    const struct k8s_metrics_res *r = arg;
    const char *end = body + len;
    const char *p = k8s_metrics_find_items(body, end);
    struct jsonarena arena = {0};
    size_t in_arena = 0;

    if (len == 0) {
        out->error = xasprintf("%s: empty answer", r->name);
        return;
    }
    if (p == NULL) {
        k8s_metrics_decode_whole(r->name, body, len, out);
        return;
    }
    jsonarena_begin(&arena);
    p = jsontext_ws(p, end);
    while (p < end && *p != ']') {
        json_error_t jerr;
        json_t *item;
        struct store_row *m;
        struct k8s_metrics *fast = k8s_metrics_scan_text(&p, end, r->kind == STORE_POD_METRICS);

        if (fast != NULL) {
            poller_decode_push(out, &fast->row);
            p = jsontext_ws(p, end);
            out->fast++;
            goto next;
        }
        item = json_loadb(p, (size_t)(end - p), JSON_DISABLE_EOF_CHECK, &jerr);
        if (item == NULL) {
            out->error = xasprintf("invalid JSON in %s list at byte %zu: %s", r->name,
                                   (size_t)(p - body) + (size_t)jerr.position, jerr.text);
            break;
        }
        m = k8s_row_parse(r->kind, item, NULL); /* an item without a name is skipped */
        if (m != NULL) {
            poller_decode_push(out, m);
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
            out->error = xasprintf("invalid JSON in %s list at byte %zu: expected ',' or ']'",
                                   r->name, (size_t)(p - body));
            break;
        }
    }
    if (out->error == NULL && p >= end) {
        out->error = xasprintf("%s list is truncated", r->name);
    }
    jsonarena_end(&arena);
}

static void k8s_metrics_free_row(struct store_row *row)
{
    k8s_metrics_free(row);
}

/* 404, or 503 before any success: metrics.k8s.io is not served (no metrics-server). */
static bool k8s_metrics_absent(long status, bool ever_ok, void *arg)
{
    (void)arg;
    return status == 404 || (status == 503 && !ever_ok);
}

static char *k8s_metrics_error_text(long status, const char *body, size_t len,
                                    const char *transport)
{
    return k8s_error_text(status, body, len, transport);
}

static const struct poller_ops k8s_metrics_ops = {
    .decode = k8s_metrics_decode,
    .free_row = k8s_metrics_free_row,
    .absent = k8s_metrics_absent,
    .error_text = k8s_metrics_error_text,
};

static enum k8s_metrics_state k8s_metrics_state_of(enum poller_state s)
{
    switch (s) {
    case POLLER_OK:
        return K8S_METRICS_OK;
    case POLLER_ABSENT:
        return K8S_METRICS_ABSENT;
    case POLLER_FAILING:
        return K8S_METRICS_FAILING;
    case POLLER_UNKNOWN:
        break;
    }
    return K8S_METRICS_UNKNOWN;
}

enum k8s_metrics_state k8s_metrics_poller_state(const struct k8s_metrics_poller *p)
{
    bool ok = false, absent = false;

    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        switch (k8s_metrics_state_of(poller_state(p->res[i].poller))) {
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

const struct source_health *k8s_metrics_poller_health(struct k8s_metrics_poller *p)
{
    struct source_health *h = &p->health;
    const struct source_health *worst = NULL;
    uint64_t version = 0;
    enum k8s_metrics_state st = k8s_metrics_poller_state(p);

    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        const struct source_health *ph = poller_health(p->res[i].poller);

        version += ph->version;
        if (worst == NULL || (ph->state == SOURCE_RETRYING && worst->state != SOURCE_RETRYING)) {
            worst = ph;
        }
    }
    if (version == p->seen_version && p->seen_state == st) {
        return h;
    }
    p->seen_version = version;
    p->seen_state = st;
    free(h->last_error);
    h->last_error = NULL;
    h->state = worst->state;
    h->last_ok = worst->last_ok;
    h->failing_since = worst->failing_since;
    h->fault = worst->fault;
    h->http_status = worst->http_status;
    h->stale_since = worst->stale_since;
    if (worst->last_error != NULL) {
        h->last_error = xstrdup(worst->last_error);
    } else if (st == K8S_METRICS_ABSENT) {
        h->last_error =
            xstrdup("metrics.k8s.io is not served (no metrics-server); CPU and memory are n/a");
    }
    h->version++;
    return h;
}

struct k8s_metrics_poller *k8s_metrics_poller_new(struct loop *l, struct http *h,
                                                  struct workpool *pool, struct store *s,
                                                  const struct http_opts *base, const char *server,
                                                  int interval_ms, long timeout_ms,
                                                  struct http_stats *stats)
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

    p->store = s;
    p->health.name = "metrics";
    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        struct k8s_metrics_res *r = &p->res[i];
        char *url = xasprintf("%s%s", server != NULL ? server : "", defs[i].path);
        struct poller_config cfg = {
            .name = defs[i].name,
            .url = url,
            .base = base,
            .kind = defs[i].kind,
            .interval_ms = interval_ms > 0 ? interval_ms : 15000,
            .timeout_ms = timeout_ms,
            .align_ms = K8S_METRICS_ALIGN_MS,
            .slice = K8S_METRICS_SLICE,
            .stats = stats,
        };

        r->name = defs[i].name;
        r->kind = defs[i].kind;
        r->poller = poller_new(l, h, pool, s, &cfg, &k8s_metrics_ops, r);
        free(url);
    }
    return p;
}

void k8s_metrics_poller_start(struct k8s_metrics_poller *p)
{
    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        poller_start(p->res[i].poller);
    }
}

void k8s_metrics_poller_stop(struct k8s_metrics_poller *p)
{
    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        poller_stop(p->res[i].poller);
    }
}

void k8s_metrics_poller_free(struct k8s_metrics_poller *p)
{
    if (p == NULL) {
        return;
    }
    for (int i = 0; i < K8S_MRES_COUNT; i++) {
        poller_free(p->res[i].poller);
    }
    source_health_fini(&p->health);
    free(p);
}

void k8s_metrics_poller_stats(const struct k8s_metrics_poller *p, struct k8s_metrics_stats *out)
{
    struct poller_stats ps, ns;

    poller_stats(p->res[K8S_MRES_PODS].poller, &ps);
    poller_stats(p->res[K8S_MRES_NODES].poller, &ns);
    memset(out, 0, sizeof *out);
    out->requests = ps.requests + ns.requests;
    out->polls = ps.polls + ns.polls;
    out->absent = ps.absent + ns.absent;
    out->failures = ps.failures + ns.failures;
    out->rows = ps.rows;
    out->decode_ms = ps.decode_ms;
    out->apply_ms = ps.apply_ms;
    out->apply_max_ms = ps.apply_max_ms;
}
