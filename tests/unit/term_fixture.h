/* A curses screen writing to /dev/null, for the widget tests' drawing cases. Header-only:
 * each test binary includes it once. */
#ifndef GC_TESTS_TERM_FIXTURE_H
#define GC_TESTS_TERM_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "tui/curses.h"

struct term {
    SCREEN *scr;
    FILE *out, *in;
    WINDOW *w;
};

/* cmocka setup body: a screen and one rows x cols window in *state. */
static int term_open(void **state, int rows, int cols)
{
    struct term *t = calloc(1, sizeof *t);

    t->out = fopen("/dev/null", "w");
    t->in = fopen("/dev/null", "r");
    t->scr = newterm("xterm", t->out, t->in);
    assert_non_null(t->scr);
    t->w = newwin(rows, cols, 0, 0);
    *state = t;
    return 0;
}

static int term_teardown(void **state)
{
    struct term *t = *state;

    delwin(t->w);
    endwin();
    delscreen(t->scr);
    fclose(t->out);
    fclose(t->in);
    free(t);
    return 0;
}

/* The text of `n` cells of row y of w (n < 256), as multibyte text in out. */
static inline void term_row(WINDOW *w, int y, int n, char *out, size_t size)
{
    wchar_t wbuf[256];

    mvwinnwstr(w, y, 0, wbuf, n);
    wbuf[n] = L'\0';
    wcstombs(out, wbuf, size);
}

#endif
