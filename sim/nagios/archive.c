/* archivejson.cgi over the world's Nagios history (sim/nagios/history.h): query=availability
 * (availabilityobjecttype services or hosts; hostname, servicedescription and hostgroup
 * narrow it) and query=statechangelist (objecttype host or service, hostname,
 * servicedescription). starttime and endtime are required, as in Nagios 4.4.6 (type_code 4
 * "Start and/or end time must be supplied"); negative or `+` values are relative to now.
 * Time after now is no data. Hosts are always UP (history begins with their app). The present
 * comes from govsim's monitor (sim/nagios/monitor.h): each service's state since it entered
 * it, and the downtimes scheduled through cmd.cgi. */
#include "sim/nagios/archive.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sla/sla.h"
#include "sim/jbuf.h"
#include "sim/nagios/history.h"
#include "sim/nagios/monitor.h"
#include "sim/sim_util.h"

enum archive_type {
    ARCHIVE_SUCCESS = 0,
    ARCHIVE_OPTION_MISSING = 4,
    ARCHIVE_OPTION_VALUE_INVALID = 6,
};

static enum MHD_Result archive_send(const struct router_request *req, struct jbuf *b)
{
    char modified[32];
    size_t len;

    sim_format_utc(sim_now(), "%a, %d %b %Y %H:%M:%S GMT", modified, sizeof(modified));
    const char *const headers[] = {"Cache-Control", "no-store", "Pragma", "no-cache",
                                   "Last-Modified", modified,   "Expires",
                                   "Thu, 01 Jan 1970 00:00:00 GMT", NULL};
    char *data = jbuf_steal(b, &len);

    return router_queue_buffer(req->conn, 200, "application/json; charset=utf-8", data, len,
                               headers);
}

/* The envelope up to and including `"data": {`. */
static void envelope(struct jbuf *b, const struct router_request *req, const char *user,
                     const char *query, enum archive_type type, const char *type_text,
                     const char *message)
{
    int64_t now_ms = sim_now_ns() / 1000000;

    world_lock(req->world);
    int64_t start_ms = req->world->start_time * 1000;
    world_unlock(req->world);
    JB_LIT(b, "{\"format_version\":0,\"result\":{\"query_time\":");
    jbuf_put_i64(b, now_ms);
    JB_LIT(b, ",\"cgi\":\"archivejson.cgi\",\"user\":");
    jbuf_put_str(b, user);
    JB_LIT(b, ",\"query\":");
    jbuf_put_str(b, query);
    JB_LIT(b, ",\"query_status\":\"released\",\"program_start\":");
    jbuf_put_i64(b, start_ms);
    JB_LIT(b, ",\"last_data_update\":");
    jbuf_put_i64(b, now_ms);
    JB_LIT(b, ",\"type_code\":");
    jbuf_put_i64(b, type);
    JB_LIT(b, ",\"type_text\":");
    jbuf_put_str(b, type_text);
    JB_LIT(b, ",\"message\":");
    jbuf_put_str(b, message);
    JB_LIT(b, "},\"data\":{");
}

static enum MHD_Result archive_error(const struct router_request *req, const char *user,
                                     const char *query, enum archive_type type,
                                     const char *type_text, const char *message)
{
    struct jbuf b;

    jbuf_init(&b);
    envelope(&b, req, user, query ? query : "", type, type_text, message);
    JB_LIT(&b, "}}\n");
    enum MHD_Result r = archive_send(req, &b);
    jbuf_fini(&b);
    return r;
}

/* A time argument: absolute epoch seconds, or relative to now when negative or signed with
 * `+` (which arrives as a space when the client did not encode it). */
static bool time_arg(const char *s, int64_t now, int64_t *out)
{
    char *end;
    bool relative = s[0] == '-' || s[0] == '+' || s[0] == ' ';
    long long v = strtoll(s[0] == ' ' ? s + 1 : s, &end, 10);

    if (*s == '\0' || *end != '\0') {
        return false;
    }
    *out = relative ? now + v : v;
    return true;
}

/* The monitor's present: its services sorted by (host, service), and its downtimes. */
struct present {
    struct mon_object *objs;
    size_t n;
    struct mon_object **sorted;
    size_t ns;
    struct mon_downtime *dts;
    size_t nd;
    struct sla_span *spans; /* scratch for one service's downtimes */
};

static int object_cmp(const void *a, const void *b)
{
    const struct mon_object *x = *(const struct mon_object *const *)a;
    const struct mon_object *y = *(const struct mon_object *const *)b;
    int c = strcmp(x->host, y->host);

    return c != 0 ? c : strcmp(x->service, y->service);
}

