/* Column layout, selection, scrolling and painting of a view as a table. */
#include "tui/table.h"

#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "core/xalloc.h"
#include "tui/screen.h"

#define TABLE_CELL_MAX 512

void table_init(struct table *t)
{
    memset(t, 0, sizeof *t);
    t->sort_col = -1;
}

void table_fini(struct table *t)
{
    free(t->sel_key);
    t->sel_key = NULL;
    table_clear_map(t);
}

void table_set_map(struct table *t, size_t *map, size_t n)
{
    free(t->map);
    t->map = map;
    t->nmap = n;
    t->mapped = true;
}

void table_clear_map(struct table *t)
{
    free(t->map);
    t->map = NULL;
    t->nmap = 0;
    t->mapped = false;
}

size_t table_count(const struct table *t, const struct view *v)
{
    return t->mapped ? t->nmap : v->ops->count(v);
}

size_t table_row(const struct table *t, size_t i)
{
    return t->mapped ? t->map[i] : i;
}

size_t table_row_text(const struct view *v, const struct view_ctx *ctx, size_t row, char *buf,
                      size_t size)
{
    size_t len = 0;
    char cell[TABLE_CELL_MAX];

    buf[0] = '\0';
    for (size_t c = 0; c < v->ops->ncolumns; c++) {
        size_t n;

        v->ops->cell(v, ctx, row, c, cell, sizeof cell);
        n = strlen(cell);
        if (len + n + 2 > size) {
            break;
        }
        if (len > 0) {
            buf[len++] = ' ';
        }
        memcpy(buf + len, cell, n);
        len += n;
        buf[len] = '\0';
    }
    return len;
}

void table_reset_widths(struct table *t)
{
    t->hcol = 0;
    memset(t->widths, 0, sizeof t->widths);
}

static void table_remember(struct table *t, const struct view *v)
{
    size_t n = table_count(t, v);

    free(t->sel_key);
    t->sel_key = n > 0 && t->sel < n ? xstrdup(v->ops->row_key(v, table_row(t, t->sel))) : NULL;
}

void table_follow(struct table *t, const struct view *v)
{
    size_t n = table_count(t, v);

    if (t->sel_key != NULL) {
        for (size_t i = 0; i < n; i++) {
            const char *k = v->ops->row_key(v, table_row(t, i));

            if (k != NULL && strcmp(k, t->sel_key) == 0) {
                t->sel = i;
                return;
            }
        }
    }
    /* The selected row is gone: stay at the same position. */
    if (t->sel >= n) {
        t->sel = n > 0 ? n - 1 : 0;
    }
    table_remember(t, v);
}

void table_move_to(struct table *t, const struct view *v, size_t row)
{
    size_t n = table_count(t, v);

    t->sel = n == 0 ? 0 : (row >= n ? n - 1 : row);
    table_remember(t, v);
}

void table_move(struct table *t, const struct view *v, long delta)
{
    long target = (long)t->sel + delta;

    table_move_to(t, v, target < 0 ? 0 : (size_t)target);
}

void table_page(struct table *t, const struct view *v, int pages)
{
    long h = t->height > 1 ? t->height - 1 : 1;

    table_move(t, v, pages * h);
}

/* The keep of a column (view.h: 0 is taken as 5). */
static int table_keep(const struct view_column *c)
{
    return c->keep > 0 ? c->keep : 5;
}

/* The shown column to drop next: the least kept of those allowed (redundant only, or below
 * `below`), the rightmost among equals; nc when none. */
static size_t table_pick_drop(const struct view *v, size_t nc, const bool *shown,
                              bool redundant_only, int below)
{
    const struct view_column *cols = v->ops->columns;
    size_t best = nc;

    for (size_t c = 0; c < nc; c++) {
        int k = table_keep(&cols[c]);

        if (!shown[c] || k >= COL_KEEP_ALWAYS || k >= below) {
            continue;
        }
        if (redundant_only && (v->ops->redundant == NULL || !v->ops->redundant(v, c))) {
            continue;
        }
        if (best == nc || k <= table_keep(&cols[best])) {
            best = c;
        }
    }
    return best;
}

/* Decides which columns show and how wide (view.h, "How a table too narrow ..."): redundant
 * columns go first, then the least kept ones, then names are cut down to their minimum, then
 * more columns; spare width goes to COL_GROW columns. Columns before t->hcol are scrolled off. */
