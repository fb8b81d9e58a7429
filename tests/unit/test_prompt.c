/* tui/prompt: editing, key codes, history, completion, errors, and what it paints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/term_fixture.h"
#include "tui/prompt.h"

/* Feeds UTF-8 text one code point at a time, as the app would from wget_wch(). Returns the
 * result of the last key. */
static enum prompt_result type(struct prompt *p, const char *s)
{
    enum prompt_result r = PROMPT_NONE;
    size_t len = strlen(s);

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = prompt_utf8_decode(s + i, len - i, &cp);

        assert_int_not_equal(cp, UINT32_MAX);
        r = prompt_key(p, prompt_keycode(OK, (wint_t)cp));
        i += n;
    }
    return r;
}

static int fkey(int k)
{
    return prompt_keycode(KEY_CODE_YES, (wint_t)k);
}

static void test_keycode(void **state)
{
    (void)state;
    assert_int_equal(prompt_keycode(ERR, 0), ERR);
    assert_int_equal(prompt_keycode(OK, 'a'), 'a');
    assert_int_equal(prompt_keycode(OK, 0xE6), 0xE6);
    assert_int_equal(prompt_keycode(KEY_CODE_YES, KEY_DOWN), KEY_DOWN);
    /* U+0102 has the same value as KEY_DOWN: it must come out tagged. */
    assert_int_equal(prompt_keycode(OK, 0x102), 0x102 | PROMPT_KEY_CHAR);
    assert_int_equal(prompt_key_char(0x102 | PROMPT_KEY_CHAR), 0x102);
    assert_int_equal(prompt_key_char(KEY_DOWN), -1);
    assert_int_equal(prompt_key_char('a'), 'a');
    assert_int_equal(prompt_key_char(27), -1);
    assert_int_equal(prompt_key_char(127), -1);
    assert_int_equal(prompt_key_char(0x9B), -1);                    /* C1 CSI */
    assert_int_equal(prompt_key_char(0x202E | PROMPT_KEY_CHAR), -1); /* RLO */
    assert_int_equal(prompt_key_char(0x4E2D | PROMPT_KEY_CHAR), 0x4E2D);
}

static void test_insert_and_move(void **state)
{
    struct prompt p;

    (void)state;
    prompt_init(&p, ':', NULL);
    assert_int_equal(type(&p, "hello"), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "hello");
    assert_int_equal(p.cursor, 5);
    assert_int_equal(prompt_key(&p, fkey(KEY_LEFT)), PROMPT_NONE);
    prompt_key(&p, fkey(KEY_LEFT));
    type(&p, "X");
    assert_string_equal(prompt_text(&p), "helXlo");
    assert_int_equal(prompt_key(&p, fkey(KEY_HOME)), PROMPT_NONE);
    type(&p, "A");
    assert_string_equal(prompt_text(&p), "AhelXlo");
    prompt_key(&p, 5); /* Ctrl-E */
    type(&p, "Z");
    assert_string_equal(prompt_text(&p), "AhelXloZ");
    prompt_key(&p, 1); /* Ctrl-A */
    assert_int_equal(p.cursor, 0);
    prompt_key(&p, fkey(KEY_RIGHT));
    prompt_key(&p, 6); /* Ctrl-F */
    assert_int_equal(p.cursor, 2);
    prompt_key(&p, 2); /* Ctrl-B */
    assert_int_equal(p.cursor, 1);
    prompt_key(&p, fkey(KEY_END));
    assert_int_equal(p.cursor, strlen(prompt_text(&p)));
    /* Right at the end and Left at the start stay put. */
    prompt_key(&p, fkey(KEY_RIGHT));
    assert_int_equal(p.cursor, 8);
    prompt_key(&p, fkey(KEY_HOME));
    prompt_key(&p, fkey(KEY_LEFT));
    assert_int_equal(p.cursor, 0);
    prompt_fini(&p);
}

