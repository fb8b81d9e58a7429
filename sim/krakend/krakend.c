/* KrakenD, the API gateway: its health endpoint, /__health, and its configuration as a
 * config server would hand it out, /krakend.json, a version 3 file with the gateway's
 * endpoints for the world's tenants: each tenant's Deployments named *-api are published as
 * /TENANT/v1/NAME and /TENANT/v1/NAME/{id}, with the tenant's authentication (API keys for
 * the data distributors, JWT for the agencies with citizens' data, none for open data) and
 * rate limits; and its Prometheus page, /krakend/metrics (metrics.c). None asks for
 * credentials. */
#include "sim/router.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sim/krakend/krakend_sim.h"
#include "sim/sim_util.h"

enum krakend_auth { AUTH_API_KEYS, AUTH_JWT, AUTH_NONE };

/* How the first tenants' APIs are protected; generated tenants draw one from the seed. */
static const struct {
    const char *tenant;
    enum krakend_auth auth;
} tenant_auth[] = {
    {"dmi", AUTH_API_KEYS}, {"registry", AUTH_API_KEYS}, {"skat", AUTH_JWT},  {"sst", AUTH_JWT},
    {"digst", AUTH_JWT},    {"dst", AUTH_NONE},          {"sdfi", AUTH_NONE}, {"ens", AUTH_NONE},
};

static enum krakend_auth auth_of(const struct world *w, const char *tenant)
{
    for (size_t i = 0; i < sizeof(tenant_auth) / sizeof(tenant_auth[0]); i++) {
        if (strcmp(tenant_auth[i].tenant, tenant) == 0) {
            return tenant_auth[i].auth;
        }
    }
    return (enum krakend_auth)(sim_hash64(tenant, strlen(tenant), w->cfg.seed) % 3);
}

/* Go's time.Time.String() of now, as KrakenD's health prints it: "2026-11-26 13:56:02.0845
 * +0000 UTC m=+30.674738658" (fraction without trailing zeros, the monotonic reading since
 * the process started). */
static void go_time_string(int64_t now_ns, int64_t start_s, char *out, size_t size)
{
    char clock[32];
    sim_format_utc(now_ns / 1000000000, "%Y-%m-%d %H:%M:%S", clock, sizeof(clock));
    char frac[16];
    snprintf(frac, sizeof(frac), ".%09u", (unsigned)(now_ns % 1000000000));
    size_t n = strlen(frac);
    while (n > 1 && frac[n - 1] == '0') {
        frac[--n] = '\0';
    }
    if (n == 1) {
        frac[0] = '\0';
    }
    uint64_t up_ns = now_ns > start_s * 1000000000 ? (uint64_t)(now_ns - start_s * 1000000000) : 0;
    snprintf(out, size, "%s%s +0000 UTC m=+%llu.%09u", clock, frac,
             (unsigned long long)(up_ns / 1000000000), (unsigned)(up_ns % 1000000000));
}

static enum MHD_Result health(const struct router_request *req)
{
    world_lock(req->world);
    int64_t start = req->world->start_time;
    world_unlock(req->world);
    char now[128];
    go_time_string(sim_now_ns(), start, now, sizeof(now));
    return router_queue_json_as(req->conn, 200, "application/json; charset=utf-8",
                                json_pack("{s:{},s:s,s:s}", "agents", "now", now, "status", "ok"),
                                JSON_COMPACT, NULL);
}

/* An API key of a tenant's partner, stable for the seed. */
static void api_key(const struct world *w, const char *tenant, int partner, char out[40])
{
    uint64_t a = sim_hash64(tenant, strlen(tenant), w->cfg.seed * 7 + (uint64_t)partner);
    uint64_t b = sim_hash64(tenant, strlen(tenant), w->cfg.seed * 13 + (uint64_t)partner);
    snprintf(out, 40, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xffff, (unsigned)(b >> 48),
             (unsigned long long)(b & 0xffffffffffffULL));
}

