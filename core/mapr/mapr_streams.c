/* The MapR source's streams (mapr_int.h): each [dataset PATH] section naming one path is a
 * stream, polled with /rest/stream/info and /rest/stream/topic/list; after each topic list,
 * /rest/stream/topic/info of every topic gives its partitions' newest message. The stream's
 * row sums its topics (partitions, the largest lag, the newest message). A path the table
 * list names is a table's: no stream row, and its stream polls stop while the table is
 * listed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/mapr/mapr_int.h"
#include "core/xalloc.h"

/* The stream's row again: its info and its topics' sums. */
void mapr_stream_compose(struct mapr_src *ms, struct mapr_strm *st)
{
    struct store_table *t = store_table(ms->env.store, STORE_MAPR_STREAM);
    const struct mapr_stream *old;
    struct store_table *tt = store_table(ms->env.store, STORE_MAPR_TOPIC);
    struct mapr_stream *s;
    const struct source_health *h = poller_health(st->info.poller);
    const struct source_health *ht = poller_health(st->topics.poller);
    const struct store_row *table =
        store_get(store_table(ms->env.store, STORE_MAPR_VOLUME), st->path);

    if (table != NULL) {
        store_del(t, st->path); /* the path is a table's (its row says so): not a stream */
        return;
    }
    if (st->last != NULL) {
        s = mapr_stream_dup(st->last);
    } else {
        s = xcalloc(1, sizeof *s);
        s->path = xstrdup(st->path);
        s->row.uid = xstrdup(st->path);
        s->physical_b = s->logical_b = s->ttl_s = -1;
        s->ntopics = -1;
    }
    free(s->error);
    s->error = NULL;
    if (h->state == SOURCE_RETRYING && h->last_error != NULL) {
        s->error = xstrdup(h->last_error);
    } else if (ht->state == SOURCE_RETRYING && ht->last_error != NULL) {
        s->error = xstrdup(ht->last_error);
    }
    s->partitions = st->ntopics > 0 ? 0 : -1;
    s->maxlag = -1;
    s->newest_ms = -1;
    for (size_t i = 0; i < st->ntopics; i++) {
        const struct mapr_topic *tp = (const struct mapr_topic *)store_get(tt, st->topic_uids[i]);

        if (tp == NULL) {
            continue;
        }
        s->partitions += tp->partitions > 0 ? tp->partitions : 0;
        s->maxlag = tp->maxlag > s->maxlag ? tp->maxlag : s->maxlag;
        s->newest_ms = tp->newest_ms > s->newest_ms ? tp->newest_ms : s->newest_ms;
    }
    if (st->ntopics > 0 || s->ntopics < 0) {
        s->ntopics = (int)st->ntopics;
    }
    mapr_expect(ms, st->path, &s->x);
    old = (const struct mapr_stream *)store_get(t, s->row.uid);
    if (old != NULL && mapr_stream_same(s, old)) {
        mapr_stream_free(&s->row); /* nothing new: views need not rebuild */
        return;
    }
    store_put(t, &s->row);
}

void mapr_stream_table(struct mapr_src *ms, struct mapr_strm *st)
{
    bool table = store_get(store_table(ms->env.store, STORE_MAPR_VOLUME), st->path) != NULL;

    if (table && !st->table) {
        st->table = true; /* not asked about as a stream while the table is listed */
        poller_stop(st->info.poller);
        poller_stop(st->topics.poller);
    } else if (!table && st->table && ms->running) {
        st->table = false; /* the table is gone: the path may be a stream after all */
        poller_start(st->info.poller);
        poller_start(st->topics.poller);
    }
    mapr_stream_compose(ms, st);
}

static void mapr_info_decode(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    struct mapr_poll *mp = arg;

    out->extra = mapr_parse_stream_info(mp->stream->path, body, len, &out->error);
}

static void mapr_info_free(void *extra)
{
    mapr_stream_free(extra);
}

static void mapr_info_applied(struct poller_decode *d, void *arg)
{
    struct mapr_poll *mp = arg;

    if (d != NULL && d->extra != NULL) {
        mapr_stream_free((struct store_row *)mp->stream->last);
        mp->stream->last = d->extra;
        d->extra = NULL;
    }
    mapr_stream_compose(mp->src, mp->stream);
}

static void mapr_topics_decode(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    struct mapr_poll *mp = arg;
    size_t n;
    struct mapr_topic **t = mapr_parse_topics(mp->stream->path, body, len, &n, &out->error);

    if (t != NULL) {
        out->extra = mapr_rows_new((void **)t, n, mapr_topic_free);
    }
}

