/* The main screen: header, breadcrumb, table, status line; the view stack; the command line,
 * the filter, the help overlay, the pager and the confirm dialog; redraw scheduling. */
#include "tui/app.h"

#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/access.h"
#include "core/audit.h"
#include "core/filter.h"
#include "core/jsonfmt.h"
#include "core/k8s/k8s.h"
#include "core/k8s/k8s_model.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/sanitize.h"
#include "core/source_health.h"
#include "core/store.h"
#include "core/theme.h"
#include "core/xalloc.h"
#include "tui/dialog.h"
#include "tui/keymap.h"
#include "tui/pager.h"
#include "tui/prompt.h"
#include "tui/screen.h"
#include "tui/table.h"
#include "tui/texts.h"
#include "views/registry.h"

#define APP_MAX_FRAMES 16
#define APP_FLASH_MS 4000
#define APP_LOG_LINES 100000 /* a followed log keeps the newest lines (~20 MB) */
#define APP_TABLE_Y 2 /* the table's header line; rows start below it */
#define APP_TEXTS_SLICE 4096 /* filter texts made ahead per loop iteration (~5 ms) */

enum {
    DIRTY_SCREEN = 1, /* repaint */
    DIRTY_CLEAR = 2,  /* clearok: the terminal may be garbled (resize, Ctrl-L, theme) */
};

enum app_mode {
    MODE_TABLE,
    MODE_COMMAND,
    MODE_FILTER,
    MODE_HELP,
    MODE_PAGER,
    MODE_DIALOG,
    MODE_SCALE, /* the replica count prompt of `s` */
};

/* One level of the drill-down stack. */
struct frame {
    struct view *view;
    struct table table;
    struct view_scope scope;
    char label[128];       /* breadcrumb segment that led here ("dmi"), empty for the root */
    struct filter *filter; /* NULL = none */
    bool refilter;         /* the map must be recomputed */
    struct texts texts;    /* each view row's displayed text, for the filter */
    bool rows_alive;       /* on top since its last rebuild: its rows were not committed away */
};

/* What the pending fetch is for. */
enum fetch_kind {
    FETCH_RAW,
    FETCH_DESCRIBE,
};

/* A mutation (delete, restart, scale): asked for in the confirm dialog, then in flight until
 * the API answers. Each one is audited once, with its result. */
struct app_mutation {
    struct app *a;
    struct app_mutation *next; /* the list of those in flight */
    struct k8s_call *call;
    const char *action; /* audit action: "delete", "restart", "scale" */
    const char *verb;   /* for the flash: "deleted", "restarted", "scaled" */
    const char *method;
    const char *content_type; /* NULL without a body */
    char *path;
    char *body; /* NULL = none */
    char *what; /* "deployment dmi/forecast-api": messages and the audit target */
};

/* The log shown in the pager (`l`). */
struct app_logs {
    bool active;           /* the pager shows a log */
    struct k8s_call *call; /* the stream, NULL once it ended */
    char *ns, *pod;
    char **containers; /* NULL-terminated, may be empty: the API picks */
    size_t ncontainers, cur;
    bool previous, timestamps;
    char *buf; /* bytes received, not yet in the pager */
    size_t len, cap;
    struct loop_timer *flush; /* pending batch */
};

/* The replica prompt of `s`. */
struct app_scale {
    char *path;
    char *what;
    int current;
};

struct app {
    struct loop *loop;
    struct store *store;
    struct k8s_client *k8s;
    struct app_opts opts;
    struct frame frames[APP_MAX_FRAMES];
    int nframes;
    enum app_mode mode;
    unsigned dirty;
    int exit_status;
    uint64_t health_version;
    int64_t last_rebuild_ms;
    struct loop_timer *rebuild_timer;
    struct loop_timer *tick_timer;
    struct loop_timer *texts_timer; /* the filter texts built ahead, a slice an iteration */
    int64_t tick_due_ms;
    int empty_reads;

    struct prompt prompt;
    struct prompt_history cmd_hist, filter_hist, search_hist;
    char *filter_before; /* the filter when / was pressed, restored by Esc */

    char *flash;
    bool flash_error;
    struct loop_timer *flash_timer;

    char **help;
    size_t help_top;

    struct pager *pager;
    char *pager_json; /* the raw object, for Tab (YAML <-> JSON) */
    bool pager_is_json;
    char *pager_title;
    struct k8s_call *call;
    enum fetch_kind call_kind;
    char *call_target;

    struct dialog *dialog;
    struct app_mutation *pending;  /* asked in the dialog */
    struct app_mutation *inflight; /* sent, not answered */
    struct app_logs logs;
    struct app_scale scale;

    int64_t key_us;     /* when the first key of this pass arrived, for the timing log */
    int key_code;

    char **theme_names; /* for :theme completion */
    size_t nthemes;
};

/* Commands of the command line other than view names. */
static const char *const app_commands[] = {"q", "quit", "theme", "ctx", "help", NULL};
/* Views of DESIGN.md that are not built yet: named so that :apps says so. */
static const char *const app_planned[] = {"datasets", "routes", "alerts", "incidents",
                                          "sla", NULL};

/* Microseconds on the monotonic clock (for the keystroke timing in the debug log). */
static int64_t app_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct frame *app_top(struct app *a)
{
    return &a->frames[a->nframes - 1];
}

static struct view_ctx app_ctx(const struct app *a, const struct frame *f)
{
    struct view_ctx ctx = {a->store, (int64_t)time(NULL), &f->scope, a->opts.access,
                           f->rows_alive};

    return ctx;
}

static void app_quit(struct app *a, int status)
{
    a->exit_status = status;
    loop_stop(a->loop);
}

static void app_flash_clear(void *arg)
{
    struct app *a = arg;

    a->flash_timer = NULL;
    free(a->flash);
    a->flash = NULL;
    a->dirty |= DIRTY_SCREEN;
}

