/* govsim's ServiceNow tables: records, queries, rendering, writes, and the world's seed. */
#define _GNU_SOURCE /* strcasestr, qsort_r */
#include "sim/servicenow/sn_table.h"

#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sim/sim_util.h"
#include "sim/world.h"

#define SN_JSON "application/json;charset=UTF-8"
#define SN_TIME "%Y-%m-%d %H:%M:%S"
#define SN_MAX_TROUBLED 4000

/* A reference field and the table it points into. */
struct sn_ref {
    const char *field;
    const char *table;
};

enum sn_tab_id {
    TAB_INCIDENT,
    TAB_CHANGE,
    TAB_JOURNAL,
    TAB_USER,
    TAB_GROUP,
    TAB_COMPANY,
    TAB_CI,
    TAB_COUNT
};

static const struct sn_ref task_refs[] = {
    {"company", "core_company"},     {"assignment_group", "sys_user_group"},
    {"assigned_to", "sys_user"},     {"cmdb_ci", "cmdb_ci_service"},
    {"caller_id", "sys_user"},       {"opened_by", "sys_user"},
    {"resolved_by", "sys_user"},     {"requested_by", "sys_user"},
    {NULL, NULL},
};
static const struct sn_ref ci_refs[] = {{"company", "core_company"}, {NULL, NULL}};
static const struct sn_ref user_refs[] = {{"company", "core_company"}, {NULL, NULL}};
static const struct sn_ref no_refs[] = {{NULL, NULL}};

struct sn_tab_def {
    const char *name;
    const char *display; /* the field that is a record's display value */
    const struct sn_ref *refs;
    bool writable;       /* POST and PATCH allowed */
};

static const struct sn_tab_def tab_defs[TAB_COUNT] = {
    [TAB_INCIDENT] = {"incident", "number", task_refs, true},
    [TAB_CHANGE] = {"change_request", "number", task_refs, true},
    [TAB_JOURNAL] = {"sys_journal_field", "value", no_refs, false},
    [TAB_USER] = {"sys_user", "name", user_refs, false},
    [TAB_GROUP] = {"sys_user_group", "name", no_refs, false},
    [TAB_COMPANY] = {"core_company", "name", no_refs, false},
    [TAB_CI] = {"cmdb_ci_service", "name", ci_refs, false},
};

/* Choice labels (the base system's). */
struct sn_choice {
    const char *field, *value, *label;
    bool change; /* change_request's, else incident's (and any other table's) */
};

static const struct sn_choice choices[] = {
    {"state", "1", "New", false},          {"state", "2", "In Progress", false},
    {"state", "3", "On Hold", false},      {"state", "6", "Resolved", false},
    {"state", "7", "Closed", false},       {"state", "8", "Canceled", false},
    {"state", "-5", "New", true},          {"state", "-4", "Assess", true},
    {"state", "-3", "Authorize", true},    {"state", "-2", "Scheduled", true},
    {"state", "-1", "Implement", true},    {"state", "0", "Review", true},
    {"state", "3", "Closed", true},        {"state", "4", "Canceled", true},
    {"priority", "1", "1 - Critical", false}, {"priority", "2", "2 - High", false},
    {"priority", "3", "3 - Moderate", false}, {"priority", "4", "4 - Low", false},
    {"priority", "5", "5 - Planning", false}, {"impact", "1", "1 - High", false},
    {"impact", "2", "2 - Medium", false},  {"impact", "3", "3 - Low", false},
    {"urgency", "1", "1 - High", false},   {"urgency", "2", "2 - Medium", false},
    {"urgency", "3", "3 - Low", false},    {"risk", "2", "High", true},
    {"risk", "3", "Moderate", true},       {"risk", "4", "Low", true},
    {"type", "normal", "Normal", true},    {"type", "standard", "Standard", true},
    {"type", "emergency", "Emergency", true},
};

struct sn_token {
    char access[40], refresh[40];
    int64_t expires;
};

struct sn_db {
    pthread_mutex_t lock;
    struct sn_token *tokens;
    size_t ntokens;
    json_t *rows[TAB_COUNT]; /* arrays of records: every value a string (internal) */
    bool seeded;
    unsigned next_inc, next_chg;
    uint64_t next_id;
};

/* ---- records ------------------------------------------------------------------------------ */

