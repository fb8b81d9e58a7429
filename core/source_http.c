/* The shared machinery of the polled HTTP sources: section, credentials, poller, probe. */
#include "core/source_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/loop.h"
#include "core/poller.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

struct source_http {
    const struct source_http_def *def;
    struct source_env env;
    char *url;
    char *user, *password, *token; /* secrets: wiped when freed */
    char *ca_file;
    struct http_opts base;
    struct http_stats stats;
    struct poller_ops ops;
    struct poller *poller;
    void *extra;
    void (*extra_free)(void *);
};

/* The poller's decode: the source's own reading of the answer. No rows (yet). */
static void source_http_decode(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    struct source_http *sh = arg;
    char *about = NULL, *why = NULL;

    switch (sh->def->answer(body, len, sh->user, &about, &why)) {
    case SOURCE_HTTP_OK:
        break;
    case SOURCE_HTTP_REJECTED:
        out->rejected = true;
        /* fall through */
    case SOURCE_HTTP_BAD:
        out->error = why != NULL ? why : xstrdup("not the answer expected");
        why = NULL;
        break;
    }
    free(about);
    free(why);
}

static void source_http_free_row(struct store_row *row)
{
    (void)row; /* never any */
}

static char *source_http_default_error(long status, const char *body, size_t len,
                                       const char *transport)
{
    (void)body;
    (void)len;
    return transport != NULL ? xstrdup(transport) : xasprintf("HTTP %ld", status);
}

/* The error text of a failed exchange: the source's words, sanitized. */
static char *source_http_error(const struct source_http *sh, long status, const char *body,
                               size_t len, const char *transport)
{
    char *raw = sh->def->error_text != NULL ? sh->def->error_text(status, body, len, transport)
                                            : source_http_default_error(status, body, len,
                                                                        transport);
    char *clean = sanitize_dup(raw);

    free(raw);
    return clean;
}

bool source_http_configured(const struct source_http_def *def, const struct gc_config *cfg,
                            const char *demo_url)
{
    char *url = def->url(cfg, demo_url);
    bool yes = url != NULL;

    free(url);
    return yes;
}

