/* The registry: its narrowing aliases (:dp, :sts) and what the apps view shows under them
 * (over a store written here); the views a tenant-scoped session may not open (nodes). */
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
#include "views/registry.h"

static struct store S;
static struct k8s_tenancy *TEN;
static struct access *ALL;   /* an operator's session: every tenant */
static struct access *SCOPED; /* a session of tenant dmi */

static void put_ns(const char *name, const char *tenant)
{
    struct k8s_namespace *n = xcalloc(1, sizeof *n);

    n->row.uid = xasprintf("ns-%s", name);
    n->name = xstrdup(name);
    n->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
    n->phase = xstrdup("Active");
    n->created = 100;
    store_put(store_table(&S, STORE_NAMESPACE), &n->row);
}

static void put_workload(enum k8s_workload_kind kind, const char *ns, const char *name)
{
    struct k8s_workload *w = xcalloc(1, sizeof *w);

    w->row.uid = xasprintf("wl-%s/%s", ns, name);
    w->kind = kind;
    w->ns = xstrdup(ns);
    w->name = xstrdup(name);
    w->desired = w->ready = w->updated = w->available = 1;
    w->created = 500;
    store_put(
        store_table(&S, kind == K8S_WORKLOAD_STATEFULSET ? STORE_STATEFULSET : STORE_DEPLOYMENT),
        &w->row);
}

static int setup(void **state)
{
    const char *const dmi[] = {"dmi", NULL};

    (void)state;
    store_init(&S);
    TEN = k8s_tenancy_new(&S);
    k8s_tenancy_register(TEN);
    ALL = access_new("ops", ACCESS_OPERATOR, NULL, false);
    SCOPED = access_new("cust", ACCESS_DEVELOPER, dmi, false);
    access_bind(ALL, &S);
    access_bind(SCOPED, &S);
    put_ns("dmi", "dmi");
    put_ns("skat", "skat");
    put_ns("kube-system", NULL);
    put_workload(K8S_WORKLOAD_DEPLOYMENT, "dmi", "web");
    put_workload(K8S_WORKLOAD_STATEFULSET, "dmi", "db");
    put_workload(K8S_WORKLOAD_DEPLOYMENT, "skat", "api");
    put_workload(K8S_WORKLOAD_STATEFULSET, "skat", "ledger");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    access_free(ALL);
    access_free(SCOPED);
    store_fini(&S);
    k8s_tenancy_free(TEN);
    return 0;
}

/* The column of `v` named `name`. */
static size_t col_of(const struct view *v, const char *name)
{
    for (size_t c = 0; c < v->ops->ncolumns; c++) {
        if (strcmp(v->ops->columns[c].name, name) == 0) {
            return c;
        }
    }
    fail_msg("view %s has no column %s", v->ops->name, name);
    return 0;
}

/* The cells of column `col`, one a line, in row order, into buf. */
static const char *column_text(const struct view *v, const struct view_ctx *ctx, size_t col,
                               char *buf, size_t size)
{
    size_t o = 0;

    buf[0] = '\0';
    for (size_t r = 0; r < v->ops->count(v) && o < size; r++) {
        char cell[256];

        v->ops->cell(v, ctx, r, col, cell, sizeof cell);
        o += (size_t)snprintf(buf + o, size - o, "%s%s", o > 0 ? "\n" : "", cell);
    }
    return buf;
}

/* A view of `name` (a command: a name or an alias) rebuilt for `acc` and `scope`. */
static struct view *built(const char *name, struct access *acc, struct view_scope *scope,
                          struct view_ctx *ctx)
{
    const struct view_ops *ops = registry_lookup(name, scope);
    struct view *v;

    assert_non_null(ops);
    v = view_new(ops);
    *ctx = (struct view_ctx){&S, 10000, scope, acc, false, NULL, NULL};
    assert_true(ops->stale(v, ctx));
    ops->rebuild(v, ctx);
    assert_false(ops->stale(v, ctx));
    return v;
}

/* :dp, :deploy, :deployments narrow apps to Deployments, :sts and :statefulsets to
 * StatefulSets; :apps and :app are the whole view; a name that is none is no view. */
static void test_lookup_narrows(void **state)
{
    static const struct {
        const char *cmd, *kind, *title;
    } cases[] = {
        {"apps", "", "apps"},
        {"app", "", "apps"},
        {"dp", "Deployment", "deployments"},
        {"deploy", "Deployment", "deployments"},
        {"deployments", "Deployment", "deployments"},
        {"sts", "StatefulSet", "statefulsets"},
        {"statefulsets", "StatefulSet", "statefulsets"},
    };
    struct view_scope scope;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&scope, 0, sizeof scope);
        strcpy(scope.kind, "left over"); /* emptied by a plain name */
        assert_ptr_equal(registry_lookup(cases[i].cmd, &scope), registry_find("apps"));
        assert_string_equal(scope.kind, cases[i].kind);
        assert_string_equal(registry_title(registry_find("apps"), &scope), cases[i].title);
    }
    assert_ptr_equal(registry_find("sts"), registry_find("apps"));
    assert_null(registry_lookup("stateful", &scope));
    assert_null(registry_find("STS"));
    /* another view's title does not take a narrowing it does not have */
    strcpy(scope.kind, "StatefulSet");
    assert_string_equal(registry_title(registry_find("pods"), &scope), "pods");
}

