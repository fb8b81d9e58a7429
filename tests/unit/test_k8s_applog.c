/* core/k8s/k8s_applog: an app's pods' logs merged, over a store built by hand and streams that
 * the test opens, feeds and ends itself: which pods are followed (the app's, in scope, running
 * first, at most K8S_APPLOG_MAX), what each stream asks for, and how the set follows the store
 * (a pod that starts, joins, goes, restarts, fails), and `previous`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/k8s/k8s_applog.h"
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_request.h"
#include "core/k8s/k8s_tenancy.h"
#include "core/loop.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/xalloc.h"

static struct store S;
static struct k8s_tenancy *TEN;
static struct access *ACC;
static struct loop *L;
static struct k8s_applog *AL;

/* ---- streams the test stands in for ---- */

struct fake {
    char *path;
    k8s_data_fn data;
    k8s_result_fn done;
    void *arg;
    bool open;
};
static struct fake F[64];
static size_t NF;

static struct k8s_call *fake_open(void *ctx, const char *path, k8s_data_fn data,
                                  k8s_result_fn done, void *arg)
{
    (void)ctx;
    assert_true(NF < 64);
    F[NF] = (struct fake){xstrdup(path), data, done, arg, true};
    return (struct k8s_call *)&F[NF++];
}

static void fake_cancel(void *ctx, struct k8s_call *call)
{
    struct fake *f = (struct fake *)call;

    (void)ctx;
    assert_true(f->open);
    f->open = false;
}

static const struct k8s_applog_io IO = {fake_open, fake_cancel, NULL};

/* The last stream opened for pod `name`, NULL when none was. */
static struct fake *stream_of(const char *name)
{
    char *needle = xasprintf("/pods/%s/log?", name);
    struct fake *f = NULL;

    for (size_t i = NF; i-- > 0 && f == NULL;) {
        if (strstr(F[i].path, needle) != NULL) {
            f = &F[i];
        }
    }
    free(needle);
    return f;
}

static size_t open_streams(void)
{
    size_t n = 0;

    for (size_t i = 0; i < NF; i++) {
        n += F[i].open;
    }
    return n;
}

static void feed(const char *pod, const char *text)
{
    struct fake *f = stream_of(pod);

    assert_non_null(f);
    assert_true(f->open);
    f->data(text, strlen(text), f->arg);
}

static void end(const char *pod, long status, const char *body)
{
    struct fake *f = stream_of(pod);

    assert_non_null(f);
    f->open = false;
    f->done(status, body, body != NULL ? strlen(body) : 0, NULL, f->arg);
}

/* ---- what came out ---- */

static char *GOT[256];
static size_t NGOT;
static int DONE;

static void on_chunk(const struct source_chunk *c, void *arg)
{
    (void)arg;
    assert_true(NGOT < 256);
    switch (c->kind) {
    case SOURCE_CHUNK_TEXT:
        GOT[NGOT++] = xasprintf("T %s|%.*s", c->from, (int)c->len, c->data);
        break;
    case SOURCE_CHUNK_NOTE:
        GOT[NGOT++] = xasprintf("N %s|%.*s", c->from, (int)c->len, c->data);
        break;
    case SOURCE_CHUNK_STATE:
        GOT[NGOT++] = xasprintf("S %u %u %u %u", c->live, c->waiting, c->members, c->left_out);
        break;
    }
}

static void on_done(struct source_reply *reply, void *arg)
{
    (void)arg;
    assert_true(reply->ok);
    DONE++;
    k8s_applog_free(AL); /* as the source does */
    AL = NULL;
}

/* True if a chunk since `from` reads `want`. */
static bool got_since(size_t from, const char *want)
{
    for (size_t i = from; i < NGOT; i++) {
        if (strcmp(GOT[i], want) == 0) {
            return true;
        }
    }
    print_error("no chunk \"%s\" among the %zu since %zu\n", want, NGOT - from, from);
    for (size_t i = from; i < NGOT; i++) {
        print_error("  %s\n", GOT[i]);
    }
    return false;
}