/* Shows a message on the status line for a few seconds. */
static void app_flash(struct app *a, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void app_flash(struct app *a, bool error, const char *fmt, ...)
{
    va_list ap;
    char buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(a->flash);
    a->flash = xstrdup(buf);
    a->flash_error = error;
    loop_timer_cancel(a->loop, a->flash_timer);
    a->flash_timer = loop_timer_add(a->loop, APP_FLASH_MS, app_flash_clear, a);
    a->dirty |= DIRTY_SCREEN;
}

/* The rows changed (rebuild, sort): the filter texts must be brought up to date before the
 * next match; those of unchanged rows are kept (tui/texts.h). */
static void app_texts_drop(struct frame *f)
{
    texts_invalidate(&f->texts);
}

struct app_texts_arg {
    const struct view *v;
    const struct view_ctx *ctx;
};

static size_t app_texts_format(void *arg, size_t row, char *buf, size_t size)
{
    const struct app_texts_arg *x = arg;

    return table_row_text(x->v, x->ctx, row, buf, size);
}

/* Brings the filter texts up to date once per change of the rows, formatting only the rows
 * that changed, so typing a pattern only matches. Ages in a kept text are as of when its row
 * last changed (refreshed a slice at a time after a minute, see tui/texts.h): the filter
 * matches what the row said then; STATUS, READY, names change only with a new row gen. */
static void app_texts_build(struct app *a, struct frame *f)
{
    struct view_ctx ctx = app_ctx(a, f);
    struct app_texts_arg x = {f->view, &ctx};
    int64_t t0 = app_now_us(), us;

    texts_update(&f->texts, f->view, ctx.now, app_texts_format, &x);
    us = app_now_us() - t0;
    if (us >= 10000) {
        log_msg("filter texts: %zu formatted, %zu kept in %.1f ms", f->texts.formatted,
                f->texts.reused, (double)us / 1000.0);
    }
}

/* Builds the top frame's filter texts ahead while the filter prompt is open, a slice of
 * APP_TEXTS_SLICE rows each loop iteration, so that keys typed meanwhile are read between
 * slices and the first one does not wait for a whole build. */
static void app_texts_slice(void *arg)
{
    struct app *a = arg;
    struct frame *f = app_top(a);
    struct view_ctx ctx = app_ctx(a, f);
    struct app_texts_arg x = {f->view, &ctx};

    a->texts_timer = NULL;
    if (a->mode != MODE_FILTER || f->texts.valid) {
        return;
    }
    if (!texts_step(&f->texts, f->view, ctx.now, app_texts_format, &x, APP_TEXTS_SLICE)) {
        a->texts_timer = loop_timer_add(a->loop, 0, app_texts_slice, a);
    }
}

static void app_frame_fini(struct frame *f)
{
    texts_fini(&f->texts);
    view_free(f->view);
    table_fini(&f->table);
    filter_free(f->filter);
    memset(f, 0, sizeof *f);
}

/* Pushes a view; with `reset` it replaces the whole stack. */
static void app_push(struct app *a, const struct view_ops *ops, const struct view_scope *scope,
                     const char *label, bool reset)
{
    struct frame *f;

    if (reset) {
        while (a->nframes > 0) {
            app_frame_fini(&a->frames[--a->nframes]);
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
    snprintf(f->label, sizeof f->label, "%s", label != NULL ? label : "");
    a->last_rebuild_ms = 0;
    a->dirty |= DIRTY_SCREEN;
}

static void app_pop(struct app *a)
{
    if (a->nframes > 1) {
        app_frame_fini(&a->frames[--a->nframes]);
        app_top(a)->refilter = true;
        a->last_rebuild_ms = 0;
        a->dirty |= DIRTY_SCREEN;
    }
}

/* Recomputes the displayed rows of a frame from its filter. */
static void app_apply_filter(struct app *a, struct frame *f)
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
        app_texts_build(a, f);
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

static void app_on_signal(int signo, void *arg)
{
    struct app *a = arg;

    if (signo == SIGWINCH) {
        screen_resize();
        table_reset_widths(&app_top(a)->table);
        a->dirty |= DIRTY_SCREEN | DIRTY_CLEAR;
        return;
    }
    app_quit(a, 128 + signo);
}

/* ---- sorting ---------------------------------------------------------------------------- */

static void app_sort(struct app *a, int col, bool desc)
{
    struct frame *f = app_top(a);
    struct view *v = f->view;

    if (v->ops->sort == NULL || col < 0) {
        return;
    }
    v->sort_col = col;
    v->sort_desc = desc;
    v->ops->sort(v, (size_t)col, desc);
    app_texts_drop(f);
    f->table.sort_col = col;
    f->table.sort_desc = desc;
    app_apply_filter(a, f);
    table_move_to(&f->table, v, 0); /* a new order starts at its top */
}

/* Shift+letter: by that column, or reversed when it already is. */
static void app_sort_by(struct app *a, int col)
{
    const struct view *v = app_top(a)->view;

    app_sort(a, col, v->sort_col == col ? !v->sort_desc : false);
}

/* < and >: the previous or next sortable column (again on the same: reverse). */
static void app_sort_step(struct app *a, int step)
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
    app_sort(a, col, false);
}

/* ---- command line ----------------------------------------------------------------------- */

static bool app_word_in(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(w, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* Adds the theme files of a directory to the completion list. */
static void app_scan_themes(struct app *a, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char *name;
        bool dup = false;

        if (n <= 6 || strcmp(e->d_name + n - 6, ".theme") != 0) {
            continue;
        }
        name = xstrndup(e->d_name, n - 6);
        for (size_t i = 0; i < a->nthemes; i++) {
            dup = dup || strcmp(a->theme_names[i], name) == 0;
        }
        if (dup) {
            free(name);
            continue;
        }
        a->theme_names = xrealloc(a->theme_names, (a->nthemes + 2) * sizeof *a->theme_names);
        a->theme_names[a->nthemes++] = name;
        a->theme_names[a->nthemes] = NULL;
    }
    closedir(d);
}

static size_t app_add_cand(const char **out, size_t n, size_t max, const char *cand,
                           const char *word, size_t wlen)
{
    if (n < max && strncmp(cand, word, wlen) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(out[i], cand) == 0) {
                return n;
            }
        }
        out[n++] = cand;
    }
    return n;
}

/* The tenants and namespaces the session may see that start with word[0..wlen), once each:
 * the arguments of ":pods NAME". */
static size_t app_complete_scope(struct app *a, const char **out, size_t n, size_t max,
                                 const char *word, size_t wlen)
{
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;

    access_rows(a->opts.access, STORE_NAMESPACE, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const char *ns = ((const struct k8s_namespace *)r)->name;

        if (tenant != NULL) {
            n = app_add_cand(out, n, max, tenant, word, wlen); /* once each */
        }
        if (ns != NULL) {
            n = app_add_cand(out, n, max, ns, word, wlen);
        }
    }
    return n;
}

/* Narrows `scope` to `name`, a tenant or else a namespace the session may see. False when it
 * is neither (the same answer whether or not it exists outside the scope). */
static bool app_scope_to(struct app *a, const char *name, struct view_scope *scope)
{
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;
    bool is_ns = false;
    size_t len = strlen(name);

    /* Namespace names and label values are at most 63 characters; a longer word is neither,
     * and must not be cut down to one that is. */
    if (len >= sizeof scope->tenant || len >= sizeof scope->ns) {
        return false;
    }
    access_rows(a->opts.access, STORE_NAMESPACE, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const char *ns = ((const struct k8s_namespace *)r)->name;

        if (tenant != NULL && strcmp(tenant, name) == 0) {
            memcpy(scope->tenant, name, len + 1);
            return true;
        }
        is_ns = is_ns || (ns != NULL && strcmp(ns, name) == 0);
    }
    if (is_ns) {
        memcpy(scope->ns, name, len + 1);
    }
    return is_ns;
}

/* Tab on the command line: view names and aliases and commands for the first word, theme
 * names after "theme ", contexts after "ctx ", tenants and namespaces after a view's name. */
static size_t app_complete(const char *text, size_t cursor, const char **out, size_t max,
                           void *arg)
{
    struct app *a = arg;
    const char *sp = memchr(text, ' ', cursor);
    size_t n = 0;

    if (sp == NULL) {
        for (size_t i = 0; registry_get(i) != NULL; i++) {
            const struct view_ops *v = registry_get(i);

            n = app_add_cand(out, n, max, v->name, text, cursor);
            for (size_t k = 0; v->aliases != NULL && v->aliases[k] != NULL; k++) {
                n = app_add_cand(out, n, max, v->aliases[k], text, cursor);
            }
        }
        for (size_t i = 0; app_planned[i] != NULL; i++) {
            n = app_add_cand(out, n, max, app_planned[i], text, cursor);
        }
        for (size_t i = 0; app_commands[i] != NULL; i++) {
            n = app_add_cand(out, n, max, app_commands[i], text, cursor);
        }
        return n;
    }
    {
        const char *word = sp + 1;
        size_t wlen = cursor - (size_t)(word - text);
        size_t cmdlen = (size_t)(sp - text);

        while (wlen > 0 && *word == ' ') {
            word++;
            wlen--;
        }
        if (cmdlen == 5 && strncmp(text, "theme", 5) == 0) {
            for (size_t i = 0; i < a->nthemes; i++) {
                n = app_add_cand(out, n, max, a->theme_names[i], word, wlen);
            }
        } else if (cmdlen == 3 && strncmp(text, "ctx", 3) == 0 && a->opts.contexts != NULL) {
            for (size_t i = 0; a->opts.contexts[i] != NULL; i++) {
                n = app_add_cand(out, n, max, a->opts.contexts[i], word, wlen);
            }
        } else {
            char cmd[32];

            snprintf(cmd, sizeof cmd, "%.*s", (int)cmdlen, text);
            if (registry_find(cmd) != NULL) {
                n = app_complete_scope(a, out, n, max, word, wlen);
            }
        }
    }
    return n;
}

static void app_open_help(struct app *a);

static void app_cmd_theme(struct app *a, const char *name)
{
    struct theme_warnings w;
    struct theme *t;

    if (name[0] == '\0') {
        app_flash(a, false, "theme: %s (themes: :theme <Tab>)", screen_theme_name());
        return;
    }
    theme_warnings_init(&w);
    t = theme_find(name, a->opts.theme_dirs, &w);
    if (t == NULL || w.count > 0) {
        app_flash(a, true, "theme %s: %s", name, w.count > 0 ? w.items[0] : "not found");
        theme_free(t);
    } else if (!screen_has_color()) {
        theme_free(t);
        app_flash(a, true, "no colours here (NO_COLOR or a monochrome terminal): mono stays");
    } else {
        screen_set_theme(t);
        a->dirty |= DIRTY_CLEAR;
        app_flash(a, false, "theme %s", name);
    }
    theme_warnings_fini(&w);
}

static void app_cmd_ctx(struct app *a, const char *name)
{
    struct k8s_client *c;
    char *err = NULL;

    if (name[0] == '\0') {
        app_flash(a, false, "context: %s", k8s_client_context(a->k8s));
        return;
    }
    if (a->opts.switch_context == NULL) {
        app_flash(a, true, "contexts cannot be switched in this session (--demo)");
        return;
    }
    c = a->opts.switch_context(name, &err, a->opts.switch_arg);
    if (c == NULL) {
        app_flash(a, true, "%s", err != NULL ? err : "cannot switch context");
        free(err);
        return;
    }
    a->k8s = c;
    for (int i = 0; i < a->nframes; i++) {
        a->frames[i].refilter = true;
    }
    a->health_version = 0;
    app_flash(a, false, "context %s", name);
}

/* Runs a command line. */
static void app_command(struct app *a, const char *line)
{
    char cmd[64] = "", arg[256] = "";
    const struct view_ops *ops;
    struct view_scope scope;

    sscanf(line, " %63s %255[^\n]", cmd, arg);
    for (size_t n = strlen(arg); n > 0 && arg[n - 1] == ' '; n--) {
        arg[n - 1] = '\0';
    }
    if (cmd[0] == '\0') {
        return;
    }
    if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0 || strcmp(cmd, "q!") == 0) {
        app_quit(a, 0);
    } else if (strcmp(cmd, "theme") == 0) {
        app_cmd_theme(a, arg);
    } else if (strcmp(cmd, "ctx") == 0 || strcmp(cmd, "context") == 0) {
        app_cmd_ctx(a, arg);
    } else if (strcmp(cmd, "help") == 0) {
        app_open_help(a);
    } else if ((ops = registry_find(cmd)) != NULL) {
        scope = (struct view_scope){0}; /* all the session may see: access narrows it */
        if (arg[0] != '\0' && !app_scope_to(a, arg, &scope)) {
            app_flash(a, true, "no tenant or namespace '%s' in your scope (%s)", arg,
                      access_scope_text(a->opts.access));
            return;
        }
        app_push(a, ops, &scope, NULL, true);
    } else if (app_word_in(cmd, app_planned)) {
        app_flash(a, true, "the %s view is not available yet", cmd);
    } else {
        app_flash(a, true, "unknown command '%s' (views: :tenants :apps :pods; also :theme :ctx :q)",
                  cmd);
    }
}

