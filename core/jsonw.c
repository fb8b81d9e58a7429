/* The small JSON writer. */
#include "core/jsonw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static void jsonw_put(struct jsonw *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) {
        w->cap = (w->len + n + 1) * 2 + 64;
        w->buf = xrealloc(w->buf, w->cap);
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void jsonw_quoted(struct jsonw *w, const char *s)
{
    jsonw_put(w, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        char esc[8];

        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            jsonw_put(w, esc, 2);
        } else if (*p < 0x20 || *p == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            jsonw_put(w, esc, 6);
        } else {
            jsonw_put(w, (const char *)p, 1);
        }
    }
    jsonw_put(w, "\"", 1);
}

/* The ',' and the key before a value. */
static void jsonw_lead(struct jsonw *w, const char *key)
{
    if (w->comma) {
        jsonw_put(w, ",", 1);
    }
    if (key != NULL) {
        jsonw_quoted(w, key);
        jsonw_put(w, ":", 1);
    }
    w->comma = true;
}

void jsonw_object(struct jsonw *w, const char *key)
{
    jsonw_lead(w, key);
    jsonw_put(w, "{", 1);
    w->comma = false;
}

void jsonw_array(struct jsonw *w, const char *key)
{
    jsonw_lead(w, key);
    jsonw_put(w, "[", 1);
    w->comma = false;
}

void jsonw_end_object(struct jsonw *w)
{
    jsonw_put(w, "}", 1);
    w->comma = true;
}

void jsonw_end_array(struct jsonw *w)
{
    jsonw_put(w, "]", 1);
    w->comma = true;
}

void jsonw_string(struct jsonw *w, const char *key, const char *value)
{
    jsonw_lead(w, key);
    if (value == NULL) {
        jsonw_put(w, "null", 4);
    } else {
        jsonw_quoted(w, value);
    }
}

void jsonw_int(struct jsonw *w, const char *key, long long value)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", value);

    jsonw_lead(w, key);
    jsonw_put(w, num, (size_t)n);
}

void jsonw_literal(struct jsonw *w, const char *key, const char *literal)
{
    jsonw_lead(w, key);
    jsonw_put(w, literal, strlen(literal));
}

char *jsonw_finish(struct jsonw *w)
{
    char *s = w->buf != NULL ? w->buf : xstrdup("");

    *w = (struct jsonw){NULL, 0, 0, false};
    return s;
}
