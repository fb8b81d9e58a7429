/* The filter texts of a view's rows, kept across rebuilds and sorts (see texts.h). */
#include "tui/texts.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void texts_init(struct texts *t)
{
    memset(t, 0, sizeof *t);
}

void texts_fini(struct texts *t)
{
    free(t->rows);
    free(t->buf);
    free(t->old_rows);
    free(t->old_buf);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* Swaps the current generation with the old one. */
static void texts_swap(struct texts *t)
{
    struct texts_entry *r = t->rows;
    size_t rc = t->cap;
    char *b = t->buf;
    size_t bc = t->buf_cap;

    t->rows = t->old_rows;
    t->cap = t->old_cap;
    t->buf = t->old_buf;
    t->buf_cap = t->old_buf_cap;
    t->old_rows = r;
    t->old_cap = rc;
    t->old_buf = b;
    t->old_buf_cap = bc;
}

/* Gives up a build in progress: the old generation is current again. */
static void texts_abort(struct texts *t)
{
    if (t->building) {
        texts_swap(t);
        t->n = t->old_n;
        t->len = t->old_len;
        t->building = false;
    }
}

void texts_invalidate(struct texts *t)
{
    texts_abort(t);
    t->valid = false;
}

void texts_clear(struct texts *t)
{
    texts_abort(t);
    t->n = 0;
    t->len = 0;
    t->valid = false;
}

static size_t texts_slot(const struct store_row *src, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)src * 0x9e3779b97f4a7c15ULL;

    return (size_t)(h >> 32) & mask;
}

/* Indexes the old generation's rows by source pointer (the first of duplicates wins). */
static void texts_index(struct texts *t, size_t old_n)
{
    size_t want = 16, mask;

    while (want < old_n * 2) {
        want *= 2;
    }
    if (t->nslots < want) {
        free(t->slots);
        t->slots = xmalloc(want * sizeof *t->slots);
        t->nslots = want;
    }
    memset(t->slots, 0, t->nslots * sizeof *t->slots);
    mask = t->nslots - 1;
    for (size_t j = 0; j < old_n; j++) {
        const struct store_row *src = t->old_rows[j].src;
        size_t s;

        if (src == NULL) {
            continue;
        }
        for (s = texts_slot(src, mask); t->slots[s] != 0; s = (s + 1) & mask) {
            if (t->old_rows[t->slots[s] - 1].src == src) {
                break;
            }
        }
        if (t->slots[s] == 0) {
            t->slots[s] = (uint32_t)(j + 1);
        }
    }
}

/* The old entry made from `src`, or NULL. */
static const struct texts_entry *texts_find(const struct texts *t, const struct store_row *src)
{
    size_t mask = t->nslots - 1;

    for (size_t s = texts_slot(src, mask); t->slots[s] != 0; s = (s + 1) & mask) {
        const struct texts_entry *e = &t->old_rows[t->slots[s] - 1];

        if (e->src == src) {
            return e;
        }
    }
    return NULL;
}

static void texts_reserve(struct texts *t, size_t more)
{
    if (t->len + more > t->buf_cap) {
        size_t cap = t->buf_cap > 0 ? t->buf_cap : 4096;

        while (t->len + more > cap) {
            cap *= 2;
        }
        t->buf = xrealloc(t->buf, cap);
        t->buf_cap = cap;
    }
}

/* Starts a build: the current generation becomes the old one, indexed for reuse, and the
 * new one is written over the old's buffers. */
static void texts_begin(struct texts *t, const struct view *v, int64_t now)
{
    size_t n = v->ops->count(v);

    t->old_n = t->n;
    t->old_len = t->len;
    texts_swap(t);
    if (t->cap < n + 1) {
        t->cap = n + n / 4 + 16;
        free(t->rows);
        t->rows = xmalloc(t->cap * sizeof *t->rows);
    }
    t->reuse = v->ops->row_source != NULL && t->old_n > 0;
    t->indexed = false;
    t->hint = 0;
    t->target = n;
    t->n = 0;
    t->len = 0;
    t->now = now;
    t->refresh = n / TEXTS_REFRESH_DIV > 256 ? n / TEXTS_REFRESH_DIV : 256;
    t->formatted = 0;
    t->reused = 0;
    t->building = true;
}

/* Makes row t->n's text. */
static void texts_row(struct texts *t, const struct view *v, texts_format_fn fmt, void *arg)
{
    size_t i = t->n;
    struct texts_entry *e = &t->rows[i];
    const struct texts_entry *o = NULL;
    uint64_t extra = 0;
    const struct store_row *src =
        v->ops->row_source != NULL ? v->ops->row_source(v, i, &extra) : NULL;

    if (t->reuse && src != NULL) {
        /* Rows mostly keep their order (a rebuild, the sort kept): try the one after the
         * last found before the index, which is built only when that first fails. */
        if (t->hint < t->old_n && t->old_rows[t->hint].src == src) {
            o = &t->old_rows[t->hint];
        } else {
            if (!t->indexed) {
                texts_index(t, t->old_n);
                t->indexed = true;
            }
            o = texts_find(t, src);
        }
        t->hint = o != NULL ? (size_t)(o - t->old_rows) + 1 : t->hint;
        if (o != NULL && (o->gen != src->gen || o->extra != extra)) {
            o = NULL;
        }
        if (o != NULL && t->now - o->made >= TEXTS_MAX_AGE && t->refresh > 0) {
            t->refresh--; /* old enough to show other ages: format it again */
            o = NULL;
        }
    }
    e->src = src;
    e->gen = src != NULL ? src->gen : 0;
    e->extra = extra;
    e->off = t->len;
    if (o != NULL) {
        texts_reserve(t, o->len + 1);
        memcpy(t->buf + t->len, t->old_buf + o->off, o->len + 1);
        e->len = o->len;
        e->made = o->made;
        t->reused++;
    } else {
        texts_reserve(t, TEXTS_ROW_MAX);
        e->len = fmt(arg, i, t->buf + t->len, TEXTS_ROW_MAX);
        e->len = e->len < TEXTS_ROW_MAX ? e->len : TEXTS_ROW_MAX - 1;
        t->buf[t->len + e->len] = '\0';
        e->made = t->now;
        t->formatted++;
    }
    t->len += e->len + 1;
    t->n++;
}

bool texts_step(struct texts *t, const struct view *v, int64_t now, texts_format_fn fmt, void *arg,
                size_t max_rows)
{
    if (t->valid) {
        return true;
    }
    if (t->building && t->target != v->ops->count(v)) {
        texts_abort(t); /* the rows changed under it without texts_invalidate */
    }
    if (!t->building) {
        texts_begin(t, v, now);
    }
    for (size_t k = 0; k < max_rows && t->n < t->target; k++) {
        texts_row(t, v, fmt, arg);
    }
    if (t->n < t->target) {
        return false;
    }
    t->building = false;
    t->valid = true;
    return true;
}

void texts_update(struct texts *t, const struct view *v, int64_t now, texts_format_fn fmt,
                  void *arg)
{
    texts_step(t, v, now, fmt, arg, SIZE_MAX);
}

const char *texts_get(const struct texts *t, size_t i, size_t *len)
{
    *len = t->rows[i].len;
    return t->buf + t->rows[i].off;
}
