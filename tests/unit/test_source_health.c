/* Source health: the kind of a failure from an HTTP exchange, the header's short token, the
 * status line's phrase, staleness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/http.h"
#include "core/source_health.h"

static void test_fault_of_an_exchange(void **state)
{
    (void)state;
    assert_int_equal(source_fault_of(HTTP_FAIL_CONNECT, 0), SOURCE_FAULT_UNREACHABLE);
    assert_int_equal(source_fault_of(HTTP_FAIL_TIMEOUT, 0), SOURCE_FAULT_TIMEOUT);
    assert_int_equal(source_fault_of(HTTP_FAIL_TLS, 0), SOURCE_FAULT_TLS);
    assert_int_equal(source_fault_of(HTTP_FAIL_TOO_BIG, 200), SOURCE_FAULT_TOO_BIG);
    assert_int_equal(source_fault_of(HTTP_FAIL_NONE, 401), SOURCE_FAULT_AUTH);
    assert_int_equal(source_fault_of(HTTP_FAIL_NONE, 403), SOURCE_FAULT_AUTH);
    assert_int_equal(source_fault_of(HTTP_FAIL_NONE, 503), SOURCE_FAULT_HTTP);
    assert_int_equal(source_fault_of(HTTP_FAIL_NONE, 200), SOURCE_FAULT_ANSWER);
}

static void test_tokens(void **state)
{
    struct source_health h = {.name = "x"};
    char buf[64], clock[16];

    (void)state;
    assert_string_equal(source_health_token(&h, buf, sizeof buf), "idle");
    h.state = SOURCE_LOADING;
    h.loaded = 1500;
    h.expected = 50000;
    assert_string_equal(source_health_token(&h, buf, sizeof buf), "loading 1,500/50,000");
    source_health_ok(&h, SOURCE_OK, 1000);
    assert_string_equal(source_health_token(&h, buf, sizeof buf), "ok");
    source_health_fault(&h, SOURCE_FAULT_AUTH, 401, "HTTP 401: no", 2000);
    assert_string_equal(source_health_token(&h, buf, sizeof buf), "credentials rejected");
    assert_int_equal(h.failing_since, 2000);
    source_health_fault(&h, SOURCE_FAULT_HTTP, 503, "HTTP 503", 3000);
    assert_string_equal(source_health_token(&h, buf, sizeof buf), "HTTP 503");
    assert_int_equal(h.failing_since, 2000); /* the same failure goes on */
    source_health_fail(&h, "a bad \x1b[31mline", 4000);
    assert_string_equal(source_health_token(&h, buf, sizeof buf), "bad answer");
    assert_null(strchr(h.last_error, '\x1b')); /* sanitized */
    /* data older than the source allows: stale since the last success, whatever the fault */
    source_health_stale(&h, true);
    assert_int_equal(h.stale_since, 1000);
    source_fmt_clock(1000, clock, sizeof clock);
    snprintf(buf, sizeof buf, "stale since %s", clock);
    {
        char tok[64];

        assert_string_equal(source_health_token(&h, tok, sizeof tok), buf);
    }
    source_health_ok(&h, SOURCE_OK, 5000);
    assert_int_equal(h.stale_since, 0);
    assert_null(h.last_error);
    assert_int_equal(h.fault, SOURCE_FAULT_NONE);
    source_health_fini(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_of_an_exchange),
        cmocka_unit_test(test_tokens),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
