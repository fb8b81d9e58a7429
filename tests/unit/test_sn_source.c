/* The ServiceNow source against a scripted instance: what a poll asks (fields, display values,
 * paging, the session's companies, only the changes after the first load), bad answers (an
 * HTML maintenance page, malformed JSON, 429 with Retry-After, expired credentials: each said
 * in one line, the last rows kept), and a create whose answer is lost: its correlation id is
 * looked for, never a second POST. */
#define _GNU_SOURCE /* strcasestr in mini_httpd.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/access.h"
#include "core/config.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/servicenow/sn_request.h"
#include "core/source.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tests/unit/reply_fixture.h"
#include "tests/unit/mini_httpd.h"

extern const struct source_ops servicenow_source;

#define REC(id, number, updated)                                                                   \
    "{\"sys_id\":{\"value\":\"" id "\",\"display_value\":\"" id "\"},\"number\":{\"value\":\""    \
    number "\",\"display_value\":\"" number "\"},\"state\":{\"value\":\"2\",\"display_value\":"  \
    "\"In Progress\"},\"company\":{\"value\":\"c1\",\"display_value\":\"Danish Met\"},"           \
    "\"sys_updated_on\":{\"value\":\"" updated "\",\"display_value\":\"x\"}}"

/* What the instance answers: set by the test, read by the server thread. */
static struct {
    pthread_mutex_t lock;
    int status;
    char extra[128];
    char list[4096];   /* GET incident (a poll) */
    char lookup[512];  /* GET incident?...correlation_id= */
    int posts;
    bool post_silent;  /* a POST gets no answer: the connection closes */
} S = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void script(int status, const char *extra, const char *list)
{
    pthread_mutex_lock(&S.lock);
    S.status = status;
    snprintf(S.extra, sizeof S.extra, "%s", extra);
    snprintf(S.list, sizeof S.list, "%s", list);
    pthread_mutex_unlock(&S.lock);
}

static void serve(struct mini_httpd *s, int fd, const char *head, const char *body, void *arg)
{
    (void)s;
    (void)body;
    (void)arg;
    pthread_mutex_lock(&S.lock);
    if (strncmp(head, "POST ", 5) == 0) {
        S.posts++;
        if (!S.post_silent) {
            mini_httpd_answer(fd, 201, "", "{\"result\":{\"number\":\"INC0010001\"}}");
        }
    } else if (strstr(head, "correlation_id%3D") != NULL) { /* the look-up's query */
        mini_httpd_answer(fd, 200, "", S.lookup);
    } else if (S.status == 200 && S.list[0] == '<') {
        mini_httpd_write(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n"
                             "Connection: close\r\n\r\n%s",
                         strlen(S.list), S.list);
    } else {
        mini_httpd_answer(fd, S.status, S.extra, S.list);
    }
    pthread_mutex_unlock(&S.lock);
}

struct fixture {
    struct mini_httpd srv;
    struct gc_config cfg;
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store store;
    struct access *access;
    void *src;
};

static struct fixture F;

