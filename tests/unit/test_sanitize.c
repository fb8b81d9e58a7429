/* core/sanitize: nothing from the network reaches the terminal as a control sequence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
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
        {"U+202F narrow no-break space kept", "\xe2\x80\xaf", "\xe2\x80\xaf"},
        {"U+205F medium mathematical space kept", "\xe2\x81\x9f", "\xe2\x81\x9f"},
        {"U+2070 superscript zero kept", "\xe2\x81\xb0", "\xe2\x81\xb0"},
    };

    (void)state;
    check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* What is never drawn, written from the Unicode tables (Default_Ignorable_Code_Point, the
 * Cf and Zl/Zp categories), independently of core/sanitize.c: controls, and every invisible
 * character that can hide, join, break or reorder text. Variation selectors and the visible
 * format characters (U+0600..U+0605 ...) are kept. `kept` is the nearest code point outside
 * every range. */
struct hidden_range {
    uint32_t first, last, kept;
    const char *what;
};

static const struct hidden_range hidden[] = {
    {0x0000, 0x001F, 0x0020, "C0 controls"},
    {0x007F, 0x009F, 0x00A0, "DEL and C1 controls"},
    {0x00AD, 0x00AD, 0x00AC, "soft hyphen"},
    {0x034F, 0x034F, 0x034E, "combining grapheme joiner"},
    {0x061C, 0x061C, 0x061B, "Arabic letter mark"},
    {0x115F, 0x1160, 0x115E, "Hangul choseong and jungseong fillers"},
    {0x17B4, 0x17B5, 0x17B6, "Khmer inherent vowels"},
    {0x180E, 0x180E, 0x180D, "Mongolian vowel separator (a variation selector kept)"},
    {0x200B, 0x200F, 0x200A, "zero width space, ZWNJ, ZWJ, LRM, RLM"},
    {0x2028, 0x2029, 0x2027, "line and paragraph separators"},
    {0x202A, 0x202E, 0x202F, "bidi embeddings and overrides"},
    {0x2060, 0x2064, 0x205F, "word joiner, invisible operators"},
    {0x2065, 0x2065, 0x205F, "reserved default ignorable"},
    {0x2066, 0x2069, 0x2070, "bidi isolates"},
    {0x206A, 0x206F, 0x2070, "deprecated format characters"},
    {0x3164, 0x3164, 0x3165, "Hangul filler"},
    {0xFEFF, 0xFEFF, 0xFEFE, "byte order mark"},
    {0xFFA0, 0xFFA0, 0xFFA1, "halfwidth Hangul filler"},
    {0xFFF0, 0xFFF8, 0xFFEF, "reserved default ignorable"},
    {0xFFF9, 0xFFFB, 0xFFFC, "interlinear annotation"},
    {0x13430, 0x1343F, 0x1342F, "Egyptian hieroglyph format controls"},
    {0x1BCA0, 0x1BCA3, 0x1BC9F, "shorthand format controls"},
    {0x1D173, 0x1D17A, 0x1D17B, "musical symbol format controls"},
    {0xE0000, 0xE007F, 0xDFFFF, "tags"},
    {0xE0080, 0xE00FF, 0xE0100, "reserved default ignorable"},
    {0xE01F0, 0xE0FFF, 0xE1000, "reserved default ignorable"},
};

static bool is_hidden(uint32_t cp)
{
    for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
        if (cp >= hidden[i].first && cp <= hidden[i].last) {
            return true;
        }
    }
    return false;
}