static void mapr_topic_info_done(struct mapr_req *q, struct http_result *res)
{
    struct mapr_src *ms = q->src;
    struct store_table *t = store_table(ms->env.store, STORE_MAPR_TOPIC);
    const struct mapr_topic *old = (const struct mapr_topic *)store_get(t, q->key);
    struct mapr_topic tmp;
    char *err = NULL;

    if (old == NULL || res->error != NULL || res->status != 200) {
        return;
    }
    tmp = *old;
    if (mapr_parse_topic_info(res->body, res->body_len, &tmp, &err) != 0) {
        free(err);
        return;
    }
    if (tmp.newest_ms != old->newest_ms || tmp.maxoffset != old->maxoffset) {
        struct mapr_topic *c = xmalloc(sizeof *c);

        *c = tmp;
        c->row.uid = xstrdup(old->row.uid);
        c->stream = xstrdup(old->stream);
        c->name = xstrdup(old->name);
        store_put(t, &c->row);
        for (size_t i = 0; i < ms->nstreams; i++) {
            if (strcmp(ms->streams[i].path, c->stream) == 0) {
                mapr_stream_compose(ms, &ms->streams[i]);
            }
        }
    }
}

static void mapr_topics_applied(struct poller_decode *d, void *arg)
{
    struct mapr_poll *mp = arg;
    struct mapr_src *ms = mp->src;
    struct mapr_strm *st = mp->stream;
    struct store_table *t = store_table(ms->env.store, STORE_MAPR_TOPIC);
    struct mapr_rows *r = d != NULL ? d->extra : NULL;
    char *path = mapr_escape(st->path);

    if (r != NULL) {
        char **uids = xcalloc(r->n + 1, sizeof *uids);

        for (size_t i = 0; i < r->n; i++) {
            struct mapr_topic *tp = (struct mapr_topic *)r->rows[i];
            const struct mapr_topic *old = (const struct mapr_topic *)store_get(t, tp->row.uid);

            if (old != NULL) {
                tp->newest_ms = old->newest_ms;
                tp->maxoffset = old->maxoffset;
            }
            tp->tenant = mapr_tenant_of_name(ms, st->path);
            uids[i] = xstrdup(tp->row.uid);
            if (old != NULL && mapr_topic_same(tp, old)) {
                mapr_topic_free(&tp->row); /* unchanged: kept */
                continue;
            }
            store_put(t, &tp->row);
        }
        /* topics gone from the stream */
        for (size_t i = 0; i < st->ntopics; i++) {
            bool kept = false;

            for (size_t k = 0; k < r->n && !kept; k++) {
                kept = strcmp(uids[k], st->topic_uids[i]) == 0;
            }
            if (!kept) {
                store_del(t, st->topic_uids[i]);
            }
            free(st->topic_uids[i]);
        }
        free(st->topic_uids);
        st->topic_uids = uids;
        st->ntopics = r->n;
        r->n = 0;
    }
    for (size_t i = 0; i < st->ntopics; i++) {
        const char *topic = strrchr(st->topic_uids[i], ':') + 1;
        char *et = mapr_escape(topic);
        char *url = xasprintf("%s/rest/stream/topic/info?path=%s&topic=%s", ms->base, path, et);

        mapr_req_start(ms, url, st->topic_uids[i], mapr_topic_info_done, NULL);
        free(url);
        free(et);
    }
    free(path);
    mapr_stream_compose(ms, st);
}

void mapr_streams_init(struct mapr_src *ms)
{
    const struct gc_config *cfg = ms->env.cfg;
    char *url;

    ms->streams = xcalloc(cfg->ndatasets + 1, sizeof *ms->streams);
    for (size_t i = 0; i < cfg->ndatasets; i++) {
        const char *name = cfg->datasets[i].name;
        struct mapr_strm *st;
        char *path;

        if (name[0] != '/' || strpbrk(name, "*?") != NULL) {
            continue;
        }
        st = &ms->streams[ms->nstreams++];
        st->path = xstrdup(name);
        st->ds = &cfg->datasets[i];
        st->info.stream = st;
        st->topics.stream = st;
        path = mapr_escape(name);
        url = xasprintf("%s/rest/stream/info?path=%s", ms->base, path);
        mapr_poll_init(ms, &st->info, "mapr stream", url, mapr_info_decode, mapr_info_applied,
                       mapr_info_free, true);
        free(url);
        url = xasprintf("%s/rest/stream/topic/list?path=%s", ms->base, path);
        mapr_poll_init(ms, &st->topics, "mapr topics", url, mapr_topics_decode, mapr_topics_applied,
                       mapr_rows_free, true);
        free(url);
        free(path);
    }
}
