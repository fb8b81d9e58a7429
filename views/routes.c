/* The routes view: every endpoint of the KrakenD gateway the session may see, with its tenant
 * (the path prefix), method, backends (host and url_pattern), authentication (a JWT
 * validator with its issuer and audience, API keys, none), rate limits (max_rate /
 * client_max_rate), circuit breaker, timeout and cache TTL, and its traffic between the last
 * two scrapes of the metrics: requests a second, 5xx share and p95 latency. A route without
 * traffic, one whose 5xx share is above [krakend] error_warn and one whose circuit is open
 * stand out in STATUS and in their cells. `:routes TENANT` narrows it to a tenant; d shows the
 * endpoint's whole configuration as the gateway sees it (y: the same, as an object). */
#define _GNU_SOURCE /* qsort_r */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/krakend/krakend_route.h"
#include "core/xalloc.h"
#include "views/view.h"

enum routes_col {
    RC_ENDPOINT,
    RC_TENANT,
    RC_METHOD,
    RC_STATUS,
    RC_RATE,
    RC_ERR,
    RC_P95,
    RC_AUTH,
    RC_LIMIT,
    RC_CIRCUIT,
    RC_TIMEOUT,
    RC_CACHE,
    RC_BACKENDS,
    RC_ISSUER,
    RC_COUNT
};

static const struct view_column routes_columns[RC_COUNT] = {
    [RC_ENDPOINT] = {"ENDPOINT", 12, COL_GROW | COL_MIDCUT, 'N', COL_KEEP_ALWAYS},
    [RC_TENANT] = {"TENANT", 6, 0, 'E', 8},
    [RC_METHOD] = {"METHOD", 6, 0, 'M', 7},
    [RC_STATUS] = {"STATUS", 6, COL_NOTRUNC, 'S', COL_KEEP_ALWAYS},
    [RC_RATE] = {"REQ/S", 5, COL_RIGHT | COL_NOTRUNC, 'R', 8},
    [RC_ERR] = {"5XX%", 5, COL_RIGHT | COL_NOTRUNC, 'X', 8},
    [RC_P95] = {"P95", 5, COL_RIGHT | COL_NOTRUNC, 'P', 7},
    [RC_AUTH] = {"AUTH", 4, 0, 'A', 6},
    [RC_LIMIT] = {"LIMIT", 5, COL_RIGHT, 'L', 5},
    [RC_CIRCUIT] = {"CIRCUIT", 7, 0, 'C', 5},
    [RC_TIMEOUT] = {"TIMEOUT", 7, COL_RIGHT, 'T', 4},
    [RC_CACHE] = {"CACHE", 5, COL_RIGHT, 'H', 3},
    [RC_BACKENDS] = {"BACKENDS", 8, COL_SHRINK, 'B', 2},
    [RC_ISSUER] = {"ISSUER/AUDIENCE", 6, COL_SHRINK, 'I', 1},
};

/* What a route is, in STATUS, worst first. */
enum route_status {
    RS_CIRCUIT_OPEN,
    RS_ERRORS,
    RS_NO_TRAFFIC,
    RS_WAITING, /* one scrape read, rates with the next */
    RS_OK,
};

struct route_entry {
    const struct krakend_route *r;
    const char *tenant; /* borrowed from the tenancy; NULL when it has none */
    enum route_status state;
    uint32_t rank;      /* position in the default order (by endpoint, then method) */
};

struct routes_state {
    struct route_entry *rows;
    size_t count;
    uint64_t gen, access_gen;
    bool built;
};

static enum route_status routes_state_of(const struct krakend_route *r)
{
    if (!r->has_rates) {
        return RS_WAITING;
    }
    if (krakend_route_failing(r)) {
        return r->breaker_open ? RS_CIRCUIT_OPEN : RS_ERRORS;
    }
    return r->rates.requests <= 0 ? RS_NO_TRAFFIC : RS_OK;
}

static int routes_name_cmp(const void *pa, const void *pb)
{
    const struct route_entry *a = pa, *b = pb;
    int c = strcmp(a->r->ep.endpoint, b->r->ep.endpoint);

    return c != 0 ? c : strcmp(a->r->ep.method, b->r->ep.method);
}