static void test_utf8_editing(void **state)
{
    struct prompt p;

    (void)state;
    prompt_init(&p, '/', NULL);
    type(&p, "\xc3\xa6\xc3\xb8\xc3\xa5\xe4\xb8\xad"); /* æøå中 */
    assert_int_equal(p.len, 9);
    prompt_key(&p, fkey(KEY_LEFT));
    assert_int_equal(p.cursor, 6);
    prompt_key(&p, fkey(KEY_LEFT));
    assert_int_equal(p.cursor, 4);
    assert_int_equal(prompt_key(&p, fkey(KEY_BACKSPACE)), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "\xc3\xa6\xc3\xa5\xe4\xb8\xad");
    assert_int_equal(prompt_key(&p, fkey(KEY_DC)), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "\xc3\xa6\xe4\xb8\xad");
    /* 'Ă' (U+0102, the value of KEY_DOWN) is text, not a history key. */
    type(&p, "\xc4\x82");
    assert_string_equal(prompt_text(&p), "\xc3\xa6\xc4\x82\xe4\xb8\xad");
    /* A combining mark travels with its base character. */
    prompt_set_text(&p, "e\xcc\x81x"); /* e + U+0301, x */
    prompt_key(&p, fkey(KEY_HOME));
    prompt_key(&p, fkey(KEY_RIGHT));
    assert_int_equal(p.cursor, 3);
    prompt_key(&p, fkey(KEY_LEFT));
    assert_int_equal(p.cursor, 0);
    prompt_fini(&p);
}

static void test_controls_never_enter(void **state)
{
    struct prompt p;

    (void)state;
    prompt_init(&p, ':', NULL);
    type(&p, "ab");
    assert_int_equal(prompt_key(&p, 0x9B), PROMPT_NONE);
    assert_int_equal(prompt_key(&p, 0x202E | PROMPT_KEY_CHAR), PROMPT_NONE);
    assert_int_equal(prompt_key(&p, 0x1F), PROMPT_NONE);
    assert_int_equal(prompt_key(&p, fkey(KEY_F(5))), PROMPT_NONE);
    assert_string_equal(prompt_text(&p), "ab");
    prompt_fini(&p);
}

static void test_kills(void **state)
{
    struct prompt p;

    (void)state;
    prompt_init(&p, ':', NULL);
    prompt_set_text(&p, "get pods  ");
    assert_int_equal(prompt_key(&p, 23), PROMPT_CHANGED); /* Ctrl-W */
    assert_string_equal(prompt_text(&p), "get ");
    assert_int_equal(prompt_key(&p, 23), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "");
    assert_int_equal(prompt_key(&p, 23), PROMPT_NONE);

    prompt_set_text(&p, "one two three");
    prompt_key(&p, 1); /* start */
    for (int i = 0; i < 4; i++) {
        prompt_key(&p, fkey(KEY_RIGHT));
    }
    assert_int_equal(prompt_key(&p, 11), PROMPT_CHANGED); /* Ctrl-K */
    assert_string_equal(prompt_text(&p), "one ");
    prompt_set_text(&p, "one two three");
    prompt_key(&p, fkey(KEY_LEFT));
    prompt_key(&p, fkey(KEY_LEFT));
    assert_int_equal(prompt_key(&p, 21), PROMPT_CHANGED); /* Ctrl-U */
    assert_string_equal(prompt_text(&p), "ee");
    assert_int_equal(p.cursor, 0);
    assert_int_equal(prompt_key(&p, 4), PROMPT_CHANGED); /* Ctrl-D */
    assert_string_equal(prompt_text(&p), "e");
    assert_int_equal(prompt_key(&p, 127), PROMPT_NONE); /* Backspace at the start */
    prompt_key(&p, 5);
    assert_int_equal(prompt_key(&p, 127), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "");
    assert_int_equal(prompt_key(&p, 8), PROMPT_NONE); /* Ctrl-H on nothing */
    prompt_fini(&p);
}

static void test_accept_cancel(void **state)
{
    struct prompt p;
    const int accept[] = {'\r', '\n', KEY_ENTER};
    const int cancel[] = {27, 3, 7};

    (void)state;
    prompt_init(&p, ':', NULL);
    type(&p, "pods");
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(prompt_key(&p, accept[i]), PROMPT_ACCEPT);
        assert_int_equal(prompt_key(&p, cancel[i]), PROMPT_CANCEL);
    }
    assert_string_equal(prompt_text(&p), "pods");
    prompt_fini(&p);
}

