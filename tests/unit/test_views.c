/* Views over a store built by hand: default order, scope, sorting (stable, numeric where
 * numeric), the tenants view's counts and its drill-down target, the apps view (restarts
 * summed from pods, versions side by side, rollout status) and its drill-down to pods. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/access.h"
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_describe.h"
#include "core/k8s/k8s_request.h"
#include "core/k8s/k8s_tenancy.h"
#include "core/servicenow/sn_model.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/xalloc.h"
#include "tui/keymap.h"
#include "views/registry.h"

/* The tenancy of the Kubernetes kinds in the test's store. */
static struct k8s_tenancy *TEN;

static struct store S;
static struct view_scope ALL;
static struct access *ACC; /* every tenant, operator */

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
    char *uid = xasprintf("%s/%s", ns, name);
    struct k8s_pod *p = k8s_pod_new(
        &(struct k8s_pod_text){.uid = uid, .ns = ns, .name = name, .status = status});

    free(uid);
    p->ready = strcmp(status, "Running") == 0;
    p->total = 1;
    p->restarts = restarts;
    p->created = created;
    store_put(store_table(&S, STORE_POD), &p->row);
}

static void add_app_pod(const char *ns, const char *name, const char *app, const char *version,
                        int restarts)
{
    char *uid = xasprintf("%s/%s", ns, name);
    struct k8s_pod *p = k8s_pod_new(&(struct k8s_pod_text){
        .uid = uid, .ns = ns, .name = name, .status = "Running", .app = app, .version = version});

    free(uid);
    p->ready = 1;
    p->total = 1;
    p->restarts = restarts;
    p->created = 700;
    store_put(store_table(&S, STORE_POD), &p->row);
}

struct wl_spec {
    enum k8s_workload_kind kind;
    const char *ns, *name, *app, *version, *tag;
    int desired, ready;
    enum k8s_rollout rollout;
    const char *stall;
    int64_t created;
};

static void add_workload(const struct wl_spec *sp)
{
    struct k8s_workload *w = xcalloc(1, sizeof *w);

    w->row.uid = xasprintf("wl-%s/%s", sp->ns, sp->name);
    w->kind = sp->kind;
    w->ns = xstrdup(sp->ns);
    w->name = xstrdup(sp->name);
    w->app = xstrdup(sp->app);
    w->version = xstrdup(sp->version);
    w->image_tag = xstrdup(sp->tag);
    w->desired = sp->desired;
    w->ready = sp->ready;
    w->updated = sp->ready;
    w->available = sp->ready;
    w->rollout = sp->rollout;
    w->stall_reason = xstrdup(sp->stall);
    w->created = sp->created;
    store_put(store_table(&S, sp->kind == K8S_WORKLOAD_STATEFULSET ? STORE_STATEFULSET
                                                                   : STORE_DEPLOYMENT),
              &w->row);
}

static const struct wl_spec workloads[] = {
    {K8S_WORKLOAD_DEPLOYMENT, "dmi", "web-v2", "web", "2.0", "2.0", 2, 1,
     K8S_ROLLOUT_PROGRESSING, NULL, 900},
    {K8S_WORKLOAD_DEPLOYMENT, "dmi", "web-v1", "web", "1.0", "1.0", 3, 3, K8S_ROLLOUT_COMPLETE,
     NULL, 500},
    {K8S_WORKLOAD_STATEFULSET, "dmi", "db", NULL, NULL, "15", 1, 1, K8S_ROLLOUT_COMPLETE, NULL,
     100},
    {K8S_WORKLOAD_DEPLOYMENT, "skat", "api", "api", "3", "latest", 1, 0, K8S_ROLLOUT_STALLED,
     "ProgressDeadlineExceeded", 300},
    {K8S_WORKLOAD_DEPLOYMENT, "kube-system", "coredns", NULL, NULL, "1.9.1", 1, 1,
     K8S_ROLLOUT_COMPLETE, NULL, 50},
};

static const char *const app_pods[] = {"dmi/web-v1-a", "dmi/web-v1-b", "dmi/web-v2-a",
                                       "dmi/db-0", "skat/web-x"};

static void add_apps(void)
{
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        add_workload(&workloads[i]);
    }
    add_app_pod("dmi", "web-v1-a", "web", "1.0", 2);
    add_app_pod("dmi", "web-v1-b", "web", "1.0", 3);
    add_app_pod("dmi", "web-v2-a", "web", "2.0", 5);
    add_app_pod("dmi", "db-0", "db", NULL, 7);
    add_app_pod("skat", "web-x", "web", "1.0", 100); /* another namespace's web */
}

static void del_apps(void)
{
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        char *uid = xasprintf("wl-%s/%s", workloads[i].ns, workloads[i].name);

        assert_true(store_del(store_table(&S, workloads[i].kind == K8S_WORKLOAD_STATEFULSET
                                                  ? STORE_STATEFULSET
                                                  : STORE_DEPLOYMENT),
                              uid));
        free(uid);
    }
    for (size_t i = 0; i < sizeof app_pods / sizeof app_pods[0]; i++) {
        assert_true(store_del(store_table(&S, STORE_POD), app_pods[i]));
    }
    store_commit(&S);
}

static int setup(void **state)
{
    (void)state;
    store_init(&S);
    TEN = k8s_tenancy_new(&S);
    k8s_tenancy_register(TEN);
    ACC = access_new("tester", ACCESS_OPERATOR, NULL, false);
    access_bind(ACC, &S);
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
    access_free(ACC);
    store_fini(&S);
    k8s_tenancy_free(TEN);
    TEN = NULL;
    return 0;
}

/* The NAME cells of a view, joined with spaces. */
static void names(const struct view *v, char *out, size_t size, size_t col)
{
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < v->ops->count(v); i++) {
        char cell[128];

        v->ops->cell(v, &ctx, i, col, cell, sizeof cell);
        o += (size_t)snprintf(out + o, size - o, "%s%s", o ? " " : "", cell);
    }
}

/* The index of the column named `name`; fails the test when there is none. */
static int column(const struct view *v, const char *name)
{
    for (size_t i = 0; i < v->ops->ncolumns; i++) {
        if (strcmp(v->ops->columns[i].name, name) == 0) {
            return (int)i;
        }
    }
    fail_msg("no column %s in %s", name, v->ops->name);
    return -1;
}

static void test_pods_default_order_and_scope(void **state)
{
    struct view *v = view_new(registry_find("pods"));
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
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
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    char buf[256];
    int restarts = column(v, "RESTARTS"), age = column(v, "AGE");

    (void)state;
    v->ops->rebuild(v, &ctx);
    /* RESTARTS: numeric, so 2 < 10; ties keep the default order. */
    v->sort_col = restarts;
    v->sort_desc = false;
    v->ops->sort(v, (size_t)restarts, false);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "m coredns c z a b");
    v->sort_desc = true;
    v->ops->sort(v, (size_t)restarts, true);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "a b c z m coredns"); /* ties stay in the default order */
    /* AGE: youngest first. */
    v->sort_col = age;
    v->sort_desc = false;
    v->ops->sort(v, (size_t)age, false);
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
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    struct view_target t;
    char buf[256];

    (void)state;
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, 0);
    assert_string_equal(buf, "dmi skat");
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "2 1"); /* namespaces */
    names(v, buf, sizeof buf, 3);
    assert_string_equal(buf, "0 0"); /* apps: none in the store yet */
    names(v, buf, sizeof buf, 4);
    assert_string_equal(buf, "2/4 1/1"); /* pods ok/total */
    names(v, buf, sizeof buf, 5);
    assert_string_equal(buf, "1 0"); /* failing */
    names(v, buf, sizeof buf, 6);
    assert_string_equal(buf, "1 0"); /* pending */
    assert_true(v->ops->enter(v, &ALL, 0, &t));
    assert_string_equal(t.view, "apps");
    assert_string_equal(t.scope.tenant, "dmi");
    assert_string_equal(t.scope.ns, "");
    assert_string_equal(t.scope.app, "");
    assert_string_equal(t.label, "dmi");
    view_free(v);
}

/* The tones of one column, as letters: N normal, D dim, O ok, W warn, C crit, P pending. */
static void tones(const struct view *v, char *out, size_t size, size_t col)
{
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    size_t i;

    for (i = 0; i < v->ops->count(v) && i + 1 < size; i++) {
        char cell[128];

        out[i] = "NDOWCPU"[v->ops->cell(v, &ctx, i, col, cell, sizeof cell)];
    }
    out[i] = '\0';
}

