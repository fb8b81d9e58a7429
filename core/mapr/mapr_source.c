/* MapR (HPE Data Fabric) as a source: its REST API under [mapr] url, basic auth from the
 * section (core/source_http.h), every list through the shared poller on [mapr] interval
 * (default 60 s):
 *
 * - /rest/volume/list: the volumes (STORE_MAPR_VOLUME), only the columns the rows hold;
 * - /rest/table/metadata/list: the MapR-DB tables, the only call that lists every table
 *   (STORE_MAPR_VOLUME rows of type "table", their path as uid: mapr_parse_tables());
 * - /rest/alarm/list: the active alarms (STORE_MAPR_ALARM);
 * - /rest/volume/snapshot/list: each volume's snapshots, for its newest when HttpFS is not
 *   configured;
 * - per stream named by a [dataset PATH] section (a path, no glob: MapR has no call that
 *   lists streams), /rest/stream/info and /rest/stream/topic/list (STORE_MAPR_STREAM,
 *   STORE_MAPR_TOPIC), then /rest/stream/topic/info of each topic for its newest message;
 * - with [mapr] httpfs, GETFILESTATUS of the mount path of each volume (or path of each table)
 *   a [dataset] section expects data of, after each volume poll: its modificationTime is the
 *   newest data.
 *
 * Answers are decoded on the worker pool; a volume or snapshot list that says what the last
 * one stored said (its hash, the envelope's clock aside) is not decoded again. An ERROR envelope or
 * an HTML page fails the poll with a clear message and the last rows stay, marked stale by the
 * poller's health. A row's tenant is the [tenant NAME] whose mapr_prefix starts its name, else
 * [mapr] tenant_pattern's first group (DESIGN.md "Tenant mapping"). `govconsole check` probes
 * /rest/node/list with one column. */
#define _GNU_SOURCE /* memmem */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/http.h"
#include "core/jsonarena.h"
#include "core/loop.h"
#include "core/mapr/mapr_int.h"
#include "core/mapr/mapr_model.h"
#include "core/mapr/mapr_source.h"
#include "core/poller.h"
#include "core/sanitize.h"
#include "core/source_http.h"
#include "core/store_impl.h"
#include "core/tenant_pattern.h"
#include "core/xalloc.h"

#define MAPR_DEFAULT_INTERVAL_MS 60000

static const enum store_kind mapr_kinds[] = {STORE_MAPR_VOLUME, STORE_MAPR_STREAM, STORE_MAPR_TOPIC,
                                             STORE_MAPR_ALARM};

/* ---- tenancy ------------------------------------------------------------------------------ */

const char *mapr_tenant_of_name(struct mapr_src *ms, const char *name)
{
    const struct gc_config *cfg = ms->env.cfg;

    if (name == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < cfg->ntenants; i++) {
        const char *p = cfg->tenants[i].mapr_prefix;

        if (p != NULL && *p != '\0' && strncmp(name, p, strlen(p)) == 0) {
            return cfg->tenants[i].name;
        }
    }
    return tenant_pattern_match(ms->tp, name);
}

static const char *mapr_row_tenant(void *ctx, enum store_kind kind, const struct store_row *row)
{
    (void)ctx;
    return mapr_tenant_of_row(kind, row);
}

static uint64_t mapr_tenancy_gen(void *ctx)
{
    (void)ctx;
    return 0; /* a row's tenant is fixed when it is stored */
}

/* Names that point at a tenant's data: volume names and stream paths. */
static void mapr_tenancy_names(void *ctx, void (*fn)(const char *, const char *, void *), void *arg)
{
    struct mapr_src *ms = ctx;
    const struct store_table *t = store_table(ms->env.store, STORE_MAPR_VOLUME);

    for (size_t i = 0; i < ms->nstreams; i++) {
        fn(ms->streams[i].path, mapr_tenant_of_name(ms, ms->streams[i].path), arg);
    }
    for (size_t i = 0; i < t->count; i++) {
        const struct mapr_volume *v = (const struct mapr_volume *)t->rows[i];

        fn(v->name, v->x.tenant, arg);
    }
}

