/* The header's identity: user, roles and scope, as the header and its 80-column form say
 * them (tui/header.c, header_who()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "tui/header.h"
#include "tui/screen.h"

static const char *const dmi[] = {"dmi", NULL};
static const char *const registry[] = {"registry", NULL};

/* header_who() of a grant, full or compact. */
static const char *who_of(const struct access_grant *g, const char *narrow, bool readonly,
                          bool compact)
{
    static char out[256];
    char *err = NULL;
    struct access *a = access_new_grant(g == NULL ? "x" : "alice", g, narrow, readonly, &err);

    assert_non_null(a);
    header_who(a, compact, out, sizeof out);
    access_free(a);
    return out;
}

static void test_who_says_user_roles_and_scope(void **state)
{
    const struct access_grant dev = {.developer = dmi};
    const struct access_grant both = {.developer = dmi, .viewer = registry};
    const struct access_grant op = {.operator = true};
    const struct access_grant oncall_dev = {.oncall = true, .developer = dmi};

    (void)state;
    assert_string_equal(who_of(&dev, NULL, false, false), "alice \xc2\xb7 developer \xc2\xb7 dmi");
    assert_string_equal(who_of(&both, NULL, false, false),
                        "alice \xc2\xb7 developer dmi, viewer registry");
    assert_string_equal(who_of(&both, "registry", false, false),
                        "alice \xc2\xb7 viewer \xc2\xb7 registry");
    assert_string_equal(who_of(&op, NULL, false, false),
                        "alice \xc2\xb7 operator \xc2\xb7 all tenants");
    assert_string_equal(who_of(&op, "dmi", true, false),
                        "alice \xc2\xb7 operator \xc2\xb7 dmi  [read-only]");
    assert_string_equal(who_of(&oncall_dev, NULL, false, false),
                        "alice \xc2\xb7 oncall, developer dmi \xc2\xb7 all tenants");
}

/* 80 columns: the same words, "all" for every tenant (header_draw() keeps the whole of it,
 * up to half the line). */
static void test_who_compact(void **state)
{
    const struct access_grant op = {.operator = true};
    const struct access_grant both = {.developer = dmi, .viewer = registry};

    (void)state;
    assert_string_equal(who_of(&op, NULL, false, true), "alice \xc2\xb7 operator \xc2\xb7 all");
    assert_string_equal(who_of(&both, NULL, true, true),
                        "alice \xc2\xb7 developer dmi, viewer registry  [read-only]");
    assert_int_equal(screen_text_width(who_of(&both, NULL, true, true)), 51);
}

/* No identity: a viewer of no tenant, and it says so. */
static void test_who_nobody(void **state)
{
    struct access *a = access_new_nobody("dave", false);
    char out[128];

    (void)state;
    assert_string_equal(header_who(a, false, out, sizeof out),
                        "dave \xc2\xb7 viewer (no tenants)");
    assert_string_equal(header_who(a, true, out, sizeof out), "dave \xc2\xb7 viewer (no tenants)");
    access_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_who_says_user_roles_and_scope),
        cmocka_unit_test(test_who_compact),
        cmocka_unit_test(test_who_nobody),
    };

    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
