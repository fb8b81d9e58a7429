/* Themes: slot tables from THEME_SLOTS, the theme file parser, built-in themes, colour
 * arithmetic. No terminal code: tui/ turns styles into curses attributes. */
#include "core/theme.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

/* Deeper than this, `inherit` is taken to be a cycle. */
#define THEME_MAX_INHERIT 8
/* A theme file larger than this is not a theme file. */
#define THEME_MAX_FILE (1024 * 1024)
/* Words on one line: slot, fg, bg and at most 13 attributes. */
#define THEME_MAX_WORDS 16

/* BEGIN BUILTIN default: byte-identical to themes/default.theme (test_theme checks). */
static const char theme_default_text[] =
    "# govconsole default theme: dark background, 256 colours.\n"
    "# Format: slot fg bg [attr...]; see docs/themes.md. This file is built into govconsole.\n"
    "\n"
    "# The title bar, the status line and the drill-down path.\n"
    "header              color231  color25   bold\n"
    "header.dim          color153  color25\n"
    "status-line         color250  color236\n"
    "breadcrumb          color117  default   bold\n"
    "border              color240  default\n"
    "\n"
    "# Tables. Zebra rows are off; try \"table.row-alt default color234\" to turn them on.\n"
    "table.header        color117  color236  bold\n"
    "table.row           default   default\n"
    "table.row-alt       default   default\n"
    "sel.focus           color231  color238  bold\n"
    "sel.blur            color252  color236\n"
    "highlight           color16   color220\n"
    "\n"
    "# The : and / prompt and transient messages.\n"
    "prompt              default   default\n"
    "prompt.error        color203  default   bold\n"
    "flash.info          color117  default\n"
    "flash.error         color231  color124  bold\n"
    "\n"
    "# States, from Kubernetes, Nagios, rollouts and the SLA.\n"
    "status.ok           color78   default\n"
    "status.warn         color220  default\n"
    "status.crit         color203  default   bold\n"
    "status.unknown      color141  default\n"
    "status.pending      color75   default\n"
    "status.stale        color244  default   italic\n"
    "status.overdue      color231  color160  bold\n"
    "\n"
    "# Incident priorities.\n"
    "sev.critical        color231  color160  bold\n"
    "sev.high            color203  default   bold\n"
    "sev.moderate        color220  default\n"
    "sev.low             color250  default\n"
    "\n"
    "# Help, pager and dialogs.\n"
    "help.key            color117  default   bold\n"
    "help.text           default   default\n"
    "help.off            color244  default\n"
    "overlay.dim         color240  default\n"
    "pager.text          default   default\n"
    "pager.search        color16   color220\n"
    "dialog              color252  color237\n"
    "dialog.button       color252  color239\n"
    "dialog.button-focus color231  color25   bold\n"
    "\n"
    "# Merged logs: each pod's name in its own tone; the console's remarks dimmed.\n"
    "log.prefix-1        color81   default\n"
    "log.prefix-2        color214  default\n"
    "log.prefix-3        color156  default\n"
    "log.prefix-4        color213  default\n"
    "log.prefix-5        color228  default\n"
    "log.prefix-6        color147  default\n"
    "log.note            color244  default   italic\n";
/* END BUILTIN default */

