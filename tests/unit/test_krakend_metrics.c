/* KrakenD's metrics per route (core/krakend/krakend_metrics.c): a scrape's counts per route
 * and method, and the rates between two scrapes: request rate, 5xx share, p95 from the
 * bucket deltas, a route new since the last scrape, no traffic, and a counter reset (the
 * gateway restarted) that never gives a negative rate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/krakend/krakend_metrics.h"
#include "core/xalloc.h"

/* A page like KrakenD's: one route and method, 200s and 500s, buckets 0.1 0.5 1 +Inf. */
static char *page(const char *route, const double ok[4], const double err[4])
{
    static const char *const le[4] = {"0.1", "0.5", "1", "+Inf"};
    char *out = xstrdup("# HELP http_server_duration Measures the duration of inbound HTTP "
                        "requests.\n# TYPE http_server_duration histogram\n");

    for (int code = 0; code < 2; code++) {
        const double *n = code == 0 ? ok : err;

        for (int i = 0; i < 4; i++) {
            char *more = xasprintf(
                "%shttp_server_duration_bucket{http_request_method=\"GET\","
                "http_response_status_code=\"%s\",http_route=\"%s\","
                "otel_scope_name=\"io.krakend.krakend-otel\",le=\"%s\"} %g\n",
                out, code == 0 ? "200" : "503", route, le[i], n[i]);

            free(out);
            out = more;
        }
        char *more = xasprintf("%shttp_server_duration_count{http_request_method=\"GET\","
                               "http_response_status_code=\"%s\",http_route=\"%s\"} %g\n"
                               "http_server_duration_sum{http_request_method=\"GET\","
                               "http_response_status_code=\"%s\",http_route=\"%s\"} 1.5\n",
                               out, code == 0 ? "200" : "503", route, n[3],
                               code == 0 ? "200" : "503", route);

        free(out);
        out = more;
    }
    return out;
}

static void scrape(const char *text, struct krakend_scrape *s)
{
    krakend_scrape_read(text, strlen(text), s);
}

static void test_route_key(void **state)
{
    char *a = krakend_route_key("GET", "/dmi/v1/forecast/{id}");
    char *b = krakend_route_key("GET", "/dmi/v1/forecast/:id");
    char *c = krakend_route_key("POST", "/dmi/v1/forecast/{id}");
    char *d = krakend_route_key("GET", "/a/{x}/b/{y}");

    (void)state;
    assert_string_equal(a, "GET /dmi/v1/forecast/{}");
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_string_equal(d, "GET /a/{}/b/{}");
    free(a);
    free(b);
    free(c);
    free(d);
}

static void test_counts(void **state)
{
    const double ok[4] = {10, 50, 90, 100}, err[4] = {0, 0, 1, 4};
    char *text = page("/dmi/v1/obs/:id", ok, err);
    struct krakend_scrape s;
    const struct krakend_counts *c;

    (void)state;
    scrape(text, &s);
    assert_int_equal(s.prom.skipped, 0);
    assert_int_equal(s.nroutes, 1);
    c = krakend_scrape_find(&s, "GET /dmi/v1/obs/{}");
    assert_non_null(c);
    assert_true(c->total == 104);
    assert_true(c->errors == 4);
    assert_int_equal(c->nbuckets, 4);
    assert_true(c->buckets[0].le == 0.1);
    assert_true(c->buckets[0].count == 10);
    assert_true(c->buckets[2].count == 91);
    assert_true(isinf(c->buckets[3].le));
    assert_true(c->buckets[3].count == 104);
    assert_null(krakend_scrape_find(&s, "GET /nope"));
    krakend_scrape_fini(&s);
    free(text);
}

/* The rates of route /r between a page with counts (ok1, err1) and one with (ok2, err2) dt
 * seconds later; a NULL ok1 or ok2: the route is not on that page. */
static void window(const double *ok1, const double *err1, const double *ok2, const double *err2,
                   double dt, struct krakend_rates *r)
{
    char *t1 = ok1 != NULL ? page("/r", ok1, err1) : xstrdup("");
    char *t2 = ok2 != NULL ? page("/r", ok2, err2) : xstrdup("");
    struct krakend_scrape s1, s2;

    scrape(t1, &s1);
    scrape(t2, &s2);
    krakend_rates_between(krakend_scrape_find(&s1, "GET /r"), krakend_scrape_find(&s2, "GET /r"),
                          dt, r);
    krakend_scrape_fini(&s1);
    krakend_scrape_fini(&s2);
    free(t1);
    free(t2);
}

