/* metrics.k8s.io/v1beta1 as metrics-server serves it: PodMetrics for the pods whose
 * containers run (a crash-looping, pending or finished pod has none), NodeMetrics from the
 * pods on each node plus the node's own overhead. Usage is drawn from each container's
 * requests and varies a little from one 15-second scrape to the next, the same for the same
 * seed. No watch, no Table: kubectl top lists them as plain JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/k8s/k8s.h"
#include "sim/sim_util.h"

#define SCRAPE_S 15

struct usage {
    uint64_t cpu_n; /* nanocores */
    uint64_t mem;   /* bytes, a multiple of 1 Ki */
};

/* A number in [lo, hi) per mille from a hash. */
static uint64_t spread(uint64_t h, unsigned lo, unsigned hi)
{
    return lo + h % (hi - lo);
}

/* Usage of one container of a running pod during scrape window `bucket`. */
static void container_usage(const struct world_pod *p, const struct world_app *a, int container,
                            int64_t bucket, struct usage *u)
{
    struct world_res r;
    world_container_res(a, container, &r);
    uint64_t key[2] = {sim_hash64(p->uid.b, sizeof(p->uid.b), 21), (uint64_t)container};
    uint64_t base = sim_hash64(key, sizeof(key), 22);
    uint64_t key2[2] = {base, (uint64_t)bucket};
    uint64_t wobble = sim_hash64(key2, sizeof(key2), 23);
    /* The pod's level: 5% to 90% of its CPU request, 30% to 110% of its memory request. */
    uint64_t cpu_level = spread(base, 50, 900);
    uint64_t mem_level = spread(base >> 20, 300, 1100);
    uint64_t cpu_now = cpu_level * spread(wobble, 850, 1150) / 1000;
    uint64_t mem_now = mem_level * spread(wobble >> 24, 970, 1030) / 1000;
    u->cpu_n = r.req_cpu * 1000000ULL * cpu_now / 1000 + (wobble >> 40) % 1000;
    u->mem = r.req_mem / 1024 * mem_now / 1000 * 1024;
}

static bool has_metrics(const struct world_pod *p)
{
    return world_pod_running(p) && p->node >= 0;
}

