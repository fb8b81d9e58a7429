/* The simulated GovCloud cluster: tenants, namespaces (with their ResourceQuota), nodes,
 * apps (Deployments, StatefulSets and CronJob runs), pods, Kubernetes Events, a global
 * resourceVersion and a bounded history of watch events.
 *
 * world.c builds the world and churns it, world_ctl.c applies the API's mutations (delete,
 * scale, rollout restart) and runs the controller thread that plays the kubelet and the
 * controllers over time, world_events.c keeps the Events.
 *
 * One mutex guards everything. Functions marked "lock held" must be called between
 * world_lock() and world_unlock(); the others take the lock themselves. Objects are small
 * fixed-size structs; JSON is rendered on demand by k8s_json.c. */
#ifndef GC_SIM_WORLD_H
#define GC_SIM_WORLD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim_util.h"

#define WORLD_NAME_MAX 72

enum world_kind {
    WORLD_KIND_POD,
    WORLD_KIND_DEPLOYMENT,
    WORLD_KIND_REPLICASET,
    WORLD_KIND_NAMESPACE,
    WORLD_KIND_NODE,
    WORLD_KIND_STATEFULSET,
    WORLD_KIND_EVENT,
    WORLD_KIND_RESOURCEQUOTA,
    WORLD_KIND_COUNT
};

/* The one ResourceQuota of a tenant namespace. */
#define WORLD_QUOTA_NAME "tenant-quota"

enum world_event_type { WORLD_EV_ADDED, WORLD_EV_MODIFIED, WORLD_EV_DELETED };

/* What a pod's containers are doing; Terminating is the separate deleted_at field. */
enum world_pod_state {
    POD_RUNNING,            /* every container running and ready */
    POD_SIDECAR_NOT_READY,  /* running; the sidecar container is not ready */
    POD_CRASHLOOP,          /* main container waiting in CrashLoopBackOff */
    POD_OOMKILLED,          /* main container just terminated with OOMKilled */
    POD_PENDING,            /* unschedulable, no node */
    POD_CREATING,           /* scheduled, ContainerCreating */
    POD_ERR_IMAGE_PULL,     /* waiting: ErrImagePull */
    POD_IMAGE_PULL_BACKOFF, /* waiting: ImagePullBackOff */
    POD_INIT,               /* init container running: Init:0/1 */
    POD_COMPLETED,          /* phase Succeeded (CronJob runs) */
    POD_FAILED,             /* phase Failed, reason Error (CronJob runs) */
    POD_STATE_COUNT
};

/* lastState.terminated.reason of the main container. */
enum world_last_reason { LAST_NONE, LAST_ERROR, LAST_OOMKILLED, LAST_COMPLETED };

enum world_app_kind { APP_DEPLOYMENT, APP_CRONJOB, APP_STATEFULSET };

struct world_uid {
    uint8_t b[16];
};

struct world_pod {
    char name[WORLD_NAME_MAX];
    struct world_uid uid;
    uint64_t rv;
    int64_t created;       /* creationTimestamp */
    int64_t started;       /* current container run started (or state change) */
    int64_t last_finished; /* lastState.terminated.finishedAt; 0 = no last state */
    int64_t deleted_at;    /* deletionTimestamp; 0 = not terminating */
    int64_t due_ms;        /* controller timer (monotonic ms) for the next step; 0 = none */
    uint32_t restarts;     /* main container restartCount */
    uint32_t serial;       /* unique per pod ever created: IPs, container ids */
    uint16_t app;          /* index into world.apps */
    int16_t node;          /* index into world.nodes, -1 = unscheduled */
    uint16_t grace;        /* deletionGracePeriodSeconds when deleted_at is set */
    uint8_t state;         /* enum world_pod_state */
    uint8_t last_reason;   /* enum world_last_reason */
    uint8_t old_rs;        /* belongs to the previous ReplicaSet (revision) of its app */
};

/* What a ReplicaSet shows: spec.replicas and its status counts. */
struct world_rs_counts {
    uint32_t spec;
    uint32_t replicas;
    uint32_t ready;
};

/* The few problems a world with churn keeps showing, so that a demo has something to look
 * at and stays otherwise healthy (world_trouble_start()). */
