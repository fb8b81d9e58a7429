/* A less-like text viewer: lines indexed by offset, wrapped lazily, searched with core/filter. */
#include "tui/pager.h"

#include "core/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "core/xalloc.h"
#include "tui/screen.h"

enum {
    PAGER_CTRL_B = 2,
    PAGER_CTRL_D = 4,
    PAGER_CTRL_E = 5,
    PAGER_CTRL_F = 6,
    PAGER_LF = 10,
    PAGER_CR = 13,
    PAGER_CTRL_U = 21,
    PAGER_CTRL_Y = 25,
    PAGER_ESC = 27,
};

/* Lines longer than this are searched for highlights only near what is on screen. */
#define PAGER_LONG_LINE 65536
/* The most matches highlighted in one line per paint. */
#define PAGER_MAX_HL 4096

/* A place in the text: a line and a byte offset in it (the start of a row when wrapping). */
struct pager_pos {
    size_t line;
    size_t off;
};

struct pager_hl {
    size_t start, end;
};

/* How a line is painted besides its text (pager_append_marked()). */
struct pager_mark {
    uint8_t tone;  /* PAGER_TONE_*, or 1..PAGER_TONES */
    uint16_t len;  /* bytes of the line's prefix shown in the tone */
};

struct pager {
    char *title;
    char *buf;
    size_t len, cap;
    size_t *lines; /* start offset of each line */
    size_t nlines, lines_cap;
    struct pager_mark *marks; /* each line's, beside lines[]; NULL until a line is marked */
    struct pager_mark mark;   /* the mark a line starting now gets */
    bool ends_nl;    /* the last byte stored is '\n' */
    char pend[4];    /* an incomplete UTF-8 character or a CR held for the next chunk */
    size_t npend;

    struct pager_pos top;
    int hcol;
    bool wrap;
    bool follow;    /* stuck to the bottom now */
    bool follow_on; /* the caller asked for following */
    bool streamed;  /* a followed text (a log): when not following, it is "paused" */
    int rows, cols;
    int norm_cols; /* the width top.off was last aligned to */
    uint64_t gen;  /* bumped whenever the text changes */

    /* pager_last_top() for (gen, rows, cols, wrap): a giant last line is wrapped once. */
    struct pager_pos last;
    uint64_t last_gen;
    int last_rows, last_cols;
    bool last_wrap, last_valid;

    /* Row starts of the last long line wrapped (line, cols, gen), so moving up inside a
     * multi-megabyte line is a binary search rather than a re-wrap. */
    size_t *rc_starts;
    size_t rc_n, rc_cap, rc_line;
    int rc_cols;
    uint64_t rc_gen;
    bool rc_valid;

    struct prompt search;
    bool searching;
    struct filter *pat;  /* the accepted search */
    struct filter *live; /* the valid pattern being typed */
    bool has_match;
    size_t m_line, m_start, m_end;
    char *notice;
    bool notice_err;
    size_t max_lines; /* 0 = keep everything; else the oldest lines go (logs) */
};

struct pager *pager_new(struct prompt_history *search_hist)
{
    struct pager *p = xcalloc(1, sizeof *p);

    p->title = xstrdup("");
    p->wrap = true;
    p->rows = 21;
    p->cols = 80;
    p->norm_cols = 80;
    prompt_init(&p->search, '/', search_hist);
    return p;
}

void pager_free(struct pager *p)
{
    if (p == NULL) {
        return;
    }
    free(p->title);
    free(p->buf);
    free(p->lines);
    free(p->marks);
    free(p->rc_starts);
    prompt_fini(&p->search);
    filter_free(p->pat);
    filter_free(p->live);
    free(p->notice);
    free(p);
}

/* ---- text storage ---- */

static void pager_emit(struct pager *p, char c)
{
    if (p->nlines == 0 || p->ends_nl) {
        if (p->nlines == p->lines_cap) {
            p->lines_cap = p->lines_cap ? p->lines_cap * 2 : 256;
            p->lines = xrealloc(p->lines, p->lines_cap * sizeof *p->lines);
            if (p->marks != NULL) {
                p->marks = xrealloc(p->marks, p->lines_cap * sizeof *p->marks);
            }
        }
        if (p->marks == NULL && p->mark.tone != PAGER_TONE_NONE) {
            p->marks = xcalloc(p->lines_cap, sizeof *p->marks);
        }
        if (p->marks != NULL) {
            p->marks[p->nlines] = p->mark;
        }
        p->lines[p->nlines++] = p->len;
    }
    p->buf[p->len++] = c;
    p->ends_nl = c == '\n';
}

/* Bytes a UTF-8 sequence starting with `c` takes, or 0 for a byte that cannot start one. */
static size_t pager_utf8_need(unsigned char c)
{
    if (c >= 0xC2 && c <= 0xDF) {
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        return 4;
    }
    return 0;
}

/* The sanitizer's rule (core/sanitize.h): one rule for everything drawn. */
static bool pager_unsafe_cp(uint32_t cp)
{
    return sanitize_forbidden(cp);
}

/* Stores s[0..n) as described in the header; with `more`, an unfinished character or CR at
 * the end is held back for the next chunk instead of becoming '?'. */
