/* Nagios's picture of the world, for the CGIs that need hosts, services and their past:
 * one host per app of a tenant's home namespace, named TENANT-APP, in hostgroup tenant-TENANT,
 * with the services "HTTP" and "Pods";
 * and 60 days of deterministic history before the world began (outages, flapping, planned
 * maintenance in scheduled downtime), derived from the seed and the names alone, so the same
 * day tells the same story in every run. From the world's start on, both follow the app:
 * CRITICAL while no pod is ready; "Pods" WARNING while some are not. */
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

/* Lock held. Every service of every host, in (host, service) order; caller frees *out. */
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

/* Lock held. The history of s that matters to [start, end). Free with
 * nagios_sim_history_fini(). */
void nagios_sim_history(const struct world *w, const struct nagios_sim_service *s, int64_t start,
                        int64_t end, struct nagios_sim_history *out);
void nagios_sim_history_fini(struct nagios_sim_history *h);

#endif