enum world_trouble {
    TROUBLE_NONE,
    TROUBLE_CRASHLOOP,    /* a bad release: every pod of the app in CrashLoopBackOff */
    TROUBLE_PENDING,      /* one replica more than fits: Pending, Insufficient cpu */
    TROUBLE_SLOW_ROLLOUT, /* rolls out again and again, one step every half minute */
};

struct world_app {
    char name[48];
    char version[24];   /* label app.kubernetes.io/version of the current revision */
    char hash[12];      /* pod-template-hash, 10 chars */
    char label_key[32]; /* selector label: app.kubernetes.io/name or k8s-app */
    char label_value[48];
    char image[112];           /* registry/repo:tag of the main container */
    char container[32];        /* main container name */
    char old_hash[12];         /* the previous revision's hash ("" = none); a Deployment keeps
                                  that ReplicaSet (at 0 replicas once rolled out) */
    char restarted_at[40];     /* template annotation kubectl.kubernetes.io/restartedAt */
    char old_restarted_at[40]; /* the same annotation of the previous revision */
    char old_image[112];       /* the previous revision's image and version (an older release in */
    char old_version[24];      /* the world as made; what the template had before a restart) */
    struct world_uid uid;
    struct world_uid rs_uid;
    struct world_uid old_rs_uid;
    uint64_t rv;
    int64_t created;
    int64_t rs_created;
    int64_t old_rs_created;
    uint64_t rs_rv; /* resourceVersions of the current and the previous ReplicaSet */
    uint64_t old_rs_rv;
    struct world_rs_counts rs_pub[2]; /* [old] as last published (watch events) */
    int64_t progress_time;            /* Progressing condition lastUpdateTime */
    int64_t roll_next_ms;             /* next rollout step (monotonic ms) */
    uint32_t replicas;                /* spec.replicas */
    uint32_t generation;
    uint32_t revision;    /* deployment.kubernetes.io/revision */
    uint32_t st_replicas; /* status counts, recomputed on every pod change */
    uint32_t st_ready;
    uint32_t st_available;
    uint32_t st_updated;
    uint32_t st_updated_ready; /* ready pods of the current revision */
    uint16_t ns;               /* index into world.ns */
    uint16_t port;
    uint16_t interval_min; /* CronJob schedule period in minutes */
    uint8_t kind;          /* enum world_app_kind */
    uint8_t has_sidecar;
    uint8_t has_init;
    uint8_t system;
    uint8_t qos;      /* 0 Burstable, 1 Guaranteed */
    uint8_t rolling;  /* a rollout (restart) is in progress */
    uint8_t trouble;  /* enum world_trouble: a problem churn keeps alive (the demo) */
    uint32_t roll_step_ms; /* a rollout's step; 0 = the controller's default */
    uint8_t rs_added; /* the current ReplicaSet is new: its next event is ADDED */
};

/* A Deployment's ReplicaSet as the API serves it: the current one, or the previous
 * revision's (old). */
struct world_rs {
    const struct world_app *app;
    bool old;
};

/* A ResourceQuota's amounts: CPU in millicores, memory in bytes. */
struct world_quota_amounts {
    uint64_t req_cpu;
    uint64_t req_mem;
    uint64_t lim_cpu;
    uint64_t lim_mem;
    uint64_t pods;
};

struct world_ns {
    char name[WORLD_NAME_MAX];
    char tenant[32]; /* "" for system namespaces */
    char display[96];
    struct world_uid uid;
    uint64_t rv;
    int64_t created;
    /* The namespace's ResourceQuota (tenant namespaces only). */
    uint8_t has_quota;
    uint8_t quota_dirty; /* a pod changed: recount used */
    struct world_uid quota_uid;
    uint64_t quota_rv;
    int64_t quota_created;
    struct world_quota_amounts hard;
    struct world_quota_amounts used;
};

struct world_node {
    char name[32];
    struct world_uid uid;
    uint64_t rv;
    int64_t created;
    uint32_t index;
    uint8_t control_plane;
};

/* A core/v1 Event about a pod, ReplicaSet, Deployment or StatefulSet. Reasons and
 * components point at string literals. */
