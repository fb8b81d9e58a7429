/* The Prometheus text format reader: a line at a time, into a scratch buffer that holds the
 * line's names and unescaped values. */
#include "core/krakend/prom.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

#define PROM_MAX_LABELS 64

struct prom_family {
    char *name;
    enum prom_type type;
};

struct prom_reader {
    const struct prom_handler *h;
    struct prom_result *res;
    struct prom_family *fams;
    size_t nfams, capfams;
    size_t last_fam; /* index of the last family found: samples of one family come together */
    char *buf;       /* scratch for one line's strings */
    size_t cap;
    size_t used;
    size_t line;
};

static const char *const prom_type_names[] = {
    [PROM_UNTYPED] = "untyped", [PROM_COUNTER] = "counter",   [PROM_GAUGE] = "gauge",
    [PROM_HISTOGRAM] = "histogram", [PROM_SUMMARY] = "summary",
};

const char *prom_type_name(enum prom_type t)
{
    return (size_t)t < sizeof prom_type_names / sizeof prom_type_names[0] ? prom_type_names[t]
                                                                          : "untyped";
}

const char *prom_label(const struct prom_sample *s, const char *name)
{
    for (size_t i = 0; i < s->nlabels; i++) {
        if (strcmp(s->labels[i].name, name) == 0) {
            return s->labels[i].value;
        }
    }
    return NULL;
}

static bool prom_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool prom_name_start(char c, bool colon)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}

static bool prom_name_char(char c, bool colon)
{
    return prom_name_start(c, colon) || (c >= '0' && c <= '9');
}

/* Marks the line bad (the first reason is kept). */
static void prom_bad(struct prom_reader *r, const char *why)
{
    r->res->skipped++;
    if (r->res->first_skipped == 0) {
        r->res->first_skipped = r->line;
        snprintf(r->res->why, sizeof r->res->why, "%s", why);
    }
}

/* Copies [s, s+n) into the scratch buffer as a string. */
static char *prom_keep(struct prom_reader *r, const char *s, size_t n)
{
    char *out = r->buf + r->used;

    memcpy(out, s, n);
    out[n] = '\0';
    r->used += n + 1;
    return out;
}

/* A name at *p ([a-zA-Z_:][a-zA-Z0-9_:]* for metrics, no ':' for labels), kept; NULL when
 * there is none. */
static char *prom_name(struct prom_reader *r, const char **p, const char *end, bool colon)
{
    const char *s = *p;

    if (s >= end || !prom_name_start(*s, colon)) {
        return NULL;
    }
    while (s < end && prom_name_char(*s, colon)) {
        s++;
    }
    char *name = prom_keep(r, *p, (size_t)(s - *p));
    *p = s;
    return name;
}

static const char *prom_skip_blanks(const char *p, const char *end)
{
    while (p < end && prom_blank(*p)) {
        p++;
    }
    return p;
}

/* A token: up to the next blank or the end. */
static const char *prom_token_end(const char *p, const char *end)
{
    while (p < end && !prom_blank(*p)) {
        p++;
    }
    return p;
}

