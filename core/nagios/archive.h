/* Nagios's history, from archivejson.cgi (Nagios Core 4): the time each host or service spent
 * in each state over a span (query=availability), and one object's state changes
 * (query=statechangelist). Facts in ../shared/notes/nagios4.md: HTTP 200 even for errors
 * (result.type_code says), times in epoch milliseconds, availability in whole seconds,
 * archivejson state codes (services: ok 8, warning 16, critical 32, unknown 64; hosts: up 1,
 * down 2, unreachable 4; 0 = no data) or names with formatoptions=enumerate.
 *
 * The readers are pure functions of the body: any thread (decode on the workpool). Strings
 * they return are sanitized (core/sanitize.h) and owned by the result. */
#ifndef GC_CORE_NAGIOS_ARCHIVE_H
#define GC_CORE_NAGIOS_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/sla/sla.h"

/* One host's or service's availability. */
struct nagios_avail {
    char *host;
    char *service; /* NULL for a host */
    struct sla_times times;
};

struct nagios_avail_list {
    struct nagios_avail *items;
    size_t n;
    int64_t start; /* the span Nagios answered for (data.selectors), epoch seconds */
    int64_t end;
};

/* Reads an availability answer (availabilityobjecttype services or hosts, all objects or one).
 * Returns 0, or -1 with *err (one line, caller frees): type_code not 0 ("Nagios: <type_text>:
 * <message>"), not the CGI's JSON (an HTML page ...), no objects at all for the answer's user
 * ("Nagios returned no data for user X; check cgi.cfg authorization"). Free with
 * nagios_avail_list_fini() in either case. */
int nagios_archive_read_availability(const char *body, size_t len, struct nagios_avail_list *out,
                                     char **err);
void nagios_avail_list_fini(struct nagios_avail_list *l);

/* True when every object of the list has no data for the whole span: the archive cannot answer
 * the period (before its history begins, or entirely in the future). */
bool nagios_avail_list_empty_history(const struct nagios_avail_list *l);

/* One state change of one object. */
struct nagios_statechange {
    int64_t t_ms;
    enum sla_state state;
    bool hard;
    char *output; /* plugin output */
};

struct nagios_statechanges {
    struct nagios_statechange *items;
    size_t n;
    int64_t start_ms; /* data.selectors */
    int64_t end_ms;
};

/* Reads a statechangelist answer; same error contract as the availability reader, except
 * that an empty list is a valid answer (nothing changed). Free with
 * nagios_statechanges_fini() in either case. */
int nagios_archive_read_statechanges(const char *body, size_t len, struct nagios_statechanges *out,
                                     char **err);
void nagios_statechanges_fini(struct nagios_statechanges *l);

/* The SLA state of an archivejson state: a number (service or host code) or an enumerated
 * name. Returns -1 for anything else. */
int nagios_archive_state(const json_t *state, bool host, enum sla_state *out);

/* "ok", "warning", "critical", "unknown", "no data"; hosts "up", "down", "unreachable". */
const char *nagios_archive_state_name(enum sla_state s, bool host);

/* The query strings after ".../archivejson.cgi?" (caller frees). Host and service names are
 * percent-encoded (a `+` as %2B, a space as %20). */
char *nagios_archive_availability_query(bool hosts, int64_t start, int64_t end);
char *nagios_archive_statechange_query(const char *host, const char *service, int64_t start,
                                       int64_t end);

#endif
