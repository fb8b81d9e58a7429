/* KrakenD (the API gateway) as a source: the routes of its configuration ([krakend] config,
 * a krakend.json path or URL) joined with its traffic ([krakend] metrics, the Prometheus
 * endpoint), and its health ([krakend] health, /__health).
 *
 * - Every [krakend] interval (15 s by default) the shared poller reads the configuration
 *   (a URL; a file is read again when its modification time or size changes) and the
 *   metrics; both are decoded on the workpool.
 * - Each endpoint becomes a STORE_ROUTE row (core/krakend/krakend_route.h) whose tenant is
 *   its path prefix: a [tenant NAME] gateway_prefix, else [krakend] tenant_pattern.
 * - Rates are the deltas of the counters and histogram buckets between two scrapes; a
 *   counter that went back (a restart) counts from 0, never negative.
 * - A failing configuration or metrics page keeps the last rows and says why (the source's
 *   health, stale after three intervals); the health URL (else the configuration's, else the
 *   metrics') is polled through core/source_http.c as before, for credentials, TLS and
 *   `govconsole check`. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/config.h"
#include "core/krakend/krakend_config.h"
#include "core/krakend/krakend_metrics.h"
#include "core/krakend/krakend_route.h"
#include "core/krakend/prom.h"
#include "core/loop.h"
#include "core/poller.h"
#include "core/sanitize.h"
#include "core/source_http.h"
#include "core/tenant_pattern.h"
#include "core/workpool.h"
#include "core/xalloc.h"

#define KRAKEND_DEMO_METRICS "/krakend/metrics" /* govsim's path of the Prometheus page */

static bool krakend_is_url(const char *s)
{
    return s != NULL && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

static bool krakend_set(const char *s)
{
    return s != NULL && s[0] != '\0';
}

/* What the shared part polls: the health URL, else the configuration's, else the metrics'. */
static char *krakend_url(const struct gc_config *cfg, const char *demo_url)
{
    if (demo_url != NULL) {
        return xasprintf("%s/__health", demo_url);
    }
    if (krakend_set(cfg->krakend.health)) {
        return xstrdup(cfg->krakend.health);
    }
    if (krakend_is_url(cfg->krakend.config)) {
        return xstrdup(cfg->krakend.config);
    }
    return krakend_set(cfg->krakend.metrics) ? xstrdup(cfg->krakend.metrics) : NULL;
}

/* The configuration KrakenD runs: "version 3, 35 endpoints" (caller frees), or NULL with
 * *why. */
static char *krakend_config_about(const char *body, size_t len, const char *origin, char **why)
{
    struct krakend_config c;
    char *about;

    if (krakend_config_read(body, len, origin, &c, why) != 0) {
        return NULL;
    }
    about = xasprintf("config version 3, %zu endpoints", c.nendpoints);
    krakend_config_fini(&c);
    return about;
}

/* A health answer ({"status": "ok", ...}), a configuration or a metrics page. */
static enum source_http_verdict krakend_answer(const char *body, size_t len, const char *user,
                                               char **about, char **why)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const char *status = json_string_value(json_object_get(root, "status"));
    enum source_http_verdict v = SOURCE_HTTP_OK;

    (void)user;
    if (!json_is_object(root)) {
        struct prom_result res;

        prom_parse(body, len, NULL, &res);
        if (len > 0 && body[0] != '<' && res.samples > 0) {
            *about = xasprintf("metrics: %zu samples", res.samples);
        } else {
            *why = xstrdup(len > 0 && body[0] == '<' ? "an HTML page, not KrakenD's /__health"
                                                     : "not a KrakenD answer");
            v = SOURCE_HTTP_BAD;
        }
    } else if (status != NULL) {
        char *clean = sanitize_dup(status);

        if (strcmp(status, "ok") == 0) {
            *about = xstrdup("KrakenD healthy");
        } else {
            *why = xasprintf("KrakenD reports status %s", clean);
            v = SOURCE_HTTP_BAD;
        }
        free(clean);
    } else if ((*about = krakend_config_about(body, len, "config", why)) == NULL) {
        v = SOURCE_HTTP_BAD;
    }
    json_decref(root);
    return v;
}

static const struct source_http_def krakend_def = {
    .name = "krakend",
    .url = krakend_url,
    .answer = krakend_answer,
};

