/* The ServiceNow source against govsim (with --basic-auth): the incidents it loads (as many
 * as the instance has in the query, each with the tenant its company maps to; a session
 * scoped to one tenant asks for and keeps only that tenant's), and the changes of the
 * incidents view performed through the source, checked in govsim's stored records: open an
 * incident (company, impact, correlation id), add a work note (a journal entry), assign to a
 * user (and to one the instance does not know), resolve, and a change the instance refuses
 * (its own words). And OAuth 2: the password grant, the token refreshed before it expires
 * (govsim's tokens live 4 s here), a refused grant said as such. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/access.h"
#include "core/config.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/servicenow/sn_model.h"
#include "core/servicenow/sn_request.h"
#include "core/source.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tests/unit/reply_fixture.h"
#include "tests/integration/simcall.h"

extern const struct source_ops servicenow_source;

struct fixture {
    struct demo sim;
    char ini[64];
    struct gc_config cfg;
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store store;
    struct access *access;
    void *src;
};

static struct fixture F;

/* Starts the source with a session of `tenants` (NULL: every tenant). */
static void source_up(const char *const *tenants)
{
    struct source_env env;
    char *err = NULL;

    store_init(&F.store);
    F.access = access_new("admin", ACCESS_OPERATOR, tenants, false);
    access_bind(F.access, &F.store);
    env = (struct source_env){.loop = F.loop, .http = F.http, .pool = F.pool, .store = &F.store,
                              .cfg = &F.cfg, .access = F.access};
    F.src = servicenow_source.init(&env, &err);
    if (F.src == NULL) {
        fail_msg("init: %s", err);
    }
    servicenow_source.start(F.src);
}

static void source_down(void)
{
    servicenow_source.stop(F.src);
    workpool_free(F.pool);
    F.pool = NULL;
    servicenow_source.fini(F.src);
    access_free(F.access);
    store_fini(&F.store);
}

static int setup(void **state)
{
    const char *const args[] = {"--pods",  "300", "--tenants",    "3", "--seed",
                                "5",       "--churn", "0", "--basic-auth", "svc.govconsole:s3cr3t",
                                NULL};
    struct config_diag diag;
    FILE *f;
    int fd;

    (void)state;
    if (simcall_start_govsim(args, &F.sim) != 0) {
        return -1;
    }
    snprintf(F.ini, sizeof F.ini, "/tmp/gc-sn-XXXXXX");
    fd = mkstemp(F.ini);
    f = fdopen(fd, "w");
    fprintf(f,
            "[servicenow]\nurl = %s\nuser = svc.govconsole\ninterval = 2s\n"
            "[tenant dmi]\ndisplay = Danmarks Meteorologiske Institut\n"
            "[tenant skat]\ndisplay = Skattestyrelsen\n",
            F.sim.server);
    fclose(f);
    setenv("GOVCONSOLE_SERVICENOW_PASSWORD", "s3cr3t", 1);
    setenv("GOVSIM_SN_TOKEN_TTL", "4", 1); /* read by govsim at each grant */
    config_diag_init(&diag);
    if (config_load(F.ini, &F.cfg, &diag) != 0) {
        fprintf(stderr, "config: %s\n", diag.nerrors > 0 ? diag.errors[0] : "?");
        return -1;
    }
    config_diag_fini(&diag);
    F.loop = loop_new();
    F.http = http_new(F.loop);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    http_free(F.http);
    loop_free(F.loop);
    config_fini(&F.cfg);
    unlink(F.ini);
    demo_stop(&F.sim);
    return 0;
}

static void run_for(int ms)
{
    int64_t end = loop_now_ms() + ms;

    while (loop_now_ms() < end) {
        loop_run_once(F.loop, 50);
        store_commit(&F.store);
    }
}

/* Runs the loop until the source's first poll is in. */
static void loaded(void)
{
    int64_t end = loop_now_ms() + 30000;

    while (servicenow_source.health(F.src)->state != SOURCE_OK && loop_now_ms() < end) {
        loop_run_once(F.loop, 50);
        store_commit(&F.store);
    }
    assert_int_equal(servicenow_source.health(F.src)->state, SOURCE_OK);
    run_for(300); /* the last slices */
}

