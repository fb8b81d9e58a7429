/* Renders simulated objects as the Kubernetes API does: compact JSON with Go's field
 * order, label maps sorted by key, and meta.k8s.io/v1 Table rows as the apiserver's
 * printers produce them (pod status per printPod, Restarts "4 (2m ago)", Age "5m"). */
#ifndef GC_SIM_K8S_JSON_H
#define GC_SIM_K8S_JSON_H

#include <stdint.h>

#include "sim/jbuf.h"
#include "sim/world.h"

enum k8s_json_flags {
    K8S_JSON_TYPEMETA = 1, /* include kind and apiVersion (single GET, watch events) */
    K8S_JSON_PARTIAL = 2   /* PartialObjectMetadata: kind, apiVersion, metadata only */
};

/* How a Table row carries its object (?includeObject=). */
enum k8s_json_include {
    K8S_INCLUDE_METADATA, /* the default */
    K8S_INCLUDE_OBJECT,
    K8S_INCLUDE_NONE
};

/* Optional overrides for the fault injector's hostile strings (NULL = none). */
struct k8s_json_taint {
    const char *name;
    const char *reason;
};

/* "Pod", "PodList", "v1", "pods", "" ... for a world_kind. */
const char *k8s_json_kind(int kind);
const char *k8s_json_list_kind(int kind);
const char *k8s_json_api_version(int kind);
const char *k8s_json_resource(int kind);
const char *k8s_json_group(int kind);
int k8s_json_namespaced(int kind);

/* Lock held. Appends the object (a struct world_pod/app/ns/node of that kind). For
 * WORLD_KIND_STATEFULSET the object is a struct world_app, for WORLD_KIND_REPLICASET a
 * struct world_rs, for WORLD_KIND_EVENT a struct world_kevent, for WORLD_KIND_RESOURCEQUOTA
 * its namespace's struct world_ns. */
void k8s_json_object(struct jbuf *b, const struct world *w, int kind, const void *obj,
                     unsigned flags);
/* Lock held. The autoscaling/v1 Scale of a Deployment or StatefulSet. */
void k8s_json_scale(struct jbuf *b, const struct world *w, const struct world_app *a);
/* Lock held. A pod with a hostile name and waiting reason (fault injection). */
void k8s_json_pod_tainted(struct jbuf *b, const struct world *w, const struct world_pod *p,
                          const struct k8s_json_taint *taint);

/* Appends "columnDefinitions":[...] for a kind (without a trailing comma). */
void k8s_json_table_columns(struct jbuf *b, int kind);
/* Lock held. Appends one Table row {"cells":[...],...,"object":...}; now is the clock
 * used for Age and "(2m ago)". */
void k8s_json_table_row(struct jbuf *b, const struct world *w, int kind, const void *obj,
                        int include, int64_t now);

#endif
