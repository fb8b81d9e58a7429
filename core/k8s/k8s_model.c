/* Kubernetes Pod, Namespace, Deployment, StatefulSet, ReplicaSet, ResourceQuota, Event, Node
 * and metrics objects to store rows; kubectl's STATUS, RESTARTS and AGE; resource quantities. */
#include "core/k8s/k8s_model.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/jsontext.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* What kubectl's printPod computes besides the reason. */
struct k8s_pod_calc {
    char *reason; /* owned, not yet sanitized */
    int64_t restarts;
    int64_t last_restart; /* epoch seconds, 0 = zero time */
    int64_t ready;
    int64_t total;
};

/* The string at obj[key], or NULL if absent, not a string, or empty. Borrowed. */
static const char *k8s_get_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s != NULL && s[0] != '\0' ? s : NULL;
}

/* obj[key] if it is an object, else NULL. Borrowed. */
static const json_t *k8s_get_obj(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_object(v) ? v : NULL;
}

/* obj[key] as an integer (a whole JSON real counts too), else 0. */
static int64_t k8s_get_int(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    if (json_is_integer(v)) {
        return (int64_t)json_integer_value(v);
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);

        if (d > -9.0e18 && d < 9.0e18) {
            return (int64_t)d;
        }
    }
    return 0;
}

/* A container's restartCount, kept within 0..INT32_MAX so that sums cannot overflow. */
static int64_t k8s_restart_count(const json_t *cs)
{
    int64_t n = k8s_get_int(cs, "restartCount");

    return n < 0 ? 0 : n > INT32_MAX ? INT32_MAX : n;
}

/* Sanitized copy of obj[key] (caller frees), NULL if absent, not a string, or empty. */
static char *k8s_dup_str(const json_t *obj, const char *key)
{
    return sanitize_dup(k8s_get_str(obj, key));
}

static bool k8s_str_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static void k8s_set_reason(struct k8s_pod_calc *c, char *reason)
{
    free(c->reason);
    c->reason = reason;
}

/* True if the pod has a condition of this type with status "True". */
static bool k8s_condition_true(const json_t *status, const char *type)
{
    const json_t *conds = json_object_get(status, "conditions");
    size_t i;
    const json_t *cond;

    json_array_foreach (conds, i, cond) {
        if (k8s_str_eq(k8s_get_str(cond, "type"), type) &&
            k8s_str_eq(k8s_get_str(cond, "status"), "True")) {
            return true;
        }
    }
    return false;
}

/* True if spec.initContainers has a container of this name with restartPolicy Always
 * (a sidecar). */
static bool k8s_is_sidecar(const json_t *spec, const char *name)
{
    const json_t *inits = json_object_get(spec, "initContainers");
    size_t i;
    const json_t *c;

    if (name == NULL) {
        return false;
    }
    json_array_foreach (inits, i, c) {
        if (k8s_str_eq(k8s_get_str(c, "name"), name)) {
            return k8s_str_eq(k8s_get_str(c, "restartPolicy"), "Always");
        }
    }
    return false;
}

/* Moves *latest forward to the container's lastState.terminated.finishedAt if later. */
static void k8s_note_last_termination(const json_t *cs, int64_t *latest)
{
    const json_t *term = k8s_get_obj(k8s_get_obj(cs, "lastState"), "terminated");
    int64_t t;

    if (term == NULL) {
        return;
    }
    t = k8s_parse_time(k8s_get_str(term, "finishedAt"));
    if (t > *latest) {
        *latest = t;
    }
}

/* The init-container pass of printPod: returns true while the pod is still initializing
 * (and then has set the reason). */
static bool k8s_calc_init(const json_t *spec, const json_t *status, struct k8s_pod_calc *c,
                          int64_t *sidecar_restarts, int64_t *sidecar_last)
{
    const json_t *statuses = json_object_get(status, "initContainerStatuses");
    size_t n_init = json_array_size(json_object_get(spec, "initContainers"));
    size_t i;
    const json_t *cs;

    json_array_foreach (statuses, i, cs) {
        const json_t *state = k8s_get_obj(cs, "state");
        const json_t *term = k8s_get_obj(state, "terminated");
        const json_t *wait = k8s_get_obj(state, "waiting");
        const char *wait_reason = k8s_get_str(wait, "reason");
        int64_t restarts = k8s_restart_count(cs);
        bool sidecar = k8s_is_sidecar(spec, k8s_get_str(cs, "name"));

        c->restarts += restarts;
        k8s_note_last_termination(cs, &c->last_restart);
        if (sidecar) {
            *sidecar_restarts += restarts;
            k8s_note_last_termination(cs, sidecar_last);
        }
        if (term != NULL && k8s_get_int(term, "exitCode") == 0) {
            continue;
        }
        if (sidecar && json_is_true(json_object_get(cs, "started"))) {
            if (json_is_true(json_object_get(cs, "ready"))) {
                c->ready++;
            }
            continue;
        }
        if (term != NULL) {
            const char *reason = k8s_get_str(term, "reason");
            int64_t sig = k8s_get_int(term, "signal");

            if (reason != NULL) {
                k8s_set_reason(c, xasprintf("Init:%s", reason));
            } else if (sig != 0) {
                k8s_set_reason(c, xasprintf("Init:Signal:%" PRId64, sig));
            } else {
                k8s_set_reason(c,
                               xasprintf("Init:ExitCode:%" PRId64, k8s_get_int(term, "exitCode")));
            }
        } else if (wait_reason != NULL && strcmp(wait_reason, "PodInitializing") != 0) {
            k8s_set_reason(c, xasprintf("Init:%s", wait_reason));
        } else {
            k8s_set_reason(c, xasprintf("Init:%zu/%zu", i, n_init));
        }
        return true;
    }
    return false;
}

/* The regular-container pass of printPod, last container first so that the first
 * container's reason wins. */
static void k8s_calc_containers(const json_t *status, struct k8s_pod_calc *c)
{
    const json_t *statuses = json_object_get(status, "containerStatuses");
    bool has_running = false;

    for (size_t i = json_array_size(statuses); i-- > 0;) {
        const json_t *cs = json_array_get(statuses, i);
        const json_t *state = k8s_get_obj(cs, "state");
        const json_t *term = k8s_get_obj(state, "terminated");
        const char *wait_reason = k8s_get_str(k8s_get_obj(state, "waiting"), "reason");

        c->restarts += k8s_restart_count(cs);
        k8s_note_last_termination(cs, &c->last_restart);
        if (wait_reason != NULL) {
            k8s_set_reason(c, xstrdup(wait_reason));
        } else if (term != NULL && k8s_get_str(term, "reason") != NULL) {
            k8s_set_reason(c, xstrdup(k8s_get_str(term, "reason")));
        } else if (term != NULL) {
            int64_t sig = k8s_get_int(term, "signal");

            if (sig != 0) {
                k8s_set_reason(c, xasprintf("Signal:%" PRId64, sig));
            } else {
                k8s_set_reason(c, xasprintf("ExitCode:%" PRId64, k8s_get_int(term, "exitCode")));
            }
        } else if (json_is_true(json_object_get(cs, "ready")) &&
                   k8s_get_obj(state, "running") != NULL) {
            has_running = true;
            c->ready++;
        }
    }
    if (has_running && k8s_str_eq(c->reason, "Completed")) {
        k8s_set_reason(c, xstrdup(k8s_condition_true(status, "Ready") ? "Running" : "NotReady"));
    }
}

/* kubectl's printPod: STATUS, READY and RESTARTS of one pod. */
static void k8s_calc_pod(const json_t *meta, const json_t *spec, const json_t *status,
                         struct k8s_pod_calc *c)
{
    const char *phase = k8s_get_str(status, "phase");
    const char *status_reason = k8s_get_str(status, "reason");
    const json_t *conds = json_object_get(status, "conditions");
    const json_t *inits = json_object_get(spec, "initContainers");
    int64_t sidecar_restarts = 0, sidecar_last = 0;
    size_t i;
    const json_t *v;

    memset(c, 0, sizeof(*c));
    c->reason = xstrdup(status_reason != NULL ? status_reason : phase != NULL ? phase : "");
    json_array_foreach (conds, i, v) {
        if (k8s_str_eq(k8s_get_str(v, "type"), "PodScheduled") &&
            k8s_str_eq(k8s_get_str(v, "reason"), "SchedulingGated")) {
            k8s_set_reason(c, xstrdup("SchedulingGated"));
        }
    }

    c->total = (int64_t)json_array_size(json_object_get(spec, "containers"));
    json_array_foreach (inits, i, v) {
        if (k8s_str_eq(k8s_get_str(v, "restartPolicy"), "Always")) {
            c->total++;
        }
    }

    if (!k8s_calc_init(spec, status, c, &sidecar_restarts, &sidecar_last) ||
        k8s_condition_true(status, "Initialized")) {
        c->restarts = sidecar_restarts;
        c->last_restart = sidecar_last;
        k8s_calc_containers(status, c);
    }

    if (json_object_get(meta, "deletionTimestamp") != NULL &&
        !json_is_null(json_object_get(meta, "deletionTimestamp"))) {
        if (k8s_str_eq(status_reason, "NodeLost")) {
            k8s_set_reason(c, xstrdup("Unknown"));
        } else if (!k8s_str_eq(phase, "Succeeded") && !k8s_str_eq(phase, "Failed")) {
            k8s_set_reason(c, xstrdup("Terminating"));
        }
    }
}

