#include "sim/k8s/json.h"

#include <stdio.h>
#include <string.h>

#define K8S_VERSION "v1.29.0"

/* ---- kind metadata ----------------------------------------------------------------- */

struct kind_info {
    const char *kind;
    const char *list_kind;
    const char *api_version;
    const char *resource;
    const char *group;
    int namespaced;
};

static const struct kind_info kinds[WORLD_KIND_COUNT] = {
    [WORLD_KIND_POD] = {"Pod", "PodList", "v1", "pods", "", 1},
    [WORLD_KIND_DEPLOYMENT] = {"Deployment", "DeploymentList", "apps/v1", "deployments", "apps", 1},
    [WORLD_KIND_REPLICASET] = {"ReplicaSet", "ReplicaSetList", "apps/v1", "replicasets", "apps", 1},
    [WORLD_KIND_NAMESPACE] = {"Namespace", "NamespaceList", "v1", "namespaces", "", 0},
    [WORLD_KIND_NODE] = {"Node", "NodeList", "v1", "nodes", "", 0},
    [WORLD_KIND_STATEFULSET] = {"StatefulSet", "StatefulSetList", "apps/v1", "statefulsets", "apps",
                                1},
    [WORLD_KIND_EVENT] = {"Event", "EventList", "v1", "events", "", 1},
    [WORLD_KIND_RESOURCEQUOTA] = {"ResourceQuota", "ResourceQuotaList", "v1", "resourcequotas", "",
                                  1},
};

const char *k8s_json_kind(int kind)
{
    return kinds[kind].kind;
}

const char *k8s_json_list_kind(int kind)
{
    return kinds[kind].list_kind;
}

const char *k8s_json_api_version(int kind)
{
    return kinds[kind].api_version;
}

const char *k8s_json_resource(int kind)
{
    return kinds[kind].resource;
}

const char *k8s_json_group(int kind)
{
    return kinds[kind].group;
}

int k8s_json_namespaced(int kind)
{
    return kinds[kind].namespaced;
}

/* ---- small writers ----------------------------------------------------------------- */

static void put_uid(struct jbuf *b, const struct world_uid *u)
{
    char s[37];
    world_uid_format(u, s);
    jbuf_reserve(b, 38);
    b->data[b->len++] = '"';
    memcpy(b->data + b->len, s, 36);
    b->len += 36;
    b->data[b->len++] = '"';
}

static void put_labels(struct jbuf *b, const struct world_labels *l)
{
    jbuf_putc(b, '{');
    for (size_t i = 0; i < l->n; i++) {
        if (i) {
            jbuf_putc(b, ',');
        }
        jbuf_put_str(b, l->key[i]);
        jbuf_putc(b, ':');
        jbuf_put_str(b, l->val[i]);
    }
    jbuf_putc(b, '}');
}

/* 64 lowercase hex digits derived from a seed (image digests, container ids). */
static void put_hex64(struct jbuf *b, uint64_t seed)
{
    static const char hex[] = "0123456789abcdef";
    jbuf_reserve(b, 64);
    char *o = b->data + b->len;
    uint64_t h = seed;
    for (int i = 0; i < 4; i++) {
        h = sim_hash64(&h, sizeof(h), (uint64_t)i);
        for (int k = 0; k < 16; k++) {
            o[i * 16 + k] = hex[(h >> (k * 4)) & 15];
        }
    }
    b->len += 64;
}

static void pod_ip(const struct world_pod *p, char out[20])
{
    uint32_t n = (uint32_t)(p->node < 0 ? 0 : p->node);
    snprintf(out, 20, "10.%u.%u.%u", 64 + n / 256, n % 256, 2 + p->serial % 250);
}

static uint64_t uid_seed(const struct world_uid *u)
{
    return sim_hash64(u->b, sizeof(u->b), 7);
}

/* "registry/repo:tag" -> "registry/repo@sha256:<digest>" */
static void put_image_id(struct jbuf *b, const char *image)
{
    const char *colon = strrchr(image, ':');
    const char *slash = strrchr(image, '/');
    size_t n = (colon && (!slash || colon > slash)) ? (size_t)(colon - image) : strlen(image);
    jbuf_putc(b, '"');
    jbuf_put(b, image, n);
    JB_LIT(b, "@sha256:");
    put_hex64(b, sim_hash64(image, strlen(image), 3));
    jbuf_putc(b, '"');
}

static void put_container_id(struct jbuf *b, const struct world_pod *p, int container, uint32_t run)
{
    JB_LIT(b, "\"containerd://");
    put_hex64(b, uid_seed(&p->uid) ^ ((uint64_t)container << 40) ^ ((uint64_t)run * 0x9e37));
    jbuf_putc(b, '"');
}

