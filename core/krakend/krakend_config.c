/* krakend.json, version 3: the endpoints, each checked key by key with its JSON path. */
#define _GNU_SOURCE /* strcasestr */
#include "core/krakend/krakend_config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/jsonflat.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

const char *krakend_auth_name(enum krakend_auth a)
{
    switch (a) {
    case KRAKEND_AUTH_JWT:
        return "JWT";
    case KRAKEND_AUTH_API_KEY:
        return "API key";
    case KRAKEND_AUTH_NONE:
        break;
    }
    return "none";
}

bool krakend_duration_ms(const char *s, int64_t *ms)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3}, {"\xce\xbcs", 1e-3},
                 {"ms", 1},    {"s", 1e3},   {"m", 60e3},          {"h", 3600e3}};
    double total = 0;
    const char *p = s;

    if (s == NULL || *s == '\0') {
        return false;
    }
    if (strcmp(s, "0") == 0) {
        *ms = 0;
        return true;
    }
    while (*p != '\0') {
        double v = 0, scale = 1;
        bool digits = false;
        size_t best = 0, u = sizeof units / sizeof units[0];

        /* digits by hand: strtod would follow the process's locale (a decimal comma) */
        for (; *p >= '0' && *p <= '9'; p++, digits = true) {
            v = v * 10 + (*p - '0');
        }
        if (*p == '.') {
            for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
                scale /= 10;
                v += (*p - '0') * scale;
            }
        }
        if (!digits) {
            return false;
        }
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            size_t n = strlen(units[i].unit);

            if (strncmp(p, units[i].unit, n) == 0 && n > best) {
                best = n;
                u = i;
            }
        }
        if (u == sizeof units / sizeof units[0]) {
            return false;
        }
        total += v * units[u].ms;
        p += best;
    }
    *ms = (int64_t)floor(total);
    return true;
}

/* A reading in progress: where the error goes. */
struct kc_reader {
    char **err;
    bool failed;
};

static void kc_fail(struct kc_reader *r, const char *path, const char *what)
{
    if (!r->failed) {
        *r->err = xasprintf("%s: %s", path, what);
        r->failed = true;
    }
}

/* Fails the reading at member `key` of `path`: "PATH.KEY: WHAT". */
static void kc_fail_at(struct kc_reader *r, const char *path, const char *key, const char *what)
{
    char *p = xasprintf("%s.%s", path, key);

    kc_fail(r, p, what);
    free(p);
}

enum kc_type { KC_STRING, KC_NUMBER, KC_OBJECT };

/* Member `key` of obj when it has the type; NULL when absent (or null), and when of another
 * type, which fails the reading. */
static json_t *kc_member(struct kc_reader *r, const json_t *obj, const char *key,
                         const char *path, enum kc_type type)
{
    static const char *const expected[] = {
        [KC_STRING] = "a string expected",
        [KC_NUMBER] = "a number expected",
        [KC_OBJECT] = "an object expected",
    };
    json_t *v = json_object_get(obj, key);
    bool ok;

    if (v == NULL || json_is_null(v)) {
        return NULL;
    }
    ok = type == KC_STRING   ? json_is_string(v)
         : type == KC_NUMBER ? json_is_number(v)
                             : json_is_object(v);
    if (!ok) {
        kc_fail_at(r, path, key, expected[type]);
        return NULL;
    }
    return v;
}

static const char *kc_string(struct kc_reader *r, const json_t *obj, const char *key,
                             const char *path)
{
    return json_string_value(kc_member(r, obj, key, path, KC_STRING));
}

/* A number member, or `dflt` when absent or not a number. */
static double kc_number(struct kc_reader *r, const json_t *obj, const char *key,
                        const char *path, double dflt)
{
    json_t *v = kc_member(r, obj, key, path, KC_NUMBER);

    return v != NULL ? json_number_value(v) : dflt;
}

static json_t *kc_object(struct kc_reader *r, const json_t *obj, const char *key,
                         const char *path)
{
    return kc_member(r, obj, key, path, KC_OBJECT);
}

/* A string or an array of strings, joined by ", " (sanitized, caller frees); NULL when
 * absent. */
