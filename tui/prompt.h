/* The one-line editor behind the `:` command line, the `/` filter line, the pager's search
 * line and the dialog's typed-confirmation field. It edits UTF-8 text, walks a history, asks a
 * caller-supplied callback for Tab completions and paints itself; it never refreshes the
 * screen and knows nothing about commands or patterns.
 *
 * Key codes. Every widget (prompt_key, pager_key, dialog_key) takes one int per key:
 *   - a function key is its curses KEY_* code (KEY_LEFT, KEY_BACKSPACE, KEY_BTAB, ...);
 *   - a character is its Unicode code point: ASCII control characters as themselves (Enter is
 *     '\r' or '\n', Esc is 27, Ctrl-A is 1, Tab is 9), 'a' as 'a', U+00E6 as 0xE6;
 *   - a character at or above KEY_MIN (U+0101 and up) carries PROMPT_KEY_CHAR, because its code
 *     point would otherwise be read as a KEY_* code (U+0102 is KEY_DOWN).
 * prompt_keycode() builds exactly this from what wget_wch() returns, so the main loop does
 *     wint_t wc; int rc;
 *     while ((rc = wget_wch(stdscr, &wc)) != ERR) { key = prompt_keycode(rc, wc); ... }
 * Bytes from getch() are NOT accepted: a UTF-8 character must arrive as one code point. */
#ifndef GC_TUI_PROMPT_H
#define GC_TUI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "tui/curses.h"

/* Set on the key code of a character whose code point is KEY_MIN or more. */
#define PROMPT_KEY_CHAR 0x40000000

/* Longest text the editor holds, in bytes; further input is refused. */
#define PROMPT_MAX_BYTES 4096
/* Default history bound, and the most completion candidates taken from the callback. */
#define PROMPT_HISTORY_MAX 100
#define PROMPT_MAX_CANDIDATES 64

/* Folds wget_wch()'s result `rc` (OK, KEY_CODE_YES or ERR) and its character `wc` into one
 * key code as described above. Returns ERR for ERR. */
int prompt_keycode(int rc, wint_t wc);

/* The code point a key code types, or -1 when it is a function key or a control character
 * (C0, DEL, C1, a bidirectional override or isolate) that never enters text. */
long prompt_key_char(int key);

/* What a key did. */
enum prompt_result {
    PROMPT_NONE,    /* the text did not change: a cursor move, a history walk that found
                     * nothing, or a key the prompt does not use; repaint the prompt anyway */
    PROMPT_CHANGED, /* the text changed (typing, deleting, history, completion): re-filter */
    PROMPT_ACCEPT,  /* Enter: read prompt_text(); the prompt stays as it is */
    PROMPT_CANCEL,  /* Esc, Ctrl-C or Ctrl-G: the prompt stays as it is; close it */
};

/* A bounded list of accepted lines, oldest first. The app keeps one per prompt kind (`:` and
 * `/`) for the whole session and lends it to prompts; a prompt never frees it. */
struct prompt_history {
    char **items;
    size_t count;
    size_t max;
};

/* max 0 means PROMPT_HISTORY_MAX. */
void prompt_history_init(struct prompt_history *h, size_t max);
void prompt_history_fini(struct prompt_history *h);
/* Copies `line` in as the newest entry. Ignores NULL, "", and a repeat of the newest entry;
 * drops the oldest entry beyond max. The prompt never adds on its own: call this on
 * PROMPT_ACCEPT with what you accepted. */
void prompt_history_add(struct prompt_history *h, const char *line);

/* Tab completion. Called with the whole text and the cursor (a byte offset). Stores up to
 * `max` candidates in out[] and returns how many; each candidate replaces the word before the
 * cursor, that is the bytes after the last space before the cursor (the whole text up to the
 * cursor when it holds no space). The strings need only live until the callback returns: the
 * prompt copies them. */
typedef size_t (*prompt_complete_fn)(const char *text, size_t cursor, const char **out,
                                     size_t max, void *arg);

/* The editor. Embed it and treat the fields as read-only: use the functions. */
struct prompt {
    char *text;   /* NUL-terminated UTF-8, len bytes */
    size_t len;
    size_t cap;
    size_t cursor; /* byte offset, always at a character boundary */
    size_t hscroll; /* first byte shown; prompt_draw keeps the cursor in view */
    int prefix;    /* ':' or '/' drawn before the text, or 0 for none */
    bool hide_cursor; /* caller may set: paint no cursor cell (an unfocused field) */

    struct prompt_history *hist; /* borrowed, may be NULL */
    size_t hist_pos;             /* entry shown, or SIZE_MAX while editing the line itself */
    char *hist_saved;            /* the line being edited while walking the history */

    prompt_complete_fn complete;
    void *complete_arg;
    bool complete_space;

