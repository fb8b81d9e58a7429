/* Kubernetes objects as the store keeps them: the fields the views show, extracted from the
 * API's JSON at once (the JSON tree is freed right after), with every string sanitized.
 *
 * Parsing functions run on worker threads as well as the loop thread: they touch no
 * global state. */
#ifndef GC_CORE_K8S_MODEL_H
#define GC_CORE_K8S_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

struct json_t; /* jansson's json_t; the header stays free of jansson for views/ */

/* Label and annotation names of the tenant mapping (../shared/DESIGN.md). */
#define K8S_LABEL_TENANT "govcloud.sit.dk/tenant"
#define K8S_ANNOT_DISPLAY "govcloud.sit.dk/display-name"
#define K8S_LABEL_APP "app.kubernetes.io/name"
#define K8S_LABEL_VERSION "app.kubernetes.io/version"

struct k8s_namespace {
    struct store_row row;   /* uid = metadata.uid */
    char *name;
    char *tenant;           /* label K8S_LABEL_TENANT, NULL if unlabelled */
    char *display;          /* annotation K8S_ANNOT_DISPLAY, NULL if absent */
    char *phase;            /* Active, Terminating */
    char *labels;           /* metadata.labels as `kubectl get --show-labels` prints them:
                               "k=v,k2=v2", sorted by key; NULL if none */
    int64_t created;        /* epoch seconds, 0 if unknown */
};

struct k8s_pod {
    struct store_row row;   /* uid = metadata.uid */
    char *ns;
    char *name;
    char *status;           /* as `kubectl get pods` prints STATUS: Running, CrashLoopBackOff,
                               Init:0/1, Completed, Terminating, ErrImagePull, OOMKilled ... */
    char *node;             /* spec.nodeName, NULL if unscheduled */
    char *ip;               /* status.podIP, NULL if none */
    char *app;              /* label K8S_LABEL_APP, NULL if absent */
    char *version;          /* label K8S_LABEL_VERSION, NULL if absent */
    char *containers;       /* container names joined by ',' (spec.containers, then
                               spec.initContainers), sanitized; NULL if none */
    char *owner;            /* its controller as "Kind/name" (metadata.ownerReferences with
                               controller: true; "ReplicaSet/web-7d9f"), NULL if none */
    char *last_reason;      /* lastState.terminated.reason (OOMKilled, Error, Completed ...) of
                               the container (init or regular) whose last run ended latest
                               (finishedAt); NULL if none has a terminated last state with a
                               reason */
    uint16_t ready;         /* containers ready */
    uint16_t total;         /* containers in spec */
    int32_t restarts;       /* as kubectl counts RESTARTS */
    uint32_t prev_runs;     /* bit i: the i-th name of `containers` (the first 32) has a
                               previous run to show (restartCount above 0 or a terminated
                               lastState): what `kubectl logs --previous` needs */
    int64_t last_restart;   /* epoch seconds of the latest container restart, 0 if none */
    int64_t created;        /* metadata.creationTimestamp, epoch seconds, 0 if unknown */
    int64_t deleted;        /* metadata.deletionTimestamp, epoch seconds, 0 if not deleting */
};

enum k8s_workload_kind {
    K8S_WORKLOAD_DEPLOYMENT,
    K8S_WORKLOAD_STATEFULSET,
};

/* kubectl rollout status, as a state. */
enum k8s_rollout {
    K8S_ROLLOUT_COMPLETE,    /* observed, every replica updated, available (ready) */
    K8S_ROLLOUT_PROGRESSING, /* not observed yet, or replicas still being replaced */
    K8S_ROLLOUT_STALLED,     /* the Progressing condition is False (ProgressDeadlineExceeded) */
};

/* A Deployment or a StatefulSet (apps/v1). */
struct k8s_workload {
    struct store_row row;   /* uid = metadata.uid */
    enum k8s_workload_kind kind;
    enum k8s_rollout rollout;
    char *ns;
    char *name;
    char *app;              /* label K8S_LABEL_APP, NULL if absent */
    char *version;          /* label K8S_LABEL_VERSION, NULL if absent */
    char *image_tag;        /* k8s_image_tag() of the first container's image; NULL if none */
    char *stall_reason;     /* reason of the False Progressing condition when STALLED, else NULL */
    int32_t desired;        /* spec.replicas (1 when absent, as the API defaults it) */
    int32_t ready;          /* status.readyReplicas */
    int32_t updated;        /* status.updatedReplicas */
    int32_t available;      /* status.availableReplicas (StatefulSets without it: ready) */
    int64_t created;        /* metadata.creationTimestamp, epoch seconds, 0 if unknown */
};

