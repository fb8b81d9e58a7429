/* The help overlay (`?`): a bordered box over the dimmed screen listing the keys of what is on
 * top (the view's table, a pager, a log), descriptions wrapped to the box: the actions the
 * session's roles have, those it may not use now (--readonly) marked with the reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/app_int.h"
#include "tui/curses.h"
#include "tui/help.h"
#include "tui/keymap.h"
#include "tui/pager.h"
#include "tui/screen.h"
#include "tui/wrap.h"

#define HELP_MAX_WIDTH 100 /* the box, in cells, on wide terminals */

/* One painted line of the box. */
struct help_row {
    const char *keys;   /* borrowed from the entry; NULL on continuation lines */
    char *text;
    enum theme_slot slot;
    bool heading;
};

struct helpview {
    struct help_list list;
    char *title;
    struct help_row *rows;
    size_t nrows;
    int laid_width;     /* the text width the rows were wrapped to, 0 = not yet */
    size_t top;
    int page;           /* rows shown at the last paint */
};

static void helpview_rows_free(struct helpview *h)
{
    for (size_t i = 0; i < h->nrows; i++) {
        free(h->rows[i].text);
    }
    free(h->rows);
    h->rows = NULL;
    h->nrows = 0;
}

static void helpview_push(struct helpview *h, size_t *cap, const char *keys, const char *text,
                          enum theme_slot slot, bool heading)
{
    if (h->nrows == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        h->rows = xrealloc(h->rows, *cap * sizeof *h->rows);
    }
    h->rows[h->nrows++] = (struct help_row){keys, xstrdup(text), slot, heading};
}

/* Wraps every entry to `width` cells of text. */
static void helpview_layout(struct helpview *h, int width)
{
    size_t cap = 0;

    helpview_rows_free(h);
    /* The first heading is the box's title. */
    for (size_t i = h->list.n > 0 && h->list.e[0].keys == NULL ? 1 : 0; i < h->list.n; i++) {
        const struct help_entry *e = &h->list.e[i];
        struct wrap_lines w = {NULL, 0, 0};
        enum theme_slot slot = e->off != NULL ? THEME_HELP_OFF : THEME_HELP_TEXT;

        if (e->keys == NULL) {
            if (h->nrows > 0) {
                helpview_push(h, &cap, NULL, "", THEME_HELP_TEXT, false);
            }
            helpview_push(h, &cap, NULL, e->text, THEME_HELP_KEY, true);
            continue;
        }
        wrap_text(&w, e->text, width);
        if (e->off != NULL) {
            char *off = xasprintf("(not in this session: %s)", e->off);

            wrap_text(&w, off, width);
            free(off);
        }
        for (size_t j = 0; j < w.n; j++) {
            helpview_push(h, &cap, j == 0 ? e->keys : NULL, w.line[j], slot, false);
        }
        wrap_free(&w);
    }
    h->laid_width = width;
}

static int helpview_keys_width(const struct helpview *h, int most)
{
    int kw = 4;

    for (size_t i = 0; i < h->list.n; i++) {
        if (h->list.e[i].keys != NULL) {
            int w = screen_text_width(h->list.e[i].keys);

            kw = w > kw ? w : kw;
        }
    }
    return kw < most ? kw : most;
}

static void helpview_scroll(struct helpview *h, long by)
{
    size_t page = h->page > 0 ? (size_t)h->page : 1;
    size_t most = h->nrows > page ? h->nrows - page : 0;

    if (by < 0 && (size_t)-by > h->top) {
        h->top = 0;
    } else {
        h->top = by < 0 ? h->top - (size_t)-by : h->top + (size_t)by;
    }
    if (h->top > most) {
        h->top = most;
    }
}

static void helpview_key(struct app *a, void *data, int key)
{
    struct helpview *h = data;
    long page = h->page > 1 ? h->page - 1 : 1;

    switch (key) {
    case 'j':
    case KEY_DOWN:
        helpview_scroll(h, 1);
        break;
    case 'k':
    case KEY_UP:
        helpview_scroll(h, -1);
        break;
    case ' ':
    case 'f':
    case KEY_NPAGE:
    case 6: /* Ctrl-F */
        helpview_scroll(h, page);
        break;
    case 'b':
    case KEY_PPAGE:
    case 2: /* Ctrl-B */
        helpview_scroll(h, -page);
        break;
    case 'g':
    case KEY_HOME:
        h->top = 0;
        break;
    case 'G':
    case KEY_END:
        helpview_scroll(h, (long)h->nrows);
        break;
    case 'q':
    case '?':
    case 27:
    case 3:
    case '\r':
    case '\n':
    case KEY_ENTER:
        app_mode_pop(a);
        break;
    default:
        break; /* nothing under the box is acted on blind */
    }
}