/* ---- the filter ------------------------------------------------------------------------- */

/* Compiles the prompt's text as the top frame's filter; reports a bad pattern at the prompt.
 * The selection moves to the first match. */
static void app_filter_update(struct app *a)
{
    struct frame *f = app_top(a);
    const char *text = prompt_text(&a->prompt);
    char *err = NULL;
    size_t off = 0;
    struct filter *flt = filter_new(text, &err, &off);

    if (flt == NULL) {
        prompt_set_error(&a->prompt, err, off);
        free(err);
        return;
    }
    filter_free(f->filter);
    f->filter = flt;
    app_apply_filter(a, f);
    table_move_to(&f->table, f->view, 0);
    if (filter_limited(flt)) {
        prompt_set_error(&a->prompt, "pattern too complex for some rows", 0);
    }
}

static void app_filter_set(struct app *a, const char *text)
{
    prompt_set_text(&a->prompt, text);
    app_filter_update(a);
}

/* ---- pager: describe and raw ------------------------------------------------------------ */

static void app_pager_show(struct app *a)
{
    char *err = NULL;
    char *text;

    text = a->pager_is_json ? jsonfmt_pretty(a->pager_json, strlen(a->pager_json), &err)
                            : jsonfmt_yaml(a->pager_json, strlen(a->pager_json), &err);
    if (text == NULL) {
        text = xasprintf("(cannot format the object: %s)\n", err ? err : "?");
        free(err);
    }
    pager_set_text(a->pager, a->pager_title, text, strlen(text));
    free(text);
}

static void app_fetched(long status, const char *body, size_t len, const char *error, void *arg)
{
    struct app *a = arg;
    struct frame *f = app_top(a);
    char *text = NULL;

    a->call = NULL;
    if (error != NULL || status != 200) {
        char *msg = k8s_error_text(status, body, len, error);

        app_flash(a, true, "%s: %s", a->call_target, msg);
        free(msg);
        return;
    }
    a->pager = pager_new(&a->search_hist);
    free(a->pager_json);
    a->pager_json = xstrndup(body, len);
    a->pager_is_json = false;
    free(a->pager_title);
    a->pager_title = xasprintf("%s %s", a->call_kind == FETCH_DESCRIBE ? "describe" : "yaml",
                               a->call_target);
    if (a->call_kind == FETCH_DESCRIBE && f->view->ops->describe != NULL &&
        table_count(&f->table, f->view) > 0) {
        struct view_ctx ctx = app_ctx(a, f);

        text = f->view->ops->describe(f->view, &ctx, table_row(&f->table, f->table.sel), body,
                                      len);
    }
    if (text != NULL) {
        pager_set_text(a->pager, a->pager_title, text, strlen(text));
        free(text);
    } else {
        app_pager_show(a);
    }
    a->mode = MODE_PAGER;
    a->dirty |= DIRTY_SCREEN;
}

static bool app_denied(struct app *a, enum access_verb verb, const char *ns, char *why,
                       size_t size);
static const char *app_path_ns(const char *path, char *buf, size_t size);

static void app_fetch(struct app *a, enum fetch_kind kind)
{
    struct frame *f = app_top(a);
    size_t n = table_count(&f->table, f->view);
    char *path, why[256], nsbuf[256];

    if (n == 0 || f->view->ops->object_path == NULL) {
        app_flash(a, true, "nothing to show here");
        return;
    }
    path = f->view->ops->object_path(f->view, table_row(&f->table, f->table.sel));
    if (path == NULL) {
        app_flash(a, true, "this object's name cannot be used in a request");
        return;
    }
    if (app_denied(a, ACCESS_VIEW, app_path_ns(path, nsbuf, sizeof nsbuf), why, sizeof why)) {
        free(path);
        return;
    }
    k8s_client_cancel(a->k8s, a->call);
    free(a->call_target);
    a->call_target = xstrdup(strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path);
    a->call_kind = kind;
    a->call = k8s_client_call(a->k8s, "GET", path, NULL, NULL, app_fetched, a);
    app_flash(a, false, "fetching %s ...", a->call_target);
    free(path);
}

/* ---- logs ------------------------------------------------------------------------------- */

#define APP_LOG_BATCH_MS 25     /* log bytes reach the pager in batches, at most 40 a second */
#define APP_LOG_LINE_MAX 65536  /* a longer line without LF is shown in pieces */

/* Moves the complete lines received (all of them with `all`) into the pager, one append:
 * CR LF ends a line as LF does, a TAB becomes spaces, and every other control character or
 * invalid byte is replaced (core/sanitize.h) before the pager sees it. */
static void app_logs_flush(struct app *a, bool all)
{
    struct app_logs *lg = &a->logs;
    size_t end = lg->len, o = 0, cap, start = 0;
    char *out;

    while (end > 0 && lg->buf[end - 1] != '\n') {
        end--;
    }
    if (all || (end == 0 && lg->len >= APP_LOG_LINE_MAX)) {
        end = lg->len;
    }
    if (end == 0 || a->pager == NULL) {
        return;
    }
    cap = end * 4 + 16;
    out = xmalloc(cap);
    while (start < end) {
        const char *nl = memchr(lg->buf + start, '\n', end - start);
        size_t stop = nl != NULL ? (size_t)(nl - lg->buf) : end;
        size_t l = stop - start, w = 0;
        char *line = xmalloc(l * 4 + 1), *clean;

        for (size_t i = start; i < stop; i++) {
            char ch = lg->buf[i];

            if (ch == '\t') {
                memcpy(line + w, "    ", 4);
                w += 4;
            } else if (!(ch == '\r' && i + 1 == stop)) {
                line[w++] = ch;
            }
        }
        clean = sanitize_ndup(line, w);
        w = strlen(clean);
        if (o + w + 1 > cap) {
            cap = (o + w + 1) * 2;
            out = xrealloc(out, cap);
        }
        memcpy(out + o, clean, w);
        o += w;
        out[o++] = '\n';
        free(clean);
        free(line);
        start = stop + 1;
    }
    pager_append(a->pager, out, o);
    free(out);
    memmove(lg->buf, lg->buf + end, lg->len - end);
    lg->len -= end;
    a->dirty |= DIRTY_SCREEN;
}

static void app_logs_flush_fire(void *arg)
{
    struct app *a = arg;

    a->logs.flush = NULL;
    app_logs_flush(a, false);
}

static void app_logs_data(const char *data, size_t len, void *arg)
{
    struct app *a = arg;
    struct app_logs *lg = &a->logs;

    if (lg->len + len > lg->cap) {
        lg->cap = (lg->len + len) * 2;
        lg->buf = xrealloc(lg->buf, lg->cap);
    }
    memcpy(lg->buf + lg->len, data, len);
    lg->len += len;
    if (lg->flush == NULL) {
        lg->flush = loop_timer_add(a->loop, APP_LOG_BATCH_MS, app_logs_flush_fire, a);
    }
}