enum k8s_event_type {
    K8S_EVENT_NORMAL,
    K8S_EVENT_WARNING,
    K8S_EVENT_OTHER,        /* any other type string (printed as "Unknown") */
};

/* A core/v1 Event, reduced to what describe prints. Events are many: strings only as needed. */
struct k8s_event {
    struct store_row row;   /* uid = metadata.uid */
    char *ns;               /* metadata.namespace, else involvedObject.namespace; NULL if none */
    char *obj_kind;         /* involvedObject.kind ("Pod", "Deployment"); NULL if absent */
    char *obj_name;         /* involvedObject.name; NULL if absent */
    char *obj_uid;          /* involvedObject.uid; NULL if absent */
    char *reason;           /* NULL if absent */
    char *message;          /* NULL if absent */
    char *source;           /* source.component, else reportingComponent; NULL if neither */
    enum k8s_event_type type;
    int32_t count;          /* count, else series.count, else 1 */
    int64_t first;          /* firstTimestamp, else eventTime, else creationTimestamp; epoch s */
    int64_t last;           /* lastTimestamp, else series.lastObservedTime, else eventTime,
                               else creationTimestamp; epoch seconds, 0 if unknown */
};

/* A ReplicaSet (apps/v1): the revisions of a Deployment. */
struct k8s_replicaset {
    struct store_row row;   /* uid = metadata.uid */
    char *ns;
    char *name;
    char *owner_uid;        /* uid of the ownerReference with controller: true and kind
                               Deployment; NULL if none */
    char *app;              /* label K8S_LABEL_APP, NULL if absent */
    char *version;          /* label K8S_LABEL_VERSION, NULL if absent */
    int64_t revision;       /* annotation deployment.kubernetes.io/revision; 0 if absent or not
                               a number */
    int32_t desired;        /* spec.replicas (1 when absent, as the API defaults it) */
    int32_t current;        /* status.replicas */
    int32_t ready;          /* status.readyReplicas */
    int32_t available;      /* status.availableReplicas */
    int64_t created;        /* metadata.creationTimestamp, epoch seconds, 0 if unknown */
};

/* A ResourceQuota (v1), reduced to CPU, memory and pods. Amounts come from status.hard and
 * status.used (spec.hard when status.hard is absent, as before the quota controller ran).
 * For CPU the first key that `hard` sets of requests.cpu, cpu, limits.cpu is used, for memory
 * requests.memory, memory, limits.memory, for pods pods, count/pods; `used` is read under the
 * same key. -1 means not set (or not a valid quantity). */
struct k8s_quota {
    struct store_row row;   /* uid = metadata.uid */
    char *ns;
    char *name;
    const char *cpu_key;    /* static: "requests.cpu", "cpu", "limits.cpu"; NULL if none */
    const char *mem_key;    /* static: "requests.memory", "memory", "limits.memory"; or NULL */
    int64_t cpu_hard;       /* millicores, -1 if not set */
    int64_t cpu_used;
    int64_t mem_hard;       /* bytes, -1 if not set */
    int64_t mem_used;
    int64_t pods_hard;      /* -1 if not set */
    int64_t pods_used;
    int64_t created;        /* metadata.creationTimestamp, epoch seconds, 0 if unknown */
};

/* One PodMetrics or NodeMetrics (metrics.k8s.io/v1beta1). Metrics objects have no uid: a
 * pod's row is keyed "ns/name" (k8s_pod_metrics_key()), a node's by its name, so that a view
 * finds a pod's or node's usage with store_get(). */
struct k8s_metrics {
    struct store_row row;   /* uid = "ns/name" (pods) or "name" (nodes), both sanitized */
    char *ns;               /* NULL for nodes */
    char *name;
    int64_t cpu_m;          /* millicores, rounded up as kubectl top does (a pod: the sum over
                               its containers); -1 if a usage is missing or invalid */
    int64_t mem_b;          /* bytes; -1 likewise */
    int64_t timestamp;      /* end of the sampling window, epoch seconds; 0 if unknown */
    int32_t window_s;       /* length of the window in seconds ("15s"); 0 if unknown */
};