static int sn_tab_find(const char *name)
{
    for (int i = 0; i < TAB_COUNT; i++) {
        if (strcmp(tab_defs[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

bool sn_db_serves(const char *table)
{
    int t = sn_tab_find(table);

    return t >= 0 && t != TAB_USER; /* sys_user: servicenow.c */
}

static const char *sn_get(json_t *rec, const char *field)
{
    const char *v = json_string_value(json_object_get(rec, field));

    return v != NULL ? v : "";
}

static void sn_set(json_t *rec, const char *field, const char *value)
{
    json_object_set_new(rec, field, json_string(value != NULL ? value : ""));
}

/* The table a reference field of `tab` points into, -1 when it is no reference. */
static int sn_ref_target(int tab, const char *field)
{
    for (const struct sn_ref *r = tab_defs[tab].refs; r->field != NULL; r++) {
        if (strcmp(r->field, field) == 0) {
            return sn_tab_find(r->table);
        }
    }
    return -1;
}

static json_t *sn_find(struct sn_db *db, int tab, const char *sys_id)
{
    size_t i;
    json_t *rec;

    json_array_foreach (db->rows[tab], i, rec) {
        if (strcmp(sn_get(rec, "sys_id"), sys_id) == 0) {
            return rec;
        }
    }
    return NULL;
}

/* The choice of a field of `tab` whose value (or, by_label, whose label) is `text`. */
static const struct sn_choice *sn_choice_find(int tab, const char *field, const char *text,
                                              bool by_label)
{
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
        if (choices[i].change == (tab == TAB_CHANGE) && strcmp(choices[i].field, field) == 0 &&
            strcmp(by_label ? choices[i].label : choices[i].value, text) == 0) {
            return &choices[i];
        }
    }
    return NULL;
}

static const char *sn_choice_label(int tab, const char *field, const char *value)
{
    const struct sn_choice *c = sn_choice_find(tab, field, value, false);

    return c != NULL ? c->label : NULL;
}

/* A field of a record, dot-walked through references ("company.name"): its internal value,
 * its display value, and the table it references (-1 none). False when a reference on the
 * way is empty or dangling. */
static bool sn_resolve(struct sn_db *db, int tab, json_t *rec, const char *path,
                       const char **value, const char **display, int *target)
{
    const char *dot = strchr(path, '.');
    char head[64];

    if (dot != NULL) {
        int t;
        json_t *next;

        snprintf(head, sizeof head, "%.*s", (int)(dot - path), path);
        t = sn_ref_target(tab, head);
        next = t >= 0 ? sn_find(db, t, sn_get(rec, head)) : NULL;
        if (next == NULL) {
            *value = *display = "";
            *target = -1;
            return false;
        }
        return sn_resolve(db, t, next, dot + 1, value, display, target);
    }
    *value = sn_get(rec, path);
    *target = sn_ref_target(tab, path);
    *display = *value;
    if (*target >= 0) {
        json_t *r = (*value)[0] != '\0' ? sn_find(db, *target, *value) : NULL;

        *display = r != NULL ? sn_get(r, tab_defs[*target].display) : "";
    } else {
        const char *label = sn_choice_label(tab, path, *value);

        if (label != NULL) {
            *display = label;
        }
    }
    return true;
}

/* The value of a choice written as its label ("1 - High" for impact 1), else `v` itself. */
static const char *sn_choice_value(int tab, const char *field, const char *v)
{
    const struct sn_choice *c = sn_choice_find(tab, field, v, true);

    return c != NULL ? c->value : v;
}

/* ---- rendering ---------------------------------------------------------------------------- */

enum sn_dv { DV_FALSE, DV_TRUE, DV_ALL };

struct sn_render {
    enum sn_dv dv;
    bool no_link;
    const char *fields; /* sysparm_fields, NULL: every field */
    unsigned port;
};

static json_t *sn_render_field(struct sn_db *db, int tab, json_t *rec, const char *path,
                               const struct sn_render *o)
{
    const char *value, *display;
    int target;
    json_t *out;
    char link[200];

    sn_resolve(db, tab, rec, path, &value, &display, &target);
    link[0] = '\0';
    if (target >= 0 && value[0] != '\0' && !o->no_link) {
        snprintf(link, sizeof link, "http://127.0.0.1:%u/api/now/table/%s/%s", o->port,
                 tab_defs[target].name, value);
    }
    if (o->dv == DV_TRUE) {
        out = link[0] != '\0' ? json_pack("{s:s,s:s}", "display_value", display, "link", link)
                              : json_string(display);
    } else if (o->dv == DV_ALL) {
        out = json_pack("{s:s,s:s}", "display_value", display, "value", value);
        if (link[0] != '\0') {
            json_object_set_new(out, "link", json_string(link));
        }
    } else {
        out = link[0] != '\0' ? json_pack("{s:s,s:s}", "link", link, "value", value)
                              : json_string(value);
    }
    return out;
}

static json_t *sn_render(struct sn_db *db, int tab, json_t *rec, const struct sn_render *o)
{
    json_t *out = json_object();

    if (o->fields != NULL && o->fields[0] != '\0') {
        char *copy = sim_xstrdup(o->fields), *save = NULL;

        for (char *f = strtok_r(copy, ",", &save); f != NULL; f = strtok_r(NULL, ",", &save)) {
            while (*f == ' ') {
                f++;
            }
            if (*f != '\0' && (strchr(f, '.') != NULL || json_object_get(rec, f) != NULL)) {
                json_object_set_new(out, f, sn_render_field(db, tab, rec, f, o));
            }
        }
        free(copy);
        return out;
    }
    const char *key;
    json_t *v;
    json_object_foreach (rec, key, v) {
        json_object_set_new(out, key, sn_render_field(db, tab, rec, key, o));
    }
    return out;
}

/* ---- encoded queries ---------------------------------------------------------------------- */

enum sn_op {
    OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE, OP_IN, OP_NOT_IN, OP_LIKE, OP_NOT_LIKE,
    OP_STARTS, OP_ENDS, OP_EMPTY, OP_NOT_EMPTY, OP_BAD
};

static const struct {
    const char *text;
    enum sn_op op;
} ops[] = {
    {"ISNOTEMPTY", OP_NOT_EMPTY}, {"ISEMPTY", OP_EMPTY}, {"NOT IN", OP_NOT_IN},
    {"NOT LIKE", OP_NOT_LIKE},    {"STARTSWITH", OP_STARTS}, {"ENDSWITH", OP_ENDS},
    {"LIKE", OP_LIKE},            {"IN", OP_IN},         {"!=", OP_NE},
    {">=", OP_GE},                {"<=", OP_LE},         {"=", OP_EQ},
    {">", OP_GT},                 {"<", OP_LT},
};

struct sn_term {
    char field[96];
    enum sn_op op;
    const char *value; /* into the query's copy */
    bool or_prev;      /* joined to the term before by ^OR */
    bool new_query;    /* starts a new query (^NQ) */
};

struct sn_order {
    char field[96];
    bool desc;
};

struct sn_query {
    char *copy;
    struct sn_term *terms;
    size_t nterms;
    struct sn_order orders[8];
    size_t norders;
};

static void sn_query_term(struct sn_query *q, char *tok, bool or_prev, bool nq)
{
    struct sn_term *t;
    size_t n = 0;

    /* field names are lower case: the operator (upper case or a sign) follows */
    while (islower((unsigned char)tok[n]) || isdigit((unsigned char)tok[n]) || tok[n] == '_' ||
           tok[n] == '.') {
        n++;
    }
    q->terms = sim_xrealloc(q->terms, (q->nterms + 1) * sizeof *q->terms);
    t = &q->terms[q->nterms++];
    memset(t, 0, sizeof *t);
    snprintf(t->field, sizeof t->field, "%.*s", (int)n, tok);
    t->op = OP_BAD;
    t->value = "";
    t->or_prev = or_prev;
    t->new_query = nq;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t len = strlen(ops[i].text);

        if (strncmp(tok + n, ops[i].text, len) == 0) {
            t->op = ops[i].op;
            t->value = tok + n + len;
            return;
        }
    }
}

static void sn_query_parse(struct sn_query *q, const char *text)
{
    char *save = NULL;

    memset(q, 0, sizeof *q);
    q->copy = sim_xstrdup(text != NULL ? text : "");
    for (char *tok = strtok_r(q->copy, "^", &save); tok != NULL; tok = strtok_r(NULL, "^", &save)) {
        if (strncmp(tok, "ORDERBYDESC", 11) == 0 || strncmp(tok, "ORDERBY", 7) == 0) {
            bool desc = strncmp(tok, "ORDERBYDESC", 11) == 0;

            if (q->norders < sizeof q->orders / sizeof q->orders[0]) {
                snprintf(q->orders[q->norders].field, sizeof q->orders[0].field, "%s",
                         tok + (desc ? 11 : 7));
                q->orders[q->norders++].desc = desc;
            }
        } else if (strcmp(tok, "EQ") == 0) {
            continue;
        } else if (strncmp(tok, "NQ", 2) == 0) {
            sn_query_term(q, tok + 2, false, true);
        } else if (strncmp(tok, "OR", 2) == 0 && q->nterms > 0) {
            sn_query_term(q, tok + 2, true, false);
        } else {
            sn_query_term(q, tok, false, false);
        }
    }
}

static void sn_query_fini(struct sn_query *q)
{
    free(q->terms);
    free(q->copy);
}

/* Compares numbers as numbers, anything else (dates in the instance's format) as text. */
static int sn_compare(const char *a, const char *b)
{
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);

    if (a[0] != '\0' && b[0] != '\0' && *ea == '\0' && *eb == '\0') {
        return (x > y) - (x < y);
    }
    return strcmp(a, b);
}

static bool sn_in_list(const char *list, const char *v)
{
    size_t n = strlen(v);

    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

        if (len == n && strncmp(p, v, n) == 0) {
            return true;
        }
        if (comma == NULL) {
            return false;
        }
        p = comma + 1;
    }
}

static bool sn_term_match(struct sn_db *db, int tab, json_t *rec, const struct sn_term *t)
{
    const char *v, *display;
    int target;
    size_t n, m;

    if (t->field[0] == '\0' || t->op == OP_BAD) {
        return false;
    }
    sn_resolve(db, tab, rec, t->field, &v, &display, &target);
    n = strlen(v);
    m = strlen(t->value);
    switch (t->op) {
    case OP_EQ:
        return strcmp(v, t->value) == 0;
    case OP_NE:
        return strcmp(v, t->value) != 0;
    case OP_GT:
        return v[0] != '\0' && sn_compare(v, t->value) > 0;
    case OP_GE:
        return v[0] != '\0' && sn_compare(v, t->value) >= 0;
    case OP_LT:
        return v[0] != '\0' && sn_compare(v, t->value) < 0;
    case OP_LE:
        return v[0] != '\0' && sn_compare(v, t->value) <= 0;
    case OP_IN:
        return sn_in_list(t->value, v);
    case OP_NOT_IN:
        return !sn_in_list(t->value, v);
    case OP_LIKE:
        return strcasestr(v, t->value) != NULL;
    case OP_NOT_LIKE:
        return strcasestr(v, t->value) == NULL;
    case OP_STARTS:
        return strncasecmp(v, t->value, m) == 0;
    case OP_ENDS:
        return n >= m && strcasecmp(v + n - m, t->value) == 0;
    case OP_EMPTY:
        return v[0] == '\0';
    case OP_NOT_EMPTY:
        return v[0] != '\0';
    case OP_BAD:
        break;
    }
    return false;
}

/* ^OR binds before ^ (a^b^ORc is a AND (b OR c)); ^NQ ORs whole queries. */
static bool sn_query_match(struct sn_db *db, int tab, json_t *rec, const struct sn_query *q)
{
    bool any_query = false, query_ok = true, group_ok = false;

    if (q->nterms == 0) {
        return true;
    }
    for (size_t i = 0; i < q->nterms; i++) {
        const struct sn_term *t = &q->terms[i];

        if (t->new_query) {
            any_query = any_query || (query_ok && group_ok);
            query_ok = true;
            group_ok = false;
        } else if (!t->or_prev && i > 0) {
            query_ok = query_ok && group_ok;
            group_ok = false;
        }
        group_ok = group_ok || sn_term_match(db, tab, rec, t);
    }
    return any_query || (query_ok && group_ok);
}

struct sn_sort_ctx {
    struct sn_db *db;
    int tab;
    const struct sn_query *q;
};

static int sn_sort_cmp(const void *pa, const void *pb, void *arg)
{
    const struct sn_sort_ctx *c = arg;
    json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;

    for (size_t i = 0; i < c->q->norders; i++) {
        const char *va, *vb, *d;
        int t, r;

        sn_resolve(c->db, c->tab, a, c->q->orders[i].field, &va, &d, &t);
        sn_resolve(c->db, c->tab, b, c->q->orders[i].field, &vb, &d, &t);
        r = sn_compare(va, vb);
        if (r != 0) {
            return c->q->orders[i].desc ? -r : r;
        }
    }
    return 0;
}

/* ---- answers ------------------------------------------------------------------------------ */

static enum MHD_Result sn_fail(const struct router_request *req, unsigned status,
                               const char *message, const char *detail)
{
    json_t *doc = json_pack("{s:{s:s,s:s?},s:s}", "error", "message", message, "detail", detail,
                            "status", "failure");

    return router_queue_json_as(req->conn, status, SN_JSON, doc, JSON_COMPACT, NULL);
}

static void sn_render_opts(const struct router_request *req, struct sn_render *o)
{
    const char *dv = router_arg(req->conn, "sysparm_display_value");

    o->dv = dv == NULL ? DV_FALSE : strcmp(dv, "all") == 0 ? DV_ALL
                                 : strcmp(dv, "true") == 0 ? DV_TRUE
                                                           : DV_FALSE;
    o->no_link = router_arg_true(req->conn, "sysparm_exclude_reference_link");
    o->fields = router_arg(req->conn, "sysparm_fields");
    o->port = router_port(req->router);
}

/* Percent-encodes s onto out. */
static void sn_escape_cat(char *out, size_t size, const char *s)
{
    size_t n = strlen(out);

    for (; *s != '\0' && n + 4 < size; s++) {
        unsigned char c = (unsigned char)*s;

        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',') {
            out[n++] = (char)c;
        } else {
            n += (size_t)snprintf(out + n, size - n, "%%%02X", c);
        }
    }
    out[n] = '\0';
}

