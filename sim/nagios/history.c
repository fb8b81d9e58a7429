/* The simulated Nagios's hosts, services and their deterministic history. */
#include "sim/nagios/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

static int service_cmp(const void *a, const void *b)
{
    const struct nagios_sim_service *x = a, *y = b;
    int c = strcmp(x->host, y->host);

    return c != 0 ? c : strcmp(x->service, y->service);
}

size_t nagios_sim_services(const struct world *w, struct nagios_sim_service **out)
{
    size_t n = 0;

    *out = sim_xcalloc(2 * w->n_apps + 1, sizeof **out);
    for (size_t i = 0; i < w->n_apps; i++) {
        const struct world_app *a = &w->apps[i];
        const char *tenant = w->ns[a->ns].tenant;

        if (a->system || a->kind == APP_CRONJOB || tenant[0] == '\0' ||
            strcmp(w->ns[a->ns].name, tenant) != 0) {
            continue; /* as sim/nagios/monitor.c: sandboxes and CronJobs are not monitored */
        }
        for (int k = 0; k < 2; k++) {
            struct nagios_sim_service *s = &(*out)[n++];

            snprintf(s->host, sizeof s->host, "%s-%s", tenant, a->name);
            snprintf(s->hostgroup, sizeof s->hostgroup, "tenant-%s", tenant);
            s->app = i;
            s->service = k == 0 ? "HTTP" : "Pods";
        }
    }
    qsort(*out, n, sizeof **out, service_cmp);
    return n;
}

/* One stretch of a bad state. */
struct episode {
    int64_t start;
    int64_t end;
    enum sla_state state;
};

struct episodes {
    struct episode *e;
    size_t n, cap;
};

static void episode_add(struct episodes *l, int64_t start, int64_t end, enum sla_state state)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->e = sim_xrealloc(l->e, l->cap * sizeof *l->e);
    }
    l->e[l->n++] = (struct episode){start, end, state};
}

static int episode_cmp(const void *a, const void *b)
{
    const struct episode *x = a, *y = b;

    return (x->start > y->start) - (x->start < y->start);
}

static uint64_t day_hash(const struct world *w, const char *key, int64_t day, uint64_t salt)
{
    return sim_hash64(key, strlen(key), w->cfg.seed ^ ((uint64_t)day * 0x9E3779B97F4A7C15ull) ^ salt);
}

/* A planned maintenance of the host that day, if any: [*start, *end). */
static int day_downtime(const struct world *w, const char *host, int64_t day, int64_t *start,
                        int64_t *end)
{
    uint64_t h = day_hash(w, host, day, 0xD0D0);

    if (h % 1000 >= 30) {
        return 0;
    }
    *start = day * DAY + 3600 + (int64_t)((h >> 10) % 7200);
    *end = *start + 3600;
    return 1;
}

static const char *output_of(enum sla_state s)
{
    switch (s) {
    case SLA_STATE_OK:
        return "OK - check passed";
    case SLA_STATE_WARNING:
        return "WARNING - response slow";
    case SLA_STATE_CRITICAL:
        return "CRITICAL - check failed";
    case SLA_STATE_UNKNOWN:
        return "UNKNOWN - check timed out";
    case SLA_STATE_NODATA:
    default:
        return "";
    }
}

static void change_add(struct nagios_sim_history *h, size_t *cap, int64_t t, enum sla_state s,
                       const char *output)
{
    if (h->n > 0 && h->changes[h->n - 1].state == s) {
        return;
    }
    if (h->n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        h->changes = sim_xrealloc(h->changes, *cap * sizeof *h->changes);
        h->outputs = sim_xrealloc(h->outputs, *cap * sizeof *h->outputs);
    }
    h->changes[h->n] = (struct sla_change){t, s};
    h->outputs[h->n] = sim_xstrdup(output);
    h->n++;
}

/* Adds a downtime span to out. */
static void downtime_add(struct nagios_sim_history *out, size_t *cap, int64_t start, int64_t end)
{
    if (out->m == *cap) {
        *cap = *cap ? 2 * *cap : 4;
        out->downtimes = sim_xrealloc(out->downtimes, *cap * sizeof *out->downtimes);
    }
    out->downtimes[out->m++] = (struct sla_span){start, end};
}

