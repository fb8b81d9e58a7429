/* The Kubernetes source against govsim: paged list equals the world, churn arrives by watch,
 * a killed watch and an expired resourceVersion both recover with nothing lost or doubled,
 * and a misbehaving server is reported, never fatal. ReplicaSets and ResourceQuotas equal the
 * world, and so do nodes once a 403 on them (their own failure, not the source's) clears;
 * the metrics poller's rows equal what govsim serves, a hung metrics request does not
 * pile up, a garbage answer fails one poll, and `govsim --no-metrics` leaves the metrics ABSENT after two quiet requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/demo.h"
#include "core/http.h"
#include "core/k8s/k8s.h"
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_tenancy.h"
#include "core/loop.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tests/integration/simcall.h"

struct fx {
    struct demo sim;
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store store;
    struct k8s_tenancy *tenancy;
    struct k8s_client *c;
};

static struct fx F;

static void sim_post(const char *path)
{
    assert_int_equal(simcall_post(F.sim.server, path), 200);
}

/* GET from govsim through the loop (tests/integration/simcall.h). */
static char *sim_fetch(const char *path, long *status)
{
    return simcall_get(F.loop, F.http, F.sim.server, path, NULL, status);
}

static int sim_pod_count(void)
{
    long status = 0;
    char *body = sim_fetch("/_sim/stats", &status);
    json_t *j = json_loads(body, 0, NULL);
    int n;

    assert_non_null(j);
    n = (int)json_integer_value(json_object_get(j, "pods"));
    json_decref(j);
    free(body);
    return n;
}

/* ---- the store against govsim's world ---- */

typedef bool (*same_fn)(const struct store_row *have, const struct store_row *want);

static bool str_same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same_rs(const struct store_row *h, const struct store_row *w)
{
    const struct k8s_replicaset *a = (const void *)h, *b = (const void *)w;

    return str_same(a->ns, b->ns) && str_same(a->name, b->name) &&
           str_same(a->owner_uid, b->owner_uid) && str_same(a->app, b->app) &&
           str_same(a->version, b->version) && a->revision == b->revision &&
           a->desired == b->desired && a->current == b->current && a->ready == b->ready &&
           a->available == b->available && a->created == b->created;
}

static bool same_quota(const struct store_row *h, const struct store_row *w)
{
    const struct k8s_quota *a = (const void *)h, *b = (const void *)w;

    return str_same(a->ns, b->ns) && str_same(a->name, b->name) && a->cpu_hard == b->cpu_hard &&
           a->cpu_used == b->cpu_used && a->mem_hard == b->mem_hard &&
           a->mem_used == b->mem_used && a->pods_hard == b->pods_hard &&
           a->pods_used == b->pods_used;
}

static bool same_metrics(const struct store_row *h, const struct store_row *w)
{
    const struct k8s_metrics *a = (const void *)h, *b = (const void *)w;

    return str_same(a->ns, b->ns) && str_same(a->name, b->name) && a->cpu_m == b->cpu_m &&
           a->mem_b == b->mem_b && a->timestamp == b->timestamp;
}

/* Differences between the store's table and what govsim serves at `path` (0 = equal); 1 when
 * govsim's answer is not a list (a fault meant for the console). Also counts the items. */
static int diff_kind(const char *path, enum store_kind kind, same_fn same, size_t *items)
{
    long status = 0;
    char *body = sim_fetch(path, &status);
    json_t *list = json_loads(body, 0, NULL), *item;
    const struct store_table *t = store_table(&F.store, kind);
    size_t i;
    int diff = 0;

    free(body);
    if (status != 200 || !json_is_array(json_object_get(list, "items"))) {
        json_decref(list);
        return 1;
    }
    json_array_foreach(json_object_get(list, "items"), i, item) {
        struct store_row *want = k8s_row_parse(kind, item, NULL);
        const struct store_row *have;

        assert_non_null(want);
        have = store_get(t, want->uid);
        if (have == NULL || !same(have, want)) {
            diff++;
        }
        k8s_row_free_fn(kind)(want);
    }
    *items = json_array_size(json_object_get(list, "items"));
    if (*items != t->count) {
        diff++;
    }
    json_decref(list);
    return diff;
}

