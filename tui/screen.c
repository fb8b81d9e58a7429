/* Terminal set-up, colour pairs and cell-exact text output. */
#include "tui/screen.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

static bool active;
static bool colors;
static attr_t slot_attr[UI_SLOT_COUNT];

struct slot_style {
    short fg, bg;
    attr_t mono; /* attributes always applied (with or without colour) */
};

/* Dark default; -1 is the terminal's own colour. */
static const struct slot_style slot_styles[UI_SLOT_COUNT] = {
    [UI_HEADER] = {COLOR_BLACK, COLOR_CYAN, A_BOLD},
    [UI_HEADER_DIM] = {COLOR_BLACK, COLOR_CYAN, 0},
    [UI_TITLE] = {COLOR_CYAN, -1, A_BOLD},
    [UI_TABLE_HEADER] = {COLOR_WHITE, -1, A_BOLD | A_UNDERLINE},
    [UI_ROW] = {-1, -1, 0},
    [UI_SELECTED] = {COLOR_BLACK, COLOR_WHITE, A_REVERSE},
    [UI_STATUS_LINE] = {COLOR_WHITE, COLOR_BLUE, 0},
    [UI_FLASH_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD},
    [UI_TONE_DIM] = {-1, -1, A_DIM},
    [UI_TONE_OK] = {COLOR_GREEN, -1, 0},
    [UI_TONE_WARN] = {COLOR_YELLOW, -1, 0},
    [UI_TONE_CRIT] = {COLOR_RED, -1, A_BOLD},
    [UI_TONE_PENDING] = {COLOR_BLUE, -1, 0},
    [UI_TONE_UNKNOWN] = {COLOR_MAGENTA, -1, 0},
};

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
    for (int s = 0; s < UI_SLOT_COUNT; s++) {
        slot_attr[s] = slot_styles[s].mono;
        if (colors) {
            init_pair((short)(s + 1), slot_styles[s].fg, slot_styles[s].bg);
            slot_attr[s] = (slot_styles[s].mono & (attr_t)~A_REVERSE) | COLOR_PAIR(s + 1);
        }
    }
}

void screen_fini(void)
{
    if (active) {
        active = false;
        endwin();
    }
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

attr_t screen_attr(enum ui_slot slot)
{
    return slot_attr[slot];
}

enum ui_slot screen_tone_slot(enum view_tone tone)
{
    switch (tone) {
    case TONE_DIM:
        return UI_TONE_DIM;
    case TONE_OK:
        return UI_TONE_OK;
    case TONE_WARN:
        return UI_TONE_WARN;
    case TONE_CRIT:
        return UI_TONE_CRIT;
    case TONE_PENDING:
        return UI_TONE_PENDING;
    case TONE_UNKNOWN:
        return UI_TONE_UNKNOWN;
    case TONE_NORMAL:
        break;
    }
    return UI_ROW;
}

/* Decodes one UTF-8 character; returns its length (1 for an invalid byte, *wc = '?'). */
static size_t screen_decode(const char *s, wchar_t *wc)
{
    mbstate_t st;
    size_t n;

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
    int w = wcwidth(wc);

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

int screen_put(WINDOW *w, int y, int x, const char *s, int width, bool right, attr_t attr)
{
    int tw = screen_text_width(s);
    int used = 0;
    bool cut = tw > width;

    if (width <= 0) {
        return 0;
    }
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
        if (wc[0] < 32 || wc[0] == 127) {
            wc[0] = L'?'; /* never a control character on the terminal */
        }
        waddnwstr(w, wc, 1);
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