/* What the configuration expects of a dataset called `name`. */
void mapr_expect(struct mapr_src *ms, const char *name, struct mapr_expect *x)
{
    const struct config_dataset *ds = config_dataset_match(ms->env.cfg, name);

    x->tenant = mapr_tenant_of_name(ms, name);
    x->cadence_ms = ds != NULL ? ds->cadence_ms : 0;
    x->owner = ds != NULL ? ds->owner : NULL;
}

/* ---- requests beside the pollers ---------------------------------------------------------- */

void mapr_req_unlink(struct mapr_req *q)
{
    if (q->prev != NULL) {
        q->prev->next = q->next;
    } else {
        q->src->reqs = q->next;
    }
    if (q->next != NULL) {
        q->next->prev = q->prev;
    }
}

static void mapr_req_answered(struct http_req *req, struct http_result *res, void *arg)
{
    struct mapr_req *q = arg;

    (void)req;
    mapr_req_unlink(q);
    q->done(q, res);
    free(q->key);
    free(q);
}

void mapr_req_start(struct mapr_src *ms, const char *url, const char *key,
                    void (*done)(struct mapr_req *, struct http_result *), struct source_call *call)
{
    struct mapr_req *q = xcalloc(1, sizeof *q);
    struct http_opts o = *source_http_base(ms->sh);

    q->src = ms;
    q->done = done;
    q->key = key != NULL ? xstrdup(key) : NULL;
    q->call = call;
    q->next = ms->reqs;
    if (ms->reqs != NULL) {
        ms->reqs->prev = q;
    }
    ms->reqs = q;
    if (call != NULL) {
        call->q = q;
    }
    o.url = url;
    o.timeout_ms = 30000;
    o.max_body = (size_t)8 << 20;
    q->req = http_start(ms->env.http, &o, NULL, mapr_req_answered, q);
}

/* A URL-escaped copy of s (caller frees). */
char *mapr_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = xmalloc(3 * strlen(s) + 1), *o = out;

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c) != NULL) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* ---- volumes ------------------------------------------------------------------------------ */

void mapr_rows_free(void *extra)
{
    struct mapr_rows *r = extra;

    for (size_t i = 0; r != NULL && i < r->n; i++) {
        r->free_row(r->rows[i]);
    }
    if (r != NULL) {
        free(r->rows);
        free(r);
    }
}

static void mapr_no_row(struct store_row *row)
{
    (void)row; /* rows travel in extra, never in the poller's own list */
}

struct mapr_rows *mapr_rows_new(void **rows, size_t n, void (*free_row)(struct store_row *))
{
    struct mapr_rows *r = xcalloc(1, sizeof *r);

    r->rows = (struct store_row **)rows;
    r->n = n;
    r->free_row = free_row;
    return r;
}

uint64_t mapr_body_hash(const char *body, size_t len)
{
    const char *p = memmem(body, len, "\"status\"", 8);
    uint64_t h = 14695981039346656037ULL;

    for (p = p != NULL ? p : body; p < body + len; p++) {
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    }
    return h;
}

static void mapr_volumes_decode(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    struct mapr_src *ms = arg;
    struct jsonarena arena = {0};
    uint64_t hash = mapr_body_hash(body, len);
    size_t n;
    bool fast = false;
    struct mapr_volume **v;

    if (hash == atomic_load(&ms->volumes.last_hash)) {
        /* the list the store holds, again: nothing to decode (steady state at 10,000 volumes) */
        out->extra = mapr_rows_new(NULL, 0, mapr_volume_free);
        ((struct mapr_rows *)out->extra)->unchanged = true;
        return;
    }
    jsonarena_begin(&arena); /* the tree's allocations, freed at once after */
    v = mapr_parse_volumes(body, len, &n, &fast, &out->error);
    jsonarena_end(&arena);
    if (v != NULL) {
        out->extra_rows = n;
        out->fast = fast ? n : 0;
        out->extra = mapr_rows_new((void **)v, n, mapr_volume_free);
        ((struct mapr_rows *)out->extra)->hash = hash;
    }
}

