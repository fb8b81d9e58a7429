/* The mutations govsim serves, answered as the apiserver answers them: DELETE of a pod (the
 * pod, with its deletionTimestamp), PATCH of a Deployment or StatefulSet (strategic merge,
 * merge or JSON patch: spec.replicas, the template's restartedAt annotation, a container's
 * image), and GET/PUT/PATCH of their autoscaling/v1 scale subresource. What follows in the
 * world (pods replaced, added, removed, rolled) is world_ctl.c's business. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/k8s/k8s.h"
#include "sim/k8s/json.h"
#include "sim/sim_util.h"

#define MAX_REPLICAS 5000

/* What a patch or update asks of an app. */
struct app_change {
    bool has_replicas;
    long long replicas;
    bool replicas_invalid; /* not an integer */
    char restarted_at[40];
    char image[112];
    char rv[24]; /* metadata.resourceVersion precondition of an update, "" = none */
};

enum patch_type { PATCH_NONE, PATCH_STRATEGIC, PATCH_MERGE, PATCH_JSON };

static int patch_type(struct MHD_Connection *conn)
{
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct) {
        return PATCH_NONE;
    }
    size_t n = strcspn(ct, "; ");
    if (strncmp(ct, "application/strategic-merge-patch+json", n) == 0 && n == 38) {
        return PATCH_STRATEGIC;
    }
    if (strncmp(ct, "application/merge-patch+json", n) == 0 && n == 28) {
        return PATCH_MERGE;
    }
    if (strncmp(ct, "application/json-patch+json", n) == 0 && n == 27) {
        return PATCH_JSON;
    }
    return PATCH_NONE;
}

static enum MHD_Result queue_unsupported_media(struct MHD_Connection *conn)
{
    return k8s_queue_status(
        conn, 415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/apply-patch+yaml, application/strategic-merge-patch+json",
        NULL);
}

static void take_replicas(json_t *v, struct app_change *c)
{
    c->has_replicas = true;
    if (json_is_integer(v)) {
        c->replicas = json_integer_value(v);
    } else if (json_is_null(v)) {
        c->replicas = 1; /* removing the field defaults it */
    } else {
        c->replicas_invalid = true;
    }
}

/* spec.template.metadata.annotations and spec.template.spec.containers of a merge patch. */
static void take_template(const struct world_app *a, json_t *tmpl, struct app_change *c)
{
    json_t *ann = json_object_get(json_object_get(tmpl, "metadata"), "annotations");
    json_t *at = json_object_get(ann, "kubectl.kubernetes.io/restartedAt");
    if (json_is_string(at)) {
        snprintf(c->restarted_at, sizeof(c->restarted_at), "%s", json_string_value(at));
    }
    json_t *containers = json_object_get(json_object_get(tmpl, "spec"), "containers");
    size_t i;
    json_t *ct;
    json_array_foreach (containers, i, ct) {
        json_t *name = json_object_get(ct, "name");
        json_t *image = json_object_get(ct, "image");
        if (json_is_string(name) && json_is_string(image) &&
            strcmp(json_string_value(name), a->container) == 0) {
            snprintf(c->image, sizeof(c->image), "%s", json_string_value(image));
        }
    }
}