static void pager_store(struct pager *p, const char *s, size_t n, bool more)
{
    size_t i = 0;

    if (p->len + n + 1 > p->cap) {
        p->cap = p->cap ? p->cap : 4096;
        while (p->len + n + 1 > p->cap) {
            p->cap *= 2;
        }
        p->buf = xrealloc(p->buf, p->cap);
    }
    while (i < n) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7F) {
            size_t j = i + 1;

            /* A run of printable ASCII: one copy. */
            while (j < n && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7F) {
                j++;
            }
            pager_emit(p, (char)c);
            memcpy(p->buf + p->len, s + i + 1, j - i - 1);
            p->len += j - i - 1;
            i = j;
        } else if (c == '\n') {
            pager_emit(p, '\n');
            i++;
        } else if (c == '\r') {
            if (i + 1 == n && more) {
                break;
            }
            if (i + 1 < n && s[i + 1] == '\n') {
                i++;
                continue;
            }
            pager_emit(p, '?');
            i++;
        } else if (c == '\t') {
            pager_emit(p, ' ');
            i++;
        } else if (c < 0x80) {
            pager_emit(p, '?');
            i++;
        } else {
            size_t need = pager_utf8_need(c), k;
            uint32_t cp;

            if (more && need > 0 && n - i < need) {
                bool prefix = true;

                for (size_t j = i + 1; j < n; j++) {
                    prefix = prefix && ((unsigned char)s[j] & 0xC0) == 0x80;
                }
                if (prefix) {
                    break;
                }
            }
            k = prompt_utf8_decode(s + i, n - i, &cp);
            if (cp == UINT32_MAX || pager_unsafe_cp(cp)) {
                pager_emit(p, '?');
            } else {
                for (size_t j = 0; j < k; j++) {
                    pager_emit(p, s[i + j]);
                }
            }
            i += k;
        }
    }
    p->npend = n - i;
    memcpy(p->pend, s + i, p->npend);
    p->gen++;
}

static void pager_clear_match(struct pager *p)
{
    p->has_match = false;
    free(p->notice);
    p->notice = NULL;
}

void pager_set_text(struct pager *p, const char *title, const char *text, size_t len)
{
    if (title != NULL) {
        pager_set_title(p, title);
    }
    p->len = 0;
    p->nlines = 0;
    p->ends_nl = false;
    p->npend = 0;
    if (text != NULL) {
        pager_store(p, text, len, false);
    }
    p->gen++;
    p->top.line = 0;
    p->top.off = 0;
    p->hcol = 0;
    pager_clear_match(p);
}

static void pager_clamp(struct pager *p);

/* Drops the oldest lines once there are a quarter more than max_lines, so a followed log
 * holds bounded memory and the copying is amortized. */
static void pager_trim(struct pager *p)
{
    size_t k, cut;

    if (p->max_lines == 0 || p->nlines <= p->max_lines + p->max_lines / 4) {
        return;
    }
    k = p->nlines - p->max_lines;
    cut = p->lines[k];
    memmove(p->buf, p->buf + cut, p->len - cut);
    p->len -= cut;
    memmove(p->lines, p->lines + k, (p->nlines - k) * sizeof *p->lines);
    if (p->marks != NULL) {
        memmove(p->marks, p->marks + k, (p->nlines - k) * sizeof *p->marks);
    }
    p->nlines -= k;
    for (size_t i = 0; i < p->nlines; i++) {
        p->lines[i] -= cut;
    }
    if (p->top.line >= k) {
        p->top.line -= k;
    } else {
        p->top.line = 0;
        p->top.off = 0;
    }
    if (p->has_match && p->m_line >= k) {
        p->m_line -= k;
    } else {
        pager_clear_match(p);
    }
    p->last_valid = false;
    p->rc_valid = false;
    p->gen++;
}

void pager_set_max_lines(struct pager *p, size_t max)
{
    p->max_lines = max;
    pager_trim(p);
}

void pager_append_marked(struct pager *p, const char *text, size_t len, unsigned tone,
                         size_t prefix)
{
    p->mark.tone = (uint8_t)(tone <= PAGER_TONES || tone == PAGER_TONE_NOTE ? tone
                                                                          : PAGER_TONE_NONE);
    p->mark.len = (uint16_t)(prefix < UINT16_MAX ? prefix : UINT16_MAX);
    pager_append(p, text, len);
    p->mark.tone = PAGER_TONE_NONE;
    p->mark.len = 0;
}

void pager_append(struct pager *p, const char *text, size_t len)
{
    if (text == NULL || len == 0) {
        return;
    }
    if (p->npend > 0) {
        char *tmp = xmalloc(p->npend + len);

        memcpy(tmp, p->pend, p->npend);
        memcpy(tmp + p->npend, text, len);
        pager_store(p, tmp, p->npend + len, true);
        free(tmp);
    } else {
        pager_store(p, text, len, true);
    }
    pager_trim(p);
    if (p->follow) {
        pager_clamp(p);
    }
}

void pager_set_title(struct pager *p, const char *title)
{
    free(p->title);
    p->title = xstrdup(title != NULL ? title : "");
}

