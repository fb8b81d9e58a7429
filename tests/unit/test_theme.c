/* core/theme: shipped themes, the embedded copies, the parser's errors, per-view overrides,
 * inherit, colours and colour reduction. Run from the repository root (or set GC_ROOT). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/theme.h"

#define DATA "tests/data/themes"

/* Reads a file into a NUL-terminated buffer (caller frees); fails the test if it cannot. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    if (len != NULL) {
        *len = (size_t)n;
    }
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* theme_parse over a NUL-terminated string. */
static struct theme *parse(const char *name, const char *text, struct theme_warnings *w)
{
    return theme_parse(name, text, strlen(text), w);
}

static void dump(const struct theme_warnings *w)
{
    for (size_t i = 0; i < w->count; i++) {
        print_message("warning: %s\n", w->items[i]);
    }
}

static void assert_style(const struct theme_style *s, int fg, int bg, unsigned attrs)
{
    assert_int_equal(s->fg, fg);
    assert_int_equal(s->bg, bg);
    assert_int_equal(s->attrs, attrs);
}

static int setup_root(void **state)
{
    const char *root = getenv("GC_ROOT");

    (void)state;
    if (root != NULL && root[0] != '\0' && chdir(root) != 0) {
        return -1;
    }
    return 0;
}

/* tig's contrib-tigrc-test: every shipped theme loads without a single warning, and sets
 * every slot (or inherits a theme that does). */
static void test_shipped_themes_parse(void **state)
{
    glob_t g;

    (void)state;
    assert_int_equal(glob("themes/*.theme", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 4);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct theme_warnings w = {0};
        struct theme *t = theme_load(g.gl_pathv[i], &w);
        char *text = slurp(g.gl_pathv[i], NULL);

        print_message("%s\n", g.gl_pathv[i]);
        assert_non_null(t);
        dump(&w);
        assert_int_equal(w.count, 0);
        if (strncmp(text, "inherit ", 8) != 0) {
            for (int s = 0; s < THEME_SLOT_COUNT; s++) {
                char needle[64];

                snprintf(needle, sizeof(needle), "\n%s ", theme_slot_name((enum theme_slot)s));
                if (strstr(text, needle) == NULL) {
                    print_message("%s does not set %s\n", g.gl_pathv[i],
                                  theme_slot_name((enum theme_slot)s));
                }
                assert_non_null(strstr(text, needle));
            }
        }
        free(text);
        theme_free(t);
        theme_warnings_fini(&w);
    }
    globfree(&g);
}

/* The built-in themes are the shipped files, byte for byte, so the two cannot drift. After
 * editing themes/default.theme or themes/mono.theme, update the strings in core/theme.c. */
static void test_builtin_equals_file(void **state)
{
    static const char *const names[] = {"default", "mono"};

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        char path[64];
        size_t len;
        char *text;

        snprintf(path, sizeof(path), "themes/%s.theme", names[i]);
        text = slurp(path, &len);
        assert_non_null(theme_builtin_text(names[i]));
        assert_int_equal(strlen(theme_builtin_text(names[i])), len);
        assert_string_equal(theme_builtin_text(names[i]), text);
        free(text);
    }
    assert_null(theme_builtin_text("light"));
}

static void test_builtin_themes(void **state)
{
    struct theme *d = theme_new_default();
    struct theme *m = theme_new_mono();

    (void)state;
    assert_string_equal(theme_name(d), "default");
    assert_string_equal(theme_name(m), "mono");
    /* A few values from themes/default.theme. */
    assert_style(theme_lookup(d, NULL, THEME_HEADER), 231, 25, THEME_ATTR_BOLD);
    assert_style(theme_lookup(d, NULL, THEME_STATUS_CRIT), 203, -1, THEME_ATTR_BOLD);
    assert_style(theme_lookup(d, NULL, THEME_TABLE_ROW), -1, -1, 0);
    /* Mono: no colour anywhere; reverse selection, bold header and crit, underlined matches. */
    for (int s = 0; s < THEME_SLOT_COUNT; s++) {
        assert_int_equal(theme_lookup(m, NULL, (enum theme_slot)s)->fg, THEME_COLOR_DEFAULT);
        assert_int_equal(theme_lookup(m, NULL, (enum theme_slot)s)->bg, THEME_COLOR_DEFAULT);
    }
    assert_true(theme_lookup(m, NULL, THEME_SEL_FOCUS)->attrs & THEME_ATTR_REVERSE);
    assert_true(theme_lookup(m, NULL, THEME_HEADER)->attrs & THEME_ATTR_BOLD);
    assert_true(theme_lookup(m, NULL, THEME_STATUS_CRIT)->attrs & THEME_ATTR_BOLD);
    assert_true(theme_lookup(m, NULL, THEME_HIGHLIGHT)->attrs & THEME_ATTR_UNDERLINE);
    theme_free(d);
    theme_free(m);
    theme_free(NULL);
}

