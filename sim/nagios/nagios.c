/* Nagios Core 4.4.6's JSON CGIs under /nagios4/cgi-bin/ (Debian's path), behind an Apache
 * that asks for basic authentication when govsim has --basic-auth. statusjson.cgi answers
 * query=programstatus here, and the hosts, services, comments and downtimes of the world's
 * apps through sim/nagios/status.c (objectjson.cgi's hostgroups and hosts too, and cmd.cgi's
 * acknowledge and downtime); an unknown query gets the CGI's "Option Value Invalid"
 * (type_code 6), with HTTP 200 as Nagios answers errors. The program started when the world
 * did, so every query shares one clock. */
#include "sim/router.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/nagios/archive.h" /* sla (issue 13) */
#include "sim/nagios/monitor.h"
#include "sim/nagios/status.h"
#include "sim/sim_util.h"

#define NAGIOS_CGI "/nagios4/cgi-bin/"
/* The user Debian's nagios4-cgi runs as when the web server does not authenticate. */
#define NAGIOS_DEFAULT_USER "nagiosadmin"
#define NAGIOS_REALM "Basic realm=\"Nagios Access\""

enum nagios_type {
    NAGIOS_SUCCESS = 0,
    NAGIOS_OPTION_MISSING = 4,
    NAGIOS_OPTION_VALUE_INVALID = 6,
};

/* An Apache error page (the CGIs sit behind Apache 2.4 on Debian). */
static enum MHD_Result apache_page(const struct router_request *req, unsigned status,
                                   const char *title, const char *text, const char *const *headers)
{
    char page[1024];
    snprintf(page, sizeof(page),
             "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n"
             "<html><head>\n"
             "<title>%u %s</title>\n"
             "</head><body>\n"
             "<h1>%s</h1>\n"
             "<p>%s</p>\n"
             "<hr>\n"
             "<address>Apache/2.4.62 (Debian) Server at 127.0.0.1 Port %u</address>\n"
             "</body></html>\n",
             status, title, title, text, router_port(req->router));
    return router_queue_text(req->conn, status, "text/html; charset=iso-8859-1", page, headers);
}

/* Answers with the CGI's JSON and headers: doc (reference taken) dumped, or text's content
 * (b left empty). */
static enum MHD_Result cgi_answer(const struct router_request *req, json_t *doc, struct jbuf *text)
{
    static const char ctype[] = "application/json; charset=utf-8";
    char modified[32];
    sim_format_utc(sim_now(), "%a, %d %b %Y %H:%M:%S GMT", modified, sizeof(modified));
    const char *const headers[] = {"Cache-Control",
                                   "no-store",
                                   "Pragma",
                                   "no-cache",
                                   "Last-Modified",
                                   modified,
                                   "Expires",
                                   "Thu, 01 Jan 1970 00:00:00 GMT",
                                   NULL};
    if (text != NULL) {
        size_t len;
        char *data = jbuf_steal(text, &len);

        return router_queue_buffer(req->conn, 200, ctype, data, len, headers);
    }
    return router_queue_json_as(req->conn, 200, ctype, doc, JSON_INDENT(2), headers);
}

static enum MHD_Result cgi_json(const struct router_request *req, json_t *doc)
{
    return cgi_answer(req, doc, NULL);
}

static enum MHD_Result cgi_text(const struct router_request *req, struct jbuf *b)
{
    return cgi_answer(req, NULL, b);
}

/* The envelope's result of an error: what 4.4.6 prints (no user, no query, program_start 0). */
static json_t *error_result(int64_t now_ms, enum nagios_type type, const char *text,
                            const char *message)
{
    return json_pack("{s:I,s:s,s:i,s:i,s:s,s:s}", "query_time", (json_int_t)now_ms, "cgi",
                     "statusjson.cgi", "program_start", 0, "type_code", (int)type, "type_text",
                     text, "message", message);
}

/* The help the CGI appends to an invalid query: the query option and the values govsim's
 * statusjson knows. */
static json_t *query_options(void)
{
    static const char *const queries[][2] = {
        {"programstatus", "Return the Nagios Core program status"},
        {"hostcount", "Return the number of hosts in each state"},
        {"hostlist", "Return a list of hosts and their details"},
        {"host", "Return the status of a single host."},
        {"servicecount", "Return the number of services in each state"},
        {"servicelist", "Return a list of services and their details"},
        {"service", "Return the status of a single service"},
        {"commentlist", "Return a list of comments"},
        {"downtimelist", "Return a list of downtimes"},
    };
    json_t *values = json_object();

    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        json_object_set_new(values, queries[i][0],
                            json_pack("{s:s}", "description", queries[i][1]));
    }
    return json_pack("{s:{s:s,s:s,s:[s],s:[],s:s,s:s,s:o}}", "query", "label", "Query", "type",
                     "enumeration", "required", "all", "optional", "depends_on", "",
                     "description", "Specifies the type of query to be executed.", "valid_values",
                     values);
}

