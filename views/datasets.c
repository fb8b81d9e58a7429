/* The datasets view (:datasets, -c datasets): MapR volumes, MapR-DB tables (volume rows of
 * type "table": size, path and freshness; the volume-only columns dim) and streams with their
 * tenant, path, use against quota (a bar: the warning colour from the advisory quota, critical from
 * 95 %), replication actual/desired, snapshots (count, newest age), mirror (percent, age of the
 * last sync), active alarms, the streams' consumer lag, and freshness: the age of the newest data
 * against the cadence a [dataset NAME] section expects (core/mapr/mapr_model.h), overdue rows
 * standing out. Enter on a stream shows its topics; d and y show every field the API returns. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/directory/dir_model.h" /* directory (issue 16) */
#include "core/k8s/k8s_model.h"
#include "core/mapr/mapr_model.h"
#include "core/mapr/mapr_source.h"
#include "core/xalloc.h"
#include "views/datasets.h"
#include "views/view.h"

enum datasets_col {
    DC_TENANT,
    DC_NAME,
    DC_TYPE,
    DC_PATH,
    DC_USED,
    DC_REPL,
    DC_SNAPS,
    DC_MIRROR,
    DC_ALARMS,
    DC_LAG,
    DC_NEWEST,
    DC_CADENCE,
    DC_FRESH,
    DC_OWNER,
    DC_COUNT
};

static const struct view_column datasets_columns[DC_COUNT] = {
    [DC_TENANT] = {"TENANT", 6, 0, 'E', 8},
    [DC_NAME] = {"NAME", 10, COL_GROW | COL_MIDCUT, 'N', COL_KEEP_ALWAYS},
    [DC_TYPE] = {"TYPE", 6, 0, 'T', 6},
    [DC_PATH] = {"PATH", 6, COL_MIDCUT, 'P', 3},
    [DC_USED] = {"USED/QUOTA", 24, COL_NOTRUNC, 'U', 7},
    [DC_REPL] = {"REPL", 4, COL_RIGHT, 'R', 3},
    [DC_SNAPS] = {"SNAPS", 5, COL_RIGHT, 'S', 3},
    [DC_MIRROR] = {"MIRROR", 6, 0, 'M', 2},
    [DC_ALARMS] = {"ALARMS", 6, COL_RIGHT, 'L', 5},
    [DC_LAG] = {"LAG", 3, COL_RIGHT, 'K', 4},
    [DC_NEWEST] = {"NEWEST", 6, COL_RIGHT, 'W', 6},
    [DC_CADENCE] = {"CADENCE", 7, COL_RIGHT, 'C', 5},
    [DC_FRESH] = {"FRESH", 7, COL_NOTRUNC, 'F', COL_KEEP_ALWAYS},
    [DC_OWNER] = {"OWNER", 5, COL_SHRINK, 'O', 1},
};

struct ds_entry {
    enum store_kind kind; /* STORE_MAPR_VOLUME or STORE_MAPR_STREAM */
    const struct store_row *row;
    const char *name;
    const struct mapr_expect *x;
    int64_t newest_ms;
    int64_t alarms;
    uint32_t rank;
    const char *owner; /* directory (issue 16): its registered owner, else [dataset] owner */
};

struct datasets_state {
    struct ds_entry *rows;
    size_t count;
    uint64_t vol_gen, stream_gen, alarm_gen;
    uint64_t dir_gen; /* directory (issue 16): STORE_DIR_DATASET */
    bool built;
};

/* ---- what the tenants view and this one share ---------------------------------------------- */

enum mapr_fresh datasets_verdict(enum store_kind kind, const struct store_row *row, int64_t now)
{
    const struct mapr_expect *x;
    int64_t newest;

    if (kind == STORE_MAPR_VOLUME) {
        x = &((const struct mapr_volume *)row)->x;
        newest = ((const struct mapr_volume *)row)->newest_ms;
    } else {
        x = &((const struct mapr_stream *)row)->x;
        newest = ((const struct mapr_stream *)row)->newest_ms;
    }
    return mapr_fresh_verdict(x->cadence_ms, newest, now * 1000);
}

