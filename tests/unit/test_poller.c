/* The shared poller (core/poller.c) against a scripted server: rows with mark and sweep,
 * ETag and 304, the back-off sequence, Retry-After, 401, the size cap, a bad answer,
 * staleness, and paged and partial polls (the url hook). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/http.h"
#include "core/loop.h"
#include "core/poller.h"
#include "core/store.h"
#include "core/store_impl.h"
#include "core/workpool.h"
#include "core/xalloc.h"
#include "tests/unit/mini_httpd.h"

#define KIND STORE_NODE_METRICS

/* These rows belong to no tenant (cluster-scoped, as far as the access layer knows). */
static const char *none_tenant(void *ctx, enum store_kind kind, const struct store_row *row)
{
    (void)ctx;
    (void)kind;
    (void)row;
    return NULL;
}

static uint64_t none_gen(void *ctx)
{
    (void)ctx;
    return 0;
}

static const struct store_tenancy no_tenancy = {.row_tenant = none_tenant, .gen = none_gen};

/* What the server answers next: set by the test, read by the server thread. */
struct script {
    pthread_mutex_t lock;
    int status;
    char extra[256]; /* more header lines */
    char body[8192];
    char pages[3][64]; /* a paged poll: the body of "?page=N" (the url hook's URLs) */
    int total;         /* >= 0: the pages carry X-Total-Count: total */
    int answered;
};

static struct script S = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void script_set(int status, const char *extra, const char *body)
{
    pthread_mutex_lock(&S.lock);
    S.status = status;
    snprintf(S.extra, sizeof S.extra, "%s", extra);
    snprintf(S.body, sizeof S.body, "%s", body);
    pthread_mutex_unlock(&S.lock);
}

static void serve(struct mini_httpd *s, int fd, const char *head, const char *body, void *arg)
{
    (void)s;
    (void)body;
    (void)arg;
    pthread_mutex_lock(&S.lock);
    const char *page = strstr(head, "page=");
    if (page != NULL && page[5] >= '0' && page[5] <= '2') {
        char extra[64] = "";

        if (S.total >= 0) {
            snprintf(extra, sizeof extra, "X-Total-Count: %d\r\n", S.total);
        }
        mini_httpd_answer(fd, 200, extra, S.pages[page[5] - '0']);
    } else if (S.status == 304) {
        mini_httpd_write(fd, "HTTP/1.1 304 Not Modified\r\n%sConnection: close\r\n\r\n", S.extra);
    } else {
        mini_httpd_answer(fd, S.status, S.extra, S.body);
    }
    S.answered++;
    pthread_mutex_unlock(&S.lock);
}

/* A row of the test: just a uid. */
static void row_free(struct store_row *r)
{
    free(r->uid);
    free(r);
}

/* The body is "a,b,c" (names); anything starting with '<' is not our API. */
static void decode(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    char *copy = xstrndup(body, len), *save = NULL;

    (void)arg;
    if (len > 0 && body[0] == '<') {
        out->error = xstrdup("not the API: an HTML page");
        free(copy);
        return;
    }
    for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        struct store_row *r = xcalloc(1, sizeof *r);

        r->uid = xstrdup(t);
        poller_decode_push(out, r);
    }
    free(copy);
}

static const struct poller_ops ops = {
    .decode = decode,
    .free_row = row_free,
};

/* A paged answer: "a,b+" says another page follows. */
static void decode_paged(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    bool more = len > 0 && body[len - 1] == '+';

    decode(body, more ? len - 1 : len, out, arg);
    out->more = more;
}

static bool partial_next; /* the url hook's next page 0 lists only changes */
static int paged_port;

static char *paged_url(void *arg, size_t page, bool *partial)
{
    (void)arg;
    if (page == 0) {
        *partial = partial_next;
    }
    return xasprintf("http://127.0.0.1:%d/list?page=%zu", paged_port, page);
}

static const struct poller_ops paged_ops = {
    .decode = decode_paged,
    .free_row = row_free,
    .url = paged_url,
};

/* Pages of two rows: another follows while the ones before hold fewer than the total. */
static bool paged_ahead(void *arg, size_t page, long long total)
{
    (void)arg;
    return (long long)page * 2 < total;
}

/* A page "w:a,b+" is decoded only once the server has answered another request (up to 2 s):
 * whether the next page was asked for while this one decoded. */
static bool ahead_seen;

static void decode_waiting(const char *body, size_t len, struct poller_decode *out, void *arg)
{
    if (len > 2 && strncmp(body, "w:", 2) == 0) {
        int answered = 0;

        for (int i = 0; i < 200; i++) {
            pthread_mutex_lock(&S.lock);
            answered = S.answered;
            pthread_mutex_unlock(&S.lock);
            if (answered >= 2) {
                break;
            }
            usleep(10000);
        }
        ahead_seen = answered >= 2;
        body += 2;
        len -= 2;
    }
    decode_paged(body, len, out, arg);
}

