/* The logs of an app's pods, merged, following the set of pods as it changes. */
#include "core/k8s/k8s_applog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_model.h"
#include "core/k8s/k8s_request.h"
#include "core/logmux.h"
#include "core/loop.h"
#include "core/xalloc.h"

struct applog_member {
    struct k8s_applog *al;
    struct logmux_member *mx;
    char *uid, *name;
    struct k8s_call *call; /* the stream, NULL while none is open */
    int32_t restarts;      /* the pod's restarts when its stream was opened */
    uint64_t gen;          /* the pod row's generation then */
    bool opened;           /* a stream was opened (once at least) */
    bool failed;           /* the last one ended with an error */
};

struct k8s_applog {
    struct loop *loop;
    struct store *store;
    struct access *access;
    struct k8s_applog_io io;
    char *ns, *app, *version, *container;
    bool previous, timestamps;
    source_reply_fn done;
    void *arg;
    struct logmux *mux;
    struct applog_member *members[K8S_APPLOG_MAX];
    size_t nmembers;
    unsigned left_out;
    bool started;  /* the first set was taken */
    bool dirty;    /* a stream ended: look again */
    bool finished; /* `done` ran */
    uint64_t pod_gen, tenancy_gen;
    struct loop_timer *timer;
};

static unsigned applog_live(const struct k8s_applog *al)
{
    unsigned live = 0;

    for (size_t i = 0; i < al->nmembers; i++) {
        live += al->members[i]->call != NULL;
    }
    return live;
}

static void applog_state(struct k8s_applog *al)
{
    unsigned waiting = 0;

    for (size_t i = 0; i < al->nmembers; i++) {
        waiting += !al->members[i]->opened;
    }
    logmux_state(al->mux, applog_live(al), waiting, (unsigned)al->nmembers, al->left_out);
}

/* A note about a member: "pod NAME WHAT". */
static void applog_note(struct k8s_applog *al, const struct applog_member *m, const char *what)
{
    char *text = xasprintf("pod %s %s", m->name, what);

    logmux_note(al->mux, m->mx, text);
    free(text);
}

static void applog_check(void *arg);

/* Looks again in `delay_ms` (aligned to the second unless 0), instead of when it would. */
static void applog_arm(struct k8s_applog *al, int64_t delay_ms)
{
    loop_timer_cancel(al->loop, al->timer);
    al->timer = delay_ms == 0 ? loop_timer_add(al->loop, 0, applog_check, al)
                              : loop_timer_add_aligned(al->loop, delay_ms, K8S_APPLOG_CHECK_MS,
                                                       applog_check, al);
}

static void applog_data(const char *data, size_t len, void *arg)
{
    struct applog_member *m = arg;

    logmux_feed(m->mx, data, len);
}

/* A member's stream ended: its last line out, why it failed if it did, and a look again soon
 * (from a timer: a stream is never opened or closed from inside another's callback). */
static void applog_ended(long status, const char *body, size_t len, const char *error, void *arg)
{
    struct applog_member *m = arg;
    struct k8s_applog *al = m->al;

    m->call = NULL;
    logmux_flush(m->mx);
    m->failed = error != NULL || status < 200 || status >= 300;
    if (m->failed) {
        char *why = k8s_error_text(status, body, len, error);
        char *what = xasprintf("failed: %s", why);

        applog_note(al, m, what);
        free(what);
        free(why);
    }
    applog_state(al);
    al->dirty = true;
    applog_arm(al, 0);
}

static void applog_open(struct k8s_applog *al, struct applog_member *m, const struct k8s_pod *p,
                        int tail)
{
    char *path = k8s_log_path(al->ns, m->name, al->container, tail, al->timestamps,
                              al->previous);

    m->restarts = p->restarts;
    m->gen = p->row.gen;
    m->opened = true;
    m->failed = false;
    m->call = al->io.open(al->io.ctx, path, applog_data, applog_ended, m);
    free(path);
}

/* Closes a member's stream, says why it goes, and forgets it. */
static void applog_drop(struct k8s_applog *al, size_t i, const char *why)
{
    struct applog_member *m = al->members[i];

    if (m->call != NULL) {
        al->io.cancel(al->io.ctx, m->call);
        m->call = NULL;
    }
    logmux_flush(m->mx);
    applog_note(al, m, why);
    logmux_remove(m->mx);
    free(m->uid);
    free(m->name);
    free(m);
    memmove(al->members + i, al->members + i + 1, (al->nmembers - i - 1) * sizeof *al->members);
    al->nmembers--;
}

/* A followed pod that is still there: its stream opened once its containers have started,
 * again after a restart, and again after a failure once the pod changed (a container that
 * was not ready yet). */
static void applog_keep(struct k8s_applog *al, struct applog_member *m, const struct k8s_pod *p)
{
    if (m->call != NULL || al->previous || !k8s_pod_has_log(p)) {
        return;
    }
    if (!m->opened || (m->failed && p->row.gen != m->gen)) {
        applog_open(al, m, p, K8S_APPLOG_TAIL_LATE);
    } else if (p->restarts != m->restarts && strcmp(p->status, "Running") == 0) {
        applog_note(al, m, "restarted");
        applog_open(al, m, p, K8S_APPLOG_TAIL_LATE);
    }
}

static void applog_add(struct k8s_applog *al, const struct k8s_pod *p)
{
    struct applog_member *m = xcalloc(1, sizeof *m);

    m->al = al;
    m->uid = xstrdup(p->row.uid);
    m->name = xstrdup(p->name);
    m->mx = logmux_add(al->mux, p->name);
    al->members[al->nmembers++] = m;
    if (al->started) {
        applog_note(al, m, "joins");
    }
    if (al->previous || k8s_pod_has_log(p)) {
        applog_open(al, m, p, al->started ? K8S_APPLOG_TAIL_LATE : K8S_APPLOG_TAIL);
    }
}