static const struct mapr_snapshot_sum *mapr_snap_of(const struct mapr_src *ms, const char *vol)
{
    return mapr_snapshot_find(ms->snaps, ms->nsnaps, vol);
}

/* The newest data of a volume from its snapshots, when HttpFS does not say. */
static void mapr_volume_snapshots(const struct mapr_src *ms, struct mapr_volume *v)
{
    const struct mapr_snapshot_sum *s = mapr_snap_of(ms, v->name);

    v->snap_newest_ms = s != NULL ? s->newest_ms : -1;
    if (s != NULL && v->snapshots < 0) {
        v->snapshots = s->count;
    }
    if (v->newest_from != MAPR_NEWEST_HTTPFS) {
        v->newest_ms = v->snap_newest_ms;
        v->newest_from = v->newest_ms >= 0 ? MAPR_NEWEST_SNAPSHOT : MAPR_NEWEST_NONE;
    }
}

static void mapr_httpfs_done(struct mapr_req *q, struct http_result *res);

/* After the last answer of a round, its failure (or none) is what :sources says. */
static void mapr_httpfs_round_end(struct mapr_src *ms)
{
    for (struct mapr_req *o = ms->reqs; o != NULL; o = o->next) {
        if (o->done == mapr_httpfs_done) {
            return;
        }
    }
    free(ms->httpfs_error);
    ms->httpfs_error = ms->httpfs_round;
    ms->httpfs_round = NULL;
}

static void mapr_httpfs_done(struct mapr_req *q, struct http_result *res)
{
    struct store_table *t = store_table(q->src->env.store, STORE_MAPR_VOLUME);
    const struct mapr_volume *old = (const struct mapr_volume *)store_get(t, q->key);
    char *err = NULL;
    int64_t mt;
    struct mapr_volume *v;

    if (res->error != NULL) {
        err = xasprintf("HttpFS: %s", res->error);
        sanitize_inplace(err);
    }
    mt = err != NULL
             ? -1
             : mapr_parse_filestatus(res->body != NULL ? res->body : "", res->body_len, &err);
    if (res->error == NULL && res->status != 200 && err == NULL) {
        err = xasprintf("HttpFS: HTTP %ld", res->status);
    } else if (res->error == NULL && res->status != 200) {
        char *e = xasprintf("%s (HTTP %ld, %s)", err, res->status, q->key);

        free(err);
        err = e;
    }
    if (err != NULL) {
        free(q->src->httpfs_round);
        q->src->httpfs_round = err;
    }
    mapr_httpfs_round_end(q->src);
    if (res->status != 200 || old == NULL || mt < 0 ||
        (old->newest_from == MAPR_NEWEST_HTTPFS && old->newest_ms == mt)) {
        return;
    }
    v = mapr_volume_dup(old);
    v->newest_ms = mt;
    v->newest_from = MAPR_NEWEST_HTTPFS;
    store_put(t, &v->row);
}

/* GETFILESTATUS of the mount path (a table's path) of v. */
static void mapr_httpfs_ask(struct mapr_src *ms, const struct mapr_volume *v)
{
    const struct config_source *cs = &ms->env.cfg->mapr;
    char *path = mapr_escape(v->mount), *url;

    url = cs->user != NULL ? xasprintf("%s/webhdfs/v1%s?op=GETFILESTATUS&user.name=%s", ms->httpfs,
                                       path, cs->user)
                           : xasprintf("%s/webhdfs/v1%s?op=GETFILESTATUS", ms->httpfs, path);
    mapr_req_start(ms, url, v->row.uid, mapr_httpfs_done, NULL);
    free(url);
    free(path);
}

