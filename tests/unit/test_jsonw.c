/* core/jsonw: what it writes parses back (jansson) to what was written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"

static void test_nested_and_escaped(void **state)
{
    struct jsonw w = {0};
    char *text;
    json_t *doc, *arr;

    (void)state;
    jsonw_object(&w, NULL);
    jsonw_string(&w, "name", "a \"quoted\" \\ name\twith\ncontrols\x1b[0m");
    jsonw_string(&w, "none", NULL);
    jsonw_int(&w, "n", -42);
    jsonw_array(&w, "list");
    jsonw_object(&w, NULL);
    jsonw_string(&w, "k", "v");
    jsonw_end_object(&w);
    jsonw_object(&w, NULL);
    jsonw_end_object(&w);
    jsonw_end_array(&w);
    jsonw_array(&w, "empty");
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    text = jsonw_finish(&w);
    assert_null(w.buf);
    doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "name")),
                        "a \"quoted\" \\ name\twith\ncontrols\x1b[0m");
    assert_null(strchr(text, '\x1b')); /* escaped, never raw */
    assert_true(json_is_null(json_object_get(doc, "none")));
    assert_int_equal(json_integer_value(json_object_get(doc, "n")), -42);
    arr = json_object_get(doc, "list");
    assert_int_equal(json_array_size(arr), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0), "k")), "v");
    assert_int_equal(json_object_size(json_array_get(arr, 1)), 0);
    assert_int_equal(json_array_size(json_object_get(doc, "empty")), 0);
    json_decref(doc);
    free(text);
    text = jsonw_finish(&w); /* nothing written: an empty text */
    assert_string_equal(text, "");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_and_escaped),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