    char **cands;     /* candidates of the last ambiguous Tab */
    size_t ncands;
    size_t cand_sel;  /* index of the candidate now in the text, or ncands for none */
    size_t cand_word; /* byte where the word being completed starts */

    char *error;      /* set by the caller, shown after the text */
    size_t error_offset;
};

/* Sets up an empty prompt. `prefix` is ':' , '/' or 0; `hist` may be NULL. prompt_fini()
 * releases what it holds (not the history). */
void prompt_init(struct prompt *p, int prefix, struct prompt_history *hist);
void prompt_fini(struct prompt *p);

/* Replaces the text (NULL is ""), puts the cursor at its end, and forgets the error, the
 * candidates and any history walk. Call it with "" (or the current filter) when opening the
 * prompt. Text beyond PROMPT_MAX_BYTES is cut at a character boundary. */
void prompt_set_text(struct prompt *p, const char *text);

/* The text: borrowed, valid until the next call that changes the prompt. */
const char *prompt_text(const struct prompt *p);

/* Installs the completion callback (NULL to disable). With `add_space`, a completion that
 * leaves a single candidate also inserts a space after it (for command names). */
void prompt_set_completion(struct prompt *p, prompt_complete_fn fn, void *arg, bool add_space);

/* Shows `msg` (copied; NULL clears) after the text in THEME_PROMPT_ERROR and marks the character
 * at byte `offset` of the text (the end of the text when offset >= its length). Any edit of
 * the text clears it again: re-validate on PROMPT_CHANGED and set it anew. */
void prompt_set_error(struct prompt *p, const char *msg, size_t offset);
/* The error set, or NULL. Borrowed. */
const char *prompt_error(const struct prompt *p);

/* The candidates of the last ambiguous Tab (the app shows them, e.g. "pods  po  pvc"), or
 * NULL with *n = 0 when there are none. *selected is the index of the candidate now in the
 * text, or *n when none is. Borrowed until the next prompt_key() or prompt_set_text(). The
 * list goes away on any key other than Tab and Shift-Tab. */
char *const *prompt_candidates(const struct prompt *p, size_t *n, size_t *selected);

/* Handles one key (see the key codes above):
 *   printable characters    insert at the cursor
 *   Left/Right, Ctrl-B/F    move one character
 *   Home/End, Ctrl-A/E      move to the start / end
 *   Backspace (KEY_BACKSPACE, 127, Ctrl-H)   delete before the cursor
 *   Delete (KEY_DC), Ctrl-D                  delete under the cursor
 *   Ctrl-U / Ctrl-K         delete to the start / to the end
 *   Ctrl-W                  delete the word before the cursor (spaces, then non-spaces)
 *   Up/Down, Ctrl-P/N       walk the history; the line being edited comes back at the bottom
 *   Tab                     complete: no candidate does nothing; one replaces the word (plus
 *                           a space with add_space); several replace it with their longest
 *                           common prefix and become prompt_candidates(); each further Tab
 *                           puts the next candidate in the text, wrapping; Shift-Tab
 *                           (KEY_BTAB) goes backwards
 *   Enter ('\r', '\n', KEY_ENTER)            PROMPT_ACCEPT
 *   Esc, Ctrl-C, Ctrl-G                      PROMPT_CANCEL */
enum prompt_result prompt_key(struct prompt *p, int key);

/* Paints the prompt on row y from column x over `width` cells: the prefix, the text scrolled
 * to keep the cursor visible, the cursor as a reverse-video cell (the app hides the terminal
 * cursor), then the error if any. Uses only the first row of `height` (nothing when height <
 * 1). Never refreshes. */
void prompt_draw(struct prompt *p, WINDOW *w, int y, int x, int height, int width);

/* Paints the candidate list on row y ("pods  po  pvc"), the selected one in THEME_HIGHLIGHT,
 * the rest in `attr`; pads to `width`. Paints just the padding when there are none. */
void prompt_draw_candidates(const struct prompt *p, WINDOW *w, int y, int x, int width,
                            attr_t attr);

/* Helpers the widgets share (they would belong in a tui/utf8.h). */

/* Decodes one UTF-8 character from s[0..len) (len > 0). Returns its length in bytes and sets
 * *cp; an invalid or truncated sequence gives 1 and *cp = UINT32_MAX. */
size_t prompt_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Terminal cells of a code point: wcwidth, with 1 for anything unprintable or invalid. */
int prompt_cp_width(uint32_t cp);
/* Paints s[0..n) (need not be NUL-terminated) at (y, x) in exactly `width` cells with
 * screen_put(). */
void prompt_put_bytes(WINDOW *w, int y, int x, const char *s, size_t n, int width,
                      attr_t attr);

#endif
