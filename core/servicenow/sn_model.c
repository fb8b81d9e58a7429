/* ServiceNow Table API JSON to incidents, detail text and error lines. */
#define _GNU_SOURCE /* timegm */
#include "core/servicenow/sn_model.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jsonflat.h"
#include "core/poller.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

void sn_incident_free(struct store_row *row)
{
    struct sn_incident *in = (struct sn_incident *)row;

    if (in == NULL) {
        return;
    }
    free(in->row.uid);
    free(in->number);
    free(in->state_text);
    free(in->company);
    free(in->short_description);
    free(in->assignment_group);
    free(in->assigned_to);
    free(in->cmdb_ci);
    free(in->correlation_id);
    free(in);
}

/* A field's text: with sysparm_display_value=all a field is {"display_value","value"}; without,
 * a string or a reference {"link","value"}. `display` picks the display value (falling back
 * on the value), else the value (falling back on the display value). NULL when absent. */
static const char *sn_field(json_t *rec, const char *name, bool display)
{
    json_t *f = json_object_get(rec, name);
    const char *a, *b;

    if (json_is_string(f)) {
        return json_string_value(f);
    }
    if (!json_is_object(f)) {
        return NULL;
    }
    a = json_string_value(json_object_get(f, display ? "display_value" : "value"));
    b = json_string_value(json_object_get(f, display ? "value" : "display_value"));
    return a != NULL ? a : b;
}

/* A sanitized copy of a field's display value; NULL when absent or empty. */
static char *sn_field_dup(json_t *rec, const char *name)
{
    const char *v = sn_field(rec, name, true);

    return v != NULL && v[0] != '\0' ? sanitize_dup(v) : NULL;
}

int64_t sn_time_parse(const char *s)
{
    struct tm tm;
    const char *end;

    if (s == NULL || s[0] == '\0') {
        return 0;
    }
    memset(&tm, 0, sizeof tm);
    end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
    if (end == NULL || *end != '\0') {
        return 0;
    }
    return (int64_t)timegm(&tm);
}

