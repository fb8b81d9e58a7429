/* The header (who, where, one token per source), the title line (breadcrumb, view, scope,
 * count, filter, loading) and the status line (a flash, the view's source's error, or the
 * key hints). */
#include <stdio.h>
#include <string.h>

#include "core/access.h"
#include "core/filter.h"
#include "core/sources.h"
#include "tui/app_int.h"
#include "tui/header.h"
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

/* The sources' tokens for the header's right half: " name: token " each; `compact` names only
 * the sources that are not fine (loading, failing, stale) and counts the others ("5 sources ok", "1 other ok").
 * Sets *failing when one is retrying. */
static void header_sources(struct app *a, bool compact, char *out, size_t size, bool *failing)
{
    size_t o = 0, fine = 0;

    out[0] = '\0';
    for (size_t i = 0; i < sources_count(a->sources); i++) {
        struct source *src = sources_at(a->sources, i);
        const struct source_health *h = src->ops->health(src->state);
        char tok[160];

        *failing = *failing || h->state == SOURCE_RETRYING;
        if (compact && h->state == SOURCE_OK && h->stale_since == 0) {
            fine++;
            continue;
        }
        if (src->ops->token != NULL) {
            src->ops->token(src->state, tok, sizeof tok);
        } else {
            source_health_token(h, tok, sizeof tok);
        }
        if (o < size) {
            o += (size_t)snprintf(out + o, size - o, " %s: %s ", src->ops->name, tok);
        }
    }
    if (fine > 0 && o < size) {
        snprintf(out + o, size - o, " %zu %s ok ", fine,
                 o > 0 ? (fine > 1 ? "others" : "other") : (fine > 1 ? "sources" : "source"));
    }
}

char *header_who(const struct access *a, bool compact, char *out, size_t size)
{
    bool names_scope = false;
    const char *roles = access_role_text(a, &names_scope);
    const char *scope = access_all_tenants(a) ? (compact ? "all" : "all tenants")
                                              : access_scope_text(a);

    snprintf(out, size, "%s \xc2\xb7 %s%s%s%s", access_user(a), roles,
             names_scope ? "" : " \xc2\xb7 ", names_scope ? "" : scope,
             access_readonly(a) ? "  [read-only]" : "");
    return out;
}

void header_draw(struct app *a, int cols)
{
    char line[640], right[512], who[320], summary[300] = "";
    size_t so = 0;
    bool failing = false, compact = cols < 100;
    int rw, lw, whow, most = cols / 2;

    for (size_t i = 0; i < sources_count(a->sources); i++) {
        struct source *src = sources_at(a->sources, i);
        char sum[256];

        if (src->ops->summary != NULL && so < sizeof summary) {
            src->ops->summary(src->state, sum, sizeof sum);
            so += (size_t)snprintf(summary + so, sizeof summary - so, "  %s", sum);
        }
    }
    /* Every source by name when that fits in half the line; else the ones that need a look,
     * and a count of the rest (80 columns with five sources). */
    header_sources(a, false, right, sizeof right, &failing);
    if (screen_text_width(right) > cols / 2) {
        header_sources(a, true, right, sizeof right, &failing);
        most = cols * 2 / 3; /* what needs a look comes before where we are */
    }
    /* who comes first, so that it is never the part cut off; at 80 columns without the
     * console's own name */
    snprintf(line, sizeof line, " %s%s%s", compact ? "" : "govconsole  ",
             header_who(a->opts.access, compact, who, sizeof who), summary);
    rw = screen_text_width(right);
    if (rw > most) {
        rw = most;
    }
    /* who is at the keyboard is never cut for the sources, up to half the line */
    whow = (compact ? 1 : 13) + screen_text_width(who) + 1;
    whow = whow < cols / 2 ? whow : cols / 2;
    if (rw > cols - whow) {
        rw = cols - whow;
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
    char count[32], title[1152], crumbs[384] = "", load[64] = "", flt[160] = "", hid[48] = "";
    char sum[128] = "";
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
    if (f->view->ops->summary != NULL) {
        sum[0] = ' ';
        sum[1] = ' ';
        f->view->ops->summary(f->view, sum + 2, sizeof sum - 2);
    }
    snprintf(title, sizeof title, " %s%s(%s)[%s]%s%s%s%s", crumbs,
             registry_title(f->view->ops, &f->scope), scope, count, sum, flt, hid, load);
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
        char pos[64];
        int pw;

        keymap_hints(f->view->ops, a->opts.access, a->nframes > 1, line, sizeof line);
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

    if (src == NULL && f->view->ops->source != NULL && height >= 2 &&
        table_count(&f->table, f->view) == 0) {
        /* a view of a source the configuration does not name (issue 15: :routes, :datasets) */
        snprintf(line, sizeof line,
                 " %s is not configured: give its section in the configuration "
                 "(docs/configuration.md), or try --demo",
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