static const struct poller_ops ahead_ops = {
    .decode = decode_waiting,
    .free_row = row_free,
    .url = paged_url,
    .ahead = paged_ahead,
};

struct fixture {
    struct mini_httpd srv;
    struct loop *loop;
    struct http *http;
    struct workpool *pool;
    struct store store;
    struct poller *p;
    struct http_stats hstats;
    char url[64];
};

static struct fixture F;

static int setup(void **state)
{
    (void)state;
    memset(&F, 0, sizeof F);
    script_set(200, "", "a,b,c");
    S.answered = 0;
    S.total = -1;
    if (mini_httpd_start(&F.srv, serve, NULL) != 0) {
        return -1;
    }
    snprintf(F.url, sizeof F.url, "http://127.0.0.1:%d/list", F.srv.port);
    F.loop = loop_new();
    F.http = http_new(F.loop);
    F.pool = workpool_new(F.loop, 1);
    store_init(&F.store);
    store_register(&F.store, KIND, row_free, &no_tenancy);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    poller_stop(F.p);
    workpool_free(F.pool);
    poller_free(F.p);
    http_free(F.http);
    store_fini(&F.store);
    loop_free(F.loop);
    mini_httpd_stop(&F.srv);
    return 0;
}

static void start_ops(int64_t interval_ms, size_t max_body, const struct poller_ops *o)
{
    struct poller_config cfg = {
        .name = "test",
        .url = F.url,
        .kind = KIND,
        .interval_ms = interval_ms,
        .timeout_ms = 5000,
        .max_body = max_body,
        .rejected_retry_ms = 60000,
        .align_ms = 1,
        .stats = &F.hstats,
    };

    F.p = poller_new(F.loop, F.http, F.pool, &F.store, &cfg, o, NULL);
    poller_start(F.p);
}

static void start(int64_t interval_ms, size_t max_body)
{
    start_ops(interval_ms, max_body, &ops);
}

/* Runs the loop until `cond` holds or `ms` pass; returns whether it held. */
static bool run_until(bool (*cond)(void), int ms)
{
    int64_t end = loop_now_ms() + ms;

    while (!cond() && loop_now_ms() < end) {
        loop_run_once(F.loop, 20);
        store_commit(&F.store);
    }
    return cond();
}

static size_t polls_wanted;
static bool polled(void)
{
    struct poller_stats st;

    poller_stats(F.p, &st);
    return st.polls + st.not_modified >= polls_wanted;
}

static size_t failures_wanted;
static bool failed(void)
{
    struct poller_stats st;

    poller_stats(F.p, &st);
    return st.failures >= failures_wanted;
}

static size_t rows(void)
{
    return store_table(&F.store, KIND)->count;
}

static bool has_row(const char *uid)
{
    return store_get(store_table(&F.store, KIND), uid) != NULL;
}

/* The rows of a poll replace the last one's: new ones put, missing ones swept. */
static void test_rows_mark_and_sweep(void **state)
{
    (void)state;
    start(100, 0);
    polls_wanted = 1;
    assert_true(run_until(polled, 3000));
    assert_int_equal(rows(), 3);
    assert_int_equal(poller_state(F.p), POLLER_OK);
    assert_int_equal(poller_health(F.p)->state, SOURCE_OK);
    script_set(200, "", "a,c,d");
    polls_wanted = 2;
    assert_true(run_until(polled, 3000));
    assert_int_equal(rows(), 3);
    assert_true(has_row("a") && has_row("c") && has_row("d"));
    assert_false(has_row("b"));
    assert_true(F.hstats.requests >= 2);
    assert_true(F.hstats.bytes >= 10);
}

/* An ETag comes back as If-None-Match; a 304 keeps the rows and counts as a success. */
static void test_etag_and_304(void **state)
{
    struct poller_stats st;
    char *head;
    size_t n;

    (void)state;
    script_set(200, "ETag: \"v1\"\r\n", "x,y");
    start(100, 0);
    polls_wanted = 1;
    assert_true(run_until(polled, 3000));
    script_set(304, "ETag: \"v1\"\r\n", "");
    polls_wanted = 3;
    assert_true(run_until(polled, 3000));
    poller_stats(F.p, &st);
    assert_true(st.not_modified >= 2);
    assert_int_equal(st.polls, 1);
    assert_int_equal(rows(), 2);
    assert_int_equal(poller_state(F.p), POLLER_OK);
    head = mini_httpd_head(&F.srv, 0);
    assert_null(strcasestr(head, "If-None-Match"));
    free(head);
    n = S.answered;
    head = mini_httpd_head(&F.srv, n - 1);
    assert_non_null(strcasestr(head, "\r\nIf-None-Match: \"v1\""));
    free(head);
}

