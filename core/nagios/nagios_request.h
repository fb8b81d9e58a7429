/* What the alerts view asks of Nagios, as requests (core/source.h) the Nagios source performs:
 *
 * - d: every field statusjson returns for the host or service, with its comments and
 *   downtimes (three GETs: query=host|service, commentlist, downtimelist);
 * - a: acknowledge a problem, with a comment asked first; sticky and notifying, as the
 *   Nagios web UI's form is by default;
 * - D: schedule a fixed downtime: start ("now", "HH:MM" today, or "YYYY-MM-DD HH:MM"),
 *   duration ("2h", "30m", "1h30m", or minutes), then a comment: three prompts in turn.
 *
 * Changes go to cmd.cgi as the web UI sends them: a GET of the command's form
 * (cmd.cgi?cmd_typ=N&host=H&service=S), which sets the cookie NagFormId and holds the same
 * value in the hidden field nagFormId (Nagios 4.4's CSRF check), then the form POSTed with
 * both (cmd_typ 33/34 acknowledge a host/service problem, 55/56 schedule host/service
 * downtime, cmd_mod=2 to commit; times in cgi.cfg's default `us` date_format,
 * MM-DD-YYYY HH:MM:SS, local time). The answers are HTML. */
#ifndef GC_CORE_NAGIOS_NAGIOS_REQUEST_H
#define GC_CORE_NAGIOS_NAGIOS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/source.h"

struct nagios_row;

enum nagios_req_what {
    NAGIOS_REQ_DETAIL,
    NAGIOS_REQ_ACK,
    NAGIOS_REQ_DOWNTIME,
};

/* A request's priv (the Nagios source reads it). Strings owned. */
struct nagios_req {
    enum nagios_req_what what;
    char *host;
    char *service;   /* NULL for a host */
    char *uid;       /* the row's uid */
    char *comment;
    int64_t start;   /* downtime start, epoch s; 0 = when sent */
    int64_t minutes; /* downtime duration */
    int step;        /* downtime prompts answered so far */
};

/* The request for `act` on row `r` of tenant `tenant` (NULL: none): "describe",
 * "acknowledge" or "downtime". NULL with *err (caller frees) when the row cannot have it
 * (acknowledging an OK service). Caller frees (source_request_free()). */
struct source_request *nagios_request_detail(const struct nagios_row *r, const char *tenant);
struct source_request *nagios_request_ack(const struct nagios_row *r, const char *tenant,
                                          char **err);
struct source_request *nagios_request_downtime(const struct nagios_row *r, const char *tenant);

/* The query of the change's form (caller frees): "cmd_typ=34&host=H&service=S". */
char *nagios_cmd_form_query(const struct nagios_req *q);

/* The form id (nagFormId) in the form page cmd.cgi answered (caller frees), or NULL when it
 * has none (a Nagios before 4.4). */
char *nagios_cmd_form_id(const char *html, size_t len);

/* The POST body of a change for cmd.cgi (caller frees): `author` the session's user, `now`
 * the time it is sent (epoch s), `form_id` the form's nagFormId (NULL: none). */
char *nagios_cmd_body(const struct nagios_req *q, const char *author, int64_t now,
                      const char *form_id);

/* Reads cmd.cgi's HTML answer: 0 when it says the command was submitted, else -1 with *err
 * (one line, sanitized, caller frees): the error box's text when there is one. */
int nagios_cmd_result(const char *html, size_t len, char **err);

/* "now", "HH:MM" (today, local time) or "YYYY-MM-DD HH:MM" to epoch seconds in *out (0 for
 * "now"). 0, or -1 with *err (caller frees). */
int nagios_parse_start(const char *text, int64_t now, int64_t *out, char **err);

/* "2h", "30m", "1h30m", "90" (minutes) to minutes, 1 minute to 366 days. 0, or -1 with *err. */
int nagios_parse_duration(const char *text, int64_t *minutes, char **err);

#endif