static void test_errors(void **state)
{
    static const char *const expect[] = {
        DATA "/errors.theme:3: unknown slot 'nonsense'",
        DATA "/errors.theme:4: unknown colour 'purple'",
        DATA "/errors.theme:5: unknown colour 'rainbow'",
        DATA "/errors.theme:6: unknown attribute 'shiny'",
        DATA "/errors.theme:7: missing foreground and background colour for 'header' "
             "(expected: slot fg bg [attr...])",
        DATA "/errors.theme:8: missing background colour for 'header' "
             "(expected: slot fg bg [attr...])",
        DATA "/errors.theme:9: inherit must come before any slot",
        DATA "/errors.theme:10: unknown slot 'pods.nope'",
        DATA "/errors.theme:11: unknown colour 'color256'",
        DATA "/errors.theme:12: unknown colour '#12345'",
        DATA "/errors.theme:13: too many fields (at most 16)",
    };
    struct theme_warnings w;
    struct theme *t;

    (void)state;
    theme_warnings_init(&w);
    t = theme_load(DATA "/errors.theme", &w);
    assert_non_null(t);
    dump(&w);
    assert_int_equal(w.count, sizeof(expect) / sizeof(expect[0]));
    for (size_t i = 0; i < w.count; i++) {
        assert_string_equal(w.items[i], expect[i]);
    }
    /* The loader kept going: good lines before and after the bad ones took effect, bad ones
     * changed nothing. Names are case-insensitive; a "# " ends the line. */
    assert_style(theme_lookup(t, NULL, THEME_HEADER), 7, 4, THEME_ATTR_BOLD);
    assert_style(theme_lookup(t, NULL, THEME_STATUS_OK), -1, -1, 0);
    assert_style(theme_lookup(t, NULL, THEME_STATUS_CRIT), 1, -1, THEME_ATTR_BOLD);
    assert_string_equal(theme_name(t), "errors");
    theme_free(t);
    theme_warnings_fini(&w);
    assert_int_equal(w.count, 0);

    /* theme_parse labels messages with the theme's name. */
    t = parse("inline", "header red\r\nfoo bar baz\n", &w);
    assert_int_equal(w.count, 2);
    assert_string_equal(w.items[0], "inline:1: missing background colour for 'header' "
                                    "(expected: slot fg bg [attr...])");
    assert_string_equal(w.items[1], "inline:2: unknown slot 'foo'");
    theme_free(t);
    theme_warnings_fini(&w);

    /* A NUL byte in the text is an error on its line, not the end of the text. */
    static const char nul[] = "header red\0 x\nheader.dim red default\n";

    t = theme_parse("nul", nul, sizeof(nul) - 1, &w);
    assert_int_equal(w.count, 1);
    assert_string_equal(w.items[0], "nul:1: NUL byte in line");
    assert_int_equal(theme_lookup(t, NULL, THEME_HEADER_DIM)->fg, 1);
    theme_free(t);
    theme_warnings_fini(&w);

    /* Warnings may be ignored entirely. */
    t = parse("quiet", "bogus line\n", NULL);
    assert_non_null(t);
    theme_free(t);

    /* inherit takes exactly one name. */
    t = theme_load(DATA "/inherit-extra.theme", &w);
    assert_int_equal(w.count, 1);
    assert_string_equal(w.items[0],
                        DATA "/inherit-extra.theme:3: extra field 'mono' after 'inherit default'");
    theme_free(t);
    theme_warnings_fini(&w);
    t = parse("bare", "inherit\n", &w);
    assert_int_equal(w.count, 1);
    assert_string_equal(w.items[0], "bare:1: inherit needs a theme name");
    theme_free(t);
    theme_warnings_fini(&w);

    /* Unreadable files. */
    assert_null(theme_load(DATA "/does-not-exist.theme", &w));
    assert_int_equal(w.count, 1);
    assert_string_equal(w.items[0], DATA "/does-not-exist.theme: No such file or directory");
    theme_warnings_fini(&w);
}

