/* The Kubernetes API module: routing, authentication, RBAC-like refusals, faults,
 * discovery, lists, watches and single objects; writes, logs and metrics are in their own
 * files (k8s.h). */
#include "sim/k8s/k8s.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/jbuf.h"
#include "sim/k8s/json.h"
#include "sim/k8s/selector.h"
#include "sim/sim_util.h"

#define CHUNK_TARGET (128 * 1024)
#define BLOCK_SIZE (64 * 1024)

/* ---- responses --------------------------------------------------------------------- */

/* The apiserver marks every answer as not to be cached. */
static const char *const no_cache[] = {MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache, private", NULL};

enum MHD_Result k8s_queue_buffer(struct MHD_Connection *conn, unsigned status, const char *ctype,
                                 char *data, size_t len)
{
    return router_queue_buffer(conn, status, ctype, data, len, no_cache);
}

enum MHD_Result k8s_queue_stream(struct MHD_Connection *conn, const char *ctype, uint64_t size,
                                 size_t block, MHD_ContentReaderCallback reader, void *cls,
                                 MHD_ContentReaderFreeCallback free_fn)
{
    return router_queue_stream(conn, ctype, size, block, reader, cls, free_fn, no_cache);
}

enum MHD_Result k8s_queue_jbuf(struct MHD_Connection *conn, unsigned status, struct jbuf *b)
{
    return router_queue_jbuf(conn, status, b, no_cache);
}

enum MHD_Result k8s_queue_json(struct MHD_Connection *conn, unsigned status, json_t *doc)
{
    return router_queue_json(conn, status, doc, no_cache);
}

/* A metav1.Status failure body. details may be NULL (then {} or absent as the apiserver). */
static json_t *status_doc(unsigned code, const char *reason, const char *message, json_t *details)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "kind", json_string("Status"));
    json_object_set_new(doc, "apiVersion", json_string("v1"));
    json_object_set_new(doc, "metadata", json_object());
    json_object_set_new(doc, "status", json_string("Failure"));
    json_object_set_new(doc, "message", json_string(message));
    json_object_set_new(doc, "reason", json_string(reason));
    if (details) {
        json_object_set_new(doc, "details", details);
    }
    json_object_set_new(doc, "code", json_integer(code));
    return doc;
}

enum MHD_Result k8s_queue_status(struct MHD_Connection *conn, unsigned code, const char *reason,
                                 const char *message, json_t *details)
{
    return k8s_queue_json(conn, code, status_doc(code, reason, message, details));
}

enum MHD_Result k8s_queue_not_found_path(struct MHD_Connection *conn)
{
    return k8s_queue_status(conn, 404, "NotFound",
                            "the server could not find the requested resource", json_object());
}

enum MHD_Result k8s_queue_not_found(struct MHD_Connection *conn, int kind, const char *name)
{
    char msg[512];
    const char *group = k8s_json_group(kind);
    char res[64];
    if (group[0]) {
        snprintf(res, sizeof(res), "%s.%s", k8s_json_resource(kind), group);
    } else {
        snprintf(res, sizeof(res), "%s", k8s_json_resource(kind));
    }
    snprintf(msg, sizeof(msg), "%s \"%s\" not found", res, name);
    json_t *details = json_object();
    json_object_set_new(details, "name", json_string(name));
    if (group[0]) {
        json_object_set_new(details, "group", json_string(group));
    }
    json_object_set_new(details, "kind", json_string(k8s_json_resource(kind)));
    return k8s_queue_status(conn, 404, "NotFound", msg, details);
}

enum MHD_Result k8s_queue_bad_request(struct MHD_Connection *conn, const char *message)
{
    return k8s_queue_status(conn, 400, "BadRequest", message, NULL);
}

enum MHD_Result k8s_queue_method_not_allowed(struct MHD_Connection *conn)
{
    return k8s_queue_status(conn, 405, "MethodNotAllowed",
                            "the server does not allow this method on the requested resource",
                            json_object());
}

static const char expired_continue_msg[] =
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted between "
    "the time the first chunk was returned and now may show up in the list.";

/* ---- requests ---------------------------------------------------------------------- */

static void req_init(struct k8s_req *r)
{
    memset(r, 0, sizeof(*r));
    r->ns = -1;
    r->include = K8S_INCLUDE_METADATA;
    snprintf(r->table_version, sizeof(r->table_version), "v1");
}

static void req_fini(struct k8s_req *r)
{
    selector_free(&r->labels);
    selector_free(&r->fields);
}

/* Decides Table vs plain JSON from the Accept header (kubectl asks for as=Table). */
static void parse_accept(struct MHD_Connection *conn, struct k8s_req *r)
{
    const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
    if (!accept) {
        return;
    }
    char *copy = sim_xstrdup(accept);
    char *save = NULL;
    for (char *mt = strtok_r(copy, ",", &save); mt; mt = strtok_r(NULL, ",", &save)) {
        bool as_table = false;
        bool meta_group = false;
        char version[16] = "v1";
        char *save2 = NULL;
        for (char *p = strtok_r(mt, ";", &save2); p; p = strtok_r(NULL, ";", &save2)) {
            while (*p == ' ') {
                p++;
            }
            if (strcmp(p, "as=Table") == 0) {
                as_table = true;
            } else if (strcmp(p, "g=meta.k8s.io") == 0) {
                meta_group = true;
            } else if (strncmp(p, "v=", 2) == 0) {
                snprintf(version, sizeof(version), "%s", p + 2);
            }
        }
        if (as_table && meta_group &&
            (strcmp(version, "v1") == 0 || strcmp(version, "v1beta1") == 0)) {
            r->table = true;
            snprintf(r->table_version, sizeof(r->table_version), "%s", version);
            break;
        }
        if (!as_table) {
            break; /* the client prefers plain JSON */
        }
    }
    free(copy);
}

static bool field_supported(int kind, const char *key)
{
    static const char *const pod_fields[] = {"metadata.name",
                                             "metadata.namespace",
                                             "spec.nodeName",
                                             "status.phase",
                                             "status.podIP",
                                             "spec.restartPolicy",
                                             "spec.schedulerName",
                                             "spec.serviceAccountName",
                                             "status.nominatedNodeName",
                                             NULL};
    static const char *const meta_fields[] = {"metadata.name", "metadata.namespace", NULL};
    static const char *const ns_fields[] = {"metadata.name", "status.phase", NULL};
    static const char *const node_fields[] = {"metadata.name", "spec.unschedulable", NULL};
    static const char *const event_fields[] = {"metadata.name",
                                               "metadata.namespace",
                                               "involvedObject.kind",
                                               "involvedObject.namespace",
                                               "involvedObject.name",
                                               "involvedObject.uid",
                                               "involvedObject.apiVersion",
                                               "involvedObject.resourceVersion",
                                               "involvedObject.fieldPath",
                                               "reason",
                                               "reportingComponent",
                                               "source",
                                               "type",
                                               NULL};
    const char *const *set = kind == WORLD_KIND_POD         ? pod_fields
                             : kind == WORLD_KIND_NAMESPACE ? ns_fields
                             : kind == WORLD_KIND_NODE      ? node_fields
                             : kind == WORLD_KIND_EVENT     ? event_fields
                                                            : meta_fields;
    for (int i = 0; set[i]; i++) {
        if (strcmp(set[i], key) == 0) {
            return true;
        }
    }
    return false;
}

