/* What the API's mutations set in motion, and the controller thread that plays the
 * kubelet, the ReplicaSet, Deployment and StatefulSet controllers and the quota controller
 * over time: a deleted pod goes Terminating and then away while its owner replaces it, a
 * created pod is ContainerCreating for a second or two and then Running, a rollout adds
 * new pods and removes old ones within maxSurge/maxUnavailable, ResourceQuota usage
 * follows the pods. Timers use the monotonic clock; the world clock stays the wall clock. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/world_int.h"

#define CTL_TICK_MS 100
#define ROLL_STEP_MS 250

/* ---- quotas ------------------------------------------------------------------------ */

void world_pod_quota(const struct world *w, const struct world_pod *p,
                     struct world_quota_amounts *out)
{
    memset(out, 0, sizeof(*out));
    if (p->state == POD_COMPLETED || p->state == POD_FAILED) {
        return;
    }
    const struct world_app *a = &w->apps[p->app];
    struct world_res r;
    world_container_res(a, WORLD_C_MAIN, &r);
    out->req_cpu = r.req_cpu;
    out->req_mem = r.req_mem;
    out->lim_cpu = r.lim_cpu;
    out->lim_mem = r.lim_mem;
    if (a->has_sidecar) {
        world_container_res(a, WORLD_C_SIDECAR, &r);
        out->req_cpu += r.req_cpu;
        out->req_mem += r.req_mem;
        out->lim_cpu += r.lim_cpu;
        out->lim_mem += r.lim_mem;
    }
    /* An init container runs alone: the pod counts the larger of the two. It has the main
     * container's resources, never more than the sum above. */
    out->pods = 1;
}

static void quota_count(const struct world *w, int ns, struct world_quota_amounts *used)
{
    memset(used, 0, sizeof(*used));
    for (size_t i = world_pod_lower_bound(w, ns, "", false);
         i < w->n_pods && world_pod_ns(w, w->pods[i]) == ns; i++) {
        struct world_quota_amounts q;
        world_pod_quota(w, w->pods[i], &q);
        used->req_cpu += q.req_cpu;
        used->req_mem += q.req_mem;
        used->lim_cpu += q.lim_cpu;
        used->lim_mem += q.lim_mem;
        used->pods += q.pods;
    }
}

static uint64_t round_up(uint64_t v, uint64_t unit, uint64_t min)
{
    uint64_t r = (v + unit - 1) / unit * unit;
    return r < min ? min : r;
}

void world_quota_init(struct world *w)
{
    static const uint64_t gi = 1024ULL * 1024 * 1024;
    struct sim_rng r;
    sim_rng_seed(&r, w->cfg.seed ^ 0x71756f7461ULL);
    for (size_t i = 0; i < w->n_ns; i++) {
        struct world_ns *n = &w->ns[i];
        if (!n->tenant[0]) {
            continue;
        }
        n->has_quota = 1;
        world_gen_uid(&r, &n->quota_uid);
        n->quota_created = n->created + 60;
        quota_count(w, (int)i, &n->used);
        /* Headroom between 30% and 150% over what runs now. */
        uint64_t f = 130 + sim_rng_below(&r, 121);
        n->hard.req_cpu = round_up(n->used.req_cpu * f / 100, 1000, 2000);
        n->hard.req_mem = round_up(n->used.req_mem * f / 100, gi, 4 * gi);
        n->hard.lim_cpu = round_up(n->used.lim_cpu * f / 100, 1000, 4000);
        n->hard.lim_mem = round_up(n->used.lim_mem * f / 100, gi, 8 * gi);
        n->hard.pods = round_up(n->used.pods * f / 100, 10, 10);
    }
}

void world_quota_flush(struct world *w)
{
    for (size_t i = 0; i < w->n_ns; i++) {
        struct world_ns *n = &w->ns[i];
        if (!n->quota_dirty) {
            continue;
        }
        n->quota_dirty = 0;
        if (!n->has_quota) {
            continue;
        }
        struct world_quota_amounts used;
        quota_count(w, (int)i, &used);
        if (memcmp(&used, &n->used, sizeof(used)) == 0) {
            continue;
        }
        n->used = used;
        w->rv++;
        n->quota_rv = w->rv;
        struct world_event *e = world_history_push(w, WORLD_EV_MODIFIED, WORLD_KIND_RESOURCEQUOTA);
        if (e) {
            e->obj.ns = *n;
        }
    }
}

