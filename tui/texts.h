/* The filter texts of a view: each row's displayed text (its cells joined by spaces), which
 * the `/` filter matches. They are kept across rebuilds and sorts: a row whose store row
 * (view_ops.row_source: the same pointer, the same row->gen, the same extra digest) made a
 * text before gets that text copied, and only the other rows are formatted again, so a
 * rebuild under churn or a sort of 50,000 rows costs a copy, not 600,000 cells.
 * Ages in a kept text are as of when it was formatted: the filter matches what the row said
 * when it last changed; texts older than TEXTS_MAX_AGE are formatted again a slice at a time
 * (at most 1/TEXTS_REFRESH_DIV of the rows an update), so they catch up without a stall.
 * No curses here: the caller formats a row through a callback. */
#ifndef GC_TUI_TEXTS_H
#define GC_TUI_TEXTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "views/view.h"

#define TEXTS_ROW_MAX 2048   /* the longest text of a row, NUL included */
#define TEXTS_MAX_AGE 60     /* seconds after which a kept text is formatted again ... */
#define TEXTS_REFRESH_DIV 32 /* ... at most count/32 (at least 256) of them an update */

/* One row's text: where it is and what made it. */
struct texts_entry {
    const struct store_row *src; /* compared, never read (it may be freed); NULL = none */
    uint64_t gen, extra;         /* src->gen and the view's extra digest when formatted */
    int64_t made;                /* `now` when formatted (epoch seconds) */
    size_t off;                  /* in buf */
    size_t len;                  /* without the NUL */
};

struct texts {
    struct texts_entry *rows; /* one per view row, in the view's order */
    size_t n, cap;
    char *buf; /* the texts, each NUL-terminated */
    size_t len, buf_cap;
    bool valid; /* rows/buf hold the texts of the view's rows as they are now */

    /* The generation before, reused by texts_update (kept to spare allocations). */
    struct texts_entry *old_rows;
    size_t old_cap;
    char *old_buf;
    size_t old_buf_cap;
    size_t old_n, old_len;
    uint32_t *slots; /* open addressing on src: index+1 into old_rows, 0 = empty */
    size_t nslots;

    /* A build in progress (texts_step): rows[0..n) are made, of `target`. */
    bool building, reuse, indexed;
    size_t hint;            /* the old row after the last one found */
    size_t target, refresh; /* refresh: old texts it may still format again */
    int64_t now;

    /* Of the last texts_update, for tests and logs. */
    size_t formatted, reused;
};

/* Formats table row `row` into buf (NUL-terminated, at most size bytes) and returns its
 * length. */
typedef size_t (*texts_format_fn)(void *arg, size_t row, char *buf, size_t size);

void texts_init(struct texts *t);
void texts_fini(struct texts *t);

/* The rows changed (rebuild, sort): texts_update must run before the next texts_get. The
 * texts stay available for reuse; a build in progress is given up. */
void texts_invalidate(struct texts *t);

/* Forgets every text, so the next texts_update formats every row. */
void texts_clear(struct texts *t);

/* Makes the texts of the view's rows (ops->count of them, in the view's order) as of `now`
 * (a build in progress: as of when it started),
 * copying those that can be reused (see above; a view without row_source has every row
 * formatted) and formatting the others with fmt(arg, row, ...). Afterwards t->valid is true,
 * t->n is the count and t->formatted/t->reused say how many were formatted or copied. */
void texts_update(struct texts *t, const struct view *v, int64_t now, texts_format_fn fmt,
                  void *arg);

/* Like texts_update, a slice at a time: makes at most max_rows texts (of a build started by
 * the first call after texts_invalidate, continued by the next ones, ended by texts_update)
 * and returns true when they are all made (t->valid). The view's rows must not change in
 * between without texts_invalidate. For building ahead while the user has yet to type. */
bool texts_step(struct texts *t, const struct view *v, int64_t now, texts_format_fn fmt, void *arg,
                size_t max_rows);

/* Row i's text (0 <= i < t->n, t->valid), borrowed until the next texts_update; *len gets
 * its length. */
const char *texts_get(const struct texts *t, size_t i, size_t *len);

#endif