size_t pager_line_count(const struct pager *p)
{
    return p->nlines;
}

/* Byte range [*start, *end) of line i in buf, without its '\n'. */
static void pager_span(const struct pager *p, size_t i, size_t *start, size_t *end)
{
    *start = p->lines[i];
    if (i + 1 < p->nlines) {
        *end = p->lines[i + 1] - 1;
    } else {
        *end = p->len - (p->ends_nl ? 1 : 0);
    }
}

unsigned pager_line_tone(const struct pager *p, size_t i, size_t *prefix)
{
    struct pager_mark m = {PAGER_TONE_NONE, 0};

    if (i < p->nlines && p->marks != NULL) {
        m = p->marks[i];
    }
    if (prefix != NULL) {
        *prefix = m.len;
    }
    return m.tone;
}

const char *pager_line(const struct pager *p, size_t i, size_t *len)
{
    size_t s, e;

    if (i >= p->nlines) {
        *len = 0;
        return NULL;
    }
    pager_span(p, i, &s, &e);
    *len = e - s;
    return p->buf + s;
}

/* ---- rows and positions ---- */

/* Where the row starting at absolute offset `from` of a line ending at `le` ends: as many
 * characters as fit in `cols` cells, at least one. */
static size_t pager_row_end(const struct pager *p, size_t from, size_t le, int cols)
{
    int used = 0;
    size_t i = from;

    while (i < le) {
        uint32_t cp;
        size_t n = prompt_utf8_decode(p->buf + i, le - i, &cp);
        int cw = prompt_cp_width(cp);

        if (used + cw > cols && i > from) {
            break;
        }
        used += cw;
        i += n;
    }
    return i;
}

static int pager_cmp(struct pager_pos a, struct pager_pos b)
{
    if (a.line != b.line) {
        return a.line < b.line ? -1 : 1;
    }
    if (a.off != b.off) {
        return a.off < b.off ? -1 : 1;
    }
    return 0;
}

/* All row starts (line-relative) of a long line, from the cache or wrapped once now. */
static const size_t *pager_long_rows(struct pager *p, size_t line, size_t *n)
{
    size_t ls, le, r = 0;

    if (!(p->rc_valid && p->rc_line == line && p->rc_cols == p->cols && p->rc_gen == p->gen)) {
        pager_span(p, line, &ls, &le);
        p->rc_n = 0;
        for (;;) {
            if (p->rc_n == p->rc_cap) {
                p->rc_cap = p->rc_cap ? p->rc_cap * 2 : 1024;
                p->rc_starts = xrealloc(p->rc_starts, p->rc_cap * sizeof *p->rc_starts);
            }
            p->rc_starts[p->rc_n++] = r;
            r = pager_row_end(p, ls + r, le, p->cols) - ls;
            if (ls + r >= le) {
                break;
            }
        }
        p->rc_line = line;
        p->rc_cols = p->cols;
        p->rc_gen = p->gen;
        p->rc_valid = true;
    }
    *n = p->rc_n;
    return p->rc_starts;
}

/* How many of the n sorted starts are below limit. */
static size_t pager_count_below(const size_t *starts, size_t n, size_t limit)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (starts[mid] < limit) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static bool pager_is_long(const struct pager *p, size_t line)
{
    size_t ls, le;

    pager_span(p, line, &ls, &le);
    return le - ls > PAGER_LONG_LINE;
}

/* Start (line-relative) of the wrapped row of line `line` that holds byte `off`. */
static size_t pager_row_start(struct pager *p, size_t line, size_t off)
{
    size_t ls, le, r = 0;

    if (!p->wrap) {
        return 0;
    }
    if (pager_is_long(p, line)) {
        size_t n;
        const size_t *starts = pager_long_rows(p, line, &n);
        size_t below = pager_count_below(starts, n, off + 1);

        return below > 0 ? starts[below - 1] : 0;
    }
    pager_span(p, line, &ls, &le);
    for (;;) {
        size_t re = pager_row_end(p, ls + r, le, p->cols) - ls;

        if (off < re || ls + re >= le) {
            return r;
        }
        r = re;
    }
}

/* Moves pos down by up to k rows; returns how many it moved. */
static size_t pager_down(const struct pager *p, struct pager_pos *pos, size_t k)
{
    size_t moved = 0;

    if (p->nlines == 0) {
        return 0;
    }
    if (!p->wrap) {
        size_t room = p->nlines - 1 - pos->line;

        moved = k < room ? k : room;
        pos->line += moved;
        pos->off = 0;
        return moved;
    }
    while (moved < k) {
        size_t ls, le, re;

        pager_span(p, pos->line, &ls, &le);
        re = pager_row_end(p, ls + pos->off, le, p->cols);
        if (re < le) {
            pos->off = re - ls;
        } else if (pos->line + 1 < p->nlines) {
            pos->line++;
            pos->off = 0;
        } else {
            break;
        }
        moved++;
    }
    return moved;
}

/* Moves pos up by up to k rows. A pos of {nlines, 0} stands for just past the end. Each line
 * crossed is wrapped once, keeping only the last k row starts (long lines use the cache). */
