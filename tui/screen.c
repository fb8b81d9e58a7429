/* Terminal set-up, colour pairs and cell-exact text output. */
#include "tui/screen.h"

#include "core/sanitize.h"
#include "core/xalloc.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

static bool active;
static bool colors;
static struct theme *theme;
static char view_name[64];
static bool attrs_valid;
static attr_t slot_attr[THEME_SLOT_COUNT];

/* curses attributes for theme attribute bits. */
static attr_t screen_attr_bits(unsigned a)
{
    attr_t r = A_NORMAL;

    r |= (a & THEME_ATTR_BOLD) ? A_BOLD : 0;
    r |= (a & THEME_ATTR_DIM) ? A_DIM : 0;
    r |= (a & THEME_ATTR_REVERSE) ? A_REVERSE : 0;
    r |= (a & THEME_ATTR_UNDERLINE) ? A_UNDERLINE : 0;
    r |= (a & THEME_ATTR_BLINK) ? A_BLINK : 0;
#ifdef A_ITALIC
    r |= (a & THEME_ATTR_ITALIC) ? A_ITALIC : 0;
#endif
    return r;
}

/* Resolves every slot for the current theme and view: one colour pair per slot. */
static void screen_compute_attrs(void)
{
    for (int s = 0; s < THEME_SLOT_COUNT; s++) {
        const struct theme_style *st = theme_lookup(theme, view_name[0] ? view_name : NULL,
                                                    (enum theme_slot)s);

        slot_attr[s] = screen_attr_bits(st->attrs);
        if (colors) {
            int fg = theme_color_reduce(st->fg, COLORS);
            int bg = theme_color_reduce(st->bg, COLORS);

            init_pair((short)(s + 1), (short)fg, (short)bg);
            slot_attr[s] |= COLOR_PAIR(s + 1);
        }
    }
    attrs_valid = true;
}

void screen_init(bool no_color)
{
    setlocale(LC_ALL, "");
    if (getenv("ESCDELAY") == NULL) {
        set_escdelay(25);
    }
    initscr();
    active = true;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    colors = !no_color && has_colors();
    if (colors) {
        start_color();
        use_default_colors();
    }
    if (theme == NULL || !colors) {
        theme_free(theme);
        theme = colors ? theme_new_default() : theme_new_mono();
    }
    attrs_valid = false;
}

bool screen_has_color(void)
{
    return colors;
}

void screen_set_theme(struct theme *t)
{
    if (active && !colors) {
        theme_free(t); /* NO_COLOR or a monochrome terminal: mono stays */
        return;
    }
    theme_free(theme);
    theme = t;
    attrs_valid = false;
}

const char *screen_theme_name(void)
{
    return theme != NULL ? theme_name(theme) : "default";
}

void screen_set_view(const char *view)
{
    const char *v = view != NULL ? view : "";

    if (strcmp(v, view_name) != 0) {
        snprintf(view_name, sizeof view_name, "%s", v);
        attrs_valid = false;
    }
}

void screen_fini(void)
{
    if (active) {
        active = false;
        endwin();
    }
    theme_free(theme);
    theme = NULL;
}

bool screen_active(void)
{
    return active;
}

void screen_resize(void)
{
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
        resizeterm(ws.ws_row, ws.ws_col);
    }
}

attr_t screen_attr(enum theme_slot slot)
{
    if (!attrs_valid) {
        if (theme == NULL) {
            theme = theme_new_default();
        }
        screen_compute_attrs();
    }
    return slot_attr[slot];
}

enum theme_slot screen_tone_slot(enum view_tone tone)
{
    switch (tone) {
    case TONE_DIM:
        return THEME_STATUS_STALE;
    case TONE_OK:
        return THEME_STATUS_OK;
    case TONE_WARN:
        return THEME_STATUS_WARN;
    case TONE_CRIT:
        return THEME_STATUS_CRIT;
    case TONE_PENDING:
        return THEME_STATUS_PENDING;
    case TONE_UNKNOWN:
        return THEME_STATUS_UNKNOWN;
    case TONE_OVERDUE:
        return THEME_STATUS_OVERDUE;
    case TONE_NORMAL:
        break;
    }
    return THEME_TABLE_ROW;
}

/* Decodes one UTF-8 character; returns its length (1 for an invalid byte, *wc = '?'). */
static size_t screen_decode(const char *s, wchar_t *wc)
{
    mbstate_t st;
    size_t n;

    if ((unsigned char)*s < 0x80) { /* ASCII, nearly every byte drawn: no mbrtowc */
        *wc = (wchar_t)*s;
        return 1;
    }
    memset(&st, 0, sizeof st);
    n = mbrtowc(wc, s, MB_CUR_MAX, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *wc = L'?';
        return 1;
    }
    return n;
}

static int screen_wcwidth(wchar_t wc)
{
    int w;

    if (wc >= 32 && wc < 127) {
        return 1;
    }
    w = wcwidth(wc);

    return w < 0 ? 1 : w;
}