static void put_managed_time(struct jbuf *b, const char *manager, const char *api_version,
                             int64_t t, const char *fields, const char *subresource)
{
    JB_LIT(b, "{\"manager\":");
    jbuf_put_str(b, manager);
    JB_LIT(b, ",\"operation\":\"Update\",\"apiVersion\":");
    jbuf_put_str(b, api_version);
    JB_LIT(b, ",\"time\":");
    jbuf_put_time(b, t);
    JB_LIT(b, ",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":");
    jbuf_puts(b, fields);
    if (subresource) {
        JB_LIT(b, ",\"subresource\":");
        jbuf_put_str(b, subresource);
    }
    jbuf_putc(b, '}');
}

/* ---- containers -------------------------------------------------------------------- */

static const char sidecar_name[] = "log-shipper";
static const char sidecar_image[] = "registry.govcloud.sit.dk/platform/log-shipper:1.6.2";

/* Container resources (world_container_res); qos 1 makes requests equal limits. */
static void put_resources(struct jbuf *b, const struct world_app *a, int sidecar)
{
    struct world_res r;
    char q[32];
    world_container_res(a, sidecar ? WORLD_C_SIDECAR : WORLD_C_MAIN, &r);
    JB_LIT(b, "\"resources\":{\"limits\":{");
    if (r.lim_cpu) {
        sim_format_cpu(r.lim_cpu, q, sizeof(q));
        JB_LIT(b, "\"cpu\":");
        jbuf_put_str(b, q);
        jbuf_putc(b, ',');
    }
    sim_format_mem(r.lim_mem, q, sizeof(q));
    JB_LIT(b, "\"memory\":");
    jbuf_put_str(b, q);
    sim_format_cpu(r.req_cpu, q, sizeof(q));
    JB_LIT(b, "},\"requests\":{\"cpu\":");
    jbuf_put_str(b, q);
    sim_format_mem(r.req_mem, q, sizeof(q));
    JB_LIT(b, ",\"memory\":");
    jbuf_put_str(b, q);
    JB_LIT(b, "}}");
}

static void put_sa_mount(struct jbuf *b, const char *vol)
{
    JB_LIT(b, "\"volumeMounts\":[{\"name\":\"");
    jbuf_puts(b, vol);
    JB_LIT(b, "\",\"readOnly\":true,\"mountPath\":\"/var/run/secrets/kubernetes.io/"
              "serviceaccount\"}]");
}

static void put_probe(struct jbuf *b, const char *key, const char *path, unsigned port,
                      unsigned delay)
{
    jbuf_printf(b,
                "\"%s\":{\"httpGet\":{\"path\":\"%s\",\"port\":%u,\"scheme\":\"HTTP\"},"
                "\"initialDelaySeconds\":%u,\"timeoutSeconds\":1,\"periodSeconds\":10,"
                "\"successThreshold\":1,\"failureThreshold\":3},",
                key, path, port, delay);
}

/* The template's containers array (shared by pods, Deployments and ReplicaSets). */
static void put_containers(struct jbuf *b, const struct world *w, const struct world_app *a,
                           const char *vol)
{
    JB_LIT(b, "\"containers\":[{\"name\":");
    jbuf_put_str(b, a->container);
    JB_LIT(b, ",\"image\":");
    jbuf_put_str(b, a->image);
    if (a->kind == APP_CRONJOB) {
        JB_LIT(b, ",\"args\":[\"--run-once\"]");
    } else if (a->kind == APP_STATEFULSET) {
        jbuf_printf(b,
                    ",\"ports\":[{\"name\":\"postgres\",\"containerPort\":%u,"
                    "\"protocol\":\"TCP\"}]",
                    a->port);
    } else {
        jbuf_printf(b, ",\"ports\":[{\"name\":\"http\",\"containerPort\":%u,\"protocol\":\"TCP\"}]",
                    a->port);
    }
    if (a->kind == APP_STATEFULSET) {
        JB_LIT(b, ",\"env\":[{\"name\":\"PGDATA\",\"value\":\"/var/lib/postgresql/data/pgdata\"},"
                  "{\"name\":\"POSTGRES_DB\",\"value\":");
        jbuf_put_str(b, w->ns[a->ns].tenant);
        JB_LIT(b, "}]");
    } else if (!a->system) {
        JB_LIT(b, ",\"env\":[{\"name\":\"TENANT\",\"value\":");
        jbuf_put_str(b, w->ns[a->ns].tenant);
        JB_LIT(b, "},{\"name\":\"LOG_FORMAT\",\"value\":\"json\"}]");
    }
    jbuf_putc(b, ',');
    put_resources(b, a, 0);
    jbuf_putc(b, ',');
    if (a->kind == APP_STATEFULSET) {
        JB_LIT(b, "\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":"
                  "\"/var/lib/postgresql/data\"}");
        if (vol) {
            JB_LIT(b, ",{\"name\":\"");
            jbuf_puts(b, vol);
            JB_LIT(b, "\",\"readOnly\":true,\"mountPath\":\"/var/run/secrets/kubernetes.io/"
                      "serviceaccount\"}");
        }
        JB_LIT(b, "],");
        JB_LIT(b, "\"livenessProbe\":{\"tcpSocket\":{\"port\":5432},\"initialDelaySeconds\":30,"
                  "\"timeoutSeconds\":5,\"periodSeconds\":10,\"successThreshold\":1,"
                  "\"failureThreshold\":6},\"readinessProbe\":{\"exec\":{\"command\":["
                  "\"pg_isready\",\"-U\",\"postgres\"]},\"timeoutSeconds\":5,"
                  "\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3},");
    } else if (vol) {
        put_sa_mount(b, vol);
        jbuf_putc(b, ',');
    }
    if (a->kind == APP_DEPLOYMENT) {
        put_probe(b, "livenessProbe", "/healthz", a->port, 10);
        put_probe(b, "readinessProbe", "/ready", a->port, 0);
    }
    JB_LIT(b, "\"terminationMessagePath\":\"/dev/termination-log\","
              "\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}");
    if (a->has_sidecar) {
        JB_LIT(b, ",{\"name\":\"log-shipper\",\"image\":");
        jbuf_put_str(b, sidecar_image);
        JB_LIT(b, ",\"args\":[\"--input=/var/log/app\",\"--output=loki\"],");
        put_resources(b, a, 1);
        jbuf_putc(b, ',');
        if (vol) {
            put_sa_mount(b, vol);
            jbuf_putc(b, ',');
        }
        JB_LIT(b, "\"terminationMessagePath\":\"/dev/termination-log\","
                  "\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}");
    }
    jbuf_putc(b, ']');
}

static void put_init_containers(struct jbuf *b, const struct world_app *a, const char *vol)
{
    JB_LIT(b, "\"initContainers\":[{\"name\":\"db-migrate\",\"image\":");
    jbuf_put_str(b, a->image);
    JB_LIT(b, ",\"command\":[\"/app/migrate\",\"--wait-for-db\"],");
    put_resources(b, a, 0);
    jbuf_putc(b, ',');
    if (vol) {
        put_sa_mount(b, vol);
        jbuf_putc(b, ',');
    }
    JB_LIT(b, "\"terminationMessagePath\":\"/dev/termination-log\","
              "\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],");
}

/* The pod spec fields after containers, common to pods and templates. */
static void put_pod_spec_tail(struct jbuf *b, const struct world_app *a)
{
    if (a->kind == APP_CRONJOB) {
        JB_LIT(b, ",\"restartPolicy\":\"Never\"");
    } else {
        JB_LIT(b, ",\"restartPolicy\":\"Always\"");
    }
    JB_LIT(b, ",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\"");
}

/* ---- pods -------------------------------------------------------------------------- */

struct pod_view {
    const struct world_app *app; /* as of the pod's revision (prev for an old one) */
    struct world_app prev;
    const struct world_ns *ns;
    char ip[20];
    char host_ip[20];
    const char *node;
    int has_ip;
    int main_ready;
    int sidecar_ready;
    int terminal;
};

/* Derived facts about a pod that several parts of its JSON need. */
static void pod_view_init(struct pod_view *v, const struct world *w, const struct world_pod *p)
{
    v->app = &w->apps[p->app];
    if (world_pod_previous(w, p)) {
        world_app_previous(v->app, &v->prev);
        v->app = &v->prev;
    }
    v->ns = &w->ns[v->app->ns];
    v->node = p->node >= 0 && (size_t)p->node < w->n_nodes ? w->nodes[p->node].name : NULL;
    if (v->node) {
        world_node_ip(&w->nodes[p->node], v->host_ip);
    } else {
        v->host_ip[0] = '\0';
    }
    v->has_ip = v->node && p->state != POD_PENDING && p->state != POD_CREATING;
    if (v->has_ip) {
        pod_ip(p, v->ip);
    } else {
        v->ip[0] = '\0';
    }
    v->terminal = p->state == POD_COMPLETED || p->state == POD_FAILED;
    v->main_ready = p->state == POD_RUNNING || p->state == POD_SIDECAR_NOT_READY;
    v->sidecar_ready =
        v->app->has_sidecar &&
        (p->state == POD_RUNNING || p->state == POD_CRASHLOOP || p->state == POD_OOMKILLED ||
         p->state == POD_ERR_IMAGE_PULL || p->state == POD_IMAGE_PULL_BACKOFF);
}

static void put_condition(struct jbuf *b, int *first, const char *type, int status, int64_t t,
                          const char *reason, const char *message)
{
    if (!*first) {
        jbuf_putc(b, ',');
    }
    *first = 0;
    JB_LIT(b, "{\"type\":\"");
    jbuf_puts(b, type);
    JB_LIT(b, "\",\"status\":");
    jbuf_puts(b, status ? "\"True\"" : "\"False\"");
    JB_LIT(b, ",\"lastProbeTime\":null,\"lastTransitionTime\":");
    jbuf_put_time(b, t);
    if (reason) {
        JB_LIT(b, ",\"reason\":");
        jbuf_put_str(b, reason);
    }
    if (message) {
        JB_LIT(b, ",\"message\":");
        jbuf_put_str(b, message);
    }
    jbuf_putc(b, '}');
}

/* status.conditions as the kubelet and scheduler set them for each state. */
static void put_pod_conditions(struct jbuf *b, const struct world *w, const struct world_pod *p,
                               const struct pod_view *v)
{
    const struct world_app *a = v->app;
    int first = 1;
    int64_t sched = p->created;
    char msg[160];
    JB_LIT(b, "\"conditions\":[");
    if (p->state == POD_PENDING) {
        size_t n = w->n_nodes;
        snprintf(msg, sizeof(msg),
                 "0/%zu nodes are available: %zu Insufficient %s. preemption: 0/%zu nodes are "
                 "available: %zu No preemption victims found for incoming pod.",
                 n, n, world_pending_resource(w, p), n, n);
        put_condition(b, &first, "PodScheduled", 0, sched, "Unschedulable", msg);
        jbuf_putc(b, ']');
        return;
    }
    int sandbox = p->state != POD_CREATING && !v->terminal;
    int initialized = p->state != POD_INIT;
    int ready = v->main_ready && (!a->has_sidecar || v->sidecar_ready) && !v->terminal;
    int64_t t_sandbox = p->created + 1;
    int64_t t_ready = p->started + 2;
    const char *done =
        v->terminal ? (p->state == POD_COMPLETED ? "PodCompleted" : "PodFailed") : NULL;
    put_condition(b, &first, "PodReadyToStartContainers", sandbox, t_sandbox, NULL, NULL);
    if (initialized) {
        put_condition(b, &first, "Initialized", 1, p->created + (a->has_init ? 4 : 0),
                      p->state == POD_COMPLETED ? "PodCompleted" : NULL, NULL);
    } else {
        put_condition(b, &first, "Initialized", 0, p->created, "ContainersNotInitialized",
                      "containers with incomplete status: [db-migrate]");
    }
    if (ready) {
        put_condition(b, &first, "Ready", 1, t_ready, NULL, NULL);
        put_condition(b, &first, "ContainersReady", 1, t_ready, NULL, NULL);
    } else if (done) {
        put_condition(b, &first, "Ready", 0, p->started + 5, done, NULL);
        put_condition(b, &first, "ContainersReady", 0, p->started + 5, done, NULL);
    } else {
        const char *unready;
        if (!v->main_ready && a->has_sidecar && !v->sidecar_ready) {
            snprintf(msg, sizeof(msg), "containers with unready status: [%s %s]", a->container,
                     sidecar_name);
        } else if (!v->main_ready) {
            snprintf(msg, sizeof(msg), "containers with unready status: [%s]", a->container);
        } else {
            snprintf(msg, sizeof(msg), "containers with unready status: [%s]", sidecar_name);
        }
        unready = msg;
        int64_t t = p->last_finished > p->started ? p->last_finished : p->started;
        if (t < p->created) {
            t = p->created;
        }
        put_condition(b, &first, "Ready", 0, t, "ContainersNotReady", unready);
        put_condition(b, &first, "ContainersReady", 0, t, "ContainersNotReady", unready);
    }
    put_condition(b, &first, "PodScheduled", 1, sched, NULL, NULL);
    jbuf_putc(b, ']');
}

static void put_terminated(struct jbuf *b, const struct world_pod *p, int container, int code,
                           const char *reason, int64_t started, int64_t finished, uint32_t run)
{
    jbuf_printf(b, "{\"terminated\":{\"exitCode\":%d,\"reason\":\"%s\",\"startedAt\":", code,
                reason);
    jbuf_put_time(b, started);
    JB_LIT(b, ",\"finishedAt\":");
    jbuf_put_time(b, finished);
    JB_LIT(b, ",\"containerID\":");
    put_container_id(b, p, container, run);
    JB_LIT(b, "}}");
}

static void put_waiting(struct jbuf *b, const char *reason, const char *message)
{
    JB_LIT(b, "{\"waiting\":{\"reason\":");
    jbuf_put_str(b, reason);
    if (message) {
        JB_LIT(b, ",\"message\":");
        jbuf_put_str(b, message);
    }
    JB_LIT(b, "}}");
}

static const char *last_reason_text(int r)
{
    switch (r) {
    case LAST_OOMKILLED:
        return "OOMKilled";
    case LAST_COMPLETED:
        return "Completed";
    default:
        return "Error";
    }
}

/* containerStatuses[0]: the app container, whose state drives the pod's STATUS column. */
static void put_main_status(struct jbuf *b, const struct world_pod *p, const struct pod_view *v,
                            const struct k8s_json_taint *taint, int64_t now)
{
    const struct world_app *a = v->app;
    char msg[640];
    int has_id = 1;
    int started = 0;
    int ready = 0;
    JB_LIT(b, "{\"name\":");
    jbuf_put_str(b, a->container);
    JB_LIT(b, ",\"state\":");
    if (taint && taint->reason) {
        put_waiting(b, taint->reason, taint->reason);
        has_id = 0;
    } else {
        switch (p->state) {
        case POD_RUNNING:
        case POD_SIDECAR_NOT_READY:
            JB_LIT(b, "{\"running\":{\"startedAt\":");
            jbuf_put_time(b, p->started);
            JB_LIT(b, "}}");
            started = 1;
            ready = 1;
            break;
        case POD_CRASHLOOP:
            snprintf(msg, sizeof(msg), "back-off 5m0s restarting failed container=%s pod=%s_%s(",
                     a->container, p->name, v->ns->name);
            {
                char uid[37];
                world_uid_format(&p->uid, uid);
                size_t l = strlen(msg);
                snprintf(msg + l, sizeof(msg) - l, "%s)", uid);
            }
            put_waiting(b, "CrashLoopBackOff", msg);
            break;
        case POD_OOMKILLED: {
            int64_t fin = p->started + 60 + (int64_t)(p->serial % 600);
            if (fin > now) {
                fin = now;
            }
            if (fin < p->started) {
                fin = p->started;
            }
            put_terminated(b, p, 0, 137, "OOMKilled", p->started, fin, p->restarts);
            break;
        }
        case POD_CREATING:
            put_waiting(b, "ContainerCreating", NULL);
            has_id = 0;
            break;
        case POD_ERR_IMAGE_PULL:
            snprintf(msg, sizeof(msg),
                     "rpc error: code = NotFound desc = failed to pull and unpack image \"%s\": "
                     "failed to resolve reference \"%s\": %s: not found",
                     a->image, a->image, a->image);
            put_waiting(b, "ErrImagePull", msg);
            has_id = 0;
            break;
        case POD_IMAGE_PULL_BACKOFF:
            snprintf(msg, sizeof(msg), "Back-off pulling image \"%s\"", a->image);
            put_waiting(b, "ImagePullBackOff", msg);
            has_id = 0;
            break;
        case POD_INIT:
            put_waiting(b, "PodInitializing", NULL);
            has_id = 0;
            break;
        case POD_COMPLETED:
            put_terminated(b, p, 0, 0, "Completed", p->started,
                           p->started + 20 + (int64_t)(p->serial % 200), 0);
            break;
        case POD_FAILED:
            put_terminated(b, p, 0, 1, "Error", p->started,
                           p->started + 5 + (int64_t)(p->serial % 60), 0);
            break;
        default:
            JB_LIT(b, "{}");
            break;
        }
    }
    JB_LIT(b, ",\"lastState\":");
    if (p->last_finished && p->restarts > 0) {
        int code = p->last_reason == LAST_OOMKILLED ? 137 : 1;
        int64_t st = p->last_finished - 60 - (int64_t)(p->serial % 3000);
        put_terminated(b, p, 0, code, last_reason_text(p->last_reason), st, p->last_finished,
                       p->restarts - 1);
    } else {
        JB_LIT(b, "{}");
    }
    JB_LIT(b, ",\"ready\":");
    jbuf_puts(b, ready ? "true" : "false");
    JB_LIT(b, ",\"restartCount\":");
    jbuf_put_u64(b, p->restarts);
    JB_LIT(b, ",\"image\":");
    jbuf_put_str(b, a->image);
    JB_LIT(b, ",\"imageID\":");
    if (has_id) {
        put_image_id(b, a->image);
        JB_LIT(b, ",\"containerID\":");
        put_container_id(b, p, 0, p->restarts);
    } else {
        JB_LIT(b, "\"\"");
    }
    JB_LIT(b, ",\"started\":");
    jbuf_puts(b, started ? "true" : "false");
    jbuf_putc(b, '}');
}

/* The log-shipper sidecar's status (running; ready unless POD_SIDECAR_NOT_READY). */
static void put_sidecar_status(struct jbuf *b, const struct world_pod *p, const struct pod_view *v)
{
    int running = v->sidecar_ready || p->state == POD_SIDECAR_NOT_READY;
    JB_LIT(b, ",{\"name\":\"log-shipper\",\"state\":");
    if (running) {
        JB_LIT(b, "{\"running\":{\"startedAt\":");
        jbuf_put_time(b, p->created + 6);
        JB_LIT(b, "}}");
    } else if (p->state == POD_INIT) {
        put_waiting(b, "PodInitializing", NULL);
    } else {
        put_waiting(b, "ContainerCreating", NULL);
    }
    JB_LIT(b, ",\"lastState\":{},\"ready\":");
    jbuf_puts(b, v->sidecar_ready ? "true" : "false");
    JB_LIT(b, ",\"restartCount\":0,\"image\":");
    jbuf_put_str(b, sidecar_image);
    JB_LIT(b, ",\"imageID\":");
    if (running) {
        put_image_id(b, sidecar_image);
        JB_LIT(b, ",\"containerID\":");
        put_container_id(b, p, 1, 0);
    } else {
        JB_LIT(b, "\"\"");
    }
    JB_LIT(b, ",\"started\":");
    jbuf_puts(b, running ? "true" : "false");
    jbuf_putc(b, '}');
}

/* initContainerStatuses: db-migrate running (Init:0/1) or completed. */
static void put_init_status(struct jbuf *b, const struct world_pod *p, const struct pod_view *v)
{
    const struct world_app *a = v->app;
    JB_LIT(b, "\"initContainerStatuses\":[{\"name\":\"db-migrate\",\"state\":");
    int running = p->state == POD_INIT;
    if (running) {
        JB_LIT(b, "{\"running\":{\"startedAt\":");
        jbuf_put_time(b, p->created + 3);
        JB_LIT(b, "}}");
    } else {
        put_terminated(b, p, 2, 0, "Completed", p->created + 2, p->created + 4, 0);
    }
    JB_LIT(b, ",\"lastState\":{},\"ready\":");
    jbuf_puts(b, running ? "false" : "true");
    JB_LIT(b, ",\"restartCount\":0,\"image\":");
    jbuf_put_str(b, a->image);
    JB_LIT(b, ",\"imageID\":");
    put_image_id(b, a->image);
    JB_LIT(b, ",\"containerID\":");
    put_container_id(b, p, 2, 0);
    JB_LIT(b, ",\"started\":");
    jbuf_puts(b, running ? "true" : "false");
    JB_LIT(b, "}],");
}

/* Pod metadata: generateName and ownerReferences from the ReplicaSet or Job. */
static void put_pod_metadata(struct jbuf *b, const struct world *w, const struct world_pod *p,
                             const struct pod_view *v, const char *name)
{
    const struct world_app *a = v->app;
    struct world_labels labels;
    char owner[WORLD_NAME_MAX];
    struct world_uid owner_uid;
    world_pod_labels(w, p, &labels);
    world_pod_owner(w, p, owner, sizeof(owner), &owner_uid);
    JB_LIT(b, "\"metadata\":{\"name\":");
    jbuf_put_str(b, name);
    JB_LIT(b, ",\"generateName\":\"");
    jbuf_puts(b, owner);
    JB_LIT(b, "-\",\"namespace\":");
    jbuf_put_str(b, v->ns->name);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &p->uid);
    JB_LIT(b, ",\"resourceVersion\":");
    jbuf_put_qu64(b, p->rv);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, p->created);
    if (p->deleted_at) {
        JB_LIT(b, ",\"deletionTimestamp\":");
        jbuf_put_time(b, p->deleted_at);
        JB_LIT(b, ",\"deletionGracePeriodSeconds\":");
        jbuf_put_u64(b, p->grace);
    }
    JB_LIT(b, ",\"labels\":");
    put_labels(b, &labels);
    JB_LIT(b, ",\"ownerReferences\":[{\"apiVersion\":");
    if (a->kind == APP_CRONJOB) {
        JB_LIT(b, "\"batch/v1\",\"kind\":\"Job\",\"name\":");
    } else if (a->kind == APP_STATEFULSET) {
        JB_LIT(b, "\"apps/v1\",\"kind\":\"StatefulSet\",\"name\":");
    } else {
        JB_LIT(b, "\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":");
    }
    jbuf_put_str(b, owner);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &owner_uid);
    JB_LIT(b, ",\"controller\":true,\"blockOwnerDeletion\":true}],\"managedFields\":[");
    put_managed_time(b, "kube-controller-manager", "v1", p->created,
                     "{\"f:metadata\":{\"f:generateName\":{},\"f:labels\":{\".\":{}},"
                     "\"f:ownerReferences\":{\".\":{}}},\"f:spec\":{\"f:containers\":{},"
                     "\"f:dnsPolicy\":{},\"f:enableServiceLinks\":{},\"f:restartPolicy\":{},"
                     "\"f:schedulerName\":{},\"f:securityContext\":{},"
                     "\"f:terminationGracePeriodSeconds\":{}}}",
                     NULL);
    if (p->state != POD_PENDING) {
        jbuf_putc(b, ',');
        put_managed_time(b, "kubelet", "v1", p->started > p->created ? p->started : p->created,
                         "{\"f:status\":{\"f:conditions\":{},\"f:containerStatuses\":{},"
                         "\"f:hostIP\":{},\"f:hostIPs\":{},\"f:phase\":{},\"f:podIP\":{},"
                         "\"f:podIPs\":{},\"f:startTime\":{}}}",
                         "status");
    }
    JB_LIT(b, "]}");
}