static void test_apps_rows(void **state)
{
    struct view *v = view_new(registry_find("apps"));
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    char buf[512];
    struct source_request *req;
    char *err = NULL;

    (void)state;
    add_apps();
    assert_true(v->ops->stale(v, &ctx));
    v->ops->rebuild(v, &ctx);
    assert_false(v->ops->stale(v, &ctx));
    /* tenant, namespace, app, name: the two versions of web side by side */
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "db web-v1 web-v2 api coredns");
    names(v, buf, sizeof buf, 0);
    assert_string_equal(buf, "dmi dmi dmi skat -");
    names(v, buf, sizeof buf, 3); /* APP: the label, else the name */
    assert_string_equal(buf, "db web web api coredns");
    names(v, buf, sizeof buf, 4);
    assert_string_equal(buf, "- 1.0 2.0 3 -");
    tones(v, buf, sizeof buf, 4); /* two versions of web in dmi: marked */
    assert_string_equal(buf, "DWWND");
    names(v, buf, sizeof buf, 5);
    assert_string_equal(buf, "15 1.0 2.0 latest 1.9.1");
    names(v, buf, sizeof buf, 6);
    assert_string_equal(buf, "1/1 3/3 1/2 0/1 1/1");
    tones(v, buf, sizeof buf, 6);
    assert_string_equal(buf, "NNWWN");
    /* RESTARTS: pods of the app in the namespace, by version; skat/web-x counts for none */
    names(v, buf, sizeof buf, 9);
    assert_string_equal(buf, "7 5 5 0 0");
    names(v, buf, sizeof buf, 11);
    assert_string_equal(buf, "complete complete progressing stalled: ProgressDeadlineExceeded "
                             "complete");
    tones(v, buf, sizeof buf, 11);
    assert_string_equal(buf, "OOPCO");
    names(v, buf, sizeof buf, 12);
    assert_string_equal(buf, "StatefulSet Deployment Deployment Deployment Deployment");

    /* `y` asks the Kubernetes source for the object at its path, in its tenant. */
    req = v->ops->request(v, &ctx, 0, ACT_RAW, &err);
    assert_non_null(req);
    assert_string_equal(req->source, "kubernetes");
    assert_int_equal(req->op, SOURCE_OP_DETAIL);
    assert_int_equal(req->detail, SOURCE_DETAIL_JSON);
    assert_string_equal(req->tenant, "dmi");
    assert_string_equal(k8s_request_priv(req)->path, "/apis/apps/v1/namespaces/dmi/statefulsets/db");
    source_request_free(req);
    req = v->ops->request(v, &ctx, 1, ACT_RAW, &err);
    assert_string_equal(k8s_request_priv(req)->path, "/apis/apps/v1/namespaces/dmi/deployments/web-v1");
    source_request_free(req);
    /* restart and scale, as kubectl sends them; scale asks the count first */
    req = v->ops->request(v, &ctx, 1, ACT_RESTART, &err);
    assert_int_equal(req->op, SOURCE_OP_CHANGE);
    assert_int_equal(req->verb, ACCESS_RESTART);
    assert_string_equal(k8s_request_priv(req)->method, "PATCH");
    assert_non_null(strstr(k8s_request_priv(req)->body, "kubectl.kubernetes.io/restartedAt"));
    assert_string_equal(req->question, "Restart deployment dmi/web-v1?");
    source_request_free(req);
    req = v->ops->request(v, &ctx, 1, ACT_SCALE, &err);
    assert_string_equal(k8s_request_priv(req)->path,
                        "/apis/apps/v1/namespaces/dmi/deployments/web-v1/scale");
    assert_non_null(req->input_label);
    assert_int_equal(req->ops->input(req, "x", &err), -1);
    assert_string_equal(err, "'x' is not a number of replicas (0 or more)");
    free(err);
    err = NULL;
    assert_int_equal(req->ops->input(req, " 7 ", &err), 0);
    assert_string_equal(k8s_request_priv(req)->body, "{\"spec\":{\"replicas\":7}}");
    assert_string_equal(req->target, "deployment dmi/web-v1 to 7");
    assert_null(strstr(req->question, "quota")); /* dmi has no pod quota here */
    source_request_free(req);
    /* With a pod quota of 6 and 4 pods in use, 2 more fit: scaling 3 -> 5 fits, 3 -> 7 warns
     * of 2, and the question names the object each time. */
    {
        struct k8s_quota *q = xcalloc(1, sizeof *q);

        q->row.uid = xstrdup("quota-pods");
        q->ns = xstrdup("dmi");
        q->name = xstrdup("pods");
        q->cpu_hard = q->cpu_used = q->mem_hard = q->mem_used = -1;
        q->pods_hard = 6;
        q->pods_used = 4;
        store_put(store_table(&S, STORE_QUOTA), &q->row);
        store_commit(&S);
        req = v->ops->request(v, &ctx, 1, ACT_SCALE, &err);
        assert_int_equal(req->ops->input(req, "5", &err), 0);
        assert_string_equal(req->question, "Scale deployment dmi/web-v1 from 3 to 5 replicas?");
        assert_int_equal(req->ops->input(req, "7", &err), 0);
        assert_non_null(strstr(req->question, "Scale deployment dmi/web-v1 from 3 to 7 replicas?"
                                              "\n\nOver quota: the namespace's ResourceQuota "
                                              "admits 2 more pods, so 2 of the new ones will not "
                                              "be created"));
        source_request_free(req);
        store_clear(store_table(&S, STORE_QUOTA));
        store_commit(&S);
    }
    /* `l`: the app's pods' logs merged, the pods taken as RESTARTS takes them */
    req = v->ops->request(v, &ctx, 1, ACT_LOGS, &err);
    assert_non_null(req);
    assert_int_equal(req->op, SOURCE_OP_STREAM);
    assert_int_equal(req->verb, ACCESS_LOGS);
    assert_string_equal(req->members, "pods");
    assert_string_equal(req->title, "logs dmi/web-v1");
    assert_string_equal(req->tenant, "dmi");
    assert_string_equal(k8s_request_priv(req)->app, "web");
    assert_string_equal(k8s_request_priv(req)->version, "1.0");
    source_request_free(req);
    assert_null(v->ops->request(v, &ctx, 4, ACT_LOGS, &err)); /* coredns: no pod of its app */
    assert_string_equal(err, "no pod to show the log of");
    free(err);
    err = NULL;
    /* a pods-view action is not an apps-view one */
    assert_null(v->ops->request(v, &ctx, 1, ACT_DELETE, &err));
    free(err);
    err = NULL;

    /* A pod's restart shows after a rebuild. */
    add_app_pod("dmi", "db-0", "db", NULL, 9);
    assert_true(v->ops->stale(v, &ctx));
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, 9);
    assert_string_equal(buf, "9 5 5 0 0");

    /* Sorting: RESTARTS descending, ties in the default order; AGE youngest first. */
    v->sort_col = 9;
    v->sort_desc = true;
    v->ops->sort(v, 9, true);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "db web-v1 web-v2 api coredns");
    v->sort_desc = false;
    v->ops->sort(v, 9, false);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "api coredns web-v1 web-v2 db");
    v->sort_col = 10;
    v->ops->sort(v, 10, false);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "web-v2 web-v1 api db coredns");
    v->ops->rebuild(v, &ctx); /* a rebuild keeps the order */
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "web-v2 web-v1 api db coredns");
    view_free(v);
    del_apps();
}

static void test_apps_scope_and_enter(void **state)
{
    struct view *tv = view_new(registry_find("tenants"));
    struct view *v = view_new(registry_find("apps"));
    struct view *pv = view_new(registry_find("pods"));
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    struct view_target t, t2;
    char buf[512];

    (void)state;
    add_apps();
    /* tenants > dmi > apps */
    tv->ops->rebuild(tv, &ctx);
    assert_true(tv->ops->enter(tv, &ALL, 0, &t));
    assert_string_equal(t.view, "apps");
    assert_ptr_equal(registry_find(t.view), v->ops);
    ctx.scope = &t.scope;
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, 2);
    assert_string_equal(buf, "db web-v1 web-v2");
    /* apps > web (row 2: web-v2) > pods of web in dmi */
    assert_true(v->ops->enter(v, &t.scope, 2, &t2));
    assert_string_equal(t2.view, "pods");
    assert_string_equal(t2.label, "web");
    assert_string_equal(t2.scope.tenant, "dmi");
    assert_string_equal(t2.scope.ns, "dmi");
    assert_string_equal(t2.scope.app, "web");
    assert_false(v->ops->enter(v, &t.scope, 3, &t2));
    ctx.scope = &t2.scope;
    pv->ops->rebuild(pv, &ctx);
    names(pv, buf, sizeof buf, 2);
    assert_string_equal(buf, "web-v1-a web-v1-b web-v2-a");
    /* :apps narrowed by namespace alone */
    {
        struct view_scope ks = {0};

        strcpy(ks.ns, "kube-system");
        ctx.scope = &ks;
        v->ops->rebuild(v, &ctx);
        names(v, buf, sizeof buf, 2);
        assert_string_equal(buf, "coredns");
    }
    view_free(tv);
    view_free(v);
    view_free(pv);
    del_apps();
}

/* `d` through the pods view's request: the pod's events come from the store, matched by the
 * involved object's uid (another pod's event stays out), and the text is kubectl's. */