/* Running pods first (their logs are the ones that move), then by name. */
static int applog_pod_cmp(const void *pa, const void *pb)
{
    const struct k8s_pod *a = *(const struct k8s_pod *const *)pa;
    const struct k8s_pod *b = *(const struct k8s_pod *const *)pb;
    bool ra = strcmp(a->status, "Running") == 0, rb = strcmp(b->status, "Running") == 0;

    if (ra != rb) {
        return ra ? -1 : 1;
    }
    return strcmp(a->name, b->name);
}

/* The app's pods the session may read the logs of, in applog_pod_cmp() order (caller frees
 * the array; the rows are borrowed until store_commit()). */
static const struct k8s_pod **applog_pods(struct k8s_applog *al, size_t *n)
{
    struct access_cursor cur;
    const struct store_row *r;
    const char *tenant;
    const struct k8s_pod **pods = NULL;
    size_t cap = 0;
    char why[256];

    *n = 0;
    access_rows(al->access, STORE_POD, &cur);
    while ((r = access_next(&cur, &tenant)) != NULL) {
        const struct k8s_pod *p = (const struct k8s_pod *)r;

        if (p->row.uid == NULL || !k8s_pod_of_app(p, al->ns, al->app, al->version) ||
            !k8s_valid_name(p->name) ||
            access_check(al->access, ACCESS_LOGS, tenant, why, sizeof why) != 0) {
            continue;
        }
        if (*n == cap) {
            cap = cap > 0 ? cap * 2 : 16;
            pods = xrealloc(pods, cap * sizeof *pods);
        }
        pods[(*n)++] = p;
    }
    if (*n > 1) {
        qsort(pods, *n, sizeof *pods, applog_pod_cmp);
    }
    return pods;
}

static const struct k8s_pod *applog_find(const struct k8s_pod **pods, size_t n, const char *uid)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(pods[i]->row.uid, uid) == 0) {
            return pods[i];
        }
    }
    return NULL;
}

static bool applog_member_of(const struct k8s_applog *al, const char *uid)
{
    for (size_t i = 0; i < al->nmembers; i++) {
        if (strcmp(al->members[i]->uid, uid) == 0) {
            return true;
        }
    }
    return false;
}

/* Takes the set of pods again: the gone ones dropped, the new ones added while there is
 * room (not with `previous` once started), the followed ones kept going. */
static void applog_rescan(struct k8s_applog *al)
{
    size_t n;
    const struct k8s_pod **pods;

    al->pod_gen = store_gen(al->store, STORE_POD);
    al->tenancy_gen = store_tenancy_gen(al->store);
    al->dirty = false;
    pods = applog_pods(al, &n);
    for (size_t i = 0; i < al->nmembers;) {
        const struct k8s_pod *p = applog_find(pods, n, al->members[i]->uid);

        if (p == NULL) {
            applog_drop(al, i, "gone");
            continue;
        }
        applog_keep(al, al->members[i], p);
        i++;
    }
    al->left_out = 0;
    for (size_t i = 0; i < n; i++) {
        if (applog_member_of(al, pods[i]->row.uid)) {
            continue;
        }
        if (al->nmembers < K8S_APPLOG_MAX && !(al->previous && al->started)) {
            applog_add(al, pods[i]);
        } else if (al->nmembers == K8S_APPLOG_MAX) {
            al->left_out++;
        }
    }
    al->started = true;
    free(pods);
    applog_state(al);
}

static void applog_check(void *arg)
{
    struct k8s_applog *al = arg;

    al->timer = NULL;
    if (al->dirty || al->pod_gen != store_gen(al->store, STORE_POD) ||
        al->tenancy_gen != store_tenancy_gen(al->store)) {
        applog_rescan(al);
    }
    if (al->previous && !al->finished && applog_live(al) == 0) {
        struct source_reply reply = {.ok = true, .status = 200};

        al->finished = true;
        al->done(&reply, al->arg); /* may free al */
        return;
    }
    applog_arm(al, K8S_APPLOG_CHECK_MS);
}

struct k8s_applog *k8s_applog_start(struct loop *loop, struct store *store,
                                    struct access *access, const struct k8s_applog_io *io,
                                    const struct k8s_applog_target *t, source_chunk_fn chunk,
                                    source_reply_fn done, void *arg)
{
    struct k8s_applog *al = xcalloc(1, sizeof *al);

    al->loop = loop;
    al->store = store;
    al->access = access;
    al->io = *io;
    al->ns = xstrdup(t->ns);
    al->app = xstrdup(t->app);
    al->version = t->version != NULL ? xstrdup(t->version) : NULL;
    al->container = t->container != NULL ? xstrdup(t->container) : NULL;
    al->previous = t->previous;
    al->timestamps = t->timestamps;
    al->done = done;
    al->arg = arg;
    al->mux = logmux_new(chunk, arg);
    applog_rescan(al);
    applog_arm(al, al->previous ? 0 : K8S_APPLOG_CHECK_MS);
    return al;
}

void k8s_applog_poke(struct k8s_applog *al)
{
    applog_arm(al, 0);
}

void k8s_applog_free(struct k8s_applog *al)
{
    if (al == NULL) {
        return;
    }
    loop_timer_cancel(al->loop, al->timer);
    for (size_t i = 0; i < al->nmembers; i++) {
        struct applog_member *m = al->members[i];

        if (m->call != NULL) {
            al->io.cancel(al->io.ctx, m->call);
        }
        free(m->uid);
        free(m->name);
        free(m);
    }
    logmux_free(al->mux);
    free(al->ns);
    free(al->app);
    free(al->version);
    free(al->container);
    free(al);
}
