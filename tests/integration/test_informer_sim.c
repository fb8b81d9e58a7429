/* The Kubernetes source against govsim: paged list equals the world, churn arrives by watch,
 * a killed watch and an expired resourceVersion both recover with nothing lost or doubled,
 * and a misbehaving server is reported, never fatal. */
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
#include "core/k8s.h"
#include "core/k8s_model.h"
#include "core/loop.h"
#include "core/store.h"
#include "core/workpool.h"
#include "core/xalloc.h"

struct fx {
    struct demo sim;
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store store;
    struct k8s_client *c;
};

static struct fx F;

struct buf {
    char *p;
    size_t n;
};

static size_t collect(char *d, size_t s, size_t n, void *arg)
{
    struct buf *b = arg;

    b->p = xrealloc(b->p, b->n + s * n + 1);
    memcpy(b->p + b->n, d, s * n);
    b->n += s * n;
    b->p[b->n] = '\0';
    return s * n;
}

/* A blocking request straight to govsim (the test's own view of the world). */
static char *sim_call(const char *method, const char *path, long *status)
{
    CURL *e = curl_easy_init();
    struct buf b = {NULL, 0};
    char *url = xasprintf("%s%s", F.sim.server, path);

    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
    if (curl_easy_perform(e) != CURLE_OK) {
        *status = 0; /* e.g. a truncate fault meant for the console hit the test itself */
    } else {
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
    }
    curl_easy_cleanup(e);
    free(url);
    return b.p != NULL ? b.p : xstrdup("");
}

static void sim_post(const char *path)
{
    long status = 0;

    free(sim_call("POST", path, &status));
    assert_int_equal(status, 200);
}

static int sim_pod_count(void)
{
    long status = 0;
    char *body = sim_call("GET", "/_sim/stats", &status);
    json_t *j = json_loads(body, 0, NULL);
    int n;

    assert_non_null(j);
    n = (int)json_integer_value(json_object_get(j, "pods"));
    json_decref(j);
    free(body);
    return n;
}

/* Does the store hold exactly the simulator's pods, with the same status? Returns the number
 * of differences (0 = equal). */
static int store_diff_world(void)
{
    long status = 0;
    char *body = sim_call("GET", "/api/v1/pods", &status);
    json_t *list = json_loads(body, 0, NULL), *item;
    struct store_table *t = store_table(&F.store, STORE_POD);
    size_t i;
    int diff = 0;

    free(body);
    if (status != 200 || list == NULL) {
        json_decref(list);
        return 1; /* a fault still pending on the server: look again later */
    }
    json_array_foreach(json_object_get(list, "items"), i, item) {
        char *err = NULL;
        struct k8s_pod *want = k8s_pod_parse(item, &err);
        const struct k8s_pod *have;

        assert_non_null(want);
        have = (const struct k8s_pod *)store_get(t, want->row.uid);
        if (have == NULL || strcmp(have->status, want->status) != 0 ||
            strcmp(have->name, want->name) != 0 || have->restarts != want->restarts) {
            diff++;
        }
        k8s_pod_free(&want->row);
    }
    if (json_array_size(json_object_get(list, "items")) != t->count) {
        diff++;
    }
    json_decref(list);
    return diff;
}

/* Runs the loop until the store equals the world or `seconds` pass. */
static int run_until_equal(int seconds)
{
    int64_t deadline = loop_now_ms() + seconds * 1000;
    int diff = -1;

    while (loop_now_ms() < deadline) {
        loop_run_once(F.loop, 100);
        store_commit(&F.store);
        if (k8s_client_synced(F.c) && http_active(F.http) > 0 &&
            (diff = store_diff_world()) == 0) {
            return 0;
        }
    }
    return diff;
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

static void client_start(int page_size)
{
    struct kube_target t = {0};
    struct k8s_options o = {0};
    char ctx[] = "sim";

    t.context = ctx;
    t.server = F.sim.server;
    o.page_size = page_size;
    o.backoff_min_ms = 50;
    o.backoff_max_ms = 400;
    o.request_timeout_ms = 3000;
    store_init(&F.store);
    F.c = k8s_client_new(F.loop, F.http, F.pool, &F.store, &t, &o);
    k8s_client_start(F.c);
}

static void client_stop(void)
{
    k8s_client_stop(F.c);
    workpool_free(F.pool);
    F.pool = workpool_new(F.loop, 2);
    k8s_client_free(F.c);
    store_fini(&F.store);
    F.c = NULL;
}

static int setup(void **state)
{
    const char *dir = getenv("GC_BIN_DIR") ? getenv("GC_BIN_DIR") : "build";
    char *govsim = xasprintf("%s/govsim", dir);
    const char *const args[] = {"--pods", "2000", "--tenants", "6", "--seed", "3", "--churn",
                                "0", "--bookmark-interval", "1", NULL};
    char *err = NULL;

    (void)state;
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (demo_start(govsim, args, &F.sim, &err) != 0) {
        fprintf(stderr, "cannot start %s: %s\n", govsim, err);
        free(govsim);
        free(err);
        return -1;
    }
    free(govsim);
    F.loop = loop_new();
    F.http = http_new(F.loop);
    F.pool = workpool_new(F.loop, 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
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
        char *path = xasprintf("/_sim/fault?mode=%s&count=4", faults[i].mode);

        sim_post("/_sim/compact");
        sim_post("/_sim/drop-watches");
        sim_post(path);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paged_list_equals_world),
        cmocka_unit_test(test_churn_arrives_through_watch),
        cmocka_unit_test(test_killed_watch_recovers),
        cmocka_unit_test(test_expired_resource_version_relists),
        cmocka_unit_test(test_faults_are_reported_then_recover),
        cmocka_unit_test(test_escape_sequences_from_server_are_neutralised),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
