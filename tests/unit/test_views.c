/* Views over a store built by hand: default order, scope, sorting (stable, numeric where
 * numeric), the tenants view's counts and its drill-down target. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/k8s_model.h"
#include "core/store.h"
#include "core/xalloc.h"
#include "views/registry.h"

static struct store S;
static struct view_scope ALL;

static void add_ns(const char *name, const char *tenant)
{
    struct k8s_namespace *n = xcalloc(1, sizeof *n);

    n->row.uid = xasprintf("ns-%s", name);
    n->name = xstrdup(name);
    n->tenant = xstrdup(tenant);
    n->created = 1000;
    store_put(store_table(&S, STORE_NAMESPACE), &n->row);
}

static void add_pod(const char *ns, const char *name, const char *status, int restarts,
                    int64_t created)
{
    struct k8s_pod *p = xcalloc(1, sizeof *p);

    p->row.uid = xasprintf("%s/%s", ns, name);
    p->ns = xstrdup(ns);
    p->name = xstrdup(name);
    p->status = xstrdup(status);
    p->ready = strcmp(status, "Running") == 0;
    p->total = 1;
    p->restarts = restarts;
    p->created = created;
    store_put(store_table(&S, STORE_POD), &p->row);
}

static int setup(void **state)
{
    (void)state;
    store_init(&S);
    store_set_free(&S, STORE_POD, k8s_pod_free);
    store_set_free(&S, STORE_NAMESPACE, k8s_namespace_free);
    add_ns("dmi", "dmi");
    add_ns("dmi-sandbox", "dmi");
    add_ns("skat", "skat");
    add_ns("kube-system", NULL);
    add_pod("skat", "b", "Running", 10, 500);
    add_pod("dmi", "z", "CrashLoopBackOff", 2, 100);
    add_pod("dmi", "a", "Running", 10, 300);
    add_pod("dmi-sandbox", "m", "Pending", 0, 400);
    add_pod("kube-system", "coredns", "Running", 0, 50);
    add_pod("dmi", "c", "Running", 2, 200);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_fini(&S);
    return 0;
}

/* The NAME cells of a view, joined with spaces. */
static void names(const struct view *v, char *out, size_t size, size_t col)
{
    struct view_ctx ctx = {&S, 10000, &ALL};
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < v->ops->count(v); i++) {
        char cell[128];

        v->ops->cell(v, &ctx, i, col, cell, sizeof cell);
        o += (size_t)snprintf(out + o, size - o, "%s%s", o ? " " : "", cell);
    }
}

static void test_pods_default_order_and_scope(void **state)
{
    struct view *v = view_new(registry_find("pods"));
    struct view_ctx ctx = {&S, 10000, &ALL};
    struct view_scope dmi = {0};
    char buf[256];

    (void)state;
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, 2);
    /* tenant, then namespace, then name; unlabelled namespaces last */
    assert_string_equal(buf, "a c z m b coredns");
    assert_false(v->ops->stale(v, &ctx));

    strcpy(dmi.tenant, "dmi");
    ctx.scope = &dmi;
    v->ops->rebuild(v, &ctx);
    assert_int_equal(v->ops->count(v), 4);
    strcpy(dmi.ns, "dmi-sandbox");
    v->ops->rebuild(v, &ctx);
    assert_int_equal(v->ops->count(v), 1);
    view_free(v);
}

static void test_pods_sort_numeric_and_stable(void **state)
{
    struct view *v = view_new(registry_find("pods"));
    struct view_ctx ctx = {&S, 10000, &ALL};
    char buf[256];

    (void)state;
    v->ops->rebuild(v, &ctx);
    /* RESTARTS (column 5): numeric, so 2 < 10; ties keep the default order. */
    v->sort_col = 5;
    v->sort_desc = false;
    v->ops->sort(v, 5, false);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "m coredns c z a b");
    v->sort_desc = true;
    v->ops->sort(v, 5, true);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "a b c z m coredns"); /* ties stay in the default order */
    /* AGE (column 6): youngest first. */
    v->sort_col = 6;
    v->sort_desc = false;
    v->ops->sort(v, 6, false);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "b m a c z coredns");
    /* A rebuild keeps the chosen order. */
    add_pod("dmi", "young", "Running", 0, 900);
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "young b m a c z coredns");
    assert_true(store_del(store_table(&S, STORE_POD), "dmi/young"));
    view_free(v);
    store_commit(&S);
}

static void test_tenants_counts_and_enter(void **state)
{
    struct view *v = view_new(registry_find("tenants"));
    struct view_ctx ctx = {&S, 10000, &ALL};
    struct view_target t;
    char buf[256];

    (void)state;
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, 0);
    assert_string_equal(buf, "dmi skat");
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "2 1"); /* namespaces */
    names(v, buf, sizeof buf, 3);
    assert_string_equal(buf, "2/4 1/1"); /* pods ok/total */
    names(v, buf, sizeof buf, 4);
    assert_string_equal(buf, "1 0"); /* failing */
    names(v, buf, sizeof buf, 5);
    assert_string_equal(buf, "1 0"); /* pending */
    assert_true(v->ops->enter(v, &ALL, 0, &t));
    assert_string_equal(t.view, "pods");
    assert_string_equal(t.scope.tenant, "dmi");
    assert_string_equal(t.label, "dmi");
    view_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pods_default_order_and_scope),
        cmocka_unit_test(test_pods_sort_numeric_and_stable),
        cmocka_unit_test(test_tenants_counts_and_enter),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
