/* Store: put/get/replace/delete, sweep after a relist, deferred frees, generations, and
 * random churn against a reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "core/store_impl.h"
#include "core/xalloc.h"

struct trow {
    struct store_row row;
    int value;
};

/* These rows belong to no tenant (cluster-scoped, as far as the access layer knows). */
static const char *none_tenant(void *ctx, enum store_kind kind, const struct store_row *row)
{
    (void)ctx;
    (void)kind;
    (void)row;
    return NULL;
}

static uint64_t none_gen(void *ctx)
{
    (void)ctx;
    return 0;
}

static const struct store_tenancy no_tenancy = {.row_tenant = none_tenant, .gen = none_gen};

static int freed;

static void trow_free(struct store_row *r)
{
    freed++;
    free(r->uid);
    free(r);
}

static struct store_row *trow(const char *uid, int value)
{
    struct trow *t = xcalloc(1, sizeof *t);

    t->row.uid = xstrdup(uid);
    t->value = value;
    return &t->row;
}

static int value_of(struct store_table *t, const char *uid)
{
    struct store_row *r = store_get(t, uid);

    return r != NULL ? ((struct trow *)r)->value : -1;
}

static void test_put_get_replace_delete(void **state)
{
    struct store s;
    struct store_table *t;
    uint64_t g;

    (void)state;
    freed = 0;
    store_init(&s);
    store_register(&s, STORE_POD, trow_free, &no_tenancy);
    t = store_table(&s, STORE_POD);
    g = t->gen;
    store_put(t, trow("a", 1));
    store_put(t, trow("b", 2));
    assert_true(t->gen > g);
    assert_int_equal(t->count, 2);
    assert_int_equal(value_of(t, "a"), 1);
    assert_int_equal(value_of(t, "b"), 2);
    assert_null(store_get(t, "c"));

    store_put(t, trow("a", 10));
    assert_int_equal(t->count, 2);
    assert_int_equal(value_of(t, "a"), 10);
    assert_int_equal(freed, 0); /* the old row waits for the commit */
    store_commit(&s);
    assert_int_equal(freed, 1);

    assert_true(store_del(t, "a"));
    assert_false(store_del(t, "a"));
    assert_int_equal(t->count, 1);
    assert_null(store_get(t, "a"));
    assert_int_equal(value_of(t, "b"), 2);
    store_fini(&s);
    assert_int_equal(freed, 3);
}

static void test_many_rows_and_sweep(void **state)
{
    struct store s;
    struct store_table *t;
    char uid[32];
    size_t removed;

    (void)state;
    freed = 0;
    store_init(&s);
    store_register(&s, STORE_POD, trow_free, &no_tenancy);
    t = store_table(&s, STORE_POD);
    for (int i = 0; i < 20000; i++) {
        snprintf(uid, sizeof uid, "uid-%d", i);
        store_put(t, trow(uid, i))->mark = 1;
    }
    assert_int_equal(t->count, 20000);
    /* A relist (mark 2) sees only the even rows. */
    for (int i = 0; i < 20000; i += 2) {
        snprintf(uid, sizeof uid, "uid-%d", i);
        store_put(t, trow(uid, i + 1))->mark = 2;
    }
    removed = store_sweep(t, 2);
    assert_int_equal(removed, 10000);
    assert_int_equal(t->count, 10000);
    for (int i = 0; i < 20000; i++) {
        snprintf(uid, sizeof uid, "uid-%d", i);
        assert_int_equal(value_of(t, uid), i % 2 == 0 ? i + 1 : -1);
    }
    /* Deleting and re-adding the same keys many times keeps lookups right (tombstones). */
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 20000; i += 2) {
            snprintf(uid, sizeof uid, "uid-%d", i);
            assert_true(store_del(t, uid));
            store_put(t, trow(uid, round));
        }
        store_commit(&s);
    }
    assert_int_equal(t->count, 10000);
    assert_int_equal(value_of(t, "uid-0"), 4);
    assert_int_equal(value_of(t, "uid-1"), -1);
    store_fini(&s);
}

static void test_clear(void **state)
{
    struct store s;
    struct store_table *t;

    (void)state;
    store_init(&s);
    store_register(&s, STORE_NAMESPACE, trow_free, &no_tenancy);
    t = store_table(&s, STORE_NAMESPACE);
    store_put(t, trow("x", 1));
    store_clear(t);
    assert_int_equal(t->count, 0);
    assert_null(store_get(t, "x"));
    store_put(t, trow("x", 2));
    assert_int_equal(value_of(t, "x"), 2);
    store_fini(&s);
}

/* Random puts and deletes against a plain array: the index (probes, hash fingerprints,
 * tombstones, rehashes) always finds exactly the live rows, and the dense rows match it. */
static void test_random_against_reference(void **state)
{
    enum { KEYS = 3000, STEPS = 60000 };
    static int ref[KEYS]; /* value, or -1 when absent */
    struct store s;
    struct store_table *t;
    char uid[48];
    unsigned x = 12345;
    size_t live = 0;

    (void)state;
    store_init(&s);
    store_register(&s, STORE_POD, trow_free, &no_tenancy);
    t = store_table(&s, STORE_POD);
    for (int i = 0; i < KEYS; i++) {
        ref[i] = -1;
    }
    for (int step = 0; step < STEPS; step++) {
        int k;

        x = x * 1103515245u + 12345u;
        k = (int)((x >> 8) % KEYS);
        snprintf(uid, sizeof uid, "ns-%d/pod-%d-%x", k % 7, k, (unsigned)k * 2654435761u);
        if ((x >> 4) % 3 == 0) {
            assert_int_equal(store_del(t, uid), ref[k] >= 0);
            live -= ref[k] >= 0;
            ref[k] = -1;
        } else {
            store_put(t, trow(uid, step));
            live += ref[k] < 0;
            ref[k] = step;
        }
        if (step % 5000 == 0) {
            store_commit(&s);
        }
    }
    assert_int_equal(t->count, live);
    for (int k = 0; k < KEYS; k++) {
        snprintf(uid, sizeof uid, "ns-%d/pod-%d-%x", k % 7, k, (unsigned)k * 2654435761u);
        assert_int_equal(value_of(t, uid), ref[k]);
    }
    for (size_t i = 0; i < t->count; i++) {
        assert_ptr_equal(store_get(t, t->rows[i]->uid), t->rows[i]);
    }
    store_fini(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_replace_delete),
        cmocka_unit_test(test_many_rows_and_sweep),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_random_against_reference),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
