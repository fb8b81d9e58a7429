/* tui/pager: storage, scrolling with and without wrap, follow, search, speed, painting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/theme.h"
#include "tests/unit/term_fixture.h"
#include "tui/pager.h"
#include "tui/screen.h"

static struct pager *pager_with(const char *text, int rows, int cols)
{
    struct pager *p = pager_new(NULL);

    pager_set_text(p, "t", text, strlen(text));
    pager_set_view(p, rows, cols);
    return p;
}

static void assert_line(const struct pager *p, size_t i, const char *want)
{
    size_t len;
    const char *s = pager_line(p, i, &len);

    assert_non_null(s);
    if (len != strlen(want) || memcmp(s, want, len) != 0) {
        print_error("line %zu: got \"%.*s\", want \"%s\"\n", i, (int)len, s, want);
        fail();
    }
}

/* "line 0\nline 1\n..." */
static char *numbered(size_t n, const char *fmt)
{
    size_t cap = n * (strlen(fmt) + 24) + 1, len = 0;
    char *s = malloc(cap);

    for (size_t i = 0; i < n; i++) {
        len += (size_t)snprintf(s + len, cap - len, fmt, i);
        s[len++] = '\n';
    }
    s[len] = '\0';
    return s;
}

static int key(struct pager *p, int k)
{
    return (int)pager_key(p, k);
}

static void keys(struct pager *p, const char *s)
{
    for (; *s != '\0'; s++) {
        pager_key(p, (unsigned char)*s);
    }
}

static void test_lines(void **state)
{
    struct pager *p = pager_new(NULL);
    size_t len;

    (void)state;
    assert_int_equal(pager_line_count(p), 0);
    assert_null(pager_line(p, 0, &len));
    pager_set_text(p, "t", "a\nb\n", 4);
    assert_int_equal(pager_line_count(p), 2);
    assert_line(p, 1, "b");
    pager_set_text(p, NULL, "a\n\nb", 4);
    assert_int_equal(pager_line_count(p), 3);
    assert_line(p, 1, "");
    assert_line(p, 2, "b");
    pager_set_text(p, NULL, "x", 1);
    assert_int_equal(pager_line_count(p), 1);
    pager_set_text(p, NULL, "", 0);
    assert_int_equal(pager_line_count(p), 0);
    pager_set_text(p, NULL, "\n", 1);
    assert_int_equal(pager_line_count(p), 1);
    assert_line(p, 0, "");
    pager_set_text(p, NULL, NULL, 0);
    pager_append(p, NULL, 0);
    assert_int_equal(pager_line_count(p), 0);
    pager_free(p);
}

static void test_controls_mapped(void **state)
{
    static const char text[] = "a\tb\x1b[31m\r\nc\rd\x7f\x01\n"
                               "c1 \xc2\x9b bidi \xe2\x80\xae bad \xff end\n"
                               "ok \xc3\xa6\xe4\xb8\xad\n";
    struct pager *p = pager_new(NULL);

    (void)state;
    pager_set_text(p, "t", text, sizeof text - 1);
    assert_int_equal(pager_line_count(p), 4);
    assert_line(p, 0, "a b?[31m");
    assert_line(p, 1, "c?d??");
    assert_line(p, 2, "c1 ? bidi ? bad ? end");
    assert_line(p, 3, "ok \xc3\xa6\xe4\xb8\xad");
    pager_set_text(p, "t", "nul \0 x", 7);
    assert_line(p, 0, "nul ? x");
    /* No byte stored anywhere is a control character. */
    for (size_t i = 0; i < pager_line_count(p); i++) {
        size_t len;
        const char *s = pager_line(p, i, &len);

        for (size_t j = 0; j < len; j++) {
            assert_true((unsigned char)s[j] >= 0x20 && s[j] != 0x7f);
        }
    }
    pager_free(p);
}

static void test_append_chunks(void **state)
{
    struct pager *p = pager_new(NULL);

    (void)state;
    pager_append(p, "ab\xc3", 3);
    assert_int_equal(pager_line_count(p), 1);
    assert_line(p, 0, "ab"); /* the half character waits */
    pager_append(p, "\xa6" "c\r", 3);
    assert_line(p, 0, "ab\xc3\xa6" "c");
    pager_append(p, "\nd", 2);
    assert_int_equal(pager_line_count(p), 2);
    assert_line(p, 0, "ab\xc3\xa6" "c");
    assert_line(p, 1, "d");
    pager_append(p, "\r", 1);
    pager_append(p, "x\n", 2); /* a lone CR is a control: '?' */
    assert_line(p, 1, "d?x");
    pager_append(p, "\xe4\xb8", 2);
    pager_append(p, "z", 1); /* not a continuation: the held bytes are invalid */
    assert_int_equal(pager_line_count(p), 3);
    assert_line(p, 2, "??z");
    pager_free(p);
}