/* A line of our own in the log (sanitized like the rest). */
static void app_logs_note(struct app *a, const char *text)
{
    char *line = sanitize_dup(text);

    pager_append(a->pager, "[", 1);
    pager_append(a->pager, line, strlen(line));
    pager_append(a->pager, "]\n", 2);
    free(line);
    a->dirty |= DIRTY_SCREEN;
}

static void app_logs_done(long status, const char *body, size_t len, const char *error,
                          void *arg)
{
    struct app *a = arg;

    a->logs.call = NULL;
    loop_timer_cancel(a->loop, a->logs.flush);
    a->logs.flush = NULL;
    app_logs_flush(a, true);
    if (error != NULL || status < 200 || status >= 300) {
        char *msg = k8s_error_text(status, body, len, error);

        app_logs_note(a, msg);
        free(msg);
    } else {
        app_logs_note(a, "end of log");
    }
}

static void app_logs_title(struct app *a)
{
    const struct app_logs *lg = &a->logs;
    char *title = xasprintf("logs %s/%s%s%s%s%s  (p previous, t timestamps, c container)",
                            lg->ns, lg->pod, lg->ncontainers > 0 ? "/" : "",
                            lg->ncontainers > 0 ? lg->containers[lg->cur] : "",
                            lg->previous ? "  [previous]" : "",
                            lg->timestamps ? "  [timestamps]" : "");

    pager_set_title(a->pager, title);
    free(title);
}

/* (Re)starts the stream with the current container and flags, from an empty pager. */
static void app_logs_start(struct app *a)
{
    struct app_logs *lg = &a->logs;
    char *path;

    k8s_client_cancel(a->k8s, lg->call);
    lg->call = NULL;
    loop_timer_cancel(a->loop, lg->flush);
    lg->flush = NULL;
    lg->len = 0;
    pager_set_text(a->pager, NULL, NULL, 0);
    app_logs_title(a);
    path = xasprintf("/api/v1/namespaces/%s/pods/%s/log?follow=true&tailLines=500&timestamps=%s"
                     "%s%s&previous=%s",
                     lg->ns, lg->pod, lg->timestamps ? "true" : "false",
                     lg->ncontainers > 0 ? "&container=" : "",
                     lg->ncontainers > 0 ? lg->containers[lg->cur] : "",
                     lg->previous ? "true" : "false");
    lg->call = k8s_client_stream(a->k8s, path, app_logs_data, app_logs_done, a);
    free(path);
    a->dirty |= DIRTY_SCREEN;
}

static void app_logs_stop(struct app *a)
{
    struct app_logs *lg = &a->logs;

    k8s_client_cancel(a->k8s, lg->call);
    loop_timer_cancel(a->loop, lg->flush);
    for (size_t i = 0; i < lg->ncontainers; i++) {
        free(lg->containers[i]);
    }
    free(lg->containers);
    free(lg->ns);
    free(lg->pod);
    free(lg->buf);
    memset(lg, 0, sizeof *lg);
}

/* `l`: the selected row's pod log in the pager, followed. */
static void app_logs_open(struct app *a)
{
    struct frame *f = app_top(a);
    struct view_ctx ctx = app_ctx(a, f);
    struct app_logs *lg = &a->logs;
    char *ns = NULL, *pod = NULL, *names = NULL;

    if (table_count(&f->table, f->view) == 0 || f->view->ops->logs_target == NULL) {
        app_flash(a, true, "no logs here");
        return;
    }
    if (!f->view->ops->logs_target(f->view, &ctx, table_row(&f->table, f->table.sel), &ns, &pod,
                                   &names)) {
        app_flash(a, true, "no pod to show the log of");
        return;
    }
    {
        char why[256];

        if (app_denied(a, ACCESS_LOGS, ns, why, sizeof why)) {
            free(ns);
            free(pod);
            free(names);
            return;
        }
    }
    app_logs_stop(a);
    lg->ns = ns;
    lg->pod = pod;
    lg->containers = xcalloc(1, sizeof *lg->containers);
    for (char *save = NULL, *c = names != NULL ? strtok_r(names, ",", &save) : NULL; c != NULL;
         c = strtok_r(NULL, ",", &save)) {
        if (k8s_valid_name(c)) {
            lg->containers = xrealloc(lg->containers,
                                      (lg->ncontainers + 2) * sizeof *lg->containers);
            lg->containers[lg->ncontainers++] = xstrdup(c);
            lg->containers[lg->ncontainers] = NULL;
        }
    }
    free(names);
    lg->active = true;
    k8s_client_cancel(a->k8s, a->call);
    a->call = NULL;
    free(a->pager_json);
    a->pager_json = NULL;
    pager_free(a->pager);
    a->pager = pager_new(&a->search_hist);
    pager_set_follow(a->pager, true);
    pager_set_max_lines(a->pager, APP_LOG_LINES);
    a->mode = MODE_PAGER;
    app_logs_start(a);
}

/* Keys of the log pager the pager itself does not have. True if handled. */
static bool app_logs_key(struct app *a, int key)
{
    struct app_logs *lg = &a->logs;

    if (!lg->active || pager_searching(a->pager)) {
        return false;
    }
    switch (key) {
    case 'p':
        lg->previous = !lg->previous;
        break;
    case 't':
        lg->timestamps = !lg->timestamps;
        break;
    case 'c':
        if (lg->ncontainers < 2) {
            return true;
        }
        lg->cur = (lg->cur + 1) % lg->ncontainers;
        break;
    default:
        return false;
    }
    app_logs_start(a);
    return true;
}

static void app_pager_close(struct app *a)
{
    app_logs_stop(a);
    pager_free(a->pager);
    a->pager = NULL;
    a->mode = MODE_TABLE;
    a->dirty |= DIRTY_SCREEN;
}

/* ---- delete with confirmation ----------------------------------------------------------- */

/* One audit line for a mutation of the object at API `path`: its tenant is the object's
 * (from its namespace), the session's scope beside it. */
static void app_audit(struct app *a, const char *action, const char *path, const char *target,
                      const char *result)
{
    struct access *acc = a->opts.access;
    char nsbuf[256];
    const char *ns = path != NULL ? app_path_ns(path, nsbuf, sizeof nsbuf) : NULL;
    struct audit_entry e = {access_user(acc),
                            access_role_name(access_role(acc)),
                            ns != NULL ? access_ns_tenant(acc, ns) : NULL,
                            access_all_tenants(acc) ? NULL : access_scope_text(acc),
                            action,
                            target,
                            result};
    char *err = NULL;

    if (audit_append(a->opts.audit_path, &e, &err) != 0) {
        app_flash(a, true, "%s", err);
        free(err);
    }
}

static void app_mutation_free(struct app_mutation *m)
{
    if (m == NULL) {
        return;
    }
    free(m->path);
    free(m->body);
    free(m->what);
    free(m);
}

/* Takes path, body and what (heap strings, may be NULL for body). */
static struct app_mutation *app_mutation_new(struct app *a, const char *action, const char *verb,
                                             const char *method, char *path, char *body,
                                             const char *content_type, char *what)
{
    struct app_mutation *m = xcalloc(1, sizeof *m);

    m->a = a;
    m->action = action;
    m->verb = verb;
    m->method = method;
    m->path = path;
    m->body = body;
    m->content_type = content_type;
    m->what = what;
    return m;
}

/* The namespace in an API path (".../namespaces/NS/..."), into buf; NULL for a
 * cluster-scoped path. */
static const char *app_path_ns(const char *path, char *buf, size_t size)
{
    const char *p = strstr(path, "/namespaces/");
    size_t n;

    if (p == NULL) {
        return NULL;
    }
    p += strlen("/namespaces/");
    n = strcspn(p, "/?");
    snprintf(buf, size, "%.*s", (int)n, p);
    return buf;
}

/* Asks the access layer whether the session may `verb` an object in namespace `ns` (NULL:
 * cluster-scoped); when not, says why on the status line, copies the reason into why[] and
 * returns true. */
static bool app_denied(struct app *a, enum access_verb verb, const char *ns, char *why,
                       size_t size)
{
    if (access_check(a->opts.access, verb, ns, why, size) == 0) {
        return false;
    }
    app_flash(a, true, "%s: %s refused", why, access_verb_name(verb));
    return true;
}