/* One Link header entry: the same request at another offset. */
static void sn_link(const struct router_request *req, const char *table, long long offset,
                    long long limit, const char *rel, char *out, size_t size)
{
    static const char *const keep[] = {"sysparm_query", "sysparm_fields", "sysparm_display_value",
                                       "sysparm_exclude_reference_link", NULL};
    char url[2048];

    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/now/table/%s?", router_port(req->router),
             table);
    for (size_t i = 0; keep[i] != NULL; i++) {
        const char *v = router_arg(req->conn, keep[i]);

        if (v != NULL) {
            snprintf(url + strlen(url), sizeof url - strlen(url), "%s=", keep[i]);
            sn_escape_cat(url, sizeof url, v);
            snprintf(url + strlen(url), sizeof url - strlen(url), "&");
        }
    }
    snprintf(out + strlen(out), size - strlen(out), "%s<%ssysparm_offset=%lld&sysparm_limit=%lld>;rel=\"%s\"",
             out[0] != '\0' ? "," : "", url, offset, limit, rel);
}

static long long sn_count_arg(const struct router_request *req, const char *key, long long def)
{
    const char *v = router_arg(req->conn, key);
    char *end;
    long long n;

    if (v == NULL || v[0] == '\0') {
        return def;
    }
    n = strtoll(v, &end, 10);
    return *end != '\0' || n < 0 ? -1 : n;
}