static void test_pods_describe_with_events(void **state)
{
    struct view *v = view_new(registry_find("pods"));
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    const char *json = "{\"metadata\":{\"name\":\"z\",\"namespace\":\"dmi\",\"uid\":\"dmi/z\"},"
                       "\"status\":{\"phase\":\"Running\"}}";
    struct k8s_event *e = xcalloc(1, sizeof *e);
    struct k8s_event *other = xcalloc(1, sizeof *other);
    struct k8s_event *planted = xcalloc(1, sizeof *planted);
    const char *const dmi_only[] = {"dmi", NULL};
    struct access *dmi = access_new("cust", ACCESS_DEVELOPER, dmi_only, false);
    struct source_request *req;
    char *text, *err = NULL;

    (void)state;
    access_bind(dmi, &S);
    e->row.uid = xstrdup("ev-1");
    e->ns = xstrdup("dmi");
    e->obj_kind = xstrdup("Pod");
    e->obj_name = xstrdup("z");
    e->obj_uid = xstrdup("dmi/z");
    e->reason = xstrdup("BackOff");
    e->message = xstrdup("Back-off restarting failed container");
    e->source = xstrdup("kubelet");
    e->type = K8S_EVENT_WARNING;
    e->count = 5;
    e->first = 10000 - 600;
    e->last = 10000 - 180;
    store_put(store_table(&S, STORE_EVENT), &e->row);
    other->row.uid = xstrdup("ev-2");
    other->ns = xstrdup("dmi");
    other->obj_kind = xstrdup("Pod");
    other->obj_name = xstrdup("a");
    other->obj_uid = xstrdup("dmi/a");
    other->reason = xstrdup("Killing");
    other->count = 1;
    store_put(store_table(&S, STORE_EVENT), &other->row);
    /* written in another tenant's namespace, naming this pod by its uid */
    planted->row.uid = xstrdup("ev-3");
    planted->ns = xstrdup("skat");
    planted->obj_kind = xstrdup("Pod");
    planted->obj_name = xstrdup("z");
    planted->obj_uid = xstrdup("dmi/z");
    planted->reason = xstrdup("Planted");
    planted->message = xstrdup("written by skat");
    planted->count = 1;
    planted->first = planted->last = 10000 - 60;
    store_put(store_table(&S, STORE_EVENT), &planted->row);
    v->ops->rebuild(v, &ctx);
    assert_string_equal(v->ops->row_key(v, 2), "dmi/z");
    req = v->ops->request(v, &ctx, 2, ACT_DESCRIBE, &err);
    assert_non_null(req);
    assert_int_equal(req->detail, SOURCE_DETAIL_TEXT);
    assert_string_equal(req->title, "describe z");
    assert_string_equal(req->tenant, "dmi");
    /* a session of dmi never reads what skat wrote, the operator does */
    text = k8s_describe_request(&S, k8s_request_priv(req), json, strlen(json), 10000, dmi);
    assert_non_null(text);
    assert_null(strstr(text, "Planted"));
    assert_non_null(strstr(text, "BackOff"));
    free(text);
    text = k8s_describe_request(&S, k8s_request_priv(req), json, strlen(json), 10000, ACC);
    assert_non_null(strstr(text, "Planted"));
    free(text);
    text = k8s_describe_request(&S, k8s_request_priv(req), json, strlen(json), 10000, dmi);
    source_request_free(req);
    access_free(dmi);
    assert_non_null(text);
    assert_non_null(strstr(text, "Name:             z\n"));
    assert_non_null(strstr(text, "Status:           Running\n"));
    assert_non_null(strstr(text, "Warning  BackOff  3m (x5 over 10m)  kubelet  Back-off restarting"));
    assert_null(strstr(text, "Killing"));
    free(text);
    view_free(v);
    store_clear(store_table(&S, STORE_EVENT));
    store_commit(&S);
}

/* A session scoped to one tenant sees that tenant's rows only, in every view, count and total,
 * and a namespace assigned by configuration follows its assigned tenant. */
static void test_views_follow_access_scope(void **state)
{
    const char *const dmi_only[] = {"dmi", NULL};
    struct access *acc = access_new("cust", ACCESS_DEVELOPER, dmi_only, false);
    struct view_ctx ctx = {&S, 10000, &ALL, acc, false, NULL, NULL};
    struct view *pods = view_new(registry_find("pods"));
    struct view *apps = view_new(registry_find("apps"));
    struct view *tenants = view_new(registry_find("tenants"));
    char buf[512];

    (void)state;
    access_bind(acc, &S);
    add_apps();
    pods->ops->rebuild(pods, &ctx);
    names(pods, buf, sizeof buf, 2);
    assert_string_equal(buf, "a c db-0 web-v1-a web-v1-b web-v2-a z m");
    apps->ops->rebuild(apps, &ctx);
    names(apps, buf, sizeof buf, 2);
    assert_string_equal(buf, "db web-v1 web-v2");
    tenants->ops->rebuild(tenants, &ctx);
    names(tenants, buf, sizeof buf, 0);
    assert_string_equal(buf, "dmi");
    names(tenants, buf, sizeof buf, 3);
    assert_string_equal(buf, "2"); /* apps: web (two versions) and db */
    names(tenants, buf, sizeof buf, 4);
    assert_string_equal(buf, "6/8"); /* z crashloops, m is pending */

    /* An operator's view of the same store counts skat's app too. */
    ctx.access = ACC;
    tenants->ops->rebuild(tenants, &ctx);
    names(tenants, buf, sizeof buf, 3);
    assert_string_equal(buf, "2 1");

    /* [tenant dmi] namespaces = kube-system: its rows become dmi's. */
    k8s_tenancy_map_namespace(TEN, "kube-system", "dmi");
    ctx.access = acc;
    pods->ops->rebuild(pods, &ctx);
    assert_int_equal(pods->ops->count(pods), 9);
    assert_string_equal(k8s_tenancy_ns_tenant(TEN, "kube-system"), "dmi");
    /* skat's pod is still out of reach, by cursor and by uid. */
    assert_null(access_get(acc, STORE_POD, "skat/b"));
    assert_non_null(access_get(ACC, STORE_POD, "skat/b"));

    view_free(pods);
    view_free(apps);
    view_free(tenants);
    access_free(acc);
    del_apps();
    store_commit(&S);
    /* the mapping was this test's: a fresh tenancy for the next */
    k8s_tenancy_free(TEN);
    TEN = k8s_tenancy_new(&S);
    k8s_tenancy_register(TEN);
}

static void add_metrics(const char *ns, const char *name, int64_t cpu_m, int64_t mem_b)
{
    struct k8s_metrics *m = k8s_metrics_new(ns, name, NULL, NULL);

    m->cpu_m = cpu_m;
    m->mem_b = mem_b;
    store_put(store_table(&S, STORE_POD_METRICS), &m->row);
}

/* A quota of `ns`: its limits and what it counts as requested (-1: not set). */
static void add_quota(const char *ns, int64_t cpu_hard, int64_t cpu_req, int64_t mem_hard,
                      int64_t mem_req)
{
    struct k8s_quota *q = xcalloc(1, sizeof *q);

    q->row.uid = xasprintf("quota-%s", ns);
    q->ns = xstrdup(ns);
    q->name = xstrdup("compute");
    q->cpu_hard = cpu_hard;
    q->mem_hard = mem_hard;
    q->cpu_key = cpu_hard >= 0 ? "requests.cpu" : NULL;
    q->mem_key = mem_hard >= 0 ? "requests.memory" : NULL;
    q->cpu_used = cpu_req;
    q->mem_used = mem_req;
    q->pods_hard = q->pods_used = -1;
    store_put(store_table(&S, STORE_QUOTA), &q->row);
}

/* The cell of the row whose NAME cell is `name`, and its tone. */
static enum view_tone cell_of(const struct view *v, const char *name, const char *col,
                              char *out, size_t size)
{
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    int name_col = column(v, "NAME"), c = column(v, col);

    for (size_t i = 0; i < v->ops->count(v); i++) {
        char cell[128];

        v->ops->cell(v, &ctx, i, (size_t)name_col, cell, sizeof cell);
        if (strcmp(cell, name) == 0) {
            return v->ops->cell(v, &ctx, i, (size_t)c, out, size);
        }
    }
    fail_msg("no row %s in %s", name, v->ops->name);
    return TONE_NORMAL;
}

/* CPU and memory: "n/a" with no metrics at all; a pod's usage by its ns/name; "-" for a pod
 * without a sample once others have one; per tenant, the quotas' requests against their limits
 * summed (as kubectl get quota pairs them) and the usage beside them, cores and GiB with one
 * decimal, warning at 80 % of the limit and critical at 95 %; a metrics poll alone refreshes
 * the rows. */
