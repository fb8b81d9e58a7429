/* The view interface: one file a view (views/<name>.c), one `const struct view_ops` each,
 * listed once in views/registry.c. Views turn store rows into table rows; they never call
 * curses. The table widget in tui/ owns scrolling, selection and column layout. */
#ifndef GC_VIEWS_VIEW_H
#define GC_VIEWS_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/access.h"
#include "core/source.h"
#include "core/store.h"
#include "tui/action.h"

struct sources;
struct messages;

/* What a cell means; tui/ maps tones to theme colours. */
enum view_tone {
    TONE_NORMAL,
    TONE_DIM,
    TONE_OK,
    TONE_WARN,
    TONE_CRIT,
    TONE_PENDING,
    TONE_UNKNOWN,
    TONE_OVERDUE, /* data older than its expected cadence allows (datasets) */
};

enum view_col_flags {
    COL_RIGHT = 1,   /* right-aligned (numbers): the first sort by it is largest first */
    COL_NOTRUNC = 2, /* never truncated (STATUS) */
    COL_GROW = 4,    /* takes the spare width (names) */
    COL_MIDCUT = 8,  /* cut in the middle, keeping the distinguishing end of a name */
    COL_SHRINK = 16, /* free text (an error): cut to min_width before any column goes */
};

/* How a table too narrow for every column decides (tui/table.c), in this order: columns the
 * view calls redundant in its rows (a TENANT all one tenant) go first; then free text
 * (COL_SHRINK) is cut to its min_width; then columns of keep below COL_KEEP_SHRINK go, least
 * kept first; then names are cut (in the middle) down to their min_width; then any column
 * below COL_KEEP_ALWAYS, least kept first. Columns of
 * COL_KEEP_ALWAYS (a name, a status) always stay. Left and Right scroll to the others. */
#define COL_KEEP_SHRINK 6
#define COL_KEEP_ALWAYS 9

struct view_column {
    const char *name;
    int min_width;
    unsigned flags;
    char sort_key;        /* Shift+letter that sorts by this column ('N'), 0 = not sortable */
    int keep;             /* 1 (first to go) .. COL_KEEP_ALWAYS; 0 is taken as 5 */
};

/* What a view is narrowed to; empty strings mean "all". */
struct view_scope {
    char tenant[64];
    char ns[64];
    char app[128];
    char kind[32];  /* one kind of the rows the view shows, as an alias narrows it
                       (struct view_narrow: "StatefulSet") */
    char node[256]; /* the node the rows run on (a node's pods) */
    char param[64]; /* sla (issue 13): the view's own argument (a period: "2026-11") */
    char path[256]; /* a MapR stream's path (its topics) */
};

/* An alias that narrows its view: ":sts" is the apps view showing StatefulSets only. */
struct view_narrow {
    const char *alias; /* the command: "sts" */
    const char *kind;  /* what view_scope.kind says: "StatefulSet" */
    const char *title; /* the title line's name of the narrowed view: "statefulsets" */
};

/* What a view may read while rebuilding and drawing. Views read rows only through `access`
 * (access_rows/access_next/access_get), never from the store's tables, so that every row,
 * count and total is limited to the session's tenant scope; `store` is there for the kinds'
 * generations (stale checks). */
struct view_ctx {
    struct store *store;
    int64_t now;                    /* wall clock, epoch seconds */
    const struct view_scope *scope; /* never NULL; what the user narrowed the view to */
    struct access *access;          /* never NULL; bound to `store` */
    /* True when every store row the view kept from its last rebuild is still allocated (the
     * app vouches for the view on top, which it rebuilds before any store_commit()): the view
     * may then catch up incrementally, dropping kept rows marked gone. */
    bool rows_alive;
    struct sources *sources;        /* the running sources (core/sources.h), for views about
                                       them; NULL in tests that have none */
    const struct messages *messages;/* the status line's messages (tui/messages.h), or NULL */
};

/* Where Enter on a row leads. */
struct view_target {
    const char *view;     /* registry name of the next view */
    bool choose;          /* offer a choice (tui/chooser.h): `view` first, then every view
                             with tenant_entry, each narrowed to `scope` */
    char label[128];      /* breadcrumb segment: the selected row's name */
    struct view_scope scope;
};

struct view;

#define VIEW_MAX_COLUMNS 24 /* the table widget's layout holds this many; registry checks */

struct view_ops {
    const char *name;                  /* command name, e.g. "pods" */
    const char *const *aliases;        /* NULL-terminated, e.g. {"po", NULL}; may be NULL */
    const char *title;                 /* for the header */
    const struct view_column *columns;
    size_t ncolumns;                   /* at most VIEW_MAX_COLUMNS */
    size_t state_size;                 /* zeroed state allocated by the framework */
    const char *source;                /* the source whose rows it shows (its loading progress
                                          goes in the title), NULL when none */
    /* Optional: the part of `source` its rows come from when that part has a health of its
     * own (source_ops.part_health: "nodes"); its loading and its failure are then what the
     * title, the status line and an empty table show. NULL: the source's. */
    const char *source_part;
    /* Optional: aliases that narrow the view to one kind of its rows (scope.kind), ended by
     * one with a NULL alias; rebuild honours scope->kind. */
    const struct view_narrow *narrows;
    /* Its rows belong to no tenant (nodes): only a session scoped to every tenant may open
     * it; a tenant-scoped session is not offered it at all (views/registry.h). */
    bool cluster_scoped;
    /* It narrows to a tenant (scope.tenant): Enter on a tenant offers it beside the tenant's
     * apps (tui/chooser.h). */
    bool tenant_entry;

