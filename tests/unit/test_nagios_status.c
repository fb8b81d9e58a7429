/* The Nagios status rows (core/nagios/nagios_status.c) over the statusjson fixtures of
 * ../shared/fixtures/nagios and hand-made answers (bad input included), the order of
 * problems, and the requests (core/nagios/nagios_request.c): cmd.cgi's POST bodies, its HTML
 * answers, the downtime's start and duration, the prompts in turn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/nagios/nagios_request.h"
#include "core/nagios/nagios_status.h"
#include "core/poller.h"
#include "core/xalloc.h"
#include "tests/unit/file_fixture.h"

static void decode_fini(struct poller_decode *d)
{
    for (size_t i = 0; i < d->nrows; i++) {
        nagios_row_free(d->rows[i]);
    }
    free(d->rows);
    free(d->error);
    memset(d, 0, sizeof *d);
}

static const struct nagios_row *find(const struct poller_decode *d, const char *uid)
{
    for (size_t i = 0; i < d->nrows; i++) {
        if (strcmp(d->rows[i]->uid, uid) == 0) {
            return (const struct nagios_row *)d->rows[i];
        }
    }
    return NULL;
}

static bool have_fixtures(void)
{
    struct stat st;

    if (stat("../shared/fixtures/nagios", &st) == 0) {
        return true;
    }
    printf("# shared fixtures not found; fixture cases skipped\n");
    return false;
}

/* Real servicelist details: every service, its state, attempt, ack and downtime. */
static void test_services_fixture(void **state)
{
    size_t len = 0;
    char *body = file_fixture_nagios("statusjson_servicelist_details.json", &len);
    struct poller_decode d = {0};
    const struct nagios_row *r;

    (void)state;
    if (body == NULL) {
        assert_false(have_fixtures());
        return;
    }
    nagios_status_decode(body, len, false, &d);
    assert_null(d.error);
    assert_int_equal(d.nrows, 8);
    r = find(&d, "mapr-cldb-01;CLDB");
    assert_non_null(r);
    assert_string_equal(r->host, "mapr-cldb-01");
    assert_string_equal(r->service, "CLDB");
    assert_int_equal(r->state, NAGIOS_CRITICAL);
    assert_true(r->hard);
    assert_int_equal(r->attempt, 3);
    assert_int_equal(r->max_attempts, 3);
    assert_true(r->acked);
    assert_int_equal(r->last_state_change, 1795701239);
    r = find(&d, "k8s-node-01;Disk /var/lib/containerd");
    assert_non_null(r);
    assert_int_equal(r->state, NAGIOS_WARNING);
    assert_int_equal(r->downtime_depth, 1);
    assert_false(r->acked);
    assert_non_null(strstr(r->output, "DISK WARNING"));
    r = find(&d, "mapr-cldb-01;Volume usage");
    assert_int_equal(r->state, NAGIOS_UNKNOWN);
    r = find(&d, "localhost;PING");
    assert_int_equal(r->state, NAGIOS_OK);
    assert_int_equal(r->attempt, 1);
    decode_fini(&d);
    free(body);
}

/* Real hostlist details (numbers) and its enumerate twin (names) agree. */
static void test_hosts_fixture(void **state)
{
    static const char *const files[] = {"statusjson_hostlist_details.json",
                                        "statusjson_hostlist_details_enumerate.json"};

    (void)state;
    for (size_t f = 0; f < 2; f++) {
        size_t len = 0;
        char *body = file_fixture_nagios(files[f], &len);
        struct poller_decode d = {0};

        if (body == NULL) {
            assert_false(have_fixtures());
            return;
        }
        nagios_status_decode(body, len, true, &d);
        assert_null(d.error);
        assert_int_equal(d.nrows, 5);
        assert_int_equal(find(&d, "core-switch-01")->state, NAGIOS_DOWN);
        assert_int_equal(find(&d, "krakend-gw-01")->state, NAGIOS_UNREACHABLE);
        assert_int_equal(find(&d, "localhost")->state, NAGIOS_UP);
        assert_null(find(&d, "localhost")->service);
        assert_non_null(strstr(find(&d, "core-switch-01")->output, "lost 100%"));
        decode_fini(&d);
        free(body);
    }
}

