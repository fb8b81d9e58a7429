/* Whole files for the tests that read inputs in place (../shared/fixtures, tests/data).
 * Header-only: each test binary includes it once. */
#ifndef GC_TESTS_FILE_FIXTURE_H
#define GC_TESTS_FILE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "core/xalloc.h"

/* The file's bytes, NUL-terminated (caller frees), with *len; NULL when it cannot be read. */
static inline char *file_fixture_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = xmalloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* ../shared/fixtures/nagios/NAME under $GC_ROOT (default "."), as file_fixture_read(). */
static inline char *file_fixture_nagios(const char *name, size_t *len)
{
    const char *root = getenv("GC_ROOT");
    char *path = xasprintf("%s/../shared/fixtures/nagios/%s",
                           root != NULL && root[0] != '\0' ? root : ".", name);
    char *body = file_fixture_read(path, len);

    free(path);
    return body;
}

#endif
