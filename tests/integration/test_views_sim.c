/* The Kubernetes views' rows against govsim: a client synced from the simulator feeds the
 * store, and the pods, apps and tenants views built from it must show what govsim's own API
 * says. Every pod, workload and tenant is one row, with its cells computed here from the JSON
 * (STATUS alone through k8s_pod_parse(), whose kubectl rules test_k8s_model checks); a
 * session scoped to tenant dmi sees exactly dmi's share; after churn the rows follow the world
 * again. Columns are found by name, never by index. */
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
#include <time.h>

#include "core/access.h"
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
#include "views/registry.h"

enum { VS_PODS, VS_APPS, VS_TENANTS, VS_COUNT };

struct fx {
    struct demo sim;
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store store;
    struct k8s_tenancy *tenancy;
    struct k8s_client *c;
    struct access *all;               /* operator, every tenant */
    struct access *dmi;               /* operator, tenant dmi only */
    struct view *views[VS_COUNT];     /* read through `all` */
    struct view *dmi_views[VS_COUNT]; /* read through `dmi` */
};

static struct fx F;
static const struct view_scope NO_SCOPE; /* the views are not narrowed */

/* ---- govsim's own view of the world ---- */

static void sim_post(const char *path)
{
    assert_int_equal(simcall_post(F.sim.server, path), 200);
}

/* GET `path` as JSON; NULL unless the answer is 200 and JSON. Caller decrefs. */
static json_t *sim_get_json(const char *path, const char *accept)
{
    long status = 0;
    char *body = simcall_get(F.loop, F.http, F.sim.server, path, accept, &status);
    json_t *j = status == 200 ? json_loads(body, 0, NULL) : NULL;

    free(body);
    return j;
}

/* What govsim serves, fetched while the client's loop stands still. */
struct world {
    json_t *ns_list, *pod_list, *deploy_list, *sts_list;
    json_t *tenant_of;  /* namespace name -> tenant label (labelled namespaces only) */
    json_t *pod_by_uid; /* uid -> pod object */
    json_t *app_by_uid; /* uid -> Deployment or StatefulSet object */
    json_t *sts_uids;   /* uid -> true for the StatefulSets */
};

static void world_free(struct world *w)
{
    json_decref(w->ns_list);
    json_decref(w->pod_list);
    json_decref(w->deploy_list);
    json_decref(w->sts_list);
    json_decref(w->tenant_of);
    json_decref(w->pod_by_uid);
    json_decref(w->app_by_uid);
    json_decref(w->sts_uids);
    memset(w, 0, sizeof *w);
}

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static const json_t *jmeta(const json_t *obj)
{
    return json_object_get(obj, "metadata");
}

static const char *jlabel(const json_t *obj, const char *label)
{
    return jstr(json_object_get(jmeta(obj), "labels"), label);
}

static json_int_t jint(const json_t *obj, const char *key)
{
    return json_integer_value(json_object_get(obj, key));
}

/* Indexes every item of `list` by uid into `by_uid`; `mark` (may be NULL) gets uid -> true. */
static void index_items(const json_t *list, json_t *by_uid, json_t *mark)
{
    size_t i;
    json_t *item;

    json_array_foreach (json_object_get(list, "items"), i, item) {
        const char *uid = jstr(jmeta(item), "uid");

        assert_non_null(uid);
        json_object_set(by_uid, uid, item);
        if (mark != NULL) {
            json_object_set_new(mark, uid, json_true());
        }
    }
}

/* Fetches the world; -1 when govsim did not answer with the lists. */
static int world_fetch(struct world *w)
{
    size_t i;
    json_t *item;

    memset(w, 0, sizeof *w);
    w->ns_list = sim_get_json("/api/v1/namespaces", NULL);
    w->pod_list = sim_get_json("/api/v1/pods", NULL);
    w->deploy_list = sim_get_json("/apis/apps/v1/deployments", NULL);
    w->sts_list = sim_get_json("/apis/apps/v1/statefulsets", NULL);
    if (w->ns_list == NULL || w->pod_list == NULL || w->deploy_list == NULL ||
        w->sts_list == NULL) {
        return -1;
    }
    w->tenant_of = json_object();
    json_array_foreach (json_object_get(w->ns_list, "items"), i, item) {
        const char *tenant = jlabel(item, K8S_LABEL_TENANT);

        if (tenant != NULL) {
            json_object_set_new(w->tenant_of, jstr(jmeta(item), "name"), json_string(tenant));
        }
    }
    w->pod_by_uid = json_object();
    index_items(w->pod_list, w->pod_by_uid, NULL);
    w->app_by_uid = json_object();
    w->sts_uids = json_object();
    index_items(w->deploy_list, w->app_by_uid, NULL);
    index_items(w->sts_list, w->app_by_uid, w->sts_uids);
    return 0;
}

