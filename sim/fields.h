/* An item's members defined once, as a function that hands them one at a time to a sink: the
 * jansson sink here builds the item as an object (single-item answers), and an API's own text
 * sink writes the same members as JSON text into a jbuf for its long lists (sim/mapr/datasets.c,
 * sim/nagios/status.c). */
#ifndef GC_SIM_FIELDS_H
#define GC_SIM_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/jbuf.h"

enum field_kind {
    FIELD_STR,
    FIELD_INT,
    FIELD_QINT,
    FIELD_INTS,
    FIELD_BOOL,
    FIELD_REAL,
    FIELD_OBJECT,
    FIELD_ARRAY,
    FIELD_END
};

/* One member (key NULL: an element of the array open): s for FIELD_STR; i for FIELD_INT,
 * FIELD_BOOL and FIELD_QINT (a number given as a decimal string, as MapR's sizes); ints[0..n)
 * for FIELD_INTS; r for FIELD_REAL. FIELD_OBJECT and FIELD_ARRAY open a member whose own
 * members follow, up to a FIELD_END (no key). */
struct field {
    const char *key;
    enum field_kind kind;
    const char *s;
    int64_t i;
    const int64_t *ints;
    size_t n;
    double r;
};

struct field_sink {
    void (*put)(struct field_sink *sink, const struct field *f);
};

static inline void put_str(struct field_sink *k, const char *key, const char *s)
{
    k->put(k, &(struct field){.key = key, .kind = FIELD_STR, .s = s});
}

static inline void put_int(struct field_sink *k, const char *key, int64_t i)
{
    k->put(k, &(struct field){.key = key, .kind = FIELD_INT, .i = i});
}

static inline void put_qint(struct field_sink *k, const char *key, int64_t i)
{
    k->put(k, &(struct field){.key = key, .kind = FIELD_QINT, .i = i});
}

static inline void put_ints(struct field_sink *k, const char *key, const int64_t *ints, size_t n)
{
    k->put(k, &(struct field){.key = key, .kind = FIELD_INTS, .ints = ints, .n = n});
}

static inline void put_bool(struct field_sink *k, const char *key, bool b)
{
    k->put(k, &(struct field){.key = key, .kind = FIELD_BOOL, .i = b});
}

static inline void put_real(struct field_sink *k, const char *key, double r)
{
    k->put(k, &(struct field){.key = key, .kind = FIELD_REAL, .r = r});
}

/* Opens an object or array member (kind FIELD_OBJECT, FIELD_ARRAY); put_end closes it. */
static inline void put_open(struct field_sink *k, const char *key, enum field_kind kind)
{
    k->put(k, &(struct field){.key = key, .kind = kind});
}

static inline void put_end(struct field_sink *k)
{
    k->put(k, &(struct field){.kind = FIELD_END});
}

#define FIELD_JSON_DEPTH 4 /* objects and arrays open at once, the item's own included */

/* The sink that builds a jansson object. */
struct field_json {
    struct field_sink sink;         /* first: the callback gets this */
    json_t *open[FIELD_JSON_DEPTH]; /* open[0]: the item; open[depth - 1] takes the next */
    int depth;
};

/* Readies j; the item's object (a new reference, the caller's once the members are put). */
json_t *field_json_init(struct field_json *j);

/* For the text sinks: a member's value as JSON text (a real as jansson writes it: %.17g, with
 * ".0" when that reads as an integer). False, with nothing written, for FIELD_OBJECT,
 * FIELD_ARRAY and FIELD_END, whose layout is the sink's. */
bool field_text_value(struct jbuf *b, const struct field *f);

#endif
