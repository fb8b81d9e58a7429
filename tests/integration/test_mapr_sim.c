/* The MapR source against govsim, at the store: volumes, the configured streams and their
 * topics, alarms, each row's tenant (the pattern, or a [tenant NAME] mapr_prefix) and what the
 * [dataset] sections expect of it; the newest
 * data from HttpFS and the topics; a forecast dump that is late turns overdue; MapR answering
 * ERROR fails the source with MapR's words and keeps the rows; a session scoped to a tenant
 * reads its rows only; d fetches every field of a volume. MapR-DB tables (the table list) are
 * rows of their own beside the volumes, fresh or overdue by their path's HttpFS time; a
 * [dataset PATH] naming a table's path is no stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "core/access.h"
#include "core/config.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/mapr/mapr_int.h" /* to see which stream polls run */
#include "core/mapr/mapr_model.h"
#include "core/mapr/mapr_source.h"
#include "core/source.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/workpool.h"
#include "tests/integration/simcall.h"

extern const struct source_ops mapr_source;

static struct {
    struct demo sim;
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store store;
    struct gc_config cfg;
    struct access *all, *registry;
    void *src;
} F;

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs the loop until pred() holds or `seconds` pass; whether it held. */
static bool run_until(bool (*pred)(void), int seconds)
{
    int64_t end = loop_now_ms() + seconds * 1000;

    while (!pred() && loop_now_ms() < end) {
        loop_run_once(F.loop, 100);
    }
    return pred();
}

static const struct mapr_volume *volume(const char *name)
{
    return (const struct mapr_volume *)store_get(store_table(&F.store, STORE_MAPR_VOLUME), name);
}

static const struct mapr_stream *stream(const char *path)
{
    return (const struct mapr_stream *)store_get(store_table(&F.store, STORE_MAPR_STREAM), path);
}

static bool loaded(void)
{
    const struct mapr_stream *s = stream("/tenants/dmi/observations");
    const struct mapr_stream *bad = stream("/tenants/skat/events");
    const struct mapr_volume *v = volume("t.dmi.forecast");

    const struct mapr_volume *legacy = volume("/tenants/registry/legacy_names");
    const struct mapr_volume *idx = volume("/tenants/dmi/forecast_index");
    const struct mapr_volume *orgs = volume("/tenants/registry/orgs_index");

    return store_count(&F.store, STORE_MAPR_VOLUME) == 9 && legacy != NULL &&
           legacy->newest_from == MAPR_NEWEST_HTTPFS && idx != NULL &&
           idx->newest_from == MAPR_NEWEST_HTTPFS && orgs != NULL &&
           orgs->newest_from == MAPR_NEWEST_HTTPFS &&
           store_count(&F.store, STORE_MAPR_ALARM) == 1 &&
           store_count(&F.store, STORE_MAPR_TOPIC) == 2 && s != NULL && s->newest_ms > 0 &&
           bad != NULL && bad->error != NULL && v != NULL && v->newest_from == MAPR_NEWEST_HTTPFS;
}

static int setup(void **state)
{
    const char *const args[] = {"--pods", "40",      "--tenants", "3", "--seed",
                                "5",      "--churn", "0",         NULL};
    static const char *const only_registry[] = {"registry", NULL};
    char *ini, *err = NULL;
    struct source_env env;

    (void)state;
    if (simcall_start_govsim(args, &F.sim) != 0) {
        return -1;
    }
    F.loop = loop_new();
    F.http = http_new(F.loop);
    F.pool = workpool_new(F.loop, 2);
    store_init(&F.store);
    ini = xasprintf("[mapr]\nurl = %s\nhttpfs = %s\ninterval = 1s\n"
                    "[dataset t.dmi.forecast]\ncadence = 4h\nowner = forecasters\n"
                    "[dataset /tenants/dmi/observations]\ncadence = 1m\n"
                    "[dataset /tenants/skat/events]\ncadence = 1h\n"
                    "[dataset /tenants/dmi/forecast_index]\ncadence = 4h\n"
                    "[dataset /tenants/registry/*]\ncadence = 1d\n"
                    "[tenant met]\nmapr_prefix = /tenants/dmi/obs\n",
                    F.sim.server, F.sim.server);
    if (config_parse("test.ini", ini, strlen(ini), &F.cfg, NULL) != 0) {
        free(ini);
        return -1;
    }
    free(ini);
    F.all = access_new("tester", ACCESS_OPERATOR, NULL, false);
    F.registry = access_new("tester", ACCESS_OPERATOR, only_registry, false);
    env = (struct source_env){F.loop, F.http, F.pool, &F.store, &F.cfg, NULL, F.all, NULL};
    F.src = mapr_source.init(&env, &err);
    if (F.src == NULL) {
        fprintf(stderr, "mapr init: %s\n", err);
        free(err);
        return -1;
    }
    access_bind(F.all, &F.store);
    access_bind(F.registry, &F.store);
    mapr_source.start(F.src);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mapr_source.stop(F.src);
    workpool_free(F.pool);
    mapr_source.fini(F.src);
    access_free(F.all);
    access_free(F.registry);
    store_fini(&F.store);
    config_fini(&F.cfg);
    http_free(F.http);
    loop_free(F.loop);
    demo_stop(&F.sim);
    curl_global_cleanup();
    return 0;
}