/* ---- helpers ----------------------------------------------------------------------- */

static int64_t ctl_delay(struct world *w, int64_t base_ms, uint32_t spread_ms)
{
    return sim_mono_ms() + base_ms + (int64_t)sim_rng_below(&w->rng, spread_ms);
}

void world_pod_due(struct world *w, struct world_pod *p, int64_t base_ms, uint32_t spread_ms)
{
    p->due_ms = ctl_delay(w, base_ms, spread_ms ? spread_ms : 1);
    w->ctl_active = true;
}

const char *world_pending_resource(const struct world *w, const struct world_pod *p)
{
    return w->apps[p->app].trouble == TROUBLE_PENDING ? "cpu" : "memory";
}

/* A new pod of app ai, ContainerCreating, Running in one to two seconds. */
static struct world_pod *spawn_timed(struct world *w, size_t ai, int64_t now, int ordinal)
{
    struct world_pod *p = world_spawn_pod(w, ai, now, ordinal);
    p->due_ms = ctl_delay(w, 1000, 1000);
    w->ctl_active = true;
    return p;
}

/* Marks pod p Terminating as a graceful delete does; it goes in about a second. */
static void terminate_pod(struct world *w, struct world_pod *p, int64_t now, bool by_owner)
{
    if (!p->deleted_at) {
        p->deleted_at = now + 30;
        p->grace = 30;
        world_emit_pod(w, p, WORLD_EV_MODIFIED);
        if (by_owner) {
            world_ev_owner_pod(w, p, false, now);
        }
        world_ev_pod_killing(w, p, now);
    }
    int64_t due = ctl_delay(w, 900, 600);
    if (!p->due_ms || p->due_ms > due) {
        p->due_ms = due;
    }
    w->ctl_active = true;
}

static bool pod_ready(const struct world_pod *p)
{
    return p->state == POD_RUNNING && !p->deleted_at;
}

/* The app's pods that are not terminating, into out (caller frees); count in *n. */
static struct world_pod **app_pods(const struct world *w, size_t ai, size_t *n)
{
    const struct world_app *a = &w->apps[ai];
    char prefix[WORLD_NAME_MAX];
    int plen = snprintf(prefix, sizeof(prefix), "%s-", a->name);
    size_t cap = 16;
    struct world_pod **out = sim_xmalloc(cap * sizeof(*out));
    *n = 0;
    for (size_t i = world_pod_lower_bound(w, a->ns, prefix, false); i < w->n_pods; i++) {
        struct world_pod *p = w->pods[i];
        if (world_pod_ns(w, p) != a->ns || strncmp(p->name, prefix, (size_t)plen) != 0) {
            break;
        }
        if (p->app != ai || p->deleted_at) {
            continue;
        }
        if (*n == cap) {
            cap *= 2;
            out = sim_xrealloc(out, cap * sizeof(*out));
        }
        out[(*n)++] = p;
    }
    return out;
}

/* Scale-down order of the ReplicaSet controller: not ready first, then the newest. */
static int victim_cmp(const void *x, const void *y)
{
    const struct world_pod *a = *(struct world_pod *const *)x;
    const struct world_pod *b = *(struct world_pod *const *)y;
    if (pod_ready(a) != pod_ready(b)) {
        return pod_ready(a) ? 1 : -1;
    }
    if (a->created != b->created) {
        return a->created > b->created ? -1 : 1;
    }
    return strcmp(b->name, a->name);
}

/* Refreshes the app's status and emits MODIFIED when it moved (or when forced). */
static void app_publish(struct world *w, size_t ai, bool force)
{
    if (world_app_refresh(w, ai) || force) {
        if (w->apps[ai].kind != APP_CRONJOB) {
            world_emit_app(w, &w->apps[ai], WORLD_EV_MODIFIED);
        }
    }
}

void world_changed(struct world *w)
{
    world_quota_flush(w);
    pthread_cond_broadcast(&w->changed);
}

/* ---- mutations --------------------------------------------------------------------- */

