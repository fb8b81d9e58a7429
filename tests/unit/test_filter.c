/* core/filter: smart case, inversion, errors, UTF-8, highlighting, bounded matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/filter.h"

static bool match(struct filter *f, const char *text)
{
    return filter_match(f, text, strlen(text));
}

static struct filter *compile_ok(const char *pattern)
{
    char *err = (char *)"untouched";
    size_t off = 99;
    struct filter *f = filter_new(pattern, &err, &off);

    assert_non_null(f);
    assert_null(err);
    return f;
}

static void test_smart_case(void **state)
{
    struct filter *f;

    (void)state;
    f = compile_ok("running");
    assert_true(match(f, "Running"));
    assert_true(match(f, "RUNNING"));
    assert_true(match(f, "running"));
    assert_false(match(f, "Pending"));
    filter_free(f);

    f = compile_ok("Running");
    assert_true(match(f, "pod-1 Running"));
    assert_false(match(f, "pod-1 running"));
    assert_false(match(f, "pod-1 RUNNING"));
    filter_free(f);

    /* Upper-case letters in escapes, group names and options do not count. */
    f = compile_ok("\\d+/1\\s+crash");
    assert_true(match(f, "0/1  CrashLoopBackOff"));
    filter_free(f);
    f = compile_ok("(?<Name>forecast)\\S*");
    assert_true(match(f, "dmi FORECAST-api"));
    filter_free(f);
    f = compile_ok("\\x{41}pi");
    assert_true(match(f, "API"));
    filter_free(f);
    f = compile_ok("(?#Comment)(?i:x)(?J)(?P<Name>y)(?P=Name)z");
    assert_true(match(f, "XYYZ"));
    filter_free(f);
    /* ...but text in lookarounds and atomic groups does, */
    f = compile_ok("(?=Foo)foo");
    assert_false(match(f, "foo"));
    filter_free(f);
    f = compile_ok("(?<=X)y");
    assert_false(match(f, "xy"));
    assert_true(match(f, "Xy"));
    filter_free(f);
    f = compile_ok("(?>Ab)");
    assert_false(match(f, "ab"));
    filter_free(f);
    /* ...and so does quoted literal text. */
    f = compile_ok("\\QApi\\E");
    assert_true(match(f, "Api"));
    assert_false(match(f, "api"));
    filter_free(f);
}

static void test_inversion(void **state)
{
    struct filter *f;

    (void)state;
    f = compile_ok("!running");
    assert_true(filter_inverted(f));
    assert_string_equal(filter_pattern(f), "!running");
    assert_false(match(f, "pod-1 Running"));
    assert_true(match(f, "pod-2 Pending"));
    filter_free(f);

    f = compile_ok("running");
    assert_false(filter_inverted(f));
    filter_free(f);

    /* An escaped '!' is a literal, not an inversion. */
    f = compile_ok("\\!important");
    assert_false(filter_inverted(f));
    assert_true(match(f, "!important note"));
    assert_false(match(f, "important note"));
    filter_free(f);
}

static void test_invalid_pattern(void **state)
{
    char *err = NULL;
    size_t off = 0;

    (void)state;
    assert_null(filter_new("a(b", &err, &off));
    assert_non_null(err);
    assert_string_equal(err, "missing closing parenthesis");
    assert_int_equal(off, 3);
    free(err);

    err = NULL;
    assert_null(filter_new("!a(b", &err, &off));
    assert_string_equal(err, "missing closing parenthesis");
    assert_int_equal(off, 4);
    free(err);

    err = NULL;
    assert_null(filter_new("!ab)", &err, &off));
    assert_string_equal(err, "unmatched closing parenthesis");
    assert_int_equal(off, 3);
    free(err);

    err = NULL;
    assert_null(filter_new("x{2,1}", &err, &off));
    assert_non_null(err);
    assert_true(strstr(err, "out of order") != NULL);
    free(err);

    /* The caller may ignore the details. */
    assert_null(filter_new("[abc", NULL, NULL));
}

