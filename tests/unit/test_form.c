/* tui/form: DESIGN.md's forms contract (first field focused, Tab/Shift-Tab, Ctrl-S submits,
 * Esc cancels, Enter submits a one-field form), required fields, choices, multi-line fields,
 * and what it paints. */
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
#include "tui/form.h"
#include "tui/prompt.h"

#define CTRL_S 19

static const char *const impacts[] = {"1 - High", "2 - Medium", "3 - Low", NULL};

static struct form *incident_form(void)
{
    const struct form_field fields[] = {
        {.label = "Short description", .required = true},
        {.label = "Description", .value = "pod dmi/api-1: CrashLoopBackOff"},
        {.label = "Impact", .value = "2 - Medium", .choices = impacts},
    };

    return form_new("New incident (dmi)", fields, 3, "Create");
}

static void type(struct form *f, const char *s)
{
    for (; *s != '\0'; s++) {
        assert_int_equal(form_key(f, (unsigned char)*s), FORM_NONE);
    }
}

static void test_contract(void **state)
{
    struct form *f = incident_form();

    (void)state;
    assert_int_equal(form_count(f), 3);
    assert_int_equal(form_focus(f), 0); /* the first field has the focus */
    assert_string_equal(form_value(f, 1), "pod dmi/api-1: CrashLoopBackOff"); /* prefilled */
    assert_string_equal(form_value(f, 2), "2 - Medium");
    form_key(f, '\t');
    assert_int_equal(form_focus(f), 1);
    form_key(f, '\t');
    form_key(f, '\t');
    assert_int_equal(form_focus(f), 0); /* wraps */
    form_key(f, KEY_BTAB);
    assert_int_equal(form_focus(f), 2);
    form_key(f, KEY_BTAB);
    assert_int_equal(form_focus(f), 1);
    /* Ctrl-S with the required field empty: refused, the field focused, said why */
    assert_int_equal(form_key(f, CTRL_S), FORM_NONE);
    assert_int_equal(form_focus(f), 0);
    assert_string_equal(form_error(f), "Short description is required");
    type(f, "api down");
    assert_null(form_error(f)); /* typing clears it */
    assert_string_equal(form_value(f, 0), "api down");
    /* Enter in a form of several fields moves on; it does not submit */
    assert_int_equal(form_key(f, '\r'), FORM_NONE);
    assert_int_equal(form_focus(f), 1);
    assert_int_equal(form_key(f, CTRL_S), FORM_SUBMIT);
    assert_int_equal(form_key(f, 27), FORM_CANCEL);
    assert_int_equal(form_key(f, 3), FORM_CANCEL);
    form_free(f);
}

static void test_choices(void **state)
{
    struct form *f = incident_form();

    (void)state;
    form_key(f, KEY_BTAB); /* the impact */
    type(f, "x");          /* letters do not change a choice */
    assert_string_equal(form_value(f, 2), "2 - Medium");
    form_key(f, KEY_RIGHT);
    assert_string_equal(form_value(f, 2), "3 - Low");
    form_key(f, ' ');
    assert_string_equal(form_value(f, 2), "1 - High"); /* wraps */
    form_key(f, KEY_LEFT);
    assert_string_equal(form_value(f, 2), "3 - Low");
    form_set_error(f, "HTTP 403: Operation Failed: Data Policy Exception", 0);
    assert_int_equal(form_focus(f), 0);
    assert_string_equal(form_error(f), "HTTP 403: Operation Failed: Data Policy Exception");
    form_free(f);
}

static void test_one_field_enter(void **state)
{
    const struct form_field note[] = {{.label = "Work note", .required = true}};
    struct form *f = form_new("Work note on INC0010001", note, 1, "Add");

    (void)state;
    assert_int_equal(form_key(f, '\r'), FORM_NONE); /* empty: required */
    assert_non_null(form_error(f));
    type(f, "looked at it");
    assert_int_equal(form_key(f, '\r'), FORM_SUBMIT);
    assert_string_equal(form_value(f, 0), "looked at it");
    form_free(f);
}

/* A multi-line field: Enter breaks the line at the cursor, Up/Down walk its lines and leave
 * it at its edges, Backspace at a line's start joins it to the one above, Tab still moves on
 * and Ctrl-S still submits; the value is the lines joined by newlines. */
static struct form *resolve_form(const char *notes)
{
    const struct form_field fields[] = {
        {.label = "Code", .choices = impacts},
        {.label = "Notes", .value = notes, .multiline = true, .required = true},
        {.label = "CI"},
    };

    return form_new("Resolve", fields, 3, "Resolve");
}

