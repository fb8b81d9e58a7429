/* Flat JSON objects read straight from their text, without a tree.
 *
 * A list API answers thousands of small objects of scalars (MapR's volume list: 10,000 of
 * them, 3.5 MB). jansson builds a hash table and a copy of every string for each; a reader
 * that needs a dozen members does far less work finding them in the text.
 *
 * Only the plain form is read: strings of printable ASCII without escapes, integers that fit
 * 64 bits, true/false/null, and arrays of such integers. The reader validates what it accepts
 * exactly as a JSON parser does; anything else (an escape, a fraction, a nested object, bad
 * syntax) makes it give up, and the caller then parses the whole text with jansson, which
 * reads the same values from the plain form and reports the errors.
 *
 * jsonflat_tree() (at the end) is for the readers written over jansson trees: it builds the
 * tree of a whole text, nested and with escapes and UTF-8 in its strings, without jansson's
 * parser, and gives up the same way on what it does not read. */
#ifndef GC_CORE_JSONFLAT_H
#define GC_CORE_JSONFLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum jsonflat_kind {
    JSONFLAT_STRING,  /* text: the characters between the quotes */
    JSONFLAT_INT,     /* i */
    JSONFLAT_LITERAL, /* true, false or null; text: the word */
    JSONFLAT_INTS,    /* an array of integers; text: from '[' to ']' inclusive */
};

struct jsonflat_value {
    enum jsonflat_kind kind;
    const char *text;
    size_t len;
    int64_t i;
};

struct jsonflat_member {
    const char *key; /* not NUL-terminated */
    size_t klen;
    struct jsonflat_value v;
};

/* The members one object may have for the reader to take it. */
#define JSONFLAT_MAX 64

struct jsonflat {
    size_t n;
    struct jsonflat_member m[JSONFLAT_MAX];
};

/* A scalar (string, integer, literal) or an integer array at p (no whitespace before it):
 * the byte after it, or NULL when it is not in the plain form. */
const char *jsonflat_value(const char *p, const char *end, struct jsonflat_value *v);

/* An object of such values at p: the byte after its '}', or NULL when it is not in the plain
 * form or has more than JSONFLAT_MAX members. */
const char *jsonflat_object(const char *p, const char *end, struct jsonflat *out);

/* The value of the member named key; of duplicates the last, as jansson keeps. NULL if none. */
const struct jsonflat_value *jsonflat_get(const struct jsonflat *f, const char *key);

/* The integers of a JSONFLAT_INTS value one by one: *p starts at v->text; false after the
 * last. */
bool jsonflat_next_int(const struct jsonflat_value *v, const char **p, int64_t *out);

/* jsonflat_tree() builds objects and arrays nested this deep; deeper ones go to jansson. */
#define JSONFLAT_TREE_DEPTH 64

/* A whole text as a jansson tree, read here rather than by json_loadb(), which is several
 * times slower (a Kubernetes watch event: 1.3-3.7 us against 10-24 us). The tree is built with
 * jansson's own constructors, so it is the one json_loadb() would build and is released with
 * json_decref(). Read here: an object or an array at the top (whitespace around), nested at
 * most JSONFLAT_TREE_DEPTH deep, of keys in the plain form, integers that fit 64 bits,
 * literals, and strings as jansson reads them (escapes, surrogate pairs, valid UTF-8) but
 * \u0000, which a flag decides. NULL for anything else, reals included: the caller then gives
 * the text to json_loadb(), which reads it or says what is wrong. */
json_t *jsonflat_tree(const char *text, size_t len);

/* json_loadb() (its flags and error) with jsonflat_tree() first: the same tree, or the same
 * error, for any text; several times faster for the plain form. */
json_t *jsonflat_load(const char *text, size_t len, size_t flags, json_error_t *err);

#endif
