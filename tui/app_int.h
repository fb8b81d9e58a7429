/* The console's insides, shared by its files (and nothing else):
 *   tui/app.c      the loop glue: keys, signals, the mode stack, flash messages, painting
 *   tui/frames.c   the view stack: push and pop, rebuilds, the filter, sorting
 *   tui/cmdline.c  the command line (views, :theme, the sources' commands), the filter
 *                  prompt
 *   tui/helpview.c the help overlay
 *   tui/header.c   the header, the title line and the status line
 *   tui/actions.c  a view's action as a request: input, access, confirmation, the call, the
 *                  reply where it was asked, the audit log
 *   tui/detail.c   the pager of a detail (describe, the raw object)
 *   tui/logs.c     the pager of a followed log
 *
 * Modes are a stack over the table (../shared/STYLE.md rule 22): each one has its own key,
 * draw and close functions; the app pushes and pops them, and keys go to the top one. */
#ifndef GC_TUI_APP_INT_H
#define GC_TUI_APP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/source.h"
#include "tui/help.h"
#include "tui/app.h"
#include "tui/messages.h"
#include "tui/prompt.h"
#include "tui/table.h"
#include "tui/texts.h"
#include "views/view.h"

struct filter;
struct loop_timer;
struct sources;

#define APP_MAX_FRAMES 16
#define APP_MAX_MODES 8
#define APP_TABLE_Y 2 /* the table's header line; rows start below it */

enum {
    DIRTY_SCREEN = 1, /* repaint */
    DIRTY_CLEAR = 2,  /* clearok: the terminal may be garbled (resize, Ctrl-L, theme) */
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
    uint64_t serial;       /* unique for the session: a reply knows the frame it was asked in */
};

struct app;

/* A mode over the table: a prompt, the help, a dialog, a pager. */
struct mode_ops {
    const char *name;
    void (*key)(struct app *a, void *data, int key);
    /* Paints its part: a pager the whole screen below the header, a prompt the status line,
     * a dialog or the help a box over the table. */
    void (*draw)(struct app *a, void *data, int rows, int cols);
    /* Frees data (the mode is already off the stack). */
    void (*close)(struct app *a, void *data);
    /* Optional: its keys for the help overlay (`?` in the mode opens it), its title there,
     * and a second table (a pager's moving and searching keys). */
    const struct help_key *help;
    const char *help_title;
    const struct help_key *help_more;
    bool full; /* draws everything below the header: what is under it is not painted */
    bool line; /* owns the status line (a prompt) */
};

struct app_mode {
    const struct mode_ops *ops;
    void *data;
};

struct app_call; /* a request in flight (tui/actions.c) */

struct app {
    struct loop *loop;
    struct store *store;
    struct sources *sources;
    struct app_opts opts;
    struct frame frames[APP_MAX_FRAMES];
    int nframes;
    uint64_t frame_serial;
    struct app_mode modes[APP_MAX_MODES];
    int nmodes;
    unsigned dirty;
    int exit_status;
    uint64_t health_version;
    int64_t last_rebuild_ms;
    struct loop_timer *rebuild_timer;
    struct loop_timer *tick_timer;
    struct loop_timer *texts_timer; /* the filter texts built ahead, a slice an iteration */
    int64_t tick_due_ms;
    int empty_reads;

    struct prompt_history cmd_hist, filter_hist, search_hist;

    char *flash;
    bool flash_error;
    struct loop_timer *flash_timer;
    struct messages messages; /* every flash, for :messages */
    bool scope_checked;       /* --tenant was checked against the tenants that exist */
    char *exit_message;       /* why the console stopped by itself (for stderr), or NULL */

    struct app_call *calls; /* requests in flight */
    char *audit_broken;     /* why the audit log cannot be written: every change is refused */

    int64_t key_us; /* when the first key of this pass arrived, for the timing log */
    int key_code;

    char **theme_names; /* for :theme completion */
    size_t nthemes;
};