int64_t datasets_overdue_at(enum store_kind kind, const struct store_row *row, int64_t now)
{
    const struct mapr_expect *x = kind == STORE_MAPR_VOLUME ? &((const struct mapr_volume *)row)->x
                                                            : &((const struct mapr_stream *)row)->x;
    int64_t newest = kind == STORE_MAPR_VOLUME ? ((const struct mapr_volume *)row)->newest_ms
                                               : ((const struct mapr_stream *)row)->newest_ms;
    int64_t at;

    if (x->cadence_ms <= 0 || newest < 0) {
        return -1;
    }
    /* the verdict is overdue once the age passes cadence + grace (mapr_fresh_verdict) */
    at = (newest + x->cadence_ms + mapr_fresh_grace_ms(x->cadence_ms)) / 1000 + 1;
    return at > now ? at : -1;
}

bool datasets_failing(enum store_kind kind, const struct store_row *row)
{
    return kind == STORE_MAPR_STREAM && ((const struct mapr_stream *)row)->error != NULL;
}

/* ---- rows --------------------------------------------------------------------------------- */

static int datasets_name_cmp(const void *pa, const void *pb)
{
    const struct ds_entry *a = pa, *b = pb;

    return strcmp(a->name, b->name);
}

static int64_t datasets_used(const struct ds_entry *e)
{
    return e->kind == STORE_MAPR_VOLUME ? ((const struct mapr_volume *)e->row)->used_mb
                                        : ((const struct mapr_stream *)e->row)->physical_b >> 20;
}

/* Use as a share of the quota in per mille; -1 without a quota. */
static int64_t datasets_share(const struct ds_entry *e)
{
    const struct mapr_volume *v = (const struct mapr_volume *)e->row;

    if (e->kind != STORE_MAPR_VOLUME || v->quota_mb <= 0 || v->used_mb < 0) {
        return -1;
    }
    return v->used_mb * 1000 / v->quota_mb;
}

static const char *datasets_path(const struct ds_entry *e)
{
    return e->kind == STORE_MAPR_VOLUME ? ((const struct mapr_volume *)e->row)->mount
                                        : ((const struct mapr_stream *)e->row)->path;
}

static int64_t datasets_lag(const struct ds_entry *e)
{
    return e->kind == STORE_MAPR_STREAM ? ((const struct mapr_stream *)e->row)->maxlag : -1;
}

static int datasets_cmp_col(const struct ds_entry *a, const struct ds_entry *b, int col)
{
    const struct mapr_volume *va = (const struct mapr_volume *)a->row;
    const struct mapr_volume *vb = (const struct mapr_volume *)b->row;
    bool vols = a->kind == STORE_MAPR_VOLUME && b->kind == STORE_MAPR_VOLUME;

    switch ((enum datasets_col)col) {
    case DC_TENANT:
        return view_str_cmp(a->x->tenant, b->x->tenant);
    case DC_NAME:
        return strcmp(a->name, b->name);
    case DC_TYPE:
        return view_int_cmp(a->kind, b->kind);
    case DC_PATH:
        return view_str_cmp(datasets_path(a), datasets_path(b));
    case DC_USED: {
        int c = view_int_cmp(datasets_share(a), datasets_share(b));

        return c != 0 ? c : view_int_cmp(datasets_used(a), datasets_used(b));
    }
    case DC_REPL:
        return vols ? view_int_cmp(va->repl_actual, vb->repl_actual)
                    : view_int_cmp(a->kind, b->kind);
    case DC_SNAPS:
        return vols ? view_int_cmp(va->snapshots, vb->snapshots) : view_int_cmp(a->kind, b->kind);
    case DC_MIRROR:
        return vols ? view_int_cmp(va->mirror_pct, vb->mirror_pct) : view_int_cmp(a->kind, b->kind);
    case DC_ALARMS:
        return view_int_cmp(a->alarms, b->alarms);
    case DC_LAG:
        return view_int_cmp(datasets_lag(a), datasets_lag(b));
    case DC_NEWEST: /* newest data first */
        return view_int_cmp(b->newest_ms, a->newest_ms);
    case DC_CADENCE:
        return view_int_cmp(a->x->cadence_ms, b->x->cadence_ms);
    case DC_FRESH: /* ok < late < overdue; no verdict first */
        return view_int_cmp(a->x->cadence_ms > 0 ? (a->newest_ms < 0 ? 1 : 2) : 0,
                            b->x->cadence_ms > 0 ? (b->newest_ms < 0 ? 1 : 2) : 0);
    case DC_OWNER:
        return view_str_cmp(a->owner, b->owner);
    case DC_COUNT:
        break;
    }
    return 0;
}