static int64_t k8s_clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Checks the object and its metadata; on failure sets *err (if err) and returns NULL. */
static const json_t *k8s_meta(const json_t *obj, const char *kind, const char **uid,
                              const char **name, char **err)
{
    const json_t *meta;

    if (!json_is_object(obj)) {
        if (err != NULL) {
            *err = xasprintf("%s: not a JSON object", kind);
        }
        return NULL;
    }
    meta = k8s_get_obj(obj, "metadata");
    if (meta == NULL) {
        if (err != NULL) {
            *err = xasprintf("%s: metadata missing or not an object", kind);
        }
        return NULL;
    }
    *name = k8s_get_str(meta, "name");
    if (*name == NULL) {
        if (err != NULL) {
            *err = xasprintf("%s: metadata.name missing or not a string", kind);
        }
        return NULL;
    }
    *uid = k8s_get_str(meta, "uid");
    if (*uid == NULL) {
        if (err != NULL) {
            char *ns = sanitize_dup(k8s_get_str(meta, "namespace"));
            char *nm = sanitize_dup(*name);

            *err = xasprintf("%s %s%s%s: metadata.uid missing or not a string", kind,
                             ns != NULL ? ns : "", ns != NULL ? "/" : "", nm);
            free(ns);
            free(nm);
        }
        return NULL;
    }
    return meta;
}

/* The names of spec.containers, then spec.initContainers, joined by ','; NULL when there is
 * none. Not sanitized: k8s_pod_new() sanitizes what it keeps. */
static char *k8s_container_names(const json_t *spec)
{
    static const char *const keys[] = {"containers", "initContainers"};
    size_t len = 0, o = 0;
    char *out;

    for (size_t k = 0; k < 2; k++) {
        const json_t *arr = json_object_get(spec, keys[k]);

        for (size_t i = 0; i < json_array_size(arr); i++) {
            const char *n = k8s_get_str(json_array_get(arr, i), "name");

            len += n != NULL ? strlen(n) + 1 : 0;
        }
    }
    if (len == 0) {
        return NULL;
    }
    out = xmalloc(len);
    for (size_t k = 0; k < 2; k++) {
        const json_t *arr = json_object_get(spec, keys[k]);

        for (size_t i = 0; i < json_array_size(arr); i++) {
            const char *n = k8s_get_str(json_array_get(arr, i), "name");

            if (n != NULL) {
                size_t l = strlen(n);

                if (o > 0) {
                    out[o++] = ',';
                }
                memcpy(out + o, n, l);
                o += l;
            }
        }
    }
    out[o] = '\0';
    return out;
}

/* True if the container status has a previous run: restarted, or a terminated lastState. */
static bool k8s_cstatus_has_previous(const json_t *cs)
{
    return k8s_restart_count(cs) > 0 ||
           k8s_get_obj(k8s_get_obj(cs, "lastState"), "terminated") != NULL;
}

/* The prev_runs bits of a pod: spec.containers then spec.initContainers, in the order
 * k8s_container_names() lists them, each looked up by name in its status list. */
static uint32_t k8s_prev_runs(const json_t *spec, const json_t *status)
{
    static const char *const keys[] = {"containers", "initContainers"};
    static const char *const skeys[] = {"containerStatuses", "initContainerStatuses"};
    uint32_t bits = 0;
    unsigned idx = 0;

    for (size_t k = 0; k < 2; k++) {
        const json_t *arr = json_object_get(spec, keys[k]);
        const json_t *statuses = json_object_get(status, skeys[k]);

        for (size_t i = 0; i < json_array_size(arr) && idx < 32; i++) {
            const char *n = k8s_get_str(json_array_get(arr, i), "name");
            size_t j;
            const json_t *cs;

            if (n == NULL) {
                continue;
            }
            json_array_foreach (statuses, j, cs) {
                if (k8s_str_eq(k8s_get_str(cs, "name"), n) && k8s_cstatus_has_previous(cs)) {
                    bits |= 1u << idx;
                }
            }
            idx++;
        }
    }
    return bits;
}

/* lastState.terminated.reason of the container whose last run ended latest, over init and
 * regular containers (the first one wins a tie); borrowed, NULL if none. */
static const char *k8s_last_reason(const json_t *status)
{
    static const char *const keys[] = {"initContainerStatuses", "containerStatuses"};
    const char *best = NULL;
    int64_t best_t = -1;

    for (size_t k = 0; k < 2; k++) {
        const json_t *statuses = json_object_get(status, keys[k]);
        size_t i;
        const json_t *cs;

        json_array_foreach (statuses, i, cs) {
            const json_t *term = k8s_get_obj(k8s_get_obj(cs, "lastState"), "terminated");
            const char *reason = k8s_get_str(term, "reason");
            int64_t t = k8s_parse_time(k8s_get_str(term, "finishedAt"));

            if (reason != NULL && t > best_t) {
                best = reason;
                best_t = t;
            }
        }
    }
    return best;
}

/* The length of a string k8s_pod_new() keeps, with its NUL; 0 for none. */
static size_t k8s_pod_str_size(const char *s)
{
    return s != NULL && s[0] != '\0' ? strlen(s) + 1 : 0;
}

/* Copies s (if kept) to *at, sanitized, and moves *at past it. */
static char *k8s_pod_str_put(const char *s, char **at)
{
    size_t n = k8s_pod_str_size(s);
    char *d = *at;

    if (n == 0) {
        return NULL;
    }
    memcpy(d, s, n);
    *at += n;
    return sanitize_inplace(d); /* never grows */
}

struct k8s_pod *k8s_pod_new(const struct k8s_pod_text *t)
{
    const char *const strs[] = {t->uid, t->ns,      t->name,       t->status,     t->node,
                                t->ip,  t->app,     t->version,    t->containers, t->last_reason,
                                t->owner};
    size_t size = sizeof(struct k8s_pod) + 1; /* + an empty STATUS */
    struct k8s_pod *p;
    char *at;

    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        size += k8s_pod_str_size(strs[i]);
    }
    p = xcalloc(1, size);
    at = (char *)(p + 1);
    p->row.uid = k8s_pod_str_put(t->uid, &at);
    p->ns = k8s_pod_str_put(t->ns, &at);
    p->name = k8s_pod_str_put(t->name, &at);
    p->status = k8s_pod_str_put(t->status, &at);
    if (p->status == NULL) {
        p->status = at++; /* STATUS is never NULL: "" (a zero byte of the calloc) */
    }
    p->node = k8s_pod_str_put(t->node, &at);
    p->ip = k8s_pod_str_put(t->ip, &at);
    p->app = k8s_pod_str_put(t->app, &at);
    p->version = k8s_pod_str_put(t->version, &at);
    p->containers = k8s_pod_str_put(t->containers, &at);
    p->last_reason = k8s_pod_str_put(t->last_reason, &at);
    p->owner = k8s_pod_str_put(t->owner, &at);
    return p;
}

/* The controller in metadata.ownerReferences as "Kind/name" (caller frees), NULL if none. */
static char *k8s_controller(const json_t *meta)
{
    const json_t *refs = json_object_get(meta, "ownerReferences");
    size_t i;
    const json_t *ref;

    json_array_foreach (refs, i, ref) {
        const char *kind = k8s_get_str(ref, "kind"), *name = k8s_get_str(ref, "name");

        if (json_is_true(json_object_get(ref, "controller")) && kind != NULL && name != NULL) {
            return xasprintf("%s/%s", kind, name);
        }
    }
    return NULL;
}

struct k8s_pod *k8s_pod_parse(const struct json_t *obj, char **err)
{
    const char *uid = NULL, *name = NULL;
    const json_t *meta = k8s_meta(obj, "pod", &uid, &name, err);
    const json_t *spec, *status, *labels;
    struct k8s_pod_text t;
    struct k8s_pod *p;
    struct k8s_pod_calc c;
    char *containers, *owner;

    if (meta == NULL) {
        return NULL;
    }
    owner = k8s_controller(meta);
    spec = k8s_get_obj(obj, "spec");
    status = k8s_get_obj(obj, "status");
    labels = k8s_get_obj(meta, "labels");
    containers = k8s_container_names(spec);
    k8s_calc_pod(meta, spec, status, &c);
    t = (struct k8s_pod_text){
        .uid = uid,
        .ns = k8s_get_str(meta, "namespace"),
        .name = name,
        .status = c.reason,
        .node = k8s_get_str(spec, "nodeName"),
        .ip = k8s_get_str(status, "podIP"),
        .app = k8s_get_str(labels, K8S_LABEL_APP),
        .version = k8s_get_str(labels, K8S_LABEL_VERSION),
        .containers = containers,
        .last_reason = k8s_last_reason(status),
        .owner = owner,
    };
    p = k8s_pod_new(&t);
    free(containers);
    free(owner);
    free(c.reason);
    p->created = k8s_parse_time(k8s_get_str(meta, "creationTimestamp"));
    p->deleted = k8s_parse_time(k8s_get_str(meta, "deletionTimestamp"));
    p->ready = (uint16_t)k8s_clamp(c.ready, 0, UINT16_MAX);
    p->total = (uint16_t)k8s_clamp(c.total, 0, UINT16_MAX);
    p->restarts = (int32_t)k8s_clamp(c.restarts, 0, INT32_MAX);
    p->last_restart = c.last_restart;
    p->prev_runs = k8s_prev_runs(spec, status);
    return p;
}

