/* The terminal: curses set-up and tear-down, the theme applied as colour pairs, resize, and
 * text output measured in display cells (wcwidth). Only tui/ calls curses. */
#ifndef GC_TUI_SCREEN_H
#define GC_TUI_SCREEN_H

#include <stdbool.h>

#include "core/theme.h"
#include "tui/curses.h"
#include "views/view.h"

#define SCREEN_MIN_COLS 40
#define SCREEN_MIN_ROWS 10

/* Starts curses on the terminal. With no_color (NO_COLOR set) or a terminal without colours,
 * no colour is ever sent and the mono theme is used. */
void screen_init(bool no_color);
/* Restores the terminal; safe to call more than once and from die hooks. */
void screen_fini(void);
bool screen_active(void);
/* True when colours are in use. */
bool screen_has_color(void);

/* Uses theme `t` (ownership passes to the screen; the previous one is freed). Without colour
 * the mono theme is kept whatever is asked. Takes effect at the next paint. */
void screen_set_theme(struct theme *t);
const char *screen_theme_name(void);
/* Per-view theme overrides ("pods.status.crit ..."): the view being painted, or NULL. */
void screen_set_view(const char *view);

/* Reads the terminal size after SIGWINCH and resizes curses' idea of it. */
void screen_resize(void);

attr_t screen_attr(enum theme_slot slot);
enum theme_slot screen_tone_slot(enum view_tone tone);

/* Display width of UTF-8 text in terminal cells (invalid bytes count as one cell). */
int screen_text_width(const char *s);

/* Writes UTF-8 text at (y, x) in exactly `width` cells: truncated with '~' if longer, padded
 * with spaces if shorter, right-aligned when `right`. Control characters (C0, DEL, C1) are
 * painted as '?'. Returns the cells written. */
int screen_put(WINDOW *w, int y, int x, const char *s, int width, bool right, attr_t attr);

/* A line-drawn box h rows by wd cells with its top left corner at (y, x) (nothing when
 * smaller than 2x2); the inside is left as it is. */
void screen_border(WINDOW *w, int y, int x, int h, int wd, attr_t a);

/* An overlay box h rows by wd cells centred in (y, x, height, width): cleared in `a`, a
 * border, and `title` (unless empty) in bold in the top border. Sets *by and *bx to its top
 * left corner. For the dialog and the form. */
void screen_box(WINDOW *w, int y, int x, int height, int width, int h, int wd,
                const char *title, attr_t a, int *by, int *bx);

/* Dims rows y .. y+h-1 of w (what is under an overlay), keeping their text. */
void screen_dim(WINDOW *w, int y, int h);

#endif
