/* Allocation wrappers and die(). */
#define _GNU_SOURCE
#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*die_hook)(void);

void xalloc_set_die_hook(void (*hook)(void))
{
    die_hook = hook;
}

static void run_die_hook(void)
{
    void (*hook)(void) = die_hook;

    die_hook = NULL;
    if (hook != NULL) {
        hook();
    }
}

/* Out of memory: nothing sensible is left to do. */
static void oom(size_t size)
{
    run_die_hook();
    fprintf(stderr, "govconsole: out of memory (%zu bytes)\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (p == NULL) {
        oom(size);
    }
    return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

    if (p == NULL) {
        oom(nmemb * size);
    }
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);

    if (p == NULL) {
        oom(size);
    }
    return p;
}

char *xstrdup(const char *s)
{
    return s == NULL ? NULL : xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p;
    size_t len;

    if (s == NULL) {
        return NULL;
    }
    len = strnlen(s, n);
    p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        oom(0);
    }
    return s;
}

void die(int status, const char *fmt, ...)
{
    va_list ap;

    run_die_hook();
    fputs("govconsole: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}
