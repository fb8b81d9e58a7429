/* core/http.c against a scripted server: the response headers it keeps, the conditional
 * headers it sends, stall detection on the loop's timer, and the per-client counters. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/http.h"
#include "core/loop.h"
#include "tests/unit/mini_httpd.h"

struct outcome {
    bool done;
    long status;
    char *body;
    char *error;
    long retry_after;
    char *etag, *last_modified, *content_type;
    size_t streamed;
    int64_t done_ms;
};

static void on_done(struct http_req *req, struct http_result *res, void *arg)
{
    struct outcome *o = arg;

    (void)req;
    o->done = true;
    o->status = res->status;
    o->body = res->body != NULL ? strdup(res->body) : NULL;
    o->error = res->error != NULL ? strdup(res->error) : NULL;
    o->retry_after = res->retry_after_s;
    o->etag = res->etag != NULL ? strdup(res->etag) : NULL;
    o->last_modified = res->last_modified != NULL ? strdup(res->last_modified) : NULL;
    o->content_type = res->content_type != NULL ? strdup(res->content_type) : NULL;
    o->done_ms = loop_now_ms();
}

static bool on_data(struct http_req *req, const char *data, size_t len, void *arg)
{
    struct outcome *o = arg;

    (void)req;
    (void)data;
    o->streamed += len;
    return true;
}

static void outcome_fini(struct outcome *o)
{
    free(o->body);
    free(o->error);
    free(o->etag);
    free(o->last_modified);
    free(o->content_type);
}

/* Runs the loop until the request is done or `ms` pass. */
static void run_until_done(struct loop *l, struct outcome *o, int ms)
{
    int64_t end = loop_now_ms() + ms;

    while (!o->done && loop_now_ms() < end) {
        loop_run_once(l, 50);
    }
}

static void answer_headers(struct mini_httpd *s, int fd, const char *head, const char *body,
                           void *arg)
{
    (void)s;
    (void)head;
    (void)body;
    (void)arg;
    mini_httpd_answer(fd, 503,
                      "ETag: \"v42\"\r\nLast-Modified: Tue, 01 Dec 2026 10:00:00 GMT\r\n"
                      "Retry-After: 7\r\n",
                      "{\"busy\":true}");
}

