/* Column layout, selection, scrolling and painting of a view as a table. */
#include "tui/table.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/screen.h"

#define TABLE_CELL_MAX 512

void table_init(struct table *t)
{
    memset(t, 0, sizeof *t);
}

void table_fini(struct table *t)
{
    free(t->sel_key);
    t->sel_key = NULL;
}

void table_reset_widths(struct table *t)
{
    memset(t->widths, 0, sizeof t->widths);
}

static void table_remember(struct table *t, const struct view *v)
{
    size_t n = v->ops->count(v);

    free(t->sel_key);
    t->sel_key = n > 0 ? xstrdup(v->ops->row_key(v, t->sel)) : NULL;
}

void table_follow(struct table *t, const struct view *v)
{
    size_t n = v->ops->count(v);

    if (t->sel_key != NULL) {
        for (size_t i = 0; i < n; i++) {
            const char *k = v->ops->row_key(v, i);

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
    size_t n = v->ops->count(v);

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

/* Decides which columns show and how wide: content widths, spare width to COL_GROW columns,
 * optional columns dropped first, then grow columns shrunk, never a COL_NOTRUNC column. */
static void table_layout(const struct table *t, const struct view *v, int width, int *w,
                         bool *shown)
{
    const struct view_column *cols = v->ops->columns;
    size_t nc = v->ops->ncolumns;
    int total = 0, grow = 0;

    for (size_t c = 0; c < nc; c++) {
        int hw = screen_text_width(cols[c].name);

        w[c] = t->widths[c] > hw ? t->widths[c] : hw;
        if (w[c] < cols[c].min_width) {
            w[c] = cols[c].min_width;
        }
        shown[c] = true;
        total += w[c] + 1;
    }
    for (size_t c = nc; c-- > 0 && total - 1 > width;) {
        if (cols[c].flags & COL_OPTIONAL) {
            shown[c] = false;
            total -= w[c] + 1;
        }
    }
    total -= 1;
    for (size_t c = 0; c < nc; c++) {
        if (shown[c] && (cols[c].flags & COL_GROW)) {
            grow++;
        }
    }
    /* Too wide: take one cell at a time from the widest column that can give one, so long
     * names and namespaces share the loss; never from a COL_NOTRUNC column. */
    while (total > width) {
        size_t best = nc;

        for (size_t c = 0; c < nc; c++) {
            if (!shown[c] || (cols[c].flags & COL_NOTRUNC) || w[c] <= cols[c].min_width) {
                continue;
            }
            if (best == nc || w[c] > w[best]) {
                best = c;
            }
        }
        if (best == nc) {
            break;
        }
        w[best]--;
        total--;
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

int64_t table_draw(struct table *t, WINDOW *win, int y, int x, int height, int width,
                   const struct view *v, const struct view_ctx *ctx)
{
    const struct view_column *cols = v->ops->columns;
    size_t nc = v->ops->ncolumns < TABLE_MAX_COLS ? v->ops->ncolumns : TABLE_MAX_COLS;
    size_t n = v->ops->count(v);
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

            v->ops->cell(v, ctx, r, c, buf, sizeof buf);
            cw = screen_text_width(buf);
            if (cw > t->widths[c]) {
                t->widths[c] = cw;
            }
        }
    }
    table_layout(t, v, width, w, shown);

    int cx = x;
    for (size_t c = 0; c < nc; c++) {
        if (!shown[c]) {
            continue;
        }
        if (cx + w[c] > x + width) {
            break;
        }
        screen_put(win, y, cx, cols[c].name, w[c], (cols[c].flags & COL_RIGHT) != 0,
                   screen_attr(UI_TABLE_HEADER));
        cx += w[c];
        if (cx < x + width) {
            screen_put(win, y, cx, " ", 1, false, screen_attr(UI_TABLE_HEADER));
            cx++;
        }
    }
    if (cx < x + width) {
        screen_put(win, y, cx, "", x + width - cx, false, screen_attr(UI_TABLE_HEADER));
    }

    for (int i = 0; i < rows; i++) {
        size_t r = t->top + (size_t)i;
        bool selected = r == t->sel;
        attr_t base = screen_attr(selected ? UI_SELECTED : UI_ROW);

        if (r >= n) {
            screen_put(win, y + 1 + i, x, "", width, false, screen_attr(UI_ROW));
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
            screen_put(win, y + 1 + i, cx, buf, w[c], (cols[c].flags & COL_RIGHT) != 0,
                       selected ? base : screen_attr(screen_tone_slot(tone)));
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