/* Takes the monitor's snapshot (it locks the world itself: call without the world's lock). */
static void present_take(struct present *p, struct monitor *m, struct world *w)
{
    memset(p, 0, sizeof *p);
    if (m == NULL) {
        return;
    }
    p->n = monitor_snapshot(m, w, &p->objs);
    p->nd = monitor_downtimes(m, &p->dts);
    p->sorted = sim_xcalloc(p->n + 1, sizeof *p->sorted);
    for (size_t i = 0; i < p->n; i++) {
        if (p->objs[i].service[0] != '\0') {
            p->sorted[p->ns++] = &p->objs[i];
        }
    }
    qsort(p->sorted, p->ns, sizeof *p->sorted, object_cmp);
    p->spans = sim_xcalloc(p->nd + 1, sizeof *p->spans);
}

static void present_free(struct present *p)
{
    free(p->objs);
    free(p->sorted);
    free(p->dts);
    free(p->spans);
}

/* What the monitor says of s now, into *live; false when it does not know s. */
static bool present_of(struct present *p, const struct nagios_sim_service *s,
                       struct nagios_sim_live *live)
{
    struct mon_object key, *kp = &key, **hit;

    snprintf(key.host, sizeof key.host, "%.*s", (int)sizeof key.host - 1, s->host);
    snprintf(key.service, sizeof key.service, "%s", s->service);
    hit = p->ns ? bsearch(&kp, p->sorted, p->ns, sizeof *p->sorted, object_cmp) : NULL;
    if (hit == NULL) {
        return false;
    }
    live->state = (*hit)->state == MON_CRITICAL  ? SLA_STATE_CRITICAL
                  : (*hit)->state == MON_WARNING ? SLA_STATE_WARNING
                  : (*hit)->state == MON_UNKNOWN ? SLA_STATE_UNKNOWN
                                                 : SLA_STATE_OK;
    live->since = (*hit)->since;
    live->output = (*hit)->output;
    live->n_downtimes = 0;
    for (size_t i = 0; i < p->nd; i++) {
        if (strcmp(p->dts[i].host, s->host) == 0 && strcmp(p->dts[i].service, s->service) == 0) {
            p->spans[live->n_downtimes++] = (struct sla_span){p->dts[i].start, p->dts[i].end};
        }
    }
    live->downtimes = p->spans;
    return true;
}

static void put_ms(struct jbuf *b, const char *key, int64_t ms)
{
    jbuf_putc(b, '"');
    jbuf_puts(b, key);
    JB_LIT(b, "\":");
    jbuf_put_i64(b, ms);
}

static void put_seconds(struct jbuf *b, const char *key, int64_t s)
{
    JB_LIT(b, ",\"");
    jbuf_puts(b, key);
    JB_LIT(b, "\":");
    jbuf_put_i64(b, s);
}

/* The times of one service over [start, end): history up to now, no data after. */
static void service_times(const struct world *w, struct present *p,
                          const struct nagios_sim_service *s, int64_t start, int64_t end,
                          int64_t now, struct sla_times *t)
{
    struct nagios_sim_history h;
    struct nagios_sim_live live;
    int64_t upto = end < now ? end : now;

    if (upto < start) {
        upto = start;
    }
    nagios_sim_history(w, s, present_of(p, s, &live) ? &live : NULL, start, upto, &h);
    sla_times_from_changes(h.changes, h.n, h.downtimes, h.m, start, upto, t);
    t->nodata += end - upto;
    nagios_sim_history_fini(&h);
}

static bool wanted(const struct nagios_sim_service *s, const char *host, const char *service,
                   const char *group)
{
    return (host == NULL || strcmp(host, s->host) == 0) &&
           (service == NULL || strcmp(service, s->service) == 0) &&
           (group == NULL || strcmp(group, s->hostgroup) == 0);
}

static void put_service_times(struct jbuf *b, const struct nagios_sim_service *s,
                              const struct sla_times *t)
{
    JB_LIT(b, "{\"host_name\":");
    jbuf_put_str(b, s->host);
    JB_LIT(b, ",\"description\":");
    jbuf_put_str(b, s->service);
    put_seconds(b, "time_ok", t->ok);
    put_seconds(b, "time_warning", t->warning);
    put_seconds(b, "time_critical", t->critical);
    put_seconds(b, "time_unknown", t->unknown);
    put_seconds(b, "scheduled_time_ok", t->sched_ok);
    put_seconds(b, "scheduled_time_warning", t->sched_warning);
    put_seconds(b, "scheduled_time_critical", t->sched_critical);
    put_seconds(b, "scheduled_time_unknown", t->sched_unknown);
    put_seconds(b, "time_indeterminate_nodata", t->nodata);
    put_seconds(b, "time_indeterminate_notrunning", 0);
    jbuf_putc(b, '}');
}

/* A host is UP from when its first service's history begins (its app's creation, or 60 days
 * before the world), in downtime when its services are. */
