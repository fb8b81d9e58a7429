/* Watch event handling: ADDED, MODIFIED, DELETED, BOOKMARK, ERROR 410 and bad lines, for pods,
 * ReplicaSets and ResourceQuotas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/http.h"
#include "core/k8s/k8s.h"
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_tenancy.h"
#include "core/loop.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/workpool.h"

struct fixture {
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store store;
    struct k8s_tenancy *tenancy;
    struct k8s_client *c;
};

static int setup(void **state)
{
    static struct fixture f;
    static char context[] = "test", server[] = "http://127.0.0.1:9";
    struct kube_target t = {0};

    t.context = context;
    t.server = server;
    f.loop = loop_new();
    f.http = http_new(f.loop);
    f.pool = workpool_new(f.loop, 1);
    store_init(&f.store);
    f.tenancy = k8s_tenancy_new(&f.store);
    k8s_tenancy_register(f.tenancy);
    f.c = k8s_client_new(f.loop, f.http, f.pool, &f.store, &t, NULL);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    workpool_free(f->pool);
    k8s_client_free(f->c);
    http_free(f->http);
    store_fini(&f->store);
    k8s_tenancy_free(f->tenancy);
    loop_free(f->loop);
    return 0;
}

static int apply(struct fixture *f, const char *line)
{
    return k8s_client_apply_event(f->c, K8S_PODS, line, strlen(line));
}

static const char *pod_event(char *buf, size_t n, const char *type, const char *uid,
                             const char *name, const char *rv, const char *phase)
{
    snprintf(buf, n,
             "{\"type\":\"%s\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
             "\"metadata\":{\"name\":\"%s\",\"namespace\":\"dmi\",\"uid\":\"%s\","
             "\"resourceVersion\":\"%s\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},"
             "\"spec\":{\"containers\":[{\"name\":\"app\"}]},"
             "\"status\":{\"phase\":\"%s\"}}}",
             type, name, uid, rv, phase);
    return buf;
}

static const struct k8s_pod *pod(struct fixture *f, const char *uid)
{
    return (const struct k8s_pod *)store_get(store_table(&f->store, STORE_POD), uid);
}

static void test_added_modified_deleted(void **state)
{
    struct fixture *f = *state;
    struct store_table *t = store_table(&f->store, STORE_POD);
    char buf[1024];
    struct k8s_stats st;

    assert_int_equal(apply(f, pod_event(buf, sizeof buf, "ADDED", "u1", "api-1", "10", "Pending")), 0);
    assert_int_equal(apply(f, pod_event(buf, sizeof buf, "ADDED", "u2", "api-2", "11", "Running")), 0);
    assert_int_equal(t->count, 2);
    assert_string_equal(pod(f, "u1")->status, "Pending");
    assert_string_equal(pod(f, "u1")->name, "api-1");

    assert_int_equal(apply(f, pod_event(buf, sizeof buf, "MODIFIED", "u1", "api-1", "12", "Failed")), 0);
    assert_int_equal(t->count, 2);
    assert_string_equal(pod(f, "u1")->status, "Failed");

    assert_int_equal(apply(f, pod_event(buf, sizeof buf, "DELETED", "u2", "api-2", "13", "Running")), 0);
    assert_int_equal(t->count, 1);
    assert_null(pod(f, "u2"));
    /* Deleting what is not there is harmless (a replayed event after a reconnect). */
    assert_int_equal(apply(f, pod_event(buf, sizeof buf, "DELETED", "u2", "api-2", "13", "Running")), 0);
    assert_int_equal(t->count, 1);
    k8s_client_stats(f->c, K8S_PODS, &st);
    assert_int_equal(st.events, 5);
    store_commit(&f->store);
}

