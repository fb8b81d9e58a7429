#include "sim/world.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/world_int.h"

/* Kubernetes' alphabet for generated name suffixes (no vowels, no 0/1/3). */
static const char name_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

struct tenant_def {
    const char *name;
    const char *display;
    int sandbox;
    const char *apps[10]; /* a leading '*' marks a CronJob, '@' a StatefulSet */
};

static const struct tenant_def tenant_defs[] = {
    {"dmi",
     "Danmarks Meteorologiske Institut",
     1,
     {"forecast-api", "obs-ingest", "*forecast-dump", "radar-tiles", "warnings-api",
      "climate-archive", "obs-api", "model-runner", "@obs-db", NULL}},
    {"registry",
     "Public Organisation Registry",
     1,
     {"org-api", "org-search", "org-ingest", "registry-web", "change-feed", "*cvr-sync",
      "@registry-db", NULL}},
    {"skat",
     "Skattestyrelsen",
     1,
     {"tax-calc", "eindkomst-api", "selfservice-web", "payment-gateway", "audit-log", "@ledger-db",
      NULL}},
    {"sst",
     "Sundhedsstyrelsen",
     0,
     {"vaccine-registry", "case-api", "notify-worker", "*report-export", NULL}},
    {"dst",
     "Danmarks Statistik",
     0,
     {"statbank-api", "table-builder", "publish-worker", "*bulk-export", NULL}},
    {"digst",
     "Digitaliseringsstyrelsen",
     1,
     {"mitid-broker", "digital-post-api", "consent-api", "nemlog-proxy", "@consent-db", NULL}},
    {"sdfi",
     "Styrelsen for Dataforsyning og Infrastruktur",
     0,
     {"dawa-api", "map-tiles", "geodata-sync", "*height-model", "@geodata-db", NULL}},
    {"ens", "Energistyrelsen", 0, {"energy-data-api", "meter-ingest", "grid-report", NULL}},
};

#define N_TENANT_DEFS (sizeof(tenant_defs) / sizeof(tenant_defs[0]))

static const char *const app_prefixes[] = {
    "case",   "doc",     "report",  "portal",  "notify",     "audit",   "ledger",
    "permit", "payment", "form",    "archive", "index",      "event",   "identity",
    "search", "billing", "booking", "grant",   "inspection", "license",
};
static const char *const app_suffixes[] = {
    "api", "worker", "web", "ingest", "sync", "gateway", "scheduler", "export", "cache", "admin",
};

/* --lookalike (s7-isolation, issue 16): tenants whose names contain one another (dmi, dmi2,
 * dmi-sandbox-2, registry, registry1 ...), for the isolation test. The first tenants are the
 * stems themselves; the others a stem and a tail drawn from the seed, each with a display name
 * of two words no other tenant's has, and app names no other tenant's has. */
static const char *const lookalike_stems[] = {"dmi", "registry", "skat"};
static const char *const lookalike_tails[] = {"2",     "1", "-sandbox", "-sandbox-2",
                                              "-test", "x", "-prod",    "-2"};
static const char *const lookalike_words[] = {"Nordic", "Coastal", "Central", "Western",
                                              "Polar",  "Harbour", "Upland",  "Island"};
#define N_LOOKALIKE_STEMS (sizeof(lookalike_stems) / sizeof(lookalike_stems[0]))
#define N_LOOKALIKE_TAILS (sizeof(lookalike_tails) / sizeof(lookalike_tails[0]))
#define N_LOOKALIKE_WORDS (sizeof(lookalike_words) / sizeof(lookalike_words[0]))

#define N_PREFIXES (sizeof(app_prefixes) / sizeof(app_prefixes[0]))
#define N_SUFFIXES (sizeof(app_suffixes) / sizeof(app_suffixes[0]))

#define DAY WORLD_DAY

/* The database image of every StatefulSet. */
static const char db_image[] = "registry.govcloud.sit.dk/platform/postgres:16.2";

/* ---- small helpers ---------------------------------------------------------------- */

