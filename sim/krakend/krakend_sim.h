/* What the KrakenD module's files share: the apps the gateway publishes (the same in
 * /krakend.json and in the metrics), and the metrics page (metrics.c). */
#ifndef GC_SIM_KRAKEND_KRAKEND_SIM_H
#define GC_SIM_KRAKEND_KRAKEND_SIM_H

#include <microhttpd.h>

#include "sim/router.h"
#include "sim/world.h"

/* Lock held. Calls fn for every app the gateway publishes, in the configuration's order:
 * each tenant's Deployments named NAME-api, served as /TENANT/v1/NAME and
 * /TENANT/v1/NAME/{id}. `t` is the tenant's home namespace; `base` is NAME. */
void krakend_sim_apps(const struct world *w,
                      void (*fn)(const struct world_ns *t, const struct world_app *a,
                                 const char *base, void *arg),
                      void *arg);

/* The Prometheus page (/krakend/metrics): KrakenD's http_server_duration histogram per
 * route, whose counters grow with time and whose 5xx follow the backing app's readiness. */
void *krakend_metrics_start(void);
void krakend_metrics_stop(void *state);
enum MHD_Result krakend_metrics_serve(void *state, const struct router_request *req);

#endif
