/* Filter texts kept across rebuilds and sorts (tui/texts.c) over a fake view: reuse while
 * rows are unchanged, a changed row (same pointer, new gen) or a changed extra formatted
 * again, a new order after a sort, rows added and removed, views without row_source, old
 * ages refreshed a slice at a time, and a build made in slices (texts_step), given up when
 * the rows change; then the apps view's row_source over a store built by hand: a workload's
 * text made again when its row, its pods' restarts or its namespace's tenant change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_tenancy.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/xalloc.h"
#include "tui/texts.h"
#include "views/registry.h"
#include "views/view.h"

/* The tenancy of the Kubernetes kinds in the test's store. */
static struct k8s_tenancy *TEN;

struct frow {
    struct store_row row;
    char name[32];
    int value;
};

struct fstate {
    struct frow *rows[2048]; /* the view's rows in its order; NULL = an aggregate row */
    uint64_t extra[2048];
    size_t count;
};

static int64_t fake_now; /* what the formatter writes as the "age" */
static size_t fmt_calls;

static size_t fake_count(const struct view *v)
{
    const struct fstate *st = v->state;

    return st->count;
}

static const struct store_row *fake_source(const struct view *v, size_t row, uint64_t *extra)
{
    const struct fstate *st = v->state;

    *extra = st->extra[row];
    return st->rows[row] != NULL ? &st->rows[row]->row : NULL;
}

static const struct view_ops fake_ops = {
    .name = "fake",
    .count = fake_count,
    .row_source = fake_source,
};

static const struct view_ops fake_ops_plain = {
    .name = "plain",
    .count = fake_count,
};

static size_t fake_format(void *arg, size_t row, char *buf, size_t size)
{
    const struct view *v = arg;
    const struct fstate *st = v->state;
    const struct frow *r = st->rows[row];
    int n;

    fmt_calls++;
    if (r == NULL) {
        n = snprintf(buf, size, "aggregate %zu @%lld", row, (long long)fake_now);
    } else {
        n = snprintf(buf, size, "%s %d x%llu @%lld", r->name, r->value,
                     (unsigned long long)st->extra[row], (long long)fake_now);
    }
    return (size_t)n;
}

static struct frow *frow_new(const char *name, int value, uint64_t gen)
{
    struct frow *r = calloc(1, sizeof *r);

    snprintf(r->name, sizeof r->name, "%s", name);
    r->value = value;
    r->row.gen = gen;
    return r;
}

static void update(struct texts *t, struct view *v)
{
    fmt_calls = 0;
    texts_invalidate(t);
    texts_update(t, v, fake_now, fake_format, v);
    assert_true(t->valid);
    assert_int_equal(t->n, fake_count(v));
    assert_int_equal(t->formatted, fmt_calls);
    assert_int_equal(t->formatted + t->reused, t->n);
}

/* Every text is what formatting the row now would give, except for the "@age" part. */
static void check_texts(const struct texts *t, const struct view *v)
{
    const struct fstate *st = v->state;

    for (size_t i = 0; i < st->count; i++) {
        char want[128];
        size_t len;
        const char *got = texts_get(t, i, &len);
        const char *at = strrchr(got, '@');
        int64_t saved = fake_now;
        size_t wlen;

        assert_non_null(at);
        fake_now = strtoll(at + 1, NULL, 10);
        wlen = fake_format((void *)v, i, want, sizeof want);
        fmt_calls--;
        fake_now = saved;
        assert_int_equal(len, strlen(got));
        assert_int_equal(len, wlen);
        assert_string_equal(got, want);
    }
}

static void fill(struct fstate *st, struct frow **rows, size_t n)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < n; i++) {
        char name[32];

        snprintf(name, sizeof name, "pod-%zu", i);
        rows[i] = frow_new(name, (int)i, 10 + i);
        st->rows[i] = rows[i];
    }
    st->count = n;
}

static void drop(struct frow **rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i]);
    }
}

static void test_reuse_unchanged(void **state)
{
    static struct fstate st;
    struct frow *rows[5];
    struct view v = {.ops = &fake_ops, .state = &st, .sort_col = -1};
    struct texts t;

    (void)state;
    fake_now = 1000;
    fill(&st, rows, 5);
    texts_init(&t);
    update(&t, &v);
    assert_int_equal(t.formatted, 5);
    check_texts(&t, &v);

    fake_now = 1010; /* a rebuild with nothing changed: every text kept, ages as they were */
    update(&t, &v);
    assert_int_equal(t.formatted, 0);
    assert_int_equal(t.reused, 5);
    check_texts(&t, &v);
    {
        size_t len;

        assert_string_equal(texts_get(&t, 3, &len), "pod-3 3 x0 @1000");
    }
    texts_fini(&t);
    drop(rows, 5);
}

