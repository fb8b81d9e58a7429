/* statusjson / objectjson queries and cmd.cgi over govsim's monitor. */
#include "sim/nagios/status.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/fields.h"
#include "sim/sim_util.h"

#define MS(t) ((json_int_t)(t) * 1000)

/* A host's or service's members as statusjson's details print them: the one definition behind
 * query=host and query=service, which build jansson objects (sim/fields.h), and the lists,
 * which run to thousands of objects and write JSON text into a jbuf (struct text). */
static void object_fields(struct field_sink *k, const struct mon_object *o, int64_t now)
{
    bool host = o->service[0] == '\0';
    bool problem = host ? o->state != MON_UP : o->state != MON_OK;

    if (host) {
        put_str(k, "name", o->host);
    } else {
        put_str(k, "host_name", o->host);
        put_str(k, "description", o->service);
    }
    put_str(k, "plugin_output", o->output);
    put_str(k, "long_plugin_output", "");
    put_str(k, "perf_data", "");
    put_int(k, "status", o->state);
    put_int(k, "last_update", MS(now));
    put_bool(k, "has_been_checked", true);
    put_bool(k, "should_be_scheduled", true);
    put_int(k, "current_attempt", problem ? 3 : 1);
    put_int(k, "max_attempts", 3);
    put_int(k, "last_check", MS(o->last_check));
    put_int(k, "next_check", MS(o->last_check + 300));
    put_int(k, "check_type", 0);
    put_int(k, "last_state_change", MS(o->since));
    put_int(k, "last_hard_state_change", MS(o->since));
    put_int(k, "last_hard_state", problem ? (host ? 1 : 2) : 0);
    put_int(k, "state_type", 1);
    put_bool(k, "notifications_enabled", true);
    put_bool(k, "problem_has_been_acknowledged", o->acked);
    put_int(k, "acknowledgement_type", o->acked ? 2 : 0);
    put_bool(k, "checks_enabled", true);
    put_bool(k, "flap_detection_enabled", true);
    put_bool(k, "is_flapping", false);
    put_real(k, "percent_state_change", 0.0);
    put_int(k, "scheduled_downtime_depth", o->downtime_depth);
}

/* objectjson's members of host h (with details), whose services are svc[0..n). */
static void host_object_fields(struct field_sink *k, const struct mon_object *h,
                               const struct mon_object *svc, size_t n)
{
    put_str(k, "name", h->host);
    put_str(k, "display_name", h->host);
    put_str(k, "alias", h->host);
    put_str(k, "address", "127.0.0.1");
    put_open(k, "services", FIELD_ARRAY);
    for (size_t i = 0; i < n; i++) {
        put_str(k, NULL, svc[i].service);
    }
    put_end(k);
    put_int(k, "max_attempts", 3);
    put_open(k, "custom_variables", FIELD_OBJECT);
    put_str(k, "APP", h->app);
    put_end(k);
}

static json_t *object_json(const struct mon_object *o, int64_t now)
{
    struct field_json j;
    json_t *obj = field_json_init(&j);

    object_fields(&j.sink, o, now);
    return obj;
}

/* JSON text laid out as jansson's JSON_INDENT(2) lays it out (the layout of the CGIs'
 * tree-built answers, and of Nagios 4's own): each member or element on its own line,
 * indented two spaces a level, "key": value; an empty object is {}, an empty array []. */
#define TEXT_DEPTH 16

struct text {
    struct field_sink sink; /* first: the callback gets this */
    struct jbuf *b;
    int depth;            /* the objects and arrays open around the next member */
    bool first;           /* no member of the innermost one written yet */
    char end[TEXT_DEPTH]; /* what closes each: } or ] */
};

/* A line break and the indent of the current depth. */
static void text_newline(struct text *t)
{
    size_t n = (size_t)(2 * t->depth);

    jbuf_reserve(t->b, n + 1);
    t->b->data[t->b->len++] = '\n';
    memset(t->b->data + t->b->len, ' ', n);
    t->b->len += n;
}

/* The next member's key (NULL: an array's element), with what separates it from the one
 * before. */