static void test_rows(void **state)
{
    const struct mapr_volume *v;
    const struct mapr_stream *s;
    const struct mapr_alarm *a;
    struct store_table *t;
    int64_t now;

    (void)state;
    assert_true(run_until(loaded, 30));
    now = now_ms();
    v = volume("t.dmi.forecast");
    assert_string_equal(v->x.tenant, "dmi");
    assert_string_equal(v->mount, "/tenants/dmi/forecast");
    assert_int_equal(v->quota_mb, 16384);
    assert_int_equal(v->x.cadence_ms, 4 * 3600 * 1000);
    assert_string_equal(v->x.owner, "forecasters");
    /* govsim writes the dump 10 minutes past every fourth hour */
    assert_int_equal(v->newest_ms, (now - 600000) / 14400000 * 14400000 + 600000);
    assert_int_equal(mapr_fresh_verdict(v->x.cadence_ms, v->newest_ms, now), MAPR_FRESH_OK);
    assert_int_equal(volume("t.skat.home")->x.cadence_ms, 0);
    assert_string_equal(volume("t.registry.orgs")->x.tenant, "registry");
    assert_int_equal(volume("t.dmi.forecast.mirror")->mirror_pct, 100);

    s = stream("/tenants/dmi/observations");
    /* [tenant met] mapr_prefix takes the stream from the pattern's tenant, and its topics */
    assert_string_equal(s->x.tenant, "met");
    assert_string_equal(
        ((const struct mapr_topic *)store_table(&F.store, STORE_MAPR_TOPIC)->rows[0])->tenant,
        "met");
    assert_int_equal(s->ntopics, 2);
    assert_int_equal(s->partitions, 4);
    assert_true(now - s->newest_ms < 10000); /* a message a second */
    assert_null(s->error);
    assert_non_null(strstr(stream("/tenants/skat/events")->error, "does not exist"));

    t = store_table(&F.store, STORE_MAPR_ALARM);
    a = (const struct mapr_alarm *)t->rows[0];
    assert_string_equal(a->entity, "t.registry.orgs");
    assert_string_equal(a->tenant, "registry");
}

/* The tables: their rows, tenant, size and freshness from their path's modification time. */
static void test_tables(void **state)
{
    const struct mapr_volume *legacy, *orgs, *idx;
    const struct mapr_src *ms;
    int stopped = 0;
    int64_t now;

    (void)state;
    assert_true(run_until(loaded, 30));
    now = now_ms();
    legacy = volume("/tenants/registry/legacy_names");
    orgs = volume("/tenants/registry/orgs_index");
    idx = volume("/tenants/dmi/forecast_index");
    assert_non_null(orgs);
    assert_non_null(idx);
    assert_true(mapr_is_table(legacy));
    assert_false(mapr_is_table(volume("t.registry.orgs")));
    assert_string_equal(legacy->type, "table");
    assert_string_equal(legacy->mount, "/tenants/registry/legacy_names");
    assert_string_equal(legacy->x.tenant, "registry");
    assert_string_equal(idx->x.tenant, "dmi");
    assert_int_equal(legacy->used_mb, 640);
    assert_int_equal(legacy->quota_mb, 0);
    assert_int_equal(legacy->repl_desired, -1);
    /* govsim's legacy table was last written nine days before today: overdue for a daily
     * cadence */
    assert_int_equal(legacy->newest_ms, now / 86400000 * 86400000 - 9LL * 86400000);
    assert_int_equal(mapr_fresh_verdict(legacy->x.cadence_ms, legacy->newest_ms, now),
                     MAPR_FRESH_OVERDUE);
    /* the index rebuilt at 03:00 UTC each night is fresh */
    assert_int_equal(orgs->newest_ms, (now - 3 * 3600000) / 86400000 * 86400000 + 3 * 3600000);
    assert_int_equal(mapr_fresh_verdict(orgs->x.cadence_ms, orgs->newest_ms, now), MAPR_FRESH_OK);
    assert_int_equal(mapr_fresh_verdict(idx->x.cadence_ms, idx->newest_ms, now), MAPR_FRESH_OK);
    /* the [dataset] section naming the index's path made no stream row of it, and its stream
     * polls stopped */
    assert_null(stream("/tenants/dmi/forecast_index"));
    assert_int_equal(store_count(&F.store, STORE_MAPR_STREAM), 2);
    ms = F.src;
    for (size_t i = 0; i < ms->nstreams; i++) {
        bool is_idx = strcmp(ms->streams[i].path, "/tenants/dmi/forecast_index") == 0;

        assert_int_equal(ms->streams[i].table, is_idx);
        stopped += is_idx;
    }
    assert_int_equal(stopped, 1);
}

