/* Kubernetes Events (core/v1) of the simulated world: what the scheduler, the kubelet and
 * the controllers report about pods, ReplicaSets, Deployments and StatefulSets. Kept sorted
 * by (namespace, name) like every other kind; a repeat of the same reason and message about
 * the same object is aggregated into count and lastTimestamp, as the kubelet's event
 * correlator does. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/world_int.h"

#define EVENTS_PER_OBJECT 20

static int ev_cmp_key(int ns_a, const char *name_a, int ns_b, const char *name_b)
{
    if (ns_a != ns_b) {
        return ns_a < ns_b ? -1 : 1;
    }
    return strcmp(name_a, name_b);
}

size_t world_event_lower_bound(const struct world *w, int ns_rank, const char *name, bool after)
{
    size_t lo = 0;
    size_t hi = w->n_events;
    const char *key = name ? name : "";
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct world_kevent *e = w->events[mid];
        int c = ev_cmp_key(e->ns, e->name, ns_rank, key);
        if (c < 0 || (after && c == 0)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void ev_emit(struct world *w, struct world_kevent *e, uint8_t type)
{
    w->rv++;
    e->rv = w->rv;
    struct world_event *h = world_history_push(w, type, WORLD_KIND_EVENT);
    if (h) {
        h->obj.kev = *e;
    }
}

/* Removes event index i (DELETED, as when its TTL runs out). */
static void ev_remove_at(struct world *w, size_t i)
{
    struct world_kevent *e = w->events[i];
    ev_emit(w, e, WORLD_EV_DELETED);
    memmove(w->events + i, w->events + i + 1, (w->n_events - i - 1) * sizeof(*w->events));
    w->n_events--;
    free(e);
}

static void ev_insert(struct world *w, struct world_kevent *e)
{
    if (w->n_events == w->cap_events) {
        w->cap_events = w->cap_events ? w->cap_events * 2 : 256;
        w->events = sim_xrealloc(w->events, w->cap_events * sizeof(*w->events));
    }
    size_t i = world_event_lower_bound(w, e->ns, e->name, false);
    memmove(w->events + i + 1, w->events + i, (w->n_events - i) * sizeof(*w->events));
    w->events[i] = e;
    w->n_events++;
}

/* The range of events whose name starts with "OBJECT." in namespace ns. */
static size_t ev_object_range(const struct world *w, int ns, const char *prefix, size_t *end)
{
    size_t plen = strlen(prefix);
    size_t first = world_event_lower_bound(w, ns, prefix, false);
    size_t i = first;
    while (i < w->n_events && w->events[i]->ns == ns &&
           strncmp(w->events[i]->name, prefix, plen) == 0) {
        i++;
    }
    *end = i;
    return first;
}