/* A JSON Pointer segment equal to s ("~1" is "/", "~0" is "~")? */
static bool pointer_is(const char *path, const char *s)
{
    char buf[256];
    size_t o = 0;
    for (const char *p = path; *p && o + 1 < sizeof(buf); p++) {
        if (p[0] == '~' && p[1] == '1') {
            buf[o++] = '/';
            p++;
        } else if (p[0] == '~' && p[1] == '0') {
            buf[o++] = '~';
            p++;
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
    return strcmp(buf, s) == 0;
}

/* Reads the change out of a patch document. Returns 0, or -1 with a message in err. */
static int parse_patch(const struct world_app *a, int type, const struct router_request *req,
                       bool scale, struct app_change *c, char *err, size_t errsize)
{
    json_error_t jerr;
    json_t *doc = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!doc) {
        snprintf(err, errsize, "error decoding patch: %s", jerr.text);
        return -1;
    }
    if (type == PATCH_JSON) {
        if (!json_is_array(doc)) {
            snprintf(err, errsize,
                     "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
            json_decref(doc);
            return -1;
        }
        size_t i;
        json_t *op;
        json_array_foreach (doc, i, op) {
            const char *verb = json_string_value(json_object_get(op, "op"));
            const char *path = json_string_value(json_object_get(op, "path"));
            json_t *value = json_object_get(op, "value");
            if (!verb || !path || (strcmp(verb, "add") != 0 && strcmp(verb, "replace") != 0)) {
                continue;
            }
            if (pointer_is(path, "/spec/replicas")) {
                take_replicas(value, c);
            } else if (!scale &&
                       pointer_is(path, "/spec/template/metadata/annotations/"
                                        "kubectl.kubernetes.io/restartedAt") &&
                       json_is_string(value)) {
                snprintf(c->restarted_at, sizeof(c->restarted_at), "%s", json_string_value(value));
            } else if (!scale && pointer_is(path, "/spec/template/metadata/annotations")) {
                json_t *tmpl = json_pack("{s:{s:O}}", "metadata", "annotations", value);
                take_template(a, tmpl, c);
                json_decref(tmpl);
            }
        }
        json_decref(doc);
        return 0;
    }
    if (!json_is_object(doc)) {
        snprintf(err, errsize, "error decoding patch: the patch is not a JSON object");
        json_decref(doc);
        return -1;
    }
    json_t *spec = json_object_get(doc, "spec");
    json_t *replicas = json_object_get(spec, "replicas");
    if (replicas) {
        take_replicas(replicas, c);
    }
    if (!scale) {
        take_template(a, json_object_get(spec, "template"), c);
    }
    json_decref(doc);
    return 0;
}

/* An update's body: a whole Scale. */
static int parse_scale_update(const struct router_request *req, struct app_change *c, char *err,
                              size_t errsize)
{
    json_error_t jerr;
    json_t *doc = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!json_is_object(doc)) {
        snprintf(err, errsize, "couldn't get version/kind; json parse error: %s",
                 doc ? "not an object" : jerr.text);
        json_decref(doc);
        return -1;
    }
    json_t *replicas = json_object_get(json_object_get(doc, "spec"), "replicas");
    if (replicas) {
        take_replicas(replicas, c);
    } else {
        c->has_replicas = true; /* an absent spec.replicas is 0 */
        c->replicas = 0;
    }
    const char *rv =
        json_string_value(json_object_get(json_object_get(doc, "metadata"), "resourceVersion"));
    if (rv) {
        snprintf(c->rv, sizeof(c->rv), "%s", rv);
    }
    json_decref(doc);
    return 0;
}

static enum MHD_Result queue_invalid_replicas(struct MHD_Connection *conn, const char *kind,
                                              const char *group, const char *name,
                                              const struct app_change *c)
{
    char detail[160];
    char msg[512];
    if (c->replicas_invalid) {
        snprintf(detail, sizeof(detail), "Invalid value: \"spec.replicas\": must be an integer");
    } else if (c->replicas < 0) {
        snprintf(detail, sizeof(detail), "Invalid value: %lld: must be greater than or equal to 0",
                 c->replicas);
    } else {
        snprintf(detail, sizeof(detail),
                 "Invalid value: %lld: must be less than or equal to %d (govsim)", c->replicas,
                 MAX_REPLICAS);
    }
    snprintf(msg, sizeof(msg), "%s.%s \"%s\" is invalid: spec.replicas: %s", kind, group, name,
             detail);
    json_t *details = json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:s}]}", "name", name, "group", group,
                                "kind", kind, "causes", "reason", "FieldValueInvalid", "message",
                                detail, "field", "spec.replicas");
    return k8s_queue_status(conn, 422, "Invalid", msg, details);
}

