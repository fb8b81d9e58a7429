/* A KrakenD route: an endpoint of the gateway's configuration joined with its traffic
 * between the last two scrapes of the metrics. Rows of STORE_ROUTE, owned by the KrakenD
 * source (core/krakend/krakend_source.c); views read them through core/access.h. */
#ifndef GC_CORE_KRAKEND_KRAKEND_ROUTE_H
#define GC_CORE_KRAKEND_KRAKEND_ROUTE_H

#include <math.h>
#include <stdbool.h>

#include "core/krakend/krakend_config.h"
#include "core/krakend/krakend_metrics.h"
#include "core/store.h"

struct krakend_route {
    struct store_row row;   /* uid "GET /dmi/v1/forecast/{id}" */
    char *tenant;           /* by path prefix ([tenant] gateway_prefix, else [krakend]
                               tenant_pattern); NULL when none */
    struct krakend_endpoint ep;
    bool has_rates;         /* two scrapes have been read: the rates below mean something */
    struct krakend_rates rates;
    double error_warn;      /* [krakend] error_warn, percent: a 5xx share above it stands out */
    bool breaker_open;      /* inferred: a backend's circuit breaker has seen at least its
                               max_errors 5xx in the window, with most requests failing */
};

/* Whether the route stands out as failing (the routes view's Errors and CircuitOpen, the
 * tenants view's mark): its circuit taken as open, or a 5xx share above error_warn. */
static inline bool krakend_route_failing(const struct krakend_route *r)
{
    return r->has_rates && (r->breaker_open || (!isnan(r->rates.err_share) &&
                                                r->rates.err_share * 100.0 > r->error_warn));
}

#endif
