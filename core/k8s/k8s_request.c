/* Kubernetes requests: paths, bodies and how they are confirmed. */
#include "core/k8s/k8s_request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/http.h"
#include "core/k8s/k8s_model.h"
#include "core/xalloc.h"

static void k8s_request_priv_free(void *p)
{
    struct k8s_request_priv *kp = p;

    if (kp == NULL) {
        return;
    }
    free(kp->path);
    free(kp->body);
    free(kp->ns);
    free(kp->name);
    free(kp->uid);
    free(kp->app);
    free(kp->version);
    free(kp);
}

static int k8s_request_scale_input(struct source_request *r, const char *text, char **err);

static const struct source_request_ops k8s_request_ops = {
    .free = k8s_request_priv_free,
};

static const struct source_request_ops k8s_request_scale_ops = {
    .input = k8s_request_scale_input,
    .free = k8s_request_priv_free,
};

const struct k8s_request_priv *k8s_request_priv(const struct source_request *r)
{
    return r->ops == &k8s_request_ops || r->ops == &k8s_request_scale_ops ? r->priv : NULL;
}

static const char *k8s_object_resource(enum k8s_object obj)
{
    switch (obj) {
    case K8S_OBJECT_DEPLOYMENT:
        return "deployments";
    case K8S_OBJECT_STATEFULSET:
        return "statefulsets";
    case K8S_OBJECT_POD:
        break;
    }
    return "pods";
}

static const char *k8s_object_word(enum k8s_object obj)
{
    return obj == K8S_OBJECT_STATEFULSET ? "statefulset"
           : obj == K8S_OBJECT_DEPLOYMENT ? "deployment"
                                          : "pod";
}

/* The object's API path, each name percent-encoded (a valid one needs none: this is the
 * second line of defence). */
static char *k8s_object_path(enum k8s_object obj, const char *ns, const char *name)
{
    char *ens = http_escape(ns), *ename = http_escape(name), *path;

    if (obj == K8S_OBJECT_POD) {
        path = xasprintf("/api/v1/namespaces/%s/pods/%s", ens, ename);
    } else {
        path = xasprintf("/apis/apps/v1/namespaces/%s/%s/%s", ens, k8s_object_resource(obj),
                         ename);
    }
    free(ens);
    free(ename);
    return path;
}

/* A request of the Kubernetes source about one object; NULL when a name cannot go into a
 * path. */
static struct source_request *k8s_request_new(enum source_op op, enum access_verb verb,
                                              const char *action, enum k8s_object obj,
                                              const char *ns, const char *name,
                                              const char *tenant)
{
    struct source_request *r;
    struct k8s_request_priv *kp;

    if (!k8s_valid_label(ns) || !k8s_valid_name(name)) {
        return NULL;
    }
    r = source_request_new("kubernetes", op, verb, action);
    kp = xcalloc(1, sizeof *kp);
    kp->method = "GET";
    kp->obj = obj;
    kp->ns = xstrdup(ns);
    kp->name = xstrdup(name);
    kp->path = k8s_object_path(obj, ns, name);
    r->ops = &k8s_request_ops;
    r->priv = kp;
    r->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
    return r;
}

struct source_request *k8s_request_detail(enum k8s_object obj, const char *ns, const char *name,
                                          const char *uid, const char *tenant, bool raw)
{
    struct source_request *r = k8s_request_new(SOURCE_OP_DETAIL, ACCESS_VIEW,
                                               raw ? "yaml" : "describe", obj, ns, name, tenant);
    struct k8s_request_priv *kp;

    if (r == NULL) {
        return NULL;
    }
    kp = r->priv;
    kp->uid = uid != NULL ? xstrdup(uid) : NULL;
    static const char *const folded[] = {"metadata.managedFields", NULL};

    r->detail = raw ? SOURCE_DETAIL_JSON : SOURCE_DETAIL_TEXT;
    r->folded = raw ? folded : NULL; /* kubectl get -o yaml hides them too */
    r->target = xasprintf("%s/%s/%s", ns, k8s_object_resource(obj), name);
    /* a JSON detail's title is the name: the pager says YAML or JSON before it */
    r->title = raw ? xstrdup(name) : xasprintf("%s %s", r->action, name);
    return r;
}