static void test_changed_row_and_extra(void **state)
{
    static struct fstate st;
    struct frow *rows[6];
    struct view v = {.ops = &fake_ops, .state = &st, .sort_col = -1};
    struct texts t;
    size_t len;

    (void)state;
    fake_now = 1000;
    fill(&st, rows, 6);
    texts_init(&t);
    update(&t, &v);

    /* Row 2 changed in place (a new row at a freed one's address has a higher gen). */
    snprintf(rows[2]->name, sizeof rows[2]->name, "CrashLoopBackOff");
    rows[2]->row.gen = 100;
    /* Row 4's other inputs (a usage, a tenant) changed: its extra digest. */
    st.extra[4] = 42;
    fake_now = 1001;
    update(&t, &v);
    assert_int_equal(t.formatted, 2);
    assert_int_equal(t.reused, 4);
    check_texts(&t, &v);
    assert_string_equal(texts_get(&t, 2, &len), "CrashLoopBackOff 2 x0 @1001");
    assert_string_equal(texts_get(&t, 4, &len), "pod-4 4 x42 @1001");
    assert_string_equal(texts_get(&t, 1, &len), "pod-1 1 x0 @1000");
    texts_fini(&t);
    drop(rows, 6);
}

static void test_sort_reorders(void **state)
{
    static struct fstate st;
    struct frow *rows[100];
    struct view v = {.ops = &fake_ops, .state = &st, .sort_col = -1};
    struct texts t;

    (void)state;
    fake_now = 1000;
    fill(&st, rows, 100);
    texts_init(&t);
    update(&t, &v);
    for (size_t i = 0; i < 100; i++) { /* a sort: descending */
        st.rows[i] = rows[99 - i];
    }
    update(&t, &v);
    assert_int_equal(t.formatted, 0);
    check_texts(&t, &v);
    for (size_t i = 0; i < 100; i++) { /* another: odd ones first */
        st.rows[i] = rows[i < 50 ? 2 * i + 1 : 2 * (i - 50)];
    }
    update(&t, &v);
    assert_int_equal(t.formatted, 0);
    check_texts(&t, &v);
    texts_fini(&t);
    drop(rows, 100);
}

static void test_rows_added_removed(void **state)
{
    static struct fstate st;
    struct frow *rows[10], *added[3];
    struct view v = {.ops = &fake_ops, .state = &st, .sort_col = -1};
    struct texts t;
    size_t n = 0;

    (void)state;
    fake_now = 1000;
    fill(&st, rows, 10);
    texts_init(&t);
    update(&t, &v);

    /* Rows 0, 5 and 9 gone, three new ones, one of them in the middle. */
    added[0] = frow_new("new-a", 100, 200);
    added[1] = frow_new("new-b", 101, 201);
    added[2] = frow_new("new-c", 102, 202);
    for (size_t i = 0; i < 10; i++) {
        if (i == 5) {
            st.rows[n++] = added[0];
        }
        if (i != 0 && i != 5 && i != 9) {
            st.rows[n++] = rows[i];
        }
    }
    st.rows[n++] = added[1];
    st.rows[n++] = added[2];
    st.count = n;
    update(&t, &v);
    assert_int_equal(t.n, 10);
    assert_int_equal(t.formatted, 3);
    assert_int_equal(t.reused, 7);
    check_texts(&t, &v);

    st.count = 0; /* all gone, then back */
    update(&t, &v);
    assert_int_equal(t.n, 0);
    st.count = n;
    update(&t, &v);
    assert_int_equal(t.formatted, n);
    check_texts(&t, &v);
    texts_fini(&t);
    drop(rows, 10);
    drop(added, 3);
}

static void test_no_source(void **state)
{
    static struct fstate st;
    struct frow *rows[4];
    struct view v = {.ops = &fake_ops, .state = &st, .sort_col = -1};
    struct view plain = {.ops = &fake_ops_plain, .state = &st, .sort_col = -1};
    struct texts t;

    (void)state;
    fake_now = 1000;
    fill(&st, rows, 4);
    st.rows[1] = NULL; /* an aggregate row amid store rows */
    texts_init(&t);
    update(&t, &v);
    update(&t, &v);
    assert_int_equal(t.formatted, 1);
    check_texts(&t, &v);

    update(&t, &plain); /* a view without row_source: all made again */
    assert_int_equal(t.formatted, 4);
    update(&t, &plain);
    assert_int_equal(t.formatted, 4);
    check_texts(&t, &plain);

    update(&t, &v);
    texts_clear(&t); /* forgotten: all made again */
    update(&t, &v);
    assert_int_equal(t.formatted, 4);
    texts_fini(&t);
    drop(rows, 4);
}

