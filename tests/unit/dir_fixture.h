/* Shared by the directory enrichment tests (test_dir_model, test_dir_enrich,
 * test_dir_source): finding rows that dir_model_rows() made, and changing the private slapd's
 * data as its rootdn (tests/integration/slapd.bash's variables). Include after <cmocka.h>. */
#ifndef GC_TESTS_DIR_FIXTURE_H
#define GC_TESTS_DIR_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/directory/dir_model.h"
#include "core/xalloc.h"

/* The tenant row `name` of r; fails the test when there is none. */
static inline const struct dir_tenant *dir_fixture_tenant(const struct dir_rows *r,
                                                          const char *name)
{
    for (size_t i = 0; i < r->ntenants; i++) {
        if (strcmp(r->tenants[i]->row.uid, name) == 0) {
            return r->tenants[i];
        }
    }
    fail_msg("no tenant row %s", name);
    return NULL;
}

/* The app or dataset row `uid` ("TENANT/NAME") of a list; fails the test when there is none. */
static inline const struct dir_object *dir_fixture_object(struct dir_object *const *list, size_t n,
                                                          const char *uid)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i]->row.uid, uid) == 0) {
            return list[i];
        }
    }
    fail_msg("no row %s", uid);
    return NULL;
}

/* Runs `tool` (ldapadd or ldapmodify) with LDIF text against $SLAPD_URI as $SLAPD_ROOT_DN;
 * fails the test unless it succeeds. */
static inline void dir_fixture_ldif(const char *tool, const char *ldif)
{
    char path[] = "/tmp/gc-dir-fixture.XXXXXX";
    int fd = mkstemp(path);
    const char *uri = getenv("SLAPD_URI"), *dn = getenv("SLAPD_ROOT_DN");
    const char *pw = getenv("SLAPD_ROOT_PW");
    char *cmd;
    FILE *f;

    assert_true(fd >= 0);
    assert_true(uri != NULL && dn != NULL && pw != NULL);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(ldif, f);
    fclose(f);
    cmd = xasprintf("%s -x -H '%s' -D '%s' -w '%s' -f '%s' >/dev/null", tool, uri, dn, pw, path);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    unlink(path);
}

#endif