int screen_text_width(const char *s)
{
    int w = 0;

    while (*s != '\0') {
        wchar_t wc;

        s += screen_decode(s, &wc);
        w += screen_wcwidth(wc);
    }
    return w;
}

/* screen_put() for text of printable ASCII, nearly every cell drawn: the cells are built
 * here and copied into the window at once, without decoding or a call per character. False
 * (nothing painted) for other text, or a width beyond the buffer. */
static bool screen_put_ascii(WINDOW *w, int y, int x, const char *s, int width, bool right,
                             attr_t attr)
{
    enum { FAST_MAX = 512 };
    chtype cells[FAST_MAX];
    size_t len = 0;
    int shown, i = 0;

    if (width > FAST_MAX) {
        return false;
    }
    for (; s[len] != '\0'; len++) {
        if ((unsigned char)s[len] < 32 || (unsigned char)s[len] > 126) {
            return false;
        }
    }
    shown = len > (size_t)width ? width - 1 : (int)len;
    if (right && len <= (size_t)width) {
        for (; i < width - shown; i++) {
            cells[i] = ' ' | attr;
        }
    }
    for (int k = 0; k < shown; k++) {
        cells[i++] = (chtype)(unsigned char)s[k] | attr;
    }
    if (len > (size_t)width) {
        cells[i++] = '~' | attr;
    }
    for (; i < width; i++) {
        cells[i] = ' ' | attr;
    }
    mvwaddchnstr(w, y, x, cells, width);
    return true;
}

int screen_put(WINDOW *w, int y, int x, const char *s, int width, bool right, attr_t attr)
{
    int tw, used = 0;
    bool cut;

    if (width <= 0) {
        return 0;
    }
    if (screen_put_ascii(w, y, x, s, width, right, attr)) {
        return width;
    }
    tw = screen_text_width(s);
    cut = tw > width;
    wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
    wmove(w, y, x);
    if (right && !cut) {
        for (; used < width - tw; used++) {
            waddch(w, ' ');
        }
    }
    while (*s != '\0') {
        wchar_t wc[2] = {0, 0};
        int cw;
        size_t n = screen_decode(s, &wc[0]);

        cw = screen_wcwidth(wc[0]);
        if (cut && used + cw > width - 1) {
            break;
        }
        if (used + cw > width) {
            break;
        }
        if (wc[0] < 0 || sanitize_forbidden((uint32_t)wc[0])) {
            wc[0] = L'?'; /* never a control or an invisible character on the terminal */
        }
        if (wc[0] < 127) {
            waddch(w, (chtype)wc[0]);
        } else {
            waddnwstr(w, wc, 1);
        }
        used += cw;
        s += n;
    }
    if (cut) {
        waddch(w, '~');
        used++;
    }
    for (; used < width; used++) {
        waddch(w, ' ');
    }
    wattr_set(w, A_NORMAL, 0, NULL);
    return width;
}

void screen_border(WINDOW *w, int y, int x, int h, int wd, attr_t a)
{
    if (h < 2 || wd < 2) {
        return;
    }
    mvwaddch(w, y, x, ACS_ULCORNER | a);
    mvwaddch(w, y, x + wd - 1, ACS_URCORNER | a);
    mvwaddch(w, y + h - 1, x, ACS_LLCORNER | a);
    mvwaddch(w, y + h - 1, x + wd - 1, ACS_LRCORNER | a);
    mvwhline(w, y, x + 1, ACS_HLINE | a, wd - 2);
    mvwhline(w, y + h - 1, x + 1, ACS_HLINE | a, wd - 2);
    mvwvline(w, y + 1, x, ACS_VLINE | a, h - 2);
    mvwvline(w, y + 1, x + wd - 1, ACS_VLINE | a, h - 2);
}

void screen_box(WINDOW *w, int y, int x, int height, int width, int h, int wd,
                const char *title, attr_t a, int *by, int *bx)
{
    *by = y + (height - h) / 2;
    *bx = x + (width - wd) / 2;
    for (int r = 0; r < h; r++) {
        screen_put(w, *by + r, *bx, "", wd, false, a);
    }
    screen_border(w, *by, *bx, h, wd, a);
    if (title[0] != '\0') {
        char *t = xasprintf(" %s ", title);
        int tw = screen_text_width(t);

        screen_put(w, *by, *bx + 2, t, tw < wd - 4 ? tw : wd - 4, false, a | A_BOLD);
        free(t);
    }
}

void screen_dim(WINDOW *w, int y, int h)
{
    attr_t dim = screen_attr(THEME_OVERLAY_DIM);
    short pair = (short)PAIR_NUMBER(dim);

    for (int r = y; r < y + h; r++) {
        mvwchgat(w, r, 0, -1, (dim & ~A_COLOR) | A_DIM, pair, NULL);
    }
}