/* Writes cp as UTF-8 into buf (at least 5 bytes), NUL-terminated. */
static void utf8_encode(uint32_t cp, char *buf)
{
    unsigned char *b = (unsigned char *)buf;

    if (cp < 0x80) {
        *b++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *b++ = (unsigned char)(0xC0 | (cp >> 6));
        *b++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *b++ = (unsigned char)(0xE0 | (cp >> 12));
        *b++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *b++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *b++ = (unsigned char)(0xF0 | (cp >> 18));
        *b++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        *b++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *b++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *b = '\0';
}

/* "a" cp "b" must come out as "a?b" (hidden) or unchanged (kept). */
static void check_cp(uint32_t cp, bool replaced, const char *what)
{
    char enc[8], in[16], want[16];
    struct case_s c = {what, in, want};

    utf8_encode(cp, enc);
    snprintf(in, sizeof in, "a%sb", enc);
    snprintf(want, sizeof want, "a%sb", replaced ? "?" : enc);
    if (cp == 0) {
        char *out = sanitize_ndup("a\0b", 3); /* a NUL ends a C string */

        assert_string_equal(out, "a?b");
        free(out);
        return;
    }
    check_case(&c);
}

static void test_hidden_ranges(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
        const struct hidden_range *h = &hidden[i];
        char what[96];

        snprintf(what, sizeof what, "U+%04X, first of %s", h->first, h->what);
        check_cp(h->first, true, what);
        snprintf(what, sizeof what, "U+%04X, last of %s", h->last, h->what);
        check_cp(h->last, true, what);
        snprintf(what, sizeof what, "U+%04X, beside %s", h->kept, h->what);
        assert_false(is_hidden(h->kept));
        check_cp(h->kept, false, what);
    }
}

/* Every Unicode scalar value, one at a time: replaced exactly when it is in hidden[]. */
static void test_every_code_point(void **state)
{
    char buf[8];

    (void)state;
    for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
        bool want = is_hidden(cp);

        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == '?') {
            continue;
        }
        utf8_encode(cp, buf);
        sanitize_inplace(buf);
        if ((strcmp(buf, "?") == 0) != want) {
            print_error("U+%04X: got \"%s\", want %s\n", cp, buf, want ? "?" : "it kept");
        }
        assert_true((strcmp(buf, "?") == 0) == want);
        /* The screen, pager, prompt and JSON formatter ask sanitize_forbidden() per code
         * point; it must agree with the string sanitizer on every one. */
        assert_true(sanitize_forbidden(cp) == want);
    }
}

/* Text the hidden characters would have disguised, and what stays of emoji sequences. */
static void test_hidden_in_text(void **state)
{
    static const struct case_s cases[] = {
        {"zero width space inside a name", "ngi\xe2\x80\x8bnx", "ngi?nx"},
        {"soft hyphen inside a word", "Running\xc2\xad", "Running?"},
        {"BOM at the start", "\xef\xbb\xbfok", "?ok"},
        {"line separator breaks no line", "a\xe2\x80\xa8"
                                          "b",
         "a?b"},
        {"tag characters hide ASCII", "ok\xf3\xa0\x81\xa9\xf3\xa0\x81\xa7", "ok??"},
        {"Hangul filler as a blank name", "\xe3\x85\xa4", "?"},
        {"ZWJ emoji sequence loses its joiner", "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
         "\xf0\x9f\x91\xa9?\xf0\x9f\x92\xbb"},
        {"emoji presentation selector kept", "\xe2\x98\x81\xef\xb8\x8f",
         "\xe2\x98\x81\xef\xb8\x8f"},
        {"Arabic number sign kept (visible)", "\xd8\x80"
                                              "1",
         "\xd8\x80"
         "1"},
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
        "🌧️ rain, 🇩🇰 flag (a variation selector and regional indicators)",
        "漢\xf3\xa0\x84\x80 (U+E0100, an ideographic variation selector)",
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
 * (as iconv judges it) free of every hidden character, and never longer. */
static void test_random_input_property(void **state)
{
    static const unsigned char interesting[] = {
        0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x7f, 0x80, 0x9b, 0xbf, 0xc0,
        0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0x80, 0xae, 0x81, 0xa6, 0xed,
        0xa0, 0xef, 0xf0, 0xf4, 0x8f, 0x90, 0xf5, 0xff, 'a',  '[',  ' ',
        0x8b, 0xad, 0xbb, 0xf3, 0xa8, 0xe1, 0x85, 0x9f, 0xe3, 0xbf, 0xb9};
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

            assert_false(is_hidden(c));
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
        cmocka_unit_test(test_hidden_ranges),
        cmocka_unit_test(test_every_code_point),
        cmocka_unit_test(test_hidden_in_text),
        cmocka_unit_test(test_valid_multibyte_kept),
        cmocka_unit_test(test_ndup_and_null),
        cmocka_unit_test(test_random_input_property),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
