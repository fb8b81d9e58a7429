/* Directory enrichment (core/directory/dir_model.h): entries below ou=Tenants to rows. Which
 * DNs are tenants, apps and datasets; display name, responsible and contact with their
 * fallbacks; owners resolved through the people read, else by their RDN value; hostile text
 * sanitized. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/directory/dir_model.h"
#include "core/xalloc.h"
#include "tests/unit/dir_fixture.h"

#define TDN "ou=Tenants,dc=govcloud,dc=example"

static struct dir_entry *add_obj(struct dir_snapshot *s, const char *dn)
{
    return dir_entry_add(&s->objs, &s->nobjs, &s->objs_cap, dn);
}

static struct dir_entry *add_person(struct dir_snapshot *s, const char *dn, const char *display,
                                    const char *cn, const char *mail)
{
    struct dir_entry *e = dir_entry_add(&s->people, &s->npeople, &s->people_cap, dn);

    e->attr[DIR_A_DISPLAYNAME] = display != NULL ? xstrdup(display) : NULL;
    e->attr[DIR_A_CN] = cn != NULL ? xstrdup(cn) : NULL;
    e->attr[DIR_A_MAIL] = mail != NULL ? xstrdup(mail) : NULL;
    return e;
}

static void set(struct dir_entry *e, enum dir_attr a, const char *v)
{
    free(e->attr[a]);
    e->attr[a] = xstrdup(v);
}

static void test_classify(void **state)
{
    char *t, *n;

    (void)state;
    assert_int_equal(dir_model_classify("ou=dmi," TDN, TDN, &t, &n), DIR_CLASS_TENANT);
    assert_string_equal(t, "dmi");
    assert_null(n);
    free(t);
    /* types and values compare without case; the tenant's name is lowercased */
    assert_int_equal(dir_model_classify("OU=DMI,OU=tenants,DC=GovCloud,dc=example", TDN, &t, &n),
                     DIR_CLASS_TENANT);
    assert_string_equal(t, "dmi");
    free(t);
    assert_int_equal(dir_model_classify("cn=forecast-api,ou=Applications,ou=dmi," TDN, TDN, &t, &n),
                     DIR_CLASS_APP);
    assert_string_equal(t, "dmi");
    assert_string_equal(n, "forecast-api");
    free(t);
    free(n);
    assert_int_equal(dir_model_classify("cn=t.dmi.forecast,ou=datasets,ou=dmi," TDN, TDN, &t, &n),
                     DIR_CLASS_DATASET);
    assert_string_equal(n, "t.dmi.forecast");
    free(t);
    free(n);
    /* an escaped value comes out decoded */
    assert_int_equal(dir_model_classify("cn=a\\2cb,ou=Datasets,ou=dmi," TDN, TDN, &t, &n),
                     DIR_CLASS_DATASET);
    assert_string_equal(n, "a,b");
    free(t);
    free(n);
    /* not ours: the container, the base itself, deeper entries, another subtree, junk */
    assert_int_equal(dir_model_classify("ou=Applications,ou=dmi," TDN, TDN, &t, &n),
                     DIR_CLASS_NONE);
    assert_null(t);
    assert_int_equal(dir_model_classify(TDN, TDN, &t, &n), DIR_CLASS_NONE);
    assert_int_equal(dir_model_classify("cn=x,ou=Other,ou=dmi," TDN, TDN, &t, &n), DIR_CLASS_NONE);
    assert_int_equal(dir_model_classify("cn=x,cn=y,ou=Applications,ou=dmi," TDN, TDN, &t, &n),
                     DIR_CLASS_NONE);
    assert_int_equal(dir_model_classify("ou=dmi,ou=People,dc=govcloud,dc=example", TDN, &t, &n),
                     DIR_CLASS_NONE);
    assert_int_equal(dir_model_classify("not a dn", TDN, &t, &n), DIR_CLASS_NONE);
    assert_null(t);
    assert_null(n);
}