/* The Ready condition of a Node, as `kubectl get nodes` reads it. */
enum k8s_node_ready {
    K8S_NODE_READY,     /* status True */
    K8S_NODE_NOT_READY, /* False or Unknown: kubectl prints NotReady */
    K8S_NODE_UNKNOWN,   /* no Ready condition: kubectl prints Unknown */
};

/* A Node (v1), with what `kubectl get nodes` prints and what it can hold. Cluster-scoped:
 * no tenant. */
struct k8s_node {
    struct store_row row;   /* uid = metadata.uid */
    char *name;
    char *status;           /* kubectl's STATUS: Ready, NotReady or Unknown, followed by
                               ",SchedulingDisabled" when spec.unschedulable; never NULL */
    char *roles;            /* kubectl's ROLES: ROLE of each node-role.kubernetes.io/ROLE label
                               and the value of kubernetes.io/role, sorted, once each, joined
                               by ','; NULL when none (kubectl prints <none>) */
    char *version;          /* status.nodeInfo.kubeletVersion, NULL if absent */
    char *taints;           /* spec.taints as "key=value:effect" ("key:effect" without a
                               value), joined by ','; NULL when none */
    enum k8s_node_ready ready;
    bool unschedulable;     /* spec.unschedulable: cordoned */
    int64_t cpu_alloc;      /* status.allocatable.cpu in millicores, -1 if absent or invalid */
    int64_t mem_alloc;      /* status.allocatable.memory in bytes, -1 likewise */
    int64_t pods_alloc;     /* status.allocatable.pods, -1 likewise */
    int64_t created;        /* metadata.creationTimestamp, epoch seconds, 0 if unknown */
};

/* Parses one API object (a list item or a watch event's object). On success returns a new
 * row (caller owns; free with the matching _free) and sets nothing in *err. On failure
 * (not an object, no metadata.uid or name) returns NULL and sets *err to a message the caller
 * frees. Missing optional fields are not errors. */
struct k8s_pod *k8s_pod_parse(const struct json_t *obj, char **err);

/* A pod's strings, borrowed; NULL (or "") where absent. uid, ns and name are required. */
struct k8s_pod_text {
    const char *uid, *ns, *name, *status, *node, *ip, *app, *version, *containers,
        *last_reason, *owner;
};

/* A new pod row (numbers zero) holding sanitized copies of `t`'s strings, all in one
 * allocation with the row: a pod is the row there are most of, and ten small blocks cost
 * their headers and rounding in memory, and ten frees per change. "" becomes NULL, as the
 * parser has it, except STATUS, which is never NULL (""). Free with k8s_pod_free(). */
struct k8s_pod *k8s_pod_new(const struct k8s_pod_text *t);
struct k8s_namespace *k8s_namespace_parse(const struct json_t *obj, char **err);

/* A Deployment's or ReplicaSet's revision: the deployment.kubernetes.io/revision annotation
 * of `meta` (an object's metadata), 0 if absent or not a non-negative decimal number. */
int64_t k8s_revision(const struct json_t *meta);
struct k8s_workload *k8s_deployment_parse(const struct json_t *obj, char **err);
struct k8s_workload *k8s_statefulset_parse(const struct json_t *obj, char **err);
struct k8s_event *k8s_event_parse(const struct json_t *obj, char **err);
struct k8s_replicaset *k8s_replicaset_parse(const struct json_t *obj, char **err);
struct k8s_quota *k8s_quota_parse(const struct json_t *obj, char **err);
/* Metrics items need metadata.name (and metadata.namespace for pods), not a uid. */
struct k8s_metrics *k8s_pod_metrics_parse(const struct json_t *obj, char **err);
struct k8s_metrics *k8s_node_metrics_parse(const struct json_t *obj, char **err);
struct k8s_node *k8s_node_parse(const struct json_t *obj, char **err);

/* A metrics row from fields already read (k8s_metrics.c reads PodMetrics lists without a
 * JSON tree): ns NULL for a node, name required, timestamp and window may be NULL. Strings
 * are sanitized and copied into the row's own allocation (k8s_metrics_free() frees the lot, so
 * every metrics row is made here). Usage starts at 0 (a pod without containers uses nothing); the
 * caller adds each container's with k8s_metrics_add_usage(), or sets a node's. */
