/* d and y on MapR's rows (mapr_source.h): /rest/volume/info, /rest/table/info (a table's row),
 * /rest/stream/info or /rest/stream/topic/info of the object, every field MapR returns, as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"
#include "core/mapr/mapr_int.h"
#include "core/mapr/mapr_source.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

struct mapr_detail {
    enum store_kind kind;
    char *key; /* volume name, stream path, "PATH:TOPIC" */
};

static void mapr_detail_free(void *priv)
{
    struct mapr_detail *d = priv;

    if (d != NULL) {
        free(d->key);
        free(d);
    }
}

static const struct source_request_ops mapr_request_ops = {.free = mapr_detail_free};

struct source_request *mapr_request_detail(enum store_kind kind, const char *key,
                                           const char *tenant)
{
    struct source_request *r;
    struct mapr_detail *d;

    if (kind != STORE_MAPR_VOLUME && kind != STORE_MAPR_STREAM && kind != STORE_MAPR_TOPIC) {
        return NULL;
    }
    r = source_request_new("mapr", SOURCE_OP_DETAIL, ACCESS_VIEW, "describe");
    d = xcalloc(1, sizeof *d);
    d->kind = kind;
    d->key = xstrdup(key);
    r->ops = &mapr_request_ops;
    r->priv = d;
    r->detail = SOURCE_DETAIL_JSON;
    r->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
    r->target = xasprintf("mapr/%s", key);
    r->title = xstrdup(key);
    return r;
}

static void mapr_detail_done(struct mapr_req *q, struct http_result *res)
{
    struct source_call *c = q->call;
    struct source_reply reply = {.status = res->status};
    char *err = NULL;

    if (res->error != NULL || res->status < 200 || res->status >= 300) {
        char *raw = mapr_error_text(res->status, res->body, res->body_len, res->error);

        reply.error = sanitize_dup(raw);
        free(raw);
    } else {
        void *data = mapr_envelope(res->body, res->body_len, &err);

        if (data == NULL) {
            reply.error = err;
        } else {
            reply.ok = true;
            reply.text = mapr_array_text(data);
            mapr_array_free(data);
        }
    }
    c->done(&reply, c->arg);
    free(reply.text);
    free(reply.error);
    free(c);
}

struct source_call *mapr_perform(void *s, const struct source_request *r, source_reply_fn done,
                                 void *arg)
{
    struct mapr_src *ms = s;
    const struct mapr_detail *d = r->priv;
    struct source_call *c = xcalloc(1, sizeof *c);
    char *url, *k;

    c->done = done;
    c->arg = arg;
    if (d->kind == STORE_MAPR_VOLUME && d->key[0] == '/') { /* a table's row: its path */
        k = mapr_escape(d->key);
        url = xasprintf("%s/rest/table/info?path=%s", ms->base, k);
    } else if (d->kind == STORE_MAPR_VOLUME) {
        k = mapr_escape(d->key);
        url = xasprintf("%s/rest/volume/info?name=%s", ms->base, k);
    } else if (d->kind == STORE_MAPR_STREAM) {
        k = mapr_escape(d->key);
        url = xasprintf("%s/rest/stream/info?path=%s", ms->base, k);
    } else {
        const char *colon = strrchr(d->key, ':');
        char *path = xstrndup(d->key, colon != NULL ? (size_t)(colon - d->key) : strlen(d->key));
        char *ep = mapr_escape(path);

        k = mapr_escape(colon != NULL ? colon + 1 : "");
        url = xasprintf("%s/rest/stream/topic/info?path=%s&topic=%s", ms->base, ep, k);
        free(ep);
        free(path);
    }
    mapr_req_start(ms, url, d->key, mapr_detail_done, c);
    free(url);
    free(k);
    return c;
}

void mapr_cancel(void *s, struct source_call *c)
{
    struct mapr_src *ms = s;

    if (c == NULL || c->q == NULL) {
        return;
    }
    mapr_req_unlink(c->q);
    http_cancel(ms->env.http, c->q->req);
    free(c->q->key);
    free(c->q);
    free(c);
}

const char *mapr_tenant_of(void *s, const struct source_request *r)
{
    struct mapr_src *ms = s;
    const struct mapr_detail *d = r->priv;

    return d != NULL ? mapr_tenant_of_name(ms, d->key) : NULL;
}
