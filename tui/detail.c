/* The pager of a detail: a describe text, or an object's JSON shown as YAML (Tab: JSON), the
 * members its source folds (managedFields) hidden until M shows them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/jsonfmt.h"
#include "core/xalloc.h"
#include "tui/app_int.h"
#include "tui/pager.h"

struct detail {
    struct access *access; /* a scoped session's lines about others are withheld */
    struct pager *pager;
    char *json; /* the raw object, for Tab (YAML <-> JSON); NULL for a text */
    bool as_json;
    const char *const *folded; /* the source's, static; NULL: none */
    bool unfold;               /* M: show the folded members too */
    char *title;               /* a text's title; a JSON detail's object name */
};

/* Puts a text into the pager, each line that names something outside a scoped session's
 * scope withheld. */
static void detail_set(struct detail *d, const char *title, const char *text)
{
    size_t len = strlen(text), rlen = 0;
    char *redacted = access_redact_lines(d->access, text, len, &rlen);

    pager_set_text(d->pager, title, redacted != NULL ? redacted : text,
                   redacted != NULL ? rlen : len);
    free(redacted);
}

/* The object as YAML, or as indented JSON; the title says which, and what is folded. */
static void detail_show(struct detail *d)
{
    char *err = NULL, *title;
    size_t folded = 0;
    char *text = jsonfmt_render(d->json, strlen(d->json), d->as_json ? JSONFMT_JSON : JSONFMT_YAML,
                                d->unfold ? NULL : d->folded, &folded, &err);

    if (text == NULL) {
        text = xasprintf("(cannot format the object: %s)\n", err ? err : "?");
        free(err);
    }
    if (folded > 0) {
        title = xasprintf("%s %s  (%s hidden: M shows)", d->as_json ? "json" : "yaml", d->title,
                          d->folded[0]);
    } else {
        title = xasprintf("%s %s", d->as_json ? "json" : "yaml", d->title);
    }
    detail_set(d, title, text);
    free(title);
    free(text);
}

static void detail_key(struct app *a, void *data, int key)
{
    struct detail *d = data;

    if (key == '?' && !pager_searching(d->pager)) {
        helpview_open(a);
    } else if (key == '\t' && d->json != NULL) {
        d->as_json = !d->as_json;
        detail_show(d);
    } else if (key == 'M' && d->json != NULL && d->folded != NULL && !pager_searching(d->pager)) {
        d->unfold = !d->unfold;
        detail_show(d);
    } else if (key == 0x0c) {
        a->dirty |= DIRTY_CLEAR;
    } else if (pager_key(d->pager, key) == PAGER_CLOSE) {
        app_mode_pop(a);
    }
}

static void detail_draw(struct app *a, void *data, int rows, int cols)
{
    struct detail *d = data;

    (void)a;
    pager_draw(d->pager, stdscr, 1, 0, rows - 1, cols);
}

static void detail_close(struct app *a, void *data)
{
    struct detail *d = data;

    (void)a;
    pager_free(d->pager);
    free(d->json);
    free(d->title);
    free(d);
}

const struct help_key detail_help_keys[] = {
    {"Tab", "Switch between YAML and JSON (a raw object)"},
    {"M", "Show or hide what is folded away by default (managedFields)"},
    {"Ctrl-L", "Redraw the screen"},
    {NULL, NULL},
};

static const struct mode_ops detail_mode = {
    .name = "detail",
    .help = detail_help_keys,
    .help_title = "describe and YAML",
    .help_more = pager_help_keys,
    .key = detail_key,
    .draw = detail_draw,
    .close = detail_close,
    .full = true,
};

void detail_open(struct app *a, const char *title, char *text, bool json,
                 const char *const *folded)
{
    struct detail *d = xcalloc(1, sizeof *d);

    d->access = a->opts.access;
    d->pager = pager_new(&a->search_hist);
    d->title = xstrdup(title != NULL ? title : "");
    d->folded = folded;
    if (json) {
        d->json = text;
        detail_show(d);
    } else {
        detail_set(d, d->title, text);
        free(text);
    }
    app_mode_push(a, &detail_mode, d);
}