static void test_view_override(void **state)
{
    static const char text[] = "status.crit   red     default bold\n"
                               "pods.status.crit  yellow  default\n"
                               "PODS.Table.Row    blue    default\n"
                               "alerts.status.crit bright-red black reverse\n"
                               "pods.status.crit  yellow  black underline\n";
    struct theme_warnings w = {0};
    struct theme *t = theme_parse("views", text, sizeof(text) - 1, &w);

    (void)state;
    dump(&w);
    assert_int_equal(w.count, 0);
    assert_style(theme_lookup(t, NULL, THEME_STATUS_CRIT), 1, -1, THEME_ATTR_BOLD);
    assert_style(theme_lookup(t, "apps", THEME_STATUS_CRIT), 1, -1, THEME_ATTR_BOLD);
    /* The later line for the same view and slot wins. */
    assert_style(theme_lookup(t, "pods", THEME_STATUS_CRIT), 3, 0, THEME_ATTR_UNDERLINE);
    assert_style(theme_lookup(t, "Pods", THEME_STATUS_CRIT), 3, 0, THEME_ATTR_UNDERLINE);
    assert_style(theme_lookup(t, "pods", THEME_TABLE_ROW), 4, -1, 0);
    assert_style(theme_lookup(t, NULL, THEME_TABLE_ROW), -1, -1, 0);
    assert_style(theme_lookup(t, "alerts", THEME_STATUS_CRIT), 9, 0, THEME_ATTR_REVERSE);
    /* A slot the view does not override falls back to the theme-wide style. */
    assert_style(theme_lookup(t, "pods", THEME_STATUS_OK), -1, -1, 0);
    assert_style(theme_lookup(t, "alerts", THEME_TABLE_ROW), -1, -1, 0);
    /* An out-of-range slot does not read past the table. */
    assert_non_null(theme_lookup(t, "pods", THEME_SLOT_COUNT));
    theme_free(t);
    theme_warnings_fini(&w);
}

