/* The view stack: drill down and back, rebuilds paced under churn, the filter and sorting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/xalloc.h"
#include "tui/app_int.h"

#define FRAMES_TEXTS_SLICE 4096 /* filter texts made ahead per loop iteration (~5 ms) */

void frames_texts_drop(struct frame *f)
{
    texts_invalidate(&f->texts);
}

struct frames_texts_arg {
    const struct view *v;
    const struct view_ctx *ctx;
};

static size_t frames_texts_format(void *arg, size_t row, char *buf, size_t size)
{
    const struct frames_texts_arg *x = arg;

    return table_row_text(x->v, x->ctx, row, buf, size);
}

/* Brings the filter texts up to date once per change of the rows, formatting only the rows
 * that changed, so typing a pattern only matches. Ages in a kept text are as of when its row
 * last changed (refreshed a slice at a time after a minute, see tui/texts.h): the filter
 * matches what the row said then; STATUS, READY, names change only with a new row gen. */
static void frames_texts_build(struct app *a, struct frame *f)
{
    struct view_ctx ctx = app_ctx(a, f);
    struct frames_texts_arg x = {f->view, &ctx};
    int64_t t0 = app_now_us(), us;

    texts_update(&f->texts, f->view, ctx.now, frames_texts_format, &x);
    us = app_now_us() - t0;
    if (us >= 10000) {
        log_msg("filter texts: %zu formatted, %zu kept in %.1f ms", f->texts.formatted,
                f->texts.reused, (double)us / 1000.0);
    }
}

/* Builds the top frame's filter texts ahead while the filter prompt is open, a slice of
 * FRAMES_TEXTS_SLICE rows each loop iteration, so that keys typed meanwhile are read between
 * slices and the first one does not wait for a whole build. */
static void frames_texts_slice(void *arg)
{
    struct app *a = arg;
    struct frame *f = app_top(a);
    struct view_ctx ctx = app_ctx(a, f);
    struct frames_texts_arg x = {f->view, &ctx};

    a->texts_timer = NULL;
    if (app_mode_top(a) == NULL || strcmp(app_mode_top(a)->name, "filter") != 0 ||
        f->texts.valid) {
        return; /* the prompt is closed, or nothing to do */
    }
    if (!texts_step(&f->texts, f->view, ctx.now, frames_texts_format, &x, FRAMES_TEXTS_SLICE)) {
        a->texts_timer = loop_timer_add(a->loop, 0, frames_texts_slice, a);
    }
}

void frames_texts_ahead(struct app *a)
{
    if (!app_top(a)->texts.valid && a->texts_timer == NULL) {
        /* 1 ms: after the prompt is painted, not in this pass */
        a->texts_timer = loop_timer_add(a->loop, 1, frames_texts_slice, a);
    }
}

void frames_fini(struct frame *f)
{
    texts_fini(&f->texts);
    view_free(f->view);
    table_fini(&f->table);
    filter_free(f->filter);
    memset(f, 0, sizeof *f);
}

void frames_push(struct app *a, const struct view_ops *ops, const struct view_scope *scope,
                 const char *label, bool reset)
{
    struct frame *f;

    if (reset) {
        while (a->nframes > 0) {
            frames_fini(&a->frames[--a->nframes]);
        }
    }
    if (a->nframes == APP_MAX_FRAMES) {
        app_flash(a, true, "too deep: go back first");
        return;
    }
    if (a->nframes > 0) {
        app_top(a)->rows_alive = false; /* below the top, its rows may be freed */
    }
    f = &a->frames[a->nframes++];
    memset(f, 0, sizeof *f);
    f->view = view_new(ops);
    table_init(&f->table);
    texts_init(&f->texts);
    f->scope = *scope;
    f->serial = ++a->frame_serial;
    snprintf(f->label, sizeof f->label, "%s", label != NULL ? label : "");
    a->last_rebuild_ms = 0;
    a->dirty |= DIRTY_SCREEN;
}

void frames_pop(struct app *a)
{
    if (a->nframes > 1) {
        frames_fini(&a->frames[--a->nframes]);
        app_top(a)->refilter = true;
        a->last_rebuild_ms = 0;
        a->dirty |= DIRTY_SCREEN;
    }
}