static void test_scroll_nowrap(void **state)
{
    char *text = numbered(100, "line %zu");
    struct pager *p = pager_with(text, 10, 40);

    (void)state;
    key(p, 'w');
    assert_false(pager_wrapping(p));
    assert_int_equal(pager_top_line(p), 0);
    assert_int_equal(key(p, 'j'), PAGER_HANDLED);
    key(p, KEY_DOWN);
    assert_int_equal(pager_top_line(p), 2);
    key(p, 'k');
    assert_int_equal(pager_top_line(p), 1);
    key(p, ' ');
    assert_int_equal(pager_top_line(p), 11);
    key(p, KEY_NPAGE);
    assert_int_equal(pager_top_line(p), 21);
    key(p, 'b');
    assert_int_equal(pager_top_line(p), 11);
    key(p, 4); /* Ctrl-D */
    assert_int_equal(pager_top_line(p), 16);
    key(p, 21); /* Ctrl-U */
    assert_int_equal(pager_top_line(p), 11);
    key(p, 'G');
    assert_int_equal(pager_top_line(p), 90);
    key(p, 'j'); /* no scrolling past the last page */
    assert_int_equal(pager_top_line(p), 90);
    key(p, ' ');
    assert_int_equal(pager_top_line(p), 90);
    key(p, KEY_HOME);
    assert_int_equal(pager_top_line(p), 0);
    key(p, 'k');
    assert_int_equal(pager_top_line(p), 0);
    key(p, KEY_END);
    assert_int_equal(pager_top_line(p), 90);
    key(p, 'g');
    assert_int_equal(pager_top_line(p), 0);
    /* Text shorter than the view does not scroll. */
    pager_set_text(p, NULL, "a\nb\n", 4);
    key(p, 'G');
    assert_int_equal(pager_top_line(p), 0);
    pager_free(p);
    free(text);
}

static void test_scroll_wrap(void **state)
{
    /* 10 lines of 50 cells at 20 columns: 3 rows each, 30 rows in all. */
    char *text = numbered(10, "%zu-----------------------------------------------x");
    struct pager *p = pager_with(text, 5, 20);

    (void)state;
    assert_true(pager_wrapping(p));
    key(p, 'j');
    key(p, 'j');
    assert_int_equal(pager_top_line(p), 0);
    key(p, 'j');
    assert_int_equal(pager_top_line(p), 1);
    key(p, 'G'); /* row 25: line 8, second row */
    assert_int_equal(pager_top_line(p), 8);
    key(p, 'j');
    assert_int_equal(pager_top_line(p), 8);
    key(p, 'b'); /* row 20: line 6, third row */
    assert_int_equal(pager_top_line(p), 6);
    key(p, 'k');
    key(p, 'k'); /* row 18: line 6, first row */
    assert_int_equal(pager_top_line(p), 6);
    key(p, 'k');
    assert_int_equal(pager_top_line(p), 5);
    key(p, 'g');
    assert_int_equal(pager_top_line(p), 0);
    /* Toggling wrap keeps the top line. */
    key(p, 'G');
    key(p, 'w');
    assert_false(pager_wrapping(p));
    assert_int_equal(pager_top_line(p), 5); /* 10 lines, 5 rows: clamped to the last page */
    key(p, 'w');
    assert_int_equal(pager_top_line(p), 5);
    pager_free(p);
    free(text);
}

static void test_hscroll(void **state)
{
    char *text = numbered(5, "%zu_________________________________________________"
                             "__________________________________________________");
    struct pager *p = pager_with(text, 10, 20);

    (void)state;
    key(p, KEY_RIGHT); /* wrapping: nothing to scroll */
    assert_int_equal(pager_hscroll(p), 0);
    key(p, 'w');
    key(p, KEY_RIGHT);
    assert_int_equal(pager_hscroll(p), 10);
    for (int i = 0; i < 20; i++) {
        key(p, KEY_RIGHT);
    }
    assert_int_equal(pager_hscroll(p), 80); /* 100 cells wide, 20 shown */
    key(p, KEY_LEFT);
    assert_int_equal(pager_hscroll(p), 70);
    key(p, 'w');
    assert_int_equal(pager_hscroll(p), 0);
    pager_free(p);
    free(text);
}

