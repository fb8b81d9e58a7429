/* archivejson.cgi readers: availability and statechangelist. */
#include "core/nagios/archive.h"

#include <stdlib.h>
#include <string.h>

#include "core/http.h"
#include "core/jsonflat.h"
#include "core/nagios/nagios_objects.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* Parses body and returns data.<member>, or NULL with *err; *root to free (may be NULL). */
static json_t *archive_answer(const char *body, size_t len, const char *member, json_t **root,
                              const char **user, char **err)
{
    *root = jsonflat_load(body, len, 0, NULL);
    if (*root == NULL) {
        *err = nagios_not_json_text(body, len);
        return NULL;
    }
    return nagios_answer_data(*root, member, user, err);
}

/* data.selectors.<key> in milliseconds, or 0. */
static int64_t selector_ms(json_t *root, const char *key)
{
    json_t *v = json_object_get(json_object_get(json_object_get(root, "data"), "selectors"), key);

    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int64_t seconds_of(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (json_is_integer(v) && json_integer_value(v) > 0) {
        return (int64_t)json_integer_value(v);
    }
    return 0;
}

static char *string_dup(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    return s != NULL ? sanitize_dup(s) : NULL;
}

/* One availability object into *a; -1 when it names no object. */
static int avail_read(json_t *obj, bool host, struct nagios_avail *a)
{
    memset(a, 0, sizeof *a);
    a->host = string_dup(obj, host ? "name" : "host_name");
    if (!host) {
        a->service = string_dup(obj, "description");
    }
    if (a->host == NULL || (!host && a->service == NULL)) {
        free(a->host);
        free(a->service);
        return -1;
    }
    a->times.ok = seconds_of(obj, host ? "time_up" : "time_ok");
    a->times.critical = seconds_of(obj, host ? "time_down" : "time_critical");
    a->times.unknown = seconds_of(obj, host ? "time_unreachable" : "time_unknown");
    a->times.sched_ok = seconds_of(obj, host ? "scheduled_time_up" : "scheduled_time_ok");
    a->times.sched_critical =
        seconds_of(obj, host ? "scheduled_time_down" : "scheduled_time_critical");
    a->times.sched_unknown =
        seconds_of(obj, host ? "scheduled_time_unreachable" : "scheduled_time_unknown");
    if (!host) {
        a->times.warning = seconds_of(obj, "time_warning");
        a->times.sched_warning = seconds_of(obj, "scheduled_time_warning");
    }
    a->times.nodata = seconds_of(obj, "time_indeterminate_nodata") +
                      seconds_of(obj, "time_indeterminate_notrunning");
    return 0;
}

int nagios_archive_read_availability(const char *body, size_t len, struct nagios_avail_list *out,
                                     char **err)
{
    static const struct {
        const char *member;
        bool host;
        bool list;
    } members[] = {
        {"services", false, true},
        {"service", false, false},
        {"hosts", true, true},
        {"host", true, false},
    };
    json_t *root = NULL, *data = NULL;
    const char *user = NULL;
    size_t which = 0;

    memset(out, 0, sizeof *out);
    root = jsonflat_load(body, len, 0, NULL);
    if (root == NULL) {
        *err = nagios_not_json_text(body, len);
        return -1;
    }
    for (which = 0; which < sizeof members / sizeof members[0]; which++) {
        if (json_object_get(json_object_get(root, "data"), members[which].member) != NULL) {
            break;
        }
    }
    data = nagios_answer_data(root, which < 4 ? members[which].member : "services", &user, err);
    if (data == NULL) {
        json_decref(root);
        return -1;
    }
    const char *query = json_string_value(json_object_get(json_object_get(root, "result"), "query"));

    if (query != NULL && strcmp(query, "availability") != 0) {
        *err = xstrdup("Nagios: not an availability answer");
        json_decref(root);
        return -1;
    }
    out->start = selector_ms(root, "starttime") / 1000;
    out->end = selector_ms(root, "endtime") / 1000;
    if (members[which].list && !json_is_array(data)) {
        *err = xasprintf("Nagios: %s is not a list", members[which].member);
        json_decref(root);
        return -1;
    }
    size_t count = members[which].list ? json_array_size(data) : 1;

    out->items = xcalloc(count ? count : 1, sizeof *out->items);
    for (size_t i = 0; i < count; i++) {
        json_t *obj = members[which].list ? json_array_get(data, i) : data;

        if (avail_read(obj, members[which].host, &out->items[out->n]) == 0) {
            out->n++;
        }
    }
    if (out->n == 0) {
        *err = nagios_no_data_text(user);
        json_decref(root);
        return -1;
    }
    json_decref(root);
    return 0;
}

void nagios_avail_list_fini(struct nagios_avail_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].host);
        free(l->items[i].service);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