void nagios_sim_history(const struct world *w, const struct nagios_sim_service *s,
                        const struct nagios_sim_live *live, int64_t start, int64_t end,
                        struct nagios_sim_history *out)
{
    const struct world_app *a = &w->apps[s->app];
    int64_t live_t = w->start_time;
    int64_t begin = live_t - NAGIOS_HISTORY_DAYS * DAY;
    struct episodes ep = {0};
    size_t cap = 0, dcap = 0;
    char key[sizeof s->host + 32];

    memset(out, 0, sizeof *out);
    if (a->created > begin) {
        begin = a->created;
    }
    snprintf(key, sizeof key, "%s;%s", s->host, s->service);
    int64_t d0 = (start > begin ? start : begin) / DAY - 1;
    int64_t d1 = (end < live_t ? end : live_t) / DAY + 1;

    for (int64_t d = d0; d <= d1; d++) {
        uint64_t h = day_hash(w, key, d, 0);
        int64_t ds, de;

        if (h % 1000 < 40) { /* an outage: 1 to 90 minutes */
            int64_t at = d * DAY + (int64_t)((h >> 10) % DAY);
            unsigned kind = (unsigned)((h >> 50) % 10);

            episode_add(&ep, at, at + 60 + (int64_t)((h >> 30) % 5340),
                        kind < 7 ? SLA_STATE_CRITICAL
                                 : kind < 9 ? SLA_STATE_WARNING : SLA_STATE_UNKNOWN);
        }
        if ((h >> 40) % 1000 < 3) { /* a major outage: 2 to 8 hours */
            int64_t at = d * DAY + (int64_t)((h >> 14) % DAY);

            episode_add(&ep, at, at + 7200 + (int64_t)((h >> 24) % 21600), SLA_STATE_CRITICAL);
        }
        if ((h >> 20) % 1000 < 8) { /* flapping: 8 failures of 2 minutes, 2 minutes apart */
            int64_t at = d * DAY + (int64_t)((h >> 12) % DAY);

            for (int k = 0; k < 8; k++) {
                episode_add(&ep, at + 240 * k, at + 240 * k + 120, SLA_STATE_CRITICAL);
            }
        }
        if (day_downtime(w, s->host, d, &ds, &de) && ds < live_t) { /* restarted in it */
            downtime_add(out, &dcap, ds, de < live_t ? de : live_t);
            episode_add(&ep, ds + 300, ds + 1500, SLA_STATE_CRITICAL);
        }
    }
    if (ep.n > 1) {
        qsort(ep.e, ep.n, sizeof *ep.e, episode_cmp);
    }
    change_add(out, &cap, begin, SLA_STATE_OK, output_of(SLA_STATE_OK));
    int64_t clear = begin; /* where the previous episode ended */

    for (size_t i = 0; i < ep.n; i++) {
        int64_t es = ep.e[i].start > clear ? ep.e[i].start : clear;
        int64_t ee = ep.e[i].end < live_t ? ep.e[i].end : live_t;

        if (ee <= es || es < begin) {
            continue;
        }
        if (out->n > 0 && out->changes[out->n - 1].t == es) {
            out->n--; /* back to OK at the very moment it fails again: one change */
            free(out->outputs[out->n]);
        }
        change_add(out, &cap, es, ep.e[i].state, output_of(ep.e[i].state));
        change_add(out, &cap, ee, SLA_STATE_OK, output_of(SLA_STATE_OK));
        clear = ee;
    }
    if (live != NULL && live->state != SLA_STATE_OK) {
        change_add(out, &cap, live->since > live_t ? live->since : live_t, live->state,
                   live->output);
    }
    for (size_t i = 0; live != NULL && i < live->n_downtimes; i++) {
        downtime_add(out, &dcap, live->downtimes[i].start, live->downtimes[i].end);
    }
    free(ep.e);
}

void nagios_sim_history_fini(struct nagios_sim_history *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->outputs[i]);
    }
    free(h->outputs);
    free(h->changes);
    free(h->downtimes);
    memset(h, 0, sizeof *h);
}