void frames_apply_filter(struct app *a, struct frame *f)
{
    size_t n = f->view->ops->count(f->view);
    size_t *map, m = 0;

    f->refilter = false;
    if (f->filter == NULL || filter_matches_all(f->filter)) {
        table_clear_map(&f->table);
        f->table.highlight = NULL;
        return;
    }
    filter_reset_limited(f->filter);
    if (!f->texts.valid || f->texts.n != n) {
        frames_texts_build(a, f);
    }
    map = xmalloc((n + 1) * sizeof *map);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *text = texts_get(&f->texts, i, &len);

        if (filter_match(f->filter, text, len)) {
            map[m++] = i;
        }
    }
    table_set_map(&f->table, map, m);
    f->table.highlight = filter_inverted(f->filter) ? NULL : f->filter;
}

char *frames_set_filter(struct app *a, const char *text, size_t *off, bool *limited)
{
    struct frame *f = app_top(a);
    char *err = NULL;
    struct filter *flt = filter_new(text, &err, off);

    *limited = false;
    if (flt == NULL) {
        return err;
    }
    filter_free(f->filter);
    f->filter = flt;
    frames_apply_filter(a, f);
    table_move_to(&f->table, f->view, 0);
    *limited = filter_limited(flt);
    return NULL;
}

void frames_clear_filter(struct app *a)
{
    struct frame *f = app_top(a);

    filter_free(f->filter);
    f->filter = NULL;
    frames_apply_filter(a, f);
    table_follow(&f->table, f->view);
}

static void frames_sort(struct app *a, int col, bool desc)
{
    struct frame *f = app_top(a);
    struct view *v = f->view;

    if (v->ops->sort == NULL || col < 0) {
        return;
    }
    v->sort_col = col;
    v->sort_desc = desc;
    v->ops->sort(v, (size_t)col, desc);
    frames_texts_drop(f);
    f->table.sort_col = col;
    f->table.sort_desc = desc;
    frames_apply_filter(a, f);
    table_move_to(&f->table, v, 0); /* a new order starts at its top */
}

/* A column's first sort: numbers (right-aligned columns) largest first, as htop does, text
 * from A. */
static bool frames_desc_first(const struct view *v, int col)
{
    return (v->ops->columns[col].flags & COL_RIGHT) != 0;
}

void frames_sort_by(struct app *a, int col)
{
    const struct view *v = app_top(a)->view;

    frames_sort(a, col, v->sort_col == col ? !v->sort_desc : frames_desc_first(v, col));
}

void frames_sort_step(struct app *a, int step)
{
    const struct view *v = app_top(a)->view;
    int n = (int)v->ops->ncolumns;
    int col = v->sort_col;

    if (v->ops->sort == NULL) {
        app_flash(a, true, "this view cannot be sorted");
        return;
    }
    for (int i = 0; i < n; i++) {
        col = col < 0 ? (step > 0 ? 0 : n - 1) : (col + step + n) % n;
        if (v->ops->columns[col].sort_key != 0) {
            break;
        }
    }
    frames_sort(a, col, frames_desc_first(v, col));
}

static void frames_rebuild_fire(void *arg)
{
    struct app *a = arg;

    a->rebuild_timer = NULL;
    a->dirty |= DIRTY_SCREEN;
}

bool frames_maybe_rebuild(struct app *a)
{
    struct frame *f = app_top(a);
    struct view *v = f->view;
    struct view_ctx ctx = app_ctx(a, f);
    int64_t now = loop_now_ms();
    int64_t interval = (int64_t)v->ops->count(v) / 25;

    if (!v->ops->stale(v, &ctx)) {
        if (f->refilter) {
            frames_texts_drop(f);
            frames_apply_filter(a, f);
            table_follow(&f->table, v);
            return true;
        }
        return false;
    }
    interval = interval < 100 ? 100 : (interval > 2000 ? 2000 : interval);
    if (v->ops->count(v) > 0 && now - a->last_rebuild_ms < interval) {
        if (a->rebuild_timer == NULL) {
            a->rebuild_timer = loop_timer_add(a->loop, a->last_rebuild_ms + interval - now,
                                              frames_rebuild_fire, a);
        }
        return false;
    }
    v->ops->rebuild(v, &ctx);
    f->rows_alive = true;
    frames_texts_drop(f);
    a->last_rebuild_ms = now;
    frames_apply_filter(a, f);
    table_follow(&f->table, v);
    return true;
}