static int k8s_str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Joins n strings by ',' (the empty list: NULL), sanitized; caller frees. */
static char *k8s_join_sanitized(const char *const *strs, size_t n)
{
    size_t len = 0, o = 0;
    char *out;

    if (n == 0) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        len += strlen(strs[i]) + 1;
    }
    out = xmalloc(len);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(strs[i]);

        memcpy(out + o, strs[i], l);
        o += l;
        out[o++] = i + 1 < n ? ',' : '\0';
    }
    return sanitize_inplace(out);
}

/* Labels as "k=v" joined by ',', sorted by key; NULL when there is none. Values that are not
 * strings are left out. Sanitized; caller frees. */
static char *k8s_labels_text(const json_t *labels)
{
    char **pairs = xcalloc(json_object_size(labels) + 1, sizeof *pairs);
    size_t n = 0;
    const char *key;
    json_t *v;
    char *out;

    json_object_foreach ((json_t *)labels, key, v) {
        if (json_is_string(v)) {
            pairs[n++] = xasprintf("%s=%s", key, json_string_value(v));
        }
    }
    qsort(pairs, n, sizeof *pairs, k8s_str_ptr_cmp);
    out = k8s_join_sanitized((const char *const *)pairs, n);
    for (size_t i = 0; i < n; i++) {
        free(pairs[i]);
    }
    free(pairs);
    return out;
}

struct k8s_namespace *k8s_namespace_parse(const struct json_t *obj, char **err)
{
    const char *uid = NULL, *name = NULL;
    const json_t *meta = k8s_meta(obj, "namespace", &uid, &name, err);
    struct k8s_namespace *n;

    if (meta == NULL) {
        return NULL;
    }
    n = xcalloc(1, sizeof(*n));
    n->row.uid = sanitize_dup(uid);
    n->name = sanitize_dup(name);
    n->tenant = k8s_dup_str(k8s_get_obj(meta, "labels"), K8S_LABEL_TENANT);
    n->display = k8s_dup_str(k8s_get_obj(meta, "annotations"), K8S_ANNOT_DISPLAY);
    n->phase = k8s_dup_str(k8s_get_obj(obj, "status"), "phase");
    n->labels = k8s_labels_text(k8s_get_obj(meta, "labels"));
    n->created = k8s_parse_time(k8s_get_str(meta, "creationTimestamp"));
    return n;
}

char *k8s_image_tag(const char *image, char *buf, size_t size)
{
    const char *at, *colon, *end;

    if (size == 0) {
        return buf;
    }
    if (image == NULL || image[0] == '\0') {
        snprintf(buf, size, "-");
        return buf;
    }
    at = strchr(image, '@');
    if (at != NULL && strncmp(at + 1, "sha256:", 7) == 0) {
        snprintf(buf, size, "%.12s", at + 8);
        return buf;
    }
    end = at != NULL ? at : image + strlen(image);
    colon = NULL;
    for (const char *p = image; p < end; p++) {
        if (*p == ':') {
            colon = p;
        }
    }
    if (colon == NULL || colon + 1 == end || memchr(colon, '/', (size_t)(end - colon)) != NULL) {
        snprintf(buf, size, "latest");
        return buf;
    }
    snprintf(buf, size, "%.*s", (int)(end - colon - 1), colon + 1);
    return buf;
}

/* The condition of this type in status.conditions, or NULL. Borrowed. */
static const json_t *k8s_condition(const json_t *status, const char *type)
{
    const json_t *conds = json_object_get(status, "conditions");
    size_t i;
    const json_t *cond;

    json_array_foreach (conds, i, cond) {
        if (k8s_str_eq(k8s_get_str(cond, "type"), type)) {
            return cond;
        }
    }
    return NULL;
}

static int32_t k8s_replicas(int64_t v)
{
    return (int32_t)k8s_clamp(v, 0, INT32_MAX);
}

/* spec.replicas of a Deployment, StatefulSet or ReplicaSet; 1 when absent, as the API
 * defaults it. */
static int32_t k8s_desired(const json_t *spec)
{
    return json_is_number(json_object_get(spec, "replicas"))
               ? k8s_replicas(k8s_get_int(spec, "replicas"))
               : 1;
}

/* The fields Deployments and StatefulSets share; NULL (and *err) when the metadata is bad. */
static struct k8s_workload *k8s_workload_common(const json_t *obj, const char *kind,
                                                enum k8s_workload_kind wk, char **err)
{
    const char *uid = NULL, *name = NULL;
    const json_t *meta = k8s_meta(obj, kind, &uid, &name, err);
    const json_t *spec, *status, *labels, *containers;
    struct k8s_workload *w;
    char tag[128];

    if (meta == NULL) {
        return NULL;
    }
    spec = k8s_get_obj(obj, "spec");
    status = k8s_get_obj(obj, "status");
    labels = k8s_get_obj(meta, "labels");
    w = xcalloc(1, sizeof(*w));
    w->kind = wk;
    w->row.uid = sanitize_dup(uid);
    w->name = sanitize_dup(name);
    w->ns = k8s_dup_str(meta, "namespace");
    w->app = k8s_dup_str(labels, K8S_LABEL_APP);
    w->version = k8s_dup_str(labels, K8S_LABEL_VERSION);
    w->created = k8s_parse_time(k8s_get_str(meta, "creationTimestamp"));
    w->desired = k8s_desired(spec);
    w->ready = k8s_replicas(k8s_get_int(status, "readyReplicas"));
    w->updated = k8s_replicas(k8s_get_int(status, "updatedReplicas"));
    w->available = k8s_replicas(k8s_get_int(status, "availableReplicas"));
    containers = json_object_get(k8s_get_obj(k8s_get_obj(spec, "template"), "spec"),
                                 "containers");
    if (json_array_size(containers) > 0) {
        const char *image = k8s_get_str(json_array_get(containers, 0), "image");

        if (image != NULL) {
            w->image_tag = sanitize_dup(k8s_image_tag(image, tag, sizeof tag));
        }
    }
    return w;
}

/* kubectl's DeploymentStatusViewer. */
static void k8s_deployment_rollout(struct k8s_workload *w, const json_t *obj)
{
    const json_t *meta = k8s_get_obj(obj, "metadata");
    const json_t *status = k8s_get_obj(obj, "status");
    const json_t *cond = k8s_condition(status, "Progressing");
    int64_t replicas = k8s_get_int(status, "replicas");

    w->rollout = K8S_ROLLOUT_PROGRESSING;
    if (k8s_get_int(meta, "generation") > k8s_get_int(status, "observedGeneration")) {
        return; /* the spec change is not observed yet */
    }
    if (cond != NULL && k8s_str_eq(k8s_get_str(cond, "status"), "False")) {
        const char *reason = k8s_get_str(cond, "reason");

        w->rollout = K8S_ROLLOUT_STALLED;
        w->stall_reason = sanitize_dup(reason != NULL ? reason : "ProgressDeadlineExceeded");
        return;
    }
    if (cond != NULL && k8s_str_eq(k8s_get_str(cond, "reason"), "ProgressDeadlineExceeded")) {
        w->rollout = K8S_ROLLOUT_STALLED;
        w->stall_reason = sanitize_dup("ProgressDeadlineExceeded");
        return;
    }
    if (w->updated < w->desired || replicas > w->updated || w->available < w->updated) {
        return;
    }
    w->rollout = K8S_ROLLOUT_COMPLETE;
}

/* kubectl's StatefulSetStatusViewer (RollingUpdate; OnDelete counts ready replicas only). */
static void k8s_statefulset_rollout(struct k8s_workload *w, const json_t *obj)
{
    const json_t *meta = k8s_get_obj(obj, "metadata");
    const json_t *spec = k8s_get_obj(obj, "spec");
    const json_t *status = k8s_get_obj(obj, "status");
    const json_t *strategy = k8s_get_obj(spec, "updateStrategy");
    const char *type = k8s_get_str(strategy, "type");
    int64_t observed = k8s_get_int(status, "observedGeneration");

    w->rollout = K8S_ROLLOUT_PROGRESSING;
    if (observed == 0 || k8s_get_int(meta, "generation") > observed) {
        return;
    }
    if (w->ready < w->desired) {
        return;
    }
    if (k8s_str_eq(type, "OnDelete")) {
        w->rollout = K8S_ROLLOUT_COMPLETE;
        return;
    }
    if (json_object_get(k8s_get_obj(strategy, "rollingUpdate"), "partition") != NULL) {
        int64_t partition = k8s_get_int(k8s_get_obj(strategy, "rollingUpdate"), "partition");

        if (partition > 0) {
            if (w->updated >= w->desired - partition) {
                w->rollout = K8S_ROLLOUT_COMPLETE;
            }
            return;
        }
    }
    if (!k8s_str_eq(k8s_get_str(status, "updateRevision"),
                    k8s_get_str(status, "currentRevision"))) {
        return;
    }
    w->rollout = K8S_ROLLOUT_COMPLETE;
}

struct k8s_workload *k8s_deployment_parse(const struct json_t *obj, char **err)
{
    struct k8s_workload *w = k8s_workload_common(obj, "deployment", K8S_WORKLOAD_DEPLOYMENT, err);

