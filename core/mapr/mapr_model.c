/* MapR REST answers as rows (mapr_model.h). */
#define _GNU_SOURCE /* timegm */
#include "core/mapr/mapr_model.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonflat.h"
#include "core/jsontext.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* ---- values ------------------------------------------------------------------------------- */

/* One object of an answer's data: a jansson object, or one the fast path read straight from
 * the text (jsonflat.h). Every reader below takes either and reads the same values. */
struct mapr_item {
    const json_t *o;
    const struct jsonflat *f;
};

/* A string member as it is in the answer, not NUL-terminated (*len), or NULL. */
static const char *raw_str(const struct mapr_item *it, const char *key, size_t *len)
{
    const char *s;

    if (it->f != NULL) {
        const struct jsonflat_value *v = jsonflat_get(it->f, key);

        if (v == NULL || v->kind != JSONFLAT_STRING) {
            return NULL;
        }
        *len = v->len;
        return v->text;
    }
    s = json_string_value(json_object_get(it->o, key));
    *len = s != NULL ? strlen(s) : 0;
    return s;
}

/* A string member read by `parse` as a C string (NULL when absent). */
static int64_t parse_str(const struct mapr_item *it, const char *key, int64_t dflt,
                         int64_t (*parse)(const char *s, int64_t dflt))
{
    size_t len;
    const char *s = raw_str(it, key, &len);
    char buf[64], *copy;
    int64_t x;

    if (s == NULL) {
        return parse(NULL, dflt);
    }
    if (len < sizeof buf) { /* the usual case: no allocation for "102400" */
        memcpy(buf, s, len);
        buf[len] = '\0';
        return parse(buf, dflt);
    }
    copy = xstrndup(s, len);
    x = parse(copy, dflt);
    free(copy);
    return x;
}

/* A whole string of decimal digits, else dflt. */
static int64_t parse_digits(const char *s, int64_t dflt)
{
    char *end;
    long long x;

    if (s == NULL) {
        return dflt;
    }
    x = strtoll(s, &end, 10);
    return end != s && *end == '\0' ? (int64_t)x : dflt;
}

/* A number the API gives as a number or as a string of digits ("quota": "0"); `dflt` when
 * absent or not a number. */
static int64_t num(const struct mapr_item *it, const char *key, int64_t dflt)
{
    const json_t *v = it->f == NULL ? json_object_get(it->o, key) : NULL;

    if (it->f != NULL) {
        const struct jsonflat_value *fv = jsonflat_get(it->f, key);

        if (fv != NULL && fv->kind == JSONFLAT_INT) {
            return fv->i;
        }
    } else if (json_is_integer(v)) {
        return (int64_t)json_integer_value(v);
    } else if (json_is_real(v)) {
        return (int64_t)json_real_value(v);
    }
    return parse_str(it, key, dflt, parse_digits);
}

/* A string member, sanitized (caller frees), or NULL. */
static char *str(const struct mapr_item *it, const char *key)
{
    size_t len;
    const char *s = raw_str(it, key, &len);

    return s != NULL ? sanitize_ndup(s, len) : NULL;
}

int64_t mapr_parse_time(const char *s)
{
    struct tm tm;
    int ms = 0, zh, n = 0;
    char sign, half[3] = "";
    int64_t t;

    if (s == NULL || *s == '\0') {
        return -1;
    }
    if (strchr(s, '-') == NULL || s[0] == '-') {
        return parse_digits(s, -1);
    }
    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c%4d %n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &sign, &zh, &n) < 9 ||
        (sign != '+' && sign != '-')) {
        return -1;
    }
    if (n > 0 && sscanf(s + n, "%2[AMP]", half) == 1) {
        /* a 12-hour clock: 12 AM is 0, 12 PM is 12 */
        if (tm.tm_hour == 12) {
            tm.tm_hour = 0;
        }
        if (strcmp(half, "PM") == 0) {
            tm.tm_hour += 12;
        }
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    t = (int64_t)timegm(&tm);
    t -= (sign == '-' ? -1 : 1) * (int64_t)((zh / 100) * 3600 + (zh % 100) * 60);
    return t * 1000 + ms;
}

