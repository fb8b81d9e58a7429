/* keysort against qsort with a plain comparator: numbers and strings (long shared prefixes,
 * prefixes of each other, exactly eight bytes, empty, NULL, non-ASCII), ascending and
 * descending, small runs and large ones; equal values must keep their input order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/keysort.h"
#include "core/xalloc.h"

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- numbers ---- */

struct num_ref {
    uint64_t key;
    uint32_t idx;
};

static int num_ref_cmp(const void *pa, const void *pb)
{
    const struct num_ref *a = pa, *b = pb;

    if (a->key != b->key) {
        return a->key < b->key ? -1 : 1;
    }
    return (a->idx > b->idx) - (a->idx < b->idx); /* stable: input order */
}

static void check_numbers(size_t n, uint64_t mask)
{
    struct keysort_item *items = xmalloc((n + 1) * sizeof *items);
    struct num_ref *ref = xmalloc((n + 1) * sizeof *ref);

    for (size_t i = 0; i < n; i++) {
        uint64_t k = rng() & mask;

        items[i] = (struct keysort_item){k, (uint32_t)i};
        ref[i] = (struct num_ref){k, (uint32_t)i};
    }
    keysort(items, n);
    qsort(ref, n, sizeof *ref, num_ref_cmp);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(items[i].idx, ref[i].idx);
        assert_true(items[i].key == ref[i].key);
    }
    free(items);
    free(ref);
}

static void test_numbers(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 5, 47, 48, 49, 1000, 50000};
    static const uint64_t masks[] = {UINT64_MAX, 0xff, 0x3, 0xff00000000000000ull, 0};

    (void)state;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (size_t m = 0; m < sizeof masks / sizeof masks[0]; m++) {
            check_numbers(sizes[s], masks[m]);
        }
    }
}

/* ---- strings ---- */

struct str_ref {
    const char *s;
    uint32_t idx;
    bool desc;
};

static int str_ref_cmp(const void *pa, const void *pb)
{
    const struct str_ref *a = pa, *b = pb;
    int c;

    if (a->s == NULL || b->s == NULL) {
        c = (a->s == NULL) - (b->s == NULL); /* NULL last */
    } else {
        c = strcmp(a->s, b->s);
    }
    if (a->desc) {
        c = -c;
    }
    return c != 0 ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static void check_strings(const char *const *strs, size_t n, bool desc)
{
    struct keysort_item *items = xmalloc((n + 1) * sizeof *items);
    struct str_ref *ref = xmalloc((n + 1) * sizeof *ref);

    for (size_t i = 0; i < n; i++) {
        items[i] = (struct keysort_item){rng(), (uint32_t)i}; /* keys are set by the sort */
        ref[i] = (struct str_ref){strs[i], (uint32_t)i, desc};
    }
    keysort_strings(items, n, strs, desc);
    qsort(ref, n, sizeof *ref, str_ref_cmp);
    for (size_t i = 0; i < n; i++) {
        if (items[i].idx != ref[i].idx) {
            fail_msg("at %zu (%s): got %s (#%u), want %s (#%u)", i, desc ? "desc" : "asc",
                     strs[items[i].idx] ? strs[items[i].idx] : "NULL", items[i].idx,
                     ref[i].s ? ref[i].s : "NULL", ref[i].idx);
        }
    }
    free(items);
    free(ref);
}

static void test_strings_written(void **state)
{
    static const char *const strs[] = {
        "forecast-api-b", "forecast-api-a", "forecast", "forecast-api", "fore", NULL,
        "forecast-api-aa", "", "abcdefgh", "abcdefghi", "abcdefg", "abcdefgh", NULL, "",
        "\xc3\xa6" "ble", "zebra", "abcdefgh\xc3\xa6", "forecast-api-a",
    };

    (void)state;
    check_strings(strs, sizeof strs / sizeof strs[0], false);
    check_strings(strs, sizeof strs / sizeof strs[0], true);
}

/* Pod names as Kubernetes makes them: app, ReplicaSet hash, pod suffix; thousands share
 * their first 16 to 27 bytes. Some repeat, some are NULL. */
static void test_strings_pod_names(void **state)
{
    static const char *const apps[] = {"climate-archive", "climate-api", "radar-tiles",
                                       "radar", "case-api", "case-api-worker", "x"};
    enum { N = 20000 };
    char **strs = xcalloc(N, sizeof *strs);

    (void)state;
    for (size_t i = 0; i < N; i++) {
        uint64_t r = rng();

        if (r % 97 == 0) {
            strs[i] = NULL;
        } else if (r % 89 == 0 && i > 0 && strs[i - 1] != NULL) {
            strs[i] = xstrdup(strs[i - 1]);
        } else {
            strs[i] = xasprintf("%s-%08llx-%c%c%c", apps[r % 7],
                                (unsigned long long)((r >> 8) % 3), 'a' + (int)((r >> 16) % 3),
                                'a' + (int)((r >> 20) % 26), 'a' + (int)((r >> 28) % 26));
        }
    }
    check_strings((const char *const *)strs, N, false);
    check_strings((const char *const *)strs, N, true);
    check_strings((const char *const *)strs, 20, false);  /* insertion only */
    check_strings((const char *const *)strs, 500, true);  /* merging */
    for (size_t i = 0; i < N; i++) {
        free(strs[i]);
    }
    free(strs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings_written),
        cmocka_unit_test(test_strings_pod_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