struct world_kevent {
    char name[WORLD_NAME_MAX + 20]; /* OBJECT.<16 hex digits> */
    char obj_name[WORLD_NAME_MAX];
    char message[240];
    char field_path[64]; /* involvedObject.fieldPath, "" = none */
    char host[32];       /* source.host, "" = none */
    struct world_uid uid;
    struct world_uid obj_uid;
    uint64_t rv;
    int64_t first; /* firstTimestamp */
    int64_t last;  /* lastTimestamp */
    const char *reason;
    const char *component; /* source.component and reportingComponent */
    uint32_t count;
    uint16_t ns;
    uint8_t obj_kind; /* WORLD_KIND_POD, _REPLICASET, _DEPLOYMENT or _STATEFULSET */
    uint8_t warning;  /* type Warning, else Normal */
};

/* One watch event. The object is a snapshot taken when the event happened. */
struct world_event {
    uint64_t rv;
    uint8_t type;   /* enum world_event_type */
    uint8_t kind;   /* WORLD_KIND_POD, _DEPLOYMENT (apps), _REPLICASET (its Deployment),
                       _STATEFULSET, _EVENT, _RESOURCEQUOTA, _NAMESPACE */
    uint8_t rs_old; /* WORLD_KIND_REPLICASET: the previous revision's ReplicaSet */
    union {
        struct world_pod pod;
        struct world_app app;
        struct world_kevent kev;
        struct world_ns ns;
    } obj;
};

struct world_config {
    int tenants;
    size_t pods;
    uint64_t seed;
    double churn;   /* events per second, 0 = none */
    size_t history; /* watch events kept */
    bool lookalike; /* tenants named like one another (s7-isolation, gen_lookalike_tenants()) */
};

struct world {
    pthread_mutex_t lock;
    pthread_cond_t changed; /* broadcast on every mutation, compaction, drop and shutdown */
    struct world_config cfg;
    struct sim_rng rng;
    uint64_t rv;
    uint64_t floor_rv; /* a watch or continue token older than this gets 410 */
    int64_t start_time;

    struct world_ns *ns; /* sorted by name; a namespace's index is its sort rank */
    size_t n_ns;
    struct world_node *nodes;
    size_t n_nodes;
    struct world_app *apps; /* sorted by (namespace, name) */
    size_t n_apps;
    struct world_rs *rs;     /* 2 per app (the current and the previous ReplicaSet, even where
                                there is none), sorted by (namespace, name) */
    struct world_pod **pods; /* sorted by (namespace, name) */
    size_t n_pods;
    size_t cap_pods;
    uint32_t next_serial;

    struct world_kevent **events; /* sorted by (namespace, name) */
    size_t n_events;
    size_t cap_events;
    size_t max_events;
    uint32_t next_event_serial;

    struct world_event *hist; /* ring */
    size_t hist_cap;
    size_t hist_start;
    size_t hist_len;

    unsigned drop_gen; /* bumped by world_drop_watches() */
    bool shutting_down;
    unsigned long open_watches;
    unsigned long requests;

    pthread_t churn_thread;
    bool churn_running;
    pthread_t ctl_thread;
    bool ctl_running;
    bool ctl_active; /* pods with timers or rollouts in progress */
    int64_t trouble_next_ms; /* the next look at the troubles (monotonic ms) */
};

/* Builds the world for cfg (deterministic for cfg->seed). Caller frees with world_free(). */
struct world *world_new(const struct world_config *cfg);
/* Stops the churn thread if running and frees everything. */
void world_free(struct world *w);

/* The one world mutex; never held across network I/O. */
void world_lock(struct world *w);
void world_unlock(struct world *w);
/* Lock held. Waits for a change or until the monotonic deadline (ms); returns at once
 * when shutting down. */
void world_wait(struct world *w, int64_t deadline_ms);

/* Starts the thread that applies cfg.churn events a second (no-op when 0). */
void world_churn_start(struct world *w);
/* Starts the controller thread: pods created by the API become Running after a second or
 * two, deleted pods go away, rollouts progress. world_free() stops it. */
void world_ctl_start(struct world *w);
/* Applies n churn events now; returns the resourceVersion afterwards. */
uint64_t world_churn(struct world *w, unsigned n);
/* Forgets the watch history: every older resourceVersion becomes too old. */
void world_compact(struct world *w);
/* Ends every open watch stream (they notice drop_gen changed). */
void world_drop_watches(struct world *w);
/* Marks the world as shutting down and wakes every waiter. */
void world_shutdown(struct world *w);