/* mapr_parse_time() as parse_str() calls it. */
static int64_t parse_time(const char *s, int64_t dflt)
{
    (void)dflt;
    return mapr_parse_time(s);
}

static int64_t time_member(const struct mapr_item *it, const char *key)
{
    if (it->f != NULL) {
        const struct jsonflat_value *v = jsonflat_get(it->f, key);

        if (v != NULL && v->kind == JSONFLAT_INT) {
            return v->i;
        }
    } else if (json_is_integer(json_object_get(it->o, key))) {
        return (int64_t)json_integer_value(json_object_get(it->o, key));
    }
    return parse_str(it, key, -1, parse_time);
}

/* ---- the envelope ------------------------------------------------------------------------- */

static char *error_desc(const json_t *root)
{
    const json_t *e = json_array_get(json_object_get(root, "errors"), 0);
    const char *desc = json_string_value(json_object_get(e, "desc"));

    return desc != NULL ? sanitize_dup(desc) : NULL;
}

/* Whether the body is an HTML page (a proxy's, a login form, Jetty's 401). */
static bool is_html(const char *body, size_t len)
{
    while (len > 0 && (*body == ' ' || *body == '\n' || *body == '\r' || *body == '\t')) {
        body++;
        len--;
    }
    return len > 0 && *body == '<';
}

void *mapr_envelope(const char *body, size_t len, char **err)
{
    json_t *root, *data;
    const char *status;

    if (is_html(body, len)) {
        *err = xstrdup("an HTML page, not the MapR REST API: is [mapr] url right?");
        return NULL;
    }
    root = jsonflat_load(body, len, 0, NULL);
    status = json_string_value(json_object_get(root, "status"));
    if (status == NULL) {
        *err = xstrdup("not a MapR REST answer");
        json_decref(root);
        return NULL;
    }
    if (strcmp(status, "OK") != 0) {
        char *desc = error_desc(root);

        *err = xasprintf("MapR: %s", desc != NULL ? desc : "status ERROR");
        free(desc);
        json_decref(root);
        return NULL;
    }
    data = json_object_get(root, "data");
    if (data == NULL) {
        data = json_array(); /* an OK without data: nothing */
    } else if (!json_is_array(data)) {
        *err = xstrdup("MapR: data is not a list");
        json_decref(root);
        return NULL;
    } else {
        json_incref(data);
    }
    json_decref(root);
    return data;
}

size_t mapr_array_size(void *data)
{
    return json_array_size(data);
}

