/* Flat JSON objects read straight from their text (jsonflat.h). */
#include "core/jsonflat.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsontext.h"
#include "core/xalloc.h"

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

/* A member's key at p ('"', in the plain form) and its ':': the value's first byte, or NULL. */
static const char *jsonflat_key(const char *p, const char *end, const char **key, size_t *klen)
{
    p = p < end && *p == '"' ? jsonflat_string(p, end, key, klen) : NULL;
    p = p != NULL ? jsontext_ws(p, end) : NULL;
    return p != NULL && p < end && *p == ':' ? jsontext_ws(p + 1, end) : NULL;
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

        if (out->n == JSONFLAT_MAX) {
            return NULL;
        }
        m = &out->m[out->n++];
        p = jsonflat_key(p, end, &m->key, &m->klen);
        if (p == NULL) {
            return NULL;
        }
        p = jsonflat_after(jsonflat_value(p, end, &m->v), end, '}', &more);
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

/* jsonflat_tree()'s scratch space for strings it must decode. */
struct jsonflat_scratch {
    char *buf;
    size_t len, cap;
};

static void jsonflat_put(struct jsonflat_scratch *s, const char *bytes, size_t n)
{
    if (n == 0) {
        return; /* s->buf may still be NULL, which memcpy() must not see */
    }
    if (s->len + n > s->cap) {
        s->cap = (s->len + n) * 2 + 64;
        s->buf = xrealloc(s->buf, s->cap);
    }
    memcpy(s->buf + s->len, bytes, n);
    s->len += n;
}

/* Four hex digits at p: their value, or -1. */
static long jsonflat_hex4(const char *p, const char *end)
{
    long v = 0;

    if (end - p < 4) {
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;

        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/* The escape at p (after its backslash) decoded into s: the byte after it. NULL for what
 * jansson would refuse or reads by a flag (\u0000) and for a lone surrogate. */
static const char *jsonflat_escape(const char *p, const char *end, struct jsonflat_scratch *s)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = p < end && *p != '\0' ? strchr(from, *p) : NULL;
    long cp, lo;
    char u[4];
    size_t n;

    if (hit != NULL) {
        jsonflat_put(s, &to[hit - from], 1);
        return p + 1;
    }
    if (p >= end || *p != 'u' || (cp = jsonflat_hex4(p + 1, end)) <= 0) {
        return NULL;
    }
    p += 5;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return NULL;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end - p < 2 || p[0] != '\\' || p[1] != 'u' ||
            (lo = jsonflat_hex4(p + 2, end)) < 0xDC00 || lo > 0xDFFF) {
            return NULL;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p += 6;
    }
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    jsonflat_put(s, u, n);
    return p;
}

/* The length of the UTF-8 sequence at p if it is valid (no overlong form, no surrogate,
 * nothing past U+10FFFF), else 0. */
static size_t jsonflat_utf8(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    size_t n;

    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xBF) {
            return 0;
        }
    }
    return n;
}

/* A string at p ('"') with escapes and UTF-8 as jansson reads them: its text, decoded into s
 * when it has to be, and the byte after its closing quote. NULL where jansson would refuse or
 * a flag decides (see jsonflat_escape()). */
static const char *jsonflat_tree_string(const char *p, const char *end,
                                        struct jsonflat_scratch *s, const char **text,
                                        size_t *len)
{
    const char *q = p + 1, *run;

    while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 &&
           (unsigned char)*q < 0x80) {
        q++;
    }
    if (q < end && *q == '"') {
        *text = p + 1; /* the common case: nothing to decode */
        *len = (size_t)(q - p - 1);
        return q + 1;
    }
    s->len = 0;
    jsonflat_put(s, p + 1, (size_t)(q - p - 1));
    while (q < end && *q != '"') {
        unsigned char c = (unsigned char)*q;
        size_t n;

        if (c == '\\') {
            q = jsonflat_escape(q + 1, end, s);
            if (q == NULL) {
                return NULL;
            }
            continue;
        }
        if (c < 0x20) {
            return NULL;
        }
        run = q;
        if (c < 0x80) {
            q++;
        } else if ((n = jsonflat_utf8((const unsigned char *)q, (const unsigned char *)end)) != 0) {
            q += n;
        } else {
            return NULL;
        }
        jsonflat_put(s, run, (size_t)(q - run));
    }
    if (q >= end) {
        return NULL;
    }
    *text = s->buf;
    *len = s->len;
    return q + 1;
}