static void text_key(struct text *t, const char *key)
{
    if (!t->first) {
        jbuf_putc(t->b, ',');
    }
    t->first = false;
    text_newline(t);
    if (key != NULL) {
        jbuf_put_str(t->b, key);
        JB_LIT(t->b, ": ");
    }
}

/* Opens an object ({) or an array ([). */
static void text_open(struct text *t, char open)
{
    jbuf_putc(t->b, open);
    if (t->depth < TEXT_DEPTH) {
        t->end[t->depth] = open == '[' ? ']' : '}';
    }
    t->depth++;
    t->first = true;
}

static void text_close(struct text *t)
{
    t->depth--;
    if (!t->first) {
        text_newline(t);
    }
    jbuf_putc(t->b, t->depth < TEXT_DEPTH ? t->end[t->depth] : '}');
    t->first = false; /* the enclosing one has this member */
}

static void text_put(struct field_sink *sink, const struct field *f)
{
    struct text *t = (struct text *)sink;

    if (f->kind == FIELD_END) {
        text_close(t);
        return;
    }
    text_key(t, f->key);
    if (!field_text_value(t->b, f)) {
        text_open(t, f->kind == FIELD_ARRAY ? '[' : '{');
    }
}

static json_t *comments_json(struct monitor *m)
{
    struct mon_comment *c;
    size_t n = monitor_comments(m, &c);
    json_t *list = json_object();

    for (size_t i = 0; i < n; i++) {
        char id[24];
        json_t *j = json_pack("{s:I,s:i,s:i,s:i,s:b,s:I,s:b,s:i,s:s}", "comment_id",
                              (json_int_t)c[i].id, "comment_type", c[i].service[0] ? 2 : 1,
                              "entry_type", c[i].entry_type, "source", 1, "persistent", 0,
                              "entry_time", MS(c[i].entry_time), "expires", 0, "expire_time", 0,
                              "host_name", c[i].host);

        if (c[i].service[0]) {
            json_object_set_new(j, "service_description", json_string(c[i].service));
        }
        json_object_set_new(j, "author", json_string(c[i].author));
        json_object_set_new(j, "comment_data", json_string(c[i].text));
        snprintf(id, sizeof id, "%lu", c[i].id);
        json_object_set_new(list, id, j);
    }
    free(c);
    return list;
}

static json_t *downtimes_json(struct monitor *m, int64_t now)
{
    struct mon_downtime *d;
    size_t n = monitor_downtimes(m, &d);
    json_t *list = json_object();

    for (size_t i = 0; i < n; i++) {
        char id[24];
        json_t *j;

        if (d[i].end <= now) {
            continue; /* Nagios deletes a downtime once it ends */
        }
        j = json_pack("{s:I,s:i,s:s}", "downtime_id", (json_int_t)d[i].id, "type",
                      d[i].service[0] ? 1 : 2, "host_name", d[i].host);
        if (d[i].service[0]) {
            json_object_set_new(j, "service_description", json_string(d[i].service));
        }
        json_object_set_new(j, "entry_time", json_integer(MS(d[i].entry_time)));
        json_object_set_new(j, "start_time", json_integer(MS(d[i].start)));
        json_object_set_new(j, "flex_downtime_start", json_integer(0));
        json_object_set_new(j, "end_time", json_integer(MS(d[i].end)));
        json_object_set_new(j, "fixed", json_true());
        json_object_set_new(j, "triggered_by", json_integer(0));
        json_object_set_new(j, "duration", json_integer(d[i].duration));
        json_object_set_new(j, "is_in_effect", json_boolean(d[i].start <= now));
        json_object_set_new(j, "start_notification_sent", json_boolean(d[i].start <= now));
        json_object_set_new(j, "author", json_string(d[i].author));
        json_object_set_new(j, "comment", json_string(d[i].text));
        snprintf(id, sizeof id, "%lu", d[i].id);
        json_object_set_new(list, id, j);
    }
    free(d);
    return list;
}