static void put_host_times(struct jbuf *b, const struct world *w, struct present *p,
                           const struct nagios_sim_service *s, int64_t start, int64_t end,
                           int64_t now)
{
    struct sla_times t;

    service_times(w, p, s, start, end, now, &t);
    JB_LIT(b, "{\"name\":");
    jbuf_put_str(b, s->host);
    put_seconds(b, "time_up", t.ok + t.warning + t.critical + t.unknown);
    put_seconds(b, "time_down", 0);
    put_seconds(b, "time_unreachable", 0);
    put_seconds(b, "scheduled_time_up",
                t.sched_ok + t.sched_warning + t.sched_critical + t.sched_unknown);
    put_seconds(b, "scheduled_time_down", 0);
    put_seconds(b, "scheduled_time_unreachable", 0);
    put_seconds(b, "time_indeterminate_nodata", t.nodata);
    put_seconds(b, "time_indeterminate_notrunning", 0);
    jbuf_putc(b, '}');
}

/* A success up to and including data.selectors' starttime and endtime (b initialised here). */
static void answer_begin(struct jbuf *b, const struct router_request *req, const char *user,
                         const char *query, int64_t start, int64_t end)
{
    jbuf_init(b);
    envelope(b, req, user, query, ARCHIVE_SUCCESS, "Success", "");
    JB_LIT(b, "\"selectors\":{");
    put_ms(b, "starttime", start * 1000);
    JB_LIT(b, ",");
    put_ms(b, "endtime", end * 1000);
}

/* Ends the answer's list and sends it; releases what answering took (the world's lock too). */
static enum MHD_Result answer_end(struct jbuf *b, const struct router_request *req,
                                  struct present *p, struct nagios_sim_service *all)
{
    world_unlock(req->world);
    present_free(p);
    free(all);
    JB_LIT(b, "]}}\n");
    enum MHD_Result r = archive_send(req, b);
    jbuf_fini(b);
    return r;
}

static enum MHD_Result availability(const struct router_request *req, struct monitor *m,
                                    const char *user, int64_t start, int64_t end, int64_t now)
{
    const char *type = router_arg(req->conn, "availabilityobjecttype");
    const char *host = router_arg(req->conn, "hostname");
    const char *service = router_arg(req->conn, "servicedescription");
    const char *group = router_arg(req->conn, "hostgroup");
    bool hosts = type != NULL && strcmp(type, "hosts") == 0;
    struct nagios_sim_service *all;
    struct jbuf b;

    if (type == NULL || (!hosts && strcmp(type, "services") != 0)) {
        return archive_error(req, user, "availability", ARCHIVE_OPTION_VALUE_INVALID,
                             "Option Value Invalid",
                             "The availabilityobjecttype option value is not supported here.");
    }
    answer_begin(&b, req, user, "availability", start, end);
    JB_LIT(&b, ",\"availabilityobjecttype\":");
    jbuf_put_i64(&b, hosts ? 1 : 2);
    JB_LIT(&b, ",\"assumeinitialstate\":true,\"assumestateretention\":true,"
               "\"assumestateduringnagiosdowntime\":true},");
    jbuf_puts(&b, hosts ? "\"hosts\":[" : "\"services\":[");

    struct present p;

    present_take(&p, m, req->world);
    world_lock(req->world);
    size_t n = nagios_sim_services(req->world, &all);
    bool first = true;

    for (size_t i = 0; i < n; i++) {
        if (!wanted(&all[i], host, hosts ? NULL : service, group) ||
            (hosts && i > 0 && strcmp(all[i - 1].host, all[i].host) == 0)) {
            continue;
        }
        if (!first) {
            jbuf_putc(&b, ',');
        }
        first = false;
        if (hosts) {
            put_host_times(&b, req->world, &p, &all[i], start, end, now);
        } else {
            struct sla_times t;

            service_times(req->world, &p, &all[i], start, end, now, &t);
            put_service_times(&b, &all[i], &t);
        }
    }
    return answer_end(&b, req, &p, all);
}

static void put_change(struct jbuf *b, const struct nagios_sim_service *s, bool host, int64_t t,
                       enum sla_state state, bool hard, const char *output)
{
    static const int service_code[] = {0, 8, 16, 32, 64};
    static const int host_code[] = {0, 1, 1, 2, 4};

    JB_LIT(b, "{");
    put_ms(b, "timestamp", t * 1000);
    JB_LIT(b, ",\"object_type\":");
    jbuf_put_i64(b, host ? 1 : 2);
    if (host) {
        JB_LIT(b, ",\"name\":");
        jbuf_put_str(b, s->host);
    } else {
        JB_LIT(b, ",\"host_name\":");
        jbuf_put_str(b, s->host);
        JB_LIT(b, ",\"description\":");
        jbuf_put_str(b, s->service);
    }
    JB_LIT(b, ",\"state_type\":");
    jbuf_put_i64(b, hard ? 1 : 2);
    JB_LIT(b, ",\"state\":");
    jbuf_put_i64(b, host ? host_code[state] : service_code[state]);
    JB_LIT(b, ",\"plugin_output\":");
    jbuf_put_str(b, output);
    jbuf_putc(b, '}');
}