/* The bad input of the issue: an error type_code (HTTP 200 anyway), no data for the user, an
 * HTML login page, not JSON at all, JSON of something else. */
static void test_bad_input(void **state)
{
    size_t len = 0;
    char *unauth = file_fixture_nagios("statusjson_hostlist_unauthorized_user.json", &len);
    char *err = NULL;
    struct poller_decode d = {0};
    static const char error[] = "{\"format_version\":0,\"result\":{\"type_code\":6,\"type_text\":"
                                "\"Option Value Invalid\",\"message\":\"The host 'x' could not "
                                "be found.\"},\"data\":{}}";
    static const char login[] = "<!DOCTYPE html><html><head><title>Login</title></head>"
                                "<body><form>...</form></body></html>";
    static const char empty[] = "{\"result\":{\"type_code\":0,\"user\":\"gc\"},\"data\":"
                                "{\"servicelist\":{}}}";

    (void)state;
    (void)err;
    nagios_status_decode(error, sizeof error - 1, true, &d);
    assert_string_equal(d.error, "Nagios: Option Value Invalid: The host 'x' could not be found.");
    assert_int_equal(d.nrows, 0);
    assert_false(d.rejected);
    decode_fini(&d);
    nagios_status_decode(login, sizeof login - 1, true, &d);
    assert_non_null(strstr(d.error, "HTML page"));
    decode_fini(&d);
    nagios_status_decode("garbage", 7, false, &d);
    assert_string_equal(d.error, "not the Nagios JSON CGI's answer");
    decode_fini(&d);
    nagios_status_decode("{\"kind\":\"PodList\"}", 18, false, &d);
    assert_string_equal(d.error, "not the Nagios JSON CGI's answer");
    decode_fini(&d);
    nagios_status_decode(empty, sizeof empty - 1, false, &d);
    assert_true(d.rejected);
    assert_string_equal(d.error,
                        "Nagios returned no data for user gc; check cgi.cfg authorization");
    decode_fini(&d);
    if (unauth == NULL) {
        assert_false(have_fixtures());
        return;
    }
    nagios_status_decode(unauth, len, true, &d);
    assert_true(d.rejected);
    assert_string_equal(d.error,
                        "Nagios returned no data for user guest; check cgi.cfg authorization");
    decode_fini(&d);
    free(unauth);
}

/* A name with '+', spaces and a control character: kept (sanitized) in the row, escaped in a
 * request. */
static void test_odd_names(void **state)
{
    static const char body[] =
        "{\"result\":{\"type_code\":0},\"data\":{\"servicelist\":{\"h 1\":{\"C++ build\\u001b\":"
        "{\"host_name\":\"h 1\",\"description\":\"C++ build\\u001b\",\"status\":16,"
        "\"plugin_output\":\"bad\\u001b[31m\",\"state_type\":0,\"current_attempt\":1,"
        "\"max_attempts\":3}}}}}";
    struct poller_decode d = {0};
    const struct nagios_row *r;
    struct nagios_req q = {.what = NAGIOS_REQ_ACK, .comment = (char *)"a+b c"};
    char *post;

    (void)state;
    nagios_status_decode(body, sizeof body - 1, false, &d);
    assert_null(d.error);
    assert_int_equal(d.nrows, 1);
    r = (const struct nagios_row *)d.rows[0];
    assert_string_equal(r->service, "C++ build?");
    assert_string_equal(r->output, "bad?[31m");
    assert_false(r->hard);
    q.host = r->host;
    q.service = r->service;
    post = nagios_cmd_body(&q, "ops user", 0, NULL);
    assert_non_null(strstr(post, "&host=h%201&service=C%2B%2B%20build%3F&"));
    assert_non_null(strstr(post, "&com_author=ops%20user&com_data=a%2Bb%20c&"));
    free(post);
    decode_fini(&d);
}