/* The InternalIP of a node (every API names it by this address). Writes into out[20]. */
void world_node_ip(const struct world_node *n, char out[20]);
/* Lock held. The tenants in namespace order: the next tenant's home namespace (the one named
 * after it, which every tenant has; its tenant and display fields describe the tenant) at or
 * after *pos, which is moved past it; NULL after the last. Start with *pos = 0. */
const struct world_ns *world_tenant_next(const struct world *w, size_t *pos);

/* Lock held. Namespace index by name, or -1. */
int world_ns_find(const struct world *w, const char *name);
/* Lock held. Node index by name, or -1. */
int world_node_find(const struct world *w, const char *name);

/* Lock held. First index in the pod array whose (namespace rank, name) is >= the key
 * (> the key when after is true). ns_rank -1 means before every namespace. */
size_t world_pod_lower_bound(const struct world *w, int ns_rank, const char *name, bool after);
/* Same for the app array. */
size_t world_app_lower_bound(const struct world *w, int ns_rank, const char *name, bool after);
/* Same for the ReplicaSet array. */
size_t world_rs_lower_bound(const struct world *w, int ns_rank, const char *name, bool after);
/* Namespace rank of a pod. */
int world_pod_ns(const struct world *w, const struct world_pod *p);

/* Lock held. Index of the first kept event with rv > after_rv (hist_len when none). */
size_t world_history_after(const struct world *w, uint64_t after_rv);
/* Lock held. The i-th kept event, oldest first. */
const struct world_event *world_history_at(const struct world *w, size_t i);

/* A label set, keys in sorted order (as Go's JSON encoding prints a map). */
struct world_labels {
    size_t n;
    const char *key[10];
    const char *val[10];
    char store[160]; /* storage for derived values */
};

/* Lock held for the app/namespace lookups. Fill out with the object's labels (a pod's
 * app.kubernetes.io/version is its revision's). */
void world_pod_labels(const struct world *w, const struct world_pod *p, struct world_labels *out);
/* Labels of an app's current pod template (without pod-template-hash); also the labels of
 * the Deployment or StatefulSet itself. */
void world_app_labels(const struct world *w, const struct world_app *a, struct world_labels *out);
/* Labels of a Deployment's ReplicaSet, the current or the previous one (old): its template's,
 * with that revision's version, plus pod-template-hash. */
void world_rs_labels(const struct world *w, const struct world_app *a, bool old,
                     struct world_labels *out);
void world_ns_labels(const struct world_ns *n, struct world_labels *out);
void world_node_labels(const struct world_node *n, struct world_labels *out);

/* Name and uid of the pod's owner: its ReplicaSet or Job (the pod name without "-xxxxx"),
 * or its StatefulSet. */
void world_pod_owner(const struct world *w, const struct world_pod *p, char *name, size_t size,
                     struct world_uid *uid);

/* Display phase of a pod ("Running", "Pending", ...). */
const char *world_pod_phase(const struct world_pod *p);

/* Writes the canonical 8-4-4-4-12 text of a uid into out[37]. */
void world_uid_format(const struct world_uid *u, char out[37]);

/* The 10-character pod-template-hash of a Deployment pod (from its name) or the revision
 * hash of a StatefulSet pod; "" for CronJob pods. Writes into out[12]. */
void world_pod_hash(const struct world *w, const struct world_pod *p, char out[12]);
/* The ordinal of a StatefulSet pod (NAME-3 -> 3), -1 for others. */
int world_pod_ordinal(const struct world *w, const struct world_pod *p);
/* True while the pod's containers run (metrics exist, logs can be followed). */
bool world_pod_running(const struct world_pod *p);

/* Container resources: CPU in millicores (0 = not set), memory in bytes. */
struct world_res {
    uint64_t req_cpu;
    uint64_t req_mem;
    uint64_t lim_cpu;
    uint64_t lim_mem;
};
enum world_container { WORLD_C_MAIN, WORLD_C_SIDECAR, WORLD_C_INIT };
void world_container_res(const struct world_app *a, int container, struct world_res *out);

/* True when the Deployment a has that ReplicaSet (the previous one only after a rollout
 * or when the world began at a later revision). */
