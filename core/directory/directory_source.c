/* The directory (Active Directory, spoken to over LDAP) as a source: [directory]. Who is at
 * the keyboard is resolved before the session starts (main.c, core/directory/identity.h);
 * this source says whether the server can still be reached with the TLS asked for, accepts
 * the service account and has the base: the probe of core/directory/probe.h run on a worker
 * thread (libldap blocks) at start, again every 5 minutes, and with back-off while it fails.
 * `govconsole check` runs the same probe and, when it passes, resolves the session's user
 * (groups and role) too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/access.h"
#include "core/backoff.h"
#include "core/config.h"
#include "core/directory/identity.h"
#include "core/directory/probe.h"
#include "core/loop.h"
#include "core/source.h"
#include "core/workpool.h"
#include "core/xalloc.h"

#define DIRECTORY_RECHECK_MS (5 * 60 * 1000)

struct directory {
    struct source_env env;
    char *password;
    struct dir_identity_opts id_opts; /* borrowed from the configuration */
    struct dir_probe_opts opts;
    struct source_health health;
    struct backoff backoff;
    struct loop_timer *timer;
    uint64_t run; /* bumped by stop: a probe of an older run is dropped */
    bool busy;
};

struct directory_job {
    struct directory *d;
    uint64_t run;
    struct dir_probe_result res;
    char *user;               /* check: whose identity to resolve too */
    struct dir_identity id;
    source_probe_fn done; /* a probe for `check`, else the health's */
    void *arg;
};

static bool directory_configured(const struct gc_config *cfg, const char *demo_url)
{
    (void)demo_url; /* govsim speaks no LDAP: only a configured directory */
    return cfg->directory.uri != NULL && cfg->directory.uri[0] != '\0';
}

static void *directory_init(const struct source_env *env, char **err)
{
    struct directory *d = xcalloc(1, sizeof *d);

    d->env = *env;
    if (dir_identity_opts_init(env->cfg, NULL, &d->id_opts, &d->password, err) != 0) {
        free(d);
        return NULL;
    }
    d->opts = d->id_opts.conn;
    d->health.name = "directory";
    backoff_init(&d->backoff, 5000, DIRECTORY_RECHECK_MS);
    return d;
}

/* Worker thread. */
static void directory_work(void *arg)
{
    struct directory_job *job = arg;
    struct dir_identity_opts o = job->d->id_opts;

    if (dir_probe_run(&job->d->opts, &job->res) == 0 && job->user != NULL) {
        o.user = job->user;
        dir_identity_resolve(&o, &job->id);
    }
}

static enum source_fault directory_fault(const struct dir_probe_result *r)
{
    if (!r->reachable) {
        return SOURCE_FAULT_UNREACHABLE;
    }
    if (r->auth == 0) {
        return SOURCE_FAULT_AUTH;
    }
    return SOURCE_FAULT_ANSWER;
}

static void directory_health_probe(struct directory *d);

static void directory_fire(void *arg)
{
    struct directory *d = arg;

    d->timer = NULL;
    directory_health_probe(d);
}

/* Loop thread: a probe is done. */
static void directory_done(void *arg)
{
    struct directory_job *job = arg;
    struct directory *d = job->d;
    int64_t delay;

    if (job->run != d->run) {
        /* stopped meanwhile: nobody waits for it */
    } else if (job->done != NULL) {
        struct source_probe p = {0};

        p.url = xstrdup(d->opts.uri);
        p.reachable = job->res.reachable;
        p.tls = job->res.tls;
        p.auth = job->res.auth;
        p.rtt_ms = job->res.rtt_ms;
        p.about = job->res.about;
        p.error = job->res.error;
        job->res.about = job->res.error = NULL;
        if (job->user != NULL && p.error == NULL) {
            char *who = dir_identity_summary(&job->id, job->user);
            char *about = p.about != NULL ? xasprintf("%s; %s", p.about, who) : xstrdup(who);

            free(p.about);
            free(who);
            p.about = about;
        }
        job->done(&p, job->arg);
        source_probe_fini(&p);
    } else {
        d->busy = false;
        if (job->res.error == NULL) {
            source_health_ok(&d->health, SOURCE_OK, (int64_t)time(NULL));
            backoff_reset(&d->backoff);
            delay = DIRECTORY_RECHECK_MS;
        } else {
            source_health_fault(&d->health, directory_fault(&job->res), 0, job->res.error,
                                (int64_t)time(NULL));
            delay = backoff_next(&d->backoff);
        }
        d->timer = loop_timer_add_aligned(d->env.loop, delay, 1000, directory_fire, d);
    }
    dir_probe_result_fini(&job->res);
    dir_identity_fini(&job->id);
    free(job->user);
    free(job);
}

static void directory_submit(struct directory *d, source_probe_fn done, void *arg)
{
    struct directory_job *job = xcalloc(1, sizeof *job);

    job->d = d;
    job->run = d->run;
    job->done = done;
    job->arg = arg;
    if (done != NULL && d->env.access != NULL) {
        job->user = xstrdup(access_user(d->env.access));
    }
    workpool_submit(d->env.pool, directory_work, directory_done, job);
}

static void directory_health_probe(struct directory *d)
{
    if (!d->busy) {
        d->busy = true;
        directory_submit(d, NULL, NULL);
    }
}

static void directory_start(void *s)
{
    struct directory *d = s;

    d->health.state = SOURCE_CONNECTING;
    d->health.version++;
    directory_health_probe(d);
}

static void directory_stop(void *s)
{
    struct directory *d = s;

    d->run++;
    d->busy = false;
    loop_timer_cancel(d->env.loop, d->timer);
    d->timer = NULL;
}

static void directory_fini(void *s)
{
    struct directory *d = s;

    directory_stop(d);
    source_health_fini(&d->health);
    if (d->password != NULL) {
        memset(d->password, 0, strlen(d->password));
    }
    free(d->password);
    free(d);
}

static const struct source_health *directory_health(void *s)
{
    struct directory *d = s;

    return &d->health;
}

static const char *directory_url(void *s)
{
    struct directory *d = s;

    return d->opts.uri;
}

static void directory_probe(void *s, source_probe_fn done, void *arg)
{
    directory_submit(s, done, arg);
}

const struct source_ops directory_source = {
    .name = "directory",
    .configured = directory_configured,
    .init = directory_init,
    .start = directory_start,
    .stop = directory_stop,
    .fini = directory_fini,
    .health = directory_health,
    .url = directory_url,
    .probe = directory_probe,
};