/* govsim's answer to a GET under the Table API, as JSON (caller frees). */
static json_t *sim_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *sim_json(const char *fmt, ...)
{
    char path[1024], *body, *url;
    struct http_opts o = {0};
    struct simcall_get g = {false, 0, NULL};
    va_list ap;
    json_t *j;

    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    url = xasprintf("%s/api/now/table/%s", F.sim.server, path);
    o.url = url;
    o.username = "svc.govconsole";
    o.password = "s3cr3t";
    o.timeout_ms = 30000;
    http_start(F.http, &o, NULL, simcall_done, &g);
    while (!g.done) {
        loop_run_once(F.loop, 50);
    }
    free(url);
    body = g.body;
    j = body != NULL ? json_loads(body, 0, NULL) : NULL;
    free(body);
    assert_non_null(j);
    return j;
}

static size_t sim_count(const char *query)
{
    json_t *j = sim_json("incident?sysparm_fields=number&sysparm_query=%s", query);
    size_t n = json_array_size(json_object_get(j, "result"));

    json_decref(j);
    return n;
}

/* Performs `req` through the source and waits for the answer; frees req. */
static struct reply perform(struct source_request *req)
{
    struct reply out = {0};
    int64_t end = loop_now_ms() + 30000;

    req->access = F.access;
    servicenow_source.perform(F.src, req, on_reply, &out);
    while (!out.done && loop_now_ms() < end) {
        loop_run_once(F.loop, 50);
        store_commit(&F.store);
    }
    assert_true(out.done);
    if (!out.ok) {
        print_message("# %s: %s\n", req->action, out.error != NULL ? out.error : "?");
    }
    source_request_free(req);
    return out;
}

/* The incident with `number` in the store, waiting for a poll to bring it. */
static const struct sn_incident *stored(const char *number)
{
    int64_t end = loop_now_ms() + 20000;

    do {
        struct store_table *t = store_table(&F.store, STORE_INCIDENT);

        for (size_t i = 0; i < t->count; i++) {
            const struct sn_incident *in = (const struct sn_incident *)t->rows[i];

            if (strcmp(in->number, number) == 0) {
                return in;
            }
        }
        loop_run_once(F.loop, 50);
        store_commit(&F.store);
    } while (loop_now_ms() < end);
    fail_msg("%s never reached the store", number);
    return NULL;
}

static const char *rec_str(json_t *j, const char *field)
{
    json_t *v = json_object_get(json_array_get(json_object_get(j, "result"), 0), field);

    return json_is_object(v) ? json_string_value(json_object_get(v, "display_value"))
                             : json_string_value(v);
}

static void cutoff_query(char *out, size_t size, const char *extra)
{
    char when[24];

    sn_time_format((int64_t)time(NULL) - 30 * 86400, when, sizeof when);
    for (char *p = when; *p != '\0'; p++) {
        if (*p == ' ') {
            *p = '+'; /* a space in a query value */
        }
    }
    snprintf(out, size, "%sactive=true%%5EORresolved_at%%3E=%s", extra, when);
}

static void test_loads_and_scopes(void **state)
{
    static const char *const only_dmi[] = {"dmi", NULL};
    char q[256];
    size_t want, dmi, seen_dmi = 0;
    struct access_cursor cur;
    const char *tenant;

    (void)state;
    F.pool = workpool_new(F.loop, 1);
    source_up(NULL);
    loaded();
    cutoff_query(q, sizeof q, "");
    want = sim_count(q);
    assert_true(want > 6);
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), want);
    access_rows(F.access, STORE_INCIDENT, &cur);
    while (access_next(&cur, &tenant) != NULL) {
        seen_dmi += tenant != NULL && strcmp(tenant, "dmi") == 0;
    }
    cutoff_query(q, sizeof q, "company.name=Danmarks%20Meteorologiske%20Institut%5E");
    dmi = sim_count(q);
    assert_true(dmi > 0 && dmi < want);
    assert_int_equal(seen_dmi, dmi); /* the display name maps the company to dmi */
    source_down();

    F.pool = workpool_new(F.loop, 1);
    source_up(only_dmi);
    loaded();
    /* only dmi's incidents came over the wire, all of them */
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), dmi);
    access_rows(F.access, STORE_INCIDENT, &cur);
    while (access_next(&cur, &tenant) != NULL) {
        assert_string_equal(tenant, "dmi");
    }
    source_down();
}

