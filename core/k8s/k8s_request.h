/* What the views of Kubernetes objects ask of the Kubernetes source, as requests
 * (core/source.h): describe and the raw object, delete a pod, rollout restart and scale a
 * workload, follow a pod's log or an app's pods' logs. The API paths, bodies and content
 * types are made here and kept in the request's priv, which only core/k8s/k8s_source.c
 * reads. Every name that goes into a path is checked as Kubernetes checks it: the object's
 * with k8s_valid_name(), the namespace with k8s_valid_label(); a builder returns NULL when
 * one is not valid (so "." and ".." never become path segments). A container that is not a
 * valid label is left out of a log's parts. Each name is also percent-encoded in the path
 * and in a query. The tenant passed in is the one the source's tenancy resolved for the
 * object (access_row_tenant()). */
#ifndef GC_CORE_K8S_REQUEST_H
#define GC_CORE_K8S_REQUEST_H

#include <stdbool.h>

#include "core/source.h"

/* What an object is, for its path and its describe text. */
enum k8s_object {
    K8S_OBJECT_POD,
    K8S_OBJECT_DEPLOYMENT,
    K8S_OBJECT_STATEFULSET,
};

/* `d` (raw false: text like kubectl describe, with the object's Events and, for a
 * Deployment, its ReplicaSets) or `y` (raw true: the object's JSON). */
struct source_request *k8s_request_detail(enum k8s_object obj, const char *ns, const char *name,
                                          const char *uid, const char *tenant, bool raw);

/* Ctrl-D on a pod: kubectl's DeleteOptions (propagationPolicy Background) with the pod's uid
 * as a precondition when it is known, so that a pod recreated under the same name while the
 * dialog is open answers 409 instead of going too. The user types the pod's name. `owner`
 * (its controller, "ReplicaSet/web-7d9f"; NULL: none) decides what the question says comes
 * after: a new pod in its place, the same name again, or nothing. */
struct source_request *k8s_request_delete_pod(const char *ns, const char *name, const char *uid,
                                              const char *owner, const char *tenant);

/* `r`: kubectl rollout restart (the pod template's restartedAt annotation, as a strategic
 * merge patch). */
struct source_request *k8s_request_restart(enum k8s_object obj, const char *ns, const char *name,
                                           const char *tenant);

/* `s`: asks for the replica count (initially `current`), then a merge patch of the scale
 * subresource's spec.replicas. `pods_left` is how many more pods the namespace's quotas
 * admit (-1: no pod quota): a count beyond it is confirmed with a warning that the extra
 * pods will not be created. */
struct source_request *k8s_request_scale(enum k8s_object obj, const char *ns, const char *name,
                                         int current, long pods_left, const char *tenant);

/* `l`: the pod's log, followed; `containers` (NULL or names joined by ',', the default first)
 * become the stream's parts. `uid` (may be NULL) finds the pod in the store again (whether a
 * container has a previous run). */
struct source_request *k8s_request_logs(const char *ns, const char *pod, const char *uid,
                                        const char *containers, const char *tenant);

/* `l` on an app: the logs of its pods merged (core/k8s/k8s_applog.h), the pods the store has
 * for (`ns`, `app`, `version`) as k8s_pod_of_app() takes them; `name` is the workload's (obj a
 * Deployment or a StatefulSet; NULL for a pod or without an app). `containers`: the names the
 * app's pods have in common, the default first: the stream's parts. */
struct source_request *k8s_request_app_logs(enum k8s_object obj, const char *ns,
                                            const char *name, const char *app,
                                            const char *version, const char *containers,
                                            const char *tenant);

/* What the source reads back (core/k8s/k8s_source.c, and tests). */
struct k8s_request_priv {
    const char *method;       /* "GET", "DELETE", "PATCH" */
    char *path;               /* API path; a stream's is made per start */
    char *body;               /* NULL = none */
    const char *content_type; /* NULL without a body */
    enum k8s_object obj;
    char *ns, *name, *uid;    /* the object's (uid may be NULL) */
    int replicas;             /* scale: the current count */
    long pods_left;           /* scale: more pods the quotas admit, -1 without a pod quota */
    char *app, *version;      /* an app's log: whose pods (version may be NULL) */
};

/* The priv of a request made here, or NULL for another source's. */
const struct k8s_request_priv *k8s_request_priv(const struct source_request *r);

/* The lines a pod's log starts with when followed (tailLines). */
#define K8S_LOG_TAIL 500

/* The path of a pod's log stream with the reader's options (caller frees). */
char *k8s_request_log_path(const struct source_request *r, const struct source_stream_opts *o);

/* The path of a followed log of pod `pod` in `ns`: its last `tail` lines first, of `container`
 * (NULL: the server picks), with timestamps, of the previous run. Caller frees. */
char *k8s_log_path(const char *ns, const char *pod, const char *container, int tail,
                   bool timestamps, bool previous);

#endif