/* Whether a GETFILESTATUS is out: for `uid`, or (uid NULL) for any row. */
static bool mapr_httpfs_out(const struct mapr_src *ms, const char *uid)
{
    for (const struct mapr_req *q = ms->reqs; q != NULL; q = q->next) {
        if (q->done == mapr_httpfs_done && (uid == NULL || strcmp(q->key, uid) == 0)) {
            return true;
        }
    }
    return false;
}

/* GETFILESTATUS of the mount path of every volume (path of every table) expected to receive
 * data; with fresh_only, only of those that have no time from HttpFS yet and none asked (a
 * table list answering after the volumes' round went out). */
static void mapr_httpfs_poll(struct mapr_src *ms, bool fresh_only)
{
    struct store_table *t = store_table(ms->env.store, STORE_MAPR_VOLUME);

    if (ms->httpfs == NULL || (!fresh_only && mapr_httpfs_out(ms, NULL))) {
        return; /* the last round is still out */
    }
    /* only the volumes a [dataset] section expects data of: the others get no verdict */
    for (size_t i = 0; i < t->count; i++) {
        const struct mapr_volume *v = (const struct mapr_volume *)t->rows[i];

        if (v->x.cadence_ms <= 0 || v->mount == NULL ||
            (fresh_only &&
             (v->newest_from == MAPR_NEWEST_HTTPFS || mapr_httpfs_out(ms, v->row.uid)))) {
            continue;
        }
        mapr_httpfs_ask(ms, v);
    }
}

/* Stores the rows of a volume list (tables false) or a table list (tables true) into
 * STORE_MAPR_VOLUME, where both live: rows of the other list are kept through the sweep. */
static void mapr_merge(struct mapr_src *ms, struct mapr_rows *r, bool tables, uint32_t epoch)
{
    struct store_table *t = store_table(ms->env.store, STORE_MAPR_VOLUME);

    for (size_t i = 0; i < r->n; i++) {
        struct mapr_volume *v = (struct mapr_volume *)r->rows[i];
        const struct mapr_volume *old = (const struct mapr_volume *)store_get(t, v->row.uid);

        mapr_expect(ms, v->name, &v->x);
        if (old != NULL && old->newest_from == MAPR_NEWEST_HTTPFS) {
            v->newest_ms = old->newest_ms;
            v->newest_from = MAPR_NEWEST_HTTPFS;
        }
        if (!tables) {
            mapr_volume_snapshots(ms, v);
        }
        if (old != NULL && mapr_volume_same(v, old)) {
            /* unchanged: the row stays (views need not rebuild), seen by this poll */
            store_get(t, v->row.uid)->mark = epoch;
            mapr_volume_free(&v->row);
            continue;
        }
        v->row.mark = epoch;
        store_put(t, &v->row);
    }
    r->n = 0;
    for (size_t i = 0; i < t->count; i++) {
        if (mapr_is_table((const struct mapr_volume *)t->rows[i]) != tables) {
            t->rows[i]->mark = epoch; /* the other list's: not this poll's to sweep */
        }
    }
    store_sweep(t, epoch);
}

static void mapr_volumes_applied(struct poller_decode *d, void *arg)
{
    struct mapr_src *ms = arg;
    struct mapr_rows *r = d != NULL ? d->extra : NULL;

    if (r != NULL && !r->unchanged) {
        mapr_merge(ms, r, false, ++ms->epoch);
        atomic_store(&ms->volumes.last_hash, r->hash);
    }
    if (!ms->snapshots_started) {
        /* the snapshot list (seven a volume) waits for the first volume list: at start the
         * two would only slow each other, on the server and on the workers */
        ms->snapshots_started = true;
        poller_start(ms->snapshots.poller);
    }
    mapr_httpfs_poll(ms, false);
    /* a stream whose own polls fail says so, on the volumes' pace */
    for (size_t i = 0; i < ms->nstreams; i++) {
        mapr_stream_compose(ms, &ms->streams[i]);
    }
}

/* ---- tables ------------------------------------------------------------------------------- */