    if (w != NULL) {
        k8s_deployment_rollout(w, obj);
    }
    return w;
}

struct k8s_workload *k8s_statefulset_parse(const struct json_t *obj, char **err)
{
    struct k8s_workload *w =
        k8s_workload_common(obj, "statefulset", K8S_WORKLOAD_STATEFULSET, err);

    if (w != NULL) {
        const json_t *status = k8s_get_obj(obj, "status");

        if (json_object_get(status, "availableReplicas") == NULL) {
            w->available = w->ready; /* before Kubernetes 1.22 */
        }
        k8s_statefulset_rollout(w, obj);
    }
    return w;
}

/* The first of these timestamps that parses, else 0. */
static int64_t k8s_first_time(const char *a, const char *b, const char *c, const char *d)
{
    const char *cands[4] = {a, b, c, d};

    for (size_t i = 0; i < 4; i++) {
        int64_t t = k8s_parse_time(cands[i]);

        if (t != 0) {
            return t;
        }
    }
    return 0;
}

struct k8s_event *k8s_event_parse(const struct json_t *obj, char **err)
{
    const char *uid = NULL, *name = NULL;
    const json_t *meta = k8s_meta(obj, "event", &uid, &name, err);
    const json_t *io, *series, *source;
    const char *type, *created, *event_time;
    struct k8s_event *e;
    int64_t count;

    if (meta == NULL) {
        return NULL;
    }
    io = k8s_get_obj(obj, "involvedObject");
    series = k8s_get_obj(obj, "series");
    source = k8s_get_obj(obj, "source");
    e = xcalloc(1, sizeof(*e));
    e->row.uid = sanitize_dup(uid);
    e->ns = k8s_dup_str(meta, "namespace");
    if (e->ns == NULL) {
        e->ns = k8s_dup_str(io, "namespace");
    }
    e->obj_kind = k8s_dup_str(io, "kind");
    e->obj_name = k8s_dup_str(io, "name");
    e->obj_uid = k8s_dup_str(io, "uid");
    e->reason = k8s_dup_str(obj, "reason");
    e->message = k8s_dup_str(obj, "message");
    e->source = k8s_dup_str(source, "component");
    if (e->source == NULL) {
        e->source = k8s_dup_str(obj, "reportingComponent");
    }
    type = k8s_get_str(obj, "type");
    e->type = k8s_str_eq(type, "Normal")    ? K8S_EVENT_NORMAL
              : k8s_str_eq(type, "Warning") ? K8S_EVENT_WARNING
                                            : K8S_EVENT_OTHER;
    count = k8s_get_int(obj, "count");
    if (count <= 0) {
        count = k8s_get_int(series, "count");
    }
    e->count = (int32_t)k8s_clamp(count, 1, INT32_MAX);
    created = k8s_get_str(meta, "creationTimestamp");
    event_time = k8s_get_str(obj, "eventTime");
    e->first = k8s_first_time(k8s_get_str(obj, "firstTimestamp"), event_time, created, NULL);
    e->last = k8s_first_time(k8s_get_str(obj, "lastTimestamp"),
                             k8s_get_str(series, "lastObservedTime"), event_time, created);
    return e;
}

void k8s_event_free(struct store_row *row)
{
    struct k8s_event *e = (struct k8s_event *)row;

    if (e == NULL) {
        return;
    }
    free(e->row.uid);
    free(e->ns);
    free(e->obj_kind);
    free(e->obj_name);
    free(e->obj_uid);
    free(e->reason);
    free(e->message);
    free(e->source);
    free(e);
}

void k8s_workload_free(struct store_row *row)
{
    struct k8s_workload *w = (struct k8s_workload *)row;

    if (w == NULL) {
        return;
    }
    free(w->row.uid);
    free(w->ns);
    free(w->name);
    free(w->app);
    free(w->version);
    free(w->image_tag);
    free(w->stall_reason);
    free(w);
}

void k8s_pod_free(struct store_row *row)
{
    struct k8s_pod *p = (struct k8s_pod *)row;

    if (p == NULL) {
        return;
    }
    free(p); /* its strings are in the same block (k8s_pod_new()) */
}

void k8s_namespace_free(struct store_row *row)
{
    struct k8s_namespace *n = (struct k8s_namespace *)row;

    if (n == NULL) {
        return;
    }
    free(n->row.uid);
    free(n->name);
    free(n->tenant);
    free(n->display);
    free(n->phase);
    free(n->labels);
    free(n);
}

/* Reads exactly `count` decimal digits at *p into *out and advances *p. */
static bool k8s_digits(const char **p, int count, int *out)
{
    int v = 0;

    for (int i = 0; i < count; i++) {
        char ch = (*p)[i];

        if (ch < '0' || ch > '9') {
            return false;
        }
        v = v * 10 + (ch - '0');
    }
    *p += count;
    *out = v;
    return true;
}

static bool k8s_expect(const char **p, char ch)
{
    if (**p != ch) {
        return false;
    }
    (*p)++;
    return true;
}

static int k8s_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

int64_t k8s_parse_time(const char *s)
{
    struct tm tm;
    int year, mon, day, hour, min, sec, off_h = 0, off_m = 0;
    int64_t offset = 0;
    const char *p = s;

    if (s == NULL) {
        return 0;
    }
    if (!k8s_digits(&p, 4, &year) || !k8s_expect(&p, '-') || !k8s_digits(&p, 2, &mon) ||
        !k8s_expect(&p, '-') || !k8s_digits(&p, 2, &day)) {
        return 0;
    }
    if (*p != 'T' && *p != 't') {
        return 0;
    }
    p++;
    if (!k8s_digits(&p, 2, &hour) || !k8s_expect(&p, ':') || !k8s_digits(&p, 2, &min) ||
        !k8s_expect(&p, ':') || !k8s_digits(&p, 2, &sec)) {
        return 0;
    }
    if (mon < 1 || mon > 12 || day < 1 || day > k8s_days_in_month(year, mon) || hour > 23 ||
        min > 59 || sec > 60) {
        return 0;
    }
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') {
            return 0;
        }
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;

        p++;
        if (!k8s_digits(&p, 2, &off_h) || !k8s_expect(&p, ':') || !k8s_digits(&p, 2, &off_m) ||
            off_h > 23 || off_m > 59) {
            return 0;
        }
        offset = sign * ((int64_t)off_h * 3600 + (int64_t)off_m * 60);
    } else {
        return 0;
    }
    if (*p != '\0') {
        return 0;
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    return (int64_t)timegm(&tm) - offset;
}

char *k8s_fmt_age(int64_t seconds, char *buf, size_t size)
{
    const int64_t hour_s = 3600, day_h = 24, year_h = 24 * 365;
    int64_t minutes, hours;

    if (seconds < -1) {
        snprintf(buf, size, "<invalid>");
        return buf;
    }
    if (seconds < 0) {
        snprintf(buf, size, "0s");
        return buf;
    }
    if (seconds < 120) {
        snprintf(buf, size, "%" PRId64 "s", seconds);
        return buf;
    }
    minutes = seconds / 60;
    hours = seconds / hour_s;
    if (minutes < 10) {
        if (seconds % 60 == 0) {
            snprintf(buf, size, "%" PRId64 "m", minutes);
        } else {
            snprintf(buf, size, "%" PRId64 "m%" PRId64 "s", minutes, seconds % 60);
        }
    } else if (minutes < 180) {
        snprintf(buf, size, "%" PRId64 "m", minutes);
    } else if (hours < 8) {
        if (minutes % 60 == 0) {
            snprintf(buf, size, "%" PRId64 "h", hours);
        } else {
            snprintf(buf, size, "%" PRId64 "h%" PRId64 "m", hours, minutes % 60);
        }
    } else if (hours < 48) {
        snprintf(buf, size, "%" PRId64 "h", hours);
    } else if (hours < 8 * day_h) {
        if (hours % day_h == 0) {
            snprintf(buf, size, "%" PRId64 "d", hours / day_h);
        } else {
            snprintf(buf, size, "%" PRId64 "d%" PRId64 "h", hours / day_h, hours % day_h);
        }
    } else if (hours < 2 * year_h) {
        snprintf(buf, size, "%" PRId64 "d", hours / day_h);
    } else if (hours < 8 * year_h) {
        int64_t days_left = (hours / day_h) % 365;

        if (days_left == 0) {
            snprintf(buf, size, "%" PRId64 "y", hours / year_h);
        } else {
            snprintf(buf, size, "%" PRId64 "y%" PRId64 "d", hours / year_h, days_left);
        }
    } else {
        snprintf(buf, size, "%" PRId64 "y", hours / year_h);
    }
    return buf;
}

char *k8s_fmt_restarts(int32_t restarts, int64_t last_restart, int64_t now, char *buf, size_t size)
{
    char age[24];

    if (restarts != 0 && last_restart != 0) {
        snprintf(buf, size, "%" PRId32 " (%s ago)", restarts,
                 k8s_fmt_age(now - last_restart, age, sizeof(age)));
    } else {
        snprintf(buf, size, "%" PRId32, restarts);
    }
    return buf;
}

enum k8s_pod_health k8s_pod_health(const struct k8s_pod *p)
{
    const char *s = p->status != NULL ? p->status : "";

