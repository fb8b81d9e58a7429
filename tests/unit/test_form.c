/* tui/form: DESIGN.md's forms contract (first field focused, Tab/Shift-Tab, Ctrl-S submits,
 * Esc cancels, Enter submits a one-field form), required fields, choices, and what it paints. */
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
        cmocka_unit_test_setup_teardown(test_draw, setup, term_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
