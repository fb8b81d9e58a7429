/* An app's log (`l` on an app): the logs of its pods followed together, each line prefixed by
 * its pod's short name in the pod's colour (core/logmux.h), as `kubectl logs -l` and stern
 * show them, and the set of pods kept up to date while it runs.
 *
 * The pods are those the store has for the app as the apps view counts them
 * (k8s_pod_of_app()), those the session may see and may read the logs of (access_rows() and
 * access_check() with ACCESS_LOGS and each pod's tenant): a tenant-scoped session never opens
 * a stream for a pod outside its scope. At most K8S_APPLOG_MAX are followed at once, running
 * ones first, then by name; the others are counted as left out (STATE) and take the place of
 * a followed pod that goes. Each followed pod's stream asks for one container (the request's
 * part), kubectl's -l default of the last K8S_APPLOG_TAIL lines first.
 *
 * Once a second (when the store's pods or tenancy changed, or a stream ended) the set is
 * looked at again: a pod new to the app is followed as soon as its containers have started,
 * with a note that it joins; a pod that is gone (deleted, or out of the app or the scope) has
 * its stream closed with a note; a pod whose stream ended and that runs again with more
 * restarts is followed again with a note that it restarted (K8S_APPLOG_TAIL_LATE lines of the
 * new run first). A stream that fails says why in a note, and is asked for again once the pod
 * has changed (a container that was not ready yet).
 *
 * With `previous` the set is taken once: each pod's previous run, and `done` (ok) once they
 * have all ended. Otherwise it runs until freed.
 *
 * Everything runs on the loop thread. The streams go through `io` so that tests can stand in
 * for the API server. */
#ifndef GC_CORE_K8S_APPLOG_H
#define GC_CORE_K8S_APPLOG_H

#include <stdbool.h>

#include "core/access.h"
#include "core/k8s/k8s.h"
#include "core/source.h"
#include "core/store.h"

struct loop;

/* Pods followed at once (kubectl's --max-log-requests is 5). */
#define K8S_APPLOG_MAX 10
/* Lines a followed pod's log starts with: kubectl logs -l's default. */
#define K8S_APPLOG_TAIL 10
/* ... and a pod that joins later or restarted: its new run's lines, up to this. */
#define K8S_APPLOG_TAIL_LATE 100
/* How often the set of pods is looked at again (when something changed), in ms. */
#define K8S_APPLOG_CHECK_MS 1000

/* How streams are opened and closed: k8s_client_stream() and k8s_client_cancel() of a
 * client, or a test's stand-in. */
struct k8s_applog_io {
    struct k8s_call *(*open)(void *ctx, const char *path, k8s_data_fn on_data,
                             k8s_result_fn on_done, void *arg);
    void (*cancel)(void *ctx, struct k8s_call *call);
    void *ctx;
};

/* Whose logs, and how. Strings copied. */
struct k8s_applog_target {
    const char *ns, *app, *version; /* as k8s_pod_of_app() takes them; version may be NULL */
    const char *container;          /* NULL: the server picks */
    bool previous, timestamps;
};

struct k8s_applog;

/* Starts following: the first set of pods is taken and their streams opened now; chunks
 * (core/source.h) go to `chunk`, `done` runs once (from a timer) with `previous` when all
 * have ended. `loop`, `store`, `access` and `io` are borrowed for its life. Free with
 * k8s_applog_free() (also from inside `done`). */
struct k8s_applog *k8s_applog_start(struct loop *loop, struct store *store,
                                    struct access *access, const struct k8s_applog_io *io,
                                    const struct k8s_applog_target *t, source_chunk_fn chunk,
                                    source_reply_fn done, void *arg);

/* Looks at the set of pods again on the next loop pass rather than within the second (tests;
 * nothing is done when nothing changed). */
void k8s_applog_poke(struct k8s_applog *al);

/* Closes every stream and frees it; no callback runs after. NULL is ignored. */
void k8s_applog_free(struct k8s_applog *al);

#endif