static bool forecast_overdue(void)
{
    const struct mapr_volume *v = volume("t.dmi.forecast");

    return v != NULL &&
           mapr_fresh_verdict(v->x.cadence_ms, v->newest_ms, now_ms()) == MAPR_FRESH_OVERDUE;
}

static bool forecast_fresh(void)
{
    const struct mapr_volume *v = volume("t.dmi.forecast");

    return v != NULL &&
           mapr_fresh_verdict(v->x.cadence_ms, v->newest_ms, now_ms()) == MAPR_FRESH_OK;
}

static void test_late_forecast_is_overdue(void **state)
{
    (void)state;
    assert_true(run_until(loaded, 30));
    assert_true(forecast_fresh());
    /* the writer stopped 5 h 30 min ago: past 4 h and its hour of grace */
    assert_int_equal(
        simcall_post(F.sim.server, "/_sim/mapr/late?dataset=t.dmi.forecast&seconds=19800"), 200);
    assert_true(run_until(forecast_overdue, 20));
    assert_true(llabs(volume("t.dmi.forecast")->newest_ms - (now_ms() - 19800000)) < 10000);
    assert_int_equal(simcall_post(F.sim.server, "/_sim/mapr/late?dataset=t.dmi.forecast&seconds=0"),
                     200);
    assert_true(run_until(forecast_fresh, 20));
}

static bool failing(void)
{
    const struct source_health *h = mapr_source.health(F.src);

    return h->state == SOURCE_RETRYING && h->last_error != NULL &&
           strstr(h->last_error, "CLDB is not reachable") != NULL;
}

static bool healthy(void)
{
    return mapr_source.health(F.src)->state == SOURCE_OK;
}

static void test_error_keeps_rows(void **state)
{
    (void)state;
    assert_true(run_until(loaded, 30));
    assert_int_equal(simcall_post(F.sim.server, "/_sim/mapr/fail?mode=error"), 200);
    assert_true(run_until(failing, 20));
    assert_int_equal(store_count(&F.store, STORE_MAPR_VOLUME), 9);
    assert_int_equal(simcall_post(F.sim.server, "/_sim/mapr/fail?mode=html"), 200);
    assert_true(run_until(healthy, 1) == false);
    assert_int_equal(simcall_post(F.sim.server, "/_sim/mapr/fail?mode=off"), 200);
    assert_true(run_until(healthy, 20));
    assert_int_equal(store_count(&F.store, STORE_MAPR_VOLUME), 9);
}

static bool httpfs_noted(void)
{
    const char *n = mapr_source.note(F.src);

    return n != NULL && strstr(n, "HttpFS: Permission denied") != NULL;
}

static bool httpfs_fine(void)
{
    return mapr_source.note(F.src) == NULL;
}

/* HttpFS refusing: said beside the health; the source itself stays OK. */
static void test_httpfs_refused(void **state)
{
    (void)state;
    assert_true(run_until(loaded, 30));
    assert_null(mapr_source.note(F.src));
    assert_int_equal(simcall_post(F.sim.server, "/_sim/mapr/fail?mode=httpfs"), 200);
    assert_true(run_until(httpfs_noted, 20));
    assert_int_equal(mapr_source.health(F.src)->state, SOURCE_OK);
    assert_int_equal(simcall_post(F.sim.server, "/_sim/mapr/fail?mode=off"), 200);
    assert_true(run_until(httpfs_fine, 20));
}

