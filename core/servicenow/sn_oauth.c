/* OAuth 2 tokens for ServiceNow. */
#include "core/servicenow/sn_oauth.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/loop.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

#define SN_OAUTH_RETRY_MS 30000
#define SN_OAUTH_EARLY_S 60

struct sn_oauth {
    struct loop *loop;
    struct http *http;
    char *token_url, *client_id, *client_secret, *user, *password, *refresh;
    const struct http_opts *tls;
    char *bearer;
    size_t bearer_size;
    sn_oauth_fn fn;
    void *arg;
    struct http_req *req;
    struct loop_timer *timer;
};

/* Wipes and frees a secret. */
static void sn_oauth_wipe(char *s)
{
    if (s != NULL) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

struct sn_oauth *sn_oauth_new(struct loop *l, struct http *h, const struct sn_oauth_config *c,
                              sn_oauth_fn fn, void *arg)
{
    struct sn_oauth *o = xcalloc(1, sizeof *o);

    o->loop = l;
    o->http = h;
    o->token_url = xstrdup(c->token_url);
    o->client_id = xstrdup(c->client_id);
    o->client_secret = xstrdup(c->client_secret);
    o->user = c->user != NULL ? xstrdup(c->user) : NULL;
    o->password = c->password != NULL ? xstrdup(c->password) : NULL;
    o->tls = c->tls;
    o->bearer = c->bearer;
    o->bearer_size = c->bearer_size;
    o->fn = fn;
    o->arg = arg;
    return o;
}

/* "a=x&b=y" of NULL-ended name/value pairs, the values escaped (caller frees and wipes). */
static char *sn_oauth_form(const char *const *kv)
{
    char *out = xstrdup("");

    for (size_t i = 0; kv[i] != NULL; i += 2) {
        char *esc = http_escape(kv[i + 1] != NULL ? kv[i + 1] : "");
        char *next = xasprintf("%s%s%s=%s", out, i > 0 ? "&" : "", kv[i], esc);

        sn_oauth_wipe(esc);
        sn_oauth_wipe(out);
        out = next;
    }
    return out;
}

static void sn_oauth_fire(void *arg);

static void sn_oauth_later(struct sn_oauth *o, int64_t ms)
{
    loop_timer_cancel(o->loop, o->timer);
    o->timer = loop_timer_add(o->loop, ms, sn_oauth_fire, o);
}

/* Why a token answer is no token: the server's error and description, else the status. */
static char *sn_oauth_why(const struct http_result *res, json_t *root)
{
    const char *e = json_string_value(json_object_get(root, "error"));
    const char *d = json_string_value(json_object_get(root, "error_description"));
    char *raw, *out;

    if (res->error != NULL) {
        raw = xasprintf("OAuth token: %s", res->error);
    } else if (e != NULL || d != NULL) {
        raw = xasprintf("OAuth token refused: HTTP %ld: %s%s%s", res->status, e != NULL ? e : "",
                        e != NULL && d != NULL ? ": " : "", d != NULL ? d : "");
    } else {
        raw = xasprintf("OAuth token refused: HTTP %ld", res->status);
    }
    out = sanitize_dup(raw);
    free(raw);
    return out;
}

static void sn_oauth_answered(struct http_req *req, struct http_result *res, void *arg)
{
    struct sn_oauth *o = arg;
    json_t *root = res->body != NULL ? json_loadb(res->body, res->body_len, 0, NULL) : NULL;
    const char *token = json_string_value(json_object_get(root, "access_token"));
    const char *refresh = json_string_value(json_object_get(root, "refresh_token"));
    json_t *exp = json_object_get(root, "expires_in");
    long long life = json_is_integer(exp)  ? json_integer_value(exp)
                     : json_is_string(exp) ? strtoll(json_string_value(exp), NULL, 10)
                                           : 1800;
    int64_t next;

    (void)req;
    o->req = NULL;
    if (res->error != NULL || res->status != 200 || token == NULL ||
        strlen(token) + 1 > o->bearer_size) {
        char *why = sn_oauth_why(res, root);

        json_decref(root);
        sn_oauth_wipe(o->refresh); /* the next try starts over */
        o->refresh = NULL;
        sn_oauth_later(o, SN_OAUTH_RETRY_MS);
        o->fn(false, why, o->arg);
        free(why);
        return;
    }
    memset(o->bearer, 0, o->bearer_size);
    memcpy(o->bearer, token, strlen(token));
    sn_oauth_wipe(o->refresh);
    o->refresh = refresh != NULL ? xstrdup(refresh) : NULL;
    json_decref(root);
    next = life > 2 * SN_OAUTH_EARLY_S ? life - SN_OAUTH_EARLY_S : life / 2;
    sn_oauth_later(o, (next > 1 ? next : 1) * 1000);
    o->fn(true, NULL, o->arg);
}

/* Asks for a token: a refresh when there is a refresh token, else the first grant. */
static void sn_oauth_ask(struct sn_oauth *o)
{
    struct http_opts h = *o->tls;
    char *body;

    if (o->refresh != NULL) {
        body = sn_oauth_form((const char *const[]){"grant_type", "refresh_token", "client_id",
                                                   o->client_id, "client_secret",
                                                   o->client_secret, "refresh_token", o->refresh,
                                                   NULL});
    } else if (o->user != NULL) {
        body = sn_oauth_form((const char *const[]){"grant_type", "password", "client_id",
                                                   o->client_id, "client_secret",
                                                   o->client_secret, "username", o->user,
                                                   "password", o->password, NULL});
    } else {
        body = sn_oauth_form((const char *const[]){"grant_type", "client_credentials",
                                                   "client_id", o->client_id, "client_secret",
                                                   o->client_secret, NULL});
    }
    h.url = o->token_url;
    h.method = "POST";
    h.body = body;
    h.content_type = "application/x-www-form-urlencoded";
    h.bearer = NULL;
    h.username = h.password = NULL;
    h.timeout_ms = 30000;
    h.max_body = (size_t)1 << 16;
    o->req = http_start(o->http, &h, NULL, sn_oauth_answered, o);
    sn_oauth_wipe(body);
}

static void sn_oauth_fire(void *arg)
{
    struct sn_oauth *o = arg;

    o->timer = NULL;
    if (o->req == NULL) {
        sn_oauth_ask(o);
    }
}

void sn_oauth_start(struct sn_oauth *o)
{
    if (o->req == NULL) {
        loop_timer_cancel(o->loop, o->timer); /* asked now instead */
        o->timer = NULL;
        sn_oauth_ask(o);
    }
}

void sn_oauth_stop(struct sn_oauth *o)
{
    if (o->req != NULL) {
        http_cancel(o->http, o->req);
        o->req = NULL;
    }
    loop_timer_cancel(o->loop, o->timer);
    o->timer = NULL;
}

void sn_oauth_free(struct sn_oauth *o)
{
    if (o == NULL) {
        return;
    }
    sn_oauth_stop(o);
    free(o->token_url);
    free(o->client_id);
    free(o->user);
    sn_oauth_wipe(o->client_secret);
    sn_oauth_wipe(o->password);
    sn_oauth_wipe(o->refresh);
    free(o);
}

struct sn_oauth *sn_oauth_configure(struct loop *l, struct http *h, const struct gc_config *cfg,
                                    const char *base, struct http_opts *opts, char *bearer,
                                    size_t bearer_size, sn_oauth_fn fn, void *arg, char **err)
{
    const struct config_source *cs = config_source_get(cfg, "servicenow");
    char *secret = config_client_secret(cfg, "servicenow", err), *url;
    struct sn_oauth *o;

    if (secret == NULL) {
        if (*err == NULL) {
            *err = xstrdup("[servicenow] client_id needs client_secret_file (mode 0600) or "
                           "$GOVCONSOLE_SERVICENOW_CLIENT_SECRET");
        }
        return NULL;
    }
    url = xasprintf("%s/oauth_token.do", base);
    o = sn_oauth_new(l, h,
                     &(struct sn_oauth_config){
                         .token_url = url,
                         .client_id = cs->client_id,
                         .client_secret = secret,
                         .user = cs->user,
                         .password = opts->password,
                         .tls = opts,
                         .bearer = bearer,
                         .bearer_size = bearer_size,
                     },
                     fn, arg);
    memset(secret, 0, strlen(secret));
    free(secret);
    free(url);
    opts->username = opts->password = NULL;
    opts->bearer = bearer;
    return o;
}
