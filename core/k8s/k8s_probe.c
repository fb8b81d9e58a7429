/* The Kubernetes probe: /version and SelfSubjectAccessReviews. */
#include "core/k8s/k8s_probe.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/k8s/k8s.h"
#include "core/loop.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* One verb the views use. */
struct k8s_probe_verb {
    const char *verb, *group, *resource, *subresource;
    bool reading; /* refused: the probe fails */
};

static const struct k8s_probe_verb k8s_probe_verbs[] = {
    {"list", "", "namespaces", NULL, true},
    {"watch", "", "namespaces", NULL, true},
    {"list", "", "pods", NULL, true},
    {"watch", "", "pods", NULL, true},
    {"list", "", "events", NULL, true},
    {"watch", "", "events", NULL, true},
    {"list", "apps", "deployments", NULL, true},
    {"watch", "apps", "deployments", NULL, true},
    {"list", "apps", "statefulsets", NULL, true},
    {"watch", "apps", "statefulsets", NULL, true},
    {"list", "apps", "replicasets", NULL, true},
    {"watch", "apps", "replicasets", NULL, true},
    {"list", "", "resourcequotas", NULL, true},
    {"watch", "", "resourcequotas", NULL, true},
    {"list", "", "nodes", NULL, false}, /* the nodes view only, and not for tenants */
    {"watch", "", "nodes", NULL, false},
    {"list", "metrics.k8s.io", "pods", NULL, false},
    {"list", "metrics.k8s.io", "nodes", NULL, false},
    {"get", "", "pods", "log", false},
    {"delete", "", "pods", NULL, false},
    {"patch", "apps", "deployments", NULL, false},
    {"patch", "apps", "statefulsets", NULL, false},
    {"patch", "apps", "deployments", "scale", false},
    {"patch", "apps", "statefulsets", "scale", false},
};
#define K8S_PROBE_NVERBS (sizeof k8s_probe_verbs / sizeof k8s_probe_verbs[0])

struct k8s_probe {
    struct k8s_client *c;
    source_probe_fn done;
    void *arg;
    struct source_probe res;
    int64_t t0;
    size_t pending;
    int answers[K8S_PROBE_NVERBS]; /* 1 allowed, 0 refused, -1 no answer */
    char *review_error;            /* the first review that failed to answer */
    char *scope;                   /* a scoped session's tenants, NULL for every tenant */
};

static void k8s_probe_finish(struct k8s_probe *p)
{
    char denied_read[512] = "", denied_act[512] = "";
    size_t oread = 0, oact = 0;
    char *about;

    for (size_t i = 0; i < K8S_PROBE_NVERBS; i++) {
        const struct k8s_probe_verb *v = &k8s_probe_verbs[i];
        char *buf = v->reading ? denied_read : denied_act;
        size_t *o = v->reading ? &oread : &oact;

        if (p->answers[i] != 0 || *o >= 480) {
            continue;
        }
        *o += (size_t)snprintf(buf + *o, 512 - *o, "%s%s %s%s%s%s%s", *o ? ", " : "", v->verb,
                               v->resource, v->subresource ? "/" : "",
                               v->subresource ? v->subresource : "", v->group[0] ? "." : "",
                               v->group);
    }
    if (p->review_error != NULL && p->res.error == NULL) {
        p->res.error = xasprintf("access reviews: %s", p->review_error);
    } else if (oread > 0 && p->res.error == NULL) {
        p->res.error = xasprintf("the account may not %s", denied_read);
    }
    if (oact > 0) {
        about = xasprintf("%s; may not %s", p->res.about != NULL ? p->res.about : "", denied_act);
        free(p->res.about);
        p->res.about = about;
    }
    /* list namespaces, cluster-wide, is the first verb asked */
    if (p->scope != NULL && p->answers[0] == 1) {
        about = xasprintf("%s; WARNING: these credentials may list every namespace: the scope "
                          "%s is this console's only, use the tenant's own credentials",
                          p->res.about != NULL ? p->res.about : "", p->scope);
        free(p->res.about);
        p->res.about = about;
    }
    p->done(&p->res, p->arg);
    source_probe_fini(&p->res);
    free(p->review_error);
    free(p->scope);
    free(p);
}

struct k8s_probe_review {
    struct k8s_probe *p;
    size_t i;
};