/* A whole Pod in Go's field order; taint replaces the name and waiting reason. */
static void render_pod(struct jbuf *b, const struct world *w, const struct world_pod *p,
                       unsigned flags, const struct k8s_json_taint *taint)
{
    struct pod_view v;
    pod_view_init(&v, w, p);
    const struct world_app *a = v.app;
    const char *name = taint && taint->name ? taint->name : p->name;
    int64_t now = sim_now();
    jbuf_putc(b, '{');
    if (flags & K8S_JSON_PARTIAL) {
        JB_LIT(b, "\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",");
        put_pod_metadata(b, w, p, &v, name);
        jbuf_putc(b, '}');
        return;
    }
    if (flags & K8S_JSON_TYPEMETA) {
        JB_LIT(b, "\"kind\":\"Pod\",\"apiVersion\":\"v1\",");
    }
    put_pod_metadata(b, w, p, &v, name);

    /* spec */
    char vol[24];
    {
        static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
        uint64_t h = uid_seed(&p->uid);
        memcpy(vol, "kube-api-access-", 16);
        for (int i = 0; i < 5; i++) {
            vol[16 + i] = alpha[(h >> (i * 8)) % 27];
        }
        vol[21] = '\0';
    }
    JB_LIT(b, ",\"spec\":{\"volumes\":[{\"name\":\"");
    jbuf_puts(b, vol);
    JB_LIT(b, "\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"expirationSeconds\":3607,"
              "\"path\":\"token\"}},{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{"
              "\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},{\"downwardAPI\":{\"items\":[{\"path\":"
              "\"namespace\",\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":"
              "\"metadata.namespace\"}}]}}],\"defaultMode\":420}}");
    if (a->kind == APP_STATEFULSET) {
        JB_LIT(b, ",{\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":\"data-");
        jbuf_puts(b, p->name);
        JB_LIT(b, "\"}}");
    }
    JB_LIT(b, "],");
    if (a->has_init) {
        put_init_containers(b, a, vol);
    }
    put_containers(b, w, a, vol);
    put_pod_spec_tail(b, a);
    JB_LIT(b, ",\"serviceAccountName\":\"default\",\"serviceAccount\":\"default\"");
    if (v.node) {
        JB_LIT(b, ",\"nodeName\":");
        jbuf_put_str(b, v.node);
    }
    if (a->kind == APP_STATEFULSET) {
        JB_LIT(b, ",\"hostname\":");
        jbuf_put_str(b, p->name);
        JB_LIT(b, ",\"subdomain\":");
        jbuf_put_str(b, a->name);
    }
    JB_LIT(b, ",\"securityContext\":{},\"schedulerName\":\"default-scheduler\",\"tolerations\":["
              "{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":"
              "\"NoExecute\",\"tolerationSeconds\":300},{\"key\":\"node.kubernetes.io/"
              "unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
              "\"tolerationSeconds\":300}],");
    if (a->system) {
        JB_LIT(b, "\"priorityClassName\":\"system-cluster-critical\",\"priority\":2000000000,");
    } else {
        JB_LIT(b, "\"priority\":0,");
    }
    JB_LIT(b, "\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"}");

    /* status */
    JB_LIT(b, ",\"status\":{\"phase\":\"");
    jbuf_puts(b, world_pod_phase(p));
    JB_LIT(b, "\",");
    put_pod_conditions(b, w, p, &v);
    if (p->state != POD_PENDING) {
        JB_LIT(b, ",\"hostIP\":\"");
        jbuf_puts(b, v.host_ip);
        JB_LIT(b, "\",\"hostIPs\":[{\"ip\":\"");
        jbuf_puts(b, v.host_ip);
        JB_LIT(b, "\"}]");
        if (v.has_ip) {
            JB_LIT(b, ",\"podIP\":\"");
            jbuf_puts(b, v.ip);
            JB_LIT(b, "\",\"podIPs\":[{\"ip\":\"");
            jbuf_puts(b, v.ip);
            JB_LIT(b, "\"}]");
        }
        JB_LIT(b, ",\"startTime\":");
        jbuf_put_time(b, p->created + 1);
        jbuf_putc(b, ',');
        if (a->has_init) {
            put_init_status(b, p, &v);
        }
        JB_LIT(b, "\"containerStatuses\":[");
        put_main_status(b, p, &v, taint, now);
        if (a->has_sidecar) {
            put_sidecar_status(b, p, &v);
        }
        jbuf_putc(b, ']');
    }
    JB_LIT(b, ",\"qosClass\":");
    jbuf_puts(b, a->qos ? "\"Guaranteed\"" : "\"Burstable\"");
    JB_LIT(b, "}}");
}

void k8s_json_pod_tainted(struct jbuf *b, const struct world *w, const struct world_pod *p,
                          const struct k8s_json_taint *taint)
{
    render_pod(b, w, p, 0, taint);
}

/* ---- deployments and replicasets --------------------------------------------------- */

/* The pod template; a ReplicaSet's (hash set) has its revision's hash and restartedAt. */
static void put_template(struct jbuf *b, const struct world *w, const struct world_app *a,
                         const char *hash, const char *restarted_at)
{
    struct world_labels labels;
    world_app_labels(w, a, &labels);
    if (hash && labels.n < 10) {
        labels.key[labels.n] = "pod-template-hash";
        labels.val[labels.n] = hash;
        labels.n++;
    }
    JB_LIT(b, "\"template\":{\"metadata\":{\"creationTimestamp\":null,\"labels\":");
    put_labels(b, &labels);
    if (restarted_at[0]) {
        JB_LIT(b, ",\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":");
        jbuf_put_str(b, restarted_at);
        jbuf_putc(b, '}');
    }
    JB_LIT(b, "},\"spec\":{");
    if (a->has_init) {
        put_init_containers(b, a, NULL);
    }
    put_containers(b, w, a, NULL);
    put_pod_spec_tail(b, a);
    JB_LIT(b, ",\"securityContext\":{},\"schedulerName\":\"default-scheduler\"}}");
}

static void put_selector(struct jbuf *b, const struct world_app *a, const char *hash)
{
    JB_LIT(b, "\"selector\":{\"matchLabels\":{");
    jbuf_put_str(b, a->label_key);
    jbuf_putc(b, ':');
    jbuf_put_str(b, a->label_value);
    if (hash) {
        JB_LIT(b, ",\"pod-template-hash\":");
        jbuf_put_str(b, hash);
    }
    JB_LIT(b, "}}");
}

static void put_app_meta_common(struct jbuf *b, const struct world *w, const struct world_app *a)
{
    JB_LIT(b, ",\"namespace\":");
    jbuf_put_str(b, w->ns[a->ns].name);
}

/* The kind and apiVersion that open an object: its own, PartialObjectMetadata's for
 * metadata-only Table rows, or none inside a list. */
static void put_type_head(struct jbuf *b, unsigned flags, const char *kind, const char *api_version)
{
    if (flags & K8S_JSON_PARTIAL) {
        JB_LIT(b, "\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",");
    } else if (flags & K8S_JSON_TYPEMETA) {
        JB_LIT(b, "\"kind\":");
        jbuf_put_str(b, kind);
        JB_LIT(b, ",\"apiVersion\":");
        jbuf_put_str(b, api_version);
        jbuf_putc(b, ',');
    }
}

static void render_deployment(struct jbuf *b, const struct world *w, const struct world_app *a,
                              unsigned flags)
{
    struct world_labels labels;
    world_app_labels(w, a, &labels);
    jbuf_putc(b, '{');
    put_type_head(b, flags, "Deployment", "apps/v1");
    JB_LIT(b, "\"metadata\":{\"name\":");
    jbuf_put_str(b, a->name);
    put_app_meta_common(b, w, a);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &a->uid);
    JB_LIT(b, ",\"resourceVersion\":");
    jbuf_put_qu64(b, a->rv);
    JB_LIT(b, ",\"generation\":");
    jbuf_put_u64(b, a->generation);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, a->created);
    JB_LIT(b, ",\"labels\":");
    put_labels(b, &labels);
    JB_LIT(b, ",\"annotations\":{\"deployment.kubernetes.io/revision\":\"");
    jbuf_put_u64(b, a->revision);
    JB_LIT(b, "\"},\"managedFields\":[");
    put_managed_time(b, "kubectl-client-side-apply", "apps/v1", a->created,
                     "{\"f:metadata\":{\"f:labels\":{\".\":{}}},\"f:spec\":{\"f:replicas\":{},"
                     "\"f:selector\":{},\"f:template\":{}}}",
                     NULL);
    jbuf_putc(b, ',');
    put_managed_time(b, "kube-controller-manager", "apps/v1", a->rs_created,
                     "{\"f:metadata\":{\"f:annotations\":{\".\":{},"
                     "\"f:deployment.kubernetes.io/revision\":{}}},\"f:status\":{"
                     "\"f:availableReplicas\":{},\"f:conditions\":{},\"f:observedGeneration\":{},"
                     "\"f:readyReplicas\":{},\"f:replicas\":{},\"f:updatedReplicas\":{}}}",
                     "status");
    JB_LIT(b, "]}");
    if (flags & K8S_JSON_PARTIAL) {
        jbuf_putc(b, '}');
        return;
    }
    JB_LIT(b, ",\"spec\":{\"replicas\":");
    jbuf_put_u64(b, a->replicas);
    jbuf_putc(b, ',');
    put_selector(b, a, NULL);
    jbuf_putc(b, ',');
    put_template(b, w, a, NULL, a->restarted_at);
    JB_LIT(b, ",\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":"
              "\"25%\",\"maxSurge\":\"25%\"}},\"revisionHistoryLimit\":1,"
              "\"progressDeadlineSeconds\":600},\"status\":{\"observedGeneration\":");
    jbuf_put_u64(b, a->generation);
    if (a->st_replicas) {
        JB_LIT(b, ",\"replicas\":");
        jbuf_put_u64(b, a->st_replicas);
    }
    if (a->st_updated) {
        JB_LIT(b, ",\"updatedReplicas\":");
        jbuf_put_u64(b, a->st_updated);
    }
    if (a->st_ready) {
        JB_LIT(b, ",\"readyReplicas\":");
        jbuf_put_u64(b, a->st_ready);
    }
    if (a->st_available) {
        JB_LIT(b, ",\"availableReplicas\":");
        jbuf_put_u64(b, a->st_available);
    }
    uint32_t unavailable = a->replicas > a->st_available ? a->replicas - a->st_available : 0;
    if (unavailable) {
        JB_LIT(b, ",\"unavailableReplicas\":");
        jbuf_put_u64(b, unavailable);
    }
    uint32_t max_unavailable = a->replicas / 4;
    int available = unavailable <= max_unavailable;
    JB_LIT(b, ",\"conditions\":[{\"type\":\"Available\",\"status\":");
    jbuf_puts(b, available ? "\"True\"" : "\"False\"");
    JB_LIT(b, ",\"lastUpdateTime\":");
    jbuf_put_time(b, a->rs_created + 40);
    JB_LIT(b, ",\"lastTransitionTime\":");
    jbuf_put_time(b, a->rs_created + 40);
    if (available) {
        JB_LIT(b, ",\"reason\":\"MinimumReplicasAvailable\",\"message\":\"Deployment has minimum "
                  "availability.\"}");
    } else {
        JB_LIT(b, ",\"reason\":\"MinimumReplicasUnavailable\",\"message\":\"Deployment does not "
                  "have minimum availability.\"}");
    }
    JB_LIT(b, ",{\"type\":\"Progressing\",\"status\":\"True\",\"lastUpdateTime\":");
    jbuf_put_time(b, a->progress_time ? a->progress_time : a->rs_created + 40);
    JB_LIT(b, ",\"lastTransitionTime\":");
    jbuf_put_time(b, a->created);
    if (a->rolling) {
        JB_LIT(b, ",\"reason\":\"ReplicaSetUpdated\",\"message\":\"ReplicaSet \\\"");
        jbuf_puts(b, a->name);
        jbuf_putc(b, '-');
        jbuf_puts(b, a->hash);
        JB_LIT(b, "\\\" is progressing.\"}]}}");
        return;
    }
    JB_LIT(b, ",\"reason\":\"NewReplicaSetAvailable\",\"message\":\"ReplicaSet \\\"");
    jbuf_puts(b, a->name);
    jbuf_putc(b, '-');
    jbuf_puts(b, a->hash);
    JB_LIT(b, "\\\" has successfully progressed.\"}]}}");
}

static void render_replicaset(struct jbuf *b, const struct world *w, const struct world_rs *rs,
                              unsigned flags)
{
    const struct world_app *a = rs->app;
    const char *hash = rs->old ? a->old_hash : a->hash;
    struct world_rs_counts c;
    world_rs_counts(a, rs->old, &c);
    struct world_labels labels;
    world_rs_labels(w, a, rs->old, &labels);
    jbuf_putc(b, '{');
    put_type_head(b, flags, "ReplicaSet", "apps/v1");
    JB_LIT(b, "\"metadata\":{\"name\":\"");
    jbuf_puts(b, a->name);
    jbuf_putc(b, '-');
    jbuf_puts(b, hash);
    jbuf_putc(b, '"');
    put_app_meta_common(b, w, a);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, rs->old ? &a->old_rs_uid : &a->rs_uid);
    JB_LIT(b, ",\"resourceVersion\":");
    jbuf_put_qu64(b, rs->old ? a->old_rs_rv : a->rs_rv);
    JB_LIT(b, ",\"generation\":");
    jbuf_put_u64(b, a->generation);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, rs->old ? a->old_rs_created : a->rs_created);
    JB_LIT(b, ",\"labels\":");
    put_labels(b, &labels);
    JB_LIT(b, ",\"annotations\":{\"deployment.kubernetes.io/desired-replicas\":\"");
    jbuf_put_u64(b, a->replicas);
    JB_LIT(b, "\",\"deployment.kubernetes.io/max-replicas\":\"");
    jbuf_put_u64(b, a->replicas + (a->replicas + 3) / 4);
    JB_LIT(b, "\",\"deployment.kubernetes.io/revision\":\"");
    jbuf_put_u64(b, rs->old ? a->revision - 1 : a->revision);
    JB_LIT(b, "\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
              "\"name\":");
    jbuf_put_str(b, a->name);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &a->uid);
    JB_LIT(b, ",\"controller\":true,\"blockOwnerDeletion\":true}]}");
    if (flags & K8S_JSON_PARTIAL) {
        jbuf_putc(b, '}');
        return;
    }
    JB_LIT(b, ",\"spec\":{\"replicas\":");
    jbuf_put_u64(b, c.spec);
    jbuf_putc(b, ',');
    put_selector(b, a, hash);
    jbuf_putc(b, ',');
    if (rs->old) {
        struct world_app prev;
        world_app_previous(a, &prev);
        put_template(b, w, &prev, hash, a->old_restarted_at);
    } else {
        put_template(b, w, a, hash, a->restarted_at);
    }
    JB_LIT(b, "},\"status\":{\"replicas\":");
    jbuf_put_u64(b, c.replicas);
    if (c.replicas) {
        JB_LIT(b, ",\"fullyLabeledReplicas\":");
        jbuf_put_u64(b, c.replicas);
    }
    if (c.ready) {
        JB_LIT(b, ",\"readyReplicas\":");
        jbuf_put_u64(b, c.ready);
        JB_LIT(b, ",\"availableReplicas\":");
        jbuf_put_u64(b, c.ready);
    }
    JB_LIT(b, ",\"observedGeneration\":");
    jbuf_put_u64(b, a->generation);
    JB_LIT(b, "}}");
}

