/* Flat JSON objects read from their text (core/jsonflat.h): what the plain form is, and that
 * anything else is refused rather than misread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The text as jansson dumps a tree, members in their order: two trees that dump alike are
 * the same tree, strings byte for byte. */
static char *dump(const json_t *j)
{
    return json_dumps(j, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER | JSON_COMPACT);
}

/* jsonflat_tree() read `text` (of len bytes) and built what json_loadb() builds. */
static void tree_same(const char *text, size_t len)
{
    json_t *t = jsonflat_tree(text, len);
    json_t *j = json_loadb(text, len, 0, NULL);
    char *a, *b;

    if (t == NULL || j == NULL) {
        fail_msg("%s: %s", t == NULL ? "not read" : "jansson refuses", text);
    }
    a = dump(t);
    b = dump(j);
    if (!json_equal(t, j) || strcmp(a, b) != 0) {
        fail_msg("%s: built %s, jansson %s", text, a, b);
    }
    free(a);
    free(b);
    json_decref(t);
    json_decref(j);
}

/* jsonflat_tree() refused `text`, and jsonflat_load() answers for it what json_loadb() does. */
static void tree_refused(const char *text, size_t len)
{
    json_error_t e1, e2;
    json_t *t = jsonflat_tree(text, len);
    json_t *l = jsonflat_load(text, len, 0, &e1);
    json_t *j = json_loadb(text, len, 0, &e2);

    if (t != NULL) {
        fail_msg("read %s", text);
    }
    if ((l == NULL) != (j == NULL)) {
        fail_msg("%s: jsonflat_load and json_loadb disagree", text);
    }
    if (l == NULL) {
        assert_string_equal(e1.text, e2.text);
        assert_int_equal(e1.position, e2.position);
    } else {
        char *a = dump(l), *b = dump(j);

        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    json_decref(l);
    json_decref(j);
}

static void test_tree_read(void **state)
{
    static const char *const read[] = {
        "{}",
        " [ ] ",
        "\n{\"a\":{\"b\":[1,-2,[],{}],\"c\":null},\"d\":true,\"e\":false}\r\n",
        "[9223372036854775807,-9223372036854775808,0,-0]",
        "{\"a\":1,\"b\":2,\"a\":{\"x\":3}}",     /* the last of a duplicate, where the first was */
        "{\"q\":\"say \\\"hi\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}", /* every short escape */
        "{\"u\":\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\uDBFF\\uDFFF\"}", /* \u, pairs */
        "{\"raw\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \xef\xbf\xbf\"}",
        "{\"del\":\"\x7f\",\"\":\"\"}",
        "[\"\\u0001\",\"a\\u001F\"]", /* control characters escaped */
    };

    (void)state;
    for (size_t i = 0; i < sizeof read / sizeof read[0]; i++) {
        tree_same(read[i], strlen(read[i]));
    }
}

static void test_tree_refused(void **state)
{
    static const char *const refused[] = {
        "{\"a\":1.5}",                       /* reals go to jansson */
        "[1e3]",
        "[\"\\u0000\"]",                     /* NUL: jansson's flag decides */
        "{\"a\\u0062\":1}",                  /* a key with an escape: jansson reads it */
        "{\"caf\xc3\xa9\":1}",               /* a key in UTF-8 */
        "[\"\\ud83d\"]",                     /* a lone high surrogate */
        "[\"\\ud83dx\"]",
        "[\"\\ud83d\\u0041\"]",
        "[\"\\ude00\"]",                     /* a lone low surrogate */
        "[\"\\x41\"]",                       /* no such escape */
        "[\"\\u12\"]",
        "[\"\\u12g4\"]",
        "[\"\xc0\x80\"]",                    /* overlong */
        "[\"\xc1\xbf\"]",
        "[\"\xe0\x9f\xbf\"]",
        "[\"\xf0\x8f\xbf\xbf\"]",
        "[\"\xed\xa0\x80\"]",                /* a surrogate in UTF-8 */
        "[\"\xf4\x90\x80\x80\"]",            /* past U+10FFFF */
        "[\"\xf5\x80\x80\x80\"]",
        "[\"\x80\"]",                        /* a lone continuation byte */
        "[\"\xc3\"]",                        /* cut short */
        "[\"\xe2\x82\"]",
        "[\"tab\there\"]",                   /* a raw control character */
        "[9223372036854775808]",             /* too big */
        "[01]",
        "[1,]",
        "[1 2]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "[tru]",
        "[\"open",
        "{\"a\":[1,{\"b\":2}",
        "{} {}",                             /* something after the value */
        "{}x",
        "1",                                 /* not an object or an array */
        "\"s\"",
        "",
        "   ",
    };

    (void)state;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        tree_refused(refused[i], strlen(refused[i]));
    }
}

