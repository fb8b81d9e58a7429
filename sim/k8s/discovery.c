/* Discovery: /version, /api, /api/v1, /apis and each group's documents, as the apiserver
 * serves them (classic, not aggregated, discovery). */
#include "sim/k8s/k8s.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define K8S_GIT_VERSION "v1.29.0"

/* An APIResource; verbs are space-separated. */
static json_t *resource_entry(const char *name, const char *singular, bool namespaced,
                              const char *kind, const char *short_name, const char *verbs)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "singularName", json_string(singular));
    json_object_set_new(o, "namespaced", json_boolean(namespaced));
    json_object_set_new(o, "kind", json_string(kind));
    json_t *v = json_array();
    char copy[128];
    snprintf(copy, sizeof(copy), "%s", verbs);
    char *save = NULL;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        json_array_append_new(v, json_string(t));
    }
    json_object_set_new(o, "verbs", v);
    if (short_name) {
        json_object_set_new(o, "shortNames", json_pack("[s]", short_name));
    }
    return o;
}

/* The scale subresource of an apps/v1 kind: an autoscaling/v1 Scale (clients resolve the
 * Scale's group and version from here). */
static json_t *scale_entry(const char *name)
{
    json_t *o = resource_entry(name, "", true, "Scale", NULL, "get patch update");
    json_object_set_new(o, "group", json_string("autoscaling"));
    json_object_set_new(o, "version", json_string("v1"));
    return o;
}

static json_t *resource_list(const char *group_version, json_t *resources)
{
    return json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList", "apiVersion", "v1",
                     "groupVersion", group_version, "resources", resources);
}

static json_t *api_group(const char *name, const char *version)
{
    char gv[64];
    snprintf(gv, sizeof(gv), "%s/%s", name, version);
    json_t *v = json_pack("{s:s,s:s}", "groupVersion", gv, "version", version);
    return json_pack("{s:s,s:[O],s:o}", "name", name, "versions", v, "preferredVersion", v);
}