static void test_state_order(void **state)
{
    (void)state;
    assert_true(nagios_state_rank(NAGIOS_CRITICAL) < nagios_state_rank(NAGIOS_DOWN));
    assert_true(nagios_state_rank(NAGIOS_DOWN) < nagios_state_rank(NAGIOS_UNREACHABLE));
    assert_true(nagios_state_rank(NAGIOS_UNREACHABLE) < nagios_state_rank(NAGIOS_WARNING));
    assert_true(nagios_state_rank(NAGIOS_WARNING) < nagios_state_rank(NAGIOS_UNKNOWN));
    assert_true(nagios_state_rank(NAGIOS_UNKNOWN) < nagios_state_rank(NAGIOS_OK));
    assert_true(nagios_state_problem(NAGIOS_UNKNOWN));
    assert_false(nagios_state_problem(NAGIOS_PENDING));
    assert_false(nagios_state_problem(NAGIOS_UP));
    assert_int_equal(nagios_state_from_status(16, false), NAGIOS_CRITICAL);
    assert_int_equal(nagios_state_from_status(4, true), NAGIOS_DOWN);
    assert_int_equal(nagios_state_from_status(4, false), NAGIOS_WARNING);
    assert_int_equal(nagios_state_from_status(1, false), NAGIOS_PENDING);
}

/* The web UI's forms: acknowledge a service (34) and a host (33), sticky and notifying;
 * schedule a fixed downtime of a service (56) and a host (55) in the us date format. */
static void test_cmd_bodies(void **state)
{
    struct nagios_req ack = {.what = NAGIOS_REQ_ACK, .host = (char *)"dmi-api",
                             .service = (char *)"HTTP", .comment = (char *)"on it"};
    struct nagios_req dt = {.what = NAGIOS_REQ_DOWNTIME, .host = (char *)"dmi-api",
                            .comment = (char *)"swap", .minutes = 90};
    struct tm tm = {.tm_year = 126, .tm_mon = 11, .tm_mday = 7, .tm_hour = 9, .tm_min = 5,
                    .tm_isdst = -1};
    int64_t now = (int64_t)mktime(&tm);
    char *b;

    (void)state;
    b = nagios_cmd_body(&ack, "alice", now, "515f007c5bd062c2");
    assert_string_equal(b, "cmd_typ=34&cmd_mod=2&nagFormId=515f007c5bd062c2&host=dmi-api&service=HTTP&sticky_ack=on"
                           "&send_notification=on&com_author=alice&com_data=on%20it"
                           "&btnSubmit=Commit");
    free(b);
    ack.service = NULL;
    b = nagios_cmd_body(&ack, "alice", now, NULL);
    assert_non_null(strstr(b, "cmd_typ=33&cmd_mod=2&host=dmi-api&sticky_ack=on"));
    free(b);
    b = nagios_cmd_body(&dt, "alice", now, NULL);
    assert_string_equal(b, "cmd_typ=55&cmd_mod=2&host=dmi-api&com_author=alice&com_data=swap"
                           "&trigger=0&start_time=12-07-2026%2009%3A05%3A00"
                           "&end_time=12-07-2026%2010%3A35%3A00&fixed=1&hours=1&minutes=30"
                           "&childoptions=0&btnSubmit=Commit");
    free(b);
    dt.service = (char *)"Pods";
    dt.start = now + 3600;
    b = nagios_cmd_body(&dt, "alice", now, NULL);
    assert_non_null(strstr(b, "cmd_typ=56&cmd_mod=2&host=dmi-api&service=Pods&"));
    assert_non_null(strstr(b, "&start_time=12-07-2026%2010%3A05%3A00&end_time=12-07-2026%2011%3A35%3A00&"));
    assert_null(strstr(b, "childoptions"));
    free(b);
}

/* The form's query, and its form id as Nagios 4.4.6 prints it (the tag's '>' on the next
 * line); none in a page without it; one that is not a plain token is not taken. */
