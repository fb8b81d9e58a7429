/* What govsim's Nagios monitors, derived from the world (sim/world.h): one host per app of a
 * tenant's home namespace (the namespace named after the tenant; sandboxes are not
 * monitored), named TENANT-APP, in hostgroup tenant-TENANT, with two services that follow the
 * app's pods:
 *
 *   host  UP, or DOWN when the app wants pods and none runs (all pending or creating);
 *   "HTTP" OK while a pod is ready, CRITICAL when none is;
 *   "Pods" OK when every wanted pod is ready, WARNING when some are not, CRITICAL when a pod
 *         crash-loops (CrashLoopBackOff, OOMKilled, image pull errors) or none is ready.
 *
 * Attempts are hard at once (max_check_attempts 1 would say 1/1; we say 3/3 as a default
 * Nagios does once a problem is hard). The time each object entered its state is remembered
 * from the first query that saw it (the world's start for the first snapshot), acks and
 * downtimes sent through cmd.cgi are kept here, comments with them. Thread-safe: one mutex,
 * taken after the world's lock when both are needed. */
#ifndef GC_SIM_NAGIOS_MONITOR_H
#define GC_SIM_NAGIOS_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/world.h"

#define MON_NAME_MAX 96

/* statusjson's service codes: ok 2, warning 4, unknown 8, critical 16; hosts: up 2, down 4. */
enum mon_state {
    MON_OK = 2,
    MON_WARNING = 4,
    MON_UNKNOWN = 8,
    MON_CRITICAL = 16,
    MON_UP = 2,
    MON_DOWN = 4,
};

struct mon_object {
    char host[MON_NAME_MAX];
    char service[MON_NAME_MAX]; /* "" for the host */
    char tenant[32];
    char app[48];
    int state;                  /* enum mon_state */
    char output[160];
    int64_t since;              /* epoch s: entered this state */
    int64_t last_check;         /* epoch s */
    bool acked;
    int downtime_depth;
};

struct mon_comment {
    unsigned long id;
    char host[MON_NAME_MAX];
    char service[MON_NAME_MAX];
    int entry_type;             /* 1 user, 2 downtime, 4 acknowledgement */
    int64_t entry_time;
    char author[64];
    char text[256];
};

struct mon_downtime {
    unsigned long id;
    char host[MON_NAME_MAX];
    char service[MON_NAME_MAX];
    int64_t entry_time, start, end;
    int64_t duration;
    char author[64];
    char text[256];
};

struct monitor;

struct monitor *monitor_new(void);

/* cmd.cgi's CSRF form id (Nagios 4.4: cookie NagFormId and field nagFormId), 16 hex digits,
 * made when the monitor is. */
const char *monitor_form_id(const struct monitor *m);
void monitor_free(struct monitor *m);

/* Every object as of now, hosts first then their services, in host name order: *out (caller
 * frees) and the count. Takes the world's lock and the monitor's. */
size_t monitor_snapshot(struct monitor *m, struct world *w, struct mon_object **out);

/* Copies of the comments and downtimes (caller frees); their counts. */
size_t monitor_comments(struct monitor *m, struct mon_comment **out);
size_t monitor_downtimes(struct monitor *m, struct mon_downtime **out);

/* Acknowledges a problem (service "" = the host): 0, or -1 with *why (static) when the object
 * does not exist or has no problem. */
int monitor_ack(struct monitor *m, struct world *w, const char *host, const char *service,
                const char *author, const char *comment, const char **why);

/* Schedules a fixed downtime from start to end (epoch s): 0, or -1 with *why. */
int monitor_downtime(struct monitor *m, struct world *w, const char *host, const char *service,
                     int64_t start, int64_t end, const char *author, const char *comment,
                     const char **why);

#endif
