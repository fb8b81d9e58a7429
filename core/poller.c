/* The shared poller: interval, conditional GET, decode on a worker, apply in slices, back-off,
 * Retry-After, staleness. */
#include "core/poller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/backoff.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/store_impl.h"
#include "core/workpool.h"
#include "core/xalloc.h"

#define POLLER_MINUTES_5 (5 * 60 * 1000)
#define POLLER_RETRY_AFTER_MAX_MS (60 * 60 * 1000)
#define POLLER_STALE_INTERVALS 3

struct poller_job;

struct poller {
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store *store;
    const struct poller_ops *ops;
    void *arg;
    struct poller_config cfg;
    struct http_opts base;
    char *url;
    enum poller_state state;
    bool ever_ok;
    bool busy;                /* a request, a decode or an apply is in progress */
    uint64_t run;             /* bumped by stop: decodes of an older run are dropped */
    uint32_t epoch;           /* mark of the rows of the poll being applied */
    int64_t started_ms;       /* when the current request started */
    int64_t poll_started_ms;  /* when the current poll's first request started */
    size_t page;              /* the page of the poll being asked for or applied (url hook) */
    bool partial;             /* the poll lists only changes: nothing is swept after it */
    size_t poll_rows, poll_fast, poll_bytes; /* of the pages of this poll applied so far */
    double poll_fetch_ms, poll_decode_ms;
    struct http_req *req;
    /* The next page, asked for while this one is decoded (ops->ahead): its request, or its
     * answer kept until this page is applied (body taken, error copied). */
    struct http_req *ahead_req;
    struct http_result ahead_res;
    bool ahead, ahead_done;   /* a next page was asked for; its answer is in ahead_res */
    bool ahead_wanted;        /* this page is applied: the next one goes on when it comes */
    int64_t ahead_started_ms;
    double ahead_fetch_ms;
    struct loop_timer *timer; /* the next poll */
    struct loop_timer *slice; /* the next apply slice */
    struct loop_timer *stale; /* when the data turns stale */
    struct poller_job *applying;
    size_t applied;           /* rows of `applying` already in the store */
    char *etag, *last_modified;
    struct backoff backoff;
    struct source_health health;
    struct poller_stats stats;
};

struct poller_job {
    struct poller *p;
    uint64_t run;
    char *body;
    size_t len;
    struct poller_decode d;
    double decode_ms;
    double fetch_ms;
};

static void poller_poll(struct poller *p);

static double poller_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int64_t poller_wall(void)
{
    return (int64_t)time(NULL);
}

void poller_decode_push(struct poller_decode *d, struct store_row *row)
{
    if (d->nrows == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->rows = xrealloc(d->rows, d->cap * sizeof *d->rows);
    }
    d->rows[d->nrows++] = row;
}

/* Frees a job and the rows from `first_owned` on (those not in the store). */
static void poller_job_free(struct poller_job *job, size_t first_owned)
{
    const struct poller_ops *ops = job->p->ops;

    for (size_t i = first_owned; i < job->d.nrows; i++) {
        ops->free_row(job->d.rows[i]);
    }
    if (job->d.extra != NULL && ops->free_extra != NULL) {
        ops->free_extra(job->d.extra);
    }
    free(job->d.rows);
    free(job->d.error);
    free(job->body);
    free(job);
}

static void poller_stale_fire(void *arg)
{
    struct poller *p = arg;

    p->stale = NULL;
    source_health_stale(&p->health, true);
}

/* Arms the staleness timer three intervals after the last success. */
static void poller_stale_arm(struct poller *p)
{
    loop_timer_cancel(p->loop, p->stale);
    p->stale = loop_timer_add(p->loop, p->cfg.interval_ms * POLLER_STALE_INTERVALS,
                              poller_stale_fire, p);
}

static void poller_fire(void *arg)
{
    struct poller *p = arg;

    p->timer = NULL;
    poller_poll(p);
}

/* Forgets the next page asked for ahead: its request, or its answer. */
static void poller_ahead_drop(struct poller *p)
{
    if (p->ahead_req != NULL) {
        http_cancel(p->http, p->ahead_req);
        p->ahead_req = NULL;
    }
    free(p->ahead_res.body);
    free((char *)p->ahead_res.error);
    memset(&p->ahead_res, 0, sizeof p->ahead_res);
    p->ahead = p->ahead_done = p->ahead_wanted = false;
}