static void pager_up(struct pager *p, struct pager_pos *pos, size_t k)
{
    size_t *ring, cap = k;

    if (!p->wrap || p->nlines == 0) {
        pos->line = pos->line > k ? pos->line - k : 0;
        pos->off = 0;
        return;
    }
    ring = xmalloc((cap > 0 ? cap : 1) * sizeof *ring);
    while (k > 0) {
        size_t line, limit, ls, le, count = 0, r = 0;

        if (pos->off > 0) {
            line = pos->line;
            limit = pos->off;
        } else if (pos->line > 0) {
            line = pos->line - 1;
            limit = SIZE_MAX;
        } else {
            break;
        }
        pos->line = line;
        if (pager_is_long(p, line)) {
            size_t n;
            const size_t *starts = pager_long_rows(p, line, &n);

            count = pager_count_below(starts, n, limit);
            pos->off = count >= k ? starts[count - k] : 0;
            k = count >= k ? 0 : k - count;
            continue;
        }
        pager_span(p, line, &ls, &le);
        for (;;) {
            size_t re;

            ring[count % cap] = r;
            count++;
            re = pager_row_end(p, ls + r, le, p->cols) - ls;
            if (ls + re >= le || re >= limit) {
                break;
            }
            r = re;
        }
        if (count >= k) {
            pos->off = ring[(count - k) % cap];
            k = 0;
        } else {
            pos->off = 0;
            k -= count;
        }
    }
    free(ring);
}

/* The top position that puts the last row of the text on the last row of the view. */
static struct pager_pos pager_last_top(struct pager *p)
{
    struct pager_pos pos = {p->nlines, 0};
    size_t rows = p->rows > 0 ? (size_t)p->rows : 1;

    if (p->last_valid && p->last_gen == p->gen && p->last_rows == p->rows &&
        p->last_cols == p->cols && p->last_wrap == p->wrap) {
        return p->last;
    }
    if (p->nlines == 0) {
        pos.line = 0;
    } else {
        pager_up(p, &pos, rows);
    }
    p->last = pos;
    p->last_gen = p->gen;
    p->last_rows = p->rows;
    p->last_cols = p->cols;
    p->last_wrap = p->wrap;
    p->last_valid = true;
    return pos;
}

/* Keeps top inside the text and no lower than the last full page; applies following. */
static void pager_clamp(struct pager *p)
{
    struct pager_pos last = pager_last_top(p);

    if (p->follow || pager_cmp(p->top, last) > 0) {
        p->top = last;
    }
}

static void pager_at_bottom_check(struct pager *p)
{
    struct pager_pos last = pager_last_top(p);

    if (pager_cmp(p->top, last) >= 0 && p->follow_on) {
        p->follow = true;
    }
}

void pager_set_follow(struct pager *p, bool on)
{
    p->streamed = p->streamed || on;
    p->follow_on = on;
    p->follow = on;
    pager_clamp(p);
}

bool pager_following(const struct pager *p)
{
    return p->follow;
}

size_t pager_top_line(const struct pager *p)
{
    return p->top.line;
}

bool pager_wrapping(const struct pager *p)
{
    return p->wrap;
}

int pager_hscroll(const struct pager *p)
{
    return p->hcol;
}

void pager_set_view(struct pager *p, int rows, int cols)
{
    p->rows = rows > 0 ? rows : 1;
    p->cols = cols > 0 ? cols : 1;
    if (p->wrap && p->cols != p->norm_cols && p->top.line < p->nlines) {
        p->top.off = pager_row_start(p, p->top.line, p->top.off);
    }
    p->norm_cols = p->cols;
}

bool pager_searching(const struct pager *p)
{
    return p->searching;
}

const struct prompt *pager_search_prompt(const struct pager *p)
{
    return &p->search;
}

bool pager_match(const struct pager *p, size_t *line, size_t *start, size_t *end)
{
    if (!p->has_match) {
        return false;
    }
    *line = p->m_line;
    *start = p->m_start;
    *end = p->m_end;
    return true;
}

const char *pager_notice(const struct pager *p, bool *is_error)
{
    if (is_error != NULL) {
        *is_error = p->notice_err;
    }
    return p->notice;
}

static void pager_set_notice(struct pager *p, bool err, const char *msg)
{
    free(p->notice);
    p->notice = xstrdup(msg);
    p->notice_err = err;
}

/* ---- search ---- */

/* Compiles a search pattern; a leading '!' is literal. */
static struct filter *pager_compile(const char *text, char **err, size_t *off)
{
    struct filter *f;

    if (text[0] == '!') {
        char *pat = xasprintf("\\%s", text);

        f = filter_new(pat, err, off);
        if (f == NULL && *off > 0) {
            (*off)--;
        }
        free(pat);
        return f;
    }
    return filter_new(text, err, off);
}

static bool pager_find_in(const struct pager *p, struct filter *f, size_t line, size_t from,
                          size_t *ms, size_t *me)
{
    size_t ls, le;

    pager_span(p, line, &ls, &le);
    return filter_find(f, p->buf + ls, le - ls, from, ms, me);
}