static void test_inherit(void **state)
{
    struct theme_warnings w = {0};
    struct theme *d = theme_new_default();
    struct theme *t;
    const char *dirs[] = {DATA, NULL};
    char tmpl[] = "/tmp/gc-theme-XXXXXX";
    char path[128];

    (void)state;
    /* From text: only built-ins can be inherited. */
    t = parse("tweak", "# tweak\n\ninherit default\nheader red default\n", &w);
    assert_int_equal(w.count, 0);
    assert_style(theme_lookup(t, NULL, THEME_HEADER), 1, -1, 0);
    assert_memory_equal(theme_lookup(t, NULL, THEME_STATUS_OK),
                        theme_lookup(d, NULL, THEME_STATUS_OK), sizeof(struct theme_style));
    theme_free(t);

    /* From a file: the file's directory first. child -> base -> default, view overrides too. */
    t = theme_load(DATA "/child.theme", &w);
    dump(&w);
    assert_int_equal(w.count, 0);
    assert_string_equal(theme_name(t), "child");
    assert_style(theme_lookup(t, NULL, THEME_HEADER), 3, 0, THEME_ATTR_BOLD);
    assert_style(theme_lookup(t, NULL, THEME_HEADER_DIM), 7, 0, 0);
    assert_style(theme_lookup(t, "pods", THEME_STATUS_OK), 2, -1, THEME_ATTR_UNDERLINE);
    assert_memory_equal(theme_lookup(t, NULL, THEME_SEL_FOCUS),
                        theme_lookup(d, NULL, THEME_SEL_FOCUS), sizeof(struct theme_style));
    theme_free(t);

    /* Through theme_find, inherit searches the same directories. */
    t = theme_find("child", dirs, &w);
    assert_non_null(t);
    assert_int_equal(w.count, 0);
    assert_style(theme_lookup(t, NULL, THEME_HEADER), 3, 0, THEME_ATTR_BOLD);
    theme_free(t);

    /* An unknown parent: an error, and the rest of the file still applies. */
    t = theme_load(DATA "/inherit-unknown.theme", &w);
    assert_int_equal(w.count, 1);
    assert_string_equal(w.items[0],
                        DATA "/inherit-unknown.theme:1: unknown theme 'no-such-theme' to inherit");
    assert_style(theme_lookup(t, NULL, THEME_HEADER), 1, -1, 0);
    theme_free(t);
    theme_warnings_fini(&w);

    /* A cycle ends with one error instead of a hang. */
    t = theme_load(DATA "/cycle-a.theme", &w);
    assert_non_null(t);
    dump(&w);
    assert_int_equal(w.count, 1);
    assert_string_equal(w.items[0],
                        DATA "/cycle-a.theme:1: inherit nested more than 8 deep (a cycle?)");
    theme_free(t);
    theme_warnings_fini(&w);

    /* A user's default.theme that inherits "default" gets the built-in one, not itself. */
    assert_non_null(mkdtemp(tmpl));
    snprintf(path, sizeof(path), "%s/default.theme", tmpl);
    write_file(path, "inherit default\nheader black white\n");
    dirs[0] = tmpl;
    t = theme_find("default", dirs, &w);
    dump(&w);
    assert_int_equal(w.count, 0);
    assert_style(theme_lookup(t, NULL, THEME_HEADER), 0, 7, 0);
    assert_memory_equal(theme_lookup(t, NULL, THEME_STATUS_OK),
                        theme_lookup(d, NULL, THEME_STATUS_OK), sizeof(struct theme_style));
    theme_free(t);
    unlink(path);
    rmdir(tmpl);
    theme_free(d);
}

static void test_find(void **state)
{
    struct theme_warnings w = {0};
    struct theme *t;
    char tmpl[] = "/tmp/gc-theme-XXXXXX";
    char path[128];
    const char *dirs[] = {NULL, "themes", NULL};

    (void)state;
    t = theme_find("default", NULL, &w);
    assert_string_equal(theme_name(t), "default");
    theme_free(t);
    t = theme_find("mono", NULL, &w);
    assert_int_equal(theme_lookup(t, NULL, THEME_HEADER)->fg, -1);
    theme_free(t);
    assert_int_equal(w.count, 0);

    assert_null(theme_find("light", NULL, &w));
    assert_int_equal(w.count, 1);
    assert_string_equal(w.items[0], "unknown theme 'light'");
    theme_warnings_fini(&w);
    assert_null(theme_find("../etc/passwd", dirs + 1, &w));
    assert_null(theme_find("", dirs + 1, &w));
    assert_int_equal(w.count, 2);
    assert_string_equal(w.items[0], "invalid theme name '../etc/passwd'");
    theme_warnings_fini(&w);

    /* The user's directory comes before the shipped one. */
    t = theme_find("light", dirs + 1, &w);
    assert_non_null(t);
    assert_int_equal(theme_lookup(t, NULL, THEME_STATUS_OK)->fg, 28);
    theme_free(t);
    assert_non_null(mkdtemp(tmpl));
    snprintf(path, sizeof(path), "%s/light.theme", tmpl);
    write_file(path, "status.ok blue default\n");
    dirs[0] = tmpl;
    t = theme_find("light", dirs, &w);
    assert_int_equal(theme_lookup(t, NULL, THEME_STATUS_OK)->fg, 4);
    theme_free(t);
    assert_int_equal(w.count, 0);

    /* A theme that exists but cannot be read is reported, not skipped. */
    chmod(path, 0);
    if (access(path, R_OK) != 0) {
        assert_null(theme_find("light", dirs, &w));
        assert_int_equal(w.count, 1);
        assert_non_null(strstr(w.items[0], "light.theme: Permission denied"));
        theme_warnings_fini(&w);
    }
    unlink(path);
    rmdir(tmpl);
}