/* The poll is over: the next one in `delay_ms`, on an aligned tick. */
static void poller_schedule(struct poller *p, int64_t delay_ms)
{
    poller_ahead_drop(p);
    p->busy = false;
    p->stats.last_delay_ms = delay_ms;
    loop_timer_cancel(p->loop, p->timer);
    p->timer = loop_timer_add_aligned(p->loop, delay_ms > 0 ? delay_ms : 0, p->cfg.align_ms,
                                      poller_fire, p);
}

static void poller_succeeded(struct poller *p)
{
    p->state = POLLER_OK;
    p->ever_ok = true;
    backoff_reset(&p->backoff);
    source_health_ok(&p->health, SOURCE_OK, poller_wall());
    poller_stale_arm(p);
    poller_schedule(p, p->poll_started_ms + p->cfg.interval_ms - loop_now_ms());
}

/* A failed poll: say why and when it will be tried again. `retry_after_s` >= 0 is the
 * server's wish (429/503). */
static void poller_failed(struct poller *p, enum source_fault fault, long status, const char *msg,
                          long retry_after_s)
{
    int64_t delay;

    p->stats.failures++;
    p->state = POLLER_FAILING;
    if (fault == SOURCE_FAULT_AUTH) {
        char *m = xasprintf("credentials rejected: %s", msg);

        source_health_fault(&p->health, fault, status, m, poller_wall());
        free(m);
        backoff_next(&p->backoff);
        delay = p->cfg.rejected_retry_ms;
    } else {
        source_health_fault(&p->health, fault, status, msg, poller_wall());
        delay = backoff_next(&p->backoff);
    }
    if (retry_after_s >= 0 && (status == 429 || status == 503)) {
        int64_t ra = (int64_t)retry_after_s * 1000;

        delay = ra < POLLER_RETRY_AFTER_MAX_MS ? ra : POLLER_RETRY_AFTER_MAX_MS;
    }
    log_msg("poll %s failed (%s); next in %lld ms", p->cfg.name, msg, (long long)delay);
    poller_schedule(p, delay);
}

static void poller_slice_fire(void *arg);
static void poller_request(struct poller *p, const char *url);

/* A poll's GET of `url` (borrowed), conditional on the last answer's validators or not. */
static struct http_opts poller_opts(const struct poller *p, const char *url, bool conditional)
{
    struct http_opts o = p->base;

    o.url = url;
    o.method = NULL;
    o.body = NULL;
    o.stream = false;
    o.timeout_ms = p->cfg.timeout_ms;
    o.max_body = p->cfg.max_body;
    o.if_none_match = conditional ? p->etag : NULL;
    o.if_modified_since = conditional && p->etag == NULL ? p->last_modified : NULL;
    o.stats = p->cfg.stats != NULL ? p->cfg.stats : p->base.stats;
    return o;
}

static void poller_answered(struct http_req *req, struct http_result *res, void *arg);

/* The next page's answer goes on as if it came now (its fetch time kept). */
static void poller_ahead_replay(struct poller *p)
{
    struct http_result res = p->ahead_res;

    memset(&p->ahead_res, 0, sizeof p->ahead_res);
    p->ahead = p->ahead_done = p->ahead_wanted = false;
    p->started_ms = loop_now_ms() - (int64_t)p->ahead_fetch_ms;
    poller_answered(NULL, &res, p);
    free(res.body); /* NULL when taken */
    free((char *)res.error);
}

/* Whether another page of a paged poll follows this decoded one. */
static bool poller_more(const struct poller *p, const struct poller_job *job)
{
    return p->ops->url != NULL && job->d.more && job->d.nrows > 0;
}

/* The whole poll is in the store: counters, the log line `make bench` reads, the next. */
static void poller_finished(struct poller *p)
{
    p->stats.polls++;
    p->stats.rows = p->poll_rows;
    p->stats.fast = p->poll_fast;
    p->stats.bytes = p->poll_bytes;
    p->stats.pages = p->page + 1;
    p->stats.partial = p->partial;
    p->stats.decode_ms = p->poll_decode_ms;
    p->stats.fetch_ms = p->poll_fetch_ms;
    /* `make bench` reads these lines. */
    log_msg("poll %s: %zu rows (%zu by the fast path) in %zu page(s)%s, %.1f MB in %.0f ms, "
            "decode %.0f ms (worker), apply %.1f ms (loop, longest slice %.1f ms)",
            p->cfg.name, p->poll_rows, p->poll_fast, p->page + 1,
            p->partial ? " (changes only)" : "", (double)p->poll_bytes / 1048576.0,
            p->poll_fetch_ms, p->poll_decode_ms, p->stats.apply_ms, p->stats.apply_max_ms);
    poller_succeeded(p);
}