/* JSONFLAT_TREE_DEPTH levels are read; one more goes to jansson, which reads it. */
static void test_tree_depth(void **state)
{
    char text[2 * JSONFLAT_TREE_DEPTH + 8];
    size_t n = 0;
    json_t *deep;

    (void)state;
    for (int d = 0; d < JSONFLAT_TREE_DEPTH; d++) {
        text[n++] = '[';
    }
    for (int d = 0; d < JSONFLAT_TREE_DEPTH; d++) {
        text[n++] = ']';
    }
    tree_same(text, n);
    memmove(text + 1, text, n);
    text[0] = '[';
    text[n + 1] = ']';
    tree_refused(text, n + 2);
    deep = json_loadb(text, n + 2, 0, NULL);
    assert_non_null(deep); /* jansson reads it */
    json_decref(deep);
}

/* A random value of jansson's, `depth` deep at most: objects, arrays, integers, literals and
 * strings of characters that need escapes, and of UTF-8 of 2, 3 and 4 bytes. */
static json_t *random_value(unsigned *seed, int depth)
{
    static const char *const pieces[] = {"a", "Z", "0", " ", "\"", "\\", "/", "\b", "\f", "\n",
                                         "\r", "\t", "\x01", "\x1f", "\x7f", "\xc3\xa9",
                                         "\xe2\x82\xac", "\xf0\x9f\x98\x80", "{", "]", ","};
    int kind = depth <= 0 ? 2 + rand_r(seed) % 4 : rand_r(seed) % 6;
    json_t *v;
    char s[128];
    size_t n = 0;

    switch (kind) {
    case 0:
        v = json_object();
        for (int i = rand_r(seed) % 5; i > 0; i--) {
            char key[16];

            snprintf(key, sizeof key, "k%d", rand_r(seed) % 8);
            json_object_set_new(v, key, random_value(seed, depth - 1));
        }
        return v;
    case 1:
        v = json_array();
        for (int i = rand_r(seed) % 5; i > 0; i--) {
            json_array_append_new(v, random_value(seed, depth - 1));
        }
        return v;
    case 2:
        for (int i = rand_r(seed) % 12; i > 0; i--) {
            const char *p = pieces[rand_r(seed) % (sizeof pieces / sizeof pieces[0])];

            memcpy(s + n, p, strlen(p));
            n += strlen(p);
        }
        return json_stringn(s, n);
    case 3:
        return json_integer((json_int_t)(((uint64_t)rand_r(seed) << 33) ^ (uint64_t)rand_r(seed)) *
                            (rand_r(seed) % 2 ? 1 : -1));
    case 4:
        return rand_r(seed) % 2 ? json_true() : json_false();
    default:
        return json_null();
    }
}

/* Random trees dumped by jansson in its several forms (escaped to ASCII or not, indented or
 * compact) are read back as json_loadb() reads them. */
static void test_tree_random(void **state)
{
    static const size_t forms[] = {JSON_COMPACT, JSON_ENSURE_ASCII, JSON_INDENT(2),
                                   JSON_INDENT(1) | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH};
    unsigned seed = 20261207;

    (void)state;
    for (int i = 0; i < 600; i++) {
        json_t *root = json_object();
        char *text;

        json_object_set_new(root, "v", random_value(&seed, 4));
        json_object_set_new(root, "w", random_value(&seed, 3));
        text = json_dumps(root, forms[i % 4] | JSON_PRESERVE_ORDER);
        tree_same(text, strlen(text));
        free(text);
        json_decref(root);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_members),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_member_limit),
        cmocka_unit_test(test_tree_read),
        cmocka_unit_test(test_tree_refused),
        cmocka_unit_test(test_tree_depth),
        cmocka_unit_test(test_tree_random),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