/* ---- the source ---------------------------------------------------------------------------- */

struct krakend {
    struct source_env env;
    struct source_http *sh; /* health, credentials, TLS, check; NULL with only a config file */
    struct http_opts none;  /* the base options without sh */
    char *config;           /* path or URL of krakend.json */
    char *metrics;          /* URL of the Prometheus page, NULL when none */
    int64_t interval_ms;
    struct tenant_pattern *tp;

    struct poller *config_poller;  /* a config URL */
    struct poller *metrics_poller;
    struct poller_ops config_ops, metrics_ops;

    /* a config file: read on the workpool when it changed */
    struct loop_timer *file_timer;
    struct source_health file_health;
    struct timespec file_mtime;
    off_t file_size;
    bool file_reading, file_read_once, running;
    struct krakend_file_job *file_job;

    struct krakend_config cfg; /* the configuration in use */
    _Atomic uint64_t cfg_digest; /* its digest, for the workers: the same text is not read
                                    again */
    char **keys;               /* its endpoints' route keys */
    struct krakend_scrape prev;  /* the last scrape */
    bool have_prev;
    int64_t prev_at_ms;
    struct krakend_rates *rates; /* per endpoint */
    bool *rated;
    uint32_t epoch;

    struct store_tenancy tenancy; /* STORE_ROUTE's: ctx is the source */
    uint64_t tenancy_gen;         /* bumped with each configuration applied */
    char note[160];              /* bad metrics lines, for :sources */
    struct source_health health; /* what health() answers: the worst part's, copied */
    const struct source_health *health_src;
    uint64_t health_src_version;
};

static const char *krakend_row_tenant(void *ctx, enum store_kind kind,
                                      const struct store_row *row)
{
    (void)ctx;
    (void)kind;
    return ((const struct krakend_route *)row)->tenant;
}

/* A route's tenant changes only with the route; the tenants' names with the configuration. */
static uint64_t krakend_tenancy_gen(void *ctx)
{
    const struct krakend *k = ctx;

    return k->tenancy_gen;
}

static void krakend_route_free(struct store_row *row)
{
    struct krakend_route *r = (struct krakend_route *)row;

    free(r->row.uid);
    free(r->tenant);
    krakend_endpoint_fini(&r->ep);
    free(r);
}

/* The tenant of an endpoint path: a [tenant NAME] gateway_prefix, else the pattern. */
static const char *krakend_tenant_of(struct krakend *k, const char *path)
{
    const struct gc_config *cfg = k->env.cfg;

    for (size_t i = 0; i < cfg->ntenants; i++) {
        const char *p = cfg->tenants[i].gateway_prefix;

        if (krakend_set(p) && strncmp(path, p, strlen(p)) == 0) {
            return cfg->tenants[i].name;
        }
    }
    return k->tp != NULL ? tenant_pattern_match(k->tp, path) : NULL;
}

/* The tenants the configuration's endpoints belong to (each once per run of endpoints), so
 * that a scoped session's messages withhold the others'. */
static void krakend_names(void *ctx, void (*fn)(const char *name, const char *tenant, void *arg),
                          void *arg)
{
    struct krakend *k = ctx;
    const char *last = NULL;

    for (size_t i = 0; i < k->cfg.nendpoints; i++) {
        const char *tenant = krakend_tenant_of(k, k->cfg.endpoints[i].endpoint);

        if (tenant != NULL && (last == NULL || strcmp(tenant, last) != 0)) {
            fn(tenant, tenant, arg);
            last = tenant;
        }
    }
}

/* Puts a row for each endpoint (the configuration and its last rates) and sweeps the rest. */
static void krakend_publish(struct krakend *k)
{
    struct store_table *t = store_table(k->env.store, STORE_ROUTE);

    k->epoch++;
    for (size_t i = 0; i < k->cfg.nendpoints; i++) {
        struct krakend_route *r = xcalloc(1, sizeof *r);
        const struct krakend_endpoint *e = &k->cfg.endpoints[i];
        const char *tenant = krakend_tenant_of(k, e->endpoint);

        r->row.uid = xasprintf("%s %s", e->method, e->endpoint);
        r->row.mark = k->epoch;
        r->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
        krakend_endpoint_copy(&r->ep, e);
        r->error_warn = k->env.cfg->krakend.error_warn;
        r->has_rates = k->rated[i];
        r->rates = k->rates[i];
        if (!r->has_rates) {
            r->rates.err_share = NAN;
            r->rates.p95_ms = NAN;
        }
        for (size_t b = 0; r->has_rates && b < e->nbackends; b++) {
            const struct krakend_backend *be = &e->backends[b];

            if (be->breaker && be->breaker_max_errors > 0 &&
                r->rates.errors >= (double)be->breaker_max_errors && r->rates.err_share >= 0.5) {
                r->breaker_open = true;
            }
        }
        store_put(t, &r->row);
    }
    store_sweep(t, k->epoch);
}