static enum MHD_Result queue_conflict(struct MHD_Connection *conn, int kind, const char *name)
{
    char msg[512];
    snprintf(msg, sizeof(msg),
             "Operation cannot be fulfilled on %s.apps \"%s\": the object has been modified; "
             "please apply your changes to the latest version and try again",
             k8s_json_resource(kind), name);
    return k8s_queue_status(
        conn, 409, "Conflict", msg,
        json_pack("{s:s,s:s,s:s}", "name", name, "group", "apps", "kind", k8s_json_resource(kind)));
}

/* ---- delete ------------------------------------------------------------------------ */

static enum MHD_Result serve_delete(struct k8s_server *api, struct MHD_Connection *conn,
                                    struct k8s_req *r, const struct router_request *req)
{
    struct world *w = api->w;
    long grace = -1;
    const char *policy = router_arg(conn, "propagationPolicy");
    const char *g = router_arg(conn, "gracePeriodSeconds");
    bool dry_run = router_arg(conn, "dryRun") != NULL;
    char precondition_uid[40] = "";
    json_t *opts = req->body_len ? json_loadb(req->body, req->body_len, 0, NULL) : NULL;
    if (g && *g) {
        grace = strtol(g, NULL, 10);
    }
    if (json_is_object(opts)) {
        json_t *v = json_object_get(opts, "gracePeriodSeconds");
        if (json_is_integer(v)) {
            grace = (long)json_integer_value(v);
        }
        if (json_is_string(json_object_get(opts, "propagationPolicy"))) {
            policy = json_string_value(json_object_get(opts, "propagationPolicy"));
        }
        if (json_is_array(json_object_get(opts, "dryRun"))) {
            dry_run = true;
        }
        const char *uid =
            json_string_value(json_object_get(json_object_get(opts, "preconditions"), "uid"));
        if (uid) {
            snprintf(precondition_uid, sizeof(precondition_uid), "%s", uid);
        }
    }
    char msg[512];
    if (policy && strcmp(policy, "Orphan") != 0 && strcmp(policy, "Background") != 0 &&
        strcmp(policy, "Foreground") != 0) {
        snprintf(msg, sizeof(msg),
                 "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported "
                 "value: \"%s\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
                 policy);
        json_decref(opts);
        return k8s_queue_status(
            conn, 422, "Invalid", msg,
            json_pack("{s:s,s:s}", "group", "meta.k8s.io", "kind", "DeleteOptions"));
    }
    json_decref(opts);
    if (grace < 0 && g) {
        grace = 1; /* a negative grace period means "as soon as possible" */
    }
    struct jbuf b;
    jbuf_init(&b);
    world_lock(w);
    long i = r->ns_missing ? -1 : world_pod_find(w, r->ns, r->name);
    if (i < 0) {
        world_unlock(w);
        jbuf_fini(&b);
        return k8s_queue_not_found(conn, WORLD_KIND_POD, r->name);
    }
    char uid[37];
    world_uid_format(&w->pods[i]->uid, uid);
    if (precondition_uid[0] && strcmp(precondition_uid, uid) != 0) {
        world_unlock(w);
        jbuf_fini(&b);
        snprintf(msg, sizeof(msg),
                 "Operation cannot be fulfilled on pods \"%s\": Precondition failed: UID in "
                 "precondition: %s, UID in object meta: %s",
                 r->name, precondition_uid, uid);
        return k8s_queue_status(conn, 409, "Conflict", msg,
                                json_pack("{s:s,s:s}", "name", r->name, "kind", "pods"));
    }
    struct world_pod out;
    if (dry_run) {
        out = *w->pods[i];
        if (!out.deleted_at) {
            out.deleted_at = sim_now() + (grace < 0 ? 30 : grace);
            out.grace = (uint16_t)(grace < 0 ? 30 : grace);
        }
    } else {
        world_pod_delete(w, (size_t)i, grace, &out);
        world_changed(w);
    }
    k8s_json_object(&b, w, WORLD_KIND_POD, &out, K8S_JSON_TYPEMETA);
    world_unlock(w);
    return k8s_queue_jbuf(conn, 200, &b);
}