/* app_denied() for a mutation: a refusal is audited too. */
static bool app_refuse(struct app *a, enum access_verb verb, const char *path, const char *what)
{
    char why[256], nsbuf[256], *result;

    if (!app_denied(a, verb, app_path_ns(path, nsbuf, sizeof nsbuf), why, sizeof why)) {
        return false;
    }
    result = xasprintf("refused: %s", why);
    app_audit(a, access_verb_name(verb), path, what, result);
    free(result);
    return true;
}

/* Opens the confirm dialog for `m` (ownership passes); typed_name non-NULL asks for it. */
static void app_mutation_ask(struct app *a, struct app_mutation *m, const char *title,
                             const char *msg, const char *confirm, const char *typed_name)
{
    app_mutation_free(a->pending);
    a->pending = m;
    dialog_free(a->dialog);
    a->dialog = typed_name != NULL ? dialog_confirm_typed(title, msg, confirm, typed_name)
                                   : dialog_confirm(title, msg, confirm);
    a->mode = MODE_DIALOG;
}

static void app_mutated(long status, const char *body, size_t len, const char *error, void *arg)
{
    struct app_mutation *m = arg;
    struct app *a = m->a;

    for (struct app_mutation **pp = &a->inflight; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    }
    if (error == NULL && status >= 200 && status < 300) {
        app_flash(a, false, "%s %s", m->verb, m->what);
        app_audit(a, m->action, m->path, m->what, "ok");
    } else {
        char *msg = k8s_error_text(status, body, len, error);

        app_flash(a, true, "%s %s: %s", m->action, m->what, msg);
        app_audit(a, m->action, m->path, m->what, msg);
        free(msg);
    }
    app_mutation_free(m);
}

/* The dialog said yes: sends the pending mutation. */
static void app_mutation_go(struct app *a)
{
    struct app_mutation *m = a->pending;

    if (m == NULL) {
        return;
    }
    a->pending = NULL;
    m->next = a->inflight;
    a->inflight = m;
    m->call = k8s_client_call(a->k8s, m->method, m->path, m->body, m->content_type, app_mutated,
                              m);
    app_flash(a, false, "%s %s ...", m->action, m->what);
}

static void app_delete_ask(struct app *a)
{
    struct frame *f = app_top(a);
    size_t n = table_count(&f->table, f->view);
    char *path = NULL, *name = NULL, *uid = NULL, *what, *msg, *body;

    if (n == 0 || f->view->ops->delete_target == NULL) {
        app_flash(a, true, "nothing to delete here");
        return;
    }
    if (!f->view->ops->delete_target(f->view, table_row(&f->table, f->table.sel), &path,
                                     &name, &uid)) {
        app_flash(a, true, "this object cannot be deleted from here");
        return;
    }
    /* kubectl's DeleteOptions, plus the uid the user saw: a pod recreated under the same name
     * while the dialog was open (a StatefulSet's) answers 409 instead of going too. */
    if (uid != NULL && uid[0] != '\0' && strlen(uid) < 64 &&
        strspn(uid, "0123456789abcdefABCDEF-") == strlen(uid)) {
        body = xasprintf("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
                         "\"propagationPolicy\":\"Background\","
                         "\"preconditions\":{\"uid\":\"%s\"}}",
                         uid);
    } else {
        body = xstrdup("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
                       "\"propagationPolicy\":\"Background\"}");
    }
    free(uid);
    {
        /* "/api/v1/namespaces/NS/pods/NAME" reads as "NS/pods/NAME". */
        const char *ns = strstr(path, "/namespaces/");

        what = ns != NULL ? xstrdup(ns + strlen("/namespaces/"))
                          : xasprintf("%s/%s", f->view->ops->name, name);
    }
    if (app_refuse(a, ACCESS_DELETE, path, what)) {
        free(path);
        free(name);
        free(what);
        free(body);
        return;
    }
    msg = xasprintf("Delete %s? This cannot be undone. Type the name to confirm.", what);
    app_mutation_ask(a,
                     app_mutation_new(a, "delete", "deleted", "DELETE", path, body,
                                      "application/json", what),
                     "Delete", msg, "Delete", name);
    free(msg);
    free(name);
}

/* `r`: kubectl rollout restart, the template annotation patch. */
static void app_restart_ask(struct app *a)
{
    struct frame *f = app_top(a);
    char *path = NULL, *what = NULL, *msg, *body, stamp[32];
    struct tm tm;
    time_t now = time(NULL);

    if (table_count(&f->table, f->view) == 0 || f->view->ops->restart_target == NULL) {
        app_flash(a, true, "nothing to restart here");
        return;
    }
    if (!f->view->ops->restart_target(f->view, table_row(&f->table, f->table.sel), &path,
                                      &what)) {
        app_flash(a, true, "this object cannot be restarted from here");
        return;
    }
    if (app_refuse(a, ACCESS_RESTART, path, what)) {
        free(path);
        free(what);
        return;
    }
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    body = xasprintf("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
                     "{\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}",
                     stamp);
    msg = xasprintf("Restart %s?", what);
    app_mutation_ask(a,
                     app_mutation_new(a, "restart", "restarted", "PATCH", path, body,
                                      "application/strategic-merge-patch+json", what),
                     "Restart", msg, "Restart", NULL);
    free(msg);
}

static void app_scale_clear(struct app *a)
{
    free(a->scale.path);
    free(a->scale.what);
    memset(&a->scale, 0, sizeof a->scale);
}

/* `s`: asks for the replica count first (MODE_SCALE), then confirms. */
static void app_scale_ask(struct app *a)
{
    struct frame *f = app_top(a);
    char cur[16];

    if (table_count(&f->table, f->view) == 0 || f->view->ops->scale_target == NULL) {
        app_flash(a, true, "nothing to scale here");
        return;
    }
    app_scale_clear(a);
    if (!f->view->ops->scale_target(f->view, table_row(&f->table, f->table.sel), &a->scale.path,
                                    &a->scale.what, &a->scale.current)) {
        app_scale_clear(a);
        app_flash(a, true, "this object cannot be scaled from here");
        return;
    }
    if (app_refuse(a, ACCESS_SCALE, a->scale.path, a->scale.what)) {
        app_scale_clear(a);
        return;
    }
    prompt_init(&a->prompt, 0, NULL);
    snprintf(cur, sizeof cur, "%d", a->scale.current);
    prompt_set_text(&a->prompt, cur);
    a->mode = MODE_SCALE;
}

/* The replica count as typed: a non-negative integer up to 100000, else -1. */
static long app_scale_parse(const char *text)
{
    char *end;
    long n;

    while (*text == ' ') {
        text++;
    }
    if (*text < '0' || *text > '9') {
        return -1;
    }
    n = strtol(text, &end, 10);
    while (*end == ' ') {
        end++;
    }
    return *end == '\0' && n >= 0 && n <= 100000 ? n : -1;
}

static void app_key_scale(struct app *a, int key)
{
    enum prompt_result r = prompt_key(&a->prompt, key);
    long n;
    char *msg;

    a->dirty |= DIRTY_SCREEN;
    if (r == PROMPT_CANCEL) {
        prompt_fini(&a->prompt);
        app_scale_clear(a);
        a->mode = MODE_TABLE;
        app_flash(a, false, "cancelled");
        return;
    }
    if (r != PROMPT_ACCEPT) {
        return;
    }
    n = app_scale_parse(prompt_text(&a->prompt));
    if (n < 0) {
        prompt_set_error(&a->prompt, "a replica count: 0 or more", 0);
        return;
    }
    prompt_fini(&a->prompt);
    a->mode = MODE_TABLE;
    msg = xasprintf("Scale %s from %d to %ld replicas?", a->scale.what, a->scale.current, n);
    app_mutation_ask(a,
                     app_mutation_new(a, "scale", "scaled", "PATCH", a->scale.path,
                                      xasprintf("{\"spec\":{\"replicas\":%ld}}", n),
                                      "application/merge-patch+json",
                                      xasprintf("%s to %ld", a->scale.what, n)),
                     "Scale", msg, "Scale", NULL);
    free(msg);
    free(a->scale.what);
    memset(&a->scale, 0, sizeof a->scale); /* the path went to the mutation */
}

/* ---- help ------------------------------------------------------------------------------- */

static void app_open_help(struct app *a)
{
    keymap_help_free(a->help);
    a->help = keymap_help(app_top(a)->view->ops);
    a->help_top = 0;
    a->mode = MODE_HELP;
    a->dirty |= DIRTY_SCREEN;
}

static void app_close_help(struct app *a)
{
    keymap_help_free(a->help);
    a->help = NULL;
    a->mode = MODE_TABLE;
    a->dirty |= DIRTY_SCREEN;
}

