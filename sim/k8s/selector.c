#include "sim/k8s/selector.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_util.h"

static char *dup_trim(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1])) {
        n--;
    }
    char *out = sim_xmalloc(n + 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

static bool valid_key(const char *k)
{
    if (!*k) {
        return false;
    }
    for (const char *p = k; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-' && *p != '/') {
            return false;
        }
    }
    return true;
}

static bool valid_label_value(const char *v)
{
    for (const char *p = v; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-') {
            return false;
        }
    }
    return true;
}

static struct selector_req *add_req(struct selector *s)
{
    s->reqs = sim_xrealloc(s->reqs, (s->n + 1) * sizeof(*s->reqs));
    struct selector_req *r = &s->reqs[s->n++];
    memset(r, 0, sizeof(*r));
    return r;
}

static void add_value(struct selector_req *r, char *v)
{
    r->values = sim_xrealloc(r->values, (r->n_values + 1) * sizeof(*r->values));
    r->values[r->n_values++] = v;
}

/* Parses "(a, b, c)" into r's values. */
static int parse_set(struct selector_req *r, const char *s, char *err, size_t errsize)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) {
        n--;
    }
    if (n < 2 || s[0] != '(' || s[n - 1] != ')') {
        snprintf(err, errsize, "unable to parse requirement: found '%s', expected: '('", s);
        return -1;
    }
    const char *p = s + 1;
    const char *end = s + n - 1;
    while (p <= end) {
        const char *c = memchr(p, ',', (size_t)(end - p));
        const char *stop = c ? c : end;
        char *v = dup_trim(p, (size_t)(stop - p));
        if (!valid_label_value(v)) {
            snprintf(err, errsize, "unable to parse requirement: invalid label value: \"%s\"", v);
            free(v);
            return -1;
        }
        add_value(r, v);
        p = stop + 1;
    }
    return 0;
}

/* Finds " in " or " notin " after the key; returns the op or -1. */
static int find_set_op(const char *req, size_t *key_len, const char **rest)
{
    const char *p = req;
    while (*p && !isspace((unsigned char)*p) && *p != '(' && *p != '=' && *p != '!') {
        p++;
    }
    size_t klen = (size_t)(p - req);
    while (isspace((unsigned char)*p)) {
        p++;
    }
    if (strncmp(p, "notin", 5) == 0 && (isspace((unsigned char)p[5]) || p[5] == '(')) {
        *key_len = klen;
        *rest = p + 5;
        return SEL_NOTIN;
    }
    if (strncmp(p, "in", 2) == 0 && (isspace((unsigned char)p[2]) || p[2] == '(')) {
        *key_len = klen;
        *rest = p + 2;
        return SEL_IN;
    }
    return -1;
}

/* Parses one requirement ("k=v", "k!=v", "k", "!k", "k in (a,b)") and appends it. */
static int parse_one(struct selector *s, const char *req, bool fields, char *err, size_t errsize)
{
    struct selector_req *r = add_req(s);
    size_t klen;
    const char *rest;
    int setop = fields ? -1 : find_set_op(req, &klen, &rest);
    if (setop >= 0) {
        r->op = setop;
        r->key = dup_trim(req, klen);
        if (!valid_key(r->key)) {
            snprintf(err, errsize, "unable to parse requirement: invalid label key \"%s\"", r->key);
            return -1;
        }
        return parse_set(r, rest, err, errsize);
    }
    const char *op = NULL;
    size_t oplen = 0;
    const char *ne = strstr(req, "!=");
    const char *eq = strchr(req, '=');
    if (ne && (!eq || ne < eq)) {
        op = ne;
        oplen = 2;
        r->op = SEL_NEQ;
    } else if (eq) {
        op = eq;
        oplen = eq[1] == '=' ? 2 : 1;
        r->op = SEL_EQ;
    }
    if (!op) {
        if (fields) {
            snprintf(err, errsize, "invalid selector: '%s'; can't understand '%s'", req, req);
            return -1;
        }
        const char *k = req;
        while (isspace((unsigned char)*k)) {
            k++;
        }
        if (*k == '!') {
            r->op = SEL_NOT_EXISTS;
            k++;
        } else {
            r->op = SEL_EXISTS;
        }
        r->key = dup_trim(k, strlen(k));
        if (!valid_key(r->key)) {
            snprintf(err, errsize, "unable to parse requirement: invalid label key \"%s\"", r->key);
            return -1;
        }
        return 0;
    }
    r->key = dup_trim(req, (size_t)(op - req));
    char *v = dup_trim(op + oplen, strlen(op + oplen));
    add_value(r, v);
    if (!valid_key(r->key)) {
        snprintf(err, errsize, "%s: invalid key \"%s\"",
                 fields ? "invalid field selector" : "unable to parse requirement", r->key);
        return -1;
    }
    if (!fields && !valid_label_value(v)) {
        snprintf(err, errsize, "unable to parse requirement: invalid label value: \"%s\"", v);
        return -1;
    }
    return 0;
}

/* Splits on commas outside parentheses and parses each requirement. */
static int parse(const char *text, struct selector *out, bool fields, char *err, size_t errsize)
{
    out->n = 0;
    out->reqs = NULL;
    if (!text) {
        return 0;
    }
    const char *p = text;
    while (*p) {
        const char *q = p;
        int depth = 0;
        while (*q && (depth > 0 || *q != ',')) {
            if (*q == '(') {
                depth++;
            } else if (*q == ')') {
                depth--;
            }
            q++;
        }
        char *req = dup_trim(p, (size_t)(q - p));
        int rc = 0;
        if (*req) {
            rc = parse_one(out, req, fields, err, errsize);
        } else if (*q || q != p) {
            snprintf(err, errsize, "unable to parse requirement: found '', expected: identifier");
            rc = -1;
        }
        free(req);
        if (rc < 0) {
            return -1;
        }
        p = *q ? q + 1 : q;
    }
    return 0;
}

int selector_parse_labels(const char *text, struct selector *out, char *err, size_t errsize)
{
    return parse(text, out, false, err, errsize);
}

int selector_parse_fields(const char *text, struct selector *out, char *err, size_t errsize)
{
    return parse(text, out, true, err, errsize);
}

void selector_free(struct selector *s)
{
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; k < s->reqs[i].n_values; k++) {
            free(s->reqs[i].values[k]);
        }
        free(s->reqs[i].values);
        free(s->reqs[i].key);
    }
    free(s->reqs);
    s->reqs = NULL;
    s->n = 0;
}

static const char *lookup(const char *key, const char *const *keys, const char *const *vals,
                          size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i], key) == 0) {
            return vals[i];
        }
    }
    return NULL;
}

static bool in_set(const struct selector_req *r, const char *v)
{
    for (size_t i = 0; i < r->n_values; i++) {
        if (strcmp(r->values[i], v) == 0) {
            return true;
        }
    }
    return false;
}

bool selector_match(const struct selector *s, const char *const *keys, const char *const *vals,
                    size_t n)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct selector_req *r = &s->reqs[i];
        const char *v = lookup(r->key, keys, vals, n);
        bool ok;
        switch (r->op) {
        case SEL_EQ:
        case SEL_IN:
            ok = v && in_set(r, v);
            break;
        case SEL_NEQ:
        case SEL_NOTIN:
            ok = !v || !in_set(r, v);
            break;
        case SEL_EXISTS:
            ok = v != NULL;
            break;
        default:
            ok = v == NULL;
            break;
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}