json_t *sim_statusjson(struct monitor *m, struct world *w, const char *query,
                       const char *hostname, const char *service, int *type, char *message,
                       size_t size)
{
    int64_t now = sim_now();
    struct mon_object *v = NULL;
    size_t n;
    json_t *data = json_pack("{s:{}}", "selectors");
    json_t *list = NULL;
    const char *member = query;
    bool hosts = strcmp(query, "hostlist") == 0 || strcmp(query, "hostcount") == 0;

    if (strcmp(query, "commentlist") == 0) {
        json_object_set_new(data, "commentlist", comments_json(m));
        return data;
    }
    if (strcmp(query, "downtimelist") == 0) {
        json_object_set_new(data, "downtimelist", downtimes_json(m, now));
        return data;
    }
    if (strcmp(query, "hostlist") != 0 && strcmp(query, "servicelist") != 0 &&
        strcmp(query, "host") != 0 && strcmp(query, "service") != 0 &&
        strcmp(query, "hostcount") != 0 && strcmp(query, "servicecount") != 0) {
        *type = 6;
        snprintf(message, size, "The query option value '%.160s' is invalid.", query);
        json_decref(data);
        return NULL;
    }
    n = monitor_snapshot(m, w, &v);
    if (strcmp(query, "host") == 0 || strcmp(query, "service") == 0) {
        bool want_host = strcmp(query, "host") == 0;

        for (size_t i = 0; i < n; i++) {
            if (hostname != NULL && strcmp(v[i].host, hostname) == 0 &&
                (want_host ? v[i].service[0] == '\0'
                           : service != NULL && strcmp(v[i].service, service) == 0)) {
                json_object_set_new(data, query, object_json(&v[i], now));
                free(v);
                return data;
            }
        }
        *type = 6;
        if (want_host || hostname == NULL) {
            snprintf(message, size, "The host '%.80s' could not be found.",
                     hostname != NULL ? hostname : "");
        } else {
            snprintf(message, size, "The service '%.80s' on host '%.80s' could not be found.",
                     service != NULL ? service : "", hostname);
        }
        free(v);
        json_decref(data);
        return NULL;
    }
    if (strcmp(query, "hostcount") == 0 || strcmp(query, "servicecount") == 0) {
        json_int_t count[5] = {0};

        for (size_t i = 0; i < n; i++) {
            if ((v[i].service[0] == '\0') == hosts) {
                count[v[i].state == 2 ? 0 : v[i].state == 4 ? 1 : v[i].state == 8 ? 2 : 3]++;
            }
        }
        json_object_set_new(data, "count",
                            hosts ? json_pack("{s:I,s:I,s:I,s:i}", "up", count[0], "down",
                                              count[1], "unreachable", count[2], "pending", 0)
                                  : json_pack("{s:I,s:I,s:I,s:I,s:i}", "ok", count[0], "warning",
                                              count[1], "unknown", count[2], "critical",
                                              count[3], "pending", 0));
        free(v);
        return data;
    }
    list = json_object();
    for (size_t i = 0; i < n; i++) {
        const struct mon_object *o = &v[i];

        if ((o->service[0] == '\0') != hosts ||
            (hostname != NULL && hostname[0] && strcmp(o->host, hostname) != 0)) {
            continue;
        }
        if (hosts) {
            json_object_set_new(list, o->host, object_json(o, now));
        } else {
            json_t *h = json_object_get(list, o->host);

            if (h == NULL) {
                h = json_object();
                json_object_set_new(list, o->host, h);
            }
            json_object_set_new(h, o->service, object_json(o, now));
        }
    }
    json_object_set_new(data, member, list);
    free(v);
    return data;
}

static int host_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether no two hosts of v[0..n) share a name (two apps whose tenant and name join to the same
 * TENANT-APP): the text lists write each host once, where the tree merges a repeated one. */
static bool hosts_unique(const struct mon_object *v, size_t n)
{
    const char **names = sim_xmalloc((n + 1) * sizeof *names);
    size_t k = 0;
    bool unique = true;

    for (size_t i = 0; i < n; i++) {
        if (v[i].service[0] == '\0') {
            names[k++] = v[i].host;
        }
    }
    qsort(names, k, sizeof *names, host_cmp);
    for (size_t i = 1; i < k && unique; i++) {
        unique = strcmp(names[i - 1], names[i]) != 0;
    }
    free(names);
    return unique;
}