static void table_layout(const struct table *t, const struct view *v, int width, int *w,
                         bool *shown)
{
    const struct view_column *cols = v->ops->columns;
    size_t nc = v->ops->ncolumns;
    int total = -1, grow = 0;
    /* 0 redundant columns, 1 cut free text (COL_SHRINK), 2 least kept columns, 3 cut names,
     * 4 any column, 5 cut below the minimum */
    int stage = 0;

    for (size_t c = 0; c < nc; c++) {
        /* the sort arrow is part of the header */
        int hw = screen_text_width(cols[c].name) + ((int)c == t->sort_col);

        w[c] = t->widths[c] > hw ? t->widths[c] : hw;
        if (w[c] < cols[c].min_width) {
            w[c] = cols[c].min_width;
        }
        shown[c] = c >= t->hcol;
        total += shown[c] ? w[c] + 1 : 0;
    }
    while (total > width && stage < 6) {
        size_t c = nc;

        if (stage == 0 || stage == 2 || stage == 4) {
            c = table_pick_drop(v, nc, shown, stage == 0,
                                stage == 2 ? COL_KEEP_SHRINK : COL_KEEP_ALWAYS);
            if (c < nc) {
                shown[c] = false;
                total -= w[c] + 1;
                continue;
            }
        } else {
            /* Take one cell at a time from the widest column that can give one, so long
             * names share the loss; never from a COL_NOTRUNC column. */
            for (size_t k = 0; k < nc; k++) {
                int floor = stage == 5 ? 4 : cols[k].min_width;

                if (!shown[k] || (cols[k].flags & COL_NOTRUNC) || w[k] <= floor ||
                    (stage == 1 && !(cols[k].flags & COL_SHRINK))) {
                    continue;
                }
                if (c == nc || w[k] > w[c]) {
                    c = k;
                }
            }
            if (c < nc) {
                w[c]--;
                total--;
                continue;
            }
        }
        stage++;
    }
    for (size_t c = 0; c < nc; c++) {
        if (shown[c] && (cols[c].flags & COL_GROW)) {
            grow++;
        }
    }
    /* Spare width goes to growable columns. */
    if (total < width && grow > 0) {
        int spare = width - total;

        for (size_t c = 0; c < nc; c++) {
            if (shown[c] && (cols[c].flags & COL_GROW)) {
                int add = spare / grow;

                w[c] += add;
                spare -= add;
                grow--;
            }
        }
    }
}

bool table_hscroll(struct table *t, const struct view *v, int step)
{
    if (step < 0) {
        if (t->hcol == 0) {
            return false;
        }
        t->hcol--;
        return true;
    }
    if (!t->more_right || t->hcol + 1 >= v->ops->ncolumns) {
        return false;
    }
    t->hcol++;
    return true;
}

/* A name too wide for its column, cut in the middle so its distinguishing end stays
 * ("climate-grid-b5k5c7d9f-x2bq9" in 18 cells: "climate-g~9f-x2bq9"). ASCII only; other
 * text is left to screen_put(), which cuts at the end. */
static const char *table_midcut(const char *s, int width, char *buf, size_t size)
{
    size_t len = strlen(s), head, tail;

    if (width < 5 || len <= (size_t)width || (size_t)width + 1 > size) {
        return s;
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 32 || (unsigned char)s[i] > 126) {
            return s;
        }
    }
    tail = (size_t)(width - 1) / 2;
    head = (size_t)width - 1 - tail;
    memcpy(buf, s, head);
    buf[head] = '~';
    memcpy(buf + head + 1, s + len - tail, tail);
    buf[width] = '\0';
    return buf;
}

/* Repaints the parts of a painted cell that match the filter, in THEME_HIGHLIGHT. */
static void table_paint_matches(struct filter *f, WINDOW *win, int y, int x, int width,
                                const char *text, bool right)
{
    size_t len = strlen(text), ms, me, start = 0;
    int tw = screen_text_width(text);
    int base = right && tw < width ? width - tw : 0;

    if (tw > width) {
        return; /* truncated cells keep it simple: no highlight */
    }
    while (start < len && filter_find(f, text, len, start, &ms, &me)) {
        char pre[TABLE_CELL_MAX], mid[TABLE_CELL_MAX];
        int px;

        memcpy(pre, text, ms);
        pre[ms] = '\0';
        memcpy(mid, text + ms, me - ms);
        mid[me - ms] = '\0';
        px = screen_text_width(pre);
        screen_put(win, y, x + base + px, mid, screen_text_width(mid), false,
                   screen_attr(THEME_HIGHLIGHT));
        start = me;
    }
}