/* The tenant of namespace `ns`, or NULL when the namespace carries no tenant label. */
static const char *world_tenant(const struct world *w, const char *ns)
{
    return ns != NULL ? jstr(w->tenant_of, ns) : NULL;
}

/* True if an object in namespace `ns` is in the share of `only` (NULL: every tenant). */
static bool world_in_share(const struct world *w, const char *ns, const char *only)
{
    const char *t = world_tenant(w, ns);

    return only == NULL || (t != NULL && strcmp(t, only) == 0);
}

/* STATUS as kubectl prints it, by the model's parser (checked against kubectl's rules in
 * test_k8s_model). */
static void pod_status(const json_t *pod, char *buf, size_t size)
{
    char *err = NULL;
    struct k8s_pod *p = k8s_pod_parse(pod, &err);

    assert_non_null(p);
    snprintf(buf, size, "%s", p->status != NULL ? p->status : "");
    k8s_pod_free(&p->row);
}

/* True if the pod's init containers are still running: the Initialized condition is not True
 * and an init container has not terminated with exit code 0. */
static bool pod_initializing(const json_t *status)
{
    size_t i;
    const json_t *v;

    json_array_foreach (json_object_get(status, "conditions"), i, v) {
        if (strcmp(jstr(v, "type") ? jstr(v, "type") : "", "Initialized") == 0) {
            if (strcmp(jstr(v, "status") ? jstr(v, "status") : "", "True") == 0) {
                return false;
            }
        }
    }
    json_array_foreach (json_object_get(status, "initContainerStatuses"), i, v) {
        const json_t *term = json_object_get(json_object_get(v, "state"), "terminated");

        if (term == NULL || jint(term, "exitCode") != 0) {
            return true;
        }
    }
    return false;
}

/* READY from the JSON: containers ready and running / containers in the spec (sidecars, init
 * containers with restartPolicy Always, count as containers). Returns whether all are ready. */
static bool pod_ready(const json_t *pod, char *buf, size_t size)
{
    const json_t *spec = json_object_get(pod, "spec");
    const json_t *status = json_object_get(pod, "status");
    size_t i, ready = 0, total = json_array_size(json_object_get(spec, "containers"));
    const json_t *v;

    json_array_foreach (json_object_get(spec, "initContainers"), i, v) {
        if (strcmp(jstr(v, "restartPolicy") ? jstr(v, "restartPolicy") : "", "Always") == 0) {
            total++;
        }
    }
    json_array_foreach (json_object_get(status, "containerStatuses"), i, v) {
        if (json_is_true(json_object_get(v, "ready")) &&
            json_object_get(json_object_get(v, "state"), "running") != NULL) {
            ready++;
        }
    }
    snprintf(buf, size, "%zu/%zu", ready, total);
    return ready >= total;
}

/* RESTARTS from the JSON: the sum of restartCount (of the init containers while they run,
 * else of the containers), and when it is not 0 the age of the latest
 * lastState.terminated.finishedAt among them: "0", "3", "3 (2d ago)". Returns the sum. */
static json_int_t pod_restarts(const json_t *pod, int64_t now, char *buf, size_t size)
{
    const json_t *status = json_object_get(pod, "status");
    const char *key = pod_initializing(status) ? "initContainerStatuses" : "containerStatuses";
    json_int_t sum = 0;
    int64_t last = 0;
    size_t i;
    const json_t *v;

    json_array_foreach (json_object_get(status, key), i, v) {
        const json_t *term = json_object_get(json_object_get(v, "lastState"), "terminated");
        int64_t t = k8s_parse_time(jstr(term, "finishedAt"));

        sum += jint(v, "restartCount");
        if (t > last) {
            last = t;
        }
    }
    if (sum != 0 && last != 0) {
        char age[32];

        snprintf(buf, size, "%" JSON_INTEGER_FORMAT " (%s ago)", sum,
                 k8s_fmt_age(now - last, age, sizeof age));
    } else {
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, sum);
    }
    return sum;
}

/* True if the tenants view counts the pod as OK: not being deleted, and Completed, or Running
 * with every container ready. */
