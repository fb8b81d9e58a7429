/* The timeline view (Enter on a service in the sla view): the service's state changes in the
 * period, from archivejson.cgi?query=statechangelist, oldest first: from, until, how long,
 * the state (hard or soft) and the plugin output. The scope names the service
 * (scope.node = "host\tservice") and the period (scope.param). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/k8s/k8s_model.h"
#include "core/nagios/archive.h"
#include "core/nagios/sla_source.h"
#include "core/sources.h"
#include "core/xalloc.h"
#include "views/view.h"

enum timeline_col { TC_FROM, TC_UNTIL, TC_FOR, TC_STATE, TC_TYPE, TC_OUTPUT, TC_COUNT };

static const struct view_column timeline_columns[TC_COUNT] = {
    [TC_FROM] = {"FROM", 16, COL_NOTRUNC, 0, COL_KEEP_ALWAYS},
    [TC_UNTIL] = {"UNTIL", 16, 0, 0, 6},
    [TC_FOR] = {"FOR", 5, COL_RIGHT, 0, 8},
    [TC_STATE] = {"STATE", 8, COL_NOTRUNC, 0, COL_KEEP_ALWAYS},
    [TC_TYPE] = {"TYPE", 4, 0, 0, 3},
    [TC_OUTPUT] = {"OUTPUT", 6, COL_SHRINK | COL_GROW, 0, 5},
};

struct timeline_state {
    const struct sla_change_row **rows;
    size_t count;
    bool built;
    uint64_t gen, access_gen;
    char key[512];
};

/* What the view asks the sla source for (caller frees), or NULL when the scope names no
 * service or period. */
static char *timeline_want(const struct view_scope *sc)
{
    struct sla_period p;
    char host[256];
    const char *tab = strchr(sc->node, '\t');

    if (tab == NULL || sla_period_parse(sc->param, &p) != 0 ||
        (size_t)(tab - sc->node) >= sizeof host) {
        return NULL;
    }
    memcpy(host, sc->node, (size_t)(tab - sc->node));
    host[tab - sc->node] = '\0';
    return sla_want_changes(&p, sc->tenant, host, tab + 1);
}

static bool timeline_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct timeline_state *st = v->state;

    return !st->built || st->gen != store_gen(ctx->store, STORE_SLA_CHANGE) ||
           st->access_gen != access_gen(ctx->access);
}

static int timeline_cmp(const void *a, const void *b)
{
    const struct sla_change_row *x = *(const struct sla_change_row *const *)a;
    const struct sla_change_row *y = *(const struct sla_change_row *const *)b;

    return view_int_cmp((int64_t)x->index, (int64_t)y->index);
}

static void timeline_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct timeline_state *st = v->state;
    struct source *src = ctx->sources != NULL ? sources_find(ctx->sources, "sla") : NULL;
    char *want = timeline_want(ctx->scope);
    const char *tab = strchr(ctx->scope->node, '\t');
    struct access_cursor cur;
    const struct store_row *row;
    const char *tenant;

    if (want != NULL && src != NULL && src->ops->want != NULL) {
        src->ops->want(src->state, want, NULL, 0);
    }
    free(want);
    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_SLA_CHANGE) + 1, sizeof *st->rows);
    st->count = 0;
    access_rows(ctx->access, STORE_SLA_CHANGE, &cur);
    while (tab != NULL && (row = access_next(&cur, &tenant)) != NULL) {
        const struct sla_change_row *r = (const struct sla_change_row *)row;

        if (strncmp(r->host, ctx->scope->node, (size_t)(tab - ctx->scope->node)) == 0 &&
            r->host[tab - ctx->scope->node] == '\0' && strcmp(r->service, tab + 1) == 0) {
            st->rows[st->count++] = r;
        }
    }
    qsort(st->rows, st->count, sizeof *st->rows, timeline_cmp);
    st->gen = store_gen(ctx->store, STORE_SLA_CHANGE);
    st->access_gen = access_gen(ctx->access);
    st->built = true;
}

static size_t timeline_count(const struct view *v)
{
    const struct timeline_state *st = v->state;

    return st->count;
}

static void timeline_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

static enum view_tone timeline_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                    size_t col, char *buf, size_t size)
{
    const struct timeline_state *st = v->state;
    const struct sla_change_row *r = st->rows[row];

    (void)ctx;
    switch ((enum timeline_col)col) {
    case TC_FROM:
        timeline_time(r->t, buf, size);
        return TONE_NORMAL;
    case TC_UNTIL:
        timeline_time(r->until, buf, size);
        return TONE_DIM;
    case TC_FOR:
        k8s_fmt_age(r->until - r->t, buf, size);
        return TONE_NORMAL;
    case TC_STATE:
        snprintf(buf, size, "%s", nagios_archive_state_name(r->state, false));
        return r->state == SLA_STATE_OK         ? TONE_OK
               : r->state == SLA_STATE_WARNING  ? TONE_WARN
               : r->state == SLA_STATE_CRITICAL ? TONE_CRIT
               : r->state == SLA_STATE_UNKNOWN  ? TONE_UNKNOWN
                                                : TONE_DIM;
    case TC_TYPE:
        snprintf(buf, size, "%s", r->hard ? "hard" : "soft");
        return r->hard ? TONE_NORMAL : TONE_DIM;
    case TC_OUTPUT:
        snprintf(buf, size, "%s", r->output);
        return TONE_NORMAL;
    case TC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *timeline_row_key(const struct view *v, size_t row)
{
    const struct timeline_state *st = v->state;

    return row < st->count ? st->rows[row]->row.uid : NULL;
}

static void timeline_fini(struct view *v)
{
    struct timeline_state *st = v->state;

    free(st->rows);
}

const struct view_ops timeline_view = {
    .name = "timeline",
    .title = "timeline",
    .columns = timeline_columns,
    .ncolumns = TC_COUNT,
    .state_size = sizeof(struct timeline_state),
    .source = "sla",
    .fini = timeline_fini,
    .stale = timeline_stale,
    .rebuild = timeline_rebuild,
    .count = timeline_count,
    .cell = timeline_cell,
    .row_key = timeline_row_key,
};