static int datasets_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct ds_entry *a = pa, *b = pb;
    const struct view *v = arg;
    int c = v->sort_col >= 0 ? datasets_cmp_col(a, b, v->sort_col) : 0;

    if (v->sort_desc) {
        c = -c;
    }
    return c != 0 ? c : view_int_cmp(a->rank, b->rank);
}

static void datasets_sort(struct view *v, size_t col, bool desc)
{
    struct datasets_state *st = v->state;

    (void)col;
    (void)desc;
    if (st->count > 1) {
        qsort_r(st->rows, st->count, sizeof *st->rows, datasets_sort_cmp, v);
    }
}

static bool datasets_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct datasets_state *st = v->state;

    return !st->built || st->vol_gen != store_gen(ctx->store, STORE_MAPR_VOLUME) ||
           st->stream_gen != store_gen(ctx->store, STORE_MAPR_STREAM) ||
           st->alarm_gen != store_gen(ctx->store, STORE_MAPR_ALARM) ||
           st->dir_gen != store_gen(ctx->store, STORE_DIR_DATASET); /* directory (issue 16) */
}

/* OWNER (issue 16): the owner the directory registers for TENANT/NAME, else [dataset] owner. */
static void datasets_owners(struct datasets_state *st, const struct view_ctx *ctx)
{
    bool any = store_count(ctx->store, STORE_DIR_DATASET) > 0;
    char key[512];

    for (size_t i = 0; i < st->count; i++) {
        struct ds_entry *e = &st->rows[i];
        const struct dir_object *o = NULL;

        if (any && e->x->tenant != NULL &&
            dir_object_key(e->x->tenant, e->name, key, sizeof key) != NULL) {
            o = (const struct dir_object *)access_get(ctx->access, STORE_DIR_DATASET, key);
        }
        e->owner = o != NULL && o->owner != NULL ? o->owner : e->x->owner;
    }
    st->dir_gen = store_gen(ctx->store, STORE_DIR_DATASET);
}

static int datasets_str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ALARMS: the active alarms whose entity is the dataset (entities sorted, then counted). */
static void datasets_count_alarms(struct datasets_state *st, struct access *acc, size_t nalarms)
{
    const char **ents = xcalloc(nalarms + 1, sizeof *ents);
    struct access_cursor cur;
    const struct store_row *r;
    size_t n = 0;

    access_rows(acc, STORE_MAPR_ALARM, &cur);
    while (n < nalarms && (r = access_next(&cur, NULL)) != NULL) {
        ents[n++] = ((const struct mapr_alarm *)r)->entity;
    }
    qsort(ents, n, sizeof *ents, datasets_str_cmp);
    for (size_t i = 0; i < st->count && n > 0; i++) {
        const char *key = st->rows[i].name;
        const char **hit = bsearch(&key, ents, n, sizeof *ents, datasets_str_cmp);

        while (hit != NULL && hit > ents && strcmp(hit[-1], key) == 0) {
            hit--;
        }
        for (; hit != NULL && hit < ents + n && strcmp(*hit, key) == 0; hit++) {
            st->rows[i].alarms++;
        }
    }
    free(ents);
}

static void datasets_add(struct datasets_state *st, const struct view_scope *sc,
                         enum store_kind kind, const struct store_row *r, const char *tenant)
{
    struct ds_entry e = {.kind = kind, .row = r};

    if (sc->tenant[0] != '\0' && (tenant == NULL || strcmp(tenant, sc->tenant) != 0)) {
        return;
    }
    if (kind == STORE_MAPR_VOLUME) {
        const struct mapr_volume *v = (const struct mapr_volume *)r;

        e.name = v->name;
        e.x = &v->x;
        e.newest_ms = v->newest_ms;
    } else {
        const struct mapr_stream *s = (const struct mapr_stream *)r;

        e.name = s->path;
        e.x = &s->x;
        e.newest_ms = s->newest_ms;
    }
    st->rows[st->count++] = e;
}