static const char *last_state(void)
{
    for (size_t i = NGOT; i-- > 0;) {
        if (GOT[i][0] == 'S') {
            return GOT[i];
        }
    }
    return "";
}

/* ---- the store ---- */

static void put_ns(const char *name, const char *tenant)
{
    struct k8s_namespace *n = xcalloc(1, sizeof *n);

    n->row.uid = xasprintf("ns-%s", name);
    n->name = xstrdup(name);
    n->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
    store_put(store_table(&S, STORE_NAMESPACE), &n->row);
}

static void put_pod(const char *ns, const char *name, const char *app, const char *status,
                    int restarts)
{
    char *uid = xasprintf("%s/%s", ns, name);
    struct k8s_pod *p = k8s_pod_new(&(struct k8s_pod_text){
        .uid = uid, .ns = ns, .name = name, .status = status, .app = app,
        .containers = "app,log-shipper"});

    free(uid);
    p->restarts = restarts;
    store_put(store_table(&S, STORE_POD), &p->row);
}

static void del_pod(const char *ns, const char *name)
{
    char *uid = xasprintf("%s/%s", ns, name);

    assert_true(store_del(store_table(&S, STORE_POD), uid));
    free(uid);
}

/* Looks at the set again now, as the second's timer would. */
static void settle(void)
{
    store_commit(&S);
    k8s_applog_poke(AL);
    loop_run_once(L, 0);
}

static void assert_path(const char *pod, int tail, bool previous)
{
    struct fake *f = stream_of(pod);
    char *want = k8s_log_path("dmi", pod, "app", tail, false, previous);

    assert_non_null(f);
    assert_string_equal(f->path, want);
    free(want);
}

static struct k8s_applog *start(bool previous)
{
    const struct k8s_applog_target t = {
        .ns = "dmi", .app = "web", .container = "app", .previous = previous};

    AL = k8s_applog_start(L, &S, ACC, &IO, &t, on_chunk, on_done, NULL);
    return AL;
}

static int setup(void **state)
{
    (void)state;
    store_init(&S);
    TEN = k8s_tenancy_new(&S);
    k8s_tenancy_register(TEN);
    ACC = access_new("tester", ACCESS_OPERATOR, NULL, false);
    access_bind(ACC, &S);
    L = loop_new();
    put_ns("dmi", "dmi");
    put_ns("skat", "skat");
    NF = 0;
    NGOT = 0;
    DONE = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    k8s_applog_free(AL);
    AL = NULL;
    for (size_t i = 0; i < NF; i++) {
        free(F[i].path);
    }
    for (size_t i = 0; i < NGOT; i++) {
        free(GOT[i]);
    }
    loop_free(L);
    access_free(ACC);
    store_fini(&S);
    k8s_tenancy_free(TEN);
    return 0;
}

/* The app's pods in its namespace, the running ones streamed at once with kubectl -l's tail,
 * each line after its pod's short name; then the set following the store. */