/* Puts the next slice of the decoded rows into the store; after the last, sweeps. */
static void poller_apply(struct poller *p)
{
    struct poller_job *job = p->applying;
    struct store_table *t = p->cfg.kind < STORE_KIND_COUNT ? store_table(p->store, p->cfg.kind)
                                                            : NULL;
    size_t n = job->d.nrows - p->applied;
    double t0 = poller_clock_ms(), ms;

    if (n > p->cfg.slice) {
        n = p->cfg.slice;
    }
    for (size_t i = p->applied; t != NULL && i < p->applied + n; i++) {
        job->d.rows[i]->mark = p->epoch;
        store_put(t, job->d.rows[i]);
    }
    if (t == NULL) {
        n = job->d.nrows - p->applied; /* nowhere to put them: freed with the job */
    }
    p->applied += n;
    if (p->applied == job->d.nrows && t != NULL && !poller_more(p, job) && !p->partial) {
        store_sweep(t, p->epoch);
    }
    ms = poller_clock_ms() - t0;
    p->stats.apply_ms += ms;
    p->stats.apply_max_ms = ms > p->stats.apply_max_ms ? ms : p->stats.apply_max_ms;
    if (p->applied < job->d.nrows) {
        p->slice = loop_timer_add(p->loop, 0, poller_slice_fire, p);
        return;
    }
    p->poll_rows += job->d.nrows + job->d.extra_rows;
    p->poll_fast += job->d.fast;
    p->poll_bytes += job->len;
    p->poll_fetch_ms += job->fetch_ms;
    p->poll_decode_ms += job->decode_ms;
    p->applying = NULL;
    if (poller_more(p, job) && p->ahead) {
        /* Asked for already: it goes on when it has come. */
        if (p->ops->applied != NULL) {
            p->ops->applied(&job->d, p->arg);
        }
        poller_job_free(job, t != NULL ? job->d.nrows : 0);
        p->page++;
        p->ahead_wanted = true;
        if (p->ahead_done) {
            poller_ahead_replay(p);
        }
        return;
    }
    if (poller_more(p, job)) {
        bool ignored = false;
        char *url = p->ops->url(p->arg, p->page + 1, &ignored);

        if (p->ops->applied != NULL) {
            p->ops->applied(&job->d, p->arg);
        }
        poller_job_free(job, t != NULL ? job->d.nrows : 0);
        if (url != NULL) {
            p->page++;
            poller_request(p, url);
            free(url);
            return;
        }
        if (t != NULL && !p->partial) {
            store_sweep(t, p->epoch);
        }
        poller_finished(p);
        return;
    }
    job->d.more = false;
    if (p->ops->applied != NULL) {
        p->ops->applied(&job->d, p->arg);
    }
    poller_job_free(job, t != NULL ? job->d.nrows : 0);
    poller_finished(p);
}

static void poller_slice_fire(void *arg)
{
    struct poller *p = arg;

    p->slice = NULL;
    poller_apply(p);
}

/* Worker thread. */
static void poller_work(void *arg)
{
    struct poller_job *job = arg;
    double t0 = poller_clock_ms();

    job->p->ops->decode(job->body, job->len, &job->d, job->p->arg);
    free(job->body); /* the rows are copies: the body's memory goes now */
    job->body = NULL;
    job->decode_ms = poller_clock_ms() - t0;
}

/* Loop thread: a decoded answer. */
static void poller_decoded(void *arg)
{
    struct poller_job *job = arg;
    struct poller *p = job->p;

    if (job->run != p->run) {
        poller_job_free(job, 0); /* stopped meanwhile */
        return;
    }
    if (job->d.error != NULL) {
        char *msg = xstrdup(job->d.error);
        enum source_fault fault = job->d.rejected ? SOURCE_FAULT_AUTH : SOURCE_FAULT_ANSWER;

        poller_job_free(job, 0);
        free(p->etag); /* an answer we could not use must not be asked for as "unchanged" */
        free(p->last_modified);
        p->etag = p->last_modified = NULL;
        poller_failed(p, fault, 0, msg, -1);
        free(msg);
        return;
    }
    if (p->page == 0) {
        p->stats.apply_ms = 0;
        p->stats.apply_max_ms = 0;
        p->epoch++;
    }
    p->applying = job;
    p->applied = 0;
    poller_apply(p);
}

