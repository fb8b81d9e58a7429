/* The KrakenD source against govsim (issue 15): its configuration and metrics polled every
 * second become one route row per endpoint with rates; a route whose app crash-loops shows
 * its 5xx share rising; a session scoped to one tenant reads that tenant's routes only; a
 * metrics URL that serves something else makes the source fail with a reason; a [tenant]
 * gateway_prefix maps a path prefix to its tenant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/access.h"
#include "core/config.h"
#include "core/http.h"
#include "core/krakend/krakend_route.h"
#include "core/loop.h"
#include "core/sources.h"
#include "core/store.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tests/integration/simcall.h"

struct rig {
    struct demo sim;
    struct gc_config cfg;
    struct loop *l;
    struct http *h;
    struct workpool *pool;
    struct store *store;
    const struct source_ops *ops;
    void *src;
};

static const struct source_ops *krakend_ops(void)
{
    for (size_t i = 0; sources_registry(i) != NULL; i++) {
        if (strcmp(sources_registry(i)->name, "krakend") == 0) {
            return sources_registry(i);
        }
    }
    return NULL;
}

/* govsim started with `args`, and the KrakenD source alone on its configuration and
 * `metrics_path`, every second; `tweak` (may be NULL) changes the configuration before the
 * source reads it. */
static void rig_start(struct rig *r, const char *const *args, const char *metrics_path,
                      void (*tweak)(struct gc_config *))
{
    struct source_env env;
    char *err = NULL;

    memset(r, 0, sizeof *r);
    assert_int_equal(simcall_start_govsim(args, &r->sim), 0);

    config_init(&r->cfg);
    r->cfg.krakend.config = xasprintf("%s/krakend.json", r->sim.server);
    r->cfg.krakend.metrics = xasprintf("%s%s", r->sim.server, metrics_path);
    r->cfg.krakend.health = xasprintf("%s/__health", r->sim.server);
    r->cfg.krakend.interval_ms = 1000;
    if (tweak != NULL) {
        tweak(&r->cfg);
    }
    r->l = loop_new();
    r->h = http_new(r->l);
    r->pool = workpool_new(r->l, 2);
    r->store = store_new();
    r->ops = krakend_ops();
    assert_non_null(r->ops);
    assert_true(r->ops->configured(&r->cfg, NULL));
    env = (struct source_env){.loop = r->l, .http = r->h, .pool = r->pool, .store = r->store,
                              .cfg = &r->cfg};
    r->src = r->ops->init(&env, &err);
    assert_null(err);
    assert_non_null(r->src);
    r->ops->start(r->src);
}

static void rig_stop(struct rig *r)
{
    r->ops->stop(r->src);
    workpool_free(r->pool);
    r->ops->fini(r->src);
    http_free(r->h);
    store_free(r->store);
    loop_free(r->l);
    config_fini(&r->cfg);
    demo_stop(&r->sim);
}

static void rig_run(struct rig *r, int ms)
{
    int64_t deadline = loop_now_ms() + ms;

    while (loop_now_ms() < deadline) {
        loop_run_once(r->l, (int)(deadline - loop_now_ms()));
        store_commit(r->store);
    }
}

static const struct krakend_route *route(struct rig *r, const char *uid)
{
    return (const struct krakend_route *)store_get(store_table(r->store, STORE_ROUTE), uid);
}

/* Runs the loop until the route has rates of a window newer than `after_gen` (or 30 s). */
static const struct krakend_route *rated(struct rig *r, const char *uid, uint64_t after_gen)
{
    int64_t deadline = loop_now_ms() + 30000;
    const struct krakend_route *rt;

    while (((rt = route(r, uid)) == NULL || !rt->has_rates || rt->row.gen <= after_gen) &&
           loop_now_ms() < deadline) {
        loop_run_once(r->l, 100);
        store_commit(r->store);
    }
    return rt;
}

