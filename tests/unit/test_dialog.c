/* tui/dialog: the confirm dialog's keys, the typed-name variant, and what it paints. */
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
#include "tui/dialog.h"
#include "tui/prompt.h"

static enum dialog_result type(struct dialog *d, const char *s)
{
    enum dialog_result r = DIALOG_NONE;

    for (; *s != '\0'; s++) {
        r = dialog_key(d, (unsigned char)*s);
    }
    return r;
}

static void test_plain_shortcuts(void **state)
{
    static const int cancel[] = {'n', 'N', 'q', 27, 3};
    struct dialog *d;

    (void)state;
    d = dialog_confirm("Restart", "Restart app forecast-api?", "Restart");
    assert_int_equal(dialog_key(d, 'y'), DIALOG_CONFIRM);
    assert_int_equal(dialog_key(d, 'Y'), DIALOG_CONFIRM);
    for (size_t i = 0; i < sizeof cancel / sizeof cancel[0]; i++) {
        assert_int_equal(dialog_key(d, cancel[i]), DIALOG_CANCEL);
    }
    assert_int_equal(dialog_key(d, 'x'), DIALOG_NONE);
    assert_int_equal(dialog_key(d, KEY_F(2)), DIALOG_NONE);
    assert_true(dialog_input_ok(d));
    assert_string_equal(dialog_input(d), "");
    dialog_free(d);
}

static void test_plain_focus(void **state)
{
    struct dialog *d;

    (void)state;
    d = dialog_confirm("Scale", "Scale to 3 replicas?", "Scale");
    /* Default: Cancel, so Enter alone never does anything harmful. */
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CANCEL);
    assert_int_equal(dialog_key(d, '\r'), DIALOG_CANCEL);
    assert_int_equal(dialog_key(d, '\t'), DIALOG_NONE);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CONFIRM);
    assert_int_equal(dialog_key(d, '\n'), DIALOG_CONFIRM);
    dialog_key(d, '\t');
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CANCEL);
    dialog_key(d, KEY_BTAB);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CONFIRM);
    dialog_key(d, KEY_LEFT);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CANCEL);
    dialog_key(d, KEY_LEFT);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CANCEL);
    dialog_key(d, 'l');
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CONFIRM);
    dialog_key(d, KEY_RIGHT);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CONFIRM);
    assert_int_equal(dialog_key(d, KEY_ENTER), DIALOG_CONFIRM);
    dialog_key(d, 'h');
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CANCEL);
    assert_int_equal(dialog_key(d, KEY_ENTER), DIALOG_CANCEL);
    dialog_free(d);
    dialog_free(NULL);
}