/* ---- keys ------------------------------------------------------------------------------- */

static void app_action(struct app *a, enum action act)
{
    struct frame *f = app_top(a);
    const struct view *v = f->view;
    struct view_target target;

    switch (act) {
    case ACT_NONE:
        return;
    case ACT_MOVE_DOWN:
        table_move(&f->table, v, 1);
        break;
    case ACT_MOVE_UP:
        table_move(&f->table, v, -1);
        break;
    case ACT_PAGE_DOWN:
        table_page(&f->table, v, 1);
        break;
    case ACT_PAGE_UP:
        table_page(&f->table, v, -1);
        break;
    case ACT_TOP:
        table_move_to(&f->table, v, 0);
        break;
    case ACT_BOTTOM:
        table_move_to(&f->table, v, (size_t)-1);
        break;
    case ACT_ENTER:
        if (v->ops->enter == NULL || table_count(&f->table, v) == 0) {
            app_flash(a, true, "nothing to drill into here");
        } else if (v->ops->enter(v, &f->scope, table_row(&f->table, f->table.sel), &target)) {
            app_push(a, registry_find(target.view), &target.scope, target.label, false);
        }
        break;
    case ACT_BACK:
        if (f->filter != NULL) {
            filter_free(f->filter);
            f->filter = NULL;
            app_apply_filter(a, f);
            table_follow(&f->table, v);
        } else {
            app_pop(a);
        }
        break;
    case ACT_QUIT:
        if (a->nframes > 1) {
            app_pop(a);
        } else {
            app_quit(a, 0);
        }
        return;
    case ACT_QUIT_ALL:
        app_quit(a, 0);
        return;
    case ACT_COMMAND:
        prompt_init(&a->prompt, ':', &a->cmd_hist);
        prompt_set_completion(&a->prompt, app_complete, a, true);
        a->mode = MODE_COMMAND;
        break;
    case ACT_FILTER:
        prompt_init(&a->prompt, '/', &a->filter_hist);
        free(a->filter_before);
        a->filter_before = xstrdup(f->filter != NULL ? filter_pattern(f->filter) : "");
        prompt_set_text(&a->prompt, a->filter_before);
        a->mode = MODE_FILTER;
        if (!f->texts.valid && a->texts_timer == NULL) {
            /* 1 ms: after the prompt is painted, not in this pass */
            a->texts_timer = loop_timer_add(a->loop, 1, app_texts_slice, a);
        }
        break;
    case ACT_HELP:
        app_open_help(a);
        break;
    case ACT_SORT_NEXT:
        app_sort_step(a, 1);
        break;
    case ACT_SORT_PREV:
        app_sort_step(a, -1);
        break;
    case ACT_DESCRIBE:
        app_fetch(a, FETCH_DESCRIBE);
        break;
    case ACT_RAW:
        app_fetch(a, FETCH_RAW);
        break;
    case ACT_DELETE:
        app_delete_ask(a);
        break;
    case ACT_LOGS:
        app_logs_open(a);
        break;
    case ACT_RESTART:
        app_restart_ask(a);
        break;
    case ACT_SCALE:
        app_scale_ask(a);
        break;
    case ACT_REDRAW:
        a->dirty |= DIRTY_CLEAR;
        break;
    case ACT_COUNT:
        return;
    }
    a->dirty |= DIRTY_SCREEN;
}

static void app_key_prompt(struct app *a, int key)
{
    enum prompt_result r = prompt_key(&a->prompt, key);
    bool filter = a->mode == MODE_FILTER;

    a->dirty |= DIRTY_SCREEN;
    if (r == PROMPT_CHANGED && filter) {
        app_filter_update(a);
    } else if (r == PROMPT_ACCEPT) {
        char *text = xstrdup(prompt_text(&a->prompt));

        if (filter && prompt_error(&a->prompt) != NULL &&
            strcmp(prompt_error(&a->prompt), "pattern too complex for some rows") != 0) {
            free(text);
            return; /* an invalid pattern stays open for correction */
        }
        prompt_history_add(filter ? &a->filter_hist : &a->cmd_hist, text);
        prompt_fini(&a->prompt);
        a->mode = MODE_TABLE;
        if (!filter) {
            app_command(a, text);
        } else if (text[0] == '\0') {
            filter_free(app_top(a)->filter);
            app_top(a)->filter = NULL;
            app_apply_filter(a, app_top(a));
        }
        free(text);
    } else if (r == PROMPT_CANCEL) {
        if (filter) {
            /* Esc on the filter line clears the filter (k9s). */
            app_filter_set(a, "");
            filter_free(app_top(a)->filter);
            app_top(a)->filter = NULL;
            app_apply_filter(a, app_top(a));
            table_follow(&app_top(a)->table, app_top(a)->view);
        }
        prompt_fini(&a->prompt);
        a->mode = MODE_TABLE;
    }
}

static void app_mouse(struct app *a)
{
    MEVENT ev;
    struct frame *f = app_top(a);

    if (getmouse(&ev) != OK || a->mode != MODE_TABLE) {
        return;
    }
    if (ev.bstate & BUTTON4_PRESSED) {
        table_move(&f->table, f->view, -3);
    } else if (ev.bstate & (BUTTON5_PRESSED)) {
        table_move(&f->table, f->view, 3);
    } else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)) {
        int row = ev.y - (APP_TABLE_Y + 1);

        if (row >= 0 && row < f->table.height) {
            table_move_to(&f->table, f->view, f->table.top + (size_t)row);
        }
    }
    a->dirty |= DIRTY_SCREEN;
}

/* One key, routed by mode. */
static void app_key(struct app *a, int key)
{
    int col;

    if (key == KEY_RESIZE) {
        /* Queued by resizeterm() in our SIGWINCH handler: curses already knows the size. */
        table_reset_widths(&app_top(a)->table);
        a->dirty |= DIRTY_SCREEN | DIRTY_CLEAR;
        return;
    }
    if (key == KEY_MOUSE) {
        app_mouse(a);
        return;
    }
    switch (a->mode) {
    case MODE_COMMAND:
    case MODE_FILTER:
        app_key_prompt(a, key);
        return;
    case MODE_SCALE:
        app_key_scale(a, key);
        return;
    case MODE_HELP:
        if (key == 'j' || key == KEY_DOWN) {
            a->help_top++;
        } else if ((key == 'k' || key == KEY_UP) && a->help_top > 0) {
            a->help_top--;
        } else {
            app_close_help(a);
        }
        a->dirty |= DIRTY_SCREEN;
        return;
    case MODE_PAGER:
        if (key == '\t' && a->pager_json != NULL) {
            a->pager_is_json = !a->pager_is_json;
            app_pager_show(a);
        } else if (key == 0x0c) {
            a->dirty |= DIRTY_CLEAR;
        } else if (app_logs_key(a, key)) {
            /* handled: the stream restarted */
        } else if (pager_key(a->pager, key) == PAGER_CLOSE) {
            app_pager_close(a);
        }
        a->dirty |= DIRTY_SCREEN;
        return;
    case MODE_DIALOG:
        switch (dialog_key(a->dialog, key)) {
        case DIALOG_CONFIRM:
            dialog_free(a->dialog);
            a->dialog = NULL;
            a->mode = MODE_TABLE;
            app_mutation_go(a);
            break;
        case DIALOG_CANCEL:
            dialog_free(a->dialog);
            a->dialog = NULL;
            app_mutation_free(a->pending);
            a->pending = NULL;
            a->mode = MODE_TABLE;
            app_flash(a, false, "cancelled");
            break;
        case DIALOG_NONE:
            break;
        }
        a->dirty |= DIRTY_SCREEN;
        return;
    case MODE_TABLE:
        break;
    }
    {
        enum action act = keymap_action(key);

        if (act != ACT_NONE) {
            app_action(a, act);
        } else if ((col = keymap_sort_column(app_top(a)->view->ops, key)) >= 0) {
            app_sort_by(a, col);
            a->dirty |= DIRTY_SCREEN;
        }
    }
}

static void app_on_stdin(int fd, unsigned events, void *arg)
{
    struct app *a = arg;
    int rc, got = 0;
    wint_t wc;

    (void)fd;
    while ((rc = wget_wch(stdscr, &wc)) != ERR) {
        if (got == 0 && a->key_us == 0) {
            a->key_us = app_now_us();
            a->key_code = prompt_keycode(rc, wc);
        }
        got++;
        app_key(a, prompt_keycode(rc, wc));
        if (loop_stopped(a->loop)) {
            return;
        }
    }
    /* Readable with nothing to read, or an error: the terminal is gone (SSH dropped). */
    if (got == 0 && (events & (LOOP_ERR | LOOP_IN))) {
        if ((events & LOOP_ERR) || ++a->empty_reads >= 3) {
            app_quit(a, 129);
        }
    } else {
        a->empty_reads = 0;
    }
}