static void test_crashloop_raises_errors(void **state)
{
    const char *const args[] = {"--pods", "120", "--tenants", "6", "--seed", "5",
                                "--churn", "0", NULL};
    struct rig r;
    const struct krakend_route *rt;
    long status;
    char *body;
    json_t *doc;
    double before, after;
    uint64_t gen;

    (void)state;
    rig_start(&r, args, "/krakend/metrics", NULL);

    body = simcall_get(r.l, r.h, r.sim.server, "/krakend.json", NULL, &status);
    doc = json_loads(body, 0, NULL);
    free(body);
    assert_int_equal(status, 200);
    rt = rated(&r, "GET /dmi/v1/forecast", 0);
    assert_non_null(rt);
    assert_true(rt->has_rates);
    /* one row per endpoint, each with its tenant */
    assert_int_equal(store_count(r.store, STORE_ROUTE),
                     json_array_size(json_object_get(doc, "endpoints")));
    json_decref(doc);
    assert_string_equal(rt->tenant, "dmi");
    assert_int_equal(rt->ep.auth, KRAKEND_AUTH_API_KEY);
    assert_true(rt->rates.requests > 0);
    assert_true(rt->rates.req_rate > 0);
    before = rt->rates.err_share;
    assert_false(isnan(before));
    assert_true(before * 100 <= rt->error_warn); /* healthy: below [krakend] error_warn */
    assert_int_equal(r.ops->health(r.src)->state, SOURCE_OK);
    /* the configuration is read again every second: the same text keeps the rates */
    rig_run(&r, 2500);
    rt = route(&r, "GET /dmi/v1/forecast");
    assert_non_null(rt);
    assert_true(rt->has_rates);

    /* The app behind it crash-loops: the next windows count its 503s. */
    assert_int_equal(simcall_post(r.sim.server, "/_sim/crashloop?ns=dmi&app=forecast-api"), 200);
    gen = rt->row.gen;
    for (int i = 0; i < 5; i++) {
        rt = rated(&r, "GET /dmi/v1/forecast", gen);
        gen = rt->row.gen;
    }
    after = rt->rates.err_share;
    print_message("GET /dmi/v1/forecast 5xx share: %.2f%% before, %.2f%% after the crash loop\n",
                  before * 100, after * 100);
    assert_true(after > before);
    assert_true(after * 100 > rt->error_warn);
    assert_true(rt->rates.p95_ms > 1000); /* the 503s wait for the timeout */
    /* a healthy app of the same tenant is not touched */
    rt = route(&r, "GET /dmi/v1/obs");
    assert_non_null(rt);
    assert_true(rt->rates.err_share * 100 <= rt->error_warn);

    /* A session scoped to skat reads skat's routes only; dmi's are not there for it. */
    const char *const scope[] = {"skat", NULL};
    struct access *a = access_new("tester", ACCESS_VIEWER, scope, true);
    struct access_cursor cur;
    const struct store_row *row;
    const char *tenant;
    size_t seen = 0;

    access_bind(a, r.store);
    access_rows(a, STORE_ROUTE, &cur);
    while ((row = access_next(&cur, &tenant)) != NULL) {
        assert_non_null(tenant);
        assert_string_equal(tenant, "skat");
        assert_int_equal(strncmp(((const struct krakend_route *)row)->ep.endpoint, "/skat/", 6), 0);
        seen++;
    }
    assert_true(seen > 0);
    assert_null(access_get(a, STORE_ROUTE, "GET /dmi/v1/forecast"));
    /* a message naming another tenant of the gateway is withheld from it; its own is not */
    assert_string_not_equal(access_redact(a, "config: near 'dmi'"), "config: near 'dmi'");
    assert_string_equal(access_redact(a, "config: near 'skat'"), "config: near 'skat'");
    access_free(a);

    rig_stop(&r);
}

/* Metrics that are not Prometheus text (the configuration's JSON): the source fails and
 * says why; the routes of the configuration are there all the same. */
static void test_bad_metrics(void **state)
{
    const char *const args[] = {"--pods", "60", "--tenants", "3", "--seed", "2",
                                "--churn", "0", NULL};
    struct rig r;
    const struct source_health *h;
    int64_t deadline;

    (void)state;
    rig_start(&r, args, "/krakend.json", NULL);
    deadline = loop_now_ms() + 30000;
    while (((h = r.ops->health(r.src))->state != SOURCE_RETRYING ||
            store_count(r.store, STORE_ROUTE) == 0) &&
           loop_now_ms() < deadline) {
        loop_run_once(r.l, 100);
        store_commit(r.store);
    }
    h = r.ops->health(r.src);
    assert_int_equal(h->state, SOURCE_RETRYING);
    assert_non_null(h->last_error);
    print_message("failing metrics: %s\n", h->last_error);
    assert_non_null(strstr(h->last_error, "not Prometheus text"));
    assert_true(store_count(r.store, STORE_ROUTE) > 0);
    rig_run(&r, 200);
    rig_stop(&r);
}

/* [tenant tax] gateway_prefix = /skat/: skat's routes are tax's; the others keep the
 * tenant of the path pattern. */
static void tax_prefix(struct gc_config *cfg)
{
    cfg->tenants = xcalloc(1, sizeof *cfg->tenants);
    cfg->ntenants = 1;
    cfg->tenants[0].name = xstrdup("tax");
    cfg->tenants[0].gateway_prefix = xstrdup("/skat/");
}

static void test_gateway_prefix(void **state)
{
    const char *const args[] = {"--pods", "120", "--tenants", "6", "--seed", "5",
                                "--churn", "0", NULL};
    struct rig r;
    const struct krakend_route *rt;
    int64_t deadline;

    (void)state;
    rig_start(&r, args, "/krakend/metrics", tax_prefix);
    deadline = loop_now_ms() + 30000;
    while (store_count(r.store, STORE_ROUTE) == 0 && loop_now_ms() < deadline) {
        loop_run_once(r.l, 100);
        store_commit(r.store);
    }
    rt = route(&r, "GET /skat/v1/eindkomst");
    assert_non_null(rt);
    assert_string_equal(rt->tenant, "tax");
    rt = route(&r, "GET /dmi/v1/forecast");
    assert_non_null(rt);
    assert_string_equal(rt->tenant, "dmi");
    rig_stop(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crashloop_raises_errors),
        cmocka_unit_test(test_bad_metrics),
        cmocka_unit_test(test_gateway_prefix),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