static void test_usage_columns(void **state)
{
    struct view *pods = view_new(registry_find("pods"));
    struct view *tenants = view_new(registry_find("tenants"));
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    char buf[256];
    int cpu;

    (void)state;
    pods->ops->rebuild(pods, &ctx);
    tenants->ops->rebuild(tenants, &ctx);
    assert_int_equal(cell_of(pods, "a", "CPU", buf, sizeof buf), TONE_DIM);
    assert_string_equal(buf, "n/a");
    cell_of(pods, "a", "MEM", buf, sizeof buf);
    assert_string_equal(buf, "n/a");
    assert_int_equal(cell_of(tenants, "dmi", "CPU QUOTA", buf, sizeof buf), TONE_DIM);
    assert_string_equal(buf, "-");
    assert_int_equal(cell_of(tenants, "dmi", "CPU USED", buf, sizeof buf), TONE_DIM);
    assert_string_equal(buf, "n/a");

    add_quota("dmi", 2000, 1200, (int64_t)4 << 30, (int64_t)3 << 30);
    add_quota("dmi-sandbox", 500, 300, -1, -1);
    add_metrics("dmi", "a", 250, (int64_t)128 << 20);
    add_metrics("dmi", "c", 1250, (int64_t)1 << 30);
    add_metrics("skat", "b", 100, (int64_t)64 << 20);
    store_commit(&S);
    assert_true(pods->ops->stale(pods, &ctx));
    assert_true(tenants->ops->stale(tenants, &ctx));
    pods->ops->rebuild(pods, &ctx);
    tenants->ops->rebuild(tenants, &ctx);
    assert_int_equal(cell_of(pods, "a", "CPU", buf, sizeof buf), TONE_NORMAL);
    assert_string_equal(buf, "250m");
    cell_of(pods, "a", "MEM", buf, sizeof buf);
    assert_string_equal(buf, "128Mi");
    cell_of(pods, "c", "CPU", buf, sizeof buf);
    assert_string_equal(buf, "1.3");
    assert_int_equal(cell_of(pods, "m", "CPU", buf, sizeof buf), TONE_DIM);
    assert_string_equal(buf, "-");
    /* dmi: requests 1500m of 2500m (60 %), 3Gi of 4Gi (75 %); used 1500m and 1152Mi */
    assert_int_equal(cell_of(tenants, "dmi", "CPU QUOTA", buf, sizeof buf), TONE_NORMAL);
    assert_string_equal(buf, "1.5/2.5");
    assert_int_equal(cell_of(tenants, "dmi", "GiB QUOTA", buf, sizeof buf), TONE_NORMAL);
    assert_string_equal(buf, "3.0/4.0");
    assert_int_equal(cell_of(tenants, "dmi", "CPU USED", buf, sizeof buf), TONE_NORMAL);
    assert_string_equal(buf, "1.5");
    cell_of(tenants, "dmi", "GiB USED", buf, sizeof buf);
    assert_string_equal(buf, "1.1");
    /* skat: usage, no quota */
    assert_int_equal(cell_of(tenants, "skat", "CPU QUOTA", buf, sizeof buf), TONE_DIM);
    assert_string_equal(buf, "-");
    assert_int_equal(cell_of(tenants, "skat", "CPU USED", buf, sizeof buf), TONE_NORMAL);
    assert_string_equal(buf, "0.1");

    /* A poll that moves usage alone: dmi's use at 84 % of its limit warns, then at 96 % is
     * critical; its requests have not moved. */
    add_metrics("dmi", "c", 1850, (int64_t)1 << 30);
    store_commit(&S);
    assert_true(pods->ops->stale(pods, &ctx));
    pods->ops->rebuild(pods, &ctx);
    tenants->ops->rebuild(tenants, &ctx);
    cell_of(pods, "c", "CPU", buf, sizeof buf);
    assert_string_equal(buf, "1.9");
    assert_int_equal(cell_of(tenants, "dmi", "CPU USED", buf, sizeof buf), TONE_WARN);
    add_metrics("dmi", "c", 2150, (int64_t)1 << 30);
    store_commit(&S);
    tenants->ops->rebuild(tenants, &ctx);
    assert_int_equal(cell_of(tenants, "dmi", "CPU USED", buf, sizeof buf), TONE_CRIT);
    assert_int_equal(cell_of(tenants, "dmi", "CPU QUOTA", buf, sizeof buf), TONE_NORMAL);
    /* Requests near the limit: 2100m of 2500m warns, 2400m is critical. */
    add_quota("dmi", 2000, 1800, (int64_t)4 << 30, (int64_t)3 << 30);
    store_commit(&S);
    tenants->ops->rebuild(tenants, &ctx);
    assert_int_equal(cell_of(tenants, "dmi", "CPU QUOTA", buf, sizeof buf), TONE_WARN);
    add_quota("dmi", 2000, 2100, (int64_t)4 << 30, (int64_t)3 << 30);
    store_commit(&S);
    tenants->ops->rebuild(tenants, &ctx);
    assert_int_equal(cell_of(tenants, "dmi", "CPU QUOTA", buf, sizeof buf), TONE_CRIT);
    assert_string_equal(buf, "2.4/2.5");

    /* Sorting by CPU: numeric, descending puts pods without a sample last; a poll re-sorts. */
    cpu = column(pods, "CPU");
    pods->sort_col = cpu;
    pods->sort_desc = true;
    pods->ops->sort(pods, (size_t)cpu, true);
    names(pods, buf, sizeof buf, (size_t)column(pods, "NAME"));
    assert_string_equal(buf, "c a b z m coredns");
    add_metrics("dmi", "z", 5000, (int64_t)1 << 20);
    store_commit(&S);
    pods->ops->rebuild(pods, &ctx);
    names(pods, buf, sizeof buf, (size_t)column(pods, "NAME"));
    assert_string_equal(buf, "z c a b m coredns");

    /* A tenant-scoped session sums only its own tenant's rows. */
    {
        const char *only[] = {"skat", NULL};
        struct access *acc = access_new("cust", ACCESS_VIEWER, only, false);
        struct view_ctx sctx = {&S, 10000, &ALL, acc, false, NULL, NULL};

        access_bind(acc, &S);
        tenants->ops->rebuild(tenants, &sctx);
        assert_int_equal(tenants->ops->count(tenants), 1);
        tenants->ops->cell(tenants, &sctx, 0, (size_t)column(tenants, "CPU USED"), buf,
                           sizeof buf);
        assert_string_equal(buf, "0.1");
        access_free(acc);
    }

    view_free(pods);
    view_free(tenants);
    store_clear(store_table(&S, STORE_POD_METRICS));
    store_clear(store_table(&S, STORE_QUOTA));
    store_commit(&S);
}

/* d and y on a tenant: its namespaces with status, labels and quotas, from the rows the
 * session sees; the JSON document holds the same. A scoped session describes only its own. */
static void test_tenant_describe(void **state)
{
    struct view *v = view_new(registry_find("tenants"));
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    struct k8s_namespace *ns = (struct k8s_namespace *)store_get(
        store_table(&S, STORE_NAMESPACE), "ns-dmi");
    char *text, *err = NULL;
    json_t *doc;

    (void)state;
    assert_non_null(ns);
    free(ns->labels);
    ns->labels = xstrdup("govcloud.sit.dk/tenant=dmi,team=weather");
    add_quota("dmi", 2000, 1500, (int64_t)4 << 30, (int64_t)1 << 30);
    store_commit(&S);
    v->ops->rebuild(v, &ctx);
    assert_true(keymap_view_has(v->ops, ACT_DESCRIBE));
    text = v->ops->describe(v, &ctx, 0, false, &err);
    assert_non_null(text);
    assert_non_null(strstr(text, "Name:          dmi\n"));
    assert_non_null(strstr(text, "Namespaces:    2\n"));
    assert_non_null(strstr(text, "\nNamespace dmi\n"));
    assert_non_null(strstr(text, "\nNamespace dmi-sandbox\n"));
    assert_non_null(strstr(text, "  Labels:  govcloud.sit.dk/tenant=dmi\n           team=weather\n"));
    assert_non_null(strstr(text, "      requests.cpu     1.5      2\n"));
    assert_non_null(strstr(text, "      requests.memory  1Gi      4Gi\n"));
    assert_null(strstr(text, "skat"));
    free(text);

    text = v->ops->describe(v, &ctx, 0, true, &err);
    doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "tenant")), "dmi");
    assert_int_equal(json_array_size(json_object_get(doc, "namespaces")), 2);
    {
        json_t *ns0 = json_array_get(json_object_get(doc, "namespaces"), 0);
        json_t *q0 = json_array_get(json_object_get(doc, "resourceQuotas"), 0);

        assert_string_equal(json_string_value(json_object_get(json_object_get(ns0, "labels"),
                                                              "team")),
                            "weather");
        assert_string_equal(json_string_value(json_object_get(json_object_get(q0, "hard"),
                                                              "requests.cpu")),
                            "2");
    }
    json_decref(doc);
    free(text);
    assert_null(v->ops->describe(v, &ctx, 99, false, &err));
    assert_non_null(err);
    free(err);

    {
        const char *only[] = {"skat", NULL};
        struct access *acc = access_new("cust", ACCESS_VIEWER, only, false);
        struct view_ctx sctx = {&S, 10000, &ALL, acc, false, NULL, NULL};

        access_bind(acc, &S);
        v->ops->rebuild(v, &sctx);
        assert_int_equal(v->ops->count(v), 1);
        text = v->ops->describe(v, &sctx, 0, false, &err);
        assert_non_null(strstr(text, "Name:          skat\n"));
        assert_null(strstr(text, "dmi"));
        free(text);
        access_free(acc);
    }
    view_free(v);
    store_clear(store_table(&S, STORE_QUOTA));
    store_commit(&S);
}