static void test_history_bounds(void **state)
{
    struct prompt_history h;

    (void)state;
    prompt_history_init(&h, 3);
    prompt_history_add(&h, "a");
    prompt_history_add(&h, "b");
    prompt_history_add(&h, "b");
    prompt_history_add(&h, "");
    prompt_history_add(&h, NULL);
    assert_int_equal(h.count, 2);
    prompt_history_add(&h, "a"); /* not a repeat of the newest: kept */
    prompt_history_add(&h, "c");
    assert_int_equal(h.count, 3);
    assert_string_equal(h.items[0], "b");
    assert_string_equal(h.items[2], "c");
    prompt_history_fini(&h);

    prompt_history_init(&h, 0);
    for (int i = 0; i < 250; i++) {
        char line[16];

        snprintf(line, sizeof line, "cmd%d", i);
        prompt_history_add(&h, line);
    }
    assert_int_equal(h.count, PROMPT_HISTORY_MAX);
    assert_string_equal(h.items[0], "cmd150");
    prompt_history_fini(&h);
}

static void test_history_walk(void **state)
{
    struct prompt_history h;
    struct prompt p;

    (void)state;
    prompt_history_init(&h, 0);
    prompt_init(&p, ':', &h);
    /* Empty history: Up does nothing and loses nothing. */
    type(&p, "x");
    assert_int_equal(prompt_key(&p, fkey(KEY_UP)), PROMPT_NONE);
    assert_string_equal(prompt_text(&p), "x");

    prompt_history_add(&h, "pods");
    prompt_history_add(&h, "apps");
    prompt_set_text(&p, "");
    type(&p, "draft");
    assert_int_equal(prompt_key(&p, fkey(KEY_UP)), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "apps");
    assert_int_equal(p.cursor, 4);
    assert_int_equal(prompt_key(&p, 16), PROMPT_CHANGED); /* Ctrl-P */
    assert_string_equal(prompt_text(&p), "pods");
    assert_int_equal(prompt_key(&p, fkey(KEY_UP)), PROMPT_NONE);
    assert_string_equal(prompt_text(&p), "pods");
    assert_int_equal(prompt_key(&p, fkey(KEY_DOWN)), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "apps");
    assert_int_equal(prompt_key(&p, 14), PROMPT_CHANGED); /* Ctrl-N */
    assert_string_equal(prompt_text(&p), "draft");
    assert_int_equal(prompt_key(&p, fkey(KEY_DOWN)), PROMPT_NONE);
    assert_string_equal(prompt_text(&p), "draft");

    /* Accept an edited recalled line: the app adds it; Up then starts from it. */
    prompt_key(&p, fkey(KEY_UP));
    type(&p, "!");
    assert_int_equal(prompt_key(&p, '\r'), PROMPT_ACCEPT);
    prompt_history_add(&h, prompt_text(&p));
    assert_string_equal(h.items[1], "apps"); /* the recalled entry itself is untouched */
    prompt_set_text(&p, "");
    prompt_key(&p, fkey(KEY_UP));
    assert_string_equal(prompt_text(&p), "apps!");
    prompt_key(&p, fkey(KEY_DOWN));
    assert_string_equal(prompt_text(&p), "");
    prompt_fini(&p);
    prompt_history_fini(&h);
}

static const char *const commands[] = {"pods", "po", "pvc", "apps", "alerts", "deploy",
                                       "deployments"};

/* Completes the word before the cursor from `commands` by prefix. */
static size_t complete_cmd(const char *text, size_t cursor, const char **out, size_t max,
                           void *arg)
{
    size_t start = cursor, n = 0;
    int *calls = arg;

    (*calls)++;
    while (start > 0 && text[start - 1] != ' ') {
        start--;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0] && n < max; i++) {
        if (strncmp(commands[i], text + start, cursor - start) == 0) {
            out[n++] = commands[i];
        }
    }
    return n;
}