    if (p->deleted != 0 || strcmp(s, "Terminating") == 0) {
        return K8S_POD_WARN;
    }
    if (strcmp(s, "Running") == 0) {
        return p->ready < p->total ? K8S_POD_WARN : K8S_POD_OK;
    }
    if (strcmp(s, "Completed") == 0 || strcmp(s, "Succeeded") == 0) {
        return K8S_POD_DONE;
    }
    if (strcmp(s, "Pending") == 0 || strcmp(s, "ContainerCreating") == 0 ||
        strcmp(s, "PodInitializing") == 0 || strcmp(s, "SchedulingGated") == 0) {
        return K8S_POD_PENDING;
    }
    if (strncmp(s, "Init:", 5) == 0) {
        /* Init:1/3 is progress; Init:CrashLoopBackOff, Init:Error are failures. */
        return strchr(s, '/') != NULL ? K8S_POD_PENDING : K8S_POD_FAILING;
    }
    if (s[0] == '\0' || strcmp(s, "Unknown") == 0 || strcmp(s, "NotReady") == 0) {
        return K8S_POD_UNKNOWN;
    }
    return K8S_POD_FAILING;
}

int k8s_pod_has_previous(const struct k8s_pod *p, const char *name)
{
    const char *s = p->containers;
    size_t n = name != NULL ? strlen(name) : 0;

    for (unsigned i = 0; s != NULL && *s != '\0' && i < 32; i++) {
        size_t len = strcspn(s, ",");

        if (len == n && n > 0 && strncmp(s, name, n) == 0) {
            return (p->prev_runs >> i) & 1u;
        }
        s += len + (s[len] == ',' ? 1 : 0);
    }
    return -1;
}

bool k8s_pod_of_app(const struct k8s_pod *p, const char *ns, const char *app,
                    const char *version)
{
    return p->ns != NULL && p->app != NULL && strcmp(p->ns, ns) == 0 &&
           strcmp(p->app, app) == 0 &&
           (version == NULL || p->version == NULL || strcmp(version, p->version) == 0);
}

bool k8s_pod_has_log(const struct k8s_pod *p)
{
    static const char *const waiting[] = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName",
                                          "CreateContainerConfigError", "CreateContainerError"};
    const char *s = p->status != NULL ? p->status : "";

    if (s[0] == '\0' || p->deleted != 0 || strcmp(s, "Terminating") == 0 ||
        k8s_pod_health(p) == K8S_POD_PENDING) {
        return false;
    }
    for (size_t i = 0; i < sizeof waiting / sizeof waiting[0]; i++) {
        if (strcmp(s, waiting[i]) == 0) {
            return false;
        }
    }
    return true;
}

/* True if the comma-separated list has the name s[0..n). */
static bool k8s_list_has(const char *list, const char *s, size_t n)
{
    while (list != NULL && *list != '\0') {
        size_t len = strcspn(list, ",");

        if (len == n && strncmp(list, s, n) == 0) {
            return true;
        }
        list += len + (list[len] == ',' ? 1 : 0);
    }
    return false;
}

char *k8s_containers_common(const char *a, const char *b)
{
    char *out;
    size_t o = 0;

    if (a == NULL || b == NULL) {
        return NULL;
    }
    out = xmalloc(strlen(a) + 1);
    while (*a != '\0') {
        size_t len = strcspn(a, ",");

        if (len > 0 && k8s_list_has(b, a, len)) {
            if (o > 0) {
                out[o++] = ',';
            }
            memcpy(out + o, a, len);
            o += len;
        }
        a += len + (a[len] == ',' ? 1 : 0);
    }
    out[o] = '\0';
    if (o == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* True if s[0..n) is a run of DNS-1123 label characters, [a-z0-9]([-a-z0-9]*[a-z0-9])?,
 * of 1 to `max` of them. */
static bool k8s_valid_segment(const char *s, size_t n, size_t max)
{
    if (n == 0 || n > max || s[0] == '-' || s[n - 1] == '-') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) {
            return false;
        }
    }
    return true;
}

bool k8s_valid_label(const char *s)
{
    return s != NULL && k8s_valid_segment(s, strlen(s), 63);
}

bool k8s_valid_name(const char *s)
{
    size_t n;

    if (s == NULL || (n = strlen(s)) == 0 || n > 253) {
        return false;
    }
    for (const char *seg = s;;) {
        const char *dot = memchr(seg, '.', n - (size_t)(seg - s));
        size_t len = dot != NULL ? (size_t)(dot - seg) : n - (size_t)(seg - s);

        /* Kubernetes bounds only the whole name, not each of its dot-separated labels. */
        if (!k8s_valid_segment(seg, len, 253)) {
            return false;
        }
        if (dot == NULL) {
            return true;
        }
        seg = dot + 1;
    }
}

int64_t k8s_age_next_change(int64_t age)
{
    if (age < 600) {
        return 1;
    }
    if (age < 8 * 3600) {
        return 60 - age % 60;
    }
    if (age < 8 * 86400) {
        return 3600 - age % 3600;
    }
    return 86400 - age % 86400;
}

/* ---- ReplicaSets ---- */

/* The uid of the controlling Deployment in metadata.ownerReferences, borrowed; NULL if none. */
static const char *k8s_controller_deployment(const json_t *meta)
{
    const json_t *refs = json_object_get(meta, "ownerReferences");
    size_t i;
    const json_t *ref;

    json_array_foreach (refs, i, ref) {
        if (json_is_true(json_object_get(ref, "controller")) &&
            k8s_str_eq(k8s_get_str(ref, "kind"), "Deployment")) {
            return k8s_get_str(ref, "uid");
        }
    }
    return NULL;
}

int64_t k8s_revision(const struct json_t *meta)
{
    const char *s =
        k8s_get_str(k8s_get_obj(meta, "annotations"), "deployment.kubernetes.io/revision");
    int64_t v = 0;

    if (s == NULL) {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10) {
            return 0;
        }
        v = v * 10 + (*s - '0');
    }
    return v;
}

struct k8s_replicaset *k8s_replicaset_parse(const struct json_t *obj, char **err)
{
    const char *uid = NULL, *name = NULL;
    const json_t *meta = k8s_meta(obj, "replicaset", &uid, &name, err);
    const json_t *spec, *status, *labels;
    struct k8s_replicaset *r;

    if (meta == NULL) {
        return NULL;
    }
    spec = k8s_get_obj(obj, "spec");
    status = k8s_get_obj(obj, "status");
    labels = k8s_get_obj(meta, "labels");
    r = xcalloc(1, sizeof(*r));
    r->row.uid = sanitize_dup(uid);
    r->name = sanitize_dup(name);
    r->ns = k8s_dup_str(meta, "namespace");
    r->owner_uid = sanitize_dup(k8s_controller_deployment(meta));
    r->app = k8s_dup_str(labels, K8S_LABEL_APP);
    r->version = k8s_dup_str(labels, K8S_LABEL_VERSION);
    r->revision = k8s_revision(meta);
    r->desired = k8s_desired(spec);
    r->current = k8s_replicas(k8s_get_int(status, "replicas"));
    r->ready = k8s_replicas(k8s_get_int(status, "readyReplicas"));
    r->available = k8s_replicas(k8s_get_int(status, "availableReplicas"));
    r->created = k8s_parse_time(k8s_get_str(meta, "creationTimestamp"));
    return r;
}

void k8s_replicaset_free(struct store_row *row)
{
    struct k8s_replicaset *r = (struct k8s_replicaset *)row;

    if (r == NULL) {
        return;
    }
    free(r->row.uid);
    free(r->ns);
    free(r->name);
    free(r->owner_uid);
    free(r->app);
    free(r->version);
    free(r);
}

/* ---- ResourceQuotas ---- */

/* The first of `keys` (NULL-terminated) that `hard` sets; its amounts in *hard and *used
 * (-1 when absent or invalid). Returns the key (static), NULL if none. */
static const char *k8s_quota_pick(const json_t *hard, const json_t *used, const char *const *keys,
                                  int scale, int64_t *h, int64_t *u)
{
    *h = -1;
    *u = -1;
    for (; *keys != NULL; keys++) {
        const char *v = k8s_get_str(hard, *keys);

        if (v != NULL) {
            *h = k8s_quantity_scaled(v, scale);
            *u = k8s_quantity_scaled(k8s_get_str(used, *keys), scale);
            return *keys;
        }
    }
    return NULL;
}

struct k8s_quota *k8s_quota_parse(const struct json_t *obj, char **err)
{
    static const char *const cpu_keys[] = {"requests.cpu", "cpu", "limits.cpu", NULL};
    static const char *const mem_keys[] = {"requests.memory", "memory", "limits.memory", NULL};
    static const char *const pod_keys[] = {"pods", "count/pods", NULL};
    const char *uid = NULL, *name = NULL;
    const json_t *meta = k8s_meta(obj, "resourcequota", &uid, &name, err);
    const json_t *status, *hard, *used;
    struct k8s_quota *q;