static void add_rs(const char *name, const char *owner, const char *version, int64_t revision,
                   int replicas, int64_t created)
{
    struct k8s_replicaset *r = xcalloc(1, sizeof *r);

    r->row.uid = xasprintf("rs-%s", name);
    r->ns = xstrdup("dmi");
    r->name = xstrdup(name);
    r->owner_uid = xasprintf("wl-dmi/%s", owner);
    r->app = xstrdup(owner);
    r->version = xstrdup(version);
    r->revision = revision;
    r->desired = r->current = r->ready = r->available = replicas;
    r->created = created;
    store_put(store_table(&S, STORE_REPLICASET), &r->row);
}

/* A rollout seen through the ReplicaSets: while old ones have pods, VERSION is "old→new" (the
 * newest old one's version; "->" without UTF-8) and ROLLOUT says how far (new pods, then old
 * ones left); a ReplicaSet change alone makes the view stale; a restart keeps one version; the
 * split of web's two Deployments still warns; afterwards the plain cells return. Sorting by
 * VERSION and the default order hold, and `d` lists the Deployment's ReplicaSets only. */
static void test_apps_rollout_replicasets(void **state)
{
    static const struct wl_spec shop_mid = {K8S_WORKLOAD_DEPLOYMENT, "dmi", "shop", "shop", "1.5",
                                            "1.5", 4, 1, K8S_ROLLOUT_PROGRESSING, NULL, 800};
    static const struct wl_spec shop_late = {K8S_WORKLOAD_DEPLOYMENT, "dmi", "shop", "shop", "1.5",
                                             "1.5", 4, 4, K8S_ROLLOUT_PROGRESSING, NULL, 800};
    static const struct wl_spec shop_done = {K8S_WORKLOAD_DEPLOYMENT, "dmi", "shop", "shop", "1.5",
                                             "1.5", 4, 4, K8S_ROLLOUT_COMPLETE, NULL, 800};
    const char *json = "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"shop\","
                       "\"namespace\":\"dmi\",\"uid\":\"wl-dmi/shop\",\"annotations\":"
                       "{\"deployment.kubernetes.io/revision\":\"3\"}}}";
    struct view *v = view_new(registry_find("apps"));
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    char buf[256], *text, *err = NULL;
    struct source_request *req;
    int version, name;
    size_t row;

    (void)state;
    assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
    add_apps();
    add_workload(&shop_mid);
    add_rs("web-v1-aaa", "web-v1", "1.0", 1, 3, 500); /* web-v1: one revision only */
    store_commit(&S);
    v->ops->rebuild(v, &ctx);
    assert_int_equal(cell_of(v, "shop", "VERSION", buf, sizeof buf), TONE_NORMAL);
    assert_string_equal(buf, "1.5");
    cell_of(v, "shop", "ROLLOUT", buf, sizeof buf);
    assert_string_equal(buf, "progressing");

    /* mid-rollout: the new revision has 1 pod, the previous 3, the one before none */
    add_rs("shop-new", "shop", "1.5", 3, 1, 9990);
    add_rs("shop-prev", "shop", "1.4", 2, 3, 5000);
    add_rs("shop-first", "shop", "1.3", 1, 0, 1000);
    store_commit(&S);
    assert_true(v->ops->stale(v, &ctx));
    v->ops->rebuild(v, &ctx);
    assert_false(v->ops->stale(v, &ctx));
    names(v, buf, sizeof buf, (size_t)column(v, "NAME"));
    assert_string_equal(buf, "db shop web-v1 web-v2 api coredns");
    assert_int_equal(cell_of(v, "shop", "VERSION", buf, sizeof buf), TONE_PENDING);
    assert_string_equal(buf, "1.4\xe2\x86\x92" "1.5");
    assert_int_equal(cell_of(v, "shop", "ROLLOUT", buf, sizeof buf), TONE_PENDING);
    assert_string_equal(buf, "progressing 1/4");
    /* no wider than the column starts: the rollout does not move the columns after it */
    assert_true((int)strlen("progressing 10/12") <= v->ops->columns[column(v, "ROLLOUT")].min_width);
    assert_int_equal(cell_of(v, "web-v1", "VERSION", buf, sizeof buf), TONE_WARN);
    assert_string_equal(buf, "1.0");
    cell_of(v, "web-v1", "ROLLOUT", buf, sizeof buf);
    assert_string_equal(buf, "complete");
    assert_non_null(setlocale(LC_CTYPE, "C"));
    cell_of(v, "shop", "VERSION", buf, sizeof buf);
    assert_string_equal(buf, "1.4->1.5");
    assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));

    /* two old revisions with pods: the newest old one's version; web-v2 rolls out from 1.9
     * and still warns (web-v1 runs 1.0 next to it) */
    add_rs("shop-first", "shop", "1.3", 1, 1, 1000);
    add_rs("web-v2-new", "web-v2", "2.0", 5, 1, 9000);
    add_rs("web-v2-old", "web-v2", "1.9", 4, 1, 8000);
    store_commit(&S);
    assert_true(v->ops->stale(v, &ctx));
    v->ops->rebuild(v, &ctx);
    cell_of(v, "shop", "VERSION", buf, sizeof buf);
    assert_string_equal(buf, "1.4\xe2\x86\x92" "1.5");
    assert_int_equal(cell_of(v, "web-v2", "VERSION", buf, sizeof buf), TONE_WARN);
    assert_string_equal(buf, "1.9\xe2\x86\x92" "2.0");
    cell_of(v, "web-v2", "ROLLOUT", buf, sizeof buf);
    assert_string_equal(buf, "progressing 1/2");
    /* the same with the two old ones' revisions swapped: still the newest old one's */
    add_rs("shop-first", "shop", "1.4", 2, 1, 1000);
    add_rs("shop-prev", "shop", "1.3", 1, 3, 5000);
    store_commit(&S);
    v->ops->rebuild(v, &ctx);
    cell_of(v, "shop", "VERSION", buf, sizeof buf);
    assert_string_equal(buf, "1.4\xe2\x86\x92" "1.5");
    add_rs("shop-first", "shop", "1.3", 1, 1, 1000);
    add_rs("shop-prev", "shop", "1.4", 2, 3, 5000);
    store_commit(&S);
    v->ops->rebuild(v, &ctx);

    /* sorting by VERSION: versions ascending, those without one last, ties in default order */
    version = column(v, "VERSION");
    name = column(v, "NAME");
    v->sort_col = version;
    v->sort_desc = false;
    v->ops->sort(v, (size_t)version, false);
    names(v, buf, sizeof buf, (size_t)name);
    assert_string_equal(buf, "web-v1 shop web-v2 api db coredns");
    v->sort_col = -1;
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, (size_t)name);
    assert_string_equal(buf, "db shop web-v1 web-v2 api coredns");

    /* `d` on shop: its three ReplicaSets, not web-v1's or web-v2's */
    for (row = 0; row < v->ops->count(v); row++) {
        v->ops->cell(v, &ctx, row, (size_t)name, buf, sizeof buf);
        if (strcmp(buf, "shop") == 0) {
            break;
        }
    }
    req = v->ops->request(v, &ctx, row, ACT_DESCRIBE, &err);
    assert_non_null(req);
    text = k8s_describe_request(&S, k8s_request_priv(req), json, strlen(json), 10000, ACC);
    source_request_free(req);
    assert_non_null(text);
    assert_non_null(strstr(text, "\nOldReplicaSets:  shop-first (1/1 replicas created), "
                                 "shop-prev (3/3 replicas created)\n"
                                 "NewReplicaSet:   shop-new (1/1 replicas created)\n"));
    assert_null(strstr(text, "web-"));
    free(text);

    /* every new pod up, one old left */
    add_workload(&shop_late);
    add_rs("shop-new", "shop", "1.5", 3, 4, 9990);
    add_rs("shop-prev", "shop", "1.4", 2, 1, 5000);
    add_rs("shop-first", "shop", "1.3", 1, 0, 1000);
    store_commit(&S);
    v->ops->rebuild(v, &ctx);
    cell_of(v, "shop", "VERSION", buf, sizeof buf);
    assert_string_equal(buf, "1.4\xe2\x86\x92" "1.5");
    assert_int_equal(cell_of(v, "shop", "ROLLOUT", buf, sizeof buf), TONE_PENDING);
    assert_string_equal(buf, "progressing 1 old");

    /* done: the old ones at 0, plain cells again */
    add_workload(&shop_done);
    add_rs("shop-prev", "shop", "1.4", 2, 0, 5000);
    store_commit(&S);
    v->ops->rebuild(v, &ctx);
    assert_int_equal(cell_of(v, "shop", "VERSION", buf, sizeof buf), TONE_NORMAL);
    assert_string_equal(buf, "1.5");
    assert_int_equal(cell_of(v, "shop", "ROLLOUT", buf, sizeof buf), TONE_OK);
    assert_string_equal(buf, "complete");

    /* a rollout restart: old pods of the same version, one version shown */
    add_workload(&shop_mid);
    add_rs("shop-restart", "shop", "1.5", 4, 1, 9999);
    add_rs("shop-new", "shop", "1.5", 3, 3, 9990);
    store_commit(&S);
    v->ops->rebuild(v, &ctx);
    assert_int_equal(cell_of(v, "shop", "VERSION", buf, sizeof buf), TONE_NORMAL);
    assert_string_equal(buf, "1.5");
    cell_of(v, "shop", "ROLLOUT", buf, sizeof buf);
    assert_string_equal(buf, "progressing 1/4");
    /* no wider than the column starts: the rollout does not move the columns after it */
    assert_true((int)strlen("progressing 10/12") <= v->ops->columns[column(v, "ROLLOUT")].min_width);

    assert_non_null(setlocale(LC_CTYPE, "C"));
    view_free(v);
    assert_true(store_del(store_table(&S, STORE_DEPLOYMENT), "wl-dmi/shop"));
    store_clear(store_table(&S, STORE_REPLICASET));
    del_apps();
}