/* The apps view under :sts shows the StatefulSets only, under :dp the Deployments only, and
 * KIND then says nothing; with a tenant (:sts dmi) both narrow. */
static void test_apps_narrowed(void **state)
{
    struct view_scope scope = {0};
    struct view_ctx ctx;
    struct view *v;
    char buf[512];

    (void)state;
    v = built("sts", ALL, &scope, &ctx);
    assert_int_equal(v->ops->count(v), 2);
    assert_string_equal(column_text(v, &ctx, col_of(v, "KIND"), buf, sizeof buf),
                        "StatefulSet\nStatefulSet");
    assert_string_equal(column_text(v, &ctx, col_of(v, "NAME"), buf, sizeof buf), "db\nledger");
    assert_true(v->ops->redundant(v, col_of(v, "KIND")));
    view_free(v);

    memset(&scope, 0, sizeof scope);
    v = built("dp", ALL, &scope, &ctx);
    assert_string_equal(column_text(v, &ctx, col_of(v, "NAME"), buf, sizeof buf), "web\napi");
    assert_string_equal(column_text(v, &ctx, col_of(v, "KIND"), buf, sizeof buf),
                        "Deployment\nDeployment");
    view_free(v);

    memset(&scope, 0, sizeof scope);
    v = built("sts", ALL, &scope, &ctx);
    view_free(v);
    strcpy(scope.tenant, "dmi");
    v = built("sts", ALL, &scope, &ctx);
    assert_string_equal(column_text(v, &ctx, col_of(v, "NAME"), buf, sizeof buf), "db");
    view_free(v);

    memset(&scope, 0, sizeof scope);
    v = built("apps", ALL, &scope, &ctx);
    assert_int_equal(v->ops->count(v), 4);
    assert_false(v->ops->redundant(v, col_of(v, "KIND")));
    view_free(v);

    /* a tenant's session narrowed by :sts sees its own StatefulSets only */
    memset(&scope, 0, sizeof scope);
    v = built("statefulsets", SCOPED, &scope, &ctx);
    assert_string_equal(column_text(v, &ctx, col_of(v, "NAME"), buf, sizeof buf), "db");
    view_free(v);
}

/* A narrowing the registry would refuse: no kind, no title, a kind too long for the scope. */
static void test_validate_narrows(void **state)
{
    const struct view_ops *apps = registry_find("apps");
    struct view_narrow bad[] = {{"x", NULL, "x"}, {NULL, NULL, NULL}};
    struct view_ops v = *apps;
    char *err;

    (void)state;
    v.narrows = bad;
    err = registry_validate(&v);
    assert_non_null(err);
    assert_non_null(strstr(err, "narrowing x needs a kind"));
    free(err);
    bad[0] = (struct view_narrow){"x", "Kind", NULL};
    err = registry_validate(&v);
    assert_non_null(err);
    free(err);
    bad[0] = (struct view_narrow){"x", "AKindWhoseNameIsLongerThanTheScopeHolds", "x"};
    err = registry_validate(&v);
    assert_non_null(err);
    free(err);
    bad[0] = (struct view_narrow){"x", "Kind", "kinds"};
    assert_null(registry_validate(&v));
}

/* A view whose rows belong to no tenant (nodes) is for sessions of every tenant: the list of
 * views a scoped session is told of leaves it out; every other view stays. */
static void test_cluster_scoped_views(void **state)
{
    char buf[512];
    size_t n = 0;

    (void)state;
    assert_true(registry_find("nodes")->cluster_scoped);
    assert_true(registry_allowed(registry_find("nodes"), ALL));
    assert_true(registry_allowed(registry_find("nodes"), NULL));
    assert_false(registry_allowed(registry_find("no"), SCOPED));
    for (size_t i = 0; registry_get(i) != NULL; i++) {
        if (!registry_get(i)->cluster_scoped) {
            assert_true(registry_allowed(registry_get(i), SCOPED));
            n++;
        }
    }
    assert_true(n >= 5);
    registry_names(ALL, ":", buf, sizeof buf);
    assert_non_null(strstr(buf, ":nodes"));
    assert_non_null(strstr(buf, ":namespaces"));
    assert_true(strncmp(buf, ":tenants :apps", 14) == 0);
    registry_names(SCOPED, ":", buf, sizeof buf);
    assert_null(strstr(buf, "nodes"));
    assert_non_null(strstr(buf, ":namespaces"));
    assert_non_null(strstr(buf, ":pods :namespaces :sources")); /* no gap where nodes was */
    registry_names(NULL, "", buf, sizeof buf);
    assert_non_null(strstr(buf, " nodes "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_narrows),
        cmocka_unit_test(test_apps_narrowed),
        cmocka_unit_test(test_validate_narrows),
        cmocka_unit_test(test_cluster_scoped_views),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