    if (meta == NULL) {
        return NULL;
    }
    status = k8s_get_obj(obj, "status");
    hard = k8s_get_obj(status, "hard");
    if (hard == NULL) {
        hard = k8s_get_obj(k8s_get_obj(obj, "spec"), "hard");
    }
    used = k8s_get_obj(status, "used");
    q = xcalloc(1, sizeof(*q));
    q->row.uid = sanitize_dup(uid);
    q->name = sanitize_dup(name);
    q->ns = k8s_dup_str(meta, "namespace");
    q->cpu_key = k8s_quota_pick(hard, used, cpu_keys, 3, &q->cpu_hard, &q->cpu_used);
    q->mem_key = k8s_quota_pick(hard, used, mem_keys, 0, &q->mem_hard, &q->mem_used);
    k8s_quota_pick(hard, used, pod_keys, 0, &q->pods_hard, &q->pods_used);
    q->created = k8s_parse_time(k8s_get_str(meta, "creationTimestamp"));
    return q;
}

void k8s_quota_free(struct store_row *row)
{
    struct k8s_quota *q = (struct k8s_quota *)row;

    if (q == NULL) {
        return;
    }
    free(q->row.uid);
    free(q->ns);
    free(q->name);
    free(q);
}

/* ---- metrics.k8s.io ---- */

char *k8s_pod_metrics_key(const char *ns, const char *name, char *buf, size_t size)
{
    /* What snprintf("%s/%s") writes, without its cost: views join 50,000 pods with this. */
    const char *a = ns != NULL ? ns : "", *b = name != NULL ? name : "";
    size_t la, lb;

    if (size == 0) {
        return buf;
    }
    la = strnlen(a, size - 1);
    memcpy(buf, a, la);
    if (la + 1 < size) {
        buf[la++] = '/';
    }
    lb = strnlen(b, size - 1 - la);
    memcpy(buf + la, b, lb);
    buf[la + lb] = '\0';
    return buf;
}

/* "15s", "1m30s" (Go durations of whole seconds) to seconds; 0 when unknown. */
static int32_t k8s_window_seconds(const char *s)
{
    int64_t total = 0, v = 0;
    bool digits = false;

    if (s == NULL) {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if (*s >= '0' && *s <= '9') {
            if (v > 100000000) {
                return 0;
            }
            v = v * 10 + (*s - '0');
            digits = true;
        } else if (digits && (*s == 'h' || *s == 'm' || *s == 's') && s[1] != 's') {
            total += v * (*s == 'h' ? 3600 : *s == 'm' ? 60 : 1);
            v = 0;
            digits = false;
        } else {
            return 0; /* fractions, ms, µs: not worth a column */
        }
    }
    return digits ? 0 : (int32_t)k8s_clamp(total, 0, INT32_MAX);
}

/* Adds a quantity to *sum unless either is invalid (then -1). */
static void k8s_usage_add(int64_t *sum, const char *q, int scale)
{
    int64_t v = k8s_quantity_scaled(q, scale);

    if (*sum < 0 || v < 0 || v > INT64_MAX - *sum) {
        *sum = -1;
    } else {
        *sum += v;
    }
}

struct k8s_metrics *k8s_metrics_new(const char *ns, const char *name, const char *timestamp,
                                    const char *window)
{
    /* One allocation for the row and its three strings: a poll at 50,000 pods replaces every
     * row, and four frees a row on the loop thread showed in the profile. Sanitizing never
     * grows a string, and the key is at most the two names and a '/'. */
    size_t nl = strlen(name), sl = ns != NULL ? strlen(ns) : 0;
    struct k8s_metrics *m = xcalloc(1, sizeof(*m) + (nl + 1) + (sl + 1) + (nl + sl + 2));
    char *p = (char *)(m + 1);
    char key[K8S_METRICS_KEY_MAX];

    m->name = sanitize_inplace(memcpy(p, name, nl + 1));
    p += nl + 1;
    if (ns != NULL) {
        m->ns = sanitize_inplace(memcpy(p, ns, sl + 1));
        p += sl + 1;
        m->row.uid = strcpy(p, k8s_pod_metrics_key(m->ns, m->name, key, sizeof(key)));
    } else {
        m->row.uid = strcpy(p, m->name);
    }
    m->timestamp = k8s_parse_time(timestamp);
    m->window_s = k8s_window_seconds(window);
    return m;
}

void k8s_metrics_add_usage(struct k8s_metrics *m, const char *cpu, const char *memory)
{
    k8s_usage_add(&m->cpu_m, cpu, 3);
    k8s_usage_add(&m->mem_b, memory, 0);
}

/* The fields both metrics kinds share; `ns` is required for pods. */
static struct k8s_metrics *k8s_metrics_common(const json_t *obj, const char *kind, bool pod,
                                              char **err)
{
    const json_t *meta = k8s_get_obj(obj, "metadata");
    const char *name = k8s_get_str(meta, "name");
    const char *ns = k8s_get_str(meta, "namespace");

    if (!json_is_object(obj) || name == NULL || (pod && ns == NULL)) {
        if (err != NULL) {
            *err = xasprintf("%s: %s", kind,
                             !json_is_object(obj) ? "not a JSON object"
                             : name == NULL       ? "metadata.name missing or not a string"
                                                  : "metadata.namespace missing or not a string");
        }
        return NULL;
    }
    return k8s_metrics_new(pod ? ns : NULL, name, k8s_get_str(obj, "timestamp"),
                           k8s_get_str(obj, "window"));
}

struct k8s_metrics *k8s_pod_metrics_parse(const struct json_t *obj, char **err)
{
    struct k8s_metrics *m = k8s_metrics_common(obj, "podmetrics", true, err);
    const json_t *containers;
    size_t i;
    const json_t *c;

    if (m == NULL) {
        return NULL;
    }
    containers = json_object_get(obj, "containers");
    if (!json_is_array(containers)) {
        m->cpu_m = -1;
        m->mem_b = -1;
        return m;
    }
    json_array_foreach (containers, i, c) {
        const json_t *usage = k8s_get_obj(c, "usage");

        k8s_metrics_add_usage(m, k8s_get_str(usage, "cpu"), k8s_get_str(usage, "memory"));
    }
    return m;
}

struct k8s_metrics *k8s_node_metrics_parse(const struct json_t *obj, char **err)
{
    struct k8s_metrics *m = k8s_metrics_common(obj, "nodemetrics", false, err);
    const json_t *usage;

    if (m == NULL) {
        return NULL;
    }
    usage = k8s_get_obj(obj, "usage");
    m->cpu_m = k8s_quantity_milli(k8s_get_str(usage, "cpu"));
    m->mem_b = k8s_quantity_bytes(k8s_get_str(usage, "memory"));
    return m;
}

void k8s_metrics_free(struct store_row *row)
{
    struct k8s_metrics *m = (struct k8s_metrics *)row;

    if (m == NULL) {
        return;
    }
    free(m); /* its strings are in the same block (k8s_metrics_new()) */
}

/* ---- nodes ---- */

#define K8S_NODE_ROLE_PREFIX "node-role.kubernetes.io/"

/* kubectl's ROLES of a node's labels: each node-role.kubernetes.io/ROLE (ROLE not empty) and
 * the value of kubernetes.io/role (not empty), sorted, once each; NULL when none. */
static char *k8s_node_roles(const json_t *labels)
{
    const size_t plen = strlen(K8S_NODE_ROLE_PREFIX);
    const char **roles = xcalloc(json_object_size(labels) + 1, sizeof *roles);
    size_t n = 0, kept = 0;
    const char *key;
    json_t *v;
    char *out;

    json_object_foreach ((json_t *)labels, key, v) {
        const char *role = NULL;

        if (strncmp(key, K8S_NODE_ROLE_PREFIX, plen) == 0) {
            role = key + plen;
        } else if (strcmp(key, "kubernetes.io/role") == 0) {
            role = json_string_value(v);
        }
        if (role != NULL && role[0] != '\0') {
            roles[n++] = role;
        }
    }
    qsort(roles, n, sizeof *roles, k8s_str_ptr_cmp);
    for (size_t i = 0; i < n; i++) {
        if (kept == 0 || strcmp(roles[kept - 1], roles[i]) != 0) {
            roles[kept++] = roles[i];
        }
    }
    out = k8s_join_sanitized(roles, kept);
    free(roles);
    return out;
}

/* spec.taints as "key=value:effect" ("key:effect" without a value), in their order, joined
 * by ','; NULL when there is none. Taints without a key are left out. */
static char *k8s_node_taints(const json_t *spec)
{
    const json_t *taints = json_object_get(spec, "taints");
    size_t n = json_array_size(taints), k = 0;
    char **texts = xcalloc(n + 1, sizeof *texts);
    char *out;

    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_array_get(taints, i);
        const char *key = k8s_get_str(t, "key");
        const char *value = k8s_get_str(t, "value");
        const char *effect = k8s_get_str(t, "effect");

        if (key != NULL) {
            texts[k++] = xasprintf("%s%s%s%s%s", key, value != NULL ? "=" : "",
                                   value != NULL ? value : "", effect != NULL ? ":" : "",
                                   effect != NULL ? effect : "");
        }
    }
    out = k8s_join_sanitized((const char *const *)texts, k);
    for (size_t i = 0; i < k; i++) {
        free(texts[i]);
    }
    free(texts);
    return out;
}

struct k8s_node *k8s_node_parse(const struct json_t *obj, char **err)
{
    const char *uid = NULL, *name = NULL;
    const json_t *meta = k8s_meta(obj, "node", &uid, &name, err);
    const json_t *spec, *status, *alloc, *ready;
    struct k8s_node *n;