static void test_follows_the_set(void **state)
{
    size_t mark;

    (void)state;
    put_pod("dmi", "web-aaa-x1", "web", "Running", 0);
    put_pod("dmi", "web-aaa-x2", "web", "Running", 0);
    put_pod("dmi", "web-aaa-x3", "web", "ContainerCreating", 0);
    put_pod("dmi", "other-1", "other", "Running", 0);
    put_pod("skat", "web-bbb-y1", "web", "Running", 0); /* another namespace's web */
    store_commit(&S);
    start(false);
    assert_int_equal(NF, 2);
    assert_path("web-aaa-x1", K8S_APPLOG_TAIL, false);
    assert_path("web-aaa-x2", K8S_APPLOG_TAIL, false);
    assert_null(stream_of("web-aaa-x3")); /* not started yet */
    assert_string_equal(last_state(), "S 2 1 3 0");

    /* Lines come whole, each with its pod. */
    mark = NGOT;
    feed("web-aaa-x1", "a1\npart");
    feed("web-aaa-x2", "b1\n");
    feed("web-aaa-x1", "ial\n");
    assert_int_equal(NGOT - mark, 3);
    assert_string_equal(GOT[mark], "T x1|a1\n");
    assert_string_equal(GOT[mark + 1], "T x2|b1\n");
    assert_string_equal(GOT[mark + 2], "T x1|partial\n");

    /* Nothing changed: nothing happens. */
    mark = NGOT;
    settle();
    assert_int_equal(NGOT, mark);

    /* The waiting pod starts: its run so far (up to the late tail), no note. */
    put_pod("dmi", "web-aaa-x3", "web", "Running", 0);
    mark = NGOT;
    settle();
    assert_path("web-aaa-x3", K8S_APPLOG_TAIL_LATE, false);
    assert_string_equal(last_state(), "S 3 0 3 0");
    for (size_t i = mark; i < NGOT; i++) {
        assert_true(GOT[i][0] != 'N');
    }

    /* Scaled up: a new pod joins. */
    put_pod("dmi", "web-aaa-x4", "web", "Running", 0);
    mark = NGOT;
    settle();
    assert_true(got_since(mark, "N x4|pod web-aaa-x4 joins"));
    assert_path("web-aaa-x4", K8S_APPLOG_TAIL_LATE, false);
    assert_string_equal(last_state(), "S 4 0 4 0");

    /* Deleted: its stream closed, its unfinished line out, a note. */
    feed("web-aaa-x2", "half");
    del_pod("dmi", "web-aaa-x2");
    mark = NGOT;
    settle();
    assert_false(stream_of("web-aaa-x2")->open);
    assert_true(got_since(mark, "T x2|half\n"));
    assert_true(got_since(mark, "N x2|pod web-aaa-x2 gone"));
    assert_string_equal(last_state(), "S 3 0 3 0");

    /* x1's container dies: its stream ends; not followed again until it runs again with a
     * restart more (not while crash-looping). */
    end("web-aaa-x1", 200, NULL);
    assert_string_equal(last_state(), "S 2 0 3 0");
    loop_run_once(L, 0);
    put_pod("dmi", "web-aaa-x1", "web", "CrashLoopBackOff", 1);
    settle();
    assert_false(stream_of("web-aaa-x1")->open);
    mark = NGOT;
    put_pod("dmi", "web-aaa-x1", "web", "Running", 1);
    settle();
    assert_true(got_since(mark, "N x1|pod web-aaa-x1 restarted"));
    assert_true(stream_of("web-aaa-x1")->open);
    assert_path("web-aaa-x1", K8S_APPLOG_TAIL_LATE, false);
    assert_string_equal(last_state(), "S 3 0 3 0");

    /* A stream the server refuses: why, in a note; not asked again by itself. */
    mark = NGOT;
    end("web-aaa-x3", 400,
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
        "\"container \\\"app\\\" in pod \\\"web-aaa-x3\\\" is waiting to start\",\"code\":400}");
    assert_true(got_since(mark, "N x3|pod web-aaa-x3 failed: HTTP 400: container \"app\" in pod "
                                "\"web-aaa-x3\" is waiting to start"));
    settle();
    assert_false(stream_of("web-aaa-x3")->open);
    assert_string_equal(last_state(), "S 2 0 3 0");
    /* ... until the pod changes (its container ready now). */
    put_pod("dmi", "web-aaa-x3", "web", "Running", 0);
    mark = NF;
    settle();
    assert_int_equal(NF, mark + 1);
    assert_true(stream_of("web-aaa-x3")->open);
    assert_string_equal(last_state(), "S 3 0 3 0");

    /* Freed: every stream closed. */
    k8s_applog_free(AL);
    AL = NULL;
    assert_int_equal(open_streams(), 0);
    assert_int_equal(DONE, 0);
}

