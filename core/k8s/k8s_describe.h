/* `d`: an object's text shaped like `kubectl describe`, from its JSON (just fetched) and the
 * Events the store holds for it. Every string taken from the JSON is sanitized, so the text
 * holds no control character other than '\n'. Runs on the loop thread; no global state. */
#ifndef GC_CORE_K8S_DESCRIBE_H
#define GC_CORE_K8S_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

#include "core/access.h"
#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_request.h"
#include "core/store.h"

/* A Pod (`json`, `len` bytes, one object) as `kubectl describe pod` prints it: metadata,
 * containers with their states, conditions, QoS class, tolerations and the Events table.
 * `events` (borrowed, any order; NULL when nevents is 0) are this pod's; they are printed
 * oldest first, newest last. `now` is the wall clock in epoch seconds (for ages).
 * Returns the text (caller frees), or NULL when `json` is not a JSON object. */
char *k8s_describe_pod(const char *json, size_t len, const struct k8s_event *const *events,
                       size_t nevents, int64_t now);

/* A Deployment or a StatefulSet (told apart by "kind", else by its spec) as
 * `kubectl describe deployment|statefulset` prints it: metadata, selector, the Replicas line
 * ("3 desired | 3 updated | 3 total | 3 available | 0 unavailable"), strategy, the pod
 * template, conditions, for a Deployment the OldReplicaSets and NewReplicaSet lines, and the
 * Events table. `rs` (borrowed, any order; NULL when nrs is 0; ignored for a StatefulSet) are
 * the Deployment's ReplicaSets (owner_uid its uid): the one whose revision is the Deployment's
 * deployment.kubernetes.io/revision annotation (without the annotation, the highest) is the
 * NewReplicaSet, every other one is listed in OldReplicaSets, oldest first, as kubectl 1.27
 * and later do ("NAME (CURRENT/DESIRED replicas created)", joined by ", "; "<none>"). Otherwise
 * the same contract as k8s_describe_pod(). */
char *k8s_describe_workload(const char *json, size_t len, const struct k8s_replicaset *const *rs,
                            size_t nrs, const struct k8s_event *const *events, size_t nevents,
                            int64_t now);

/* The Events in the store about one object: those whose involvedObject.uid is `uid`, and
 * those without an involvedObject.uid whose kind, namespace and name match. Sets *out to an
 * array (caller frees the array, not the rows; NULL when none) sorted newest last, and returns
 * its length. The rows are borrowed until store_commit(). `uid` may be NULL (then only kind,
 * namespace and name are compared). */
size_t k8s_describe_events(const struct store *s, const char *kind, const char *ns,
                           const char *name, const char *uid, const struct k8s_event ***out);

/* The text of `d` for a request's object (k8s_request_detail()): its JSON just fetched, with
 * the Events the store holds for it and, for a Deployment, the ReplicaSets it owns (matched
 * by the request's uid), those the session `a` may see only (NULL: all): an Event in another
 * tenant's namespace that names the object is left out. `now` as above. Caller frees; NULL
 * when `json` is not a JSON object. */
char *k8s_describe_request(const struct store *s, const struct k8s_request_priv *kp,
                           const char *json, size_t len, int64_t now, struct access *a);

#endif