static bool same_pod(const struct store_row *h, const struct store_row *w)
{
    const struct k8s_pod *a = (const void *)h, *b = (const void *)w;

    return str_same(a->status, b->status) && str_same(a->name, b->name) &&
           a->restarts == b->restarts;
}

/* Does the store hold exactly the simulator's pods, with the same status? Returns the number
 * of differences (0 = equal). */
static int store_diff_world(void)
{
    size_t n;

    return diff_kind("/api/v1/pods", STORE_POD, same_pod, &n);
}

/* Runs the loop until diff(arg) is 0 or `seconds` pass; returns the last diff (-1: never
 * compared). The world is fetched again only when one of the `kinds` tables changed (or after
 * a quiet second), so comparing does not keep the client busy; with `watching`, only while
 * the client has requests open (its watches). */
static int run_until_same(int seconds, const enum store_kind *kinds, size_t nkinds,
                          bool watching, int (*diff)(void *), void *arg)
{
    int64_t deadline = loop_now_ms() + seconds * 1000, last = 0;
    uint64_t seen = UINT64_MAX;
    int d = -1;

    while (loop_now_ms() < deadline) {
        uint64_t gen = 0;

        loop_run_once(F.loop, 100);
        store_commit(&F.store);
        for (size_t k = 0; k < nkinds; k++) {
            gen += store_table(&F.store, kinds[k])->gen;
        }
        if (k8s_client_synced(F.c) && (!watching || http_active(F.http) > 0) &&
            (gen != seen || loop_now_ms() - last >= 1000)) {
            seen = gen;
            last = loop_now_ms();
            if ((d = diff(arg)) == 0) {
                return 0;
            }
        }
    }
    return d;
}

static int pods_diff(void *arg)
{
    (void)arg;
    return store_diff_world();
}

/* Runs the loop until the store's pods equal the world or `seconds` pass. */
static int run_until_equal(int seconds)
{
    static const enum store_kind pods[] = {STORE_POD};

    return run_until_same(seconds, pods, 1, true, pods_diff, NULL);
}

/* Like run_until_equal, but on failure says where the client stands. */
static void expect_world(int seconds)
{
    int diff = run_until_equal(seconds);

    if (diff != 0) {
        struct k8s_stats st;
        const struct source_health *h = k8s_client_health(F.c);

        k8s_client_stats(F.c, K8S_PODS, &st);
        fail_msg("store differs from the world in %d pods after %d s: lists %zu pages %zu "
                 "watches %zu events %zu bookmarks %zu relists_410 %zu failures %zu; "
                 "state %d, error %s",
                 diff, seconds, st.lists, st.pages, st.watches, st.events, st.bookmarks,
                 st.relists_410, st.failures, (int)h->state,
                 h->last_error ? h->last_error : "none");
    }
}

static int run_until_synced(int seconds)
{
    int64_t deadline = loop_now_ms() + seconds * 1000;

    while (!k8s_client_synced(F.c) && loop_now_ms() < deadline) {
        loop_run_once(F.loop, 100);
    }
    return k8s_client_synced(F.c) ? 0 : -1;
}

static void client_stop(void);

/* Starts a client against `server` (NULL: the shared govsim). A client a failed test left
 * running is stopped first, so one failure does not cascade into the next tests. */
static void client_start_at(char *server, int page_size, int metrics_interval_ms)
{
    struct kube_target t = {0};
    struct k8s_options o = {0};
    char ctx[] = "sim";

    if (F.c != NULL) {
        client_stop();
    }

    t.context = ctx;
    t.server = server != NULL ? server : F.sim.server;
    o.page_size = page_size;
    o.backoff_min_ms = 50;
    o.backoff_max_ms = 400;
    o.request_timeout_ms = 3000;
    o.metrics_interval_ms = metrics_interval_ms;
    store_init(&F.store);
    F.tenancy = k8s_tenancy_new(&F.store);
    k8s_tenancy_register(F.tenancy);
    F.c = k8s_client_new(F.loop, F.http, F.pool, &F.store, &t, &o);
    k8s_client_start(F.c);
}

