/* govsim's Nagios: hosts and services derived from the world's apps, with acks and
 * downtimes. */
#include "sim/nagios/monitor.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim_util.h"

/* What is remembered of an object between queries. */
struct memo {
    char key[2 * MON_NAME_MAX + 2]; /* "host;service" */
    int state;
    int64_t since;
    bool acked;
};

struct monitor {
    pthread_mutex_t lock;
    struct memo *memo; /* sorted by key */
    size_t n_memo, cap_memo;
    struct mon_comment *comments;
    size_t n_comments, cap_comments;
    struct mon_downtime *downtimes;
    size_t n_downtimes, cap_downtimes;
    unsigned long next_id;
    char form_id[17];
};

struct monitor *monitor_new(void)
{
    struct monitor *m = sim_xcalloc(1, sizeof *m);

    pthread_mutex_init(&m->lock, NULL);
    m->next_id = 1;
    {
        int64_t seed[2] = {sim_now_ns(), (int64_t)getpid()};

        snprintf(m->form_id, sizeof m->form_id, "%016llx",
                 (unsigned long long)sim_hash64(seed, sizeof seed, 13));
    }
    return m;
}

const char *monitor_form_id(const struct monitor *m)
{
    return m->form_id;
}

void monitor_free(struct monitor *m)
{
    if (m == NULL) {
        return;
    }
    pthread_mutex_destroy(&m->lock);
    free(m->memo);
    free(m->comments);
    free(m->downtimes);
    free(m);
}

/* The memo of key, added (state 0) when absent. Monitor lock held. */
static struct memo *memo_get(struct monitor *m, const char *key)
{
    size_t lo = 0, hi = m->n_memo;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key, m->memo[mid].key);

        if (c == 0) {
            return &m->memo[mid];
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if (m->n_memo == m->cap_memo) {
        m->cap_memo = m->cap_memo ? 2 * m->cap_memo : 256;
        m->memo = sim_xrealloc(m->memo, m->cap_memo * sizeof m->memo[0]);
    }
    memmove(&m->memo[lo + 1], &m->memo[lo], (m->n_memo - lo) * sizeof m->memo[0]);
    m->n_memo++;
    memset(&m->memo[lo], 0, sizeof m->memo[0]);
    snprintf(m->memo[lo].key, sizeof m->memo[lo].key, "%s", key);
    return &m->memo[lo];
}

/* What an app's pods say. */
struct app_pods {
    unsigned wanted, ready, running, crash;
};

/* Counts every app's pods at once (apps indexed as world.apps). World lock held. */
static struct app_pods *count_pods(const struct world *w)
{
    struct app_pods *c = sim_xcalloc(w->n_apps + 1, sizeof *c);

    for (size_t i = 0; i < w->n_apps; i++) {
        c[i].wanted = w->apps[i].replicas;
    }
    for (size_t i = 0; i < w->n_pods; i++) {
        const struct world_pod *p = w->pods[i];
        struct app_pods *a = &c[p->app];

        if (p->deleted_at != 0) {
            continue;
        }
        switch (p->state) {
        case POD_RUNNING:
            a->ready++;
            a->running++;
            break;
        case POD_SIDECAR_NOT_READY:
            a->running++;
            break;
        case POD_CRASHLOOP:
        case POD_OOMKILLED:
        case POD_ERR_IMAGE_PULL:
        case POD_IMAGE_PULL_BACKOFF:
            a->crash++;
            break;
        default:
            break;
        }
    }
    return c;
}

/* Active downtimes on an object now. Monitor lock held. */
static int downtime_depth(const struct monitor *m, const char *host, const char *service,
                          int64_t now)
{
    int depth = 0;

    for (size_t i = 0; i < m->n_downtimes; i++) {
        const struct mon_downtime *d = &m->downtimes[i];

        if (strcmp(d->host, host) == 0 && strcmp(d->service, service) == 0 && d->start <= now &&
            now < d->end) {
            depth++;
        }
    }
    return depth;
}

/* Fills the memo-kept fields of o (since, acked, downtime) and forgets an ack once the
 * object is OK again (acks are sticky: kept through other problem states). */