    if (meta == NULL) {
        return NULL;
    }
    spec = k8s_get_obj(obj, "spec");
    status = k8s_get_obj(obj, "status");
    alloc = k8s_get_obj(status, "allocatable");
    ready = k8s_condition(status, "Ready");
    n = xcalloc(1, sizeof(*n));
    n->row.uid = sanitize_dup(uid);
    n->name = sanitize_dup(name);
    n->ready = ready == NULL ? K8S_NODE_UNKNOWN
               : k8s_str_eq(k8s_get_str(ready, "status"), "True") ? K8S_NODE_READY
                                                                  : K8S_NODE_NOT_READY;
    n->unschedulable = json_is_true(json_object_get(spec, "unschedulable"));
    n->status = xasprintf("%s%s",
                          n->ready == K8S_NODE_READY       ? "Ready"
                          : n->ready == K8S_NODE_NOT_READY ? "NotReady"
                                                           : "Unknown",
                          n->unschedulable ? ",SchedulingDisabled" : "");
    n->roles = k8s_node_roles(k8s_get_obj(meta, "labels"));
    n->version = k8s_dup_str(k8s_get_obj(status, "nodeInfo"), "kubeletVersion");
    n->taints = k8s_node_taints(spec);
    n->cpu_alloc = k8s_quantity_milli(k8s_get_str(alloc, "cpu"));
    n->mem_alloc = k8s_quantity_bytes(k8s_get_str(alloc, "memory"));
    n->pods_alloc = k8s_quantity_bytes(k8s_get_str(alloc, "pods"));
    n->created = k8s_parse_time(k8s_get_str(meta, "creationTimestamp"));
    return n;
}

void k8s_node_free(struct store_row *row)
{
    struct k8s_node *n = (struct k8s_node *)row;

    if (n == NULL) {
        return;
    }
    free(n->row.uid);
    free(n->name);
    free(n->status);
    free(n->roles);
    free(n->version);
    free(n->taints);
    free(n);
}

/* ---- any kind ---- */

struct store_row *k8s_row_parse(enum store_kind kind, const struct json_t *obj, char **err)
{
    switch (kind) {
    case STORE_NAMESPACE:
        return (struct store_row *)k8s_namespace_parse(obj, err);
    case STORE_POD:
        return (struct store_row *)k8s_pod_parse(obj, err);
    case STORE_DEPLOYMENT:
        return (struct store_row *)k8s_deployment_parse(obj, err);
    case STORE_STATEFULSET:
        return (struct store_row *)k8s_statefulset_parse(obj, err);
    case STORE_EVENT:
        return (struct store_row *)k8s_event_parse(obj, err);
    case STORE_REPLICASET:
        return (struct store_row *)k8s_replicaset_parse(obj, err);
    case STORE_QUOTA:
        return (struct store_row *)k8s_quota_parse(obj, err);
    case STORE_POD_METRICS:
        return (struct store_row *)k8s_pod_metrics_parse(obj, err);
    case STORE_NODE_METRICS:
        return (struct store_row *)k8s_node_metrics_parse(obj, err);
    case STORE_NODE:
        return (struct store_row *)k8s_node_parse(obj, err);
    default:
        break;
    }
    if (err != NULL) {
        *err = xasprintf("no parser for store kind %d", (int)kind);
    }
    return NULL;
}

/* What the parsers above do not read. Deny lists where a kind's members are few or read
 * whole (metadata, status); allow lists where they are many and open-ended (a pod's spec and
 * containers). */
static const struct jsonprune_member k8s_prune_meta_members[] = {{"managedFields", NULL},
                                                                 {NULL, NULL}};
static const struct jsonprune k8s_prune_meta = {true, k8s_prune_meta_members, NULL};

/* Pods are the many: allow lists throughout, down to the members the status reads. */
static const struct jsonprune_member k8s_prune_pod_owner_members[] = {
    {"kind", NULL}, {"name", NULL}, {"controller", NULL}, {NULL, NULL}};
static const struct jsonprune k8s_prune_pod_owner = {false, k8s_prune_pod_owner_members, NULL};
static const struct jsonprune_member k8s_prune_pod_meta_members[] = {
    {"name", NULL},   {"namespace", NULL},         {"uid", NULL},
    {"labels", NULL}, {"creationTimestamp", NULL}, {"deletionTimestamp", NULL},
    {"resourceVersion", NULL}, /* the watch resumes from it */
    {"ownerReferences", &k8s_prune_pod_owner}, /* what recreates it (the delete dialog) */
    {NULL, NULL}};
static const struct jsonprune k8s_prune_pod_meta = {false, k8s_prune_pod_meta_members, NULL};
static const struct jsonprune_member k8s_prune_pod_container_members[] = {
    {"name", NULL}, {"restartPolicy", NULL}, {NULL, NULL}};
static const struct jsonprune k8s_prune_pod_container = {false, k8s_prune_pod_container_members,
                                                         NULL};
static const struct jsonprune_member k8s_prune_pod_spec_members[] = {
    {"nodeName", NULL},
    {"containers", &k8s_prune_pod_container},
    {"initContainers", &k8s_prune_pod_container},
    {NULL, NULL}};
static const struct jsonprune k8s_prune_pod_spec = {false, k8s_prune_pod_spec_members, NULL};
static const struct jsonprune_member k8s_prune_pod_condition_members[] = {
    {"type", NULL}, {"status", NULL}, {"reason", NULL}, {NULL, NULL}};
static const struct jsonprune k8s_prune_pod_condition = {false, k8s_prune_pod_condition_members,
                                                         NULL};
static const struct jsonprune_member k8s_prune_pod_cstatus_members[] = {
    {"name", NULL},         {"ready", NULL}, {"started", NULL},
    {"restartCount", NULL}, {"state", NULL}, {"lastState", NULL},
    {NULL, NULL}};
static const struct jsonprune k8s_prune_pod_cstatus = {false, k8s_prune_pod_cstatus_members, NULL};
static const struct jsonprune_member k8s_prune_pod_status_members[] = {
    {"phase", NULL},
    {"reason", NULL},
    {"podIP", NULL},
    {"conditions", &k8s_prune_pod_condition},
    {"containerStatuses", &k8s_prune_pod_cstatus},
    {"initContainerStatuses", &k8s_prune_pod_cstatus},
    {NULL, NULL}};
static const struct jsonprune k8s_prune_pod_status = {false, k8s_prune_pod_status_members, NULL};
static const struct jsonprune_member k8s_prune_pod_members[] = {
    {"metadata", &k8s_prune_pod_meta},
    {"spec", &k8s_prune_pod_spec},
    {"status", &k8s_prune_pod_status},
    {NULL, NULL}};
static const struct jsonprune k8s_prune_pod = {true, k8s_prune_pod_members, NULL};

/* Deployments and StatefulSets read the first container's image of the pod template. */
static const struct jsonprune_member k8s_prune_image_members[] = {{"image", NULL}, {NULL, NULL}};
static const struct jsonprune k8s_prune_image = {false, k8s_prune_image_members, NULL};
static const struct jsonprune_member k8s_prune_tspec_members[] = {
    {"containers", &k8s_prune_image}, {NULL, NULL}};
static const struct jsonprune k8s_prune_tspec = {false, k8s_prune_tspec_members, NULL};
static const struct jsonprune_member k8s_prune_template_members[] = {
    {"spec", &k8s_prune_tspec}, {NULL, NULL}};
static const struct jsonprune k8s_prune_template = {false, k8s_prune_template_members, NULL};
static const struct jsonprune_member k8s_prune_wspec_members[] = {
    {"template", &k8s_prune_template}, {NULL, NULL}};
static const struct jsonprune k8s_prune_wspec = {true, k8s_prune_wspec_members, NULL};
static const struct jsonprune_member k8s_prune_workload_members[] = {
    {"metadata", &k8s_prune_meta}, {"spec", &k8s_prune_wspec}, {NULL, NULL}};
static const struct jsonprune k8s_prune_workload = {true, k8s_prune_workload_members, NULL};

/* ReplicaSets read spec.replicas only. */
static const struct jsonprune_member k8s_prune_rsspec_members[] = {{"template", NULL},
                                                                   {NULL, NULL}};
static const struct jsonprune k8s_prune_rsspec = {true, k8s_prune_rsspec_members, NULL};
static const struct jsonprune_member k8s_prune_rs_members[] = {
    {"metadata", &k8s_prune_meta}, {"spec", &k8s_prune_rsspec}, {NULL, NULL}};
static const struct jsonprune k8s_prune_rs = {true, k8s_prune_rs_members, NULL};

/* Nodes: their status carries every image the node has pulled; only the Ready condition,
 * allocatable and the kubelet's version are read. */
static const struct jsonprune_member k8s_prune_node_meta_members[] = {
    {"name", NULL},   {"uid", NULL}, {"creationTimestamp", NULL},
    {"labels", NULL}, {"resourceVersion", NULL}, /* the watch resumes from it */
    {NULL, NULL}};
static const struct jsonprune k8s_prune_node_meta = {false, k8s_prune_node_meta_members, NULL};
static const struct jsonprune_member k8s_prune_node_spec_members[] = {
    {"unschedulable", NULL}, {"taints", NULL}, {NULL, NULL}};
static const struct jsonprune k8s_prune_node_spec = {false, k8s_prune_node_spec_members, NULL};
static const struct jsonprune_member k8s_prune_node_info_members[] = {{"kubeletVersion", NULL},
                                                                      {NULL, NULL}};