/* What happens after a pod is deleted, by what controls it (its owner "Kind/name"). */
static char *k8s_request_after_delete(const char *owner)
{
    const char *slash = owner != NULL ? strchr(owner, '/') : NULL;
    size_t kl = slash != NULL ? (size_t)(slash - owner) : 0;

    if (slash == NULL) {
        return xstrdup("Nothing will recreate it: this cannot be undone.");
    }
    if (kl == 10 && strncmp(owner, "ReplicaSet", kl) == 0) {
        return xasprintf("Its ReplicaSet %s will start a new pod in its place.", slash + 1);
    }
    if (kl == 11 && strncmp(owner, "StatefulSet", kl) == 0) {
        return xasprintf("Its StatefulSet %s will recreate it under the same name.", slash + 1);
    }
    if (kl == 9 && strncmp(owner, "DaemonSet", kl) == 0) {
        return xasprintf("Its DaemonSet %s will start a new one on the same node.", slash + 1);
    }
    if (kl == 3 && strncmp(owner, "Job", kl) == 0) {
        return xasprintf("Its Job %s starts another pod unless it has finished or given up.",
                         slash + 1);
    }
    return xasprintf("It belongs to %.*s %s, which may recreate it.", (int)kl, owner, slash + 1);
}

struct source_request *k8s_request_delete_pod(const char *ns, const char *name, const char *uid,
                                              const char *owner, const char *tenant)
{
    char *after;

    struct source_request *r = k8s_request_new(SOURCE_OP_CHANGE, ACCESS_DELETE, "delete",
                                               K8S_OBJECT_POD, ns, name, tenant);
    struct k8s_request_priv *kp;

    if (r == NULL) {
        return NULL;
    }
    kp = r->priv;
    kp->method = "DELETE";
    kp->content_type = "application/json";
    /* kubectl's DeleteOptions, plus the uid the user saw. */
    if (uid != NULL && uid[0] != '\0' && strlen(uid) < 64 &&
        strspn(uid, "0123456789abcdefABCDEF-") == strlen(uid)) {
        kp->uid = xstrdup(uid);
        kp->body = xasprintf("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
                             "\"propagationPolicy\":\"Background\","
                             "\"preconditions\":{\"uid\":\"%s\"}}",
                             uid);
    } else {
        kp->body = xstrdup("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
                           "\"propagationPolicy\":\"Background\"}");
    }
    r->done = "deleted";
    r->target = xasprintf("%s/pods/%s", ns, name);
    r->title = xstrdup("Delete");
    after = k8s_request_after_delete(owner);
    r->question = xasprintf("Delete %s? %s Type the name to confirm.", r->target, after);
    free(after);
    r->confirm = xstrdup("Delete");
    r->typed_name = xstrdup(name);
    return r;
}

struct source_request *k8s_request_restart(enum k8s_object obj, const char *ns, const char *name,
                                           const char *tenant)
{
    struct source_request *r = k8s_request_new(SOURCE_OP_CHANGE, ACCESS_RESTART, "restart", obj,
                                               ns, name, tenant);
    struct k8s_request_priv *kp;
    char stamp[32];
    struct tm tm;
    time_t now = time(NULL);

    if (r == NULL) {
        return NULL;
    }
    kp = r->priv;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    kp->method = "PATCH";
    kp->content_type = "application/strategic-merge-patch+json";
    kp->body = xasprintf("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
                         "{\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}",
                         stamp);
    r->done = "restarted";
    r->target = xasprintf("%s %s/%s", k8s_object_word(obj), ns, name);
    r->title = xstrdup("Restart");
    r->question = xasprintf("Restart %s?", r->target);
    r->confirm = xstrdup("Restart");
    return r;
}

struct source_request *k8s_request_scale(enum k8s_object obj, const char *ns, const char *name,
                                         int current, long pods_left, const char *tenant)
{
    struct source_request *r = k8s_request_new(SOURCE_OP_CHANGE, ACCESS_SCALE, "scale", obj, ns,
                                               name, tenant);
    struct k8s_request_priv *kp;
    char *path;

    if (r == NULL) {
        return NULL;
    }
    kp = r->priv;
    path = xasprintf("%s/scale", kp->path);
    free(kp->path);
    kp->path = path;
    kp->method = "PATCH";
    kp->content_type = "application/merge-patch+json";
    kp->replicas = current;
    kp->pods_left = pods_left;
    r->ops = &k8s_request_scale_ops;
    r->done = "scaled";
    r->target = xasprintf("%s %s/%s", k8s_object_word(obj), ns, name);
    r->title = xstrdup("Scale");
    r->confirm = xstrdup("Scale");
    r->input_label = xasprintf("Replicas for %s/%s", ns, name); /* short: the line holds it */
    r->input_value = xasprintf("%d", current);
    return r;
}

/* The replica count as typed: a non-negative integer up to 100000, else -1. */
static long k8s_request_parse_replicas(const char *text)
{
    char *end;
    long n;

    while (*text == ' ') {
        text++;
    }
    if (*text < '0' || *text > '9') {
        return -1;
    }
    n = strtol(text, &end, 10);
    while (*end == ' ') {
        end++;
    }
    return *end == '\0' && n >= 0 && n <= 100000 ? n : -1;
}

