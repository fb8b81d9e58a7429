/* Flat JSON objects read straight from their text (jsonflat.h). */
#include "core/jsonflat.h"

#include <string.h>

#include "core/jsontext.h"

/* A string at p ('"') of printable ASCII without escapes: the byte after its closing quote. */
static const char *jsonflat_string(const char *p, const char *end, const char **text,
                                   size_t *len)
{
    const char *q;

    for (q = p + 1; q < end && *q != '"'; q++) {
        unsigned char c = (unsigned char)*q;

        if (c == '\\' || c < 0x20 || c >= 0x7f) {
            return NULL; /* an escape, a control character or UTF-8: jansson reads it */
        }
    }
    if (q >= end) {
        return NULL;
    }
    *text = p + 1;
    *len = (size_t)(q - p - 1);
    return q + 1;
}

/* An integer at p in JSON's grammar that fits 64 bits: the byte after it. A fraction or an
 * exponent is a real, left to jansson. */
static const char *jsonflat_int(const char *p, const char *end, int64_t *out)
{
    bool neg = p < end && *p == '-';
    uint64_t x = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    const char *q = p + (neg ? 1 : 0);

    if (q >= end || *q < '0' || *q > '9') {
        return NULL;
    }
    if (*q == '0') {
        q++; /* no leading zeros: "01" is not a number, and fails at the next token */
    } else {
        for (; q < end && *q >= '0' && *q <= '9'; q++) {
            unsigned d = (unsigned)(*q - '0');

            if (x > (limit - d) / 10) {
                return NULL; /* jansson calls it too big */
            }
            x = x * 10 + d;
        }
    }
    if (q < end && (*q == '.' || *q == 'e' || *q == 'E')) {
        return NULL;
    }
    *out = neg ? (int64_t)(0 - x) : (int64_t)x;
    return q;
}

/* true, false or null at p: the byte after it. */
static const char *jsonflat_literal(const char *p, const char *end)
{
    static const char *const words[] = {"true", "false", "null"};

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);

        if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0) {
            return p + n;
        }
    }
    return NULL;
}

/* After an element (p may be NULL: it failed): at the next one past a ',' with *more, or past
 * the closing `close`; NULL on anything else. */
static const char *jsonflat_after(const char *p, const char *end, char close, bool *more)
{
    p = p != NULL ? jsontext_ws(p, end) : NULL;
    if (p == NULL || p >= end || (*p != ',' && *p != close)) {
        return NULL;
    }
    *more = *p == ',';
    return *more ? jsontext_ws(p + 1, end) : p + 1;
}

/* An array of integers at p ('['): the byte after its ']'. */
static const char *jsonflat_ints(const char *p, const char *end)
{
    int64_t x;
    bool more = true;

    p = jsontext_ws(p + 1, end);
    if (p < end && *p == ']') {
        return p + 1;
    }
    while (p != NULL && more) {
        p = jsonflat_after(jsonflat_int(p, end, &x), end, ']', &more);
    }
    return p;
}

const char *jsonflat_value(const char *p, const char *end, struct jsonflat_value *v)
{
    const char *q;

    if (p >= end) {
        return NULL;
    }
    v->text = p;
    v->i = 0;
    switch (*p) {
    case '"':
        v->kind = JSONFLAT_STRING;
        return jsonflat_string(p, end, &v->text, &v->len);
    case '[':
        v->kind = JSONFLAT_INTS;
        q = jsonflat_ints(p, end);
        break;
    case 't':
    case 'f':
    case 'n':
        v->kind = JSONFLAT_LITERAL;
        q = jsonflat_literal(p, end);
        break;
    default:
        v->kind = JSONFLAT_INT;
        q = jsonflat_int(p, end, &v->i);
        break;
    }
    if (q != NULL) {
        v->len = (size_t)(q - p);
    }
    return q;
}

const char *jsonflat_object(const char *p, const char *end, struct jsonflat *out)
{
    out->n = 0;
    if (p >= end || *p != '{') {
        return NULL;
    }
    p = jsontext_ws(p + 1, end);
    if (p < end && *p == '}') {
        return p + 1;
    }
    for (bool more = true; more;) {
        struct jsonflat_member *m;

        if (out->n == JSONFLAT_MAX || p >= end || *p != '"') {
            return NULL;
        }
        m = &out->m[out->n++];
        p = jsonflat_string(p, end, &m->key, &m->klen);
        p = p != NULL ? jsontext_ws(p, end) : NULL;
        if (p == NULL || p >= end || *p != ':') {
            return NULL;
        }
        p = jsonflat_after(jsonflat_value(jsontext_ws(p + 1, end), end, &m->v), end, '}', &more);
        if (p == NULL) {
            return NULL;
        }
    }
    return p;
}

const struct jsonflat_value *jsonflat_get(const struct jsonflat *f, const char *key)
{
    size_t n = strlen(key);

    for (size_t i = f->n; i-- > 0;) {
        if (f->m[i].klen == n && memcmp(f->m[i].key, key, n) == 0) {
            return &f->m[i].v;
        }
    }
    return NULL;
}

bool jsonflat_next_int(const struct jsonflat_value *v, const char **p, int64_t *out)
{
    const char *end = v->text + v->len;
    const char *q = jsontext_ws(*p + 1, end); /* past '[' or ',' */

    if (v->kind != JSONFLAT_INTS || q >= end || *q == ']') {
        return false;
    }
    q = jsonflat_int(q, end, out);
    if (q == NULL) {
        return false;
    }
    *p = jsontext_ws(q, end); /* at the next ',' or the ']' */
    return true;
}