    /* Required. */
    /* True when the store holds changes this view has not rebuilt from. */
    bool (*stale)(const struct view *v, const struct view_ctx *ctx);
    /* Rebuilds the rows. Row pointers into the store stay valid until store_commit(). */
    void (*rebuild)(struct view *v, const struct view_ctx *ctx);
    size_t (*count)(const struct view *v);
    /* Writes the text of one cell (sanitized data only) and returns its tone. */
    enum view_tone (*cell)(const struct view *v, const struct view_ctx *ctx, size_t row,
                           size_t col, char *buf, size_t size);
    /* A stable key for a row (the uid), to keep the selection across rebuilds. */
    const char *(*row_key)(const struct view *v, size_t row);

    /* Optional. */
    void (*init)(struct view *v);
    void (*fini)(struct view *v);
    /* Optional: the store row that table row `row` is built from (borrowed, valid as the
     * view's rows are), NULL when it has none (an aggregate, as the tenants view's rows), and
     * in *extra a digest (view_mix, view_mix_str; 0 when there is none) of every other input
     * of the row's cells: values from other rows (a tenant, a usage, a sum over pods), the
     * kind when the view shows rows of several kinds. The contract: two rows that return the
     * same pointer, with the same row->gen and the same *extra, have the same cell texts,
     * except for cells that change with time alone (ages, see next_tick). tui/texts.c relies
     * on it to keep a row's filter text across rebuilds and sorts (a row allocated where a
     * freed one of the same table was has a higher gen). Without it every text is made
     * again after each rebuild and sort. */
    const struct store_row *(*row_source)(const struct view *v, size_t row, uint64_t *extra);
    /* Optional: true when column `col` says nothing in the rows the view has now: every cell
     * the same (TENANT inside one tenant), or equal to another column's (APP = NAME). Such a
     * column is the first to give up its place. */
    bool (*redundant)(const struct view *v, size_t col);
    /* Optional: seconds until a cell of `row` changes with time alone (ages); -1 = never. */
    int64_t (*next_tick)(const struct view *v, const struct view_ctx *ctx, size_t row);
    /* Optional: orders the rows by column `col` (one with a sort_key), stable with respect to
     * the view's default order, descending when `desc`. Rebuilds keep the order. */
    void (*sort)(struct view *v, size_t col, bool desc);
    /* Optional: Enter. Fills *out (zeroed by the caller) from `scope` (the current one) and
     * the row; false if the row leads nowhere. Without it, Enter shows the describe hook's text
     * where the view has one, else a view that lists ACT_ENTER among its actions gets Enter
     * as a request (a detail pager). */
    bool (*enter)(const struct view *v, const struct view_scope *scope, size_t row,
                  struct view_target *out);
    /* Optional: the actions the view offers on a row (ACT_DESCRIBE, ACT_DELETE ...), ended by
     * ACT_NONE; help and the keys show only these. */
    const enum action *actions;
    /* Optional (required with actions): what `act` on table row `row` asks of the view's
     * source, as a request the source's helpers build (core/source.h; caller frees with
     * source_request_free()); NULL with *err (caller frees) when the row cannot have it
     * ("no pod to show the log of"). The request's tenant is the one the row's kind's tenancy
     * resolves (access_row_tenant()). The console prompts, checks access, confirms, performs,
     * shows the reply and audits. */
    struct source_request *(*request)(const struct view *v, const struct view_ctx *ctx,
                                      size_t row, enum action act, char **err);
    /* Optional: `d` (raw false: text) and `y` (raw true: a JSON document, shown as YAML) on
     * a row that stands for no one object of a source (a tenant), made from what the view
     * reads through ctx->access; NULL with *err (caller frees) when there is nothing to
     * show. Caller frees. With it, DESCRIBE and RAW need no request. */
    char *(*describe)(const struct view *v, const struct view_ctx *ctx, size_t row, bool raw,
                      char **err);
    /* Optional: ACT_TOGGLE (t): switches what the view shows (the alerts view: problems only
     * or everything; the incidents view: open, or also those resolved lately); returns the flash that says what it shows now (static). The view's
     * stale() then answers true until it has rebuilt. */
    const char *(*toggle)(struct view *v);
    /* Optional: a short summary for the title line after the count ("CRIT 3  WARN 2"),
     * from the rows of the last rebuild. */
    void (*summary)(const struct view *v, char *buf, size_t size);
    /* sla (issue 13). Optional: [ and ] (dir -1, 1): the previous or next period; writes the
     * flash that names it into buf. stale() then answers true until it has rebuilt. */
    void (*step)(struct view *v, int dir, char *buf, size_t size);
    /* Optional: the view's own argument after :NAME (":sla 2026-11"): true when it is one,
     * written into scope->param; false lets the command line take it as a tenant. */
    bool (*param)(const char *arg, struct view_scope *scope);
    /* Optional: true for an action of `actions` that needs no row (a new incident in an
     * empty incidents view): the request hook then gets a row past the end. */
    bool (*rowless)(enum action act);
};

struct view {
    const struct view_ops *ops;
    void *state;
    int sort_col;   /* -1 = the view's default order */
    bool sort_desc;
};

/* Folds x into the digest h (for row_source's *extra). */
static inline uint64_t view_mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= h >> 31;
    return h * 0xbf58476d1ce4e5b9ULL;
}

/* Folds a string (NULL differs from "") into the digest h. */
static inline uint64_t view_mix_str(uint64_t h, const char *s)
{
    return view_mix(h, s == NULL ? 1 : store_hash(s));
}

/* -1, 0 or 1 as a is below, equal to or above b: for sorts. */
static inline int view_int_cmp(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

/* strcmp() where NULL (an absent value) sorts after every string. */
static inline int view_str_cmp(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return (a == NULL) - (b == NULL);
    }
    return strcmp(a, b);
}

/* Allocates state and runs init. */
struct view *view_new(const struct view_ops *ops);
void view_free(struct view *v);

#endif