/* The next match at or after (line, from), wrapping past the end once. */
static bool pager_find_next(struct pager *p, struct filter *f, size_t line, size_t from,
                            bool *wrapped)
{
    *wrapped = false;
    for (size_t i = 0; i <= p->nlines; i++) {
        size_t l = (line + i) % p->nlines, ms, me;

        if (i > 0 && l == 0) {
            *wrapped = true;
        }
        if (pager_find_in(p, f, l, i == 0 ? from : 0, &ms, &me)) {
            p->has_match = true;
            p->m_line = l;
            p->m_start = ms;
            p->m_end = me;
            return true;
        }
    }
    return false;
}

/* The last match starting before (line, before), wrapping past the top once. */
static bool pager_find_prev(struct pager *p, struct filter *f, size_t line, size_t before,
                            bool *wrapped)
{
    *wrapped = false;
    for (size_t i = 0; i <= p->nlines; i++) {
        size_t l = (line + p->nlines - i % p->nlines) % p->nlines;
        size_t limit = i == 0 ? before : SIZE_MAX, from = 0, ms, me;
        bool found = false;

        if (i > 0 && l == p->nlines - 1) {
            *wrapped = true;
        }
        while (pager_find_in(p, f, l, from, &ms, &me) && ms < limit) {
            found = true;
            p->m_start = ms;
            p->m_end = me;
            from = me;
        }
        if (found) {
            p->has_match = true;
            p->m_line = l;
            return true;
        }
    }
    return false;
}

/* Cells from the start of line `line` to byte `off` of it. */
static int pager_col_of(const struct pager *p, size_t line, size_t off)
{
    size_t ls, le, i;
    int cells = 0;

    pager_span(p, line, &ls, &le);
    for (i = ls; i < ls + off && i < le;) {
        uint32_t cp;

        i += prompt_utf8_decode(p->buf + i, le - i, &cp);
        cells += prompt_cp_width(cp);
    }
    return cells;
}

/* True if byte `off` of line `line` is on screen. */
static bool pager_visible(const struct pager *p, size_t line, size_t off)
{
    struct pager_pos at = {line, off}, end = p->top;
    size_t rows = p->rows > 0 ? (size_t)p->rows : 1;

    if (pager_cmp(at, p->top) < 0) {
        return false;
    }
    if (pager_down(p, &end, rows) == rows && pager_cmp(at, end) >= 0) {
        return false;
    }
    if (!p->wrap) {
        int c = pager_col_of(p, line, off);

        return c >= p->hcol && c < p->hcol + p->cols;
    }
    return true;
}

/* Scrolls so the current match is on screen. */
static void pager_show_match(struct pager *p)
{
    p->follow = false;
    if (!pager_visible(p, p->m_line, p->m_start)) {
        p->top.line = p->m_line;
        p->top.off = pager_row_start(p, p->m_line, p->m_start);
        pager_clamp(p);
    }
    if (!p->wrap) {
        int c = pager_col_of(p, p->m_line, p->m_start);
        int ce = pager_col_of(p, p->m_line, p->m_end);

        if (c < p->hcol || ce > p->hcol + p->cols) {
            p->hcol = ce <= p->cols ? 0 : c - p->cols / 4;
            if (p->hcol < 0) {
                p->hcol = 0;
            }
        }
    }
}

/* Reports the outcome of a search step. */
static void pager_search_done(struct pager *p, struct filter *f, bool found, bool wrapped,
                              int dir)
{
    if (!found) {
        char *msg = xasprintf("Pattern not found: %s", filter_pattern(f));

        pager_set_notice(p, true, msg);
        free(msg);
    } else {
        pager_show_match(p);
        if (wrapped) {
            pager_set_notice(p, false, dir > 0 ? "search hit BOTTOM, continuing at TOP"
                                               : "search hit TOP, continuing at BOTTOM");
        }
    }
    if (filter_limited(f)) {
        pager_set_notice(p, true, "pattern too complex for some lines");
        filter_reset_limited(f);
    }
}

/* n / N: from the current match when it is on screen, else from the top of the view. */
static void pager_search_step(struct pager *p, int dir)
{
    bool found, wrapped;
    size_t line = p->top.line, off = p->top.off;

    if (p->pat == NULL) {
        pager_set_notice(p, true, "No previous search");
        return;
    }
    if (p->nlines == 0) {
        pager_search_done(p, p->pat, false, false, dir);
        return;
    }
    if (p->follow) {
        p->top = pager_last_top(p);
        line = p->top.line;
        off = p->top.off;
    }
    if (p->has_match && pager_visible(p, p->m_line, p->m_start)) {
        line = p->m_line;
        off = dir > 0 ? p->m_end : p->m_start;
    }
    if (dir > 0) {
        found = pager_find_next(p, p->pat, line, off, &wrapped);
    } else {
        found = pager_find_prev(p, p->pat, line, off, &wrapped);
    }
    pager_search_done(p, p->pat, found, wrapped, dir);
}

/* Recompiles the pattern being typed, showing an error in the search line. */
static void pager_live_compile(struct pager *p)
{
    const char *text = prompt_text(&p->search);
    char *err = NULL;
    size_t off = 0;

    filter_free(p->live);
    p->live = NULL;
    if (text[0] == '\0') {
        return;
    }
    p->live = pager_compile(text, &err, &off);
    if (p->live == NULL) {
        prompt_set_error(&p->search, err, off);
        free(err);
    }
}

