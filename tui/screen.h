/* The terminal: curses set-up and tear-down, colour attributes, resize, and text output
 * measured in display cells (wcwidth). Only tui/ calls curses. */
#ifndef GC_TUI_SCREEN_H
#define GC_TUI_SCREEN_H

#include <stdbool.h>

#include "tui/curses.h"
#include "views/view.h"

#define SCREEN_MIN_COLS 80
#define SCREEN_MIN_ROWS 24

/* What is drawn; each maps to a colour pair and attributes. */
enum ui_slot {
    UI_HEADER,
    UI_HEADER_DIM,
    UI_TITLE,
    UI_TABLE_HEADER,
    UI_ROW,
    UI_SELECTED,
    UI_STATUS_LINE,
    UI_FLASH_ERROR,
    UI_TONE_DIM,
    UI_TONE_OK,
    UI_TONE_WARN,
    UI_TONE_CRIT,
    UI_TONE_PENDING,
    UI_TONE_UNKNOWN,
    UI_SLOT_COUNT
};

/* Starts curses on the terminal. With no_color (NO_COLOR set) no colour is ever sent. */
void screen_init(bool no_color);
/* Restores the terminal; safe to call more than once and from die hooks. */
void screen_fini(void);
bool screen_active(void);

/* Reads the terminal size after SIGWINCH and resizes curses' idea of it. */
void screen_resize(void);

attr_t screen_attr(enum ui_slot slot);
enum ui_slot screen_tone_slot(enum view_tone tone);

/* Display width of UTF-8 text in terminal cells (invalid bytes count as one cell). */
int screen_text_width(const char *s);

/* Writes UTF-8 text at (y, x) in exactly `width` cells: truncated with '~' if longer, padded
 * with spaces if shorter, right-aligned when `right`. Returns the cells written. */
int screen_put(WINDOW *w, int y, int x, const char *s, int width, bool right, attr_t attr);

#endif