void sn_time_format(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* A number field ("1" or the display value "1 - Critical"); 0 when it is none. */
static int sn_field_int(json_t *rec, const char *name)
{
    const char *v = sn_field(rec, name, false);
    char *end;
    long n;

    if (v == NULL) {
        return 0;
    }
    n = strtol(v, &end, 10);
    return end != v && n > 0 && n < 100 ? (int)n : 0;
}

/* A record's sys_id and number, NULL when it lacks either. */
static bool sn_record_keys(json_t *rec, const char **id, const char **number)
{
    *id = sn_field(rec, "sys_id", false);
    *number = sn_field(rec, "number", true);
    return *id != NULL && (*id)[0] != '\0' && *number != NULL && (*number)[0] != '\0';
}

/* A date-time field: its time, and its text as the instance wrote it into raw (20 bytes; ""
 * when it is not one). */
static int64_t sn_record_time(json_t *rec, const char *name, char *raw)
{
    const char *v = sn_field(rec, name, false);
    int64_t t = sn_time_parse(v);

    raw[0] = '\0';
    if (t != 0) {
        snprintf(raw, 20, "%s", v);
    }
    return t;
}

/* sys_updated_on into *t and raw (20 bytes); *out_raw points at it for the page's newest. */
static void sn_record_updated(json_t *rec, int64_t *t, char *raw, const char **out_raw)
{
    *t = sn_record_time(rec, "sys_updated_on", raw);
    *out_raw = raw;
}

/* One incident; NULL when it lacks sys_id or number. */
static struct store_row *sn_incident_read(json_t *rec, const char **updated)
{
    const char *id, *number, *sla, *active;
    struct sn_incident *in;

    if (!sn_record_keys(rec, &id, &number)) {
        return NULL;
    }
    in = xcalloc(1, sizeof *in);
    in->row.uid = sanitize_dup(id);
    in->number = sanitize_dup(number);
    in->priority = sn_field_int(rec, "priority");
    in->state = sn_field_int(rec, "state");
    in->state_text = sn_field_dup(rec, "state");
    in->company = sn_field_dup(rec, "company");
    in->short_description = sn_field_dup(rec, "short_description");
    in->assignment_group = sn_field_dup(rec, "assignment_group");
    in->assigned_to = sn_field_dup(rec, "assigned_to");
    in->cmdb_ci = sn_field_dup(rec, "cmdb_ci");
    in->correlation_id = sn_field_dup(rec, "correlation_id");
    in->opened = sn_time_parse(sn_field(rec, "opened_at", false));
    sn_record_updated(rec, &in->updated, in->updated_raw, updated);
    in->resolved = sn_time_parse(sn_field(rec, "resolved_at", false));
    sla = sn_field(rec, "made_sla", false);
    in->made_sla = sla == NULL || sla[0] == '\0' ? -1 : strcmp(sla, "false") != 0;
    active = sn_field(rec, "active", false);
    in->active = active != NULL ? strcmp(active, "true") == 0
                                : in->state != 0 && in->state < SN_STATE_RESOLVED;
    return &in->row;
}

void sn_change_free(struct store_row *row)
{
    struct sn_change *ch = (struct sn_change *)row;

    if (ch == NULL) {
        return;
    }
    free(ch->row.uid);
    free(ch->number);
    free(ch->type);
    free(ch->state_text);
    free(ch->risk);
    free(ch->company);
    free(ch->short_description);
    free(ch->cmdb_ci);
    free(ch);
}

/* One change request; NULL when it lacks sys_id or number. */
static struct store_row *sn_change_read(json_t *rec, const char **updated)
{
    const char *id, *number, *state;
    struct sn_change *ch;
    char *end;

    if (!sn_record_keys(rec, &id, &number)) {
        return NULL;
    }
    ch = xcalloc(1, sizeof *ch);
    ch->row.uid = sanitize_dup(id);
    ch->number = sanitize_dup(number);
    ch->type = sn_field_dup(rec, "type");
    ch->state_text = sn_field_dup(rec, "state");
    ch->risk = sn_field_dup(rec, "risk");
    ch->company = sn_field_dup(rec, "company");
    ch->short_description = sn_field_dup(rec, "short_description");
    ch->cmdb_ci = sn_field_dup(rec, "cmdb_ci");
    ch->start = sn_record_time(rec, "start_date", ch->start_raw);
    ch->end = sn_record_time(rec, "end_date", ch->end_raw);
    state = sn_field(rec, "state", false);
    if (state != NULL && state[0] != '\0') {
        long n = strtol(state, &end, 10);

        ch->has_state = end != state && *end == '\0';
        ch->state = ch->has_state ? (int)n : 0;
    }
    sn_record_updated(rec, &ch->updated, ch->updated_raw, updated);
    return &ch->row;
}

/* What came instead of a Table API answer, as one line (caller frees). */
static char *sn_not_an_answer(const char *body, size_t len, const json_error_t *jerr)
{
    size_t i = 0;

    while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) {
        i++;
    }
    if (i < len && body[i] == '<') {
        return xstrdup("an HTML page, not the Table API (the instance under maintenance, or "
                       "[servicenow] url not the instance)");
    }
    if (jerr != NULL) {
        char *text = sanitize_dup(jerr->text);
        char *out = xasprintf("malformed JSON from the Table API (line %d: %s)", jerr->line, text);

        free(text);
        return out;
    }
    return xstrdup("not a Table API answer (no result)");
}

/* A page of records of one table, read by `read`. */
static void sn_decode(const char *body, size_t len, size_t limit, struct poller_decode *out,
                      struct store_row *(*read)(json_t *rec, const char **updated))
{
    json_error_t jerr;
    json_t *root = jsonflat_load(body, len, 0, &jerr), *result, *rec;
    struct sn_page_info *info;
    size_t i;

    if (root == NULL) {
        out->error = sn_not_an_answer(body, len, &jerr);
        return;
    }
    result = json_object_get(root, "result");
    if (!json_is_array(result)) {
        const char *msg = json_string_value(
            json_object_get(json_object_get(root, "error"), "message"));

        out->error = msg != NULL ? sn_error_text(200, body, len, NULL)
                                 : sn_not_an_answer(body, len, NULL);
        json_decref(root);
        return;
    }
    info = xcalloc(1, sizeof *info);
    json_array_foreach (result, i, rec) {
        const char *updated = "";
        struct store_row *row = read(rec, &updated);

        if (row == NULL) {
            info->skipped++;
            continue;
        }
        if (strcmp(updated, info->newest) > 0) {
            snprintf(info->newest, sizeof info->newest, "%s", updated);
        }
        poller_decode_push(out, row);
    }
    out->more = limit > 0 && json_array_size(result) >= limit;
    out->extra = info;
    json_decref(root);
}