static int setup(void **state)
{
    char url[64];

    (void)state;
    memset(&F, 0, sizeof F);
    S.posts = 0;
    S.post_silent = false;
    S.lookup[0] = '\0';
    script(200, "", "{\"result\":[" REC("a1", "INC1", "2026-12-07 07:10:00") "," REC(
                        "a2", "INC2", "2026-12-07 07:20:00") "]}");
    if (mini_httpd_start(&F.srv, serve, NULL) != 0) {
        return -1;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d", F.srv.port);
    config_init(&F.cfg);
    F.cfg.servicenow.url = xstrdup(url);
    F.cfg.servicenow.interval_ms = 200;
    F.cfg.tenants = xcalloc(1, sizeof *F.cfg.tenants);
    F.cfg.tenants[0].name = xstrdup("dmi");
    F.cfg.tenants[0].display = xstrdup("Danish Met");
    F.cfg.ntenants = 1;
    F.loop = loop_new();
    F.http = http_new(F.loop);
    F.pool = workpool_new(F.loop, 1);
    store_init(&F.store);
    return 0;
}

static void start_as(struct access *a)
{
    struct source_env env;
    char *err = NULL;

    F.access = a;
    access_bind(F.access, &F.store);
    env = (struct source_env){.loop = F.loop, .http = F.http, .pool = F.pool, .store = &F.store,
                              .cfg = &F.cfg, .access = F.access};
    F.src = servicenow_source.init(&env, &err);
    assert_non_null(F.src);
    servicenow_source.start(F.src);
}

static void start(const char *const *tenants)
{
    start_as(access_new("ops", ACCESS_OPERATOR, tenants, false));
}

static int teardown(void **state)
{
    (void)state;
    servicenow_source.stop(F.src);
    workpool_free(F.pool);
    servicenow_source.fini(F.src);
    access_free(F.access);
    store_fini(&F.store);
    http_free(F.http);
    loop_free(F.loop);
    config_fini(&F.cfg);
    mini_httpd_stop(&F.srv);
    return 0;
}

/* Runs the loop until the server has answered `n` requests in all, then a little more. */
static void requests(size_t n)
{
    int64_t end = loop_now_ms() + 5000;

    while (F.srv.nheads < n && loop_now_ms() < end) {
        loop_run_once(F.loop, 20);
        store_commit(&F.store);
    }
    assert_true(F.srv.nheads >= n);
    end = loop_now_ms() + 150;
    while (loop_now_ms() < end) {
        loop_run_once(F.loop, 20);
        store_commit(&F.store);
    }
}

static const char *health_error(void)
{
    const struct source_health *h = servicenow_source.health(F.src);

    return h->last_error != NULL ? h->last_error : "";
}

/* The n-th request (from 0) for `table`, waiting for it (caller frees). */
static char *table_head(const char *table, size_t n)
{
    char *want = xasprintf("GET /api/now/table/%s?", table);
    int64_t end = loop_now_ms() + 5000;

    for (;;) {
        size_t seen = 0;

        for (size_t i = 0; i < F.srv.nheads; i++) {
            char *head = mini_httpd_head(&F.srv, i);

            if (strncmp(head, want, strlen(want)) == 0 && seen++ == n) {
                free(want);
                return head;
            }
            free(head);
        }
        if (loop_now_ms() >= end) {
            fail_msg("no request %zu for %s", n, table);
        }
        loop_run_once(F.loop, 20);
        store_commit(&F.store);
    }
}

static void test_poll_queries(void **state)
{
    char *head;

    (void)state;
    start(NULL);
    head = table_head("incident", 0);
    assert_non_null(strstr(head, "sysparm_display_value=all"));
    assert_non_null(strstr(head, "sysparm_exclude_reference_link=true"));
    assert_non_null(strstr(head, "sysparm_fields=sys_id,number,priority,state,company,"));
    assert_non_null(strstr(head, "sysparm_limit=2000&sysparm_offset=0"));
    assert_null(strstr(head, "company.name")); /* every tenant: no company in the query */
    assert_null(strstr(head, "sys_updated_on%3E"));
    free(head);
    /* the next poll: only what changed since the newest seen (07:20), less a minute */
    head = table_head("incident", 1);
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), 2);
    assert_non_null(strstr(head, "sys_updated_on%3E2026-12-07%2007%3A19%3A00"));
    free(head);
    /* the changes: their fields, this week's and last week's */
    head = table_head("change_request", 0);
    assert_non_null(strstr(head, "sysparm_fields=sys_id,number,type,state,risk,start_date,"));
    assert_non_null(strstr(head, "sysparm_query=start_date%3E%3D"));
    free(head);
    /* a poll of changes only sweeps nothing */
    script(200, "", "{\"result\":[" REC("a3", "INC3", "2026-12-07 07:30:00") "]}");
    free(table_head("incident", 3));
    requests(F.srv.nheads + 1);
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), 3);
}