/* BEGIN BUILTIN mono: byte-identical to themes/mono.theme (test_theme checks). */
static const char theme_mono_text[] =
    "# govconsole mono theme: attributes only, no colour at all.\n"
    "# Used when NO_COLOR is set or the terminal has no colours. This file is built into "
    "govconsole.\n"
    "\n"
    "header              default   default   bold reverse\n"
    "header.dim          default   default   reverse\n"
    "status-line         default   default   reverse\n"
    "breadcrumb          default   default   bold\n"
    "border              default   default\n"
    "\n"
    "table.header        default   default   bold underline\n"
    "table.row           default   default\n"
    "table.row-alt       default   default\n"
    "sel.focus           default   default   reverse\n"
    "sel.blur            default   default   underline\n"
    "highlight           default   default   underline\n"
    "\n"
    "prompt              default   default\n"
    "prompt.error        default   default   bold\n"
    "flash.info          default   default\n"
    "flash.error         default   default   bold\n"
    "\n"
    "status.ok           default   default\n"
    "status.warn         default   default   bold\n"
    "status.crit         default   default   bold reverse\n"
    "status.unknown      default   default   underline\n"
    "status.pending      default   default\n"
    "status.stale        default   default   dim\n"
    "status.overdue      default   default   bold reverse underline\n"
    "\n"
    "sev.critical        default   default   bold reverse\n"
    "sev.high            default   default   bold\n"
    "sev.moderate        default   default\n"
    "sev.low             default   default\n"
    "\n"
    "help.key            default   default   bold\n"
    "help.text           default   default\n"
    "help.off            default   default   dim\n"
    "overlay.dim         default   default   dim\n"
    "pager.text          default   default\n"
    "pager.search        default   default   reverse\n"
    "dialog              default   default\n"
    "dialog.button       default   default\n"
    "dialog.button-focus default   default   reverse bold\n"
    "\n"
    "log.prefix-1        default   default   bold\n"
    "log.prefix-2        default   default   underline\n"
    "log.prefix-3        default   default   bold underline\n"
    "log.prefix-4        default   default   italic\n"
    "log.prefix-5        default   default   bold italic\n"
    "log.prefix-6        default   default   reverse\n"
    "log.note            default   default   dim\n";
/* END BUILTIN mono */

#define THEME_SLOT_NAME_(id, name, help) name,
static const char *const slot_names[THEME_SLOT_COUNT] = {THEME_SLOTS(THEME_SLOT_NAME_)};
#undef THEME_SLOT_NAME_

#define THEME_SLOT_HELP_(id, name, help) help,
static const char *const slot_help[THEME_SLOT_COUNT] = {THEME_SLOTS(THEME_SLOT_HELP_)};
#undef THEME_SLOT_HELP_

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", THEME_ATTR_BOLD},
    {"dim", THEME_ATTR_DIM},
    {"reverse", THEME_ATTR_REVERSE},
    {"underline", THEME_ATTR_UNDERLINE},
    {"italic", THEME_ATTR_ITALIC},
    {"blink", THEME_ATTR_BLINK},
    {"normal", 0},
};

static const char *const color_names[8] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* Per-view overrides: only the slots with set[slot] differ from the theme-wide style. */
struct theme_view {
    char *name;
    struct theme_style style[THEME_SLOT_COUNT];
    bool set[THEME_SLOT_COUNT];
};

struct theme {
    char *name;
    struct theme_style style[THEME_SLOT_COUNT];
    struct theme_view *views;
    size_t nviews;
};

/* What a parse needs besides the text: where messages go, where `inherit` looks. */
struct theme_ctx {
    const char *file;
    const char *const *dirs;
    int depth;
    struct theme_warnings *w;
};

static struct theme *theme_find_depth(const char *name, const char *const *dirs, int depth,
                                      bool report_unknown, struct theme_warnings *w);

void theme_warnings_init(struct theme_warnings *w)
{
    w->items = NULL;
    w->count = 0;
    w->cap = 0;
}

void theme_warnings_fini(struct theme_warnings *w)
{
    for (size_t i = 0; i < w->count; i++) {
        free(w->items[i]);
    }
    free(w->items);
    theme_warnings_init(w);
}

/* Appends a formatted message; w may be NULL (the message is dropped). */
static void warn(struct theme_warnings *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warn(struct theme_warnings *w, const char *fmt, ...)
{
    va_list ap, ap2;
    char *msg;
    int n;

    if (w == NULL) {
        return;
    }
    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    if (w->count == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 8;
        w->items = xrealloc(w->items, w->cap * sizeof(*w->items));
    }
    w->items[w->count++] = msg;
}

/* Folds a name character: lower case, '_' as '-'. */
static char fold(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return (char)(c - 'A' + 'a');
    }
    return c == '_' ? '-' : c;
}