/* jsonflat_tree()'s recursion: the value at p (no whitespace before it) as a jansson value in
 * *out, and the byte after it; NULL when it is not in the plain form (*out is then NULL and
 * nothing built is left). */
static const char *jsonflat_node(const char *p, const char *end, int depth,
                                 struct jsonflat_scratch *s, json_t **out)
{
    const char *text;
    size_t len;
    int64_t i;
    bool more = true;
    json_t *node;

    *out = NULL;
    if (p >= end) {
        return NULL;
    }
    switch (*p) {
    case '"':
        p = jsonflat_tree_string(p, end, s, &text, &len);
        if (p != NULL) {
            *out = json_stringn_nocheck(text, len);
        }
        return *out != NULL ? p : NULL;
    case 't':
    case 'f':
    case 'n':
        node = *p == 't' ? json_true() : *p == 'f' ? json_false() : json_null();
        p = jsonflat_literal(p, end);
        *out = p != NULL ? node : NULL;
        return p;
    case '{':
    case '[':
        break;
    default:
        p = jsonflat_int(p, end, &i);
        if (p != NULL) {
            *out = json_integer(i);
        }
        return *out != NULL ? p : NULL;
    }
    if (depth >= JSONFLAT_TREE_DEPTH) {
        return NULL;
    }
    if (*p == '[') {
        node = json_array();
        p = jsontext_ws(p + 1, end);
        if (p < end && *p == ']') {
            *out = node;
            return p + 1;
        }
        while (node != NULL && p != NULL && more) {
            json_t *v;

            p = jsonflat_after(jsonflat_node(p, end, depth + 1, s, &v), end, ']', &more);
            if (v != NULL && json_array_append_new(node, v) != 0) {
                p = NULL;
            }
        }
    } else {
        node = json_object();
        p = jsontext_ws(p + 1, end);
        if (p < end && *p == '}') {
            *out = node;
            return p + 1;
        }
        while (node != NULL && p != NULL && more) {
            json_t *v = NULL;

            /* Keys in the plain form only: s holds at most one decoded string at a time. */
            p = jsonflat_key(p, end, &text, &len);
            if (p == NULL) {
                break;
            }
            p = jsonflat_after(jsonflat_node(p, end, depth + 1, s, &v), end, '}', &more);
            /* A key once more replaces the value before, as jansson's parser does. */
            if (v != NULL && json_object_setn_new_nocheck(node, text, len, v) != 0) {
                p = NULL;
            }
        }
    }
    if (p == NULL || node == NULL) {
        json_decref(node);
        return NULL;
    }
    *out = node;
    return p;
}

json_t *jsonflat_tree(const char *text, size_t len)
{
    const char *end = text + len;
    const char *p = jsontext_ws(text, end);
    struct jsonflat_scratch s = {0};
    json_t *root = NULL;

    if (p < end && (*p == '{' || *p == '[')) {
        p = jsonflat_node(p, end, 0, &s, &root);
        if (p == NULL || jsontext_ws(p, end) != end) {
            json_decref(root);
            root = NULL;
        }
    }
    free(s.buf);
    return root;
}

json_t *jsonflat_load(const char *text, size_t len, size_t flags, json_error_t *err)
{
    json_t *root = jsonflat_tree(text, len);

    return root != NULL ? root : json_loadb(text, len, flags, err);
}