/* Failures back off: from the interval (here 100 ms), doubling, with up to 20% jitter. */
static void test_backoff_sequence(void **state)
{
    int64_t want = 100;

    (void)state;
    script_set(500, "", "{}");
    start(100, 0);
    for (size_t i = 1; i <= 4; i++) {
        struct poller_stats st;

        failures_wanted = i;
        assert_true(run_until(failed, 5000));
        poller_stats(F.p, &st);
        if (st.last_delay_ms < want || st.last_delay_ms > want + want / 5) {
            fail_msg("failure %zu: delay %lld ms, want %lld..%lld", i, (long long)st.last_delay_ms,
                     (long long)want, (long long)(want + want / 5));
        }
        want *= 2;
    }
    assert_int_equal(poller_state(F.p), POLLER_FAILING);
    assert_int_equal(poller_health(F.p)->fault, SOURCE_FAULT_HTTP);
    assert_int_equal(poller_health(F.p)->http_status, 500);
    /* a success resets it */
    script_set(200, "", "a");
    polls_wanted = 1;
    assert_true(run_until(polled, 5000));
    assert_int_equal(poller_health(F.p)->state, SOURCE_OK);
    assert_null(poller_health(F.p)->last_error);
}

/* 429 and 503 with Retry-After wait as long as the server asks. */
static void test_retry_after(void **state)
{
    struct poller_stats st;

    (void)state;
    script_set(503, "Retry-After: 7\r\n", "{}");
    start(100, 0);
    failures_wanted = 1;
    assert_true(run_until(failed, 3000));
    poller_stats(F.p, &st);
    assert_int_equal(st.last_delay_ms, 7000);
    assert_int_equal(st.requests, 1);
}

static void test_retry_after_429(void **state)
{
    struct poller_stats st;

    (void)state;
    script_set(429, "Retry-After: 42\r\n", "{}");
    start(100, 0);
    failures_wanted = 1;
    assert_true(run_until(failed, 3000));
    poller_stats(F.p, &st);
    assert_int_equal(st.last_delay_ms, 42000);
    assert_string_equal(poller_health(F.p)->last_error, "HTTP 429");
}

/* 401: "credentials rejected", and tried again only slowly. */
static void test_rejected_credentials(void **state)
{
    struct poller_stats st;
    const struct source_health *h;
    char tok[64];

    (void)state;
    script_set(401, "WWW-Authenticate: Basic realm=\"x\"\r\n", "{}");
    start(100, 0);
    failures_wanted = 1;
    assert_true(run_until(failed, 3000));
    loop_run_once(F.loop, 300); /* 300 ms more: no second request */
    poller_stats(F.p, &st);
    assert_int_equal(st.requests, 1);
    assert_int_equal(st.last_delay_ms, 60000);
    h = poller_health(F.p);
    assert_int_equal(h->fault, SOURCE_FAULT_AUTH);
    assert_non_null(strstr(h->last_error, "credentials rejected"));
    assert_string_equal(source_health_token(h, tok, sizeof tok), "credentials rejected");
}

/* A body over the cap fails cleanly; the rows of the last good poll stay. */
static void test_size_cap(void **state)
{
    char big[6000];

    (void)state;
    start(100, 1000);
    polls_wanted = 1;
    assert_true(run_until(polled, 3000));
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    script_set(200, "", big);
    failures_wanted = 1;
    assert_true(run_until(failed, 3000));
    assert_int_equal(poller_health(F.p)->fault, SOURCE_FAULT_TOO_BIG);
    assert_int_equal(rows(), 3);
}

/* An HTML page where JSON belongs: a bad answer, the decoder's words in the error. */
static void test_bad_answer(void **state)
{
    char tok[64];

    (void)state;
    script_set(200, "", "<html><body>Login</body></html>");
    start(100, 0);
    failures_wanted = 1;
    assert_true(run_until(failed, 3000));
    assert_int_equal(poller_health(F.p)->fault, SOURCE_FAULT_ANSWER);
    assert_non_null(strstr(poller_health(F.p)->last_error, "HTML"));
    assert_string_equal(source_health_token(poller_health(F.p), tok, sizeof tok), "bad answer");
    assert_int_equal(rows(), 0);
}

static bool is_stale(void)
{
    return poller_health(F.p)->stale_since != 0;
}

