/* A less-like viewer for `d` (describe), `y` (raw object) and later streamed logs: a title,
 * lines of UTF-8 text, scrolling with or without wrapping, and a `/` search in the same
 * pattern language as the table filter (core/filter.h), highlighted in THEME_HIGHLIGHT.
 *
 * The pager owns its search line (a struct prompt): while `/` is open every key goes to it,
 * so the app just forwards all keys to pager_key() while the pager is shown.
 *
 * Text is indexed by line offsets when it arrives and wrapped lazily, row by row, for what is
 * on screen; a keystroke costs the same for 100 lines or 1,000,000. */
#ifndef GC_TUI_PAGER_H
#define GC_TUI_PAGER_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/curses.h"
#include "tui/help.h"
#include "tui/prompt.h"

struct pager;

/* What a key did. */
enum pager_result {
    PAGER_NONE,    /* not a pager key (the app may use it, e.g. Ctrl-L) */
    PAGER_HANDLED, /* consumed; repaint the pager */
    PAGER_CLOSE,   /* q or Esc (outside the search line): the app closes the pager */
};

/* A new, empty pager. `search_hist` (borrowed, may be NULL) is the history of its `/` line;
 * the app may keep one for the session so searches survive closing the pager. Release with
 * pager_free(). */
struct pager *pager_new(struct prompt_history *search_hist);
void pager_free(struct pager *p);

/* Replaces the title (copied; NULL keeps the current one) and the whole text (len bytes, need
 * not be NUL-terminated; NULL or empty for none), and goes back to the top. Keeps the wrap and follow
 * settings; forgets the current match and notice but keeps the last search pattern. */
void pager_set_text(struct pager *p, const char *title, const char *text, size_t len);

/* Appends len bytes (text may be NULL when len is 0), for streamed content. A chunk may end in the middle of a UTF-8
 * character or of a CR LF pair: the remainder waits for the next chunk. The view does not
 * move unless following (pager_set_follow). */
void pager_append(struct pager *p, const char *text, size_t len);

/* Line marks, for merged logs: tones 1..PAGER_TONES colour a line's prefix (a pod's short
 * name), each its own theme slot (log.prefix-1 ...); PAGER_TONE_NOTE dims the whole line (a
 * remark of the console's, not the log's). */
enum {
    PAGER_TONE_NONE = 0,
    PAGER_TONES = 6,
    PAGER_TONE_NOTE = 15,
};

/* As pager_append(), and every line that starts in `text` gets the mark: its first `prefix`
 * bytes are painted in `tone` (1..PAGER_TONES), or with PAGER_TONE_NOTE the whole line is; a
 * search match still shows over it. Append whole lines (ending in LF) so that a line's mark
 * is the one it was meant to have. */
void pager_append_marked(struct pager *p, const char *text, size_t len, unsigned tone,
                         size_t prefix);

/* Sets the title alone (copied). */
void pager_set_title(struct pager *p, const char *title);

/* Following: the view stays at the bottom as text arrives (logs -f). Moving up leaves follow;
 * G/End comes back to it as long as it was turned on here (or with `F`). */
void pager_set_follow(struct pager *p, bool on);
/* Keeps at most about `max` lines (the oldest go first; 0 = no limit), for followed logs. */
void pager_set_max_lines(struct pager *p, size_t max);
bool pager_following(const struct pager *p);

/* What text is stored: control characters never reach the screen. TAB becomes a space,
 * CR LF becomes LF, every other C0 control, DEL, a C1 control, a bidirectional override or
 * isolate and each invalid UTF-8 byte becomes '?'. Lines are split at LF; a final LF does not
 * start an empty line. */
size_t pager_line_count(const struct pager *p);
/* Line i (0-based): borrowed, *len bytes, not NUL-terminated; valid until the next
 * set_text/append. NULL when i is out of range. */
const char *pager_line(const struct pager *p, size_t i, size_t *len);

/* Line i's mark: its tone (PAGER_TONE_NONE for an unmarked line or one out of range) and, in
 * *prefix (may be NULL), how many of its bytes the tone covers. */
unsigned pager_line_tone(const struct pager *p, size_t i, size_t *prefix);

/* The line at the top of the view (0-based), and whether lines wrap. */
size_t pager_top_line(const struct pager *p);
bool pager_wrapping(const struct pager *p);
/* Columns scrolled off the left edge (without wrap). */
int pager_hscroll(const struct pager *p);

/* The size of the text area (rows between the title and the bottom line, and columns).
 * pager_draw() sets it on every paint; call this only to handle keys before the first
 * paint (tests). Until then it is 21 x 80. */
void pager_set_view(struct pager *p, int rows, int cols);

/* True while the `/` search line is open. */
bool pager_searching(const struct pager *p);
/* The search line, for the app to inspect (borrowed). */
const struct prompt *pager_search_prompt(const struct pager *p);
/* The current match: its line and byte range in that line. False when there is none. */
bool pager_match(const struct pager *p, size_t *line, size_t *start, size_t *end);
/* The one-key notice shown on the bottom line ("search hit BOTTOM, continuing at TOP",
 * "Pattern not found: x"), or NULL; *is_error tells errors from information. Cleared by the
 * next key. Borrowed. */
const char *pager_notice(const struct pager *p, bool *is_error);

/* Handles one key (key codes as in tui/prompt.h). Outside the search line:
 *   j, Down, Enter, Ctrl-E / k, Up, Ctrl-Y     one row down / up
 *   Space, PgDn, Ctrl-F, f / b, PgUp, Ctrl-B     one page down / up
 *   Ctrl-D / Ctrl-U                            half a page down / up
 *   g, Home, < / G, End, >                     top / bottom (G also resumes following)
 *   Left / Right (and h / l)                   scroll sideways by half a screen, without wrap
 *   w                                          toggle wrapping
 *   F                                          toggle following (and go to the bottom)
 *   /                                          open the search line
 *   n / N                                      next / previous match, wrapping around the
 *                                              ends with a notice
 *   q, Esc                                     PAGER_CLOSE
 * In the search line: editing keys as in the prompt; the pattern is compiled as you type, an
 * invalid one shows PCRE2's message and where, a valid one highlights its matches; Enter jumps
 * to the first match from the top of the view (an empty line repeats the last search; an
 * invalid pattern keeps the line open); Esc closes the line and keeps the previous search.
 * Smart case: caseless unless the pattern has an upper-case letter. A leading '!' is a
 * literal '!' here (no inversion in a search). */
enum pager_result pager_key(struct pager *p, int key);
/* Its keys for help: pager_help_keys (tui/help.h). */

/* Paints the pager into the rectangle: a title line (title, "L top/total", percent at the
 * bottom of the view, wrap/nowrap, follow), the text rows, and a bottom line with the search
 * line, a notice or the key hints. Under 3 rows it paints only text. Never refreshes. */
void pager_draw(struct pager *p, WINDOW *w, int y, int x, int height, int width);

#endif