void world_event_add(struct world *w, int obj_kind, int ns, const char *obj_name,
                     const struct world_uid *obj_uid, const char *field_path, const char *host,
                     const char *component, const char *reason, bool warning, int64_t when,
                     const char *fmt, ...)
{
    char message[sizeof(((struct world_kevent *)0)->message)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    char prefix[WORLD_NAME_MAX + 2];
    snprintf(prefix, sizeof(prefix), "%s.", obj_name);
    size_t end;
    size_t first = ev_object_range(w, ns, prefix, &end);
    size_t mine = 0;
    for (size_t i = first; i < end; i++) {
        struct world_kevent *e = w->events[i];
        if (memcmp(&e->obj_uid, obj_uid, sizeof(*obj_uid)) != 0) {
            continue;
        }
        mine++;
        if (strcmp(e->reason, reason) == 0 && strcmp(e->message, message) == 0) {
            e->count++;
            if (when > e->last) {
                e->last = when;
            }
            ev_emit(w, e, WORLD_EV_MODIFIED);
            return;
        }
    }
    struct world_kevent *e = sim_xcalloc(1, sizeof(*e));
    /* The recorder names an event OBJECT.<UnixNano of its first occurrence, in hex>. */
    uint64_t serial = w->next_event_serial++;
    uint64_t nanos = (uint64_t)when * 1000000000ULL + (serial * 104729ULL) % 1000000000ULL;
    snprintf(e->name, sizeof(e->name), "%s.%016llx", obj_name, (unsigned long long)nanos);
    snprintf(e->obj_name, sizeof(e->obj_name), "%s", obj_name);
    snprintf(e->message, sizeof(e->message), "%s", message);
    snprintf(e->field_path, sizeof(e->field_path), "%s", field_path ? field_path : "");
    snprintf(e->host, sizeof(e->host), "%s", host ? host : "");
    world_gen_uid(&w->rng, &e->uid);
    e->obj_uid = *obj_uid;
    e->first = when;
    e->last = when;
    e->reason = reason;
    e->component = component;
    e->count = 1;
    e->ns = (uint16_t)ns;
    e->obj_kind = (uint8_t)obj_kind;
    e->warning = warning;
    ev_insert(w, e);
    ev_emit(w, e, WORLD_EV_ADDED);
    /* At most EVENTS_PER_OBJECT about one object: the least recent goes. */
    if (mine + 1 > EVENTS_PER_OBJECT) {
        first = ev_object_range(w, ns, prefix, &end);
        size_t oldest = SIZE_MAX;
        for (size_t i = first; i < end; i++) {
            const struct world_kevent *x = w->events[i];
            if (x != e && memcmp(&x->obj_uid, obj_uid, sizeof(*obj_uid)) == 0 &&
                (oldest == SIZE_MAX || x->last < w->events[oldest]->last)) {
                oldest = i;
            }
        }
        if (oldest != SIZE_MAX) {
            ev_remove_at(w, oldest);
        }
    }
    /* And at most max_events in all. */
    while (w->max_events && w->n_events > w->max_events) {
        size_t oldest = 0;
        for (size_t i = 1; i < w->n_events; i++) {
            if (w->events[i]->last < w->events[oldest]->last) {
                oldest = i;
            }
        }
        ev_remove_at(w, oldest);
    }
}

/* ---- the usual stories ------------------------------------------------------------- */

static void pod_field(const struct world_app *a, int container, char *out, size_t size)
{
    if (container == WORLD_C_INIT) {
        snprintf(out, size, "spec.initContainers{db-migrate}");
    } else if (container == WORLD_C_SIDECAR) {
        snprintf(out, size, "spec.containers{log-shipper}");
    } else {
        snprintf(out, size, "spec.containers{%s}", a->container);
    }
}

static const char *pod_host(const struct world *w, const struct world_pod *p)
{
    return p->node >= 0 && (size_t)p->node < w->n_nodes ? w->nodes[p->node].name : "";
}

/* The main container's image of the pod's revision. */
static const char *pod_image(const struct world *w, const struct world_pod *p)
{
    const struct world_app *a = &w->apps[p->app];
    return world_pod_previous(w, p) ? a->old_image : a->image;
}

/* A kubelet event about one of the pod's containers. */
static void kubelet_ev(struct world *w, const struct world_pod *p, int container,
                       const char *reason, bool warning, int64_t when, const char *message)
{
    const struct world_app *a = &w->apps[p->app];
    char field[64];
    pod_field(a, container, field, sizeof(field));
    world_event_add(w, WORLD_KIND_POD, a->ns, p->name, &p->uid, field, pod_host(w, p), "kubelet",
                    reason, warning, when, "%s", message);
}

void world_ev_pod_scheduled(struct world *w, const struct world_pod *p, int64_t when)
{
    const struct world_app *a = &w->apps[p->app];
    const char *host = pod_host(w, p);
    if (!host[0]) {
        return;
    }
    world_event_add(w, WORLD_KIND_POD, a->ns, p->name, &p->uid, NULL, NULL, "default-scheduler",
                    "Scheduled", false, when, "Successfully assigned %s/%s to %s",
                    w->ns[a->ns].name, p->name, host);
}

/* Pulled, Created, Started for one container. */
static void container_started(struct world *w, const struct world_pod *p, int container,
                              int64_t when)
{
    const struct world_app *a = &w->apps[p->app];
    char msg[200];
    const char *name = container == WORLD_C_INIT      ? "db-migrate"
                       : container == WORLD_C_SIDECAR ? "log-shipper"
                                                      : a->container;
    const char *image = container == WORLD_C_SIDECAR
                            ? "registry.govcloud.sit.dk/platform/log-shipper:1.6.2"
                            : pod_image(w, p);
    snprintf(msg, sizeof(msg), "Container image \"%s\" already present on machine", image);
    kubelet_ev(w, p, container, "Pulled", false, when, msg);
    snprintf(msg, sizeof(msg), "Created container %s", name);
    kubelet_ev(w, p, container, "Created", false, when, msg);
    snprintf(msg, sizeof(msg), "Started container %s", name);
    kubelet_ev(w, p, container, "Started", false, when, msg);
}

void world_ev_pod_started(struct world *w, const struct world_pod *p, int64_t when)
{
    const struct world_app *a = &w->apps[p->app];
    if (a->has_init) {
        container_started(w, p, WORLD_C_INIT, when);
    }
    container_started(w, p, WORLD_C_MAIN, when);
    if (a->has_sidecar) {
        container_started(w, p, WORLD_C_SIDECAR, when);
    }
}

void world_ev_pod_killing(struct world *w, const struct world_pod *p, int64_t when)
{
    const struct world_app *a = &w->apps[p->app];
    char msg[120];
    if (!pod_host(w, p)[0] || p->state == POD_COMPLETED || p->state == POD_FAILED) {
        return;
    }
    snprintf(msg, sizeof(msg), "Stopping container %s", a->container);
    kubelet_ev(w, p, WORLD_C_MAIN, "Killing", false, when, msg);
}

static void pull_failed(struct world *w, const struct world_pod *p, int64_t when)
{
    char msg[512];
    snprintf(msg, sizeof(msg), "Pulling image \"%s\"", pod_image(w, p));
    kubelet_ev(w, p, WORLD_C_MAIN, "Pulling", false, when, msg);
    snprintf(msg, sizeof(msg),
             "Failed to pull image \"%s\": rpc error: code = NotFound desc = failed to pull and "
             "unpack image \"%s\": not found",
             pod_image(w, p), pod_image(w, p));
    kubelet_ev(w, p, WORLD_C_MAIN, "Failed", true, when, msg);
    kubelet_ev(w, p, WORLD_C_MAIN, "Failed", true, when, "Error: ErrImagePull");
}

static void failed_scheduling(struct world *w, const struct world_pod *p, int64_t when)
{
    const struct world_app *a = &w->apps[p->app];
    size_t n = w->n_nodes;
    world_event_add(w, WORLD_KIND_POD, a->ns, p->name, &p->uid, NULL, NULL, "default-scheduler",
                    "FailedScheduling", true, when,
                    "0/%zu nodes are available: %zu Insufficient %s. preemption: 0/%zu nodes "
                    "are available: %zu No preemption victims found for incoming pod.",
                    n, n, world_pending_resource(w, p), n, n);
}

void world_ev_pod_state(struct world *w, const struct world_pod *p, int64_t when)
{
    const struct world_app *a = &w->apps[p->app];
    char msg[512];
    char uid[37];
    if (p->deleted_at) {
        world_ev_pod_killing(w, p, when);
        return;
    }
    switch (p->state) {
    case POD_RUNNING:
        snprintf(msg, sizeof(msg), "Started container %s", a->container);
        kubelet_ev(w, p, WORLD_C_MAIN, "Started", false, when, msg);
        break;
    case POD_CRASHLOOP:
        world_uid_format(&p->uid, uid);
        snprintf(msg, sizeof(msg), "Back-off restarting failed container %s in pod %s_%s(%s)",
                 a->container, p->name, w->ns[a->ns].name, uid);
        kubelet_ev(w, p, WORLD_C_MAIN, "BackOff", true, when, msg);
        break;
    case POD_SIDECAR_NOT_READY:
        kubelet_ev(w, p, WORLD_C_SIDECAR, "Unhealthy", true, when,
                   "Readiness probe failed: HTTP probe failed with statuscode: 503");
        break;
    case POD_CREATING:
        world_ev_pod_scheduled(w, p, when);
        break;
    case POD_PENDING:
        failed_scheduling(w, p, when);
        break;
    case POD_ERR_IMAGE_PULL:
        pull_failed(w, p, when);
        break;
    case POD_IMAGE_PULL_BACKOFF:
        snprintf(msg, sizeof(msg), "Back-off pulling image \"%s\"", pod_image(w, p));
        kubelet_ev(w, p, WORLD_C_MAIN, "BackOff", false, when, msg);
        kubelet_ev(w, p, WORLD_C_MAIN, "Failed", true, when, "Error: ImagePullBackOff");
        break;
    default:
        break;
    }
}

void world_ev_owner_pod(struct world *w, const struct world_pod *p, bool created, int64_t when)
{
    const struct world_app *a = &w->apps[p->app];
    char owner[WORLD_NAME_MAX];
    struct world_uid uid;
    if (a->kind == APP_CRONJOB) {
        return;
    }
    world_pod_owner(w, p, owner, sizeof(owner), &uid);
    const char *reason = created ? "SuccessfulCreate" : "SuccessfulDelete";
    if (a->kind == APP_STATEFULSET) {
        world_event_add(w, WORLD_KIND_STATEFULSET, a->ns, owner, &uid, NULL, NULL,
                        "statefulset-controller", reason, false, when,
                        "%s Pod %s in StatefulSet %s successful", created ? "create" : "delete",
                        p->name, a->name);
    } else {
        world_event_add(w, WORLD_KIND_REPLICASET, a->ns, owner, &uid, NULL, NULL,
                        "replicaset-controller", reason, false, when, "%s pod: %s",
                        created ? "Created" : "Deleted", p->name);
    }
}

void world_ev_scaled(struct world *w, size_t ai, const char *hash, uint32_t from, uint32_t to,
                     int64_t when)
{
    const struct world_app *a = &w->apps[ai];
    if (a->kind != APP_DEPLOYMENT || from == to) {
        return;
    }
    world_event_add(w, WORLD_KIND_DEPLOYMENT, a->ns, a->name, &a->uid, NULL, NULL,
                    "deployment-controller", "ScalingReplicaSet", false, when,
                    "Scaled %s replica set %s-%s to %u from %u", to > from ? "up" : "down", a->name,
                    hash, to, from);
}

/* ---- the world at generation ------------------------------------------------------- */

/* Events for one pod as of generation time `now`: what a real cluster would still hold
 * (events live an hour): recent starts and the reports about pods in trouble. */
static void init_pod_events(struct world *w, struct sim_rng *r, const struct world_pod *p,
                            int64_t now)
{
    const struct world_app *a = &w->apps[p->app];
    int64_t recent = now - 3600;
    char msg[512];
    if (p->created >= recent && p->state != POD_PENDING) {
        world_ev_owner_pod(w, p, true, p->created);
        world_ev_pod_scheduled(w, p, p->created);
        if (p->state != POD_CREATING && p->state != POD_ERR_IMAGE_PULL &&
            p->state != POD_IMAGE_PULL_BACKOFF) {
            world_ev_pod_started(w, p, p->created + 2);
        }
    }
    if (p->deleted_at) {
        world_ev_pod_killing(w, p, now - sim_rng_range(r, 1, 20));
    }
    switch (p->state) {
    case POD_CRASHLOOP:
    case POD_OOMKILLED: {
        int64_t last = p->last_finished > recent ? p->last_finished : now - 30;
        world_ev_pod_state(w, p, last - sim_rng_range(r, 600, 3000));
        /* The back-off has been reported many times since. */
        snprintf(msg, sizeof(msg), "%s.", p->name);
        size_t end;
        for (size_t i = ev_object_range(w, a->ns, msg, &end); i < end; i++) {
            struct world_kevent *e = w->events[i];
            if (strcmp(e->reason, "BackOff") == 0 &&
                memcmp(&e->obj_uid, &p->uid, sizeof(p->uid)) == 0) {
                e->count = p->restarts * 4 + (uint32_t)sim_rng_below(r, 20);
                e->last = now - sim_rng_range(r, 1, 60);
            }
        }
        snprintf(msg, sizeof(msg), "Container image \"%s\" already present on machine",
                 pod_image(w, p));
        kubelet_ev(w, p, WORLD_C_MAIN, "Pulled", false, p->last_finished, msg);
        break;
    }
    case POD_PENDING:
        failed_scheduling(w, p, now - sim_rng_range(r, 60, 3000));
        break;
    case POD_CREATING:
        if (p->created < recent) {
            world_ev_pod_scheduled(w, p, now - sim_rng_range(r, 5, 60));
        }
        snprintf(msg, sizeof(msg), "Pulling image \"%s\"", pod_image(w, p));
        kubelet_ev(w, p, WORLD_C_MAIN, "Pulling", false, now - sim_rng_range(r, 1, 5), msg);
        break;
    case POD_ERR_IMAGE_PULL:
    case POD_IMAGE_PULL_BACKOFF:
        pull_failed(w, p, now - sim_rng_range(r, 60, 1200));
        if (p->state == POD_IMAGE_PULL_BACKOFF) {
            world_ev_pod_state(w, p, now - sim_rng_range(r, 1, 60));
        }
        break;
    case POD_INIT:
        container_started(w, p, WORLD_C_INIT, now - sim_rng_range(r, 5, 60));
        break;
    case POD_SIDECAR_NOT_READY:
        world_ev_pod_state(w, p, now - sim_rng_range(r, 1, 120));
        break;
    default:
        break;
    }
}

void world_events_init(struct world *w)
{
    struct sim_rng r;
    sim_rng_seed(&r, w->cfg.seed ^ 0x6576656e7473ULL);
    w->max_events = 1000 + w->cfg.pods / 5;
    int64_t now = w->start_time;
    size_t saved = w->max_events;
    size_t hist_cap = w->hist_cap;
    w->max_events = 0; /* generation keeps everything it makes */
    w->hist_cap = 0;   /* and records no watch history */
    for (size_t i = 0; i < w->n_pods; i++) {
        init_pod_events(w, &r, w->pods[i], now);
    }
    /* Deployments whose ReplicaSet is recent report scaling it up. */
    for (size_t i = 0; i < w->n_apps; i++) {
        const struct world_app *a = &w->apps[i];
        if (a->kind == APP_DEPLOYMENT && a->rs_created >= now - 3600 && a->replicas > 0) {
            world_ev_scaled(w, i, a->hash, 0, a->replicas, a->rs_created);
        }
    }
    w->max_events = saved;
    w->hist_cap = hist_cap;
}

void world_events_free(struct world *w)
{
    for (size_t i = 0; i < w->n_events; i++) {
        free(w->events[i]);
    }
    free(w->events);
    w->events = NULL;
    w->n_events = 0;
}