enum MHD_Result k8s_discovery_serve(struct k8s_server *api, struct MHD_Connection *conn,
                                    const char *url)
{
    if (strcmp(url, "/version") == 0) {
        return k8s_queue_json(conn, 200,
                              json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "major", "1",
                                        "minor", "29", "gitVersion", K8S_GIT_VERSION, "gitCommit",
                                        "3f7a50f38688eb332e2a1b013678c6435d539ae6", "gitTreeState",
                                        "clean", "buildDate", "2023-12-13T08:45:03Z", "goVersion",
                                        "go1.21.5", "compiler", "gc", "platform", "linux/amd64"));
    }
    if (strcmp(url, "/api") == 0) {
        char addr[64];
        snprintf(addr, sizeof(addr), "127.0.0.1:%u", router_port(api->router));
        return k8s_queue_json(conn, 200,
                              json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind", "APIVersions",
                                        "versions", "v1", "serverAddressByClientCIDRs",
                                        "clientCIDR", "0.0.0.0/0", "serverAddress", addr));
    }
    if (strcmp(url, "/api/v1") == 0) {
        json_t *res = json_array();
        json_array_append_new(
            res, resource_entry("events", "event", true, "Event", "ev", "get list watch"));
        json_array_append_new(res, resource_entry("namespaces", "namespace", false, "Namespace",
                                                  "ns", "get list watch"));
        json_array_append_new(
            res, resource_entry("nodes", "node", false, "Node", "no", "get list watch"));
        json_t *pods = resource_entry("pods", "pod", true, "Pod", "po", "delete get list watch");
        json_object_set_new(pods, "categories", json_pack("[s]", "all"));
        json_array_append_new(res, pods);
        json_array_append_new(res, resource_entry("pods/log", "", true, "Pod", NULL, "get"));
        json_array_append_new(res, resource_entry("resourcequotas", "resourcequota", true,
                                                  "ResourceQuota", "quota", "get list watch"));
        json_t *doc = json_pack("{s:s,s:s,s:o}", "kind", "APIResourceList", "groupVersion", "v1",
                                "resources", res);
        return k8s_queue_json(conn, 200, doc);
    }
    if (strcmp(url, "/apis") == 0) {
        json_t *groups = json_array();
        json_array_append_new(groups, api_group("apps", "v1"));
        json_array_append_new(groups, api_group("authorization.k8s.io", "v1"));
        if (!api->cfg->no_metrics) {
            json_array_append_new(groups, api_group("metrics.k8s.io", "v1beta1"));
        }
        return k8s_queue_json(conn, 200,
                              json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList", "apiVersion", "v1",
                                        "groups", groups));
    }
    if (strcmp(url, "/apis/apps") == 0 || strcmp(url, "/apis/authorization.k8s.io") == 0 ||
        (strcmp(url, "/apis/metrics.k8s.io") == 0 && !api->cfg->no_metrics)) {
        const char *name = url + strlen("/apis/");
        json_t *group = api_group(name, strcmp(name, "metrics.k8s.io") == 0 ? "v1beta1" : "v1");
        json_object_set_new(group, "kind", json_string("APIGroup"));
        json_object_set_new(group, "apiVersion", json_string("v1"));
        return k8s_queue_json(conn, 200, group);
    }
    if (strcmp(url, "/apis/apps/v1") == 0) {
        json_t *res = json_array();
        json_t *d = resource_entry("deployments", "deployment", true, "Deployment", "deploy",
                                   "get list patch watch");
        json_object_set_new(d, "categories", json_pack("[s]", "all"));
        json_array_append_new(res, d);
        json_array_append_new(res, scale_entry("deployments/scale"));
        json_t *rs =
            resource_entry("replicasets", "replicaset", true, "ReplicaSet", "rs", "get list watch");
        json_object_set_new(rs, "categories", json_pack("[s]", "all"));
        json_array_append_new(res, rs);
        json_t *sts = resource_entry("statefulsets", "statefulset", true, "StatefulSet", "sts",
                                     "get list patch watch");
        json_object_set_new(sts, "categories", json_pack("[s]", "all"));
        json_array_append_new(res, sts);
        json_array_append_new(res, scale_entry("statefulsets/scale"));
        return k8s_queue_json(conn, 200, resource_list("apps/v1", res));
    }
    if (strcmp(url, "/apis/authorization.k8s.io/v1") == 0) {
        json_t *res = json_array();
        json_array_append_new(res,
                              resource_entry("selfsubjectaccessreviews", "selfsubjectaccessreview",
                                             false, "SelfSubjectAccessReview", NULL, "create"));
        return k8s_queue_json(conn, 200, resource_list("authorization.k8s.io/v1", res));
    }
    if (strcmp(url, "/apis/metrics.k8s.io/v1beta1") == 0 && !api->cfg->no_metrics) {
        json_t *res = json_array();
        json_array_append_new(res,
                              resource_entry("nodes", "", false, "NodeMetrics", NULL, "get list"));
        json_array_append_new(res,
                              resource_entry("pods", "", true, "PodMetrics", NULL, "get list"));
        return k8s_queue_json(conn, 200, resource_list("metrics.k8s.io/v1beta1", res));
    }
    if (strcmp(url, "/") == 0) {
        json_t *paths =
            json_pack("[sssssss]", "/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1",
                      "/apis/authorization.k8s.io", "/apis/authorization.k8s.io/v1");
        if (!api->cfg->no_metrics) {
            json_array_append_new(paths, json_string("/apis/metrics.k8s.io"));
            json_array_append_new(paths, json_string("/apis/metrics.k8s.io/v1beta1"));
        }
        json_array_append_new(paths, json_string("/healthz"));
        json_array_append_new(paths, json_string("/livez"));
        json_array_append_new(paths, json_string("/readyz"));
        json_array_append_new(paths, json_string("/version"));
        return k8s_queue_json(conn, 200, json_pack("{s:o}", "paths", paths));
    }
    return k8s_queue_not_found_path(conn);
}
