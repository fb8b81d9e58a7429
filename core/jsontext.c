/* JSON text without a tree: skipping values and pruning members. */
#include "core/jsontext.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

const char *jsontext_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) {
        p++;
    }
    return p;
}

const char *jsontext_skip_string(const char *p, const char *end)
{
    const char *open = p;

    for (p++; p < end;) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        const char *run;

        if (q == NULL) {
            return NULL;
        }
        /* A quote after an odd run of backslashes is escaped; the run stops at the opening
         * quote at the latest. */
        for (run = q; run - 1 > open && run[-1] == '\\'; run--) {
        }
        if ((q - run) % 2 == 0) {
            return q + 1;
        }
        p = q + 1;
    }
    return NULL;
}

const char *jsontext_skip_value(const char *p, const char *end)
{
    size_t depth = 0;

    while (p < end) {
        if (*p == '"') {
            p = jsontext_skip_string(p, end);
            if (p == NULL || depth == 0) {
                return p;
            }
            continue;
        }
        if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (depth == 0) {
                return p;
            }
            if (--depth == 0) {
                return p + 1;
            }
        } else if (depth == 0 && *p == ',') {
            return p;
        }
        p++;
    }
    return NULL;
}

/* The pruner's cursor: input at p, output at o. The output never runs ahead of the input
 * (it is the input less whitespace and dropped members, commas included), so a buffer as
 * long as the input suffices; jsontext_put() checks anyway. */
struct jsontext_pruner {
    const char *p, *end;
    char *o, *oend;
};

static bool jsontext_put(struct jsontext_pruner *s, const char *src, size_t n)
{
    if ((size_t)(s->oend - s->o) < n) {
        return false;
    }
    memcpy(s->o, src, n);
    s->o += n;
    return true;
}

/* Copies the value at s->p as it is (scalars without trailing whitespace). */
static bool jsontext_copy(struct jsontext_pruner *s)
{
    const char *q = jsontext_skip_value(s->p, s->end);
    const char *e = q;

    if (q == NULL || q == s->p) {
        return false;
    }
    while (e > s->p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) {
        e--;
    }
    if (!jsontext_put(s, s->p, (size_t)(e - s->p))) {
        return false;
    }
    s->p = q;
    return true;
}

/* The rule naming this key (its text between the quotes, without escapes), NULL if none. */
static const struct jsonprune_member *jsontext_rule(const struct jsonprune *r, const char *key,
                                                     size_t len)
{
    for (const struct jsonprune_member *m = r->members; m->key != NULL; m++) {
        /* memcmp, not strncmp: a key in the text may hold a raw NUL byte. */
        if (strlen(m->key) == len && memcmp(m->key, key, len) == 0) {
            return m;
        }
    }
    return NULL;
}

static bool jsontext_object(struct jsontext_pruner *s, const struct jsonprune *r);

/* An array: its object elements pruned by r, the others copied. */
static bool jsontext_array(struct jsontext_pruner *s, const struct jsonprune *r)
{
    s->p = jsontext_ws(s->p + 1, s->end);
    if (!jsontext_put(s, "[", 1)) {
        return false;
    }
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return jsontext_put(s, "]", 1);
    }
    for (;;) {
        if (s->p >= s->end) {
            return false;
        }
        if (!(*s->p == '{' ? jsontext_object(s, r) : jsontext_copy(s))) {
            return false;
        }
        s->p = jsontext_ws(s->p, s->end);
        if (s->p >= s->end) {
            return false;
        }
        if (*s->p == ']') {
            s->p++;
            return jsontext_put(s, "]", 1);
        }
        if (*s->p != ',' || !jsontext_put(s, ",", 1)) {
            return false;
        }
        s->p = jsontext_ws(s->p + 1, s->end);
    }
}

/* A value pruned by r. */
static bool jsontext_value(struct jsontext_pruner *s, const struct jsonprune *r)
{
    if (*s->p == '{') {
        return jsontext_object(s, r);
    }
    if (*s->p == '[') {
        return jsontext_array(s, r);
    }
    return jsontext_copy(s);
}

/* One member at s->p (at its key): dropped, copied or pruned. */
static bool jsontext_member(struct jsontext_pruner *s, const struct jsonprune *r, bool *first)
{
    const char *key = s->p, *q;
    const struct jsonprune_member *m = NULL;
    const struct jsonprune *sub;
    bool plain, keep;
    size_t klen;

    if (*key != '"' || (q = jsontext_skip_string(key, s->end)) == NULL) {
        return false;
    }
    klen = (size_t)(q - key);
    plain = memchr(key + 1, '\\', klen - 2) == NULL;
    if (plain) {
        m = jsontext_rule(r, key + 1, klen - 2);
    }
    s->p = jsontext_ws(q, s->end);
    if (s->p >= s->end || *s->p != ':') {
        return false;
    }
    s->p = jsontext_ws(s->p + 1, s->end);
    if (s->p >= s->end) {
        return false;
    }
    sub = m != NULL ? m->sub : plain ? r->each : NULL;
    keep = !plain || sub != NULL || (m != NULL ? !r->keep_unlisted : r->keep_unlisted);
    if (!keep) {
        q = jsontext_skip_value(s->p, s->end);
        if (q == NULL || q == s->p) {
            return false;
        }
        s->p = q;
        return true;
    }
    if ((!*first && !jsontext_put(s, ",", 1)) || !jsontext_put(s, key, klen) ||
        !jsontext_put(s, ":", 1)) {
        return false;
    }
    *first = false;
    return sub != NULL ? jsontext_value(s, sub) : jsontext_copy(s);
}

static bool jsontext_object(struct jsontext_pruner *s, const struct jsonprune *r)
{
    bool first = true;

    s->p = jsontext_ws(s->p + 1, s->end);
    if (!jsontext_put(s, "{", 1)) {
        return false;
    }
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return jsontext_put(s, "}", 1);
    }
    for (;;) {
        if (s->p >= s->end || !jsontext_member(s, r, &first)) {
            return false;
        }
        s->p = jsontext_ws(s->p, s->end);
        if (s->p >= s->end) {
            return false;
        }
        if (*s->p == '}') {
            s->p++;
            return jsontext_put(s, "}", 1);
        }
        if (*s->p != ',') {
            return false;
        }
        s->p = jsontext_ws(s->p + 1, s->end);
    }
}

bool jsontext_prune(const char *text, size_t len, const struct jsonprune *rules,
                    struct jsontext_buf *out)
{
    struct jsontext_pruner s;

    if (out->cap < len + 1) {
        free(out->buf);
        out->cap = len + 1;
        out->buf = xmalloc(out->cap);
    }
    out->len = 0;
    s.p = jsontext_ws(text, text + len);
    s.end = text + len;
    s.o = out->buf;
    s.oend = out->buf + out->cap - 1;
    if (s.p >= s.end || !jsontext_value(&s, rules)) {
        return false;
    }
    if (jsontext_ws(s.p, s.end) != s.end) {
        return false;
    }
    *s.o = '\0';
    out->len = (size_t)(s.o - out->buf);
    return true;
}