static void test_utf8(void **state)
{
    struct filter *f;
    const char *text = "miljø: Æbleskiver på blåbærsyltetøj";
    size_t s, e;

    (void)state;
    f = compile_ok("æble");
    assert_true(match(f, text));
    assert_true(match(f, "ÆBLE"));
    filter_free(f);

    f = compile_ok("æøå");
    assert_true(match(f, "ÆØÅ"));
    filter_free(f);

    /* An upper-case non-ASCII letter makes the pattern case-sensitive. */
    f = compile_ok("Æble");
    assert_true(match(f, text));
    assert_false(match(f, "æbleskiver"));
    filter_free(f);

    /* Match ranges are byte offsets on character boundaries. */
    f = compile_ok("bær");
    assert_true(filter_find(f, text, strlen(text), 0, &s, &e));
    assert_int_equal(s, strlen("miljø: Æbleskiver på blå"));
    assert_int_equal(e - s, strlen("bær"));
    filter_free(f);

    /* \w knows letters outside ASCII. */
    f = compile_ok("^\\w+:");
    assert_true(match(f, text));
    filter_free(f);

    /* Invalid UTF-8 in a row neither crashes nor hides valid text after it. */
    f = compile_ok("abc");
    assert_true(match(f, "\xff\xfe abc"));
    assert_true(filter_find(f, "\xc3 abc", 5, 0, &s, &e));
    assert_int_equal(s, 2);
    assert_int_equal(e, 5);
    filter_free(f);
}

static void test_find_ranges(void **state)
{
    struct filter *f;
    const char *text = "foo boo zoo";
    size_t len = strlen(text);
    size_t s = 0, e = 0, pos = 0;
    size_t got[8][2];
    size_t n = 0;

    (void)state;
    f = compile_ok("o+");
    while (n < 8 && filter_find(f, text, len, pos, &s, &e)) {
        got[n][0] = s;
        got[n][1] = e;
        n++;
        pos = e;
    }
    assert_int_equal(n, 3);
    assert_int_equal(got[0][0], 1);
    assert_int_equal(got[0][1], 3);
    assert_int_equal(got[1][0], 5);
    assert_int_equal(got[1][1], 7);
    assert_int_equal(got[2][0], 9);
    assert_int_equal(got[2][1], 11);
    assert_false(filter_find(f, text, len, len, &s, &e));
    assert_false(filter_find(f, text, len, len + 1, &s, &e));
    filter_free(f);

    /* Empty matches are skipped: x* only highlights real runs of x. */
    f = compile_ok("x*");
    assert_true(filter_find(f, "axxbx", 5, 0, &s, &e));
    assert_int_equal(s, 1);
    assert_int_equal(e, 3);
    assert_true(filter_find(f, "axxbx", 5, e, &s, &e));
    assert_int_equal(s, 4);
    assert_int_equal(e, 5);
    assert_false(filter_find(f, "axxbx", 5, e, &s, &e));
    filter_free(f);

    /* Highlighting ignores inversion: the rows shown did not match, but a caller may still ask. */
    f = compile_ok("!pod");
    assert_true(filter_find(f, "my pod", 6, 0, &s, &e));
    assert_int_equal(s, 3);
    assert_int_equal(e, 6);
    filter_free(f);

    /* Row text need not be NUL-terminated: only len bytes are looked at. */
    f = compile_ok("end");
    assert_false(filter_match(f, "the end", 5));
    assert_true(filter_match(f, "the end", 7));
    filter_free(f);
}

static void test_catastrophic(void **state)
{
    char row[64];
    struct filter *f;

    (void)state;
    memset(row, 'a', 43);
    row[43] = 'b';
    row[44] = '\0';
    f = compile_ok("(a+)+$");
    assert_false(filter_limited(f));
    /* Returns (the test would hang otherwise), counts as no match, and says why. */
    assert_false(match(f, row));
    assert_true(filter_limited(f));
    /* Inverted or not, an undecided row is not shown. */
    filter_free(f);

    f = compile_ok("!(a+)+$");
    assert_false(match(f, row));
    assert_true(filter_limited(f));
    /* The filter still works on rows it can decide, and the flag can be cleared. */
    filter_reset_limited(f);
    assert_false(filter_limited(f));
    assert_true(match(f, "bbb"));
    assert_false(match(f, "aaa"));
    assert_false(filter_limited(f));
    filter_free(f);

    f = compile_ok("(\\w+\\s?)+$");
    for (int i = 0; i < 1000; i++) {
        match(f, "dmi-forecast-api 7f9c8d6b5 Running 1/1 node-07.");
    }
    assert_true(filter_limited(f));
    filter_free(f);
}