static bool pod_ok(const json_t *pod)
{
    char status[64], ready[32];

    if (json_object_get(jmeta(pod), "deletionTimestamp") != NULL) {
        return false;
    }
    pod_status(pod, status, sizeof status);
    return strcmp(status, "Completed") == 0 ||
           (strcmp(status, "Running") == 0 && pod_ready(pod, ready, sizeof ready));
}

/* ---- the views ---- */

/* Differences found in one comparison, the first few in words. */
struct diffs {
    int n;
    char first[1024]; /* the first few, one a line */
};

static void diff_note(struct diffs *d, const char *fmt, ...)
{
    va_list ap;
    size_t used = strlen(d->first);

    if (d->n++ < 4 && used + 2 < sizeof d->first) {
        d->first[used++] = '\n';
        va_start(ap, fmt);
        vsnprintf(d->first + used, sizeof d->first - used, fmt, ap);
        va_end(ap);
    }
}

/* The index of the view's column `name`; fails the test when the view has none. */
static size_t col_of(const struct view *v, const char *name)
{
    for (size_t i = 0; i < v->ops->ncolumns; i++) {
        if (strcmp(v->ops->columns[i].name, name) == 0) {
            return i;
        }
    }
    fail_msg("view %s has no column %s", v->ops->name, name);
    return 0;
}

static void cell_text(const struct view *v, const struct view_ctx *ctx, size_t row, const char *col,
                      char *buf, size_t size)
{
    buf[0] = '\0';
    v->ops->cell(v, ctx, row, col_of(v, col), buf, size);
}

/* Notes a difference when the cell is not `want`. */
static void expect_cell(struct diffs *d, const struct view *v, const struct view_ctx *ctx,
                        size_t row, const char *col, const char *want)
{
    char have[256];

    cell_text(v, ctx, row, col, have, sizeof have);
    if (strcmp(have, want) != 0) {
        diff_note(d, "%s row %zu (%s) %s: view \"%s\", world \"%s\"", v->ops->name, row,
                  v->ops->row_key(v, row), col, have, want);
    }
}

static void expect_count(struct diffs *d, const struct view *v, size_t want)
{
    if (v->ops->count(v) != want) {
        diff_note(d, "%s: %zu rows, world %zu", v->ops->name, v->ops->count(v), want);
    }
}

/* Row r of view v (key `uid`) stands for `obj` of the world (NULL: none): each object once,
 * and inside the share. False (noted) when the row stands for nothing to compare with; a row
 * outside the share is noted and still compared. *ns gets the object's namespace. */
static bool world_row(const struct world *w, const struct view *v, size_t r, const char *uid,
                      const json_t *obj, json_t *seen, const char *only, struct diffs *d,
                      const char **ns)
{
    if (obj == NULL || json_object_get(seen, uid) != NULL) {
        diff_note(d, "%s row %zu (%s): %s", v->ops->name, r, uid,
                  obj ? "shown twice" : "not in the world");
        return false;
    }
    json_object_set_new(seen, uid, json_true());
    *ns = jstr(jmeta(obj), "namespace");
    if (!world_in_share(w, *ns, only)) {
        diff_note(d, "%s row %zu (%s/%s): outside tenant %s", v->ops->name, r, *ns,
                  jstr(jmeta(obj), "name"), only);
    }
    return true;
}

static void views_rebuild(struct view *const *views, const struct view_ctx *ctx)
{
    for (size_t i = 0; i < VS_COUNT; i++) {
        views[i]->ops->rebuild(views[i], ctx);
    }
}

/* Pods: one row per pod of the share, each pod once, its cells as the JSON says. */
static void check_pods(const struct world *w, const struct view *v, const struct view_ctx *ctx,
                       const char *only, struct diffs *d)
{
    json_t *seen = json_object();
    size_t want = 0, i;
    const json_t *pod;

    json_array_foreach (json_object_get(w->pod_list, "items"), i, pod) {
        want += world_in_share(w, jstr(jmeta(pod), "namespace"), only);
    }
    expect_count(d, v, want);
    for (size_t r = 0; r < v->ops->count(v); r++) {
        const char *uid = v->ops->row_key(v, r);
        const char *ns, *tenant, *node, *ip;
        const json_t *status;
        char ready[32], restarts[64], pstatus[64];

        pod = json_object_get(w->pod_by_uid, uid);
        if (!world_row(w, v, r, uid, pod, seen, only, d, &ns)) {
            continue;
        }
        tenant = world_tenant(w, ns);
        status = json_object_get(pod, "status");
        node = jstr(json_object_get(pod, "spec"), "nodeName");
        ip = jstr(status, "podIP");
        pod_ready(pod, ready, sizeof ready);
        pod_restarts(pod, ctx->now, restarts, sizeof restarts);
        pod_status(pod, pstatus, sizeof pstatus);
        expect_cell(d, v, ctx, r, "TENANT", tenant != NULL ? tenant : "-");
        expect_cell(d, v, ctx, r, "NAMESPACE", ns);
        expect_cell(d, v, ctx, r, "NAME", jstr(jmeta(pod), "name"));
        expect_cell(d, v, ctx, r, "READY", ready);
        expect_cell(d, v, ctx, r, "STATUS", pstatus);
        expect_cell(d, v, ctx, r, "RESTARTS", restarts);
        expect_cell(d, v, ctx, r, "NODE", node != NULL && node[0] != '\0' ? node : "<none>");
        expect_cell(d, v, ctx, r, "IP", ip != NULL && ip[0] != '\0' ? ip : "<none>");
    }
    json_decref(seen);
}

