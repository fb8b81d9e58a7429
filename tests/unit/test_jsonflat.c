/* Flat JSON objects read from their text (core/jsonflat.h): what the plain form is, and that
 * anything else is refused rather than misread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonflat.h"

/* Reads `text` as one flat object; the byte count read, or -1 when refused. */
static long object(const char *text, struct jsonflat *f)
{
    const char *end = jsonflat_object(text, text + strlen(text), f);

    return end != NULL ? (long)(end - text) : -1;
}

static void test_plain_members(void **state)
{
    static struct jsonflat f;
    const char *text = "{ \"name\" : \"t.dmi.home\",\n\t\"used\":-42, \"big\":9223372036854775807,"
                       "\"min\":-9223372036854775808,\"zero\":0,\"on\":true,\"off\":false,"
                       "\"none\":null,\"repl\":[ 0, 0 ,100 ],\"empty\":[],\"s\":\"\"}tail";
    const struct jsonflat_value *v;
    const char *p;
    int64_t x, seen[3];
    size_t n = 0;

    (void)state;
    assert_int_equal(object(text, &f), (long)(strstr(text, "tail") - text));
    assert_int_equal(f.n, 11);
    v = jsonflat_get(&f, "name");
    assert_int_equal(v->kind, JSONFLAT_STRING);
    assert_int_equal(v->len, 10);
    assert_memory_equal(v->text, "t.dmi.home", 10);
    assert_int_equal(jsonflat_get(&f, "used")->i, -42);
    assert_int_equal(jsonflat_get(&f, "big")->i, INT64_MAX);
    assert_int_equal(jsonflat_get(&f, "min")->i, INT64_MIN);
    assert_int_equal(jsonflat_get(&f, "zero")->kind, JSONFLAT_INT);
    assert_int_equal(jsonflat_get(&f, "on")->kind, JSONFLAT_LITERAL);
    assert_memory_equal(jsonflat_get(&f, "off")->text, "false", 5);
    assert_int_equal(jsonflat_get(&f, "none")->len, 4);
    assert_int_equal(jsonflat_get(&f, "s")->len, 0);
    assert_null(jsonflat_get(&f, "nam"));
    assert_null(jsonflat_get(&f, "names"));
    v = jsonflat_get(&f, "repl");
    assert_int_equal(v->kind, JSONFLAT_INTS);
    for (p = v->text; jsonflat_next_int(v, &p, &x); n++) {
        assert_true(n < 3);
        seen[n] = x;
    }
    assert_int_equal(n, 3);
    assert_int_equal(seen[0], 0);
    assert_int_equal(seen[2], 100);
    v = jsonflat_get(&f, "empty");
    p = v->text;
    assert_false(jsonflat_next_int(v, &p, &x));
    /* a string is no array of integers */
    v = jsonflat_get(&f, "name");
    p = v->text;
    assert_false(jsonflat_next_int(v, &p, &x));

    assert_int_equal(object("{}", &f), 2);
    assert_int_equal(f.n, 0);
    assert_int_equal(object("{ }", &f), 3);
}

/* Of duplicate members the last counts, as jansson keeps it. */
static void test_duplicates(void **state)
{
    static struct jsonflat f;

    (void)state;
    assert_true(object("{\"a\":1,\"b\":2,\"a\":3}", &f) > 0);
    assert_int_equal(jsonflat_get(&f, "a")->i, 3);
}

/* Everything outside the plain form is refused: the caller then asks jansson. */
static void test_refused(void **state)
{
    static const char *const refused[] = {
        "{\"a\":\"x\\ny\"}",                 /* an escape in a value */
        "{\"a\\u0062\":1}",                  /* an escape in a key */
        "{\"a\":\"caf\xc3\xa9\"}",           /* UTF-8 */
        "{\"a\":\"tab\there\"}",             /* a raw control character */
        "{\"a\":\"del\x7f\"}",               /* DEL */
        "{\"a\":1.5}",                       /* a real */
        "{\"a\":1e3}",                       /* an exponent */
        "{\"a\":-0.5}",
        "{\"a\":01}",                        /* a leading zero */
        "{\"a\":-}",
        "{\"a\":+1}",
        "{\"a\":9223372036854775808}",       /* too big */
        "{\"a\":-9223372036854775809}",
        "{\"a\":{}}",                        /* nested */
        "{\"a\":[\"x\"]}",                   /* an array of strings */
        "{\"a\":[1,]}",
        "{\"a\":[1 2]}",
        "{\"a\":[1.5]}",
        "{\"a\":1,}",                        /* a trailing comma */
        "{\"a\" 1}",                         /* no colon */
        "{\"a\":1 \"b\":2}",                 /* no comma */
        "{a:1}",                             /* a bare key */
        "{\"a\":tru}",
        "{\"a\":nul}",
        "{\"a\":\"open",                     /* the text ends */
        "{\"a\":1",
        "{\"a\":",
        "{",
        "[1]",
        "",
    };

    (void)state;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        static struct jsonflat f;

        if (object(refused[i], &f) != -1) {
            fail_msg("read %s", refused[i]);
        }
    }
}

/* JSONFLAT_MAX members are read, one more is refused. */
static void test_member_limit(void **state)
{
    static struct jsonflat f;
    char text[JSONFLAT_MAX * 16 + 32];
    size_t len = 0;

    (void)state;
    for (int i = 0; i <= JSONFLAT_MAX; i++) {
        len += (size_t)snprintf(text + len, sizeof text - len, "%c\"k%d\":%d", i == 0 ? '{' : ',',
                                i, i);
        if (i == JSONFLAT_MAX - 1) {
            assert_true(len + 1 < sizeof text);
            text[len] = '}';
            text[len + 1] = '\0';
            assert_true(object(text, &f) > 0);
            assert_int_equal(f.n, JSONFLAT_MAX);
        }
    }
    snprintf(text + len, sizeof text - len, "}");
    assert_int_equal(object(text, &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_members),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_member_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