static void test_old_ages_refreshed_in_slices(void **state)
{
    static struct fstate st;
    static struct frow *rows[1000];
    struct view v = {.ops = &fake_ops, .state = &st, .sort_col = -1};
    struct texts t;
    size_t total = 0;

    (void)state;
    fake_now = 1000;
    fill(&st, rows, 1000);
    texts_init(&t);
    update(&t, &v);
    fake_now = 1000 + TEXTS_MAX_AGE - 1;
    update(&t, &v);
    assert_int_equal(t.formatted, 0);
    fake_now = 1000 + TEXTS_MAX_AGE;
    for (int pass = 0; pass < 4; pass++) {
        update(&t, &v);
        assert_true(t.formatted <= 256);
        total += t.formatted;
        check_texts(&t, &v);
    }
    assert_int_equal(total, 1000);
    update(&t, &v);
    assert_int_equal(t.formatted, 0);
    for (size_t i = 0; i < 1000; i++) {
        size_t len;
        const char *s = texts_get(&t, i, &len);

        assert_non_null(strstr(s, "@1060"));
    }
    texts_fini(&t);
    drop(rows, 1000);
}

static void test_step_in_slices(void **state)
{
    static struct fstate st;
    static struct frow *rows[1000];
    struct view v = {.ops = &fake_ops, .state = &st, .sort_col = -1};
    struct texts t;

    (void)state;
    fake_now = 1000;
    fill(&st, rows, 1000);
    texts_init(&t);
    fmt_calls = 0;
    assert_false(texts_step(&t, &v, fake_now, fake_format, &v, 300));
    assert_false(t.valid);
    assert_false(texts_step(&t, &v, fake_now, fake_format, &v, 300));
    texts_update(&t, &v, fake_now, fake_format, &v); /* a key: the rest at once */
    assert_true(t.valid);
    assert_int_equal(fmt_calls, 1000);
    check_texts(&t, &v);
    assert_true(texts_step(&t, &v, fake_now, fake_format, &v, 300));

    /* The rows change mid-build: the build is given up, the texts before are reused. */
    texts_invalidate(&t);
    assert_false(texts_step(&t, &v, fake_now, fake_format, &v, 300));
    rows[10]->row.gen = 5000;
    rows[900]->row.gen = 5001;
    st.rows[0] = rows[999]; /* a sort */
    st.rows[999] = rows[0];
    texts_invalidate(&t);
    fmt_calls = 0;
    while (!texts_step(&t, &v, fake_now, fake_format, &v, 300)) {
    }
    assert_int_equal(fmt_calls, 2);
    check_texts(&t, &v);

    /* The count changed without texts_invalidate: started again, still right. */
    texts_invalidate(&t);
    assert_false(texts_step(&t, &v, fake_now, fake_format, &v, 100));
    st.count = 500;
    assert_true(texts_step(&t, &v, fake_now, fake_format, &v, 1000));
    assert_int_equal(t.n, 500);
    check_texts(&t, &v);
    texts_clear(&t);
    fmt_calls = 0;
    texts_update(&t, &v, fake_now, fake_format, &v);
    assert_int_equal(fmt_calls, 500);
    texts_fini(&t);
    drop(rows, 1000);
}

/* ---- the apps view ---- */

static struct store S;

static void put_ns(const char *name, const char *tenant)
{
    struct k8s_namespace *n = xcalloc(1, sizeof *n);

    n->row.uid = xasprintf("ns-%s", name);
    n->name = xstrdup(name);
    n->tenant = xstrdup(tenant);
    store_put(store_table(&S, STORE_NAMESPACE), &n->row);
}

static void put_pod(const char *ns, const char *name, const char *app, int restarts)
{
    char *uid = xasprintf("%s/%s", ns, name);
    struct k8s_pod *p = k8s_pod_new(&(struct k8s_pod_text){
        .uid = uid, .ns = ns, .name = name, .status = "Running", .app = app});

    free(uid);
    p->ready = p->total = 1;
    p->restarts = restarts;
    p->created = 700;
    store_put(store_table(&S, STORE_POD), &p->row);
}

static void put_workload(enum k8s_workload_kind kind, const char *ns, const char *name, int ready)
{
    struct k8s_workload *w = xcalloc(1, sizeof *w);

    w->row.uid = xasprintf("wl-%s/%s", ns, name);
    w->kind = kind;
    w->ns = xstrdup(ns);
    w->name = xstrdup(name);
    w->app = xstrdup(name);
    w->version = xstrdup("1.0");
    w->desired = 2;
    w->ready = w->updated = w->available = ready;
    w->rollout = K8S_ROLLOUT_COMPLETE;
    w->created = 500;
    store_put(
        store_table(&S, kind == K8S_WORKLOAD_STATEFULSET ? STORE_STATEFULSET : STORE_DEPLOYMENT),
        &w->row);
}

struct cells_arg {
    const struct view *v;
    const struct view_ctx *ctx;
};

