/* core/sanitize: nothing from the network reaches the terminal as a control sequence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"

struct case_s {
    const char *what;
    const char *in;
    const char *out;
};

/* Checks sanitize_dup, sanitize_ndup and sanitize_inplace against one expected output. */
static void check_case(const struct case_s *c)
{
    char *dup = sanitize_dup(c->in);
    char *ndup = sanitize_ndup(c->in, strlen(c->in));
    char *buf = strdup(c->in);

    if (strcmp(dup, c->out) != 0) {
        print_error("%s: got \"%s\", want \"%s\"\n", c->what, dup, c->out);
    }
    assert_string_equal(dup, c->out);
    assert_string_equal(ndup, c->out);
    assert_ptr_equal(sanitize_inplace(buf), buf);
    assert_string_equal(buf, c->out);
    assert_true(strlen(dup) <= strlen(c->in));
    free(dup);
    free(ndup);
    free(buf);
}

static void check_table(const struct case_s *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        check_case(&cases[i]);
    }
}

static void test_escape_sequences(void **state)
{
    static const struct case_s cases[] = {
        {"CSI colour", "\x1b[31mred\x1b[0m", "?[31mred?[0m"},
        {"clear screen", "x\x1b[2J\x1b[H", "x?[2J?[H"},
        {"OSC title with BEL", "\x1b]0;pwned\x07ok", "?]0;pwned?ok"},
        {"OSC 52 clipboard with ST", "\x1b]52;c;ZWNobw==\x1b\\", "?]52;c;ZWNobw==?\\"},
        {"bare ESC", "\x1b", "?"},
        {"BEL", "ding\x07", "ding?"},
        {"backspace", "abc\x08\x08", "abc??"},
    };

    (void)state;
    check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_c0_and_del(void **state)
{
    static const struct case_s cases[] = {
        {"CR", "a\rb", "a?b"},
        {"LF", "line1\nline2", "line1?line2"},
        {"CRLF", "x\r\n", "x??"},
        {"TAB", "col1\tcol2", "col1?col2"},
        {"SOH and US", "\x01mid\x1f", "?mid?"},
        {"DEL",
         "a\x7f"
         "b",
         "a?b"},
        {"space and tilde kept", " ~", " ~"},
        {"printable ASCII kept", "Pod nginx-7cd4fcff68-9blj6 (10.42.0.149)",
         "Pod nginx-7cd4fcff68-9blj6 (10.42.0.149)"},
        {"empty", "", ""},
    };

    (void)state;
    check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_c1_controls(void **state)
{
    static const struct case_s cases[] = {
        {"C1 CSI U+009B",
         "\xc2\x9b"
         "31mred",
         "?31mred"},
        {"C1 U+0080",
         "a\xc2\x80"
         "b",
         "a?b"},
        {"C1 NEL U+0085",
         "a\xc2\x85"
         "b",
         "a?b"},
        {"C1 OSC U+009D",
         "\xc2\x9d"
         "0;t\xc2\x9c",
         "?0;t?"},
        {"C1 U+009F", "\xc2\x9f", "?"},
        {"U+00A0 NBSP kept",
         "a\xc2\xa0"
         "b",
         "a\xc2\xa0"
         "b"},
        {"raw 8-bit CSI byte",
         "\x9b"
         "31m",
         "?31m"},
    };

    (void)state;
    check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_invalid_utf8(void **state)
{
    static const struct case_s cases[] = {
        {"overlong slash 2 bytes", "\xc0\xaf", "??"},
        {"overlong ESC 2 bytes", "\xc1\x9b", "??"},
        {"overlong 3 bytes", "\xe0\x80\xaf", "???"},
        {"overlong 4 bytes", "\xf0\x80\x80\xaf", "????"},
        {"surrogate high", "\xed\xa0\x80", "???"},
        {"surrogate low", "\xed\xbf\xbf", "???"},
        {"surrogate pair CESU", "\xed\xa0\xbd\xed\xb8\x80", "??????"},
        {"above U+10FFFF", "\xf4\x90\x80\x80", "????"},
        {"lead F5", "\xf5\x80\x80\x80", "????"},
        {"FE FF", "\xfe\xff", "??"},
        {"lone continuation",
         "a\x80"
         "b",
         "a?b"},
        {"continuation run", "\xbf\xbf", "??"},
        {"truncated 2-byte at end", "ab\xc3", "ab?"},
        {"truncated 3-byte at end", "\xe2\x82", "??"},
        {"truncated 3-byte before ASCII",
         "\xe2\x82"
         "A",
         "??A"},
        {"truncated 4-byte before valid",
         "\xf0\x9f\x98"
         "\xc3\xa6",
         "???\xc3\xa6"},
        {"lead followed by lead", "\xc3\xc3\xa6", "?\xc3\xa6"},
    };

    (void)state;
    check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_bidi(void **state)
{
    static const struct case_s cases[] = {
        {"RLO U+202E", "file\xe2\x80\xaetxt.exe", "file?txt.exe"},
        {"LRE U+202A",
         "\xe2\x80\xaa"
         "x",
         "?x"},
        {"RLE PDF LRO U+202B..D", "\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "???"},
        {"LRI U+2066",
         "\xe2\x81\xa6"
         "a",
         "?a"},
        {"RLI FSI PDI U+2067..9", "\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "???"},
        {"U+2029 kept (outside range)", "\xe2\x80\xa9", "\xe2\x80\xa9"},
        {"U+202F kept (outside range)", "\xe2\x80\xaf", "\xe2\x80\xaf"},
        {"U+2065 kept (outside range)", "\xe2\x81\xa5", "\xe2\x81\xa5"},
        {"U+206A kept (outside range)", "\xe2\x81\xaa", "\xe2\x81\xaa"},
    };

    (void)state;
    check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_valid_multibyte_kept(void **state)
{
    static const char *const kept[] = {
        "Blåbærgrød på Ærø: æøå ÆØÅ",
        "Danmarks Meteorologiske Institut – vejrudsigt",
        "気象庁 天气预报 기상청",
        "🌧️ rain, 👩‍💻 dev, 🇩🇰 flag",
        "U+10FFFF \xf4\x8f\xbf\xbf and U+0800 \xe0\xa0\x80 and U+FFFD \xef\xbf\xbd",
        "Ελληνικά and русский and עברית and العربية",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        struct case_s c = {"valid text", kept[i], kept[i]};

        check_case(&c);
    }
}

static void test_ndup_and_null(void **state)
{
    char *s;

    (void)state;
    assert_null(sanitize_dup(NULL));
    assert_null(sanitize_ndup(NULL, 3));
    assert_null(sanitize_inplace(NULL));

    /* only the first len bytes count: cutting "æ" in half leaves an invalid byte */
    s = sanitize_ndup("\xc3\xa6"
                      "bc",
                      1);
    assert_string_equal(s, "?");
    free(s);
    s = sanitize_ndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    /* an embedded NUL is a control character, not the end */
    s = sanitize_ndup("a\0b", 3);
    assert_string_equal(s, "a?b");
    free(s);
    s = sanitize_ndup("", 0);
    assert_string_equal(s, "");
    free(s);
}

/* Decodes UTF-8 with iconv (an independent decoder) into code points; returns the count,
 * or -1 if iconv rejects the input. */
static long decode_with_iconv(const char *s, uint32_t *cps, size_t max)
{
    iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
    char *in = (char *)s;
    char *out = (char *)cps;
    size_t inleft = strlen(s), outleft = max * 4;
    size_t r;

    assert_true(cd != (iconv_t)-1);
    r = iconv(cd, &in, &inleft, &out, &outleft);
    iconv_close(cd);
    if (r == (size_t)-1 || inleft != 0) {
        return -1;
    }
    return (long)((max * 4 - outleft) / 4);
}

/* Random byte soup, biased towards interesting bytes: the output must always be valid UTF-8
 * (as iconv judges it) free of C0, DEL, C1 and bidi controls, and never longer. */
static void test_random_input_property(void **state)
{
    static const unsigned char interesting[] = {
        0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x7f, 0x80, 0x9b, 0xbf, 0xc0,
        0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0x80, 0xae, 0x81, 0xa6, 0xed,
        0xa0, 0xef, 0xf0, 0xf4, 0x8f, 0x90, 0xf5, 0xff, 'a',  '[',  ' '};
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    unsigned char in[64];
    uint32_t cps[128];

    (void)state;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len;
        char *out;
        long n;

        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        len = (size_t)(seed % 20);
        for (size_t i = 0; i < len; i++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            in[i] = (seed >> 32) % 3 == 0 ? (unsigned char)(seed >> 8)
                                          : interesting[(seed >> 16) % sizeof(interesting)];
        }
        out = sanitize_ndup((const char *)in, len);
        assert_true(strlen(out) <= len);
        n = decode_with_iconv(out, cps, sizeof(cps) / sizeof(cps[0]));
        if (n < 0) {
            print_error("iteration %d: output is not valid UTF-8\n", iter);
        }
        assert_true(n >= 0);
        for (long i = 0; i < n; i++) {
            uint32_t c = cps[i];

            assert_false(c < 0x20 || (c >= 0x7f && c <= 0x9f));
            assert_false((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
        }
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_sequences),
        cmocka_unit_test(test_c0_and_del),
        cmocka_unit_test(test_c1_controls),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_bidi),
        cmocka_unit_test(test_valid_multibyte_kept),
        cmocka_unit_test(test_ndup_and_null),
        cmocka_unit_test(test_random_input_property),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