static char *poller_default_error(long status, const char *transport)
{
    return transport != NULL ? xstrdup(transport) : xasprintf("HTTP %ld", status);
}

/* The next page's answer, while this one is still decoded or applied: kept for its turn. */
static void poller_ahead_answered(struct http_req *req, struct http_result *res, void *arg)
{
    struct poller *p = arg;

    (void)req;
    p->ahead_req = NULL;
    p->ahead_res = *res;
    res->body = NULL;
    p->ahead_res.error = res->error != NULL ? xstrdup(res->error) : NULL;
    p->ahead_res.etag = p->ahead_res.last_modified = p->ahead_res.content_type = NULL;
    p->ahead_fetch_ms = (double)(loop_now_ms() - p->ahead_started_ms);
    p->ahead_done = true;
    if (p->ahead_wanted) {
        poller_ahead_replay(p);
    }
}

/* A page of a paged poll came: the next one is asked for at once when the source says from
 * the answer's X-Total-Count that there is one (ops->ahead), so that it travels while this
 * one is decoded. */
static void poller_ask_ahead(struct poller *p, long long total_count)
{
    struct http_opts o;
    bool ignored = false;
    char *url;

    if (p->ops->url == NULL || p->ops->ahead == NULL || total_count < 0 ||
        !p->ops->ahead(p->arg, p->page + 1, total_count)) {
        return;
    }
    url = p->ops->url(p->arg, p->page + 1, &ignored);
    if (url == NULL) {
        return;
    }
    o = poller_opts(p, url, false);
    p->ahead = true;
    p->ahead_started_ms = loop_now_ms();
    p->stats.requests++;
    p->ahead_req = http_start(p->http, &o, NULL, poller_ahead_answered, p);
    free(url);
}

static void poller_answered(struct http_req *req, struct http_result *res, void *arg)
{
    struct poller *p = arg;
    struct poller_job *job;

    (void)req;
    p->req = NULL;
    if (res->error == NULL && res->status == 304) {
        p->stats.not_modified++;
        if (p->ops->applied != NULL) {
            p->ops->applied(NULL, p->arg);
        }
        poller_succeeded(p);
        return;
    }
    if (res->error == NULL && p->ops->absent != NULL &&
        p->ops->absent(res->status, p->ever_ok, p->arg)) {
        struct store_table *t =
            p->cfg.kind < STORE_KIND_COUNT ? store_table(p->store, p->cfg.kind) : NULL;

        p->stats.absent++;
        p->state = POLLER_ABSENT;
        backoff_reset(&p->backoff);
        if (t != NULL && t->count > 0) {
            store_clear(t);
        }
        source_health_ok(&p->health, SOURCE_OK, poller_wall());
        loop_timer_cancel(p->loop, p->stale);
        p->stale = NULL;
        poller_schedule(p, p->cfg.absent_retry_ms);
        return;
    }
    if (res->error != NULL || res->status < 200 || res->status >= 300) {
        char *msg = p->ops->error_text != NULL
                        ? p->ops->error_text(res->status, res->body, res->body_len, res->error)
                        : poller_default_error(res->status, res->error);

        poller_failed(p, source_fault_of((int)res->failure, res->status), res->status, msg,
                      res->retry_after_s);
        free(msg);
        return;
    }
    free(p->etag);
    free(p->last_modified);
    p->etag = res->etag != NULL ? xstrdup(res->etag) : NULL;
    p->last_modified = res->last_modified != NULL ? xstrdup(res->last_modified) : NULL;
    job = xcalloc(1, sizeof *job);
    job->p = p;
    job->run = p->run;
    job->body = res->body;
    job->len = res->body_len;
    job->fetch_ms = (double)(loop_now_ms() - p->started_ms);
    res->body = NULL;
    workpool_submit(p->pool, poller_work, poller_decoded, job);
    poller_ask_ahead(p, res->total_count);
}