struct k8s_metrics *k8s_metrics_new(const char *ns, const char *name, const char *timestamp,
                                    const char *window);
/* Adds one container's usage (quantities, NULL if absent) to a pod's; a missing or invalid
 * one makes that total -1, as k8s_pod_metrics_parse() does. */
void k8s_metrics_add_usage(struct k8s_metrics *m, const char *cpu, const char *memory);

/* Free a row and its strings; takes the embedded struct store_row (store_row_free_fn). */
void k8s_pod_free(struct store_row *row);
void k8s_namespace_free(struct store_row *row);
void k8s_workload_free(struct store_row *row);
void k8s_event_free(struct store_row *row);
void k8s_replicaset_free(struct store_row *row);
void k8s_quota_free(struct store_row *row);
void k8s_metrics_free(struct store_row *row);
void k8s_node_free(struct store_row *row);

/* The row parser of a store kind this file parses (every kind of struct store_row above, as
 * a struct store_row: the row is the first member): k8s_pod_parse() for STORE_POD and so on,
 * with their contract. Other kinds give NULL and *err. Safe on any thread. */
struct store_row *k8s_row_parse(enum store_kind kind, const struct json_t *obj, char **err);
/* The matching free function, NULL for a kind without a parser. */
store_row_free_fn k8s_row_free_fn(enum store_kind kind);

struct jsonprune;
/* The members of an object of this kind that k8s_row_parse() never reads (managedFields, a
 * pod's volumes and containers' env and probes, a ReplicaSet's pod template ...), as rules
 * for jsontext_prune(): parsing the pruned text gives the same row. NULL for a kind without
 * rules. Kept beside the parsers: a parser that reads a new member must keep it here too
 * (test_k8s_prune parses every fixture both ways). */
const struct jsonprune *k8s_row_prune(enum store_kind kind);

/* The STORE_POD_METRICS key of a pod: "ns/name" (the pod's sanitized ns and name, as stored
 * in struct k8s_pod). Writes into buf (K8S_METRICS_KEY_MAX bytes suffice for valid names;
 * longer ones are cut and then match nothing) and returns buf. */
#define K8S_METRICS_KEY_MAX 320
char *k8s_pod_metrics_key(const char *ns, const char *name, char *buf, size_t size);

/* Kubernetes resource quantities ("250m", "1.5Gi", "179500412n", "2e3", "0.5"): the value
 * times 10^scale (0..9), rounded up to an integer as Kubernetes' ScaledValue does (0.1m of
 * CPU is 1 millicore). Suffixes n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or a decimal exponent
 * e/E with an optional sign ("1E3"; "1E" alone is exa). Returns -1 for NULL, garbage, a
 * negative quantity (usage and quota amounts never are) and anything above INT64_MAX. */
int64_t k8s_quantity_scaled(const char *s, int scale);
/* CPU in millicores: k8s_quantity_scaled(s, 3). */
int64_t k8s_quantity_milli(const char *s);
/* Memory (or a count) in bytes (units): k8s_quantity_scaled(s, 0). */
int64_t k8s_quantity_bytes(const char *s);

/* CPU for a table: below one core in millicores ("0m", "250m", "999m"), else cores with one
 * decimal, rounded, without a trailing ".0" ("1", "1.5", "12", "12.3"); "n/a" when negative
 * (unknown). Returns buf (at least 24 bytes). */
char *k8s_fmt_cpu(int64_t milli, char *buf, size_t size);

/* Memory as kubectl top prints it: below 1 Gi in whole Mi, rounded down ("0Mi", "128Mi",
 * "1023Mi"), else Gi (Ti, Pi, Ei above 1024 of the unit below) with one decimal, rounded,
 * without a trailing ".0" ("1Gi", "1.2Gi", "31Gi", "1.5Ti"); "n/a" when negative.
 * Returns buf (at least 24 bytes). */
char *k8s_fmt_mem(int64_t bytes, char *buf, size_t size);

/* One unit for a whole column: CPU in cores and memory in GiB, always with one decimal,
 * rounded ("0.3", "12.0"); "n/a" when negative. Returns buf (at least 24 bytes). */