static void datasets_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct datasets_state *st = v->state;
    static const enum store_kind kinds[] = {STORE_MAPR_VOLUME, STORE_MAPR_STREAM};
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_MAPR_VOLUME) +
                           store_count(ctx->store, STORE_MAPR_STREAM) + 1,
                       sizeof *st->rows);
    st->count = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        access_rows(ctx->access, kinds[k], &cur);
        while ((r = access_next(&cur, &tenant)) != NULL) {
            datasets_add(st, ctx->scope, kinds[k], r, tenant);
        }
    }
    qsort(st->rows, st->count, sizeof *st->rows, datasets_name_cmp);
    datasets_count_alarms(st, ctx->access, store_count(ctx->store, STORE_MAPR_ALARM));
    datasets_owners(st, ctx); /* directory (issue 16) */
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    if (v->sort_col >= 0) {
        datasets_sort(v, (size_t)v->sort_col, v->sort_desc);
    }
    st->vol_gen = store_gen(ctx->store, STORE_MAPR_VOLUME);
    st->stream_gen = store_gen(ctx->store, STORE_MAPR_STREAM);
    st->alarm_gen = store_gen(ctx->store, STORE_MAPR_ALARM);
    st->built = true;
}

static size_t datasets_count(const struct view *v)
{
    const struct datasets_state *st = v->state;

    return st->count;
}

/* ---- cells -------------------------------------------------------------------------------- */

/* A size in MB as "512M", "3.9G", "1.2T". */
static void datasets_mb(int64_t mb, char *buf, size_t size)
{
    if (mb < 1024) {
        snprintf(buf, size, "%lldM", (long long)mb);
    } else if (mb < 1024 * 1024) {
        snprintf(buf, size, "%.1fG", (double)mb / 1024.0);
    } else {
        snprintf(buf, size, "%.1fT", (double)mb / (1024.0 * 1024.0));
    }
}

/* "[#####.....]  51% 8.2G/16.0G": the tone warns from the advisory quota, critical from 95 %. */
static enum view_tone datasets_used_cell(const struct ds_entry *e, char *buf, size_t size)
{
    char used[32], quota[32], bar[16];
    int64_t pm = datasets_share(e), mb = datasets_used(e);
    const struct mapr_volume *v = (const struct mapr_volume *)e->row;
    int fill;

    if (mb < 0) {
        snprintf(buf, size, "-");
        return TONE_DIM;
    }
    datasets_mb(mb, used, sizeof used);
    if (pm < 0) {
        snprintf(buf, size, "%s", used);
        return TONE_NORMAL;
    }
    datasets_mb(v->quota_mb, quota, sizeof quota);
    fill = (int)((pm > 1000 ? 1000 : pm) + 50) / 100;
    for (int i = 0; i < 10; i++) {
        bar[i] = i < fill ? '#' : '.';
    }
    bar[10] = '\0';
    snprintf(buf, size, "[%s] %3lld%% %s/%s", bar, (long long)((pm + 5) / 10), used, quota);
    if (pm >= 950) {
        return TONE_CRIT;
    }
    return v->advisory_mb > 0 && v->used_mb >= v->advisory_mb ? TONE_WARN : TONE_NORMAL;
}

static void datasets_age(int64_t now, int64_t when_ms, char *buf, size_t size)
{
    if (when_ms < 0) {
        snprintf(buf, size, "-");
    } else {
        k8s_fmt_age(now - when_ms / 1000 > 0 ? now - when_ms / 1000 : 0, buf, size);
    }
}

/* "4h", "1d", "1m", "90s". */
static void datasets_cadence(int64_t ms, char *buf, size_t size)
{
    int64_t s = ms / 1000;

    if (ms <= 0) {
        snprintf(buf, size, "-");
    } else if (s % 86400 == 0) {
        snprintf(buf, size, "%lldd", (long long)(s / 86400));
    } else if (s % 3600 == 0) {
        snprintf(buf, size, "%lldh", (long long)(s / 3600));
    } else if (s % 60 == 0) {
        snprintf(buf, size, "%lldm", (long long)(s / 60));
    } else {
        snprintf(buf, size, "%llds", (long long)s);
    }
}