bool world_rs_exists(const struct world_app *a, bool old);
/* The ReplicaSet's spec.replicas and status: the current one has the pods of the current
 * revision, the previous one the rest (0 once a rollout is done). */
void world_rs_counts(const struct world_app *a, bool old, struct world_rs_counts *out);
/* Writes the ReplicaSet's name, DEPLOYMENT-HASH. */
void world_rs_name(const struct world_app *a, bool old, char *out, size_t size);
/* True when pod p belongs to its app's previous revision (a rollout is replacing it). */
bool world_pod_previous(const struct world *w, const struct world_pod *p);
/* Copies a into *out as its previous revision was: the old image and version (what the
 * previous ReplicaSet's template and its pods run); everything else is a's. */
void world_app_previous(const struct world_app *a, struct world_app *out);

/* Lock held. Index of the pod ns_rank/name, or -1. */
long world_pod_find(const struct world *w, int ns_rank, const char *name);

/* ---- mutations (world_ctl.c); lock held for all of them --------------------------- */

/* Deletes pod index i as the apiserver, kubelet and owner do: with grace 0 it is gone at
 * once (DELETED), else it turns Terminating (MODIFIED) and goes a second or so later. A
 * Deployment's ReplicaSet creates its replacement at once, a StatefulSet once the old pod
 * is gone. *out receives the pod as the DELETE answers it. grace < 0: the pod's default. */
void world_pod_delete(struct world *w, size_t i, long grace, struct world_pod *out);
/* Sets spec.replicas of a Deployment or StatefulSet: pods are added or removed. */
void world_app_scale(struct world *w, size_t ai, uint32_t replicas);
/* Changes the pod template: the annotation kubectl.kubernetes.io/restartedAt, and the main
 * container's image unless image is NULL or "". A new revision rolls out (new pods added, old
 * ones removed, over a few seconds); the previous revision keeps the image and version the
 * template had (a restart changes neither; a new image keeps the version label). */
void world_app_restart(struct world *w, size_t ai, const char *restarted_at, const char *image);
/* Sets pod p's controller timer base_ms (+ up to spread_ms) from now: at it, a Terminating
 * pod goes, a ContainerCreating one runs, a Pending one is scheduled, and a pod in a passing
 * trouble (a crash, an OOM kill, a failed pull, a readiness failure) runs again unless its
 * app's trouble keeps it there. */
void world_pod_due(struct world *w, struct world_pod *p, int64_t base_ms, uint32_t spread_ms);
/* The resource a Pending pod lacks: "cpu" for the app kept Pending (TROUBLE_PENDING), else
 * "memory". */
const char *world_pending_resource(const struct world *w, const struct world_pod *p);
/* Labels namespace `ns` for `tenant` (govcloud.sit.dk/tenant; "" removes it), as a tenant
 * operator relabelling it would: a MODIFIED event for the namespace and its quota. -1 when
 * there is no such namespace. Lock held. */
int world_ns_relabel(struct world *w, const char *ns, const char *tenant);
/* After a mutation: recounts the quotas whose pods changed and wakes the waiters
 * (watches, the controller). */
void world_changed(struct world *w);

/* Puts every pod of app ai that is not finishing into CrashLoopBackOff (a restart more, the
 * events a kubelet records) and keeps the app so (TROUBLE_CRASHLOOP: churn leaves it alone,
 * its new pods crash too). Returns how many. Lock held. (POST /_sim/crashloop) */
size_t world_app_crashloop(struct world *w, size_t ai);

/* ---- events (world_events.c) ------------------------------------------------------ */

/* Lock held. Records an Event about an object (aggregating a repeat of the same reason and
 * message into count/lastTimestamp) and emits ADDED or MODIFIED; keeps at most 20 Events
 * per object and max_events in all (the oldest go, DELETED). */
void world_event_add(struct world *w, int obj_kind, int ns, const char *obj_name,
                     const struct world_uid *obj_uid, const char *field_path, const char *host,
                     const char *component, const char *reason, bool warning, int64_t when,
                     const char *fmt, ...) __attribute__((format(printf, 12, 13)));
/* Lock held. First index in the Event array whose (namespace, name) is >= the key (> when
 * after). */
size_t world_event_lower_bound(const struct world *w, int ns_rank, const char *name, bool after);

#endif