/* The row's cells joined by spaces, as the table's row text. */
static size_t cells_format(void *arg, size_t row, char *buf, size_t size)
{
    const struct cells_arg *x = arg;
    size_t len = 0;

    fmt_calls++;
    buf[0] = '\0';
    for (size_t c = 0; c < x->v->ops->ncolumns; c++) {
        char cell[256];

        x->v->ops->cell(x->v, x->ctx, row, c, cell, sizeof cell);
        len += (size_t)snprintf(buf + len, size - len, "%s%s", len > 0 ? " " : "", cell);
    }
    return len;
}

/* Rebuilds the view, brings the texts up to date, checks each against a fresh one. */
static void apps_round(struct texts *t, struct view *v, const struct view_ctx *ctx)
{
    struct cells_arg x = {v, ctx};

    v->ops->rebuild(v, ctx);
    texts_invalidate(t);
    fmt_calls = 0;
    texts_update(t, v, ctx->now, cells_format, &x);
    assert_int_equal(t->formatted, fmt_calls);
    for (size_t i = 0; i < t->n; i++) {
        char want[TEXTS_ROW_MAX];
        size_t len;

        cells_format(&x, i, want, sizeof want);
        assert_string_equal(texts_get(t, i, &len), want);
    }
    store_commit(&S); /* replaced rows freed: the texts hold their addresses only */
}

static const char *apps_text(const struct texts *t, const char *needle)
{
    for (size_t i = 0; i < t->n; i++) {
        size_t len;
        const char *s = texts_get(t, i, &len);

        if (strstr(s, needle) != NULL) {
            return s;
        }
    }
    return NULL;
}

static void test_apps_view(void **state)
{
    struct view_scope all;
    struct access *acc;
    struct view *v;
    struct texts t;

    (void)state;
    memset(&all, 0, sizeof all);
    store_init(&S);
    TEN = k8s_tenancy_new(&S);
    k8s_tenancy_register(TEN);
    acc = access_new("tester", ACCESS_OPERATOR, NULL, false);
    access_bind(acc, &S);
    put_ns("dmi", "dmi");
    put_ns("skat", "skat");
    put_workload(K8S_WORKLOAD_DEPLOYMENT, "dmi", "web", 2);
    put_workload(K8S_WORKLOAD_STATEFULSET, "dmi", "db", 1);
    put_workload(K8S_WORKLOAD_DEPLOYMENT, "skat", "api", 2);
    put_pod("dmi", "web-a", "web", 1);
    put_pod("dmi", "db-0", "db", 0);
    put_pod("skat", "api-a", "api", 0);
    {
        struct view_ctx ctx = {&S, 10000, &all, acc, true, NULL, NULL};

        v = view_new(registry_find("apps"));
        assert_non_null(v->ops->row_source);
        texts_init(&t);
        apps_round(&t, v, &ctx);
        assert_int_equal(t.formatted, 3);

        put_pod("dmi", "web-a", "web", 5); /* only the sum of restarts moved */
        apps_round(&t, v, &ctx);
        assert_int_equal(t.formatted, 1);
        assert_non_null(apps_text(&t, "dmi dmi web web 1.0 - 2/2 2 2 5 "));

        put_ns("skat", "other"); /* the tenant of every workload in skat */
        apps_round(&t, v, &ctx);
        assert_int_equal(t.formatted, 1);
        assert_non_null(apps_text(&t, "other skat api"));

        put_workload(K8S_WORKLOAD_STATEFULSET, "dmi", "db", 0); /* the row itself */
        apps_round(&t, v, &ctx);
        assert_int_equal(t.formatted, 1);
        assert_non_null(apps_text(&t, "db db 1.0 - 0/2"));

        apps_round(&t, v, &ctx); /* nothing changed */
        assert_int_equal(t.formatted, 0);

        v->sort_col = 2; /* NAME, as app_sort: reordered, nothing made again */
        v->ops->sort(v, 2, true);
        {
            struct cells_arg x = {v, &ctx};
            size_t len;

            texts_invalidate(&t);
            fmt_calls = 0;
            texts_update(&t, v, ctx.now, cells_format, &x);
            assert_int_equal(fmt_calls, 0);
            assert_non_null(strstr(texts_get(&t, 0, &len), " web "));
            assert_non_null(strstr(texts_get(&t, 2, &len), " api "));
        }
        texts_fini(&t);
        view_free(v);
    }
    access_free(acc);
    store_fini(&S);
    k8s_tenancy_free(TEN);
    TEN = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reuse_unchanged),
        cmocka_unit_test(test_changed_row_and_extra),
        cmocka_unit_test(test_sort_reorders),
        cmocka_unit_test(test_rows_added_removed),
        cmocka_unit_test(test_no_source),
        cmocka_unit_test(test_old_ages_refreshed_in_slices),
        cmocka_unit_test(test_step_in_slices),
        cmocka_unit_test(test_apps_view),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