static void mapr_tables_decode(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    size_t n;
    bool fast = false;
    struct mapr_volume **v = mapr_parse_tables(body, len, &n, &fast, &out->error);

    (void)arg;
    if (v != NULL) {
        out->extra_rows = n;
        out->fast = fast ? n : 0;
        out->extra = mapr_rows_new((void **)v, n, mapr_volume_free);
    }
}

static void mapr_tables_applied(struct poller_decode *d, void *arg)
{
    struct mapr_src *ms = arg;
    struct mapr_rows *r = d != NULL ? d->extra : NULL;

    if (r != NULL) {
        mapr_merge(ms, r, true, ++ms->epoch);
    }
    mapr_httpfs_poll(ms, true); /* new tables need not wait for the next volume poll */
    for (size_t i = 0; i < ms->nstreams; i++) {
        mapr_stream_table(ms, &ms->streams[i]); /* a path that is a table's is no stream */
    }
}

/* ---- snapshots ---------------------------------------------------------------------------- */

struct mapr_snaps {
    struct mapr_snapshot_sum *s;
    size_t n;
    uint64_t hash;
    bool unchanged; /* the list summarised last time, again: not decoded */
};

static void mapr_snaps_free(void *extra)
{
    struct mapr_snaps *x = extra;

    if (x != NULL) {
        mapr_snapshot_sums_free(x->s, x->n);
        free(x);
    }
}

static void mapr_snapshots_decode(const char *body, size_t len, struct poller_decode *out,
                                  void *arg)
{
    struct mapr_src *ms = arg;
    struct mapr_snaps *x = xcalloc(1, sizeof *x);
    bool fast = false;

    x->hash = mapr_body_hash(body, len);
    out->extra = x;
    if (x->hash == atomic_load(&ms->snapshots.last_hash)) {
        x->unchanged = true; /* seven snapshots a volume: twice the volume list's size */
        return;
    }
    x->s = mapr_parse_snapshots(body, len, &x->n, &fast, &out->error);
    out->extra_rows = x->n; /* volumes summarised */
    out->fast = fast ? x->n : 0;
}

static void mapr_snapshots_applied(struct poller_decode *d, void *arg)
{
    struct mapr_src *ms = arg;
    struct mapr_snaps *x = d != NULL ? d->extra : NULL;
    struct store_table *t = store_table(ms->env.store, STORE_MAPR_VOLUME);
    struct store_row **rows;
    size_t n;

    if (x == NULL || x->s == NULL) {
        return;
    }
    atomic_store(&ms->snapshots.last_hash, x->hash);
    mapr_snapshot_sums_free(ms->snaps, ms->nsnaps);
    ms->snaps = x->s;
    ms->nsnaps = x->n;
    x->s = NULL;
    x->n = 0;
    /* a copy of the table's rows: store_put() below moves them */
    n = t->count;
    rows = xcalloc(n + 1, sizeof *rows);
    if (n > 0) {
        memcpy(rows, t->rows, n * sizeof *rows);
    }
    for (size_t i = 0; i < n; i++) {
        const struct mapr_volume *old = (const struct mapr_volume *)rows[i];
        const struct mapr_snapshot_sum *s = mapr_snap_of(ms, old->name);
        int64_t newest = s != NULL ? s->newest_ms : -1;

        if (newest != old->snap_newest_ms) {
            struct mapr_volume *v = mapr_volume_dup(old);

            mapr_volume_snapshots(ms, v);
            store_put(t, &v->row);
        }
    }
    free(rows);
}

/* ---- alarms ------------------------------------------------------------------------------- */

static void mapr_alarms_decode(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    size_t n;
    struct mapr_alarm **a = mapr_parse_alarms(body, len, &n, &out->error);

    (void)arg;
    if (a != NULL) {
        out->extra = mapr_rows_new((void **)a, n, mapr_alarm_free);
    }
}