static void test_tenant_rows(void **state)
{
    struct dir_snapshot s = {0};
    struct dir_rows r;
    struct dir_entry *e;
    const struct dir_tenant *t;

    (void)state;
    e = add_obj(&s, "ou=dmi," TDN);
    set(e, DIR_A_DESCRIPTION, "Danish Meteorological Institute");
    set(e, DIR_A_O, "DMI");
    set(e, DIR_A_MANAGER, "uid=alice,ou=People,dc=govcloud,dc=example");
    set(e, DIR_A_MAIL, "ops@dmi.example");
    set(e, DIR_A_PHONE, "+45 1234");
    e = add_obj(&s, "ou=registry," TDN);
    set(e, DIR_A_DISPLAYNAME, "Central Business Registry");
    set(e, DIR_A_DESCRIPTION, "not this");
    set(e, DIR_A_MANAGER, "uid=bob,ou=People,dc=govcloud,dc=example");
    e = add_obj(&s, "ou=bare," TDN);
    set(e, DIR_A_O, "Bare Agency");
    set(e, DIR_A_MANAGER, "cn=Gone Person,ou=People,dc=govcloud,dc=example");
    add_obj(&s, "ou=Applications,ou=dmi," TDN);
    add_person(&s, "uid=alice,ou=People,dc=govcloud,dc=example", NULL, "Alice Tester",
               "alice@govcloud.example");
    add_person(&s, "uid=bob,ou=People,dc=govcloud,dc=example", "Bob T.", "Bob Tester",
               "bob@govcloud.example");

    dir_model_rows(&s, TDN, &r);
    assert_int_equal(r.ntenants, 3);
    assert_int_equal(r.napps, 0);
    assert_int_equal(r.ndatasets, 0);
    /* description when there is no displayName; cn of the manager; the entry's own contact */
    t = dir_fixture_tenant(&r, "dmi");
    assert_string_equal(t->display, "Danish Meteorological Institute");
    assert_string_equal(t->responsible, "Alice Tester");
    assert_string_equal(t->contact, "ops@dmi.example, +45 1234");
    /* displayName first; the manager's displayName; no contact of its own: the manager's mail */
    t = dir_fixture_tenant(&r, "registry");
    assert_string_equal(t->display, "Central Business Registry");
    assert_string_equal(t->responsible, "Bob T.");
    assert_string_equal(t->contact, "bob@govcloud.example");
    /* o as the last resort; a manager that could not be read: its RDN value, no contact */
    t = dir_fixture_tenant(&r, "bare");
    assert_string_equal(t->display, "Bare Agency");
    assert_string_equal(t->responsible, "Gone Person");
    assert_null(t->contact);
    dir_rows_fini(&r);
    dir_snapshot_fini(&s);
}