int world_ns_relabel(struct world *w, const char *ns, const char *tenant)
{
    int i = world_ns_find(w, ns);
    if (i < 0) {
        return -1;
    }
    struct world_ns *n = &w->ns[i];
    snprintf(n->tenant, sizeof(n->tenant), "%s", tenant);
    w->rv++;
    n->rv = w->rv;
    struct world_event *e = world_history_push(w, WORLD_EV_MODIFIED, WORLD_KIND_NAMESPACE);
    if (e) {
        e->obj.ns = *n;
    }
    if (n->has_quota) { /* its labels name the tenant too */
        w->rv++;
        n->quota_rv = w->rv;
        e = world_history_push(w, WORLD_EV_MODIFIED, WORLD_KIND_RESOURCEQUOTA);
        if (e) {
            e->obj.ns = *n;
        }
    }
    world_changed(w);
    return 0;
}

void world_pod_delete(struct world *w, size_t i, long grace, struct world_pod *out)
{
    struct world_pod *p = w->pods[i];
    size_t ai = p->app;
    struct world_app *a = &w->apps[ai];
    int64_t now = sim_now();
    if (grace < 0) {
        grace = 30;
    }
    /* Unscheduled and finished pods have nothing to stop: they go at once. */
    bool immediate =
        grace == 0 || p->node < 0 || p->state == POD_COMPLETED || p->state == POD_FAILED;
    if (immediate) {
        int ordinal = world_pod_ordinal(w, p);
        if (!p->deleted_at) {
            p->deleted_at = now;
        }
        p->grace = 0;
        world_ev_pod_killing(w, p, now);
        *out = *p;
        world_remove_pod(w, i);
        out->rv = w->rv;
        if (a->kind == APP_STATEFULSET && ordinal >= 0 && (uint32_t)ordinal < a->replicas) {
            spawn_timed(w, ai, now, ordinal);
        }
    } else {
        if (!p->deleted_at) {
            p->deleted_at = now + grace;
            p->grace = (uint16_t)(grace > 65535 ? 65535 : grace);
            world_emit_pod(w, p, WORLD_EV_MODIFIED);
            world_ev_pod_killing(w, p, now);
        }
        int64_t due = ctl_delay(w, 900, 600);
        if (!p->due_ms || p->due_ms > due) {
            p->due_ms = due;
        }
        w->ctl_active = true;
        *out = *p;
    }
    if (a->kind == APP_DEPLOYMENT && !a->rolling) {
        uint32_t replicas;
        uint32_t ready;
        uint32_t updated;
        world_app_count(w, ai, &replicas, &ready, &updated, NULL);
        if (replicas < a->replicas) {
            spawn_timed(w, ai, now, -1);
        }
    }
    app_publish(w, ai, false);
}

/* Spawns the StatefulSet pods missing below its replicas. */
static void sts_fill(struct world *w, size_t ai, int64_t now)
{
    struct world_app *a = &w->apps[ai];
    for (uint32_t k = 0; k < a->replicas; k++) {
        char name[WORLD_NAME_MAX];
        snprintf(name, sizeof(name), "%s-%u", a->name, k);
        if (world_pod_find(w, a->ns, name) < 0) {
            spawn_timed(w, ai, now, (int)k);
        }
    }
}

void world_app_scale(struct world *w, size_t ai, uint32_t replicas)
{
    struct world_app *a = &w->apps[ai];
    int64_t now = sim_now();
    uint32_t before = a->replicas;
    if (replicas == before) {
        return;
    }
    a->replicas = replicas;
    a->generation++;
    size_t n;
    struct world_pod **pods = app_pods(w, ai, &n);
    if (a->kind == APP_STATEFULSET) {
        /* Highest ordinals go first; missing ordinals are created. */
        for (size_t k = 0; k < n; k++) {
            int ordinal = world_pod_ordinal(w, pods[k]);
            if (ordinal >= 0 && (uint32_t)ordinal >= replicas) {
                terminate_pod(w, pods[k], now, true);
            }
        }
        sts_fill(w, ai, now);
    } else if (a->rolling) {
        w->ctl_active = true; /* the rollout step sizes both ReplicaSets */
        a->roll_next_ms = sim_mono_ms();
    } else if (replicas > n) {
        world_ev_scaled(w, ai, a->hash, (uint32_t)n, replicas, now);
        for (size_t k = n; k < replicas; k++) {
            spawn_timed(w, ai, now, -1);
        }
    } else if (replicas < n) {
        world_ev_scaled(w, ai, a->hash, (uint32_t)n, replicas, now);
        qsort(pods, n, sizeof(*pods), victim_cmp);
        for (size_t k = 0; k < n - replicas; k++) {
            terminate_pod(w, pods[k], now, true);
        }
    }
    free(pods);
    app_publish(w, ai, true);
}