int64_t table_draw(struct table *t, WINDOW *win, int y, int x, int height, int width,
                   const struct view *v, const struct view_ctx *ctx)
{
    const struct view_column *cols = v->ops->columns;
    size_t nc = v->ops->ncolumns < TABLE_MAX_COLS ? v->ops->ncolumns : TABLE_MAX_COLS;
    size_t n = table_count(t, v);
    int w[TABLE_MAX_COLS];
    bool shown[TABLE_MAX_COLS];
    char buf[TABLE_CELL_MAX];
    int rows = height - 1;
    int64_t tick = -1;

    if (rows < 1 || width < 1) {
        return -1;
    }
    t->height = rows;
    if (t->sel >= n) {
        t->sel = n > 0 ? n - 1 : 0;
    }
    if (t->sel < t->top) {
        t->top = t->sel;
    } else if (t->sel >= t->top + (size_t)rows) {
        t->top = t->sel - (size_t)rows + 1;
    }
    if (t->top + (size_t)rows > n) {
        t->top = n > (size_t)rows ? n - (size_t)rows : 0;
    }
    /* Measure the visible rows first so that widths grow before anything is painted. */
    for (size_t r = t->top; r < n && r < t->top + (size_t)rows; r++) {
        for (size_t c = 0; c < nc; c++) {
            int cw;

            v->ops->cell(v, ctx, table_row(t, r), c, buf, sizeof buf);
            cw = screen_text_width(buf);
            if (cw > t->widths[c]) {
                t->widths[c] = cw;
            }
        }
    }
    table_layout(t, v, width, w, shown);

    int cx = x;
    size_t last_shown = nc;

    t->hidden = 0;
    for (size_t c = 0; c < nc; c++) {
        t->hidden += !shown[c];
        last_shown = shown[c] ? c : last_shown;
    }
    t->more_right = false;
    for (size_t c = last_shown + 1; last_shown < nc && c < nc; c++) {
        t->more_right = t->more_right || !shown[c];
    }
    for (size_t c = 0; c < nc; c++) {
        if (!shown[c]) {
            continue;
        }
        if (cx + w[c] > x + width) {
            break;
        }
        if ((int)c == t->sort_col) {
            char hdr[64];

            /* A header cut to its column keeps the arrow: the name gives way. */
            int keep = (int)strlen(cols[c].name) < w[c] ? (int)strlen(cols[c].name) : w[c] - 1;

            snprintf(hdr, sizeof hdr, "%.*s%s", keep > 0 ? keep : 0, cols[c].name,
                     t->sort_desc ? "\u2193" : "\u2191");
            screen_put(win, y, cx, hdr, w[c], (cols[c].flags & COL_RIGHT) != 0,
                       screen_attr(THEME_TABLE_HEADER));
        } else {
            screen_put(win, y, cx, cols[c].name, w[c], (cols[c].flags & COL_RIGHT) != 0,
                       screen_attr(THEME_TABLE_HEADER));
        }
        cx += w[c];
        if (cx < x + width) {
            screen_put(win, y, cx, " ", 1, false, screen_attr(THEME_TABLE_HEADER));
            cx++;
        }
    }
    if (cx < x + width) {
        screen_put(win, y, cx, "", x + width - cx, false, screen_attr(THEME_TABLE_HEADER));
    }

    for (int i = 0; i < rows; i++) {
        size_t d = t->top + (size_t)i;
        size_t r = d < n ? table_row(t, d) : 0;
        bool selected = d == t->sel;
        attr_t base = screen_attr(selected ? THEME_SEL_FOCUS : THEME_TABLE_ROW);

        if (d >= n) {
            screen_put(win, y + 1 + i, x, "", width, false, screen_attr(THEME_TABLE_ROW));
            continue;
        }
        cx = x;
        for (size_t c = 0; c < nc; c++) {
            enum view_tone tone;

            if (!shown[c]) {
                continue;
            }
            if (cx + w[c] > x + width) {
                break;
            }
            tone = v->ops->cell(v, ctx, r, c, buf, sizeof buf);
            if (cols[c].flags & COL_MIDCUT) {
                char cut[TABLE_CELL_MAX];
                const char *text = table_midcut(buf, w[c], cut, sizeof cut);

                if (text != buf) {
                    snprintf(buf, sizeof buf, "%s", text);
                }
            }
            screen_put(win, y + 1 + i, cx, buf, w[c], (cols[c].flags & COL_RIGHT) != 0,
                       selected ? base : screen_attr(screen_tone_slot(tone)));
            if (t->highlight != NULL) {
                table_paint_matches(t->highlight, win, y + 1 + i, cx, w[c], buf,
                                    (cols[c].flags & COL_RIGHT) != 0);
            }
            cx += w[c];
            if (cx < x + width) {
                screen_put(win, y + 1 + i, cx, " ", 1, false, base);
                cx++;
            }
        }
        if (cx < x + width) {
            screen_put(win, y + 1 + i, cx, "", x + width - cx, false, base);
        }
        if (v->ops->next_tick != NULL) {
            int64_t nt = v->ops->next_tick(v, ctx, r);

            if (nt >= 0 && (tick < 0 || nt < tick)) {
                tick = nt;
            }
        }
    }
    return tick;
}
