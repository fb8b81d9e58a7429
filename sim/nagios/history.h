/* Nagios's picture of the world, for the CGIs that need hosts, services and their past:
 * one host per app of a tenant's home namespace, named TENANT-APP, in hostgroup tenant-TENANT,
 * with the services "HTTP" and "Pods";
 * and 60 days of deterministic history before the world began (outages, flapping, planned
 * maintenance in scheduled downtime), derived from the seed and the names alone, so the same
 * day tells the same story in every run. From the world's start on, each service is what
 * govsim's monitor (sim/nagios/monitor.h) says: OK until the time it entered its present
 * state, then that state; downtimes scheduled through cmd.cgi are scheduled downtime. */
#ifndef GC_SIM_NAGIOS_HISTORY_H
#define GC_SIM_NAGIOS_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "core/sla/sla.h"
#include "sim/world.h"

#define NAGIOS_HISTORY_DAYS 60

struct nagios_sim_service {
    char host[WORLD_NAME_MAX + 40];
    char hostgroup[48];
    const char *service; /* a string literal */
    size_t app;          /* index into world.apps */
};

/* Lock held. Every service of every host (the monitor's: apps of a tenant's home namespace,
 * not CronJobs, not system apps), in (host, service) order; caller frees *out. */
size_t nagios_sim_services(const struct world *w, struct nagios_sim_service **out);

/* One service's history: state changes in time order (the first where its history begins)
 * and scheduled downtimes, for answering about [start, end). */
struct nagios_sim_history {
    struct sla_change *changes;
    size_t n;
    struct sla_span *downtimes;
    size_t m;
    char **outputs; /* plugin output of each change, parallel to changes */
};

/* What the monitor says of a service now. */
struct nagios_sim_live {
    enum sla_state state;
    int64_t since;                   /* entered that state */
    const char *output;
    const struct sla_span *downtimes; /* the service's downtimes from cmd.cgi */
    size_t n_downtimes;
};

/* Lock held. The history of s that matters to [start, end), ending in `live` (NULL: OK). Free
 * with nagios_sim_history_fini(). */
void nagios_sim_history(const struct world *w, const struct nagios_sim_service *s,
                        const struct nagios_sim_live *live, int64_t start, int64_t end,
                        struct nagios_sim_history *out);
void nagios_sim_history_fini(struct nagios_sim_history *h);

#endif
