/* The metrics.k8s.io poller of a Kubernetes client: pod and node CPU and memory.
 *
 * Two shared pollers (core/poller.h), one GETting /apis/metrics.k8s.io/v1beta1/pods and one
 * .../nodes every interval (metrics-server serves whole lists, no paging and no watch). The
 * decode hook reads the body item by item on a worker (a 50,000-pod answer is ~20 MB; decoded
 * whole it would be a ~180 MB tree); the poller applies the rows in slices and sweeps the rows
 * the poll did not return. 404, or 503 before any success, means the API is absent: no rows,
 * asked again every 5 minutes. Other failures back off as the poller does. Only the loop
 * thread touches the store. Used by core/k8s/k8s.c; nothing else needs this header. */
#ifndef GC_CORE_K8S_METRICS_H
#define GC_CORE_K8S_METRICS_H

#include "core/k8s/k8s.h"

struct loop;
struct http;
struct http_opts;
struct http_stats;
struct workpool;
struct store;
struct k8s_metrics_poller;

/* `base` (URL unset; its strings borrowed, they must outlive the poller) carries the
 * credentials and TLS settings; `server` (copied) has no trailing '/'. Nothing starts until
 * k8s_metrics_poller_start(). */
struct k8s_metrics_poller *k8s_metrics_poller_new(struct loop *l, struct http *h,
                                                  struct workpool *pool, struct store *s,
                                                  const struct http_opts *base, const char *server,
                                                  int interval_ms, long timeout_ms,
                                                  struct http_stats *stats);

/* Registers the row types and polls at once, then every interval. */
void k8s_metrics_poller_start(struct k8s_metrics_poller *p);

/* Cancels requests, timers and a partly applied poll; decodes still in the pool are dropped
 * when they finish. Rows stay. Free the workpool before the poller (see k8s_client_stop()).
 * `stats` (may be NULL) gets the requests' counters. */
void k8s_metrics_poller_stop(struct k8s_metrics_poller *p);
void k8s_metrics_poller_free(struct k8s_metrics_poller *p);

/* The state of both resources together: ABSENT when neither is served, FAILING when one
 * fails, OK when one has succeeded (and none fails), else UNKNOWN. */
enum k8s_metrics_state k8s_metrics_poller_state(const struct k8s_metrics_poller *p);
/* Both resources' health in one (the worse), with a note while the API is absent. */
const struct source_health *k8s_metrics_poller_health(struct k8s_metrics_poller *p);
void k8s_metrics_poller_stats(const struct k8s_metrics_poller *p, struct k8s_metrics_stats *out);

struct k8s_metrics;

/* The decoder's fast path, for tests: one PodMetrics (pod) or NodeMetrics item in the plain
 * form metrics-server writes, read from the text at *p (up to end) without a JSON tree; *p is
 * moved past it. NULL when the item is in another form (escapes, numbers for strings ...):
 * the poller then hands that item to jansson and k8s_row_parse(), which must agree with this
 * on every item this accepts. */
struct k8s_metrics *k8s_metrics_scan_text(const char **p, const char *end, bool pod);

#endif
