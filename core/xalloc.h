/* Allocation wrappers that never return NULL: on failure they run the die hook
 * (which restores the terminal) and abort, so callers never check. */
#ifndef GC_CORE_XALLOC_H
#define GC_CORE_XALLOC_H

#include <stddef.h>

/* Called once before aborting on allocation failure (e.g. endwin()). */
void xalloc_set_die_hook(void (*hook)(void));

/* Caller frees. Size 0 is allowed and returns a unique pointer. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Caller frees. NULL in gives NULL out. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "govconsole: msg" to stderr after running the die hook, then exit(status). */
void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

#endif