/* ---- painting --------------------------------------------------------------------------- */

static void app_rebuild_fire(void *arg)
{
    struct app *a = arg;

    a->rebuild_timer = NULL;
    a->dirty |= DIRTY_SCREEN;
}

static void app_tick_fire(void *arg)
{
    struct app *a = arg;

    a->tick_timer = NULL;
    a->dirty |= DIRTY_SCREEN;
}

/* Rebuilds the top view when the store changed, at most every 100..2000 ms depending on size,
 * so heavy churn costs a bounded amount of CPU. Returns true if it rebuilt. */
static bool app_maybe_rebuild(struct app *a)
{
    struct frame *f = app_top(a);
    struct view *v = f->view;
    struct view_ctx ctx = app_ctx(a, f);
    int64_t now = loop_now_ms();
    int64_t interval = (int64_t)v->ops->count(v) / 25;

    if (!v->ops->stale(v, &ctx)) {
        if (f->refilter) {
            app_texts_drop(f);
            app_apply_filter(a, f);
            table_follow(&f->table, v);
            return true;
        }
        return false;
    }
    interval = interval < 100 ? 100 : (interval > 2000 ? 2000 : interval);
    if (v->ops->count(v) > 0 && now - a->last_rebuild_ms < interval) {
        if (a->rebuild_timer == NULL) {
            a->rebuild_timer = loop_timer_add(a->loop, a->last_rebuild_ms + interval - now,
                                              app_rebuild_fire, a);
        }
        return false;
    }
    v->ops->rebuild(v, &ctx);
    f->rows_alive = true;
    app_texts_drop(f);
    a->last_rebuild_ms = now;
    app_apply_filter(a, f);
    table_follow(&f->table, v);
    return true;
}

static void app_draw_header(struct app *a, int cols)
{
    const struct source_health *h = k8s_client_health(a->k8s);
    char health[256], line[640], right[300], scope[160] = "";
    const char *ctxname = k8s_client_context(a->k8s);
    enum theme_slot hs = h->state == SOURCE_RETRYING ? THEME_FLASH_ERROR : THEME_HEADER;
    int rw, lw;

    if (!access_all_tenants(a->opts.access)) {
        snprintf(scope, sizeof scope, "  tenant: %s", access_scope_text(a->opts.access));
    }
    snprintf(line, sizeof line, " govconsole  context: %s  server: %s%s%s",
             ctxname ? ctxname : "-",
             k8s_client_server(a->k8s) ? k8s_client_server(a->k8s) : "-", scope,
             access_readonly(a->opts.access) ? "  [read-only]" : "");
    {
        /* A scoped session never reads another tenant's names in an error. */
        struct source_health shown = *h;

        shown.last_error = (char *)access_redact(a->opts.access, h->last_error);
        source_health_describe(&shown, health, sizeof health);
    }
    /* Why CPU and MEM read n/a: no metrics-server, or one that fails. */
    switch (k8s_client_metrics_state(a->k8s)) {
    case K8S_METRICS_ABSENT:
        snprintf(right, sizeof right, " kubernetes: %s  metrics: none ", health);
        break;
    case K8S_METRICS_FAILING:
        snprintf(right, sizeof right, " kubernetes: %s  metrics: failing ", health);
        break;
    case K8S_METRICS_UNKNOWN:
    case K8S_METRICS_OK:
        snprintf(right, sizeof right, " kubernetes: %s ", health);
        break;
    }
    rw = screen_text_width(right);
    if (rw > cols / 2) {
        rw = cols / 2;
    }
    lw = cols - rw;
    screen_put(stdscr, 0, 0, line, lw, false, screen_attr(THEME_HEADER));
    screen_put(stdscr, 0, lw, right, rw, true, screen_attr(hs));
}

/* Line 1: breadcrumb, the view and its scope, the row count, the filter, loading progress. */
static void app_draw_title(struct app *a, int cols)
{
    const struct source_health *h = k8s_client_health(a->k8s);
    const struct frame *f = app_top(a);
    char count[32], title[768], crumbs[384] = "", load[64] = "", flt[160] = "";
    const char *scope = f->scope.ns[0]       ? f->scope.ns
                        : f->scope.tenant[0] ? f->scope.tenant
                                             : access_scope_text(a->opts.access);
    size_t o = 0;

    for (int i = 0; i < a->nframes - 1 && o < sizeof crumbs; i++) {
        o += (size_t)snprintf(crumbs + o, sizeof crumbs - o, "%s > ",
                              a->frames[i].view->ops->title);
        if (a->frames[i + 1].label[0] != '\0' && o < sizeof crumbs) {
            o += (size_t)snprintf(crumbs + o, sizeof crumbs - o, "%s > ", a->frames[i + 1].label);
        }
    }
    source_fmt_count(table_count(&f->table, f->view), count, sizeof count);
    if (h->state == SOURCE_LOADING || h->state == SOURCE_CONNECTING) {
        char l[32], e[32];

        if (h->expected > 0) {
            snprintf(load, sizeof load, "  loading %s/%s", source_fmt_count(h->loaded, l, sizeof l),
                     source_fmt_count(h->expected, e, sizeof e));
        } else {
            snprintf(load, sizeof load, "  loading %s", source_fmt_count(h->loaded, l, sizeof l));
        }
    }
    if (f->filter != NULL && !filter_matches_all(f->filter)) {
        snprintf(flt, sizeof flt, "  </%s>", filter_pattern(f->filter));
    }
    snprintf(title, sizeof title, " %s%s(%s)[%s]%s%s", crumbs, f->view->ops->title, scope, count,
             flt, load);
    screen_put(stdscr, 1, 0, title, cols, false, screen_attr(THEME_BREADCRUMB));
}

static void app_draw_status(struct app *a, int rows, int cols)
{
    const struct source_health *h = k8s_client_health(a->k8s);
    const struct frame *f = app_top(a);
    char line[512];
    size_t n = table_count(&f->table, f->view);

    if (a->mode == MODE_COMMAND || a->mode == MODE_FILTER) {
        size_t nc = 0, sel = 0;

        prompt_candidates(&a->prompt, &nc, &sel);
        if (nc > 0) {
            prompt_draw_candidates(&a->prompt, stdscr, rows - 2, 0, cols,
                                   screen_attr(THEME_STATUS_LINE));
        }
        prompt_draw(&a->prompt, stdscr, rows - 1, 0, 1, cols);
        return;
    }
    if (a->mode == MODE_SCALE) {
        int lw;

        snprintf(line, sizeof line, " Scale %s to replicas (Enter, Esc cancels): ", a->scale.what);
        lw = screen_text_width(line);
        lw = lw < cols / 2 ? lw : cols / 2;
        screen_put(stdscr, rows - 1, 0, line, lw, false, screen_attr(THEME_STATUS_LINE));
        prompt_draw(&a->prompt, stdscr, rows - 1, lw, 1, cols - lw);
        return;
    }
    if (a->flash != NULL) {
        snprintf(line, sizeof line, " %s", a->flash);
        screen_put(stdscr, rows - 1, 0, line, cols, false,
                   screen_attr(a->flash_error ? THEME_FLASH_ERROR : THEME_FLASH_INFO));
        return;
    }
    if (h->state == SOURCE_RETRYING && h->last_error != NULL) {
        snprintf(line, sizeof line, " kubernetes: %s",
                 access_redact(a->opts.access, h->last_error));
        screen_put(stdscr, rows - 1, 0, line, cols, false, screen_attr(THEME_FLASH_ERROR));
        return;
    }
    snprintf(line, sizeof line,
             " <:> command  </> filter  <?> help  <q> %s  row %zu of %zu",
             a->nframes > 1 ? "back" : "quit", n ? f->table.sel + 1 : 0, n);
    screen_put(stdscr, rows - 1, 0, line, cols, false, screen_attr(THEME_STATUS_LINE));
}

