/* The main screen's loop glue: keys to the top mode or the table, signals, flash messages,
 * the mode stack, and painting once per loop pass. */
#include "tui/app.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/access.h"
#include "core/filter.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/sources.h"
#include "core/store.h"
#include "core/theme.h"
#include "core/xalloc.h"
#include "tui/app_int.h"
#include "tui/chooser.h"
#include "tui/keymap.h"
#include "tui/screen.h"
#include "views/registry.h"

#define APP_FLASH_MS 4000

int64_t app_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct frame *app_top(struct app *a)
{
    return &a->frames[a->nframes - 1];
}

struct view_ctx app_ctx(const struct app *a, const struct frame *f)
{
    struct view_ctx ctx = {a->store, (int64_t)time(NULL), &f->scope, a->opts.access,
                           f->rows_alive, a->sources, &a->messages};

    return ctx;
}

void app_quit(struct app *a, int status)
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

void app_flash_clear_now(struct app *a)
{
    loop_timer_cancel(a->loop, a->flash_timer);
    a->flash_timer = NULL;
    free(a->flash);
    a->flash = NULL;
    a->dirty |= DIRTY_SCREEN;
}

void app_flash(struct app *a, bool error, const char *fmt, ...)
{
    va_list ap;
    char buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(a->flash);
    a->flash = xstrdup(buf);
    a->flash_error = error;
    messages_add(&a->messages, error, buf, (int64_t)time(NULL));
    loop_timer_cancel(a->loop, a->flash_timer);
    a->flash_timer = loop_timer_add(a->loop, APP_FLASH_MS, app_flash_clear, a);
    a->dirty |= DIRTY_SCREEN;
}

bool app_mode_push(struct app *a, const struct mode_ops *ops, void *data)
{
    if (a->nmodes == APP_MAX_MODES) {
        ops->close(a, data);
        app_flash(a, true, "too many windows open: close one first");
        return false;
    }
    a->modes[a->nmodes++] = (struct app_mode){ops, data};
    a->dirty |= DIRTY_SCREEN;
    return true;
}

void app_mode_pop(struct app *a)
{
    struct app_mode m;

    if (a->nmodes == 0) {
        return;
    }
    m = a->modes[--a->nmodes];
    m.ops->close(a, m.data);
    a->dirty |= DIRTY_SCREEN;
}

const struct mode_ops *app_mode_top(const struct app *a)
{
    return a->nmodes > 0 ? a->modes[a->nmodes - 1].ops : NULL;
}

