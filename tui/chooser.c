/* The chooser (tui/chooser.h): a menu of views over the table. Keys: j/k or the arrows move,
 * Enter opens the selected view, a view's first letter or its number opens it at once, Esc
 * or q closes the menu. */
#include "tui/chooser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sources.h"
#include "core/xalloc.h"
#include "tui/app_int.h"
#include "tui/help.h"
#include "tui/screen.h"
#include "views/registry.h"

#define CHOOSER_MAX 16

struct chooser {
    struct view_target target;
    const struct view_ops *views[CHOOSER_MAX];
    size_t n, sel;
};

size_t chooser_views(struct app *a, const struct view_target *t, const struct view_ops **out,
                     size_t max)
{
    const struct view_ops *first = registry_find(t->view);
    size_t n = 0;

    if (first != NULL && registry_allowed(first, a->opts.access) && max > 0) {
        out[n++] = first;
    }
    for (size_t i = 0; registry_get(i) != NULL && n < max; i++) {
        const struct view_ops *v = registry_get(i);

        if (!v->tenant_entry || v == first || !registry_allowed(v, a->opts.access) ||
            (v->source != NULL && a->sources != NULL &&
             sources_find(a->sources, v->source) == NULL)) {
            continue;
        }
        out[n++] = v;
    }
    return n;
}

static void chooser_go(struct app *a, struct chooser *c, size_t i)
{
    const struct view_ops *v = c->views[i];
    struct view_target t = c->target;

    app_mode_pop(a); /* frees c */
    frames_push(a, v, &t.scope, t.label, false);
}

static void chooser_key(struct app *a, void *data, int key)
{
    struct chooser *c = data;

    if (key == '?') {
        helpview_open(a);
        return;
    }
    if (key == 27 || key == 'q' || key == 3) {
        app_mode_pop(a);
        return;
    }
    if (key == 'j' || key == KEY_DOWN || key == '\t') {
        c->sel = (c->sel + 1) % c->n;
    } else if (key == 'k' || key == KEY_UP || key == KEY_BTAB) {
        c->sel = (c->sel + c->n - 1) % c->n;
    } else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
        chooser_go(a, c, c->sel);
        return;
    } else if (key >= '1' && key <= '9' && (size_t)(key - '1') < c->n) {
        chooser_go(a, c, (size_t)(key - '1'));
        return;
    } else {
        for (size_t i = 0; i < c->n; i++) {
            if (c->views[i]->name[0] == key) {
                chooser_go(a, c, i);
                return;
            }
        }
    }
    a->dirty |= DIRTY_SCREEN;
}

static void chooser_draw(struct app *a, void *data, int rows, int cols)
{
    struct chooser *c = data;
    attr_t base = screen_attr(THEME_DIALOG);
    char *title = xasprintf(" %s ", c->target.label);
    int bw = screen_text_width(title) + 6, bh = (int)c->n + 4, by, bx;

    (void)a;
    for (size_t i = 0; i < c->n; i++) {
        int w = screen_text_width(c->views[i]->title) + 10;

        bw = w > bw ? w : bw;
    }
    bw = bw < 24 ? 24 : bw > cols ? cols : bw;
    bh = bh > rows ? rows : bh;
    by = (rows - bh) / 2;
    bx = (cols - bw) / 2;
    for (int r = 0; r < bh; r++) {
        screen_put(stdscr, by + r, bx, "", bw, false, base);
    }
    screen_border(stdscr, by, bx, bh, bw, base);
    screen_put(stdscr, by, bx + 2, title, bw - 4, false, base | A_BOLD);
    for (size_t i = 0; i < c->n && by + 2 + (int)i < by + bh - 1; i++) {
        char line[128];

        snprintf(line, sizeof line, "%zu  %s", i + 1, c->views[i]->title);
        screen_put(stdscr, by + 2 + (int)i, bx + 2, line, bw - 4, false,
                   i == c->sel ? screen_attr(THEME_DIALOG_BUTTON_FOCUS) : base);
    }
    free(title);
}

static void chooser_close(struct app *a, void *data)
{
    (void)a;
    free(data);
}

const struct help_key chooser_help_keys[] = {
    {"j, k, Down, Up, Tab", "Move to the next or previous view"},
    {"Enter", "Open the selected view"},
    {"1 .. 9, a letter", "Open the view of that number, or whose name starts with it"},
    {"Esc, q", "Close the menu"},
    {NULL, NULL},
};

static const struct mode_ops chooser_mode = {
    .name = "chooser",
    .key = chooser_key,
    .draw = chooser_draw,
    .close = chooser_close,
    .help = chooser_help_keys,
    .help_title = "choosing a view",
};

void chooser_open(struct app *a, const struct view_target *t)
{
    struct chooser *c = xcalloc(1, sizeof *c);

    c->target = *t;
    c->n = chooser_views(a, t, c->views, CHOOSER_MAX);
    if (c->n <= 1) {
        const struct view_ops *v = c->n == 1 ? c->views[0] : registry_find(t->view);

        free(c);
        frames_push(a, v, &t->scope, t->label, false);
        return;
    }
    app_mode_push(a, &chooser_mode, c);
}