/* ---- statefulsets ------------------------------------------------------------------ */

static void render_statefulset(struct jbuf *b, const struct world *w, const struct world_app *a,
                               unsigned flags)
{
    struct world_labels labels;
    world_app_labels(w, a, &labels);
    jbuf_putc(b, '{');
    put_type_head(b, flags, "StatefulSet", "apps/v1");
    JB_LIT(b, "\"metadata\":{\"name\":");
    jbuf_put_str(b, a->name);
    put_app_meta_common(b, w, a);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &a->uid);
    JB_LIT(b, ",\"resourceVersion\":");
    jbuf_put_qu64(b, a->rv);
    JB_LIT(b, ",\"generation\":");
    jbuf_put_u64(b, a->generation);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, a->created);
    JB_LIT(b, ",\"labels\":");
    put_labels(b, &labels);
    JB_LIT(b, ",\"managedFields\":[");
    put_managed_time(b, "helm", "apps/v1", a->created,
                     "{\"f:metadata\":{\"f:labels\":{\".\":{}}},\"f:spec\":{\"f:replicas\":{},"
                     "\"f:selector\":{},\"f:serviceName\":{},\"f:template\":{},"
                     "\"f:volumeClaimTemplates\":{}}}",
                     NULL);
    jbuf_putc(b, ',');
    put_managed_time(b, "kube-controller-manager", "apps/v1", a->rs_created,
                     "{\"f:status\":{\"f:availableReplicas\":{},\"f:collisionCount\":{},"
                     "\"f:currentReplicas\":{},\"f:currentRevision\":{},"
                     "\"f:observedGeneration\":{},\"f:readyReplicas\":{},\"f:replicas\":{},"
                     "\"f:updateRevision\":{},\"f:updatedReplicas\":{}}}",
                     "status");
    JB_LIT(b, "]}");
    if (flags & K8S_JSON_PARTIAL) {
        jbuf_putc(b, '}');
        return;
    }
    JB_LIT(b, ",\"spec\":{\"replicas\":");
    jbuf_put_u64(b, a->replicas);
    jbuf_putc(b, ',');
    put_selector(b, a, NULL);
    jbuf_putc(b, ',');
    put_template(b, w, a, NULL, a->restarted_at);
    JB_LIT(b,
           ",\"volumeClaimTemplates\":[{\"kind\":\"PersistentVolumeClaim\",\"apiVersion\":\"v1\","
           "\"metadata\":{\"name\":\"data\",\"creationTimestamp\":null},\"spec\":{"
           "\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":"
           "\"20Gi\"}},\"storageClassName\":\"local-path\",\"volumeMode\":\"Filesystem\"},"
           "\"status\":{\"phase\":\"Pending\"}}],\"serviceName\":");
    jbuf_put_str(b, a->name);
    JB_LIT(b, ",\"podManagementPolicy\":\"OrderedReady\",\"updateStrategy\":{\"type\":"
              "\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}},\"revisionHistoryLimit\":10,"
              "\"persistentVolumeClaimRetentionPolicy\":{\"whenDeleted\":\"Retain\","
              "\"whenScaled\":\"Retain\"}},\"status\":{\"observedGeneration\":");
    jbuf_put_u64(b, a->generation);
    JB_LIT(b, ",\"replicas\":");
    jbuf_put_u64(b, a->st_replicas);
    if (a->st_ready) {
        JB_LIT(b, ",\"readyReplicas\":");
        jbuf_put_u64(b, a->st_ready);
    }
    uint32_t current = a->rolling ? a->st_replicas - a->st_updated : a->st_replicas;
    if (current) {
        JB_LIT(b, ",\"currentReplicas\":");
        jbuf_put_u64(b, current);
    }
    if (a->st_updated) {
        JB_LIT(b, ",\"updatedReplicas\":");
        jbuf_put_u64(b, a->st_updated);
    }
    JB_LIT(b, ",\"currentRevision\":\"");
    jbuf_puts(b, a->name);
    jbuf_putc(b, '-');
    jbuf_puts(b, a->rolling && a->old_hash[0] ? a->old_hash : a->hash);
    JB_LIT(b, "\",\"updateRevision\":\"");
    jbuf_puts(b, a->name);
    jbuf_putc(b, '-');
    jbuf_puts(b, a->hash);
    JB_LIT(b, "\",\"collisionCount\":0,\"availableReplicas\":");
    jbuf_put_u64(b, a->st_available);
    JB_LIT(b, "}}");
}