/* The endpoint-level extra_config for a tenant's authentication and rate limit. */
static json_t *endpoint_extra(const char *tenant, enum krakend_auth auth)
{
    json_t *extra = json_object();
    char role[64];
    snprintf(role, sizeof(role), "%s-partner", tenant);
    if (auth == AUTH_API_KEYS) {
        json_object_set_new(extra, "auth/api-keys", json_pack("{s:[s]}", "roles", role));
        json_object_set_new(extra, "qos/ratelimit/router",
                            json_pack("{s:i,s:i,s:s,s:s}", "max_rate", 500, "client_max_rate", 20,
                                      "strategy", "header", "key", "X-API-Key"));
    } else if (auth == AUTH_JWT) {
        char jwk[160], issuer[128], audience[128], reader[64];
        snprintf(issuer, sizeof(issuer), "https://login.govcloud.sit.dk/realms/%s", tenant);
        snprintf(jwk, sizeof(jwk), "%s/protocol/openid-connect/certs", issuer);
        snprintf(audience, sizeof(audience), "https://api.govcloud.sit.dk/%s", tenant);
        snprintf(reader, sizeof(reader), "%s-api-reader", tenant);
        json_object_set_new(extra, "auth/validator",
                            json_pack("{s:s,s:s,s:[s],s:s,s:s,s:[s],s:b}", "alg", "RS256",
                                      "jwk_url", jwk, "audience", audience, "issuer", issuer,
                                      "roles_key", "realm_access.roles", "roles", reader, "cache",
                                      1));
        json_object_set_new(
            extra, "qos/ratelimit/router",
            json_pack("{s:i,s:i,s:s}", "max_rate", 200, "client_max_rate", 10, "strategy", "ip"));
    } else {
        json_object_set_new(
            extra, "qos/ratelimit/router",
            json_pack("{s:i,s:i,s:s}", "max_rate", 100, "client_max_rate", 5, "strategy", "ip"));
    }
    return extra;
}

/* One endpoint: GET path, one backend at the app's Service. */
static json_t *endpoint(const char *path, const char *host, const char *pattern, const char *tenant,
                        enum krakend_auth auth)
{
    json_t *backend =
        json_pack("{s:[s],s:s,s:s,s:{s:{s:i,s:i,s:i,s:b}}}", "host", host, "url_pattern", pattern,
                  "encoding", "json", "extra_config", "qos/circuit-breaker", "interval", 60,
                  "timeout", 10, "max_errors", 5, "log_status_change", 1);
    return json_pack("{s:s,s:s,s:s,s:[o],s:o}", "endpoint", path, "method", "GET",
                     "output_encoding", "json", "backend", backend, "extra_config",
                     endpoint_extra(tenant, auth));
}

void krakend_sim_apps(const struct world *w,
                      void (*fn)(const struct world_ns *t, const struct world_app *a,
                                 const char *base, void *arg),
                      void *arg)
{
    size_t pos = 0;
    const struct world_ns *t;
    while ((t = world_tenant_next(w, &pos))) {
        int ns = world_ns_find(w, t->name);
        for (size_t i = world_app_lower_bound(w, ns, "", false);
             i < w->n_apps && w->apps[i].ns == ns; i++) {
            const struct world_app *a = &w->apps[i];
            size_t len = strlen(a->name);
            if (a->kind != APP_DEPLOYMENT || len <= 4 || strcmp(a->name + len - 4, "-api") != 0) {
                continue;
            }
            char base[64];
            snprintf(base, sizeof(base), "%.*s", (int)(len - 4), a->name);
            fn(t, a, base, arg);
        }
    }
}

struct config_build {
    const struct world *w;
    json_t *endpoints, *keys;
    const struct world_ns *last; /* the tenant whose keys are in */
};

