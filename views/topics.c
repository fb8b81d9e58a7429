/* The topics view: a MapR stream's topics (Enter on a stream in the datasets view; :topics
 * shows every stream's) with partitions, consumers, the newest message's age and offset, the
 * consumer lag and size. d and y show every field of the topic's partitions. */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_model.h"
#include "core/mapr/mapr_model.h"
#include "core/mapr/mapr_source.h"
#include "core/xalloc.h"
#include "views/view.h"

enum topics_col {
    TC_STREAM,
    TC_TOPIC,
    TC_PARTS,
    TC_CONSUMERS,
    TC_NEWEST,
    TC_OFFSET,
    TC_LAG,
    TC_SIZE,
    TC_COUNT
};

static const struct view_column topics_columns[TC_COUNT] = {
    [TC_STREAM] = {"STREAM", 8, COL_MIDCUT, 'S', 6},
    [TC_TOPIC] = {"TOPIC", 8, COL_GROW | COL_MIDCUT, 'N', COL_KEEP_ALWAYS},
    [TC_PARTS] = {"PARTITIONS", 10, COL_RIGHT, 'P', 7},
    [TC_CONSUMERS] = {"CONSUMERS", 9, COL_RIGHT, 'C', 5},
    [TC_NEWEST] = {"NEWEST", 6, COL_RIGHT | COL_NOTRUNC, 'W', COL_KEEP_ALWAYS},
    [TC_OFFSET] = {"OFFSET", 6, COL_RIGHT, 'O', 3},
    [TC_LAG] = {"LAG", 3, COL_RIGHT, 'L', 8},
    [TC_SIZE] = {"SIZE", 4, COL_RIGHT, 'Z', 4},
};

struct topics_state {
    const struct mapr_topic **rows;
    size_t count;
    uint64_t gen;
    bool built;
};

static int topics_cmp_col(const struct mapr_topic *a, const struct mapr_topic *b, int col)
{
    switch ((enum topics_col)col) {
    case TC_STREAM:
        return strcmp(a->stream, b->stream);
    case TC_TOPIC:
        return strcmp(a->name, b->name);
    case TC_PARTS:
        return view_int_cmp(a->partitions, b->partitions);
    case TC_CONSUMERS:
        return view_int_cmp(a->consumers, b->consumers);
    case TC_NEWEST: /* newest first */
        return view_int_cmp(b->newest_ms, a->newest_ms);
    case TC_OFFSET:
        return view_int_cmp(a->maxoffset, b->maxoffset);
    case TC_LAG:
        return view_int_cmp(a->maxlag, b->maxlag);
    case TC_SIZE:
        return view_int_cmp(a->physical_b, b->physical_b);
    case TC_COUNT:
        break;
    }
    return 0;
}

static int topics_default_cmp(const void *pa, const void *pb)
{
    const struct mapr_topic *a = *(const struct mapr_topic *const *)pa;
    const struct mapr_topic *b = *(const struct mapr_topic *const *)pb;
    int c = strcmp(a->stream, b->stream);

    return c != 0 ? c : strcmp(a->name, b->name);
}

static int topics_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct mapr_topic *a = *(const struct mapr_topic *const *)pa;
    const struct mapr_topic *b = *(const struct mapr_topic *const *)pb;
    const struct view *v = arg;
    int c = v->sort_col >= 0 ? topics_cmp_col(a, b, v->sort_col) : 0;

    if (v->sort_desc) {
        c = -c;
    }
    return c != 0 ? c : topics_default_cmp(pa, pb);
}

static void topics_sort(struct view *v, size_t col, bool desc)
{
    struct topics_state *st = v->state;

    (void)col;
    (void)desc;
    if (st->count > 1) {
        qsort_r(st->rows, st->count, sizeof *st->rows, topics_sort_cmp, v);
    }
}

static bool topics_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct topics_state *st = v->state;

    return !st->built || st->gen != store_gen(ctx->store, STORE_MAPR_TOPIC);
}

static void topics_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct topics_state *st = v->state;
    const struct view_scope *sc = ctx->scope;
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_MAPR_TOPIC) + 1, sizeof *st->rows);
    st->count = 0;
    access_rows(ctx->access, STORE_MAPR_TOPIC, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct mapr_topic *t = (const struct mapr_topic *)r;

        if ((sc->tenant[0] != '\0' && (tenant == NULL || strcmp(tenant, sc->tenant) != 0)) ||
            (sc->path[0] != '\0' && strcmp(t->stream, sc->path) != 0)) {
            continue;
        }
        st->rows[st->count++] = t;
    }
    qsort(st->rows, st->count, sizeof *st->rows, topics_default_cmp);
    if (v->sort_col >= 0) {
        topics_sort(v, (size_t)v->sort_col, v->sort_desc);
    }
    st->gen = store_gen(ctx->store, STORE_MAPR_TOPIC);
    st->built = true;
}