static void test_empty_pattern(void **state)
{
    struct filter *f;
    size_t s, e;

    (void)state;
    f = compile_ok("");
    assert_true(filter_matches_all(f));
    assert_true(match(f, "anything"));
    assert_true(match(f, ""));
    assert_false(filter_find(f, "anything", 8, 0, &s, &e));
    filter_free(f);

    f = compile_ok("!");
    assert_true(filter_matches_all(f));
    assert_true(filter_inverted(f));
    assert_string_equal(filter_pattern(f), "!");
    assert_true(match(f, "anything"));
    filter_free(f);

    f = compile_ok(NULL);
    assert_true(match(f, "x"));
    filter_free(f);

    f = compile_ok("x");
    assert_false(filter_matches_all(f));
    assert_true(filter_match(f, "x", 1));
    assert_false(filter_match(f, NULL, 0));
    filter_free(f);
    filter_free(NULL);
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* 50,000 pod-like rows of ~120 bytes: reports the time (no timing assertion; machines vary)
 * and checks the counts, which do not vary. */
static void test_many_rows(void **state)
{
    enum { N = 50000, W = 160 };
    static const char *const tenants[] = {"dmi", "skat", "politi", "sundhed", "miljø"};
    static const char *const status[] = {"Running", "Pending", "CrashLoopBackOff", "Completed"};
    static const char *const patterns[] = {"forecast",        "!running",       "dmi.*api",
                                           "\\d+/1\\s+[1-9]", "node-0[1-3]\\.", "(a+)+$",
                                           ".*a.*b.*c"};
    /* SIZE_MAX: depends on the hex digits, only timed. */
    static const size_t expect[] = {12500, 37500, 2500, 48750, 2346, 0, SIZE_MAX};
    /* calloc: the JIT reads whole words past a row's end, which valgrind flags if unset. */
    char *rows = calloc(N, W);
    size_t *lens = malloc(N * sizeof(*lens));
    size_t total = 0;

    (void)state;
    assert_non_null(rows);
    assert_non_null(lens);
    for (int i = 0; i < N; i++) {
        int n = snprintf(rows + (size_t)i * W, W,
                         "%-8s %s-%s-%08x-%05x  %-17s %d/1  %3d  %4dm  %5dMi  node-%02d.govcloud"
                         ".internal  %dd",
                         tenants[i % 5], tenants[i % 5], i % 4 ? "registry-web" : "forecast-api",
                         (unsigned)i * 2654435761u, (unsigned)i & 0xfffff, status[i % 4], i % 2,
                         i % 40, i % 2000, i % 4096, i % 64, i % 90);

        lens[i] = (size_t)n;
        total += lens[i];
    }
    print_message("rows: %d, %.1f bytes on average\n", N, (double)total / N);
    for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
        struct filter *f = compile_ok(patterns[p]);
        size_t count = 0;
        double t0 = now_ms();

        for (int i = 0; i < N; i++) {
            count += filter_match(f, rows + (size_t)i * W, lens[i]);
        }
        print_message("%-16s %6zu rows  %7.2f ms%s\n", patterns[p], count, now_ms() - t0,
                      filter_limited(f) ? "  (limited)" : "");
        if (expect[p] != SIZE_MAX) {
            assert_int_equal(count, expect[p]);
        } else {
            assert_true(count >= N / 4); /* every CrashLoopBackOff row matches */
        }
        assert_false(filter_limited(f));
        filter_free(f);
    }

    /* Worst case: every row catastrophic. Bounded per row and, as the limit drops after the
     * first limited rows, for the table as a whole. */
    {
        char bad[64];
        struct filter *f = compile_ok("(a+)+$");
        size_t count = 0;
        double t0 = now_ms();

        memset(bad, 'a', 43);
        bad[43] = 'b';
        for (int i = 0; i < N; i++) {
            count += filter_match(f, bad, 44);
        }
        print_message("%-16s %6zu rows  %7.2f ms, every row catastrophic%s\n", "(a+)+$", count,
                      now_ms() - t0, filter_limited(f) ? "  (limited)" : "");
        assert_int_equal(count, 0);
        assert_true(filter_limited(f));
        filter_free(f);
    }
    free(rows);
    free(lens);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smart_case),      cmocka_unit_test(test_inversion),
        cmocka_unit_test(test_invalid_pattern), cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_find_ranges),     cmocka_unit_test(test_catastrophic),
        cmocka_unit_test(test_empty_pattern),   cmocka_unit_test(test_many_rows),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