static void test_multiline(void **state)
{
    struct form *f = resolve_form("first\nsecond");

    (void)state;
    assert_string_equal(form_value(f, 1), "first\nsecond"); /* prefilled lines kept */
    form_key(f, '\t');
    assert_int_equal(form_focus(f), 1);
    type(f, "A"); /* the cursor starts at the field's start */
    assert_string_equal(form_value(f, 1), "Afirst\nsecond");
    assert_int_equal(form_key(f, '\r'), FORM_NONE); /* Enter: a new line, not the next field */
    assert_int_equal(form_focus(f), 1);
    assert_string_equal(form_value(f, 1), "A\nfirst\nsecond");
    assert_int_equal(form_key(f, KEY_DOWN), FORM_NONE); /* down a line, not out */
    assert_int_equal(form_focus(f), 1);
    type(f, "2");
    assert_string_equal(form_value(f, 1), "A\nfirst\n2second");
    form_key(f, KEY_LEFT);
    form_key(f, KEY_BACKSPACE); /* at the line's start: joins it to the one above */
    assert_string_equal(form_value(f, 1), "A\nfirst2second");
    type(f, "|");
    assert_string_equal(form_value(f, 1), "A\nfirst|2second"); /* the cursor at the join */
    form_key(f, KEY_UP);
    form_key(f, KEY_UP); /* from the first line: the field before */
    assert_int_equal(form_focus(f), 0);
    form_key(f, '\t');
    form_key(f, '\t');
    assert_int_equal(form_focus(f), 2); /* Tab moves past it */
    assert_int_equal(form_key(f, CTRL_S), FORM_SUBMIT);
    form_free(f);

    /* Required: lines of spaces only are empty too; one field alone: Enter is a new line. */
    const struct form_field only[] = {{.label = "Notes", .multiline = true, .required = true}};
    f = form_new("Notes", only, 1, "Add");
    assert_int_equal(form_key(f, '\r'), FORM_NONE);
    assert_null(form_error(f));
    assert_string_equal(form_value(f, 0), "\n");
    assert_int_equal(form_key(f, CTRL_S), FORM_NONE); /* blank lines: still required */
    assert_string_equal(form_error(f), "Notes is required");
    type(f, "x");
    assert_int_equal(form_key(f, CTRL_S), FORM_SUBMIT);
    assert_string_equal(form_value(f, 0), "\nx");
    form_free(f);
}

/* The row of w that holds `text`, searching from row `from`; -1 when none. */
static int find_row(WINDOW *w, int from, const char *text)
{
    char row[512];

    for (int y = from; y < getmaxy(w); y++) {
        term_row(w, y, getmaxx(w), row, sizeof row);
        if (strstr(row, text) != NULL) {
            return y;
        }
    }
    return -1;
}

static void test_draw(void **state)
{
    struct term *t = *state;
    struct form *f = incident_form();
    int title, first;

    werase(t->w);
    form_draw(f, t->w, 0, 0, 24, 80);
    title = find_row(t->w, 0, " New incident (dmi) ");
    assert_true(title > 0);
    first = find_row(t->w, title, "Short description*");
    assert_int_equal(first, title + 2);
    assert_int_equal(find_row(t->w, title, "Description"), first + 1);
    assert_int_equal(find_row(t->w, title, "pod dmi/api-1: CrashLoopBackOff"), first + 1);
    assert_int_equal(find_row(t->w, title, "< 2 - Medium >"), first + 2);
    assert_true(find_row(t->w, title, "Ctrl-S Create") > first + 2);
    assert_int_equal(find_row(t->w, 0, "is required"), -1);
    form_key(f, CTRL_S);
    werase(t->w);
    form_draw(f, t->w, 0, 0, 24, 80);
    assert_true(find_row(t->w, 0, "Short description is required") > first + 2);
    form_free(f);
}

/* A multi-line field shows its lines on rows of their own, up to five, scrolled to the line
 * with the cursor; the fields after it move down. */
static void test_draw_multiline(void **state)
{
    struct term *t = *state;
    struct form *f = resolve_form("one\ntwo\nthree\nfour\nfive\nsix\nseven");
    int notes;

    werase(t->w);
    form_draw(f, t->w, 0, 0, 24, 80);
    notes = find_row(t->w, 0, "Notes*");
    assert_true(notes > 0);
    assert_int_equal(find_row(t->w, 0, "one"), notes);
    assert_int_equal(find_row(t->w, 0, "five"), notes + 4);
    assert_int_equal(find_row(t->w, 0, "six"), -1); /* beyond its five rows */
    assert_int_equal(find_row(t->w, 0, "CI"), notes + 5);
    form_key(f, '\t');
    for (int i = 0; i < 6; i++) {
        form_key(f, KEY_DOWN);
    }
    werase(t->w);
    form_draw(f, t->w, 0, 0, 24, 80);
    assert_int_equal(find_row(t->w, 0, "seven"), notes + 4); /* scrolled to the cursor */
    assert_int_equal(find_row(t->w, 0, "one"), -1);
    assert_true(find_row(t->w, 0, "Enter new line") > notes);
    /* A short screen: fewer rows, the box still fits. */
    werase(t->w);
    form_draw(f, t->w, 0, 0, 10, 80);
    assert_true(find_row(t->w, 0, "CI") > 0);
    form_free(f);
}

static int setup(void **state)
{
    setlocale(LC_ALL, "C.UTF-8");
    return term_open(state, 24, 80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contract),
        cmocka_unit_test(test_choices),
        cmocka_unit_test(test_one_field_enter),
        cmocka_unit_test(test_multiline),
        cmocka_unit_test_setup_teardown(test_draw_multiline, setup, term_teardown),
        cmocka_unit_test_setup_teardown(test_draw, setup, term_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
