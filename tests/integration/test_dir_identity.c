/* Identity resolution (core/directory/identity.h) against the private slapd of
 * tests/integration/slapd.bash (see slapdrun.h), whose seed has a user for each role.
 *
 * Each seeded user resolves to the grant its groups give, through nested groups and a cycle,
 * and access_new_grant() turns that into the scope its contract promises (a user with no
 * role and a --tenant outside the grant are refused); --login binds as the user: a wrong
 * password, an unknown user and an empty password get one and the same refusal; hostile
 * names find nobody; a closed port and a server that accepts and never answers fail with a
 * message within the timeout. OpenLDAP has no AD transitive rule: the level-by-level
 * search is what runs here (nested_rule false). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/access.h"
#include "core/directory/identity.h"
#include "core/xalloc.h"
#include "tests/integration/dirprobe.h"
#include "tests/integration/slapdrun.h"

static struct dirprobe_env E;

static int setup(void **state)
{
    (void)state;
    dirprobe_env_load(&E);
    return 0;
}

static struct dir_identity_opts opts(const char *user, const char *password)
{
    struct dir_identity_opts o = {0};

    o.conn = dirprobe_opts(&E, E.uri);
    o.user = user;
    o.password = password;
    return o;
}

/* Resolves user (OK expected) and checks the grant's text. */
static void expect_role(const char *user, const char *password, const char *want)
{
    struct dir_identity_opts o = opts(user, password);
    struct dir_identity id;
    char *dn = xasprintf("uid=%s,ou=People,%s", user, E.base);
    char *text;
    int rc = dir_identity_resolve(&o, &id);

    print_message("%s: rc %d status %d dn %s error %s\n", user, rc, id.status,
                  id.dn != NULL ? id.dn : "(null)", id.error != NULL ? id.error : "(null)");
    assert_int_equal(rc, 0);
    assert_int_equal(id.status, DIR_IDENTITY_OK);
    assert_null(id.error);
    assert_string_equal(id.dn, dn);
    assert_false(id.nested_rule); /* OpenLDAP: the level-by-level search */
    text = dir_grant_text(&id.grant.g);
    assert_string_equal(text, want);
    free(text);
    free(dn);
    dir_identity_fini(&id);
}

static void test_each_role(void **state)
{
    (void)state;
    expect_role("opal", NULL, "operator");
    expect_role("otto", NULL, "on-call");
    expect_role("dana", NULL, "developer of dmi");
    expect_role("vera", NULL, "viewer of registry");
    expect_role("carol", NULL, "operator; on-call");
    expect_role("nora", NULL, "no role");
    expect_role(slapdrun_env("SLAPD_SELF"), NULL, "operator");
}

/* The union of several groups, in whichever order the server lists them. */
static void test_union(void **state)
{
    struct dir_identity_opts o = opts("uma", NULL);
    struct dir_identity id;
    const char *dev, *v0, *v1;

    (void)state;
    assert_int_equal(dir_identity_resolve(&o, &id), 0);
    assert_false(id.grant.g.operator);
    assert_false(id.grant.g.oncall);
    assert_non_null(id.grant.g.developer);
    dev = id.grant.g.developer[0];
    assert_string_equal(dev, "registry");
    assert_null(id.grant.g.developer[1]);
    assert_non_null(id.grant.g.viewer);
    v0 = id.grant.g.viewer[0];
    assert_string_equal(v0, "dmi");
    v1 = id.grant.g.viewer[1];
    assert_null(v1);
    dir_identity_fini(&id);
}

/* The count of groups whose DN begins with prefix (cn=NAME,). */
static int count_groups(const struct dir_identity *id, const char *cn)
{
    char *prefix = xasprintf("cn=%s,", cn);
    int n = 0;

    for (size_t i = 0; id->groups[i] != NULL; i++) {
        n += strncmp(id->groups[i], prefix, strlen(prefix)) == 0;
    }
    free(prefix);
    return n;
}

static void test_nested_and_cycle(void **state)
{
    struct dir_identity_opts o = opts("nick", NULL);
    struct dir_identity id;

    (void)state;
    expect_role("nick", NULL, "developer of dmi");
    expect_role("cyril", NULL, "viewer of registry");
    assert_int_equal(dir_identity_resolve(&o, &id), 0);
    assert_int_equal(count_groups(&id, "dmi-team"), 1);
    assert_int_equal(count_groups(&id, "tenant-dmi-developers"), 1);
    dir_identity_fini(&id);
    o.user = "cyril";
    assert_int_equal(dir_identity_resolve(&o, &id), 0);
    assert_int_equal(count_groups(&id, "cycle-a"), 1); /* each group once, the cycle ends */
    assert_int_equal(count_groups(&id, "cycle-b"), 1);
    assert_int_equal(count_groups(&id, "tenant-registry-viewers"), 1);
    dir_identity_fini(&id);
}

/* What the grant makes of a session, as access_new_grant()'s contract promises: the scope
 * is the grant's tenants; --tenant narrows inside it and is refused outside; no role is
 * refused with a reason. */
