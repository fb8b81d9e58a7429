/* The directory (Active Directory, spoken to over LDAP) as a source: [directory]. Until it
 * decides who is at the keyboard, it says whether the server can be reached with the TLS
 * asked for, accepts the service account and has the base: the probe of core/directory/probe.h
 * run on a worker thread (libldap blocks) at start, again every 5 minutes, and with back-off
 * while it fails. `govconsole check` runs the same probe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/backoff.h"
#include "core/config.h"
#include "core/directory/probe.h"
#include "core/loop.h"
#include "core/source.h"
#include "core/workpool.h"
#include "core/xalloc.h"

#define DIRECTORY_RECHECK_MS (5 * 60 * 1000)

struct directory {
    struct source_env env;
    char *uri, *base, *bind_dn, *password, *ca_file;
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
    const struct gc_config *cfg = env->cfg;
    struct directory *d = xcalloc(1, sizeof *d);
    const char *ca_file = NULL;
    bool insecure = false;
    char *why = NULL;

    d->env = *env;
    d->password = config_password(cfg, "directory", &why);
    if (why != NULL) {
        *err = why;
        free(d);
        return NULL;
    }
    if (cfg->directory.bind_dn != NULL && d->password == NULL) {
        *err = xstrdup("[directory] bind_dn has no password: set password_file (mode 0600) or "
                       "$GOVCONSOLE_DIRECTORY_PASSWORD");
        free(d);
        return NULL;
    }
    config_tls(cfg, "directory", &ca_file, &insecure);
    d->uri = xstrdup(cfg->directory.uri);
    d->base = cfg->directory.base != NULL ? xstrdup(cfg->directory.base) : NULL;
    d->bind_dn = cfg->directory.bind_dn != NULL ? xstrdup(cfg->directory.bind_dn) : NULL;
    d->ca_file = ca_file != NULL ? xstrdup(ca_file) : NULL;
    d->opts = (struct dir_probe_opts){
        .uri = d->uri,
        .base = d->base,
        .bind_dn = d->bind_dn,
        .password = d->password,
        .starttls = cfg->directory.starttls,
        .ca_file = d->ca_file,
        .insecure = insecure,
        .timeout_ms = (long)cfg->directory.timeout_ms,
    };
    d->health.name = "directory";
    backoff_init(&d->backoff, 5000, DIRECTORY_RECHECK_MS);
    return d;
}

/* Worker thread. */
static void directory_work(void *arg)
{
    struct directory_job *job = arg;

    dir_probe_run(&job->d->opts, &job->res);
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

        p.url = xstrdup(d->uri);
        p.reachable = job->res.reachable;
        p.tls = job->res.tls;
        p.auth = job->res.auth;
        p.rtt_ms = job->res.rtt_ms;
        p.about = job->res.about;
        p.error = job->res.error;
        job->res.about = job->res.error = NULL;
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
    free(job);
}

static void directory_submit(struct directory *d, source_probe_fn done, void *arg)
{
    struct directory_job *job = xcalloc(1, sizeof *job);

    job->d = d;
    job->run = d->run;
    job->done = done;
    job->arg = arg;
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
    free(d->uri);
    free(d->base);
    free(d->bind_dn);
    free(d->ca_file);
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

    return d->uri;
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