char *k8s_fmt_cores(int64_t milli, char *buf, size_t size);
char *k8s_fmt_gib(int64_t bytes, char *buf, size_t size);

/* The tag of a container image reference, as an operator reads it: the part after the last
 * ':' unless that part contains '/' (a registry port), "latest" when there is no tag, the
 * first 12 hex digits of the digest for "name@sha256:...". Writes into buf (at least 16
 * bytes; longer tags are cut) and returns buf. `image` is not sanitized here. */
char *k8s_image_tag(const char *image, char *buf, size_t size);

/* RFC 3339 timestamp ("2024-05-01T10:00:00Z", with optional fraction or offset) to epoch
 * seconds; returns 0 for NULL or malformed input. */
int64_t k8s_parse_time(const char *s);

/* kubectl's age format (HumanDuration): 5s, 119s, 2m5s, 15m, 3h20m, 10h, 2d3h, 45d, 2y10d, 9y.
 * `seconds` is now - then. Writes into buf (at least 16 bytes) and returns buf. */
char *k8s_fmt_age(int64_t seconds, char *buf, size_t size);

/* Seconds until k8s_fmt_age()'s text for `age` changes (1 while seconds show), so a screen
 * repaints ages exactly when one changes. */
int64_t k8s_age_next_change(int64_t age);

/* kubectl's RESTARTS cell: "0", "4", or "4 (2m5s ago)" when last_restart is set.
 * Returns buf (at least 32 bytes). */
char *k8s_fmt_restarts(int32_t restarts, int64_t last_restart, int64_t now, char *buf,
                       size_t size);

/* How a pod is doing, as an operator reads its STATUS and READY. */
enum k8s_pod_health {
    K8S_POD_OK,       /* Running and every container ready */
    K8S_POD_DONE,     /* Completed / Succeeded */
    K8S_POD_PENDING,  /* Pending, ContainerCreating, PodInitializing, Init:N/M */
    K8S_POD_WARN,     /* Running but not ready, Terminating */
    K8S_POD_FAILING,  /* CrashLoopBackOff, Error, OOMKilled, ErrImagePull, Init:Error ... */
    K8S_POD_UNKNOWN,  /* Unknown, NotReady, empty */
};
enum k8s_pod_health k8s_pod_health(const struct k8s_pod *p);

/* Whether container `name` of the pod has a previous run (prev_runs): 1 yes, 0 no, -1 when
 * the pod has no container of that name (or it is past the 32nd). */
int k8s_pod_has_previous(const struct k8s_pod *p, const char *name);

/* Whether a pod counts for the app `app` in namespace `ns`: the apps view's rule (same
 * namespace, label K8S_LABEL_APP equal to `app`, and when both the workload and the pod
 * carry a K8S_LABEL_VERSION, the same version), so its RESTARTS and its merged log take the
 * same pods. `version` may be NULL. */
bool k8s_pod_of_app(const struct k8s_pod *p, const char *ns, const char *app,
                    const char *version);

/* Whether the pod's log is worth asking for now: its containers have started (not while it is
 * Pending, ContainerCreating, PodInitializing or Init:N/M, pulling an image or failing to, or
 * of unknown status) and it is not on its way out (Terminating: whether it ever started is
 * not known). A crash-looping or finished pod has its last run's log. */
bool k8s_pod_has_log(const struct k8s_pod *p);

/* The container names two lists have in common ("a,b,c" and "c,a" give "a,c"), in the first
 * list's order; NULL when either is NULL or they share none. Caller frees. */
char *k8s_containers_common(const char *a, const char *b);

/* True if `s` is a valid object name as Kubernetes validates one (a DNS-1123 subdomain):
 * lowercase alphanumerics, '-' and '.', at most 253 characters, every dot-separated label
 * non-empty and starting and ending alphanumeric. So "", ".", "..", "a..b", "-a", "a-" and
 * "A" are not names, and a name can go into an API path segment as it is. NULL is false. */
bool k8s_valid_name(const char *s);

/* True if `s` is a DNS-1123 label, what Kubernetes requires of a namespace and a container
 * name: lowercase alphanumerics and '-', no '.', starting and ending alphanumeric, 1 to 63
 * characters. NULL is false. */
bool k8s_valid_label(const char *s);

#endif
