/* The header (who, where, one token per source), the title line (breadcrumb, view, scope,
 * count, filter, loading) and the status line (a flash, the view's source's error, or the
 * key hints). */
#include <stdio.h>
#include <string.h>

#include "core/access.h"
#include "core/filter.h"
#include "core/sources.h"
#include "tui/app_int.h"
#include "tui/keymap.h"
#include "tui/screen.h"
#include "views/registry.h"

/* The source whose rows the top view shows, NULL when none runs. */
static struct source *header_view_source(struct app *a)
{
    return sources_find(a->sources, app_top(a)->view->ops->source);
}

/* The health of what the top view's rows come from: the part of its source it names (an
 * informer of its own), else the source's; NULL when no source runs. */
static const struct source_health *header_view_health(struct app *a, struct source *src)
{
    const struct view_ops *ops = app_top(a)->view->ops;
    const struct source_health *h = NULL;

    if (src == NULL) {
        return NULL;
    }
    if (ops->source_part != NULL && src->ops->part_health != NULL) {
        h = src->ops->part_health(src->state, ops->source_part);
    }
    return h != NULL ? h : src->ops->health(src->state);
}

void header_draw(struct app *a, int cols)
{
    char line[640], right[512], scope[160] = "", summary[300] = "";
    size_t o = 0, so = 0;
    bool failing = false;
    int rw, lw;

    if (!access_all_tenants(a->opts.access)) {
        snprintf(scope, sizeof scope, "  tenant: %s", access_scope_text(a->opts.access));
    }
    right[0] = '\0';
    for (size_t i = 0; i < sources_count(a->sources); i++) {
        struct source *src = sources_at(a->sources, i);
        const struct source_health *h = src->ops->health(src->state);
        char tok[160], sum[256];

        if (src->ops->token != NULL) {
            src->ops->token(src->state, tok, sizeof tok);
        } else {
            source_health_token(h, tok, sizeof tok);
        }
        failing = failing || h->state == SOURCE_RETRYING;
        if (o < sizeof right) {
            o += (size_t)snprintf(right + o, sizeof right - o, " %s: %s ", src->ops->name, tok);
        }
        if (src->ops->summary != NULL && so < sizeof summary) {
            src->ops->summary(src->state, sum, sizeof sum);
            so += (size_t)snprintf(summary + so, sizeof summary - so, "  %s", sum);
        }
    }
    snprintf(line, sizeof line, " govconsole%s%s%s", summary, scope,
             access_readonly(a->opts.access) ? "  [read-only]" : "");
    rw = screen_text_width(right);
    if (rw > cols / 2) {
        rw = cols / 2;
    }
    lw = cols - rw;
    screen_put(stdscr, 0, 0, line, lw, false, screen_attr(THEME_HEADER));
    screen_put(stdscr, 0, lw, right, rw, true,
               screen_attr(failing ? THEME_FLASH_ERROR : THEME_HEADER));
}

void header_draw_title(struct app *a, int cols)
{
    struct source *src = header_view_source(a);
    const struct source_health *h = header_view_health(a, src);
    const struct frame *f = app_top(a);
    char count[32], title[768], crumbs[384] = "", load[64] = "", flt[160] = "", hid[48] = "";
    const char *scope = f->scope.ns[0]       ? f->scope.ns
                        : f->scope.tenant[0] ? f->scope.tenant
                        : f->scope.node[0]   ? f->scope.node
                                             : access_scope_text(a->opts.access);
    size_t o = 0;

    for (int i = 0; i < a->nframes - 1 && o < sizeof crumbs; i++) {
        o += (size_t)snprintf(crumbs + o, sizeof crumbs - o, "%s > ",
                              registry_title(a->frames[i].view->ops, &a->frames[i].scope));
        if (a->frames[i + 1].label[0] != '\0' && o < sizeof crumbs) {
            o += (size_t)snprintf(crumbs + o, sizeof crumbs - o, "%s > ", a->frames[i + 1].label);
        }
    }
    source_fmt_count(table_count(&f->table, f->view), count, sizeof count);
    if (h != NULL && (h->state == SOURCE_LOADING || h->stale_since != 0)) {
        char tok[48];

        snprintf(load, sizeof load, "  %s", source_health_token(h, tok, sizeof tok));
    } else if (h != NULL && h->state == SOURCE_CONNECTING) {
        snprintf(load, sizeof load, "  loading");
    }
    if (f->filter != NULL && !filter_matches_all(f->filter)) {
        snprintf(flt, sizeof flt, "  </%s>", filter_pattern(f->filter));
    }
    if (f->table.hidden > 0) {
        snprintf(hid, sizeof hid, "  %d col%s hidden (%s)", f->table.hidden,
                 f->table.hidden > 1 ? "s" : "",
                 f->table.hcol > 0 && f->table.more_right ? "Left/Right"
                 : f->table.hcol > 0                      ? "Left"
                                                          : "Right");
    }
    snprintf(title, sizeof title, " %s%s(%s)[%s]%s%s%s", crumbs,
             registry_title(f->view->ops, &f->scope), scope, count, flt, hid, load);
    screen_put(stdscr, 1, 0, title, cols, false, screen_attr(THEME_BREADCRUMB));
}