static void test_user_dir(void **state)
{
    char buf[256];
    char small[8];
    char *old_xdg = getenv("XDG_CONFIG_HOME") ? strdup(getenv("XDG_CONFIG_HOME")) : NULL;
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

    (void)state;
    setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
    assert_string_equal(theme_user_dir(buf, sizeof(buf)), "/xdg/conf/govconsole/themes");
    assert_null(theme_user_dir(small, sizeof(small)));
    unsetenv("XDG_CONFIG_HOME");
    setenv("HOME", "/home/op", 1);
    assert_string_equal(theme_user_dir(buf, sizeof(buf)), "/home/op/.config/govconsole/themes");
    unsetenv("HOME");
    assert_null(theme_user_dir(buf, sizeof(buf)));
    if (old_xdg != NULL) {
        setenv("XDG_CONFIG_HOME", old_xdg, 1);
        free(old_xdg);
    }
    if (old_home != NULL) {
        setenv("HOME", old_home, 1);
        free(old_home);
    }
}

static int color(const char *word)
{
    int c = -99;

    assert_true(theme_parse_color(word, &c));
    return c;
}

static void test_colors(void **state)
{
    static const char *const bad[] = {"purple",  "color256",     "color-1",   "color",
                                      "color1x", "#12345",       "#1234567",  "#gggggg",
                                      "",        "brighter-red", "colour1000"};
    int c;

    (void)state;
    assert_int_equal(color("default"), -1);
    assert_int_equal(color("DEFAULT"), -1);
    assert_int_equal(color("black"), 0);
    assert_int_equal(color("Red"), 1);
    assert_int_equal(color("white"), 7);
    assert_int_equal(color("bright-black"), 8);
    assert_int_equal(color("bright_red"), 9);
    assert_int_equal(color("brightred"), 9);
    assert_int_equal(color("Bright-White"), 15);
    assert_int_equal(color("color0"), 0);
    assert_int_equal(color("color255"), 255);
    assert_int_equal(color("Color42"), 42);
    assert_int_equal(color("colour42"), 42);
    assert_int_equal(color("#ff0000"), 196);
    assert_int_equal(color("#000000"), 16);
    assert_int_equal(color("#FFFFFF"), 231);
    assert_int_equal(color("#808080"), 244);
    assert_int_equal(color("#5f87af"), 67);
    assert_int_equal(color("#005f87"), 24);
    assert_int_equal(color("#eeeeee"), 255);
    assert_int_equal(color("#121212"), 233);
    assert_int_equal(color("#fe0102"), 196);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c = -99;
        assert_false(theme_parse_color(bad[i], &c));
        assert_int_equal(c, -99);
    }
}

static void test_color_reduce(void **state)
{
    (void)state;
    for (int c = -1; c < 256; c++) {
        assert_int_equal(theme_color_reduce(c, 256), c);
        assert_true(theme_color_reduce(c, 16) < 16);
        assert_true(theme_color_reduce(c, 8) < 8);
    }
    assert_int_equal(theme_color_reduce(-1, 8), -1);
    assert_int_equal(theme_color_reduce(5, 8), 5);
    assert_int_equal(theme_color_reduce(12, 16), 12);
    assert_int_equal(theme_color_reduce(9, 8), 1);
    assert_int_equal(theme_color_reduce(15, 8), 7);
    /* Pure hues keep their hue; full ones are bright on 16-colour terminals. */
    assert_int_equal(theme_color_reduce(196, 16), 9);
    assert_int_equal(theme_color_reduce(196, 8), 1);
    assert_int_equal(theme_color_reduce(46, 16), 10);
    assert_int_equal(theme_color_reduce(21, 16), 12);
    assert_int_equal(theme_color_reduce(21, 8), 4);
    assert_int_equal(theme_color_reduce(226, 16), 11);
    assert_int_equal(theme_color_reduce(51, 8), 6);
    assert_int_equal(theme_color_reduce(201, 16), 13);
    /* A dark blue header background stays blue rather than turning black. */
    assert_int_equal(theme_color_reduce(17, 16), 4);
    assert_int_equal(theme_color_reduce(25, 8), 4);
    assert_int_equal(theme_color_reduce(160, 16), 1);
    /* Greys by brightness. */
    assert_int_equal(theme_color_reduce(16, 16), 0);
    assert_int_equal(theme_color_reduce(233, 16), 0);
    assert_int_equal(theme_color_reduce(244, 16), 8);
    assert_int_equal(theme_color_reduce(250, 16), 7);
    assert_int_equal(theme_color_reduce(231, 16), 15);
    assert_int_equal(theme_color_reduce(231, 8), 7);
    assert_int_equal(theme_color_reduce(236, 8), 0);
    /* No colours at all. */
    assert_int_equal(theme_color_reduce(196, 0), -1);
    assert_int_equal(theme_color_reduce(196, 2), -1);
}