/* Decodes a continue token of ours: base64url({"v":..,"rv":N,"start":"ns/name\u0000"}). */
static int parse_continue(struct world *w, const char *tok, struct k8s_req *r)
{
    size_t len;
    char *raw = sim_base64_decode(tok, &len);
    if (!raw) {
        return -1;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(raw, len, JSON_ALLOW_NUL, &jerr);
    free(raw);
    if (!doc) {
        return -1;
    }
    json_t *rv = json_object_get(doc, "rv");
    json_t *start = json_object_get(doc, "start");
    if (!json_is_integer(rv) || !json_is_string(start)) {
        json_decref(doc);
        return -1;
    }
    r->cont_rv = (uint64_t)json_integer_value(rv);
    const char *s = json_string_value(start);
    const char *slash = k8s_json_namespaced(r->kind) ? strchr(s, '/') : NULL;
    r->cont.set = true;
    r->cont.ns = -1;
    if (slash) {
        char ns[WORLD_NAME_MAX];
        size_t n = (size_t)(slash - s);
        if (n >= sizeof(ns)) {
            json_decref(doc);
            return -1;
        }
        memcpy(ns, s, n);
        ns[n] = '\0';
        world_lock(w);
        r->cont.ns = world_ns_find(w, ns);
        world_unlock(w);
        s = slash + 1;
        if (r->cont.ns < 0) {
            json_decref(doc);
            return -1;
        }
    } else if (k8s_json_namespaced(r->kind)) {
        json_decref(doc);
        return -1;
    }
    snprintf(r->cont.name, sizeof(r->cont.name), "%s", s);
    size_t nl = strlen(r->cont.name);
    if (nl > 0 && r->cont.name[nl - 1] == '\0') {
        r->cont.name[nl - 1] = '\0';
    }
    r->has_cont = true;
    json_decref(doc);
    return 0;
}

/* A continue token in the apiserver's shape: base64url of {"v","rv","start":"key\u0000"}. */
static char *make_continue(const struct world *w, int kind, const struct k8s_cursor *c, uint64_t rv)
{
    json_t *doc = json_object();
    char start[WORLD_NAME_MAX * 3 + 8];
    if (k8s_json_namespaced(kind)) {
        snprintf(start, sizeof(start), "%s/%s", w->ns[c->ns].name, c->name);
    } else {
        snprintf(start, sizeof(start), "%s", c->name);
    }
    size_t sl = strlen(start);
    json_object_set_new(doc, "v", json_string("meta.k8s.io/v1"));
    json_object_set_new(doc, "rv", json_integer((json_int_t)rv));
    /* The apiserver's start key ends in a NUL byte ("key\u0000"). */
    char keyed[sizeof(start) + 1];
    memcpy(keyed, start, sl);
    keyed[sl] = '\0';
    json_object_set_new(doc, "start", json_stringn(keyed, sl + 1));
    char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    char *tok = sim_base64url_encode(s, strlen(s));
    free(s);
    return tok;
}

/* Fills r from the query string. Returns 0, or -1 after queueing a 400 into *rc. */
static int parse_query(struct k8s_server *api, struct MHD_Connection *conn, struct k8s_req *r,
                       enum MHD_Result *rc)
{
    char err[512];
    parse_accept(conn, r);
    const char *inc = router_arg(conn, "includeObject");
    if (inc) {
        r->include = strcmp(inc, "Object") == 0 ? K8S_INCLUDE_OBJECT
                     : strcmp(inc, "None") == 0 ? K8S_INCLUDE_NONE
                                                : K8S_INCLUDE_METADATA;
    }
    if (selector_parse_labels(router_arg(conn, "labelSelector"), &r->labels, err, sizeof(err)) <
        0) {
        *rc = k8s_queue_bad_request(conn, err);
        return -1;
    }
    if (selector_parse_fields(router_arg(conn, "fieldSelector"), &r->fields, err, sizeof(err)) <
        0) {
        *rc = k8s_queue_bad_request(conn, err);
        return -1;
    }
    for (size_t i = 0; i < r->fields.n; i++) {
        if (!field_supported(r->kind, r->fields.reqs[i].key)) {
            snprintf(err, sizeof(err), "field label not supported: %s", r->fields.reqs[i].key);
            *rc = k8s_queue_bad_request(conn, err);
            return -1;
        }
    }
    const char *lim = router_arg(conn, "limit");
    if (lim && *lim) {
        char *end;
        long long v = strtoll(lim, &end, 10);
        r->limit = (*end || v < 0) ? 0 : (size_t)v;
    }
    r->watch = router_arg_true(conn, "watch");
    r->rv = router_arg(conn, "resourceVersion");
    r->bookmarks = router_arg_true(conn, "allowWatchBookmarks");
    r->send_initial = router_arg_true(conn, "sendInitialEvents");
    const char *to = router_arg(conn, "timeoutSeconds");
    r->timeout_s = to ? strtoll(to, NULL, 10) : 0;
    const char *cont = router_arg(conn, "continue");
    if (cont && *cont && !r->watch) {
        if (parse_continue(api->w, cont, r) < 0) {
            *rc = k8s_queue_bad_request(conn, "continue key is not valid: illegal base64 data");
            return -1;
        }
    }
    return 0;
}

/* ---- iteration over a kind's objects in (namespace, name) order -------------------- */

static size_t kind_count(const struct world *w, int kind)
{
    switch (kind) {
    case WORLD_KIND_POD:
        return w->n_pods;
    case WORLD_KIND_REPLICASET:
        return 2 * w->n_apps;
    case WORLD_KIND_DEPLOYMENT:
    case WORLD_KIND_STATEFULSET:
        return w->n_apps;
    case WORLD_KIND_NAMESPACE:
    case WORLD_KIND_RESOURCEQUOTA:
        return w->n_ns;
    case WORLD_KIND_EVENT:
        return w->n_events;
    default:
        return w->n_nodes;
    }
}

static const void *kind_obj(const struct world *w, int kind, size_t i)
{
    switch (kind) {
    case WORLD_KIND_POD:
        return w->pods[i];
    case WORLD_KIND_REPLICASET:
        return &w->rs[i];
    case WORLD_KIND_DEPLOYMENT:
    case WORLD_KIND_STATEFULSET:
        return &w->apps[i];
    case WORLD_KIND_NAMESPACE:
    case WORLD_KIND_RESOURCEQUOTA:
        return &w->ns[i];
    case WORLD_KIND_EVENT:
        return w->events[i];
    default:
        return &w->nodes[i];
    }
}

static int obj_ns(const struct world *w, int kind, const void *obj)
{
    switch (kind) {
    case WORLD_KIND_POD:
        return world_pod_ns(w, obj);
    case WORLD_KIND_REPLICASET:
        return ((const struct world_rs *)obj)->app->ns;
    case WORLD_KIND_DEPLOYMENT:
    case WORLD_KIND_STATEFULSET:
        return ((const struct world_app *)obj)->ns;
    case WORLD_KIND_EVENT:
        return ((const struct world_kevent *)obj)->ns;
    case WORLD_KIND_RESOURCEQUOTA:
        /* The object may be a snapshot from the history: find it by name. */
        return world_ns_find(w, ((const struct world_ns *)obj)->name);
    default:
        return -1;
    }
}

/* The object's name; a ReplicaSet's is written into tmp. */
static const char *obj_name(int kind, const void *obj, char *tmp, size_t size)
{
    switch (kind) {
    case WORLD_KIND_POD:
        return ((const struct world_pod *)obj)->name;
    case WORLD_KIND_REPLICASET: {
        const struct world_rs *rs = obj;
        world_rs_name(rs->app, rs->old, tmp, size);
        return tmp;
    }
    case WORLD_KIND_DEPLOYMENT:
    case WORLD_KIND_STATEFULSET:
        return ((const struct world_app *)obj)->name;
    case WORLD_KIND_NAMESPACE:
        return ((const struct world_ns *)obj)->name;
    case WORLD_KIND_EVENT:
        return ((const struct world_kevent *)obj)->name;
    case WORLD_KIND_RESOURCEQUOTA:
        return WORLD_QUOTA_NAME;
    default:
        return ((const struct world_node *)obj)->name;
    }
}

static uint64_t obj_rv(int kind, const void *obj)
{
    switch (kind) {
    case WORLD_KIND_POD:
        return ((const struct world_pod *)obj)->rv;
    case WORLD_KIND_NAMESPACE:
        return ((const struct world_ns *)obj)->rv;
    case WORLD_KIND_NODE:
        return ((const struct world_node *)obj)->rv;
    case WORLD_KIND_EVENT:
        return ((const struct world_kevent *)obj)->rv;
    case WORLD_KIND_RESOURCEQUOTA:
        return ((const struct world_ns *)obj)->quota_rv;
    case WORLD_KIND_REPLICASET: {
        const struct world_rs *rs = obj;
        return rs->old ? rs->app->old_rs_rv : rs->app->rs_rv;
    }
    default:
        return ((const struct world_app *)obj)->rv;
    }
}

static void obj_key(const struct world *w, int kind, const void *obj, struct k8s_cursor *c)
{
    char tmp[sizeof(c->name)];
    c->set = true;
    c->ns = obj_ns(w, kind, obj);
    snprintf(c->name, sizeof(c->name), "%s", obj_name(kind, obj, tmp, sizeof(tmp)));
}

static int cursor_cmp(const struct k8s_cursor *a, const struct k8s_cursor *b)
{
    if (a->ns != b->ns) {
        return a->ns < b->ns ? -1 : 1;
    }
    return strcmp(a->name, b->name);
}

/* First index at or after the cursor (strictly after when c->set). */
static size_t iter_start(const struct world *w, const struct k8s_req *r, const struct k8s_cursor *c)
{
    switch (r->kind) {
    case WORLD_KIND_POD:
        if (c->set) {
            return world_pod_lower_bound(w, c->ns, c->name, true);
        }
        return r->ns >= 0 ? world_pod_lower_bound(w, r->ns, "", false) : 0;
    case WORLD_KIND_REPLICASET:
        if (c->set) {
            return world_rs_lower_bound(w, c->ns, c->name, true);
        }
        return r->ns >= 0 ? world_rs_lower_bound(w, r->ns, "", false) : 0;
    case WORLD_KIND_DEPLOYMENT:
    case WORLD_KIND_STATEFULSET:
        if (c->set) {
            return world_app_lower_bound(w, c->ns, c->name, true);
        }
        return r->ns >= 0 ? world_app_lower_bound(w, r->ns, "", false) : 0;
    case WORLD_KIND_EVENT:
        if (c->set) {
            return world_event_lower_bound(w, c->ns, c->name, true);
        }
        return r->ns >= 0 ? world_event_lower_bound(w, r->ns, "", false) : 0;
    case WORLD_KIND_RESOURCEQUOTA:
        if (c->set) {
            if (c->ns < 0) {
                return 0;
            }
            return (size_t)c->ns + (strcmp(WORLD_QUOTA_NAME, c->name) <= 0 ? 1 : 0);
        }
        return r->ns >= 0 ? (size_t)r->ns : 0;
    case WORLD_KIND_NAMESPACE:
        if (c->set) {
            size_t i = 0;
            while (i < w->n_ns && strcmp(w->ns[i].name, c->name) <= 0) {
                i++;
            }
            return i;
        }
        return 0;
    default:
        if (c->set) {
            int i = world_node_find(w, c->name);
            return i < 0 ? w->n_nodes : (size_t)i + 1;
        }
        return 0;
    }
}

/* True while index i is inside the request's range (its namespace, if any). */
static bool iter_valid(const struct world *w, const struct k8s_req *r, size_t i)
{
    if (i >= kind_count(w, r->kind)) {
        return false;
    }
    if (r->ns >= 0 && k8s_json_namespaced(r->kind)) {
        return obj_ns(w, r->kind, kind_obj(w, r->kind, i)) == r->ns;
    }
    return true;
}

/* Value of an Event's field for field selectors. */
static const char *event_field_value(const struct world *w, const struct world_kevent *e,
                                     const char *key, char *tmp, size_t tmpsize)
{
    static const char *const kinds[WORLD_KIND_COUNT] = {
        [WORLD_KIND_POD] = "Pod",
        [WORLD_KIND_DEPLOYMENT] = "Deployment",
        [WORLD_KIND_REPLICASET] = "ReplicaSet",
        [WORLD_KIND_STATEFULSET] = "StatefulSet",
    };
    if (strcmp(key, "involvedObject.kind") == 0) {
        return kinds[e->obj_kind] ? kinds[e->obj_kind] : "";
    }
    if (strcmp(key, "involvedObject.namespace") == 0) {
        return w->ns[e->ns].name;
    }
    if (strcmp(key, "involvedObject.name") == 0) {
        return e->obj_name;
    }
    if (strcmp(key, "involvedObject.uid") == 0) {
        if (tmpsize >= 37) {
            world_uid_format(&e->obj_uid, tmp);
            return tmp;
        }
        return "";
    }
    if (strcmp(key, "involvedObject.apiVersion") == 0) {
        return e->obj_kind == WORLD_KIND_POD ? "v1" : "apps/v1";
    }
    if (strcmp(key, "involvedObject.fieldPath") == 0) {
        return e->field_path;
    }
    if (strcmp(key, "reason") == 0) {
        return e->reason;
    }
    if (strcmp(key, "reportingComponent") == 0 || strcmp(key, "source") == 0) {
        return e->component;
    }
    if (strcmp(key, "type") == 0) {
        return e->warning ? "Warning" : "Normal";
    }
    return "";
}

/* Value of a supported field for field selectors. */
static const char *field_value(const struct world *w, int kind, const void *obj, const char *key,
                               char *tmp, size_t tmpsize)
{
    int ns = obj_ns(w, kind, obj);
    if (strcmp(key, "metadata.name") == 0) {
        return obj_name(kind, obj, tmp, tmpsize);
    }
    if (strcmp(key, "metadata.namespace") == 0) {
        return ns >= 0 ? w->ns[ns].name : "";
    }
    if (kind == WORLD_KIND_POD) {
        const struct world_pod *p = obj;
        if (strcmp(key, "spec.nodeName") == 0) {
            return p->node >= 0 ? w->nodes[p->node].name : "";
        }
        if (strcmp(key, "status.phase") == 0) {
            return world_pod_phase(p);
        }
        if (strcmp(key, "status.podIP") == 0) {
            if (p->node < 0 || p->state == POD_PENDING || p->state == POD_CREATING) {
                return "";
            }
            snprintf(tmp, tmpsize, "10.%u.%u.%u", 64 + (unsigned)p->node / 256,
                     (unsigned)p->node % 256, 2 + p->serial % 250);
            return tmp;
        }
        if (strcmp(key, "spec.restartPolicy") == 0) {
            return w->apps[p->app].kind == APP_CRONJOB ? "Never" : "Always";
        }
        if (strcmp(key, "spec.schedulerName") == 0) {
            return "default-scheduler";
        }
        if (strcmp(key, "spec.serviceAccountName") == 0) {
            return "default";
        }
        return "";
    }
    if (kind == WORLD_KIND_EVENT) {
        return event_field_value(w, obj, key, tmp, tmpsize);
    }
    if (strcmp(key, "status.phase") == 0) {
        return "Active";
    }
    if (strcmp(key, "spec.unschedulable") == 0) {
        return "false";
    }
    return "";
}

/* Namespace, label selector, field selector and name filters of a request. */
static bool obj_matches(const struct world *w, const struct k8s_req *r, int kind, const void *obj)
{
    if (kind == WORLD_KIND_DEPLOYMENT && ((const struct world_app *)obj)->kind != APP_DEPLOYMENT) {
        return false;
    }
    if (kind == WORLD_KIND_REPLICASET && !world_rs_exists(((const struct world_rs *)obj)->app,
                                                          ((const struct world_rs *)obj)->old)) {
        return false;
    }
    if (kind == WORLD_KIND_STATEFULSET &&
        ((const struct world_app *)obj)->kind != APP_STATEFULSET) {
        return false;
    }
    if (kind == WORLD_KIND_RESOURCEQUOTA && !((const struct world_ns *)obj)->has_quota) {
        return false;
    }
    if (r->ns >= 0 && k8s_json_namespaced(kind) && obj_ns(w, kind, obj) != r->ns) {
        return false;
    }
    if (r->labels.n) {
        struct world_labels l;
        switch (kind) {
        case WORLD_KIND_POD:
            world_pod_labels(w, obj, &l);
            break;
        case WORLD_KIND_DEPLOYMENT:
        case WORLD_KIND_STATEFULSET:
            world_app_labels(w, obj, &l);
            break;
        case WORLD_KIND_EVENT:
            l.n = 0;
            break;
        case WORLD_KIND_RESOURCEQUOTA:
            l.n = 1;
            l.key[0] = "govcloud.sit.dk/tenant";
            l.val[0] = ((const struct world_ns *)obj)->tenant;
            break;
        case WORLD_KIND_REPLICASET: {
            const struct world_rs *rs = obj;
            world_rs_labels(w, rs->app, rs->old, &l);
            break;
        }
        case WORLD_KIND_NAMESPACE:
            world_ns_labels(obj, &l);
            break;
        default:
            world_node_labels(obj, &l);
            break;
        }
        if (!selector_match(&r->labels, l.key, l.val, l.n)) {
            return false;
        }
    }
    if (r->fields.n) {
        const char *keys[16];
        const char *vals[16];
        char tmp[16][96];
        size_t n = 0;
        for (size_t i = 0; i < r->fields.n && n < 16; i++) {
            keys[n] = r->fields.reqs[i].key;
            vals[n] = field_value(w, kind, obj, keys[n], tmp[n], sizeof(tmp[n]));
            n++;
        }
        if (!selector_match(&r->fields, keys, vals, n)) {
            return false;
        }
    }
    char tmp[WORLD_NAME_MAX + 24];
    if (r->has_name && strcmp(obj_name(kind, obj, tmp, sizeof(tmp)), r->name) != 0) {
        return false;
    }
    return true;
}

/* ---- list streaming ---------------------------------------------------------------- */

enum list_phase { LS_HEAD, LS_ITEMS, LS_TAIL, LS_DONE };

struct list_stream {
    struct k8s_server *api;
    struct k8s_req r;
    uint64_t list_rv;
    char *cont_token;    /* continue for the page's metadata, or NULL */
    long long remaining; /* remainingItemCount, -1 = absent */
    bool bounded;        /* a page: stop after end */
    struct k8s_cursor end;
    struct k8s_cursor pos; /* last examined key */
    size_t emitted;
    int phase;
    struct jbuf buf;
    size_t off;
    size_t cut_at; /* truncate fault: stop after this many bytes (0 = never) */
};

static void list_render_head(struct list_stream *ls)
{
    struct jbuf *b = &ls->buf;
    if (ls->r.table) {
        JB_LIT(b, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/");
        jbuf_puts(b, ls->r.table_version);
        JB_LIT(b, "\",\"metadata\":{\"resourceVersion\":");
    } else {
        JB_LIT(b, "{\"kind\":\"");
        jbuf_puts(b, k8s_json_list_kind(ls->r.kind));
        JB_LIT(b, "\",\"apiVersion\":\"");
        jbuf_puts(b, k8s_json_api_version(ls->r.kind));
        JB_LIT(b, "\",\"metadata\":{\"resourceVersion\":");
    }
    jbuf_put_qu64(b, ls->list_rv);
    if (ls->cont_token) {
        JB_LIT(b, ",\"continue\":");
        jbuf_put_str(b, ls->cont_token);
    }
    if (ls->remaining >= 0) {
        JB_LIT(b, ",\"remainingItemCount\":");
        jbuf_put_i64(b, ls->remaining);
    }
    jbuf_putc(b, '}');
    if (ls->r.table) {
        jbuf_putc(b, ',');
        k8s_json_table_columns(b, ls->r.kind);
        JB_LIT(b, ",\"rows\":[");
    } else {
        JB_LIT(b, ",\"items\":[");
    }
}

/* Renders the next run of items under the world lock, up to about CHUNK_TARGET bytes. A page
 * ends at the key its continue token names (list_plan_page), not after `limit` items: the
 * lock is released between runs, and an object created in the page's range meanwhile would
 * otherwise push the page's last objects out of it and out of the next one too. */
static void list_render_items(struct list_stream *ls)
{
    struct world *w = ls->api->w;
    struct jbuf *b = &ls->buf;
    int64_t now = sim_now();
    world_lock(w);
    size_t i = iter_start(w, &ls->r, &ls->pos);
    for (; b->len < CHUNK_TARGET; i++) {
        if (!iter_valid(w, &ls->r, i)) {
            ls->phase = LS_TAIL;
            break;
        }
        const void *obj = kind_obj(w, ls->r.kind, i);
        struct k8s_cursor key;
        obj_key(w, ls->r.kind, obj, &key);
        if (ls->bounded && cursor_cmp(&key, &ls->end) > 0) {
            ls->phase = LS_TAIL;
            break;
        }
        ls->pos = key;
        if (!obj_matches(w, &ls->r, ls->r.kind, obj)) {
            continue;
        }
        if (ls->emitted++) {
            jbuf_putc(b, ',');
        }
        if (ls->r.table) {
            k8s_json_table_row(b, w, ls->r.kind, obj, ls->r.include, now);
        } else {
            k8s_json_object(b, w, ls->r.kind, obj, 0);
        }
        if (ls->bounded && cursor_cmp(&key, &ls->end) >= 0) {
            ls->phase = LS_TAIL;
            break;
        }
    }
    world_unlock(w);
}

/* Produces the next piece of the list body into ls->buf. */
static void list_fill(struct list_stream *ls)
{
    jbuf_reset(&ls->buf);
    ls->off = 0;
    while (ls->buf.len == 0 && ls->phase != LS_DONE) {
        switch (ls->phase) {
        case LS_HEAD:
            list_render_head(ls);
            ls->phase = LS_ITEMS;
            break;
        case LS_ITEMS:
            list_render_items(ls);
            break;
        default:
            JB_LIT(&ls->buf, "]}");
            ls->phase = LS_DONE;
            break;
        }
    }
}

static void list_stream_free(void *cls)
{
    struct list_stream *ls = cls;
    req_fini(&ls->r);
    free(ls->cont_token);
    jbuf_fini(&ls->buf);
    free(ls);
}

/* MHD content reader: hands out the rendered buffer, rendering more when it runs dry. */
static ssize_t list_reader(void *cls, uint64_t pos, char *out, size_t max)
{
    struct list_stream *ls = cls;
    if (ls->cut_at && pos >= ls->cut_at) {
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    if (ls->off >= ls->buf.len) {
        if (ls->phase == LS_DONE) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        list_fill(ls);
        if (ls->buf.len == 0) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
    }
    size_t n = ls->buf.len - ls->off;
    if (n > max) {
        n = max;
    }
    if (ls->cut_at && pos + n > ls->cut_at) {
        n = (size_t)(ls->cut_at - pos);
    }
    memcpy(out, ls->buf.data + ls->off, n);
    ls->off += n;
    router_count_sent(ROUTER_SENT_LIST, n);
    return (ssize_t)n;
}

/* Computes the page bounds (end key, continue token, remainingItemCount). Lock held. */
static void list_plan_page(struct list_stream *ls)
{
    struct world *w = ls->api->w;
    const struct k8s_req *r = &ls->r;
    size_t i = iter_start(w, r, &ls->pos);
    size_t found = 0;
    struct k8s_cursor last = {0};
    for (; iter_valid(w, r, i); i++) {
        const void *obj = kind_obj(w, r->kind, i);
        if (!obj_matches(w, r, r->kind, obj)) {
            continue;
        }
        if (found == r->limit) {
            /* One more match exists beyond the page. */
            ls->bounded = true;
            ls->end = last;
            ls->cont_token = make_continue(w, r->kind, &last, ls->list_rv);
            if (r->labels.n == 0 && r->fields.n == 0) {
                long long rest = 0;
                for (size_t k = i; iter_valid(w, r, k); k++) {
                    rest += obj_matches(w, r, r->kind, kind_obj(w, r->kind, k));
                }
                ls->remaining = rest;
            }
            return;
        }
        found++;
        obj_key(w, r->kind, obj, &last);
    }
}

/* Streams a list (or one page of it). cut_fraction > 1 serves only the first 1/cut_fraction
 * of the body and then drops the connection (the truncate fault). */
static enum MHD_Result serve_list(struct k8s_server *api, struct MHD_Connection *conn,
                                  struct k8s_req *r, size_t cut_fraction)
{
    struct world *w = api->w;
    struct list_stream *ls = sim_xcalloc(1, sizeof(*ls));
    ls->api = api;
    ls->r = *r;
    memset(r, 0, sizeof(*r)); /* ownership of the selectors moved */
    r->ns = -1;
    ls->remaining = -1;
    jbuf_init(&ls->buf);
    world_lock(w);
    if (ls->r.has_cont) {
        if (ls->r.cont_rv < w->floor_rv) {
            world_unlock(w);
            list_stream_free(ls);
            return k8s_queue_status(conn, 410, "Expired", expired_continue_msg, NULL);
        }
        ls->pos = ls->r.cont;
        ls->list_rv = ls->r.cont_rv;
    } else {
        ls->list_rv = w->rv;
    }
    if (ls->r.limit > 0) {
        list_plan_page(ls);
    }
    world_unlock(w);
    if (cut_fraction) {
        /* Render everything now to know the size, then serve only part of it. */
        struct jbuf all;
        jbuf_init(&all);
        while (ls->phase != LS_DONE && all.len < 8 * 1024 * 1024) {
            list_fill(ls);
            jbuf_put(&all, ls->buf.data, ls->buf.len);
        }
        jbuf_fini(&ls->buf);
        ls->buf = all;
        ls->off = 0;
        ls->phase = LS_DONE;
        ls->cut_at = all.len / cut_fraction;
        if (ls->cut_at == 0) {
            ls->cut_at = 1;
        }
        struct MHD_Response *resp = MHD_create_response_from_callback(
            all.len, BLOCK_SIZE, list_reader, ls, list_stream_free);
        if (!resp) {
            list_stream_free(ls);
            return MHD_NO;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        enum MHD_Result rc = MHD_queue_response(conn, 200, resp);
        MHD_destroy_response(resp);
        return rc;
    }
    return k8s_queue_stream(conn, "application/json", MHD_SIZE_UNKNOWN, BLOCK_SIZE, list_reader, ls,
                            list_stream_free);
}

/* ---- watch streaming --------------------------------------------------------------- */

struct watch_stream {
    struct k8s_server *api;
    struct k8s_req r;
    uint64_t cursor_rv;    /* every event up to here was considered */
    bool initial;          /* still sending ADDED for current objects */
    struct k8s_cursor pos; /* initial listing position */
    bool ending;           /* end after the buffer is flushed */
    bool headers_sent;     /* Table column definitions went out */
    int64_t deadline_ms;
    int64_t next_bookmark_ms;
    unsigned drop_gen;
    int fd;
    struct jbuf buf;
    size_t off;
};

static void watch_event_head(struct watch_stream *ws, const char *type)
{
    JB_LIT(&ws->buf, "{\"type\":\"");
    jbuf_puts(&ws->buf, type);
    JB_LIT(&ws->buf, "\",\"object\":");
}

static void watch_render_object(struct watch_stream *ws, const char *type, int kind,
                                const void *obj, uint64_t rv)
{
    struct jbuf *b = &ws->buf;
    struct world *w = ws->api->w;
    watch_event_head(ws, type);
    if (ws->r.table) {
        JB_LIT(b, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/");
        jbuf_puts(b, ws->r.table_version);
        JB_LIT(b, "\",\"metadata\":{\"resourceVersion\":");
        jbuf_put_qu64(b, rv);
        JB_LIT(b, "},");
        if (ws->headers_sent) {
            JB_LIT(b, "\"columnDefinitions\":null");
        } else {
            k8s_json_table_columns(b, kind);
            ws->headers_sent = true;
        }
        JB_LIT(b, ",\"rows\":[");
        k8s_json_table_row(b, w, kind, obj, ws->r.include, sim_now());
        JB_LIT(b, "]}");
    } else {
        k8s_json_object(b, w, kind, obj, K8S_JSON_TYPEMETA);
    }
    JB_LIT(b, "}\n");
}

static void watch_render_bookmark(struct watch_stream *ws, uint64_t rv, bool initial_end)
{
    struct jbuf *b = &ws->buf;
    watch_event_head(ws, "BOOKMARK");
    JB_LIT(b, "{\"kind\":\"");
    jbuf_puts(b, k8s_json_kind(ws->r.kind));
    JB_LIT(b, "\",\"apiVersion\":\"");
    jbuf_puts(b, k8s_json_api_version(ws->r.kind));
    JB_LIT(b, "\",\"metadata\":{\"resourceVersion\":");
    jbuf_put_qu64(b, rv);
    if (initial_end) {
        JB_LIT(b, ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}");
    }
    JB_LIT(b, "}}}\n");
}

static void watch_render_expired(struct watch_stream *ws, uint64_t rv, uint64_t oldest)
{
    char msg[128];
    snprintf(msg, sizeof(msg), "too old resource version: %llu (%llu)", (unsigned long long)rv,
             (unsigned long long)oldest);
    watch_event_head(ws, "ERROR");
    JB_LIT(&ws->buf, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
                     "\"Failure\",\"message\":");
    jbuf_put_str(&ws->buf, msg);
    JB_LIT(&ws->buf, ",\"reason\":\"Expired\",\"code\":410}}\n");
}

/* Initial ADDED events for current objects, one chunk. Lock held. */
static void watch_initial_chunk(struct watch_stream *ws)
{
    struct world *w = ws->api->w;
    size_t i = iter_start(w, &ws->r, &ws->pos);
    for (; ws->buf.len < CHUNK_TARGET; i++) {
        if (!iter_valid(w, &ws->r, i)) {
            ws->initial = false;
            if (ws->r.send_initial && ws->r.bookmarks) {
                watch_render_bookmark(ws, ws->cursor_rv, true);
            }
            return;
        }
        const void *obj = kind_obj(w, ws->r.kind, i);
        obj_key(w, ws->r.kind, obj, &ws->pos);
        if (obj_matches(w, &ws->r, ws->r.kind, obj)) {
            watch_render_object(ws, "ADDED", ws->r.kind, obj, obj_rv(ws->r.kind, obj));
        }
    }
}

/* History events after cursor_rv, one chunk. Lock held. */
static void watch_history_chunk(struct watch_stream *ws)
{
    struct world *w = ws->api->w;
    static const char *const names[] = {"ADDED", "MODIFIED", "DELETED"};
    struct world_rs rs;
    size_t i = world_history_after(w, ws->cursor_rv);
    for (; i < w->hist_len && ws->buf.len < CHUNK_TARGET; i++) {
        const struct world_event *e = world_history_at(w, i);
        ws->cursor_rv = e->rv;
        int kind = ws->r.kind;
        const void *obj;
        if (kind == WORLD_KIND_POD && e->kind == WORLD_KIND_POD) {
            obj = &e->obj.pod;
        } else if (kind == WORLD_KIND_DEPLOYMENT && e->kind == WORLD_KIND_DEPLOYMENT) {
            obj = &e->obj.app;
        } else if (kind == WORLD_KIND_REPLICASET && e->kind == WORLD_KIND_REPLICASET) {
            rs = (struct world_rs){.app = &e->obj.app, .old = e->rs_old};
            obj = &rs;
        } else if (kind == WORLD_KIND_STATEFULSET && e->kind == WORLD_KIND_STATEFULSET) {
            obj = &e->obj.app;
        } else if (kind == WORLD_KIND_EVENT && e->kind == WORLD_KIND_EVENT) {
            obj = &e->obj.kev;
        } else if ((kind == WORLD_KIND_RESOURCEQUOTA || kind == WORLD_KIND_NAMESPACE) &&
                   e->kind == kind) {
            obj = &e->obj.ns;
        } else {
            continue;
        }
        if (obj_matches(w, &ws->r, kind, obj)) {
            watch_render_object(ws, names[e->type], kind, obj, e->rv);
        }
    }
    if (i >= w->hist_len && ws->cursor_rv < w->rv) {
        ws->cursor_rv = w->rv;
    }
}

/* Fills ws->buf with the next events, blocking until there is something to send.
 * Returns 0, or an MHD end code. */
static ssize_t watch_fill(struct watch_stream *ws)
{
    struct world *w = ws->api->w;
    jbuf_reset(&ws->buf);
    ws->off = 0;
    world_lock(w);
    for (;;) {
        if (w->shutting_down) {
            world_unlock(w);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (w->drop_gen != ws->drop_gen) {
            world_unlock(w);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        if (ws->initial) {
            watch_initial_chunk(ws);
            if (ws->buf.len) {
                break;
            }
            continue;
        }
        if (ws->cursor_rv < w->floor_rv) {
            watch_render_expired(ws, ws->cursor_rv, w->floor_rv);
            ws->ending = true;
            break;
        }
        watch_history_chunk(ws);
        if (ws->buf.len) {
            break;
        }
        int64_t now = sim_mono_ms();
        if (now >= ws->deadline_ms) {
            world_unlock(w);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (ws->r.bookmarks && now >= ws->next_bookmark_ms) {
            watch_render_bookmark(ws, ws->cursor_rv, false);
            ws->next_bookmark_ms = now + (int64_t)ws->api->bookmark_interval * 1000;
            break;
        }
        if (router_peer_closed(ws->fd)) {
            world_unlock(w);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        int64_t until = now + 1000;
        if (ws->deadline_ms < until) {
            until = ws->deadline_ms;
        }
        if (ws->r.bookmarks && ws->next_bookmark_ms < until) {
            until = ws->next_bookmark_ms;
        }
        world_wait(w, until);
    }
    world_unlock(w);
    return 0;
}

/* MHD content reader for a watch; blocks (in its connection thread) until there is news. */
static ssize_t watch_reader(void *cls, uint64_t pos, char *out, size_t max)
{
    struct watch_stream *ws = cls;
    (void)pos;
    if (ws->off >= ws->buf.len) {
        if (ws->ending) {
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        ssize_t rc = watch_fill(ws);
        if (rc != 0) {
            return rc;
        }
    }
    size_t n = ws->buf.len - ws->off;
    if (n > max) {
        n = max;
    }
    memcpy(out, ws->buf.data + ws->off, n);
    ws->off += n;
    router_count_sent(ROUTER_SENT_WATCH, n);
    return (ssize_t)n;
}

/* Called by MHD when the watch response is done with, however it ended. */
static void watch_stream_free(void *cls)
{
    struct watch_stream *ws = cls;
    struct world *w = ws->api->w;
    world_lock(w);
    w->open_watches--;
    world_unlock(w);
    req_fini(&ws->r);
    jbuf_fini(&ws->buf);
    free(ws);
}

/* Starts a watch stream: initial ADDED events for rv "" / "0" / sendInitialEvents, else
 * history replay from the given resourceVersion, then live events and bookmarks. */
static enum MHD_Result serve_watch(struct k8s_server *api, struct MHD_Connection *conn,
                                   struct k8s_req *r)
{
    struct world *w = api->w;
    struct watch_stream *ws = sim_xcalloc(1, sizeof(*ws));
    ws->api = api;
    ws->r = *r;
    memset(r, 0, sizeof(*r));
    r->ns = -1;
    ws->fd = router_connection_fd(conn);
    jbuf_init(&ws->buf);
    int64_t now = sim_mono_ms();
    int64_t timeout = ws->r.timeout_s;
    if (timeout <= 0) {
        /* The apiserver picks a random timeout between the minimum and twice it. */
        struct sim_rng rng;
        sim_rng_seed(&rng, (uint64_t)now ^ (uint64_t)(uintptr_t)ws);
        timeout = sim_rng_range(&rng, 1800, 3600);
    }
    ws->deadline_ms = now + timeout * 1000;
    ws->next_bookmark_ms = now + (int64_t)api->bookmark_interval * 1000;
    world_lock(w);
    ws->drop_gen = w->drop_gen;
    w->open_watches++;
    const char *rv = ws->r.rv;
    if (!rv || !*rv || strcmp(rv, "0") == 0 || ws->r.send_initial) {
        ws->initial = true;
        ws->cursor_rv = w->rv;
    } else {
        char *end;
        unsigned long long v = strtoull(rv, &end, 10);
        if (*end) {
            w->open_watches--;
            world_unlock(w);
            req_fini(&ws->r);
            jbuf_fini(&ws->buf);
            free(ws);
            return k8s_queue_bad_request(conn, "resourceVersion: Invalid value: not a number");
        }
        ws->cursor_rv = v > w->rv ? w->rv : v;
        if (v < w->floor_rv) {
            ws->cursor_rv = v;
        }
    }
    world_unlock(w);
    return k8s_queue_stream(conn, "application/json", MHD_SIZE_UNKNOWN, BLOCK_SIZE, watch_reader,
                            ws, watch_stream_free);
}

/* ---- single objects ---------------------------------------------------------------- */

/* Finds the named object of r->kind (namespace from r->ns). Lock held. */
const void *k8s_find_object(const struct world *w, const struct k8s_req *r)
{
    switch (r->kind) {
    case WORLD_KIND_POD: {
        size_t i = world_pod_lower_bound(w, r->ns, r->name, false);
        if (i < w->n_pods && world_pod_ns(w, w->pods[i]) == r->ns &&
            strcmp(w->pods[i]->name, r->name) == 0) {
            return w->pods[i];
        }
        return NULL;
    }
    case WORLD_KIND_DEPLOYMENT:
    case WORLD_KIND_STATEFULSET: {
        int want = r->kind == WORLD_KIND_DEPLOYMENT ? APP_DEPLOYMENT : APP_STATEFULSET;
        size_t i = world_app_lower_bound(w, r->ns, r->name, false);
        if (i < w->n_apps && w->apps[i].ns == r->ns && strcmp(w->apps[i].name, r->name) == 0 &&
            w->apps[i].kind == want) {
            return &w->apps[i];
        }
        return NULL;
    }
    case WORLD_KIND_EVENT: {
        size_t i = world_event_lower_bound(w, r->ns, r->name, false);
        if (i < w->n_events && w->events[i]->ns == r->ns &&
            strcmp(w->events[i]->name, r->name) == 0) {
            return w->events[i];
        }
        return NULL;
    }
    case WORLD_KIND_RESOURCEQUOTA:
        if (r->ns >= 0 && (size_t)r->ns < w->n_ns && w->ns[r->ns].has_quota &&
            strcmp(r->name, WORLD_QUOTA_NAME) == 0) {
            return &w->ns[r->ns];
        }
        return NULL;
    case WORLD_KIND_REPLICASET: {
        size_t i = world_rs_lower_bound(w, r->ns, r->name, false);
        if (i < 2 * w->n_apps) {
            const struct world_rs *rs = &w->rs[i];
            char name[WORLD_NAME_MAX + 16];
            world_rs_name(rs->app, rs->old, name, sizeof(name));
            if (rs->app->ns == r->ns && world_rs_exists(rs->app, rs->old) &&
                strcmp(name, r->name) == 0) {
                return rs;
            }
        }
        return NULL;
    }
    case WORLD_KIND_NAMESPACE: {
        int i = world_ns_find(w, r->name);
        return i < 0 ? NULL : &w->ns[i];
    }
    default: {
        int i = world_node_find(w, r->name);
        return i < 0 ? NULL : &w->nodes[i];
    }
    }
}

/* Holds an answer back until deadline_ms (monotonic; -1: for ever), looking every 250 ms
 * whether the client gave up or govsim is stopping. True when it is time to answer. */
static bool hold(struct k8s_server *api, struct MHD_Connection *conn, int64_t deadline_ms)
{
    struct world *w = api->w;
    int fd = router_connection_fd(conn);
    for (;;) {
        int64_t now = sim_mono_ms();
        if (deadline_ms >= 0 && now >= deadline_ms) {
            return true;
        }
        int64_t until = now + 250;
        if (deadline_ms >= 0 && deadline_ms < until) {
            until = deadline_ms;
        }
        world_lock(w);
        bool stop = w->shutting_down;
        if (!stop) {
            world_wait(w, until);
            stop = w->shutting_down;
        }
        world_unlock(w);
        if (stop || router_peer_closed(fd)) {
            return false;
        }
    }
}

/* GET of one object; /_sim/delay?get=MS holds the answer back that long first. */
static enum MHD_Result serve_get(struct k8s_server *api, struct MHD_Connection *conn,
                                 struct k8s_req *r)
{
    struct world *w = api->w;
    int64_t delay = router_get_delay_ms(api->router);
    if (delay > 0 && !hold(api, conn, sim_mono_ms() + delay)) {
        return MHD_NO;
    }
    struct jbuf b;
    jbuf_init(&b);
    world_lock(w);
    const void *obj = r->ns_missing ? NULL : k8s_find_object(w, r);
    if (!obj) {
        world_unlock(w);
        jbuf_fini(&b);
        return k8s_queue_not_found(conn, r->kind, r->name);
    }
    if (r->table) {
        JB_LIT(&b, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/");
        jbuf_puts(&b, r->table_version);
        JB_LIT(&b, "\",\"metadata\":{\"resourceVersion\":");
        jbuf_put_qu64(&b, obj_rv(r->kind, obj));
        JB_LIT(&b, "},");
        k8s_json_table_columns(&b, r->kind);
        JB_LIT(&b, ",\"rows\":[");
        k8s_json_table_row(&b, w, r->kind, obj, r->include, sim_now());
        JB_LIT(&b, "]}");
    } else {
        k8s_json_object(&b, w, r->kind, obj, K8S_JSON_TYPEMETA);
    }
    world_unlock(w);
    return k8s_queue_jbuf(conn, 200, &b);
}

/* ---- routing ----------------------------------------------------------------------- */

enum route {
    ROUTE_NONE,
    ROUTE_DISCOVERY,
    ROUTE_HEALTH,
    ROUTE_COLLECTION,
    ROUTE_OBJECT,
    ROUTE_SUB,     /* pods/NAME/log, deployments|statefulsets/NAME/scale */
    ROUTE_METRICS, /* metrics.k8s.io lists and objects */
    ROUTE_REVIEW   /* authorization.k8s.io selfsubjectaccessreviews */
};

enum api_group_id { GROUP_CORE, GROUP_APPS, GROUP_METRICS };

/* Splits url into at most max segments (in place in buf). */
static int split_path(const char *url, char *buf, size_t size, char **seg, int max)
{
    snprintf(buf, size, "%s", url);
    int n = 0;
    char *save = NULL;
    for (char *s = strtok_r(buf, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
        if (n == max) {
            return max + 1;
        }
        seg[n++] = s;
    }
    return n;
}

/* World kind of a resource name in an API group, or -1. */
static int resource_kind(int group, const char *res)
{
    static const struct {
        int group;
        const char *name;
        int kind;
    } table[] = {
        {GROUP_CORE, "pods", WORLD_KIND_POD},
        {GROUP_CORE, "namespaces", WORLD_KIND_NAMESPACE},
        {GROUP_CORE, "nodes", WORLD_KIND_NODE},
        {GROUP_CORE, "events", WORLD_KIND_EVENT},
        {GROUP_CORE, "resourcequotas", WORLD_KIND_RESOURCEQUOTA},
        {GROUP_APPS, "deployments", WORLD_KIND_DEPLOYMENT},
        {GROUP_APPS, "replicasets", WORLD_KIND_REPLICASET},
        {GROUP_APPS, "statefulsets", WORLD_KIND_STATEFULSET},
        {GROUP_METRICS, "pods", WORLD_KIND_POD},
        {GROUP_METRICS, "nodes", WORLD_KIND_NODE},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].group == group && strcmp(table[i].name, res) == 0) {
            return table[i].kind;
        }
    }
    return -1;
}

/* Classifies a Kubernetes API path and fills kind/namespace/name/subresource in r. */
static int route_path(struct world *w, const char *url, struct k8s_req *r)
{
    static const char *const discovery[] = {"/",
                                            "/version",
                                            "/api",
                                            "/api/v1",
                                            "/apis",
                                            "/apis/apps",
                                            "/apis/apps/v1",
                                            "/apis/authorization.k8s.io",
                                            "/apis/authorization.k8s.io/v1",
                                            "/apis/metrics.k8s.io",
                                            "/apis/metrics.k8s.io/v1beta1",
                                            NULL};
    for (int i = 0; discovery[i]; i++) {
        if (strcmp(url, discovery[i]) == 0) {
            return ROUTE_DISCOVERY;
        }
    }
    if (strcmp(url, "/healthz") == 0 || strcmp(url, "/livez") == 0 || strcmp(url, "/readyz") == 0) {
        return ROUTE_HEALTH;
    }
    char buf[1024];
    char *seg[10];
    int n = split_path(url, buf, sizeof(buf), seg, 9);
    if (n > 9 || n < 3) {
        return ROUTE_NONE;
    }
    if (n == 4 && strcmp(seg[0], "apis") == 0 && strcmp(seg[1], "authorization.k8s.io") == 0 &&
        strcmp(seg[2], "v1") == 0 && strcmp(seg[3], "selfsubjectaccessreviews") == 0) {
        return ROUTE_REVIEW;
    }
    int base;
    int group;
    if (strcmp(seg[0], "api") == 0 && strcmp(seg[1], "v1") == 0) {
        base = 2;
        group = GROUP_CORE;
    } else if (n >= 4 && strcmp(seg[0], "apis") == 0 && strcmp(seg[1], "apps") == 0 &&
               strcmp(seg[2], "v1") == 0) {
        base = 3;
        group = GROUP_APPS;
    } else if (n >= 4 && strcmp(seg[0], "apis") == 0 && strcmp(seg[1], "metrics.k8s.io") == 0 &&
               strcmp(seg[2], "v1beta1") == 0) {
        base = 3;
        group = GROUP_METRICS;
    } else {
        return ROUTE_NONE;
    }
    if (base < n && group != GROUP_METRICS && strcmp(seg[base], "watch") == 0) {
        r->watch = true;
        base++;
    }
    int left = n - base;
    if (left <= 0) {
        return ROUTE_NONE;
    }
    /* namespaces/NS/RES[/NAME[/SUBRESOURCE]] */
    if (strcmp(seg[base], "namespaces") == 0 && left >= 3) {
        int kind = resource_kind(group, seg[base + 2]);
        if (kind < 0 || !k8s_json_namespaced(kind)) {
            return ROUTE_NONE;
        }
        r->kind = kind;
        snprintf(r->ns_name, sizeof(r->ns_name), "%s", seg[base + 1]);
        world_lock(w);
        r->ns = world_ns_find(w, r->ns_name);
        world_unlock(w);
        if (r->ns < 0) {
            r->ns_missing = true;
            r->ns = INT16_MAX; /* matches nothing */
        }
        if (group == GROUP_METRICS) {
            r->metrics = K8S_METRICS_PODS;
        }
        if (left == 3) {
            return group == GROUP_METRICS ? ROUTE_METRICS : ROUTE_COLLECTION;
        }
        snprintf(r->name, sizeof(r->name), "%s", seg[base + 3]);
        r->has_name = true;
        if (left == 4) {
            return group == GROUP_METRICS ? ROUTE_METRICS : ROUTE_OBJECT;
        }
        if (left == 5 && kind == WORLD_KIND_POD && group == GROUP_CORE &&
            strcmp(seg[base + 4], "log") == 0) {
            r->subresource = "log";
            return ROUTE_SUB;
        }
        if (left == 5 && (kind == WORLD_KIND_DEPLOYMENT || kind == WORLD_KIND_STATEFULSET) &&
            strcmp(seg[base + 4], "scale") == 0) {
            r->subresource = "scale";
            return ROUTE_SUB;
        }
        return ROUTE_NONE;
    }
    int kind = resource_kind(group, seg[base]);
    if (kind < 0) {
        return ROUTE_NONE;
    }
    r->kind = kind;
    if (group == GROUP_METRICS) {
        r->metrics = kind == WORLD_KIND_POD ? K8S_METRICS_PODS : K8S_METRICS_NODES;
    }
    if (left == 1) {
        return group == GROUP_METRICS ? ROUTE_METRICS : ROUTE_COLLECTION;
    }
    if (left == 2 && !k8s_json_namespaced(kind)) {
        snprintf(r->name, sizeof(r->name), "%s", seg[base + 1]);
        r->has_name = true;
        return group == GROUP_METRICS ? ROUTE_METRICS : ROUTE_OBJECT;
    }
    return ROUTE_NONE;
}

/* ---- RBAC-like refusals ------------------------------------------------------------- */

bool k8s_namespace_forbidden(const struct k8s_server *api, const char *ns)
{
    for (size_t i = 0; ns && i < api->cfg->n_forbid; i++) {
        if (strcmp(api->cfg->forbid[i], ns) == 0) {
            return true;
        }
    }
    return false;
}

/* The namespace a request touches: the one in its path, or the namespace it gets. */
static const char *touched_namespace(const struct k8s_req *r)
{
    if (r->ns_name[0]) {
        return r->ns_name;
    }
    if (r->kind == WORLD_KIND_NAMESPACE && r->has_name) {
        return r->name;
    }
    return NULL;
}

/* The authorizer's verb for a request. */
static const char *request_verb(const char *method, int route, const struct k8s_req *r)
{
    if (strcmp(method, "DELETE") == 0) {
        return "delete";
    }
    if (strcmp(method, "PATCH") == 0) {
        return "patch";
    }
    if (strcmp(method, "PUT") == 0) {
        return "update";
    }
    if (strcmp(method, "POST") == 0) {
        return "create";
    }
    if (r->watch) {
        return "watch";
    }
    return (route == ROUTE_COLLECTION || (route == ROUTE_METRICS && !r->has_name)) ? "list" : "get";
}

/* 403 for a request touching a --forbid-namespace namespace, as RBAC answers it. */
static bool forbidden(struct k8s_server *api, struct MHD_Connection *conn, const char *method,
                      int route, const struct k8s_req *r, enum MHD_Result *rc)
{
    const char *ns = touched_namespace(r);
    if (!k8s_namespace_forbidden(api, ns)) {
        return false;
    }
    const char *res = k8s_json_resource(r->kind);
    const char *group = r->metrics ? "metrics.k8s.io" : k8s_json_group(r->kind);
    char qualified[96];
    char named[WORLD_NAME_MAX + 40];
    char msg[1024];
    snprintf(qualified, sizeof(qualified), "%s%s%s", res, group[0] ? "." : "", group);
    if (r->has_name) {
        snprintf(named, sizeof(named), " \"%s\"", r->name);
    } else {
        named[0] = '\0';
    }
    snprintf(msg, sizeof(msg),
             "%s%s is forbidden: User \"%s\" cannot %s resource \"%s%s%s\" in API group \"%s\" "
             "in the namespace \"%s\"",
             qualified, named, api->user, request_verb(method, route, r), res,
             r->subresource ? "/" : "", r->subresource ? r->subresource : "", group, ns);
    json_t *details = json_object();
    if (r->has_name) {
        json_object_set_new(details, "name", json_string(r->name));
    }
    if (group[0]) {
        json_object_set_new(details, "group", json_string(group));
    }
    json_object_set_new(details, "kind", json_string(res));
    *rc = k8s_queue_status(conn, 403, "Forbidden", msg, details);
    return true;
}

/* ---- faults ------------------------------------------------------------------------ */

/* The hang fault: no answer until the client gives up (or shutdown), then the connection
 * is dropped. */
static enum MHD_Result serve_hang(struct k8s_server *api, struct MHD_Connection *conn)
{
    hold(api, conn, -1);
    return MHD_NO;
}

static enum MHD_Result serve_escape(struct k8s_server *api, struct MHD_Connection *conn)
{
    static const struct k8s_json_taint taints[] = {
        {"evil-\x1b[2J\x1b[H-clear-screen", "CrashLoop\x1b[31mBackOff\x1b[0m"},
        {"bell-\x07\x07\x07-pod", "Running\x07"},
        {"title-\x1b]0;pwned\x07-osc", "\x1b]52;c;cHduZWQ=\x07"},
        {"cr\rlf\nnewline-pod", "Error\r\nInjected: line"},
        {"c1-\xc2\x9b"
         "31m-csi",
         "\xc2\x9b"
         "2J"},
        {"tab\there\x7f-del", "\x1b[5;31;47mBLINK\x1b[0m"},
    };
    struct world *w = api->w;
    struct jbuf b;
    jbuf_init(&b);
    world_lock(w);
    JB_LIT(&b, "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":");
    jbuf_put_qu64(&b, w->rv);
    JB_LIT(&b, "},\"items\":[");
    size_t n = sizeof(taints) / sizeof(taints[0]);
    for (size_t i = 0; i < n && i < w->n_pods; i++) {
        if (i) {
            jbuf_putc(&b, ',');
        }
        k8s_json_pod_tainted(&b, w, w->pods[i * (w->n_pods / n)], &taints[i]);
    }
    JB_LIT(&b, "]}");
    world_unlock(w);
    return k8s_queue_jbuf(conn, 200, &b);
}

/* The `leak` fault: text that names every tenant's namespaces and display names, with bidi
 * overrides and invisible characters among them, as a hostile or careless server might send
 * to a scoped console. A log answers it as lines (one a namespace, and one harmless line);
 * anything else as a 500 whose message lists them. */
static enum MHD_Result serve_leak(struct k8s_server *api, struct MHD_Connection *conn,
                                  const char *url)
{
    struct world *w = api->w;
    struct jbuf b;
    bool log = strstr(url, "/log") != NULL;
    jbuf_init(&b);
    world_lock(w);
    if (!log) {
        JB_LIT(&b, "Internal error occurred: replica lag reading namespaces");
    }
    for (size_t i = 0; i < w->n_ns; i++) {
        const struct world_ns *n = &w->ns[i];
        if (!n->tenant[0]) {
            continue;
        }
        if (log) {
            jbuf_printf(&b, "2026-12-07T03:12:44Z replicating to namespace %s (%s) "
                            "\xe2\x80\xae\xe2\x80\x8b" "done\n", n->name, n->display);
        } else {
            jbuf_printf(&b, " %s (%s)\xe2\x80\xae\xe2\x80\x8b", n->name, n->display);
        }
    }
    world_unlock(w);
    if (log) {
        JB_LIT(&b, "2026-12-07T03:12:45Z ready to serve\n");
        return k8s_queue_buffer(conn, 200, "text/plain", b.data, b.len);
    }
    jbuf_reserve(&b, 1);
    b.data[b.len] = '\0';
    enum MHD_Result rc = k8s_queue_status(conn, 500, "InternalError", b.data, NULL);
    free(b.data);
    return rc;
}

/* Answers a request with the injected fault instead of the real response. */
static enum MHD_Result serve_fault(struct k8s_server *api, struct MHD_Connection *conn,
                                   enum router_fault mode, const char *method, const char *url)
{
    char msg[512];
    switch (mode) {
    case ROUTER_FAULT_500:
        return k8s_queue_status(
            conn, 500, "InternalError", "Internal error occurred: etcdserver: request timed out",
            json_pack("{s:[{s:s}]}", "causes", "message", "etcdserver: request timed out"));
    case ROUTER_FAULT_401:
        return k8s_queue_status(conn, 401, "Unauthorized", "Unauthorized", NULL);
    case ROUTER_FAULT_403: {
        struct k8s_req r;
        req_init(&r);
        int route = route_path(api->w, url, &r);
        const char *res = route == ROUTE_NONE || route == ROUTE_DISCOVERY || r.kind < 0
                              ? "pods"
                              : k8s_json_resource(r.kind);
        const char *verb = route == ROUTE_OBJECT ? "get" : r.watch ? "watch" : "list";
        const char *group = route == ROUTE_NONE ? "" : k8s_json_group(r.kind);
        (void)method;
        if (r.ns_name[0]) {
            snprintf(msg, sizeof(msg),
                     "%s is forbidden: User \"system:anonymous\" cannot %s resource \"%s\" in "
                     "API group \"%s\" in the namespace \"%s\"",
                     res, verb, res, group, r.ns_name);
        } else {
            snprintf(msg, sizeof(msg),
                     "%s is forbidden: User \"system:anonymous\" cannot %s resource \"%s\" in "
                     "API group \"%s\" at the cluster scope",
                     res, verb, res, group);
        }
        req_fini(&r);
        return k8s_queue_status(conn, 403, "Forbidden", msg, json_pack("{s:s}", "kind", res));
    }
    case ROUTER_FAULT_GARBAGE: {
        static const char garbage[] = "<html><head><title>502 Bad Gateway</title></head><body>"
                                      "upstream sent an invalid response \x01\x02\xff\xfe "
                                      "{\"kind\": [unterminated";
        char *body = sim_xmalloc(sizeof(garbage));
        memcpy(body, garbage, sizeof(garbage));
        return k8s_queue_buffer(conn, 200, "application/json", body, sizeof(garbage) - 1);
    }
    case ROUTER_FAULT_TRUNCATE: {
        struct k8s_req r;
        req_init(&r);
        int route = route_path(api->w, url, &r);
        if (route != ROUTE_COLLECTION) {
            req_fini(&r);
            req_init(&r);
            r.kind = WORLD_KIND_POD;
        }
        r.watch = false;
        r.table = false;
        if (r.limit == 0 || r.limit > 500) {
            r.limit = 500;
        }
        enum MHD_Result rc = serve_list(api, conn, &r, 2);
        req_fini(&r);
        return rc;
    }
    case ROUTER_FAULT_HANG:
        return serve_hang(api, conn);
    case ROUTER_FAULT_ESCAPE:
        return serve_escape(api, conn);
    case ROUTER_FAULT_LEAK:
        return serve_leak(api, conn, url);
    default:
        return MHD_NO;
    }
}

/* ---- the access handler ------------------------------------------------------------ */

static bool authorized(struct k8s_server *api, struct MHD_Connection *conn)
{
    if (!api->cfg->token) {
        return true;
    }
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    if (!h || strncmp(h, "Bearer ", 7) != 0) {
        return false;
    }
    return strcmp(h + 7, api->cfg->token) == 0;
}

/* The methods a route accepts besides GET and HEAD. */
static bool write_allowed(const char *method, int route, const struct k8s_req *r)
{
    bool app = r->kind == WORLD_KIND_DEPLOYMENT || r->kind == WORLD_KIND_STATEFULSET;
    if (strcmp(method, "DELETE") == 0) {
        return route == ROUTE_OBJECT && r->kind == WORLD_KIND_POD;
    }
    if (strcmp(method, "PATCH") == 0) {
        return (route == ROUTE_OBJECT && app) ||
               (route == ROUTE_SUB && strcmp(r->subresource, "scale") == 0);
    }
    if (strcmp(method, "PUT") == 0) {
        return route == ROUTE_SUB && strcmp(r->subresource, "scale") == 0;
    }
    if (strcmp(method, "POST") == 0) {
        return route == ROUTE_REVIEW;
    }
    return false;
}

/* One request: authentication, faults, routing, authorization, then the answer. */
static enum MHD_Result k8s_serve(void *state, const struct router_request *req)
{
    struct k8s_server *api = state;
    struct world *w = api->w;
    struct MHD_Connection *conn = req->conn;
    const char *url = req->url;
    const char *method = req->method;
    if (req->body_too_large) {
        return k8s_queue_status(conn, 413, "RequestEntityTooLarge",
                                "Request entity too large: limit is 1048576", NULL);
    }
    if (!authorized(api, conn)) {
        return k8s_queue_status(conn, 401, "Unauthorized", "Unauthorized", NULL);
    }
    enum router_fault fault = router_take_fault(api->router, url);
    if (fault != ROUTER_FAULT_NONE) {
        return serve_fault(api, conn, fault, method, url);
    }
    if (strncmp(url, "/openapi/", 9) == 0) {
        return k8s_queue_not_found_path(conn);
    }
    struct k8s_req r;
    req_init(&r);
    int route = route_path(w, url, &r);
    if (route == ROUTE_NONE || (api->cfg->no_metrics && (route == ROUTE_METRICS || r.metrics))) {
        req_fini(&r);
        return k8s_queue_not_found_path(conn);
    }
    bool read = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if ((!read || route == ROUTE_REVIEW) && !write_allowed(method, route, &r)) {
        req_fini(&r);
        return k8s_queue_method_not_allowed(conn);
    }
    if (route == ROUTE_DISCOVERY) {
        return k8s_discovery_serve(api, conn, url);
    }
    if (route == ROUTE_REVIEW) {
        return k8s_review_serve(api, conn, req);
    }
    if (route == ROUTE_HEALTH) {
        return k8s_queue_buffer(conn, 200, "text/plain; charset=utf-8", sim_xstrdup("ok"), 2);
    }
    enum MHD_Result rc = MHD_NO;
    if (forbidden(api, conn, method, route, &r, &rc)) {
        req_fini(&r);
        return rc;
    }
    if (!read || (route == ROUTE_SUB && strcmp(r.subresource, "scale") == 0)) {
        rc = k8s_write_serve(api, conn, method, &r, req);
        req_fini(&r);
        return rc;
    }
    if (parse_query(api, conn, &r, &rc) < 0) {
        req_fini(&r);
        return rc;
    }
    switch (route) {
    case ROUTE_COLLECTION:
        if (r.watch) {
            rc = serve_watch(api, conn, &r);
        } else {
            rc = serve_list(api, conn, &r, 0);
        }
        break;
    case ROUTE_OBJECT:
        if (r.watch) {
            /* A watch on one object: the collection filtered by name. */
            rc = serve_watch(api, conn, &r);
        } else {
            rc = serve_get(api, conn, &r);
        }
        break;
    case ROUTE_SUB:
        rc = k8s_logs_serve(api, conn, &r);
        break;
    case ROUTE_METRICS:
        rc = k8s_metrics_serve(api, conn, &r);
        break;
    default:
        rc = k8s_queue_not_found_path(conn);
        break;
    }
    req_fini(&r);
    return rc;
}

static void *k8s_start(struct router *router, const struct router_config *cfg)
{
    struct k8s_server *api = sim_xcalloc(1, sizeof(*api));
    api->router = router;
    api->w = cfg->world;
    api->cfg = cfg;
    api->user =
        cfg->token ? "system:serviceaccount:govcloud-system:govconsole" : "system:anonymous";
    api->bookmark_interval = cfg->bookmark_interval ? cfg->bookmark_interval : 10;
    api->log_rate = cfg->log_rate > 0 ? cfg->log_rate : 2.0;
    return api;
}

static void k8s_stop(void *state)
{
    free(state);
}

/* Every path the other modules do not take: unknown ones get the apiserver's 404. */
static const char *const k8s_prefixes[] = {"/", NULL};

const struct sim_api k8s_api = {
    .name = "kubernetes",
    .prefixes = k8s_prefixes,
    .start = k8s_start,
    .stop = k8s_stop,
    .serve = k8s_serve,
};
