/* KrakenD's metrics per route: cumulative counts from one scrape, rates between two. */
#include "core/krakend/krakend_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "core/xalloc.h"

char *krakend_route_key(const char *method, const char *path)
{
    size_t mlen = strlen(method), plen = strlen(path);
    char *out = xmalloc(mlen + plen + 4), *o = out;
    const char *p = path;

    memcpy(o, method, mlen);
    o += mlen;
    *o++ = ' ';
    while (*p != '\0') {
        bool seg_start = p == path || p[-1] == '/';

        if (seg_start && (*p == ':' || *p == '{')) {
            *o++ = '{';
            *o++ = '}';
            while (*p != '\0' && *p != '/') {
                p++;
            }
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static size_t krakend_scrape_slot(const struct krakend_scrape *s, const char *key)
{
    size_t mask = s->nslots - 1, i = (size_t)store_hash(key) & mask;

    while (s->slots[i] != 0 && strcmp(s->routes[s->slots[i] - 1].key, key) != 0) {
        i = (i + 1) & mask;
    }
    return i;
}

const struct krakend_counts *krakend_scrape_find(const struct krakend_scrape *s,
                                                 const char *key)
{
    size_t i;

    if (s->nslots == 0) {
        return NULL;
    }
    i = krakend_scrape_slot(s, key);
    return s->slots[i] != 0 ? &s->routes[s->slots[i] - 1] : NULL;
}

static void krakend_scrape_grow(struct krakend_scrape *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 256;

    free(s->slots);
    s->slots = xcalloc(n, sizeof *s->slots);
    s->nslots = n;
    for (size_t r = 0; r < s->nroutes; r++) {
        s->slots[krakend_scrape_slot(s, s->routes[r].key)] = r + 1;
    }
}

/* The counts of a key, added when new (the key is taken). */
static struct krakend_counts *krakend_scrape_get(struct krakend_scrape *s, char *key)
{
    size_t i;

    if ((s->nroutes + 1) * 2 > s->nslots) {
        krakend_scrape_grow(s);
    }
    i = krakend_scrape_slot(s, key);
    if (s->slots[i] != 0) {
        free(key);
        return &s->routes[s->slots[i] - 1];
    }
    if (s->nroutes == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->routes = xrealloc(s->routes, s->cap * sizeof *s->routes);
    }
    memset(&s->routes[s->nroutes], 0, sizeof s->routes[0]);
    s->routes[s->nroutes].key = key;
    s->slots[i] = ++s->nroutes;
    return &s->routes[s->nroutes - 1];
}

static void krakend_counts_bucket(struct krakend_counts *c, double le, double count)
{
    size_t i = 0;

    while (i < c->nbuckets && c->buckets[i].le < le) {
        i++;
    }
    if (i < c->nbuckets && c->buckets[i].le == le) {
        c->buckets[i].count += count;
        return;
    }
    if (c->nbuckets == c->capbuckets) {
        c->capbuckets = c->capbuckets ? c->capbuckets * 2 : 16;
        c->buckets = xrealloc(c->buckets, c->capbuckets * sizeof *c->buckets);
    }
    memmove(&c->buckets[i + 1], &c->buckets[i], (c->nbuckets - i) * sizeof *c->buckets);
    c->buckets[i].le = le;
    c->buckets[i].count = count;
    c->nbuckets++;
}

static const char *krakend_label_any(const struct prom_sample *s, const char *a, const char *b)
{
    const char *v = prom_label(s, a);

    return v != NULL ? v : prom_label(s, b);
}

static void krakend_scrape_sample(const struct prom_sample *s, void *arg)
{
    static const char family[] = "http_server_duration";
    struct krakend_scrape *sc = arg;
    size_t flen = sizeof family - 1;
    const char *route, *method, *status, *suffix;
    struct krakend_counts *c;

    if (strncmp(s->name, family, flen) != 0 || isnan(s->value) || s->value < 0) {
        return;
    }
    suffix = s->name + flen;
    if (strcmp(suffix, "_bucket") != 0 && strcmp(suffix, "_count") != 0) {
        return;
    }
    route = krakend_label_any(s, "http_route", "krakend_endpoint_route");
    method = krakend_label_any(s, "http_request_method", "http_method");
    status = krakend_label_any(s, "http_response_status_code", "http_status_code");
    if (route == NULL || method == NULL) {
        return;
    }
    c = krakend_scrape_get(sc, krakend_route_key(method, route));
    if (suffix[1] == 'c') {
        c->total += s->value;
        if (status != NULL && status[0] == '5') {
            c->errors += s->value;
        }
    } else {
        const char *le = prom_label(s, "le");
        double bound = strcmp(le, "+Inf") == 0 ? INFINITY : strtod(le, NULL);

        /* prom checked le is a number, and its hooks run in the C locale */
        krakend_counts_bucket(c, bound, s->value);
    }
}

void krakend_scrape_read(const char *text, size_t len, struct krakend_scrape *out)
{
    struct prom_handler h = {.sample = krakend_scrape_sample, .arg = out};

    memset(out, 0, sizeof *out);
    prom_parse(text, len, &h, &out->prom);
}

void krakend_scrape_fini(struct krakend_scrape *s)
{
    for (size_t i = 0; i < s->nroutes; i++) {
        free(s->routes[i].key);
        free(s->routes[i].buckets);
    }
    free(s->routes);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

/* The cumulative count of bucket `le` in c, 0 when it has none. */
static double krakend_bucket_at(const struct krakend_counts *c, double le)
{
    for (size_t i = 0; c != NULL && i < c->nbuckets; i++) {
        if (c->buckets[i].le == le) {
            return c->buckets[i].count;
        }
    }
    return 0;
}

/* Whether any counter of cur is below prev's: the gateway restarted between. */
static bool krakend_counts_reset(const struct krakend_counts *prev,
                                 const struct krakend_counts *cur)
{
    if (prev == NULL) {
        return false;
    }
    if (cur == NULL) {
        return prev->total > 0;
    }
    if (cur->total < prev->total || cur->errors < prev->errors) {
        return true;
    }
    for (size_t i = 0; i < prev->nbuckets; i++) {
        if (krakend_bucket_at(cur, prev->buckets[i].le) < prev->buckets[i].count) {
            return true;
        }
    }
    return false;
}

/* The 95th percentile (ms) of the window's bucket counts, interpolated inside its bucket;
 * the highest finite bound when it falls in the +Inf bucket. */
static double krakend_p95(const struct krakend_counts *prev, const struct krakend_counts *cur,
                          double requests)
{
    double rank, below = 0, lower = 0;

    if (cur == NULL || cur->nbuckets == 0 || requests <= 0) {
        return NAN;
    }
    if (isinf(cur->buckets[cur->nbuckets - 1].le)) {
        double inf = cur->buckets[cur->nbuckets - 1].count - krakend_bucket_at(prev, INFINITY);

        if (inf > 0) {
            requests = inf;
        }
    }
    rank = 0.95 * requests;
    for (size_t i = 0; i < cur->nbuckets; i++) {
        double n = cur->buckets[i].count - krakend_bucket_at(prev, cur->buckets[i].le);

        if (n >= rank) {
            if (isinf(cur->buckets[i].le)) {
                return i > 0 ? lower * 1000 : NAN;
            }
            if (n <= below) {
                return cur->buckets[i].le * 1000;
            }
            return (lower + (cur->buckets[i].le - lower) * (rank - below) / (n - below)) * 1000;
        }
        below = n;
        lower = cur->buckets[i].le;
    }
    return lower * 1000;
}

void krakend_rates_between(const struct krakend_counts *prev, const struct krakend_counts *cur,
                           double dt_s, struct krakend_rates *out)
{
    memset(out, 0, sizeof *out);
    out->err_share = NAN;
    out->p95_ms = NAN;
    out->reset = krakend_counts_reset(prev, cur);
    if (out->reset) {
        prev = NULL; /* the new counters started at 0 */
    }
    if (cur == NULL) {
        return;
    }
    out->requests = cur->total - (prev != NULL ? prev->total : 0);
    out->errors = cur->errors - (prev != NULL ? prev->errors : 0);
    if (out->requests <= 0) {
        out->requests = 0;
        out->errors = 0;
        return;
    }
    if (out->errors < 0) {
        out->errors = 0;
    }
    out->req_rate = dt_s > 0 ? out->requests / dt_s : 0;
    out->err_share = out->errors / out->requests;
    out->p95_ms = krakend_p95(prev, cur, out->requests);
}