/* Takes a snapshot for a text list (*n objects; caller frees) and starts the data object of
 * the query, `depth` objects deep, up to its list member (named as the query); text_list_end
 * closes both. NULL, with nothing written, when two hosts share a name (hosts_unique). */
static struct mon_object *text_list_begin(struct text *t, struct monitor *m, struct world *w,
                                          const char *query, struct jbuf *b, int depth,
                                          size_t *n)
{
    struct mon_object *v = NULL;

    *n = monitor_snapshot(m, w, &v);
    if (!hosts_unique(v, *n)) {
        free(v);
        return NULL;
    }
    memset(t, 0, sizeof *t);
    t->sink.put = text_put;
    t->b = b;
    t->depth = depth;
    text_open(t, '{');
    text_key(t, "selectors");
    text_open(t, '{');
    text_close(t);
    text_key(t, query);
    text_open(t, '{');
    return v;
}

static void text_list_end(struct text *t)
{
    text_close(t);
    text_close(t);
}

bool sim_statusjson_text(struct monitor *m, struct world *w, const char *query,
                         const char *hostname, struct jbuf *b, int depth)
{
    int64_t now = sim_now();
    bool hosts = strcmp(query, "hostlist") == 0;
    const char *open_host = NULL; /* servicelist: the host whose object is open */
    struct mon_object *v;
    struct text t;
    size_t n;

    if (!hosts && strcmp(query, "servicelist") != 0) {
        return false;
    }
    v = text_list_begin(&t, m, w, query, b, depth, &n);
    if (v == NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const struct mon_object *o = &v[i];

        if ((o->service[0] == '\0') != hosts ||
            (hostname != NULL && hostname[0] && strcmp(o->host, hostname) != 0)) {
            continue;
        }
        if (!hosts && (open_host == NULL || strcmp(open_host, o->host) != 0)) {
            if (open_host != NULL) {
                text_close(&t);
            }
            text_key(&t, o->host);
            text_open(&t, '{');
            open_host = o->host;
        }
        text_key(&t, hosts ? o->host : o->service);
        text_open(&t, '{');
        object_fields(&t.sink, o, now);
        text_close(&t);
    }
    if (open_host != NULL) {
        text_close(&t);
    }
    text_list_end(&t);
    free(v);
    return true;
}

/* How many services follow host v[i] (the snapshot lists a host's services after it). */
static size_t services_of(const struct mon_object *v, size_t n, size_t i)
{
    size_t k = 0;

    while (i + 1 + k < n && v[i + 1 + k].service[0] != '\0') {
        k++;
    }
    return k;
}

bool sim_objectjson_text(struct monitor *m, struct world *w, const char *query,
                         struct jbuf *b, int depth)
{
    struct mon_object *v;
    struct text t;
    size_t n;

    v = strcmp(query, "hostlist") == 0 ? text_list_begin(&t, m, w, query, b, depth, &n) : NULL;
    if (v == NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i].service[0] == '\0') {
            text_key(&t, v[i].host);
            text_open(&t, '{');
            host_object_fields(&t.sink, &v[i], &v[i + 1], services_of(v, n, i));
            text_close(&t);
        }
    }
    text_list_end(&t);
    free(v);
    return true;
}

json_t *sim_objectjson(struct monitor *m, struct world *w, const char *query, int *type,
                       char *message, size_t size)
{
    struct mon_object *v = NULL;
    size_t n;
    json_t *data = json_pack("{s:{}}", "selectors");
    json_t *list = json_object();
    bool groups = strcmp(query, "hostgrouplist") == 0;

    if (!groups && strcmp(query, "hostlist") != 0) {
        *type = 6;
        snprintf(message, size, "The query option value '%.160s' is invalid.", query);
        json_decref(data);
        json_decref(list);
        return NULL;
    }
    n = monitor_snapshot(m, w, &v);
    for (size_t i = 0; i < n; i++) {
        const struct mon_object *o = &v[i];

        if (o->service[0] != '\0') {
            continue;
        }
        if (groups) {
            char name[64];
            json_t *g;

            snprintf(name, sizeof name, "tenant-%s", o->tenant);
            g = json_object_get(list, name);
            if (g == NULL) {
                char alias[96];

                snprintf(alias, sizeof alias, "Tenant %s", o->tenant);
                g = json_pack("{s:s,s:s,s:[],s:s,s:s,s:s}", "group_name", name, "alias", alias,
                              "members", "notes", "", "notes_url", "", "action_url", "");
                json_object_set_new(list, name, g);
            }
            json_array_append_new(json_object_get(g, "members"), json_string(o->host));
        } else {
            struct field_json j;
            json_t *host = field_json_init(&j);

            host_object_fields(&j.sink, o, o + 1, services_of(v, n, i));
            json_object_set_new(list, o->host, host);
        }
    }
    free(v);
    json_object_set_new(data, groups ? "hostgrouplist" : "hostlist", list);
    return data;
}