static void krakend_keys_free(struct krakend *k)
{
    for (size_t i = 0; k->keys != NULL && i < k->cfg.nendpoints; i++) {
        free(k->keys[i]);
    }
    free(k->keys);
    free(k->rates);
    free(k->rated);
    k->keys = NULL;
    k->rates = NULL;
    k->rated = NULL;
}

/* An endpoint's route key with its index, to find the rates of a route across
 * configurations. */
struct krakend_key_index {
    const char *key;
    size_t i;
};

static int krakend_key_index_cmp(const void *pa, const void *pb)
{
    const struct krakend_key_index *a = pa, *b = pb;

    return strcmp(a->key, b->key);
}

/* A new configuration (taken): its endpoints replace the old, each keeping the rates of the
 * route it was (the same method and path); the same text again changes nothing. */
static void krakend_config_apply(struct krakend *k, struct krakend_config *c)
{
    size_t n = c->nendpoints, old_n = k->cfg.nendpoints;
    char **keys;
    struct krakend_rates *rates;
    bool *rated;
    struct krakend_key_index *old = NULL;

    if (k->keys != NULL && c->digest == k->cfg.digest) {
        krakend_config_fini(c);
        return;
    }
    keys = xcalloc(n + 1, sizeof *keys);
    rates = xcalloc(n + 1, sizeof *rates);
    rated = xcalloc(n + 1, sizeof *rated);
    if (old_n > 0) {
        old = xcalloc(old_n, sizeof *old);
        for (size_t i = 0; i < old_n; i++) {
            old[i] = (struct krakend_key_index){.key = k->keys[i], .i = i};
        }
        qsort(old, old_n, sizeof *old, krakend_key_index_cmp);
    }
    for (size_t i = 0; i < n; i++) {
        struct krakend_key_index key, *hit;

        keys[i] = krakend_route_key(c->endpoints[i].method, c->endpoints[i].endpoint);
        key.key = keys[i];
        hit = old != NULL ? bsearch(&key, old, old_n, sizeof *old, krakend_key_index_cmp) : NULL;
        if (hit != NULL) {
            rates[i] = k->rates[hit->i];
            rated[i] = k->rated[hit->i];
        }
    }
    free(old);
    krakend_keys_free(k);
    krakend_config_fini(&k->cfg);
    k->cfg = *c;
    k->tenancy_gen++;
    atomic_store(&k->cfg_digest, k->cfg.digest);
    memset(c, 0, sizeof *c);
    k->keys = keys;
    k->rates = rates;
    k->rated = rated;
    krakend_publish(k);
}

/* A new scrape (taken): the rates since the last one, then the rows. */
static void krakend_scrape_apply(struct krakend *k, struct krakend_scrape *s)
{
    int64_t now = loop_now_ms();

    snprintf(k->note, sizeof k->note, "%s", "");
    if (s->prom.skipped > 0) {
        snprintf(k->note, sizeof k->note, "metrics: %zu bad lines skipped (line %zu: %s)",
                 s->prom.skipped, s->prom.first_skipped, s->prom.why);
    }
    if (k->have_prev) {
        double dt = (double)(now - k->prev_at_ms) / 1000.0;

        for (size_t i = 0; i < k->cfg.nendpoints; i++) {
            krakend_rates_between(krakend_scrape_find(&k->prev, k->keys[i]),
                                  krakend_scrape_find(s, k->keys[i]), dt, &k->rates[i]);
            k->rated[i] = true;
        }
    }
    krakend_scrape_fini(&k->prev);
    k->prev = *s;
    memset(s, 0, sizeof *s);
    k->have_prev = true;
    k->prev_at_ms = now;
    if (k->cfg.nendpoints > 0) {
        krakend_publish(k);
    }
}