static void test_cmd_form(void **state)
{
    static const char form[] = "<form method='post' action='cmd.cgi'>\n<INPUT TYPE='hidden' "
                               "NAME='nagFormId' VALUE='515f007c5bd062c2'\n><INPUT "
                               "TYPE='HIDDEN' NAME='cmd_typ' VALUE='34'>";
    static const char odd[] = "<input type='hidden' name='nagFormId' value='a\"><script>'>";
    struct nagios_req q = {.what = NAGIOS_REQ_DOWNTIME, .host = (char *)"h 1",
                           .service = (char *)"C++"};
    char *s;

    (void)state;
    s = nagios_cmd_form_id(form, sizeof form - 1);
    assert_string_equal(s, "515f007c5bd062c2");
    free(s);
    assert_null(nagios_cmd_form_id("<html>no form</html>", 20));
    assert_null(nagios_cmd_form_id(odd, sizeof odd - 1));
    s = nagios_cmd_form_query(&q);
    assert_string_equal(s, "cmd_typ=56&host=h%201&service=C%2B%2B");
    free(s);
    q.what = NAGIOS_REQ_ACK;
    q.service = NULL;
    s = nagios_cmd_form_query(&q);
    assert_string_equal(s, "cmd_typ=33&host=h%201");
    free(s);
}

/* cmd.cgi answers HTML: the success sentence, or an error box whose text is the message. */
static void test_cmd_result(void **state)
{
    static const char okpage[] = "<html><body><P><DIV CLASS='infoMessage'>Your command request "
                                 "was successfully submitted to Nagios for processing.<BR><BR>"
                                 "</DIV></P></body></html>";
    static const char errpage[] = "<html><body><P><DIV CLASS='errorMessage'>Sorry, but you are "
                                  "not authorized to commit the specified command.</DIV></P>"
                                  "<P><DIV CLASS='errorDescription'>Read the section...</DIV>"
                                  "</P></body></html>";
    static const char other[] = "<html><body>It works!</body></html>";
    char *err = NULL;

    (void)state;
    assert_int_equal(nagios_cmd_result(okpage, sizeof okpage - 1, &err), 0);
    assert_null(err);
    assert_int_equal(nagios_cmd_result(errpage, sizeof errpage - 1, &err), -1);
    assert_string_equal(err, "Nagios: Sorry, but you are not authorized to commit the specified "
                             "command.");
    free(err);
    err = NULL;
    assert_int_equal(nagios_cmd_result(other, sizeof other - 1, &err), -1);
    assert_string_equal(err, "Nagios did not confirm the command (no success message)");
    free(err);
}

static void test_start_and_duration(void **state)
{
    struct tm tm = {.tm_year = 126, .tm_mon = 11, .tm_mday = 7, .tm_hour = 9, .tm_min = 5,
                    .tm_isdst = -1};
    int64_t now = (int64_t)mktime(&tm), t = -1, m = -1;
    char *err = NULL;

    (void)state;
    assert_int_equal(nagios_parse_start("now", now, &t, &err), 0);
    assert_int_equal(t, 0);
    assert_int_equal(nagios_parse_start("", now, &t, &err), 0);
    assert_int_equal(t, 0);
    assert_int_equal(nagios_parse_start("10:30", now, &t, &err), 0);
    assert_int_equal(t, now + 85 * 60);
    assert_int_equal(nagios_parse_start("2026-12-08 09:05", now, &t, &err), 0);
    assert_int_equal(t - now, 86400); /* no DST change in December */
    assert_int_equal(nagios_parse_start("08:00", now, &t, &err), -1);
    assert_string_equal(err, "start: that time has passed");
    free(err);
    assert_int_equal(nagios_parse_start("tomorrow", now, &t, &err), -1);
    free(err);
    assert_int_equal(nagios_parse_start("25:00", now, &t, &err), -1);
    free(err);
    assert_int_equal(nagios_parse_duration("2h", &m, &err), 0);
    assert_int_equal(m, 120);
    assert_int_equal(nagios_parse_duration("1h30m", &m, &err), 0);
    assert_int_equal(m, 90);
    assert_int_equal(nagios_parse_duration("45", &m, &err), 0);
    assert_int_equal(m, 45);
    assert_int_equal(nagios_parse_duration("1d", &m, &err), 0);
    assert_int_equal(m, 1440);
    assert_int_equal(nagios_parse_duration("soon", &m, &err), -1);
    free(err);
    assert_int_equal(nagios_parse_duration("0m", &m, &err), -1);
    free(err);
    assert_int_equal(nagios_parse_duration("400d", &m, &err), -1);
    free(err);
}