/* ---- cmd.cgi ---------------------------------------------------------------------------- */

/* The value of `key` in a form body, decoded into out; false when absent. */
static bool form_value(const char *body, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key);
    const char *p = body;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t n = 0;

            for (p += klen + 1; *p != '\0' && *p != '&' && n + 1 < size; p++) {
                if (*p == '+') {
                    out[n++] = ' ';
                } else if (*p == '%' && isxdigit((unsigned char)p[1]) &&
                           isxdigit((unsigned char)p[2])) {
                    char hex[3] = {p[1], p[2], '\0'};

                    out[n++] = (char)strtol(hex, NULL, 16);
                    p += 2;
                } else {
                    out[n++] = *p;
                }
            }
            out[n] = '\0';
            return true;
        }
        p = strchr(p, '&');
        if (p != NULL) {
            p++;
        }
    }
    return false;
}

/* cgi.cfg's us date_format: MM-DD-YYYY HH:MM:SS, local time. */
static bool us_time(const char *s, int64_t *out)
{
    struct tm tm;
    int n = 0;

    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%2d-%2d-%4d %2d:%2d:%2d%n", &tm.tm_mon, &tm.tm_mday, &tm.tm_year, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &n) != 6 ||
        s[n] != '\0') {
        return false;
    }
    tm.tm_mon -= 1;
    tm.tm_year -= 1900;
    tm.tm_isdst = -1;
    *out = (int64_t)mktime(&tm);
    return *out != -1;
}

static char *cmd_page(const char *box, const char *text)
{
    char *page = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&page, &len);

    fprintf(f,
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" "
            "\"http://www.w3.org/TR/html4/loose.dtd\">\n<html>\n<head>\n"
            "<title>External Command Interface</title>\n</head>\n<body CLASS='cmd'>\n"
            "<P><DIV CLASS='%s'>%s</DIV></P>\n",
            box, text);
    if (strcmp(box, "infoMessage") == 0) {
        fprintf(f, "<BR><BR>\n<A HREF='javascript:window.history.go(-2)'>Done</A>\n");
    }
    fprintf(f, "</body>\n</html>\n");
    fclose(f);
    return page;
}

/* The command's form: the fields the web UI posts back, with the form id. */
static char *cmd_form(const struct monitor *m, int cmd, const char *host, const char *svc)
{
    char *page = NULL, *box;
    size_t len = 0;
    FILE *f = open_memstream(&page, &len);

    fprintf(f,
            "<form method='post' action='cmd.cgi'>\n"
            "<INPUT TYPE='hidden' NAME='nagFormId' VALUE='%s'\n>"
            "<INPUT TYPE='HIDDEN' NAME='cmd_typ' VALUE='%d'>\n"
            "<INPUT TYPE='HIDDEN' NAME='cmd_mod' VALUE='2'>\n"
            "<INPUT TYPE='TEXT' NAME='host' VALUE='%s'>\n",
            monitor_form_id(m), cmd, host);
    if (svc[0] != '\0') {
        fprintf(f, "<INPUT TYPE='TEXT' NAME='service' VALUE='%s'>\n", svc);
    }
    if (cmd == 33 || cmd == 34) {
        fprintf(f, "<INPUT TYPE='checkbox' NAME='sticky_ack' CHECKED>\n"
                   "<INPUT TYPE='checkbox' NAME='send_notification' CHECKED>\n"
                   "<INPUT TYPE='checkbox' NAME='persistent' >\n");
    }
    fprintf(f, "<INPUT TYPE='TEXT' NAME='com_data' VALUE='' SIZE=40>\n"
               "<INPUT TYPE='submit' NAME='btnSubmit' VALUE='Commit'>\n</form>");
    fclose(f);
    box = cmd_page("cmdType", page);
    free(page);
    return box;
}

