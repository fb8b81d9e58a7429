/* The main screen: header, title, table, status line; keys; redraw scheduling. */
#include "tui/app.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/k8s.h"
#include "core/loop.h"
#include "core/source.h"
#include "core/store.h"
#include "core/xalloc.h"
#include "tui/screen.h"
#include "tui/table.h"
#include "views/registry.h"

enum {
    DIRTY_SCREEN = 1, /* repaint everything */
    DIRTY_CLEAR = 2,  /* clearok: the terminal may be garbled (resize, Ctrl-L) */
};

struct app {
    struct loop *loop;
    struct store *store;
    struct k8s_client *k8s;
    struct app_opts opts;
    struct view *view;
    struct table table;
    unsigned dirty;
    int exit_status;
    uint64_t health_version;
    int64_t last_rebuild_ms;
    struct loop_timer *rebuild_timer;
    struct loop_timer *tick_timer;
    int64_t tick_due_ms;
    int empty_reads;
};

static struct view_ctx app_ctx(const struct app *a)
{
    struct view_ctx ctx = {a->store, (int64_t)time(NULL), a->opts.tenant};

    return ctx;
}

static void app_quit(struct app *a, int status)
{
    a->exit_status = status;
    loop_stop(a->loop);
}

static void app_on_signal(int signo, void *arg)
{
    struct app *a = arg;

    if (signo == SIGWINCH) {
        screen_resize();
        table_reset_widths(&a->table);
        a->dirty |= DIRTY_SCREEN | DIRTY_CLEAR;
        return;
    }
    app_quit(a, 128 + signo);
}

/* One key, as an action on the current view. */
static void app_key(struct app *a, int ch)
{
    const struct view *v = a->view;

    switch (ch) {
    case 'q':
    case 'Q':
    case 3: /* Ctrl-C */
        app_quit(a, 0);
        return;
    case KEY_DOWN:
    case 'j':
        table_move(&a->table, v, 1);
        break;
    case KEY_UP:
    case 'k':
        table_move(&a->table, v, -1);
        break;
    case KEY_NPAGE:
    case 6: /* Ctrl-F */
    case ' ':
        table_page(&a->table, v, 1);
        break;
    case KEY_PPAGE:
    case 2: /* Ctrl-B */
        table_page(&a->table, v, -1);
        break;
    case 'g':
    case KEY_HOME:
        table_move_to(&a->table, v, 0);
        break;
    case 'G':
    case KEY_END:
        table_move_to(&a->table, v, (size_t)-1);
        break;
    case 12: /* Ctrl-L */
        a->dirty |= DIRTY_CLEAR;
        break;
    case KEY_RESIZE:
        screen_resize();
        table_reset_widths(&a->table);
        a->dirty |= DIRTY_CLEAR;
        break;
    default:
        return;
    }
    a->dirty |= DIRTY_SCREEN;
}

