/* The KrakenD source (core/krakend/krakend_source.c) against a scripted gateway: a
 * krakend.json file and a metrics endpoint whose pages the test writes one scrape at a time.
 * The windows between scrapes give each route its rates; a counter reset (a restart) counts
 * from 0, never negative; a page that is not Prometheus text fails the source with a reason,
 * keeps the rows and turns them stale; a configuration file that changes is read again (the
 * routes it keeps keep their rates); one that breaks names its JSON path and keeps the rows. */
#define _GNU_SOURCE /* strcasestr in mini_httpd.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/http.h"
#include "core/krakend/krakend_route.h"
#include "core/loop.h"
#include "core/sources.h"
#include "core/store.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tests/unit/mini_httpd.h"
#include "tests/unit/tmpdir_fixture.h"

/* The n-th scrape's counts of GET /a/v1/x: requests and 5xx. After them: an HTML page. */
static const struct {
    int total, errors;
} pages[] = {
    {1000, 0},
    {1100, 10}, /* +100 requests, 10 of them 5xx */
    {50, 2},    /* the gateway restarted */
};
#define NPAGES (sizeof pages / sizeof pages[0])

static atomic_int scrapes;

static void gateway(struct mini_httpd *s, int fd, const char *head, const char *body, void *arg)
{
    (void)s;
    (void)body;
    (void)arg;
    if (strncmp(head, "GET /__health ", 14) == 0) {
        mini_httpd_answer(fd, 200, "", "{\"agents\":{},\"status\":\"ok\"}");
        return;
    }
    int n = atomic_fetch_add(&scrapes, 1);
    char text[2048];

    if ((size_t)n >= NPAGES) {
        mini_httpd_answer(fd, 200, "", "<html><body>502 Bad Gateway</body></html>\n");
        return;
    }
    snprintf(text, sizeof text,
             "# TYPE http_server_duration histogram\n"
             "http_server_duration_bucket{http_request_method=\"GET\",http_response_status_code="
             "\"200\",http_route=\"/a/v1/x\",le=\"0.1\"} %d\n"
             "http_server_duration_bucket{http_request_method=\"GET\",http_response_status_code="
             "\"200\",http_route=\"/a/v1/x\",le=\"+Inf\"} %d\n"
             "http_server_duration_count{http_request_method=\"GET\",http_response_status_code="
             "\"200\",http_route=\"/a/v1/x\"} %d\n"
             "http_server_duration_bucket{http_request_method=\"GET\",http_response_status_code="
             "\"500\",http_route=\"/a/v1/x\",le=\"0.1\"} %d\n"
             "http_server_duration_bucket{http_request_method=\"GET\",http_response_status_code="
             "\"500\",http_route=\"/a/v1/x\",le=\"+Inf\"} %d\n"
             "http_server_duration_count{http_request_method=\"GET\",http_response_status_code="
             "\"500\",http_route=\"/a/v1/x\"} %d\n",
             pages[n].total - pages[n].errors, pages[n].total - pages[n].errors,
             pages[n].total - pages[n].errors, pages[n].errors, pages[n].errors,
             pages[n].errors);
    mini_httpd_write(fd,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     strlen(text), text);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char config_two[] =
    "{\"version\": 3, \"timeout\": \"2s\", \"endpoints\": ["
    "{\"endpoint\": \"/a/v1/x\", \"backend\": [{\"host\": [\"http://a\"], \"url_pattern\": \"/x\"}]},"
    "{\"endpoint\": \"/b/v1/y\", \"backend\": [{\"host\": [\"http://b\"], \"url_pattern\": \"/y\"}]}"
    "]}\n";
static const char config_three[] =
    "{\"version\": 3, \"timeout\": \"2s\", \"endpoints\": ["
    "{\"endpoint\": \"/a/v1/x\", \"backend\": [{\"host\": [\"http://a\"], \"url_pattern\": \"/x\"}]},"
    "{\"endpoint\": \"/b/v1/y\", \"backend\": [{\"host\": [\"http://b\"], \"url_pattern\": \"/y\"}]},"
    "{\"endpoint\": \"/c/v1/z\", \"backend\": [{\"host\": [\"http://c\"], \"url_pattern\": \"/z\"}]}"
    "]}\n";

struct seen {
    double requests, errors, err_share, req_rate;
    bool reset;
};

static void test_scripted_gateway(void **state)
{
    struct mini_httpd srv;
    struct gc_config cfg;
    struct loop *l;
    struct http *h;
    struct workpool *pool;
    struct store *store;
    struct source_env env;
    const struct source_ops *ops = NULL;
    void *src;
    char *err = NULL, *path = xasprintf("%s/krakend.json", tmpdir);
    struct seen seen[16];
    size_t nseen = 0;
    uint64_t gen = 0;
    int64_t deadline;
    const struct krakend_route *r;
    const struct source_health *hl;

    (void)state;
    write_file(path, config_two);
    assert_int_equal(mini_httpd_start(&srv, gateway, NULL), 0);
    config_init(&cfg);
    cfg.krakend.config = xstrdup(path);
    cfg.krakend.metrics = xasprintf("http://127.0.0.1:%d/metrics", srv.port);
    cfg.krakend.health = xasprintf("http://127.0.0.1:%d/__health", srv.port);
    cfg.krakend.interval_ms = 1000;
    for (size_t i = 0; sources_registry(i) != NULL; i++) {
        if (strcmp(sources_registry(i)->name, "krakend") == 0) {
            ops = sources_registry(i);
        }
    }
    assert_non_null(ops);
    l = loop_new();
    h = http_new(l);
    pool = workpool_new(l, 2);
    store = store_new();
    env = (struct source_env){.loop = l, .http = h, .pool = pool, .store = store, .cfg = &cfg};
    src = ops->init(&env, &err);
    assert_null(err);
    ops->start(src);

    /* Every window of GET /a/v1/x until the source fails on the HTML page. */
    deadline = loop_now_ms() + 30000;
    while (ops->health(src)->state != SOURCE_RETRYING && loop_now_ms() < deadline) {
        loop_run_once(l, 100);
        r = (const struct krakend_route *)store_get(store_table(store, STORE_ROUTE),
                                                    "GET /a/v1/x");
        if (r != NULL && r->row.gen != gen && r->has_rates && nseen < 16) {
            gen = r->row.gen;
            seen[nseen++] = (struct seen){r->rates.requests, r->rates.errors, r->rates.err_share,
                                          r->rates.req_rate, r->rates.reset};
        }
        store_commit(store);
    }
    hl = ops->health(src);
    assert_int_equal(hl->state, SOURCE_RETRYING);
    assert_non_null(strstr(hl->last_error, "not Prometheus text"));
    /* the windows: +100 requests with 10 5xx, then the restart's 50 with 2 */
    size_t i = 0;

    while (i < nseen && seen[i].requests != 100) {
        i++;
    }
    assert_true(i + 1 < nseen);
    assert_true(seen[i].errors == 10);
    assert_true(fabs(seen[i].err_share - 0.1) < 1e-9);
    assert_false(seen[i].reset);
    assert_true(seen[i].req_rate > 0);
    assert_true(seen[i + 1].reset);
    assert_true(seen[i + 1].requests == 50);
    assert_true(seen[i + 1].errors == 2);
    assert_true(seen[i + 1].req_rate > 0);
    for (size_t k = 0; k < nseen; k++) {
        assert_true(seen[k].requests >= 0 && seen[k].errors >= 0 && seen[k].req_rate >= 0);
    }
    /* the rows stay with their last rates; the route without traffic has none */
    assert_int_equal(store_count(store, STORE_ROUTE), 2);
    r = (const struct krakend_route *)store_get(store_table(store, STORE_ROUTE), "GET /a/v1/x");
    assert_true(r->has_rates && r->rates.requests == 50);
    assert_true(krakend_route_failing(r)); /* 4 % 5xx, above error_warn 1 % */
    r = (const struct krakend_route *)store_get(store_table(store, STORE_ROUTE), "GET /b/v1/y");
    assert_true(r->has_rates && r->rates.requests == 0 && isnan(r->rates.err_share));
    assert_string_equal(r->tenant, "b");
    assert_string_equal(r->ep.timeout, "2s");
    assert_true(r->ep.timeout_inherited);

    /* three intervals without a good scrape: stale */
    deadline = loop_now_ms() + 10000;
    while (ops->health(src)->stale_since == 0 && loop_now_ms() < deadline) {
        loop_run_once(l, 100);
        store_commit(store);
    }
    assert_true(ops->health(src)->stale_since != 0);

    /* The file changes: read again; the route it keeps keeps its rates. */
    usleep(20000); /* a modification time of its own */
    write_file(path, config_three);
    deadline = loop_now_ms() + 10000;
    while (store_count(store, STORE_ROUTE) != 3 && loop_now_ms() < deadline) {
        loop_run_once(l, 100);
        store_commit(store);
    }
    assert_int_equal(store_count(store, STORE_ROUTE), 3);
    r = (const struct krakend_route *)store_get(store_table(store, STORE_ROUTE), "GET /a/v1/x");
    assert_true(r->has_rates && r->rates.requests == 50);
    r = (const struct krakend_route *)store_get(store_table(store, STORE_ROUTE), "GET /c/v1/z");
    assert_non_null(r);
    assert_false(r->has_rates);

    /* It breaks: the source names the JSON path; the rows stay. */
    usleep(20000);
    write_file(path, "{\"version\": 3, \"endpoints\": {}}\n");
    deadline = loop_now_ms() + 10000;
    while ((ops->health(src)->last_error == NULL ||
            strstr(ops->health(src)->last_error, "$.endpoints") == NULL) &&
           loop_now_ms() < deadline) {
        loop_run_once(l, 100);
        store_commit(store);
    }
    hl = ops->health(src);
    assert_non_null(hl->last_error);
    assert_non_null(strstr(hl->last_error, "$.endpoints: an array expected"));
    assert_int_equal(store_count(store, STORE_ROUTE), 3);

    /* the metrics were asked with a plain GET of their path */
    bool asked = false;
    char *head;

    for (size_t k = 0; (head = mini_httpd_head(&srv, k)) != NULL; k++) {
        asked |= strncmp(head, "GET /metrics HTTP/1.1", 21) == 0;
        free(head);
    }
    assert_true(asked);

    ops->stop(src);
    workpool_free(pool);
    ops->fini(src);
    http_free(h);
    store_free(store);
    loop_free(l);
    config_fini(&cfg);
    mini_httpd_stop(&srv);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scripted_gateway),
    };

    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