/* ---- the scale subresource ----------------------------------------------------------- */

void k8s_json_scale(struct jbuf *b, const struct world *w, const struct world_app *a)
{
    JB_LIT(b, "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":");
    jbuf_put_str(b, a->name);
    put_app_meta_common(b, w, a);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &a->uid);
    JB_LIT(b, ",\"resourceVersion\":");
    jbuf_put_qu64(b, a->rv);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, a->created);
    JB_LIT(b, "},\"spec\":{");
    if (a->replicas) {
        JB_LIT(b, "\"replicas\":");
        jbuf_put_u64(b, a->replicas);
    }
    JB_LIT(b, "},\"status\":{\"replicas\":");
    jbuf_put_u64(b, a->st_replicas);
    JB_LIT(b, ",\"selector\":\"");
    /* The selector is the matchLabels of the spec: the app's selector label. */
    jbuf_puts(b, a->label_key);
    jbuf_putc(b, '=');
    jbuf_puts(b, a->label_value);
    JB_LIT(b, "\"}}");
}

/* ---- events ------------------------------------------------------------------------ */

static const char *event_obj_kind(int kind)
{
    return kind == WORLD_KIND_REPLICASET    ? "ReplicaSet"
           : kind == WORLD_KIND_DEPLOYMENT  ? "Deployment"
           : kind == WORLD_KIND_STATEFULSET ? "StatefulSet"
                                            : "Pod";
}