static void mapr_alarms_applied(struct poller_decode *d, void *arg)
{
    struct mapr_src *ms = arg;
    struct store_table *t = store_table(ms->env.store, STORE_MAPR_ALARM);
    struct mapr_rows *r = d != NULL ? d->extra : NULL;
    static uint32_t epoch;

    if (r == NULL) {
        return;
    }
    epoch++;
    for (size_t i = 0; i < r->n; i++) {
        struct mapr_alarm *a = (struct mapr_alarm *)r->rows[i];

        struct store_row *old = store_get(t, a->row.uid);
        const struct mapr_alarm *o = (const struct mapr_alarm *)old;

        a->tenant = mapr_tenant_of_name(ms, a->entity);
        if (o != NULL && o->since_ms == a->since_ms && o->tenant == a->tenant &&
            (o->desc == NULL ? a->desc == NULL
                             : a->desc != NULL && strcmp(o->desc, a->desc) == 0)) {
            old->mark = epoch; /* unchanged: kept, seen by this poll */
            mapr_alarm_free(&a->row);
            continue;
        }
        a->row.mark = epoch;
        store_put(t, &a->row);
    }
    r->n = 0;
    store_sweep(t, epoch);
}

/* ---- pollers ------------------------------------------------------------------------------ */

static char *mapr_poll_error(long status, const char *body, size_t len, const char *transport)
{
    char *raw = mapr_error_text(status, body, len, transport);
    char *clean = sanitize_dup(raw);

    free(raw);
    return clean;
}

void mapr_poll_init(struct mapr_src *ms, struct mapr_poll *mp, const char *name, const char *url,
                    void (*decode)(const char *, size_t, struct poller_decode *, void *),
                    void (*applied)(struct poller_decode *, void *), void (*free_extra)(void *),
                    bool stream_arg)
{
    struct poller_config pc;

    memset(&pc, 0, sizeof pc);
    pc.name = name;
    pc.url = url;
    pc.base = source_http_base(ms->sh);
    pc.kind = STORE_KIND_COUNT; /* the applied hooks store the rows */
    pc.interval_ms = ms->interval_ms;
    pc.stats = NULL;
    mp->src = ms;
    mp->ops.decode = decode;
    mp->ops.free_row = mapr_no_row;
    mp->ops.error_text = mapr_poll_error;
    mp->ops.applied = applied;
    mp->ops.free_extra = free_extra;
    mp->poller = poller_new(ms->env.loop, ms->env.http, ms->env.pool, ms->env.store, &pc, &mp->ops,
                            stream_arg ? (void *)mp : (void *)ms);
}

/* fn on every poller; on the snapshots' only when `snapshots` (see mapr_volumes_applied()). */
static void mapr_poll_all(struct mapr_src *ms, void (*fn)(struct poller *), bool snapshots)
{
    fn(ms->volumes.poller);
    fn(ms->alarms.poller);
    if (snapshots) {
        fn(ms->snapshots.poller);
    }
    fn(ms->tables.poller);
    for (size_t i = 0; i < ms->nstreams; i++) {
        fn(ms->streams[i].info.poller);
        fn(ms->streams[i].topics.poller);
    }
}

/* ---- the source --------------------------------------------------------------------------- */

/* A URL without its trailing slashes (caller frees). */
static char *mapr_trim(const char *url)
{
    size_t n = strlen(url);

    while (n > 0 && url[n - 1] == '/') {
        n--;
    }
    return xstrndup(url, n);
}

static char *mapr_probe_url(const struct gc_config *cfg, const char *demo_url)
{
    const char *base = demo_url != NULL ? demo_url : cfg->mapr.url;
    char *b, *url;

    if (base == NULL || base[0] == '\0') {
        return NULL;
    }
    b = mapr_trim(base);
    url = xasprintf("%s/rest/node/list?columns=hostname", b);
    free(b);
    return url;
}

static enum source_http_verdict mapr_probe_answer(const char *body, size_t len, const char *user,
                                                  char **about, char **why)
{
    size_t n = 0;
    char *err = NULL;
    void *data = mapr_envelope(body, len, &err);

    (void)user;
    if (data == NULL) {
        *why = err;
        return SOURCE_HTTP_BAD;
    }
    n = mapr_array_size(data);
    mapr_array_free(data);
    *about = xasprintf("MapR REST API, %zu node%s", n, n == 1 ? "" : "s");
    return SOURCE_HTTP_OK;
}

