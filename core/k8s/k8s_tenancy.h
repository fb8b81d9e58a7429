/* Which tenant a Kubernetes object belongs to: through its namespace. A namespace's tenant is
 * a `[tenant NAME] namespaces` override, else its label govcloud.sit.dk/tenant, else the
 * `[kubernetes] tenant_pattern` over its name; else it has none. Cluster-scoped objects (node
 * metrics) have none. The namespace index is rebuilt when the namespaces change; its
 * generation is the tenancy's, so views rebuild when a namespace is relabelled.
 *
 * k8s_tenancy_register() declares every Kubernetes store kind with its free function and this
 * tenancy (store_register()). Loop thread only. */
#ifndef GC_CORE_K8S_TENANCY_H
#define GC_CORE_K8S_TENANCY_H

#include <stdbool.h>

#include "core/store.h"

struct k8s_tenancy;

/* A tenancy over the namespaces in `s` (borrowed). */
struct k8s_tenancy *k8s_tenancy_new(struct store *s);
void k8s_tenancy_free(struct k8s_tenancy *t);

/* Assigns namespace `ns` to `tenant` whatever its label says. Both copied. */
void k8s_tenancy_map_namespace(struct k8s_tenancy *t, const char *ns, const char *tenant);

/* For namespaces without the label: a PCRE2 pattern whose first group is the tenant. 0, or -1
 * with *err (caller frees). */
int k8s_tenancy_set_pattern(struct k8s_tenancy *t, const char *pattern, char **err);

/* Registers the Kubernetes kinds (namespaces, pods, deployments, statefulsets, events,
 * replicasets, quotas, pod and node metrics) in the store with this tenancy. */
void k8s_tenancy_register(struct k8s_tenancy *t);

/* The tenancy as the store sees it (borrowed for the tenancy's life). */
const struct store_tenancy *k8s_tenancy_ops(struct k8s_tenancy *t);

/* The tenant of namespace `ns` (NULL if none or unknown). Borrowed until store_commit(). */
const char *k8s_tenancy_ns_tenant(struct k8s_tenancy *t, const char *ns);

#endif