static void test_typed(void **state)
{
    struct dialog *d;

    (void)state;
    d = dialog_confirm_typed("Delete", "Delete pod web-1 in dmi?", "Delete", "web-1");
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_INPUT);
    assert_false(dialog_input_ok(d));
    /* y and n are letters here. */
    assert_int_equal(dialog_key(d, 'y'), DIALOG_NONE);
    assert_int_equal(dialog_key(d, 'n'), DIALOG_NONE);
    assert_string_equal(dialog_input(d), "yn");
    /* Enter with the wrong name: nothing but the warning. */
    assert_false(dialog_warning(d));
    assert_int_equal(dialog_key(d, '\r'), DIALOG_NONE);
    assert_true(dialog_warning(d));
    /* Editing clears the warning. */
    dialog_key(d, 21); /* Ctrl-U */
    assert_false(dialog_warning(d));
    assert_string_equal(dialog_input(d), "");
    /* Almost the name: still no. */
    type(d, "web-");
    dialog_key(d, '\t');
    dialog_key(d, '\t');
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CONFIRM);
    assert_int_equal(dialog_key(d, '\r'), DIALOG_NONE);
    assert_true(dialog_warning(d));
    /* Typing on a button goes to the field. */
    assert_int_equal(dialog_key(d, '1'), DIALOG_NONE);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_INPUT);
    assert_string_equal(dialog_input(d), "web-1");
    assert_true(dialog_input_ok(d));
    assert_false(dialog_warning(d));
    /* Focus round trip, then confirm from the confirm button. */
    dialog_key(d, KEY_BTAB);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CONFIRM);
    dialog_key(d, KEY_LEFT);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CANCEL);
    dialog_key(d, KEY_RIGHT);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CONFIRM);
    dialog_key(d, '\t');
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_INPUT);
    /* Left/Right in the field move its cursor, not the focus. */
    dialog_key(d, KEY_LEFT);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_INPUT);
    dialog_key(d, KEY_BTAB);
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CONFIRM);
    assert_int_equal(dialog_key(d, KEY_ENTER), DIALOG_CONFIRM);
    dialog_free(d);

    d = dialog_confirm_typed("Delete", "Delete?", "Delete", "web-1");
    type(d, "web-1");
    assert_int_equal(dialog_key(d, '\r'), DIALOG_CONFIRM); /* Enter in the field */
    dialog_key(d, '\t');
    assert_int_equal(dialog_focus(d), DIALOG_FOCUS_CANCEL);
    assert_int_equal(dialog_key(d, '\r'), DIALOG_CANCEL);
    assert_int_equal(dialog_key(d, 27), DIALOG_CANCEL);
    assert_int_equal(dialog_key(d, 3), DIALOG_CANCEL);
    /* Case matters: the name is compared byte for byte. */
    dialog_key(d, '\t');
    dialog_key(d, 21);
    type(d, "Web-1");
    assert_false(dialog_input_ok(d));
    dialog_free(d);

    /* A name with non-ASCII characters, typed as code points. */
    d = dialog_confirm_typed("Delete", "Delete?", "Delete", "s\xc3\xb8");
    dialog_key(d, 's');
    dialog_key(d, prompt_keycode(OK, 0xF8));
    assert_true(dialog_input_ok(d));
    dialog_free(d);
}

/* ---- painting ---- */

static int term_setup(void **state)
{
    return term_open(state, 24, 80);
}

/* The first row at or after `from` containing `needle`, or -1. */
static int find_row(WINDOW *w, int from, const char *needle)
{
    char row[512];

    for (int y = from; y < getmaxy(w); y++) {
        term_row(w, y, 80, row, sizeof row);
        if (strstr(row, needle) != NULL) {
            return y;
        }
    }
    return -1;
}

static bool is_acs(WINDOW *w, int y, int x, chtype acs)
{
    chtype c = mvwinch(w, y, x);

    return (c & (A_CHARTEXT | A_ALTCHARSET)) == (acs & (A_CHARTEXT | A_ALTCHARSET));
}

static void test_draw_plain(void **state)
{
    struct term *t = *state;
    struct dialog *d = dialog_confirm("Restart", "Restart app forecast-api in tenant dmi?",
                                      "Restart");
    char row[512];
    int top, msg, btn, left = 0, right = 0, x;

    werase(t->w);
    dialog_draw(d, t->w, 0, 0, 24, 80);
    top = find_row(t->w, 0, " Restart ");
    assert_true(top > 0);
    /* The box is centred: as much room left of it as right of it (one cell of slack). */
    for (x = 0; x < 80 && (mvwinch(t->w, top, x) & A_CHARTEXT) == ' '; x++) {
        left++;
    }
    assert_true(is_acs(t->w, top, left, ACS_ULCORNER));
    for (x = 79; x >= 0 && (mvwinch(t->w, top, x) & A_CHARTEXT) == ' '; x--) {
        right++;
    }
    assert_true(is_acs(t->w, top, 79 - right, ACS_URCORNER));
    assert_true(left - right <= 1 && right - left <= 1);
    assert_true(is_acs(t->w, top + 1, 79 - right, ACS_VLINE));
    /* The title sits in the top border. */
    term_row(t->w, top, 80, row, sizeof row);
    assert_int_equal(strstr(row, " Restart ") - row, left + 2);
    msg = find_row(t->w, top, "Restart app forecast-api in tenant dmi?");
    assert_int_equal(msg, top + 2);
    btn = find_row(t->w, top, "[ Cancel ]  [ Restart ]");
    assert_int_equal(btn, msg + 2);
    assert_true(is_acs(t->w, btn + 1, left, ACS_LLCORNER));
    assert_true(is_acs(t->w, btn + 1, 79 - right, ACS_LRCORNER));
    /* Centred vertically in 24 rows: the box is 6 rows high. */
    assert_int_equal(top, (24 - 6) / 2);
    dialog_free(d);
}