/* Names are equal ignoring case and treating '-' and '_' alike. */
static bool name_eq(const char *a, const char *b)
{
    while (*a != '\0' && fold(*a) == fold(*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

/* Like name_eq, but separators are dropped altogether ("bright-red" = "brightred"). */
static bool word_eq(const char *a, const char *b)
{
    for (;;) {
        while (*a == '-' || *a == '_') {
            a++;
        }
        while (*b == '-' || *b == '_') {
            b++;
        }
        if (*a == '\0' || *b == '\0') {
            return *a == *b;
        }
        if (fold(*a) != fold(*b)) {
            return false;
        }
        a++;
        b++;
    }
}

const char *theme_slot_name(enum theme_slot slot)
{
    return (unsigned)slot < THEME_SLOT_COUNT ? slot_names[slot] : "?";
}

const char *theme_slot_help(enum theme_slot slot)
{
    return (unsigned)slot < THEME_SLOT_COUNT ? slot_help[slot] : "?";
}

int theme_slot_from_name(const char *name)
{
    for (int i = 0; i < THEME_SLOT_COUNT; i++) {
        if (name_eq(name, slot_names[i])) {
            return i;
        }
    }
    return -1;
}

/* The red, green and blue of an xterm-256 palette entry. */
static void xterm_rgb(int c, int rgb[3])
{
    static const int base[16][3] = {
        {0, 0, 0},       {205, 0, 0},   {0, 205, 0},   {205, 205, 0},
        {0, 0, 238},     {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
        {127, 127, 127}, {255, 0, 0},   {0, 255, 0},   {255, 255, 0},
        {92, 92, 255},   {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
    };
    static const int level[6] = {0, 95, 135, 175, 215, 255};

    if (c < 16) {
        memcpy(rgb, base[c], sizeof(base[c]));
    } else if (c < 232) {
        rgb[0] = level[(c - 16) / 36];
        rgb[1] = level[(c - 16) / 6 % 6];
        rgb[2] = level[(c - 16) % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
    }
}

/* The index of the cube level (0..5) nearest to a channel value. */
static int cube_index(int v)
{
    if (v < 48) {
        return 0;
    }
    if (v < 115) {
        return 1;
    }
    return (v - 35) / 40;
}

/* The xterm-256 entry (16..255; the first 16 vary between terminals) nearest to r, g, b. */
static int rgb_to_xterm(int r, int g, int b)
{
    static const int level[6] = {0, 95, 135, 175, 215, 255};
    int ri = cube_index(r), gi = cube_index(g), bi = cube_index(b);
    int cr = level[ri], cg = level[gi], cb = level[bi];
    int avg = (r + g + b) / 3;
    int gray = avg > 238 ? 23 : (avg < 8 ? 0 : (avg - 3) / 10);
    int gv = 8 + 10 * gray;
    long dcube = (long)(cr - r) * (cr - r) + (long)(cg - g) * (cg - g) + (long)(cb - b) * (cb - b);
    long dgray = (long)(gv - r) * (gv - r) + (long)(gv - g) * (gv - g) + (long)(gv - b) * (gv - b);

    if (dgray < dcube) {
        return 232 + gray;
    }
    return 16 + 36 * ri + 6 * gi + bi;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = fold(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

bool theme_parse_color(const char *word, int *color)
{
    const char *digits = NULL;

    if (word_eq(word, "default")) {
        *color = THEME_COLOR_DEFAULT;
        return true;
    }
    for (int i = 0; i < 8; i++) {
        char bright[32];

        snprintf(bright, sizeof(bright), "bright%s", color_names[i]);
        if (word_eq(word, color_names[i])) {
            *color = i;
            return true;
        }
        if (word_eq(word, bright)) {
            *color = 8 + i;
            return true;
        }
    }
    if (word[0] == '#') {
        int v[6];

        for (int i = 0; i < 6; i++) {
            v[i] = hex_digit(word[1 + i]);
            if (v[i] < 0) {
                return false;
            }
        }
        if (word[7] != '\0') {
            return false;
        }
        *color = rgb_to_xterm(v[0] * 16 + v[1], v[2] * 16 + v[3], v[4] * 16 + v[5]);
        return true;
    }
    if (strncasecmp(word, "colour", 6) == 0) {
        digits = word + 6;
    } else if (strncasecmp(word, "color", 5) == 0) {
        digits = word + 5;
    }
    if (digits != NULL && digits[0] != '\0' && strlen(digits) <= 3) {
        int n = 0;

        for (const char *p = digits; *p != '\0'; p++) {
            if (*p < '0' || *p > '9') {
                return false;
            }
            n = n * 10 + (*p - '0');
        }
        if (n <= 255) {
            *color = n;
            return true;
        }
    }
    return false;
}

int theme_color_reduce(int color, int ncolors)
{
    int rgb[3];
    int hi, lo, bits = 0;

    if (color < 0 || color > 255 || ncolors < 8) {
        return THEME_COLOR_DEFAULT;
    }
    if (ncolors >= 256 || color < ncolors) {
        return color;
    }
    if (color < 16) {
        return color - 8;
    }
    xterm_rgb(color, rgb);
    hi = rgb[0] > rgb[1] ? rgb[0] : rgb[1];
    hi = hi > rgb[2] ? hi : rgb[2];
    lo = rgb[0] < rgb[1] ? rgb[0] : rgb[1];
    lo = lo < rgb[2] ? lo : rgb[2];
    if (hi - lo < 40) {
        /* A grey: black, dark grey, light grey or white by brightness. */
        if (ncolors < 16) {
            return hi < 112 ? 0 : 7;
        }
        return hi < 64 ? 0 : hi < 160 ? 8 : hi < 230 ? 7 : 15;
    }
    /* A hue: the channels in the top 40% of the range make the basic colour (red=1,
     * green=2, blue=4), a bright one if the strongest channel is near full. 60% rather than
     * half keeps a medium blue like colour25 blue instead of cyan. */
    for (int i = 0; i < 3; i++) {
        if (5 * (rgb[i] - lo) >= 3 * (hi - lo)) {
            bits |= 1 << i;
        }
    }
    if (ncolors >= 16 && hi >= 230) {
        return 8 + bits;
    }
    return bits;
}

static struct theme *theme_blank(const char *name)
{
    struct theme *t = xcalloc(1, sizeof(*t));

    t->name = xstrdup(name);
    for (int i = 0; i < THEME_SLOT_COUNT; i++) {
        t->style[i].fg = THEME_COLOR_DEFAULT;
        t->style[i].bg = THEME_COLOR_DEFAULT;
        t->style[i].attrs = 0;
    }
    return t;
}

void theme_free(struct theme *t)
{
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->nviews; i++) {
        free(t->views[i].name);
    }
    free(t->views);
    free(t->name);
    free(t);
}

const char *theme_name(const struct theme *t)
{
    return t->name;
}

/* The view entry for `name`, created (with nothing set) if absent. */
static struct theme_view *theme_view_get(struct theme *t, const char *name)
{
    struct theme_view *v;

    for (size_t i = 0; i < t->nviews; i++) {
        if (name_eq(t->views[i].name, name)) {
            return &t->views[i];
        }
    }
    t->views = xrealloc(t->views, (t->nviews + 1) * sizeof(*t->views));
    v = &t->views[t->nviews++];
    memset(v, 0, sizeof(*v));
    v->name = xstrdup(name);
    for (char *p = v->name; *p != '\0'; p++) {
        *p = fold(*p);
    }
    return v;
}

/* Replaces t's styles and views by copies of base's (the start of an `inherit`). */
static void theme_copy_from(struct theme *t, const struct theme *base)
{
    memcpy(t->style, base->style, sizeof(t->style));
    for (size_t i = 0; i < base->nviews; i++) {
        struct theme_view *v = theme_view_get(t, base->views[i].name);

        memcpy(v->style, base->views[i].style, sizeof(v->style));
        memcpy(v->set, base->views[i].set, sizeof(v->set));
    }
}

const struct theme_style *theme_lookup(const struct theme *t, const char *view,
                                       enum theme_slot slot)
{
    if ((unsigned)slot >= THEME_SLOT_COUNT) {
        slot = THEME_TABLE_ROW;
    }
    if (view != NULL) {
        for (size_t i = 0; i < t->nviews; i++) {
            if (t->views[i].set[slot] && name_eq(t->views[i].name, view)) {
                return &t->views[i].style[slot];
            }
        }
    }
    return &t->style[slot];
}

/* A view name in a scoped slot: letters, digits, '-' and '_'. */
static bool valid_view_name(const char *s, size_t n)
{
    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = fold(s[i]);

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

/* Splits a line into words in place; a '#' at the start of a word that is the first word or
 * is followed by a blank begins a comment. Returns the number of words, or -1 if more than
 * THEME_MAX_WORDS. */
static int split_words(char *line, char **words)
{
    int n = 0;
    char *p = line;

    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0') {
            return n;
        }
        if (*p == '#' && (n == 0 || p[1] == '\0' || p[1] == ' ' || p[1] == '\t')) {
            return n;
        }
        if (n == THEME_MAX_WORDS) {
            return -1;
        }
        words[n++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') {
            p++;
        }
        if (*p != '\0') {
            *p++ = '\0';
        }
    }
}

/* Handles `inherit NAME` on line `lineno`. */
static void parse_inherit(struct theme *t, const struct theme_ctx *ctx, size_t lineno, char **words,
                          int n)
{
    struct theme *base;
    static const char *const no_dirs[] = {NULL};

    if (n < 2) {
        warn(ctx->w, "%s:%zu: inherit needs a theme name", ctx->file, lineno);
        return;
    }
    if (n > 2) {
        warn(ctx->w, "%s:%zu: extra field '%s' after 'inherit %s'", ctx->file, lineno, words[2],
             words[1]);
        return;
    }
    if (ctx->depth >= THEME_MAX_INHERIT) {
        warn(ctx->w, "%s:%zu: inherit nested more than %d deep (a cycle?)", ctx->file, lineno,
             THEME_MAX_INHERIT);
        return;
    }
    /* A theme that inherits its own name means the built-in one, not itself. */
    base = theme_find_depth(words[1], name_eq(words[1], t->name) ? no_dirs : ctx->dirs,
                            ctx->depth + 1, false, ctx->w);
    if (base == NULL) {
        warn(ctx->w, "%s:%zu: unknown theme '%s' to inherit", ctx->file, lineno, words[1]);
        return;
    }
    theme_copy_from(t, base);
    theme_free(base);
}

/* Handles `slot fg bg [attr...]` on line `lineno`. */
static void parse_slot(struct theme *t, const struct theme_ctx *ctx, size_t lineno, char **words,
                       int n)
{
    struct theme_style st = {THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0};
    int slot = theme_slot_from_name(words[0]);
    const char *dot;
    char view[64] = "";

    if (slot < 0 && (dot = strchr(words[0], '.')) != NULL &&
        valid_view_name(words[0], (size_t)(dot - words[0])) &&
        (size_t)(dot - words[0]) < sizeof(view)) {
        slot = theme_slot_from_name(dot + 1);
        if (slot >= 0) {
            memcpy(view, words[0], (size_t)(dot - words[0]));
            view[dot - words[0]] = '\0';
        }
    }
    if (slot < 0) {
        warn(ctx->w, "%s:%zu: unknown slot '%s'", ctx->file, lineno, words[0]);
        return;
    }
    if (n < 3) {
        warn(ctx->w, "%s:%zu: missing %s colour for '%s' (expected: slot fg bg [attr...])",
             ctx->file, lineno, n < 2 ? "foreground and background" : "background", words[0]);
        return;
    }
    if (!theme_parse_color(words[1], &st.fg)) {
        warn(ctx->w, "%s:%zu: unknown colour '%s'", ctx->file, lineno, words[1]);
        return;
    }
    if (!theme_parse_color(words[2], &st.bg)) {
        warn(ctx->w, "%s:%zu: unknown colour '%s'", ctx->file, lineno, words[2]);
        return;
    }
    for (int i = 3; i < n; i++) {
        size_t a = 0;

        while (a < sizeof(attr_names) / sizeof(attr_names[0]) &&
               !name_eq(words[i], attr_names[a].name)) {
            a++;
        }
        if (a == sizeof(attr_names) / sizeof(attr_names[0])) {
            warn(ctx->w, "%s:%zu: unknown attribute '%s'", ctx->file, lineno, words[i]);
            return;
        }
        st.attrs |= attr_names[a].bit;
    }
    if (view[0] != '\0') {
        struct theme_view *v = theme_view_get(t, view);

        v->style[slot] = st;
        v->set[slot] = true;
    } else {
        t->style[slot] = st;
    }
}

/* Parses text into a new theme named `name`; messages are "FILE:LINE: ...". */
static struct theme *parse_text(const char *name, const char *text, size_t len,
                                const struct theme_ctx *ctx)
{
    struct theme *t = theme_blank(name);
    size_t lineno = 0;
    bool seen_directive = false;
    const char *p = text;
    const char *end = text + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl != NULL ? nl : end) - p);
        char *line;
        char *words[THEME_MAX_WORDS];
        int nw;

        lineno++;
        if (memchr(p, '\0', n) != NULL) {
            warn(ctx->w, "%s:%zu: NUL byte in line", ctx->file, lineno);
            p += n + 1;
            continue;
        }
        line = xstrndup(p, n);
        p += n + 1;
        if (n > 0 && line[n - 1] == '\r') {
            line[n - 1] = '\0';
        }
        nw = split_words(line, words);
        if (nw < 0) {
            warn(ctx->w, "%s:%zu: too many fields (at most %d)", ctx->file, lineno,
                 THEME_MAX_WORDS);
        } else if (nw > 0 && name_eq(words[0], "inherit")) {
            if (seen_directive) {
                warn(ctx->w, "%s:%zu: inherit must come before any slot", ctx->file, lineno);
            } else {
                parse_inherit(t, ctx, lineno, words, nw);
            }
        } else if (nw > 0) {
            parse_slot(t, ctx, lineno, words, nw);
        }
        if (nw != 0) {
            seen_directive = true;
        }
        free(line);
    }
    return t;
}

struct theme *theme_parse(const char *name, const char *text, size_t len, struct theme_warnings *w)
{
    static const char *const no_dirs[] = {NULL};
    struct theme_ctx ctx = {name, no_dirs, 0, w};

    return parse_text(name, text, len, &ctx);
}

const char *theme_builtin_text(const char *name)
{
    if (name_eq(name, "default")) {
        return theme_default_text;
    }
    if (name_eq(name, "mono")) {
        return theme_mono_text;
    }
    return NULL;
}

/* A built-in theme parsed from its embedded text; a warning there is a bug caught by tests. */
static struct theme *theme_builtin(const char *name)
{
    const char *text = theme_builtin_text(name);

    if (text == NULL) {
        return NULL;
    }
    return theme_parse(name_eq(name, "mono") ? "mono" : "default", text, strlen(text), NULL);
}

struct theme *theme_new_default(void)
{
    return theme_builtin("default");
}

struct theme *theme_new_mono(void)
{
    return theme_builtin("mono");
}

/* Reads a whole file into a new NUL-terminated buffer. Returns 0, or an errno value (EFBIG
 * for a file over THEME_MAX_FILE). */
static int read_file(const char *path, char **out, size_t *outlen)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int err = 0;

    if (fp == NULL) {
        return errno;
    }
    for (;;) {
        size_t got;

        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            buf = xrealloc(buf, cap + 1);
        }
        got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (len > THEME_MAX_FILE) {
            err = EFBIG;
            break;
        }
        if (got == 0) {
            if (ferror(fp)) {
                err = errno ? errno : EIO;
            }
            break;
        }
    }
    fclose(fp);
    if (err != 0) {
        free(buf);
        return err;
    }
    if (buf == NULL) {
        buf = xmalloc(1);
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return 0;
}

/* Loads `path` as theme `name`; inherit searches `dirs`. NULL if unreadable, with the errno
 * value in *err (reported unless it is ENOENT and !report_missing). */
static struct theme *load_file(const char *path, const char *name, const char *const *dirs,
                               int depth, bool report_missing, int *err, struct theme_warnings *w)
{
    struct theme_ctx ctx = {path, dirs, depth, w};
    struct theme *t;
    char *text = NULL;
    size_t len = 0;

    *err = read_file(path, &text, &len);
    if (*err != 0) {
        if (report_missing || *err != ENOENT) {
            warn(w, "%s: %s", path, *err == EFBIG ? "too large for a theme file" : strerror(*err));
        }
        return NULL;
    }
    t = parse_text(name, text, len, &ctx);
    free(text);
    return t;
}

/* A theme name is a file name: not empty, no '/', not starting with '.'. */
static bool valid_theme_name(const char *name)
{
    return name != NULL && name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL;
}

static struct theme *theme_find_depth(const char *name, const char *const *dirs, int depth,
                                      bool report_unknown, struct theme_warnings *w)
{
    struct theme *t;

    if (!valid_theme_name(name)) {
        warn(w, "invalid theme name '%s'", name != NULL ? name : "");
        return NULL;
    }
    for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++) {
        char *path = xasprintf("%s/%s.theme", dirs[i], name);
        int err;

        t = load_file(path, name, dirs, depth, false, &err, w);
        free(path);
        if (t != NULL) {
            return t;
        }
        if (err != ENOENT) {
            return NULL;
        }
    }
    t = theme_builtin(name);
    if (t == NULL && report_unknown) {
        warn(w, "unknown theme '%s'", name);
    }
    return t;
}

struct theme *theme_find(const char *name, const char *const *dirs, struct theme_warnings *w)
{
    return theme_find_depth(name, dirs, 0, true, w);
}

struct theme *theme_load(const char *path, struct theme_warnings *w)
{
    const char *base = strrchr(path, '/');
    char *dir = base != NULL ? xstrndup(path, (size_t)(base - path)) : xstrdup(".");
    char *name = xstrdup(base != NULL ? base + 1 : path);
    size_t n = strlen(name);
    const char *dirs[2];
    struct theme *t;
    int err;

    if (dir[0] == '\0') {
        free(dir);
        dir = xstrdup("/");
    }
    if (n > 6 && strcmp(name + n - 6, ".theme") == 0) {
        name[n - 6] = '\0';
    }
    dirs[0] = dir;
    dirs[1] = NULL;
    t = load_file(path, name, dirs, 0, true, &err, w);
    free(name);
    free(dir);
    return t;
}

const char *theme_user_dir(char *buf, size_t n)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int len;

    if (xdg != NULL && xdg[0] == '/') {
        len = snprintf(buf, n, "%s/govconsole/themes", xdg);
    } else if (home != NULL && home[0] != '\0') {
        len = snprintf(buf, n, "%s/.config/govconsole/themes", home);
    } else {
        return NULL;
    }
    return len >= 0 && (size_t)len < n ? buf : NULL;
}