static struct nagios_row *row_new(const char *host, const char *service, enum nagios_state s)
{
    struct nagios_row *r = xcalloc(1, sizeof *r);

    r->host = xstrdup(host);
    r->service = service != NULL ? xstrdup(service) : NULL;
    r->row.uid = service != NULL ? xasprintf("%s;%s", host, service) : xstrdup(host);
    r->state = s;
    r->output = xstrdup("");
    return r;
}

/* The requests a view builds: an OK row cannot be acknowledged; the downtime asks three
 * values in turn (1 = ask the next), a bad one again (-1); the question names them. */
static void test_requests(void **state)
{
    struct nagios_row *ok = row_new("dmi-api", "HTTP", NAGIOS_OK);
    struct nagios_row *bad = row_new("dmi-api", "Pods", NAGIOS_CRITICAL);
    struct source_request *r;
    char *err = NULL;

    (void)state;
    assert_null(nagios_request_ack(ok, "dmi", &err));
    assert_string_equal(err, "HTTP is OK: nothing to acknowledge");
    free(err);
    err = NULL;
    r = nagios_request_ack(bad, "dmi", &err);
    assert_non_null(r);
    assert_int_equal(r->verb, ACCESS_ACKNOWLEDGE);
    assert_int_equal(r->op, SOURCE_OP_CHANGE);
    assert_string_equal(r->tenant, "dmi");
    assert_string_equal(r->target, "dmi-api/Pods");
    assert_int_equal(r->ops->input(r, "  ", &err), -1);
    free(err);
    assert_int_equal(r->ops->input(r, "on it", &err), 0);
    assert_non_null(strstr(r->question, "\"on it\""));
    source_request_free(r);

    r = nagios_request_downtime(ok, "dmi");
    assert_int_equal(r->verb, ACCESS_DOWNTIME);
    assert_string_equal(r->input_value, "now");
    assert_int_equal(r->ops->input(r, "now", &err), 1);
    assert_non_null(strstr(r->input_label, "Duration"));
    assert_int_equal(r->ops->input(r, "soon", &err), -1);
    free(err);
    assert_int_equal(r->ops->input(r, "30m", &err), 1);
    assert_string_equal(r->input_label, "Comment");
    assert_null(r->question);
    assert_int_equal(r->ops->input(r, "patching", &err), 0);
    assert_string_equal(r->question, "Schedule downtime of dmi-api/HTTP from now for 0h30m with "
                                     "the comment \"patching\"?");
    assert_int_equal(((struct nagios_req *)r->priv)->minutes, 30);
    source_request_free(r);

    r = nagios_request_detail(bad, NULL);
    assert_int_equal(r->verb, ACCESS_VIEW);
    assert_int_equal(r->op, SOURCE_OP_DETAIL);
    assert_null(r->tenant);
    source_request_free(r);
    nagios_row_free(&ok->row);
    nagios_row_free(&bad->row);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_services_fixture),  cmocka_unit_test(test_hosts_fixture),
        cmocka_unit_test(test_bad_input),         cmocka_unit_test(test_odd_names),
        cmocka_unit_test(test_state_order),       cmocka_unit_test(test_cmd_bodies),
        cmocka_unit_test(test_cmd_result),        cmocka_unit_test(test_cmd_form),        cmocka_unit_test(test_start_and_duration),
        cmocka_unit_test(test_requests),
    };

    setenv("TZ", "Europe/Copenhagen", 1);
    tzset();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