static void put_usage(struct jbuf *b, const struct usage *u)
{
    char cpu[32];
    char mem[32];
    sim_format_nanocores(u->cpu_n, cpu, sizeof(cpu));
    sim_format_mem(u->mem, mem, sizeof(mem));
    JB_LIT(b, "\"usage\":{\"cpu\":");
    jbuf_put_str(b, cpu);
    JB_LIT(b, ",\"memory\":");
    jbuf_put_str(b, mem);
    jbuf_putc(b, '}');
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

static void put_window(struct jbuf *b, int64_t bucket, int64_t now)
{
    JB_LIT(b, "\"timestamp\":");
    jbuf_put_time(b, bucket * SCRAPE_S);
    JB_LIT(b, ",\"window\":\"");
    jbuf_put_u64(b, SCRAPE_S);
    JB_LIT(b, "s\"");
    (void)now;
}

static void render_pod_metrics(struct jbuf *b, const struct world *w, const struct world_pod *p,
                               bool typemeta, int64_t now)
{
    const struct world_app *a = &w->apps[p->app];
    int64_t bucket = now / SCRAPE_S;
    struct world_labels labels;
    world_pod_labels(w, p, &labels);
    jbuf_putc(b, '{');
    if (typemeta) {
        JB_LIT(b, "\"kind\":\"PodMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",");
    }
    JB_LIT(b, "\"metadata\":{\"name\":");
    jbuf_put_str(b, p->name);
    JB_LIT(b, ",\"namespace\":");
    jbuf_put_str(b, w->ns[a->ns].name);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, now);
    JB_LIT(b, ",\"labels\":");
    put_labels(b, &labels);
    JB_LIT(b, "},");
    put_window(b, bucket, now);
    JB_LIT(b, ",\"containers\":[{\"name\":");
    jbuf_put_str(b, a->container);
    jbuf_putc(b, ',');
    struct usage u;
    container_usage(p, a, WORLD_C_MAIN, bucket, &u);
    put_usage(b, &u);
    jbuf_putc(b, '}');
    if (a->has_sidecar) {
        JB_LIT(b, ",{\"name\":\"log-shipper\",");
        container_usage(p, a, WORLD_C_SIDECAR, bucket, &u);
        put_usage(b, &u);
        jbuf_putc(b, '}');
    }
    JB_LIT(b, "]}");
}

/* Usage of every node: its pods plus the kubelet's and the system's own. */
static struct usage *node_usages(const struct world *w, int64_t bucket)
{
    struct usage *n = sim_xcalloc(w->n_nodes ? w->n_nodes : 1, sizeof(*n));
    for (size_t i = 0; i < w->n_pods; i++) {
        const struct world_pod *p = w->pods[i];
        if (!has_metrics(p) || (size_t)p->node >= w->n_nodes) {
            continue;
        }
        const struct world_app *a = &w->apps[p->app];
        struct usage u;
        container_usage(p, a, WORLD_C_MAIN, bucket, &u);
        n[p->node].cpu_n += u.cpu_n;
        n[p->node].mem += u.mem;
        if (a->has_sidecar) {
            container_usage(p, a, WORLD_C_SIDECAR, bucket, &u);
            n[p->node].cpu_n += u.cpu_n;
            n[p->node].mem += u.mem;
        }
    }
    for (size_t i = 0; i < w->n_nodes; i++) {
        uint64_t key[2] = {sim_hash64(w->nodes[i].uid.b, 16, 31), (uint64_t)bucket};
        uint64_t h = sim_hash64(key, sizeof(key), 32);
        n[i].cpu_n += spread(h, 250, 700) * 1000000ULL + (h >> 32) % 1000000;
        n[i].mem += spread(h >> 16, 1200, 2500) * 1024ULL * 1024 + ((h >> 40) % 1024) * 1024;
    }
    return n;
}

static void render_node_metrics(struct jbuf *b, const struct world_node *n, const struct usage *u,
                                bool typemeta, int64_t now)
{
    struct world_labels labels;
    world_node_labels(n, &labels);
    jbuf_putc(b, '{');
    if (typemeta) {
        JB_LIT(b, "\"kind\":\"NodeMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",");
    }
    JB_LIT(b, "\"metadata\":{\"name\":");
    jbuf_put_str(b, n->name);
    JB_LIT(b, ",\"creationTimestamp\":");
    jbuf_put_time(b, now);
    JB_LIT(b, ",\"labels\":");
    put_labels(b, &labels);
    JB_LIT(b, "},");
    put_window(b, now / SCRAPE_S, now);
    jbuf_putc(b, ',');
    put_usage(b, u);
    jbuf_putc(b, '}');
}

static enum MHD_Result metrics_not_found(struct MHD_Connection *conn, const char *resource,
                                         const char *kind, const char *name)
{
    char msg[256];
    snprintf(msg, sizeof(msg), "%s.metrics.k8s.io \"%s\" not found", resource, name);
    return k8s_queue_status(
        conn, 404, "NotFound", msg,
        json_pack("{s:s,s:s,s:s}", "name", name, "group", "metrics.k8s.io", "kind", kind));
}

/* metadata.name / metadata.namespace field selectors and label selectors. */
static bool metrics_match(const struct world *w, const struct selector *labels,
                          const struct selector *fields, const struct world_labels *l,
                          const char *name, const char *ns)
{
    if (labels->n && !selector_match(labels, l->key, l->val, l->n)) {
        return false;
    }
    (void)w;
    if (fields->n) {
        const char *keys[2] = {"metadata.name", "metadata.namespace"};
        const char *vals[2] = {name, ns ? ns : ""};
        return selector_match(fields, keys, vals, 2);
    }
    return true;
}

enum MHD_Result k8s_metrics_serve(struct k8s_server *api, struct MHD_Connection *conn,
                                  struct k8s_req *r)
{
    struct world *w = api->w;
    int64_t now = sim_now();
    struct jbuf b;
    jbuf_init(&b);
    world_lock(w);
    if (r->metrics == K8S_METRICS_PODS && r->has_name) {
        const struct world_pod *p = r->ns_missing ? NULL : k8s_find_object(w, r);
        if (!p || !has_metrics(p)) {
            world_unlock(w);
            jbuf_fini(&b);
            char key[WORLD_NAME_MAX * 3];
            snprintf(key, sizeof(key), "%s/%s", r->ns_name, r->name);
            return metrics_not_found(conn, "podmetrics", "pods", key);
        }
        render_pod_metrics(&b, w, p, true, now);
        world_unlock(w);
        return k8s_queue_jbuf(conn, 200, &b);
    }
    if (r->metrics == K8S_METRICS_NODES) {
        struct usage *u = node_usages(w, now / SCRAPE_S);
        if (r->has_name) {
            int i = world_node_find(w, r->name);
            if (i < 0) {
                world_unlock(w);
                free(u);
                jbuf_fini(&b);
                return metrics_not_found(conn, "nodemetrics", "nodes", r->name);
            }
            render_node_metrics(&b, &w->nodes[i], &u[i], true, now);
        } else {
            JB_LIT(&b, "{\"kind\":\"NodeMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\","
                       "\"metadata\":{},\"items\":[");
            size_t emitted = 0;
            for (size_t i = 0; i < w->n_nodes; i++) {
                struct world_labels l;
                world_node_labels(&w->nodes[i], &l);
                if (!metrics_match(w, &r->labels, &r->fields, &l, w->nodes[i].name, NULL)) {
                    continue;
                }
                if (emitted++) {
                    jbuf_putc(&b, ',');
                }
                render_node_metrics(&b, &w->nodes[i], &u[i], false, now);
            }
            JB_LIT(&b, "]}");
        }
        free(u);
        world_unlock(w);
        return k8s_queue_jbuf(conn, 200, &b);
    }
    JB_LIT(&b, "{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\","
               "\"metadata\":{},\"items\":[");
    size_t emitted = 0;
    size_t i = r->ns >= 0 && !r->ns_missing ? world_pod_lower_bound(w, r->ns, "", false) : 0;
    for (; i < w->n_pods && !r->ns_missing; i++) {
        const struct world_pod *p = w->pods[i];
        int ns = world_pod_ns(w, p);
        if (r->ns >= 0 && ns != r->ns) {
            break;
        }
        if (!has_metrics(p)) {
            continue;
        }
        struct world_labels l;
        world_pod_labels(w, p, &l);
        if (!metrics_match(w, &r->labels, &r->fields, &l, p->name, w->ns[ns].name)) {
            continue;
        }
        if (emitted++) {
            jbuf_putc(&b, ',');
        }
        render_pod_metrics(&b, w, p, false, now);
    }
    JB_LIT(&b, "]}");
    world_unlock(w);
    return k8s_queue_jbuf(conn, 200, &b);
}