static enum MHD_Result sn_list(struct sn_db *db, const struct router_request *req, int tab)
{
    struct sn_query q;
    struct sn_render o;
    long long limit = sn_count_arg(req, "sysparm_limit", 10000);
    long long offset = sn_count_arg(req, "sysparm_offset", 0);
    size_t n = json_array_size(db->rows[tab]), nm = 0, i;
    json_t **match, *rec, *result;
    char count[24], links[8192];

    if (limit < 0 || offset < 0) {
        return sn_fail(req, 400, "Invalid request",
                       "sysparm_limit and sysparm_offset must be non-negative integers");
    }
    sn_query_parse(&q, router_arg(req->conn, "sysparm_query"));
    sn_render_opts(req, &o);
    match = sim_xcalloc(n + 1, sizeof *match);
    json_array_foreach (db->rows[tab], i, rec) {
        if (sn_query_match(db, tab, rec, &q)) {
            match[nm++] = rec;
        }
    }
    if (q.norders > 0) {
        struct sn_sort_ctx c = {db, tab, &q};

        qsort_r(match, nm, sizeof *match, sn_sort_cmp, &c);
    }
    result = json_array();
    for (i = (size_t)offset; i < nm && (long long)(i - (size_t)offset) < limit; i++) {
        json_array_append_new(result, sn_render(db, tab, match[i], &o));
    }
    snprintf(count, sizeof count, "%zu", nm);
    links[0] = '\0';
    if (limit > 0) {
        long long last = nm == 0 ? 0 : ((long long)(nm - 1) / limit) * limit;

        sn_link(req, tab_defs[tab].name, 0, limit, "first", links, sizeof links);
        if (offset > 0) {
            sn_link(req, tab_defs[tab].name, offset > limit ? offset - limit : 0, limit, "prev",
                    links, sizeof links);
        }
        if (offset + limit < (long long)nm) {
            sn_link(req, tab_defs[tab].name, offset + limit, limit, "next", links, sizeof links);
        }
        sn_link(req, tab_defs[tab].name, last, limit, "last", links, sizeof links);
    }
    free(match);
    sn_query_fini(&q);
    const char *const headers[] = {"X-Total-Count", count, "Link", links, NULL};
    return router_queue_json_as(req->conn, 200, SN_JSON, json_pack("{s:o}", "result", result),
                                JSON_COMPACT, headers);
}

static enum MHD_Result sn_one(struct sn_db *db, const struct router_request *req, int tab,
                              json_t *rec, unsigned status)
{
    struct sn_render o;
    char location[200];

    sn_render_opts(req, &o);
    snprintf(location, sizeof location, "http://127.0.0.1:%u/api/now/table/%s/%s",
             router_port(req->router), tab_defs[tab].name, sn_get(rec, "sys_id"));
    const char *const headers[] = {"Location", location, NULL};
    return router_queue_json_as(req->conn, status, SN_JSON,
                                json_pack("{s:o}", "result", sn_render(db, tab, rec, &o)),
                                JSON_COMPACT, status == 201 ? headers : NULL);
}

/* ---- writes ------------------------------------------------------------------------------- */

static void sn_now(char out[20])
{
    sim_format_utc(sim_now(), SN_TIME, out, 20);
}

