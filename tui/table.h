/* The generic table widget: lays out a view's columns, keeps the selection and the scroll
 * offset, and paints the visible rows. It knows nothing about any particular view. */
#ifndef GC_TUI_TABLE_H
#define GC_TUI_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/curses.h"
#include "views/view.h"

#define TABLE_MAX_COLS VIEW_MAX_COLUMNS

struct filter;

struct table {
    size_t *map;                /* displayed row -> view row while filtered; owned */
    size_t nmap;
    bool mapped;
    struct filter *highlight;   /* borrowed; matches are painted in THEME_HIGHLIGHT */
    int sort_col;               /* column marked in the header, -1 none */
    bool sort_desc;
    size_t sel;                 /* selected row (displayed index) */
    size_t top;                 /* first visible row */
    int height;                 /* visible rows, from the last draw */
    char *sel_key;              /* row_key of the selection, to find it after a rebuild */
    int widths[TABLE_MAX_COLS]; /* measured content widths; only grow until table_reset */
    size_t hcol;                /* Left/Right: columns before this one are scrolled off */
    int hidden;                 /* columns not shown at the last draw (dropped or scrolled) */
    bool more_right;            /* a column after the last one shown is hidden */
};

void table_init(struct table *t);
void table_fini(struct table *t);
/* Forgets measured widths (after a resize or a view switch). */
void table_reset_widths(struct table *t);

/* Right (+1) or Left (-1): scrolls the columns when some are hidden. False when there is
 * nothing to scroll to on that side. */
bool table_hscroll(struct table *t, const struct view *v, int step);

/* Shows only the given view rows, in order (takes ownership of map). */
void table_set_map(struct table *t, size_t *map, size_t n);
void table_clear_map(struct table *t);

/* Rows displayed, and the view row of displayed row i. */
size_t table_count(const struct table *t, const struct view *v);
size_t table_row(const struct table *t, size_t i);

/* The displayed text of view row `row`: visible cells joined by single spaces, for the
 * filter. Writes into buf, returns its length. */
size_t table_row_text(const struct view *v, const struct view_ctx *ctx, size_t row, char *buf,
                      size_t size);

/* After the view rebuilt: moves the selection to the row with the remembered key. */
void table_follow(struct table *t, const struct view *v);

/* Moves the selection by delta rows (clamped); page moves use the visible height. */
void table_move(struct table *t, const struct view *v, long delta);
void table_move_to(struct table *t, const struct view *v, size_t row);
void table_page(struct table *t, const struct view *v, int pages);

/* Paints header and rows into the window rectangle (y, x, height, width). Returns the
 * smallest next_tick over the visible rows (seconds), or -1 when none. */
int64_t table_draw(struct table *t, WINDOW *w, int y, int x, int height, int width,
                   const struct view *v, const struct view_ctx *ctx);

#endif