static int k8s_request_scale_input(struct source_request *r, const char *text, char **err)
{
    struct k8s_request_priv *kp = r->priv;
    long n = k8s_request_parse_replicas(text);
    char *what;

    if (n < 0) {
        *err = xasprintf("'%.20s' is not a number of replicas (0 or more)", text);
        return -1;
    }
    /* from the object, not r->target: an earlier answer changed that */
    what = xasprintf("%s %s/%s", k8s_object_word(kp->obj), kp->ns, kp->name);
    free(kp->body);
    kp->body = xasprintf("{\"spec\":{\"replicas\":%ld}}", n);
    free(r->question);
    if (kp->pods_left >= 0 && n - kp->replicas > kp->pods_left) {
        r->question = xasprintf("Scale %s from %d to %ld replicas?\n\nOver quota: the namespace's "
                                "ResourceQuota admits %ld more pod%s, so %ld of the new ones "
                                "will not be created (exceeded quota).",
                                what, kp->replicas, n, kp->pods_left,
                                kp->pods_left == 1 ? "" : "s", n - kp->replicas - kp->pods_left);
    } else {
        r->question = xasprintf("Scale %s from %d to %ld replicas?", what, kp->replicas, n);
    }
    free(r->target);
    r->target = xasprintf("%s to %ld", what, n);
    free(what);
    return 0;
}

/* Fills a log request's target, title and parts (the valid container names of `containers`). */
static void k8s_request_log_fill(struct source_request *r, const char *ns, const char *name,
                                 const char *containers)
{
    char *names, *save = NULL;

    r->target = xasprintf("%s/%s", ns, name);
    r->title = xasprintf("logs %s/%s", ns, name);
    r->parts = xcalloc(1, sizeof *r->parts);
    names = containers != NULL ? xstrdup(containers) : NULL;
    for (char *c = names != NULL ? strtok_r(names, ",", &save) : NULL; c != NULL;
         c = strtok_r(NULL, ",", &save)) {
        if (k8s_valid_label(c)) {
            r->parts = xrealloc(r->parts, (r->nparts + 2) * sizeof *r->parts);
            r->parts[r->nparts++] = xstrdup(c);
            r->parts[r->nparts] = NULL;
        }
    }
    free(names);
}

struct source_request *k8s_request_logs(const char *ns, const char *pod, const char *uid,
                                        const char *containers, const char *tenant)
{
    struct source_request *r = k8s_request_new(SOURCE_OP_STREAM, ACCESS_LOGS, "logs",
                                               K8S_OBJECT_POD, ns, pod, tenant);

    if (r == NULL) {
        return NULL;
    }
    ((struct k8s_request_priv *)r->priv)->uid = uid != NULL ? xstrdup(uid) : NULL;
    k8s_request_log_fill(r, ns, pod, containers);
    return r;
}

struct source_request *k8s_request_app_logs(enum k8s_object obj, const char *ns,
                                            const char *name, const char *app,
                                            const char *version, const char *containers,
                                            const char *tenant)
{
    struct source_request *r;
    struct k8s_request_priv *kp;

    if (obj == K8S_OBJECT_POD || app == NULL) {
        return NULL;
    }
    r = k8s_request_new(SOURCE_OP_STREAM, ACCESS_LOGS, "logs", obj, ns, name, tenant);
    if (r == NULL) {
        return NULL;
    }
    kp = r->priv;
    kp->app = xstrdup(app);
    kp->version = version != NULL ? xstrdup(version) : NULL;
    r->members = "pods";
    k8s_request_log_fill(r, ns, name, containers);
    return r;
}

char *k8s_log_path(const char *ns, const char *pod, const char *container, int tail,
                   bool timestamps, bool previous)
{
    char *base = k8s_object_path(K8S_OBJECT_POD, ns, pod);
    char *c = container != NULL ? http_escape(container) : NULL;
    char *path = xasprintf("%s/log?follow=true&tailLines=%d&timestamps=%s%s%s&previous=%s", base,
                           tail, timestamps ? "true" : "false", c != NULL ? "&container=" : "",
                           c != NULL ? c : "", previous ? "true" : "false");

    free(base);
    free(c);
    return path;
}

char *k8s_request_log_path(const struct source_request *r, const struct source_stream_opts *o)
{
    const struct k8s_request_priv *kp = k8s_request_priv(r);

    return k8s_log_path(kp->ns, kp->name, o->part < r->nparts ? r->parts[o->part] : NULL,
                        K8S_LOG_TAIL, o->timestamps, o->previous);
}