static void sn_new_id(struct sn_db *db, const char *key, char out[33])
{
    uint64_t a = sim_hash64(key, strlen(key), ++db->next_id);
    uint64_t b = sim_hash64(key, strlen(key), db->next_id ^ 0x9e3779b97f4a7c15ULL);

    snprintf(out, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

static json_t *sn_add(struct sn_db *db, int tab, const char *key)
{
    json_t *rec = json_object();
    char id[33];

    sn_new_id(db, key, id);
    sn_set(rec, "sys_id", id);
    json_array_append_new(db->rows[tab], rec);
    return rec;
}

static void sn_journal(struct sn_db *db, json_t *rec, int tab, const char *element,
                       const char *value, const char *user, const char *when)
{
    json_t *j = sn_add(db, TAB_JOURNAL, value);

    sn_set(j, "element", element);
    sn_set(j, "element_id", sn_get(rec, "sys_id"));
    sn_set(j, "name", tab_defs[tab].name);
    sn_set(j, "value", value);
    sn_set(j, "sys_created_by", user);
    sn_set(j, "sys_created_on", when);
}

/* The incident's priority from impact and urgency (the base system's lookup). */
static void sn_priority(json_t *rec)
{
    int impact = atoi(sn_get(rec, "impact")), urgency = atoi(sn_get(rec, "urgency"));
    char p[4];

    if (impact < 1 || impact > 3) {
        impact = 3;
    }
    if (urgency < 1 || urgency > 3) {
        urgency = 3;
    }
    snprintf(p, sizeof p, "%d", (impact + urgency - 1) % 10);
    sn_set(rec, "priority", p);
}

/* A reference written as a sys_id or as the target's display value (a user also by
 * user_name): the sys_id, "" when it matches nothing. */
static const char *sn_ref_value(struct sn_db *db, int target, const char *v)
{
    size_t i;
    json_t *r;

    if (v[0] == '\0') {
        return "";
    }
    json_array_foreach (db->rows[target], i, r) {
        if (strcmp(sn_get(r, "sys_id"), v) == 0 ||
            strcmp(sn_get(r, tab_defs[target].display), v) == 0 ||
            (target == TAB_USER && strcmp(sn_get(r, "user_name"), v) == 0)) {
            return sn_get(r, "sys_id");
        }
    }
    return "";
}

static bool sn_state_allowed(int tab, const char *from, const char *to)
{
    static const char *const inc_open[] = {"1", "2", "3", "6", "8", NULL};
    static const char *const inc_resolved[] = {"2", "6", "7", NULL};
    const char *const *ok = NULL;

    if (strcmp(from, to) == 0) {
        return true;
    }
    if (tab != TAB_INCIDENT) {
        return strcmp(from, "3") != 0 && strcmp(from, "4") != 0; /* closed or canceled */
    }
    if (strcmp(from, "1") == 0 || strcmp(from, "2") == 0 || strcmp(from, "3") == 0) {
        ok = inc_open;
    } else if (strcmp(from, "6") == 0) {
        ok = inc_resolved;
    }
    for (size_t i = 0; ok != NULL && ok[i] != NULL; i++) {
        if (strcmp(ok[i], to) == 0) {
            return true;
        }
    }
    return false;
}

/* Applies the body's fields to rec (a copy when updating); the journal fields are returned in
 * *notes and *comments (borrowed from body). */
static void sn_apply(struct sn_db *db, int tab, json_t *rec, json_t *body, const char **notes,
                     const char **comments)
{
    const char *key;
    json_t *v;

    json_object_foreach (body, key, v) {
        char num[32];
        const char *s = json_string_value(v);
        int target;

        if (json_is_object(v)) {
            s = json_string_value(json_object_get(v, "value"));
        } else if (json_is_integer(v)) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            s = num;
        } else if (json_is_boolean(v)) {
            s = json_is_true(v) ? "true" : "false";
        }
        if (s == NULL || strncmp(key, "sys_", 4) == 0 || strcmp(key, "number") == 0) {
            continue;
        }
        if (strcmp(key, "work_notes") == 0) {
            *notes = s;
            continue;
        }
        if (strcmp(key, "comments") == 0) {
            *comments = s;
            continue;
        }
        target = sn_ref_target(tab, key);
        sn_set(rec, key, target >= 0 ? sn_ref_value(db, target, s) : sn_choice_value(tab, key, s));
    }
}

/* The business rules after a change: priority, state effects, the mandatory fields. NULL when
 * the record may be saved, else the data policy's message. */
static const char *sn_rules(int tab, json_t *rec, const char *old_state, const char *user,
                            const char *now)
{
    const char *state = sn_get(rec, "state");

    if (sn_get(rec, "short_description")[0] == '\0') {
        return "Data Policy Exception: The following fields are mandatory: Short description";
    }
    if (tab != TAB_INCIDENT) {
        return NULL;
    }
    sn_priority(rec);
    if (strcmp(state, "6") == 0 && strcmp(old_state, "6") != 0) {
        if (sn_get(rec, "close_code")[0] == '\0' || sn_get(rec, "close_notes")[0] == '\0') {
            return "Data Policy Exception: The following fields are mandatory: Resolution code, "
                   "Resolution notes";
        }
        sn_set(rec, "resolved_at", now);
        sn_set(rec, "resolved_by", user);
    }
    if (strcmp(state, "7") == 0 || strcmp(state, "8") == 0) {
        sn_set(rec, "active", "false");
        sn_set(rec, "closed_at", now);
    }
    return NULL;
}

/* The user's sys_id, "" when the user is not one of the instance's. */
static const char *sn_user_id(struct sn_db *db, const char *user)
{
    return sn_ref_value(db, TAB_USER, user);
}

static void sn_stamp(json_t *rec, const char *user, const char *now)
{
    char count[16];

    snprintf(count, sizeof count, "%d", atoi(sn_get(rec, "sys_mod_count")) + 1);
    sn_set(rec, "sys_mod_count", count);
    sn_set(rec, "sys_updated_on", now);
    sn_set(rec, "sys_updated_by", user);
}

static enum MHD_Result sn_write(struct sn_db *db, const struct router_request *req, int tab,
                                json_t *rec, const char *user)
{
    json_error_t jerr;
    json_t *body = json_loadb(req->body, req->body_len, 0, &jerr), *work;
    const char *notes = NULL, *comments = NULL, *why;
    char now[20], old_state[8];
    bool create = rec == NULL;
    enum MHD_Result ret;

    if (!json_is_object(body)) {
        json_decref(body);
        return sn_fail(req, 400, "Exception while reading request",
                       "The payload is not valid JSON.");
    }
    if (!tab_defs[tab].writable) {
        json_decref(body);
        return sn_fail(req, 403, "User Not Authorized",
                       "ACL Exception Insert Failed due to security constraints");
    }
    sn_now(now);
    if (create) {
        work = json_object();
        sn_set(work, "state", tab == TAB_INCIDENT ? "1" : "-5");
        sn_set(work, "impact", "3");
        sn_set(work, "urgency", "3");
        sn_set(work, "active", "true");
        sn_set(work, "opened_at", now);
        sn_set(work, "opened_by", sn_user_id(db, user));
        sn_set(work, "caller_id", sn_user_id(db, user));
        sn_set(work, "sys_created_on", now);
        sn_set(work, "sys_created_by", user);
        sn_set(work, "sys_mod_count", "-1");
        snprintf(old_state, sizeof old_state, "%s", sn_get(work, "state"));
    } else {
        if (strcmp(sn_get(rec, "active"), "false") == 0) {
            json_decref(body);
            return sn_fail(req, 403, "Operation Failed",
                           "Data Policy Exception: a closed record cannot be changed");
        }
        work = json_deep_copy(rec);
        snprintf(old_state, sizeof old_state, "%s", sn_get(rec, "state"));
    }
    sn_apply(db, tab, work, body, &notes, &comments);
    if (!sn_state_allowed(tab, old_state, sn_get(work, "state"))) {
        char detail[160];

        snprintf(detail, sizeof detail, "Invalid state transition: %s to %s",
                 sn_choice_label(tab, "state", old_state) ?: old_state,
                 sn_choice_label(tab, "state", sn_get(work, "state")) ?: sn_get(work, "state"));
        json_decref(work);
        json_decref(body);
        return sn_fail(req, 403, "Operation Failed", detail);
    }
    why = sn_rules(tab, work, old_state, sn_user_id(db, user), now);
    if (why != NULL) {
        json_decref(work);
        json_decref(body);
        return sn_fail(req, 403, "Operation Failed", why);
    }
    sn_stamp(work, user, now);
    if (create) {
        char number[16], id[33];

        snprintf(number, sizeof number, tab == TAB_INCIDENT ? "INC%07u" : "CHG%07u",
                 tab == TAB_INCIDENT ? ++db->next_inc : ++db->next_chg);
        sn_set(work, "number", number);
        sn_new_id(db, number, id);
        sn_set(work, "sys_id", id);
        json_array_append(db->rows[tab], work);
        rec = work;
    } else {
        json_object_update(rec, work);
    }
    json_decref(work);
    if (notes != NULL && notes[0] != '\0') {
        sn_journal(db, rec, tab, "work_notes", notes, user, now);
    }
    if (comments != NULL && comments[0] != '\0') {
        sn_journal(db, rec, tab, "comments", comments, user, now);
    }
    json_decref(body);
    ret = sn_one(db, req, tab, rec, create ? 201 : 200);
    return ret;
}

/* ---- the world's seed --------------------------------------------------------------------- */

static const char *const trouble_text[] = {
    [POD_CRASHLOOP] = "pods crash-looping (CrashLoopBackOff)",
    [POD_OOMKILLED] = "pods killed for memory (OOMKilled)",
    [POD_PENDING] = "pods pending: cannot be scheduled",
    [POD_ERR_IMAGE_PULL] = "image cannot be pulled (ErrImagePull)",
    [POD_IMAGE_PULL_BACKOFF] = "image cannot be pulled (ImagePullBackOff)",
};

static bool sn_troubled(uint8_t state)
{
    return state < sizeof trouble_text / sizeof trouble_text[0] && trouble_text[state] != NULL;
}

static json_t *sn_by_name(struct sn_db *db, int tab, const char *name)
{
    size_t i;
    json_t *r;

    json_array_foreach (db->rows[tab], i, r) {
        if (strcmp(sn_get(r, tab_defs[tab].display), name) == 0) {
            return r;
        }
    }
    return NULL;
}

/* A task record (an incident, a change) with its number from `counter`. */
static json_t *sn_seed_task(struct sn_db *db, int tab, unsigned *counter, const char *company,
                            const char *ci, const char *text)
{
    char number[16];
    json_t *rec;

    snprintf(number, sizeof number, "%s%07u", tab == TAB_INCIDENT ? "INC" : "CHG", ++*counter);
    rec = sn_add(db, tab, number);
    sn_set(rec, "number", number);
    sn_set(rec, "short_description", text);
    sn_set(rec, "company", company);
    sn_set(rec, "cmdb_ci", ci);
    return rec;
}

/* An incident as the seed makes it. */
static json_t *sn_seed_incident(struct sn_db *db, const char *company, const char *ci,
                                const char *text, int impact, int urgency, const char *state,
                                int64_t opened, int64_t updated, uint64_t h)
{
    json_t *rec, *users = db->rows[TAB_USER];
    char when[20], v[8];
    const char *assignee = json_array_size(users) > 0
                               ? sn_get(json_array_get(users, h % json_array_size(users)),
                                        "sys_id")
                               : "";

    rec = sn_seed_task(db, TAB_INCIDENT, &db->next_inc, company, ci, text);
    sn_set(rec, "description", text);
    sn_set(rec, "assignment_group", sn_get(json_array_get(db->rows[TAB_GROUP], h % 2), "sys_id"));
    sn_set(rec, "assigned_to", (h >> 8) % 3 == 0 ? "" : assignee);
    sn_set(rec, "state", state);
    snprintf(v, sizeof v, "%d", impact);
    sn_set(rec, "impact", v);
    snprintf(v, sizeof v, "%d", urgency);
    sn_set(rec, "urgency", v);
    sn_priority(rec);
    sim_format_utc(opened, SN_TIME, when, sizeof when);
    sn_set(rec, "opened_at", when);
    sn_set(rec, "sys_created_on", when);
    sn_set(rec, "sys_created_by", "admin");
    sim_format_utc(updated, SN_TIME, when, sizeof when);
    sn_set(rec, "sys_updated_on", when);
    sn_set(rec, "sys_updated_by", "admin");
    sn_set(rec, "sys_mod_count", "1");
    sn_set(rec, "active", strcmp(state, "7") == 0 || strcmp(state, "8") == 0 ? "false" : "true");
    sn_set(rec, "made_sla", (h >> 16) % 4 == 0 ? "false" : "true");
    sn_set(rec, "correlation_id", "");
    sn_set(rec, "close_code", "");
    sn_set(rec, "close_notes", "");
    sn_set(rec, "resolved_at", "");
    if (strcmp(state, "6") == 0 || strcmp(state, "7") == 0) {
        sn_set(rec, "resolved_at", when);
        sn_set(rec, "close_code", "Solved (Permanently)");
        sn_set(rec, "close_notes", "The pods run again after a fix was deployed.");
    }
    return rec;
}

static void sn_seed_change(struct sn_db *db, const char *company, const char *ci,
                           const char *text, const char *state, int64_t start, int64_t end)
{
    json_t *rec = sn_seed_task(db, TAB_CHANGE, &db->next_chg, company, ci, text);
    char when[20];

    sn_set(rec, "type", "normal");
    sn_set(rec, "risk", "3");
    sn_set(rec, "state", state);
    sn_set(rec, "active", strcmp(state, "3") == 0 ? "false" : "true");
    sim_format_utc(start, SN_TIME, when, sizeof when);
    sn_set(rec, "start_date", when);
    sn_set(rec, "sys_created_on", when);
    sn_set(rec, "sys_updated_on", when);
    sim_format_utc(end, SN_TIME, when, sizeof when);
    sn_set(rec, "end_date", when);
}

/* The sys_id of the company's first service CI, "" when it has none. */
static const char *sn_company_ci(struct sn_db *db, const char *company)
{
    size_t i;
    json_t *ci;

    json_array_foreach (db->rows[TAB_CI], i, ci) {
        if (strcmp(sn_get(ci, "company"), company) == 0) {
            return sn_get(ci, "sys_id");
        }
    }
    return "";
}

/* For the SLA's incidents and MTTR (docs/sla.md): a resolved incident on the company's first
 * CI in this month (UTC; opened halfway between the month's start and now) and one in the
 * last (ten days before this month), each resolved after 20 minutes to 2 h 20. */
static void sn_seed_sla_incidents(struct sn_db *db, const char *cid, const char *tenant,
                                  int64_t now, uint64_t h)
{
    time_t tt = (time_t)now;
    struct tm tm;
    int64_t month, opened, took;
    char text[160];

    gmtime_r(&tt, &tm);
    month = now - ((int64_t)(tm.tm_mday - 1) * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 +
                   tm.tm_sec);
    opened = month + (now - month) / 2;
    took = 1200 + (int64_t)(h % 7200);
    if (took > (now - opened) / 2) {
        took = (now - opened) / 2;
    }
    snprintf(text, sizeof text, "%s: answers with errors after a deployment", tenant);
    sn_seed_incident(db, cid, sn_company_ci(db, cid), text, 2, 2, "6", opened, opened + took, h);
    opened = month - 10 * 86400 + (int64_t)((h >> 12) % 36000);
    took = 1200 + (int64_t)((h >> 24) % 7200);
    snprintf(text, sizeof text, "%s: login failures at the identity broker", tenant);
    sn_seed_incident(db, cid, sn_company_ci(db, cid), text, 2, 3, "7", opened, opened + took,
                     h >> 2);
}

/* $GOVSIM_SN_INCIDENTS more open incidents, spread over the tenants' CIs (`make bench`: a
 * large instance). Lock held. */
static void sn_seed_more(struct sn_db *db, struct world *w, int64_t now)
{
    const char *env = getenv("GOVSIM_SN_INCIDENTS");
    long n = env != NULL ? strtol(env, NULL, 10) : 0;
    size_t nci = json_array_size(db->rows[TAB_CI]);

    for (long i = 0; i < n && nci > 0; i++) {
        json_t *ci = json_array_get(db->rows[TAB_CI], (size_t)i % nci);
        char text[160];
        uint64_t h = sim_hash64(&i, sizeof i, w->cfg.seed);

        snprintf(text, sizeof text, "%s: answers slowly (ticket %ld)", sn_get(ci, "name"), i);
        sn_seed_incident(db, sn_get(ci, "company"), sn_get(ci, "sys_id"), text, 2 + (int)(h % 2),
                         2 + (int)((h >> 4) % 2), (h >> 8) % 2 ? "1" : "2",
                         now - 3600 - (int64_t)(h % 86400), now - 120 - (int64_t)(h % 7200), h);
    }
}

/* Companies, groups, service CIs, incidents and changes from the world (lock held). */
static void sn_seed_world(struct sn_db *db, struct world *w)
{
    int64_t now = sim_now();
    size_t pos = 0;
    const struct world_ns *t;
    uint8_t *seen = sim_xcalloc(w->n_apps + 1, 1);
    size_t troubled = 0;

    static const char *const groups[] = {"GovCloud Operations", "GovCloud On-call"};
    for (size_t i = 0; i < 2; i++) {
        json_t *g = sn_add(db, TAB_GROUP, groups[i]);

        sn_set(g, "name", groups[i]);
        sn_set(g, "active", "true");
    }
    while ((t = world_tenant_next(w, &pos)) != NULL) {
        json_t *c = sn_add(db, TAB_COMPANY, t->tenant);

        sn_set(c, "name", t->display[0] != '\0' ? t->display : t->tenant);
        sn_set(c, "customer", "true");
    }
    for (size_t i = 0; i < w->n_apps; i++) {
        const struct world_app *a = &w->apps[i];
        const struct world_ns *ns = &w->ns[a->ns];
        json_t *company, *ci;
        char name[128];

        if (ns->tenant[0] == '\0' || a->system) {
            continue;
        }
        company = sn_by_name(db, TAB_COMPANY, ns->display[0] != '\0' ? ns->display : ns->tenant);
        snprintf(name, sizeof name, "%s-%s", ns->tenant, a->name);
        ci = sn_add(db, TAB_CI, name);
        sn_set(ci, "name", name);
        sn_set(ci, "company", company != NULL ? sn_get(company, "sys_id") : "");
        sn_set(ci, "operational_status", "1");
    }
    for (size_t i = 0; i < w->n_pods && troubled < SN_MAX_TROUBLED; i++) {
        const struct world_pod *p = w->pods[i];
        const struct world_app *a = &w->apps[p->app];
        const struct world_ns *ns = &w->ns[a->ns];
        char name[128], text[200];
        json_t *company, *ci, *rec;
        uint64_t h;

        if (!sn_troubled(p->state) || seen[p->app] || ns->tenant[0] == '\0') {
            continue;
        }
        seen[p->app] = 1;
        troubled++;
        snprintf(name, sizeof name, "%s-%s", ns->tenant, a->name);
        h = sim_hash64(name, strlen(name), w->cfg.seed);
        company = sn_by_name(db, TAB_COMPANY, ns->display[0] != '\0' ? ns->display : ns->tenant);
        ci = sn_by_name(db, TAB_CI, name);
        snprintf(text, sizeof text, "%s: %s", a->name, trouble_text[p->state]);
        rec = sn_seed_incident(db, company != NULL ? sn_get(company, "sys_id") : "",
                               ci != NULL ? sn_get(ci, "sys_id") : "", text,
                               p->state == POD_PENDING ? 2 : 1, 1 + (int)(h % 2),
                               h % 3 == 0 ? "1" : "2", now - 600 - (int64_t)(h % 36000),
                               now - 60 - (int64_t)(h % 600), h);
        sim_format_utc(now - 300, SN_TIME, text, sizeof text);
        sn_journal(db, rec, TAB_INCIDENT, "work_notes",
                   "Restarts seen on the pods; looking at the last container logs.", "admin",
                   text);
        sim_format_utc(now - 200, SN_TIME, text, sizeof text);
        sn_journal(db, rec, TAB_INCIDENT, "comments",
                   "We see errors from the service; please keep us posted.", "admin", text);
    }
    free(seen);
    sn_seed_more(db, w, now);
    pos = 0;
    while ((t = world_tenant_next(w, &pos)) != NULL) {
        json_t *company = sn_by_name(db, TAB_COMPANY, t->display[0] != '\0' ? t->display : t->tenant);
        const char *cid = company != NULL ? sn_get(company, "sys_id") : "";
        uint64_t h = sim_hash64(t->tenant, strlen(t->tenant), w->cfg.seed);
        char text[160];

        snprintf(text, sizeof text, "%s: slow answers during the nightly load", t->tenant);
        sn_seed_incident(db, cid, "", text, 2, 2, "6", now - 5 * 86400, now - 4 * 86400, h);
        snprintf(text, sizeof text, "%s: certificate renewal failed", t->tenant);
        sn_seed_incident(db, cid, "", text, 2, 3, "7", now - 20 * 86400, now - 19 * 86400, h >> 3);
        snprintf(text, sizeof text, "%s: storage quota reached", t->tenant);
        sn_seed_incident(db, cid, "", text, 3, 3, "7", now - 70 * 86400, now - 60 * 86400, h >> 5);
        sn_seed_sla_incidents(db, cid, t->tenant, now, h);
        snprintf(text, sizeof text, "%s: platform update (Kubernetes patch release)", t->tenant);
        sn_seed_change(db, cid, sn_company_ci(db, cid), text, "-1", now - 3600, now + 3 * 3600);
        snprintf(text, sizeof text, "%s: database minor upgrade", t->tenant);
        sn_seed_change(db, cid, "", text, "-2", now + 2 * 86400, now + 2 * 86400 + 7200);
        snprintf(text, sizeof text, "%s: ingress controller update", t->tenant);
        sn_seed_change(db, cid, "", text, "3", now - 8 * 86400, now - 8 * 86400 + 3600);
    }
}

/* ---- the interface ------------------------------------------------------------------------ */

struct sn_db *sn_db_new(void)
{
    struct sn_db *db = sim_xcalloc(1, sizeof *db);

    pthread_mutex_init(&db->lock, NULL);
    for (int i = 0; i < TAB_COUNT; i++) {
        db->rows[i] = json_array();
    }
    db->next_inc = 10000;
    db->next_chg = 30000;
    return db;
}

void sn_db_free(struct sn_db *db)
{
    if (db == NULL) {
        return;
    }
    for (int i = 0; i < TAB_COUNT; i++) {
        json_decref(db->rows[i]);
    }
    free(db->tokens);
    pthread_mutex_destroy(&db->lock);
    free(db);
}

bool sn_db_seeded(struct sn_db *db)
{
    bool yes;

    pthread_mutex_lock(&db->lock);
    yes = db->seeded || json_array_size(db->rows[TAB_USER]) > 0;
    pthread_mutex_unlock(&db->lock);
    return yes;
}

void sn_db_add_user(struct sn_db *db, const char *sys_id, const char *user_name,
                    const char *name)
{
    json_t *u = json_pack("{s:s,s:s,s:s}", "sys_id", sys_id, "user_name", user_name, "name",
                          name);

    pthread_mutex_lock(&db->lock);
    if (sn_find(db, TAB_USER, sys_id) == NULL) { /* two first requests at once */
        json_array_append(db->rows[TAB_USER], u);
    }
    json_decref(u);
    pthread_mutex_unlock(&db->lock);
}

enum MHD_Result sn_db_serve(struct sn_db *db, const struct router_request *req,
                            const char *table, const char *sys_id, const char *user)
{
    int tab = sn_tab_find(table);
    enum MHD_Result ret;
    json_t *rec = NULL;

    pthread_mutex_lock(&db->lock);
    if (!db->seeded) {
        world_lock(req->world);
        sn_seed_world(db, req->world);
        world_unlock(req->world);
        db->seeded = true;
    }
    if (sys_id != NULL) {
        rec = sn_find(db, tab, sys_id);
        if (rec == NULL) {
            pthread_mutex_unlock(&db->lock);
            return sn_fail(req, 404, "No Record found",
                           "Record doesn't exist or ACL restricts the record retrieval");
        }
    }
    if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
        ret = rec != NULL ? sn_one(db, req, tab, rec, 200) : sn_list(db, req, tab);
    } else if (strcmp(req->method, "POST") == 0 && rec == NULL) {
        ret = sn_write(db, req, tab, NULL, user);
    } else if ((strcmp(req->method, "PATCH") == 0 || strcmp(req->method, "PUT") == 0) &&
               rec != NULL) {
        ret = sn_write(db, req, tab, rec, user);
    } else if (strcmp(req->method, "DELETE") == 0) {
        ret = sn_fail(req, 403, "User Not Authorized",
                      "ACL Exception Delete Failed due to security constraints");
    } else {
        ret = sn_fail(req, 405, "Method not Supported", NULL);
    }
    pthread_mutex_unlock(&db->lock);
    return ret;
}