static enum pager_result pager_search_accept(struct pager *p)
{
    const char *text = prompt_text(&p->search);
    bool found, wrapped;

    if (text[0] == '\0') {
        p->searching = false;
        if (p->pat != NULL) {
            pager_search_step(p, 1);
        }
        return PAGER_HANDLED;
    }
    if (p->live == NULL) {
        pager_live_compile(p);
        if (p->live == NULL) {
            return PAGER_HANDLED; /* the error stays in the open search line */
        }
    }
    if (p->search.hist != NULL) {
        prompt_history_add(p->search.hist, text);
    }
    filter_free(p->pat);
    p->pat = p->live;
    p->live = NULL;
    p->searching = false;
    p->has_match = false;
    if (p->nlines == 0) {
        pager_search_done(p, p->pat, false, false, 1);
        return PAGER_HANDLED;
    }
    if (p->follow) {
        p->top = pager_last_top(p);
    }
    found = pager_find_next(p, p->pat, p->top.line, p->top.off, &wrapped);
    pager_search_done(p, p->pat, found, wrapped, 1);
    return PAGER_HANDLED;
}

static enum pager_result pager_search_key(struct pager *p, int key)
{
    switch (prompt_key(&p->search, key)) {
    case PROMPT_CHANGED:
        pager_live_compile(p);
        break;
    case PROMPT_ACCEPT:
        return pager_search_accept(p);
    case PROMPT_CANCEL:
        p->searching = false;
        filter_free(p->live);
        p->live = NULL;
        break;
    case PROMPT_NONE:
        break;
    }
    return PAGER_HANDLED;
}

/* ---- keys ---- */

static void pager_scroll_down(struct pager *p, size_t k)
{
    if (p->follow) {
        return;
    }
    pager_down(p, &p->top, k);
    pager_clamp(p);
    pager_at_bottom_check(p);
}

static void pager_scroll_up(struct pager *p, size_t k)
{
    if (p->follow) {
        p->top = pager_last_top(p);
        p->follow = false;
    }
    pager_up(p, &p->top, k);
}

/* Widest line on screen, in cells (without wrap). */
static int pager_view_width(const struct pager *p)
{
    int widest = 0;

    for (size_t i = p->top.line; i < p->nlines && i < p->top.line + (size_t)p->rows; i++) {
        size_t ls, le;
        int c;

        pager_span(p, i, &ls, &le);
        c = pager_col_of(p, i, le - ls);
        if (c > widest) {
            widest = c;
        }
    }
    return widest;
}

static void pager_hscroll_by(struct pager *p, int dir)
{
    int step = p->cols / 2 > 0 ? p->cols / 2 : 1;

    if (p->wrap) {
        return;
    }
    if (dir < 0) {
        p->hcol = p->hcol > step ? p->hcol - step : 0;
        return;
    }
    {
        int most = pager_view_width(p) - p->cols;

        p->hcol += step;
        if (p->hcol > most) {
            p->hcol = most > 0 ? most : 0;
        }
    }
}

static void pager_toggle_wrap(struct pager *p)
{
    p->wrap = !p->wrap;
    p->top.off = 0;
    p->hcol = 0;
    p->norm_cols = p->cols;
    pager_clamp(p);
}

const struct help_key pager_help_keys[] = {
    {"j, Down, Enter", "Scroll one line down"},
    {"k, Up", "Scroll one line up"},
    {"Space, f, PgDn", "Scroll one page down"},
    {"b, PgUp", "Scroll one page up"},
    {"Ctrl-D, Ctrl-U", "Scroll half a page down, up"},
    {"g, <, Home", "Go to the first line"},
    {"G, >, End", "Go to the last line (and follow a log again)"},
    {"h, l, Left, Right", "Scroll sideways when lines are not wrapped"},
    {"w", "Wrap long lines, or not"},
    {"/", "Search (a regular expression); Enter keeps it"},
    {"n, N", "Next, previous match"},
    {"q, Esc", "Close"},
    {"?", "These keys"},
    {NULL, NULL},
};

enum pager_result pager_key(struct pager *p, int key)
{
    size_t page = p->rows > 0 ? (size_t)p->rows : 1;
    size_t half = page / 2 > 0 ? page / 2 : 1;

