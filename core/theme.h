/* Themes are data: a theme maps each semantic slot (what a piece of the screen *is*) to a
 * colour pair and attributes. tui/ turns a slot into curses attributes at paint time, so
 * switching theme is a reload plus a full redraw. Nothing here touches the terminal.
 *
 * File format (docs/themes.md):
 *     # comment
 *     inherit default                  optional, first directive only
 *     status.crit  red  default  bold  slot fg bg [attr...]
 *     pods.status.crit red default bold   the same, only in view "pods"
 * Colours: default, black red green yellow blue magenta cyan white, bright-black ..
 * bright-white (8..15), colorN (0..255), #rrggbb (nearest xterm-256 colour).
 * Attributes: bold dim reverse underline italic blink (normal = none).
 * Names are case-insensitive and `-`/`_` are interchangeable. */
#ifndef GC_CORE_THEME_H
#define GC_CORE_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* Every slot: enum suffix, name in theme files, help text. Add slots at the end of a group;
 * themes/default.theme must set every slot (a unit test checks). */
#define THEME_SLOTS(_)                                                                             \
    _(HEADER, "header", "title bar: view name, row count, context")                                \
    _(HEADER_DIM, "header.dim", "secondary text in the title bar")                                 \
    _(STATUS_LINE, "status-line", "bottom line: source health, hints")                             \
    _(BREADCRUMB, "breadcrumb", "the drill-down path, e.g. tenants > dmi > apps")                  \
    _(TABLE_HEADER, "table.header", "column titles of a table")                                    \
    _(TABLE_ROW, "table.row", "an ordinary table row")                                             \
    _(TABLE_ROW_ALT, "table.row-alt", "every other row (zebra); same as table.row to turn off")    \
    _(SEL_FOCUS, "sel.focus", "the selected row while the table has the focus")                    \
    _(SEL_BLUR, "sel.blur", "the selected row while a prompt or dialog has the focus")             \
    _(HIGHLIGHT, "highlight", "text matching the / filter")                                        \
    _(BORDER, "border", "lines between panes")                                                     \
    _(PROMPT, "prompt", "the : command and / filter line")                                         \
    _(PROMPT_ERROR, "prompt.error", "the prompt when its text is invalid (bad pattern)")           \
    _(FLASH_INFO, "flash.info", "a transient message")                                             \
    _(FLASH_ERROR, "flash.error", "a transient error message")                                     \
    _(STATUS_OK, "status.ok", "healthy: Running, OK, met")                                         \
    _(STATUS_WARN, "status.warn", "degraded: WARNING, restarts, budget low")                       \
    _(STATUS_CRIT, "status.crit", "broken: CrashLoopBackOff, CRITICAL, breached")                  \
    _(STATUS_UNKNOWN, "status.unknown", "state not known: UNKNOWN, no data")                       \
    _(STATUS_PENDING, "status.pending", "on its way: Pending, rolling out, in progress")           \
    _(STATUS_STALE, "status.stale", "data older than its source's interval")                       \
    _(STATUS_OVERDUE, "status.overdue", "a dataset whose newest data is overdue for its cadence")  \
    _(SEV_CRITICAL, "sev.critical", "incident priority 1")                                         \
    _(SEV_HIGH, "sev.high", "incident priority 2")                                                 \
    _(SEV_MODERATE, "sev.moderate", "incident priority 3")                                         \
    _(SEV_LOW, "sev.low", "incident priority 4 and 5")                                             \
    _(HELP_KEY, "help.key", "a key in the help screen")                                            \
    _(HELP_TEXT, "help.text", "a description in the help screen")                                  \
    _(HELP_OFF, "help.off", "an action this session may not use, in the help screen")             \
    _(OVERLAY_DIM, "overlay.dim", "what lies under the help screen, dimmed")                       \
    _(PAGER_TEXT, "pager.text", "describe, raw object and logs")                                   \
    _(PAGER_SEARCH, "pager.search", "search matches in the pager")                                 \
    _(DIALOG, "dialog", "a confirm or input dialog")                                               \
    _(DIALOG_BUTTON, "dialog.button", "a dialog button")                                           \
    _(DIALOG_BUTTON_FOCUS, "dialog.button-focus", "the dialog button Enter would press")           \
    _(LOG_PREFIX_1, "log.prefix-1", "a pod's name before its lines in merged logs (six tones)")    \
    _(LOG_PREFIX_2, "log.prefix-2", "the second tone of pod names in merged logs")                 \
    _(LOG_PREFIX_3, "log.prefix-3", "the third tone of pod names in merged logs")                  \
    _(LOG_PREFIX_4, "log.prefix-4", "the fourth tone of pod names in merged logs")                 \
    _(LOG_PREFIX_5, "log.prefix-5", "the fifth tone of pod names in merged logs")                  \
    _(LOG_PREFIX_6, "log.prefix-6", "the sixth tone of pod names in merged logs")                  \
    _(LOG_NOTE, "log.note", "the console's remarks in a log: a pod gone, restarted, the end")

