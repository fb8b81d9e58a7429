/* core/log: --log FILE opens only a regular file of the user's, never through a symbolic
 * link, and keeps it 0600; what it writes is sanitized. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "tests/unit/tmpdir_fixture.h"

/* tmpdir/NAME. Caller frees. */
static char *tmp_path(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

/* Writes `text` to tmpdir/NAME with `mode`; returns its path (caller frees). */
static char *write_file(const char *name, const char *text, mode_t mode)
{
    char *path = tmp_path(name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

/* The whole content of `path` (caller frees). */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = xcalloc(1, 4096);

    assert_non_null(f);
    assert_true(fread(buf, 1, 4095, f) < 4095);
    fclose(f);
    return buf;
}

/* Asserts that log_open(path) refuses with a message holding `why`, and leaves the log off. */
static void open_refused(const char *path, const char *why)
{
    char *err = NULL, *want = xasprintf("--log %s: %s", path, why);

    assert_int_equal(log_open(path, &err), -1);
    assert_non_null(err);
    if (strncmp(err, want, strlen(want)) != 0) {
        print_error("got:  %s\nwant: %s...\n", err, want);
    }
    assert_true(strncmp(err, want, strlen(want)) == 0);
    free(err);
    free(want);
    log_msg("never written"); /* the log is off: nothing, anywhere */
}

static void test_normal_case(void **state)
{
    char *path = tmp_path("new.log"), *err = NULL, *text;
    struct stat st;

    (void)state;
    assert_int_equal(log_open(NULL, &err), 0); /* no --log: off, no message */
    assert_null(err);
    assert_int_equal(log_open(path, &err), 0);
    assert_null(err);
    log_msg("poll %s: %d rows", "pods", 3);
    log_msg("a \x1b]0;title\x07 from the network");
    log_close();
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    text = read_all(path);
    assert_non_null(strstr(text, " poll pods: 3 rows\n"));
    assert_non_null(strstr(text, " a ?]0;title? from the network\n"));
    assert_null(strchr(text, '\x1b'));
    free(text);
    unlink(path);
    free(path);
}

static void test_own_file_fixed_to_0600(void **state)
{
    char *path = write_file("old.log", "earlier line\n", 0644), *err = NULL, *text;
    struct stat st;

    (void)state;
    assert_int_equal(log_open(path, &err), 0);
    assert_null(err);
    log_msg("appended");
    log_close();
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    text = read_all(path);
    assert_true(strncmp(text, "earlier line\n", 13) == 0); /* appended, never truncated */
    assert_non_null(strstr(text + 13, " appended\n"));
    free(text);
    unlink(path);
    free(path);
}

static void test_symlink_refused(void **state)
{
    char *target = write_file("target", "keep\n", 0600), *link = tmp_path("link.log"), *text;
    char *dangling = tmp_path("dangling.log"), *nowhere = tmp_path("nowhere");

    (void)state;
    assert_int_equal(symlink(target, link), 0);
    open_refused(link, "refusing a symbolic link");
    text = read_all(target);
    assert_string_equal(text, "keep\n");
    free(text);
    /* a link to nothing is not followed to create its target either */
    assert_int_equal(symlink(nowhere, dangling), 0);
    open_refused(dangling, "refusing a symbolic link");
    assert_int_equal(access(nowhere, F_OK), -1);
    unlink(link);
    unlink(dangling);
    unlink(target);
    free(target);
    free(link);
    free(dangling);
    free(nowhere);
}

static void test_other_users_file_refused(void **state)
{
    char *path = write_file("theirs.log", "theirs\n", 0644), *text;
    struct stat st;

    (void)state;
    if (geteuid() != 0) {
        printf("# not root: cannot make a file of another user; test skipped\n");
        unlink(path);
        free(path);
        skip();
    }
    assert_int_equal(chown(path, 65534, 65534), 0);
    open_refused(path, "refusing a file owned by uid 65534");
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644); /* not touched */
    text = read_all(path);
    assert_string_equal(text, "theirs\n");
    free(text);
    unlink(path);
    free(path);
}

static void test_not_regular_refused(void **state)
{
    char *fifo = tmp_path("fifo.log"), *dir = tmp_path("dir.log");
    char *file = write_file("linked.log", "", 0600), *hard = tmp_path("hard.log");

    (void)state;
    assert_int_equal(mkfifo(fifo, 0600), 0);
    open_refused(fifo, "refusing what is not a regular file"); /* and does not hang */
    assert_int_equal(mkdir(dir, 0700), 0);
    open_refused(dir, "refusing what is not a regular file");
    assert_int_equal(link(file, hard), 0);
    open_refused(hard, "refusing a file with other hard links");
    unlink(fifo);
    rmdir(dir);
    unlink(hard);
    unlink(file);
    free(fifo);
    free(dir);
    free(file);
    free(hard);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_case),
        cmocka_unit_test(test_own_file_fixed_to_0600),
        cmocka_unit_test(test_symlink_refused),
        cmocka_unit_test(test_other_users_file_refused),
        cmocka_unit_test(test_not_regular_refused),
    };

    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
