/* Directory enrichment (core/directory/dir_read.h, dir_model.h) against the private slapd of
 * tests/integration/slapd.bash and its seed: the tenants' display name, responsible and
 * contact, the owners of the registered apps and datasets; an owner that is not there shows
 * by its RDN value; names that need RFC 4514 escaping and DN values that look like filter
 * injection come back as they are; more entries than slapd's size limit (500) are all read,
 * through the paged results control. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/directory/dir_read.h"
#include "core/xalloc.h"
#include "tests/integration/dirprobe.h"
#include "tests/integration/slapdrun.h"
#include "tests/unit/dir_fixture.h"

static struct dirprobe_env E;

static int setup(void **state)
{
    (void)state;
    dirprobe_env_load(&E);
    return 0;
}

/* Reads the directory as the service account into *rows. */
static void read_rows(struct dir_rows *rows)
{
    struct dir_probe_opts o = dirprobe_opts(&E, E.uri);
    struct dir_probe_result r;
    struct dir_snapshot snap;
    LDAP *ld = NULL;
    char *err = NULL, *tdn = dir_read_tenants_dn(E.base);
    bool no_answer = true;

    assert_int_equal(dir_probe_open(&o, &r, &ld), 0);
    assert_non_null(ld);
    dir_probe_result_fini(&r);
    if (dir_read(ld, E.base, 5000, &snap, &err, &no_answer) != 0) {
        fail_msg("dir_read: %s", err);
    }
    assert_null(err);
    assert_false(no_answer);
    ldap_unbind_ext_s(ld, NULL, NULL);
    dir_model_rows(&snap, tdn, rows);
    dir_snapshot_fini(&snap);
    free(tdn);
}

static void test_seed_rows(void **state)
{
    struct dir_rows r;
    const struct dir_tenant *t;

    (void)state;
    read_rows(&r);
    assert_int_equal(r.ntenants, 2);
    t = dir_fixture_tenant(&r, "dmi");
    assert_string_equal(t->display, "Danish Meteorological Institute");
    assert_string_equal(t->responsible, "Alice Tester");
    assert_string_equal(t->contact, "ops@dmi.example, +45 3915 7500");
    t = dir_fixture_tenant(&r, "registry");
    assert_string_equal(t->display, "Central Business Registry");
    assert_string_equal(t->responsible, "Bob Tester");
    assert_string_equal(dir_fixture_object(r.apps, r.napps, "dmi/forecast-api")->owner,
                        "Alice Tester");
    assert_string_equal(dir_fixture_object(r.apps, r.napps, "dmi/obs-ingest")->owner, "Bob Tester");
    assert_string_equal(dir_fixture_object(r.apps, r.napps, "registry/org-api")->owner,
                        "Bob Tester");
    assert_string_equal(dir_fixture_object(r.datasets, r.ndatasets, "dmi/t.dmi.forecast")->owner,
                        "Alice Tester");
    assert_string_equal(
        dir_fixture_object(r.datasets, r.ndatasets, "dmi//tenants/dmi/observations")->owner,
        "Bob Tester");
    assert_string_equal(
        dir_fixture_object(r.datasets, r.ndatasets, "registry/t.registry.orgs")->tenant,
        "registry");
    dir_rows_fini(&r);
}

/* An owner that is not there; a name with characters a DN escapes; an owner DN whose value
 * looks like a filter injection: read as DNs the server returned, never put in a filter. */
static void test_odd_entries(void **state)
{
    char *ldif;
    struct dir_rows r;

    (void)state;
    ldif = xasprintf("dn: cn=ghost-app,ou=Applications,ou=dmi,ou=Tenants,%s\n"
                     "objectClass: applicationProcess\nobjectClass: extensibleObject\n"
                     "cn: ghost-app\nowner: uid=ghost,ou=People,%s\n\n"
                     "dn: cn=odd\\, name (v2)+ou=x,ou=Applications,ou=dmi,ou=Tenants,%s\n"
                     "objectClass: applicationProcess\nobjectClass: extensibleObject\n"
                     "cn: odd, name (v2)\nou: x\nowner: cn=x*)(uid=*),ou=People,%s\n\n"
                     "dn: cn=x*)(uid=*),ou=People,%s\n"
                     "objectClass: organizationalRole\ncn: x*)(uid=*)\n",
                     E.base, E.base, E.base, E.base, E.base);
    dir_fixture_ldif("ldapadd", ldif);
    free(ldif);
    read_rows(&r);
    assert_string_equal(dir_fixture_object(r.apps, r.napps, "dmi/ghost-app")->owner, "ghost");
    assert_string_equal(dir_fixture_object(r.apps, r.napps, "dmi/odd, name (v2)")->owner,
                        "x*)(uid=*)");
    /* the seed's rows are all still there */
    assert_string_equal(dir_fixture_object(r.apps, r.napps, "dmi/forecast-api")->owner,
                        "Alice Tester");
    dir_rows_fini(&r);
}

/* 1200 more apps: slapd answers a search without paging with at most 500 entries (as AD
 * does with 1000); the read pages and gets all of them. */
static void test_paged_beyond_size_limit(void **state)
{
    size_t len = 0, before;
    char *ldif = NULL, *cmd;
    FILE *f = open_memstream(&ldif, &len);
    struct dir_rows r;
    int rc;

    (void)state;
    read_rows(&r);
    before = r.napps;
    dir_rows_fini(&r);
    for (int i = 0; i < 1200; i++) {
        fprintf(f,
                "dn: cn=bulk-%04d,ou=Applications,ou=registry,ou=Tenants,%s\n"
                "objectClass: applicationProcess\ncn: bulk-%04d\n\n",
                i, E.base, i);
    }
    fclose(f);
    dir_fixture_ldif("ldapadd", ldif);
    free(ldif);
    /* without paging, the server's size limit stops the search (ldapsearch exits with 4) */
    cmd = xasprintf("ldapsearch -x -LLL -H '%s' -D '%s' -w '%s' -b 'ou=Tenants,%s' "
                    "'(objectClass=*)' dn >/dev/null 2>&1",
                    E.uri, E.service_dn, E.service_pw, E.base);
    rc = system(cmd);
    free(cmd);
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), LDAP_SIZELIMIT_EXCEEDED);
    read_rows(&r);
    assert_int_equal(r.napps, before + 1200);
    assert_int_equal(r.ntenants, 2);
    assert_null(dir_fixture_object(r.apps, r.napps, "registry/bulk-1199")->owner);
    dir_rows_fini(&r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_rows),
        cmocka_unit_test(test_odd_entries),
        cmocka_unit_test(test_paged_beyond_size_limit),
    };

    (void)argc;
    if (slapdrun_reexec(argv, false) != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, setup, NULL);
}