/* One published app: its two endpoints, and its tenant's API keys with its first app. */
static void config_app(const struct world_ns *t, const struct world_app *a, const char *base,
                       void *arg)
{
    struct config_build *cb = arg;
    enum krakend_auth auth = auth_of(cb->w, t->tenant);
    char host[160], list[128], item[140], path[200];
    snprintf(host, sizeof(host), "http://%s.%s.svc.cluster.local:%u", a->name, t->name, a->port);
    snprintf(list, sizeof(list), "/v1/%s", base);
    snprintf(item, sizeof(item), "/v1/%s/{id}", base);
    snprintf(path, sizeof(path), "/%s%s", t->tenant, list);
    json_array_append_new(cb->endpoints, endpoint(path, host, list, t->tenant, auth));
    snprintf(path, sizeof(path), "/%s%s", t->tenant, item);
    json_array_append_new(cb->endpoints, endpoint(path, host, item, t->tenant, auth));
    if (auth == AUTH_API_KEYS && cb->last != t) {
        char role[64];
        snprintf(role, sizeof(role), "%s-partner", t->tenant);
        for (int p = 0; p < 2; p++) {
            char key[40];
            api_key(cb->w, t->tenant, p, key);
            json_array_append_new(cb->keys, json_pack("{s:s,s:[s]}", "key", key, "roles", role));
        }
    }
    cb->last = t;
}

/* krakend.json for the world. */
static json_t *config(const struct world *w)
{
    struct config_build cb = {.w = w, .endpoints = json_array(), .keys = json_array()};
    krakend_sim_apps(w, config_app, &cb);
    json_t *endpoints = cb.endpoints, *keys = cb.keys;
    json_t *extra =
        json_pack("{s:{s:s,s:s},s:{s:{s:[{s:s,s:i}]}}}", "telemetry/metrics", "collection_time",
                  "60s", "listen_address", ":8090", "telemetry/opentelemetry", "exporters",
                  "prometheus", "name", "govcloud_prometheus", "port", 9090);
    if (json_array_size(keys)) {
        json_object_set_new(extra, "auth/api-keys",
                            json_pack("{s:s,s:s,s:s,s:o}", "strategy", "header", "identifier",
                                      "X-API-Key", "propagate_role", "X-Krakend-Role", "keys",
                                      keys));
    } else {
        json_decref(keys);
    }
    return json_pack("{s:s,s:i,s:s,s:i,s:s,s:s,s:s,s:o,s:o}", "$schema",
                     "https://www.krakend.io/schema/v2.5/krakend.json", "version", 3, "name",
                     "GovCloud API gateway", "port", 8080, "timeout", "3000ms", "cache_ttl", "300s",
                     "output_encoding", "json", "extra_config", extra, "endpoints", endpoints);
}

static enum MHD_Result krakend_serve(void *state, const struct router_request *req)
{
    if (strcmp(req->url, "/krakend/metrics") == 0) {
        return krakend_metrics_serve(state, req);
    }
    if (strcmp(req->url, "/__health") == 0) {
        return health(req);
    }
    if (strcmp(req->url, "/krakend.json") == 0) {
        world_lock(req->world);
        json_t *doc = config(req->world);
        world_unlock(req->world);
        return router_queue_json_as(req->conn, 200, "application/json", doc, JSON_INDENT(2), NULL);
    }
    /* What KrakenD's router (gin) answers for a path it does not have. */
    return router_queue_text(req->conn, 404, "text/plain", "404 page not found", NULL);
}

static void *krakend_start(struct router *router, const struct router_config *cfg)
{
    (void)router;
    (void)cfg;
    return krakend_metrics_start();
}

static const char *const krakend_prefixes[] = {"/__health", "/krakend.json", "/krakend/", NULL};

const struct sim_api krakend_api = {
    .name = "krakend",
    .prefixes = krakend_prefixes,
    .start = krakend_start,
    .stop = krakend_metrics_stop,
    .serve = krakend_serve,
};
