/* `govconsole check` for Kubernetes: GET /version (reachable? how fast? which version?), then
 * one SelfSubjectAccessReview per verb the views use (list and watch of every kind the
 * informers read, list of metrics.k8s.io, get pods/log, delete pods, patch of workloads and
 * their scale). Reading verbs refused fail the probe (the views could not work); refused
 * actions are only named in `about` (a read-only account is a fair choice). */
#ifndef GC_CORE_K8S_PROBE_H
#define GC_CORE_K8S_PROBE_H

#include "core/source.h"

struct k8s_client;

/* Starts the probe with the client's credentials; `done` runs once on the loop thread with
 * the result (the callee may take its strings). The client must outlive the probe. `scope`
 * is a scoped session's tenants ("dmi"), NULL for every tenant: then credentials that may list
 * every namespace get a warning, since the scope is only this console's. */
void k8s_probe_start(struct k8s_client *c, const char *scope, source_probe_fn done, void *arg);

#endif
