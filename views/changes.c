/* The changes view: ServiceNow change requests planned to start last week or this week (the
 * platform's updates, which customers must be told about), soonest first; those in progress
 * (Implement) stand out. The tenant is what the change's company maps to (core/servicenow/). */
#define _GNU_SOURCE /* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonw.h"
#include "core/servicenow/sn_model.h"
#include "core/xalloc.h"
#include "views/view.h"

enum changes_col {
    CC_NUMBER,
    CC_TYPE,
    CC_STATE,
    CC_RISK,
    CC_START,
    CC_END,
    CC_CI,
    CC_TENANT,
    CC_SHORT,
    CC_COUNT
};

static const struct view_column changes_columns[CC_COUNT] = {
    [CC_NUMBER] = {"NUMBER", 10, 0, 'N', COL_KEEP_ALWAYS},
    [CC_TYPE] = {"TYPE", 6, 0, 'Y', 4},
    [CC_STATE] = {"STATE", 9, COL_NOTRUNC, 'S', COL_KEEP_ALWAYS},
    [CC_RISK] = {"RISK", 4, 0, 'K', 5},
    [CC_START] = {"PLANNED START", 16, 0, 'P', 8},
    [CC_END] = {"PLANNED END", 16, 0, 'O', 6},
    [CC_CI] = {"CI", 8, COL_MIDCUT, 'C', 4},
    [CC_TENANT] = {"TENANT", 6, 0, 'E', 7},
    [CC_SHORT] = {"SHORT DESCRIPTION", 16, COL_GROW | COL_SHRINK, 'H', 6},
};

struct change_entry {
    const struct sn_change *ch;
    const char *tenant; /* the tenancy's, borrowed; NULL when none */
    uint32_t rank;
};

struct changes_state {
    struct change_entry *rows;
    size_t count;
    uint64_t gen, access_gen;
    bool built;
};

/* Soonest start first (unknown last), then the number. */
static int changes_default_cmp(const void *pa, const void *pb)
{
    const struct change_entry *a = pa, *b = pb;
    int c = view_int_cmp(a->ch->start == 0, b->ch->start == 0);

    if (c == 0) {
        c = view_int_cmp(a->ch->start, b->ch->start);
    }
    return c != 0 ? c : strcmp(a->ch->number, b->ch->number);
}

static int changes_cmp_col(const struct change_entry *a, const struct change_entry *b, int col)
{
    const struct sn_change *x = a->ch, *y = b->ch;

    switch ((enum changes_col)col) {
    case CC_NUMBER:
        return strcmp(x->number, y->number);
    case CC_TYPE:
        return view_str_cmp(x->type, y->type);
    case CC_STATE:
        return view_int_cmp(x->state, y->state);
    case CC_RISK:
        return view_str_cmp(x->risk, y->risk);
    case CC_START:
        return view_int_cmp(x->start, y->start);
    case CC_END:
        return view_int_cmp(x->end, y->end);
    case CC_CI:
        return view_str_cmp(x->cmdb_ci, y->cmdb_ci);
    case CC_TENANT:
        return view_str_cmp(a->tenant, b->tenant);
    case CC_SHORT:
        return view_str_cmp(x->short_description, y->short_description);
    case CC_COUNT:
        break;
    }
    return 0;
}

static int changes_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct change_entry *a = pa, *b = pb;
    const struct view *v = arg;
    int c = v->sort_col >= 0 ? changes_cmp_col(a, b, v->sort_col) : 0;

    if (v->sort_desc) {
        c = -c;
    }
    return c != 0 ? c : view_int_cmp(a->rank, b->rank);
}

static void changes_sort(struct view *v, size_t col, bool desc)
{
    struct changes_state *st = v->state;

    (void)col;
    (void)desc; /* v->sort_col and v->sort_desc say the same */
    if (st->count > 1) {
        qsort_r(st->rows, st->count, sizeof *st->rows, changes_sort_cmp, v);
    }
}

static bool changes_stale(const struct view *v, const struct view_ctx *ctx)
{
    const struct changes_state *st = v->state;

    return !st->built || st->gen != store_gen(ctx->store, STORE_CHANGE) ||
           st->access_gen != access_gen(ctx->access);
}

static void changes_rebuild(struct view *v, const struct view_ctx *ctx)
{
    struct changes_state *st = v->state;
    const struct view_scope *sc = ctx->scope;
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    free(st->rows);
    st->rows = xcalloc(store_count(ctx->store, STORE_CHANGE) + 1, sizeof *st->rows);
    st->count = 0;
    access_rows(ctx->access, STORE_CHANGE, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        if (sc->tenant[0] != '\0' && (tenant == NULL || strcmp(tenant, sc->tenant) != 0)) {
            continue;
        }
        st->rows[st->count++] =
            (struct change_entry){.ch = (const struct sn_change *)r, .tenant = tenant};
    }
    qsort(st->rows, st->count, sizeof *st->rows, changes_default_cmp);
    for (size_t i = 0; i < st->count; i++) {
        st->rows[i].rank = (uint32_t)i;
    }
    if (v->sort_col >= 0) {
        changes_sort(v, (size_t)v->sort_col, v->sort_desc);
    }
    st->gen = store_gen(ctx->store, STORE_CHANGE);
    st->access_gen = access_gen(ctx->access);
    st->built = true;
}

static size_t changes_count(const struct view *v)
{
    const struct changes_state *st = v->state;

    return st->count;
}

/* A planned time in the local zone ("Mon 07 Dec 14:00"), or "-". */
static enum view_tone changes_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == 0) {
        snprintf(buf, size, "-");
        return TONE_DIM;
    }
    localtime_r(&tt, &tm);
    strftime(buf, size, "%a %d %b %H:%M", &tm);
    return TONE_NORMAL;
}