void world_app_restart(struct world *w, size_t ai, const char *restarted_at, const char *image)
{
    struct world_app *a = &w->apps[ai];
    int64_t now = sim_now();
    /* A Deployment keeps one old ReplicaSet (revisionHistoryLimit 1): the one before goes. */
    if (world_rs_exists(a, true)) {
        world_emit_rs(w, a, true, WORLD_EV_DELETED);
    }
    a->generation++;
    a->revision++;
    /* The current revision becomes the old one, whatever was rolling before. */
    snprintf(a->old_hash, sizeof(a->old_hash), "%s", a->hash);
    snprintf(a->old_restarted_at, sizeof(a->old_restarted_at), "%s", a->restarted_at);
    snprintf(a->restarted_at, sizeof(a->restarted_at), "%s", restarted_at);
    memcpy(a->old_image, a->image, sizeof(a->old_image));
    memcpy(a->old_version, a->version, sizeof(a->old_version));
    if (image && image[0]) {
        snprintf(a->image, sizeof(a->image), "%s", image);
    }
    a->old_rs_uid = a->rs_uid;
    a->old_rs_created = a->rs_created;
    a->old_rs_rv = a->rs_rv;
    a->rs_pub[1] = a->rs_pub[0];
    do {
        world_gen_suffix(&w->rng, a->hash, 10);
    } while (strcmp(a->hash, a->old_hash) == 0);
    world_gen_uid(&w->rng, &a->rs_uid);
    a->rs_created = now;
    a->rs_added = a->kind == APP_DEPLOYMENT;
    world_rs_sort(w);
    size_t n;
    struct world_pod **pods = app_pods(w, ai, &n);
    for (size_t k = 0; k < n; k++) {
        pods[k]->old_rs = 1;
    }
    free(pods);
    a->rolling = 1;
    a->progress_time = now;
    a->roll_next_ms = sim_mono_ms();
    w->ctl_active = true;
    app_publish(w, ai, true);
}

/* krakend (issue 15): a crash loop on demand, for the tests of every API that tells of it. */
size_t world_app_crashloop(struct world *w, size_t ai)
{
    int64_t now = sim_now();
    size_t n, hit = 0;
    struct world_pod **pods = app_pods(w, ai, &n);
    w->apps[ai].trouble = TROUBLE_CRASHLOOP; /* churn keeps it so, its replacements too */
    for (size_t k = 0; k < n; k++) {
        struct world_pod *p = pods[k];
        if (p->deleted_at || p->state == POD_CRASHLOOP || p->state == POD_COMPLETED ||
            p->state == POD_FAILED) {
            continue;
        }
        p->restarts++;
        p->last_finished = now;
        p->last_reason = LAST_ERROR;
        world_pod_set_state(w, p, POD_CRASHLOOP, now);
        world_emit_pod(w, p, WORLD_EV_MODIFIED);
        world_ev_pod_state(w, p, now);
        hit++;
    }
    free(pods);
    app_publish(w, ai, true);
    return hit;
}

/* ---- rollouts ---------------------------------------------------------------------- */

/* One step of a Deployment's rolling update (maxSurge 25% rounded up, maxUnavailable 25%
 * rounded down, as the defaults). Returns true when the rollout is complete. */
