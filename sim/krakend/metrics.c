/* KrakenD's Prometheus page, /krakend/metrics, as its OpenTelemetry exporter writes it: the
 * http_server_duration histogram (seconds) per route, method and status code.
 *
 * Each published route (krakend_sim_apps()) has a steady request rate drawn from the seed
 * (one in ten has none: a route nobody calls) and a latency of its own. Between two scrapes
 * its counters grow by rate x elapsed time, as if the gateway had run since the world began;
 * 0.1 % of them are answered 503, plus half the share of the backing app's pods that crash
 * (CrashLoopBackOff, OOMKilled: they take requests between restarts), and all of them when
 * the app has no ready replica. The 503s are slow (most wait for the 3 s timeout). Counters
 * only ever grow. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/jbuf.h"
#include "sim/krakend/krakend_sim.h"
#include "sim/sim_util.h"

static const double bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

struct route_state {
    char path[200];   /* /TENANT/v1/NAME or /TENANT/v1/NAME/:id */
    double ok, err;   /* cumulative requests by outcome */
    int64_t last_ns;  /* when they were last brought up to date */
};

struct metrics_state {
    pthread_mutex_t lock;
    struct route_state *routes;
    size_t n, cap;
};

void *krakend_metrics_start(void)
{
    struct metrics_state *m = calloc(1, sizeof *m);
    if (m != NULL) {
        pthread_mutex_init(&m->lock, NULL);
    }
    return m;
}

void krakend_metrics_stop(void *state)
{
    struct metrics_state *m = state;
    if (m != NULL) {
        pthread_mutex_destroy(&m->lock);
        free(m->routes);
        free(m);
    }
}

static struct route_state *route_get(struct metrics_state *m, const char *path, int64_t start_ns)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->routes[i].path, path) == 0) {
            return &m->routes[i];
        }
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct route_state *r = realloc(m->routes, cap * sizeof *r);
        if (r == NULL) {
            return NULL;
        }
        m->routes = r;
        m->cap = cap;
    }
    struct route_state *r = &m->routes[m->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof(r->path), "%s", path);
    r->last_ns = start_ns;
    return r;
}

/* Cumulative share of successful requests under `le` for a route of typical latency
 * `typ` seconds. */
static double ok_cdf(double le, double typ)
{
    return 1.0 - exp(-le / typ);
}

/* The same for the 503s: 30 % refused at once, the rest after the 3 s timeout. */
static double err_cdf(double le)
{
    return le >= 3.0 ? 1.0 : le >= 0.005 ? 0.3 : 0.0;
}

struct page {
    struct metrics_state *m;
    const struct world *w;
    int64_t now_ns;
    struct jbuf out;
};

static void series(struct page *pg, const char *path, const char *code, double total, double typ)
{
    char labels[320];
    snprintf(labels, sizeof(labels),
             "http_request_method=\"GET\",http_response_status_code=\"%s\",http_route=\"%s\","
             "otel_scope_name=\"io.krakend.krakend-otel\",otel_scope_version=\"\"",
             code, path);
    double n = floor(total);
    for (size_t i = 0; i < NBOUNDS; i++) {
        double f = typ > 0 ? ok_cdf(bounds[i], typ) : err_cdf(bounds[i]);
        jbuf_printf(&pg->out, "http_server_duration_bucket{%s,le=\"%g\"} %.0f\n", labels,
                    bounds[i], floor(f * total));
    }
    jbuf_printf(&pg->out, "http_server_duration_bucket{%s,le=\"+Inf\"} %.0f\n", labels, n);
    jbuf_printf(&pg->out, "http_server_duration_sum{%s} %.3f\n", labels,
                total * (typ > 0 ? typ : 2.1));
    jbuf_printf(&pg->out, "http_server_duration_count{%s} %.0f\n", labels, n);
}

/* The app's pods that crash (CrashLoopBackOff, OOMKilled): they take requests between two
 * restarts and drop them. */
static size_t crashing_pods(const struct world *w, const struct world_app *a)
{
    size_t ai = (size_t)(a - w->apps), n = 0;
    for (size_t i = world_pod_lower_bound(w, a->ns, a->name, false);
         i < w->n_pods && world_pod_ns(w, w->pods[i]) == a->ns &&
         strncmp(w->pods[i]->name, a->name, strlen(a->name)) == 0;
         i++) {
        const struct world_pod *p = w->pods[i];
        if (p->app == ai && !p->deleted_at &&
            (p->state == POD_CRASHLOOP || p->state == POD_OOMKILLED)) {
            n++;
        }
    }
    return n;
}

static void route(struct page *pg, const struct world_app *a, const char *path)
{
    uint64_t h = sim_hash64(path, strlen(path), pg->w->cfg.seed);
    double rate = h % 10 == 0 ? 0.0 : 0.5 + (double)((h >> 8) % 200) / 10.0;
    double typ = 0.02 + (double)((h >> 20) % 100) / 1000.0;
    double share = 0.001;
    if (a->replicas == 0 || a->st_ready == 0) {
        share = 1.0;
    } else {
        share += 0.5 * (double)crashing_pods(pg->w, a) / a->replicas;
    }
    struct route_state *r = route_get(pg->m, path, pg->w->start_time * 1000000000LL);
    if (r == NULL) {
        return;
    }
    double dt = (double)(pg->now_ns - r->last_ns) / 1e9;
    if (dt > 0) {
        r->ok += rate * dt * (1.0 - share);
        r->err += rate * dt * share;
        r->last_ns = pg->now_ns;
    }
    if (floor(r->ok) > 0) {
        series(pg, path, "200", r->ok, typ);
    }
    if (floor(r->err) > 0) {
        series(pg, path, "503", r->err, 0);
    }
}

/* One published app: its list route and its item route, as the gateway's router names them. */
static void app_routes(const struct world_ns *t, const struct world_app *a, const char *base,
                       void *arg)
{
    char path[200];
    snprintf(path, sizeof(path), "/%s/v1/%s", t->tenant, base);
    route(arg, a, path);
    snprintf(path, sizeof(path), "/%s/v1/%s/:id", t->tenant, base);
    route(arg, a, path);
}

enum MHD_Result krakend_metrics_serve(void *state, const struct router_request *req)
{
    struct metrics_state *m = state;
    struct page pg = {.m = m, .w = req->world, .now_ns = sim_now_ns()};
    if (m == NULL) {
        return router_queue_text(req->conn, 500, "text/plain", "no state", NULL);
    }
    jbuf_init(&pg.out);
    jbuf_printf(&pg.out, "# HELP go_goroutines Number of goroutines that currently exist.\n"
                         "# TYPE go_goroutines gauge\ngo_goroutines 42\n"
                         "# HELP http_server_duration Measures the duration of inbound HTTP "
                         "requests.\n# TYPE http_server_duration histogram\n");
    pthread_mutex_lock(&m->lock);
    world_lock(req->world);
    krakend_sim_apps(req->world, app_routes, &pg);
    world_unlock(req->world);
    pthread_mutex_unlock(&m->lock);
    size_t len;
    char *body = jbuf_steal(&pg.out, &len);
    return router_queue_buffer(req->conn, 200, "text/plain; version=0.0.4; charset=utf-8", body,
                               len, NULL);
}
