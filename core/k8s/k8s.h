/* The Kubernetes source: one client per cluster, with an informer per resource kind.
 *
 * An informer lists with limit/continue (pages decoded on the worker pool while the next
 * page is fetched), then watches from the list's resourceVersion with bookmarks. A 410 (HTTP
 * or ERROR event) means list again; any other failure reconnects with capped exponential
 * back-off. A relist replaces the kind's rows in the store and sweeps the ones that are gone,
 * so nothing is lost or duplicated. Only the loop thread touches the store. */
#ifndef GC_CORE_K8S_H
#define GC_CORE_K8S_H

#include <stdbool.h>
#include <stddef.h>

#include "core/k8s/kubeconfig.h"
#include "core/source_health.h"
#include "core/store.h"

struct loop;
struct http;
struct http_stats;
struct workpool;
struct k8s_client;

enum k8s_kind {
    K8S_NAMESPACES,
    K8S_PODS,
    K8S_DEPLOYMENTS,
    K8S_STATEFULSETS,
    K8S_EVENTS,
    K8S_REPLICASETS,
    K8S_RESOURCEQUOTAS,
    K8S_NODES,          /* optional: its health is its own (a namespaced account may not list
                           nodes), see k8s_client_health() */
    K8S_KIND_COUNT
};

/* Where the metrics.k8s.io poller stands (pod and node CPU/memory). */
enum k8s_metrics_state {
    K8S_METRICS_UNKNOWN, /* no answer yet */
    K8S_METRICS_OK,      /* the last poll succeeded: STORE_POD_METRICS, STORE_NODE_METRICS */
    K8S_METRICS_ABSENT,  /* the API is not served (404, or 503 before any success): no rows,
                            views show n/a; asked again every 5 minutes */
    K8S_METRICS_FAILING, /* it worked before or answers errors: rows of the last good poll stay
                            until the API turns out absent; retried with back-off */
};

struct k8s_options {
    int page_size;          /* list limit; 0 = 500 */
    int watch_timeout_s;    /* timeoutSeconds asked for a watch; 0 = 300 */
    int backoff_min_ms;     /* first retry delay; 0 = 500 */
    int backoff_max_ms;     /* cap; 0 = 30000 */
    long request_timeout_ms;/* one list page or metrics list; 0 = 60000 */
    int metrics_interval_ms;/* metrics.k8s.io poll; 0 = 15000 (the console passes [kubernetes]
                               interval_metrics, by default [ui] refresh: 30 s) */
    struct http_stats *stats; /* counters every request of the client adds to, or NULL */
    bool allow_plain;         /* credentials may go over http:// beyond loopback */
};

/* Creates a client for `target` (copied). Nothing starts until k8s_client_start(). */
struct k8s_client *k8s_client_new(struct loop *l, struct http *h, struct workpool *pool,
                                  struct store *s, const struct kube_target *target,
                                  const struct k8s_options *opts);

/* Registers the store's row types and starts the informers (namespaces, pods, deployments,
 * statefulsets, events, replicasets, resourcequotas, nodes) and the metrics poller. A kind the
 * server does not serve (404 on its list) counts as empty and synced; its informer's health
 * says so, the source's state stays OK, and the list is retried every backoff_max_ms. */
void k8s_client_start(struct k8s_client *c);

/* Stops every request and timer. Rows stay in the store. Call before freeing the workpool's
 * owner chain: free the workpool first (it drains), then the client. */
void k8s_client_stop(struct k8s_client *c);
void k8s_client_free(struct k8s_client *c);

/* Health of the whole source: the worst of its informers but the optional ones (nodes: an
 * account without the right to list them still sees every namespaced kind). Borrowed. */
const struct source_health *k8s_client_health(struct k8s_client *c);

/* Health of one informer, optional ones included; its name is the resource's ("nodes").
 * Borrowed. */
const struct source_health *k8s_client_informer_health(struct k8s_client *c, enum k8s_kind kind);

/* True once every informer has completed its first list (a 404 list counts as complete, and
 * so does a failing optional one). The metrics poller does not count. */
bool k8s_client_synced(const struct k8s_client *c);

/* The metrics poller: one GET of /apis/metrics.k8s.io/v1beta1/pods and one of .../nodes every
 * metrics_interval_ms (at most one request a resource in flight; a slow one delays the next),
 * decoded on the worker pool; the rows of a poll replace the previous poll's (STORE_POD_METRICS,
 * STORE_NODE_METRICS, struct k8s_metrics). Its failures never touch k8s_client_health(). */