/* NaN (no value) sorts below every number. */
static int routes_num_cmp(double a, double b)
{
    bool na = isnan(a), nb = isnan(b);

    if (na || nb) {
        return (int)nb - (int)na;
    }
    return (a > b) - (a < b);
}

static const char *routes_backend(const struct krakend_route *r)
{
    return r->ep.nbackends > 0 ? r->ep.backends[0].host : NULL;
}

static int routes_breaker(const struct krakend_route *r)
{
    for (size_t i = 0; i < r->ep.nbackends; i++) {
        if (r->ep.backends[i].breaker) {
            return r->breaker_open ? 2 : 1;
        }
    }
    return 0;
}

static int routes_cmp_col(const struct route_entry *a, const struct route_entry *b, int col)
{
    const struct krakend_route *x = a->r, *y = b->r;

    switch ((enum routes_col)col) {
    case RC_ENDPOINT:
        return routes_name_cmp(a, b);
    case RC_TENANT:
        return view_str_cmp(a->tenant, b->tenant);
    case RC_METHOD:
        return strcmp(x->ep.method, y->ep.method);
    case RC_STATUS:
        return view_int_cmp(b->state, a->state); /* worst last, so descending puts it first */
    case RC_RATE:
        return routes_num_cmp(x->has_rates ? x->rates.req_rate : NAN,
                              y->has_rates ? y->rates.req_rate : NAN);
    case RC_ERR:
        return routes_num_cmp(x->rates.err_share, y->rates.err_share);
    case RC_P95:
        return routes_num_cmp(x->rates.p95_ms, y->rates.p95_ms);
    case RC_AUTH:
        return view_int_cmp(x->ep.auth, y->ep.auth);
    case RC_LIMIT:
        return routes_num_cmp(x->ep.max_rate, y->ep.max_rate);
    case RC_CIRCUIT:
        return view_int_cmp(routes_breaker(x), routes_breaker(y));
    case RC_TIMEOUT:
        return view_int_cmp(x->ep.timeout != NULL ? x->ep.timeout_ms : -1,
                            y->ep.timeout != NULL ? y->ep.timeout_ms : -1);
    case RC_CACHE:
        return view_int_cmp(x->ep.cache_ttl != NULL ? x->ep.cache_ttl_ms : -1,
                            y->ep.cache_ttl != NULL ? y->ep.cache_ttl_ms : -1);
    case RC_BACKENDS:
        return view_str_cmp(routes_backend(x), routes_backend(y));
    case RC_ISSUER:
        return view_str_cmp(x->ep.jwt_issuer, y->ep.jwt_issuer);
    case RC_COUNT:
        break;
    }
    return 0;
}

static int routes_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct route_entry *a = pa, *b = pb;
    const struct view *v = arg;
    int c = v->sort_col >= 0 ? routes_cmp_col(a, b, v->sort_col) : 0;

    if (v->sort_desc) {
        c = -c;
    }
    return c != 0 ? c : view_int_cmp(a->rank, b->rank);
}

static void routes_sort(struct view *v, size_t col, bool desc)
{
    struct routes_state *st = v->state;

    (void)col;
    (void)desc; /* v->sort_col and v->sort_desc say the same */
    if (st->count > 1) {
        qsort_r(st->rows, st->count, sizeof *st->rows, routes_sort_cmp, v);
    }
}

static bool routes_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct routes_state *st = v->state;

    return !st->built || st->gen != store_gen(ctx->store, STORE_ROUTE) ||
           st->access_gen != access_gen(ctx->access);
}

static void routes_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct routes_state *st = v->state;
    const struct view_scope *sc = ctx->scope;
    struct access_cursor cur;
    const struct store_row *row;
    const char *tenant;

    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_ROUTE) + 1, sizeof *st->rows);
    st->count = 0;
    access_rows(ctx->access, STORE_ROUTE, &cur);
    while ((row = access_next(&cur, &tenant)) != NULL) {
        const struct krakend_route *r = (const struct krakend_route *)row;

        if (sc->tenant[0] != '\0' && (tenant == NULL || strcmp(tenant, sc->tenant) != 0)) {
            continue;
        }
        st->rows[st->count++] =
            (struct route_entry){.r = r, .tenant = tenant, .state = routes_state_of(r)};
    }
    qsort(st->rows, st->count, sizeof *st->rows, routes_name_cmp);
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    if (v->sort_col >= 0) {
        routes_sort(v, (size_t)v->sort_col, v->sort_desc);
    }
    st->gen = store_gen(ctx->store, STORE_ROUTE);
    st->access_gen = access_gen(ctx->access);
    st->built = true;
}

