/* A one-line UTF-8 editor with history, Tab completion and an error shown after the text. */
#include "tui/prompt.h"

#include "core/sanitize.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/screen.h"

enum {
    PROMPT_CTRL_A = 1,
    PROMPT_CTRL_B = 2,
    PROMPT_CTRL_C = 3,
    PROMPT_CTRL_D = 4,
    PROMPT_CTRL_E = 5,
    PROMPT_CTRL_F = 6,
    PROMPT_CTRL_G = 7,
    PROMPT_CTRL_H = 8,
    PROMPT_TAB = 9,
    PROMPT_LF = 10,
    PROMPT_CTRL_K = 11,
    PROMPT_CR = 13,
    PROMPT_CTRL_N = 14,
    PROMPT_CTRL_P = 16,
    PROMPT_CTRL_U = 21,
    PROMPT_CTRL_W = 23,
    PROMPT_ESC = 27,
    PROMPT_DEL = 127,
};

/* ---- shared helpers ---- */

size_t prompt_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = u[0], min;
    size_t n;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        c &= 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        c &= 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        *cp = UINT32_MAX;
        return 1;
    }
    if (len < n) {
        *cp = UINT32_MAX;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = UINT32_MAX;
            return 1;
        }
        c = (c << 6) | (u[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = UINT32_MAX;
        return 1;
    }
    *cp = c;
    return n;
}

int prompt_cp_width(uint32_t cp)
{
    int w;

    if (cp == UINT32_MAX || cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
        return 1;
    }
    w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

void prompt_put_bytes(WINDOW *w, int y, int x, const char *s, size_t n, int width, attr_t attr)
{
    char small[64];
    char *buf = n < sizeof small ? small : xmalloc(n + 1);

    memcpy(buf, s, n);
    buf[n] = '\0';
    screen_put(w, y, x, buf, width, false, attr);
    if (buf != small) {
        free(buf);
    }
}

/* Encodes a code point as UTF-8 into out (4 bytes); returns the length. */
static size_t prompt_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int prompt_keycode(int rc, wint_t wc)
{
    if (rc == ERR) {
        return ERR;
    }
    if (rc == KEY_CODE_YES) {
        return (int)wc;
    }
    if ((unsigned long)wc >= KEY_MIN) {
        return (int)((unsigned long)wc | PROMPT_KEY_CHAR);
    }
    return (int)wc;
}

long prompt_key_char(int key)
{
    long cp;

    if (key < 0) {
        return -1;
    }
    if (key & PROMPT_KEY_CHAR) {
        cp = key & ~PROMPT_KEY_CHAR;
    } else if (key >= KEY_MIN) {
        return -1; /* a function key */
    } else {
        cp = key;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || sanitize_forbidden((uint32_t)cp)) {
        return -1;
    }
    return cp;
}

/* ---- history ---- */

void prompt_history_init(struct prompt_history *h, size_t max)
{
    memset(h, 0, sizeof *h);
    h->max = max > 0 ? max : PROMPT_HISTORY_MAX;
}

void prompt_history_fini(struct prompt_history *h)
{
    for (size_t i = 0; i < h->count; i++) {
        free(h->items[i]);
    }
    free(h->items);
    memset(h, 0, sizeof *h);
}

void prompt_history_add(struct prompt_history *h, const char *line)
{
    if (line == NULL || line[0] == '\0') {
        return;
    }
    if (h->count > 0 && strcmp(h->items[h->count - 1], line) == 0) {
        return;
    }
    if (h->items == NULL) {
        h->items = xcalloc(h->max, sizeof *h->items);
    }
    if (h->count == h->max) {
        free(h->items[0]);
        memmove(h->items, h->items + 1, (h->count - 1) * sizeof *h->items);
        h->count--;
    }
    h->items[h->count++] = xstrdup(line);
}

/* ---- the editor ---- */

static void prompt_clear_candidates(struct prompt *p)
{
    for (size_t i = 0; i < p->ncands; i++) {
        free(p->cands[i]);
    }
    free(p->cands);
    p->cands = NULL;
    p->ncands = 0;
    p->cand_sel = 0;
}

void prompt_init(struct prompt *p, int prefix, struct prompt_history *hist)
{
    memset(p, 0, sizeof *p);
    p->prefix = prefix;
    p->hist = hist;
    p->cap = 64;
    p->text = xmalloc(p->cap);
    p->text[0] = '\0';
    p->hist_pos = SIZE_MAX;
}

void prompt_fini(struct prompt *p)
{
    prompt_clear_candidates(p);
    free(p->text);
    free(p->hist_saved);
    free(p->error);
    memset(p, 0, sizeof *p);
}

/* Replaces text[start, end) with `ins` (n bytes); the cursor lands after the insertion.
 * Returns false (and changes nothing) when the result would exceed PROMPT_MAX_BYTES. */
static bool prompt_splice(struct prompt *p, size_t start, size_t end, const char *ins, size_t n)
{
    size_t newlen = p->len - (end - start) + n;

    if (newlen > PROMPT_MAX_BYTES) {
        return false;
    }
    if (newlen + 1 > p->cap) {
        while (newlen + 1 > p->cap) {
            p->cap *= 2;
        }
        p->text = xrealloc(p->text, p->cap);
    }
    memmove(p->text + start + n, p->text + end, p->len - end + 1);
    memcpy(p->text + start, ins, n);
    p->len = newlen;
    p->cursor = start + n;
    free(p->error);
    p->error = NULL;
    return true;
}

/* Byte offset of the character before `at`. */
static size_t prompt_prev(const struct prompt *p, size_t at)
{
    if (at == 0) {
        return 0;
    }
    at--;
    while (at > 0 && ((unsigned char)p->text[at] & 0xC0) == 0x80) {
        at--;
    }
    return at;
}

/* Byte offset of the character after `at`. */
static size_t prompt_next(const struct prompt *p, size_t at)
{
    uint32_t cp;

    if (at >= p->len) {
        return p->len;
    }
    return at + prompt_utf8_decode(p->text + at, p->len - at, &cp);
}

static bool prompt_zero_width_at(const struct prompt *p, size_t at)
{
    uint32_t cp;

    if (at >= p->len) {
        return false;
    }
    prompt_utf8_decode(p->text + at, p->len - at, &cp);
    return cp != UINT32_MAX && cp >= 0x300 && wcwidth((wchar_t)cp) == 0;
}

/* Cursor moves skip combining marks so the cursor never sits inside a character cell. */
static size_t prompt_left_of(const struct prompt *p, size_t at)
{
    at = prompt_prev(p, at);
    while (at > 0 && prompt_zero_width_at(p, at)) {
        at = prompt_prev(p, at);
    }
    return at;
}

static size_t prompt_right_of(const struct prompt *p, size_t at)
{
    at = prompt_next(p, at);
    while (at < p->len && prompt_zero_width_at(p, at)) {
        at = prompt_next(p, at);
    }
    return at;
}

/* Cuts `text` to at most PROMPT_MAX_BYTES at a character boundary. */
static size_t prompt_fit(const char *text, size_t n)
{
    if (n <= PROMPT_MAX_BYTES) {
        return n;
    }
    n = PROMPT_MAX_BYTES;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) {
        n--;
    }
    return n;
}