enum k8s_metrics_state k8s_client_metrics_state(const struct k8s_client *c);

/* The poller's own health (name "metrics"): OK with a note in last_error when the API is
 * absent, RETRYING with the error when failing. Borrowed. */
const struct source_health *k8s_client_metrics_health(struct k8s_client *c);

/* Counters of the metrics poller, for tests and `make bench`. */
struct k8s_metrics_stats {
    size_t requests;     /* GETs started (pods and nodes) */
    size_t polls;        /* answers applied to the store */
    size_t absent;       /* answers that said the API is absent (404, first 503) */
    size_t failures;     /* other failed answers */
    size_t rows;         /* rows of the last applied pod poll */
    double decode_ms;    /* worker time decoding the last pod poll */
    double apply_ms;     /* loop time applying it (all slices) */
    double apply_max_ms; /* the longest single slice of it */
};
void k8s_client_metrics_stats(const struct k8s_client *c, struct k8s_metrics_stats *out);

const char *k8s_client_context(const struct k8s_client *c);
const char *k8s_client_server(const struct k8s_client *c);
/* Whether TLS is not verified (insecure-skip-tls-verify), and whether the kubeconfig gave
 * credentials (a token, a client certificate, basic auth). */
bool k8s_client_insecure(const struct k8s_client *c);
bool k8s_client_has_credentials(const struct k8s_client *c);

/* One request outside the informers (fetch an object, delete one). The callback runs once
 * on the loop thread unless the request is cancelled; `body` is borrowed for the call. */
typedef void (*k8s_result_fn)(long status, const char *body, size_t len, const char *error,
                              void *arg);
struct k8s_call;

/* Starts METHOD path (e.g. "/api/v1/namespaces/dmi/pods/x") with the client's credentials.
 * `body` (JSON, copied) may be NULL. Returns a handle valid until the callback runs. */
struct k8s_call *k8s_client_call(struct k8s_client *c, const char *method, const char *path,
                                 const char *body, const char *content_type, k8s_result_fn cb,
                                 void *arg);
/* Streamed bytes of a 2xx response (a followed log), borrowed for the call. */
typedef void (*k8s_data_fn)(const char *data, size_t len, void *arg);

/* Starts a streaming GET of `path` (e.g. ".../pods/NAME/log?follow=true"): no overall
 * timeout. While the response is 2xx its body goes to `on_data` as it arrives (never
 * buffered); `on_done` runs once when the stream ends, with `body` NULL for a 2xx response or
 * the error response's body (at most 64 KiB, for k8s_error_text()) otherwise. Both run on the
 * loop thread. The handle is valid until on_done runs; cancel it with k8s_client_cancel()
 * (not from inside on_data or on_done). */
struct k8s_call *k8s_client_stream(struct k8s_client *c, const char *path, k8s_data_fn on_data,
                                   k8s_result_fn on_done, void *arg);
/* Cancels a call or a stream: its callbacks never run. NULL is ignored. */
void k8s_client_cancel(struct k8s_client *c, struct k8s_call *call);

/* One line for a failed call: the transport error, the Status message of a Kubernetes error
 * body ("HTTP 403: pods \"x\" is forbidden: ..."), or "HTTP <code>". Caller frees. */
char *k8s_error_text(long status, const char *body, size_t len, const char *transport);

/* Counters for tests and `make bench`. */
struct k8s_stats {
    size_t lists;       /* list runs started */
    size_t pages;       /* pages received */
    size_t watches;     /* watch requests started */
    size_t events;      /* watch events applied (not bookmarks) */
    size_t bookmarks;
    size_t relists_410; /* relists caused by 410 Gone/Expired */
    size_t failures;
};
void k8s_client_stats(const struct k8s_client *c, enum k8s_kind kind, struct k8s_stats *out);

/* Applies one watch event line (the JSON of {"type":...,"object":...}) to the informer of
 * `kind`, as the watch stream does. Returns 0 if applied, 1 if it asks for a relist (ERROR
 * 410), -1 if the line is not a valid event (the message goes to health). For tests. */
int k8s_client_apply_event(struct k8s_client *c, enum k8s_kind kind, const char *line,
                           size_t len);

#endif