/* The cells of every row of `v` (NAME STATUS CPU), joined: a view's whole visible state. */
static void rows_text(const struct view *v, char *out, size_t size)
{
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    int cols[3] = {column(v, "NAME"), column(v, "STATUS"), column(v, "CPU")};
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < v->ops->count(v) && o < size; i++) {
        for (size_t c = 0; c < 3 && o < size; c++) {
            char cell[128];

            v->ops->cell(v, &ctx, i, (size_t)cols[c], cell, sizeof cell);
            o += (size_t)snprintf(out + o, size - o, "%s%s", o ? " " : "", cell);
        }
    }
}

/* Both views sorted by a column, descending. */
static void sort_both(struct view *inc, struct view *full, const char *col)
{
    inc->sort_col = full->sort_col = column(inc, col);
    inc->sort_desc = full->sort_desc = true;
    inc->ops->sort(inc, (size_t)inc->sort_col, true);
    full->ops->sort(full, (size_t)full->sort_col, true);
}

/* `inc` caught up incrementally, `full` rebuilt from scratch: the same rows (into a and b). */
static void rebuild_both(struct view *inc, struct view *full, char *a, char *b, size_t size)
{
    struct view_ctx alive = {&S, 10000, &ALL, ACC, true, NULL, NULL};
    struct view_ctx fresh = {&S, 10000, &ALL, ACC, false, NULL, NULL};

    inc->ops->rebuild(inc, &alive);
    full->ops->rebuild(full, &fresh);
    rows_text(inc, a, size);
    rows_text(full, b, size);
    assert_string_equal(a, b);
}

/* Churn caught up incrementally (rows_alive) gives the same rows, in the same order, as a
 * rebuild from scratch: pods replaced, added before, between and after the kept ones, deleted,
 * with a metrics poll at the same time; and a sorted view still rebuilds right. */
static void test_pods_incremental_equals_full(void **state)
{
    struct view *inc = view_new(registry_find("pods"));
    struct view *full;
    struct view_ctx alive = {&S, 10000, &ALL, ACC, true, NULL, NULL};
    struct view_ctx fresh = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    static char a[16384], b[16384];
    char pname[16];
    static const char *const added[] = {"dmi/0-first", "dmi/b2", "dmi/zz", "skat/a0",
                                        "dmi-sandbox/n", "kube-system/zz"};

    (void)state;
    /* Enough rows that a few changes are looked up rather than found by a pass over all. */
    for (int i = 0; i < 200; i++) {
        snprintf(pname, sizeof pname, "p%03d", i);
        add_pod("skat", pname, "Running", i % 3, 1000 + i);
    }
    inc->ops->rebuild(inc, &fresh);
    add_pod("dmi", "c", "CrashLoopBackOff", 3, 200); /* replaces dmi/c */
    add_pod("skat", "p100", "Pending", 0, 5000);     /* replaces one of many */
    assert_true(store_del(store_table(&S, STORE_POD), "skat/p150"));
    add_pod("dmi", "0-first", "Running", 0, 10);
    add_pod("dmi", "b2", "Pending", 0, 20);
    add_pod("dmi", "zz", "Running", 1, 30);
    add_pod("skat", "a0", "Running", 0, 40);
    add_pod("dmi-sandbox", "n", "Running", 0, 50);
    add_pod("kube-system", "zz", "Running", 0, 60);
    assert_true(store_del(store_table(&S, STORE_POD), "dmi/z"));
    add_metrics("dmi", "b2", 100, 1 << 20);
    assert_true(inc->ops->stale(inc, &alive));
    inc->ops->rebuild(inc, &alive); /* no store_commit() since its last rebuild */
    full = view_new(registry_find("pods"));
    full->ops->rebuild(full, &fresh);
    rows_text(inc, a, sizeof a);
    rows_text(full, b, sizeof b);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "c CrashLoopBackOff"));
    assert_null(strstr(a, " z "));
    assert_non_null(strstr(a, "b2 Pending 100m"));
    assert_non_null(strstr(a, "p100 Pending"));
    assert_null(strstr(a, "p150 "));
    assert_int_equal(inc->ops->count(inc), full->ops->count(full));
    assert_false(inc->ops->stale(inc, &alive));
    store_commit(&S);

    /* Sorted by RESTARTS: merged into the default order and sorted again, the same. */
    sort_both(inc, full, "RESTARTS");
    add_pod("dmi", "a", "Running", 50, 300); /* replaces dmi/a, now the most restarted */
    rebuild_both(inc, full, a, b, sizeof a);
    assert_int_equal(strncmp(a, "a Running", 9), 0);
    store_commit(&S);

    /* Sorted by NAME, descending, with pods added and deleted: the same again. */
    sort_both(inc, full, "NAME");
    add_pod("skat", "p0995", "Running", 0, 70);
    add_pod("dmi", "zzz", "Running", 0, 80);
    assert_true(store_del(store_table(&S, STORE_POD), "skat/p099"));
    rebuild_both(inc, full, a, b, sizeof a);
    assert_int_equal(strncmp(a, "zzz ", 4), 0);
    assert_non_null(strstr(a, "p100 Pending - p0995 Running - p098 Running -"));
    add_pod("skat", "p099", "Running", 99 % 3, 1000 + 99);
    assert_true(store_del(store_table(&S, STORE_POD), "skat/p0995"));
    assert_true(store_del(store_table(&S, STORE_POD), "dmi/zzz"));
    store_commit(&S);

    view_free(inc);
    view_free(full);
    for (int i = 0; i < 200; i++) {
        char *uid = xasprintf("skat/p%03d", i);

        assert_true(i == 150 || store_del(store_table(&S, STORE_POD), uid));
        free(uid);
    }
    for (size_t i = 0; i < sizeof added / sizeof added[0]; i++) {
        assert_true(store_del(store_table(&S, STORE_POD), added[i]));
    }
    add_pod("dmi", "z", "CrashLoopBackOff", 2, 100);
    add_pod("dmi", "c", "Running", 2, 200);
    add_pod("dmi", "a", "Running", 10, 300);
    store_clear(store_table(&S, STORE_POD_METRICS));
    store_commit(&S);
}

/* Change requests: no tenant of their own here (the operator sees them all). */
static const char *change_tenant(void *ctx, enum store_kind kind, const struct store_row *row)
{
    (void)ctx;
    (void)kind;
    (void)row;
    return NULL;
}

static uint64_t change_gen(void *ctx)
{
    (void)ctx;
    return 0;
}

static const struct store_tenancy change_tenancy = {.row_tenant = change_tenant,
                                                    .gen = change_gen};

static void add_change(const char *number, const char *ci, int state)
{
    struct sn_change *c = xcalloc(1, sizeof *c);

    c->row.uid = xstrdup(number);
    c->number = xstrdup(number);
    c->cmdb_ci = xstrdup(ci);
    c->has_state = true;
    c->state = state;
    store_put(store_table(&S, STORE_CHANGE), &c->row);
}

/* A pod of an app whose CI (TENANT-APP) has a change in progress is marked with its number,
 * as :apps marks the app; another tenant's pod of an app of that name, a pod of another app
 * and a change not in progress are not. The mark follows the changes while the view stays
 * open (the incremental rebuild), and a full rebuild agrees. */