bool nagios_avail_list_empty_history(const struct nagios_avail_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (sla_times_total(&l->items[i].times) != l->items[i].times.nodata) {
            return false;
        }
    }
    return true;
}

int nagios_archive_state(const json_t *state, bool host, enum sla_state *out)
{
    static const struct {
        const char *name;
        int service_code;
        int host_code;
        enum sla_state state;
    } states[] = {
        {"nodata", 0, 0, SLA_STATE_NODATA},
        {"ok", 8, -1, SLA_STATE_OK},
        {"warning", 16, -1, SLA_STATE_WARNING},
        {"critical", 32, -1, SLA_STATE_CRITICAL},
        {"unknown", 64, -1, SLA_STATE_UNKNOWN},
        {"up", -1, 1, SLA_STATE_OK},
        {"down", -1, 2, SLA_STATE_CRITICAL},
        {"unreachable", -1, 4, SLA_STATE_UNKNOWN},
    };
    const char *name = json_string_value(state);

    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        int code = host ? states[i].host_code : states[i].service_code;

        if ((name != NULL && strcmp(name, states[i].name) == 0) ||
            (name == NULL && json_is_integer(state) && code >= 0 &&
             json_integer_value(state) == code)) {
            *out = states[i].state;
            return 0;
        }
    }
    return -1;
}

const char *nagios_archive_state_name(enum sla_state s, bool host)
{
    switch (s) {
    case SLA_STATE_OK:
        return host ? "up" : "ok";
    case SLA_STATE_WARNING:
        return "warning";
    case SLA_STATE_CRITICAL:
        return host ? "down" : "critical";
    case SLA_STATE_UNKNOWN:
        return host ? "unreachable" : "unknown";
    case SLA_STATE_NODATA:
    default:
        return "no data";
    }
}

int nagios_archive_read_statechanges(const char *body, size_t len, struct nagios_statechanges *out,
                                     char **err)
{
    json_t *root = NULL;
    json_t *list;
    json_t *item;
    size_t i;

    memset(out, 0, sizeof *out);
    list = archive_answer(body, len, "statechangelist", &root, NULL, err);
    if (list == NULL) {
        json_decref(root);
        return -1;
    }
    if (!json_is_array(list)) {
        *err = xstrdup("Nagios: statechangelist is not a list");
        json_decref(root);
        return -1;
    }
    out->start_ms = selector_ms(root, "starttime");
    out->end_ms = selector_ms(root, "endtime");
    out->items = xcalloc(json_array_size(list) + 1, sizeof *out->items);
    json_array_foreach(list, i, item) {
        json_t *type = json_object_get(item, "object_type");
        json_t *st = json_object_get(item, "state_type");
        json_t *ts = json_object_get(item, "timestamp");
        bool host = (json_is_integer(type) && json_integer_value(type) == 1) ||
                    (json_is_string(type) && strcmp(json_string_value(type), "host") == 0);
        struct nagios_statechange *c = &out->items[out->n];

        if (!json_is_integer(ts) || nagios_archive_state(json_object_get(item, "state"), host,
                                                         &c->state) != 0) {
            continue;
        }
        c->t_ms = (int64_t)json_integer_value(ts);
        c->hard = (json_is_integer(st) && json_integer_value(st) == 1) ||
                  (json_is_string(st) && strcmp(json_string_value(st), "hard") == 0);
        c->output = string_dup(item, "plugin_output");
        if (c->output == NULL) {
            c->output = xstrdup("");
        }
        out->n++;
    }
    json_decref(root);
    return 0;
}

void nagios_statechanges_fini(struct nagios_statechanges *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].output);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

char *nagios_archive_availability_query(bool hosts, int64_t start, int64_t end)
{
    return xasprintf("query=availability&availabilityobjecttype=%s&starttime=%lld&endtime=%lld",
                     hosts ? "hosts" : "services", (long long)start, (long long)end);
}

char *nagios_archive_statechange_query(const char *host, const char *service, int64_t start,
                                       int64_t end)
{
    char *h = http_escape(host);
    char *sv = service != NULL ? http_escape(service) : NULL;
    char *q = xasprintf("query=statechangelist&objecttype=%s&hostname=%s%s%s"
                        "&starttime=%lld&endtime=%lld",
                        sv != NULL ? "service" : "host", h, sv != NULL ? "&servicedescription=" : "",
                        sv != NULL ? sv : "", (long long)start, (long long)end);

    free(h);
    free(sv);
    return q;
}