static void k8s_probe_reviewed(long status, const char *body, size_t len, const char *error,
                               void *arg)
{
    struct k8s_probe_review *rv = arg;
    struct k8s_probe *p = rv->p;
    json_t *j;

    if (error == NULL && (status == 201 || status == 200)) {
        j = json_loadb(body, len, 0, NULL);
        p->answers[rv->i] = json_is_true(json_object_get(json_object_get(j, "status"), "allowed"));
        json_decref(j);
    } else {
        p->answers[rv->i] = -1;
        if (status == 401 || status == 403) {
            p->res.auth = 0;
        }
        if (p->review_error == NULL) {
            p->review_error = k8s_error_text(status, body, len, error);
        }
    }
    free(rv);
    if (--p->pending == 0) {
        k8s_probe_finish(p);
    }
}

/* One SelfSubjectAccessReview, cluster-wide (namespace ""), as `kubectl auth can-i -A`. */
static void k8s_probe_review(struct k8s_probe *p, size_t i)
{
    const struct k8s_probe_verb *v = &k8s_probe_verbs[i];
    struct k8s_probe_review *rv = xcalloc(1, sizeof *rv);
    json_t *attrs = json_pack("{s:s, s:s, s:s, s:s}", "namespace", "", "verb", v->verb, "group",
                              v->group, "resource", v->resource);
    json_t *doc;
    char *body;

    if (v->subresource != NULL) {
        json_object_set_new(attrs, "subresource", json_string(v->subresource));
    }
    doc = json_pack("{s:s, s:s, s:{s:o}}", "kind", "SelfSubjectAccessReview", "apiVersion",
                    "authorization.k8s.io/v1", "spec", "resourceAttributes", attrs);
    body = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    rv->p = p;
    rv->i = i;
    k8s_client_call(p->c, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body,
                    "application/json", k8s_probe_reviewed, rv);
    free(body);
}

static void k8s_probe_version(long status, const char *body, size_t len, const char *error,
                              void *arg)
{
    struct k8s_probe *p = arg;
    json_t *j;

    p->res.rtt_ms = (double)(loop_now_ms() - p->t0);
    if (error != NULL) {
        p->res.error = xstrdup(error);
        p->res.reachable = false;
        p->done(&p->res, p->arg);
        source_probe_fini(&p->res);
        free(p->scope);
        free(p);
        return;
    }
    p->res.reachable = true;
    if (status == 401 || status == 403) {
        p->res.auth = 0;
        p->res.error = k8s_error_text(status, body, len, NULL);
        p->done(&p->res, p->arg);
        source_probe_fini(&p->res);
        free(p->scope);
        free(p);
        return;
    }
    j = status == 200 ? json_loadb(body, len, 0, NULL) : NULL;
    if (json_string_value(json_object_get(j, "gitVersion")) != NULL) {
        char *v = sanitize_dup(json_string_value(json_object_get(j, "gitVersion")));

        p->res.about = xasprintf("Kubernetes %s", v);
        free(v);
    } else {
        p->res.error = status == 200 ? xstrdup("/version is not a Kubernetes version: not an API "
                                               "server?")
                                     : k8s_error_text(status, body, len, NULL);
    }
    json_decref(j);
    if (p->res.error != NULL) {
        p->done(&p->res, p->arg);
        source_probe_fini(&p->res);
        free(p->scope);
        free(p);
        return;
    }
    if (p->res.auth != -1) {
        p->res.auth = 1; /* until a review says otherwise */
    }
    p->pending = K8S_PROBE_NVERBS;
    for (size_t i = 0; i < K8S_PROBE_NVERBS; i++) {
        k8s_probe_review(p, i);
    }
}

void k8s_probe_start(struct k8s_client *c, const char *scope, source_probe_fn done, void *arg)
{
    struct k8s_probe *p = xcalloc(1, sizeof *p);
    const char *server = k8s_client_server(c);

    p->c = c;
    p->scope = scope != NULL ? xstrdup(scope) : NULL;
    p->done = done;
    p->arg = arg;
    p->res.url = xstrdup(server != NULL ? server : "");
    p->res.tls = strncmp(p->res.url, "https://", 8) != 0 ? -1 : k8s_client_insecure(c) ? 0 : 1;
    p->res.auth = k8s_client_has_credentials(c) ? 1 : -1;
    p->t0 = loop_now_ms();
    k8s_client_call(c, "GET", "/version", NULL, NULL, k8s_probe_version, p);
}