void header_draw_status(struct app *a, int rows, int cols)
{
    struct source *src = header_view_source(a);
    const struct source_health *h = header_view_health(a, src);
    const struct frame *f = app_top(a);
    char line[512];
    size_t n = table_count(&f->table, f->view);

    if (a->flash != NULL) {
        snprintf(line, sizeof line, " %s", a->flash);
        screen_put(stdscr, rows - 1, 0, line, cols, false,
                   screen_attr(a->flash_error ? THEME_FLASH_ERROR : THEME_FLASH_INFO));
        return;
    }
    if (h != NULL && h->state == SOURCE_RETRYING && h->last_error != NULL) {
        /* A scoped session never reads another tenant's names in an error. */
        snprintf(line, sizeof line, " %s: %s", src->ops->name,
                 access_redact(a->opts.access, h->last_error));
        screen_put(stdscr, rows - 1, 0, line, cols, false, screen_attr(THEME_FLASH_ERROR));
        return;
    }
    {
        /* The keys that do something here, then the position. */
        static const struct {
            enum action act;
            const char *label;
        } hints[] = {{ACT_ENTER, "<Enter> open"}, {ACT_DESCRIBE, "<d> describe"},
                     {ACT_LOGS, "<l> logs"}};
        char pos[64];
        size_t o = 0;
        int pw;

        line[0] = '\0';
        for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
            if (keymap_view_has(f->view->ops, hints[i].act)) {
                o += (size_t)snprintf(line + o, sizeof line - o, " %s ", hints[i].label);
            }
        }
        snprintf(line + o, sizeof line - o, " <?> help  </> filter  <:> command  <q> %s",
                 a->nframes > 1 ? "back" : "quit");
        snprintf(pos, sizeof pos, " row %zu of %zu ", n ? f->table.sel + 1 : 0, n);
        pw = screen_text_width(pos);
        pw = pw < cols / 2 ? pw : cols / 2;
        screen_put(stdscr, rows - 1, 0, line, cols - pw, false, screen_attr(THEME_STATUS_LINE));
        screen_put(stdscr, rows - 1, cols - pw, pos, pw, true, screen_attr(THEME_STATUS_LINE));
    }
}

void header_draw_empty(struct app *a, int y, int height, int cols)
{
    struct source *src = header_view_source(a);
    const struct source_health *h = header_view_health(a, src);
    const struct frame *f = app_top(a);
    char line[512];
    const char *const tries[] = {
        "What to try:",
        "  govconsole check          is it reachable, are the credentials accepted?",
        "  govconsole --help         the flags that choose a cluster or a configuration",
        "  govconsole --demo         the built-in simulated platform",
    };

    if (table_count(&f->table, f->view) == 0 && src == NULL && f->view->ops->source != NULL &&
        height >= 2) {
        /* a view of a source the configuration does not name */
        snprintf(line, sizeof line, " %s is not configured: its section in the configuration "
                                    "names it (docs/configuration.md), or try --demo",
                 f->view->ops->source);
        screen_put(stdscr, y + 1, 0, line, cols, false, screen_attr(THEME_TABLE_ROW));
        return;
    }
    if (table_count(&f->table, f->view) > 0 || h == NULL || h->state != SOURCE_RETRYING ||
        height < 3) {
        return;
    }
    snprintf(line, sizeof line, " %s: %s", src->ops->name,
             h->last_error != NULL ? access_redact(a->opts.access, h->last_error) : "failing");
    screen_put(stdscr, y + 1, 0, line, cols, false, screen_attr(THEME_FLASH_ERROR));
    for (int i = 0; i < 4 && 3 + i < height; i++) {
        snprintf(line, sizeof line, " %s", tries[i]);
        screen_put(stdscr, y + 3 + i, 0, line, cols, false, screen_attr(THEME_TABLE_ROW));
    }
}