static bool rollout_step_deployment(struct world *w, size_t ai, int64_t now)
{
    struct world_app *a = &w->apps[ai];
    uint32_t desired = a->replicas;
    uint32_t surge = (desired + 3) / 4;
    uint32_t unavailable = desired / 4;
    if (surge == 0 && unavailable == 0) {
        unavailable = 1;
    }
    size_t n;
    struct world_pod **pods = app_pods(w, ai, &n);
    uint32_t new_active = 0;
    uint32_t new_ready = 0;
    uint32_t old_active = 0;
    uint32_t old_ready = 0;
    for (size_t k = 0; k < n; k++) {
        if (pods[k]->old_rs) {
            old_active++;
            old_ready += pod_ready(pods[k]);
        } else {
            new_active++;
            new_ready += pod_ready(pods[k]);
        }
    }
    /* Scale the new ReplicaSet up within the surge (or down to the desired count). */
    uint32_t all = new_active + old_active;
    if (new_active < desired && all < desired + surge) {
        uint32_t add = desired + surge - all;
        if (add > desired - new_active) {
            add = desired - new_active;
        }
        world_ev_scaled(w, ai, a->hash, new_active, new_active + add, now);
        for (uint32_t k = 0; k < add; k++) {
            spawn_timed(w, ai, now, -1);
        }
        new_active += add;
        all += add;
    } else if (new_active > desired) {
        qsort(pods, n, sizeof(*pods), victim_cmp);
        uint32_t extra = new_active - desired;
        for (size_t k = 0; k < n && extra > 0; k++) {
            if (!pods[k]->old_rs) {
                terminate_pod(w, pods[k], now, true);
                extra--;
                new_active--;
                all--;
            }
        }
    }
    /* Scale the old one down while enough pods stay available: the unready ones first. */
    uint32_t min_available = desired > unavailable ? desired - unavailable : 0;
    uint32_t new_unready = new_active - new_ready;
    long max_down = (long)all - (long)min_available - (long)new_unready;
    uint32_t available = new_ready + old_ready;
    uint32_t removed = 0;
    if (old_active > 0 && max_down > 0) {
        qsort(pods, n, sizeof(*pods), victim_cmp);
        uint32_t removed_ready = 0;
        for (size_t k = 0; k < n && (long)removed < max_down; k++) {
            struct world_pod *p = pods[k];
            if (!p->old_rs || p->deleted_at) {
                continue;
            }
            if (pod_ready(p)) {
                if (available - removed_ready <= min_available) {
                    break;
                }
                removed_ready++;
            }
            terminate_pod(w, p, now, true);
            removed++;
        }
        if (removed) {
            world_ev_scaled(w, ai, a->old_hash, old_active, old_active - removed, now);
        }
    }
    free(pods);
    return old_active - removed == 0 && new_active == desired && new_ready == desired;
}

/* One step of a StatefulSet's rolling update: the highest old ordinal is replaced once
 * every other pod is Running and ready. */
static bool rollout_step_statefulset(struct world *w, size_t ai, int64_t now)
{
    struct world_app *a = &w->apps[ai];
    size_t n;
    struct world_pod **pods = app_pods(w, ai, &n);
    bool settled = n == a->replicas;
    struct world_pod *victim = NULL;
    for (size_t k = 0; k < n; k++) {
        if (!pod_ready(pods[k])) {
            settled = false;
        }
        if (pods[k]->old_rs &&
            (!victim || world_pod_ordinal(w, pods[k]) > world_pod_ordinal(w, victim))) {
            victim = pods[k];
        }
    }
    free(pods);
    if (!settled) {
        return false;
    }
    if (!victim) {
        return true;
    }
    terminate_pod(w, victim, now, true);
    return false;
}

/* ---- the controller thread --------------------------------------------------------- */

/* The pod's containers run from now. Lock held. */
static void pod_runs(struct world *w, struct world_pod *p, int64_t now)
{
    p->state = POD_RUNNING;
    p->started = now;
    world_emit_pod(w, p, WORLD_EV_MODIFIED);
    world_ev_pod_started(w, p, now);
}