#define THEME_SLOT_ENUM_(id, name, help) THEME_##id,
enum theme_slot { THEME_SLOTS(THEME_SLOT_ENUM_) THEME_SLOT_COUNT };
#undef THEME_SLOT_ENUM_

enum theme_attr {
    THEME_ATTR_BOLD = 1u << 0,
    THEME_ATTR_DIM = 1u << 1,
    THEME_ATTR_REVERSE = 1u << 2,
    THEME_ATTR_UNDERLINE = 1u << 3,
    THEME_ATTR_ITALIC = 1u << 4,
    THEME_ATTR_BLINK = 1u << 5,
};

/* The terminal's own colour (fg or bg). */
#define THEME_COLOR_DEFAULT (-1)

struct theme_style {
    int fg;         /* THEME_COLOR_DEFAULT or a palette index 0..255 */
    int bg;         /* likewise */
    unsigned attrs; /* THEME_ATTR_* bits */
};

struct theme;

/* A growable list of "FILE:LINE: message" strings (owned). Zero-initialise or call
 * theme_warnings_init(); release with theme_warnings_fini(). */
struct theme_warnings {
    char **items;
    size_t count;
    size_t cap;
};

void theme_warnings_init(struct theme_warnings *w);
/* Frees every message and leaves the list empty and reusable. */
void theme_warnings_fini(struct theme_warnings *w);

/* The built-in themes, parsed from strings embedded in theme.c that are byte-identical to
 * themes/default.theme and themes/mono.theme. Never NULL; caller frees with theme_free(). */
struct theme *theme_new_default(void);
/* Attributes only (no colour at all): for NO_COLOR and terminals without colours. */
struct theme *theme_new_mono(void);

/* The embedded text of a built-in theme ("default" or "mono"), NUL-terminated, static; NULL
 * for any other name. */
const char *theme_builtin_text(const char *name);

/* Parses theme text (len bytes; need not be NUL-terminated). `name` names the theme and is
 * the FILE part of messages. `inherit` may name only built-in themes here. Always returns a
 * theme (caller frees): lines with errors are skipped and reported in `w` (may be NULL), so
 * the caller decides whether a theme with warnings is acceptable. */
struct theme *theme_parse(const char *name, const char *text, size_t len, struct theme_warnings *w);

/* Reads and parses a file; the theme's name is the file name without directory and without
 * ".theme". `inherit` looks in the file's own directory, then the built-ins. Returns NULL
 * (with a "PATH: reason" message in `w`) if the file cannot be read; otherwise as
 * theme_parse(). Caller frees. */
struct theme *theme_load(const char *path, struct theme_warnings *w);

/* Finds NAME.theme in `dirs` (a NULL-terminated list, tried in order, e.g. the user directory
 * then the installed themes/ directory; NULL for none), else the built-in "default" or
 * "mono". `inherit` inside a found file searches the same way. Returns NULL with a message in
 * `w` when the name is invalid (empty, or holds '/') or nothing is found. Caller frees. */
struct theme *theme_find(const char *name, const char *const *dirs, struct theme_warnings *w);

/* Writes "$XDG_CONFIG_HOME/govconsole/themes" (or "~/.config/govconsole/themes") into buf;
 * returns buf, or NULL if no home directory is known or buf is too small. */
const char *theme_user_dir(char *buf, size_t n);

/* NULL is allowed. */
void theme_free(struct theme *t);

/* Borrowed; valid until theme_free(). */
const char *theme_name(const struct theme *t);

/* The style of `slot` in view `view` (a view's name, e.g. "pods"; NULL for none): the view's
 * override if the theme has one for that slot, else the theme-wide style. Borrowed; valid
 * until theme_free(). An out-of-range slot gives the table.row style. */
const struct theme_style *theme_lookup(const struct theme *t, const char *view,
                                       enum theme_slot slot);

/* Maps a colour (THEME_COLOR_DEFAULT or 0..255) to the closest of the first `ncolors`
 * palette entries, keeping its hue where it can: identity when ncolors >= 256 or the colour
 * is already below ncolors; 8..15 become 0..7 on 8-colour terminals. Default stays default.
 * ncolors < 8 (no colour) gives THEME_COLOR_DEFAULT. */
int theme_color_reduce(int color, int ncolors);

/* The file name of a slot, e.g. "status.crit"; "?" when out of range. Static. */
const char *theme_slot_name(enum theme_slot slot);
/* Its help text. Static. */
const char *theme_slot_help(enum theme_slot slot);
/* The slot for a name (case-insensitive, '-' and '_' interchangeable), or -1 if none. */
int theme_slot_from_name(const char *name);

/* Parses one colour word as theme files spell it; returns false if it is not one. */
bool theme_parse_color(const char *word, int *color);

#endif