/* The app a workload belongs to: its app.kubernetes.io/name label, else its name. */
static const char *workload_app(const json_t *wl)
{
    const char *app = jlabel(wl, K8S_LABEL_APP);

    return app != NULL && app[0] != '\0' ? app : jstr(jmeta(wl), "name");
}

static const json_t *workload_condition(const json_t *wl, const char *type)
{
    size_t i;
    const json_t *c;

    json_array_foreach (json_object_get(json_object_get(wl, "status"), "conditions"), i, c) {
        if (strcmp(jstr(c, "type") ? jstr(c, "type") : "", type) == 0) {
            return c;
        }
    }
    return NULL;
}

/* spec.replicas, 1 when absent as the API defaults it. */
static json_int_t workload_desired(const json_t *wl)
{
    const json_t *r = json_object_get(json_object_get(wl, "spec"), "replicas");

    return r != NULL ? json_integer_value(r) : 1;
}

/* ROLLOUT as kubectl rollout status reads it: "complete", "progressing" or "stalled: REASON". */
static void workload_rollout(const json_t *wl, bool sts, char *buf, size_t size)
{
    const json_t *status = json_object_get(wl, "status");
    json_int_t gen = jint(jmeta(wl), "generation"), observed = jint(status, "observedGeneration");
    json_int_t desired = workload_desired(wl), ready = jint(status, "readyReplicas");
    json_int_t updated = jint(status, "updatedReplicas");
    const char *done = "progressing";

    if (!sts && gen <= observed) {
        const json_t *cond = workload_condition(wl, "Progressing");
        const char *reason = cond != NULL ? jstr(cond, "reason") : NULL;

        if (cond != NULL &&
            strcmp(jstr(cond, "status") ? jstr(cond, "status") : "", "False") == 0) {
            snprintf(buf, size, "stalled: %s", reason ? reason : "ProgressDeadlineExceeded");
            return;
        }
        if (reason != NULL && strcmp(reason, "ProgressDeadlineExceeded") == 0) {
            snprintf(buf, size, "stalled: ProgressDeadlineExceeded");
            return;
        }
        if (updated >= desired && jint(status, "replicas") <= updated &&
            jint(status, "availableReplicas") >= updated) {
            done = "complete";
        }
    } else if (sts && observed != 0 && gen <= observed && ready >= desired) {
        const json_t *strat = json_object_get(json_object_get(wl, "spec"), "updateStrategy");
        json_int_t partition = jint(json_object_get(strat, "rollingUpdate"), "partition");
        const char *cur = jstr(status, "currentRevision"), *upd = jstr(status, "updateRevision");

        if (strcmp(jstr(strat, "type") ? jstr(strat, "type") : "", "OnDelete") == 0) {
            done = "complete";
        } else if (partition > 0) {
            done = updated >= desired - partition ? "complete" : "progressing";
        } else if (cur != NULL && upd != NULL && strcmp(cur, upd) == 0) {
            done = "complete";
        }
    }
    snprintf(buf, size, "%s", done);
}

/* RESTARTS of an app row: the restarts of the pods in its namespace with its app label, those
 * of another version left out when both carry a version. */