static void client_start(int page_size)
{
    client_start_at(NULL, page_size, 0);
}

static void client_stop(void)
{
    k8s_client_stop(F.c);
    workpool_free(F.pool);
    F.pool = workpool_new(F.loop, 2);
    k8s_client_free(F.c);
    store_fini(&F.store);
    k8s_tenancy_free(F.tenancy);
    F.c = NULL;
}

static int setup(void **state)
{
    const char *const args[] = {"--pods", "2000", "--tenants", "6", "--seed", "3", "--churn",
                                "0", "--bookmark-interval", "1", NULL};

    (void)state;
    if (simcall_start_govsim(args, &F.sim) != 0) {
        return -1;
    }
    F.loop = loop_new();
    F.http = http_new(F.loop);
    F.pool = workpool_new(F.loop, 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (F.c != NULL) {
        client_stop();
    }
    workpool_free(F.pool);
    http_free(F.http);
    loop_free(F.loop);
    demo_stop(&F.sim);
    curl_global_cleanup();
    return 0;
}

static void test_paged_list_equals_world(void **state)
{
    struct k8s_stats st;

    (void)state;
    client_start(100);
    assert_int_equal(run_until_synced(30), 0);
    k8s_client_stats(F.c, K8S_PODS, &st);
    assert_true(st.pages >= 20); /* 2,000 pods in pages of 100 */
    assert_int_equal(store_table(&F.store, STORE_POD)->count, (size_t)sim_pod_count());
    expect_world(10);
    assert_true(store_table(&F.store, STORE_NAMESPACE)->count > 6);
    client_stop();
}

static void test_churn_arrives_through_watch(void **state)
{
    struct k8s_stats before, after;

    (void)state;
    client_start(500);
    assert_int_equal(run_until_synced(30), 0);
    expect_world(10);
    k8s_client_stats(F.c, K8S_PODS, &before);
    sim_post("/_sim/churn?n=40");
    expect_world(10);
    k8s_client_stats(F.c, K8S_PODS, &after);
    assert_true(after.events > before.events);
    assert_int_equal(after.lists, before.lists); /* no relist was needed */
    client_stop();
}

static void test_killed_watch_recovers(void **state)
{
    struct k8s_stats before, after;

    (void)state;
    client_start(500);
    assert_int_equal(run_until_synced(30), 0);
    expect_world(10);
    k8s_client_stats(F.c, K8S_PODS, &before);
    sim_post("/_sim/drop-watches");
    sim_post("/_sim/churn?n=30");
    expect_world(60);
    k8s_client_stats(F.c, K8S_PODS, &after);
    assert_true(after.watches > before.watches);
    client_stop();
}

static void test_expired_resource_version_relists(void **state)
{
    struct k8s_stats before, after;

    (void)state;
    client_start(500);
    assert_int_equal(run_until_synced(30), 0);
    expect_world(10);
    k8s_client_stats(F.c, K8S_PODS, &before);
    sim_post("/_sim/churn?n=25");
    sim_post("/_sim/compact");
    sim_post("/_sim/drop-watches");
    sim_post("/_sim/churn?n=25");
    expect_world(60);
    k8s_client_stats(F.c, K8S_PODS, &after);
    assert_true(after.relists_410 > before.relists_410);
    assert_true(after.lists > before.lists);
    client_stop();
}

/* Runs the loop until health is failing with a message containing `needle`. */
static int run_until_error(const char *needle, int seconds)
{
    int64_t deadline = loop_now_ms() + seconds * 1000;

    while (loop_now_ms() < deadline) {
        const struct source_health *h = k8s_client_health(F.c);

        if (h->state == SOURCE_RETRYING && h->last_error != NULL &&
            strstr(h->last_error, needle) != NULL) {
            return 0;
        }
        loop_run_once(F.loop, 50);
    }
    return -1;
}

static int run_until_ok(int seconds)
{
    int64_t deadline = loop_now_ms() + seconds * 1000;

    while (k8s_client_health(F.c)->state != SOURCE_OK && loop_now_ms() < deadline) {
        loop_run_once(F.loop, 50);
    }
    return k8s_client_health(F.c)->state == SOURCE_OK ? 0 : -1;
}

static void test_faults_are_reported_then_recover(void **state)
{
    static const struct {
        const char *mode;
        const char *needle;
    } faults[] = {
        {"500", "HTTP 500"},
        {"401", "HTTP 401"},
        {"403", "HTTP 403"},
        {"garbage", "JSON"},
        {"truncate", ""},
    };

    (void)state;
    client_start(500);
    assert_int_equal(run_until_synced(30), 0);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        char *path = xasprintf("/_sim/fault?mode=%s&count=4&path=/api/v1/pods", faults[i].mode);

        /* The fault before the drop: the pods informer's next request meets it, whether its
         * watch was dropped or was not yet established when the drop came. Only pods
         * requests take it (not a metrics poll). */
        sim_post("/_sim/compact");
        sim_post(path);
        sim_post("/_sim/drop-watches");
        if (run_until_error(faults[i].needle, 15) != 0) {
            fail_msg("fault %s was not reported (error: %s)", faults[i].mode,
                     k8s_client_health(F.c)->last_error ? k8s_client_health(F.c)->last_error
                                                         : "none");
        }
        free(path);
        /* Data stays while failing; after the fault clears the source recovers. */
        assert_true(store_table(&F.store, STORE_POD)->count > 0);
        expect_world(60);
        assert_int_equal(run_until_ok(10), 0);
    }
    client_stop();
}