static char *kc_strings(struct kc_reader *r, const json_t *obj, const char *key,
                        const char *path, bool allow_string)
{
    json_t *v = json_object_get(obj, key), *item;
    size_t i, len = 0;
    char *out;

    if (v == NULL || json_is_null(v)) {
        return NULL;
    }
    if (allow_string && json_is_string(v)) {
        return sanitize_dup(json_string_value(v));
    }
    if (!json_is_array(v)) {
        kc_fail_at(r, path, key,
                   allow_string ? "a string or an array of strings expected"
                                : "an array of strings expected");
        return NULL;
    }
    json_array_foreach(v, i, item) {
        if (!json_is_string(item)) {
            char *p = xasprintf("%s.%s[%zu]", path, key, i);

            kc_fail(r, p, "a string expected");
            free(p);
            return NULL;
        }
        len += json_string_length(item) + 2;
    }
    out = xmalloc(len + 1);
    out[0] = '\0';
    len = 0;
    json_array_foreach(v, i, item) {
        len += (size_t)sprintf(out + len, "%s%s", i > 0 ? ", " : "", json_string_value(item));
    }
    char *clean = sanitize_dup(out);

    free(out);
    return clean;
}

static char *kc_dup(const char *s)
{
    return s != NULL ? sanitize_dup(s) : NULL;
}

/* A Go duration member: its text (sanitized) and milliseconds. */
static char *kc_duration(struct kc_reader *r, const json_t *obj, const char *key,
                         const char *path, int64_t *ms)
{
    const char *s = kc_string(r, obj, key, path);

    if (s == NULL) {
        return NULL;
    }
    if (!krakend_duration_ms(s, ms)) {
        kc_fail_at(r, path, key, "a duration expected (\"3s\", \"500ms\")");
        return NULL;
    }
    return sanitize_dup(s);
}

static bool kc_plugin_api_key(const json_t *extra)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)extra, key, v) {
        const char *name = json_string_value(json_object_get(v, "name"));

        if (strncmp(key, "plugin/", 7) == 0 && name != NULL &&
            (strcasestr(name, "api-key") != NULL || strcasestr(name, "apikey") != NULL ||
             strcasestr(name, "api_key") != NULL)) {
            return true;
        }
    }
    return false;
}

static void kc_backend(struct kc_reader *r, const json_t *b, const char *path,
                       const json_t *root_host, struct krakend_backend *out)
{
    json_t *extra, *cb;
    char *cpath;

    memset(out, 0, sizeof *out);
    if (!json_is_object(b)) {
        kc_fail(r, path, "an object expected");
        return;
    }
    out->host = kc_strings(r, b, "host", path, false);
    if (out->host == NULL && root_host != NULL) {
        json_t *wrap = json_pack("{s:O}", "host", root_host);

        out->host = kc_strings(r, wrap, "host", "$", false);
        json_decref(wrap);
    }
    if (out->host == NULL) {
        out->host = xstrdup("");
    }
    out->url_pattern = kc_dup(kc_string(r, b, "url_pattern", path));
    if (out->url_pattern == NULL) {
        out->url_pattern = xstrdup("");
    }
    out->method = kc_dup(kc_string(r, b, "method", path));
    extra = kc_object(r, b, "extra_config", path);
    cpath = xasprintf("%s.extra_config", path);
    cb = extra != NULL ? kc_object(r, extra, "qos/circuit-breaker", cpath) : NULL;
    if (cb != NULL) {
        char *bpath = xasprintf("%s.qos/circuit-breaker", cpath);

        out->breaker = true;
        out->breaker_max_errors = (int64_t)kc_number(r, cb, "max_errors", bpath, 0);
        out->breaker_interval_s = (int64_t)kc_number(r, cb, "interval", bpath, 0);
        out->breaker_timeout_s = (int64_t)kc_number(r, cb, "timeout", bpath, 0);
        free(bpath);
    }
    free(cpath);
}

/* The endpoint's text for `d`: as written, with the root's timeout and cache_ttl, indented,
 * each line sanitized. */