static void test_bookmark_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct store_table *t = store_table(&f->store, STORE_POD);
    uint64_t gen = t->gen;
    struct k8s_stats before, after;

    k8s_client_stats(f->c, K8S_PODS, &before);
    assert_int_equal(apply(f, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":"
                              "\"v1\",\"metadata\":{\"resourceVersion\":\"12746\"}}}"),
                     0);
    k8s_client_stats(f->c, K8S_PODS, &after);
    assert_int_equal(t->gen, gen);
    assert_int_equal(after.bookmarks, before.bookmarks + 1);
    assert_int_equal(after.events, before.events);
}

static void test_error_410_asks_for_relist(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(apply(f, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
                              "\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old "
                              "resource version: 123 (456)\",\"reason\":\"Expired\",\"code\":410}}"),
                     1);
}

static void test_bad_lines_are_reported_not_applied(void **state)
{
    struct fixture *f = *state;
    struct store_table *t = store_table(&f->store, STORE_POD);
    size_t n = t->count;
    const struct source_health *h;

    assert_int_equal(apply(f, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":500,"
                              "\"message\":\"etcd down\"}}"),
                     -1);
    assert_int_equal(apply(f, "not json at all"), -1);
    assert_int_equal(apply(f, "{\"type\":\"ADDED\"}"), -1);
    assert_int_equal(apply(f, "{\"type\":\"ADDED\",\"object\":{\"metadata\":\"x\"}}"), -1);
    assert_int_equal(apply(f, "{\"type\":\"EXPLODED\",\"object\":{}}"), -1);
    assert_int_equal(t->count, n);
    h = k8s_client_health(f->c);
    assert_non_null(h->last_error);
    assert_non_null(strstr(h->last_error, "unknown watch event type"));
}

static void test_escape_sequences_never_stored(void **state)
{
    struct fixture *f = *state;
    char buf[1024];

    pod_event(buf, sizeof buf, "ADDED", "u9", "evil\\u001b[2J\\u0007pod", "20", "Running");
    assert_int_equal(apply(f, buf), 0);
    assert_null(strchr(pod(f, "u9")->name, '\x1b'));
    assert_null(strchr(pod(f, "u9")->name, '\a'));
    assert_non_null(strstr(pod(f, "u9")->name, "pod"));
}

static int apply_kind(struct fixture *f, enum k8s_kind kind, const char *line)
{
    return k8s_client_apply_event(f->c, kind, line, strlen(line));
}

static const char *rs_event(char *buf, size_t n, const char *type, const char *uid,
                            const char *rv, int revision, int ready)
{
    snprintf(buf, n,
             "{\"type\":\"%s\",\"object\":{\"kind\":\"ReplicaSet\",\"apiVersion\":\"apps/v1\","
             "\"metadata\":{\"name\":\"forecast-api-7c9d\",\"namespace\":\"dmi\",\"uid\":\"%s\","
             "\"resourceVersion\":\"%s\",\"annotations\":{\"deployment.kubernetes.io/revision\":"
             "\"%d\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
             "\"name\":\"forecast-api\",\"uid\":\"dep-1\",\"controller\":true}]},"
             "\"spec\":{\"replicas\":3},\"status\":{\"replicas\":3,\"readyReplicas\":%d}}}",
             type, uid, rv, revision, ready);
    return buf;
}

static const char *quota_event(char *buf, size_t n, const char *type, const char *rv,
                               const char *used_cpu)
{
    snprintf(buf, n,
             "{\"type\":\"%s\",\"object\":{\"kind\":\"ResourceQuota\",\"apiVersion\":\"v1\","
             "\"metadata\":{\"name\":\"tenant-quota\",\"namespace\":\"dmi\",\"uid\":\"q-1\","
             "\"resourceVersion\":\"%s\"},\"status\":{\"hard\":{\"requests.cpu\":\"4\","
             "\"requests.memory\":\"8Gi\",\"pods\":\"20\"},\"used\":{\"requests.cpu\":\"%s\","
             "\"requests.memory\":\"1536Mi\",\"pods\":\"3\"}}}}",
             type, rv, used_cpu);
    return buf;
}

