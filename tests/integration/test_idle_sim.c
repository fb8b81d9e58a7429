/* Idle means asleep: the sources of a console watching a quiet cluster (every informer
 * watching, metrics polled at the default interval) wake the loop at most 5 times in 10
 * seconds. libcurl's low-speed check used to wake it every second for each open stream
 * (180-200 wakeups in 10 s); a stalled stream is now found by the loop's own timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/sources.h"
#include "core/store.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tests/integration/simcall.h"

static void test_quiet_cluster_sleeps(void **state)
{
    const char *const args[] = {"--pods", "200", "--seed", "5", "--churn", "0",
                                "--bookmark-interval", "60", NULL};
    char kubeconfig[] = "/tmp/gc-idle-XXXXXX";
    struct demo sim;
    struct gc_config cfg;
    struct loop *l;
    struct http *h;
    struct workpool *pool;
    struct store *store;
    struct sources *ss;
    struct source_env env;
    struct source *k8s;
    char *err = NULL;
    int fd;
    FILE *f;
    int64_t deadline;
    uint64_t w0, wakeups;

    (void)state;
    assert_int_equal(simcall_start_govsim(args, &sim), 0);
    fd = mkstemp(kubeconfig);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fprintf(f,
            "apiVersion: v1\nkind: Config\ncurrent-context: sim\n"
            "clusters: [{name: sim, cluster: {server: \"%s\"}}]\n"
            "contexts: [{name: sim, context: {cluster: sim, user: sim}}]\n"
            "users: [{name: sim, user: {token: idle}}]\n",
            sim.server);
    fclose(f);

    config_init(&cfg);
    cfg.kubernetes.kubeconfig = xstrdup(kubeconfig);
    l = loop_new();
    h = http_new(l);
    pool = workpool_new(l, 2);
    store = store_new();
    env = (struct source_env){.loop = l, .http = h, .pool = pool, .store = store, .cfg = &cfg};
    ss = sources_new(&env, &err);
    assert_non_null(ss);
    assert_int_equal(sources_count(ss), 1); /* only Kubernetes is configured */
    k8s = sources_at(ss, 0);
    sources_start(ss);

    /* Every informer watching, and the first metrics poll (the next is 30 s later) in. */
    deadline = loop_now_ms() + 60000;
    while ((k8s->ops->health(k8s->state)->state != SOURCE_OK ||
            store_count(store, STORE_POD_METRICS) == 0) &&
           loop_now_ms() < deadline) {
        loop_run_once(l, 100);
        store_commit(store);
    }
    assert_int_equal(k8s->ops->health(k8s->state)->state, SOURCE_OK);
    assert_true(store_count(store, STORE_POD) > 100);
    assert_true(store_count(store, STORE_POD_METRICS) > 0);
    /* A second for the last decodes and slices to land. */
    deadline = loop_now_ms() + 1000;
    while (loop_now_ms() < deadline) {
        loop_run_once(l, (int)(deadline - loop_now_ms()));
        store_commit(store);
    }

    w0 = loop_wakeups(l);
    deadline = loop_now_ms() + 10000;
    while (loop_now_ms() < deadline) {
        loop_run_once(l, (int)(deadline - loop_now_ms()));
        store_commit(store);
    }
    wakeups = loop_wakeups(l) - w0;
    print_message("loop wakeups in 10 quiet seconds: %llu\n", (unsigned long long)wakeups);
    /* the window's end is one of them */
    if (wakeups > 5) {
        fail_msg("the loop woke %llu times in 10 quiet seconds (at most 5)",
                 (unsigned long long)wakeups);
    }
    assert_int_equal(k8s->ops->health(k8s->state)->state, SOURCE_OK);

    sources_stop(ss);
    workpool_free(pool);
    sources_free(ss);
    http_free(h);
    store_free(store);
    loop_free(l);
    config_fini(&cfg);
    demo_stop(&sim);
    unlink(kubeconfig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_cluster_sleeps),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