void world_gen_uid(struct sim_rng *r, struct world_uid *u)
{
    uint64_t a = sim_rng_next(r);
    uint64_t b = sim_rng_next(r);
    memcpy(u->b, &a, 8);
    memcpy(u->b + 8, &b, 8);
    u->b[6] = (uint8_t)((u->b[6] & 0x0f) | 0x40); /* version 4 */
    u->b[8] = (uint8_t)((u->b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
}

void world_uid_format(const struct world_uid *u, char out[37])
{
    static const char hex[] = "0123456789abcdef";
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        out[o++] = hex[u->b[i] >> 4];
        out[o++] = hex[u->b[i] & 15];
    }
    out[o] = '\0';
}

void world_gen_suffix(struct sim_rng *r, char *out, int n)
{
    for (int i = 0; i < n; i++) {
        out[i] = name_alphabet[sim_rng_below(r, (uint32_t)(sizeof(name_alphabet) - 1))];
    }
    out[n] = '\0';
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

const char *world_pod_phase(const struct world_pod *p)
{
    switch (p->state) {
    case POD_PENDING:
    case POD_CREATING:
    case POD_ERR_IMAGE_PULL:
    case POD_IMAGE_PULL_BACKOFF:
    case POD_INIT:
        return "Pending";
    case POD_COMPLETED:
        return "Succeeded";
    case POD_FAILED:
        return "Failed";
    default:
        return "Running";
    }
}

static bool pod_is_ready(const struct world_pod *p)
{
    return p->state == POD_RUNNING && p->deleted_at == 0;
}

bool world_pod_running(const struct world_pod *p)
{
    return p->state == POD_RUNNING || p->state == POD_SIDECAR_NOT_READY;
}

int world_pod_ordinal(const struct world *w, const struct world_pod *p)
{
    const struct world_app *a = &w->apps[p->app];
    if (a->kind != APP_STATEFULSET) {
        return -1;
    }
    const char *dash = strrchr(p->name, '-');
    return dash ? atoi(dash + 1) : -1;
}

void world_pod_hash(const struct world *w, const struct world_pod *p, char out[12])
{
    const struct world_app *a = &w->apps[p->app];
    out[0] = '\0';
    if (a->kind == APP_STATEFULSET) {
        copy_str(out, 12, world_pod_previous(w, p) ? a->old_hash : a->hash);
    } else if (a->kind == APP_DEPLOYMENT) {
        size_t n = strlen(a->name);
        if (strlen(p->name) >= n + 12) {
            memcpy(out, p->name + n + 1, 10);
            out[10] = '\0';
        }
    }
}

void world_container_res(const struct world_app *a, int container, struct world_res *out)
{
    static const uint64_t mi = 1024 * 1024;
    memset(out, 0, sizeof(*out));
    if (container == WORLD_C_SIDECAR) {
        out->req_cpu = a->qos ? 50 : 20;
        out->req_mem = (a->qos ? 64 : 32) * mi;
        out->lim_cpu = a->qos ? 50 : 100;
        out->lim_mem = (a->qos ? 64 : 128) * mi;
    } else if (a->system) {
        out->req_cpu = 100;
        out->req_mem = 70 * mi;
        out->lim_mem = 170 * mi;
    } else if (a->kind == APP_STATEFULSET) {
        out->req_cpu = 500;
        out->req_mem = 1024 * mi;
        out->lim_cpu = 2000;
        out->lim_mem = 2048 * mi;
    } else if (a->qos) {
        out->req_cpu = 1000;
        out->req_mem = 1024 * mi;
        out->lim_cpu = 1000;
        out->lim_mem = 1024 * mi;
    } else {
        out->req_cpu = 250;
        out->req_mem = 256 * mi;
        out->lim_cpu = 1000;
        out->lim_mem = 512 * mi;
    }
}

/* ---- labels ------------------------------------------------------------------------ */

static void label_add(struct world_labels *l, const char *k, const char *v)
{
    if (l->n < sizeof(l->key) / sizeof(l->key[0])) {
        l->key[l->n] = k;
        l->val[l->n] = v;
        l->n++;
    }
}

/* Sorts the label keys (a handful; insertion sort). */
static void label_sort(struct world_labels *l)
{
    for (size_t i = 1; i < l->n; i++) {
        for (size_t j = i; j > 0 && strcmp(l->key[j - 1], l->key[j]) > 0; j--) {
            const char *k = l->key[j];
            const char *v = l->val[j];
            l->key[j] = l->key[j - 1];
            l->val[j] = l->val[j - 1];
            l->key[j - 1] = k;
            l->val[j - 1] = v;
        }
    }
}

void world_pod_owner(const struct world *w, const struct world_pod *p, char *name, size_t size,
                     struct world_uid *uid)
{
    const struct world_app *a = &w->apps[p->app];
    size_t len = strlen(p->name);
    size_t keep = len > 6 ? len - 6 : len;
    if (keep + 1 > size) {
        keep = size - 1;
    }
    memcpy(name, p->name, keep);
    name[keep] = '\0';
    if (a->kind == APP_STATEFULSET) {
        copy_str(name, size, a->name);
        *uid = a->uid;
    } else if (a->kind == APP_CRONJOB) {
        uint64_t h1 = sim_hash64(name, keep, 1);
        uint64_t h2 = sim_hash64(name, keep, 2);
        memcpy(uid->b, &h1, 8);
        memcpy(uid->b + 8, &h2, 8);
        uid->b[6] = (uint8_t)((uid->b[6] & 0x0f) | 0x40);
        uid->b[8] = (uint8_t)((uid->b[8] & 0x3f) | 0x80);
    } else {
        *uid = world_pod_previous(w, p) ? a->old_rs_uid : a->rs_uid;
    }
}

/* The template labels of app a with version as app.kubernetes.io/version (unsorted). */
static void template_labels(const struct world *w, const struct world_app *a, const char *version,
                            struct world_labels *out)
{
    out->n = 0;
    label_add(out, a->label_key, a->label_value);
    if (!a->system) {
        label_add(out, "app.kubernetes.io/version", version);
        label_add(out, "govcloud.sit.dk/tenant", w->ns[a->ns].tenant);
    }
}

void world_app_labels(const struct world *w, const struct world_app *a, struct world_labels *out)
{
    template_labels(w, a, a->version, out);
    label_sort(out);
}

void world_rs_labels(const struct world *w, const struct world_app *a, bool old,
                     struct world_labels *out)
{
    template_labels(w, a, old ? a->old_version : a->version, out);
    label_add(out, "pod-template-hash", old ? a->old_hash : a->hash);
    label_sort(out);
}

void world_pod_labels(const struct world *w, const struct world_pod *p, struct world_labels *out)
{
    const struct world_app *a = &w->apps[p->app];
    template_labels(w, a, world_pod_previous(w, p) ? a->old_version : a->version, out);
    if (a->kind == APP_CRONJOB) {
        char job[WORLD_NAME_MAX];
        struct world_uid uid;
        world_pod_owner(w, p, job, sizeof(job), &uid);
        char *s = out->store;
        world_uid_format(&uid, s);
        copy_str(s + 37, sizeof(out->store) - 37, job);
        label_add(out, "batch.kubernetes.io/controller-uid", s);
        label_add(out, "batch.kubernetes.io/job-name", s + 37);
        label_add(out, "controller-uid", s);
        label_add(out, "job-name", s + 37);
    } else if (a->kind == APP_STATEFULSET) {
        char *s = out->store;
        char hash[12];
        world_pod_hash(w, p, hash);
        int n = snprintf(s, sizeof(out->store), "%s-%s", a->name, hash);
        char *idx = s + n + 1;
        snprintf(idx, sizeof(out->store) - (size_t)n - 1, "%d", world_pod_ordinal(w, p));
        label_add(out, "apps.kubernetes.io/pod-index", idx);
        label_add(out, "controller-revision-hash", s);
        label_add(out, "statefulset.kubernetes.io/pod-name", p->name);
    } else {
        world_pod_hash(w, p, out->store);
        label_add(out, "pod-template-hash", out->store);
    }
    label_sort(out);
}

void world_ns_labels(const struct world_ns *n, struct world_labels *out)
{
    out->n = 0;
    if (n->tenant[0]) {
        label_add(out, "govcloud.sit.dk/tenant", n->tenant);
    }
    label_add(out, "kubernetes.io/metadata.name", n->name);
    label_sort(out);
}

void world_node_labels(const struct world_node *n, struct world_labels *out)
{
    out->n = 0;
    label_add(out, "beta.kubernetes.io/arch", "amd64");
    label_add(out, "beta.kubernetes.io/os", "linux");
    label_add(out, "kubernetes.io/arch", "amd64");
    label_add(out, "kubernetes.io/hostname", n->name);
    label_add(out, "kubernetes.io/os", "linux");
    if (n->control_plane) {
        label_add(out, "node-role.kubernetes.io/control-plane", "");
    } else {
        label_add(out, "node-role.kubernetes.io/worker", "");
    }
    static const char *const zones[] = {"dk-east-1a", "dk-east-1b", "dk-west-1a"};
    label_add(out, "topology.kubernetes.io/zone", zones[n->index % 3]);
    label_sort(out);
}

/* ---- ordering ---------------------------------------------------------------------- */

int world_pod_ns(const struct world *w, const struct world_pod *p)
{
    return w->apps[p->app].ns;
}

static int key_cmp(int ns_a, const char *name_a, int ns_b, const char *name_b)
{
    if (ns_a != ns_b) {
        return ns_a < ns_b ? -1 : 1;
    }
    return strcmp(name_a, name_b);
}

/* The world being sorted by generation (single-threaded, before serving starts). */
static const struct world *sort_world;

static int pod_ptr_cmp(const void *a, const void *b)
{
    const struct world *w = sort_world;
    const struct world_pod *pa = *(struct world_pod *const *)a;
    const struct world_pod *pb = *(struct world_pod *const *)b;
    return key_cmp(world_pod_ns(w, pa), pa->name, world_pod_ns(w, pb), pb->name);
}

static int app_cmp(const void *a, const void *b)
{
    const struct world_app *x = a;
    const struct world_app *y = b;
    return key_cmp(x->ns, x->name, y->ns, y->name);
}

static int ns_cmp(const void *a, const void *b)
{
    return strcmp(((const struct world_ns *)a)->name, ((const struct world_ns *)b)->name);
}

size_t world_pod_lower_bound(const struct world *w, int ns_rank, const char *name, bool after)
{
    size_t lo = 0;
    size_t hi = w->n_pods;
    const char *key = name ? name : "";
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct world_pod *p = w->pods[mid];
        int c = key_cmp(world_pod_ns(w, p), p->name, ns_rank, key);
        if (c < 0 || (after && c == 0)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

size_t world_app_lower_bound(const struct world *w, int ns_rank, const char *name, bool after)
{
    size_t lo = 0;
    size_t hi = w->n_apps;
    const char *key = name ? name : "";
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct world_app *a = &w->apps[mid];
        int c = key_cmp(a->ns, a->name, ns_rank, key);
        if (c < 0 || (after && c == 0)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

size_t world_rs_lower_bound(const struct world *w, int ns_rank, const char *name, bool after)
{
    size_t lo = 0;
    size_t hi = 2 * w->n_apps;
    const char *key = name ? name : "";
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct world_rs *rs = &w->rs[mid];
        char rs_name[WORLD_NAME_MAX + 16];
        world_rs_name(rs->app, rs->old, rs_name, sizeof(rs_name));
        int c = key_cmp(rs->app->ns, rs_name, ns_rank, key);
        if (c < 0 || (after && c == 0)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int rs_cmp(const void *x, const void *y)
{
    const struct world_rs *a = x;
    const struct world_rs *b = y;
    char an[WORLD_NAME_MAX + 16];
    char bn[WORLD_NAME_MAX + 16];
    world_rs_name(a->app, a->old, an, sizeof(an));
    world_rs_name(b->app, b->old, bn, sizeof(bn));
    return key_cmp(a->app->ns, an, b->app->ns, bn);
}

void world_rs_sort(struct world *w)
{
    qsort(w->rs, 2 * w->n_apps, sizeof(*w->rs), rs_cmp);
}

int world_ns_find(const struct world *w, const char *name)
{
    size_t lo = 0;
    size_t hi = w->n_ns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(w->ns[mid].name, name);
        if (c == 0) {
            return (int)mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

int world_node_find(const struct world *w, const char *name)
{
    for (size_t i = 0; i < w->n_nodes; i++) {
        if (strcmp(w->nodes[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

long world_pod_find(const struct world *w, int ns_rank, const char *name)
{
    size_t i = world_pod_lower_bound(w, ns_rank, name, false);
    if (i < w->n_pods && world_pod_ns(w, w->pods[i]) == ns_rank &&
        strcmp(w->pods[i]->name, name) == 0) {
        return (long)i;
    }
    return -1;
}

void world_pods_insert(struct world *w, struct world_pod *p)
{
    if (w->n_pods == w->cap_pods) {
        w->cap_pods = w->cap_pods ? w->cap_pods * 2 : 1024;
        w->pods = sim_xrealloc(w->pods, w->cap_pods * sizeof(*w->pods));
    }
    size_t i = world_pod_lower_bound(w, world_pod_ns(w, p), p->name, false);
    memmove(w->pods + i + 1, w->pods + i, (w->n_pods - i) * sizeof(*w->pods));
    w->pods[i] = p;
    w->n_pods++;
}

static void pods_remove_at(struct world *w, size_t i)
{
    free(w->pods[i]);
    memmove(w->pods + i, w->pods + i + 1, (w->n_pods - i - 1) * sizeof(*w->pods));
    w->n_pods--;
}

/* ---- history ----------------------------------------------------------------------- */

size_t world_history_after(const struct world *w, uint64_t after_rv)
{
    size_t lo = 0;
    size_t hi = w->hist_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (world_history_at(w, mid)->rv <= after_rv) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

const struct world_event *world_history_at(const struct world *w, size_t i)
{
    return &w->hist[(w->hist_start + i) % w->hist_cap];
}

/* Appends an event; drops the oldest (raising floor_rv) when the ring is full. */
struct world_event *world_history_push(struct world *w, uint8_t type, uint8_t kind)
{
    if (w->hist_cap == 0) {
        w->floor_rv = w->rv;
        return NULL;
    }
    if (w->hist_len == w->hist_cap) {
        w->floor_rv = world_history_at(w, 0)->rv;
        w->hist_start = (w->hist_start + 1) % w->hist_cap;
        w->hist_len--;
    }
    struct world_event *e = &w->hist[(w->hist_start + w->hist_len) % w->hist_cap];
    w->hist_len++;
    memset(e, 0, sizeof(*e));
    e->rv = w->rv;
    e->type = type;
    e->kind = kind;
    return e;
}

void world_emit_pod(struct world *w, struct world_pod *p, uint8_t type)
{
    w->rv++;
    p->rv = w->rv;
    w->ns[world_pod_ns(w, p)].quota_dirty = 1;
    struct world_event *e = world_history_push(w, type, WORLD_KIND_POD);
    if (e) {
        e->obj.pod = *p;
    }
}

void world_remove_pod(struct world *w, size_t i)
{
    struct world_pod gone = *w->pods[i];
    w->rv++;
    gone.rv = w->rv;
    w->ns[world_pod_ns(w, &gone)].quota_dirty = 1;
    struct world_event *e = world_history_push(w, WORLD_EV_DELETED, WORLD_KIND_POD);
    if (e) {
        e->obj.pod = gone;
    }
    pods_remove_at(w, i);
}

void world_emit_app(struct world *w, struct world_app *a, uint8_t type)
{
    w->rv++;
    a->rv = w->rv;
    uint8_t kind = a->kind == APP_STATEFULSET ? WORLD_KIND_STATEFULSET : WORLD_KIND_DEPLOYMENT;
    struct world_event *e = world_history_push(w, type, kind);
    if (e) {
        e->obj.app = *a;
    }
    if (a->kind == APP_DEPLOYMENT) {
        world_emit_rs(w, a, false, a->rs_added ? WORLD_EV_ADDED : WORLD_EV_MODIFIED);
        if (world_rs_exists(a, true)) {
            world_emit_rs(w, a, true, WORLD_EV_MODIFIED);
        }
    }
}

void world_emit_rs(struct world *w, struct world_app *a, bool old, uint8_t type)
{
    struct world_rs_counts c;
    world_rs_counts(a, old, &c);
    if (type == WORLD_EV_MODIFIED && memcmp(&c, &a->rs_pub[old], sizeof(c)) == 0) {
        return;
    }
    w->rv++;
    *(old ? &a->old_rs_rv : &a->rs_rv) = w->rv;
    a->rs_pub[old] = c;
    if (!old && type == WORLD_EV_ADDED) {
        a->rs_added = 0;
    }
    struct world_event *e = world_history_push(w, type, WORLD_KIND_REPLICASET);
    if (e) {
        e->obj.app = *a;
        e->rs_old = old;
    }
}

/* ---- ReplicaSets ------------------------------------------------------------------- */

bool world_rs_exists(const struct world_app *a, bool old)
{
    return a->kind == APP_DEPLOYMENT && (!old || a->old_hash[0]);
}

void world_rs_counts(const struct world_app *a, bool old, struct world_rs_counts *out)
{
    if (!old) {
        out->spec = a->rolling ? a->st_updated : a->replicas;
        out->replicas = a->st_updated;
        out->ready = a->st_updated_ready;
        return;
    }
    out->replicas = a->st_replicas - a->st_updated;
    out->ready = a->st_ready - a->st_updated_ready;
    out->spec = a->rolling ? out->replicas : 0;
}

void world_rs_name(const struct world_app *a, bool old, char *out, size_t size)
{
    snprintf(out, size, "%s-%s", a->name, old ? a->old_hash : a->hash);
}

bool world_pod_previous(const struct world *w, const struct world_pod *p)
{
    return p->old_rs && w->apps[p->app].old_hash[0];
}

void world_app_previous(const struct world_app *a, struct world_app *out)
{
    *out = *a;
    memcpy(out->image, a->old_image, sizeof(out->image));
    memcpy(out->version, a->old_version, sizeof(out->version));
}

/* ---- app status -------------------------------------------------------------------- */

void world_app_count(const struct world *w, size_t ai, uint32_t *replicas, uint32_t *ready,
                     uint32_t *updated, uint32_t *updated_ready)
{
    uint32_t spare;
    if (!updated_ready) {
        updated_ready = &spare;
    }
    *updated_ready = 0;
    const struct world_app *a = &w->apps[ai];
    char prefix[WORLD_NAME_MAX];
    int plen = snprintf(prefix, sizeof(prefix), "%s-", a->name);
    *replicas = 0;
    *ready = 0;
    *updated = 0;
    for (size_t i = world_pod_lower_bound(w, a->ns, prefix, false); i < w->n_pods; i++) {
        const struct world_pod *p = w->pods[i];
        if (world_pod_ns(w, p) != a->ns || strncmp(p->name, prefix, (size_t)plen) != 0) {
            break;
        }
        if (p->app != ai || p->deleted_at != 0) {
            continue;
        }
        (*replicas)++;
        if (pod_is_ready(p)) {
            (*ready)++;
        }
        if (!p->old_rs) {
            (*updated)++;
            *updated_ready += pod_is_ready(p);
        }
    }
}

bool world_app_refresh(struct world *w, size_t ai)
{
    struct world_app *a = &w->apps[ai];
    uint32_t replicas;
    uint32_t ready;
    uint32_t updated;
    uint32_t updated_ready;
    world_app_count(w, ai, &replicas, &ready, &updated, &updated_ready);
    if (a->kind == APP_CRONJOB) {
        return false;
    }
    bool changed = a->st_replicas != replicas || a->st_ready != ready || a->st_available != ready ||
                   a->st_updated != updated || a->st_updated_ready != updated_ready;
    a->st_replicas = replicas;
    a->st_ready = ready;
    a->st_available = ready;
    a->st_updated = updated;
    a->st_updated_ready = updated_ready;
    return changed;
}

/* ---- generation -------------------------------------------------------------------- */

static void add_ns(struct world *w, size_t *cap, const char *name, const char *tenant,
                   const char *display, int64_t created)
{
    if (w->n_ns == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        w->ns = sim_xrealloc(w->ns, *cap * sizeof(*w->ns));
    }
    struct world_ns *n = &w->ns[w->n_ns++];
    memset(n, 0, sizeof(*n));
    copy_str(n->name, sizeof(n->name), name);
    copy_str(n->tenant, sizeof(n->tenant), tenant);
    copy_str(n->display, sizeof(n->display), display);
    world_gen_uid(&w->rng, &n->uid);
    n->created = created;
}

/* Adds an app (namespace given by name; namespaces are already sorted). */
static struct world_app *add_app(struct world *w, size_t *cap, const char *ns_name,
                                 const char *name, int kind)
{
    if (w->n_apps == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        w->apps = sim_xrealloc(w->apps, *cap * sizeof(*w->apps));
    }
    struct world_app *a = &w->apps[w->n_apps++];
    memset(a, 0, sizeof(*a));
    int ns = world_ns_find(w, ns_name);
    a->ns = (uint16_t)(ns < 0 ? 0 : ns);
    copy_str(a->name, sizeof(a->name), name);
    copy_str(a->container, sizeof(a->container), name);
    copy_str(a->label_key, sizeof(a->label_key), "app.kubernetes.io/name");
    copy_str(a->label_value, sizeof(a->label_value), name);
    a->kind = (uint8_t)kind;
    snprintf(a->version, sizeof(a->version), "%u.%u.%u", 1 + sim_rng_below(&w->rng, 4),
             sim_rng_below(&w->rng, 21), sim_rng_below(&w->rng, 16));
    world_gen_suffix(&w->rng, a->hash, 10);
    const char *tenant = w->ns[a->ns].tenant;
    snprintf(a->image, sizeof(a->image), "registry.govcloud.sit.dk/%s/%s:%s",
             tenant[0] ? tenant : "platform", name, a->version);
    world_gen_uid(&w->rng, &a->uid);
    world_gen_uid(&w->rng, &a->rs_uid);
    int64_t ns_created = w->ns[a->ns].created;
    int64_t age = w->start_time - ns_created;
    a->created = ns_created + sim_rng_range(&w->rng, age / 20, age - age / 4);
    a->rs_created = w->start_time - sim_rng_range(&w->rng, 3600, 20 * DAY);
    if (a->rs_created < a->created) {
        a->rs_created = a->created;
    }
    a->generation = 1 + sim_rng_below(&w->rng, 6);
    a->port = (uint16_t)(8080 + sim_rng_below(&w->rng, 3) * 10);
    a->qos = (uint8_t)sim_rng_chance(&w->rng, 200);
    a->has_sidecar = (uint8_t)(kind == APP_DEPLOYMENT && sim_rng_chance(&w->rng, 250));
    a->has_init = (uint8_t)(kind == APP_DEPLOYMENT && sim_rng_chance(&w->rng, 200));
    static const uint16_t intervals[] = {60, 240, 1440};
    a->interval_min = intervals[sim_rng_below(&w->rng, 3)];
    a->revision = a->generation;
    if (kind == APP_STATEFULSET) {
        copy_str(a->container, sizeof(a->container), "postgres");
        copy_str(a->image, sizeof(a->image), db_image);
        copy_str(a->version, sizeof(a->version), "16.2");
        a->port = 5432;
        a->qos = 0;
    }
    return a;
}

/* Picks a generated app name unused in namespace ns_name. */
static void gen_app_name(struct world *w, const char *ns_name, char *out, size_t size)
{
    int ns = world_ns_find(w, ns_name);
    for (unsigned attempt = 0;; attempt++) {
        const char *pre = app_prefixes[sim_rng_below(&w->rng, N_PREFIXES)];
        const char *suf = app_suffixes[sim_rng_below(&w->rng, N_SUFFIXES)];
        if (attempt < 64) {
            snprintf(out, size, "%s-%s", pre, suf);
        } else {
            snprintf(out, size, "%s-%s-%u", pre, suf, attempt);
        }
        bool used = false;
        for (size_t i = 0; i < w->n_apps; i++) {
            if ((w->apps[i].ns == ns || w->cfg.lookalike) && strcmp(w->apps[i].name, out) == 0) {
                used = true;
                break;
            }
        }
        if (!used) {
            return;
        }
    }
}

/* Fills a fresh pod of app ai; name generation keeps it unique in its namespace (when
 * check) and gives a StatefulSet pod its ordinal. */
static struct world_pod *new_pod(struct world *w, size_t ai, int64_t created, bool check,
                                 int ordinal)
{
    struct world_app *a = &w->apps[ai];
    struct world_pod *p = sim_xcalloc(1, sizeof(*p));
    p->app = (uint16_t)ai;
    p->serial = w->next_serial++;
    world_gen_uid(&w->rng, &p->uid);
    p->created = created;
    p->started = created + sim_rng_range(&w->rng, 3, 40);
    p->node = w->n_nodes ? (int16_t)sim_rng_below(&w->rng, (uint32_t)w->n_nodes) : -1;
    p->state = POD_RUNNING;
    for (;;) {
        char suffix[6];
        world_gen_suffix(&w->rng, suffix, 5);
        if (a->kind == APP_STATEFULSET) {
            snprintf(p->name, sizeof(p->name), "%s-%d", a->name, ordinal);
            break;
        }
        if (a->kind == APP_CRONJOB) {
            long run = (long)(created / 60 / a->interval_min * a->interval_min);
            snprintf(p->name, sizeof(p->name), "%s-%ld-%s", a->name, run, suffix);
        } else {
            snprintf(p->name, sizeof(p->name), "%s-%s-%s", a->name, a->hash, suffix);
        }
        if (!check || world_pod_find(w, a->ns, p->name) < 0) {
            break;
        }
    }
    return p;
}

struct world_pod *world_new_pod(struct world *w, size_t ai, int64_t created, int ordinal)
{
    return new_pod(w, ai, created, true, ordinal);
}

void world_pod_set_state(struct world *w, struct world_pod *p, int state, int64_t now)
{
    struct sim_rng *r = &w->rng;
    p->state = (uint8_t)state;
    switch (state) {
    case POD_CRASHLOOP:
        if (p->restarts == 0) {
            p->restarts = (uint32_t)sim_rng_range(r, 3, 40);
        }
        p->last_finished = now - sim_rng_range(r, 5, 280);
        p->started = p->last_finished - sim_rng_range(r, 1, 30);
        p->last_reason = LAST_ERROR;
        break;
    case POD_OOMKILLED:
        if (p->restarts == 0) {
            p->restarts = (uint32_t)sim_rng_range(r, 1, 9);
        }
        p->started = now - sim_rng_range(r, 120, 3000);
        p->last_finished = p->started - sim_rng_range(r, 5, 60);
        p->last_reason = LAST_OOMKILLED;
        break;
    case POD_PENDING:
        p->node = -1;
        p->restarts = 0;
        p->last_finished = 0;
        p->last_reason = LAST_NONE;
        break;
    case POD_CREATING:
    case POD_ERR_IMAGE_PULL:
    case POD_IMAGE_PULL_BACKOFF:
    case POD_INIT:
        if (p->node < 0 && w->n_nodes) {
            p->node = (int16_t)sim_rng_below(r, (uint32_t)w->n_nodes);
        }
        p->restarts = 0;
        p->last_finished = 0;
        p->last_reason = LAST_NONE;
        p->started = p->created + sim_rng_range(r, 1, 5);
        break;
    case POD_COMPLETED:
    case POD_FAILED:
        p->restarts = 0;
        p->last_finished = 0;
        p->last_reason = LAST_NONE;
        break;
    default:
        break;
    }
}

static void assign_special(struct world *w, int state, size_t count, int64_t now)
{
    size_t tries = 0;
    while (count > 0 && tries < count * 200 + 1000 && w->n_pods > 0) {
        tries++;
        struct world_pod *p = w->pods[sim_rng_below(&w->rng, (uint32_t)w->n_pods)];
        const struct world_app *a = &w->apps[p->app];
        if (p->state != POD_RUNNING || p->deleted_at || a->kind != APP_DEPLOYMENT || a->system) {
            continue;
        }
        if (state == POD_INIT && !a->has_init) {
            continue;
        }
        if (state == POD_SIDECAR_NOT_READY && !a->has_sidecar) {
            continue;
        }
        if (state == -1) {
            p->deleted_at = now + sim_rng_range(&w->rng, 5, 30);
            p->grace = 30;
        } else {
            world_pod_set_state(w, p, state, now);
        }
        count--;
    }
}

/* Is a namespace of that name there already? (before the namespaces are sorted) */
static bool ns_taken(const struct world *w, const char *name)
{
    for (size_t i = 0; i < w->n_ns; i++) {
        if (strcmp(w->ns[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

/* --lookalike: cfg.tenants tenants, the stems first, then a stem with a tail; a name that is
 * another's namespace already is drawn again (after a bounded number of tries, tenant-NNN). */
static void gen_lookalike_tenants(struct world *w, size_t *cap, int64_t now)
{
    for (int t = 0; t < w->cfg.tenants; t++) {
        char name[32];
        char sb[WORLD_NAME_MAX];
        for (unsigned attempt = 0;; attempt++) {
            if ((size_t)t < N_LOOKALIKE_STEMS) {
                copy_str(name, sizeof(name), lookalike_stems[t]);
            } else if (attempt < 200) {
                snprintf(name, sizeof(name), "%s%s",
                         lookalike_stems[sim_rng_below(&w->rng, N_LOOKALIKE_STEMS)],
                         lookalike_tails[sim_rng_below(&w->rng, N_LOOKALIKE_TAILS)]);
            } else {
                snprintf(name, sizeof(name), "tenant-%03d", t + 1);
            }
            if (!ns_taken(w, name)) {
                break;
            }
        }
        char display[96];
        size_t w1 = (size_t)t % N_LOOKALIKE_WORDS;
        size_t w2 = ((size_t)t / N_LOOKALIKE_WORDS + (size_t)t + 1) % N_LOOKALIKE_WORDS;
        snprintf(display, sizeof(display), "%s %s Office", lookalike_words[w1],
                 lookalike_words[w2]);
        int64_t created = now - sim_rng_range(&w->rng, 30 * DAY, 400 * DAY);
        add_ns(w, cap, name, name, display, created);
        snprintf(sb, sizeof(sb), "%s-sandbox", name);
        if (sim_rng_below(&w->rng, 2) == 0 && !ns_taken(w, sb)) {
            add_ns(w, cap, sb, name, display, created + sim_rng_range(&w->rng, DAY, 20 * DAY));
        }
    }
}

static void gen_tenants_and_namespaces(struct world *w)
{
    size_t cap = 0;
    int64_t now = w->start_time;
    int64_t cluster_born = now - sim_rng_range(&w->rng, 420 * DAY, 700 * DAY);
    add_ns(w, &cap, "default", "", "", cluster_born);
    add_ns(w, &cap, "kube-node-lease", "", "", cluster_born);
    add_ns(w, &cap, "kube-public", "", "", cluster_born);
    add_ns(w, &cap, "kube-system", "", "", cluster_born);
    if (w->cfg.lookalike) {
        gen_lookalike_tenants(w, &cap, now);
    }
    for (int t = 0; t < w->cfg.tenants && !w->cfg.lookalike; t++) {
        char name[32];
        char display[96];
        int sandbox;
        if ((size_t)t < N_TENANT_DEFS) {
            copy_str(name, sizeof(name), tenant_defs[t].name);
            copy_str(display, sizeof(display), tenant_defs[t].display);
            sandbox = tenant_defs[t].sandbox;
        } else {
            snprintf(name, sizeof(name), "tenant-%03d", t + 1);
            snprintf(display, sizeof(display), "Agency %03d", t + 1);
            sandbox = (t % 3) == 0;
        }
        int64_t created = now - sim_rng_range(&w->rng, 30 * DAY, 400 * DAY);
        add_ns(w, &cap, name, name, display, created);
        if (sandbox) {
            char sb[WORLD_NAME_MAX];
            snprintf(sb, sizeof(sb), "%s-sandbox", name);
            add_ns(w, &cap, sb, name, display, created + sim_rng_range(&w->rng, DAY, 20 * DAY));
        }
    }
    qsort(w->ns, w->n_ns, sizeof(*w->ns), ns_cmp);
}

static void gen_nodes(struct world *w)
{
    w->n_nodes = (w->cfg.pods + 29) / 30;
    if (w->n_nodes == 0) {
        w->n_nodes = 1;
    }
    if (w->n_nodes > 30000) {
        w->n_nodes = 30000;
    }
    w->nodes = sim_xcalloc(w->n_nodes, sizeof(*w->nodes));
    for (size_t i = 0; i < w->n_nodes; i++) {
        struct world_node *n = &w->nodes[i];
        snprintf(n->name, sizeof(n->name), "node-%02zu", i + 1);
        world_gen_uid(&w->rng, &n->uid);
        n->created = w->start_time - sim_rng_range(&w->rng, 30 * DAY, 400 * DAY);
        n->index = (uint32_t)i;
        n->control_plane = i == 0;
    }
}

/* --lookalike: the t-th tenant's name, its home namespaces in name order. */
static void lookalike_name(const struct world *w, int t, char *out, size_t size)
{
    size_t pos = 0;
    const struct world_ns *n = NULL;
    for (int k = 0; k <= t; k++) {
        n = world_tenant_next(w, &pos);
    }
    copy_str(out, size, n ? n->tenant : "");
}

static void gen_apps(struct world *w)
{
    size_t cap = 0;
    size_t n_tenant_ns = 0;
    for (size_t i = 0; i < w->n_ns; i++) {
        n_tenant_ns += w->ns[i].tenant[0] != '\0';
    }
    size_t per_ns = n_tenant_ns ? w->cfg.pods / (n_tenant_ns * 6) : 0;
    if (per_ns < 3) {
        per_ns = 3;
    }
    if (per_ns > 40) {
        per_ns = 40;
    }
    for (int t = 0; t < w->cfg.tenants; t++) {
        const struct tenant_def *def =
            (size_t)t < N_TENANT_DEFS && !w->cfg.lookalike ? &tenant_defs[t] : NULL;
        char name[32];
        if (def) {
            copy_str(name, sizeof(name), def->name);
        } else if (w->cfg.lookalike) {
            lookalike_name(w, t, name, sizeof(name));
        } else {
            snprintf(name, sizeof(name), "tenant-%03d", t + 1);
        }
        size_t first = w->n_apps;
        size_t made = 0;
        for (int k = 0; def && def->apps[k]; k++) {
            const char *an = def->apps[k];
            int kind = an[0] == '*' ? APP_CRONJOB : an[0] == '@' ? APP_STATEFULSET : APP_DEPLOYMENT;
            add_app(w, &cap, name, an + (kind != APP_DEPLOYMENT), kind);
            made++;
        }
        if (!def && t % 3 == 1) {
            char db[48];
            snprintf(db, sizeof(db), "%s-db", w->cfg.lookalike ? name : "app");
            add_app(w, &cap, name, db, APP_STATEFULSET);
            made++;
        }
        while (made < per_ns) {
            char an[48];
            gen_app_name(w, name, an, sizeof(an));
            add_app(w, &cap, name, an, APP_DEPLOYMENT);
            made++;
        }
        char sb[WORLD_NAME_MAX];
        snprintf(sb, sizeof(sb), "%s-sandbox", name);
        int sbi = world_ns_find(w, sb); /* with --lookalike, maybe another tenant's own */
        if (sbi >= 0 && strcmp(w->ns[sbi].tenant, name) == 0) {
            size_t n_sb = per_ns / 3 < 2 ? 2 : per_ns / 3;
            for (size_t k = 0; k < n_sb && first + k < w->n_apps; k++) {
                if (w->apps[first + k].kind != APP_DEPLOYMENT) {
                    continue;
                }
                char an[48];
                copy_str(an, sizeof(an), w->apps[first + k].name);
                struct world_app *a = add_app(w, &cap, sb, an, APP_DEPLOYMENT);
                a->has_sidecar = 0;
            }
        }
    }
    static const struct {
        const char *name;
        const char *label;
        const char *image;
    } sys[] = {
        {"coredns", "kube-dns", "registry.k8s.io/coredns/coredns:v1.11.1"},
        {"metrics-server", "metrics-server",
         "registry.k8s.io/metrics-server/metrics-server:v0.7.0"},
        {"local-path-provisioner", "local-path-provisioner",
         "docker.io/rancher/local-path-provisioner:v0.0.26"},
    };
    for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++) {
        struct world_app *a = add_app(w, &cap, "kube-system", sys[i].name, APP_DEPLOYMENT);
        a->system = 1;
        a->has_init = 0;
        a->has_sidecar = 0;
        copy_str(a->label_key, sizeof(a->label_key), "k8s-app");
        copy_str(a->label_value, sizeof(a->label_value), sys[i].label);
        copy_str(a->image, sizeof(a->image), sys[i].image);
        const char *tag = strrchr(sys[i].image, ':');
        copy_str(a->version, sizeof(a->version), tag ? tag + 2 : "1.0.0");
        a->created = w->ns[a->ns].created + 30;
        a->rs_created = a->created + 5;
    }
    qsort(w->apps, w->n_apps, sizeof(*w->apps), app_cmp);
}

/* Decides spec.replicas for every app so that the pods add up to cfg.pods exactly. */
static void distribute_replicas(struct world *w)
{
    size_t left = w->cfg.pods;
    /* System pods first: coredns 2, the others 1, while the budget allows. */
    for (size_t i = 0; i < w->n_apps && left > 0; i++) {
        struct world_app *a = &w->apps[i];
        if (!a->system) {
            continue;
        }
        uint32_t want = strcmp(a->name, "coredns") == 0 ? 2 : 1;
        if (w->cfg.pods < 40) {
            want = 1;
        }
        a->replicas = want <= left ? want : (uint32_t)left;
        left -= a->replicas;
    }
    /* StatefulSets (the tenants' databases): three replicas for the first two tenants, two
     * for the others. */
    for (size_t i = 0; i < w->n_apps && left > 0; i++) {
        struct world_app *a = &w->apps[i];
        if (a->kind != APP_STATEFULSET || w->cfg.pods < 60) {
            continue;
        }
        const char *tenant = w->ns[a->ns].tenant;
        uint32_t want = strcmp(tenant, "dmi") == 0 || strcmp(tenant, "registry") == 0 ? 3 : 2;
        a->replicas = want <= left ? want : (uint32_t)left;
        left -= a->replicas;
    }
    /* CronJobs keep their last three runs. */
    for (size_t i = 0; i < w->n_apps && left > 0; i++) {
        struct world_app *a = &w->apps[i];
        if (a->kind != APP_CRONJOB || w->cfg.pods < 60) {
            continue;
        }
        a->replicas = left >= 3 ? 3 : (uint32_t)left;
        left -= a->replicas;
    }
    uint64_t total_w = 0;
    uint32_t *weight = sim_xcalloc(w->n_apps, sizeof(*weight));
    for (size_t i = 0; i < w->n_apps; i++) {
        const struct world_app *a = &w->apps[i];
        if (a->system || a->kind != APP_DEPLOYMENT) {
            continue;
        }
        bool sandbox = strstr(w->ns[a->ns].name, "-sandbox") != NULL;
        weight[i] = sandbox ? 1 + sim_rng_below(&w->rng, 2) : 2 + sim_rng_below(&w->rng, 8);
        if (!sandbox && sim_rng_chance(&w->rng, 80)) {
            weight[i] *= 4;
        }
        total_w += weight[i];
    }
    size_t assigned = 0;
    for (size_t i = 0; i < w->n_apps && total_w > 0; i++) {
        if (weight[i] == 0) {
            continue;
        }
        uint32_t n = (uint32_t)((uint64_t)left * weight[i] / total_w);
        w->apps[i].replicas = n;
        assigned += n;
    }
    /* Hand out the rounding remainder one by one, smallest apps first in order. */
    for (size_t round = 0; assigned < left && total_w > 0; round++) {
        for (size_t i = 0; i < w->n_apps && assigned < left; i++) {
            if (weight[i] == 0 || w->apps[i].replicas > round) {
                continue;
            }
            w->apps[i].replicas++;
            assigned++;
        }
    }
    free(weight);
}

static void gen_pods(struct world *w)
{
    int64_t now = w->start_time;
    sort_world = w;
    w->cap_pods = w->cfg.pods + 1024;
    w->pods = sim_xcalloc(w->cap_pods, sizeof(*w->pods));
    for (size_t ai = 0; ai < w->n_apps; ai++) {
        struct world_app *a = &w->apps[ai];
        for (uint32_t k = 0; k < a->replicas; k++) {
            int64_t created;
            if (a->kind == APP_CRONJOB) {
                int64_t period = (int64_t)a->interval_min * 60;
                created = (now / period - (int64_t)(a->replicas - k)) * period +
                          sim_rng_range(&w->rng, 1, 3);
            } else if (sim_rng_chance(&w->rng, 120)) {
                created = a->rs_created + sim_rng_range(&w->rng, 60, now - a->rs_created + 60);
            } else {
                created = a->rs_created + sim_rng_range(&w->rng, 1, 120);
            }
            if (created > now - 5) {
                created = now - 5;
            }
            if (a->kind == APP_STATEFULSET) {
                created = a->rs_created + (int64_t)k * sim_rng_range(&w->rng, 20, 90);
            }
            if (created > now - 5) {
                created = now - 5;
            }
            struct world_pod *p = new_pod(w, ai, created, false, (int)k);
            if (a->kind == APP_CRONJOB) {
                p->state = (k == 0 && sim_rng_chance(&w->rng, 300)) ? POD_FAILED : POD_COMPLETED;
                p->started = created + sim_rng_range(&w->rng, 2, 10);
                p->last_finished = 0;
            } else if (sim_rng_chance(&w->rng, 80)) {
                /* An old restart: "3 (2d ago)". */
                p->restarts = (uint32_t)sim_rng_range(&w->rng, 1, 6);
                p->last_finished = p->started + sim_rng_range(&w->rng, 60, now - p->started);
                if (p->last_finished > now - 30) {
                    p->last_finished = now - 30;
                }
                p->started = p->last_finished + sim_rng_range(&w->rng, 1, 10);
                p->last_reason = sim_rng_chance(&w->rng, 300) ? LAST_OOMKILLED : LAST_ERROR;
            }
            w->pods[w->n_pods++] = p;
        }
    }
    qsort(w->pods, w->n_pods, sizeof(*w->pods), pod_ptr_cmp);
    /* Rename the rare duplicate names until every key is unique. */
    for (bool again = true; again;) {
        again = false;
        for (size_t i = 1; i < w->n_pods; i++) {
            if (pod_ptr_cmp(&w->pods[i - 1], &w->pods[i]) == 0) {
                struct world_pod *p = w->pods[i];
                size_t len = strlen(p->name);
                world_gen_suffix(&w->rng, p->name + len - 5, 5);
                again = true;
            }
        }
        if (again) {
            qsort(w->pods, w->n_pods, sizeof(*w->pods), pod_ptr_cmp);
        }
    }
    size_t n = w->n_pods;
    if (n >= 10) {
        assign_special(w, POD_CRASHLOOP, n * 15 / 1000 + 1, now);
    }
    if (n >= 40) {
        assign_special(w, POD_OOMKILLED, n * 5 / 1000 + 1, now);
        assign_special(w, POD_PENDING, n * 5 / 1000 + 1, now);
        assign_special(w, POD_CREATING, n * 4 / 1000 + 1, now);
        assign_special(w, POD_ERR_IMAGE_PULL, n * 3 / 1000 + 1, now);
        assign_special(w, POD_IMAGE_PULL_BACKOFF, n * 3 / 1000 + 1, now);
        assign_special(w, POD_INIT, n * 4 / 1000 + 1, now);
        assign_special(w, POD_SIDECAR_NOT_READY, n * 6 / 1000 + 1, now);
        assign_special(w, -1, n * 3 / 1000 + 1, now);
    }
}

/* Writes the version before v into out, for an older release of an app. A dotted version
 * of two to four numbers ("2.4.1", "v1.9", "1.25.3-alpine") loses one from its rightmost
 * non-zero number, and the numbers after that one are drawn from salt: "2.4.1" -> "2.4.0",
 * "1.9" -> "1.8", "v2.4.0" -> "v2.3.7", "1.0.0" -> "0.6.2". Another tag (a date, a build
 * number) ending in a digit from 2 to 9 loses one there ("2024-05-17" -> "2024-05-16", "r42"
 * -> "r41"); anything else gets a seven-digit build hash ("latest" -> "latest-3f9a2c1",
 * "2024-05-01" -> "2024-05-01-3f9a2c1"). The result always differs from v. */
static void prev_version(const char *v, uint64_t salt, char *out, size_t size)
{
    size_t pre = (size_t)(v[0] == 'v' || v[0] == 'V');
    const char *s = v + pre;
    unsigned long num[4];
    size_t n = 0;
    bool dotted = true;
    for (;;) {
        size_t len = strspn(s, "0123456789");
        if (n == 4 || len == 0 || len > 9 || (len > 1 && s[0] == '0')) {
            dotted = false;
            break;
        }
        num[n++] = strtoul(s, NULL, 10);
        s += len;
        if (*s != '.') {
            break;
        }
        s++;
    }
    /* A suffix is a pre-release or build name ("-alpine", "-rc.1"), not more of a date. */
    dotted = dotted && n >= 2 &&
             (*s == '\0' || ((*s == '-' || *s == '+') && s[1] && !strchr("0123456789", s[1])));
    size_t k = n;
    while (dotted && k > 0 && num[k - 1] == 0) {
        k--;
    }
    if (dotted && k > 0) {
        num[k - 1]--;
        for (size_t j = k; j < n; j++) {
            num[j] = (salt >> (8 * j)) % 10;
        }
        snprintf(out, size, "%.*s", (int)pre, v);
        for (size_t j = 0; j < n; j++) {
            size_t len = strlen(out);
            snprintf(out + len, size - len, "%s%lu", j ? "." : "", num[j]);
        }
        size_t len = strlen(out);
        if (len + strlen(s) < size) {
            copy_str(out + len, size - len, s);
            return;
        }
    }
    size_t len = strlen(v);
    if (len > 0 && len < size && v[len - 1] >= '2' && v[len - 1] <= '9') {
        memcpy(out, v, len + 1);
        out[len - 1]--;
        return;
    }
    size_t keep = len + 9 <= size ? len : size - 9;
    snprintf(out, size, "%.*s-%07llx", (int)keep, v, (unsigned long long)(salt & 0xfffffff));
    if (strcmp(out, v) == 0) {
        out[strlen(out) - 1] = out[strlen(out) - 1] == '0' ? '1' : '0';
    }
}

/* The image of an older release: image with its tag (":latest" when it has none) taken
 * back by prev_version(). */
static void prev_image(const char *image, uint64_t salt, char *out, size_t size)
{
    const char *colon = strrchr(image, ':');
    const char *slash = strrchr(image, '/');
    bool tagged = colon && (!slash || colon > slash);
    char tag[64];
    prev_version(tagged ? colon + 1 : "latest", salt, tag + 1, sizeof(tag) - 1);
    tag[0] = ':';
    size_t keep = tagged ? (size_t)(colon - image) : strlen(image);
    if (keep >= size) {
        keep = size - 1;
    }
    memcpy(out, image, keep);
    copy_str(out + keep, size - keep, tag);
}

/* The previous revision's ReplicaSet of every Deployment past revision 1, scaled to 0 when
 * the current one rolled out. Drawn from each app's own generator so that the rest of the
 * world is what it was without them. */
static void gen_old_replicasets(struct world *w)
{
    w->rs = sim_xcalloc(w->n_apps ? 2 * w->n_apps : 1, sizeof(*w->rs));
    for (size_t i = 0; i < w->n_apps; i++) {
        struct world_app *a = &w->apps[i];
        w->rs[2 * i] = (struct world_rs){.app = a, .old = true};
        w->rs[2 * i + 1] = (struct world_rs){.app = a, .old = false};
    }
    for (size_t i = 0; i < w->n_apps; i++) {
        struct world_app *a = &w->apps[i];
        if (a->kind != APP_DEPLOYMENT || a->revision < 2) {
            continue;
        }
        struct sim_rng r;
        sim_rng_seed(&r, sim_hash64(&a->uid, sizeof(a->uid), w->cfg.seed));
        do {
            world_gen_suffix(&r, a->old_hash, 10);
        } while (strcmp(a->old_hash, a->hash) == 0);
        world_gen_uid(&r, &a->old_rs_uid);
        a->old_rs_created = a->created;
        if (a->rs_created - 60 > a->created) {
            a->old_rs_created = sim_rng_range(&r, a->created, a->rs_created - 60);
        }
        /* Revisions differ in their template, as on a cluster: the previous one ran the
         * release before this one. */
        uint64_t salt = sim_rng_next(&r);
        prev_version(a->version, salt, a->old_version, sizeof(a->old_version));
        prev_image(a->image, salt, a->old_image, sizeof(a->old_image));
    }
    world_rs_sort(w);
}

static void assign_initial_rvs(struct world *w)
{
    w->rv = 40000 + sim_rng_below(&w->rng, 10000);
    for (size_t i = 0; i < w->n_ns; i++) {
        w->ns[i].rv = ++w->rv;
    }
    for (size_t i = 0; i < w->n_nodes; i++) {
        w->nodes[i].rv = ++w->rv;
    }
    for (size_t i = 0; i < w->n_apps; i++) {
        world_app_refresh(w, i);
        w->apps[i].rv = ++w->rv;
    }
    for (size_t i = 0; i < w->n_pods; i++) {
        w->pods[i]->rv = ++w->rv;
    }
    for (size_t i = 0; i < w->n_ns; i++) {
        if (w->ns[i].has_quota) {
            w->ns[i].quota_rv = ++w->rv;
        }
    }
    for (size_t i = 0; i < w->n_events; i++) {
        w->events[i]->rv = ++w->rv;
    }
    for (size_t i = 0; i < w->n_apps; i++) {
        struct world_app *a = &w->apps[i];
        for (int old = 0; old < 2; old++) {
            if (world_rs_exists(a, old)) {
                *(old ? &a->old_rs_rv : &a->rs_rv) = ++w->rv;
                world_rs_counts(a, old, &a->rs_pub[old]);
            }
        }
    }
    /* Generation recorded nothing worth replaying. */
    w->hist_start = 0;
    w->hist_len = 0;
    w->floor_rv = w->rv;
}

struct world *world_new(const struct world_config *cfg)
{
    struct world *w = sim_xcalloc(1, sizeof(*w));
    w->cfg = *cfg;
    if (w->cfg.tenants < 0) {
        w->cfg.tenants = 0;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->changed, &ca);
    pthread_condattr_destroy(&ca);
    sim_rng_seed(&w->rng, cfg->seed);
    w->start_time = sim_now();
    w->next_serial = 1;
    w->hist_cap = cfg->history;
    w->hist = w->hist_cap ? sim_xcalloc(w->hist_cap, sizeof(*w->hist)) : NULL;

    gen_tenants_and_namespaces(w);
    gen_nodes(w);
    gen_apps(w);
    gen_old_replicasets(w);
    distribute_replicas(w);
    gen_pods(w);
    world_quota_init(w);
    world_events_init(w);
    assign_initial_rvs(w);
    return w;
}

void world_free(struct world *w)
{
    if (!w) {
        return;
    }
    if (w->churn_running || w->ctl_running) {
        world_shutdown(w);
    }
    if (w->churn_running) {
        pthread_join(w->churn_thread, NULL);
        w->churn_running = false;
    }
    if (w->ctl_running) {
        pthread_join(w->ctl_thread, NULL);
        w->ctl_running = false;
    }
    world_events_free(w);
    for (size_t i = 0; i < w->n_pods; i++) {
        free(w->pods[i]);
    }
    free(w->pods);
    free(w->apps);
    free(w->rs);
    free(w->ns);
    free(w->nodes);
    free(w->hist);
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

void world_node_ip(const struct world_node *n, char out[20])
{
    snprintf(out, 20, "172.20.%u.%u", n->index / 250, 10 + n->index % 250);
}

const struct world_ns *world_tenant_next(const struct world *w, size_t *pos)
{
    while (*pos < w->n_ns) {
        const struct world_ns *n = &w->ns[(*pos)++];
        if (n->tenant[0] && strcmp(n->name, n->tenant) == 0) {
            return n;
        }
    }
    return NULL;
}

void world_lock(struct world *w)
{
    pthread_mutex_lock(&w->lock);
}

void world_unlock(struct world *w)
{
    pthread_mutex_unlock(&w->lock);
}

void world_wait(struct world *w, int64_t deadline_ms)
{
    if (w->shutting_down) {
        return;
    }
    struct timespec ts;
    ts.tv_sec = (time_t)(deadline_ms / 1000);
    ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
    int rc = pthread_cond_timedwait(&w->changed, &w->lock, &ts);
    (void)rc;
}

/* ---- churn ------------------------------------------------------------------------- */

struct world_pod *world_spawn_pod(struct world *w, size_t ai, int64_t now, int ordinal)
{
    struct world_app *a = &w->apps[ai];
    struct world_pod *p = new_pod(w, ai, now, true, ordinal);
    if (a->kind == APP_CRONJOB) {
        p->state = POD_RUNNING;
        p->started = now + 1;
    } else {
        world_pod_set_state(w, p, POD_CREATING, now);
    }
    world_pods_insert(w, p);
    world_emit_pod(w, p, WORLD_EV_ADDED);
    world_ev_owner_pod(w, p, true, now);
    world_ev_pod_scheduled(w, p, now);
    return p;
}

/* One thing happening to pod index i, as on a healthy platform: mostly a restart in place
 * or a rolling replacement, now and then a crash, an OOM kill or a readiness failure that
 * passes by itself (the controller's timer, world_pod_due()). Pods already on their way
 * somewhere, and the apps whose trouble is kept (world_trouble_start()), are left alone.
 * Returns false when nothing happened. */
static bool churn_pod(struct world *w, size_t i, int64_t now)
{
    struct world_pod *p = w->pods[i];
    struct sim_rng *r = &w->rng;
    size_t ai = p->app;
    struct world_app *a = &w->apps[ai];
    if (a->trouble != TROUBLE_NONE || p->due_ms) {
        return false;
    }
    if (p->deleted_at) {
        /* Terminating without a timer (a world made so): it goes now. */
        world_pod_due(w, p, 0, 1000);
        return true;
    }
    if (a->kind == APP_CRONJOB) {
        if (p->state == POD_RUNNING) {
            world_pod_set_state(w, p, sim_rng_chance(r, 100) ? POD_FAILED : POD_COMPLETED, now);
            p->last_finished = 0;
        } else {
            p->deleted_at = now;
            /* A new run starts as the oldest finished one goes. */
            world_emit_pod(w, p, WORLD_EV_MODIFIED);
            world_pod_due(w, p, 0, 1000);
            world_spawn_pod(w, ai, now, -1);
            return true;
        }
        world_emit_pod(w, p, WORLD_EV_MODIFIED);
        world_ev_pod_state(w, p, now);
        return true;
    }
    if (p->state != POD_RUNNING) {
        /* Not running and no timer (a world made so): it recovers in a minute or so. */
        world_pod_due(w, p, 30000, 60000);
        return true;
    }
    unsigned roll = sim_rng_below(r, 100);
    if (roll < 30) {
        struct world_pod gone;
        world_pod_delete(w, i, 30, &gone); /* replaced by its owner */
        return true;
    }
    if (roll < 85) {
        p->restarts++;
        p->last_finished = now;
        p->last_reason = LAST_ERROR;
        p->started = now;
    } else if (roll < 90) {
        p->restarts++;
        world_pod_set_state(w, p, POD_CRASHLOOP, now);
        p->last_finished = now;
        p->started = now - sim_rng_range(r, 1, 20);
        world_pod_due(w, p, 20000, 40000);
    } else if (roll < 95) {
        p->restarts++;
        world_pod_set_state(w, p, POD_OOMKILLED, now);
        p->last_finished = now;
        p->started = now - 1;
        world_pod_due(w, p, 5000, 20000);
    } else if (a->has_sidecar) {
        p->state = POD_SIDECAR_NOT_READY;
        world_pod_due(w, p, 5000, 20000);
    } else {
        p->restarts++;
        p->last_finished = now;
        p->last_reason = LAST_OOMKILLED;
        p->started = now;
    }
    world_emit_pod(w, p, WORLD_EV_MODIFIED);
    world_ev_pod_state(w, p, now);
    return true;
}

/* Scales a random tenant Deployment up or down by one pod as kubectl scale does (the
 * controller adds or removes the pod); returns the app index or SIZE_MAX when no app could
 * be scaled. */
static size_t churn_scale(struct world *w, bool up, int64_t now)
{
    (void)now;
    if (w->n_apps == 0) {
        return SIZE_MAX;
    }
    for (int attempt = 0; attempt < 20; attempt++) {
        size_t ai = sim_rng_below(&w->rng, (uint32_t)w->n_apps);
        struct world_app *a = &w->apps[ai];
        if (a->system || a->kind != APP_DEPLOYMENT || a->trouble != TROUBLE_NONE || a->rolling) {
            continue;
        }
        if (!up && a->replicas <= 1) {
            continue;
        }
        world_app_scale(w, ai, up ? a->replicas + 1 : a->replicas - 1);
        return ai;
    }
    return SIZE_MAX;
}

/* Applies one churn event and refreshes the touched app's status. Lock held. */
static void churn_one(struct world *w)
{
    int64_t now = sim_now();
    size_t target = w->cfg.pods;
    size_t slack = target / 50 + 2;
    unsigned roll = sim_rng_below(&w->rng, 100);
    size_t ai = SIZE_MAX;
    bool spec_changed = false;
    if (w->n_pods + slack < target || (roll < 4 && w->n_pods <= target + slack)) {
        ai = churn_scale(w, true, now);
    } else if (w->n_pods > target + slack || roll < 8) {
        ai = churn_scale(w, false, now);
    }
    spec_changed = ai != SIZE_MAX;
    for (int attempt = 0; ai == SIZE_MAX && attempt < 8 && w->n_pods > 0; attempt++) {
        size_t i = sim_rng_below(&w->rng, (uint32_t)w->n_pods);
        size_t app = w->pods[i]->app;
        if (churn_pod(w, i, now)) {
            ai = app;
        }
    }
    if (ai == SIZE_MAX) {
        return;
    }
    if (world_app_refresh(w, ai) || spec_changed) {
        if (w->apps[ai].kind != APP_CRONJOB) {
            world_emit_app(w, &w->apps[ai], WORLD_EV_MODIFIED);
        }
    }
    world_quota_flush(w);
}

/* ---- the troubles a demo keeps ----------------------------------------------------- */

#define TROUBLE_LOOK_MS 1000        /* how often the troubles are looked after */
#define TROUBLE_BACKOFF_S 40        /* a crash-looping container restarts this often */
#define TROUBLE_ROLL_STEP_MS 30000  /* the slow rollout's step */
#define TROUBLE_ROLL_PAUSE_MS 90000 /* between two slow rollouts */

/* A tenant Deployment, not a sandbox's, with min_replicas to max_replicas, no trouble yet; picked
 * with r (its own generator: the world as made stays the same for a seed). SIZE_MAX: none. */
static size_t trouble_pick(struct world *w, struct sim_rng *r, uint32_t min_replicas,
                           uint32_t max_replicas)
{
    for (int attempt = 0; attempt < 200 && w->n_apps > 0; attempt++) {
        size_t ai = sim_rng_below(r, (uint32_t)w->n_apps);
        const struct world_app *a = &w->apps[ai];
        if (!a->system && a->kind == APP_DEPLOYMENT && a->trouble == TROUBLE_NONE &&
            !a->rolling && a->replicas >= min_replicas && a->replicas <= max_replicas &&
            strstr(w->ns[a->ns].name, "sandbox") == NULL) {
            return ai;
        }
    }
    return SIZE_MAX;
}

/* Picks the apps whose problems a world with churn keeps showing (one of each trouble), sets
 * them going, and gives every pod that is in a passing trouble at the start a timer to
 * recover by. Lock held. */
static void world_trouble_start(struct world *w)
{
    struct sim_rng r;
    int64_t now = sim_now();
    size_t ai;
    sim_rng_seed(&r, w->cfg.seed ^ 0x74726f75626cULL);
    if ((ai = trouble_pick(w, &r, 2, 3)) != SIZE_MAX) {
        w->apps[ai].trouble = TROUBLE_CRASHLOOP;
        for (size_t i = 0; i < w->n_pods; i++) {
            struct world_pod *p = w->pods[i];
            if (p->app == ai && !p->deleted_at && p->state != POD_CRASHLOOP) {
                p->restarts += 3;
                p->last_finished = now;
                p->last_reason = LAST_ERROR;
                world_pod_set_state(w, p, POD_CRASHLOOP, now);
                world_emit_pod(w, p, WORLD_EV_MODIFIED);
                world_ev_pod_state(w, p, now);
            }
        }
        world_app_refresh(w, ai);
        world_emit_app(w, &w->apps[ai], WORLD_EV_MODIFIED);
    }
    if ((ai = trouble_pick(w, &r, 1, UINT32_MAX)) != SIZE_MAX) {
        struct world_app *a = &w->apps[ai];
        struct world_pod *p;
        a->trouble = TROUBLE_PENDING;
        a->replicas++;
        a->generation++;
        p = world_spawn_pod(w, ai, now, -1);
        p->node = -1;
        world_pod_set_state(w, p, POD_PENDING, now);
        world_emit_pod(w, p, WORLD_EV_MODIFIED);
        world_ev_pod_state(w, p, now);
        world_app_refresh(w, ai);
        world_emit_app(w, a, WORLD_EV_MODIFIED);
    }
    if ((ai = trouble_pick(w, &r, 3, UINT32_MAX)) != SIZE_MAX) {
        w->apps[ai].trouble = TROUBLE_SLOW_ROLLOUT;
        w->apps[ai].roll_step_ms = TROUBLE_ROLL_STEP_MS;
    }
    for (size_t i = 0; i < w->n_pods; i++) {
        struct world_pod *p = w->pods[i];
        if (w->apps[p->app].trouble == TROUBLE_NONE && !p->due_ms &&
            (p->deleted_at || (p->state != POD_RUNNING && p->state != POD_COMPLETED &&
                               p->state != POD_FAILED))) {
            world_pod_due(w, p, p->deleted_at ? 1000 : 20000, p->deleted_at ? 20000 : 100000);
        }
    }
    world_quota_flush(w);
    w->trouble_next_ms = sim_mono_ms();
}

/* Keeps the troubles going: the crash-looping pods restart now and then, the slow rollout
 * starts again a while after the last one ended. Lock held. */
static void world_trouble_look(struct world *w)
{
    int64_t mono = sim_mono_ms();
    int64_t now = sim_now();
    if (mono < w->trouble_next_ms) {
        return;
    }
    w->trouble_next_ms = mono + TROUBLE_LOOK_MS;
    for (size_t i = 0; i < w->n_pods; i++) {
        struct world_pod *p = w->pods[i];
        if (w->apps[p->app].trouble == TROUBLE_CRASHLOOP && p->state == POD_CRASHLOOP &&
            !p->deleted_at && now - p->last_finished >= TROUBLE_BACKOFF_S) {
            p->restarts++;
            p->last_finished = now;
            p->started = now;
            world_emit_pod(w, p, WORLD_EV_MODIFIED);
            world_ev_pod_state(w, p, now);
        }
    }
    for (size_t ai = 0; ai < w->n_apps; ai++) {
        struct world_app *a = &w->apps[ai];
        if (a->trouble != TROUBLE_SLOW_ROLLOUT || a->rolling) {
            continue;
        }
        if (a->roll_next_ms == 0 || mono >= a->roll_next_ms + TROUBLE_ROLL_PAUSE_MS) {
            char stamp[21];
            sim_format_time(now, stamp);
            world_app_restart(w, ai, stamp, NULL);
        }
    }
}

uint64_t world_churn(struct world *w, unsigned n)
{
    world_lock(w);
    for (unsigned i = 0; i < n; i++) {
        churn_one(w);
    }
    uint64_t rv = w->rv;
    pthread_cond_broadcast(&w->changed);
    world_unlock(w);
    return rv;
}

static void *churn_main(void *arg)
{
    struct world *w = arg;
    double carry = 0;
    int64_t last = sim_mono_ms();
    world_lock(w);
    while (!w->shutting_down) {
        world_wait(w, sim_mono_ms() + 100);
        int64_t t = sim_mono_ms();
        carry += w->cfg.churn * (double)(t - last) / 1000.0;
        last = t;
        bool any = false;
        while (carry >= 1.0 && !w->shutting_down) {
            churn_one(w);
            carry -= 1.0;
            any = true;
        }
        world_trouble_look(w);
        if (any) {
            pthread_cond_broadcast(&w->changed);
        }
    }
    world_unlock(w);
    return NULL;
}

void world_churn_start(struct world *w)
{
    if (w->cfg.churn <= 0 || w->churn_running) {
        return;
    }
    world_lock(w);
    world_trouble_start(w);
    world_unlock(w);
    if (pthread_create(&w->churn_thread, NULL, churn_main, w) != 0) {
        sim_die(1, "cannot start churn thread: %s", strerror(errno));
    }
    w->churn_running = true;
}

void world_compact(struct world *w)
{
    world_lock(w);
    w->hist_start = 0;
    w->hist_len = 0;
    /* Compaction takes a resourceVersion of its own, so everything issued before it
     * (list resourceVersions, continue tokens) is now too old. */
    w->rv++;
    w->floor_rv = w->rv;
    pthread_cond_broadcast(&w->changed);
    world_unlock(w);
}

void world_drop_watches(struct world *w)
{
    world_lock(w);
    w->drop_gen++;
    pthread_cond_broadcast(&w->changed);
    world_unlock(w);
}

void world_shutdown(struct world *w)
{
    world_lock(w);
    w->shutting_down = true;
    pthread_cond_broadcast(&w->changed);
    world_unlock(w);
}
