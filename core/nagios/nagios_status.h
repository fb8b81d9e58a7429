/* Nagios status rows: hosts and services as statusjson.cgi reports them
 * (`query=hostlist&details=true`, `query=servicelist&details=true`), one store row each
 * (STORE_NAGIOS_HOST, STORE_NAGIOS_SERVICE), and the order of problems, worst first.
 *
 * statusjson's state codes are bitmasks (/work/shared/notes/nagios4.md): services pending 1,
 * ok 2, warning 4, unknown 8, critical 16; hosts pending 1, up 2, down 4, unreachable 8.
 * Times are epoch milliseconds; rows keep seconds. Every string is sanitized. */
#ifndef GC_CORE_NAGIOS_NAGIOS_STATUS_H
#define GC_CORE_NAGIOS_NAGIOS_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

struct poller_decode;

enum nagios_state {
    NAGIOS_OK,
    NAGIOS_UP,
    NAGIOS_PENDING,
    NAGIOS_WARNING,
    NAGIOS_UNKNOWN,
    NAGIOS_CRITICAL,
    NAGIOS_DOWN,
    NAGIOS_UNREACHABLE,
};

/* A host (service NULL, uid = host) or a service (uid = "host;service"). */
struct nagios_row {
    struct store_row row;
    char *host;
    char *service;
    enum nagios_state state;
    bool hard;                 /* state_type 1 */
    int attempt, max_attempts;
    int64_t last_state_change; /* epoch s; 0 when never */
    int64_t last_check;        /* epoch s; 0 when never checked */
    bool acked;
    int downtime_depth;        /* scheduled_downtime_depth: > 0 in downtime */
    bool flapping;
    char *output;              /* plugin_output */
    /* The tenant and app as the source's host map said at map generation map_gen: kept by
     * core/nagios/nagios_source.c on the loop thread (read them through the access layer,
     * which refreshes them: access_next() / access_row_tenant()). Interned, borrowed. */
    const char *tenant;
    const char *app;
    uint64_t map_gen;
    /* A change the console sent that the next poll will show (this row is the source's copy
     * marked so; the poll's fresh row replaces it). */
    enum nagios_wait {
        NAGIOS_WAIT_NONE,
        NAGIOS_WAIT_ACK,
        NAGIOS_WAIT_DOWNTIME,
    } waiting;
};

/* Reads a statusjson hostlist (hosts true) or servicelist answer with details into rows
 * (pushed into `out`), or sets out->error: the CGI's error, not its answer, a list without
 * details, and (with out->rejected) an answer empty for its user: "Nagios returned no data
 * for user X; check cgi.cfg authorization". Any thread. */
void nagios_status_decode(const char *body, size_t len, bool hosts, struct poller_decode *out);
/* The same without pruning the text first (nagios_status_decode() prunes what no row reads,
 * core/jsontext.h): for tests, which compare the two. */
void nagios_status_read(const char *body, size_t len, bool hosts, struct poller_decode *out);

void nagios_row_free(struct store_row *row);

/* "OK", "UP", "PENDING", "WARNING", "UNKNOWN", "CRITICAL", "DOWN", "UNREACHABLE". */
const char *nagios_state_name(enum nagios_state s);

/* True for a problem: anything but OK, UP and PENDING. */
bool nagios_state_problem(enum nagios_state s);

/* Worst first: 0 critical, 1 down, 2 unreachable, 3 warning, 4 unknown, 5 pending, 6 ok/up
 * (the alerts view's order; within a rank, longest in state first). */
int nagios_state_rank(enum nagios_state s);

/* The state of a statusjson status code (hosts or services), NAGIOS_PENDING when unknown. */
enum nagios_state nagios_state_from_status(long code, bool host);

#endif
