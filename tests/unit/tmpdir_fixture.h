/* A private temporary directory for a test binary's group: tmpdir_setup() makes
 * /tmp/gc-test-XXXXXX and points `tmpdir` at it; tmpdir_teardown() removes it with all it
 * holds. Header-only: each test binary includes it once, after cmocka.h. */
#ifndef GC_TESTS_TMPDIR_FIXTURE_H
#define GC_TESTS_TMPDIR_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"

static char *tmpdir;

/* cmocka group setup. */
static int tmpdir_setup(void **state)
{
    char tmpl[] = "/tmp/gc-test-XXXXXX";

    (void)state;
    if (mkdtemp(tmpl) == NULL) {
        return -1;
    }
    tmpdir = xstrdup(tmpl);
    return 0;
}

/* cmocka group teardown. */
static int tmpdir_teardown(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    int rc = system(cmd);

    (void)state;
    free(cmd);
    free(tmpdir);
    return rc == 0 ? 0 : -1;
}

#endif