static void test_grant_to_session(void **state)
{
    struct dir_identity_opts o = opts("dana", NULL);
    struct dir_identity id;
    struct access *a;
    char *why = NULL;

    (void)state;
    assert_int_equal(dir_identity_resolve(&o, &id), 0);
    a = access_new_grant("dana", &id.grant.g, NULL, false, &why);
    assert_non_null(a);
    assert_string_equal(access_scope_text(a), "dmi");
    assert_true(access_tenant_visible(a, "dmi"));
    assert_false(access_tenant_visible(a, "registry"));
    access_free(a);
    a = access_new_grant("dana", &id.grant.g, "registry", false, &why);
    assert_null(a);
    assert_non_null(why);
    free(why);
    why = NULL;
    dir_identity_fini(&id);

    o.user = "opal";
    assert_int_equal(dir_identity_resolve(&o, &id), 0);
    a = access_new_grant("opal", &id.grant.g, "registry", false, &why);
    assert_non_null(a);
    assert_string_equal(access_scope_text(a), "registry");
    access_free(a);
    dir_identity_fini(&id);

    o.user = "nora";
    assert_int_equal(dir_identity_resolve(&o, &id), 0);
    a = access_new_grant("nora", &id.grant.g, NULL, false, &why);
    assert_null(a);
    assert_non_null(why);
    print_message("nora: %s\n", why);
    free(why);
    dir_identity_fini(&id);
}

static void expect_status(const char *user, const char *password, enum dir_identity_status want,
                          const char *want_error)
{
    struct dir_identity_opts o = opts(user, password);
    struct dir_identity id;

    assert_int_equal(dir_identity_resolve(&o, &id), -1);
    print_message("%s: status %d error %s\n", user, id.status, id.error);
    assert_int_equal(id.status, want);
    assert_null(id.dn);
    assert_non_null(id.error);
    assert_null(strchr(id.error, '\n'));
    if (want_error != NULL) {
        assert_string_equal(id.error, want_error);
    }
    if (password != NULL && password[0] != '\0') {
        assert_null(strstr(id.error, password));
    }
    assert_null(strstr(id.error, E.service_pw));
    dir_identity_fini(&id);
}

static void test_login(void **state)
{
    const char *refused = "login refused: wrong user name or password";

    (void)state;
    expect_role("vera", E.user_pw, "viewer of registry");
    expect_status("vera", "Not-The-Secret-7731", DIR_IDENTITY_REFUSED, refused);
    expect_status("nobody-here", "Not-The-Secret-7731", DIR_IDENTITY_REFUSED, refused);
    expect_status("nobody-here", E.user_pw, DIR_IDENTITY_REFUSED, refused);
    expect_status("vera", "", DIR_IDENTITY_REFUSED, refused);
}

/* Names that would be filter syntax unescaped: each finds nobody (carol)(uid=carol and car*
 * would find carol, an operator, if the name reached the filter as it is). */
static void test_injection_finds_nobody(void **state)
{
    const char *names[] = {"*)(uid=*", "admin)(|(cn=*", "*", "car*", "carol)(uid=carol",
                           "carol)(|(uid=*", "\\2a", "carol\\29", NULL};

    (void)state;
    for (size_t i = 0; names[i] != NULL; i++) {
        expect_status(names[i], NULL, DIR_IDENTITY_UNKNOWN, NULL);
        expect_status(names[i], E.user_pw, DIR_IDENTITY_REFUSED,
                      "login refused: wrong user name or password");
    }
    expect_status("", NULL, DIR_IDENTITY_UNKNOWN, NULL);
}

static void expect_down(bool listening, const char *want_prefix)
{
    int port, fd = dirprobe_loopback_socket(listening, &port);
    char *uri = xasprintf("ldap://127.0.0.1:%d", port);
    char *want = xasprintf(want_prefix, uri);
    struct dir_identity_opts o = opts("opal", NULL);
    struct dir_identity id;

    if (!listening) {
        close(fd);
    }
    o.conn.uri = uri;
    o.conn.timeout_ms = 800;
    assert_int_equal(dir_identity_resolve(&o, &id), -1);
    print_message("%s: %s (%.0f ms)\n", uri, id.error, id.ms);
    assert_int_equal(id.status, DIR_IDENTITY_ERROR);
    assert_non_null(strstr(id.error, want));
    /* within the timeout, with room for a loaded machine, never a hang */
    assert_true(id.ms < 800.0 + 1500.0);
    dir_identity_fini(&id);
    if (listening) {
        close(fd);
    }
    free(want);
    free(uri);
}

static void test_directory_down_or_silent(void **state)
{
    (void)state;
    expect_down(false, "cannot connect to %s");
    expect_down(true, "no answer from %s");
}

/* The service account refused, and a base that is not there: errors, not "nobody". */
static void test_configuration_faults(void **state)
{
    struct dir_identity_opts o = opts("opal", NULL);
    struct dir_identity id;
    char *base = xasprintf("ou=Nowhere,%s", E.base);

    (void)state;
    o.conn.password = "Not-The-Secret-7731";
    assert_int_equal(dir_identity_resolve(&o, &id), -1);
    assert_int_equal(id.status, DIR_IDENTITY_ERROR);
    assert_non_null(strstr(id.error, "credentials rejected for"));
    dir_identity_fini(&id);
    o = opts("opal", NULL);
    o.conn.base = base;
    assert_int_equal(dir_identity_resolve(&o, &id), -1);
    assert_int_equal(id.status, DIR_IDENTITY_ERROR);
    print_message("missing base: %s\n", id.error);
    assert_non_null(strstr(id.error, "not found"));
    dir_identity_fini(&id);
    free(base);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_role),
        cmocka_unit_test(test_union),
        cmocka_unit_test(test_nested_and_cycle),
        cmocka_unit_test(test_grant_to_session),
        cmocka_unit_test(test_login),
        cmocka_unit_test(test_injection_finds_nobody),
        cmocka_unit_test(test_directory_down_or_silent),
        cmocka_unit_test(test_configuration_faults),
    };

    (void)argc;
    if (slapdrun_reexec(argv, false) != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, setup, NULL);
}