static void test_draw_wraps_and_cuts(void **state)
{
    struct term *t = *state;
    char *msg = malloc(2000);
    struct dialog *d;
    size_t o = 0;
    char row[512];

    for (int i = 0; i < 60; i++) {
        o += (size_t)snprintf(msg + o, 2000 - o, "word%02d ", i);
    }
    d = dialog_confirm("Long", msg, "Go");
    werase(t->w);
    dialog_draw(d, t->w, 0, 0, 24, 80);
    /* 60 words of 7 cells wrapped at 64: 9 words a row, 7 rows. */
    assert_true(find_row(t->w, 0, "word00 word01") >= 0);
    assert_true(find_row(t->w, 0, "word08") == find_row(t->w, 0, "word00"));
    assert_true(find_row(t->w, 0, "word09") == find_row(t->w, 0, "word00") + 1);
    assert_true(find_row(t->w, 0, "word59") >= 0);
    assert_true(find_row(t->w, 0, "[ Cancel ]") >= 0);
    /* On 9 rows the message is cut, the buttons still show. */
    werase(t->w);
    dialog_draw(d, t->w, 0, 0, 9, 80);
    assert_true(find_row(t->w, 0, "word00") >= 0);
    assert_true(find_row(t->w, 0, "word59") < 0);
    assert_true(find_row(t->w, 0, "...") >= 0);
    assert_true(find_row(t->w, 0, "[ Cancel ]") >= 0);
    /* Very small rectangles paint nothing or something, but never outside. */
    werase(t->w);
    dialog_draw(d, t->w, 20, 70, 3, 10);
    for (int y = 0; y < 20; y++) {
        term_row(t->w, y, 80, row, sizeof row);
        assert_null(strstr(row, "word"));
    }
    dialog_free(d);
    free(msg);
}

static void test_draw_typed(void **state)
{
    struct term *t = *state;
    struct dialog *d = dialog_confirm_typed("Delete pod", "Delete pod web-1 in tenant dmi?",
                                            "Delete", "web-1");
    int label, field;

    werase(t->w);
    dialog_draw(d, t->w, 0, 0, 24, 80);
    label = find_row(t->w, 0, "Type web-1 to confirm:");
    assert_true(label > 0);
    type(d, "web");
    dialog_key(d, '\r');
    werase(t->w);
    dialog_draw(d, t->w, 0, 0, 24, 80);
    /* the label (with the name) stays; what was wrong goes under the field */
    label = find_row(t->w, 0, "Type web-1 to confirm:");
    assert_true(label > 0);
    field = find_row(t->w, label + 1, "web");
    assert_int_equal(field, label + 1);
    assert_int_equal(find_row(t->w, 0, "'web' is not the name"), field + 1);
    assert_true(find_row(t->w, 0, "[ Cancel ]  [ Delete ]") > field + 1);
    /* emptied and Enter again: says nothing was typed */
    dialog_key(d, 0x15); /* Ctrl-U */
    dialog_key(d, '\r');
    werase(t->w);
    dialog_draw(d, t->w, 0, 0, 24, 80);
    assert_int_equal(find_row(t->w, 0, "nothing typed: type the name above"), field + 1);
    dialog_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_shortcuts),
        cmocka_unit_test(test_plain_focus),
        cmocka_unit_test(test_typed),
        cmocka_unit_test_setup_teardown(test_draw_plain, term_setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_draw_wraps_and_cuts, term_setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_draw_typed, term_setup, term_teardown),
    };

    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
