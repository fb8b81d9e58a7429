/* The HTTP side of govsim: the subset of the Kubernetes API that clients use (discovery,
 * list with limit/continue and selectors, get, watch with bookmarks, Tables for kubectl,
 * pod logs, delete/scale/rollout restart, metrics.k8s.io) plus the /_sim/ test control
 * endpoints (churn, drop-watches, compact, fault, stats). Runs libmicrohttpd with a thread
 * per connection on 127.0.0.1 only. */
#ifndef GC_SIM_K8S_API_H
#define GC_SIM_K8S_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/world.h"

struct k8s_api;

struct k8s_api_config {
    struct world *world;        /* borrowed; must outlive the server */
    const char *token;          /* NULL: no authentication; else require "Bearer TOKEN" */
    unsigned bookmark_interval; /* seconds between BOOKMARK events */
    uint16_t port;              /* 0: pick a free port */
    const char *const *forbid;  /* namespaces every request to gets 403 Forbidden */
    size_t n_forbid;
    double log_rate; /* lines a second of a followed log (default 2) */
    bool no_metrics; /* no metrics.k8s.io API (as without metrics-server) */
};

/* Starts serving. Returns NULL (with a message on stderr) when the port cannot be bound.
 * *bound_port receives the port actually listened on. Caller stops with k8s_api_stop(). */
struct k8s_api *k8s_api_start(const struct k8s_api_config *cfg, uint16_t *bound_port);

/* Ends every stream and connection (call world_shutdown() first so that watches and hung
 * requests wake up), then frees the server. */
void k8s_api_stop(struct k8s_api *api);

#endif