/* The help overlay: a box over the table listing this view's keys. */
static void app_draw_help(struct app *a, int rows, int cols)
{
    size_t n = 0;
    int w = cols - 8 < 90 ? cols - 8 : 90;
    int h = rows - 6, x = (cols - w) / 2, y = 3;
    char title[128];

    while (a->help[n] != NULL) {
        n++;
    }
    if ((int)n + 2 < h) {
        h = (int)n + 2;
    }
    if (a->help_top + (size_t)(h - 2) > n) {
        a->help_top = n > (size_t)(h - 2) ? n - (size_t)(h - 2) : 0;
    }
    snprintf(title, sizeof title, " Keys: %s  (j/k scroll, any other key closes) ",
             app_top(a)->view->ops->name);
    screen_put(stdscr, y, x, title, w, false, screen_attr(THEME_HEADER));
    for (int i = 0; i < h - 2; i++) {
        const char *line = a->help[a->help_top + (size_t)i];
        const char *tab = strchr(line, '\t');
        char keys[64];

        snprintf(keys, sizeof keys, " %.*s", (int)(tab - line), line);
        screen_put(stdscr, y + 1 + i, x, keys, 24, false, screen_attr(THEME_HELP_KEY));
        screen_put(stdscr, y + 1 + i, x + 24, tab + 1, w - 24, false,
                   screen_attr(THEME_HELP_TEXT));
    }
    screen_put(stdscr, y + h - 1, x, "", w, false, screen_attr(THEME_HEADER));
}

static void app_draw(struct app *a)
{
    struct frame *f = app_top(a);
    struct view_ctx ctx = app_ctx(a, f);
    int rows = LINES, cols = COLS;
    int64_t tick;

    if (a->dirty & DIRTY_CLEAR) {
        clearok(curscr, TRUE);
    }
    if (cols < SCREEN_MIN_COLS || rows < SCREEN_MIN_ROWS) {
        char msg[128];
        int w;

        erase();
        snprintf(msg, sizeof msg, "terminal too small: %dx%d, need %dx%d", cols, rows,
                 SCREEN_MIN_COLS, SCREEN_MIN_ROWS);
        w = screen_text_width(msg);
        screen_put(stdscr, rows / 2, w < cols ? (cols - w) / 2 : 0, msg, w < cols ? w : cols,
                   false, screen_attr(THEME_FLASH_ERROR));
        wnoutrefresh(stdscr);
        return;
    }
    screen_set_view(f->view->ops->name);
    app_draw_header(a, cols);
    if (a->mode == MODE_PAGER) {
        pager_draw(a->pager, stdscr, 1, 0, rows - 1, cols);
        wnoutrefresh(stdscr);
        return;
    }
    app_draw_title(a, cols);
    tick = table_draw(&f->table, stdscr, APP_TABLE_Y, 0, rows - APP_TABLE_Y - 1, cols, f->view,
                      &ctx);
    app_draw_status(a, rows, cols);
    if (a->mode == MODE_HELP) {
        app_draw_help(a, rows, cols);
    } else if (a->mode == MODE_DIALOG) {
        dialog_draw(a->dialog, stdscr, 0, 0, rows, cols);
    }
    wnoutrefresh(stdscr);
    /* Ages change with time alone: wake exactly when the next visible one does. */
    if (tick >= 0) {
        int64_t due = loop_now_ms() + tick * 1000;

        if (a->tick_timer == NULL || due < a->tick_due_ms) {
            loop_timer_cancel(a->loop, a->tick_timer);
            a->tick_timer = loop_timer_add_aligned(a->loop, tick * 1000 - 999, 1000,
                                                   app_tick_fire, a);
            a->tick_due_ms = due;
        }
    }
}

/* Before each poll(): rebuild what changed, paint once, flush once, free old rows. */
static void app_prepare(void *arg)
{
    struct app *a = arg;
    const struct source_health *h;
    struct frame *f;
    struct view_ctx ctx;

    if (loop_stopped(a->loop)) {
        return;
    }
    if (app_maybe_rebuild(a)) {
        a->dirty |= DIRTY_SCREEN;
    }
    h = k8s_client_health(a->k8s);
    if (h->version != a->health_version) {
        a->health_version = h->version;
        a->dirty |= DIRTY_SCREEN;
    }
    if (a->dirty) {
        app_draw(a);
        doupdate();
        a->dirty = 0;
    }
    if (a->key_us != 0) {
        /* `make bench` reads these lines: keystroke to doupdate(). */
        log_msg("key %d: %.3f ms to doupdate, %zu rows shown", a->key_code,
                (double)(app_now_us() - a->key_us) / 1000.0,
                table_count(&app_top(a)->table, app_top(a)->view));
        a->key_us = 0;
    }
    /* Rows replaced since the last rebuild stay alive until the top view has moved on.
     * Views below the top are not painted; they rebuild when they come back (app_pop). */
    f = app_top(a);
    ctx = app_ctx(a, f);
    if (!f->view->ops->stale(f->view, &ctx)) {
        store_commit(a->store);
    }
}

struct app *app_new(struct loop *l, struct store *s, struct k8s_client *k8s,
                    const struct app_opts *o)
{
    struct app *a = xcalloc(1, sizeof *a);
    const struct view_ops *ops = registry_find(o->start_view ? o->start_view : "pods");
    struct view_scope scope;

    a->loop = l;
    a->store = s;
    a->k8s = k8s;
    a->opts = *o;
    a->opts.theme = NULL;
    if (o->theme != NULL) {
        screen_set_theme(o->theme);
    }
    prompt_history_init(&a->cmd_hist, 0);
    prompt_history_init(&a->filter_hist, 0);
    prompt_history_init(&a->search_hist, 0);
    scope = (struct view_scope){0}; /* the root view: all the session may see */
    app_push(a, ops != NULL ? ops : registry_get(0), &scope, NULL, true);
    a->theme_names = xcalloc(4, sizeof *a->theme_names);
    a->theme_names[a->nthemes++] = xstrdup("default");
    a->theme_names[a->nthemes++] = xstrdup("mono");
    for (size_t i = 0; o->theme_dirs != NULL && o->theme_dirs[i] != NULL; i++) {
        app_scan_themes(a, o->theme_dirs[i]);
    }
    return a;
}

static void app_die_hook(void)
{
    screen_fini();
}

int app_run(struct app *a)
{
    xalloc_set_die_hook(app_die_hook);
    screen_init(a->opts.no_color);
    if (a->opts.mouse) {
        mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
        mouseinterval(0);
    }
    loop_signal(a->loop, SIGWINCH, app_on_signal, a);
    loop_signal(a->loop, SIGTERM, app_on_signal, a);
    loop_signal(a->loop, SIGINT, app_on_signal, a);
    loop_signal(a->loop, SIGHUP, app_on_signal, a);
    loop_signal(a->loop, SIGQUIT, app_on_signal, a);
    loop_fd_set(a->loop, STDIN_FILENO, LOOP_IN, app_on_stdin, a);
    loop_prepare(a->loop, app_prepare, a);
    if (a->opts.startup_flash != NULL) {
        app_flash(a, true, "%s", a->opts.startup_flash);
    }
    a->dirty = DIRTY_SCREEN | DIRTY_CLEAR;
    loop_run(a->loop);
    loop_fd_set(a->loop, STDIN_FILENO, 0, NULL, NULL);
    loop_timer_cancel(a->loop, a->rebuild_timer);
    loop_timer_cancel(a->loop, a->tick_timer);
    loop_timer_cancel(a->loop, a->flash_timer);
    loop_timer_cancel(a->loop, a->texts_timer);
    a->rebuild_timer = a->tick_timer = a->flash_timer = a->texts_timer = NULL;
    k8s_client_cancel(a->k8s, a->call);
    a->call = NULL;
    app_logs_stop(a);
    while (a->inflight != NULL) {
        struct app_mutation *m = a->inflight;

        a->inflight = m->next;
        k8s_client_cancel(a->k8s, m->call);
        app_mutation_free(m);
    }
    screen_fini();
    xalloc_set_die_hook(NULL);
    return a->exit_status;
}

struct k8s_client *app_k8s(const struct app *a)
{
    return a->k8s;
}

void app_free(struct app *a)
{
    if (a == NULL) {
        return;
    }
    while (a->nframes > 0) {
        app_frame_fini(&a->frames[--a->nframes]);
    }
    if (a->mode == MODE_COMMAND || a->mode == MODE_FILTER || a->mode == MODE_SCALE) {
        prompt_fini(&a->prompt);
    }
    app_scale_clear(a);
    app_mutation_free(a->pending);
    prompt_history_fini(&a->cmd_hist);
    prompt_history_fini(&a->filter_hist);
    prompt_history_fini(&a->search_hist);
    keymap_help_free(a->help);
    pager_free(a->pager);
    dialog_free(a->dialog);
    for (size_t i = 0; i < a->nthemes; i++) {
        free(a->theme_names[i]);
    }
    free(a->theme_names);
    free(a->filter_before);
    free(a->flash);
    free(a->pager_json);
    free(a->pager_title);
    free(a->call_target);
    free(a);
}