static void test_replicaset_and_quota_events(void **state)
{
    struct fixture *f = *state;
    struct store_table *rt = store_table(&f->store, STORE_REPLICASET);
    struct store_table *qt = store_table(&f->store, STORE_QUOTA);
    const struct k8s_replicaset *rs;
    const struct k8s_quota *q;
    struct k8s_stats st;
    char buf[1024];

    assert_int_equal(apply_kind(f, K8S_REPLICASETS, rs_event(buf, sizeof buf, "ADDED", "rs-1", "30", 4, 1)), 0);
    assert_int_equal(apply_kind(f, K8S_REPLICASETS, rs_event(buf, sizeof buf, "ADDED", "rs-2", "31", 5, 0)), 0);
    assert_int_equal(rt->count, 2);
    rs = (const struct k8s_replicaset *)store_get(rt, "rs-1");
    assert_non_null(rs);
    assert_string_equal(rs->owner_uid, "dep-1");
    assert_int_equal(rs->revision, 4);
    assert_int_equal(rs->ready, 1);
    assert_int_equal(apply_kind(f, K8S_REPLICASETS, rs_event(buf, sizeof buf, "MODIFIED", "rs-1", "32", 4, 3)), 0);
    rs = (const struct k8s_replicaset *)store_get(rt, "rs-1");
    assert_int_equal(rs->ready, 3);
    assert_int_equal(apply_kind(f, K8S_REPLICASETS, rs_event(buf, sizeof buf, "DELETED", "rs-1", "33", 4, 3)), 0);
    assert_int_equal(rt->count, 1);
    assert_null(store_get(rt, "rs-1"));
    k8s_client_stats(f->c, K8S_REPLICASETS, &st);
    assert_int_equal(st.events, 4);

    assert_int_equal(apply_kind(f, K8S_RESOURCEQUOTAS, quota_event(buf, sizeof buf, "ADDED", "40", "750m")), 0);
    q = (const struct k8s_quota *)store_get(qt, "q-1");
    assert_non_null(q);
    assert_int_equal(q->cpu_hard, 4000);
    assert_int_equal(q->cpu_used, 750);
    assert_int_equal(q->mem_hard, (int64_t)8 << 30);
    assert_int_equal(q->mem_used, (int64_t)1536 << 20);
    assert_int_equal(q->pods_hard, 20);
    assert_int_equal(q->pods_used, 3);
    /* `used` moves as pods come and go */
    assert_int_equal(apply_kind(f, K8S_RESOURCEQUOTAS, quota_event(buf, sizeof buf, "MODIFIED", "41", "1250m")), 0);
    q = (const struct k8s_quota *)store_get(qt, "q-1");
    assert_int_equal(q->cpu_used, 1250);
    assert_int_equal(qt->count, 1);
    assert_int_equal(apply_kind(f, K8S_RESOURCEQUOTAS, quota_event(buf, sizeof buf, "DELETED", "42", "0")), 0);
    assert_int_equal(qt->count, 0);
    k8s_client_stats(f->c, K8S_RESOURCEQUOTAS, &st);
    assert_int_equal(st.events, 3);
    store_commit(&f->store);
}

static void test_metrics_unknown_before_start(void **state)
{
    struct fixture *f = *state;
    struct k8s_metrics_stats ms;

    assert_int_equal(k8s_client_metrics_state(f->c), K8S_METRICS_UNKNOWN);
    assert_non_null(k8s_client_metrics_health(f->c));
    assert_string_equal(k8s_client_metrics_health(f->c)->name, "metrics");
    k8s_client_metrics_stats(f->c, &ms);
    assert_int_equal(ms.requests, 0);
    assert_int_equal(ms.polls, 0);
    assert_false(k8s_client_synced(f->c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_added_modified_deleted),
        cmocka_unit_test(test_bookmark_changes_nothing),
        cmocka_unit_test(test_error_410_asks_for_relist),
        cmocka_unit_test(test_bad_lines_are_reported_not_applied),
        cmocka_unit_test(test_escape_sequences_never_stored),
        cmocka_unit_test(test_replicaset_and_quota_events),
        cmocka_unit_test(test_metrics_unknown_before_start),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