static void test_results(void **state)
{
    struct pager *p = pager_with("x\n", 10, 20);

    (void)state;
    assert_int_equal(key(p, 'q'), PAGER_CLOSE);
    assert_int_equal(key(p, 27), PAGER_CLOSE);
    assert_int_equal(key(p, 'x'), PAGER_NONE);
    assert_int_equal(key(p, KEY_F(1)), PAGER_NONE);
    assert_int_equal(key(p, 12), PAGER_NONE); /* Ctrl-L is the app's */
    assert_int_equal(key(p, 'j'), PAGER_HANDLED);
    pager_free(p);
}

static void test_follow(void **state)
{
    struct pager *p = pager_new(NULL);
    char *more = numbered(30, "log %zu");

    (void)state;
    pager_set_view(p, 10, 40);
    pager_set_follow(p, true);
    pager_append(p, more, strlen(more));
    assert_true(pager_following(p));
    assert_int_equal(pager_top_line(p), 20);
    pager_append(p, more, strlen(more));
    assert_int_equal(pager_top_line(p), 50);
    key(p, 'k'); /* scrolling up leaves follow */
    assert_false(pager_following(p));
    assert_int_equal(pager_top_line(p), 49);
    pager_append(p, more, strlen(more));
    assert_int_equal(pager_top_line(p), 49);
    key(p, 'G');
    assert_true(pager_following(p));
    assert_int_equal(pager_top_line(p), 80);
    key(p, 'k');
    key(p, 'j'); /* back at the bottom: following again */
    assert_true(pager_following(p));
    key(p, 'F');
    assert_false(pager_following(p));
    pager_append(p, more, strlen(more));
    assert_int_equal(pager_top_line(p), 80);
    key(p, 'G');
    assert_false(pager_following(p)); /* F turned it off for good */
    pager_free(p);
    free(more);
}

/* 100 lines; "foo" on lines 3, 50 and 90, "FOO" on line 60. */
static struct pager *search_fixture(void)
{
    char *text = numbered(100, "line %zu");
    struct pager *p = pager_new(NULL);
    size_t len = strlen(text);
    char *t = malloc(len + 64);
    size_t o = 0;

    for (size_t i = 0, line = 0; i < len; i++) {
        if (text[i] == '\n') {
            if (line == 3 || line == 50 || line == 90) {
                memcpy(t + o, " foo", 4);
                o += 4;
            } else if (line == 60) {
                memcpy(t + o, " FOO", 4);
                o += 4;
            }
            line++;
        }
        t[o++] = text[i];
    }
    pager_set_text(p, "t", t, o);
    pager_set_view(p, 10, 40);
    free(t);
    free(text);
    return p;
}

static void type_search(struct pager *p, const char *pat)
{
    assert_int_equal(key(p, '/'), PAGER_HANDLED);
    assert_true(pager_searching(p));
    keys(p, pat);
}

static void test_search(void **state)
{
    struct pager *p = search_fixture();
    size_t line, start, end;
    bool err;

    (void)state;
    type_search(p, "foo");
    assert_true(pager_searching(p));
    assert_false(pager_match(p, &line, &start, &end)); /* nothing until Enter */
    key(p, '\r');
    assert_false(pager_searching(p));
    assert_true(pager_match(p, &line, &start, &end));
    assert_int_equal(line, 3);
    assert_int_equal(start, 7);
    assert_int_equal(end, 10);
    assert_int_equal(pager_top_line(p), 0); /* already on screen */
    key(p, 'n');
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 50);
    assert_int_equal(pager_top_line(p), 50);
    key(p, 'n');
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 60); /* smart case: "foo" also finds "FOO" */
    key(p, 'n');
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 90);
    assert_int_equal(pager_top_line(p), 90);
    assert_null(pager_notice(p, NULL));
    key(p, 'n');
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 3);
    assert_int_equal(pager_top_line(p), 3);
    assert_string_equal(pager_notice(p, &err), "search hit BOTTOM, continuing at TOP");
    assert_false(err);
    key(p, 'N');
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 90);
    assert_string_equal(pager_notice(p, &err), "search hit TOP, continuing at BOTTOM");
    key(p, 'N');
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 60);
    assert_null(pager_notice(p, NULL)); /* cleared by the next key */

    /* Upper case in the pattern: case-sensitive. */
    key(p, 'g');
    type_search(p, "FOO");
    key(p, '\r');
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 60);
    key(p, 'n');
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 60);
    assert_non_null(pager_notice(p, NULL)); /* wrapped onto itself */

    /* Not found. */
    type_search(p, "bar");
    key(p, '\r');
    assert_string_equal(pager_notice(p, &err), "Pattern not found: bar");
    assert_true(err);
    pager_free(p);
}