/* ---- OAuth 2 ------------------------------------------------------------------------------ */

/* The value of `key` in an application/x-www-form-urlencoded body, decoded into out; false
 * when absent. */
static bool sn_form_get(const char *body, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key);

    for (const char *p = body; p != NULL && *p != '\0'; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
        if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t n = 0;

            for (p += klen + 1; *p != '\0' && *p != '&' && n + 1 < size; p++) {
                if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
                    char hex[3] = {p[1], p[2], '\0'};

                    out[n++] = (char)strtol(hex, NULL, 16);
                    p += 2;
                } else {
                    out[n++] = *p == '+' ? ' ' : *p;
                }
            }
            out[n] = '\0';
            return true;
        }
    }
    return false;
}

/* Whether the grant's credentials are the --basic-auth pair's. */
static bool sn_grant_ok(struct sn_db *db, const struct router_request *req, const char *body)
{
    const char *want = req->cfg->basic_auth, *colon = want != NULL ? strchr(want, ':') : NULL;
    char grant[32], id[128], secret[128], user[128], pw[128], pair[260], refresh[64];

    if (!sn_form_get(body, "grant_type", grant, sizeof grant) ||
        !sn_form_get(body, "client_id", id, sizeof id) || id[0] == '\0' ||
        !sn_form_get(body, "client_secret", secret, sizeof secret) || secret[0] == '\0') {
        return false;
    }
    if (strcmp(grant, "refresh_token") == 0) {
        if (!sn_form_get(body, "refresh_token", refresh, sizeof refresh)) {
            return false;
        }
        for (size_t i = 0; i < db->ntokens; i++) {
            if (strcmp(db->tokens[i].refresh, refresh) == 0) {
                return true;
            }
        }
        return false;
    }
    if (strcmp(grant, "password") == 0) {
        if (!sn_form_get(body, "username", user, sizeof user) ||
            !sn_form_get(body, "password", pw, sizeof pw)) {
            return false;
        }
        snprintf(pair, sizeof pair, "%s:%s", user, pw);
        return want == NULL || strcmp(pair, want) == 0;
    }
    if (strcmp(grant, "client_credentials") == 0) {
        return colon == NULL || strcmp(secret, colon + 1) == 0;
    }
    return false;
}