static void test_escape_sequences_from_server_are_neutralised(void **state)
{
    struct store_table *t;

    (void)state;
    sim_post("/_sim/fault?mode=escape&count=3");
    client_start(500);
    assert_int_equal(run_until_synced(30), 0);
    t = store_table(&F.store, STORE_POD);
    assert_true(t->count > 0);
    for (size_t i = 0; i < t->count; i++) {
        const struct k8s_pod *p = (const struct k8s_pod *)t->rows[i];

        for (const char *s = p->name; *s; s++) {
            assert_true((unsigned char)*s >= 0x20 && *s != 0x7f);
        }
        for (const char *s = p->status; *s; s++) {
            assert_true((unsigned char)*s >= 0x20 && *s != 0x7f);
        }
    }
    client_stop();
}

/* ---- ReplicaSets and ResourceQuotas ---- */

static int diff_rs_quota(size_t *n_rs, size_t *n_quota)
{
    return diff_kind("/apis/apps/v1/replicasets", STORE_REPLICASET, same_rs, n_rs) +
           diff_kind("/api/v1/resourcequotas", STORE_QUOTA, same_quota, n_quota);
}

struct rs_quota_counts {
    size_t *n_rs, *n_quota;
};

static int rs_quota_diff(void *arg)
{
    struct rs_quota_counts *c = arg;

    return diff_rs_quota(c->n_rs, c->n_quota);
}

/* Runs the loop until ReplicaSets and quotas equal the world or `seconds` pass. */
static int run_until_rs_quota_equal(int seconds, size_t *n_rs, size_t *n_quota)
{
    static const enum store_kind kinds[] = {STORE_REPLICASET, STORE_QUOTA};
    struct rs_quota_counts c = {n_rs, n_quota};

    return run_until_same(seconds, kinds, 2, false, rs_quota_diff, &c);
}