static void test_headers_kept_and_sent(void **state)
{
    struct mini_httpd srv;
    struct loop *l = loop_new();
    struct http *h = http_new(l);
    struct outcome o = {0};
    struct http_opts opts = {0};
    char url[64], *head;

    (void)state;
    assert_int_equal(mini_httpd_start(&srv, answer_headers, NULL), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", srv.port);
    opts.url = url;
    opts.if_none_match = "\"v41\"";
    opts.if_modified_since = "Mon, 30 Nov 2026 10:00:00 GMT";
    opts.timeout_ms = 5000;
    http_start(h, &opts, NULL, on_done, &o);
    run_until_done(l, &o, 5000);
    assert_true(o.done);
    assert_null(o.error);
    assert_int_equal(o.status, 503);
    assert_string_equal(o.body, "{\"busy\":true}");
    assert_string_equal(o.etag, "\"v42\"");
    assert_string_equal(o.last_modified, "Tue, 01 Dec 2026 10:00:00 GMT");
    assert_string_equal(o.content_type, "application/json");
    assert_int_equal(o.retry_after, 7);
    head = mini_httpd_head(&srv, 0);
    assert_non_null(head);
    assert_non_null(strcasestr(head, "\r\nIf-None-Match: \"v41\""));
    assert_non_null(strcasestr(head, "\r\nIf-Modified-Since: Mon, 30 Nov 2026 10:00:00 GMT"));
    free(head);
    outcome_fini(&o);
    http_free(h);
    loop_free(l);
    mini_httpd_stop(&srv);
}

static void answer_retry_date(struct mini_httpd *s, int fd, const char *head, const char *body,
                              void *arg)
{
    char date[64];
    time_t t = time(NULL) + 120;
    struct tm tm;

    (void)s;
    (void)head;
    (void)body;
    (void)arg;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "Retry-After: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    mini_httpd_answer(fd, 429, date, "{}");
}

/* Retry-After as an HTTP date is turned into seconds from now. */
static void test_retry_after_date(void **state)
{
    struct mini_httpd srv;
    struct loop *l = loop_new();
    struct http *h = http_new(l);
    struct outcome o = {0};
    struct http_opts opts = {0};
    char url[64];

    (void)state;
    assert_int_equal(mini_httpd_start(&srv, answer_retry_date, NULL), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", srv.port);
    opts.url = url;
    opts.timeout_ms = 5000;
    http_start(h, &opts, NULL, on_done, &o);
    run_until_done(l, &o, 5000);
    assert_int_equal(o.status, 429);
    assert_true(o.retry_after >= 115 && o.retry_after <= 121);
    assert_null(o.etag);
    outcome_fini(&o);
    http_free(h);
    loop_free(l);
    mini_httpd_stop(&srv);
}

struct trickle {
    int bytes;    /* bytes to send, one every `every_ms` */
    int every_ms;
    int then_ms;  /* silence after them before closing */
};

static void answer_trickle(struct mini_httpd *s, int fd, const char *head, const char *body,
                           void *arg)
{
    const struct trickle *t = arg;

    (void)s;
    (void)head;
    (void)body;
    mini_httpd_write(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < t->bytes; i++) {
        mini_httpd_write(fd, "x");
        usleep((useconds_t)t->every_ms * 1000);
    }
    usleep((useconds_t)t->then_ms * 1000);
}

/* A stream that goes quiet ends as stalled after idle_timeout_ms, not before and not much
 * later (the idle console's wakeups are counted by test_idle_sim). */
static void test_stall_detected_on_the_loop_timer(void **state)
{
    struct trickle t = {1, 0, 3000};
    struct mini_httpd srv;
    struct loop *l = loop_new();
    struct http *h = http_new(l);
    struct outcome o = {0};
    struct http_opts opts = {0};
    char url[64];
    int64_t t0;

    (void)state;
    assert_int_equal(mini_httpd_start(&srv, answer_trickle, &t), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/watch", srv.port);
    opts.url = url;
    opts.stream = true;
    opts.idle_timeout_ms = 1200;
    t0 = loop_now_ms();
    http_start(h, &opts, on_data, on_done, &o);
    while (o.streamed == 0 && loop_now_ms() - t0 < 2000) {
        loop_run_once(l, 50);
    }
    assert_int_equal(o.streamed, 1);
    while (!o.done && loop_now_ms() - t0 < 4000) {
        loop_run_once(l, -1);
    }
    assert_true(o.done);
    assert_non_null(o.error);
    assert_non_null(strstr(o.error, "stalled"));
    assert_true(o.done_ms - t0 >= 1150 && o.done_ms - t0 < 1900);
    /* From the first byte to the stall: the stall timer, perhaps curl's own; never a tick. */
    outcome_fini(&o);
    http_free(h);
    loop_free(l);
    mini_httpd_stop(&srv);
}

/* Bytes arriving more often than the idle time keep the stream alive. */
static void test_trickle_is_not_a_stall(void **state)
{
    struct trickle t = {12, 100, 0};
    struct mini_httpd srv;
    struct loop *l = loop_new();
    struct http *h = http_new(l);
    struct outcome o = {0};
    struct http_opts opts = {0};
    char url[64];

    (void)state;
    assert_int_equal(mini_httpd_start(&srv, answer_trickle, &t), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/watch", srv.port);
    opts.url = url;
    opts.stream = true;
    opts.idle_timeout_ms = 400;
    http_start(h, &opts, on_data, on_done, &o);
    run_until_done(l, &o, 5000);
    assert_true(o.done);
    assert_null(o.error);
    assert_int_equal(o.streamed, 12);
    outcome_fini(&o);
    http_free(h);
    loop_free(l);
    mini_httpd_stop(&srv);
}

static void answer_nothing(struct mini_httpd *s, int fd, const char *head, const char *body,
                           void *arg)
{
    (void)s;
    (void)fd;
    (void)head;
    (void)body;
    (void)arg;
}

/* A server that takes the connection and never finishes the TLS handshake: the connect
 * timeout (the loop's timer) ends the request as unreachable. */
static void test_connect_timeout(void **state)
{
    struct mini_httpd srv;
    struct loop *l = loop_new();
    struct http *h = http_new(l);
    struct outcome o = {0};
    struct http_opts opts = {0};
    char url[64];
    int64_t t0;

    (void)state;
    assert_int_equal(mini_httpd_start(&srv, answer_nothing, NULL), 0);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/x", srv.port);
    opts.url = url;
    opts.connect_timeout_ms = 600;
    t0 = loop_now_ms();
    http_start(h, &opts, NULL, on_done, &o);
    run_until_done(l, &o, 5000);
    assert_true(o.done);
    assert_non_null(o.error);
    assert_non_null(strstr(o.error, "timed out"));
    assert_true(o.done_ms - t0 >= 550 && o.done_ms - t0 < 2000);
    outcome_fini(&o);
    http_free(h);
    loop_free(l);
    mini_httpd_stop(&srv);
}

static void answer_by_path(struct mini_httpd *s, int fd, const char *head, const char *body,
                           void *arg)
{
    (void)s;
    (void)body;
    (void)arg;
    if (strncmp(head, "GET /ok ", 8) == 0) {
        mini_httpd_answer(fd, 200, "", "0123456789");
    } else {
        mini_httpd_answer(fd, 500, "", "{}");
    }
}

/* The counters of a client: requests, failures, bytes, a median latency. */
static void test_stats(void **state)
{
    struct mini_httpd srv;
    struct loop *l = loop_new();
    struct http *h = http_new(l);
    struct http_stats st = {0};
    struct http_opts opts = {0};
    char url[64];

    (void)state;
    assert_int_equal(http_stats_median_ms(&st), -1);
    assert_int_equal(mini_httpd_start(&srv, answer_by_path, NULL), 0);
    opts.stats = &st;
    opts.timeout_ms = 5000;
    for (int i = 0; i < 3; i++) {
        struct outcome o = {0};

        snprintf(url, sizeof url, "http://127.0.0.1:%d/%s", srv.port, i < 2 ? "ok" : "bad");
        opts.url = url;
        http_start(h, &opts, NULL, on_done, &o);
        run_until_done(l, &o, 5000);
        assert_true(o.done);
        outcome_fini(&o);
    }
    assert_int_equal(st.requests, 3);
    assert_int_equal(st.failures, 1);
    assert_int_equal(st.bytes, 22);
    assert_int_equal(st.nlatency, 3);
    assert_true(http_stats_median_ms(&st) >= 0 && http_stats_median_ms(&st) < 2000);
    http_free(h);
    loop_free(l);
    mini_httpd_stop(&srv);
}

#define BODY_LEN 300000 /* past the first buffer's 16 KB, and a few doublings of it */

/* write() all of it. */
static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w <= 0) {
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

/* GET /length: BODY_LEN bytes with their Content-Length; /close: the same without one, the
 * connection's end closing it; /short: a Content-Length of 10 before 20 of them. */
static void answer_long(struct mini_httpd *s, int fd, const char *head, const char *body,
                        void *arg)
{
    char *text = malloc(BODY_LEN);
    bool length = strncmp(head, "GET /length ", 12) == 0;
    bool shorter = strncmp(head, "GET /short ", 11) == 0;

    (void)s;
    (void)body;
    (void)arg;
    for (size_t i = 0; i < BODY_LEN; i++) {
        text[i] = (char)('a' + i % 26);
    }
    if (length || shorter) {
        mini_httpd_write(fd, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
                         shorter ? 10 : BODY_LEN);
    } else {
        mini_httpd_write(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    }
    write_all(fd, text, shorter ? 20 : BODY_LEN); /* not more: curl may close after 10 */
    free(text);
}

/* A long body arrives whole, with a Content-Length (the buffer is sized from it) and without;
 * a shorter Content-Length is what counts; one past max_body fails as too big. */
static void test_long_bodies(void **state)
{
    static const char *const paths[] = {"length", "close", "short", "length"};
    struct mini_httpd srv;
    struct loop *l = loop_new();
    struct http *h = http_new(l);
    char url[64];

    (void)state;
    assert_int_equal(mini_httpd_start(&srv, answer_long, NULL), 0);
    for (int i = 0; i < 4; i++) {
        struct http_opts opts = {0};
        struct outcome o = {0};

        snprintf(url, sizeof url, "http://127.0.0.1:%d/%s", srv.port, paths[i]);
        opts.url = url;
        opts.timeout_ms = 5000;
        opts.max_body = i == 3 ? BODY_LEN / 2 : 0;
        http_start(h, &opts, NULL, on_done, &o);
        run_until_done(l, &o, 5000);
        assert_true(o.done);
        if (i == 3) {
            assert_non_null(o.error);
        } else {
            size_t want = i == 2 ? 10 : BODY_LEN;

            assert_null(o.error);
            assert_non_null(o.body);
            assert_int_equal(strlen(o.body), want);
            for (size_t k = 0; k < want; k++) {
                if (o.body[k] != (char)('a' + k % 26)) {
                    fail_msg("%s: byte %zu differs", paths[i], k);
                }
            }
        }
        outcome_fini(&o);
    }
    http_free(h);
    loop_free(l);
    mini_httpd_stop(&srv);
}

/* Credentials never cross the network in clear: http:// beyond loopback is refused unless
 * allowed; loopback is fine. */
static void test_plain_credentials_refused(void **state)
{
    struct mini_httpd srv;
    struct loop *l = loop_new();
    struct http *h = http_new(l);
    struct outcome o = {0}, o2 = {0};
    struct http_opts opts = {0};
    char url[64];

    (void)state;
    opts.url = "http://gov.example.invalid:8080/api";
    opts.bearer = "secret-token";
    opts.timeout_ms = 2000;
    http_start(h, &opts, NULL, on_done, &o);
    run_until_done(l, &o, 2000);
    assert_true(o.done);
    assert_non_null(o.error);
    assert_non_null(strstr(o.error, "refused: credentials would go in clear over http:// to "
                                    "gov.example.invalid"));
    assert_null(strstr(o.error, "secret-token"));
    outcome_fini(&o);
    assert_int_equal(mini_httpd_start(&srv, answer_by_path, NULL), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/ok", srv.port);
    opts.url = url;
    http_start(h, &opts, NULL, on_done, &o2);
    run_until_done(l, &o2, 5000);
    assert_null(o2.error);
    assert_int_equal(o2.status, 200);
    outcome_fini(&o2);
    http_free(h);
    loop_free(l);
    mini_httpd_stop(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers_kept_and_sent),
        cmocka_unit_test(test_retry_after_date),
        cmocka_unit_test(test_stall_detected_on_the_loop_timer),
        cmocka_unit_test(test_trickle_is_not_a_stall),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_long_bodies),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test(test_plain_credentials_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