/* Sets the text without touching the history walk. */
static void prompt_replace_all(struct prompt *p, const char *text)
{
    size_t n = text != NULL ? prompt_fit(text, strlen(text)) : 0;

    prompt_splice(p, 0, p->len, text != NULL ? text : "", n);
    p->cursor = p->len;
    p->hscroll = 0;
}

/* Leaves any history walk: the text stays, Down no longer brings back the saved line. */
static void prompt_end_walk(struct prompt *p)
{
    free(p->hist_saved);
    p->hist_saved = NULL;
    p->hist_pos = SIZE_MAX;
}

void prompt_set_text(struct prompt *p, const char *text)
{
    prompt_replace_all(p, text);
    prompt_clear_candidates(p);
    prompt_end_walk(p);
}

const char *prompt_text(const struct prompt *p)
{
    return p->text;
}

void prompt_set_completion(struct prompt *p, prompt_complete_fn fn, void *arg, bool add_space)
{
    p->complete = fn;
    p->complete_arg = arg;
    p->complete_space = add_space;
}

void prompt_set_error(struct prompt *p, const char *msg, size_t offset)
{
    free(p->error);
    p->error = xstrdup(msg);
    p->error_offset = offset > p->len ? p->len : offset;
}

const char *prompt_error(const struct prompt *p)
{
    return p->error;
}

char *const *prompt_candidates(const struct prompt *p, size_t *n, size_t *selected)
{
    *n = p->ncands;
    if (selected != NULL) {
        *selected = p->cand_sel;
    }
    return p->ncands > 0 ? p->cands : NULL;
}