static enum view_tone changes_text(const char *s, char *buf, size_t size)
{
    snprintf(buf, size, "%s", s != NULL ? s : "-");
    return s != NULL ? TONE_NORMAL : TONE_DIM;
}

static enum view_tone changes_cell(const struct view *v, const struct view_ctx *ctx, size_t row,
                                   size_t col, char *buf, size_t size)
{
    const struct changes_state *st = v->state;
    const struct change_entry *e = &st->rows[row];
    const struct sn_change *ch = e->ch;

    (void)ctx;
    switch ((enum changes_col)col) {
    case CC_NUMBER:
        snprintf(buf, size, "%s", ch->number);
        return TONE_NORMAL;
    case CC_TYPE:
        return changes_text(ch->type, buf, size);
    case CC_STATE:
        changes_text(ch->state_text, buf, size);
        return ch->has_state && ch->state == SN_CHANGE_IMPLEMENT ? TONE_WARN
               : ch->has_state && ch->state > 0                  ? TONE_DIM
                                                                 : TONE_NORMAL;
    case CC_RISK:
        return changes_text(ch->risk, buf, size);
    case CC_START:
        return changes_time(ch->start, buf, size);
    case CC_END:
        return changes_time(ch->end, buf, size);
    case CC_CI:
        return changes_text(ch->cmdb_ci, buf, size);
    case CC_TENANT:
        return changes_text(e->tenant, buf, size);
    case CC_SHORT:
        return changes_text(ch->short_description, buf, size);
    case CC_COUNT:
        break;
    }
    buf[0] = '\0';
    return TONE_NORMAL;
}

/* Enter and d: the change request's fields as the view has them (y: as JSON). */
static char *changes_describe(const struct view *v, const struct view_ctx *ctx, size_t row,
                              bool raw, char **err)
{
    const struct changes_state *st = v->state;
    const struct change_entry *e;
    const struct sn_change *ch;
    char start[32], end[32], updated[32], *text;

    (void)ctx;
    if (row >= st->count) {
        *err = xstrdup("no change request here");
        return NULL;
    }
    e = &st->rows[row];
    ch = e->ch;
    changes_time(ch->start, start, sizeof start);
    changes_time(ch->end, end, sizeof end);
    changes_time(ch->updated, updated, sizeof updated);
    if (raw) {
        struct jsonw j = {0};
        struct jsonw *w = &j;

        /* The instance's fields as it returned them (the times its UTC values, the rest
         * their display values); what the console adds under "govconsole". */
        jsonw_object(w, NULL);
        jsonw_string(w, "sys_id", ch->row.uid);
        jsonw_string(w, "number", ch->number);
        jsonw_string(w, "type", ch->type);
        jsonw_string(w, "state", ch->state_text);
        jsonw_string(w, "risk", ch->risk);
        jsonw_string(w, "company", ch->company);
        jsonw_string(w, "cmdb_ci", ch->cmdb_ci);
        jsonw_string(w, "start_date", ch->start_raw[0] != '\0' ? ch->start_raw : NULL);
        jsonw_string(w, "end_date", ch->end_raw[0] != '\0' ? ch->end_raw : NULL);
        jsonw_string(w, "sys_updated_on", ch->updated_raw[0] != '\0' ? ch->updated_raw : NULL);
        jsonw_string(w, "short_description", ch->short_description);
        jsonw_object(w, "govconsole");
        jsonw_string(w, "tenant", e->tenant);
        jsonw_string(w, "planned_start_local", ch->start != 0 ? start : NULL);
        jsonw_string(w, "planned_end_local", ch->end != 0 ? end : NULL);
        jsonw_end_object(w);
        jsonw_end_object(w);
        return jsonw_finish(w);
    }
    text = xasprintf("Number:             %s\nType:               %s\nState:              %s\n"
                     "Risk:               %s\nTenant:             %s\nConfiguration item: %s\n"
                     "Planned start:      %s\nPlanned end:        %s\nUpdated:            %s\n"
                     "Short description:  %s\n",
                     ch->number, ch->type != NULL ? ch->type : "-",
                     ch->state_text != NULL ? ch->state_text : "-",
                     ch->risk != NULL ? ch->risk : "-", e->tenant != NULL ? e->tenant : "-",
                     ch->cmdb_ci != NULL ? ch->cmdb_ci : "-", start, end, updated,
                     ch->short_description != NULL ? ch->short_description : "-");
    return text;
}

static const char *changes_row_key(const struct view *v, size_t row)
{
    const struct changes_state *st = v->state;

    return row < st->count ? st->rows[row].ch->row.uid : NULL;
}

static const struct store_row *changes_row_source(const struct view *v, size_t row,
                                                  uint64_t *extra)
{
    const struct changes_state *st = v->state;

    *extra = view_mix_str(0, st->rows[row].tenant);
    return &st->rows[row].ch->row;
}

static void changes_fini(struct view *v)
{
    struct changes_state *st = v->state;

    free(st->rows);
}

static const char *const changes_aliases[] = {"change", "chg", NULL};

const struct view_ops changes_view = {
    .name = "changes",
    .aliases = changes_aliases,
    .title = "changes",
    .columns = changes_columns,
    .ncolumns = CC_COUNT,
    .state_size = sizeof(struct changes_state),
    .source = "servicenow",
    .fini = changes_fini,
    .stale = changes_stale,
    .rebuild = changes_rebuild,
    .count = changes_count,
    .cell = changes_cell,
    .row_key = changes_row_key,
    .row_source = changes_row_source,
    .sort = changes_sort,
    .describe = changes_describe,
};