static void remember(struct monitor *m, struct mon_object *o, int64_t start, int64_t now)
{
    char key[sizeof(((struct memo *)0)->key)];
    struct memo *me;

    snprintf(key, sizeof key, "%s;%s", o->host, o->service);
    me = memo_get(m, key);
    if (me->state == 0) {
        /* first seen: in this state for a while already (up to 2 h for a problem, a day
         * else), the same for the same seed */
        uint64_t h = sim_hash64(key, strlen(key), 11);

        me->state = o->state;
        me->since = start - 60 - (int64_t)(h % (o->state == MON_OK ? 86400 : 7200));
    } else if (me->state != o->state) {
        me->state = o->state;
        me->since = now;
    }
    if (o->state == MON_OK) {
        me->acked = false;
    }
    o->since = me->since;
    o->acked = me->acked;
    o->last_check = now - (int64_t)(sim_hash64(key, strlen(key), 7) % 60);
    o->downtime_depth = downtime_depth(m, o->host, o->service, now);
}

static size_t push(struct mon_object **v, size_t n, size_t *cap)
{
    if (n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        *v = sim_xrealloc(*v, *cap * sizeof **v);
    }
    memset(&(*v)[n], 0, sizeof **v);
    return n;
}

size_t monitor_snapshot(struct monitor *m, struct world *w, struct mon_object **out)
{
    struct mon_object *v = NULL;
    size_t n = 0, cap = 0;
    int64_t now = sim_now();
    struct app_pods *pods;

    world_lock(w);
    pthread_mutex_lock(&m->lock);
    pods = count_pods(w);
    for (size_t i = 0; i < w->n_apps; i++) {
        const struct world_app *a = &w->apps[i];
        const struct world_ns *ns = &w->ns[a->ns];
        const struct app_pods *c = &pods[i];
        struct mon_object *h, *s;
        char host[MON_NAME_MAX];
        size_t hi, idx;

        if (a->system || a->kind == APP_CRONJOB || ns->tenant[0] == '\0' ||
            strcmp(ns->name, ns->tenant) != 0) {
            continue;
        }
        snprintf(host, sizeof host, "%s-%s", ns->tenant, a->name);
        hi = push(&v, n++, &cap);
        h = &v[hi];
        snprintf(h->host, sizeof h->host, "%s", host);
        snprintf(h->tenant, sizeof h->tenant, "%s", ns->tenant);
        snprintf(h->app, sizeof h->app, "%s", a->name);
        if (c->wanted > 0 && c->running == 0 && c->crash == 0) {
            h->state = MON_DOWN;
            snprintf(h->output, sizeof h->output, "CRITICAL - %s: no pod running (0/%u)", host,
                     c->wanted);
        } else {
            h->state = MON_UP;
            snprintf(h->output, sizeof h->output, "OK - %s: rta 0.%03ums, lost 0%%", host,
                     100 + (unsigned)(sim_hash64(host, strlen(host), 1) % 800));
        }
        remember(m, h, w->start_time, now);

        idx = push(&v, n++, &cap); /* may move v */
        h = &v[hi];
        s = &v[idx];
        *s = *h;
        snprintf(s->service, sizeof s->service, "HTTP");
        if (c->ready == 0 && c->wanted > 0) {
            s->state = MON_CRITICAL;
            snprintf(s->output, sizeof s->output,
                     "connect to address %s and port %u: Connection refused", host,
                     (unsigned)a->port);
        } else {
            s->state = MON_OK;
            snprintf(s->output, sizeof s->output,
                     "HTTP OK: HTTP/1.1 200 OK - %u bytes in 0.0%02u second response time",
                     400 + (unsigned)(sim_hash64(host, strlen(host), 2) % 2000),
                     10 + (unsigned)(sim_hash64(host, strlen(host), 3) % 80));
        }
        remember(m, s, w->start_time, now);

        idx = push(&v, n++, &cap); /* may move v */
        h = &v[hi];
        s = &v[idx];
        *s = *h;
        snprintf(s->service, sizeof s->service, "Pods");
        if (c->crash > 0 || (c->ready == 0 && c->wanted > 0)) {
            s->state = MON_CRITICAL;
            snprintf(s->output, sizeof s->output,
                     "PODS CRITICAL - %u/%u ready, %u crash-looping or failing to start",
                     c->ready, c->wanted, c->crash);
        } else if (c->ready < c->wanted) {
            s->state = MON_WARNING;
            snprintf(s->output, sizeof s->output, "PODS WARNING - %u/%u ready", c->ready,
                     c->wanted);
        } else {
            s->state = MON_OK;
            snprintf(s->output, sizeof s->output, "PODS OK - %u/%u ready", c->ready, c->wanted);
        }
        remember(m, s, w->start_time, now);
    }
    free(pods);
    pthread_mutex_unlock(&m->lock);
    world_unlock(w);
    *out = v;
    return n;
}

