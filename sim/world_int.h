/* Internals shared by world.c, world_ctl.c and world_events.c; nothing else includes this.
 * Every function here expects the world lock to be held. */
#ifndef GC_SIM_WORLD_INT_H
#define GC_SIM_WORLD_INT_H

#include "sim/world.h"

#define WORLD_DAY 86400

/* A random version 4 uid from the world's generator. */
void world_gen_uid(struct sim_rng *r, struct world_uid *u);
/* n characters of Kubernetes' name alphabet, NUL-terminated (out has n + 1 bytes). */
void world_gen_suffix(struct sim_rng *r, char *out, int n);

/* Appends a history event (dropping the oldest when full); NULL when history is off. */
struct world_event *world_history_push(struct world *w, uint8_t type, uint8_t kind);
/* Takes a new resourceVersion for p and records the event (marks its quota dirty). */
void world_emit_pod(struct world *w, struct world_pod *p, uint8_t type);
/* Removes pod index i from the world, recording DELETED. */
void world_remove_pod(struct world *w, size_t i);
/* New resourceVersion for a Deployment or StatefulSet and its event; a Deployment's
 * ReplicaSets follow (world_emit_rs). */
void world_emit_app(struct world *w, struct world_app *a, uint8_t type);
/* A ReplicaSet's event with a new resourceVersion; MODIFIED only when its counts moved
 * since the last one. */
void world_emit_rs(struct world *w, struct world_app *a, bool old, uint8_t type);

/* A fresh pod of app ai created at `created` (a StatefulSet pod gets the ordinal), not yet
 * in the pod array; the name is unique in its namespace. */
struct world_pod *world_new_pod(struct world *w, size_t ai, int64_t created, int ordinal);
void world_pods_insert(struct world *w, struct world_pod *p);
/* Creates a pod of app ai now (ContainerCreating; a CronJob run starts Running), inserts it
 * and emits ADDED with its Scheduled and its owner's SuccessfulCreate events. */
struct world_pod *world_spawn_pod(struct world *w, size_t ai, int64_t now, int ordinal);
/* Puts pod p into a state with plausible times; now is the reference clock. */
void world_pod_set_state(struct world *w, struct world_pod *p, int state, int64_t now);

/* Counts the app's pods that are not terminating: all, ready, of the current revision, and
 * ready of the current revision (updated_ready may be NULL). */
void world_app_count(const struct world *w, size_t ai, uint32_t *replicas, uint32_t *ready,
                     uint32_t *updated, uint32_t *updated_ready);
/* Puts world.rs back in (namespace, name) order after a ReplicaSet's hash changed. */
void world_rs_sort(struct world *w);
/* Recomputes an app's status counts; true when they changed. */
bool world_app_refresh(struct world *w, size_t ai);

/* The quotas' hard amounts, from the pods present at generation. */
void world_quota_init(struct world *w);
/* Recounts status.used of every namespace whose pods changed; MODIFIED when it moved. */
void world_quota_flush(struct world *w);
/* Amounts one pod counts for in its namespace's quota (zero for finished pods). */
void world_pod_quota(const struct world *w, const struct world_pod *p,
                     struct world_quota_amounts *out);

/* The Events of the world at generation: recent pod lifecycles and the warnings of
 * pods in trouble (no history entries; resourceVersions are given afterwards). */
void world_events_init(struct world *w);
void world_events_free(struct world *w);

/* Event helpers for the usual pod and controller stories. */
void world_ev_pod_scheduled(struct world *w, const struct world_pod *p, int64_t when);
void world_ev_pod_started(struct world *w, const struct world_pod *p, int64_t when);
void world_ev_pod_killing(struct world *w, const struct world_pod *p, int64_t when);
void world_ev_pod_state(struct world *w, const struct world_pod *p, int64_t when);
/* SuccessfulCreate/SuccessfulDelete of the pod's owner ("Created pod: NAME"). */
void world_ev_owner_pod(struct world *w, const struct world_pod *p, bool created, int64_t when);
/* ScalingReplicaSet on a Deployment: "Scaled up replica set NAME-HASH to N from M". */
void world_ev_scaled(struct world *w, size_t ai, const char *hash, uint32_t from, uint32_t to,
                     int64_t when);

#endif