static void render_event(struct jbuf *b, const struct world *w, const struct world_kevent *e,
                         unsigned flags)
{
    jbuf_putc(b, '{');
    put_type_head(b, flags, "Event", "v1");
    JB_LIT(b, "\"metadata\":{\"name\":");
    jbuf_put_str(b, e->name);
    JB_LIT(b, ",\"namespace\":");
    jbuf_put_str(b, w->ns[e->ns].name);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &e->uid);
    JB_LIT(b, ",\"resourceVersion\":");
    jbuf_put_qu64(b, e->rv);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, e->first);
    JB_LIT(b, ",\"managedFields\":[");
    put_managed_time(b, e->component, "v1", e->last,
                     "{\"f:count\":{},\"f:firstTimestamp\":{},\"f:involvedObject\":{},"
                     "\"f:lastTimestamp\":{},\"f:message\":{},\"f:reason\":{},"
                     "\"f:reportingComponent\":{},\"f:reportingInstance\":{},\"f:source\":{"
                     "\"f:component\":{},\"f:host\":{}},\"f:type\":{}}",
                     NULL);
    JB_LIT(b, "]}");
    if (flags & K8S_JSON_PARTIAL) {
        jbuf_putc(b, '}');
        return;
    }
    JB_LIT(b, ",\"involvedObject\":{\"kind\":\"");
    jbuf_puts(b, event_obj_kind(e->obj_kind));
    JB_LIT(b, "\",\"namespace\":");
    jbuf_put_str(b, w->ns[e->ns].name);
    JB_LIT(b, ",\"name\":");
    jbuf_put_str(b, e->obj_name);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &e->obj_uid);
    JB_LIT(b, ",\"apiVersion\":");
    jbuf_puts(b, e->obj_kind == WORLD_KIND_POD ? "\"v1\"" : "\"apps/v1\"");
    if (e->field_path[0]) {
        JB_LIT(b, ",\"fieldPath\":");
        jbuf_put_str(b, e->field_path);
    }
    JB_LIT(b, "},\"reason\":");
    jbuf_put_str(b, e->reason);
    JB_LIT(b, ",\"message\":");
    jbuf_put_str(b, e->message);
    JB_LIT(b, ",\"source\":{\"component\":");
    jbuf_put_str(b, e->component);
    if (e->host[0]) {
        JB_LIT(b, ",\"host\":");
        jbuf_put_str(b, e->host);
    }
    JB_LIT(b, "},\"firstTimestamp\":");
    jbuf_put_time(b, e->first);
    JB_LIT(b, ",\"lastTimestamp\":");
    jbuf_put_time(b, e->last);
    JB_LIT(b, ",\"count\":");
    jbuf_put_u64(b, e->count);
    JB_LIT(b, ",\"type\":");
    jbuf_puts(b, e->warning ? "\"Warning\"" : "\"Normal\"");
    JB_LIT(b, ",\"eventTime\":null,\"reportingComponent\":");
    jbuf_put_str(b, e->component);
    JB_LIT(b, ",\"reportingInstance\":");
    jbuf_put_str(b, e->host);
    jbuf_putc(b, '}');
}

/* ---- resource quotas ----------------------------------------------------------------- */

static void put_quota_amounts(struct jbuf *b, const struct world_quota_amounts *q)
{
    char v[32];
    sim_format_cpu(q->lim_cpu, v, sizeof(v));
    JB_LIT(b, "{\"limits.cpu\":");
    jbuf_put_str(b, v);
    sim_format_mem(q->lim_mem, v, sizeof(v));
    JB_LIT(b, ",\"limits.memory\":");
    jbuf_put_str(b, v);
    JB_LIT(b, ",\"pods\":\"");
    jbuf_put_u64(b, q->pods);
    sim_format_cpu(q->req_cpu, v, sizeof(v));
    JB_LIT(b, "\",\"requests.cpu\":");
    jbuf_put_str(b, v);
    sim_format_mem(q->req_mem, v, sizeof(v));
    JB_LIT(b, ",\"requests.memory\":");
    jbuf_put_str(b, v);
    jbuf_putc(b, '}');
}

static void render_quota(struct jbuf *b, const struct world_ns *n, unsigned flags)
{
    jbuf_putc(b, '{');
    put_type_head(b, flags, "ResourceQuota", "v1");
    JB_LIT(b, "\"metadata\":{\"name\":\"" WORLD_QUOTA_NAME "\",\"namespace\":");
    jbuf_put_str(b, n->name);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &n->quota_uid);
    JB_LIT(b, ",\"resourceVersion\":");
    jbuf_put_qu64(b, n->quota_rv);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, n->quota_created);
    JB_LIT(b, ",\"labels\":{\"govcloud.sit.dk/tenant\":");
    jbuf_put_str(b, n->tenant);
    JB_LIT(b, "},\"managedFields\":[");
    put_managed_time(b, "govcloud-tenant-operator", "v1", n->quota_created,
                     "{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:govcloud.sit.dk/tenant\":{}}},"
                     "\"f:spec\":{\"f:hard\":{\".\":{},\"f:limits.cpu\":{},\"f:limits.memory\":{},"
                     "\"f:pods\":{},\"f:requests.cpu\":{},\"f:requests.memory\":{}}}}",
                     NULL);
    jbuf_putc(b, ',');
    put_managed_time(b, "kube-controller-manager", "v1", n->quota_created + 1,
                     "{\"f:status\":{\"f:hard\":{},\"f:used\":{}}}", "status");
    JB_LIT(b, "]}");
    if (flags & K8S_JSON_PARTIAL) {
        jbuf_putc(b, '}');
        return;
    }
    JB_LIT(b, ",\"spec\":{\"hard\":");
    put_quota_amounts(b, &n->hard);
    JB_LIT(b, "},\"status\":{\"hard\":");
    put_quota_amounts(b, &n->hard);
    JB_LIT(b, ",\"used\":");
    put_quota_amounts(b, &n->used);
    JB_LIT(b, "}}");
}

/* ---- namespaces and nodes ---------------------------------------------------------- */

static void render_namespace(struct jbuf *b, const struct world_ns *n, unsigned flags)
{
    struct world_labels labels;
    world_ns_labels(n, &labels);
    jbuf_putc(b, '{');
    put_type_head(b, flags, "Namespace", "v1");
    JB_LIT(b, "\"metadata\":{\"name\":");
    jbuf_put_str(b, n->name);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &n->uid);
    JB_LIT(b, ",\"resourceVersion\":");
    jbuf_put_qu64(b, n->rv);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, n->created);
    JB_LIT(b, ",\"labels\":");
    put_labels(b, &labels);
    if (n->tenant[0]) {
        JB_LIT(b, ",\"annotations\":{\"govcloud.sit.dk/display-name\":");
        jbuf_put_str(b, n->display);
        jbuf_putc(b, '}');
    }
    JB_LIT(b, ",\"managedFields\":[");
    put_managed_time(b, n->tenant[0] ? "govcloud-tenant-operator" : "kube-apiserver", "v1",
                     n->created,
                     "{\"f:metadata\":{\"f:labels\":{\".\":{},"
                     "\"f:kubernetes.io/metadata.name\":{}}}}",
                     NULL);
    JB_LIT(b, "]}");
    if (flags & K8S_JSON_PARTIAL) {
        jbuf_putc(b, '}');
        return;
    }
    JB_LIT(b, ",\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}");
}