static enum prompt_result prompt_history_move(struct prompt *p, int dir)
{
    struct prompt_history *h = p->hist;

    if (h == NULL || h->count == 0) {
        return PROMPT_NONE;
    }
    if (p->hist_pos != SIZE_MAX && p->hist_pos >= h->count) {
        p->hist_pos = h->count - 1; /* the history was trimmed meanwhile */
    }
    if (dir < 0) {
        if (p->hist_pos == SIZE_MAX) {
            free(p->hist_saved);
            p->hist_saved = xstrdup(p->text);
            p->hist_pos = h->count;
        }
        if (p->hist_pos == 0) {
            return PROMPT_NONE;
        }
        p->hist_pos--;
        prompt_replace_all(p, h->items[p->hist_pos]);
        return PROMPT_CHANGED;
    }
    if (p->hist_pos == SIZE_MAX) {
        return PROMPT_NONE;
    }
    p->hist_pos++;
    if (p->hist_pos >= h->count) {
        prompt_replace_all(p, p->hist_saved);
        free(p->hist_saved);
        p->hist_saved = NULL;
        p->hist_pos = SIZE_MAX;
    } else {
        prompt_replace_all(p, h->items[p->hist_pos]);
    }
    return PROMPT_CHANGED;
}

/* Start of the word before the cursor: after the last space before it. */
static size_t prompt_word_start(const struct prompt *p)
{
    size_t s = p->cursor;

    while (s > 0 && p->text[s - 1] != ' ') {
        s--;
    }
    return s;
}

/* Length of the common prefix of all candidates, cut back to a character boundary. */
static size_t prompt_common_prefix(char *const *c, size_t n)
{
    size_t len = strlen(c[0]);

    for (size_t i = 1; i < n; i++) {
        size_t k = 0;

        while (k < len && c[i][k] != '\0' && c[i][k] == c[0][k]) {
            k++;
        }
        len = k;
    }
    while (len > 0 && ((unsigned char)c[0][len] & 0xC0) == 0x80) {
        len--;
    }
    return len;
}

/* Puts candidate `i` in place of the word being completed. */
static void prompt_put_candidate(struct prompt *p, size_t i)
{
    const char *c = p->cands[i];

    prompt_splice(p, p->cand_word, p->cursor, c, prompt_fit(c, strlen(c)));
    p->cand_sel = i;
}

/* Drops candidates that are empty or hold a control character (text never does); returns
 * how many are left, compacted at the front. */
static size_t prompt_keep_text(const char **out, size_t n)
{
    size_t kept = 0;

    for (size_t i = 0; i < n; i++) {
        const unsigned char *c = (const unsigned char *)out[i];
        bool ok = c != NULL && c[0] != '\0';

        for (; ok && *c != '\0'; c++) {
            ok = *c >= 0x20 && *c != 0x7F;
        }
        if (ok) {
            out[kept++] = out[i];
        }
    }
    return kept;
}

static enum prompt_result prompt_tab(struct prompt *p, int dir)
{
    const char *out[PROMPT_MAX_CANDIDATES];
    size_t n, start, wlen, common;

    if (p->ncands > 0) {
        size_t next;

        if (p->cand_sel >= p->ncands) {
            next = dir > 0 ? 0 : p->ncands - 1;
        } else if (dir > 0) {
            next = (p->cand_sel + 1) % p->ncands;
        } else {
            next = (p->cand_sel + p->ncands - 1) % p->ncands;
        }
        prompt_put_candidate(p, next);
        return PROMPT_CHANGED;
    }
    if (p->complete == NULL || dir < 0) {
        return PROMPT_NONE;
    }
    n = p->complete(p->text, p->cursor, out, PROMPT_MAX_CANDIDATES, p->complete_arg);
    n = prompt_keep_text(out, n < PROMPT_MAX_CANDIDATES ? n : PROMPT_MAX_CANDIDATES);
    if (n == 0) {
        return PROMPT_NONE;
    }
    start = prompt_word_start(p);
    wlen = p->cursor - start;
    if (n == 1) {
        size_t clen = prompt_fit(out[0], strlen(out[0]));
        bool changed = clen != wlen || memcmp(out[0], p->text + start, wlen) != 0;

        prompt_splice(p, start, p->cursor, out[0], clen);
        if (p->complete_space && (p->cursor >= p->len || p->text[p->cursor] != ' ')) {
            prompt_splice(p, p->cursor, p->cursor, " ", 1);
            changed = true;
        } else if (p->complete_space) {
            p->cursor++;
        }
        return changed ? PROMPT_CHANGED : PROMPT_NONE;
    }
    p->cands = xcalloc(n, sizeof *p->cands);
    for (size_t i = 0; i < n; i++) {
        p->cands[i] = xstrdup(out[i]);
    }
    p->ncands = n;
    p->cand_sel = n;
    p->cand_word = start;
    common = prompt_common_prefix(p->cands, n);
    if (common > wlen && memcmp(p->cands[0], p->text + start, wlen) == 0) {
        prompt_splice(p, start, p->cursor, p->cands[0], common);
        return PROMPT_CHANGED;
    }
    return PROMPT_NONE;
}