/* Is `key=value` among the cookies of a Cookie header? */
static bool cookie_has(const char *cookie, const char *key, const char *value)
{
    size_t klen = strlen(key), vlen = strlen(value);

    for (const char *p = cookie; p != NULL && *p != '\0';) {
        while (*p == ' ' || *p == ';') {
            p++;
        }
        if (strncmp(p, key, klen) == 0 && p[klen] == '=' &&
            strncmp(p + klen + 1, value, vlen) == 0 &&
            (p[klen + 1 + vlen] == '\0' || p[klen + 1 + vlen] == ';')) {
            return true;
        }
        p = strchr(p, ';');
    }
    return false;
}

char *sim_cmdcgi(struct monitor *m, struct world *w, const char *user, const char *body,
                 const char *cookie, const char **set_cookie)
{
    char typ[8] = "", mod[8] = "", host[MON_NAME_MAX] = "", svc[MON_NAME_MAX] = "";
    char com[256] = "", author[64] = "", from[32] = "", to[32] = "", fid[64] = "";
    const char *why = NULL;
    int cmd;

    form_value(body, "cmd_typ", typ, sizeof typ);
    form_value(body, "cmd_mod", mod, sizeof mod);
    form_value(body, "host", host, sizeof host);
    form_value(body, "service", svc, sizeof svc);
    form_value(body, "com_data", com, sizeof com);
    if (!form_value(body, "com_author", author, sizeof author) || author[0] == '\0') {
        snprintf(author, sizeof author, "%s", user);
    }
    cmd = atoi(typ);
    *set_cookie = NULL;
    if (cmd != 33 && cmd != 34 && cmd != 55 && cmd != 56) {
        return cmd_page("errorMessage", "Sorry Dave, I can't let you do that...");
    }
    if (strcmp(mod, "2") != 0) {
        /* without cmd_mod=2 the CGI shows the command's form: nothing is done */
        static char header[64];

        snprintf(header, sizeof header, "NagFormId=%s; SameSite=Strict; HttpOnly",
                 monitor_form_id(m));
        *set_cookie = header;
        return cmd_form(m, cmd, host, svc);
    }
    form_value(body, "nagFormId", fid, sizeof fid);
    if (strcmp(fid, monitor_form_id(m)) != 0 || !cookie_has(cookie, "NagFormId", fid)) {
        return cmd_page("errorMessage", "Error: Invalid or missing CSRF cookie!");
    }
    if (host[0] == '\0' || ((cmd == 34 || cmd == 56) && svc[0] == '\0')) {
        return cmd_page("errorMessage", "You must enter a host name and service description.");
    }
    if (com[0] == '\0') {
        return cmd_page("errorMessage", "Error: Comment was not entered.");
    }
    if (cmd == 33 || cmd == 34) {
        if (monitor_ack(m, w, host, cmd == 34 ? svc : "", author, com, &why) != 0) {
            return cmd_page("errorMessage", why);
        }
    } else {
        int64_t start, end;

        form_value(body, "start_time", from, sizeof from);
        form_value(body, "end_time", to, sizeof to);
        if (!us_time(from, &start) || !us_time(to, &end)) {
            return cmd_page("errorMessage", "Error: Invalid start or end time");
        }
        if (monitor_downtime(m, w, host, cmd == 56 ? svc : "", start, end, author, com, &why) !=
            0) {
            return cmd_page("errorMessage", why);
        }
    }
    return cmd_page("infoMessage", "Your command request was successfully submitted to Nagios "
                                   "for processing.<BR><BR>\nNote: It may take a while before "
                                   "the command is actually processed.<BR><BR>");
}