/* A float token in the C locale, NaN and the infinities included. */
static bool prom_float(const char *s, size_t n, double *out)
{
    char tmp[64], *e;
    const char *t = s;
    size_t k = n;

    if (n == 0 || n >= sizeof tmp) {
        return false;
    }
    if (*t == '+' || *t == '-') {
        t++;
        k--;
    }
    if (k == 3 && strncasecmp(t, "nan", 3) == 0) {
        *out = NAN;
        return true;
    }
    if ((k == 3 && strncasecmp(t, "inf", 3) == 0) ||
        (k == 8 && strncasecmp(t, "infinity", 8) == 0)) {
        *out = s[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    /* Digits, one point, an exponent: nothing strtod would read otherwise (hex, nan(...)). */
    bool digits = false, point = false;
    size_t i = 0;

    for (; i < k && ((t[i] >= '0' && t[i] <= '9') || (t[i] == '.' && !point)); i++) {
        digits |= t[i] != '.';
        point |= t[i] == '.';
    }
    if (!digits) {
        return false;
    }
    if (i < k && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < k && (t[i] == '+' || t[i] == '-')) {
            i++;
        }
        if (i == k) {
            return false;
        }
        while (i < k && t[i] >= '0' && t[i] <= '9') {
            i++;
        }
    }
    if (i != k) {
        return false;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    *out = strtod(tmp, &e);
    return e == tmp + n;
}

/* An integer timestamp (milliseconds), maybe negative. */
static bool prom_int64(const char *s, size_t n, int64_t *out)
{
    bool neg = n > 0 && s[0] == '-';
    size_t i = neg || (n > 0 && s[0] == '+') ? 1 : 0;
    uint64_t v = 0;

    if (i == n) {
        return false;
    }
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (uint64_t)INT64_MAX / 10) {
            return false;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > (uint64_t)INT64_MAX) {
        return false;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

static struct prom_family *prom_family_find(struct prom_reader *r, const char *name, size_t n)
{
    if (r->last_fam < r->nfams && strncmp(r->fams[r->last_fam].name, name, n) == 0 &&
        r->fams[r->last_fam].name[n] == '\0') {
        return &r->fams[r->last_fam];
    }
    for (size_t i = 0; i < r->nfams; i++) {
        if (strncmp(r->fams[i].name, name, n) == 0 && r->fams[i].name[n] == '\0') {
            r->last_fam = i;
            return &r->fams[i];
        }
    }
    return NULL;
}

/* `# HELP name text`, `# TYPE name type` or another comment; p after the '#'. */
static void prom_comment(struct prom_reader *r, const char *p, const char *end)
{
    const char *kw, *kw_end;

    p = prom_skip_blanks(p, end);
    kw = p;
    kw_end = prom_token_end(p, end);
    bool help = kw_end - kw == 4 && memcmp(kw, "HELP", 4) == 0;
    bool type = kw_end - kw == 4 && memcmp(kw, "TYPE", 4) == 0;

    if (!help && !type) {
        r->res->comments++;
        return;
    }
    p = prom_skip_blanks(kw_end, end);
    char *name = prom_name(r, &p, end, true);

    if (name == NULL || (p < end && !prom_blank(*p))) {
        prom_bad(r, help ? "HELP without a metric name" : "TYPE without a metric name");
        return;
    }
    p = prom_skip_blanks(p, end);
    if (help) {
        char *text = r->buf + r->used, *o = text;

        for (; p < end; p++) {
            if (*p == '\\' && p + 1 < end && (p[1] == '\\' || p[1] == 'n')) {
                *o++ = p[1] == 'n' ? '\n' : '\\';
                p++;
            } else {
                *o++ = *p;
            }
        }
        *o = '\0';
        r->used += (size_t)(o - text) + 1;
        r->res->comments++;
        if (r->h != NULL && r->h->help != NULL) {
            r->h->help(name, text, r->h->arg);
        }
        return;
    }
    const char *t = p, *t_end = prom_token_end(p, end);
    enum prom_type ty = PROM_UNTYPED;
    bool known = false;

    for (size_t i = 0; i < sizeof prom_type_names / sizeof prom_type_names[0]; i++) {
        if ((size_t)(t_end - t) == strlen(prom_type_names[i]) &&
            memcmp(t, prom_type_names[i], (size_t)(t_end - t)) == 0) {
            ty = (enum prom_type)i;
            known = true;
        }
    }
    if (!known || prom_skip_blanks(t_end, end) != end) {
        prom_bad(r, "TYPE with an unknown type");
        return;
    }
    if (prom_family_find(r, name, strlen(name)) != NULL) {
        prom_bad(r, "a second TYPE for one metric");
        return;
    }
    if (r->nfams == r->capfams) {
        r->capfams = r->capfams ? r->capfams * 2 : 16;
        r->fams = xrealloc(r->fams, r->capfams * sizeof *r->fams);
    }
    r->fams[r->nfams].name = xstrdup(name);
    r->fams[r->nfams].type = ty;
    r->nfams++;
    r->res->comments++;
}

/* A quoted label value at *p (after the '"'), unescaped and kept; NULL with *why. */
static char *prom_label_value(struct prom_reader *r, const char **p, const char *end,
                              const char **why)
{
    char *out = r->buf + r->used, *o = out;
    const char *s = *p;

    for (; s < end && *s != '"'; s++) {
        if (*s == '\\') {
            if (s + 1 >= end || (s[1] != '\\' && s[1] != '"' && s[1] != 'n')) {
                *why = "an invalid escape in a label value";
                return NULL;
            }
            *o++ = s[1] == 'n' ? '\n' : s[1];
            s++;
        } else {
            *o++ = *s;
        }
    }
    if (s >= end) {
        *why = "an unterminated label value";
        return NULL;
    }
    *o = '\0';
    r->used += (size_t)(o - out) + 1;
    *p = s + 1;
    return out;
}

/* `{name="value",...}` at *p (after the '{'); false with *why. */
static bool prom_labels(struct prom_reader *r, const char **p, const char *end,
                        struct prom_label *labels, size_t *n, const char **why)
{
    const char *s = prom_skip_blanks(*p, end);

    while (s < end && *s != '}') {
        struct prom_label l;

        if ((l.name = prom_name(r, &s, end, false)) == NULL) {
            *why = "a label without a valid name";
            return false;
        }
        s = prom_skip_blanks(s, end);
        if (s >= end || *s != '=') {
            *why = "a label without '='";
            return false;
        }
        s = prom_skip_blanks(s + 1, end);
        if (s >= end || *s != '"') {
            *why = "a label value not quoted";
            return false;
        }
        s++;
        if ((l.value = prom_label_value(r, &s, end, why)) == NULL) {
            return false;
        }
        for (size_t i = 0; i < *n; i++) {
            if (strcmp(labels[i].name, l.name) == 0) {
                *why = "a label given twice";
                return false;
            }
        }
        if (*n == PROM_MAX_LABELS) {
            *why = "too many labels";
            return false;
        }
        labels[(*n)++] = l;
        s = prom_skip_blanks(s, end);
        if (s < end && *s == ',') {
            s = prom_skip_blanks(s + 1, end);
        } else if (s < end && *s != '}') {
            *why = "labels not separated by ','";
            return false;
        }
    }
    if (s >= end) {
        *why = "labels without '}'";
        return false;
    }
    *p = s + 1;
    return true;
}

static bool prom_suffix(const char *name, size_t len, const char *suffix, size_t *base)
{
    size_t k = strlen(suffix);

    if (len > k && memcmp(name + len - k, suffix, k) == 0) {
        *base = len - k;
        return true;
    }
    return false;
}

/* The family and type of a sample's name, and whether its labels fit them; false with *why. */
static bool prom_classify(struct prom_reader *r, struct prom_sample *s, const char **why)
{
    size_t len = strlen(s->name), base;
    struct prom_family *f;

    s->family = s->name;
    s->type = PROM_UNTYPED;
    if ((prom_suffix(s->name, len, "_bucket", &base) || prom_suffix(s->name, len, "_sum", &base) ||
         prom_suffix(s->name, len, "_count", &base)) &&
        (f = prom_family_find(r, s->name, base)) != NULL &&
        (f->type == PROM_HISTOGRAM || f->type == PROM_SUMMARY)) {
        bool bucket = s->name[base + 1] == 'b';
        double le;
        const char *v;

        s->family = f->name;
        s->type = f->type;
        if (bucket && f->type == PROM_SUMMARY) {
            s->family = s->name; /* NAME_bucket of a summary is a metric of its own */
            s->type = PROM_UNTYPED;
        } else if (bucket && ((v = prom_label(s, "le")) == NULL ||
                              !prom_float(v, strlen(v), &le))) {
            *why = "a histogram bucket without a valid le";
            return false;
        }
        return true;
    }
    if ((f = prom_family_find(r, s->name, len)) != NULL) {
        s->type = f->type;
        s->family = f->name;
        if (f->type == PROM_HISTOGRAM) {
            *why = "a histogram sample without _bucket, _sum or _count";
            return false;
        }
        if (f->type == PROM_SUMMARY) {
            const char *q = prom_label(s, "quantile");
            double qv;

            if (q == NULL || !prom_float(q, strlen(q), &qv)) {
                *why = "a summary sample without a valid quantile";
                return false;
            }
        }
    }
    return true;
}

/* A sample line, p at its first character. */
static void prom_sample_line(struct prom_reader *r, const char *p, const char *end)
{
    struct prom_label labels[PROM_MAX_LABELS];
    struct prom_sample s;
    const char *why = NULL, *tok, *tok_end;

    memset(&s, 0, sizeof s);
    s.line = r->line;
    s.labels = labels;
    if ((s.name = prom_name(r, &p, end, true)) == NULL) {
        prom_bad(r, "not a metric name");
        return;
    }
    p = prom_skip_blanks(p, end);
    if (p < end && *p == '{') {
        p++;
        if (!prom_labels(r, &p, end, labels, &s.nlabels, &why)) {
            prom_bad(r, why);
            return;
        }
    } else if (p < end && p[-1] != ' ' && p[-1] != '\t') {
        prom_bad(r, "not a metric name");
        return;
    }
    p = prom_skip_blanks(p, end);
    tok = p;
    tok_end = prom_token_end(p, end);
    if (tok == tok_end) {
        prom_bad(r, "a sample without a value");
        return;
    }
    if (!prom_float(tok, (size_t)(tok_end - tok), &s.value)) {
        prom_bad(r, "a value that is not a number");
        return;
    }
    p = prom_skip_blanks(tok_end, end);
    if (p < end) {
        tok = p;
        tok_end = prom_token_end(p, end);
        if (!prom_int64(tok, (size_t)(tok_end - tok), &s.timestamp_ms)) {
            prom_bad(r, "a timestamp that is not an integer");
            return;
        }
        s.has_timestamp = true;
        if (prom_skip_blanks(tok_end, end) != end) {
            prom_bad(r, "more after the timestamp");
            return;
        }
    }
    if (!prom_classify(r, &s, &why)) {
        prom_bad(r, why);
        return;
    }
    r->res->samples++;
    if (r->h != NULL && r->h->sample != NULL) {
        r->h->sample(&s, r->h->arg);
    }
}

static void prom_line(struct prom_reader *r, const char *p, const char *end)
{
    while (end > p && (prom_blank(end[-1]) || end[-1] == '\r')) {
        end--;
    }
    p = prom_skip_blanks(p, end);
    if (p == end) {
        return;
    }
    if (memchr(p, '\0', (size_t)(end - p)) != NULL) {
        prom_bad(r, "a NUL byte");
        return;
    }
    if ((size_t)(end - p) * 2 + 2 > r->cap) {
        r->cap = (size_t)(end - p) * 2 + 2;
        r->buf = xrealloc(r->buf, r->cap);
    }
    r->used = 0;
    if (*p == '#') {
        prom_comment(r, p + 1, end);
    } else {
        prom_sample_line(r, p, end);
    }
}

void prom_parse(const char *text, size_t len, const struct prom_handler *h,
                struct prom_result *res)
{
    struct prom_reader r;
    const char *p = text, *end = text + len;
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;

    memset(res, 0, sizeof *res);
    memset(&r, 0, sizeof r);
    r.h = h;
    r.res = res;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl != NULL ? nl : end;

        r.line++;
        res->lines++;
        prom_line(&r, p, line_end);
        p = nl != NULL ? nl + 1 : end;
    }
    for (size_t i = 0; i < r.nfams; i++) {
        free(r.fams[i].name);
    }
    free(r.fams);
    free(r.buf);
    if (c_locale != (locale_t)0) {
        uselocale(old);
        freelocale(c_locale);
    }
}