/* At most K8S_APPLOG_MAX at once, running ones first; the rest counted, and taking the place
 * of one that goes. */
static void test_cap(void **state)
{
    char name[32];
    size_t mark;

    (void)state;
    for (int i = 0; i < K8S_APPLOG_MAX + 2; i++) {
        snprintf(name, sizeof name, "web-aaa-p%02d", i);
        put_pod("dmi", name, "web", i < 2 ? "Pending" : "Running", 0);
    }
    store_commit(&S);
    start(false);
    assert_int_equal(NF, K8S_APPLOG_MAX);
    assert_null(stream_of("web-aaa-p00"));
    assert_null(stream_of("web-aaa-p01"));
    assert_non_null(stream_of("web-aaa-p11"));
    assert_string_equal(last_state(), "S 10 0 10 2");
    del_pod("dmi", "web-aaa-p05");
    mark = NGOT;
    settle();
    assert_true(got_since(mark, "N p05|pod web-aaa-p05 gone"));
    assert_true(got_since(mark, "N p00|pod web-aaa-p00 joins"));
    assert_null(stream_of("web-aaa-p00")); /* Pending: waits */
    assert_string_equal(last_state(), "S 9 1 10 1");
}

/* A scoped session follows only pods of its scope, and lets go of them when their namespace
 * leaves it. */
static void test_scope(void **state)
{
    const char *const skat[] = {"skat", NULL};
    const char *const dmi[] = {"dmi", NULL};
    size_t mark;

    (void)state;
    put_pod("dmi", "web-aaa-x1", "web", "Running", 0);
    put_pod("dmi", "web-aaa-x2", "web", "Running", 0);
    store_commit(&S);
    access_free(ACC);
    ACC = access_new("cust", ACCESS_VIEWER, skat, false);
    access_bind(ACC, &S);
    start(false);
    assert_int_equal(NF, 0);
    assert_string_equal(last_state(), "S 0 0 0 0");
    k8s_applog_free(AL);

    access_free(ACC);
    ACC = access_new("cust", ACCESS_VIEWER, dmi, false);
    access_bind(ACC, &S);
    start(false);
    assert_int_equal(open_streams(), 2);
    put_ns("dmi", "dst"); /* relabelled for another tenant */
    mark = NGOT;
    settle();
    assert_int_equal(open_streams(), 0);
    assert_true(got_since(mark, "N x1|pod web-aaa-x1 gone"));
    assert_true(got_since(mark, "N x2|pod web-aaa-x2 gone"));
    assert_string_equal(last_state(), "S 0 0 0 0");
}

/* previous: every pod's previous run once, started or not; no pod joins later; done once
 * they have all ended (and the applog may be freed from inside it). */
static void test_previous(void **state)
{
    (void)state;
    put_pod("dmi", "web-aaa-x1", "web", "Running", 2);
    put_pod("dmi", "web-aaa-x3", "web", "ContainerCreating", 0);
    store_commit(&S);
    start(true);
    assert_int_equal(NF, 2);
    assert_path("web-aaa-x1", K8S_APPLOG_TAIL, true);
    assert_path("web-aaa-x3", K8S_APPLOG_TAIL, true);
    put_pod("dmi", "web-aaa-x4", "web", "Running", 0);
    settle();
    assert_null(stream_of("web-aaa-x4"));
    feed("web-aaa-x1", "fatal: exiting\n");
    end("web-aaa-x3", 400, NULL);
    loop_run_once(L, 0);
    assert_int_equal(DONE, 0);
    end("web-aaa-x1", 200, NULL);
    loop_run_once(L, 0);
    assert_int_equal(DONE, 1);
    assert_null(AL);
    assert_true(got_since(0, "T x1|fatal: exiting\n"));
    assert_true(got_since(0, "N x3|pod web-aaa-x3 failed: HTTP 400"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_follows_the_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_previous, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