char *mapr_array_text(void *data)
{
    json_t *a = data;
    char *text = json_dumps(json_array_size(a) == 1 ? json_array_get(a, 0) : a,
                            JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    return text != NULL ? text : xstrdup("null");
}

void mapr_array_free(void *data)
{
    json_decref(data);
}

char *mapr_error_text(long status, const char *body, size_t len, const char *transport)
{
    json_t *root;
    char *desc, *out;

    if (transport != NULL) {
        return xstrdup(transport);
    }
    if (body != NULL && is_html(body, len)) {
        return xasprintf("HTTP %ld: an HTML page, not the MapR REST API", status);
    }
    root = body != NULL ? jsonflat_load(body, len, 0, NULL) : NULL;
    desc = error_desc(root);
    out = desc != NULL ? xasprintf("HTTP %ld: %s", status, desc) : xasprintf("HTTP %ld", status);
    free(desc);
    json_decref(root);
    return out;
}

/* ---- rows --------------------------------------------------------------------------------- */

/* The copies every byte of a volume has: the first index of actualreplication (the share of
 * the volume replicated index times) holding anything. */
static int actual_replication(const struct mapr_item *it)
{
    const char *key = "actualreplication";
    size_t i;
    json_t *v;

    if (it->f != NULL) {
        const struct jsonflat_value *arr = jsonflat_get(it->f, key);
        const char *p = arr != NULL ? arr->text : NULL;
        int64_t x;

        for (i = 0; arr != NULL && jsonflat_next_int(arr, &p, &x); i++) {
            if (x > 0) {
                return (int)i;
            }
        }
        return -1;
    }
    json_array_foreach (json_object_get(it->o, key), i, v) {
        if (json_integer_value(v) > 0) {
            return (int)i;
        }
    }
    return -1;
}

static struct mapr_volume *volume_from(const struct mapr_item *o)
{
    struct mapr_volume *v;
    char *name = str(o, "volumename");

    if (name == NULL || *name == '\0') {
        free(name);
        return NULL;
    }
    v = xcalloc(1, sizeof *v);
    v->name = name;
    v->row.uid = xstrdup(name);
    v->mount = str(o, "mountdir");
    if (v->mount != NULL && (v->mount[0] == '\0' || num(o, "mounted", 1) == 0)) {
        free(v->mount);
        v->mount = NULL;
    }
    v->used_mb = num(o, "used", -1);
    v->quota_mb = num(o, "quota", 0);
    v->advisory_mb = num(o, "advisoryquota", 0);
    v->repl_desired = (int)num(o, "numreplicas", -1);
    v->repl_actual = actual_replication(o);
    v->snapshots = num(o, "snapshotcount", -1);
    v->snap_newest_ms = -1;
    /* mirrortype 3 is a standard (read-write) volume; volumetype 1 a mirror */
    v->mirror_pct = num(o, "volumetype", 0) == 1 ? (int)num(o, "mirror-percent-complete", 0) : -1;
    v->mirror_last_ms = time_member(o, "lastSuccessfulMirrorTime");
    if (v->mirror_last_ms == 0) {
        v->mirror_last_ms = -1;
    }
    v->type = xstrdup(v->mirror_pct >= 0 ? "mirror" : "volume");
    v->newest_ms = -1;
    return v;
}

const char *mapr_tenant_of_row(enum store_kind kind, const struct store_row *row)
{
    switch (kind) {
    case STORE_MAPR_VOLUME:
        return ((const struct mapr_volume *)row)->x.tenant;
    case STORE_MAPR_STREAM:
        return ((const struct mapr_stream *)row)->x.tenant;
    case STORE_MAPR_TOPIC:
        return ((const struct mapr_topic *)row)->tenant;
    case STORE_MAPR_ALARM:
        return ((const struct mapr_alarm *)row)->tenant;
    default:
        return NULL;
    }
}

void mapr_volume_free(struct store_row *row)
{
    struct mapr_volume *v = (struct mapr_volume *)row;

    if (v == NULL) {
        return;
    }
    free(v->row.uid);
    free(v->name);
    free(v->mount);
    free(v->type);
    free(v);
}

void mapr_stream_free(struct store_row *row)
{
    struct mapr_stream *s = (struct mapr_stream *)row;

    if (s == NULL) {
        return;
    }
    free(s->row.uid);
    free(s->path);
    free(s->error);
    free(s);
}

void mapr_topic_free(struct store_row *row)
{
    struct mapr_topic *t = (struct mapr_topic *)row;

    if (t == NULL) {
        return;
    }
    free(t->row.uid);
    free(t->stream);
    free(t->name);
    free(t);
}

void mapr_alarm_free(struct store_row *row)
{
    struct mapr_alarm *a = (struct mapr_alarm *)row;

    if (a == NULL) {
        return;
    }
    free(a->row.uid);
    free(a->entity);
    free(a->name);
    free(a->desc);
    free(a);
}

static char *dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

static bool same_str(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

bool mapr_volume_same(const struct mapr_volume *a, const struct mapr_volume *b)
{
    return same_str(a->name, b->name) && same_str(a->mount, b->mount) &&
           same_str(a->type, b->type) && a->used_mb == b->used_mb && a->quota_mb == b->quota_mb &&
           a->advisory_mb == b->advisory_mb && a->repl_desired == b->repl_desired &&
           a->repl_actual == b->repl_actual && a->snapshots == b->snapshots &&
           a->snap_newest_ms == b->snap_newest_ms && a->mirror_pct == b->mirror_pct &&
           a->mirror_last_ms == b->mirror_last_ms && a->newest_ms == b->newest_ms &&
           a->newest_from == b->newest_from && a->x.tenant == b->x.tenant &&
           a->x.cadence_ms == b->x.cadence_ms && a->x.owner == b->x.owner;
}

bool mapr_stream_same(const struct mapr_stream *a, const struct mapr_stream *b)
{
    return same_str(a->path, b->path) && same_str(a->error, b->error) &&
           a->physical_b == b->physical_b && a->logical_b == b->logical_b && a->ttl_s == b->ttl_s &&
           a->ntopics == b->ntopics && a->partitions == b->partitions && a->maxlag == b->maxlag &&
           a->newest_ms == b->newest_ms && a->x.tenant == b->x.tenant &&
           a->x.cadence_ms == b->x.cadence_ms && a->x.owner == b->x.owner;
}

bool mapr_topic_same(const struct mapr_topic *a, const struct mapr_topic *b)
{
    return same_str(a->stream, b->stream) && same_str(a->name, b->name) &&
           a->partitions == b->partitions && a->consumers == b->consumers &&
           a->physical_b == b->physical_b && a->logical_b == b->logical_b &&
           a->maxlag == b->maxlag && a->maxoffset == b->maxoffset && a->newest_ms == b->newest_ms &&
           a->tenant == b->tenant;
}

struct mapr_volume *mapr_volume_dup(const struct mapr_volume *v)
{
    struct mapr_volume *c = xmalloc(sizeof *c);

    *c = *v;
    c->row.uid = xstrdup(v->row.uid);
    c->name = xstrdup(v->name);
    c->mount = dup_or_null(v->mount);
    c->type = xstrdup(v->type);
    return c;
}

struct mapr_stream *mapr_stream_dup(const struct mapr_stream *s)
{
    struct mapr_stream *c = xmalloc(sizeof *c);

    *c = *s;
    c->row.uid = xstrdup(s->row.uid);
    c->path = xstrdup(s->path);
    c->error = dup_or_null(s->error);
    return c;
}

static struct mapr_alarm *alarm_from(const struct mapr_item *o)
{
    struct mapr_alarm *a;
    char *entity = str(o, "entity"), *name = str(o, "alarm name");

    if (entity == NULL || name == NULL || num(o, "alarm state", 1) == 0) {
        free(entity);
        free(name);
        return NULL; /* a cleared alarm is no longer active */
    }
    a = xcalloc(1, sizeof *a);
    a->entity = entity;
    a->name = name;
    a->row.uid = xasprintf("%s %s", entity, name);
    a->desc = str(o, "description");
    a->since_ms = time_member(o, "alarm statechange time");
    return a;
}

/* ---- the items of an answer ---------------------------------------------------------------- */

/* The fast path's check of a whole answer: an object whose status is "OK", whose data is an
 * array of flat objects and whose other members are plain values, with nothing after it.
 * True with *data at the data's '[' (NULL without data) and *count its objects. Anything else
 * is left to jansson, which also words the errors. */
static bool plain_answer(const char *p, const char *end, const char **data, size_t *count,
                         struct jsonflat *scratch)
{
    bool ok = false;

    *data = NULL;
    *count = 0;
    p = jsontext_ws(p, end);
    if (p >= end || *p != '{') {
        return false;
    }
    p = jsontext_ws(p + 1, end);
    while (p < end && *p == '"') {
        struct jsonflat_value key, v;

        p = jsonflat_value(p, end, &key);
        p = p != NULL ? jsontext_ws(p, end) : NULL;
        if (p == NULL || p >= end || *p != ':') {
            return false;
        }
        p = jsontext_ws(p + 1, end);
        if (key.len == 4 && memcmp(key.text, "data", 4) == 0) {
            if (*data != NULL || p >= end || *p != '[') {
                return false;
            }
            *data = p;
            for (p = jsontext_ws(p + 1, end); p < end && *p == '{'; ++*count) {
                p = jsonflat_object(p, end, scratch);
                p = p != NULL ? jsontext_ws(p, end) : NULL;
                if (p == NULL || p >= end || (*p != ',' && *p != ']')) {
                    return false;
                }
                if (*p == ',') {
                    p = jsontext_ws(p + 1, end);
                    if (p >= end || *p != '{') {
                        return false;
                    }
                }
            }
            if (p >= end || *p != ']') {
                return false;
            }
            p++;
        } else {
            p = jsonflat_value(p, end, &v);
            if (p == NULL) {
                return false;
            }
            if (key.len == 6 && memcmp(key.text, "status", 6) == 0) {
                ok = v.kind == JSONFLAT_STRING && v.len == 2 && memcmp(v.text, "OK", 2) == 0;
            }
        }
        p = jsontext_ws(p, end);
        if (p >= end || *p != ',') {
            break;
        }
        p = jsontext_ws(p + 1, end);
        if (p >= end || *p != '"') {
            return false;
        }
    }
    return ok && p < end && *p == '}' && jsontext_ws(p + 1, end) == end;
}

/* The items of an answer's data, one after the other: by the fast path when the whole text is
 * in the plain form, else from jansson's tree. */
struct mapr_iter {
    bool fast;
    size_t count; /* items in the data */
    size_t next;
    json_t *data;         /* jansson */
    const char *p, *end;  /* the fast path: at the '[' or the ',' before the next item */
    struct jsonflat f;
    struct mapr_item item;
};

/* False with *err (caller frees) when the answer is not a good one (mapr_envelope()); *fast
 * (when not NULL) says whether the fast path reads the items, false on an error. */
static bool iter_begin(struct mapr_iter *it, const char *body, size_t len, bool *fast,
                       char **err)
{
    memset(it, 0, sizeof *it);
    it->end = body + len;
    it->fast = plain_answer(body, it->end, &it->p, &it->count, &it->f);
    if (fast != NULL) {
        *fast = it->fast;
    }
    if (it->fast) {
        return true;
    }
    it->data = mapr_envelope(body, len, err);
    it->count = json_array_size(it->data);
    return it->data != NULL;
}

/* The next item, or NULL after the last. With jansson, an item need not be an object. */
static const struct mapr_item *iter_next(struct mapr_iter *it)
{
    if (it->next == it->count) {
        return NULL;
    }
    it->next++;
    if (!it->fast) {
        it->item = (struct mapr_item){json_array_get(it->data, it->next - 1), NULL};
        return &it->item;
    }
    /* plain_answer() has read this text already: it cannot fail here */
    it->p = jsonflat_object(jsontext_ws(it->p + 1, it->end), it->end, &it->f);
    it->p = jsontext_ws(it->p, it->end);
    it->item = (struct mapr_item){NULL, &it->f};
    return &it->item;
}

static void iter_end(struct mapr_iter *it)
{
    json_decref(it->data);
}

/* Loops over a list answer's items into rows made by `from`; *fastp (when not NULL) says
 * whether the fast path read them. */
#define MAPR_PARSE_LIST(type, fastp, from, ...)                                                    \
    do {                                                                                           \
        struct mapr_iter iter;                                                                     \
        const struct mapr_item *it;                                                                \
        type **rows;                                                                               \
                                                                                                   \
        *n = 0;                                                                                    \
        if (!iter_begin(&iter, body, len, (fastp), err)) {                                         \
            return NULL;                                                                           \
        }                                                                                          \
        rows = xcalloc(iter.count + 1, sizeof *rows);                                              \
        while ((it = iter_next(&iter)) != NULL) {                                                  \
            type *r = from(__VA_ARGS__);                                                           \
                                                                                                   \
            if (r != NULL) {                                                                       \
                rows[(*n)++] = r;                                                                  \
            }                                                                                      \
        }                                                                                          \
        iter_end(&iter);                                                                           \
        return rows;                                                                               \
    } while (0)

struct mapr_volume **mapr_parse_volumes(const char *body, size_t len, size_t *n, bool *fast,
                                        char **err)
{
    MAPR_PARSE_LIST(struct mapr_volume, fast, volume_from, it);
}

/* A MapR-DB table as a dataset row: its path is its name, uid and path; its size is the
 * table's physical size (MB, as mrconfig dbinfo reports a tablet's); no quota, replication,
 * snapshots or mirror of its own (those are its volume's). */
static struct mapr_volume *table_from(const struct mapr_item *o)
{
    struct mapr_volume *v;
    char *path = str(o, "path");

    if (path == NULL || path[0] != '/') {
        free(path);
        return NULL; /* a table is named by its path; without one it is no row */
    }
    v = xcalloc(1, sizeof *v);
    v->name = path;
    v->row.uid = xstrdup(path);
    v->mount = xstrdup(path);
    v->type = xstrdup("table");
    v->used_mb = num(o, "totalphysicalsize", -1);
    v->repl_desired = -1;
    v->repl_actual = -1;
    v->snapshots = -1;
    v->snap_newest_ms = -1;
    v->mirror_pct = -1;
    v->mirror_last_ms = -1;
    v->newest_ms = -1;
    return v;
}

struct mapr_volume **mapr_parse_tables(const char *body, size_t len, size_t *n, bool *fast,
                                       char **err)
{
    MAPR_PARSE_LIST(struct mapr_volume, fast, table_from, it);
}

bool mapr_is_table(const struct mapr_volume *v)
{
    return v->row.uid[0] == '/';
}

struct mapr_alarm **mapr_parse_alarms(const char *body, size_t len, size_t *n, char **err)
{
    MAPR_PARSE_LIST(struct mapr_alarm, NULL, alarm_from, it);
}

static struct mapr_topic *topic_from(const char *path, const struct mapr_item *o)
{
    struct mapr_topic *t;
    char *name = str(o, "topic");

    if (name == NULL || *name == '\0') {
        free(name);
        return NULL;
    }
    t = xcalloc(1, sizeof *t);
    t->name = name;
    t->stream = sanitize_dup(path);
    t->row.uid = xasprintf("%s:%s", t->stream, name);
    t->partitions = (int)num(o, "partitions", -1);
    t->consumers = (int)num(o, "consumers", -1);
    t->physical_b = num(o, "physicalsize", -1);
    t->logical_b = num(o, "logicalsize", -1);
    t->maxlag = num(o, "maxlag", -1);
    t->maxoffset = -1;
    t->newest_ms = -1;
    return t;
}

struct mapr_topic **mapr_parse_topics(const char *path, const char *body, size_t len, size_t *n,
                                      char **err)
{
    MAPR_PARSE_LIST(struct mapr_topic, NULL, topic_from, path, it);
}

int mapr_parse_topic_info(const char *body, size_t len, struct mapr_topic *t, char **err)
{
    struct mapr_iter iter;
    const struct mapr_item *p;

    if (!iter_begin(&iter, body, len, NULL, err)) {
        return -1;
    }
    t->newest_ms = -1;
    t->maxoffset = -1;
    while ((p = iter_next(&iter)) != NULL) {
        int64_t ts = time_member(p, "maxtimestamp");
        int64_t off = num(p, "maxoffset", -1);

        /* an empty partition says maxoffset -1 and the epoch as its time */
        if (off >= 0 && ts > t->newest_ms) {
            t->newest_ms = ts;
        }
        if (off > t->maxoffset) {
            t->maxoffset = off;
        }
    }
    iter_end(&iter);
    return 0;
}

struct mapr_stream *mapr_parse_stream_info(const char *path, const char *body, size_t len,
                                           char **err)
{
    struct mapr_iter iter;
    const struct mapr_item *o;
    struct mapr_stream *s;

    if (!iter_begin(&iter, body, len, NULL, err)) {
        return NULL;
    }
    o = iter_next(&iter);
    if (o == NULL || (o->f == NULL && !json_is_object(o->o))) {
        *err = xstrdup("MapR: no stream in the answer");
        iter_end(&iter);
        return NULL;
    }
    s = xcalloc(1, sizeof *s);
    s->path = sanitize_dup(path);
    s->row.uid = xstrdup(s->path);
    s->physical_b = num(o, "physicalsize", -1);
    s->logical_b = num(o, "logicalsize", -1);
    s->ttl_s = num(o, "ttl", -1);
    s->ntopics = (int)num(o, "numtopics", -1);
    s->partitions = -1;
    s->maxlag = -1;
    s->newest_ms = -1;
    iter_end(&iter);
    return s;
}

static int snapshot_sum_cmp(const void *a, const void *b)
{
    return strcmp(((const struct mapr_snapshot_sum *)a)->volume,
                  ((const struct mapr_snapshot_sum *)b)->volume);
}

struct mapr_snapshot_sum *mapr_parse_snapshots(const char *body, size_t len, size_t *n, bool *fast,
                                               char **err)
{
    struct mapr_iter iter;
    const struct mapr_item *o;
    struct mapr_snapshot_sum *sums;
    const char *prev = NULL;
    size_t prev_len = 0, k = 0;

    *n = 0;
    if (!iter_begin(&iter, body, len, fast, err)) {
        return NULL;
    }
    sums = xcalloc(iter.count + 1, sizeof *sums);
    while ((o = iter_next(&iter)) != NULL) {
        size_t vlen;
        const char *vol = raw_str(o, "volumename", &vlen);
        int64_t t = time_member(o, "creationtime");

        if (vol == NULL) {
            continue;
        }
        /* snapshot lists come grouped by volume: a volume's run is one entry; one that comes
         * back later is merged below */
        if (prev == NULL || vlen != prev_len || memcmp(vol, prev, vlen) != 0) {
            sums[(*n)++] = (struct mapr_snapshot_sum){sanitize_ndup(vol, vlen), 0, -1};
            prev = vol;
            prev_len = vlen;
        }
        sums[*n - 1].count++;
        if (t > sums[*n - 1].newest_ms) {
            sums[*n - 1].newest_ms = t;
        }
    }
    iter_end(&iter);
    /* sorted by volume for mapr_snapshot_find(), one entry a volume */
    qsort(sums, *n, sizeof *sums, snapshot_sum_cmp);
    for (size_t i = 0; i < *n; i++) {
        if (k > 0 && strcmp(sums[k - 1].volume, sums[i].volume) == 0) {
            sums[k - 1].count += sums[i].count;
            if (sums[i].newest_ms > sums[k - 1].newest_ms) {
                sums[k - 1].newest_ms = sums[i].newest_ms;
            }
            free(sums[i].volume);
        } else {
            sums[k++] = sums[i];
        }
    }
    *n = k;
    return sums;
}

const struct mapr_snapshot_sum *mapr_snapshot_find(const struct mapr_snapshot_sum *s, size_t n,
                                                   const char *volume)
{
    struct mapr_snapshot_sum key = {(char *)volume, 0, -1};

    return s != NULL ? bsearch(&key, s, n, sizeof *s, snapshot_sum_cmp) : NULL;
}

void mapr_snapshot_sums_free(struct mapr_snapshot_sum *s, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        free(s[i].volume);
    }
    free(s);
}

int64_t mapr_parse_filestatus(const char *body, size_t len, char **err)
{
    json_t *root = jsonflat_load(body, len, 0, NULL);
    json_t *fs = json_object_get(root, "FileStatus");
    json_t *mt = json_object_get(fs, "modificationTime");
    int64_t t = json_is_integer(mt) ? (int64_t)json_integer_value(mt) : -1;

    if (t < 0) {
        const char *msg =
            json_string_value(json_object_get(json_object_get(root, "RemoteException"), "message"));
        char *clean = msg != NULL ? sanitize_dup(msg) : NULL;

        *err = clean != NULL
                   ? xasprintf("HttpFS: %s", clean)
                   : xstrdup(is_html(body, len) ? "HttpFS: an HTML page" : "HttpFS: no FileStatus");
        free(clean);
    }
    json_decref(root);
    return t;
}

/* ---- freshness ---------------------------------------------------------------------------- */

int64_t mapr_fresh_grace_ms(int64_t cadence_ms)
{
    int64_t g = cadence_ms / 4;

    return g < 30000 ? 30000 : g;
}

enum mapr_fresh mapr_fresh_verdict(int64_t cadence_ms, int64_t newest_ms, int64_t now_ms)
{
    int64_t age;

    if (cadence_ms <= 0) {
        return MAPR_FRESH_NONE;
    }
    if (newest_ms < 0) {
        return MAPR_FRESH_UNKNOWN;
    }
    age = now_ms - newest_ms;
    if (age <= cadence_ms) {
        return MAPR_FRESH_OK;
    }
    return age <= cadence_ms + mapr_fresh_grace_ms(cadence_ms) ? MAPR_FRESH_LATE
                                                               : MAPR_FRESH_OVERDUE;
}
