/* statusjson hostlist / servicelist answers to store rows. */
#include "core/nagios/nagios_status.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonflat.h"
#include "core/jsontext.h"
#include "core/nagios/nagios_objects.h"
#include "core/poller.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

void nagios_row_free(struct store_row *row)
{
    struct nagios_row *r = (struct nagios_row *)row;

    if (r == NULL) {
        return;
    }
    free(r->row.uid);
    free(r->host);
    free(r->service);
    free(r->output);
    free(r);
}

const char *nagios_state_name(enum nagios_state s)
{
    switch (s) {
    case NAGIOS_OK:
        return "OK";
    case NAGIOS_UP:
        return "UP";
    case NAGIOS_PENDING:
        return "PENDING";
    case NAGIOS_WARNING:
        return "WARNING";
    case NAGIOS_UNKNOWN:
        return "UNKNOWN";
    case NAGIOS_CRITICAL:
        return "CRITICAL";
    case NAGIOS_DOWN:
        return "DOWN";
    case NAGIOS_UNREACHABLE:
        return "UNREACHABLE";
    }
    return "?";
}

bool nagios_state_problem(enum nagios_state s)
{
    return s != NAGIOS_OK && s != NAGIOS_UP && s != NAGIOS_PENDING;
}

int nagios_state_rank(enum nagios_state s)
{
    switch (s) {
    case NAGIOS_CRITICAL:
        return 0;
    case NAGIOS_DOWN:
        return 1;
    case NAGIOS_UNREACHABLE:
        return 2;
    case NAGIOS_WARNING:
        return 3;
    case NAGIOS_UNKNOWN:
        return 4;
    case NAGIOS_PENDING:
        return 5;
    case NAGIOS_OK:
    case NAGIOS_UP:
        break;
    }
    return 6;
}

enum nagios_state nagios_state_from_status(long code, bool host)
{
    if (host) {
        switch (code) {
        case 2:
            return NAGIOS_UP;
        case 4:
            return NAGIOS_DOWN;
        case 8:
            return NAGIOS_UNREACHABLE;
        default:
            return NAGIOS_PENDING;
        }
    }
    switch (code) {
    case 2:
        return NAGIOS_OK;
    case 4:
        return NAGIOS_WARNING;
    case 8:
        return NAGIOS_UNKNOWN;
    case 16:
        return NAGIOS_CRITICAL;
    default:
        return NAGIOS_PENDING;
    }
}

static int64_t ms_to_s(const json_t *v)
{
    json_int_t ms = json_is_integer(v) ? json_integer_value(v) : 0;

    return ms > 0 ? (int64_t)(ms / 1000) : 0;
}

static int int_member(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_integer(v) ? (int)json_integer_value(v) : 0;
}

/* The state of a `status` member: statusjson's bitmask, or its name (formatoptions=enumerate). */
static enum nagios_state status_of(const json_t *v, bool host)
{
    static const struct {
        const char *name;
        enum nagios_state state;
    } names[] = {{"ok", NAGIOS_OK},           {"up", NAGIOS_UP},
                 {"warning", NAGIOS_WARNING}, {"unknown", NAGIOS_UNKNOWN},
                 {"critical", NAGIOS_CRITICAL}, {"down", NAGIOS_DOWN},
                 {"unreachable", NAGIOS_UNREACHABLE}, {"pending", NAGIOS_PENDING}};
    const char *s = json_string_value(v);

    if (json_is_integer(v)) {
        return nagios_state_from_status((long)json_integer_value(v), host);
    }
    for (size_t i = 0; s != NULL && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            return names[i].state;
        }
    }
    return NAGIOS_PENDING;
}

/* One row from a host or service object; NULL when it names no host. */
static struct nagios_row *row_parse(const json_t *o, const char *host, const char *service)
{
    struct nagios_row *r;
    const char *out = json_string_value(json_object_get(o, "plugin_output"));
    json_t *status = json_object_get(o, "status");
    const char *h = json_string_value(json_object_get(o, service != NULL ? "host_name" : "name"));
    const char *s = service != NULL ? json_string_value(json_object_get(o, "description")) : NULL;