    if (p->searching) {
        return pager_search_key(p, key);
    }
    free(p->notice);
    p->notice = NULL;
    switch (key) {
    case 'j':
    case KEY_DOWN:
    case PAGER_CR:
    case PAGER_LF:
    case KEY_ENTER:
    case PAGER_CTRL_E:
        pager_scroll_down(p, 1);
        break;
    case 'k':
    case KEY_UP:
    case PAGER_CTRL_Y:
        pager_scroll_up(p, 1);
        break;
    case ' ':
    case 'f':
    case KEY_NPAGE:
    case PAGER_CTRL_F:
        pager_scroll_down(p, page);
        break;
    case 'b':
    case KEY_PPAGE:
    case PAGER_CTRL_B:
        pager_scroll_up(p, page);
        break;
    case PAGER_CTRL_D:
        pager_scroll_down(p, half);
        break;
    case PAGER_CTRL_U:
        pager_scroll_up(p, half);
        break;
    case 'g':
    case '<':
    case KEY_HOME:
        p->follow = false;
        p->top.line = 0;
        p->top.off = 0;
        break;
    case 'G':
    case '>':
    case KEY_END:
        p->top = pager_last_top(p);
        p->follow = p->follow_on;
        break;
    case 'h':
    case KEY_LEFT:
        pager_hscroll_by(p, -1);
        break;
    case 'l':
    case KEY_RIGHT:
        pager_hscroll_by(p, 1);
        break;
    case 'w':
        pager_toggle_wrap(p);
        break;
    case 'F':
        if (!p->streamed) {
            return PAGER_NONE;
        }
        p->follow_on = !p->follow_on;
        p->follow = p->follow_on;
        break;
    case '/':
        p->searching = true;
        prompt_set_text(&p->search, "");
        filter_free(p->live);
        p->live = NULL;
        break;
    case 'n':
        pager_search_step(p, 1);
        break;
    case 'N':
        pager_search_step(p, -1);
        break;
    case 'q':
    case PAGER_ESC:
        return PAGER_CLOSE;
    default:
        return PAGER_NONE;
    }
    return PAGER_HANDLED;
}

/* ---- drawing ---- */

/* Matches of f in line `line` that may show on screen when the first visible byte is `from`.
 * A long line is searched only in a window around that, so each paint stays cheap. */
static size_t pager_line_matches(const struct pager *p, struct filter *f, size_t line,
                                 size_t from, struct pager_hl *hl)
{
    size_t ls, le, n = 0, at = 0, base = 0, len, ms, me;

    pager_span(p, line, &ls, &le);
    len = le - ls;
    if (len > PAGER_LONG_LINE && p->wrap) {
        size_t end = from + (size_t)p->rows * (size_t)p->cols * 8 + 4096;

        base = from > 4096 ? from - 4096 : 0;
        while (base > 0 && ((unsigned char)p->buf[ls + base] & 0xC0) == 0x80) {
            base--;
        }
        if (end < len) {
            while (end > base && ((unsigned char)p->buf[ls + end] & 0xC0) == 0x80) {
                end--;
            }
            len = end;
        }
        len -= base;
    }
    while (n < PAGER_MAX_HL && filter_find(f, p->buf + ls + base, len, at, &ms, &me)) {
        hl[n].start = base + ms;
        hl[n].end = base + me;
        n++;
        at = me;
    }
    if (filter_limited(f)) {
        filter_reset_limited(f);
    }
    return n;
}

struct pager_painter {
    WINDOW *w;
    int y, x;
    int col;       /* cells painted on this row */
    size_t run;    /* absolute start of the pending run */
    size_t run_n;
    int run_cells;
    attr_t run_attr;
};

static void pager_flush(struct pager *p, struct pager_painter *pp)
{
    if (pp->run_n > 0 || pp->run_cells > 0) {
        prompt_put_bytes(pp->w, pp->y, pp->x + pp->col, p->buf + pp->run, pp->run_n,
                         pp->run_cells, pp->run_attr);
        pp->col += pp->run_cells;
    }
    pp->run_n = 0;
    pp->run_cells = 0;
}

/* The theme slot of prefix tone t (1..PAGER_TONES). */
static enum theme_slot pager_tone_slot(unsigned t)
{
    static const enum theme_slot slots[PAGER_TONES] = {
        THEME_LOG_PREFIX_1, THEME_LOG_PREFIX_2, THEME_LOG_PREFIX_3,
        THEME_LOG_PREFIX_4, THEME_LOG_PREFIX_5, THEME_LOG_PREFIX_6,
    };

    return slots[(t - 1) % PAGER_TONES];
}

/* Attribute of byte `rel` of the line, given its highlight ranges and its mark. */
static attr_t pager_attr_at(const struct pager *p, size_t line, size_t rel,
                            const struct pager_hl *hl, size_t nhl, size_t *hint)
{
    struct pager_mark m = p->marks != NULL ? p->marks[line] : (struct pager_mark){0, 0};

    while (*hint < nhl && hl[*hint].end <= rel) {
        (*hint)++;
    }
    if (*hint < nhl && hl[*hint].start <= rel) {
        attr_t a = screen_attr(THEME_HIGHLIGHT);

        if (p->has_match && p->m_line == line && p->m_start == hl[*hint].start) {
            a |= A_REVERSE | A_BOLD;
        }
        return a;
    }
    if (m.tone == PAGER_TONE_NOTE) {
        return screen_attr(THEME_LOG_NOTE);
    }
    if (m.tone != PAGER_TONE_NONE && rel < m.len) {
        return screen_attr(pager_tone_slot(m.tone));
    }
    return screen_attr(THEME_PAGER_TEXT);
}

/* Paints bytes [from, to) of line `line` (line-relative), skipping `skip` cells first and
 * stopping at `width` cells; pads the rest of the row. */