static bool never(void)
{
    return false;
}

/* Polls that bring nothing new change nothing in the store: views do not rebuild for them. */
static void test_quiet_polls_change_nothing(void **state)
{
    static const enum store_kind kinds[] = {STORE_MAPR_VOLUME, STORE_MAPR_STREAM, STORE_MAPR_TOPIC,
                                            STORE_MAPR_ALARM};
    uint64_t before[4];

    (void)state;
    assert_true(run_until(loaded, 30));
    /* the stream's writer stops: its topics say the same from now on */
    assert_int_equal(
        simcall_post(F.sim.server, "/_sim/mapr/late?dataset=/tenants/dmi/observations&seconds=30"),
        200);
    run_until(never, 3);
    for (size_t k = 0; k < 4; k++) {
        before[k] = store_gen(&F.store, kinds[k]);
    }
    run_until(never, 4); /* four polls of every list */
    for (size_t k = 0; k < 4; k++) {
        assert_int_equal(store_gen(&F.store, kinds[k]), before[k]);
    }
    assert_int_equal(
        simcall_post(F.sim.server, "/_sim/mapr/late?dataset=/tenants/dmi/observations&seconds=0"),
        200);
}

static void test_scoped_session(void **state)
{
    static const enum store_kind kinds[] = {STORE_MAPR_VOLUME, STORE_MAPR_STREAM, STORE_MAPR_TOPIC,
                                            STORE_MAPR_ALARM};
    size_t seen = 0;

    (void)state;
    assert_true(run_until(loaded, 30));
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        struct access_cursor cur;
        const char *tenant;

        access_rows(F.registry, kinds[k], &cur);
        while (access_next(&cur, &tenant) != NULL) {
            assert_string_equal(tenant, "registry");
            seen++;
        }
    }
    assert_int_equal(seen, 5); /* two volumes, two tables, one alarm */
    assert_null(access_get(F.registry, STORE_MAPR_VOLUME, "t.dmi.forecast"));
}

struct reply {
    bool done, ok;
    char *text;
};

static void replied(struct source_reply *r, void *arg)
{
    struct reply *out = arg;

    out->done = true;
    out->ok = r->ok;
    out->text = r->ok ? r->text : r->error;
    if (r->ok) {
        r->text = NULL;
    } else {
        r->error = NULL;
    }
}

static struct reply *pending;

static bool answered(void)
{
    return pending->done;
}

/* d on a row of `kind` called `key`: MapR's answer (caller frees), NULL when it failed. */
static char *detail(enum store_kind kind, const char *key, const char *tenant)
{
    struct source_request *r = mapr_request_detail(kind, key, tenant);
    struct reply rep = {0};

    assert_non_null(r);
    assert_string_equal(mapr_source.tenant_of(F.src, r), tenant);
    pending = &rep;
    mapr_source.perform(F.src, r, replied, &rep);
    assert_true(run_until(answered, 20));
    source_request_free(r);
    if (!rep.ok) {
        free(rep.text);
        return NULL;
    }
    return rep.text;
}

static void test_detail(void **state)
{
    char *text = detail(STORE_MAPR_VOLUME, "t.dmi.forecast", "dmi");

    (void)state;
    assert_non_null(text);
    assert_non_null(strstr(text, "\"volumename\": \"t.dmi.forecast\""));
    assert_non_null(strstr(text, "\"actualreplication\""));
    free(text);
    assert_null(mapr_request_detail(STORE_MAPR_ALARM, "x", NULL));

    /* a table's row: /rest/table/info of its path */
    text = detail(STORE_MAPR_VOLUME, "/tenants/registry/orgs_index", "registry");
    assert_non_null(text);
    assert_non_null(strstr(text, "\"totalrows\""));
    assert_non_null(strstr(text, "\"path\": \"/tenants/registry/orgs_index\""));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_late_forecast_is_overdue),
        cmocka_unit_test(test_error_keeps_rows),
        cmocka_unit_test(test_httpfs_refused),
        cmocka_unit_test(test_quiet_polls_change_nothing),
        cmocka_unit_test(test_scoped_session),
        cmocka_unit_test(test_detail),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