static char *kc_endpoint_json(const json_t *e, const json_t *root)
{
    json_t *copy = json_copy((json_t *)e);
    char *text, *out, *line;
    size_t len = 0;

    if (json_object_get(copy, "timeout") == NULL && json_object_get(root, "timeout") != NULL) {
        json_object_set(copy, "timeout", json_object_get(root, "timeout"));
    }
    if (json_object_get(copy, "cache_ttl") == NULL &&
        json_object_get(root, "cache_ttl") != NULL) {
        json_object_set(copy, "cache_ttl", json_object_get(root, "cache_ttl"));
    }
    text = json_dumps(copy, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(copy);
    if (text == NULL) {
        return xstrdup("{}");
    }
    out = xmalloc(strlen(text) * 3 + 2);
    out[0] = '\0';
    line = text;
    while (line != NULL) {
        char *nl = strchr(line, '\n');
        char *clean = nl != NULL ? sanitize_ndup(line, (size_t)(nl - line)) : sanitize_dup(line);
        size_t n = strlen(clean);

        memcpy(out + len, clean, n);
        len += n;
        if (nl != NULL) {
            out[len++] = '\n';
        }
        free(clean);
        line = nl != NULL ? nl + 1 : NULL;
    }
    out[len] = '\0';
    free(text);
    return out;
}

static void kc_endpoint(struct kc_reader *r, const json_t *e, const json_t *root, size_t idx,
                        struct krakend_endpoint *out)
{
    char *path = xasprintf("$.endpoints[%zu]", idx), *xpath;
    json_t *extra, *backends, *b, *v;
    const char *s;
    size_t i;
    int64_t ms = 0;

    memset(out, 0, sizeof *out);
    out->max_rate = -1;
    out->client_max_rate = -1;
    if (!json_is_object(e)) {
        kc_fail(r, path, "an object expected");
        free(path);
        return;
    }
    s = kc_string(r, e, "endpoint", path);
    if (s == NULL && !r->failed) {
        kc_fail_at(r, path, "endpoint", "missing (the path the gateway serves)");
    }
    out->endpoint = kc_dup(s);
    s = kc_string(r, e, "method", path);
    out->method = kc_dup(s != NULL ? s : "GET");
    backends = json_object_get(e, "backend");
    if (backends != NULL && !json_is_array(backends)) {
        kc_fail_at(r, path, "backend", "an array expected");
    } else if (backends != NULL) {
        out->backends = xcalloc(json_array_size(backends) + 1, sizeof *out->backends);
        json_array_foreach(backends, i, b) {
            char *bpath = xasprintf("%s.backend[%zu]", path, i);

            kc_backend(r, b, bpath, json_object_get(root, "host"), &out->backends[i]);
            out->nbackends++;
            free(bpath);
        }
    }
    extra = kc_object(r, e, "extra_config", path);
    xpath = xasprintf("%s.extra_config", path);
    if (extra != NULL && (v = kc_object(r, extra, "auth/validator", xpath)) != NULL) {
        char *vpath = xasprintf("%s.auth/validator", xpath);

        out->auth = KRAKEND_AUTH_JWT;
        out->jwt_alg = kc_dup(kc_string(r, v, "alg", vpath));
        out->jwt_issuer = kc_dup(kc_string(r, v, "issuer", vpath));
        out->jwt_audience = kc_strings(r, v, "audience", vpath, true);
        free(vpath);
    } else if (extra != NULL && (json_object_get(extra, "auth/api-keys") != NULL ||
                                 kc_plugin_api_key(extra))) {
        out->auth = KRAKEND_AUTH_API_KEY;
    }
    if (extra != NULL && (v = kc_object(r, extra, "qos/ratelimit/router", xpath)) != NULL) {
        char *rpath = xasprintf("%s.qos/ratelimit/router", xpath);

        out->max_rate = kc_number(r, v, "max_rate", rpath, -1);
        out->client_max_rate = kc_number(r, v, "client_max_rate", rpath, -1);
        free(rpath);
    }
    free(xpath);
    out->timeout = kc_duration(r, e, "timeout", path, &ms);
    out->timeout_ms = ms;
    if (out->timeout == NULL && !r->failed) {
        out->timeout = kc_duration(r, root, "timeout", "$", &ms);
        out->timeout_ms = ms;
        out->timeout_inherited = out->timeout != NULL;
    }
    ms = 0;
    out->cache_ttl = kc_duration(r, e, "cache_ttl", path, &ms);
    out->cache_ttl_ms = ms;
    if (out->cache_ttl == NULL && !r->failed) {
        out->cache_ttl = kc_duration(r, root, "cache_ttl", "$", &ms);
        out->cache_ttl_ms = ms;
        out->cache_ttl_inherited = out->cache_ttl != NULL;
    }
    out->json = kc_endpoint_json(e, root);
    free(path);
}

uint64_t krakend_config_digest(const char *text, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t k = 0; k < len; k++) {
        h = (h ^ (unsigned char)text[k]) * 0x100000001b3ULL;
    }
    return h;
}