static void app_on_stdin(int fd, unsigned events, void *arg)
{
    struct app *a = arg;
    int ch, got = 0;

    (void)fd;
    while ((ch = getch()) != ERR) {
        got++;
        app_key(a, ch);
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

/* Rebuilds the view when the store changed, at most every 100..1000 ms depending on size,
 * so heavy churn costs a bounded amount of CPU. Returns true if it rebuilt. */
static bool app_maybe_rebuild(struct app *a, const struct view_ctx *ctx)
{
    struct view *v = a->view;
    int64_t now = loop_now_ms();
    int64_t interval = (int64_t)v->ops->count(v) / 50;

    if (!v->ops->stale(v, ctx)) {
        return false;
    }
    interval = interval < 100 ? 100 : (interval > 1000 ? 1000 : interval);
    if (v->ops->count(v) > 0 && now - a->last_rebuild_ms < interval) {
        if (a->rebuild_timer == NULL) {
            a->rebuild_timer = loop_timer_add(a->loop, a->last_rebuild_ms + interval - now,
                                              app_rebuild_fire, a);
        }
        return false;
    }
    v->ops->rebuild(v, ctx);
    a->last_rebuild_ms = now;
    table_follow(&a->table, v);
    return true;
}

static void app_draw_header(struct app *a, int cols)
{
    const struct source_health *h = k8s_client_health(a->k8s);
    char health[256], line[512];
    const char *ctxname = k8s_client_context(a->k8s);
    enum ui_slot hs = h->state == SOURCE_RETRYING ? UI_FLASH_ERROR : UI_HEADER;

    snprintf(line, sizeof line, " govconsole  context: %s  server: %s", ctxname ? ctxname : "-",
             k8s_client_server(a->k8s) ? k8s_client_server(a->k8s) : "-");
    source_health_describe(h, health, sizeof health);
    {
        char right[300];
        int rw, lw;

        snprintf(right, sizeof right, " kubernetes: %s ", health);
        rw = screen_text_width(right);
        if (rw > cols / 2) {
            rw = cols / 2;
        }
        lw = cols - rw;
        screen_put(stdscr, 0, 0, line, lw, false, screen_attr(UI_HEADER));
        screen_put(stdscr, 0, lw, right, rw, true, screen_attr(hs));
    }
}

static void app_draw_title(struct app *a, int cols)
{
    const struct source_health *h = k8s_client_health(a->k8s);
    char count[32], title[256], load[64] = "";

    source_fmt_count(a->view->ops->count(a->view), count, sizeof count);
    if (h->state == SOURCE_LOADING || h->state == SOURCE_CONNECTING) {
        char l[32], e[32];

        if (h->expected > 0) {
            snprintf(load, sizeof load, "  loading %s/%s", source_fmt_count(h->loaded, l, sizeof l),
                     source_fmt_count(h->expected, e, sizeof e));
        } else {
            snprintf(load, sizeof load, "  loading %s", source_fmt_count(h->loaded, l, sizeof l));
        }
    }
    snprintf(title, sizeof title, " %s(%s)[%s]%s", a->view->ops->title,
             a->opts.tenant ? a->opts.tenant : "all", count, load);
    screen_put(stdscr, 1, 0, title, cols, false, screen_attr(UI_TITLE));
}

static void app_draw_status(struct app *a, int rows, int cols)
{
    const struct source_health *h = k8s_client_health(a->k8s);
    char line[512];

    if (h->state == SOURCE_RETRYING && h->last_error != NULL) {
        snprintf(line, sizeof line, " kubernetes: %s", h->last_error);
        screen_put(stdscr, rows - 1, 0, line, cols, false, screen_attr(UI_FLASH_ERROR));
        return;
    }
    snprintf(line, sizeof line, " <q> quit  <j/k> move  <g/G> top/bottom  <PgUp/PgDn> page  "
                                "row %zu of %zu",
             a->view->ops->count(a->view) ? a->table.sel + 1 : 0, a->view->ops->count(a->view));
    screen_put(stdscr, rows - 1, 0, line, cols, false, screen_attr(UI_STATUS_LINE));
}

static void app_draw(struct app *a, const struct view_ctx *ctx)
{
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
                   false, screen_attr(UI_FLASH_ERROR));
        wnoutrefresh(stdscr);
        return;
    }
    app_draw_header(a, cols);
    app_draw_title(a, cols);
    tick = table_draw(&a->table, stdscr, 2, 0, rows - 3, cols, a->view, ctx);
    app_draw_status(a, rows, cols);
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
    struct view_ctx ctx;
    const struct source_health *h;

    if (loop_stopped(a->loop)) {
        return;
    }
    ctx = app_ctx(a);
    if (app_maybe_rebuild(a, &ctx)) {
        a->dirty |= DIRTY_SCREEN;
    }
    h = k8s_client_health(a->k8s);
    if (h->version != a->health_version) {
        a->health_version = h->version;
        a->dirty |= DIRTY_SCREEN;
    }
    if (a->dirty) {
        app_draw(a, &ctx);
        doupdate();
        a->dirty = 0;
    }
    /* Rows replaced since the last rebuild stay alive until the view has moved on. */
    if (!a->view->ops->stale(a->view, &ctx)) {
        store_commit(a->store);
    }
}

struct app *app_new(struct loop *l, struct store *s, struct k8s_client *k8s,
                    const struct app_opts *o)
{
    struct app *a = xcalloc(1, sizeof *a);
    const struct view_ops *ops = registry_find(o->start_view ? o->start_view : "pods");

    a->loop = l;
    a->store = s;
    a->k8s = k8s;
    a->opts = *o;
    a->view = view_new(ops != NULL ? ops : registry_get(0));
    table_init(&a->table);
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
    loop_signal(a->loop, SIGWINCH, app_on_signal, a);
    loop_signal(a->loop, SIGTERM, app_on_signal, a);
    loop_signal(a->loop, SIGINT, app_on_signal, a);
    loop_signal(a->loop, SIGHUP, app_on_signal, a);
    loop_signal(a->loop, SIGQUIT, app_on_signal, a);
    loop_fd_set(a->loop, STDIN_FILENO, LOOP_IN, app_on_stdin, a);
    loop_prepare(a->loop, app_prepare, a);
    a->dirty = DIRTY_SCREEN | DIRTY_CLEAR;
    loop_run(a->loop);
    loop_fd_set(a->loop, STDIN_FILENO, 0, NULL, NULL);
    loop_timer_cancel(a->loop, a->rebuild_timer);
    loop_timer_cancel(a->loop, a->tick_timer);
    a->rebuild_timer = a->tick_timer = NULL;
    screen_fini();
    return a->exit_status;
}

void app_free(struct app *a)
{
    if (a == NULL) {
        return;
    }
    view_free(a->view);
    table_fini(&a->table);
    free(a);
}
