/* KrakenD (the API gateway) as a source: [krakend] health (its /__health), config (the
 * krakend.json it runs, a path or a URL) and metrics. Until the routes view comes, it polls
 * the health URL (else the config URL) on [krakend] interval to say how the gateway is;
 * `govconsole check` probes the health and reads the configuration (version and endpoints). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/loop.h"
#include "core/sanitize.h"
#include "core/source_http.h"
#include "core/xalloc.h"

static bool krakend_is_url(const char *s)
{
    return s != NULL && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

static char *krakend_url(const struct gc_config *cfg, const char *demo_url)
{
    if (demo_url != NULL) {
        return xasprintf("%s/__health", demo_url);
    }
    if (cfg->krakend.health != NULL && cfg->krakend.health[0] != '\0') {
        return xstrdup(cfg->krakend.health);
    }
    return krakend_is_url(cfg->krakend.config) ? xstrdup(cfg->krakend.config) : NULL;
}

/* The configuration KrakenD runs: "version 3, 35 endpoints" (caller frees), or NULL with
 * *why. */
static char *krakend_config_about(json_t *root, char **why)
{
    json_t *endpoints = json_object_get(root, "endpoints");
    json_int_t version = json_integer_value(json_object_get(root, "version"));

    if (!json_is_integer(json_object_get(root, "version"))) {
        *why = xstrdup("not a KrakenD configuration (no version)");
        return NULL;
    }
    if (version != 3) {
        *why = xasprintf("KrakenD configuration version %lld: only version 3 is read",
                         (long long)version);
        return NULL;
    }
    return xasprintf("config version 3, %zu endpoints", json_array_size(endpoints));
}

/* A health answer ({"status": "ok", ...}) or a configuration. */
static enum source_http_verdict krakend_answer(const char *body, size_t len, const char *user,
                                               char **about, char **why)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const char *status = json_string_value(json_object_get(root, "status"));
    enum source_http_verdict v = SOURCE_HTTP_OK;

    (void)user;
    if (!json_is_object(root)) {
        *why = xstrdup(len > 0 && body[0] == '<' ? "an HTML page, not KrakenD's /__health"
                                                 : "not a KrakenD answer");
        v = SOURCE_HTTP_BAD;
    } else if (status != NULL) {
        char *clean = sanitize_dup(status);

        if (strcmp(status, "ok") == 0) {
            *about = xstrdup("KrakenD healthy");
        } else {
            *why = xasprintf("KrakenD reports status %s", clean);
            v = SOURCE_HTTP_BAD;
        }
        free(clean);
    } else if ((*about = krakend_config_about(root, why)) == NULL) {
        v = SOURCE_HTTP_BAD;
    }
    json_decref(root);
    return v;
}

static const struct source_http_def krakend_def = {
    .name = "krakend",
    .url = krakend_url,
    .answer = krakend_answer,
};

/* The probe: the polled URL, then the configuration (a file read here, or a URL fetched). */
struct krakend_probe {
    struct source_http *sh;
    struct http *http;
    char *config;
    source_probe_fn done;
    void *arg;
    int64_t t0;
    struct source_probe res;
};

static void krakend_probe_end(struct krakend_probe *kp)
{
    kp->done(&kp->res, kp->arg);
    source_probe_fini(&kp->res);
    free(kp->config);
    free(kp);
}

/* Adds what the configuration says (or why it cannot be read) to the probe. */
static void krakend_probe_config(struct krakend_probe *kp, const char *body, size_t len,
                                 const char *err)
{
    json_error_t jerr;
    json_t *root;
    char *about = NULL, *why = NULL, *both;

    if (err != NULL) {
        why = xasprintf("config %s: %s", kp->config, err);
    } else if ((root = json_loadb(body, len, 0, &jerr)) == NULL) {
        why = xasprintf("config %s: not JSON: %s (line %d)", kp->config, jerr.text, jerr.line);
    } else {
        about = krakend_config_about(root, &why);
        json_decref(root);
    }
    if (about != NULL) {
        both = xasprintf("%s%s%s", kp->res.about != NULL ? kp->res.about : "",
                         kp->res.about != NULL ? "; " : "", about);
        free(kp->res.about);
        kp->res.about = both;
        free(about);
    }
    if (why != NULL && kp->res.error == NULL) {
        kp->res.error = sanitize_dup(why);
    }
    free(why);
}

