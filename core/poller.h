/* The shared poller of the polled REST sources (metrics.k8s.io, Nagios, ServiceNow, MapR,
 * KrakenD): one GET of one URL every interval, and everything around it that every such
 * source needs alike.
 *
 * - Timers are aligned (to whole seconds by default) so that sources due at the same moment
 *   share one wakeup; at most one poll is in flight (a paged one may ask for its next page
 *   while a page decodes, see below), and the next poll is timed from the start of the last
 *   one.
 * - A 2xx body is decoded on the worker pool by the source's decode hook into rows of one
 *   store kind; the loop puts them into the store in slices (a few thousand rows a pass) and
 *   sweeps the rows the poll did not return (mark and sweep). A decode that finishes after
 *   the poller was stopped is dropped.
 * - A source may page a poll and make it incremental (its url hook): each page is asked for
 *   once the one before is decoded and applied, while the decode says more follow, or, when
 *   the answer's X-Total-Count tells the source there is a next page (its ahead hook), at
 *   once, so that it travels while the one before is decoded (pages are still applied in
 *   order, one at a time); the rows of every page are swept together after the last. A
 *   partial poll (only the changes since the last) adds its rows and sweeps nothing.
 * - ETag and Last-Modified of an answer are sent back as If-None-Match / If-Modified-Since;
 *   a 304 keeps the rows and counts as a success.
 * - Failures back off (core/backoff.h: from the interval or 5 s, whichever is shorter,
 *   doubling to 5 minutes, with jitter); a 429 or 503 with Retry-After waits as long as the
 *   server asks (up to an hour); 401 and 403 are "credentials rejected" and retried every
 *   5 minutes; the per-request timeout and the size cap (64 MiB by default) fail cleanly.
 * - Health (core/source_health.h): state, last success, last error with its kind, and
 *   staleness once the last success is older than three intervals ("stale since 14:02").
 *
 * Credentials and TLS come in `base` (core/http.h): the poller never writes them anywhere.
 * Only the loop thread calls these functions. */
#ifndef GC_CORE_POLLER_H
#define GC_CORE_POLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/http.h"
#include "core/source_health.h"
#include "core/store.h"

struct loop;
struct workpool;
struct poller;

enum poller_state {
    POLLER_UNKNOWN, /* no answer yet */
    POLLER_OK,      /* the last poll succeeded (or answered 304) */
    POLLER_ABSENT,  /* the API is not served (the absent hook said so): no rows */
    POLLER_FAILING, /* the last poll failed; the rows of the last good one stay */
};

/* What a decode produces, on a worker thread. */
struct poller_decode {
    struct store_row **rows; /* owned until applied */
    size_t nrows, cap;
    char *error;             /* the answer cannot be used: one line, owned (xasprintf) */
    bool rejected;           /* with error: the answer says the credentials are not enough
                                (an empty answer for this user): counted as rejected */
    void *extra;             /* anything else for the applied hook; freed by free_extra */
    size_t fast;             /* for the log line: rows read by a fast path */
    size_t extra_rows;       /* for the log line: rows in extra, which the applied hook puts
                                into the store itself */
    bool more;               /* a paged poll: another page follows this one (the url hook is
                                asked for it); ignored on a page without rows */
};

/* Adds a row (ownership passes) to the decode's result. */
void poller_decode_push(struct poller_decode *d, struct store_row *row);