static const struct source_http_def mapr_def = {
    .name = "mapr",
    .url = mapr_probe_url,
    .answer = mapr_probe_answer,
    .error_text = mapr_error_text,
};

static bool mapr_configured(const struct gc_config *cfg, const char *demo_url)
{
    return source_http_configured(&mapr_def, cfg, demo_url);
}

static void mapr_free(struct mapr_src *ms)
{
    for (size_t i = 0; i < ms->nstreams; i++) {
        struct mapr_strm *st = &ms->streams[i];

        poller_free(st->info.poller);
        poller_free(st->topics.poller);
        mapr_stream_free((struct store_row *)st->last);
        for (size_t k = 0; k < st->ntopics; k++) {
            free(st->topic_uids[k]);
        }
        free(st->topic_uids);
        free(st->path);
    }
    free(ms->streams);
    poller_free(ms->volumes.poller);
    poller_free(ms->alarms.poller);
    poller_free(ms->snapshots.poller);
    poller_free(ms->tables.poller);
    mapr_snapshot_sums_free(ms->snaps, ms->nsnaps);
    tenant_pattern_free(ms->tp);
    if (ms->sh != NULL) {
        source_http_op_fini(ms->sh);
    }
    free(ms->base);
    free(ms->httpfs);
    free(ms->httpfs_error);
    free(ms->httpfs_round);
    free(ms);
}

static void *mapr_init(const struct source_env *env, char **err)
{
    struct mapr_src *ms = xcalloc(1, sizeof *ms);
    const struct gc_config *cfg = env->cfg;
    const char *pattern = cfg->mapr.tenant_pattern;
    char *url;

    ms->env = *env;
    ms->sh = source_http_new(env, &mapr_def, err);
    if (ms->sh == NULL) {
        free(ms);
        return NULL;
    }
    ms->tp = pattern != NULL ? tenant_pattern_new(pattern, err) : NULL;
    if (pattern != NULL && ms->tp == NULL) {
        char *why = *err;

        *err = xasprintf("[mapr] tenant_pattern: %s", why);
        free(why);
        mapr_free(ms);
        return NULL;
    }
    ms->base = mapr_trim(env->demo_url != NULL ? env->demo_url : cfg->mapr.url);
    if (cfg->mapr.httpfs != NULL) {
        ms->httpfs = mapr_trim(cfg->mapr.httpfs);
    } else if (env->demo_url != NULL) {
        ms->httpfs = xstrdup(ms->base); /* govsim serves HttpFS on the same port */
    }
    ms->interval_ms = cfg->mapr.interval_ms > 0 ? cfg->mapr.interval_ms : MAPR_DEFAULT_INTERVAL_MS;
    ms->tenancy = (struct store_tenancy){.row_tenant = mapr_row_tenant,
                                         .gen = mapr_tenancy_gen,
                                         .names = mapr_tenancy_names,
                                         .ctx = ms};
    store_register(env->store, STORE_MAPR_VOLUME, mapr_volume_free, &ms->tenancy);
    store_register(env->store, STORE_MAPR_STREAM, mapr_stream_free, &ms->tenancy);
    store_register(env->store, STORE_MAPR_TOPIC, mapr_topic_free, &ms->tenancy);
    store_register(env->store, STORE_MAPR_ALARM, mapr_alarm_free, &ms->tenancy);

    /* only the fields the rows hold (volume_from() in mapr_model.c): a third of the answer */
    url = xasprintf("%s/rest/volume/list?columns=volumename,mountdir,mounted,used,quota,"
                    "advisoryquota,numreplicas,actualreplication,snapshotcount,volumetype,"
                    "mirror-percent-complete,lastSuccessfulMirrorTime",
                    ms->base);
    mapr_poll_init(ms, &ms->volumes, "mapr volumes", url, mapr_volumes_decode, mapr_volumes_applied,
                   mapr_rows_free, false);
    free(url);
    url = xasprintf("%s/rest/alarm/list", ms->base);
    mapr_poll_init(ms, &ms->alarms, "mapr alarms", url, mapr_alarms_decode, mapr_alarms_applied,
                   mapr_rows_free, false);
    free(url);
    url = xasprintf("%s/rest/volume/snapshot/list?columns=volumename,creationtime", ms->base);
    mapr_poll_init(ms, &ms->snapshots, "mapr snapshots", url, mapr_snapshots_decode,
                   mapr_snapshots_applied, mapr_snaps_free, false);
    free(url);
    url = xasprintf("%s/rest/table/metadata/list", ms->base);
    mapr_poll_init(ms, &ms->tables, "mapr tables", url, mapr_tables_decode, mapr_tables_applied,
                   mapr_rows_free, false);
    free(url);

    mapr_streams_init(ms);
    return ms;
}