size_t monitor_comments(struct monitor *m, struct mon_comment **out)
{
    size_t n;

    pthread_mutex_lock(&m->lock);
    n = m->n_comments;
    *out = sim_xmalloc((n + 1) * sizeof **out);
    if (n > 0) {
        memcpy(*out, m->comments, n * sizeof **out);
    }
    pthread_mutex_unlock(&m->lock);
    return n;
}

size_t monitor_downtimes(struct monitor *m, struct mon_downtime **out)
{
    size_t n;

    pthread_mutex_lock(&m->lock);
    n = m->n_downtimes;
    *out = sim_xmalloc((n + 1) * sizeof **out);
    if (n > 0) {
        memcpy(*out, m->downtimes, n * sizeof **out);
    }
    pthread_mutex_unlock(&m->lock);
    return n;
}

/* The object host/service as of now into *o: 0, or -1 when it does not exist. */
static int find_object(struct monitor *m, struct world *w, const char *host, const char *service,
                       struct mon_object *o)
{
    struct mon_object *v;
    size_t n = monitor_snapshot(m, w, &v);
    int rc = -1;

    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].host, host) == 0 && strcmp(v[i].service, service) == 0) {
            *o = v[i];
            rc = 0;
            break;
        }
    }
    free(v);
    return rc;
}

static void add_comment(struct monitor *m, const char *host, const char *service, int type,
                        const char *author, const char *text, int64_t now)
{
    struct mon_comment *c;

    if (m->n_comments == m->cap_comments) {
        m->cap_comments = m->cap_comments ? 2 * m->cap_comments : 16;
        m->comments = sim_xrealloc(m->comments, m->cap_comments * sizeof *c);
    }
    c = &m->comments[m->n_comments++];
    memset(c, 0, sizeof *c);
    c->id = m->next_id++;
    snprintf(c->host, sizeof c->host, "%s", host);
    snprintf(c->service, sizeof c->service, "%s", service);
    c->entry_type = type;
    c->entry_time = now;
    snprintf(c->author, sizeof c->author, "%s", author);
    snprintf(c->text, sizeof c->text, "%s", text);
}

int monitor_ack(struct monitor *m, struct world *w, const char *host, const char *service,
                const char *author, const char *comment, const char **why)
{
    struct mon_object o;
    char key[sizeof(((struct memo *)0)->key)];

    if (find_object(m, w, host, service, &o) != 0) {
        *why = service[0] ? "Error: Service does not exist" : "Error: Host does not exist";
        return -1;
    }
    if (o.state == MON_OK) {
        *why = "Error: The problem has already been resolved (the object is OK)";
        return -1;
    }
    pthread_mutex_lock(&m->lock);
    snprintf(key, sizeof key, "%s;%s", host, service);
    memo_get(m, key)->acked = true;
    add_comment(m, host, service, 4, author, comment, sim_now());
    pthread_mutex_unlock(&m->lock);
    return 0;
}

int monitor_downtime(struct monitor *m, struct world *w, const char *host, const char *service,
                     int64_t start, int64_t end, const char *author, const char *comment,
                     const char **why)
{
    struct mon_object o;
    struct mon_downtime *d;
    int64_t now = sim_now();

    if (find_object(m, w, host, service, &o) != 0) {
        *why = service[0] ? "Error: Service does not exist" : "Error: Host does not exist";
        return -1;
    }
    if (end <= start || end <= now) {
        *why = "Error: Invalid start or end time";
        return -1;
    }
    pthread_mutex_lock(&m->lock);
    if (m->n_downtimes == m->cap_downtimes) {
        m->cap_downtimes = m->cap_downtimes ? 2 * m->cap_downtimes : 16;
        m->downtimes = sim_xrealloc(m->downtimes, m->cap_downtimes * sizeof *d);
    }
    d = &m->downtimes[m->n_downtimes++];
    memset(d, 0, sizeof *d);
    d->id = m->next_id++;
    snprintf(d->host, sizeof d->host, "%s", host);
    snprintf(d->service, sizeof d->service, "%s", service);
    d->entry_time = now;
    d->start = start;
    d->end = end;
    d->duration = end - start;
    snprintf(d->author, sizeof d->author, "%s", author);
    snprintf(d->text, sizeof d->text, "%s", comment);
    add_comment(m, host, service, 2, author, comment, now);
    pthread_mutex_unlock(&m->lock);
    return 0;
}