static void test_search_line(void **state)
{
    struct prompt_history hist;
    struct pager *p;
    size_t line, start, end;

    (void)state;
    prompt_history_init(&hist, 0);
    p = pager_new(&hist);
    pager_set_text(p, "t", "wow!bang\nx a(b\n", 15);
    pager_set_view(p, 10, 40);

    /* n before any search. */
    key(p, 'n');
    assert_string_equal(pager_notice(p, NULL), "No previous search");

    /* An invalid pattern shows PCRE2's message and keeps the line open. */
    type_search(p, "a(");
    assert_non_null(prompt_error(pager_search_prompt(p)));
    assert_int_equal(pager_search_prompt(p)->error_offset, 2);
    key(p, '\r');
    assert_true(pager_searching(p));
    /* Fixing it clears the error. */
    key(p, KEY_BACKSPACE);
    keys(p, "\\(");
    assert_null(prompt_error(pager_search_prompt(p)));
    key(p, '\r');
    assert_false(pager_searching(p));
    assert_true(pager_match(p, &line, &start, &end));
    assert_int_equal(line, 1);
    assert_int_equal(start, 2);
    assert_int_equal(hist.count, 1);
    assert_string_equal(hist.items[0], "a\\(");

    /* Esc in the line closes it and keeps the previous search. */
    type_search(p, "zzz");
    assert_int_equal(key(p, 27), PAGER_HANDLED);
    assert_false(pager_searching(p));
    key(p, 'n');
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 1);

    /* A leading '!' is literal. */
    type_search(p, "!bang");
    key(p, '\r');
    assert_true(pager_match(p, &line, &start, &end));
    assert_int_equal(line, 0);
    assert_int_equal(start, 3);
    /* An invalid pattern after '!' points at the right byte. */
    type_search(p, "!(");
    assert_int_equal(pager_search_prompt(p)->error_offset, 2);
    key(p, 27);

    /* An empty line repeats the last search. */
    type_search(p, "");
    key(p, '\r');
    assert_false(pager_searching(p));
    pager_match(p, &line, &start, &end);
    assert_int_equal(line, 0);
    assert_non_null(pager_notice(p, NULL)); /* the only match: wrapped onto itself */

    /* Up in the search line walks its history. */
    key(p, '/');
    key(p, KEY_UP);
    assert_string_equal(prompt_text(pager_search_prompt(p)), "!bang");
    key(p, 27);
    pager_free(p);
    prompt_history_fini(&hist);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_large(void **state)
{
    char *text = numbered(100000, "%06zu lorem ipsum dolor sit amet consectetur adipiscing elit");
    struct pager *p = pager_new(NULL);
    size_t line, start, end;
    double t0 = now_s(), took;

    (void)state;
    pager_set_text(p, "big", text, strlen(text));
    pager_set_view(p, 50, 40); /* wrapping: 2 rows a line */
    assert_int_equal(pager_line_count(p), 100000);
    key(p, 'G');
    assert_int_equal(pager_top_line(p), 99975);
    for (int i = 0; i < 1000; i++) {
        key(p, 'b');
    }
    assert_int_equal(pager_top_line(p), 74975);
    for (int i = 0; i < 1000; i++) {
        key(p, 'j');
    }
    assert_int_equal(pager_top_line(p), 75475);
    key(p, 'g');
    type_search(p, "^099999");
    key(p, '\r');
    assert_true(pager_match(p, &line, &start, &end));
    assert_int_equal(line, 99999);
    key(p, 'w');
    key(p, 'G');
    assert_int_equal(pager_top_line(p), 99950);
    took = now_s() - t0;
    /* Generous even under sanitizers; each step is a handful of lines of work. */
    assert_true(took < 5.0);
    pager_free(p);
    free(text);

    /* One 4 MB line, wrapped: no key re-wraps all of it more than once. */
    {
        size_t n = 4u << 20;
        char *big = malloc(n);

        memset(big, 'x', n);
        p = pager_new(NULL);
        pager_set_text(p, "one line", big, n);
        pager_set_view(p, 50, 100);
        t0 = now_s();
        key(p, 'G');
        for (int i = 0; i < 20; i++) {
            key(p, 'b');
        }
        key(p, 'g');
        for (int i = 0; i < 100; i++) {
            key(p, ' ');
        }
        took = now_s() - t0;
        assert_int_equal(pager_top_line(p), 0);
        assert_true(took < 5.0);
        pager_free(p);
        free(big);
    }
}