static void render_node(struct jbuf *b, const struct world_node *n, unsigned flags)
{
    struct world_labels labels;
    world_node_labels(n, &labels);
    char ip[20];
    world_node_ip(n, ip);
    jbuf_putc(b, '{');
    put_type_head(b, flags, "Node", "v1");
    JB_LIT(b, "\"metadata\":{\"name\":");
    jbuf_put_str(b, n->name);
    JB_LIT(b, ",\"uid\":");
    put_uid(b, &n->uid);
    JB_LIT(b, ",\"resourceVersion\":");
    jbuf_put_qu64(b, n->rv);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, n->created);
    JB_LIT(b, ",\"labels\":");
    put_labels(b, &labels);
    JB_LIT(b, ",\"annotations\":{\"node.alpha.kubernetes.io/ttl\":\"0\","
              "\"volumes.kubernetes.io/controller-managed-attach-detach\":\"true\"}}");
    if (flags & K8S_JSON_PARTIAL) {
        jbuf_putc(b, '}');
        return;
    }
    unsigned a = 64 + n->index / 256;
    unsigned c = n->index % 256;
    jbuf_printf(b, ",\"spec\":{\"podCIDR\":\"10.%u.%u.0/24\",\"podCIDRs\":[\"10.%u.%u.0/24\"]", a,
                c, a, c);
    if (n->control_plane) {
        JB_LIT(b, ",\"taints\":[]");
    }
    JB_LIT(b, "},\"status\":{\"capacity\":{\"cpu\":\"16\",\"ephemeral-storage\":\"203056560Ki\","
              "\"hugepages-1Gi\":\"0\",\"hugepages-2Mi\":\"0\",\"memory\":\"65843088Ki\","
              "\"pods\":\"110\"},\"allocatable\":{\"cpu\":\"15800m\",\"ephemeral-storage\":"
              "\"187136856837\",\"hugepages-1Gi\":\"0\",\"hugepages-2Mi\":\"0\",\"memory\":"
              "\"64716688Ki\",\"pods\":\"110\"},\"conditions\":[");
    static const char *const conds[][3] = {
        {"MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
        {"DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
        {"PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
        {"Ready", "KubeletReady", "kubelet is posting ready status"},
    };
    int64_t hb = sim_now() - 7;
    for (int i = 0; i < 4; i++) {
        if (i) {
            jbuf_putc(b, ',');
        }
        JB_LIT(b, "{\"type\":\"");
        jbuf_puts(b, conds[i][0]);
        JB_LIT(b, "\",\"status\":");
        jbuf_puts(b, i == 3 ? "\"True\"" : "\"False\"");
        JB_LIT(b, ",\"lastHeartbeatTime\":");
        jbuf_put_time(b, hb);
        JB_LIT(b, ",\"lastTransitionTime\":");
        jbuf_put_time(b, n->created + 20);
        JB_LIT(b, ",\"reason\":\"");
        jbuf_puts(b, conds[i][1]);
        JB_LIT(b, "\",\"message\":\"");
        jbuf_puts(b, conds[i][2]);
        JB_LIT(b, "\"}");
    }
    JB_LIT(b, "],\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"");
    jbuf_puts(b, ip);
    JB_LIT(b, "\"},{\"type\":\"Hostname\",\"address\":");
    jbuf_put_str(b, n->name);
    JB_LIT(b, "}],\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":10250}},\"nodeInfo\":{"
              "\"machineID\":\"");
    put_hex64(b, sim_hash64(n->uid.b, 16, 11));
    b->len -= 32;
    JB_LIT(b, "\",\"systemUUID\":");
    put_uid(b, &n->uid);
    JB_LIT(b, ",\"bootID\":");
    struct world_uid boot = n->uid;
    boot.b[0] ^= 0x5a;
    put_uid(b, &boot);
    JB_LIT(b, ",\"kernelVersion\":\"6.1.0-18-amd64\",\"osImage\":\"Debian GNU/Linux 12 "
              "(bookworm)\",\"containerRuntimeVersion\":\"containerd://1.7.13\","
              "\"kubeletVersion\":\"" K8S_VERSION "\",\"kubeProxyVersion\":\"" K8S_VERSION
              "\",\"operatingSystem\":\"linux\",\"architecture\":\"amd64\"}}}");
}

void k8s_json_object(struct jbuf *b, const struct world *w, int kind, const void *obj,
                     unsigned flags)
{
    switch (kind) {
    case WORLD_KIND_POD:
        render_pod(b, w, obj, flags, NULL);
        break;
    case WORLD_KIND_DEPLOYMENT:
        render_deployment(b, w, obj, flags);
        break;
    case WORLD_KIND_REPLICASET:
        render_replicaset(b, w, obj, flags);
        break;
    case WORLD_KIND_NAMESPACE:
        render_namespace(b, obj, flags);
        break;
    case WORLD_KIND_NODE:
        render_node(b, obj, flags);
        break;
    case WORLD_KIND_STATEFULSET:
        render_statefulset(b, w, obj, flags);
        break;
    case WORLD_KIND_EVENT:
        render_event(b, w, obj, flags);
        break;
    case WORLD_KIND_RESOURCEQUOTA:
        render_quota(b, obj, flags);
        break;
    default:
        JB_LIT(b, "{}");
        break;
    }
}

/* ---- tables ------------------------------------------------------------------------ */

#define DESC_NAME                                                                                  \
    "Name must be unique within a namespace. Is required when creating resources, although "       \
    "some resources may allow a client to request the generation of an appropriate name "          \
    "automatically. Name is primarily intended for creation idempotence and configuration "        \
    "definition. Cannot be updated. More info: "                                                   \
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
#define DESC_AGE                                                                                   \
    "CreationTimestamp is a timestamp representing the server time when this object was "          \
    "created. It is not guaranteed to be set in happens-before order across separate "             \
    "operations. Clients may not set this value. It is represented in RFC3339 form and is in "     \
    "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "                      \
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"

struct column {
    const char *name;
    const char *type;
    const char *format;
    const char *desc;
    int priority;
};

static const struct column pod_columns[] = {
    {"Name", "string", "name", DESC_NAME, 0},
    {"Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0},
    {"Status", "string", "", "The aggregate status of the containers in this pod.", 0},
    {"Restarts", "string", "",
     "The number of times the containers in this pod have been restarted and when the last "
     "container in this pod has restarted.",
     0},
    {"Age", "string", "", DESC_AGE, 0},
    {"IP", "string", "",
     "podIP address allocated to the pod. Routable at least within the cluster. Empty if not "
     "yet allocated.",
     1},
    {"Node", "string", "",
     "NodeName indicates in which node this pod is scheduled. If empty, this pod is a "
     "candidate for scheduling by the scheduler defined in schedulerName.",
     1},
    {"Nominated Node", "string", "",
     "nominatedNodeName is set only when this pod preempts other pods on the node, but it "
     "cannot schedule right away as preemption victims receive their graceful termination "
     "periods.",
     1},
    {"Readiness Gates", "string", "",
     "If specified, all readiness gates will be evaluated for pod readiness.", 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct column deploy_columns[] = {
    {"Name", "string", "name", DESC_NAME, 0},
    {"Ready", "string", "", "Number of the pod with ready state", 0},
    {"Up-to-date", "string", "",
     "Total number of non-terminated pods targeted by this deployment that have the desired "
     "template spec.",
     0},
    {"Available", "string", "",
     "Total number of available pods (ready for at least minReadySeconds) targeted by this "
     "deployment.",
     0},
    {"Age", "string", "", DESC_AGE, 0},
    {"Containers", "string", "", "Names of each container in the template.", 1},
    {"Images", "string", "", "Images referenced by each container in the template.", 1},
    {"Selector", "string", "", "Label selector for pods.", 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct column rs_columns[] = {
    {"Name", "string", "name", DESC_NAME, 0},
    {"Desired", "integer", "", "Replicas is the number of desired replicas.", 0},
    {"Current", "integer", "", "Replicas is the most recently observed number of replicas.", 0},
    {"Ready", "integer", "", "The number of ready replicas for this replica set.", 0},
    {"Age", "string", "", DESC_AGE, 0},
    {"Containers", "string", "", "Names of each container in the template.", 1},
    {"Images", "string", "", "Images referenced by each container in the template.", 1},
    {"Selector", "string", "",
     "Selector is a label query over pods that should match the "
     "replica count.",
     1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct column ns_columns[] = {
    {"Name", "string", "name", DESC_NAME, 0},
    {"Status", "string", "", "The status of the namespace", 0},
    {"Age", "string", "", DESC_AGE, 0},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct column node_columns[] = {
    {"Name", "string", "name", DESC_NAME, 0},
    {"Status", "string", "", "The status of the node", 0},
    {"Roles", "string", "", "The roles of the node", 0},
    {"Age", "string", "", DESC_AGE, 0},
    {"Version", "string", "", "Kubelet Version reported by the node.", 0},
    {"Internal-IP", "string", "", "List of addresses reachable to the node.", 1},
    {"External-IP", "string", "", "List of addresses reachable to the node.", 1},
    {"OS-Image", "string", "", "OS Image reported by the node from /etc/os-release.", 1},
    {"Kernel-Version", "string", "", "Kernel Version reported by the node from 'uname -r'.", 1},
    {"Container-Runtime", "string", "", "ContainerRuntime Version reported by the node.", 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct column sts_columns[] = {
    {"Name", "string", "name", DESC_NAME, 0},
    {"Ready", "string", "", "Number of the pod with ready state", 0},
    {"Age", "string", "", DESC_AGE, 0},
    {"Containers", "string", "", "Names of each container in the template.", 1},
    {"Images", "string", "", "Images referenced by each container in the template.", 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct column event_columns[] = {
    {"Last Seen", "string", "",
     "The time at which the most recent occurrence of this event was recorded.", 0},
    {"Type", "string", "",
     "Type of this event (Normal, Warning), new types could be added in the future", 0},
    {"Reason", "string", "",
     "This should be a short, machine understandable string that gives the reason for the "
     "transition into the object's current status.",
     0},
    {"Object", "string", "", "The object that this event is about.", 0},
    {"Subobject", "string", "",
     "If referring to a piece of an object instead of an entire object, this string should "
     "contain a valid JSON/Go field access statement, such as "
     "desiredState.manifest.containers[2].",
     1},
    {"Source", "string", "",
     "The component reporting this event. Should be a short machine understandable string.", 1},
    {"Message", "string", "", "A human-readable description of the status of this operation.", 0},
    {"First Seen", "string", "",
     "The time at which the event was first recorded. (Time of server receipt is in "
     "TypeMeta.)",
     1},
    {"Count", "string", "", "The number of times this event has occurred.", 1},
    {"Name", "string", "name", DESC_NAME, 1},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct column quota_columns[] = {
    {"Name", "string", "name", DESC_NAME, 0},
    {"Age", "string", "", DESC_AGE, 0},
    {"Request", "string", "",
     "Request represents a minimum amount of cpu/memory that a container may consume.", 0},
    {"Limit", "string", "",
     "Limits control the maximum amount of cpu/memory that a container may use independent of "
     "contention on the node.",
     0},
    {NULL, NULL, NULL, NULL, 0},
};

void k8s_json_table_columns(struct jbuf *b, int kind)
{
    const struct column *cols = kind == WORLD_KIND_POD             ? pod_columns
                                : kind == WORLD_KIND_DEPLOYMENT    ? deploy_columns
                                : kind == WORLD_KIND_REPLICASET    ? rs_columns
                                : kind == WORLD_KIND_NAMESPACE     ? ns_columns
                                : kind == WORLD_KIND_STATEFULSET   ? sts_columns
                                : kind == WORLD_KIND_EVENT         ? event_columns
                                : kind == WORLD_KIND_RESOURCEQUOTA ? quota_columns
                                                                   : node_columns;
    JB_LIT(b, "\"columnDefinitions\":[");
    for (int i = 0; cols[i].name; i++) {
        if (i) {
            jbuf_putc(b, ',');
        }
        JB_LIT(b, "{\"name\":");
        jbuf_put_str(b, cols[i].name);
        JB_LIT(b, ",\"type\":");
        jbuf_put_str(b, cols[i].type);
        JB_LIT(b, ",\"format\":");
        jbuf_put_str(b, cols[i].format);
        JB_LIT(b, ",\"description\":");
        jbuf_put_str(b, cols[i].desc);
        JB_LIT(b, ",\"priority\":");
        jbuf_put_u64(b, (uint64_t)cols[i].priority);
        jbuf_putc(b, '}');
    }
    jbuf_putc(b, ']');
}

static void put_age(struct jbuf *b, int64_t now, int64_t t)
{
    char s[24];
    sim_human_duration(now - t, s, sizeof(s));
    jbuf_put_str(b, s);
}

/* Ready "r/t", Status and Restarts exactly as the apiserver's printPod derives them. */
static void pod_cells(struct jbuf *b, const struct world *w, const struct world_pod *p, int64_t now)
{
    struct pod_view v;
    pod_view_init(&v, w, p);
    const struct world_app *a = v.app;
    unsigned total = 1 + (a->has_sidecar ? 1 : 0);
    unsigned ready = 0;
    const char *reason = world_pod_phase(p);
    int initializing = 0;
    uint32_t restarts = 0;
    int64_t last_restart = 0;
    if (a->has_init && p->state == POD_INIT) {
        reason = "Init:0/1";
        initializing = 1;
    }
    if (!initializing) {
        restarts = p->restarts;
        if (p->last_finished && p->restarts > 0) {
            last_restart = p->last_finished;
        }
        /* Containers are walked last to first, so the main container's reason wins. */
        if (a->has_sidecar && (v.sidecar_ready || p->state == POD_SIDECAR_NOT_READY)) {
            ready += v.sidecar_ready;
        } else if (a->has_sidecar && p->state != POD_PENDING) {
            /* an unscheduled pod has no container statuses: its phase stays the reason */
            reason = p->state == POD_INIT ? "PodInitializing" : "ContainerCreating";
        }
        switch (p->state) {
        case POD_RUNNING:
        case POD_SIDECAR_NOT_READY:
            ready++;
            break;
        case POD_CRASHLOOP:
            reason = "CrashLoopBackOff";
            break;
        case POD_OOMKILLED:
            reason = "OOMKilled";
            break;
        case POD_CREATING:
            reason = "ContainerCreating";
            break;
        case POD_ERR_IMAGE_PULL:
            reason = "ErrImagePull";
            break;
        case POD_IMAGE_PULL_BACKOFF:
            reason = "ImagePullBackOff";
            break;
        case POD_COMPLETED:
            reason = "Completed";
            break;
        case POD_FAILED:
            reason = "Error";
            break;
        default:
            break;
        }
    }
    if (p->deleted_at && !v.terminal) {
        reason = "Terminating";
    }
    jbuf_put_str(b, p->name);
    jbuf_printf(b, ",\"%u/%u\",", ready, total);
    jbuf_put_str(b, reason);
    jbuf_putc(b, ',');
    char rs[48];
    if (restarts != 0 && last_restart) {
        char ago[24];
        sim_human_duration(now - last_restart, ago, sizeof(ago));
        snprintf(rs, sizeof(rs), "%u (%s ago)", restarts, ago);
    } else {
        snprintf(rs, sizeof(rs), "%u", restarts);
    }
    jbuf_put_str(b, rs);
    jbuf_putc(b, ',');
    put_age(b, now, p->created);
    jbuf_putc(b, ',');
    jbuf_put_str(b, v.has_ip ? v.ip : "<none>");
    jbuf_putc(b, ',');
    jbuf_put_str(b, v.node ? v.node : "<none>");
    JB_LIT(b, ",\"\\u003cnone\\u003e\",\"\\u003cnone\\u003e\"");
}

static void container_cells(struct jbuf *b, const struct world_app *a)
{
    jbuf_putc(b, '"');
    jbuf_puts(b, a->container);
    if (a->has_sidecar) {
        jbuf_putc(b, ',');
        jbuf_puts(b, sidecar_name);
    }
    JB_LIT(b, "\",\"");
    jbuf_puts(b, a->image);
    if (a->has_sidecar) {
        jbuf_putc(b, ',');
        jbuf_puts(b, sidecar_image);
    }
    jbuf_putc(b, '"');
}

/* printEvent's cells (the server prints wide): Last Seen, Type, Reason, Object, Subobject,
 * Source, Message, First Seen, Count, Name. */
static void event_cells(struct jbuf *b, const struct world *w, const struct world_kevent *e,
                        int64_t now)
{
    char s[WORLD_NAME_MAX + 40];
    put_age(b, now, e->last);
    jbuf_putc(b, ',');
    jbuf_puts(b, e->warning ? "\"Warning\"," : "\"Normal\",");
    jbuf_put_str(b, e->reason);
    const char *kind = event_obj_kind(e->obj_kind);
    size_t k = 0;
    for (; kind[k] && k < 20; k++) {
        s[k] = (char)(kind[k] >= 'A' && kind[k] <= 'Z' ? kind[k] - 'A' + 'a' : kind[k]);
    }
    snprintf(s + k, sizeof(s) - k, "/%s", e->obj_name);
    jbuf_putc(b, ',');
    jbuf_put_str(b, s);
    jbuf_putc(b, ',');
    jbuf_put_str(b, e->field_path);
    if (e->host[0]) {
        snprintf(s, sizeof(s), "%s, %s", e->component, e->host);
    } else {
        snprintf(s, sizeof(s), "%s", e->component);
    }
    jbuf_putc(b, ',');
    jbuf_put_str(b, s);
    jbuf_putc(b, ',');
    jbuf_put_str(b, e->message);
    jbuf_putc(b, ',');
    put_age(b, now, e->first);
    jbuf_putc(b, ',');
    jbuf_put_u64(b, e->count);
    jbuf_putc(b, ',');
    jbuf_put_str(b, e->name);
    (void)w;
}

/* printResourceQuota's cells: "requests.cpu: 750m/4, ..." sorted by resource name, the
 * limits.* ones in the Limit column. */
static void quota_cells(struct jbuf *b, const struct world_ns *n, int64_t now)
{
    char u[32];
    char h[32];
    char req[256];
    char lim[160];
    jbuf_put_str(b, WORLD_QUOTA_NAME);
    jbuf_putc(b, ',');
    put_age(b, now, n->quota_created);
    size_t r = 0;
    sim_format_cpu(n->used.lim_cpu, u, sizeof(u));
    sim_format_cpu(n->hard.lim_cpu, h, sizeof(h));
    size_t l = (size_t)snprintf(lim, sizeof(lim), "limits.cpu: %s/%s, ", u, h);
    sim_format_mem(n->used.lim_mem, u, sizeof(u));
    sim_format_mem(n->hard.lim_mem, h, sizeof(h));
    snprintf(lim + l, sizeof(lim) - l, "limits.memory: %s/%s", u, h);
    r = (size_t)snprintf(req, sizeof(req), "pods: %llu/%llu, ", (unsigned long long)n->used.pods,
                         (unsigned long long)n->hard.pods);
    sim_format_cpu(n->used.req_cpu, u, sizeof(u));
    sim_format_cpu(n->hard.req_cpu, h, sizeof(h));
    r += (size_t)snprintf(req + r, sizeof(req) - r, "requests.cpu: %s/%s, ", u, h);
    sim_format_mem(n->used.req_mem, u, sizeof(u));
    sim_format_mem(n->hard.req_mem, h, sizeof(h));
    snprintf(req + r, sizeof(req) - r, "requests.memory: %s/%s", u, h);
    jbuf_putc(b, ',');
    jbuf_put_str(b, req);
    jbuf_putc(b, ',');
    jbuf_put_str(b, lim);
}

void k8s_json_table_row(struct jbuf *b, const struct world *w, int kind, const void *obj,
                        int include, int64_t now)
{
    JB_LIT(b, "{\"cells\":[");
    switch (kind) {
    case WORLD_KIND_POD: {
        const struct world_pod *p = obj;
        pod_cells(b, w, p, now);
        if (p->state == POD_COMPLETED) {
            JB_LIT(b, "],\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":"
                      "\"Succeeded\",\"message\":\"The pod has completed successfully.\"}");
        } else if (p->state == POD_FAILED) {
            JB_LIT(b, "],\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":"
                      "\"Failed\",\"message\":\"The pod failed.\"}");
        }
        break;
    }
    case WORLD_KIND_DEPLOYMENT: {
        const struct world_app *a = obj;
        jbuf_put_str(b, a->name);
        jbuf_printf(b, ",\"%u/%u\",%u,%u,", a->st_ready, a->replicas, a->st_updated,
                    a->st_available);
        put_age(b, now, a->created);
        jbuf_putc(b, ',');
        container_cells(b, a);
        jbuf_putc(b, ',');
        char sel[96];
        snprintf(sel, sizeof(sel), "%s=%s", a->label_key, a->label_value);
        jbuf_put_str(b, sel);
        break;
    }
    case WORLD_KIND_REPLICASET: {
        const struct world_rs *rs = obj;
        const struct world_app *a = rs->app;
        char name[WORLD_NAME_MAX + 12];
        world_rs_name(a, rs->old, name, sizeof(name));
        jbuf_put_str(b, name);
        struct world_rs_counts c;
        world_rs_counts(a, rs->old, &c);
        jbuf_printf(b, ",%u,%u,%u,", c.spec, c.replicas, c.ready);
        put_age(b, now, rs->old ? a->old_rs_created : a->rs_created);
        jbuf_putc(b, ',');
        if (rs->old) {
            struct world_app prev;
            world_app_previous(a, &prev);
            container_cells(b, &prev);
        } else {
            container_cells(b, a);
        }
        jbuf_putc(b, ',');
        char sel[128];
        snprintf(sel, sizeof(sel), "%s=%s,pod-template-hash=%s", a->label_key, a->label_value,
                 rs->old ? a->old_hash : a->hash);
        jbuf_put_str(b, sel);
        break;
    }
    case WORLD_KIND_NAMESPACE: {
        const struct world_ns *n = obj;
        jbuf_put_str(b, n->name);
        JB_LIT(b, ",\"Active\",");
        put_age(b, now, n->created);
        break;
    }
    case WORLD_KIND_NODE: {
        const struct world_node *n = obj;
        char ip[20];
        world_node_ip(n, ip);
        jbuf_put_str(b, n->name);
        JB_LIT(b, ",\"Ready\",");
        jbuf_puts(b, n->control_plane ? "\"control-plane\"," : "\"worker\",");
        put_age(b, now, n->created);
        JB_LIT(b, ",\"" K8S_VERSION "\",\"");
        jbuf_puts(b, ip);
        JB_LIT(b, "\",\"\\u003cnone\\u003e\",\"Debian GNU/Linux 12 (bookworm)\","
                  "\"6.1.0-18-amd64\",\"containerd://1.7.13\"");
        break;
    }
    case WORLD_KIND_STATEFULSET: {
        const struct world_app *a = obj;
        jbuf_put_str(b, a->name);
        jbuf_printf(b, ",\"%u/%u\",", a->st_ready, a->replicas);
        put_age(b, now, a->created);
        jbuf_putc(b, ',');
        container_cells(b, a);
        break;
    }
    case WORLD_KIND_EVENT:
        event_cells(b, w, obj, now);
        break;
    case WORLD_KIND_RESOURCEQUOTA:
        quota_cells(b, obj, now);
        break;
    default:
        break;
    }
    /* Closes the cells array, or the row conditions array that follows it. */
    jbuf_putc(b, ']');
    JB_LIT(b, ",\"object\":");
    if (include == K8S_INCLUDE_NONE) {
        JB_LIT(b, "null");
    } else {
        k8s_json_object(b, w, kind, obj,
                        include == K8S_INCLUDE_OBJECT ? K8S_JSON_TYPEMETA : K8S_JSON_PARTIAL);
    }
    jbuf_putc(b, '}');
}