static const struct jsonprune k8s_prune_node_info = {false, k8s_prune_node_info_members, NULL};
static const struct jsonprune_member k8s_prune_node_status_members[] = {
    {"conditions", &k8s_prune_pod_condition},
    {"allocatable", NULL},
    {"nodeInfo", &k8s_prune_node_info},
    {NULL, NULL}};
static const struct jsonprune k8s_prune_node_status = {false, k8s_prune_node_status_members, NULL};
static const struct jsonprune_member k8s_prune_node_members[] = {
    {"metadata", &k8s_prune_node_meta},
    {"spec", &k8s_prune_node_spec},
    {"status", &k8s_prune_node_status},
    {NULL, NULL}};
static const struct jsonprune k8s_prune_node = {true, k8s_prune_node_members, NULL};

static const struct jsonprune_member k8s_prune_other_members[] = {{"metadata", &k8s_prune_meta},
                                                                  {NULL, NULL}};
static const struct jsonprune k8s_prune_other = {true, k8s_prune_other_members, NULL};

const struct jsonprune *k8s_row_prune(enum store_kind kind)
{
    switch (kind) {
    case STORE_POD:
        return &k8s_prune_pod;
    case STORE_DEPLOYMENT:
    case STORE_STATEFULSET:
        return &k8s_prune_workload;
    case STORE_REPLICASET:
        return &k8s_prune_rs;
    case STORE_NODE:
        return &k8s_prune_node;
    case STORE_NAMESPACE:
    case STORE_EVENT:
    case STORE_QUOTA:
        return &k8s_prune_other;
    default:
        return NULL;
    }
}

store_row_free_fn k8s_row_free_fn(enum store_kind kind)
{
    switch (kind) {
    case STORE_NAMESPACE:
        return k8s_namespace_free;
    case STORE_POD:
        return k8s_pod_free;
    case STORE_DEPLOYMENT:
    case STORE_STATEFULSET:
        return k8s_workload_free;
    case STORE_EVENT:
        return k8s_event_free;
    case STORE_REPLICASET:
        return k8s_replicaset_free;
    case STORE_QUOTA:
        return k8s_quota_free;
    case STORE_POD_METRICS:
    case STORE_NODE_METRICS:
        return k8s_metrics_free;
    case STORE_NODE:
        return k8s_node_free;
    default:
        return NULL;
    }
}

/* ---- quantities ---- */

/* Significant digits kept; the value range (2^63 after scaling) needs 19, the rest only
 * decides rounding up, which a sticky flag records. */
#define K8S_QTY_DIGITS 64
/* Room for 1024^6 (up to 19 more digits). */
#define K8S_QTY_ROOM 24

/* The suffix at p: adds its decimal exponent to *exp10 and its power of 1024 to *bin.
 * Returns false if it is not a valid suffix. */
static bool k8s_qty_suffix(const char *p, long *exp10, int *bin)
{
    static const char dec[] = "num kMGTPE";
    static const char binary[] = "KMGTPE";
    const char *d;

    if (*p == '\0') {
        return true;
    }
    if (p[1] == 'i' && p[2] == '\0' && (d = strchr(binary, *p)) != NULL) {
        *bin = (int)(d - binary) + 1;
        return true;
    }
    if ((*p == 'e' || *p == 'E') && p[1] != '\0') {
        long e = 0;
        int sign = 1;

        p++;
        if (*p == '+' || *p == '-') {
            sign = *p == '-' ? -1 : 1;
            p++;
        }
        if (*p == '\0') {
            return false;
        }
        for (; *p != '\0'; p++) {
            if (*p < '0' || *p > '9') {
                return false;
            }
            if (e < 100000) {
                e = e * 10 + (*p - '0'); /* beyond this every result overflows or is 1 */
            }
        }
        *exp10 += sign * e;
        return true;
    }
    if (p[1] == '\0' && *p != ' ' && (d = strchr(dec, *p)) != NULL) {
        *exp10 += ((long)(d - dec) - 3) * 3; /* n -9, u -6, m -3, k 3 ... E 18 */
        return true;
    }
    return false;
}

int64_t k8s_quantity_scaled(const char *s, int scale)
{
    char buf[K8S_QTY_ROOM + K8S_QTY_DIGITS];
    char *d = buf + K8S_QTY_ROOM; /* digits, most significant first, no leading zero */
    size_t n = 0;
    long exp10 = 0, k;
    int bin = 0;
    bool any = false, sticky = false, neg = false;
    const char *p = s;
    uint64_t v = 0;

    if (s == NULL || scale < 0 || scale > 9) {
        return -1;
    }
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        any = true;
        if (n == 0 && *p == '0') {
            continue;
        }
        if (n < K8S_QTY_DIGITS) {
            d[n++] = *p;
        } else {
            sticky |= *p != '0';
            exp10++;
        }
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            any = true;
            if (n == 0 && *p == '0') {
                exp10--;
            } else if (n < K8S_QTY_DIGITS) {
                d[n++] = *p;
                exp10--;
            } else {
                sticky |= *p != '0';
            }
        }
    }
    if (!any || !k8s_qty_suffix(p, &exp10, &bin)) {
        return -1;
    }
    if (n == 0) {
        return 0; /* zero, of either sign */
    }
    if (neg) {
        return -1;
    }
    /* times 1024^bin, in place, growing to the left */
    for (int b = 0; b < bin; b++) {
        unsigned carry = 0;

        for (size_t i = n; i-- > 0;) {
            unsigned x = (unsigned)(d[i] - '0') * 1024u + carry;

            d[i] = (char)('0' + x % 10);
            carry = x / 10;
        }
        while (carry > 0) {
            *--d = (char)('0' + carry % 10);
            carry /= 10;
            n++;
        }
    }
    exp10 += scale;
    /* value = d[0..n) * 10^exp10 (+ a sticky bit below); integer part, rounded up */
    k = exp10 < 0 ? -exp10 : 0;
    if ((long)n - k + (exp10 > 0 ? exp10 : 0) > 19) {
        return -1;
    }
    for (long i = 0; i < (long)n - k; i++) {
        v = v * 10 + (uint64_t)(d[i] - '0');
    }
    for (long i = 0; i < exp10; i++) {
        v *= 10;
    }
    if (v > (uint64_t)INT64_MAX) {
        return -1;
    }
    for (long i = (long)n - k > 0 ? (long)n - k : 0; i < (long)n && !sticky; i++) {
        sticky = d[i] != '0';
    }
    if (sticky) {
        if (v == (uint64_t)INT64_MAX) {
            return -1;
        }
        v++;
    }
    return (int64_t)v;
}

int64_t k8s_quantity_milli(const char *s)
{
    return k8s_quantity_scaled(s, 3);
}

int64_t k8s_quantity_bytes(const char *s)
{
    return k8s_quantity_scaled(s, 0);
}

/* whole.tenth rounded, without ".0". */
static char *k8s_fmt_tenths(uint64_t whole, unsigned tenth, const char *unit, char *buf,
                            size_t size)
{
    if (tenth >= 10) {
        whole++;
        tenth = 0;
    }
    if (tenth == 0) {
        snprintf(buf, size, "%" PRIu64 "%s", whole, unit);
    } else {
        snprintf(buf, size, "%" PRIu64 ".%u%s", whole, tenth, unit);
    }
    return buf;
}

char *k8s_fmt_cpu(int64_t milli, char *buf, size_t size)
{
    if (milli < 0) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    if (milli < 1000) {
        snprintf(buf, size, "%" PRId64 "m", milli);
        return buf;
    }
    return k8s_fmt_tenths((uint64_t)milli / 1000, (unsigned)((milli % 1000 + 50) / 100), "", buf,
                          size);
}

/* value / unit with one decimal, rounded half up; "n/a" when negative. */
static char *k8s_fmt_one_decimal(int64_t value, uint64_t unit, char *buf, size_t size)
{
    uint64_t tenths;

    if (value < 0) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    if (value > INT64_MAX / 10) {
        value = INT64_MAX / 10; /* nothing measured is that large; no overflow below */
    }
    tenths = ((uint64_t)value * 10 + unit / 2) / unit;
    snprintf(buf, size, "%" PRIu64 ".%u", tenths / 10, (unsigned)(tenths % 10));
    return buf;
}

char *k8s_fmt_cores(int64_t milli, char *buf, size_t size)
{
    return k8s_fmt_one_decimal(milli, 1000, buf, size);
}

char *k8s_fmt_gib(int64_t bytes, char *buf, size_t size)
{
    return k8s_fmt_one_decimal(bytes, (uint64_t)1 << 30, buf, size);
}

char *k8s_fmt_mem(int64_t bytes, char *buf, size_t size)
{
    static const char *const units[] = {"Gi", "Ti", "Pi", "Ei"};
    uint64_t b = (uint64_t)bytes, unit = (uint64_t)1 << 30;
    size_t u = 0;

    if (bytes < 0) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    if (b < unit) {
        snprintf(buf, size, "%" PRIu64 "Mi", b >> 20);
        return buf;
    }
    while (u + 1 < sizeof(units) / sizeof(units[0]) && b / unit >= 1024) {
        unit <<= 10;
        u++;
    }
    return k8s_fmt_tenths(b / unit, (unsigned)((b % unit * 10 + unit / 2) / unit), units[u], buf,
                          size);
}