/* ---- painting, on a curses screen writing to /dev/null ---- */

static int term_setup(void **state)
{
    return term_open(state, 8, 30);
}

static void test_draw(void **state)
{
    struct term *t = *state;
    char *text = numbered(100, "line %zu");
    struct pager *p = pager_new(NULL);
    char row[512];

    pager_set_text(p, "pod web-1", text, strlen(text));
    pager_draw(p, t->w, 0, 0, 8, 30);
    term_row(t->w, 0, 30, row, sizeof row);
    assert_non_null(strstr(row, " pod web-1"));
    assert_non_null(strstr(row, "L 1/100"));
    assert_non_null(strstr(row, "6%"));
    assert_non_null(strstr(row, "wrap"));
    term_row(t->w, 1, 30, row, sizeof row);
    assert_string_equal(row, "line 0                        ");
    term_row(t->w, 6, 30, row, sizeof row);
    assert_string_equal(row, "line 5                        ");
    term_row(t->w, 7, 30, row, sizeof row);
    assert_non_null(strstr(row, "q close  ? keys  / search"));
    assert_int_equal(pager_top_line(p), 0);

    pager_key(p, 'G');
    pager_draw(p, t->w, 0, 0, 8, 30);
    term_row(t->w, 0, 30, row, sizeof row);
    assert_non_null(strstr(row, "L 95/100  100%"));
    term_row(t->w, 6, 30, row, sizeof row);
    assert_string_equal(row, "line 99                       ");

    /* The search line replaces the hints; the current match is reverse video. */
    pager_key(p, 'g');
    pager_key(p, '/');
    pager_key(p, '3');
    pager_draw(p, t->w, 0, 0, 8, 30);
    term_row(t->w, 7, 30, row, sizeof row);
    assert_string_equal(row, "/3                            ");
    pager_key(p, '\r');
    pager_draw(p, t->w, 0, 0, 8, 30);
    term_row(t->w, 4, 30, row, sizeof row);
    assert_string_equal(row, "line 3                        ");
    assert_true(mvwinch(t->w, 4, 5) & A_REVERSE);
    assert_false(mvwinch(t->w, 4, 4) & A_REVERSE);
    pager_free(p);
    free(text);
}

static void test_draw_wrap_wide_nowrap(void **state)
{
    struct term *t = *state;
    struct pager *p = pager_new(NULL);
    char row[512];
    /* 20 CJK characters (40 cells), then an ESC that must show as '?'. */
    static const char text[] = "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
                               "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
                               "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
                               "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
                               "\n\x1b[2Jabcdefghijklmnopqrstuvwxyz0123456789\n";

    pager_set_text(p, "wide", text, sizeof text - 1);
    /* 15 columns: 7 wide characters (14 cells) a row. */
    pager_draw(p, t->w, 0, 0, 8, 15);
    /* mvwinnwstr counts a wide character once: read 7 and 6 characters. */
    term_row(t->w, 1, 7, row, sizeof row);
    assert_string_equal(row, "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
                             "\xe4\xb8\xad\xe4\xb8\xad");
    assert_int_equal(mvwinch(t->w, 1, 14) & A_CHARTEXT, ' ');
    term_row(t->w, 3, 7, row, sizeof row);
    assert_string_equal(row, "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
                             "\xe4\xb8\xad ");
    term_row(t->w, 4, 15, row, sizeof row);
    assert_string_equal(row, "?[2Jabcdefghijk");
    term_row(t->w, 5, 15, row, sizeof row);
    assert_string_equal(row, "lmnopqrstuvwxyz");
    /* Without wrap, Right scrolls by half the width. */
    pager_key(p, 'w');
    pager_key(p, KEY_RIGHT);
    pager_draw(p, t->w, 0, 0, 8, 15);
    term_row(t->w, 2, 15, row, sizeof row);
    assert_string_equal(row, "defghijklmnopqr");
    pager_draw(p, t->w, 0, 0, 8, 30);
    term_row(t->w, 0, 30, row, sizeof row);
    assert_non_null(strstr(row, "L 1/2  100%  nowrap"));
    /* Narrow: the position alone, the title keeps some room. */
    pager_draw(p, t->w, 0, 0, 8, 15);
    term_row(t->w, 0, 15, row, sizeof row);
    assert_string_equal(row, " wide    L 1/2 ");
    pager_free(p);
}