static size_t routes_count(const struct view *v)
{
    const struct routes_state *st = v->state;

    return st->count;
}

/* A duration in milliseconds as it reads best: "850ms", "3.0s". */
static void routes_fmt_ms(double ms, char *buf, size_t size)
{
    if (ms < 1000) {
        snprintf(buf, size, "%.0fms", ms);
    } else {
        snprintf(buf, size, "%.1fs", ms / 1000);
    }
}

static void routes_backends(const struct krakend_route *r, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < r->ep.nbackends && len + 1 < size; i++) {
        const struct krakend_backend *b = &r->ep.backends[i];
        int n = snprintf(buf + len, size - len, "%s%s%s%s", i > 0 ? "; " : "", b->host,
                         b->host[0] != '\0' ? " " : "", b->url_pattern);

        len += n > 0 ? (size_t)n : 0;
    }
    if (r->ep.nbackends == 0) {
        snprintf(buf, size, "<none>");
    }
}

static enum view_tone routes_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                  size_t col, char *buf, size_t size)
{
    const struct routes_state *st = v->state;
    const struct route_entry *e = &st->rows[row];
    const struct krakend_route *r = e->r;
    const struct krakend_endpoint *ep = &r->ep;
    int breaker;

    (void)ctx;
    switch ((enum routes_col)col) {
    case RC_ENDPOINT:
        snprintf(buf, size, "%s", ep->endpoint);
        return TONE_NORMAL;
    case RC_TENANT:
        snprintf(buf, size, "%s", e->tenant != NULL ? e->tenant : "-");
        return e->tenant != NULL ? TONE_NORMAL : TONE_DIM;
    case RC_METHOD:
        snprintf(buf, size, "%s", ep->method);
        return TONE_NORMAL;
    case RC_STATUS:
        switch (e->state) {
        case RS_CIRCUIT_OPEN:
            snprintf(buf, size, "CircuitOpen");
            return TONE_CRIT;
        case RS_ERRORS:
            snprintf(buf, size, "Errors");
            return TONE_WARN;
        case RS_NO_TRAFFIC:
            snprintf(buf, size, "NoTraffic");
            return TONE_WARN;
        case RS_WAITING:
            snprintf(buf, size, "Measuring");
            return TONE_PENDING;
        case RS_OK:
            break;
        }
        snprintf(buf, size, "OK");
        return TONE_OK;
    case RC_RATE:
        if (!r->has_rates) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        snprintf(buf, size, "%.1f", r->rates.req_rate);
        return r->rates.requests <= 0 ? TONE_WARN : TONE_NORMAL;
    case RC_ERR:
        if (isnan(r->rates.err_share)) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        snprintf(buf, size, "%.1f%%", r->rates.err_share * 100);
        return r->rates.err_share * 100 > r->error_warn ? TONE_WARN : TONE_NORMAL;
    case RC_P95:
        if (isnan(r->rates.p95_ms)) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        routes_fmt_ms(r->rates.p95_ms, buf, size);
        return ep->timeout != NULL && r->rates.p95_ms >= (double)ep->timeout_ms ? TONE_WARN
                                                                                : TONE_NORMAL;
    case RC_AUTH:
        snprintf(buf, size, "%s", ep->auth == KRAKEND_AUTH_JWT       ? "JWT"
                                  : ep->auth == KRAKEND_AUTH_API_KEY ? "APIKey"
                                                                     : "none");
        return ep->auth == KRAKEND_AUTH_NONE ? TONE_DIM : TONE_NORMAL;
    case RC_LIMIT:
        if (ep->max_rate < 0 && ep->client_max_rate < 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        if (ep->max_rate >= 0 && ep->client_max_rate >= 0) {
            snprintf(buf, size, "%g/%g", ep->max_rate, ep->client_max_rate);
        } else if (ep->max_rate >= 0) {
            snprintf(buf, size, "%g/-", ep->max_rate);
        } else {
            snprintf(buf, size, "-/%g", ep->client_max_rate);
        }
        return TONE_NORMAL;
    case RC_CIRCUIT:
        breaker = routes_breaker(r);
        if (breaker == 2) {
            snprintf(buf, size, "OPEN");
            return TONE_CRIT;
        }
        if (breaker == 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        for (size_t i = 0; i < ep->nbackends; i++) {
            if (ep->backends[i].breaker) {
                snprintf(buf, size, "%lld/%llds", (long long)ep->backends[i].breaker_max_errors,
                         (long long)ep->backends[i].breaker_interval_s);
                break;
            }
        }
        return TONE_NORMAL;
    case RC_TIMEOUT:
        snprintf(buf, size, "%s", ep->timeout != NULL ? ep->timeout : "-");
        return ep->timeout_inherited || ep->timeout == NULL ? TONE_DIM : TONE_NORMAL;
    case RC_CACHE:
        snprintf(buf, size, "%s", ep->cache_ttl != NULL ? ep->cache_ttl : "-");
        return ep->cache_ttl_inherited || ep->cache_ttl == NULL ? TONE_DIM : TONE_NORMAL;
    case RC_BACKENDS:
        routes_backends(r, buf, size);
        return TONE_NORMAL;
    case RC_ISSUER:
        if (ep->auth != KRAKEND_AUTH_JWT) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        snprintf(buf, size, "%s%s%s%s%s", ep->jwt_alg != NULL ? ep->jwt_alg : "",
                 ep->jwt_alg != NULL ? " " : "", ep->jwt_issuer != NULL ? ep->jwt_issuer : "-",
                 ep->jwt_audience != NULL ? " aud " : "",
                 ep->jwt_audience != NULL ? ep->jwt_audience : "");
        return TONE_NORMAL;
    case RC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *routes_row_key(const struct view *v, size_t row)
{
    const struct routes_state *st = v->state;

    return row < st->count ? st->rows[row].r->row.uid : NULL;
}

/* The route's row; its tenant comes from the tenancy. */
static const struct store_row *routes_row_source(const struct view *v, size_t row,
                                                 uint64_t *extra)
{
    const struct routes_state *st = v->state;

    *extra = view_mix_str(0, st->rows[row].tenant);
    return &st->rows[row].r->row;
}

/* TENANT when every route is one tenant's (:routes dmi). */
static bool routes_redundant(const struct view *v, size_t col)
{
    const struct routes_state *st = v->state;

    if (col != RC_TENANT || st->count == 0) {
        return false;
    }
    for (size_t i = 1; i < st->count; i++) {
        if (view_str_cmp(st->rows[i].tenant, st->rows[0].tenant) != 0) {
            return false;
        }
    }
    return true;
}

/* d and y: the endpoint as the gateway sees it (the configuration reader's text). */
static char *routes_describe(const struct view *v, const struct view_ctx *ctx, size_t row,
                             bool raw, char **err)
{
    const struct routes_state *st = v->state;
    const struct krakend_route *r;

    (void)ctx;
    if (row >= st->count) {
        *err = xstrdup("no route here");
        return NULL;
    }
    r = st->rows[row].r;
    if (raw) {
        return xstrdup(r->ep.json);
    }
    return xasprintf("# %s %s: the endpoint as the gateway sees it\n%s\n", r->ep.method,
                     r->ep.endpoint, r->ep.json);
}

static void routes_fini(struct view *v)
{
    struct routes_state *st = v->state;

    free(st->rows);
}

static const char *const routes_aliases[] = {"route", "rt", NULL};

const struct view_ops routes_view = {
    .name = "routes",
    .tenant_entry = true, /* offered by Enter on a tenant */
    .aliases = routes_aliases,
    .title = "routes",
    .columns = routes_columns,
    .ncolumns = RC_COUNT,
    .state_size = sizeof(struct routes_state),
    .source = "krakend",
    .fini = routes_fini,
    .stale = routes_stale,
    .rebuild = routes_rebuild,
    .count = routes_count,
    .cell = routes_cell,
    .row_key = routes_row_key,
    .row_source = routes_row_source,
    .redundant = routes_redundant,
    .sort = routes_sort,
    .describe = routes_describe,
};