static void test_completion(void **state)
{
    struct prompt p;
    size_t n, sel;
    char *const *c;
    int calls = 0;

    (void)state;
    prompt_init(&p, ':', NULL);
    /* No callback: Tab does nothing. */
    type(&p, "p");
    assert_int_equal(prompt_key(&p, '\t'), PROMPT_NONE);
    prompt_set_completion(&p, complete_cmd, &calls, true);

    /* Several candidates with no longer common prefix: list them, change nothing. */
    assert_int_equal(prompt_key(&p, '\t'), PROMPT_NONE);
    assert_int_equal(calls, 1);
    c = prompt_candidates(&p, &n, &sel);
    assert_int_equal(n, 3);
    assert_int_equal(sel, 3);
    assert_string_equal(c[0], "pods");
    assert_string_equal(c[2], "pvc");
    assert_string_equal(prompt_text(&p), "p");
    /* Tab again cycles through them, wrapping; Shift-Tab goes back. */
    assert_int_equal(prompt_key(&p, '\t'), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "pods");
    prompt_key(&p, '\t');
    assert_string_equal(prompt_text(&p), "po");
    prompt_key(&p, '\t');
    assert_string_equal(prompt_text(&p), "pvc");
    prompt_candidates(&p, &n, &sel);
    assert_int_equal(sel, 2);
    prompt_key(&p, '\t');
    assert_string_equal(prompt_text(&p), "pods");
    assert_int_equal(prompt_key(&p, fkey(KEY_BTAB)), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "pvc");
    assert_int_equal(calls, 1); /* cycling does not ask again */
    /* Any other key ends the cycle. */
    type(&p, " ");
    assert_null(prompt_candidates(&p, &n, NULL));
    assert_int_equal(n, 0);
    assert_string_equal(prompt_text(&p), "pvc ");

    /* One candidate: completed, plus a space. */
    prompt_set_text(&p, "ap");
    assert_int_equal(prompt_key(&p, '\t'), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "apps ");
    assert_int_equal(p.cursor, 5);

    /* Several with a longer common prefix: the prefix goes in, the list is offered. */
    prompt_set_text(&p, "de");
    assert_int_equal(prompt_key(&p, '\t'), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "deploy");
    prompt_candidates(&p, &n, NULL);
    assert_int_equal(n, 2);

    /* The word is the one before the cursor; text after the cursor stays. */
    prompt_set_text(&p, "x al y");
    prompt_key(&p, fkey(KEY_LEFT));
    prompt_key(&p, fkey(KEY_LEFT));
    assert_int_equal(prompt_key(&p, '\t'), PROMPT_CHANGED);
    assert_string_equal(prompt_text(&p), "x alerts y");
    assert_int_equal(p.cursor, 9); /* past the existing space */

    /* No candidate. */
    prompt_set_text(&p, "zz");
    assert_int_equal(prompt_key(&p, '\t'), PROMPT_NONE);
    assert_string_equal(prompt_text(&p), "zz");
    prompt_fini(&p);
}

static void test_error(void **state)
{
    struct prompt p;

    (void)state;
    prompt_init(&p, '/', NULL);
    type(&p, "a(b");
    assert_null(prompt_error(&p));
    prompt_set_error(&p, "missing closing parenthesis", 3);
    assert_string_equal(prompt_error(&p), "missing closing parenthesis");
    assert_int_equal(p.error_offset, 3);
    /* A cursor move keeps it; an edit clears it. */
    prompt_key(&p, fkey(KEY_LEFT));
    assert_non_null(prompt_error(&p));
    type(&p, "c");
    assert_null(prompt_error(&p));
    prompt_set_error(&p, "x", 999);
    assert_int_equal(p.error_offset, p.len);
    prompt_set_error(&p, NULL, 0);
    assert_null(prompt_error(&p));
    prompt_fini(&p);
}

static void test_length_bound(void **state)
{
    struct prompt p;
    char *big = malloc(PROMPT_MAX_BYTES + 100);

    (void)state;
    /* 2-byte characters, so a cut in the middle of one must step back. */
    for (size_t i = 0; i + 1 < PROMPT_MAX_BYTES + 99; i += 2) {
        big[i] = '\xc3';
        big[i + 1] = '\xa6';
    }
    big[PROMPT_MAX_BYTES + 99] = '\0';
    big[PROMPT_MAX_BYTES + 98] = 'x';
    prompt_init(&p, ':', NULL);
    prompt_set_text(&p, big);
    assert_true(p.len <= PROMPT_MAX_BYTES);
    assert_true(p.len >= PROMPT_MAX_BYTES - 1);
    assert_int_equal(p.len % 2, 0);
    assert_int_equal(prompt_key(&p, 'y'), p.len < PROMPT_MAX_BYTES ? PROMPT_CHANGED : PROMPT_NONE);
    assert_int_equal(prompt_key(&p, 'z'), PROMPT_NONE);
    assert_true(p.len <= PROMPT_MAX_BYTES);
    free(big);
    prompt_fini(&p);
}