/* Starts the request of `url` (copied by http) for the current poll. */
static void poller_request(struct poller *p, const char *url)
{
    struct http_opts o = poller_opts(p, url, p->ops->url == NULL);

    p->started_ms = loop_now_ms();
    p->stats.requests++;
    p->req = http_start(p->http, &o, NULL, poller_answered, p);
}

static void poller_poll(struct poller *p)
{
    char *url = NULL;

    if (p->busy) {
        return; /* never two at once */
    }
    p->page = 0;
    p->partial = false;
    if (p->ops->url != NULL) {
        url = p->ops->url(p->arg, 0, &p->partial);
        if (url == NULL) {
            p->timer = loop_timer_add(p->loop, 1000, poller_fire, p);
            return; /* nothing to poll yet */
        }
    }
    p->busy = true;
    p->poll_started_ms = loop_now_ms();
    p->poll_rows = p->poll_fast = p->poll_bytes = 0;
    p->poll_fetch_ms = p->poll_decode_ms = 0;
    poller_request(p, url != NULL ? url : p->url);
    free(url);
}

struct poller *poller_new(struct loop *l, struct http *h, struct workpool *pool,
                          struct store *s, const struct poller_config *cfg,
                          const struct poller_ops *ops, void *arg)
{
    struct poller *p = xcalloc(1, sizeof *p);
    int64_t first;

    p->loop = l;
    p->http = h;
    p->pool = pool;
    p->store = s;
    p->ops = ops;
    p->arg = arg;
    p->cfg = *cfg;
    p->url = xstrdup(cfg->url != NULL ? cfg->url : "");
    p->cfg.url = p->url;
    if (cfg->base != NULL) {
        p->base = *cfg->base;
    }
    p->cfg.base = NULL;
    p->cfg.interval_ms = cfg->interval_ms > 0 ? cfg->interval_ms : 30000;
    p->cfg.timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 60000;
    p->cfg.max_body = cfg->max_body > 0 ? cfg->max_body : (size_t)64 << 20;
    p->cfg.absent_retry_ms = cfg->absent_retry_ms > 0 ? cfg->absent_retry_ms : POLLER_MINUTES_5;
    p->cfg.backoff_max_ms = cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : POLLER_MINUTES_5;
    p->cfg.rejected_retry_ms =
        cfg->rejected_retry_ms > 0 ? cfg->rejected_retry_ms : POLLER_MINUTES_5;
    p->cfg.align_ms = cfg->align_ms > 0 ? cfg->align_ms : 1000;
    p->cfg.slice = cfg->slice > 0 ? cfg->slice : 4096;
    first = p->cfg.interval_ms < 5000 ? p->cfg.interval_ms : 5000;
    backoff_init(&p->backoff, first, p->cfg.backoff_max_ms);
    p->health.name = cfg->name;
    return p;
}

void poller_start(struct poller *p)
{
    p->health.state = SOURCE_CONNECTING;
    p->health.version++;
    poller_poll(p);
}

void poller_poke(struct poller *p)
{
    if (p->busy) {
        return;
    }
    loop_timer_cancel(p->loop, p->timer);
    p->timer = NULL;
    poller_poll(p);
}

void poller_stop(struct poller *p)
{
    p->run++;
    if (p->req != NULL) {
        http_cancel(p->http, p->req);
        p->req = NULL;
    }
    poller_ahead_drop(p);
    loop_timer_cancel(p->loop, p->timer);
    loop_timer_cancel(p->loop, p->slice);
    loop_timer_cancel(p->loop, p->stale);
    p->timer = p->slice = p->stale = NULL;
    if (p->applying != NULL) {
        poller_job_free(p->applying, p->applied);
        p->applying = NULL;
    }
    p->busy = false;
}

void poller_free(struct poller *p)
{
    if (p == NULL) {
        return;
    }
    poller_stop(p);
    source_health_fini(&p->health);
    free(p->etag);
    free(p->last_modified);
    free(p->url);
    free(p);
}

enum poller_state poller_state(const struct poller *p)
{
    return p->state;
}

const struct source_health *poller_health(struct poller *p)
{
    return &p->health;
}

void poller_stats(const struct poller *p, struct poller_stats *out)
{
    *out = p->stats;
}

const char *poller_url(const struct poller *p)
{
    return p->url;
}