static void test_slot_names(void **state)
{
    (void)state;
    for (int s = 0; s < THEME_SLOT_COUNT; s++) {
        const char *name = theme_slot_name((enum theme_slot)s);

        assert_int_equal(theme_slot_from_name(name), s);
        assert_true(strlen(theme_slot_help((enum theme_slot)s)) > 5);
    }
    assert_string_equal(theme_slot_name(THEME_HEADER), "header");
    assert_string_equal(theme_slot_name(THEME_SEL_FOCUS), "sel.focus");
    assert_string_equal(theme_slot_name(THEME_DIALOG_BUTTON_FOCUS), "dialog.button-focus");
    assert_int_equal(theme_slot_from_name("TABLE.ROW_ALT"), THEME_TABLE_ROW_ALT);
    assert_int_equal(theme_slot_from_name("status_line"), THEME_STATUS_LINE);
    assert_int_equal(theme_slot_from_name("status"), -1);
    assert_int_equal(theme_slot_from_name(""), -1);
    assert_int_equal(theme_slot_from_name("header.dimmer"), -1);
    assert_string_equal(theme_slot_name(THEME_SLOT_COUNT), "?");
    assert_string_equal(theme_slot_help(THEME_SLOT_COUNT), "?");
}

/* docs/themes.md lists every slot with its help text, in order, and every theme example in
 * it parses without a warning (tig's manpage-examples test). */
static void test_docs(void **state)
{
    char *doc = slurp("docs/themes.md", NULL);
    const char *p = strstr(doc, "\n## Slots\n");
    int blocks = 0;

    (void)state;
    assert_non_null(p);
    for (int s = 0; s < THEME_SLOT_COUNT; s++) {
        char row[256];
        const char *at;

        snprintf(row, sizeof(row), "\n| `%s` | %s |\n", theme_slot_name((enum theme_slot)s),
                 theme_slot_help((enum theme_slot)s));
        at = strstr(p, row);
        if (at == NULL) {
            print_message("docs/themes.md lacks the row%s", row);
        }
        assert_non_null(at);
        p = at + 1;
    }
    for (p = strstr(doc, "```theme\n"); p != NULL; p = strstr(p, "```theme\n")) {
        struct theme_warnings w = {0};
        const char *end;
        struct theme *t;

        p += strlen("```theme\n");
        end = strstr(p, "\n```\n");
        assert_non_null(end);
        t = theme_parse("docs", p, (size_t)(end + 1 - p), &w);
        dump(&w);
        assert_int_equal(w.count, 0);
        theme_free(t);
        blocks++;
        p = end;
    }
    assert_true(blocks >= 2);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_themes_parse),
        cmocka_unit_test(test_builtin_equals_file),
        cmocka_unit_test(test_builtin_themes),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_view_override),
        cmocka_unit_test(test_inherit),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_user_dir),
        cmocka_unit_test(test_colors),
        cmocka_unit_test(test_color_reduce),
        cmocka_unit_test(test_slot_names),
        cmocka_unit_test(test_docs),
    };

    return cmocka_run_group_tests(tests, setup_root, NULL);
}