static void test_object_rows(void **state)
{
    struct dir_snapshot s = {0};
    struct dir_rows r;
    struct dir_entry *e;
    char key[64];

    (void)state;
    add_obj(&s, "ou=dmi," TDN);
    e = add_obj(&s, "cn=forecast-api,ou=Applications,ou=dmi," TDN);
    set(e, DIR_A_OWNER, "uid=alice,ou=People,dc=govcloud,dc=example");
    set(e, DIR_A_MANAGER, "uid=bob,ou=People,dc=govcloud,dc=example");
    e = add_obj(&s, "cn=obs-ingest,ou=Applications,ou=dmi," TDN);
    set(e, DIR_A_MANAGER, "uid=bob,ou=People,dc=govcloud,dc=example");
    add_obj(&s, "cn=orphan,ou=Applications,ou=dmi," TDN);
    e = add_obj(&s, "cn=ad-app,ou=Applications,ou=dmi," TDN);
    set(e, DIR_A_MANAGEDBY, "uid=alice,ou=People,dc=govcloud,dc=example");
    e = add_obj(&s, "cn=t.dmi.forecast,ou=Datasets,ou=dmi," TDN);
    set(e, DIR_A_OWNER, "uid=carol,ou=People,dc=govcloud,dc=example");
    add_person(&s, "uid=alice,ou=People,dc=govcloud,dc=example", NULL, "Alice Tester", NULL);
    add_person(&s, "uid=bob,ou=People,dc=govcloud,dc=example", NULL, "Bob Tester", NULL);

    dir_model_rows(&s, TDN, &r);
    assert_int_equal(r.ntenants, 1);
    assert_int_equal(r.napps, 4);
    assert_int_equal(r.ndatasets, 1);
    /* owner before manager */
    assert_string_equal(r.apps[0]->row.uid, "dmi/forecast-api");
    assert_string_equal(r.apps[0]->tenant, "dmi");
    assert_string_equal(r.apps[0]->name, "forecast-api");
    assert_string_equal(r.apps[0]->owner, "Alice Tester");
    assert_string_equal(r.apps[1]->owner, "Bob Tester");
    assert_null(r.apps[2]->owner);
    assert_string_equal(r.apps[3]->owner, "Alice Tester"); /* AD's managedBy */
    /* an owner that was not read: its RDN value */
    assert_string_equal(r.datasets[0]->row.uid, "dmi/t.dmi.forecast");
    assert_string_equal(r.datasets[0]->owner, "carol");
    assert_string_equal(dir_object_key("dmi", "t.dmi.forecast", key, sizeof key),
                        "dmi/t.dmi.forecast");
    assert_null(
        dir_object_key("dmi", "a-name-far-too-long-for-this-buffer-of-only-sixteen", key, 16));
    dir_rows_fini(&r);
    dir_snapshot_fini(&s);
}

/* Text from the directory never carries control characters or escapes to the screen. */
static void test_hostile_text(void **state)
{
    struct dir_snapshot s = {0};
    struct dir_rows r;
    struct dir_entry *e;

    (void)state;
    e = add_obj(&s, "ou=dmi," TDN);
    set(e, DIR_A_DISPLAYNAME, "Evil\x1b]0;pwned\x07 Agency\r\n");
    set(e, DIR_A_MANAGER, "uid=mallory,ou=People,dc=govcloud,dc=example");
    set(e, DIR_A_MAIL, "a@b\x1b[2J");
    add_person(&s, "uid=mallory,ou=People,dc=govcloud,dc=example", "Mal\x9bory", NULL, NULL);
    e = add_obj(&s, "cn=app,ou=Applications,ou=dmi," TDN);
    set(e, DIR_A_OWNER, "cn=\\1b[31mred,ou=People,dc=govcloud,dc=example");
    /* a blank display name counts as none */
    e = add_obj(&s, "ou=blank," TDN);
    set(e, DIR_A_DISPLAYNAME, "   ");
    set(e, DIR_A_DESCRIPTION, "Blank's description");

    dir_model_rows(&s, TDN, &r);
    assert_int_equal(r.ntenants, 2);
    for (size_t i = 0; i < r.ntenants; i++) {
        const struct dir_tenant *t = r.tenants[i];

        for (const char *p = t->display; p != NULL && *p; p++) {
            assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
        }
    }
    assert_null(strchr(dir_fixture_tenant(&r, "dmi")->display, '\x1b'));
    assert_non_null(strstr(dir_fixture_tenant(&r, "dmi")->display, "Agency"));
    assert_null(strchr(dir_fixture_tenant(&r, "dmi")->contact, '\x1b'));
    assert_null(strstr(dir_fixture_tenant(&r, "dmi")->responsible, "\xc2\x9b"));
    assert_null(strchr(r.apps[0]->owner, '\x1b'));
    assert_non_null(strstr(r.apps[0]->owner, "red"));
    assert_string_equal(dir_fixture_tenant(&r, "blank")->display, "Blank's description");
    dir_rows_fini(&r);
    dir_snapshot_fini(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_tenant_rows),
        cmocka_unit_test(test_object_rows),
        cmocka_unit_test(test_hostile_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