static void krakend_config_fetched(struct http_req *req, struct http_result *res, void *arg)
{
    struct krakend_probe *kp = arg;

    (void)req;
    if (res->error != NULL || res->status != 200) {
        char *e = res->error != NULL ? xstrdup(res->error) : xasprintf("HTTP %ld", res->status);

        krakend_probe_config(kp, NULL, 0, e);
        free(e);
    } else {
        krakend_probe_config(kp, res->body, res->body_len, NULL);
    }
    krakend_probe_end(kp);
}

static void krakend_health_probed(struct http_req *req, struct http_result *res, void *arg)
{
    struct krakend_probe *kp = arg;
    struct http_opts o = *source_http_base(kp->sh);
    FILE *f;

    (void)req;
    source_http_probe_result(kp->sh, res, (double)(loop_now_ms() - kp->t0), &kp->res);
    if (kp->config == NULL || (kp->res.url != NULL && strcmp(kp->config, kp->res.url) == 0)) {
        krakend_probe_end(kp);
        return;
    }
    if (krakend_is_url(kp->config)) {
        o.url = kp->config;
        o.timeout_ms = 20000;
        o.max_body = (size_t)16 << 20;
        http_start(kp->http, &o, NULL, krakend_config_fetched, kp);
        return;
    }
    f = fopen(kp->config, "re");
    if (f == NULL) {
        krakend_probe_config(kp, NULL, 0, strerror(errno));
    } else {
        char *buf = NULL;
        size_t len = 0, cap = 0, n;

        do {
            if (len + 65536 > cap) {
                cap = cap ? cap * 2 : 65536;
                buf = xrealloc(buf, cap);
            }
            n = fread(buf + len, 1, cap - len, f);
            len += n;
        } while (n > 0 && len < ((size_t)16 << 20));
        fclose(f);
        krakend_probe_config(kp, buf, len, NULL);
        free(buf);
    }
    krakend_probe_end(kp);
}

static bool krakend_configured(const struct gc_config *cfg, const char *demo_url)
{
    return source_http_configured(&krakend_def, cfg, demo_url);
}

/* The configuration to read in the probe: [krakend] config, or govsim's in the demo; kept
 * beside the shared part of the source. */
static void *krakend_init(const struct source_env *env, char **err)
{
    struct source_http *sh = source_http_new(env, &krakend_def, err);
    char *config;

    if (sh == NULL) {
        return NULL;
    }
    config = env->demo_url != NULL             ? xasprintf("%s/krakend.json", env->demo_url)
             : env->cfg->krakend.config != NULL ? xstrdup(env->cfg->krakend.config)
                                                : NULL;
    source_http_set_extra(sh, config, free);
    return sh;
}

static void krakend_probe(void *s, source_probe_fn done, void *arg)
{
    struct krakend_probe *kp = xcalloc(1, sizeof *kp);
    struct http_opts o = *source_http_base(s);
    const char *url = source_http_op_url(s);

    kp->sh = s;
    kp->http = source_http_client(s);
    kp->config = source_http_extra(s) != NULL ? xstrdup(source_http_extra(s)) : NULL;
    kp->done = done;
    kp->arg = arg;
    kp->t0 = loop_now_ms();
    source_http_probe_init(s, url, &kp->res);
    o.url = url;
    o.timeout_ms = 20000;
    o.max_body = (size_t)16 << 20;
    http_start(kp->http, &o, NULL, krakend_health_probed, kp);
}

const struct source_ops krakend_source = {
    .name = "krakend",
    .configured = krakend_configured,
    .init = krakend_init,
    .start = source_http_op_start,
    .stop = source_http_op_stop,
    .fini = source_http_op_fini,
    .health = source_http_op_health,
    .url = source_http_op_url,
    .stats = source_http_op_stats,
    .probe = krakend_probe,
};