static json_int_t workload_restarts(const struct world *w, const json_t *wl, int64_t now)
{
    const char *ns = jstr(jmeta(wl), "namespace"), *version = jlabel(wl, K8S_LABEL_VERSION);
    json_int_t sum = 0;
    size_t i;
    const json_t *pod;
    char text[64];

    json_array_foreach (json_object_get(w->pod_list, "items"), i, pod) {
        const char *app = jlabel(pod, K8S_LABEL_APP), *pv = jlabel(pod, K8S_LABEL_VERSION);

        if (app == NULL || strcmp(jstr(jmeta(pod), "namespace"), ns) != 0 ||
            strcmp(app, workload_app(wl)) != 0) {
            continue;
        }
        if (version == NULL || pv == NULL || strcmp(version, pv) == 0) {
            sum += pod_restarts(pod, now, text, sizeof text);
        }
    }
    return sum;
}

/* Apps: one row per Deployment and StatefulSet of the share, each once, its cells as the JSON
 * says. *complete gets how many rows read "complete". */
static void check_apps(const struct world *w, const struct view *v, const struct view_ctx *ctx,
                       const char *only, struct diffs *d, size_t *complete)
{
    json_t *seen = json_object();
    size_t want = 0;
    const char *uid;
    json_t *wl;

    *complete = 0;
    json_object_foreach (w->app_by_uid, uid, wl) {
        want += world_in_share(w, jstr(jmeta(wl), "namespace"), only);
    }
    expect_count(d, v, want);
    for (size_t r = 0; r < v->ops->count(v); r++) {
        const char *ns, *tenant, *version;
        const json_t *status;
        bool sts;
        char text[128];

        uid = v->ops->row_key(v, r);
        wl = json_object_get(w->app_by_uid, uid);
        if (!world_row(w, v, r, uid, wl, seen, only, d, &ns)) {
            continue;
        }
        sts = json_object_get(w->sts_uids, uid) != NULL;
        tenant = world_tenant(w, ns);
        status = json_object_get(wl, "status");
        version = jlabel(wl, K8S_LABEL_VERSION);
        expect_cell(d, v, ctx, r, "TENANT", tenant != NULL ? tenant : "-");
        expect_cell(d, v, ctx, r, "NAMESPACE", ns);
        expect_cell(d, v, ctx, r, "NAME", jstr(jmeta(wl), "name"));
        expect_cell(d, v, ctx, r, "APP", workload_app(wl));
        expect_cell(d, v, ctx, r, "VERSION", version != NULL ? version : "-");
        expect_cell(d, v, ctx, r, "KIND", sts ? "StatefulSet" : "Deployment");
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT,
                 jint(status, "readyReplicas"), workload_desired(wl));
        expect_cell(d, v, ctx, r, "READY", text);
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, jint(status, "updatedReplicas"));
        expect_cell(d, v, ctx, r, "UP-TO-DATE", text);
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT,
                 json_object_get(status, "availableReplicas") != NULL || !sts
                     ? jint(status, "availableReplicas")
                     : jint(status, "readyReplicas"));
        expect_cell(d, v, ctx, r, "AVAILABLE", text);
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, workload_restarts(w, wl, ctx->now));
        expect_cell(d, v, ctx, r, "RESTARTS", text);
        workload_rollout(wl, sts, text, sizeof text);
        expect_cell(d, v, ctx, r, "ROLLOUT", text);
        cell_text(v, ctx, r, "ROLLOUT", text, sizeof text);
        *complete += strcmp(text, "complete") == 0;
    }
    json_decref(seen);
}

/* One tenant as the world has it. */
struct tenant_want {
    const char *name;
    json_int_t namespaces, pods, ok;
    json_t *apps;     /* "ns/app" -> true */
    json_t *displays; /* display names of its namespaces -> true */
    bool seen;        /* a row showed it */
};

#define TENANTS_MAX 64

/* The entry of `tenant` in wants[0..*n), added when `add`; NULL when absent. */
static struct tenant_want *tenant_want_of(struct tenant_want *wants, size_t *n, const char *tenant,
                                          bool add)
{
    if (tenant == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(wants[i].name, tenant) == 0) {
            return &wants[i];
        }
    }
    if (!add) {
        return NULL;
    }
    assert_true(*n < TENANTS_MAX);
    wants[*n] =
        (struct tenant_want){.name = tenant, .apps = json_object(), .displays = json_object()};
    return &wants[(*n)++];
}

/* Tenants: one row per tenant label of the share, with its namespaces, its pods (how many OK)
 * and its apps (distinct namespace and app among its Deployments and StatefulSets). */