static void test_replicasets_and_quotas_equal_world(void **state)
{
    size_t n_rs = 0, n_quota = 0;
    struct k8s_stats before, after;
    const struct k8s_quota *q = NULL;
    const struct store_table *qt;

    (void)state;
    client_start(100);
    assert_int_equal(run_until_synced(30), 0);
    assert_int_equal(run_until_rs_quota_equal(10, &n_rs, &n_quota), 0);
    assert_true(n_rs > 20);   /* one per Deployment */
    assert_true(n_quota > 6); /* one per tenant namespace */
    /* govsim's quotas set every key: requests.* are the ones shown */
    qt = store_table(&F.store, STORE_QUOTA);
    for (size_t i = 0; i < qt->count; i++) {
        q = (const struct k8s_quota *)qt->rows[i];
        assert_string_equal(q->cpu_key, "requests.cpu");
        assert_string_equal(q->mem_key, "requests.memory");
        assert_true(q->cpu_hard > 0 && q->mem_hard > 0 && q->pods_hard > 0);
        assert_true(q->cpu_used >= 0 && q->mem_used >= 0 && q->pods_used >= 0);
    }
    /* churn moves quotas' `used` and scales ReplicaSets; the watches carry it */
    k8s_client_stats(F.c, K8S_RESOURCEQUOTAS, &before);
    sim_post("/_sim/churn?n=40");
    assert_int_equal(run_until_rs_quota_equal(10, &n_rs, &n_quota), 0);
    k8s_client_stats(F.c, K8S_RESOURCEQUOTAS, &after);
    assert_true(after.events > before.events);
    assert_int_equal(after.lists, before.lists);
    client_stop();
}

/* ---- nodes ---- */

static bool same_node(const struct store_row *h, const struct store_row *w)
{
    const struct k8s_node *a = (const void *)h, *b = (const void *)w;

    return str_same(a->name, b->name) && str_same(a->status, b->status) &&
           str_same(a->roles, b->roles) && str_same(a->version, b->version) &&
           str_same(a->taints, b->taints) && a->cpu_alloc == b->cpu_alloc &&
           a->mem_alloc == b->mem_alloc && a->pods_alloc == b->pods_alloc &&
           a->created == b->created;
}

static int nodes_diff(void *arg)
{
    return diff_kind("/api/v1/nodes", STORE_NODE, same_node, arg);
}

/* A 403 on nodes (an account that may not list them) is the nodes informer's own failure:
 * the source stays OK and synced, every other kind is there; once allowed, the nodes come
 * and equal the world. */
static void test_nodes_forbidden_then_equal_world(void **state)
{
    static const enum store_kind nodes[] = {STORE_NODE};
    const struct source_health *nh;
    const struct k8s_node *n;
    size_t count = 0;
    int64_t deadline;

    (void)state;
    sim_post("/_sim/fault?mode=403&count=100000&path=/api/v1/nodes");
    client_start(500);
    assert_int_equal(run_until_synced(30), 0);
    deadline = loop_now_ms() + 10000;
    while (k8s_client_informer_health(F.c, K8S_NODES)->state != SOURCE_RETRYING &&
           loop_now_ms() < deadline) {
        loop_run_once(F.loop, 50);
    }
    nh = k8s_client_informer_health(F.c, K8S_NODES);
    assert_int_equal(nh->state, SOURCE_RETRYING);
    assert_non_null(nh->last_error);
    assert_non_null(strstr(nh->last_error, "HTTP 403"));
    assert_string_equal(nh->name, "nodes");
    assert_int_equal(run_until_ok(10), 0);
    assert_null(k8s_client_health(F.c)->last_error);
    assert_int_equal(store_table(&F.store, STORE_NODE)->count, 0);
    assert_true(store_table(&F.store, STORE_POD)->count > 0);

    sim_post("/_sim/fault?mode=off");
    assert_int_equal(run_until_same(20, nodes, 1, false, nodes_diff, &count), 0);
    assert_int_equal(k8s_client_informer_health(F.c, K8S_NODES)->state, SOURCE_OK);
    assert_true(count > 1);
    /* govsim's first node is the control plane, the others workers, all Ready */
    for (size_t i = 0; i < store_table(&F.store, STORE_NODE)->count; i++) {
        n = (const struct k8s_node *)store_table(&F.store, STORE_NODE)->rows[i];
        assert_string_equal(n->roles, strcmp(n->name, "node-01") == 0 ? "control-plane"
                                                                       : "worker");
        assert_string_equal(n->status, "Ready");
        assert_true(n->cpu_alloc > 0 && n->mem_alloc > 0 && n->pods_alloc > 0);
    }
    client_stop();
}