static void pager_paint_row(struct pager *p, WINDOW *w, int y, int x, int width, size_t line,
                            size_t from, size_t to, int skip, const struct pager_hl *hl,
                            size_t nhl)
{
    struct pager_painter pp = {w, y, x, 0, 0, 0, 0, 0};
    size_t ls, le, i, hint = 0;
    int cells = 0;

    pager_span(p, line, &ls, &le);
    i = from;
    while (i < to) {
        uint32_t cp;
        size_t n = prompt_utf8_decode(p->buf + ls + i, to - i, &cp);
        int cw = prompt_cp_width(cp);
        attr_t a = pager_attr_at(p, line, i, hl, nhl, &hint);

        if (cells < skip) {
            cells += cw;
            i += n;
            if (cells > skip) {
                /* A wide character cut by the left edge: its visible part as blanks. */
                int part = cells - skip;

                if (part > width) {
                    part = width;
                }
                screen_put(w, y, x + pp.col, "", part, false, screen_attr(THEME_PAGER_TEXT));
                pp.col += part;
            }
            continue;
        }
        if (pp.col + pp.run_cells + cw > width) {
            break;
        }
        if (a != pp.run_attr || pp.run_n == 0) {
            pager_flush(p, &pp);
            pp.run = ls + i;
            pp.run_attr = a;
        }
        pp.run_n += n;
        pp.run_cells += cw;
        i += n;
    }
    pager_flush(p, &pp);
    if (pp.col < width) {
        screen_put(w, y, x + pp.col, "", width - pp.col, false, screen_attr(THEME_PAGER_TEXT));
    }
}

static void pager_draw_title(struct pager *p, WINDOW *w, int y, int x, int width,
                             size_t bottom)
{
    char right[128];
    int pct = p->nlines == 0 ? 100 : (int)((bottom + 1) * 100 / p->nlines);
    size_t top = p->nlines == 0 ? 0 : p->top.line + 1;
    int rw;
    char *left;

    snprintf(right, sizeof right, " L %zu/%zu  %d%%  %s%s ", top, p->nlines, pct,
             p->wrap ? "wrap" : "nowrap", p->follow ? "  follow" : p->streamed ? "  paused" : "");
    rw = screen_text_width(right);
    if (rw > width - 8) {
        /* Narrow: the position alone. */
        snprintf(right, sizeof right, " L %zu/%zu ", top, p->nlines);
        rw = screen_text_width(right);
        if (rw > width) {
            rw = width;
        }
    }
    left = xasprintf(" %s", p->title);
    screen_put(w, y, x, left, width - rw, false, screen_attr(THEME_BREADCRUMB));
    free(left);
    screen_put(w, y, x + width - rw, right, rw, true, screen_attr(THEME_BREADCRUMB));
}

static void pager_draw_bottom(struct pager *p, WINDOW *w, int y, int x, int width)
{
    if (p->searching) {
        prompt_draw(&p->search, w, y, x, 1, width);
    } else if (p->notice != NULL) {
        char *msg = xasprintf(" %s", p->notice);

        screen_put(w, y, x, msg, width, false,
                   screen_attr(p->notice_err ? THEME_FLASH_ERROR : THEME_FLASH_INFO));
        free(msg);
    } else {
        screen_put(w, y, x,
                   p->streamed
                       ? " q close  ? keys  / search  n/N next/prev  w wrap  F follow"
                       : " q close  ? keys  / search  n/N next/prev  w wrap  g/G top/bottom",
                   width, false, screen_attr(THEME_STATUS_LINE));
    }
}

void pager_draw(struct pager *p, WINDOW *w, int y, int x, int height, int width)
{
    int rows = height >= 3 ? height - 2 : height;
    int ty = height >= 3 ? y + 1 : y;
    struct filter *f = p->searching ? p->live : p->pat;
    struct pager_hl *hl = NULL;
    size_t nhl = 0, hl_line = SIZE_MAX, bottom = 0;
    struct pager_pos pos;

    if (height < 1 || width < 1) {
        return;
    }
    pager_set_view(p, rows, width);
    pager_clamp(p);
    if (f != NULL) {
        hl = xmalloc(PAGER_MAX_HL * sizeof *hl);
    }
    pos = p->top;
    for (int r = 0; r < rows; r++) {
        size_t ls, le, to;

        if (pos.line >= p->nlines) {
            screen_put(w, ty + r, x, "", width, false, screen_attr(THEME_PAGER_TEXT));
            continue;
        }
        bottom = pos.line;
        pager_span(p, pos.line, &ls, &le);
        if (f != NULL && hl_line != pos.line) {
            nhl = pager_line_matches(p, f, pos.line, pos.off, hl);
            hl_line = pos.line;
        }
        to = p->wrap ? pager_row_end(p, ls + pos.off, le, width) - ls : le - ls;
        pager_paint_row(p, w, ty + r, x, width, pos.line, pos.off, to, p->wrap ? 0 : p->hcol,
                        hl, nhl);
        if (pager_down(p, &pos, 1) == 0) {
            pos.line = p->nlines;
        }
    }
    free(hl);
    if (height >= 3) {
        pager_draw_title(p, w, y, x, width, bottom);
        pager_draw_bottom(p, w, y + height - 1, x, width);
    }
}