/* ---- drawing, on a curses screen writing to /dev/null ---- */

static int term_setup(void **state)
{
    return term_open(state, 3, 30);
}

/* Row y of the window as UTF-8 text, `n` cells from x. */
static void row_text(WINDOW *w, int y, int x, int n, char *out, size_t size)
{
    wchar_t wbuf[256];

    assert_true(n < 256);
    mvwinnwstr(w, y, x, wbuf, n);
    wbuf[n] = L'\0';
    wcstombs(out, wbuf, size);
}

static void test_draw_scrolls_to_cursor(void **state)
{
    struct term *t = *state;
    struct prompt p;
    char row[512];

    prompt_init(&p, ':', NULL);
    type(&p, "abcdefghijklmnopqrstuvwxyz0123456789");
    prompt_draw(&p, t->w, 0, 0, 1, 12);
    row_text(t->w, 0, 0, 12, row, sizeof row);
    /* The prefix, then the end of the text, then the cursor cell. */
    assert_string_equal(row, ":0123456789 ");
    assert_true(mvwinch(t->w, 0, 11) & A_REVERSE);
    assert_false(mvwinch(t->w, 0, 10) & A_REVERSE);
    /* Home: the start shows, the cursor is on 'a'. */
    prompt_key(&p, fkey(KEY_HOME));
    prompt_draw(&p, t->w, 0, 0, 1, 12);
    row_text(t->w, 0, 0, 12, row, sizeof row);
    assert_string_equal(row, ":abcdefghijk");
    assert_true(mvwinch(t->w, 0, 1) & A_REVERSE);
    assert_false(mvwinch(t->w, 0, 2) & A_REVERSE);
    prompt_fini(&p);
}

static void test_draw_wide_and_error(void **state)
{
    struct term *t = *state;
    struct prompt p;
    char row[512];

    prompt_init(&p, '/', NULL);
    type(&p, "\xe4\xb8\xad\xe6\x96\x87(");      /* 中文( */
    prompt_set_error(&p, "missing )", 6);        /* at '(' */
    prompt_draw(&p, t->w, 1, 0, 1, 30);
    row_text(t->w, 1, 0, 30, row, sizeof row);
    assert_non_null(strstr(row, "/\xe4\xb8\xad\xe6\x96\x87("));
    assert_non_null(strstr(row, "missing )"));
    /* '(' is at cell 5 (1 + 2 + 2) and carries the error mark. */
    assert_true(mvwinch(t->w, 1, 5) & A_UNDERLINE);
    /* Hidden cursor: no reverse cell. */
    p.hide_cursor = true;
    prompt_draw(&p, t->w, 1, 0, 1, 30);
    for (int x = 0; x < 30; x++) {
        assert_false(mvwinch(t->w, 1, x) & A_REVERSE);
    }
    prompt_fini(&p);
}

static void test_draw_candidates(void **state)
{
    struct term *t = *state;
    struct prompt p;
    char row[512];
    int calls = 0;

    prompt_init(&p, ':', NULL);
    prompt_set_completion(&p, complete_cmd, &calls, true);
    type(&p, "p");
    prompt_key(&p, '\t');
    prompt_key(&p, '\t');
    prompt_draw_candidates(&p, t->w, 2, 0, 20, A_NORMAL);
    row_text(t->w, 2, 0, 20, row, sizeof row);
    assert_string_equal(row, "pods  po  pvc       ");
    prompt_fini(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keycode),
        cmocka_unit_test(test_insert_and_move),
        cmocka_unit_test(test_utf8_editing),
        cmocka_unit_test(test_controls_never_enter),
        cmocka_unit_test(test_kills),
        cmocka_unit_test(test_accept_cancel),
        cmocka_unit_test(test_history_bounds),
        cmocka_unit_test(test_history_walk),
        cmocka_unit_test(test_completion),
        cmocka_unit_test(test_error),
        cmocka_unit_test(test_length_bound),
        cmocka_unit_test_setup_teardown(test_draw_scrolls_to_cursor, term_setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_draw_wide_and_error, term_setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_draw_candidates, term_setup, term_teardown),
    };

    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
