/* The `/` filter: PCRE2 compiled once per pattern, match data allocated once per filter,
 * every match bounded by a match limit and a depth limit. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/filter.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Limits per row, measured on 50,000 rows of ~120 bytes (test_many_rows in
 * tests/unit/test_filter.c prints the times). Normal patterns never come near the starting
 * limit. A row that hits it lowers the limit for the rows after it (divided by
 * FILTER_LIMIT_DECAY, down to a floor), so a catastrophic pattern costs a few slow rows and
 * then a few microseconds a row: the whole table stays bounded, not just each row.
 * filter_reset_limited() restores the starting limit. The floors differ because the JIT and
 * the interpreter count differently: with the JIT every normal pattern measured needs under
 * 100, without it `.*a.*b.*c` needs up to ~1,000 (so after a catastrophic row the
 * interpreter may give up on some normal rows too; they are reported as limited). The depth
 * limit bounds the nesting of backtracking frames and the heap limit (KiB) their memory;
 * the JIT ignores both and is bounded by its own stack instead. */
enum {
    FILTER_MATCH_LIMIT = 100000,
    FILTER_MATCH_FLOOR_JIT = 100,
    FILTER_MATCH_FLOOR_INTERP = 300,
    FILTER_LIMIT_DECAY = 10,
    FILTER_DEPTH_LIMIT = 10000,
    FILTER_HEAP_LIMIT_KIB = 8192,
};

struct filter {
    char *pattern; /* as typed, including a leading '!' */
    bool inverted;
    bool all; /* empty body: everything passes, nothing highlights */
    bool limited;
    uint32_t match_limit; /* current, lowered by limited rows */
    uint32_t match_floor; /* lowest match_limit */
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
};

/* Skips from p to just past the first `close` (or to the end). */
static const char *skip_past(const char *p, char close)
{
    const char *q = strchr(p, close);

    return q != NULL ? q + 1 : p + strlen(p);
}

/* Copies the parts of the pattern that stand for literal text into out (at least as large as
 * the pattern), leaving out escapes, group names, verbs and inline options, so that `\S` or
 * `(?<Name>` do not switch off smart case. */
