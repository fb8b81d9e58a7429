/* What the files of core/mapr/ share: the source's state (mapr_source.c), its streams
 * (mapr_streams.c) and its details (mapr_detail.c). Loop thread only. */
#ifndef GC_CORE_MAPR_MAPR_INT_H
#define GC_CORE_MAPR_MAPR_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/mapr/mapr_model.h"
#include "core/poller.h"
#include "core/source.h"

struct mapr_src;

/* A list the source polls. */
struct mapr_poll {
    struct mapr_src *src;
    struct poller *poller;
    struct poller_ops ops;
    struct mapr_strm *stream; /* the stream a stream poll is about, else NULL */
    /* the hash (mapr_body_hash()) of the last answer stored, for the lists that skip an
     * answer saying the same again: read by the decoder on a worker */
    _Atomic uint64_t last_hash;
};

/* A request of the source's own beside the pollers (topic info, HttpFS, a detail). */
struct mapr_req {
    struct mapr_src *src;
    struct http_req *req;
    struct mapr_req *prev, *next;
    void (*done)(struct mapr_req *q, struct http_result *res);
    char *key;                /* the topic's or volume's uid */
    struct source_call *call; /* a detail's */
};

struct source_call {
    struct mapr_req *q;
    source_reply_fn done;
    void *arg;
};

/* A stream named in the configuration. */
struct mapr_strm {
    char *path;
    const struct config_dataset *ds;
    struct mapr_poll info, topics;
    struct mapr_stream *last; /* the last stream info (owned) */
    char **topic_uids;        /* its topics in the store */
    size_t ntopics;
    bool table; /* the table list names the path: its polls are stopped */
};

struct mapr_src {
    struct source_env env;
    struct source_http *sh; /* credentials, TLS, the probe */
    char *base;             /* [mapr] url without its trailing slashes */
    char *httpfs;           /* [mapr] httpfs, or NULL */
    int64_t interval_ms;
    struct tenant_pattern *tp;
    struct store_tenancy tenancy;
    struct mapr_poll volumes, alarms, snapshots, tables;
    uint32_t epoch; /* of the last volume or table list stored (their sweeps) */
    struct mapr_strm *streams;
    size_t nstreams;
    struct mapr_snapshot_sum *snaps; /* the last snapshot list, per volume */
    size_t nsnaps;
    struct mapr_req *reqs; /* in flight */
    char *httpfs_error;    /* why a GETFILESTATUS of the last round failed (:sources) */
    char *httpfs_round;    /* the same for the round in flight */
    bool running;
    bool snapshots_started; /* after the first volume list (mapr_volumes_applied()) */
};

/* Rows decoded by a worker, for an applied hook to store (poller_decode.extra). */
struct mapr_rows {
    struct store_row **rows;
    size_t n;
    void (*free_row)(struct store_row *);
    uint64_t hash;  /* of the answer from its "status" on (the envelope's clock aside) */
    bool unchanged; /* the answer is the last one stored again: no rows decoded */
};

/* ---- mapr_source.c ---- */

/* The tenant a volume name or stream path belongs to (interned), or NULL. */
const char *mapr_tenant_of_name(struct mapr_src *ms, const char *name);
/* What the configuration expects of a dataset called `name`. */
void mapr_expect(struct mapr_src *ms, const char *name, struct mapr_expect *x);
/* A GET of the source's own beside the pollers, with its credentials; `done` runs on the
 * loop thread (not after mapr_stop()); `key` is copied. */
void mapr_req_start(struct mapr_src *ms, const char *url, const char *key,
                    void (*done)(struct mapr_req *, struct http_result *),
                    struct source_call *call);
void mapr_req_unlink(struct mapr_req *q);
/* s URL-escaped ('/' kept); caller frees. */
char *mapr_escape(const char *s);
struct mapr_rows *mapr_rows_new(void **rows, size_t n, void (*free_row)(struct store_row *));
void mapr_rows_free(void *extra);
/* A poller of the source on `url` (copied); its hooks get `mp` when stream_arg, else ms. */
void mapr_poll_init(struct mapr_src *ms, struct mapr_poll *mp, const char *name, const char *url,
                    void (*decode)(const char *, size_t, struct poller_decode *, void *),
                    void (*applied)(struct poller_decode *, void *), void (*free_extra)(void *),
                    bool stream_arg);

/* FNV-1a of an answer from its "status" member on: what it says, without the envelope's
 * "timestamp" and "timeofday", which change with every answer. */
uint64_t mapr_body_hash(const char *body, size_t len);

/* ---- mapr_streams.c ---- */

/* The streams [dataset PATH] sections name, each with its two pollers. */
void mapr_streams_init(struct mapr_src *ms);
/* Stores the stream's row again: its info, its topics' sums, whether its polls fail; none
 * when the table list names its path. */
void mapr_stream_compose(struct mapr_src *ms, struct mapr_strm *st);
/* After a table list: stops the stream's polls when the list names its path (starts them
 * again when it no longer does), and composes its row. Not from the stream's own hooks. */
void mapr_stream_table(struct mapr_src *ms, struct mapr_strm *st);

/* ---- mapr_detail.c ---- */

struct source_call *mapr_perform(void *s, const struct source_request *r, source_reply_fn done,
                                 void *arg);
void mapr_cancel(void *s, struct source_call *c);
const char *mapr_tenant_of(void *s, const struct source_request *r);

#endif