/* Wipes and frees a secret. */
static void source_http_wipe(char *s)
{
    if (s != NULL) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

static void source_http_free(struct source_http *sh)
{
    if (sh->extra_free != NULL) {
        sh->extra_free(sh->extra);
    }
    poller_free(sh->poller);
    source_http_wipe(sh->password);
    source_http_wipe(sh->token);
    free(sh->user);
    free(sh->ca_file);
    free(sh->url);
    free(sh);
}

struct source_http *source_http_new(const struct source_env *env,
                                    const struct source_http_def *def, char **err)
{
    const struct config_source *cs = config_source_get(env->cfg, def->name);
    struct source_http *sh = xcalloc(1, sizeof *sh);
    const char *ca_file = NULL;
    bool insecure = false;
    char *why = NULL, env_name[64];
    struct poller_config pc;

    sh->def = def;
    sh->env = *env;
    sh->url = def->url(env->cfg, env->demo_url);
    if (sh->url == NULL) {
        *err = xasprintf("no url in [%s]", def->name);
        source_http_free(sh);
        return NULL;
    }
    if (env->demo_url == NULL && cs != NULL) {
        sh->token = config_token(env->cfg, def->name, &why);
        if (why == NULL && sh->token == NULL) {
            sh->password = config_password(env->cfg, def->name, &why);
        }
        if (why != NULL) {
            *err = why;
            source_http_free(sh);
            return NULL;
        }
        if (cs->user != NULL && sh->password == NULL && sh->token == NULL) {
            size_t i = 0;

            for (; def->name[i] != '\0' && i + 1 < sizeof env_name; i++) {
                env_name[i] = (char)(def->name[i] >= 'a' && def->name[i] <= 'z'
                                         ? def->name[i] - 'a' + 'A'
                                         : def->name[i]);
            }
            env_name[i] = '\0';
            *err = xasprintf("[%s] user %s has no password: set password_file (mode 0600) or "
                             "$GOVCONSOLE_%s_PASSWORD",
                             def->name, cs->user, env_name);
            source_http_free(sh);
            return NULL;
        }
        sh->user = cs->user != NULL ? xstrdup(cs->user) : NULL;
    }
    config_tls(env->cfg, def->name, &ca_file, &insecure);
    sh->ca_file = ca_file != NULL ? xstrdup(ca_file) : NULL;
    sh->base.ca_file = sh->ca_file;
    sh->base.insecure = insecure;
    sh->base.bearer = sh->token;
    sh->base.username = sh->token == NULL ? sh->user : NULL;
    sh->base.password = sh->token == NULL ? sh->password : NULL;
    sh->base.stats = &sh->stats;
    sh->base.allow_plain = cs != NULL && cs->allow_plain_http;
    if (sh->base.allow_plain && (sh->token != NULL || sh->user != NULL) &&
        strncmp(sh->url, "http://", 7) == 0) {
        config_diag_warn(env->diag,
                         "[%s] sends its credentials in clear over http:// (allow_plain_http)",
                         def->name);
    }
    memset(&pc, 0, sizeof pc);
    pc.name = def->name;
    pc.url = sh->url;
    pc.base = &sh->base;
    pc.kind = STORE_KIND_COUNT;
    pc.interval_ms = cs != NULL && cs->interval_ms > 0 ? cs->interval_ms
                                                       : env->cfg->ui.refresh_ms;
    pc.max_body = (size_t)1 << 20; /* a health answer is small */
    sh->ops.decode = source_http_decode;
    sh->ops.free_row = source_http_free_row;
    sh->ops.error_text = def->error_text;
    sh->poller = poller_new(env->loop, env->http, env->pool, env->store, &pc, &sh->ops, sh);
    return sh;
}

void source_http_op_start(void *s)
{
    struct source_http *sh = s;

    poller_start(sh->poller);
}

void source_http_op_stop(void *s)
{
    struct source_http *sh = s;

    poller_stop(sh->poller);
}

void source_http_op_fini(void *s)
{
    source_http_free(s);
}

const struct source_health *source_http_op_health(void *s)
{
    struct source_http *sh = s;

    return poller_health(sh->poller);
}

const char *source_http_op_url(void *s)
{
    struct source_http *sh = s;

    return sh->url;
}

const struct http_stats *source_http_op_stats(void *s)
{
    struct source_http *sh = s;

    return &sh->stats;
}

const struct http_opts *source_http_base(const struct source_http *sh)
{
    return &sh->base;
}

struct http *source_http_client(const struct source_http *sh)
{
    return sh->env.http;
}

void source_http_set_extra(struct source_http *sh, void *extra, void (*free_fn)(void *))
{
    sh->extra = extra;
    sh->extra_free = free_fn;
}

void *source_http_extra(const struct source_http *sh)
{
    return sh->extra;
}

void source_http_probe_init(const struct source_http *sh, const char *url,
                            struct source_probe *p)
{
    memset(p, 0, sizeof *p);
    p->url = xstrdup(url);
    p->tls = strncmp(url, "https://", 8) != 0 ? -1 : sh->base.insecure ? 0 : 1;
    p->auth = sh->base.bearer != NULL || sh->base.username != NULL ? 1 : -1;
}

bool source_http_probe_result(const struct source_http *sh, struct http_result *res,
                              double rtt_ms, struct source_probe *p)
{
    char *about = NULL, *why = NULL;
    enum source_http_verdict v;

    p->rtt_ms = rtt_ms;
    if (res->error != NULL && res->failure != HTTP_FAIL_NONE && res->status == 0) {
        p->reachable = false;
        p->error = source_http_error(sh, 0, NULL, 0, res->error);
        return false;
    }
    p->reachable = true;
    if (res->status == 401 || res->status == 403) {
        char *msg = source_http_error(sh, res->status, res->body, res->body_len, NULL);

        p->auth = 0;
        p->error = xasprintf("credentials rejected: %s", msg);
        free(msg);
        return false;
    }
    if (res->error != NULL || res->status < 200 || res->status >= 300) {
        p->error = source_http_error(sh, res->status, res->body, res->body_len, res->error);
        return false;
    }
    v = sh->def->answer(res->body, res->body_len, sh->user, &about, &why);
    p->about = about;
    if (v == SOURCE_HTTP_REJECTED) {
        p->auth = 0;
    }
    if (v != SOURCE_HTTP_OK) {
        p->error = why != NULL ? why : xstrdup("not the answer expected");
        return false;
    }
    free(why);
    return true;
}

struct source_http_probe {
    struct source_http *sh;
    source_probe_fn done;
    void *arg;
    int64_t t0;
    struct source_probe res;
};

static void source_http_probed(struct http_req *req, struct http_result *res, void *arg)
{
    struct source_http_probe *pr = arg;

    (void)req;
    source_http_probe_result(pr->sh, res, (double)(loop_now_ms() - pr->t0), &pr->res);
    pr->done(&pr->res, pr->arg);
    source_probe_fini(&pr->res);
    free(pr);
}

void source_http_op_probe(void *s, source_probe_fn done, void *arg)
{
    struct source_http *sh = s;

    source_http_probe_with(sh, &sh->base, done, arg);
}

void source_http_probe_with(struct source_http *sh, const struct http_opts *base,
                            source_probe_fn done, void *arg)
{
    struct source_http_probe *pr = xcalloc(1, sizeof *pr);
    struct http_opts o = *base;

    pr->sh = sh;
    pr->done = done;
    pr->arg = arg;
    pr->t0 = loop_now_ms();
    source_http_probe_init(sh, sh->url, &pr->res);
    o.url = sh->url;
    o.timeout_ms = 20000;
    o.max_body = (size_t)4 << 20;
    http_start(sh->env.http, &o, NULL, source_http_probed, pr);
}