static enum MHD_Result statechangelist(const struct router_request *req, struct monitor *m,
                                       const char *user, int64_t start, int64_t end, int64_t now)
{
    const char *type = router_arg(req->conn, "objecttype");
    const char *host = router_arg(req->conn, "hostname");
    const char *service = router_arg(req->conn, "servicedescription");
    bool is_host = type != NULL && strcmp(type, "host") == 0;
    struct nagios_sim_service *all;
    struct jbuf b;

    if (type == NULL || (!is_host && strcmp(type, "service") != 0)) {
        return archive_error(req, user, "statechangelist", ARCHIVE_OPTION_MISSING,
                             "Option Missing", "The objecttype option is required.");
    }
    if (host == NULL || (!is_host && service == NULL)) {
        return archive_error(req, user, "statechangelist", ARCHIVE_OPTION_MISSING,
                             "Option Missing",
                             is_host ? "Host name must be supplied."
                                     : "Host name and service description must be supplied.");
    }
    answer_begin(&b, req, user, "statechangelist", start, end);
    JB_LIT(&b, ",\"hostname\":");
    jbuf_put_str(&b, host);
    if (!is_host) {
        JB_LIT(&b, ",\"servicedescription\":");
        jbuf_put_str(&b, service);
    }
    JB_LIT(&b, "},\"statechangelist\":[");

    struct present p;

    present_take(&p, m, req->world);
    world_lock(req->world);
    size_t n = nagios_sim_services(req->world, &all);

    for (size_t i = 0; i < n; i++) {
        if (!wanted(&all[i], host, is_host ? NULL : service, NULL)) {
            continue;
        }
        struct nagios_sim_history h;
        struct nagios_sim_live live;
        int64_t upto = end < now ? end : now;
        enum sla_state at_start = SLA_STATE_NODATA;
        size_t k = 0;

        nagios_sim_history(req->world, &all[i], present_of(&p, &all[i], &live) ? &live : NULL,
                           start, upto, &h);
        for (; k < h.n && h.changes[k].t <= start; k++) {
            at_start = h.changes[k].state;
        }
        put_change(&b, &all[i], is_host, start, is_host && at_start != SLA_STATE_NODATA
                                                     ? SLA_STATE_OK
                                                     : at_start,
                   true, is_host ? "Initial Host Pseudo-State" : "Initial Service Pseudo-State");
        for (; !is_host && k < h.n && h.changes[k].t < upto; k++) {
            JB_LIT(&b, ",");
            put_change(&b, &all[i], false, h.changes[k].t, h.changes[k].state, true,
                       h.outputs[k]);
        }
        if (is_host && at_start == SLA_STATE_NODATA && h.n > 0 && h.changes[0].t < upto) {
            JB_LIT(&b, ",");
            put_change(&b, &all[i], true, h.changes[0].t, SLA_STATE_OK, true, "PING OK");
        }
        nagios_sim_history_fini(&h);
        break;
    }
    return answer_end(&b, req, &p, all);
}

enum MHD_Result nagios_archivejson(const struct router_request *req, struct monitor *m,
                                   const char *user)
{
    const char *query = router_arg(req->conn, "query");
    const char *st = router_arg(req->conn, "starttime");
    const char *et = router_arg(req->conn, "endtime");
    int64_t now = sim_now(), start, end;

    if (query == NULL || *query == '\0') {
        return archive_error(req, user, "", ARCHIVE_OPTION_MISSING, "Option Missing",
                             "The query option is required.");
    }
    if (strcmp(query, "availability") != 0 && strcmp(query, "statechangelist") != 0) {
        char message[256];

        snprintf(message, sizeof message, "The query option value '%.160s' is invalid.", query);
        return archive_error(req, user, query, ARCHIVE_OPTION_VALUE_INVALID,
                             "Option Value Invalid", message);
    }
    if (st == NULL || et == NULL) {
        return archive_error(req, user, query, ARCHIVE_OPTION_MISSING, "Option Missing",
                             "Start and/or end time must be supplied.");
    }
    if (!time_arg(st, now, &start) || !time_arg(et, now, &end) || end < start) {
        return archive_error(req, user, query, ARCHIVE_OPTION_VALUE_INVALID,
                             "Option Value Invalid",
                             "The requested start time must be before the end time.");
    }
    if (strcmp(query, "availability") == 0) {
        return availability(req, m, user, start, end, now);
    }
    return statechangelist(req, m, user, start, end, now);
}