void sn_incidents_decode(const char *body, size_t len, size_t limit, struct poller_decode *out)
{
    sn_decode(body, len, limit, out, sn_incident_read);
}

void sn_changes_decode(const char *body, size_t len, size_t limit, struct poller_decode *out)
{
    sn_decode(body, len, limit, out, sn_change_read);
}

char *sn_error_text(long status, const char *body, size_t len, const char *transport)
{
    json_t *root, *e;
    const char *msg, *detail;
    char *raw, *out;

    if (transport != NULL) {
        return sanitize_dup(transport);
    }
    root = body != NULL && len > 0 ? jsonflat_load(body, len, 0, NULL) : NULL;
    e = json_object_get(root, "error");
    msg = json_string_value(json_object_get(e, "message"));
    detail = json_string_value(json_object_get(e, "detail"));
    if (msg != NULL) {
        raw = xasprintf("HTTP %ld: %s%s%s", status, msg, detail != NULL && detail[0] ? ": " : "",
                        detail != NULL ? detail : "");
    } else if (root == NULL && body != NULL && len > 0) {
        char *what = sn_not_an_answer(body, len, NULL);

        raw = xasprintf("HTTP %ld: %s", status,
                        strncmp(what, "an HTML", 7) == 0 ? what : "not a Table API answer");
        free(what);
    } else {
        raw = xasprintf("HTTP %ld", status);
    }
    json_decref(root);
    out = sanitize_dup(raw);
    free(raw);
    return out;
}

const char *sn_priority_name(int priority)
{
    static const char *const names[] = {"", "Critical", "High", "Moderate", "Low", "Planning"};

    return priority >= 1 && priority <= 5 ? names[priority] : "";
}

/* ---- the detail ------------------------------------------------------------------------- */

struct sn_text {
    char *buf;
    size_t len, cap;
};

static void sn_text_add(struct sn_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sn_text_add(struct sn_text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        size_t room = t->cap - t->len;

        va_start(ap, fmt);
        n = vsnprintf(t->buf != NULL ? t->buf + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->buf = xrealloc(t->buf, t->cap);
    }
}

/* A UTC instance time in the local zone ("2026-12-07 08:10"), or "-". */
static void sn_local_time(const char *utc, char *out, size_t size)
{
    int64_t t = sn_time_parse(utc);
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == 0) {
        snprintf(out, size, "-");
        return;
    }
    localtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%d %H:%M", &tm);
}

/* "Label: value" for a field with a value. */
static void sn_text_field(struct sn_text *t, json_t *rec, const char *label, const char *name)
{
    char *v = sn_field_dup(rec, name);

    if (v != NULL) {
        sn_text_add(t, "%-20s %s\n", label, v);
    }
    free(v);
}

/* Text indented by `indent` spaces on every line, each line sanitized. */
static void sn_text_block(struct sn_text *t, const char *text, int indent)
{
    char *copy = xstrdup(text), *save = NULL;

    for (char *line = strtok_r(copy, "\r\n", &save); line != NULL;
         line = strtok_r(NULL, "\r\n", &save)) {
        char *clean = sanitize_dup(line);

        sn_text_add(t, "%*s%s\n", indent, "", clean);
        free(clean);
    }
    free(copy);
}