static void test_rates(void **state)
{
    const double ok1[4] = {10, 50, 90, 100}, err1[4] = {0, 0, 0, 0};
    /* +200 requests: 100 under 0.1 s, 80 more under 0.5 s, 10 under 1 s, 10 above; +10 503s
       (all under 1 s) */
    const double ok2[4] = {110, 230, 280, 290}, err2[4] = {0, 0, 10, 10};
    struct krakend_rates r;

    (void)state;
    window(ok1, err1, ok2, err2, 15, &r);
    assert_false(r.reset);
    assert_true(r.requests == 200);
    assert_true(r.errors == 10);
    assert_true(fabs(r.req_rate - 200.0 / 15) < 1e-9);
    assert_true(fabs(r.err_share - 0.05) < 1e-12);
    /* window buckets: 100, 180, 200, 200 -> rank 190 falls in (0.5, 1]: 0.5 + 0.5 * 10/20 */
    assert_true(fabs(r.p95_ms - 750) < 1e-6);

    /* the same counts twice: no traffic, no verdict */
    window(ok2, err2, ok2, err2, 15, &r);
    assert_true(r.requests == 0);
    assert_true(r.req_rate == 0);
    assert_true(isnan(r.err_share));
    assert_true(isnan(r.p95_ms));

    /* a route new since the last scrape: its counters are the window's */
    window(NULL, NULL, ok1, err1, 10, &r);
    assert_false(r.reset);
    assert_true(r.requests == 100);
    assert_true(fabs(r.req_rate - 10) < 1e-9);
    assert_true(r.err_share == 0);

    /* a route that never served a request */
    window(NULL, NULL, NULL, NULL, 10, &r);
    assert_true(r.req_rate == 0);
    assert_true(isnan(r.err_share));
}

/* The gateway restarted between two scrapes: its counters began again at 0. The window is
 * what the new counters say; no rate is negative. */
static void test_counter_reset(void **state)
{
    const double ok1[4] = {1000, 5000, 9000, 10000}, err1[4] = {0, 0, 0, 50};
    const double ok2[4] = {5, 20, 28, 30}, err2[4] = {0, 0, 0, 3};
    /* only the errors went back (a restart that served many requests quickly) */
    const double ok3[4] = {2000, 9000, 15000, 20000}, err3[4] = {0, 0, 0, 1};
    struct krakend_rates r;

    (void)state;
    window(ok1, err1, ok2, err2, 15, &r);
    assert_true(r.reset);
    assert_true(r.requests == 33);
    assert_true(r.errors == 3);
    assert_true(r.req_rate > 0);
    assert_true(fabs(r.req_rate - 33.0 / 15) < 1e-9);
    assert_true(fabs(r.err_share - 3.0 / 33) < 1e-12);
    assert_true(r.p95_ms >= 0);

    window(ok1, err1, ok3, err3, 15, &r);
    assert_true(r.reset);
    assert_true(r.requests == 20001);
    assert_true(r.errors == 1);
    assert_true(r.err_share >= 0);

    /* the route vanished from the page after a restart: no traffic, not negative */
    window(ok1, err1, NULL, NULL, 15, &r);
    assert_true(r.reset);
    assert_true(r.req_rate == 0);
}

/* p95 in the +Inf bucket is the highest finite bound (as Prometheus's histogram_quantile). */
static void test_p95_edges(void **state)
{
    const double ok[4] = {0, 0, 0, 100}, none[4] = {0, 0, 0, 0};
    const double low[4] = {100, 100, 100, 100};
    char *t = page("/r", ok, none), *u = page("/r", low, none);
    struct krakend_scrape s, s2;
    struct krakend_rates r;

    (void)state;
    scrape(t, &s);
    krakend_rates_between(NULL, krakend_scrape_find(&s, "GET /r"), 1, &r);
    assert_true(fabs(r.p95_ms - 1000) < 1e-9);
    scrape(u, &s2);
    krakend_rates_between(NULL, krakend_scrape_find(&s2, "GET /r"), 1, &r);
    assert_true(fabs(r.p95_ms - 95) < 1e-9); /* 0.95 of the way through (0, 0.1] */
    krakend_scrape_fini(&s);
    krakend_scrape_fini(&s2);
    free(t);
    free(u);
}

/* Garbage among the lines is counted, the rest read. */
static void test_garbage_page(void **state)
{
    const char *text = "garbage here\n"
                       "http_server_duration_count{http_request_method=\"GET\","
                       "http_response_status_code=\"500\",http_route=\"/x\"} 7\n"
                       "http_server_duration_count{http_route=\"/nomethod\"} 7\n"
                       "{{{{\n";
    struct krakend_scrape s;
    const struct krakend_counts *c;

    (void)state;
    scrape(text, &s);
    assert_int_equal(s.prom.skipped, 2);
    assert_int_equal(s.nroutes, 1);
    c = krakend_scrape_find(&s, "GET /x");
    assert_non_null(c);
    assert_true(c->errors == 7);
    krakend_scrape_fini(&s);
}

/* Many routes: the index holds them all. */
static void test_many_routes(void **state)
{
    struct krakend_scrape s;
    size_t cap = 4000 * 160, len = 0;
    char *text = xmalloc(cap);

    (void)state;
    for (int i = 0; i < 4000; i++) {
        len += (size_t)snprintf(text + len, cap - len,
                                "http_server_duration_count{http_request_method=\"GET\","
                                "http_response_status_code=\"200\",http_route=\"/t/%d\"} %d\n",
                                i, i);
    }
    scrape(text, &s);
    assert_int_equal(s.nroutes, 4000);
    for (int i = 0; i < 4000; i += 97) {
        char key[64];

        snprintf(key, sizeof key, "GET /t/%d", i);
        assert_non_null(krakend_scrape_find(&s, key));
        assert_true(krakend_scrape_find(&s, key)->total == i);
    }
    krakend_scrape_fini(&s);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_key),   cmocka_unit_test(test_counts),
        cmocka_unit_test(test_rates),       cmocka_unit_test(test_counter_reset),
        cmocka_unit_test(test_p95_edges),   cmocka_unit_test(test_garbage_page),
        cmocka_unit_test(test_many_routes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