static void test_pods_change_mark(void **state)
{
    struct view *v = view_new(registry_find("pods"));
    struct view *full;
    struct view_ctx alive = {&S, 10000, &ALL, ACC, true, NULL, NULL};
    struct view_ctx fresh = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    static char a[4096], b[4096];

    (void)state;
    store_register(&S, STORE_CHANGE, sn_change_free, &change_tenancy);
    add_app_pod("dmi", "web-1", "web", "1.0", 0);
    add_app_pod("skat", "web-2", "web", "1.0", 0); /* skat-web: not dmi-web */
    add_app_pod("dmi", "api-1", "api", "1.0", 0);
    add_change("CHG1", "dmi-web", SN_CHANGE_IMPLEMENT);
    add_change("CHG2", "dmi-api", 3); /* closed */
    store_commit(&S);
    v->ops->rebuild(v, &fresh);
    names(v, a, sizeof a, (size_t)column(v, "NAME"));
    assert_non_null(strstr(a, "web-1 [CHG1 in progress]"));
    assert_null(strstr(a, "web-2 ["));
    assert_null(strstr(a, "api-1 ["));

    /* CHG2 starts, CHG1 ends: the open view follows. */
    add_change("CHG2", "dmi-api", SN_CHANGE_IMPLEMENT);
    add_change("CHG1", "dmi-web", 0);
    assert_true(v->ops->stale(v, &alive));
    v->ops->rebuild(v, &alive);
    names(v, a, sizeof a, (size_t)column(v, "NAME"));
    assert_non_null(strstr(a, "api-1 [CHG2 in progress]"));
    assert_null(strstr(a, "web-1 ["));
    full = view_new(registry_find("pods"));
    full->ops->rebuild(full, &fresh);
    names(full, b, sizeof b, (size_t)column(full, "NAME"));
    assert_string_equal(a, b);
    store_commit(&S);

    view_free(v);
    view_free(full);
    store_clear(store_table(&S, STORE_CHANGE));
    assert_true(store_del(store_table(&S, STORE_POD), "dmi/web-1"));
    assert_true(store_del(store_table(&S, STORE_POD), "skat/web-2"));
    assert_true(store_del(store_table(&S, STORE_POD), "dmi/api-1"));
    store_commit(&S);
}

/* A pod of this namespace and name under another uid (a relist's new one beside the old). */
static void add_twin(const char *uid, const char *ns, const char *name)
{
    struct k8s_pod *p = k8s_pod_new(
        &(struct k8s_pod_text){.uid = uid, .ns = ns, .name = name, .status = "Running"});

    store_put(store_table(&S, STORE_POD), &p->row);
}

/* Two pods with the same namespace and name, either of them gone: the incremental view drops
 * that one, whichever place the sort gave it. */
static void test_pods_twins_dropped(void **state)
{
    static const char *const twins[] = {"twin-1", "twin-2"};
    struct view_ctx fresh = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    static char a[16384], b[16384];

    (void)state;
    /* Enough rows that the gone one is looked up, not found by a pass over all. */
    for (int i = 0; i < 40; i++) {
        char name[16];

        snprintf(name, sizeof name, "f%02d", i);
        add_pod("skat", name, "Running", 0, 100);
    }
    for (size_t gone = 0; gone < 2; gone++) {
        struct view *inc = view_new(registry_find("pods"));
        struct view *full = view_new(registry_find("pods"));

        add_twin(twins[0], "dmi", "twin");
        add_twin(twins[1], "dmi", "twin");
        store_commit(&S);
        inc->ops->rebuild(inc, &fresh);
        assert_true(store_del(store_table(&S, STORE_POD), twins[gone]));
        rebuild_both(inc, full, a, b, sizeof a);
        assert_non_null(strstr(a, "twin "));
        assert_null(strstr(strstr(a, "twin ") + 1, "twin "));
        assert_true(store_del(store_table(&S, STORE_POD), twins[1 - gone]));
        store_commit(&S);
        view_free(inc);
        view_free(full);
    }
    for (int i = 0; i < 40; i++) {
        char *uid = xasprintf("skat/f%02d", i);

        assert_true(store_del(store_table(&S, STORE_POD), uid));
        free(uid);
    }
    store_commit(&S);
}

/* Sorting on numeric keys reads strings only past their first eight bytes: names that share
 * a long prefix, short ones, and NULLs (no node) still sort as strcmp() and kubectl do. */
static void test_pods_sort_long_prefixes(void **state)
{
    static const char *const pods[] = {"forecast-api-b", "forecast-api-a", "forecast",
                                        "forecast-api", "fore", "forecast-api-aa"};
    struct view *v = view_new(registry_find("pods"));
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    int name = column(v, "NAME"), node = column(v, "NODE");
    char buf[512];

    (void)state;
    for (size_t i = 0; i < sizeof pods / sizeof pods[0]; i++) {
        add_pod("skat", pods[i], "Running", 0, 100);
    }
    v->ops->rebuild(v, &ctx);
    v->sort_col = name;
    v->sort_desc = false;
    v->ops->sort(v, (size_t)name, false);
    names(v, buf, sizeof buf, (size_t)name);
    assert_string_equal(buf, "a b c coredns fore forecast forecast-api forecast-api-a "
                             "forecast-api-aa forecast-api-b m z");
    v->sort_desc = true;
    v->ops->sort(v, (size_t)name, true);
    names(v, buf, sizeof buf, (size_t)name);
    assert_string_equal(buf, "z m forecast-api-b forecast-api-aa forecast-api-a forecast-api "
                             "forecast fore coredns c b a");
    /* NODE: every pod here has none (<none>): all tie, so the default order stays. */
    v->sort_col = node;
    v->sort_desc = false;
    v->ops->sort(v, (size_t)node, false);
    names(v, buf, sizeof buf, (size_t)name);
    assert_string_equal(buf, "a c z m b fore forecast forecast-api forecast-api-a "
                             "forecast-api-aa forecast-api-b coredns");
    view_free(v);
    for (size_t i = 0; i < sizeof pods / sizeof pods[0]; i++) {
        char *uid = xasprintf("skat/%s", pods[i]);

        assert_true(store_del(store_table(&S, STORE_POD), uid));
        free(uid);
    }
    store_commit(&S);
}

/* Sorts `v` by column `col` (as Shift+letter does) and writes column `show`'s cells in the
 * new order into buf. */
static const char *sorted_by(struct view *v, const char *col, bool desc, const char *show,
                             char *buf, size_t size)
{
    v->sort_col = column(v, col);
    v->sort_desc = desc;
    v->ops->sort(v, (size_t)v->sort_col, desc);
    names(v, buf, size, (size_t)column(v, show));
    return buf;
}

/* The namespaces view: every namespace by name with its tenant ("-" for none), phase and pod
 * count; PODS sorts as a number; a tenant's session and :ns dmi see dmi's namespaces only,
 * where TENANT says nothing; Enter shows the namespace's apps. */
static void test_namespaces_view(void **state)
{
    const char *const dmi_only[] = {"dmi", NULL};
    struct access *acc = access_new("cust", ACCESS_DEVELOPER, dmi_only, false);
    struct view *v = view_new(registry_find("ns"));
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    struct view_scope dmi = {.tenant = "dmi"};
    struct view_target t;
    char buf[512];

    (void)state;
    access_bind(acc, &S);
    assert_ptr_equal(registry_find("namespaces"), v->ops);
    assert_true(v->ops->stale(v, &ctx));
    v->ops->rebuild(v, &ctx);
    assert_false(v->ops->stale(v, &ctx));
    names(v, buf, sizeof buf, (size_t)column(v, "NAME"));
    assert_string_equal(buf, "dmi dmi-sandbox kube-system skat");
    names(v, buf, sizeof buf, (size_t)column(v, "TENANT"));
    assert_string_equal(buf, "dmi dmi - skat");
    names(v, buf, sizeof buf, (size_t)column(v, "PODS"));
    assert_string_equal(buf, "3 1 1 1");
    assert_false(v->ops->redundant(v, (size_t)column(v, "TENANT")));

    for (int i = 0; i < 9; i++) { /* skat: 10 pods, more than dmi's 3 as a number */
        char name[16];

        snprintf(name, sizeof name, "p%d", i);
        add_pod("skat", name, "Running", 0, 100);
    }
    assert_true(v->ops->stale(v, &ctx));
    v->ops->rebuild(v, &ctx);
    assert_string_equal(sorted_by(v, "PODS", true, "NAME", buf, sizeof buf),
                        "skat dmi dmi-sandbox kube-system"); /* ties by name */
    names(v, buf, sizeof buf, (size_t)column(v, "PODS"));
    assert_string_equal(buf, "10 3 1 1");
    assert_string_equal(sorted_by(v, "PODS", false, "PODS", buf, sizeof buf), "1 1 3 10");
    v->sort_col = -1;
    for (int i = 0; i < 9; i++) {
        char uid[24];

        snprintf(uid, sizeof uid, "skat/p%d", i);
        assert_true(store_del(store_table(&S, STORE_POD), uid));
    }
    store_commit(&S);

    ctx.access = acc; /* a dmi session */
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, (size_t)column(v, "NAME"));
    assert_string_equal(buf, "dmi dmi-sandbox");
    assert_true(v->ops->redundant(v, (size_t)column(v, "TENANT")));
    ctx.access = ACC;
    ctx.scope = &dmi; /* :ns dmi */
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, (size_t)column(v, "NAME"));
    assert_string_equal(buf, "dmi dmi-sandbox");

    assert_true(v->ops->enter(v, &dmi, 1, &t));
    assert_string_equal(t.view, "apps");
    assert_string_equal(t.scope.ns, "dmi-sandbox");
    assert_string_equal(t.scope.tenant, "dmi");
    assert_string_equal(t.label, "dmi-sandbox");
    assert_false(v->ops->enter(v, &dmi, 2, &t));
    view_free(v);
    access_free(acc);
}

