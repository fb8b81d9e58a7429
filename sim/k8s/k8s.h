/* Internals shared by the Kubernetes API module: api.c (the module: routing, lists,
 * watches, single objects, faults, RBAC-like refusals), discovery.c, review.c (access
 * reviews), write.c (delete, patch, scale), logs.c (pod logs) and metrics.c (metrics.k8s.io).
 * Nothing outside sim/k8s/ includes this. */
#ifndef GC_SIM_K8S_K8S_H
#define GC_SIM_K8S_K8S_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/jbuf.h"
#include "sim/k8s/selector.h"
#include "sim/router.h"
#include "sim/world.h"

/* The module's state, made once at start (k8s_api.start) and fixed from then on. */
struct k8s_server {
    struct router *router;
    struct world *w;
    const struct router_config *cfg; /* token, forbid, no_metrics */
    const char *user;                /* who RBAC messages name: the token's user or anonymous */
    unsigned bookmark_interval;      /* seconds between BOOKMARK events */
    double log_rate;                 /* lines a second of a followed log */
};

struct k8s_cursor {
    bool set;
    int ns;
    char name[WORLD_NAME_MAX + 24];
};

/* What a metrics.k8s.io path asks for. */
enum k8s_metrics_kind { K8S_METRICS_NONE, K8S_METRICS_PODS, K8S_METRICS_NODES };

struct k8s_req {
    int kind;
    int ns;          /* namespace rank filter, -1 = all namespaces */
    bool ns_missing; /* the path names a namespace that does not exist */
    char ns_name[WORLD_NAME_MAX];
    char name[WORLD_NAME_MAX + 24];
    bool has_name;
    int metrics;             /* enum k8s_metrics_kind */
    const char *subresource; /* "log", "scale" or NULL */
    bool watch;
    bool table;
    char table_version[16];
    int include;
    struct selector labels;
    struct selector fields;
    size_t limit;
    struct k8s_cursor cont;
    uint64_t cont_rv;
    bool has_cont;
    const char *rv;
    int64_t timeout_s;
    bool bookmarks;
    bool send_initial;
};

/* ---- responses (api.c): the router's, with the apiserver's Cache-Control ------------ */

enum MHD_Result k8s_queue_buffer(struct MHD_Connection *conn, unsigned status, const char *ctype,
                                 char *data, size_t len);
enum MHD_Result k8s_queue_stream(struct MHD_Connection *conn, const char *ctype, uint64_t size,
                                 size_t block, MHD_ContentReaderCallback reader, void *cls,
                                 MHD_ContentReaderFreeCallback free_fn);
enum MHD_Result k8s_queue_jbuf(struct MHD_Connection *conn, unsigned status, struct jbuf *b);
/* Takes the reference to doc. */
enum MHD_Result k8s_queue_json(struct MHD_Connection *conn, unsigned status, json_t *doc);
/* A metav1.Status failure; takes the reference to details (may be NULL). */
enum MHD_Result k8s_queue_status(struct MHD_Connection *conn, unsigned code, const char *reason,
                                 const char *message, json_t *details);
/* 404 `RESOURCE[.GROUP] "name" not found` for a world kind. */
enum MHD_Result k8s_queue_not_found(struct MHD_Connection *conn, int kind, const char *name);
enum MHD_Result k8s_queue_not_found_path(struct MHD_Connection *conn);
enum MHD_Result k8s_queue_bad_request(struct MHD_Connection *conn, const char *message);
enum MHD_Result k8s_queue_method_not_allowed(struct MHD_Connection *conn);

/* Lock held. The named object of r->kind in r->ns, or NULL. */
const void *k8s_find_object(const struct world *w, const struct k8s_req *r);

/* ---- the other request handlers ------------------------------------------------------ */

/* True when ns (may be NULL) is one of --forbid-namespace's: every request touching it gets
 * 403, as if RBAC gave no one any right there. */
bool k8s_namespace_forbidden(const struct k8s_server *api, const char *ns);

/* review.c: POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews. */
enum MHD_Result k8s_review_serve(struct k8s_server *api, struct MHD_Connection *conn,
                                 const struct router_request *req);
/* discovery.c: the discovery document at url (one of the paths route_path calls
 * discovery). */
enum MHD_Result k8s_discovery_serve(struct k8s_server *api, struct MHD_Connection *conn,
                                    const char *url);
/* write.c: DELETE of a pod, PATCH of a Deployment or StatefulSet, GET/PUT/PATCH of
 * their scale subresource. */
enum MHD_Result k8s_write_serve(struct k8s_server *api, struct MHD_Connection *conn,
                                const char *method, struct k8s_req *r,
                                const struct router_request *req);
/* logs.c: GET .../pods/NAME/log. */
enum MHD_Result k8s_logs_serve(struct k8s_server *api, struct MHD_Connection *conn,
                               struct k8s_req *r);
/* metrics.c: GET /apis/metrics.k8s.io/v1beta1/... (lists and single objects). */
enum MHD_Result k8s_metrics_serve(struct k8s_server *api, struct MHD_Connection *conn,
                                  struct k8s_req *r);

#endif