static void test_changes(void **state)
{
    const char *values[] = {"dmi", "forecast-api: disk full", "The volume is at 100%.",
                            "1 - High", "2 - Medium", "dmi-forecast-api", NULL};
    struct source_request *req;
    struct reply r;
    const struct sn_incident *in;
    char *err = NULL, number[32], sys_id[40];
    json_t *j;

    (void)state;
    F.pool = workpool_new(F.loop, 1);
    source_up(NULL);
    loaded();

    /* open */
    req = sn_request_create("dmi", NULL, NULL, NULL);
    assert_int_equal(req->nfields, 6);
    assert_int_equal(req->ops->form(req, values, &err), 0);
    assert_string_equal(servicenow_source.tenant_of(F.src, req), "dmi");
    r = perform(req);
    assert_true(r.ok);
    assert_non_null(r.text);
    assert_memory_equal(r.text, "INC", 3);
    snprintf(number, sizeof number, "%s", r.text);
    free(r.text);
    j = sim_json("incident?sysparm_display_value=true&sysparm_query=number=%s", number);
    assert_string_equal(rec_str(j, "company"), "Danmarks Meteorologiske Institut");
    assert_string_equal(rec_str(j, "impact"), "1 - High");
    assert_string_equal(rec_str(j, "priority"), "2 - High");
    assert_string_equal(rec_str(j, "short_description"), "forecast-api: disk full");
    assert_memory_equal(rec_str(j, "correlation_id"), "govconsole-", 11);
    json_decref(j);
    in = stored(number); /* the source polled again after the change */
    snprintf(sys_id, sizeof sys_id, "%s", in->row.uid);

    /* a work note */
    req = sn_request_note(in, "dmi");
    assert_int_equal(req->ops->input(req, "", &err), -1);
    free(err);
    err = NULL;
    assert_int_equal(req->ops->input(req, "The logs say ENOSPC.", &err), 0);
    r = perform(req);
    assert_true(r.ok);
    free(r.text);
    j = sim_json("sys_journal_field?sysparm_query=element_id=%s%%5Eelement=work_notes", sys_id);
    assert_int_equal(json_array_size(json_object_get(j, "result")), 1);
    assert_string_equal(rec_str(j, "value"), "The logs say ENOSPC.");
    json_decref(j);

    /* assign to a user, and to one the instance does not know */
    in = stored(number);
    r = perform(sn_request_assign(in, "dmi", "admin"));
    assert_true(r.ok);
    free(r.text);
    j = sim_json("incident?sysparm_display_value=true&sysparm_query=number=%s", number);
    assert_string_equal(rec_str(j, "assigned_to"), "System Administrator");
    json_decref(j);
    in = stored(number);
    r = perform(sn_request_assign(in, "dmi", "no.such.user"));
    assert_false(r.ok);
    assert_non_null(strstr(r.error, "no user no.such.user"));
    free(r.error);

    /* resolve (rows are borrowed until the store's next commit: look it up again) */
    in = stored(number);
    req = sn_request_resolve(in, "dmi");
    assert_int_equal(req->nfields, 2);
    assert_int_equal(req->ops->form(req, (const char *const[]){"Solved (Permanently)",
                                                               "Grew the volume.", NULL},
                                    &err),
                     0);
    r = perform(req);
    assert_true(r.ok);
    free(r.text);
    j = sim_json("incident?sysparm_query=number=%s", number);
    assert_string_equal(rec_str(j, "state"), "6");
    assert_string_equal(rec_str(j, "close_notes"), "Grew the volume.");
    assert_true(rec_str(j, "resolved_at")[0] != '\0');
    json_decref(j);

    /* the instance refuses: a closed incident; its words come back as they are */
    j = sim_json("incident?sysparm_fields=number&sysparm_query=state=7%%5EORDERBYnumber");
    in = stored(rec_str(j, "number"));
    json_decref(j);
    req = sn_request_note(in, "dmi");
    assert_int_equal(req->ops->input(req, "too late", &err), 0);
    r = perform(req);
    assert_false(r.ok);
    assert_non_null(strstr(r.error, "HTTP 403: Operation Failed: Data Policy Exception: a closed "
                                    "record cannot be changed"));
    free(r.error);
    source_down();
}