/* Deletes text[start, end); the cursor lands at start. */
static enum prompt_result prompt_delete(struct prompt *p, size_t start, size_t end)
{
    if (start >= end) {
        return PROMPT_NONE;
    }
    prompt_splice(p, start, end, "", 0);
    return PROMPT_CHANGED;
}

static enum prompt_result prompt_edit_key(struct prompt *p, int key)
{
    size_t s;

    switch (key) {
    case KEY_LEFT:
    case PROMPT_CTRL_B:
        p->cursor = prompt_left_of(p, p->cursor);
        return PROMPT_NONE;
    case KEY_RIGHT:
    case PROMPT_CTRL_F:
        p->cursor = prompt_right_of(p, p->cursor);
        return PROMPT_NONE;
    case KEY_HOME:
    case PROMPT_CTRL_A:
        p->cursor = 0;
        return PROMPT_NONE;
    case KEY_END:
    case PROMPT_CTRL_E:
        p->cursor = p->len;
        return PROMPT_NONE;
    case KEY_BACKSPACE:
    case PROMPT_DEL:
    case PROMPT_CTRL_H:
        return prompt_delete(p, prompt_prev(p, p->cursor), p->cursor);
    case KEY_DC:
    case PROMPT_CTRL_D:
        return prompt_delete(p, p->cursor, prompt_next(p, p->cursor));
    case PROMPT_CTRL_U:
        return prompt_delete(p, 0, p->cursor);
    case PROMPT_CTRL_K:
        return prompt_delete(p, p->cursor, p->len);
    case PROMPT_CTRL_W:
        s = p->cursor;
        while (s > 0 && p->text[s - 1] == ' ') {
            s--;
        }
        while (s > 0 && p->text[s - 1] != ' ') {
            s--;
        }
        return prompt_delete(p, s, p->cursor);
    case KEY_UP:
    case PROMPT_CTRL_P:
        return prompt_history_move(p, -1);
    case KEY_DOWN:
    case PROMPT_CTRL_N:
        return prompt_history_move(p, 1);
    case PROMPT_CR:
    case PROMPT_LF:
    case KEY_ENTER:
        prompt_end_walk(p);
        return PROMPT_ACCEPT;
    case PROMPT_ESC:
    case PROMPT_CTRL_C:
    case PROMPT_CTRL_G:
        prompt_end_walk(p);
        return PROMPT_CANCEL;
    default:
        break;
    }
    return PROMPT_NONE;
}

enum prompt_result prompt_key(struct prompt *p, int key)
{
    long cp;

    if (key == PROMPT_TAB) {
        return prompt_tab(p, 1);
    }
    if (key == KEY_BTAB) {
        return prompt_tab(p, -1);
    }
    prompt_clear_candidates(p);
    cp = prompt_key_char(key);
    if (cp >= 0) {
        char enc[4];
        size_t n = prompt_utf8_encode((uint32_t)cp, enc);

        return prompt_splice(p, p->cursor, p->cursor, enc, n) ? PROMPT_CHANGED : PROMPT_NONE;
    }
    return prompt_edit_key(p, key);
}

/* ---- drawing ---- */

/* Cells of text[from, to). */
static int prompt_cells(const char *s, size_t from, size_t to)
{
    int cells = 0;

    while (from < to) {
        uint32_t cp;

        from += prompt_utf8_decode(s + from, to - from, &cp);
        cells += prompt_cp_width(cp);
    }
    return cells;
}

/* Cells the cursor cell takes: the character under it, or one past the end. */
static int prompt_cursor_cells(const struct prompt *p)
{
    int c;

    if (p->cursor >= p->len) {
        return 1;
    }
    c = prompt_cells(p->text, p->cursor, prompt_right_of(p, p->cursor));
    return c > 0 ? c : 1;
}

