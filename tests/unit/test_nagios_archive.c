/* The archivejson readers (core/nagios/archive.c) on bad input and on the cases the fixtures
 * do not show: an error type_code under HTTP 200, an HTML login page, an answer empty for its
 * user, a period the archive has no history for, host availability, names with `+` and spaces
 * in a query, control characters in plugin output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/nagios/archive.h"

#define ENVELOPE(query, code, text, msg, data)                                                    \
    "{\"format_version\":0,\"result\":{\"cgi\":\"archivejson.cgi\",\"user\":\"ghost\","          \
    "\"query\":\"" query "\",\"type_code\":" #code ",\"type_text\":\"" text "\",\"message\":\"" \
    msg "\"},\"data\":" data "}"

static void test_type_code(void **state)
{
    (void)state;
    const char *body = ENVELOPE("availability", 4, "Option Missing",
                                "Start and/or end time must be supplied.", "{}");
    struct nagios_avail_list l;
    struct nagios_statechanges c;
    char *err = NULL;

    assert_int_equal(nagios_archive_read_availability(body, strlen(body), &l, &err), -1);
    assert_string_equal(err, "Nagios: Option Missing: Start and/or end time must be supplied.");
    free(err);
    err = NULL;
    nagios_avail_list_fini(&l);
    assert_int_equal(nagios_archive_read_statechanges(body, strlen(body), &c, &err), -1);
    assert_non_null(strstr(err, "Option Missing"));
    free(err);
    nagios_statechanges_fini(&c);
}

static void test_html(void **state)
{
    (void)state;
    const char *body = "<!DOCTYPE html><html><body>Login</body></html>";
    struct nagios_avail_list l;
    char *err = NULL;

    assert_int_equal(nagios_archive_read_availability(body, strlen(body), &l, &err), -1);
    assert_non_null(strstr(err, "HTML page"));
    free(err);
    nagios_avail_list_fini(&l);
}

static void test_empty_for_user(void **state)
{
    (void)state;
    const char *body = ENVELOPE("availability", 0, "Success", "",
                                "{\"selectors\":{\"starttime\":1000,\"endtime\":2000},"
                                "\"services\":[]}");
    struct nagios_avail_list l;
    char *err = NULL;

    assert_int_equal(nagios_archive_read_availability(body, strlen(body), &l, &err), -1);
    assert_string_equal(err, "Nagios returned no data for user ghost; check cgi.cfg authorization");
    free(err);
    nagios_avail_list_fini(&l);
}

/* Hosts map UP/DOWN/UNREACHABLE to ok/critical/unknown; a span all no data is "no history". */
static void test_hosts_and_no_history(void **state)
{
    (void)state;
    const char *body = ENVELOPE(
        "availability", 0, "Success", "",
        "{\"selectors\":{\"starttime\":1000000,\"endtime\":1100000},\"hosts\":["
        "{\"name\":\"dmi-api\",\"time_up\":60,\"time_down\":20,\"time_unreachable\":10,"
        "\"scheduled_time_up\":5,\"scheduled_time_down\":3,\"scheduled_time_unreachable\":0,"
        "\"time_indeterminate_nodata\":1,\"time_indeterminate_notrunning\":1}]}");
    const char *none = ENVELOPE(
        "availability", 0, "Success", "",
        "{\"selectors\":{\"starttime\":1000000,\"endtime\":1100000},\"services\":["
        "{\"host_name\":\"h\",\"description\":\"s\",\"time_indeterminate_nodata\":100}]}");
    struct nagios_avail_list l;
    char *err = NULL;

    assert_int_equal(nagios_archive_read_availability(body, strlen(body), &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].host, "dmi-api");
    assert_null(l.items[0].service);
    assert_int_equal(l.items[0].times.ok, 60);
    assert_int_equal(l.items[0].times.critical, 20);
    assert_int_equal(l.items[0].times.unknown, 10);
    assert_int_equal(l.items[0].times.sched_ok, 5);
    assert_int_equal(l.items[0].times.sched_critical, 3);
    assert_int_equal(l.items[0].times.nodata, 2);
    assert_int_equal(sla_times_total(&l.items[0].times), 100);
    assert_int_equal(l.start, 1000);
    assert_int_equal(l.end, 1100);
    assert_false(nagios_avail_list_empty_history(&l));
    nagios_avail_list_fini(&l);

    assert_int_equal(nagios_archive_read_availability(none, strlen(none), &l, &err), 0);
    assert_true(nagios_avail_list_empty_history(&l));
    nagios_avail_list_fini(&l);
}

static void test_query_encoding(void **state)
{
    (void)state;
    char *q = nagios_archive_statechange_query("dmi-api", "HTTP p95+ check", 10, 20);

    assert_string_equal(q, "query=statechangelist&objecttype=service&hostname=dmi-api"
                           "&servicedescription=HTTP%20p95%2B%20check&starttime=10&endtime=20");
    free(q);
    q = nagios_archive_availability_query(false, 1793487600, 1796079600);
    assert_string_equal(q, "query=availability&availabilityobjecttype=services"
                           "&starttime=1793487600&endtime=1796079600");
    free(q);
}

/* Output with an escape sequence is sanitized; an entry with an unknown state is dropped. */
static void test_statechanges(void **state)
{
    (void)state;
    const char *body = ENVELOPE(
        "statechangelist", 0, "Success", "",
        "{\"selectors\":{\"starttime\":1000,\"endtime\":9000},\"statechangelist\":["
        "{\"timestamp\":1000,\"object_type\":2,\"state_type\":1,\"state\":0,"
        "\"plugin_output\":\"Initial\"},"
        "{\"timestamp\":2000,\"object_type\":2,\"state_type\":2,\"state\":32,"
        "\"plugin_output\":\"CRIT \\u001b[31mred\"},"
        "{\"timestamp\":3000,\"object_type\":2,\"state_type\":1,\"state\":99},"
        "{\"timestamp\":4000,\"object_type\":\"host\",\"state_type\":\"hard\","
        "\"state\":\"unreachable\"}]}");
    struct nagios_statechanges c;
    char *err = NULL;

    assert_int_equal(nagios_archive_read_statechanges(body, strlen(body), &c, &err), 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.items[0].state, SLA_STATE_NODATA);
    assert_int_equal(c.items[1].state, SLA_STATE_CRITICAL);
    assert_false(c.items[1].hard);
    assert_null(strchr(c.items[1].output, '\033'));
    assert_int_equal(c.items[2].state, SLA_STATE_UNKNOWN);
    assert_true(c.items[2].hard);
    assert_string_equal(c.items[2].output, "");
    assert_string_equal(nagios_archive_state_name(c.items[2].state, true), "unreachable");
    nagios_statechanges_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_code),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_empty_for_user),
        cmocka_unit_test(test_hosts_and_no_history),
        cmocka_unit_test(test_query_encoding),
        cmocka_unit_test(test_statechanges),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