static size_t topics_count(const struct view *v)
{
    const struct topics_state *st = v->state;

    return st->count;
}

static enum view_tone topics_num(int64_t n, char *buf, size_t size)
{
    if (n < 0) {
        snprintf(buf, size, "-");
        return TONE_DIM;
    }
    snprintf(buf, size, "%lld", (long long)n);
    return TONE_NORMAL;
}

static enum view_tone topics_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                  size_t col, char *buf, size_t size)
{
    const struct topics_state *st = v->state;
    const struct mapr_topic *t = st->rows[row];
    int64_t age;

    switch ((enum topics_col)col) {
    case TC_STREAM:
        snprintf(buf, size, "%s", t->stream);
        return TONE_NORMAL;
    case TC_TOPIC:
        snprintf(buf, size, "%s", t->name);
        return TONE_NORMAL;
    case TC_PARTS:
        return topics_num(t->partitions, buf, size);
    case TC_CONSUMERS:
        return topics_num(t->consumers, buf, size);
    case TC_NEWEST:
        if (t->newest_ms < 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        age = ctx->now - t->newest_ms / 1000;
        k8s_fmt_age(age > 0 ? age : 0, buf, size);
        return TONE_NORMAL;
    case TC_OFFSET:
        return topics_num(t->maxoffset, buf, size);
    case TC_LAG:
        return topics_num(t->maxlag, buf, size);
    case TC_SIZE:
        if (t->physical_b < 0) {
            snprintf(buf, size, "-");
            return TONE_DIM;
        }
        snprintf(buf, size, "%.1fG", (double)t->physical_b / (1024.0 * 1024.0 * 1024.0));
        return TONE_NORMAL;
    case TC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

static const char *topics_row_key(const struct view *v, size_t row)
{
    const struct topics_state *st = v->state;

    return row < st->count ? st->rows[row]->row.uid : NULL;
}

static const struct store_row *topics_row_source(const struct view *v, size_t row, uint64_t *extra)
{
    const struct topics_state *st = v->state;

    *extra = 0;
    return &st->rows[row]->row;
}

static int64_t topics_next_tick(const struct view *v, const struct view_ctx *ctx, size_t row)
{
    const struct topics_state *st = v->state;
    const struct mapr_topic *t = st->rows[row];
    int64_t age = ctx->now - t->newest_ms / 1000;

    return t->newest_ms < 0 ? -1 : k8s_age_next_change(age > 0 ? age : 0);
}

static bool topics_redundant(const struct view *v, size_t col)
{
    const struct topics_state *st = v->state;

    if (col != TC_STREAM || st->count == 0) {
        return false;
    }
    for (size_t i = 1; i < st->count; i++) {
        if (strcmp(st->rows[i]->stream, st->rows[0]->stream) != 0) {
            return false;
        }
    }
    return true;
}

static const enum action topics_actions[] = {ACT_DESCRIBE, ACT_RAW, ACT_NONE};

static struct source_request *topics_request(const struct view *v, const struct view_ctx *ctx,
                                             size_t row, enum action act, char **err)
{
    const struct topics_state *st = v->state;

    (void)ctx;
    if (row >= st->count || (act != ACT_DESCRIBE && act != ACT_RAW)) {
        *err = xstrdup("nothing to show");
        return NULL;
    }
    return mapr_request_detail(STORE_MAPR_TOPIC, st->rows[row]->row.uid, st->rows[row]->tenant);
}

static void topics_fini(struct view *v)
{
    struct topics_state *st = v->state;

    free(st->rows);
}

const struct view_ops topics_view = {
    .name = "topics",
    .title = "topics",
    .columns = topics_columns,
    .ncolumns = TC_COUNT,
    .state_size = sizeof(struct topics_state),
    .source = "mapr",
    .fini = topics_fini,
    .stale = topics_stale,
    .rebuild = topics_rebuild,
    .count = topics_count,
    .cell = topics_cell,
    .row_key = topics_row_key,
    .row_source = topics_row_source,
    .redundant = topics_redundant,
    .next_tick = topics_next_tick,
    .sort = topics_sort,
    .actions = topics_actions,
    .request = topics_request,
};