/* ---- nodes ---- */

static void add_node(const char *name, enum k8s_node_ready ready, bool cordoned, const char *roles,
                     int64_t cpu_alloc, int64_t mem_alloc, int64_t pods_alloc, int64_t created)
{
    struct k8s_node *n = xcalloc(1, sizeof *n);

    n->row.uid = xasprintf("node-%s", name);
    n->name = xstrdup(name);
    n->ready = ready;
    n->unschedulable = cordoned;
    n->status = xasprintf("%s%s", ready == K8S_NODE_READY ? "Ready" : "NotReady",
                          cordoned ? ",SchedulingDisabled" : "");
    n->roles = roles != NULL ? xstrdup(roles) : NULL;
    n->version = xstrdup("v1.29.0");
    n->cpu_alloc = cpu_alloc;
    n->mem_alloc = mem_alloc;
    n->pods_alloc = pods_alloc;
    n->created = created;
    store_put(store_table(&S, STORE_NODE), &n->row);
}

static void add_node_pod(const char *ns, const char *name, const char *node)
{
    char *uid = xasprintf("%s/%s", ns, name);
    struct k8s_pod *p = k8s_pod_new(&(struct k8s_pod_text){
        .uid = uid, .ns = ns, .name = name, .status = "Running", .node = node});

    free(uid);
    p->ready = p->total = 1;
    store_put(store_table(&S, STORE_POD), &p->row);
}

/* The nodes view: kubectl's STATUS, ROLES ("<none>"), the node's pods against its
 * allocatable, CPU in cores and memory in GiB against allocatable with a percent ("n/a" with
 * no metrics at all, "-" for a node without a sample), sorted as numbers; Enter narrows the
 * pods view to the node, where NODE then says nothing. A tenant's session reads no node and
 * may not open the view. */
static void test_nodes_view(void **state)
{
    const char *const dmi_only[] = {"dmi", NULL};
    struct access *acc = access_new("cust", ACCESS_OPERATOR, dmi_only, false);
    struct view *v = view_new(registry_find("no"));
    struct view *pods;
    struct view_ctx ctx = {&S, 10000, &ALL, ACC, false, NULL, NULL};
    struct view_target t;
    struct k8s_metrics *m;
    char buf[512];

    (void)state;
    access_bind(acc, &S);
    assert_ptr_equal(registry_find("nodes"), v->ops);
    assert_true(v->ops->cluster_scoped);
    add_node("node-b", K8S_NODE_READY, false, "worker", 4000, (int64_t)16 << 30, 110, 5000);
    add_node("node-a", K8S_NODE_NOT_READY, true, NULL, 8000, (int64_t)32 << 30, 10, 9000);
    for (int i = 0; i < 9; i++) {
        char name[16];

        snprintf(name, sizeof name, "n%d", i);
        add_node_pod("dmi", name, "node-a");
    }
    add_node_pod("skat", "n9", "node-b");
    add_node_pod("dmi", "n10", "node-b");
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, (size_t)column(v, "NAME"));
    assert_string_equal(buf, "node-a node-b");
    names(v, buf, sizeof buf, (size_t)column(v, "STATUS"));
    assert_string_equal(buf, "NotReady,SchedulingDisabled Ready");
    assert_int_equal(cell_of(v, "node-a", "STATUS", buf, sizeof buf), TONE_CRIT);
    assert_int_equal(cell_of(v, "node-b", "STATUS", buf, sizeof buf), TONE_OK);
    names(v, buf, sizeof buf, (size_t)column(v, "ROLES"));
    assert_string_equal(buf, "<none> worker");
    names(v, buf, sizeof buf, (size_t)column(v, "PODS"));
    assert_string_equal(buf, "9/10 2/110");
    assert_int_equal(cell_of(v, "node-a", "PODS", buf, sizeof buf), TONE_WARN); /* 90 % */
    names(v, buf, sizeof buf, (size_t)column(v, "CPU/ALLOC"));
    assert_string_equal(buf, "n/a/8.0 n/a/4.0");
    names(v, buf, sizeof buf, (size_t)column(v, "AGE"));
    assert_string_equal(buf, "16m 83m");

    /* node-b's sample: 1.5 of 4 cores, 12 of 16 GiB; node-a has none */
    m = k8s_metrics_new(NULL, "node-b", NULL, NULL);
    m->cpu_m = 1500;
    m->mem_b = (int64_t)12 << 30;
    store_put(store_table(&S, STORE_NODE_METRICS), &m->row);
    assert_true(v->ops->stale(v, &ctx));
    v->ops->rebuild(v, &ctx);
    names(v, buf, sizeof buf, (size_t)column(v, "CPU/ALLOC"));
    assert_string_equal(buf, "-/8.0 1.5/4.0 38%");
    names(v, buf, sizeof buf, (size_t)column(v, "MEM/ALLOC"));
    assert_string_equal(buf, "-/32.0Gi 12.0/16.0Gi 75%");

    /* numbers sort as numbers: PODS by share (90 % before 2 %), AGE youngest first */
    assert_string_equal(sorted_by(v, "PODS", false, "NAME", buf, sizeof buf), "node-b node-a");
    assert_string_equal(sorted_by(v, "CPU/ALLOC", true, "NAME", buf, sizeof buf),
                        "node-b node-a");
    assert_string_equal(sorted_by(v, "MEM/ALLOC", false, "NAME", buf, sizeof buf),
                        "node-a node-b"); /* unknown first */
    assert_string_equal(sorted_by(v, "AGE", false, "NAME", buf, sizeof buf), "node-a node-b");
    assert_string_equal(sorted_by(v, "AGE", true, "NAME", buf, sizeof buf), "node-b node-a");
    v->sort_col = -1;
    v->ops->rebuild(v, &ctx);

    /* Enter: node-a's pods, nine of them, NODE redundant there */
    assert_true(v->ops->enter(v, &ALL, 0, &t));
    assert_string_equal(t.view, "pods");
    assert_string_equal(t.scope.node, "node-a");
    assert_string_equal(t.label, "node-a");
    pods = view_new(registry_find(t.view));
    ctx.scope = &t.scope;
    pods->ops->rebuild(pods, &ctx);
    assert_int_equal(pods->ops->count(pods), 9);
    assert_true(pods->ops->redundant(pods, (size_t)column(pods, "NODE")));
    view_free(pods);
    ctx.scope = &ALL;

    /* a tenant's session: no node, and the registry keeps the view from it */
    ctx.access = acc;
    v->ops->rebuild(v, &ctx);
    assert_int_equal(v->ops->count(v), 0);
    assert_false(registry_allowed(v->ops, acc));
    assert_true(registry_allowed(v->ops, ACC));

    view_free(v);
    access_free(acc);
    for (int i = 0; i <= 10; i++) {
        char uid[16];

        snprintf(uid, sizeof uid, "%s/n%d", i == 9 ? "skat" : "dmi", i);
        assert_true(store_del(store_table(&S, STORE_POD), uid));
    }
    store_clear(store_table(&S, STORE_NODE));
    store_clear(store_table(&S, STORE_NODE_METRICS));
    store_commit(&S);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pods_describe_with_events),
        cmocka_unit_test(test_pods_default_order_and_scope),
        cmocka_unit_test(test_pods_sort_numeric_and_stable),
        cmocka_unit_test(test_tenants_counts_and_enter),
        cmocka_unit_test(test_apps_rows),
        cmocka_unit_test(test_apps_scope_and_enter),
        cmocka_unit_test(test_views_follow_access_scope),
        cmocka_unit_test(test_usage_columns),
        cmocka_unit_test(test_tenant_describe),
        cmocka_unit_test(test_pods_incremental_equals_full),
        cmocka_unit_test(test_pods_twins_dropped),
        cmocka_unit_test(test_pods_change_mark),
        cmocka_unit_test(test_pods_sort_long_prefixes),
        cmocka_unit_test(test_apps_rollout_replicasets),
        cmocka_unit_test(test_namespaces_view),
        cmocka_unit_test(test_nodes_view),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