/* ---- the pollers' hooks ---------------------------------------------------------------------- */

static void krakend_config_decode(const char *body, size_t len, struct poller_decode *out,
                                  void *arg)
{
    struct krakend *k = arg;
    struct krakend_config *c;

    if (krakend_config_digest(body, len) == atomic_load(&k->cfg_digest)) {
        return; /* the configuration in use: nothing to do */
    }
    c = xcalloc(1, sizeof *c);
    if (krakend_config_read(body, len, k->config, c, &out->error) != 0) {
        free(c);
        return;
    }
    out->extra = c;
}

static void krakend_config_extra_free(void *extra)
{
    if (extra != NULL) {
        krakend_config_fini(extra);
        free(extra);
    }
}

static void krakend_config_applied(struct poller_decode *d, void *arg)
{
    if (d != NULL && d->extra != NULL) {
        krakend_config_apply(arg, d->extra);
    }
}

static void krakend_metrics_decode(const char *body, size_t len, struct poller_decode *out,
                                   void *arg)
{
    struct krakend_scrape *s = xcalloc(1, sizeof *s);

    (void)arg;
    krakend_scrape_read(body, len, s);
    if (s->prom.samples == 0 && s->prom.skipped > 0) {
        out->error = xasprintf("metrics: not Prometheus text (line %zu: %s)",
                               s->prom.first_skipped, s->prom.why);
        krakend_scrape_fini(s);
        free(s);
        return;
    }
    out->extra = s;
}

static void krakend_metrics_extra_free(void *extra)
{
    if (extra != NULL) {
        krakend_scrape_fini(extra);
        free(extra);
    }
}

static void krakend_metrics_applied(struct poller_decode *d, void *arg)
{
    if (d != NULL && d->extra != NULL) {
        krakend_scrape_apply(arg, d->extra);
    }
}

static void krakend_no_row(struct store_row *row)
{
    (void)row; /* these pollers put no rows */
}

/* ---- a configuration file ------------------------------------------------------------------- */

struct krakend_file_job {
    struct krakend *k; /* NULL once the source stopped: the result is dropped */
    char *path;
    struct krakend_config cfg;
    char *err;
};