/* Moves hscroll so that the cursor cell fits in `area` cells. */
static void prompt_scroll(struct prompt *p, int area)
{
    int ccell = prompt_cursor_cells(p);

    /* An edit before hscroll (a completion) may have left it inside a character. */
    if (p->hscroll > p->len) {
        p->hscroll = p->len;
    }
    while (p->hscroll > 0 && ((unsigned char)p->text[p->hscroll] & 0xC0) == 0x80) {
        p->hscroll--;
    }
    if (prompt_cells(p->text, 0, p->len) + 1 <= area) {
        p->hscroll = 0;
        return;
    }
    if (p->hscroll > p->cursor) {
        /* Moving left off the edge: show a quarter of the area before the cursor. */
        int back = area / 4;

        p->hscroll = p->cursor;
        while (p->hscroll > 0 && back > 0) {
            size_t prev = prompt_left_of(p, p->hscroll);

            back -= prompt_cells(p->text, prev, p->hscroll);
            if (back < 0) {
                break;
            }
            p->hscroll = prev;
        }
    }
    {
        int before = prompt_cells(p->text, p->hscroll, p->cursor);

        while (p->hscroll < p->cursor && before + ccell > area) {
            size_t next = prompt_right_of(p, p->hscroll);

            before -= prompt_cells(p->text, p->hscroll, next);
            p->hscroll = next;
        }
    }
}

void prompt_draw(struct prompt *p, WINDOW *w, int y, int x, int height, int width)
{
    attr_t normal = screen_attr(THEME_PROMPT);
    attr_t errattr = screen_attr(THEME_PROMPT_ERROR);
    int col = 0, tcol, area, errw = 0;
    char *err = NULL;
    size_t i;

    if (height < 1 || width < 1) {
        return;
    }
    if (p->prefix != 0 && width >= 2) {
        char pre[2] = {(char)p->prefix, '\0'};

        screen_put(w, y, x, pre, 1, false, normal);
        col = 1;
    }
    if (p->error != NULL) {
        err = xasprintf("  %s", p->error);
        errw = screen_text_width(err);
        if (errw > (width - col) / 2) {
            errw = (width - col) / 2;
        }
    }
    area = width - col - errw;
    if (area < 1) {
        area = 1;
    }
    prompt_scroll(p, area);
    tcol = col;
    i = p->hscroll;
    while (i < p->len) {
        size_t next = prompt_right_of(p, i);
        int cw = prompt_cells(p->text, i, next);
        attr_t a = normal;

        if (cw < 1) {
            cw = 1; /* a lone combining mark still gets a cell */
        }
        if (col - tcol + cw > area) {
            break;
        }
        if (p->error != NULL && i <= p->error_offset && p->error_offset < next) {
            a = errattr | A_UNDERLINE;
        }
        if (i == p->cursor && !p->hide_cursor) {
            a |= A_REVERSE;
        }
        prompt_put_bytes(w, y, x + col, p->text + i, next - i, cw, a);
        col += cw;
        i = next;
    }
    if (p->cursor >= p->len && col < width) {
        attr_t a = normal;

        if (p->error != NULL && p->error_offset >= p->len) {
            a = errattr | A_UNDERLINE;
        }
        if (!p->hide_cursor) {
            a |= A_REVERSE;
        }
        screen_put(w, y, x + col, " ", 1, false, a);
        col++;
    }
    if (err != NULL && col < width) {
        screen_put(w, y, x + col, err, width - col, false, errattr);
        col = width;
    }
    free(err);
    if (col < width) {
        screen_put(w, y, x + col, "", width - col, false, normal);
    }
}

void prompt_draw_candidates(const struct prompt *p, WINDOW *w, int y, int x, int width,
                            attr_t attr)
{
    int col = 0;

    for (size_t i = 0; i < p->ncands && col < width; i++) {
        int cw = screen_text_width(p->cands[i]);

        if (i > 0) {
            screen_put(w, y, x + col, "", width - col < 2 ? width - col : 2, false, attr);
            col += 2;
            if (col >= width) {
                break;
            }
        }
        if (cw > width - col) {
            cw = width - col;
        }
        screen_put(w, y, x + col, p->cands[i], cw, false,
                   i == p->cand_sel ? screen_attr(THEME_HIGHLIGHT) : attr);
        col += cw;
    }
    if (col < width) {
        screen_put(w, y, x + col, "", width - col, false, attr);
    }
}