/* ---- app.c ------------------------------------------------------------------------------ */

struct frame *app_top(struct app *a);
struct view_ctx app_ctx(const struct app *a, const struct frame *f);
void app_quit(struct app *a, int status);
/* Clears the status line's message (a command that succeeded). */
void app_flash_clear_now(struct app *a);
/* Shows a message on the status line for a few seconds. */
void app_flash(struct app *a, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Pushes a mode (data passed to its functions, freed by its close). False when the stack is
 * full: the mode was closed at once (data is gone). */
bool app_mode_push(struct app *a, const struct mode_ops *ops, void *data);
/* Pops the top mode and closes it. */
void app_mode_pop(struct app *a);
/* The top mode's ops, NULL when the table is on top. */
const struct mode_ops *app_mode_top(const struct app *a);
/* The key of the selected row of the top frame, NULL when there is none. */
const char *app_selected_key(struct app *a);
int64_t app_now_us(void);

/* ---- frames.c --------------------------------------------------------------------------- */

/* Pushes a view; with `reset` it replaces the whole stack. */
void frames_push(struct app *a, const struct view_ops *ops, const struct view_scope *scope,
                 const char *label, bool reset);
void frames_pop(struct app *a);
void frames_fini(struct frame *f);
/* Recomputes the displayed rows of a frame from its filter. */
void frames_apply_filter(struct app *a, struct frame *f);
/* The rows changed (rebuild, sort): the filter texts must be brought up to date. */
void frames_texts_drop(struct frame *f);
/* Starts building the top frame's filter texts ahead, a slice a loop pass. */
void frames_texts_ahead(struct app *a);
/* Compiles `text` as the top frame's filter; NULL, or the prompt's error with its offset. */
char *frames_set_filter(struct app *a, const char *text, size_t *off, bool *limited);
void frames_clear_filter(struct app *a);
/* Shift+letter: by that column, or reversed when it already is. */
void frames_sort_by(struct app *a, int col);
/* < and >: the previous or next sortable column. */
void frames_sort_step(struct app *a, int step);
/* Rebuilds the top view when the store changed, at most every 100..2000 ms depending on
 * size. True if it rebuilt or refiltered. */
bool frames_maybe_rebuild(struct app *a);

/* ---- cmdline.c -------------------------------------------------------------------------- */

void cmdline_open(struct app *a);
void cmdline_filter_open(struct app *a);
/* Runs a command line. */
void cmdline_run(struct app *a, const char *line);
/* Scans the theme directories for :theme completion. */
void cmdline_scan_themes(struct app *a);

/* ---- helpview.c ------------------------------------------------------------------------- */

/* The help overlay over what is on top: the top mode's keys when it has a help table (a
 * pager), else the view's: what the session's roles have, what it may not do now marked. */
void helpview_open(struct app *a);

/* ---- header.c --------------------------------------------------------------------------- */

void header_draw(struct app *a, int cols);
void header_draw_title(struct app *a, int cols);
void header_draw_status(struct app *a, int rows, int cols);
/* An empty table whose source fails: the reason and what to try, in the table's place. */
void header_draw_empty(struct app *a, int y, int height, int cols);

/* ---- actions.c -------------------------------------------------------------------------- */

/* A view-specific action on the selected row (ACT_DESCRIBE, ACT_DELETE ...). */
void actions_run(struct app *a, enum action act);
/* Cancels every request in flight (no callback, no audit): the console is closing. */
void actions_cancel_all(struct app *a);

/* ---- detail.c --------------------------------------------------------------------------- */

/* Shows a detail's text (or JSON, shown as YAML with Tab for JSON) in a pager: takes `text`. */
void detail_open(struct app *a, const char *title, char *text, bool json,
                 const char *const *folded);

/* ---- logs.c ----------------------------------------------------------------------------- */

/* Follows a stream in a pager; takes `req`. */
void logs_open(struct app *a, struct source *src, struct source_request *req);

#endif