enum MHD_Result sn_db_oauth(struct sn_db *db, const struct router_request *req)
{
    const char *ttl_env = getenv("GOVSIM_SN_TOKEN_TTL");
    long ttl = ttl_env != NULL ? strtol(ttl_env, NULL, 10) : 1800;
    struct sn_token *t;
    json_t *doc;
    char key[64];

    if (strcmp(req->method, "POST") != 0) {
        return sn_fail(req, 405, "Method not Supported", NULL);
    }
    pthread_mutex_lock(&db->lock);
    if (!sn_grant_ok(db, req, req->body)) {
        pthread_mutex_unlock(&db->lock);
        doc = json_pack("{s:s,s:s}", "error_description", "access_denied", "error",
                        "server_error");
        return router_queue_json_as(req->conn, 401, SN_JSON, doc, JSON_COMPACT, NULL);
    }
    db->tokens = sim_xrealloc(db->tokens, (db->ntokens + 1) * sizeof *db->tokens);
    t = &db->tokens[db->ntokens++];
    snprintf(key, sizeof key, "token/%zu", db->ntokens);
    sn_new_id(db, key, t->access);
    sn_new_id(db, "refresh", t->refresh);
    t->expires = sim_now() + (ttl > 0 ? ttl : 1800);
    doc = json_pack("{s:s,s:s,s:s,s:s,s:I}", "access_token", t->access, "refresh_token",
                    t->refresh, "scope", "useraccount", "token_type", "Bearer", "expires_in",
                    (json_int_t)(ttl > 0 ? ttl : 1800));
    pthread_mutex_unlock(&db->lock);
    return router_queue_json_as(req->conn, 200, SN_JSON, doc, JSON_COMPACT, NULL);
}

bool sn_db_token_ok(struct sn_db *db, const char *token)
{
    bool ok = false;

    pthread_mutex_lock(&db->lock);
    for (size_t i = 0; i < db->ntokens && !ok; i++) {
        ok = strcmp(db->tokens[i].access, token) == 0 && db->tokens[i].expires > sim_now();
    }
    pthread_mutex_unlock(&db->lock);
    return ok;
}