struct poller_ops {
    /* Worker thread: the rows of a 2xx answer, into *out (body borrowed; it may be modified
     * in place). Touches nothing shared. */
    void (*decode)(const char *body, size_t len, struct poller_decode *out, void *arg);
    /* Frees a row that never reached the store (a decode dropped or a poll stopped). */
    void (*free_row)(struct store_row *row);
    /* Optional, loop thread: true when an answer with `status` means the API is not served
     * (a 404): no rows, no failure, asked again after absent_retry_ms. `ever_ok` is whether
     * a poll has ever succeeded. */
    bool (*absent)(long status, bool ever_ok, void *arg);
    /* Optional, loop thread: one line for a failed answer (caller frees). Default: the
     * transport error, else "HTTP <status>". The text must not contain credentials. */
    char *(*error_text)(long status, const char *body, size_t len, const char *transport);
    /* Optional, loop thread: the poll's rows are in the store (d->rows already given away,
     * d->extra still there), or it answered 304 (d NULL). A paged poll calls it after each
     * page: d->more is false on the last. */
    void (*applied)(struct poller_decode *d, void *arg);
    /* Optional, loop thread: the URL of page `page` of a poll (caller frees), instead of
     * poller_config.url: page 0 starts a poll, page n+1 follows a page whose decode said
     * `more`. Set *partial (false on entry) on page 0 when the poll lists only what changed
     * since an earlier one: nothing is swept after it. NULL on page 0: nothing to poll yet,
     * asked again after a second; NULL on a later page ends the poll there. No conditional
     * requests with it. */
    char *(*url)(void *arg, size_t page, bool *partial);
    /* Optional, loop thread, with url: whether page `page` exists, given the X-Total-Count
     * of the page before (`total`, records the query matches): it is then asked for while
     * the page before is decoded. */
    bool (*ahead)(void *arg, size_t page, long long total);
    /* Optional: frees d->extra (on any thread). */
    void (*free_extra)(void *extra);
};

struct poller_config {
    const char *name;        /* for messages: "pod metrics", "nagios"; static */
    const char *url;         /* copied */
    const struct http_opts *base; /* credentials and TLS; its strings borrowed for the
                                     poller's life; url and method are ignored */
    enum store_kind kind;    /* where the rows go; STORE_KIND_COUNT = rows are not kept */
    int64_t interval_ms;     /* required, > 0 */
    int64_t timeout_ms;      /* per request; 0 = 60 s */
    size_t max_body;         /* 0 = 64 MiB */
    int64_t absent_retry_ms; /* 0 = 5 minutes */
    int64_t backoff_max_ms;  /* 0 = 5 minutes */
    int64_t rejected_retry_ms; /* after 401/403; 0 = 5 minutes */
    int64_t align_ms;        /* 0 = 1000 */
    size_t slice;            /* rows put into the store per loop pass; 0 = 4096 */
    struct http_stats *stats;/* counters to add to (the source's), or NULL */
};

/* Counters, for tests, :sources and `make bench`. */
struct poller_stats {
    size_t requests;     /* GETs started */
    size_t polls;        /* answers applied to the store */
    size_t not_modified; /* 304s */
    size_t absent;       /* answers that said the API is absent */
    size_t failures;     /* other failed answers */
    size_t rows;         /* rows of the last applied poll (all its pages) */
    size_t fast;         /* of them, read by the decoder's fast path */
    size_t bytes;        /* body of the last applied poll (all its pages) */
    size_t pages;        /* requests of the last applied poll */
    bool partial;        /* the last applied poll listed only changes */
    double fetch_ms;     /* request start to the answer, last poll */
    double decode_ms;    /* worker time decoding the last poll */
    double apply_ms;     /* loop time applying it (all slices) */
    double apply_max_ms; /* the longest single slice of it */
    int64_t last_delay_ms; /* the delay chosen after the last answer (tests: back-off) */
};

/* Nothing starts until poller_start(). `ops` and `arg` are borrowed. */
struct poller *poller_new(struct loop *l, struct http *h, struct workpool *pool,
                          struct store *s, const struct poller_config *cfg,
                          const struct poller_ops *ops, void *arg);

/* Polls at once, then every interval. */
void poller_start(struct poller *p);

/* Polls now (a change was just made), unless a poll is in progress; the interval counts
 * from this one. */
void poller_poke(struct poller *p);

/* Cancels the request, the timers and a partly applied poll; decodes still in the pool are
 * dropped when they finish (free the workpool first when freeing both, as for the k8s
 * client). Rows stay in the store. */
void poller_stop(struct poller *p);
void poller_free(struct poller *p);

enum poller_state poller_state(const struct poller *p);

/* Health, with staleness as of now. Borrowed until the next loop pass. */
const struct source_health *poller_health(struct poller *p);

void poller_stats(const struct poller *p, struct poller_stats *out);

/* The URL polled. Borrowed. */
const char *poller_url(const struct poller *p);

#endif