    if (!json_is_object(o)) {
        return NULL;
    }
    h = h != NULL ? h : host;
    s = s != NULL ? s : service;
    if (h == NULL || h[0] == '\0') {
        return NULL;
    }
    r = xcalloc(1, sizeof *r);
    r->host = sanitize_dup(h);
    r->service = s != NULL ? sanitize_dup(s) : NULL;
    r->row.uid = s != NULL ? xasprintf("%s;%s", r->host, r->service) : xstrdup(r->host);
    r->state = status_of(status, service == NULL);
    if (!json_is_true(json_object_get(o, "has_been_checked")) &&
        json_object_get(o, "has_been_checked") != NULL) {
        r->state = NAGIOS_PENDING;
    }
    r->hard = int_member(o, "state_type") == 1 ||
              (json_is_string(json_object_get(o, "state_type")) &&
               strcmp(json_string_value(json_object_get(o, "state_type")), "hard") == 0);
    r->attempt = int_member(o, "current_attempt");
    r->max_attempts = int_member(o, "max_attempts");
    r->last_state_change = ms_to_s(json_object_get(o, "last_state_change"));
    r->last_check = ms_to_s(json_object_get(o, "last_check"));
    r->acked = json_is_true(json_object_get(o, "problem_has_been_acknowledged"));
    r->downtime_depth = int_member(o, "scheduled_downtime_depth");
    r->flapping = json_is_true(json_object_get(o, "is_flapping"));
    r->output = sanitize_dup(out != NULL ? out : "");
    return r;
}

/* What row_parse() reads of a host or service: jsontext_prune() leaves out the rest
 * (long_plugin_output, perf_data, a score of flags and times) and the layout's whitespace,
 * so that about a third of the text is left to read into a tree. The envelope (result) is kept
 * whole. */
static const struct jsonprune_member nagios_detail_members[] = {
    {"name", NULL},           {"host_name", NULL},
    {"description", NULL},    {"plugin_output", NULL},
    {"status", NULL},         {"has_been_checked", NULL},
    {"state_type", NULL},     {"current_attempt", NULL},
    {"max_attempts", NULL},   {"last_state_change", NULL},
    {"last_check", NULL},     {"problem_has_been_acknowledged", NULL},
    {"scheduled_downtime_depth", NULL}, {"is_flapping", NULL},
    {NULL, NULL}};
static const struct jsonprune_member nagios_no_members[] = {{NULL, NULL}};
static const struct jsonprune nagios_detail = {false, nagios_detail_members, NULL};
/* hostlist: host name to details; servicelist: host name to service name to details */
static const struct jsonprune nagios_by_name = {false, nagios_no_members, &nagios_detail};
static const struct jsonprune nagios_by_host = {false, nagios_no_members, &nagios_by_name};
static const struct jsonprune_member nagios_data_members[] = {
    {"hostlist", &nagios_by_name}, {"servicelist", &nagios_by_host}, {NULL, NULL}};
static const struct jsonprune nagios_data = {true, nagios_data_members, NULL};
static const struct jsonprune_member nagios_root_members[] = {{"data", &nagios_data},
                                                              {NULL, NULL}};
static const struct jsonprune nagios_status_prune = {true, nagios_root_members, NULL};

void nagios_status_decode(const char *body, size_t len, bool hosts, struct poller_decode *out)
{
    struct jsontext_buf pruned = {0};

    if (jsontext_prune(body, len, &nagios_status_prune, &pruned)) {
        nagios_status_read(pruned.buf, pruned.len, hosts, out);
        if (out->error != NULL) {
            /* an error is worded from the answer as the server sent it */
            free(out->error);
            out->error = NULL;
            out->rejected = false;
            nagios_status_read(body, len, hosts, out);
        }
    } else {
        nagios_status_read(body, len, hosts, out);
    }
    free(pruned.buf);
}

void nagios_status_read(const char *body, size_t len, bool hosts, struct poller_decode *out)
{
    const char *member = hosts ? "hostlist" : "servicelist";
    json_t *root = jsonflat_load(body, len, 0, NULL);
    const char *user = NULL;
    json_t *data;
    const char *key;
    json_t *v;

    if (root == NULL) {
        out->error = nagios_not_json_text(body, len);
        return;
    }
    data = nagios_answer_data(root, member, &user, &out->error);
    if (data == NULL) {
        json_decref(root);
        return;
    }
    if (!json_is_object(data) || json_object_size(data) == 0) {
        /* a Nagios without hosts is no use to watch: empty means this user sees nothing */
        out->error = nagios_no_data_text(user);
        out->rejected = true;
        json_decref(root);
        return;
    }
    json_object_foreach(data, key, v) {
        if (hosts) {
            struct nagios_row *r = row_parse(v, key, NULL);

            if (r != NULL) {
                poller_decode_push(out, &r->row);
            }
            continue;
        }
        {
            const char *skey;
            json_t *sv;

            json_object_foreach(v, skey, sv) {
                struct nagios_row *r = row_parse(sv, key, skey);

                if (r != NULL) {
                    poller_decode_push(out, &r->row);
                }
            }
        }
    }
    if (out->nrows == 0) {
        /* entries, none with details: query=...list without details=true, or another shape */
        out->error = xasprintf("Nagios: the %s holds no %s details (details=true)", member,
                               hosts ? "host" : "service");
    }
    json_decref(root);
}