/* A pod's timer is due (not Terminating): the next state on its way to Running. Lock held. */
static void ctl_pod_step(struct world *w, struct world_pod *p, int64_t now)
{
    const struct world_app *a = &w->apps[p->app];

    switch (p->state) {
    case POD_CREATING:
        if (a->trouble == TROUBLE_CRASHLOOP) {
            p->restarts++;
            p->last_finished = now;
            p->last_reason = LAST_ERROR;
            world_pod_set_state(w, p, POD_CRASHLOOP, now);
            world_emit_pod(w, p, WORLD_EV_MODIFIED);
            world_ev_pod_state(w, p, now);
            return;
        }
        pod_runs(w, p, now);
        return;
    case POD_PENDING:
        if (a->trouble == TROUBLE_PENDING) {
            return;
        }
        world_pod_set_state(w, p, POD_CREATING, now);
        world_emit_pod(w, p, WORLD_EV_MODIFIED);
        world_ev_pod_scheduled(w, p, now);
        world_pod_due(w, p, 1000, 1000);
        return;
    case POD_CRASHLOOP:
    case POD_OOMKILLED:
    case POD_SIDECAR_NOT_READY:
    case POD_INIT:
    case POD_ERR_IMAGE_PULL:
    case POD_IMAGE_PULL_BACKOFF:
        if (a->trouble != TROUBLE_CRASHLOOP) {
            pod_runs(w, p, now);
        }
        return;
    default:
        return;
    }
}

/* Applies every timer that is due and steps the rollouts. Lock held. */
static void ctl_tick(struct world *w)
{
    int64_t mono = sim_mono_ms();
    int64_t now = sim_now();
    uint64_t rv_before = w->rv;
    bool pending = false;
    uint8_t *touched = sim_xcalloc(w->n_apps ? w->n_apps : 1, 1);
    for (size_t i = 0; i < w->n_pods;) {
        struct world_pod *p = w->pods[i];
        if (!p->due_ms) {
            i++;
            continue;
        }
        if (p->due_ms > mono) {
            pending = true;
            i++;
            continue;
        }
        size_t ai = p->app;
        struct world_app *a = &w->apps[ai];
        touched[ai] = 1;
        if (p->deleted_at) {
            int ordinal = world_pod_ordinal(w, p);
            world_remove_pod(w, i);
            /* A StatefulSet recreates the name once the old pod is gone. */
            if (a->kind == APP_STATEFULSET && ordinal >= 0 && (uint32_t)ordinal < a->replicas) {
                char name[WORLD_NAME_MAX];
                snprintf(name, sizeof(name), "%s-%d", a->name, ordinal);
                if (world_pod_find(w, a->ns, name) < 0) {
                    spawn_timed(w, ai, now, ordinal);
                    pending = true;
                }
            }
            continue;
        }
        p->due_ms = 0;
        ctl_pod_step(w, p, now);
        i++;
    }
    for (size_t ai = 0; ai < w->n_apps; ai++) {
        struct world_app *a = &w->apps[ai];
        if (!a->rolling) {
            continue;
        }
        pending = true;
        if (a->roll_next_ms > mono) {
            continue;
        }
        a->roll_next_ms = mono + (a->roll_step_ms ? a->roll_step_ms : ROLL_STEP_MS);
        bool done = a->kind == APP_STATEFULSET ? rollout_step_statefulset(w, ai, now)
                                               : rollout_step_deployment(w, ai, now);
        touched[ai] = 1;
        if (done) {
            a->rolling = 0;
            if (a->kind == APP_STATEFULSET) {
                a->old_hash[0] = '\0';
                world_rs_sort(w); /* its w->rs entry's name changed with the hash */
            }
            a->progress_time = now;
            touched[ai] = 2;
        }
    }
    for (size_t ai = 0; ai < w->n_apps; ai++) {
        if (touched[ai]) {
            app_publish(w, ai, touched[ai] == 2);
        }
    }
    free(touched);
    w->ctl_active = pending;
    world_quota_flush(w);
    if (w->rv != rv_before) {
        pthread_cond_broadcast(&w->changed);
    }
}

static void *ctl_main(void *arg)
{
    struct world *w = arg;
    world_lock(w);
    while (!w->shutting_down) {
        world_wait(w, sim_mono_ms() + CTL_TICK_MS);
        if (!w->shutting_down && w->ctl_active) {
            ctl_tick(w);
        }
    }
    world_unlock(w);
    return NULL;
}

void world_ctl_start(struct world *w)
{
    if (w->ctl_running) {
        return;
    }
    if (pthread_create(&w->ctl_thread, NULL, ctl_main, w) != 0) {
        sim_die(1, "cannot start the controller thread: %s", strerror(errno));
    }
    w->ctl_running = true;
}