/* The success envelope of a query. */
static json_t *success_result(const struct router_request *req, const char *cgi,
                              const char *query, const char *user)
{
    int64_t now_ms = sim_now_ns() / 1000000;
    json_int_t start_ms;

    world_lock(req->world);
    start_ms = (json_int_t)req->world->start_time * 1000;
    world_unlock(req->world);
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:i,s:s,s:s}", "query_time",
                     (json_int_t)now_ms, "cgi", cgi, "user", user, "query", query,
                     "query_status", "released", "program_start", start_ms, "last_data_update",
                     (json_int_t)now_ms, "type_code", NAGIOS_SUCCESS, "type_text", "Success",
                     "message", "");
}

/* A list query written as text (sim_statusjson_text, sim_objectjson_text): the success
 * envelope, dumped as cgi_json dumps it, with the data member written after it. False, with
 * nothing sent, when the query is not one of those. */
static bool text_query(const struct router_request *req, struct monitor *m, const char *cgi,
                       const char *query, const char *user, enum MHD_Result *rc)
{
    json_t *head = json_pack("{s:i,s:o}", "format_version", 0, "result",
                             success_result(req, cgi, query, user));
    char *text = json_dumps(head, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    size_t len = strlen(text);
    struct jbuf b;

    json_decref(head);
    jbuf_init(&b);
    /* the dump ends with the envelope's closing "\n}": data goes before it */
    jbuf_put(&b, text, len - 2);
    free(text);
    JB_LIT(&b, ",\n  \"data\": ");
    if (strcmp(cgi, "objectjson.cgi") == 0
            ? !sim_objectjson_text(m, req->world, query, &b, 1)
            : !sim_statusjson_text(m, req->world, query, router_arg(req->conn, "hostname"), &b,
                                   1)) {
        jbuf_fini(&b);
        return false;
    }
    JB_LIT(&b, "\n}");
    *rc = cgi_text(req, &b);
    return true;
}

/* A query of sim/nagios/status.c (statusjson or objectjson): its data, or its error. */
static enum MHD_Result monitor_query(const struct router_request *req, struct monitor *m,
                                     const char *cgi, const char *query, const char *user)
{
    int type = 0;
    char message[256] = "";
    enum MHD_Result rc;

    if (text_query(req, m, cgi, query, user, &rc)) {
        return rc;
    }
    json_t *data = strcmp(cgi, "objectjson.cgi") == 0
                       ? sim_objectjson(m, req->world, query, &type, message, sizeof message)
                       : sim_statusjson(m, req->world, query, router_arg(req->conn, "hostname"),
                                        router_arg(req->conn, "servicedescription"), &type,
                                        message, sizeof message);

    if (data == NULL) {
        json_t *result = error_result(sim_now_ns() / 1000000, (enum nagios_type)type,
                                      "Option Value Invalid", message);

        json_object_set_new(result, "cgi", json_string(cgi));
        return cgi_json(req, json_pack("{s:i,s:o,s:{s:o}}", "format_version", 0, "result",
                                       result, "data", "options", query_options()));
    }
    return cgi_json(req, json_pack("{s:i,s:o,s:o}", "format_version", 0, "result",
                                   success_result(req, cgi, query, user), "data", data));
}

/* statusjson.cgi: programstatus, or type_code 6 for any other query. */
static enum MHD_Result statusjson(const struct router_request *req, const char *user,
                                  struct monitor *m)
{
    int64_t now_ms = sim_now_ns() / 1000000;
    const char *query = router_arg(req->conn, "query");
    if (!query || !*query) {
        return cgi_json(req, json_pack("{s:i,s:o,s:{s:o}}", "format_version", 0, "result",
                                       error_result(now_ms, NAGIOS_OPTION_MISSING, "Option Missing",
                                                    "The query option is required."),
                                       "data", "options", query_options()));
    }
    if (strcmp(query, "programstatus") != 0 && m != NULL) {
        return monitor_query(req, m, "statusjson.cgi", query, user);
    }
    if (strcmp(query, "programstatus") != 0) {
        char message[256];
        snprintf(message, sizeof(message), "The query option value '%.160s' is invalid.", query);
        return cgi_json(req, json_pack("{s:i,s:o,s:{s:o}}", "format_version", 0, "result",
                                       error_result(now_ms, NAGIOS_OPTION_VALUE_INVALID,
                                                    "Option Value Invalid", message),
                                       "data", "options", query_options()));
    }
    world_lock(req->world);
    json_int_t start_ms = (json_int_t)req->world->start_time * 1000;
    world_unlock(req->world);
    json_t *result =
        json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:i,s:s,s:s}", "query_time", (json_int_t)now_ms,
                  "cgi", "statusjson.cgi", "user", user, "query", "programstatus", "query_status",
                  "released", "program_start", start_ms, "last_data_update", (json_int_t)now_ms,
                  "type_code", NAGIOS_SUCCESS, "type_text", "Success", "message", "");
    /* nagios.cfg's defaults on a production instance: checks, notifications, freshness and
     * flap detection on, no obsessing, no performance data processing. */
    json_t *status = json_pack(
        "{s:s,s:i,s:b,s:I,s:i,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b}", "version", "4.4.6",
        "nagios_pid", (int)getpid(), "daemon_mode", 1, "program_start", start_ms,
        "last_log_rotation", 0, "enable_notifications", 1, "execute_service_checks", 1,
        "accept_passive_service_checks", 1, "execute_host_checks", 1, "accept_passive_host_checks",
        1, "enable_event_handlers", 1, "obsess_over_services", 0, "obsess_over_hosts", 0,
        "check_service_freshness", 1, "check_host_freshness", 0, "enable_flap_detection", 1,
        "process_performance_data", 0);
    return cgi_json(req, json_pack("{s:i,s:o,s:{s:o}}", "format_version", 0, "result", result,
                                   "data", "programstatus", status));
}

