/* A reader of KrakenD's configuration (krakend.json, version 3): the endpoints with what the
 * routes view shows of them. Unknown keys are ignored; a configuration without endpoints, of
 * another version, or with a wrong type where a known key is read is refused with the JSON
 * path ("$.endpoints[3].backend[0].host: an array of strings expected"), or file:line when
 * it is not JSON at all.
 *
 * What is read of an endpoint:
 * - endpoint (the path), method (GET when absent);
 * - backend[]: host (its array, or the root's), url_pattern, method; a backend's
 *   qos/circuit-breaker (max_errors, interval, timeout);
 * - auth: auth/validator (JWT: alg, issuer, audience), else auth/api-keys or a plugin whose
 *   name says api-key (API key), else none;
 * - qos/ratelimit/router: max_rate, client_max_rate;
 * - timeout and cache_ttl (Go durations, "3s", "150us"), the root's when the endpoint has
 *   none (as the gateway applies them).
 *
 * Every string is sanitized. Safe from any thread (the workpool decodes it). */
#ifndef GC_CORE_KRAKEND_KRAKEND_CONFIG_H
#define GC_CORE_KRAKEND_KRAKEND_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum krakend_auth {
    KRAKEND_AUTH_NONE,
    KRAKEND_AUTH_JWT,
    KRAKEND_AUTH_API_KEY,
};

struct krakend_backend {
    char *host;        /* the hosts joined by ", " ("" when none) */
    char *url_pattern; /* "" when none */
    char *method;      /* NULL: the endpoint's */
    bool breaker;      /* a qos/circuit-breaker */
    int64_t breaker_max_errors;
    int64_t breaker_interval_s;
    int64_t breaker_timeout_s;
};

struct krakend_endpoint {
    char *endpoint; /* "/dmi/v1/forecast/{id}" */
    char *method;   /* "GET" */
    struct krakend_backend *backends;
    size_t nbackends;
    enum krakend_auth auth;
    char *jwt_alg, *jwt_issuer, *jwt_audience; /* NULL when not set */
    double max_rate;        /* qos/ratelimit/router; < 0 when not set */
    double client_max_rate; /* < 0 when not set */
    char *timeout;          /* as written ("3s"); NULL when neither endpoint nor root sets it */
    int64_t timeout_ms;
    bool timeout_inherited; /* the root's */
    char *cache_ttl;
    int64_t cache_ttl_ms;
    bool cache_ttl_inherited;
    char *json;             /* the endpoint as the gateway sees it (root timeout and cache_ttl
                               filled in), indented JSON, each line sanitized */
};

struct krakend_config {
    uint64_t digest; /* of the text read (FNV-1a): the same text, the same digest */
    int64_t version;
    struct krakend_endpoint *endpoints;
    size_t nendpoints;
};

/* Reads `len` bytes of `text` (from `origin`, a path or URL for messages) into *out: 0, or
 * -1 with *err (caller frees) and *out empty. krakend_config_fini() frees *out either way. */
int krakend_config_read(const char *text, size_t len, const char *origin,
                        struct krakend_config *out, char **err);
void krakend_config_fini(struct krakend_config *c);

/* The digest krakend_config_read() gives `len` bytes of `text` (FNV-1a). */
uint64_t krakend_config_digest(const char *text, size_t len);

/* Deep copy of an endpoint into *dst; frees with krakend_endpoint_fini(). */
void krakend_endpoint_copy(struct krakend_endpoint *dst, const struct krakend_endpoint *src);
void krakend_endpoint_fini(struct krakend_endpoint *e);

/* A Go duration ("1h30m", "2.5s", "150us") in milliseconds (rounded down); false when it is
 * not one. */
bool krakend_duration_ms(const char *s, int64_t *ms);

/* "JWT", "API key", "none". */
const char *krakend_auth_name(enum krakend_auth a);

#endif