int krakend_config_read(const char *text, size_t len, const char *origin,
                        struct krakend_config *out, char **err)
{
    json_error_t jerr;
    json_t *root = jsonflat_load(text, len, 0, &jerr), *eps, *e;
    struct kc_reader r = {.err = err};
    char *why = NULL;
    size_t i;

    memset(out, 0, sizeof *out);
    out->digest = krakend_config_digest(text, len);
    if (root == NULL) {
        *err = xasprintf("%s:%d: not JSON: %s", origin, jerr.line, jerr.text);
        return -1;
    }
    r.err = &why;
    if (!json_is_object(root)) {
        kc_fail(&r, "$", "an object expected");
    } else if (!json_is_integer(json_object_get(root, "version"))) {
        kc_fail(&r, "$.version", "missing or not an integer: not a KrakenD configuration");
    } else if ((out->version = json_integer_value(json_object_get(root, "version"))) != 3) {
        why = xasprintf("$.version: %lld; only version 3 is read", (long long)out->version);
        r.failed = true;
    } else if ((eps = json_object_get(root, "endpoints")) == NULL || json_is_null(eps)) {
        kc_fail(&r, "$.endpoints", "missing: the gateway serves no endpoint");
    } else if (!json_is_array(eps)) {
        kc_fail(&r, "$.endpoints", "an array expected");
    } else if (json_array_size(eps) == 0) {
        kc_fail(&r, "$.endpoints", "empty: the gateway serves no endpoint");
    } else if (json_object_get(root, "host") != NULL &&
               !json_is_array(json_object_get(root, "host"))) {
        kc_fail(&r, "$.host", "an array of strings expected");
    } else {
        out->endpoints = xcalloc(json_array_size(eps), sizeof *out->endpoints);
        json_array_foreach(eps, i, e) {
            kc_endpoint(&r, e, root, i, &out->endpoints[i]);
            out->nendpoints++;
            if (r.failed) {
                break;
            }
        }
    }
    json_decref(root);
    if (r.failed) {
        char *clean = sanitize_dup(why);

        *err = xasprintf("%s: %s", origin, clean);
        free(clean);
        free(why);
        krakend_config_fini(out);
        return -1;
    }
    return 0;
}

static void krakend_backend_fini(struct krakend_backend *b)
{
    free(b->host);
    free(b->url_pattern);
    free(b->method);
}

void krakend_endpoint_fini(struct krakend_endpoint *e)
{
    for (size_t i = 0; i < e->nbackends; i++) {
        krakend_backend_fini(&e->backends[i]);
    }
    free(e->backends);
    free(e->endpoint);
    free(e->method);
    free(e->jwt_alg);
    free(e->jwt_issuer);
    free(e->jwt_audience);
    free(e->timeout);
    free(e->cache_ttl);
    free(e->json);
    memset(e, 0, sizeof *e);
}

static char *kc_copy(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

void krakend_endpoint_copy(struct krakend_endpoint *dst, const struct krakend_endpoint *src)
{
    *dst = *src;
    dst->endpoint = kc_copy(src->endpoint);
    dst->method = kc_copy(src->method);
    dst->jwt_alg = kc_copy(src->jwt_alg);
    dst->jwt_issuer = kc_copy(src->jwt_issuer);
    dst->jwt_audience = kc_copy(src->jwt_audience);
    dst->timeout = kc_copy(src->timeout);
    dst->cache_ttl = kc_copy(src->cache_ttl);
    dst->json = kc_copy(src->json);
    dst->backends = xcalloc(src->nbackends + 1, sizeof *dst->backends);
    for (size_t i = 0; i < src->nbackends; i++) {
        dst->backends[i] = src->backends[i];
        dst->backends[i].host = kc_copy(src->backends[i].host);
        dst->backends[i].url_pattern = kc_copy(src->backends[i].url_pattern);
        dst->backends[i].method = kc_copy(src->backends[i].method);
    }
}

void krakend_config_fini(struct krakend_config *c)
{
    for (size_t i = 0; i < c->nendpoints; i++) {
        krakend_endpoint_fini(&c->endpoints[i]);
    }
    free(c->endpoints);
    memset(c, 0, sizeof *c);
}