/* A GET's form fields as a body (cmd_typ, cmd_mod, host, service), values re-encoded. */
static char *cmd_query(const struct router_request *req)
{
    static const char *const keys[] = {"cmd_typ", "cmd_mod", "host", "service"};
    char *out = sim_xstrdup("");

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = router_arg(req->conn, keys[i]);
        char *next;
        size_t n = strlen(out);

        if (v == NULL) {
            continue;
        }
        next = sim_xmalloc(n + strlen(keys[i]) + 3 * strlen(v) + 3);
        memcpy(next, out, n);
        n += (size_t)sprintf(next + n, "%s%s=", n > 0 ? "&" : "", keys[i]);
        for (const char *p = v; *p != '\0'; p++) {
            n += (size_t)sprintf(next + n, isalnum((unsigned char)*p) || *p == '-' || *p == '.' ||
                                                   *p == '_'
                                               ? "%c"
                                               : "%%%02X",
                                 (unsigned char)*p);
        }
        free(out);
        out = next;
    }
    return out;
}

static void *nagios_start(struct router *router, const struct router_config *cfg)
{
    (void)router;
    (void)cfg;
    return monitor_new();
}

static void nagios_stop(void *state)
{
    monitor_free(state);
}

static enum MHD_Result nagios_serve(void *state, const struct router_request *req)
{
    struct monitor *m = state;
    char user[128];
    if (!router_basic_auth(req, user, sizeof(user))) {
        static const char *const challenge[] = {"WWW-Authenticate", NAGIOS_REALM, NULL};
        return apache_page(req, 401, "Unauthorized",
                           "This server could not verify that you\n"
                           "are authorized to access the document\n"
                           "requested.  Either you supplied the wrong\n"
                           "credentials (e.g., bad password), or your\n"
                           "browser doesn't understand how to supply\n"
                           "the credentials required.",
                           challenge);
    }
    if (strcmp(req->url, NAGIOS_CGI "statusjson.cgi") == 0) {
        return statusjson(req, user[0] ? user : NAGIOS_DEFAULT_USER, m);
    }
    if (strcmp(req->url, NAGIOS_CGI "objectjson.cgi") == 0 && m != NULL) {
        const char *query = router_arg(req->conn, "query");

        return monitor_query(req, m, "objectjson.cgi", query != NULL ? query : "",
                             user[0] ? user : NAGIOS_DEFAULT_USER);
    }
    if (strcmp(req->url, NAGIOS_CGI "cmd.cgi") == 0 && m != NULL) {
        const char *set_cookie = NULL;
        char *query = strcmp(req->method, "GET") == 0 ? cmd_query(req) : NULL;
        char *page = sim_cmdcgi(m, req->world, user[0] ? user : NAGIOS_DEFAULT_USER,
                                query != NULL ? query : req->body,
                                router_header(req->conn, "Cookie"), &set_cookie);
        const char *const headers[] = {"Set-Cookie", set_cookie, NULL};

        free(query);
        return router_queue_buffer(req->conn, 200, "text/html; charset=utf-8", page,
                                   strlen(page), set_cookie != NULL ? headers : NULL);
    }
    if (strcmp(req->url, NAGIOS_CGI "archivejson.cgi") == 0) { /* sla (issue 13) */
        return nagios_archivejson(req, m, user[0] ? user : NAGIOS_DEFAULT_USER);
    }
    return apache_page(req, 404, "Not Found", "The requested URL was not found on this server.",
                       NULL);
}

static const char *const nagios_prefixes[] = {NAGIOS_CGI, NULL};

const struct sim_api nagios_api = {
    .name = "nagios",
    .prefixes = nagios_prefixes,
    .start = nagios_start,
    .stop = nagios_stop,
    .serve = nagios_serve,
};
