/* SelfSubjectAccessReview (POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews), what
 * `kubectl auth can-i` asks. The answer follows govsim's own rules, the same ones its other
 * endpoints apply: everything is allowed except what touches a --forbid-namespace namespace
 * (a request in it, or a get of the namespace itself). A cluster-wide request (no namespace)
 * is allowed, as govsim's cluster-wide lists answer with every namespace's objects. */
#include "sim/k8s/k8s.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* A string attribute of resourceAttributes, "" when absent. */
static const char *attribute(json_t *attrs, const char *key)
{
    const char *v = json_string_value(json_object_get(attrs, key));
    return v ? v : "";
}

/* The namespace a review's resourceAttributes touch (NULL for none), by the rule requests
 * follow: their namespace, or the namespace a request for namespaces/NAME reads. */
static const char *review_namespace(json_t *attrs)
{
    const char *ns = attribute(attrs, "namespace");
    if (ns[0]) {
        return ns;
    }
    const char *name = attribute(attrs, "name");
    if (strcmp(attribute(attrs, "resource"), "namespaces") == 0 && name[0]) {
        return name;
    }
    return NULL;
}

enum MHD_Result k8s_review_serve(struct k8s_server *api, struct MHD_Connection *conn,
                                 const struct router_request *req)
{
    json_error_t jerr;
    json_t *doc = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!json_is_object(doc)) {
        json_decref(doc);
        char msg[256];
        snprintf(msg, sizeof(msg), "the request body is not a SelfSubjectAccessReview: %s",
                 jerr.text);
        return k8s_queue_bad_request(conn, msg);
    }
    json_t *spec = json_object_get(doc, "spec");
    json_t *res = json_object_get(spec, "resourceAttributes");
    json_t *nonres = json_object_get(spec, "nonResourceAttributes");
    if (json_is_object(res) == json_is_object(nonres)) {
        json_decref(doc);
        return k8s_queue_status(
            conn, 422, "Invalid",
            "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: "
            "spec.resourceAttributes: Invalid value: \"null\": exactly one of "
            "nonResourceAttributes or resourceAttributes must be specified",
            json_pack("{s:s,s:s,s:[{s:s,s:s,s:s}]}", "group", "authorization.k8s.io", "kind",
                      "SelfSubjectAccessReview", "causes", "reason", "FieldValueInvalid", "message",
                      "Invalid value: \"null\": exactly one of nonResourceAttributes or "
                      "resourceAttributes must be specified",
                      "field", "spec.resourceAttributes"));
    }
    const char *ns = json_is_object(res) ? review_namespace(res) : NULL;
    json_t *status = json_object();
    if (k8s_namespace_forbidden(api, ns)) {
        char reason[160];
        snprintf(reason, sizeof(reason), "govsim forbids every request in namespace \"%s\"", ns);
        json_object_set_new(status, "allowed", json_false());
        json_object_set_new(status, "reason", json_string(reason));
    } else {
        json_object_set_new(status, "allowed", json_true());
    }
    json_t *out = json_pack("{s:s,s:s,s:{s:n},s:O,s:o}", "kind", "SelfSubjectAccessReview",
                            "apiVersion", "authorization.k8s.io/v1", "metadata",
                            "creationTimestamp", "spec", spec, "status", status);
    json_decref(doc);
    return k8s_queue_json(conn, 201, out);
}