static void test_scoped_query(void **state)
{
    static const char *const only_dmi[] = {"dmi", NULL};
    char *head;

    (void)state;
    start(only_dmi);
    head = table_head("incident", 0);
    /* the companies of the session's tenant: its display name (and its name) */
    assert_non_null(strstr(head, "sysparm_query=company.nameINDanish%20Met%2Cdmi%5Eactive%3Dtrue"));
    free(head);
}

/* A session of no tenant ([directory] required = false, the directory down) asks for no
 * record at all, never for every company's. */
static void test_nobody_query(void **state)
{
    char *head;

    (void)state;
    start_as(access_new_nobody("nobody", false));
    head = table_head("incident", 0);
    assert_non_null(strstr(head, "sysparm_query=sys_idISEMPTY%5Eactive%3Dtrue"));
    assert_null(strstr(head, "company.nameIN%5E"));
    free(head);
}

static void test_bad_answers_keep_rows(void **state)
{
    (void)state;
    start(NULL);
    requests(1);
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), 2);

    script(200, "", "<html><body>Instance under maintenance</body></html>");
    requests(F.srv.nheads + 1);
    assert_int_equal(servicenow_source.health(F.src)->state, SOURCE_RETRYING);
    assert_non_null(strstr(health_error(), "HTML page"));
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), 2);

    script(200, "", "{\"result\":[{\"sys_id\":");
    requests(F.srv.nheads + 1);
    assert_non_null(strstr(health_error(), "malformed JSON"));
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), 2);

    script(429, "Retry-After: 1\r\n",
           "{\"error\":{\"message\":\"Rate limit exceeded\",\"detail\":\"Rate limit of 100 "
           "requests per hour for Table API exceeded\"},\"status\":\"failure\"}");
    requests(F.srv.nheads + 1);
    assert_non_null(strstr(health_error(), "HTTP 429: Rate limit exceeded"));
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), 2);

    script(401, "", "{\"error\":{\"message\":\"User is not authenticated\",\"detail\":\"Required "
                    "to provide Auth information\"},\"status\":\"failure\"}");
    requests(F.srv.nheads + 1);
    assert_int_equal(servicenow_source.health(F.src)->fault, SOURCE_FAULT_AUTH);
    assert_non_null(strstr(health_error(), "credentials rejected: HTTP 401: User is not "
                                           "authenticated"));
    assert_int_equal(store_count(&F.store, STORE_INCIDENT), 2);
}

/* A create whose answer never comes (the connection closes): the correlation id decides. */
static struct reply lost_create(void)
{
    const char *values[] = {"dmi", "disk full", "", "1 - High", "3 - Low", "", NULL};
    struct source_request *req = sn_request_create("dmi", NULL, NULL, NULL);
    struct reply out = {0};
    char *err = NULL;
    int64_t end = loop_now_ms() + 10000;

    assert_int_equal(req->ops->form(req, values, &err), 0);
    req->access = F.access;
    servicenow_source.perform(F.src, req, on_reply, &out);
    while (!out.done && loop_now_ms() < end) {
        loop_run_once(F.loop, 20);
    }
    assert_true(out.done);
    source_request_free(req);
    return out;
}

static void test_create_answer_lost(void **state)
{
    struct reply r;

    (void)state;
    start(NULL);
    requests(1);
    pthread_mutex_lock(&S.lock);
    S.post_silent = true;
    snprintf(S.lookup, sizeof S.lookup, "{\"result\":[{\"number\":\"INC0099999\"}]}");
    pthread_mutex_unlock(&S.lock);
    r = lost_create();
    assert_true(r.ok);
    assert_non_null(strstr(r.text, "INC0099999"));
    assert_non_null(strstr(r.text, "not sent again"));
    assert_int_equal(S.posts, 1);
    free(r.text);

    pthread_mutex_lock(&S.lock);
    snprintf(S.lookup, sizeof S.lookup, "{\"result\":[]}");
    pthread_mutex_unlock(&S.lock);
    r = lost_create();
    assert_false(r.ok);
    assert_non_null(strstr(r.error, "nothing was opened"));
    assert_int_equal(S.posts, 2); /* one for each create: never a retry */
    free(r.error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_poll_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scoped_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nobody_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_answers_keep_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_answer_lost, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