static void mapr_start(void *s)
{
    struct mapr_src *ms = s;

    ms->running = true;
    ms->snapshots_started = false;
    mapr_poll_all(ms, poller_start, false);
    for (size_t i = 0; i < ms->nstreams; i++) {
        ms->streams[i].table = false; /* its polls run again, until a table list says */
        mapr_stream_compose(ms, &ms->streams[i]); /* listed before its first answer */
    }
}

static void mapr_stop(void *s)
{
    struct mapr_src *ms = s;

    ms->running = false;
    mapr_poll_all(ms, poller_stop, true);
    while (ms->reqs != NULL) {
        struct mapr_req *q = ms->reqs;

        mapr_req_unlink(q);
        http_cancel(ms->env.http, q->req);
        if (q->call != NULL) {
            struct source_reply reply = {.cancelled = true,
                                         .error = xstrdup("cancelled: the console is stopping")};

            q->call->done(&reply, q->call->arg);
            free(reply.text);
            free(reply.error);
            free(q->call);
        }
        free(q->key);
        free(q);
    }
}

static void mapr_fini(void *s)
{
    mapr_free(s);
}

/* The volumes' health, unless another list fails. */
static const struct source_health *mapr_health(void *s)
{
    struct mapr_src *ms = s;
    const struct source_health *h = poller_health(ms->volumes.poller);
    struct poller *others[] = {ms->alarms.poller, ms->snapshots.poller, ms->tables.poller};

    if (h->state == SOURCE_RETRYING) {
        return h;
    }
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        const struct source_health *o = poller_health(others[i]);

        if (o->state == SOURCE_RETRYING) {
            return o;
        }
    }
    return h;
}

/* Beside the health: why HttpFS does not answer (the snapshots' times are used meanwhile). */
static const char *mapr_note(void *s)
{
    struct mapr_src *ms = s;

    return ms->httpfs_error;
}

static const char *mapr_url_of(void *s)
{
    struct mapr_src *ms = s;

    return source_http_op_url(ms->sh);
}

static const struct http_stats *mapr_stats(void *s)
{
    struct mapr_src *ms = s;

    return source_http_op_stats(ms->sh);
}

static void mapr_probe(void *s, source_probe_fn done, void *arg)
{
    struct mapr_src *ms = s;

    source_http_op_probe(ms->sh, done, arg);
}

const struct source_ops mapr_source = {
    .name = "mapr",
    .kinds = mapr_kinds,
    .nkinds = sizeof mapr_kinds / sizeof mapr_kinds[0],
    .configured = mapr_configured,
    .init = mapr_init,
    .start = mapr_start,
    .stop = mapr_stop,
    .fini = mapr_fini,
    .health = mapr_health,
    .note = mapr_note,
    .url = mapr_url_of,
    .stats = mapr_stats,
    .tenant_of = mapr_tenant_of,
    .perform = mapr_perform,
    .cancel = mapr_cancel,
    .error_text = mapr_error_text,
    .probe = mapr_probe,
};
