/* core/directory/identity: groups to a grant (dir_grant_map) and the grant as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/directory/identity.h"

#define B ",ou=Groups,dc=govcloud,dc=example"

/* The tenants of a grant list, joined by ',' ("" for none), into buf. */
static const char *joined(const char *const *v, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
        strncat(buf, i > 0 ? "," : "", size - strlen(buf) - 1);
        strncat(buf, v[i], size - strlen(buf) - 1);
    }
    return buf;
}

static void check(const char *const *groups, const char *ops, const char *oncall,
                  const char *prefix, bool want_op, bool want_oncall, const char *want_dev,
                  const char *want_view)
{
    struct dir_grant g;
    char buf[256];

    dir_grant_map(groups, ops, oncall, prefix, &g);
    assert_int_equal(g.g.operator, want_op);
    assert_int_equal(g.g.oncall, want_oncall);
    assert_string_equal(joined(g.g.developer, buf, sizeof buf), want_dev);
    assert_string_equal(joined(g.g.viewer, buf, sizeof buf), want_view);
    dir_grant_fini(&g);
}

static void test_defaults(void **state)
{
    const char *op[] = {"cn=govcloud-operators" B, NULL};
    const char *oc[] = {"CN=GovCloud-OnCall" B, NULL};
    const char *dev[] = {"cn=tenant-dmi-developers" B, NULL};
    const char *view[] = {"cn=tenant-registry-viewers" B, NULL};
    const char *none[] = {"cn=dmi-team" B, "cn=cycle-a" B, NULL};

    (void)state;
    check(op, NULL, NULL, NULL, true, false, "", "");
    check(oc, NULL, NULL, NULL, false, true, "", "");
    check(dev, NULL, NULL, NULL, false, false, "dmi", "");
    check(view, NULL, NULL, NULL, false, false, "", "registry");
    check(none, NULL, NULL, NULL, false, false, "", "");
    check(NULL, NULL, NULL, NULL, false, false, "", "");
}

/* Several groups: the union; a tenant named twice is listed once. */
static void test_union(void **state)
{
    const char *g[] = {"cn=tenant-dmi-viewers" B,        "cn=tenant-registry-developers" B,
                       "cn=tenant-dmi-developers" B,     "cn=tenant-DMI-viewers,ou=Other",
                       "cn=govcloud-oncall" B,           "cn=tenant-dmi2-viewers" B,
                       NULL};

    (void)state;
    check(g, NULL, NULL, NULL, false, true, "registry,dmi", "dmi,dmi2");
}

/* [access] operators as a DN matches only that DN (in any spelling), not another group
 * with the same cn; as a cn, a group of that cn anywhere. */
static void test_configured_groups(void **state)
{
    const char *here[] = {"cn=Platform-Ops, ou=Groups, dc=govcloud, dc=example", NULL};
    const char *elsewhere[] = {"cn=platform-ops,ou=Lab,dc=govcloud,dc=example", NULL};

    (void)state;
    check(here, "cn=platform-ops" B, "cn=nobody" B, NULL, true, false, "", "");
    check(elsewhere, "cn=platform-ops" B, NULL, NULL, false, false, "", "");
    check(elsewhere, "platform-ops", NULL, NULL, true, false, "", "");
    check(elsewhere, NULL, "platform-ops", NULL, false, true, "", "");
    /* the default names no longer count once others are configured */
    {
        const char *g[] = {"cn=govcloud-operators" B, NULL};

        check(g, "platform-ops", NULL, NULL, false, false, "", "");
    }
}

static void test_prefix(void **state)
{
    const char *g[] = {"cn=gc-dmi-developers" B, "cn=tenant-registry-viewers" B, NULL};

    (void)state;
    check(g, NULL, NULL, "gc-", false, false, "dmi", "");
    check(g, NULL, NULL, "", false, false, "gc-dmi", "tenant-registry");
}

/* Names that are no tenant names, groups whose cn is not their first RDN, and hostile DNs
 * grant nothing. */
static void test_not_tenants(void **state)
{
    const char *g[] = {"cn=tenant--developers" B,
                       "cn=tenant---developers" B,
                       "cn=tenant--x-viewers" B,
                       "cn=tenant-developers" B,
                       "cn=tenant-a)(b-viewers" B,
                       "cn=tenant-a\\2Cb-viewers" B,
                       "cn=tenant-x y-viewers" B,
                       "ou=tenant-dmi-developers" B,
                       "cn=tenant-dmi-developers+ou=x" B,
                       "uid=carol,cn=tenant-dmi-developers" B,
                       "not a dn",
                       "",
                       NULL};

    (void)state;
    check(g, NULL, NULL, NULL, false, false, "", "");
}

static void test_text(void **state)
{
    const char *dev[] = {"dmi", NULL};
    const char *view[] = {"dmi", "registry", NULL};
    struct access_grant g = {true, true, dev, view};
    struct access_grant none = {false, false, NULL, NULL};
    char *t;

    (void)state;
    t = dir_grant_text(&g);
    assert_string_equal(t, "operator; on-call; developer of dmi; viewer of dmi, registry");
    free(t);
    t = dir_grant_text(&none);
    assert_string_equal(t, "no role");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),       cmocka_unit_test(test_union),
        cmocka_unit_test(test_configured_groups), cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_not_tenants),    cmocka_unit_test(test_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