static void helpview_draw(struct app *a, void *data, int rows, int cols)
{
    struct helpview *h = data;
    attr_t text = screen_attr(THEME_HELP_TEXT), border = screen_attr(THEME_BORDER);
    int bw = cols - 2 < HELP_MAX_WIDTH ? cols - 2 : HELP_MAX_WIDTH;
    int kw = helpview_keys_width(h, bw / 3), tw = bw - 5 - kw, bh, by, bx, body;
    char foot[96], *title;

    (void)a;
    if (rows < 5 || bw < 16) {
        return;
    }
    if (h->laid_width != tw) {
        helpview_layout(h, tw);
    }
    bh = (int)h->nrows + 2 < rows - 2 ? (int)h->nrows + 2 : rows - 2;
    body = bh - 2;
    h->page = body;
    helpview_scroll(h, 0);
    by = 1 + (rows - 2 - bh) / 2;
    bx = (cols - bw) / 2;
    screen_dim(stdscr, 1, rows - 2);
    for (int r = 0; r < bh; r++) {
        screen_put(stdscr, by + r, bx, "", bw, false, text);
    }
    screen_border(stdscr, by, bx, bh, bw, border);
    title = xasprintf(" %s ", h->title);
    screen_put(stdscr, by, bx + 2, title, screen_text_width(title) < bw - 4 ? screen_text_width(title) : bw - 4,
               false, border | A_BOLD);
    free(title);
    for (int i = 0; i < body && h->top + (size_t)i < h->nrows; i++) {
        const struct help_row *r = &h->rows[h->top + (size_t)i];
        int y = by + 1 + i;

        if (r->heading) {
            screen_put(stdscr, y, bx + 2, r->text, bw - 4, false, screen_attr(r->slot) | A_BOLD);
            continue;
        }
        if (r->keys != NULL) {
            screen_put(stdscr, y, bx + 2, r->keys, kw, false,
                       screen_attr(r->slot == THEME_HELP_OFF ? THEME_HELP_OFF : THEME_HELP_KEY));
        }
        screen_put(stdscr, y, bx + 3 + kw, r->text, tw, false, screen_attr(r->slot));
    }
    if (h->nrows > (size_t)body) {
        snprintf(foot, sizeof foot, " %zu-%zu of %zu  j/k/Space scroll  q/?/Esc close ",
                 h->top + 1, h->top + (size_t)body, h->nrows);
    } else {
        snprintf(foot, sizeof foot, " q/?/Esc close ");
    }
    {
        int fw = screen_text_width(foot);

        if (fw > bw - 4) {
            fw = bw - 4;
        }
        screen_put(stdscr, by + bh - 1, bx + bw - 2 - fw, foot, fw, false, border);
    }
}

static void helpview_close(struct app *a, void *data)
{
    struct helpview *h = data;

    (void)a;
    helpview_rows_free(h);
    help_free(&h->list);
    free(h->title);
    free(h);
}

static const struct mode_ops helpview_mode = {
    .name = "help",
    .key = helpview_key,
    .draw = helpview_draw,
    .close = helpview_close,
};

void helpview_open(struct app *a)
{
    struct helpview *h = xcalloc(1, sizeof *h);
    const struct mode_ops *m = app_mode_top(a);

    if (m != NULL && m->help != NULL) {
        help_heading(&h->list, m->help_title != NULL ? m->help_title : m->name);
        help_add_keys(&h->list, m->help);
        if (m->help_more != NULL) {
            help_heading(&h->list, "Moving and searching");
            help_add_keys(&h->list, m->help_more);
        }
    } else {
        keymap_help(app_top(a)->view->ops, a->opts.access, &h->list);
    }
    h->title = xasprintf("Keys: %s", h->list.n > 0 ? h->list.e[0].text : "");
    app_mode_push(a, &helpview_mode, h);
}