/* Loads `ini` (OAuth settings) into F.cfg in place of the fixture's. */
static char secret[32]; /* the client secret's file, removed by test_oauth */

static void oauth_config(const char *password)
{
    struct config_diag diag;
    FILE *f;
    int fd;

    snprintf(secret, sizeof secret, "/tmp/gc-sn-secret-XXXXXX");
    fd = mkstemp(secret);
    f = fdopen(fd, "w");
    fprintf(f, "client-s3cret\n");
    fclose(f);
    f = fopen(F.ini, "w");
    fprintf(f,
            "[servicenow]\nurl = %s\nuser = svc.govconsole\ninterval = 1s\n"
            "client_id = govconsole\nclient_secret_file = %s\n"
            "[tenant dmi]\ndisplay = Danmarks Meteorologiske Institut\n",
            F.sim.server, secret);
    fclose(f);
    setenv("GOVCONSOLE_SERVICENOW_PASSWORD", password, 1);
    config_fini(&F.cfg);
    config_diag_init(&diag);
    assert_int_equal(config_load(F.ini, &F.cfg, &diag), 0);
    config_diag_fini(&diag);
}

struct probed {
    bool done;
    int auth;
    char *error, *about;
};

static void on_probe(struct source_probe *p, void *arg)
{
    struct probed *out = arg;

    out->done = true;
    out->auth = p->auth;
    out->error = p->error != NULL ? xstrdup(p->error) : NULL;
    out->about = p->about != NULL ? xstrdup(p->about) : NULL;
}

/* `govconsole check`'s probe of the source, with its OAuth token. */
static struct probed probe(void)
{
    struct probed out = {0};
    int64_t end = loop_now_ms() + 10000;

    servicenow_source.probe(F.src, on_probe, &out);
    while (!out.done && loop_now_ms() < end) {
        loop_run_once(F.loop, 50);
    }
    assert_true(out.done);
    return out;
}

static void test_oauth(void **state)
{
    struct probed p;
    const struct source_health *h;
    int64_t end;

    (void)state;
    oauth_config("s3cr3t");
    F.pool = workpool_new(F.loop, 1);
    source_up(NULL);
    p = probe();
    assert_null(p.error);
    assert_int_equal(p.auth, 1);
    assert_non_null(strstr(p.about, "ServiceNow Table API, user svc.govconsole"));
    free(p.about);
    loaded();
    assert_true(store_count(&F.store, STORE_INCIDENT) > 0);
    /* past two lifetimes of the token: still polling, so it was refreshed in time */
    end = loop_now_ms() + 9000;
    while (loop_now_ms() < end) {
        loop_run_once(F.loop, 50);
        store_commit(&F.store);
        h = servicenow_source.health(F.src);
        if (h->state != SOURCE_OK && h->state != SOURCE_LOADING) {
            fail_msg("the source failed after the token's life: %s",
                     h->last_error != NULL ? h->last_error : "?");
        }
    }
    source_down();
    unlink(secret);

    oauth_config("wrong");
    F.pool = workpool_new(F.loop, 1);
    source_up(NULL);
    end = loop_now_ms() + 10000;
    do {
        loop_run_once(F.loop, 50);
        h = servicenow_source.health(F.src);
    } while (h->last_error == NULL && loop_now_ms() < end);
    assert_int_equal(h->fault, SOURCE_FAULT_AUTH);
    assert_non_null(strstr(h->last_error, "OAuth token refused: HTTP 401"));
    assert_null(strstr(h->last_error, "wrong")); /* never a secret */
    p = probe();
    assert_int_equal(p.auth, 0);
    assert_non_null(strstr(p.error, "OAuth token refused"));
    free(p.error);
    free(p.about);
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), 0);
    source_down();
    unlink(secret);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_and_scopes),
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_oauth),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