/* ---- patch and scale --------------------------------------------------------------- */

/* Applies a change to app ai (lock held). */
static void apply_change(struct world *w, size_t ai, const struct app_change *c)
{
    struct world_app *a = &w->apps[ai];
    bool rollout = false;
    if (c->image[0] && strcmp(c->image, a->image) != 0) {
        rollout = true;
    }
    if (c->restarted_at[0] && strcmp(c->restarted_at, a->restarted_at) != 0) {
        rollout = true;
    }
    if (c->has_replicas) {
        world_app_scale(w, ai, (uint32_t)c->replicas);
    }
    if (rollout) {
        char at[sizeof(a->restarted_at)];
        snprintf(at, sizeof(at), "%s", c->restarted_at[0] ? c->restarted_at : a->restarted_at);
        world_app_restart(w, ai, at, c->image);
    }
    world_changed(w);
}

static enum MHD_Result serve_app_write(struct k8s_server *api, struct MHD_Connection *conn,
                                       const char *method, struct k8s_req *r,
                                       const struct router_request *req)
{
    struct world *w = api->w;
    bool scale = r->subresource != NULL;
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool put = strcmp(method, "PUT") == 0;
    int type = PATCH_NONE;
    if (!get && !put) {
        type = patch_type(conn);
        if (type == PATCH_NONE) {
            return queue_unsupported_media(conn);
        }
    }
    struct app_change c;
    memset(&c, 0, sizeof(c));
    char err[512];
    struct jbuf b;
    jbuf_init(&b);
    world_lock(w);
    const struct world_app *found = r->ns_missing ? NULL : k8s_find_object(w, r);
    if (!found) {
        world_unlock(w);
        jbuf_fini(&b);
        return k8s_queue_not_found(conn, r->kind, r->name);
    }
    size_t ai = (size_t)(found - w->apps);
    const struct world_app *a = &w->apps[ai];
    int rc = 0;
    if (put) {
        rc = parse_scale_update(req, &c, err, sizeof(err));
    } else if (!get) {
        rc = parse_patch(a, type, req, scale, &c, err, sizeof(err));
    }
    if (rc < 0) {
        world_unlock(w);
        jbuf_fini(&b);
        return k8s_queue_bad_request(conn, err);
    }
    if (c.has_replicas && (c.replicas_invalid || c.replicas < 0 || c.replicas > MAX_REPLICAS)) {
        char name[WORLD_NAME_MAX];
        snprintf(name, sizeof(name), "%s", a->name);
        world_unlock(w);
        jbuf_fini(&b);
        return queue_invalid_replicas(conn, scale ? "Scale" : k8s_json_kind(r->kind),
                                      scale ? "autoscaling" : "apps", name, &c);
    }
    if (c.rv[0]) {
        char now_rv[24];
        snprintf(now_rv, sizeof(now_rv), "%llu", (unsigned long long)a->rv);
        if (strcmp(now_rv, c.rv) != 0) {
            char name[WORLD_NAME_MAX];
            snprintf(name, sizeof(name), "%s", a->name);
            world_unlock(w);
            jbuf_fini(&b);
            return queue_conflict(conn, r->kind, name);
        }
    }
    bool dry_run = router_arg(conn, "dryRun") != NULL;
    if (!get && !dry_run) {
        apply_change(w, ai, &c);
    }
    if (scale) {
        k8s_json_scale(&b, w, a);
    } else {
        k8s_json_object(&b, w, r->kind, a, K8S_JSON_TYPEMETA);
    }
    world_unlock(w);
    return k8s_queue_jbuf(conn, 200, &b);
}

enum MHD_Result k8s_write_serve(struct k8s_server *api, struct MHD_Connection *conn,
                                const char *method, struct k8s_req *r,
                                const struct router_request *req)
{
    if (strcmp(method, "DELETE") == 0) {
        return serve_delete(api, conn, r, req);
    }
    return serve_app_write(api, conn, method, r, req);
}