static void literal_text(const char *p, char *out)
{
    char *o = out;

    while (*p != '\0') {
        if (p[0] == '\\' && p[1] == 'Q') {
            const char *end = strstr(p + 2, "\\E");
            size_t n = end != NULL ? (size_t)(end - (p + 2)) : strlen(p + 2);

            memcpy(o, p + 2, n);
            o += n;
            p += 2 + n + (end != NULL ? 2 : 0);
        } else if (p[0] == '\\' && p[1] != '\0') {
            char e = p[1];

            /* Skip the escaped character, all of it if it is multi-byte UTF-8. */
            p += 2;
            while (((unsigned char)*p & 0xc0) == 0x80) {
                p++;
            }
            if (strchr("pPxoNgk", e) != NULL && *p == '{') {
                p = skip_past(p, '}');
            } else if ((e == 'g' || e == 'k') && *p == '<') {
                p = skip_past(p, '>');
            } else if ((e == 'g' || e == 'k') && *p == '\'') {
                p = skip_past(p + 1, '\'');
            } else if (e == 'c' && *p != '\0') {
                p++;
            }
        } else if (p[0] == '(' && p[1] == '*') {
            p = skip_past(p, ')');
        } else if (p[0] == '(' && p[1] == '?') {
            p += 2;
            if (*p == 'P' && (p[1] == '=' || p[1] == '>')) {
                p = skip_past(p, ')'); /* (?P=name) (?P>name) */
            } else if (*p == 'P' && p[1] == '<') {
                p = skip_past(p, '>'); /* (?P<name> */
            } else if (*p == '<' && (p[1] == '=' || p[1] == '!')) {
                p += 2; /* lookbehind: its text counts */
            } else if (*p == '=' || *p == '!' || *p == '>' || *p == '|' || *p == ':') {
                p++; /* lookahead, atomic, branch reset, plain group */
            } else if (*p == '<') {
                p = skip_past(p, '>'); /* (?<name> */
            } else if (*p == '\'') {
                p = skip_past(p + 1, '\''); /* (?'name' */
            } else if (*p == '&' || *p == '(' || *p == '#') {
                p = skip_past(p, ')'); /* (?&name) (?(condition) (?#comment) */
            } else {
                /* Inline options such as (?i) or (?-J:...), callouts (?C1). */
                while (*p != '\0' && *p != ':' && *p != ')' && *p != '(') {
                    p++;
                }
            }
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

/* True if literal text holds an upper-case or title-case letter (Unicode-aware). */
static bool has_upper(const char *text)
{
    bool non_ascii = false;
    pcre2_code *re;
    pcre2_match_data *md;
    int errcode;
    PCRE2_SIZE erroff;
    int rc;

    for (const char *p = text; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            return true;
        }
        if ((unsigned char)*p >= 0x80) {
            non_ascii = true;
        }
    }
    if (!non_ascii) {
        return false;
    }
    re = pcre2_compile((PCRE2_SPTR) "[\\p{Lu}\\p{Lt}]", PCRE2_ZERO_TERMINATED,
                       PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
    if (re == NULL) {
        return false;
    }
    md = pcre2_match_data_create_from_pattern(re, NULL);
    rc = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

/* A match that ran into a resource limit: undecided, and worth telling the user about. */
static bool is_limit_error(int rc)
{
    return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
           rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_NOMEMORY ||
           rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

struct filter *filter_new(const char *pattern, char **err, size_t *err_offset)
{
    struct filter *f;
    const char *body;
    char *lit;
    uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_NO_AUTO_CAPTURE;
    int errcode;
    PCRE2_SIZE erroff;

    if (err != NULL) {
        *err = NULL;
    }
    if (pattern == NULL) {
        pattern = "";
    }
    f = xcalloc(1, sizeof(*f));
    f->pattern = xstrdup(pattern);
    f->inverted = pattern[0] == '!';
    body = pattern + (f->inverted ? 1 : 0);
    if (*body == '\0') {
        f->all = true;
        return f;
    }

    lit = xmalloc(strlen(body) + 1);
    literal_text(body, lit);
    if (!has_upper(lit)) {
        options |= PCRE2_CASELESS;
    }
    free(lit);

    f->code =
        pcre2_compile((PCRE2_SPTR)body, PCRE2_ZERO_TERMINATED, options, &errcode, &erroff, NULL);
    if (f->code == NULL) {
        PCRE2_UCHAR msg[256];

        if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0 && msg[0] == '\0') {
            snprintf((char *)msg, sizeof(msg), "error %d", errcode);
        }
        if (err != NULL) {
            *err = xstrdup((const char *)msg);
        }
        if (err_offset != NULL) {
            *err_offset = (size_t)erroff + (size_t)(body - pattern);
        }
        filter_free(f);
        return NULL;
    }
    f->md = pcre2_match_data_create_from_pattern(f->code, NULL);
    f->mctx = pcre2_match_context_create(NULL);
    if (f->md == NULL || f->mctx == NULL) {
        die(1, "out of memory compiling a filter");
    }
    f->match_limit = FILTER_MATCH_LIMIT;
    pcre2_set_match_limit(f->mctx, f->match_limit);
    pcre2_set_depth_limit(f->mctx, FILTER_DEPTH_LIMIT);
    pcre2_set_heap_limit(f->mctx, FILTER_HEAP_LIMIT_KIB);
    /* The JIT makes matching 5-10 times faster; without it (unsupported platform, no
     * executable memory) pcre2_match() silently uses the interpreter. */
    if (pcre2_jit_compile(f->code, PCRE2_JIT_COMPLETE) == 0) {
        f->match_floor = FILTER_MATCH_FLOOR_JIT;
    } else {
        f->match_floor = FILTER_MATCH_FLOOR_INTERP;
    }
    return f;
}

void filter_free(struct filter *f)
{
    if (f == NULL) {
        return;
    }
    pcre2_match_context_free(f->mctx);
    pcre2_match_data_free(f->md);
    pcre2_code_free(f->code);
    free(f->pattern);
    free(f);
}

const char *filter_pattern(const struct filter *f)
{
    return f->pattern;
}

bool filter_inverted(const struct filter *f)
{
    return f->inverted;
}

bool filter_matches_all(const struct filter *f)
{
    return f->all;
}

bool filter_limited(const struct filter *f)
{
    return f->limited;
}

void filter_reset_limited(struct filter *f)
{
    f->limited = false;
    if (f->mctx != NULL && f->match_limit != FILTER_MATCH_LIMIT) {
        f->match_limit = FILTER_MATCH_LIMIT;
        pcre2_set_match_limit(f->mctx, f->match_limit);
    }
}

/* Runs one bounded match. Returns 1 on a match, 0 on none, -1 when a limit was hit. */
static int filter_run(struct filter *f, const char *text, size_t len, size_t start,
                      uint32_t options)
{
    int rc = pcre2_match(f->code, (PCRE2_SPTR)text, len, start, options, f->md, f->mctx);

    if (rc >= 0) {
        return 1;
    }
    if (is_limit_error(rc)) {
        f->limited = true;
        if (f->match_limit > f->match_floor) {
            f->match_limit /= FILTER_LIMIT_DECAY;
            if (f->match_limit < f->match_floor) {
                f->match_limit = f->match_floor;
            }
            pcre2_set_match_limit(f->mctx, f->match_limit);
        }
        return -1;
    }
    return 0;
}

bool filter_match(struct filter *f, const char *text, size_t len)
{
    int rc;

    if (f->all) {
        return true;
    }
    if (text == NULL) {
        text = "";
        len = 0;
    }
    rc = filter_run(f, text, len, 0, 0);
    if (rc < 0) {
        return false;
    }
    return (rc == 1) != f->inverted;
}

bool filter_find(struct filter *f, const char *text, size_t len, size_t start, size_t *mstart,
                 size_t *mend)
{
    PCRE2_SIZE *ov;

    if (f->all || text == NULL || start > len) {
        return false;
    }
    /* PCRE2_NOTEMPTY makes the matcher look past empty matches for the next real one. */
    if (filter_run(f, text, len, start, PCRE2_NOTEMPTY) != 1) {
        return false;
    }
    ov = pcre2_get_ovector_pointer(f->md);
    if (ov[1] <= ov[0]) {
        /* \K inside a lookahead can report an end before the start; nothing to highlight. */
        return false;
    }
    *mstart = ov[0];
    *mend = ov[1];
    return true;
}