/* ---- metrics.k8s.io ---- */

static enum k8s_metrics_state run_until_metrics_state(enum k8s_metrics_state want, int seconds)
{
    int64_t deadline = loop_now_ms() + seconds * 1000;

    while (k8s_client_metrics_state(F.c) != want && loop_now_ms() < deadline) {
        loop_run_once(F.loop, 50);
        store_commit(&F.store);
    }
    return k8s_client_metrics_state(F.c);
}

struct metrics_counts {
    size_t *n_pods, *n_nodes;
};

static int metrics_diff(void *arg)
{
    struct metrics_counts *c = arg;

    return diff_kind("/apis/metrics.k8s.io/v1beta1/pods", STORE_POD_METRICS, same_metrics,
                     c->n_pods) +
           diff_kind("/apis/metrics.k8s.io/v1beta1/nodes", STORE_NODE_METRICS, same_metrics,
                     c->n_nodes);
}

static void test_metrics_equal_sim(void **state)
{
    static const enum store_kind kinds[] = {STORE_POD_METRICS, STORE_NODE_METRICS};
    size_t n_pods = 0, n_nodes = 0;
    struct metrics_counts c = {&n_pods, &n_nodes};
    int diff;
    struct k8s_metrics_stats ms;
    const struct k8s_metrics *m;
    char key[K8S_METRICS_KEY_MAX];
    const struct store_table *pt;
    size_t with_metrics = 0;

    (void)state;
    client_start_at(NULL, 500, 1000);
    assert_int_equal(run_until_metrics_state(K8S_METRICS_OK, 20), K8S_METRICS_OK);
    /* Usage moves with govsim's 15-second scrapes: compare once both sides have the same. */
    diff = run_until_same(40, kinds, 2, false, metrics_diff, &c);
    assert_int_equal(diff, 0);
    assert_true(n_pods > 1000); /* of the 2,000 pods, those whose containers run */
    assert_true(n_nodes >= 60);
    /* a pod row finds its usage by key */
    assert_int_equal(run_until_synced(30), 0);
    pt = store_table(&F.store, STORE_POD);
    for (size_t i = 0; i < pt->count; i++) {
        const struct k8s_pod *p = (const struct k8s_pod *)pt->rows[i];

        m = (const struct k8s_metrics *)store_get(
            store_table(&F.store, STORE_POD_METRICS),
            k8s_pod_metrics_key(p->ns, p->name, key, sizeof key));
        if (m != NULL) {
            with_metrics++;
            assert_true(m->cpu_m > 0 && m->mem_b > 0);
        }
    }
    assert_int_equal(with_metrics, n_pods);
    k8s_client_metrics_stats(F.c, &ms);
    assert_int_equal(ms.rows, n_pods);
    assert_true(ms.polls >= 2);
    assert_int_equal(ms.failures, 0);
    assert_int_equal(ms.absent, 0);
    assert_int_equal(k8s_client_metrics_health(F.c)->state, SOURCE_OK);
    assert_null(k8s_client_metrics_health(F.c)->last_error);
    client_stop();
}

static void run_for_ms(int ms)
{
    int64_t deadline = loop_now_ms() + ms;

    while (loop_now_ms() < deadline) {
        loop_run_once(F.loop, 50);
        store_commit(&F.store);
    }
}