/* First character painted on row y. */
static char first_char(WINDOW *w, int y)
{
    return (char)(mvwinch(w, y, 0) & A_CHARTEXT);
}

static void test_draw_long_line(void **state)
{
    struct term *t = *state;
    size_t n = 70020; /* 2334 rows of 30: over the long-line threshold */
    char *text = malloc(n + 5);
    struct pager *p = pager_new(NULL);

    /* Row r of the long line is all 'a' + r % 26. */
    for (size_t i = 0; i < n; i++) {
        text[i] = (char)('a' + (i / 30) % 26);
    }
    memcpy(text + n, "\nEND", 5);
    pager_set_text(p, "long", text, n + 5);
    pager_draw(p, t->w, 0, 0, 8, 30); /* 6 text rows */
    assert_int_equal(first_char(t->w, 1), 'a');
    pager_key(p, 'G'); /* rows 2329..2333 of the long line, then END */
    pager_draw(p, t->w, 0, 0, 8, 30);
    assert_int_equal(first_char(t->w, 1), 'a' + 2329 % 26);
    assert_int_equal(first_char(t->w, 6), 'E');
    pager_key(p, 'b');
    pager_draw(p, t->w, 0, 0, 8, 30);
    assert_int_equal(first_char(t->w, 1), 'a' + 2323 % 26);
    pager_key(p, 'k');
    pager_draw(p, t->w, 0, 0, 8, 30);
    assert_int_equal(first_char(t->w, 1), 'a' + 2322 % 26);
    pager_key(p, 'g');
    for (int i = 0; i < 27; i++) {
        pager_key(p, 'j');
    }
    pager_draw(p, t->w, 0, 0, 8, 30);
    assert_int_equal(first_char(t->w, 1), 'b');
    pager_key(p, 'k');
    pager_draw(p, t->w, 0, 0, 8, 30);
    assert_int_equal(first_char(t->w, 1), 'a');
    /* A search jump into the middle of the long line shows the row holding the match. */
    text[1500 * 30 + 7] = 'Z';
    pager_set_text(p, NULL, text, n + 5);
    pager_key(p, '/');
    pager_key(p, 'Z');
    pager_key(p, '\r');
    pager_draw(p, t->w, 0, 0, 8, 30);
    assert_int_equal(first_char(t->w, 1), 'a' + 1500 % 26);
    assert_int_equal(mvwinch(t->w, 1, 7) & A_CHARTEXT, 'Z');
    assert_true(mvwinch(t->w, 1, 7) & A_REVERSE);
    pager_free(p);
    free(text);
}

/* A followed log keeps its newest lines only: memory stays bounded, the text stays right. */
static void test_max_lines_drops_oldest(void **state)
{
    struct pager *p = pager_new(NULL);
    char line[32];
    const char *l;
    size_t len;

    (void)state;
    pager_set_follow(p, true);
    pager_set_max_lines(p, 100);
    for (int i = 0; i < 1000; i++) {
        snprintf(line, sizeof line, "line %d\n", i);
        pager_append(p, line, strlen(line));
    }
    assert_true(pager_line_count(p) >= 100);
    assert_true(pager_line_count(p) <= 125);
    l = pager_line(p, pager_line_count(p) - 1, &len);
    assert_int_equal(len, strlen("line 999"));
    assert_memory_equal(l, "line 999", len);
    l = pager_line(p, 0, &len);
    snprintf(line, sizeof line, "line %zu", 1000 - pager_line_count(p));
    assert_int_equal(len, strlen(line));
    assert_memory_equal(l, line, len);
    assert_true(pager_following(p));
    pager_free(p);
}

/* Marked lines (merged logs): a prefix in its tone, a note dimmed whole; the mark stays with
 * its line through later appends, unmarked ones and the dropping of old lines. */