static void check_tenants(const struct world *w, const struct view *v, const struct view_ctx *ctx,
                          const char *only, struct diffs *d)
{
    struct tenant_want wants[TENANTS_MAX];
    size_t n = 0, i;
    const char *uid;
    json_t *item;

    json_array_foreach (json_object_get(w->ns_list, "items"), i, item) {
        const char *tenant = jlabel(item, K8S_LABEL_TENANT);
        const char *display = jstr(json_object_get(jmeta(item), "annotations"), K8S_ANNOT_DISPLAY);
        struct tenant_want *tw;

        if (tenant == NULL || (only != NULL && strcmp(tenant, only) != 0)) {
            continue;
        }
        tw = tenant_want_of(wants, &n, tenant, true);
        tw->namespaces++;
        if (display != NULL) {
            json_object_set_new(tw->displays, display, json_true());
        }
    }
    json_array_foreach (json_object_get(w->pod_list, "items"), i, item) {
        struct tenant_want *tw =
            tenant_want_of(wants, &n, world_tenant(w, jstr(jmeta(item), "namespace")), false);

        if (tw != NULL) {
            tw->pods++;
            tw->ok += pod_ok(item);
        }
    }
    json_object_foreach (w->app_by_uid, uid, item) {
        const char *ns = jstr(jmeta(item), "namespace");
        struct tenant_want *tw = tenant_want_of(wants, &n, world_tenant(w, ns), false);
        char *key;

        if (tw != NULL) {
            key = xasprintf("%s/%s", ns, workload_app(item));
            json_object_set_new(tw->apps, key, json_true());
            free(key);
        }
    }
    expect_count(d, v, n);
    for (size_t r = 0; r < v->ops->count(v); r++) {
        const char *name = v->ops->row_key(v, r);
        struct tenant_want *tw = tenant_want_of(wants, &n, name, false);
        char text[128];

        if (tw == NULL || tw->seen) {
            diff_note(d, "tenants row %zu (%s): %s", r, name,
                      tw != NULL ? "shown twice" : "no namespace of the share has this tenant");
            continue;
        }
        tw->seen = true;
        expect_cell(d, v, ctx, r, "NAME", name);
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, tw->namespaces);
        expect_cell(d, v, ctx, r, "NAMESPACES", text);
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT "/%" JSON_INTEGER_FORMAT, tw->ok,
                 tw->pods);
        expect_cell(d, v, ctx, r, "PODS OK", text);
        snprintf(text, sizeof text, "%zu", json_object_size(tw->apps));
        expect_cell(d, v, ctx, r, "APPS", text);
        cell_text(v, ctx, r, "DISPLAY NAME", text, sizeof text);
        if (json_object_size(tw->displays) == 0 ? text[0] != '\0'
                                                : json_object_get(tw->displays, text) == NULL) {
            diff_note(d, "tenants row %zu (%s) DISPLAY NAME: \"%s\" is no namespace's", r, name,
                      text);
        }
    }
    for (i = 0; i < n; i++) {
        json_decref(wants[i].apps);
        json_decref(wants[i].displays);
    }
}

/* ---- comparing until equal ---- */

/* What one comparison saw, for the tests' own assertions. */
struct seen {
    size_t pods, apps, tenants;             /* rows of the views read through `all` */
    size_t dmi_pods, dmi_apps, dmi_tenants; /* ... through `dmi` */
    size_t complete, dmi_complete;          /* apps rows reading "complete" */
    size_t world_pods;                      /* pods in govsim's list */
};

enum check_what {
    CHECK_PODS = 1,    /* the unscoped session's pods view */
    CHECK_APPS = 2,    /* ... its apps view */
    CHECK_TENANTS = 4, /* ... its tenants view */
    CHECK_DMI = 8,     /* the three views of the session scoped to dmi */
    CHECK_ALL = CHECK_PODS | CHECK_APPS | CHECK_TENANTS,
};