static void krakend_file_work(void *arg)
{
    struct krakend_file_job *j = arg;
    FILE *f = fopen(j->path, "re");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (f == NULL) {
        j->err = xasprintf("%s: %s", j->path, strerror(errno));
        return;
    }
    do {
        if (len + 65536 > cap) {
            cap = cap * 2 + 65536;
            buf = xrealloc(buf, cap);
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0 && len < ((size_t)64 << 20));
    fclose(f);
    krakend_config_read(buf, len, j->path, &j->cfg, &j->err);
    free(buf);
}

static void krakend_file_done(void *arg)
{
    struct krakend_file_job *j = arg;
    struct krakend *k = j->k;

    if (k != NULL) {
        k->file_reading = false;
        k->file_job = NULL;
        if (j->err != NULL) {
            source_health_fail(&k->file_health, j->err, time(NULL));
            k->file_size = -1; /* read it again at the next tick */
        } else {
            source_health_ok(&k->file_health, SOURCE_OK, time(NULL));
            krakend_config_apply(k, &j->cfg);
        }
    }
    krakend_config_fini(&j->cfg);
    free(j->err);
    free(j->path);
    free(j);
}

static void krakend_file_tick(void *arg);

static void krakend_file_arm(struct krakend *k, int64_t delay_ms)
{
    k->file_timer = loop_timer_add_aligned(k->env.loop, delay_ms, 1000, krakend_file_tick, k);
}

/* Reads the file again on the workpool when its modification time or size changed. */
static void krakend_file_tick(void *arg)
{
    struct krakend *k = arg;
    struct stat st;

    k->file_timer = NULL;
    if (stat(k->config, &st) != 0) {
        char *why = xasprintf("%s: %s", k->config, strerror(errno));

        source_health_fail(&k->file_health, why, time(NULL));
        free(why);
        k->file_size = -1;
    } else if (!k->file_reading &&
               (!k->file_read_once || st.st_size != k->file_size ||
                st.st_mtim.tv_sec != k->file_mtime.tv_sec ||
                st.st_mtim.tv_nsec != k->file_mtime.tv_nsec)) {
        struct krakend_file_job *j = xcalloc(1, sizeof *j);

        k->file_read_once = true;
        k->file_size = st.st_size;
        k->file_mtime = st.st_mtim;
        k->file_reading = true;
        j->k = k;
        j->path = xstrdup(k->config);
        k->file_job = j;
        workpool_submit(k->env.pool, krakend_file_work, krakend_file_done, j);
    } else if (k->file_health.state == SOURCE_OK) {
        source_health_ok(&k->file_health, SOURCE_OK, time(NULL));
    }
    if (k->file_health.last_ok > 0) {
        source_health_stale(&k->file_health,
                            time(NULL) - k->file_health.last_ok > 3 * k->interval_ms / 1000);
    }
    krakend_file_arm(k, k->interval_ms);
}

/* ---- source_ops ------------------------------------------------------------------------------ */

static bool krakend_configured(const struct gc_config *cfg, const char *demo_url)
{
    return demo_url != NULL || krakend_set(cfg->krakend.config) ||
           krakend_set(cfg->krakend.metrics) || krakend_set(cfg->krakend.health);
}

static struct poller *krakend_poller(struct krakend *k, const char *url, struct poller_ops *ops)
{
    struct poller_config pc;

    memset(&pc, 0, sizeof pc);
    pc.name = "krakend";
    pc.url = url;
    pc.base = k->sh != NULL ? source_http_base(k->sh) : &k->none;
    pc.kind = STORE_KIND_COUNT; /* the routes are put by the applied hooks */
    pc.interval_ms = k->interval_ms;
    pc.timeout_ms = 30000;
    return poller_new(k->env.loop, k->env.http, k->env.pool, k->env.store, &pc, ops, k);
}

static void krakend_free(struct krakend *k)
{
    poller_free(k->config_poller);
    poller_free(k->metrics_poller);
    if (k->sh != NULL) {
        source_http_op_fini(k->sh);
    }
    tenant_pattern_free(k->tp);
    krakend_keys_free(k);
    krakend_config_fini(&k->cfg);
    krakend_scrape_fini(&k->prev);
    source_health_fini(&k->file_health);
    source_health_fini(&k->health);
    free(k->config);
    free(k->metrics);
    free(k);
}

static void *krakend_init(const struct source_env *env, char **err)
{
    const struct gc_config *cfg = env->cfg;
    struct krakend *k = xcalloc(1, sizeof *k);
    char *url = krakend_url(cfg, env->demo_url);

    k->env = *env;
    if (url != NULL) {
        k->sh = source_http_new(env, &krakend_def, err);
        free(url);
        if (k->sh == NULL) {
            krakend_free(k);
            return NULL;
        }
    }
    k->interval_ms = cfg->krakend.interval_ms > 0 ? cfg->krakend.interval_ms : 15000;
    if (env->demo_url != NULL) {
        k->config = xasprintf("%s/krakend.json", env->demo_url);
        k->metrics = xasprintf("%s%s", env->demo_url, KRAKEND_DEMO_METRICS);
    } else {
        k->config = krakend_set(cfg->krakend.config) ? xstrdup(cfg->krakend.config) : NULL;
        k->metrics = krakend_set(cfg->krakend.metrics) ? xstrdup(cfg->krakend.metrics) : NULL;
    }
    if (krakend_set(cfg->krakend.tenant_pattern) &&
        (k->tp = tenant_pattern_new(cfg->krakend.tenant_pattern, err)) == NULL) {
        char *why = *err;

        *err = xasprintf("[krakend] tenant_pattern: %s", why);
        free(why);
        krakend_free(k);
        return NULL;
    }
    k->file_health.name = "krakend";
    k->health.name = "krakend";
    k->file_size = -1;
    k->config_ops.decode = krakend_config_decode;
    k->config_ops.free_row = krakend_no_row;
    k->config_ops.applied = krakend_config_applied;
    k->config_ops.free_extra = krakend_config_extra_free;
    k->metrics_ops.decode = krakend_metrics_decode;
    k->metrics_ops.free_row = krakend_no_row;
    k->metrics_ops.applied = krakend_metrics_applied;
    k->metrics_ops.free_extra = krakend_metrics_extra_free;
    if (krakend_is_url(k->config)) {
        k->config_poller = krakend_poller(k, k->config, &k->config_ops);
    }
    if (k->metrics != NULL) {
        k->metrics_poller = krakend_poller(k, k->metrics, &k->metrics_ops);
    }
    k->tenancy = (struct store_tenancy){.row_tenant = krakend_row_tenant,
                                        .gen = krakend_tenancy_gen,
                                        .names = krakend_names,
                                        .ctx = k};
    store_register(env->store, STORE_ROUTE, krakend_route_free, &k->tenancy);
    return k;
}

static void krakend_start(void *s)
{
    struct krakend *k = s;

    k->running = true;
    if (k->sh != NULL) {
        source_http_op_start(k->sh);
    }
    if (k->config_poller != NULL) {
        poller_start(k->config_poller);
    } else if (k->config != NULL) {
        source_health_ok(&k->file_health, SOURCE_CONNECTING, 0);
        /* the first read now, as the pollers' first requests; the later ones on aligned ticks */
        k->file_timer = loop_timer_add(k->env.loop, 0, krakend_file_tick, k);
    }
    if (k->metrics_poller != NULL) {
        poller_start(k->metrics_poller);
    }
}

static void krakend_stop(void *s)
{
    struct krakend *k = s;

    k->running = false;
    if (k->sh != NULL) {
        source_http_op_stop(k->sh);
    }
    if (k->config_poller != NULL) {
        poller_stop(k->config_poller);
    }
    if (k->metrics_poller != NULL) {
        poller_stop(k->metrics_poller);
    }
    if (k->file_timer != NULL) {
        loop_timer_cancel(k->env.loop, k->file_timer);
        k->file_timer = NULL;
    }
    if (k->file_job != NULL) {
        k->file_job->k = NULL; /* its result is dropped */
        k->file_job = NULL;
        k->file_reading = false;
    }
}

static void krakend_fini(void *s)
{
    krakend_free(s);
}

/* The health to show: the first failing of the configuration, the metrics and the polled
 * URL; else the metrics' (the live data), else the configuration's. */
static const struct source_health *krakend_health(void *s)
{
    struct krakend *k = s;
    const struct source_health *parts[3] = {NULL, NULL, NULL}, *pick = NULL;

    parts[0] = k->config_poller != NULL ? poller_health(k->config_poller)
               : k->config != NULL     ? &k->file_health
                                        : NULL;
    parts[1] = k->metrics_poller != NULL ? poller_health(k->metrics_poller) : NULL;
    parts[2] = k->sh != NULL ? source_http_op_health(k->sh) : NULL;
    for (int i = 0; i < 3 && pick == NULL; i++) {
        if (parts[i] != NULL && (parts[i]->state == SOURCE_RETRYING || parts[i]->stale_since)) {
            pick = parts[i];
        }
    }
    for (int i = 1; pick == NULL && i < 4; i++) {
        pick = parts[i % 3];
    }
    if (pick != k->health_src || pick->version != k->health_src_version) {
        uint64_t version = k->health.version + 1;

        source_health_fini(&k->health);
        k->health = *pick;
        k->health.name = "krakend";
        k->health.last_error = pick->last_error != NULL ? xstrdup(pick->last_error) : NULL;
        k->health.version = version;
        k->health_src = pick;
        k->health_src_version = pick->version;
    }
    return &k->health;
}

static const char *krakend_note(void *s)
{
    struct krakend *k = s;

    return k->note[0] != '\0' ? k->note : NULL;
}

static const char *krakend_op_url(void *s)
{
    struct krakend *k = s;

    return k->metrics != NULL ? k->metrics : k->config;
}

static const struct http_stats *krakend_stats(void *s)
{
    struct krakend *k = s;

    return k->sh != NULL ? source_http_op_stats(k->sh) : NULL;
}

/* ---- check ----------------------------------------------------------------------------------- */

/* The probe: the polled URL, then the configuration (a file read here, or a URL fetched). */
struct krakend_probe {
    struct krakend *k;
    char *config;
    source_probe_fn done;
    void *arg;
    int64_t t0;
    struct source_probe res;
};

static void krakend_probe_end(struct krakend_probe *kp)
{
    kp->done(&kp->res, kp->arg);
    source_probe_fini(&kp->res);
    free(kp->config);
    free(kp);
}

/* Adds what the configuration says (or why it cannot be read) to the probe. */
static void krakend_probe_config(struct krakend_probe *kp, const char *body, size_t len,
                                 const char *err)
{
    char *about = NULL, *why = NULL, *both;

    if (err != NULL) {
        why = xasprintf("config %s: %s", kp->config, err);
    } else {
        about = krakend_config_about(body, len, kp->config, &why);
    }
    if (about != NULL) {
        both = xasprintf("%s%s%s", kp->res.about != NULL ? kp->res.about : "",
                         kp->res.about != NULL ? "; " : "", about);
        free(kp->res.about);
        kp->res.about = both;
        free(about);
    }
    if (why != NULL && kp->res.error == NULL) {
        kp->res.error = sanitize_dup(why);
    }
    free(why);
}

static void krakend_config_fetched(struct http_req *req, struct http_result *res, void *arg)
{
    struct krakend_probe *kp = arg;

    (void)req;
    if (res->error != NULL || res->status != 200) {
        char *e = res->error != NULL ? xstrdup(res->error) : xasprintf("HTTP %ld", res->status);

        krakend_probe_config(kp, NULL, 0, e);
        free(e);
    } else {
        krakend_probe_config(kp, res->body, res->body_len, NULL);
    }
    krakend_probe_end(kp);
}

static void krakend_probe_file(struct krakend_probe *kp)
{
    struct krakend_file_job j;

    memset(&j, 0, sizeof j);
    j.path = kp->config;
    krakend_file_work(&j);
    if (j.err != NULL) {
        krakend_probe_config(kp, NULL, 0, j.err);
    } else {
        char *about = xasprintf("config version 3, %zu endpoints", j.cfg.nendpoints);
        char *both = xasprintf("%s%s%s", kp->res.about != NULL ? kp->res.about : "",
                               kp->res.about != NULL ? "; " : "", about);

        free(kp->res.about);
        kp->res.about = both;
        free(about);
    }
    krakend_config_fini(&j.cfg);
    free(j.err);
}

static void krakend_health_probed(struct http_req *req, struct http_result *res, void *arg)
{
    struct krakend_probe *kp = arg;
    struct http_opts o = *source_http_base(kp->k->sh);

    (void)req;
    source_http_probe_result(kp->k->sh, res, (double)(loop_now_ms() - kp->t0), &kp->res);
    if (kp->config == NULL || (kp->res.url != NULL && strcmp(kp->config, kp->res.url) == 0)) {
        krakend_probe_end(kp);
        return;
    }
    if (krakend_is_url(kp->config)) {
        o.url = kp->config;
        o.timeout_ms = 20000;
        o.max_body = (size_t)16 << 20;
        http_start(source_http_client(kp->k->sh), &o, NULL, krakend_config_fetched, kp);
        return;
    }
    krakend_probe_file(kp);
    krakend_probe_end(kp);
}

static void krakend_probe(void *s, source_probe_fn done, void *arg)
{
    struct krakend *k = s;
    struct krakend_probe *kp = xcalloc(1, sizeof *kp);

    kp->k = k;
    kp->config = k->config != NULL ? xstrdup(k->config) : NULL;
    kp->done = done;
    kp->arg = arg;
    kp->t0 = loop_now_ms();
    if (k->sh == NULL) {
        /* only a configuration file: nothing to reach */
        memset(&kp->res, 0, sizeof kp->res);
        kp->res.url = xstrdup(k->config);
        kp->res.reachable = true;
        kp->res.tls = -1;
        kp->res.auth = -1;
        krakend_probe_file(kp);
        krakend_probe_end(kp);
        return;
    }

    struct http_opts o = *source_http_base(k->sh);
    const char *url = source_http_op_url(k->sh);

    source_http_probe_init(k->sh, url, &kp->res);
    o.url = url;
    o.timeout_ms = 20000;
    o.max_body = (size_t)16 << 20;
    http_start(source_http_client(k->sh), &o, NULL, krakend_health_probed, kp);
}

static const enum store_kind krakend_kinds[] = {STORE_ROUTE};

const struct source_ops krakend_source = {
    .name = "krakend",
    .kinds = krakend_kinds,
    .nkinds = 1,
    .configured = krakend_configured,
    .init = krakend_init,
    .start = krakend_start,
    .stop = krakend_stop,
    .fini = krakend_fini,
    .health = krakend_health,
    .note = krakend_note,
    .url = krakend_op_url,
    .stats = krakend_stats,
    .probe = krakend_probe,
};
