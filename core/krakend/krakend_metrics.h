/* What KrakenD's Prometheus endpoint says of each route, and the rates between two scrapes.
 *
 * A scrape is read (on a worker) into cumulative counts per route: KrakenD's OpenTelemetry
 * exporter's `http_server_duration` histogram (seconds), labelled with the route
 * (`http_route`, or `krakend_endpoint_route`), the method (`http_request_method` or
 * `http_method`) and the status code (`http_response_status_code` or `http_status_code`).
 * Per route and method: the requests (the _count samples summed over status codes), the 5xx
 * among them, and the buckets summed over status codes.
 *
 * Routes are keyed by method and path with each parameter segment (`{id}`, `:id`) made
 * `{}`, so that the configuration's endpoints and the gateway's routes meet. */
#ifndef GC_CORE_KRAKEND_KRAKEND_METRICS_H
#define GC_CORE_KRAKEND_KRAKEND_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/krakend/prom.h"

struct krakend_bucket {
    double le;    /* upper bound, seconds (+Inf for the last) */
    double count; /* cumulative */
};

/* One route's cumulative counts in one scrape. */
struct krakend_counts {
    char *key;    /* krakend_route_key() */
    double total; /* requests */
    double errors;/* of them answered 5xx */
    struct krakend_bucket *buckets; /* by le ascending */
    size_t nbuckets, capbuckets;
};

struct krakend_scrape {
    struct krakend_counts *routes;
    size_t nroutes, cap;
    size_t *slots; /* open addressing: index + 1, 0 empty */
    size_t nslots;
    struct prom_result prom; /* what the text held (bad lines skipped) */
};

/* Reads a metrics page into *out (zeroed first). Safe from any thread. */
void krakend_scrape_read(const char *text, size_t len, struct krakend_scrape *out);
void krakend_scrape_fini(struct krakend_scrape *s);

/* The counts of a route key, or NULL. */
const struct krakend_counts *krakend_scrape_find(const struct krakend_scrape *s,
                                                 const char *key);

/* "GET /dmi/v1/forecast/{}" for method GET and path /dmi/v1/forecast/{id} (or :id);
 * caller frees. */
char *krakend_route_key(const char *method, const char *path);

/* A route's traffic between two scrapes `dt_s` seconds apart. */
struct krakend_rates {
    double requests;  /* in the window */
    double errors;    /* 5xx in the window */
    double req_rate;  /* requests per second */
    double err_share; /* errors / requests, NaN without requests */
    double p95_ms;    /* from the bucket deltas, NaN without requests */
    bool reset;       /* a counter went back (the gateway restarted): the window counts what
                         the new counters say, never a negative rate */
};

/* prev NULL: the route was not in the earlier scrape (its counters started since: they are
 * the window's); cur NULL: it has no traffic at all. */
void krakend_rates_between(const struct krakend_counts *prev, const struct krakend_counts *cur,
                           double dt_s, struct krakend_rates *out);

#endif