/* Rebuilds the views and compares them with a freshly fetched world. */
static void compare(unsigned what, struct diffs *d, struct seen *s)
{
    struct world w;
    struct view_ctx all = {&F.store, (int64_t)time(NULL), &NO_SCOPE, F.all, false, NULL, NULL};
    struct view_ctx dmi = {&F.store, all.now, &NO_SCOPE, F.dmi, false, NULL, NULL};

    memset(d, 0, sizeof *d);
    if (world_fetch(&w) != 0) {
        diff_note(d, "govsim did not answer with its lists");
        world_free(&w);
        return;
    }
    s->world_pods = json_array_size(json_object_get(w.pod_list, "items"));
    views_rebuild(F.views, &all);
    if (what & CHECK_PODS) {
        check_pods(&w, F.views[VS_PODS], &all, NULL, d);
    }
    if (what & CHECK_APPS) {
        check_apps(&w, F.views[VS_APPS], &all, NULL, d, &s->complete);
    }
    if (what & CHECK_TENANTS) {
        check_tenants(&w, F.views[VS_TENANTS], &all, NULL, d);
    }
    s->pods = F.views[VS_PODS]->ops->count(F.views[VS_PODS]);
    s->apps = F.views[VS_APPS]->ops->count(F.views[VS_APPS]);
    s->tenants = F.views[VS_TENANTS]->ops->count(F.views[VS_TENANTS]);
    if (what & CHECK_DMI) {
        views_rebuild(F.dmi_views, &dmi);
        check_pods(&w, F.dmi_views[VS_PODS], &dmi, "dmi", d);
        check_apps(&w, F.dmi_views[VS_APPS], &dmi, "dmi", d, &s->dmi_complete);
        check_tenants(&w, F.dmi_views[VS_TENANTS], &dmi, "dmi", d);
        s->dmi_pods = F.dmi_views[VS_PODS]->ops->count(F.dmi_views[VS_PODS]);
        s->dmi_apps = F.dmi_views[VS_APPS]->ops->count(F.dmi_views[VS_APPS]);
        s->dmi_tenants = F.dmi_views[VS_TENANTS]->ops->count(F.dmi_views[VS_TENANTS]);
    }
    world_free(&w);
}

static uint64_t store_gens(void)
{
    static const enum store_kind kinds[] = {STORE_NAMESPACE, STORE_POD, STORE_DEPLOYMENT,
                                            STORE_STATEFULSET};
    uint64_t g = 0;

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        g += store_table(&F.store, kinds[i])->gen;
    }
    return g;
}

/* Runs the client's loop until the views equal the world or `seconds` pass; fails with the
 * first difference. The world is fetched again only when the store's tables changed (or
 * after a quiet second, in case a fetch caught govsim mid-change), so the blocking fetches do
 * not starve the client. Between the commit and the comparison the loop does not run, so the
 * rows the views borrow stay valid. */
static void expect_world(unsigned what, int seconds, struct seen *s)
{
    int64_t deadline = loop_now_ms() + seconds * 1000, last = 0;
    uint64_t seen_gen = UINT64_MAX;
    struct diffs d = {1, "\nthe client never synced"};
    int rounds = 0;

    memset(s, 0, sizeof *s);
    while (loop_now_ms() < deadline) {
        uint64_t gen;

        loop_run_once(F.loop, 100);
        store_commit(&F.store);
        gen = store_gens();
        if (!k8s_client_synced(F.c) || (gen == seen_gen && loop_now_ms() - last < 1000)) {
            continue;
        }
        seen_gen = gen;
        last = loop_now_ms();
        rounds++;
        compare(what, &d, s);
        if (d.n == 0) {
            return;
        }
    }
    fail_msg("views differ from the world in %d places after %d s (%d comparisons); the first:%s",
             d.n, seconds, rounds, d.first);
}

/* ---- fixture ---- */

