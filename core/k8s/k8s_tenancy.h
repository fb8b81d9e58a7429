/* Which tenant a Kubernetes object belongs to: through its namespace. A namespace's tenant is
 * a `[tenant NAME] namespaces` mapping, else its label govcloud.sit.dk/tenant, else the
 * `[kubernetes] tenant_pattern` over its name; else it has none. A namespace mapped to one
 * tenant and labelled for another has none (a conflict: refused, never reassigned).
 * Cluster-scoped objects (nodes, node metrics) have none: a session scoped to some tenants
 * never reads them. The namespace index is rebuilt when the namespaces change; its
 * generation is the tenancy's, so views rebuild when a namespace is relabelled.
 *
 * k8s_tenancy_register() declares every Kubernetes store kind with its free function and this
 * tenancy (store_register()). Loop thread only. */
#ifndef GC_CORE_K8S_TENANCY_H
#define GC_CORE_K8S_TENANCY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/store.h"

struct k8s_tenancy;

/* A tenancy over the namespaces in `s` (borrowed). */
struct k8s_tenancy *k8s_tenancy_new(struct store *s);
void k8s_tenancy_free(struct k8s_tenancy *t);

/* Assigns namespace `ns` (unlabelled, or labelled for the same tenant) to `tenant`. Both
 * copied. */
void k8s_tenancy_map_namespace(struct k8s_tenancy *t, const char *ns, const char *tenant);

/* A tenant's display name from the configuration ([tenant NAME] display), so that texts
 * naming it are withheld from other tenants' sessions. Both copied. */
void k8s_tenancy_set_display(struct k8s_tenancy *t, const char *tenant, const char *display);

/* For namespaces without the label: a PCRE2 pattern whose first group is the tenant. 0, or -1
 * with *err (caller frees). */
int k8s_tenancy_set_pattern(struct k8s_tenancy *t, const char *pattern, char **err);

/* Registers the Kubernetes kinds (namespaces, pods, deployments, statefulsets, events,
 * replicasets, quotas, pod and node metrics, nodes) in the store with this tenancy. */
void k8s_tenancy_register(struct k8s_tenancy *t);

/* The namespaces refused because their label and their mapping disagree, as
 * "dst (labelled dst, mapped to dmi), ..." (borrowed until the next call), and how many. */
const char *k8s_tenancy_conflicts(struct k8s_tenancy *t, size_t *n);

/* The tenancy as the store sees it (borrowed for the tenancy's life). */
const struct store_tenancy *k8s_tenancy_ops(struct k8s_tenancy *t);

/* The tenant of namespace `ns` (NULL if none or unknown). Borrowed until store_commit(). */
const char *k8s_tenancy_ns_tenant(struct k8s_tenancy *t, const char *ns);

#endif