/* Data older than three intervals is stale since the last success. */
static void test_staleness(void **state)
{
    const struct source_health *h;
    char tok[64], want[64], clock[16];

    (void)state;
    start(100, 0);
    polls_wanted = 1;
    assert_true(run_until(polled, 3000));
    assert_false(is_stale());
    script_set(500, "", "{}");
    assert_true(run_until(is_stale, 3000));
    h = poller_health(F.p);
    assert_int_equal(h->stale_since, h->last_ok);
    snprintf(want, sizeof want, "stale since %s", source_fmt_clock(h->last_ok, clock, sizeof clock));
    assert_string_equal(source_health_token(h, tok, sizeof tok), want);
    assert_int_equal(rows(), 3); /* the last data stays, marked stale */
    script_set(200, "", "a");
    polls_wanted = 2;
    assert_true(run_until(polled, 5000));
    assert_false(is_stale());
}

static void pages_set(const char *p0, const char *p1, const char *p2)
{
    pthread_mutex_lock(&S.lock);
    snprintf(S.pages[0], sizeof S.pages[0], "%s", p0);
    snprintf(S.pages[1], sizeof S.pages[1], "%s", p1);
    snprintf(S.pages[2], sizeof S.pages[2], "%s", p2);
    pthread_mutex_unlock(&S.lock);
}

/* A paged poll asks for the next page while the decode says more follow, and sweeps only
 * after the last; a partial poll adds its rows and sweeps nothing. */
static void test_paged_and_partial(void **state)
{
    struct poller_stats st;

    (void)state;
    partial_next = false;
    pages_set("a,b+", "c", "never");
    paged_port = F.srv.port;
    start_ops(100, 0, &paged_ops);
    polls_wanted = 1;
    assert_true(run_until(polled, 3000));
    poller_stats(F.p, &st);
    assert_int_equal(st.pages, 2);
    assert_false(st.partial);
    assert_int_equal(st.rows, 3);
    assert_int_equal(rows(), 3);
    assert_true(has_row("a") && has_row("b") && has_row("c"));

    partial_next = true;
    pages_set("d", "never", "never");
    polls_wanted = 2;
    assert_true(run_until(polled, 3000));
    poller_stats(F.p, &st);
    assert_true(st.partial);
    assert_int_equal(st.pages, 1);
    assert_int_equal(rows(), 4); /* nothing swept */
    assert_true(has_row("b") && has_row("d"));

    partial_next = false;
    pages_set("a+", "e+", "");
    polls_wanted = 3;
    assert_true(run_until(polled, 3000));
    poller_stats(F.p, &st);
    assert_int_equal(st.pages, 3); /* the empty third page ends it */
    assert_int_equal(rows(), 2);   /* swept across the pages: a (page 0) stays */
    assert_true(has_row("a") && has_row("e"));
    assert_false(has_row("b") || has_row("c") || has_row("d"));
}

static void total_set(int total)
{
    pthread_mutex_lock(&S.lock);
    S.total = total;
    pthread_mutex_unlock(&S.lock);
}

/* With the ahead hook, the next page is asked for while one decodes, the pages still go in
 * in order; a total that promised more than the decode found asks for one page too many,
 * which is dropped; a bad page asked ahead fails the poll and sweeps nothing. */
static void test_paged_ahead(void **state)
{
    struct poller_stats st;

    (void)state;
    partial_next = false;
    total_set(3);
    pages_set("w:a,b+", "c", "never");
    paged_port = F.srv.port;
    start_ops(60000, 0, &ahead_ops);
    polls_wanted = 1;
    assert_true(run_until(polled, 5000));
    poller_stats(F.p, &st);
    assert_true(ahead_seen); /* page 1 was out while page 0 decoded */
    assert_int_equal(st.pages, 2);
    assert_int_equal(st.requests, 2);
    assert_int_equal(rows(), 3);
    assert_true(has_row("a") && has_row("b") && has_row("c"));

    /* The total says a third page; the second says it is the last: that one is dropped. */
    total_set(6);
    pages_set("a,b+", "d", "x,y");
    poller_poke(F.p);
    polls_wanted = 2;
    assert_true(run_until(polled, 5000));
    poller_stats(F.p, &st);
    assert_int_equal(st.pages, 2);
    assert_int_equal(rows(), 3);
    assert_true(has_row("d") && !has_row("c") && !has_row("x"));

    /* The page asked ahead is not the API: the poll fails, nothing is swept. */
    total_set(4);
    pages_set("e,f+", "<html>", "never");
    poller_poke(F.p);
    failures_wanted = 1;
    assert_true(run_until(failed, 5000));
    assert_true(has_row("a") && has_row("d") && has_row("e"));
    total_set(-1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows_mark_and_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_etag_and_304, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backoff_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_after_429, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejected_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staleness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paged_and_partial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paged_ahead, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