static int setup(void **state)
{
    const char *const args[] = {"--pods", "1000",    "--tenants", "9", "--seed",
                                "5",      "--churn", "0",         NULL};
    static const char *const only_dmi[] = {"dmi", NULL};
    struct kube_target t = {0};
    struct k8s_options o = {0};
    char ctx[] = "sim";

    (void)state;
    if (simcall_start_govsim(args, &F.sim) != 0) {
        return -1;
    }
    F.loop = loop_new();
    F.http = http_new(F.loop);
    F.pool = workpool_new(F.loop, 2);
    store_init(&F.store);
    F.tenancy = k8s_tenancy_new(&F.store);
    k8s_tenancy_register(F.tenancy);
    t.context = ctx;
    t.server = F.sim.server;
    o.page_size = 250;
    o.backoff_min_ms = 50;
    o.backoff_max_ms = 400;
    o.request_timeout_ms = 10000;
    o.metrics_interval_ms = 3600 * 1000; /* usage is not what these tests look at */
    F.c = k8s_client_new(F.loop, F.http, F.pool, &F.store, &t, &o);
    k8s_client_start(F.c);
    F.all = access_new("tester", ACCESS_OPERATOR, NULL, false);
    F.dmi = access_new("tester", ACCESS_OPERATOR, only_dmi, false);
    access_bind(F.all, &F.store);
    access_bind(F.dmi, &F.store);
    F.views[VS_PODS] = view_new(registry_find("pods"));
    F.views[VS_APPS] = view_new(registry_find("apps"));
    F.views[VS_TENANTS] = view_new(registry_find("tenants"));
    F.dmi_views[VS_PODS] = view_new(registry_find("pods"));
    F.dmi_views[VS_APPS] = view_new(registry_find("apps"));
    F.dmi_views[VS_TENANTS] = view_new(registry_find("tenants"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < VS_COUNT; i++) {
        view_free(F.views[i]);
        view_free(F.dmi_views[i]);
    }
    access_free(F.all);
    access_free(F.dmi);
    k8s_client_stop(F.c);
    workpool_free(F.pool);
    k8s_client_free(F.c);
    store_fini(&F.store);
    k8s_tenancy_free(F.tenancy);
    http_free(F.http);
    loop_free(F.loop);
    demo_stop(&F.sim);
    curl_global_cleanup();
    return 0;
}

/* ---- tests ---- */

static void test_pods_rows_equal_world(void **state)
{
    struct seen s;

    (void)state;
    expect_world(CHECK_PODS, 30, &s);
    assert_int_equal(s.pods, s.world_pods);
    assert_true(s.pods >= 1000); /* --pods 1000, system pods included */
}

static void test_apps_rows_equal_world(void **state)
{
    struct seen s;
    size_t n_deploy, n_sts;
    json_t *d = sim_get_json("/apis/apps/v1/deployments", NULL);
    json_t *st = sim_get_json("/apis/apps/v1/statefulsets", NULL);

    (void)state;
    assert_non_null(d);
    assert_non_null(st);
    n_deploy = json_array_size(json_object_get(d, "items"));
    n_sts = json_array_size(json_object_get(st, "items"));
    json_decref(d);
    json_decref(st);
    assert_true(n_deploy > 40);
    assert_true(n_sts >= 3);
    expect_world(CHECK_APPS, 30, &s);
    assert_int_equal(s.apps, n_deploy + n_sts);
    /* a world without churn has fully rolled-out workloads, and they read complete */
    assert_true(s.complete > 0);
}

static void test_tenants_rows_equal_world(void **state)
{
    struct seen s;

    (void)state;
    expect_world(CHECK_TENANTS, 30, &s);
    assert_int_equal(s.tenants, 9); /* --tenants 9 */
}

static void test_dmi_scope_sees_dmi_share(void **state)
{
    struct seen s;
    const struct view *v;
    char buf[128];

    (void)state;
    expect_world(CHECK_ALL | CHECK_DMI, 30, &s);
    assert_int_equal(s.dmi_tenants, 1);
    assert_true(s.dmi_pods > 0 && s.dmi_pods < s.pods);
    assert_true(s.dmi_apps > 0 && s.dmi_apps < s.apps);
    /* every row of every view is dmi's (check_* also checked each row's namespace) */
    v = F.dmi_views[VS_PODS];
    for (size_t r = 0; r < v->ops->count(v); r++) {
        struct view_ctx ctx = {&F.store, (int64_t)time(NULL), &NO_SCOPE, F.dmi, false, NULL, NULL};

        cell_text(v, &ctx, r, "TENANT", buf, sizeof buf);
        assert_string_equal(buf, "dmi");
    }
    v = F.dmi_views[VS_APPS];
    for (size_t r = 0; r < v->ops->count(v); r++) {
        struct view_ctx ctx = {&F.store, (int64_t)time(NULL), &NO_SCOPE, F.dmi, false, NULL, NULL};

        cell_text(v, &ctx, r, "TENANT", buf, sizeof buf);
        assert_string_equal(buf, "dmi");
    }
    v = F.dmi_views[VS_TENANTS];
    assert_string_equal(v->ops->row_key(v, 0), "dmi");
}

static void test_rows_follow_churn(void **state)
{
    struct seen before, after;
    uint64_t gen;

    (void)state;
    expect_world(CHECK_ALL, 30, &before);
    gen = store_table(&F.store, STORE_POD)->gen;
    sim_post("/_sim/churn?n=40");
    expect_world(CHECK_ALL | CHECK_DMI, 30, &after);
    assert_true(store_table(&F.store, STORE_POD)->gen > gen); /* the rows compared are new */
    assert_int_equal(after.pods, after.world_pods);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pods_rows_equal_world),
        cmocka_unit_test(test_apps_rows_equal_world),
        cmocka_unit_test(test_tenants_rows_equal_world),
        cmocka_unit_test(test_dmi_scope_sees_dmi_share),
        cmocka_unit_test(test_rows_follow_churn),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