static void test_metrics_hang_and_garbage(void **state)
{
    struct k8s_metrics_stats before, after;

    (void)state;
    client_start_at(NULL, 500, 200);
    assert_int_equal(run_until_synced(30), 0);
    assert_int_equal(run_until_metrics_state(K8S_METRICS_OK, 20), K8S_METRICS_OK);
    k8s_client_metrics_stats(F.c, &before);
    sim_post("/_sim/fault?mode=hang&count=2&path=/apis/metrics.k8s.io");
    /* Polled every 200 ms, but the hung requests (3 s timeout) are the only ones: at most one
     * a resource, plus the two that may have been in flight when the fault was set. */
    run_for_ms(2000);
    k8s_client_metrics_stats(F.c, &after);
    if (after.requests - before.requests > 4) {
        fail_msg("%zu metrics requests during a 2 s hang", after.requests - before.requests);
    }
    assert_int_equal(run_until_metrics_state(K8S_METRICS_FAILING, 10), K8S_METRICS_FAILING);
    assert_int_equal(k8s_client_metrics_health(F.c)->state, SOURCE_RETRYING);
    assert_non_null(k8s_client_metrics_health(F.c)->last_error);
    /* the metrics' trouble is not the cluster's */
    assert_int_equal(k8s_client_health(F.c)->state, SOURCE_OK);
    assert_true(store_table(&F.store, STORE_POD_METRICS)->count > 0); /* last poll's rows stay */
    assert_int_equal(run_until_metrics_state(K8S_METRICS_OK, 20), K8S_METRICS_OK);
    /* a body that is not JSON fails the poll, then the next one is fine */
    sim_post("/_sim/fault?mode=garbage&count=2&path=/apis/metrics.k8s.io");
    assert_int_equal(run_until_metrics_state(K8S_METRICS_FAILING, 10), K8S_METRICS_FAILING);
    assert_non_null(strstr(k8s_client_metrics_health(F.c)->last_error, "JSON"));
    assert_int_equal(run_until_metrics_state(K8S_METRICS_OK, 20), K8S_METRICS_OK);
    assert_true(store_table(&F.store, STORE_POD_METRICS)->count > 1000);
    client_stop();
}

static void test_no_metrics_is_absent_and_quiet(void **state)
{
    const char *const args[] = {"--pods", "200", "--seed", "4", "--churn", "0", "--no-metrics",
                                NULL};
    struct demo sim;
    struct k8s_metrics_stats ms;
    const struct source_health *mh;

    (void)state;
    assert_int_equal(simcall_start_govsim(args, &sim), 0);
    /* polled every 200 ms if it were there */
    client_start_at(sim.server, 500, 200);
    assert_int_equal(run_until_synced(30), 0);
    run_for_ms(3000);
    assert_int_equal(k8s_client_metrics_state(F.c), K8S_METRICS_ABSENT);
    k8s_client_metrics_stats(F.c, &ms);
    assert_int_equal(ms.requests, 2); /* pods and nodes, once each: next in 5 minutes */
    assert_int_equal(ms.absent, 2);
    assert_int_equal(ms.failures, 0);
    assert_int_equal(ms.polls, 0);
    mh = k8s_client_metrics_health(F.c);
    assert_int_equal(mh->state, SOURCE_OK);
    assert_non_null(mh->last_error);
    assert_non_null(strstr(mh->last_error, "not served"));
    assert_int_equal(k8s_client_health(F.c)->state, SOURCE_OK);
    assert_null(k8s_client_health(F.c)->last_error);
    assert_true(k8s_client_synced(F.c));
    assert_int_equal(store_table(&F.store, STORE_POD_METRICS)->count, 0);
    assert_int_equal(store_table(&F.store, STORE_NODE_METRICS)->count, 0);
    assert_true(store_table(&F.store, STORE_QUOTA)->count > 0);
    client_stop();
    demo_stop(&sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paged_list_equals_world),
        cmocka_unit_test(test_churn_arrives_through_watch),
        cmocka_unit_test(test_killed_watch_recovers),
        cmocka_unit_test(test_expired_resource_version_relists),
        cmocka_unit_test(test_faults_are_reported_then_recover),
        cmocka_unit_test(test_escape_sequences_from_server_are_neutralised),
        cmocka_unit_test(test_replicasets_and_quotas_equal_world),
        cmocka_unit_test(test_nodes_forbidden_then_equal_world),
        cmocka_unit_test(test_metrics_equal_sim),
        cmocka_unit_test(test_metrics_hang_and_garbage),
        cmocka_unit_test(test_no_metrics_is_absent_and_quiet),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