/* The journal's entries newest first (the query orders them; sorted again in case). */
static int sn_journal_cmp(const void *pa, const void *pb)
{
    const char *a = sn_field(*(json_t *const *)pa, "sys_created_on", false);
    const char *b = sn_field(*(json_t *const *)pb, "sys_created_on", false);

    return -strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

static void sn_detail_journal(struct sn_text *t, json_t *entries)
{
    size_t n = json_array_size(entries), i;
    json_t **sorted = xcalloc(n + 1, sizeof *sorted);

    for (i = 0; i < n; i++) {
        sorted[i] = json_array_get(entries, i);
    }
    qsort(sorted, n, sizeof *sorted, sn_journal_cmp);
    sn_text_add(t, "\nTimeline (newest first)\n");
    if (n == 0) {
        sn_text_add(t, "  no work notes or comments\n");
    }
    for (i = 0; i < n; i++) {
        const char *element = sn_field(sorted[i], "element", false);
        const char *value = sn_field(sorted[i], "value", true);
        char when[32], *who = sn_field_dup(sorted[i], "sys_created_by");

        sn_local_time(sn_field(sorted[i], "sys_created_on", false), when, sizeof when);
        sn_text_add(t, "  %s  %s  %s\n", when, who != NULL ? who : "-",
                    element != NULL && strcmp(element, "comments") == 0 ? "comment"
                                                                         : "work note");
        sn_text_block(t, value != NULL ? value : "", 4);
        free(who);
    }
    free(sorted);
}

char *sn_detail_text(const char *record, size_t rlen, const char *journal, size_t jlen,
                     const char *links, char **err)
{
    json_error_t jerr;
    json_t *root = jsonflat_load(record, rlen, 0, &jerr), *rec, *jroot;
    struct sn_text t = {0};
    char when[32], *v;
    const char *desc;
    int prio;

    rec = json_object_get(root, "result");
    if (json_is_array(rec)) {
        rec = json_array_get(rec, 0);
    }
    if (!json_is_object(rec) || sn_field(rec, "number", true) == NULL) {
        *err = root == NULL ? sn_not_an_answer(record, rlen, &jerr)
                            : xstrdup("the instance sent no such incident");
        json_decref(root);
        return NULL;
    }
    v = sn_field_dup(rec, "number");
    prio = sn_field_int(rec, "priority");
    sn_text_add(&t, "%s", v);
    free(v);
    if (prio > 0) {
        sn_text_add(&t, "  P%d %s", prio, sn_priority_name(prio));
    }
    v = sn_field_dup(rec, "state");
    sn_text_add(&t, "  %s\n\n", v != NULL ? v : "");
    free(v);
    sn_text_field(&t, rec, "Short description:", "short_description");
    sn_text_field(&t, rec, "Tenant (company):", "company");
    sn_text_field(&t, rec, "Assignment group:", "assignment_group");
    sn_text_field(&t, rec, "Assigned to:", "assigned_to");
    sn_text_field(&t, rec, "Configuration item:", "cmdb_ci");
    sn_text_field(&t, rec, "Impact:", "impact");
    sn_text_field(&t, rec, "Urgency:", "urgency");
    sn_local_time(sn_field(rec, "opened_at", false), when, sizeof when);
    sn_text_add(&t, "%-20s %s\n", "Opened:", when);
    sn_local_time(sn_field(rec, "sys_updated_on", false), when, sizeof when);
    sn_text_add(&t, "%-20s %s\n", "Updated:", when);
    v = sn_field_dup(rec, "made_sla");
    if (v != NULL && strcmp(sn_field(rec, "made_sla", false), "false") == 0) {
        sn_text_add(&t, "%-20s %s\n", "SLA:", "breached");
    }
    free(v);
    sn_text_field(&t, rec, "Correlation id:", "correlation_id");
    sn_text_field(&t, rec, "Resolution code:", "close_code");
    sn_text_field(&t, rec, "Resolution notes:", "close_notes");
    desc = sn_field(rec, "description", true);
    sn_text_add(&t, "\nDescription\n");
    sn_text_block(&t, desc != NULL && desc[0] != '\0' ? desc : "(none)", 2);
    jroot = journal != NULL ? json_loadb(journal, jlen, 0, NULL) : NULL;
    if (json_is_array(json_object_get(jroot, "result"))) {
        sn_detail_journal(&t, json_object_get(jroot, "result"));
    } else if (journal != NULL) {
        sn_text_add(&t, "\nTimeline: the journal could not be read\n");
    }
    json_decref(jroot);
    json_decref(root);
    if (links != NULL && links[0] != '\0') {
        sn_text_add(&t, "\nLinks\n%s", links);
    }
    return t.buf;
}