static enum view_tone datasets_fresh_cell(const struct ds_entry *e, int64_t now, char *buf,
                                          size_t size)
{
    if (datasets_failing(e->kind, e->row)) {
        snprintf(buf, size, "failing");
        return TONE_CRIT;
    }
    static const struct {
        const char *text;
        enum view_tone tone;
    } verdicts[] = {
        [MAPR_FRESH_NONE] = {"-", TONE_DIM},
        [MAPR_FRESH_UNKNOWN] = {"unknown", TONE_UNKNOWN},
        [MAPR_FRESH_OK] = {"ok", TONE_OK},
        [MAPR_FRESH_LATE] = {"late", TONE_WARN},
        [MAPR_FRESH_OVERDUE] = {"OVERDUE", TONE_OVERDUE},
    };
    enum mapr_fresh f = datasets_verdict(e->kind, e->row, now);

    snprintf(buf, size, "%s", verdicts[f].text);
    return verdicts[f].tone;
}

static enum view_tone datasets_volume_cell(const struct ds_entry *e, const struct view_ctx *ctx,
                                           size_t col, char *buf, size_t size)
{
    const struct mapr_volume *v = (const struct mapr_volume *)e->row;
    char age[32];

    switch (col) {
    case DC_REPL:
        if (v->repl_desired < 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        snprintf(buf, size, "%d/%d", v->repl_actual, v->repl_desired);
        return v->repl_actual >= 0 && v->repl_actual < v->repl_desired ? TONE_WARN : TONE_NORMAL;
    case DC_SNAPS:
        if (v->snapshots < 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        datasets_age(ctx->now, v->snap_newest_ms, age, sizeof age);
        if (v->snap_newest_ms < 0) {
            snprintf(buf, size, "%lld", (long long)v->snapshots);
        } else {
            snprintf(buf, size, "%lld %s", (long long)v->snapshots, age);
        }
        return TONE_NORMAL;
    case DC_MIRROR:
        if (v->mirror_pct < 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        datasets_age(ctx->now, v->mirror_last_ms, age, sizeof age);
        snprintf(buf, size, "%d%% %s", v->mirror_pct, age);
        return v->mirror_pct < 100 ? TONE_PENDING : TONE_OK;
    default:
        break;
    }
    snprintf(buf, size, "-");
    return TONE_DIM;
}

static enum view_tone datasets_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                    size_t col, char *buf, size_t size)
{
    const struct datasets_state *st = v->state;
    const struct ds_entry *e = &st->rows[row];
    bool overdue = datasets_verdict(e->kind, e->row, ctx->now) == MAPR_FRESH_OVERDUE;
    const char *s;

    switch ((enum datasets_col)col) {
    case DC_TENANT:
        snprintf(buf, size, "%s", e->x->tenant != NULL ? e->x->tenant : "-");
        return e->x->tenant != NULL ? TONE_NORMAL : TONE_DIM;
    case DC_NAME:
        snprintf(buf, size, "%s", e->name);
        return overdue ? TONE_OVERDUE : TONE_NORMAL;
    case DC_TYPE:
        snprintf(buf, size, "%s",
                 e->kind == STORE_MAPR_STREAM ? "stream"
                                              : ((const struct mapr_volume *)e->row)->type);
        return TONE_NORMAL;
    case DC_PATH:
        s = datasets_path(e);
        snprintf(buf, size, "%s", s != NULL ? s : "-");
        return s != NULL ? TONE_NORMAL : TONE_DIM;
    case DC_USED:
        return datasets_used_cell(e, buf, size);
    case DC_REPL:
    case DC_SNAPS:
    case DC_MIRROR:
        if (e->kind == STORE_MAPR_VOLUME) {
            return datasets_volume_cell(e, ctx, col, buf, size);
        }
        snprintf(buf, size, "-");
        return TONE_DIM;
    case DC_ALARMS:
        snprintf(buf, size, "%lld", (long long)e->alarms);
        return e->alarms > 0 ? TONE_WARN : TONE_DIM;
    case DC_LAG:
        if (datasets_lag(e) < 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        snprintf(buf, size, "%lld", (long long)datasets_lag(e));
        return TONE_NORMAL;
    case DC_NEWEST:
        datasets_age(ctx->now, e->newest_ms, buf, size);
        return overdue ? TONE_OVERDUE : e->newest_ms < 0 ? TONE_DIM : TONE_NORMAL;
    case DC_CADENCE:
        datasets_cadence(e->x->cadence_ms, buf, size);
        return e->x->cadence_ms > 0 ? TONE_NORMAL : TONE_DIM;
    case DC_FRESH:
        return datasets_fresh_cell(e, ctx->now, buf, size);
    case DC_OWNER:
        snprintf(buf, size, "%s", e->owner != NULL ? e->owner : "-");
        return e->owner != NULL ? TONE_NORMAL : TONE_DIM;
    case DC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *datasets_row_key(const struct view *v, size_t row)
{
    const struct datasets_state *st = v->state;

    return row < st->count ? st->rows[row].row->uid : NULL;
}

/* The dataset's row; its alarms come from other rows, and the kind says how to read it. */
static const struct store_row *datasets_row_source(const struct view *v, size_t row,
                                                   uint64_t *extra)
{
    const struct datasets_state *st = v->state;
    const struct ds_entry *e = &st->rows[row];

    *extra = view_mix_str(view_mix((uint64_t)e->alarms, (uint64_t)e->kind), e->owner);
    return e->row;
}

/* Ages change with time, and so does the verdict: at the cadence and at its grace. */
static int64_t datasets_next_tick(const struct view *v, const struct view_ctx *ctx, size_t row)
{
    const struct datasets_state *st = v->state;
    const struct ds_entry *e = &st->rows[row];
    int64_t age, next;

    if (e->newest_ms < 0) {
        return -1;
    }
    age = ctx->now - e->newest_ms / 1000;
    next = k8s_age_next_change(age > 0 ? age : 0);
    if (e->x->cadence_ms > 0) {
        int64_t c = e->x->cadence_ms / 1000, g = c + mapr_fresh_grace_ms(e->x->cadence_ms) / 1000;

        if (age < c && c - age < next) {
            next = c - age + 1;
        } else if (age < g && g - age < next) {
            next = g - age + 1;
        }
    }
    return next > 0 ? next : 1;
}

static bool datasets_enter(const struct view *v, const struct view_scope *scope, size_t row,
                           struct view_target *out)
{
    const struct datasets_state *st = v->state;
    const struct ds_entry *e;

    if (row >= st->count || st->rows[row].kind != STORE_MAPR_STREAM) {
        return false;
    }
    e = &st->rows[row];
    if (strlen(e->name) >= sizeof out->scope.path) {
        return false;
    }
    out->view = "topics";
    out->scope = *scope;
    snprintf(out->scope.path, sizeof out->scope.path, "%s", e->name);
    snprintf(out->label, sizeof out->label, "%s", e->name);
    return true;
}

static const enum action datasets_actions[] = {ACT_DESCRIBE, ACT_RAW, ACT_NONE};

/* d and y: every field MapR returns for the volume or stream. */
static struct source_request *datasets_request(const struct view *v, const struct view_ctx *ctx,
                                               size_t row, enum action act, char **err)
{
    const struct datasets_state *st = v->state;
    const struct ds_entry *e;

    (void)ctx;
    if (row >= st->count || (act != ACT_DESCRIBE && act != ACT_RAW)) {
        *err = xstrdup("nothing to show");
        return NULL;
    }
    e = &st->rows[row];
    return mapr_request_detail(e->kind, e->row->uid, e->x->tenant);
}

static void datasets_fini(struct view *v)
{
    struct datasets_state *st = v->state;

    free(st->rows);
}

static bool datasets_redundant(const struct view *v, size_t col)
{
    const struct datasets_state *st = v->state;

    if (col != DC_TENANT || st->count == 0) {
        return false;
    }
    for (size_t i = 1; i < st->count; i++) {
        if (view_str_cmp(st->rows[i].x->tenant, st->rows[0].x->tenant) != 0) {
            return false;
        }
    }
    return true;
}

static const char *const datasets_aliases[] = {"ds", "dataset", "volumes", NULL};

const struct view_ops datasets_view = {
    .name = "datasets",
    .aliases = datasets_aliases,
    .title = "datasets",
    .columns = datasets_columns,
    .ncolumns = DC_COUNT,
    .state_size = sizeof(struct datasets_state),
    .source = "mapr",
    .tenant_entry = true,
    .fini = datasets_fini,
    .stale = datasets_stale,
    .rebuild = datasets_rebuild,
    .count = datasets_count,
    .cell = datasets_cell,
    .row_key = datasets_row_key,
    .row_source = datasets_row_source,
    .redundant = datasets_redundant,
    .next_tick = datasets_next_tick,
    .sort = datasets_sort,
    .enter = datasets_enter,
    .actions = datasets_actions,
    .request = datasets_request,
};