const char *app_selected_key(struct app *a)
{
    struct frame *f = app_top(a);

    if (table_count(&f->table, f->view) == 0) {
        return NULL;
    }
    return f->view->ops->row_key(f->view, table_row(&f->table, f->table.sel));
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

/* ---- keys ------------------------------------------------------------------------------- */

static void app_action(struct app *a, enum action act)
{
    struct frame *f = app_top(a);
    const struct view *v = f->view;
    struct view_target target = {0}; /* what an enter hook does not set is zero (choose) */

    switch (act) {
    case ACT_NONE:
    case ACT_COUNT:
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
        if (v->ops->enter == NULL && keymap_view_has(v->ops, ACT_ENTER)) {
            actions_run(a, act); /* Enter as a request: a detail */
        } else if (v->ops->enter == NULL || table_count(&f->table, v) == 0) {
            app_flash(a, true, "nothing to drill into here");
        } else if (v->ops->enter(v, &f->scope, table_row(&f->table, f->table.sel), &target)) {
            if (target.choose) {
                chooser_open(a, &target);
            } else {
                frames_push(a, registry_find(target.view), &target.scope, target.label, false);
            }
        }
        break;
    case ACT_BACK:
        if (f->filter != NULL) {
            frames_clear_filter(a);
        } else {
            frames_pop(a);
        }
        break;
    case ACT_QUIT:
        if (a->nframes > 1) {
            frames_pop(a);
        } else {
            app_quit(a, 0);
        }
        return;
    case ACT_QUIT_ALL:
        app_quit(a, 0);
        return;
    case ACT_COMMAND:
        cmdline_open(a);
        break;
    case ACT_FILTER:
        cmdline_filter_open(a);
        break;
    case ACT_HELP:
        helpview_open(a);
        break;
    case ACT_SORT_NEXT:
        frames_sort_step(a, 1);
        break;
    case ACT_SORT_PREV:
        frames_sort_step(a, -1);
        break;
    case ACT_REDRAW:
        a->dirty |= DIRTY_CLEAR;
        break;
    case ACT_TOGGLE:
        if (f->view->ops->toggle == NULL) {
            app_flash(a, true, "the %s view has nothing to toggle", v->ops->name);
        } else {
            app_flash(a, false, "%s", f->view->ops->toggle(f->view));
        }
        break;
    case ACT_PERIOD_PREV: /* sla (issue 13) */
    case ACT_PERIOD_NEXT: {
        char msg[160];

        if (f->view->ops->step == NULL) {
            app_flash(a, true, "the %s view has no periods", v->ops->name);
        } else {
            f->view->ops->step(f->view, act == ACT_PERIOD_NEXT ? 1 : -1, msg, sizeof msg);
            app_flash(a, false, "%s", msg);
        }
        break;
    }
    case ACT_SCROLL_RIGHT:
    case ACT_SCROLL_LEFT:
        if (!table_hscroll(&f->table, v, act == ACT_SCROLL_RIGHT ? 1 : -1)) {
            app_flash(a, false, "%s", act == ACT_SCROLL_RIGHT ? "no more columns to the right"
                                                              : "at the first column");
        }
        break;
    default:
        actions_run(a, act); /* the view's own: describe, delete, logs ... */
        break;
    }
    a->dirty |= DIRTY_SCREEN;
}

static void app_mouse(struct app *a)
{
    MEVENT ev;
    struct frame *f = app_top(a);

    if (getmouse(&ev) != OK || a->nmodes > 0) {
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

/* One key: to the top mode, else to the table. */
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
    if (COLS < SCREEN_MIN_COLS || LINES < SCREEN_MIN_ROWS) {
        /* Nothing is acted on blind: the screen says it is too small; q still quits. */
        if (key == 'q' || key == 3) {
            app_quit(a, 0);
        }
        return;
    }
    if (a->nmodes > 0) {
        struct app_mode *m = &a->modes[a->nmodes - 1];

        m->ops->key(a, m->data, key);
        a->dirty |= DIRTY_SCREEN;
        return;
    }
    {
        enum action act = keymap_action(key);

        const struct view_ops *vo = app_top(a)->view->ops;

        /* a view's own action on a key (D) that sorts a view without that action (tenants) */
        if (act != ACT_NONE && action_view_specific(act) && !keymap_view_has(vo, act) &&
            (col = keymap_sort_column(vo, key)) >= 0) {
            frames_sort_by(a, col);
            a->dirty |= DIRTY_SCREEN;
        } else if (act != ACT_NONE) {
            app_action(a, act);
        } else if ((col = keymap_sort_column(vo, key)) >= 0) {
            frames_sort_by(a, col);
            a->dirty |= DIRTY_SCREEN;
        }
    }
}

/* The key as the timing log shows it: a character typed while a mode has the keys (a prompt,
 * the filter, a form, a dialog, a pager) is the user's text and shows as -1; control and
 * function keys, and the table's command keys, show as their code. */
static int app_key_log_code(const struct app *a, int key)
{
    bool character = key >= 0x20 && key != 0x7F && (key < KEY_MIN || (key & PROMPT_KEY_CHAR));

    return character && app_mode_top(a) != NULL ? -1 : key;
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
            a->key_code = app_key_log_code(a, prompt_keycode(rc, wc));
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

static void app_tick_fire(void *arg)
{
    struct app *a = arg;

    a->tick_timer = NULL;
    a->dirty |= DIRTY_SCREEN;
}

static void app_draw(struct app *a)
{
    struct frame *f = app_top(a);
    struct view_ctx ctx = app_ctx(a, f);
    int rows = LINES, cols = COLS, first = 0;
    int64_t tick = -1;
    bool line = false;

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
    header_draw(a, cols);
    /* The modes from the highest full-screen one up are painted; under it, nothing. */
    for (int i = 0; i < a->nmodes; i++) {
        if (a->modes[i].ops->full) {
            first = i;
        }
    }
    if (first == 0 && (a->nmodes == 0 || !a->modes[0].ops->full)) {
        tick = table_draw(&f->table, stdscr, APP_TABLE_Y, 0, rows - APP_TABLE_Y - 1, cols, f->view,
                          &ctx);
        header_draw_title(a, cols); /* after the table: it counts the columns hidden */
        header_draw_empty(a, APP_TABLE_Y, rows - APP_TABLE_Y - 1, cols);
        for (int i = 0; i < a->nmodes; i++) {
            line = line || a->modes[i].ops->line;
        }
        if (!line) {
            header_draw_status(a, rows, cols);
        }
    }
    for (int i = first; i < a->nmodes; i++) {
        a->modes[i].ops->draw(a, a->modes[i].data, rows, cols);
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

struct app_tenants {
    char *names[64];
    size_t n;
};

static void app_collect_tenant(const char *name, const char *tenant, void *arg)
{
    struct app_tenants *t = arg;

    (void)name;
    if (tenant == NULL || t->n == sizeof t->names / sizeof t->names[0]) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->names[i], tenant) == 0) {
            return;
        }
    }
    t->names[t->n++] = xstrdup(tenant);
}

/* Has every running source its first answer (a source not started yet counts as none)?
 * A tenant may be known only through another source (ServiceNow's companies through the
 * namespaces' display names), so the scope is checked once all of them have answered. */
static bool app_sources_answered(struct app *a)
{
    for (size_t i = 0; i < sources_count(a->sources); i++) {
        struct source *s = sources_at(a->sources, i);
        enum source_state st = s->ops->health(s->state)->state;

        if (st != SOURCE_OK && st != SOURCE_IDLE) {
            return false;
        }
    }
    return true;
}

/* Once the view's source and every other has its first list: a --tenant that names no
 * tenant there ends the console with status 2 and the tenants that exist, instead of empty
 * views. While a source is failing the check waits. A scope the roles gave (not --tenant)
 * is not checked: a tenant of the directory with nothing running yet is an empty view. */
static void app_check_scope(struct app *a)
{
    const char *const *scope = access_scope(a->opts.access);
    struct source *src = sources_find(a->sources, app_top(a)->view->ops->source);
    struct app_tenants t = {.n = 0};
    bool any = false;
    size_t o = 0;
    char list[512] = "";

    if (a->scope_checked || scope == NULL || !access_narrowed(a->opts.access) || src == NULL ||
        src->ops->health(src->state)->state != SOURCE_OK || !app_sources_answered(a)) {
        return;
    }
    a->scope_checked = true;
    store_names(a->store, app_collect_tenant, &t);
    for (size_t i = 0; scope[i] != NULL; i++) {
        for (size_t k = 0; k < t.n; k++) {
            any = any || strcmp(scope[i], t.names[k]) == 0;
        }
    }
    for (size_t k = 0; k < t.n; k++) {
        if (o < sizeof list) {
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", k > 0 ? ", " : "",
                                  t.names[k]);
        }
        free(t.names[k]);
    }
    if (!any) {
        a->exit_message = xasprintf("--tenant %s: no such tenant here (tenants: %s)",
                                    access_scope_text(a->opts.access),
                                    t.n > 0 ? list : "none");
        app_quit(a, 2);
    }
}

const char *app_exit_message(const struct app *a)
{
    return a->exit_message;
}

/* Before each poll(): rebuild what changed, paint once, flush once, free old rows. */
static void app_prepare(void *arg)
{
    struct app *a = arg;
    struct frame *f;
    struct view_ctx ctx;
    uint64_t hv;

    if (loop_stopped(a->loop)) {
        return;
    }
    app_check_scope(a);
    if (loop_stopped(a->loop)) {
        return;
    }
    if (frames_maybe_rebuild(a)) {
        a->dirty |= DIRTY_SCREEN;
    }
    hv = sources_health_version(a->sources);
    if (hv != a->health_version) {
        a->health_version = hv;
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
     * Views below the top are not painted; they rebuild when they come back (frames_pop). */
    f = app_top(a);
    ctx = app_ctx(a, f);
    if (!f->view->ops->stale(f->view, &ctx)) {
        store_commit(a->store);
    }
}

struct app *app_new(struct loop *l, struct store *s, struct sources *sources,
                    const struct app_opts *o)
{
    struct app *a = xcalloc(1, sizeof *a);
    /* The first view of the registry (tenants) unless -c says otherwise (main.c checked that
     * the session may open it); an alias's narrowing (-c sts) too. */
    struct view_scope scope = {0}; /* the root view: all the session may see */
    const struct view_ops *ops =
        o->start_view != NULL ? registry_lookup(o->start_view, &scope) : NULL;

    a->loop = l;
    a->store = s;
    a->sources = sources;
    a->opts = *o;
    a->opts.theme = NULL;
    if (o->theme != NULL) {
        screen_set_theme(o->theme);
    }
    prompt_history_init(&a->cmd_hist, 0);
    prompt_history_init(&a->filter_hist, 0);
    prompt_history_init(&a->search_hist, 0);
    if (ops == NULL || !registry_allowed(ops, o->access)) {
        ops = registry_get(0);
        scope = (struct view_scope){0};
    }
    frames_push(a, ops, &scope, NULL, true);
    cmdline_scan_themes(a);
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
    while (a->nmodes > 0) {
        app_mode_pop(a); /* a log pager stops its stream */
    }
    actions_cancel_all(a);
    screen_fini();
    xalloc_set_die_hook(NULL);
    return a->exit_status;
}

void app_free(struct app *a)
{
    if (a == NULL) {
        return;
    }
    while (a->nmodes > 0) {
        app_mode_pop(a);
    }
    actions_cancel_all(a);
    while (a->nframes > 0) {
        frames_fini(&a->frames[--a->nframes]);
    }
    prompt_history_fini(&a->cmd_hist);
    prompt_history_fini(&a->filter_hist);
    prompt_history_fini(&a->search_hist);
    for (size_t i = 0; i < a->nthemes; i++) {
        free(a->theme_names[i]);
    }
    free(a->theme_names);
    free(a->flash);
    free(a->audit_broken);
    free(a->exit_message);
    messages_fini(&a->messages);
    free(a);
}