static void test_marks(void **state)
{
    struct pager *p = pager_new(NULL);
    size_t plen = 99;

    (void)state;
    pager_append(p, "plain\n", 6);
    pager_append_marked(p, "x7k2p one\nx7k2p two\n", 20, 2, 6);
    pager_append_marked(p, "-- pod q9z8r gone\n", 18, PAGER_TONE_NOTE, 0);
    pager_append(p, "after\n", 6);
    pager_append_marked(p, "odd\n", 4, 99, 3); /* no such tone: unmarked */
    assert_int_equal(pager_line_count(p), 6);
    assert_int_equal(pager_line_tone(p, 0, &plen), PAGER_TONE_NONE);
    assert_int_equal(plen, 0);
    assert_int_equal(pager_line_tone(p, 1, &plen), 2);
    assert_int_equal(plen, 6);
    assert_line(p, 2, "x7k2p two");
    assert_int_equal(pager_line_tone(p, 2, &plen), 2);
    assert_int_equal(pager_line_tone(p, 3, NULL), PAGER_TONE_NOTE);
    assert_int_equal(pager_line_tone(p, 4, NULL), PAGER_TONE_NONE);
    assert_int_equal(pager_line_tone(p, 5, NULL), PAGER_TONE_NONE);
    assert_int_equal(pager_line_tone(p, 6, NULL), PAGER_TONE_NONE);

    /* Old lines dropped: the marks move with their lines. */
    pager_set_max_lines(p, 4);
    for (int i = 0; i < 8; i++) {
        pager_append_marked(p, "ab c\n", 5, (unsigned)(i % PAGER_TONES) + 1, 3);
    }
    for (size_t i = 0; i < pager_line_count(p); i++) {
        size_t n = pager_line_count(p) - 1 - i; /* lines from the end: i-th newest */

        assert_int_equal(pager_line_tone(p, n, &plen), (unsigned)((7 - i) % PAGER_TONES) + 1);
        assert_int_equal(plen, 3);
    }
    /* A new text forgets them. */
    pager_set_text(p, NULL, "x\n", 2);
    assert_int_equal(pager_line_tone(p, 0, NULL), PAGER_TONE_NONE);
    pager_free(p);
}

/* Painted: the prefix in its tone's attributes (mono: log.prefix-1 bold, log.prefix-2
 * underline), the rest as text; a note dim. */
static void test_draw_marks(void **state)
{
    struct term *t = *state;
    struct pager *p = pager_new(NULL);
    char row[64];

    screen_set_theme(theme_new_mono());
    pager_append_marked(p, "ab1 first\n", 10, 1, 4);
    pager_append_marked(p, "cd2 second\n", 11, 2, 4);
    pager_append_marked(p, "-- a note\n", 10, PAGER_TONE_NOTE, 0);
    pager_draw(p, t->w, 0, 0, 6, 20);
    term_row(t->w, 1, 20, row, sizeof row);
    assert_string_equal(row, "ab1 first           ");
    assert_true(mvwinch(t->w, 1, 0) & A_BOLD);
    assert_true(mvwinch(t->w, 1, 2) & A_BOLD);
    assert_false(mvwinch(t->w, 1, 4) & A_BOLD);
    assert_true(mvwinch(t->w, 2, 1) & A_UNDERLINE);
    assert_false(mvwinch(t->w, 2, 1) & A_BOLD);
    assert_false(mvwinch(t->w, 2, 5) & A_UNDERLINE);
    assert_true(mvwinch(t->w, 3, 0) & A_DIM);
    assert_true(mvwinch(t->w, 3, 8) & A_DIM);
    assert_false(mvwinch(t->w, 1, 6) & A_DIM);
    pager_free(p);
    screen_fini();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_controls_mapped),
        cmocka_unit_test(test_append_chunks),
        cmocka_unit_test(test_max_lines_drops_oldest),
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_scroll_nowrap),
        cmocka_unit_test(test_scroll_wrap),
        cmocka_unit_test(test_hscroll),
        cmocka_unit_test(test_results),
        cmocka_unit_test(test_follow),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_search_line),
        cmocka_unit_test(test_large),
        cmocka_unit_test_setup_teardown(test_draw, term_setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_draw_wrap_wide_nowrap, term_setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_draw_long_line, term_setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_draw_marks, term_setup, term_teardown),
    };

    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
