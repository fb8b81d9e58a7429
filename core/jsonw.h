/* A small JSON writer for documents the console composes itself (a tenant as `y` shows it):
 * members in the order written, strings escaped. For views, which may not use jansson. */
#ifndef GC_CORE_JSONW_H
#define GC_CORE_JSONW_H

#include <stdbool.h>
#include <stddef.h>

struct jsonw {
    char *buf;
    size_t len, cap;
    bool comma; /* the next value needs a ',' before it */
};

/* In an object pass the member's key; in an array or at the top, NULL. */
void jsonw_object(struct jsonw *w, const char *key);
void jsonw_array(struct jsonw *w, const char *key);
void jsonw_end_object(struct jsonw *w);
void jsonw_end_array(struct jsonw *w);
/* A string (NULL writes null); quotes, backslashes and control characters escaped. */
void jsonw_string(struct jsonw *w, const char *key, const char *value);
void jsonw_int(struct jsonw *w, const char *key, long long value);
/* A literal written as is: a number, true, false or null the caller formatted (sla). */
void jsonw_literal(struct jsonw *w, const char *key, const char *literal);
/* The text (caller frees); w is empty again. */
char *jsonw_finish(struct jsonw *w);

#endif
