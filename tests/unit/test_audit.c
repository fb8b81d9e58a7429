/* The audit log: one JSON line per entry, appended to a 0600 file in a 0700 directory it
 * creates, earlier lines never rewritten, absent fields as null. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/xalloc.h"

/* The file's lines, parsed; *n gets their count. */
static json_t *read_lines(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    json_t *all = json_array();
    char line[4096];

    assert_non_null(f);
    *n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        json_error_t jerr;
        json_t *j;

        assert_int_equal(line[strlen(line) - 1], '\n');
        j = json_loads(line, 0, &jerr);
        assert_non_null(j);
        json_array_append_new(all, j);
        (*n)++;
    }
    fclose(f);
    return all;
}

static void test_append_lines(void **state)
{
    char dir[] = "/tmp/gc-audit-XXXXXX";
    char *path, *sub, *err = NULL;
    struct stat st;
    struct audit_entry ok = {.user = "anna",
                             .role = "operator",
                             .tenant = "dmi",
                             .action = "restart",
                             .target = "deployment dmi/forecast-api",
                             .result = "ok"};
    struct audit_entry refused = {.user = "bo",
                                  .role = "viewer",
                                  .scope = "skat",
                                  .action = "delete",
                                  .target = "kube-system/pods/x",
                                  .result = "refused: not in your tenant scope (skat)"};
    json_t *lines, *j;
    size_t n = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    sub = xasprintf("%s/state/govconsole", dir);
    path = xasprintf("%s/audit.log", sub);
    assert_int_equal(audit_append(path, &ok, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(audit_append(path, &refused, &err), 0);

    lines = read_lines(path, &n);
    assert_int_equal(n, 2);
    j = json_array_get(lines, 0);
    assert_string_equal(json_string_value(json_object_get(j, "user")), "anna");
    assert_string_equal(json_string_value(json_object_get(j, "role")), "operator");
    assert_string_equal(json_string_value(json_object_get(j, "tenant")), "dmi");
    assert_true(json_is_null(json_object_get(j, "scope")));
    assert_string_equal(json_string_value(json_object_get(j, "action")), "restart");
    assert_string_equal(json_string_value(json_object_get(j, "target")),
                        "deployment dmi/forecast-api");
    assert_string_equal(json_string_value(json_object_get(j, "result")), "ok");
    assert_int_equal(strlen(json_string_value(json_object_get(j, "time"))),
                     strlen("2026-01-01T00:00:00Z"));
    j = json_array_get(lines, 1);
    assert_true(json_is_null(json_object_get(j, "tenant")));
    assert_string_equal(json_string_value(json_object_get(j, "scope")), "skat");
    assert_string_equal(json_string_value(json_object_get(j, "result")),
                        "refused: not in your tenant scope (skat)");
    json_decref(lines);

    /* A file made by someone else with wider permissions is appended to, not replaced. */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(audit_append(path, &ok, &err), 0);
    lines = read_lines(path, &n);
    assert_int_equal(n, 3);
    json_decref(lines);

    /* A directory that cannot be created is an error with the path, not a crash. */
    free(path);
    path = xasprintf("%s/audit.log/cannot", sub);
    assert_int_equal(audit_append(path, &ok, &err), -1);
    assert_non_null(err);
    assert_non_null(strstr(err, path));
    free(err);

    free(path);
    path = xasprintf("%s/audit.log", sub);
    unlink(path);
    rmdir(sub);
    free(sub);
    sub = xasprintf("%s/state", dir);
    rmdir(sub);
    rmdir(dir);
    free(sub);
    free(path);
}

/* The session's DN comes from the directory: written on every line, and sanitized like every
 * other text from a server (an escape sequence in a DN cannot reach a terminal showing the
 * log). */
static void test_dn_sanitized(void **state)
{
    char dir[] = "/tmp/gc-audit-XXXXXX";
    char *path, *err = NULL;
    struct audit_entry e = {.user = "eve", .role = "viewer", .action = "login", .result = "ok"};
    json_t *lines;
    const char *dn;
    size_t n = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    path = xasprintf("%s/audit.log", dir);
    audit_set_dn("uid=eve\x1b[2J,ou=People\xe2\x80\xae,dc=example");
    assert_int_equal(audit_append(path, &e, &err), 0);
    audit_set_dn(NULL);
    assert_int_equal(audit_append(path, &e, &err), 0);
    lines = read_lines(path, &n);
    assert_int_equal(n, 2);
    dn = json_string_value(json_object_get(json_array_get(lines, 0), "dn"));
    assert_non_null(dn);
    assert_null(strchr(dn, '\x1b'));
    assert_null(strstr(dn, "\xe2\x80\xae"));
    assert_non_null(strstr(dn, "uid=eve"));
    assert_true(json_is_null(json_object_get(json_array_get(lines, 1), "dn")));
    json_decref(lines);
    unlink(path);
    rmdir(dir);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_lines),
        cmocka_unit_test(test_dn_sanitized),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
