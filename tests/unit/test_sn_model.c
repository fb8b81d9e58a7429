/* ServiceNow Table API answers (core/servicenow/sn_model.c): a page read with
 * sysparm_display_value=all, bad input (HTML, malformed JSON, records missing fields, control
 * characters), the error envelope, and an incident's detail with its journal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/poller.h"
#include "core/servicenow/sn_model.h"
#include "core/xalloc.h"

/* One record as an instance answers with sysparm_display_value=all and
 * sysparm_exclude_reference_link=true. */
#define DV(name, dv, v) "\"" name "\":{\"display_value\":\"" dv "\",\"value\":\"" v "\"}"
#define REC(id, number, company, updated, sla)                                                     \
    "{" DV("sys_id", id, id) "," DV("number", number, number) "," DV("priority", "1 - Critical",   \
                                                                     "1") ","                      \
    DV("state", "In Progress", "2") "," DV("company", company, "c0ffee") ","                       \
    DV("short_description", "forecast-api down", "forecast-api down") ","                          \
    DV("assigned_to", "Anne Nielsen", "a1") "," DV("opened_at", "07-12-2026 08:00:00",             \
                                                   "2026-12-07 07:00:00") ","                      \
    DV("sys_updated_on", "x", updated) "," DV("made_sla", sla, sla) "," DV("active", "true",     \
                                                                              "true") "}"

static void decode(const char *body, size_t limit, struct poller_decode *d)
{
    memset(d, 0, sizeof *d);
    sn_incidents_decode(body, strlen(body), limit, d);
}

static void decode_free(struct poller_decode *d)
{
    for (size_t i = 0; i < d->nrows; i++) {
        sn_incident_free(d->rows[i]);
    }
    free(d->rows);
    free(d->extra);
    free(d->error);
}

static void test_display_value_all(void **state)
{
    struct poller_decode d;
    const struct sn_incident *a, *b;
    const struct sn_page_info *info;

    (void)state;
    decode("{\"result\":[" REC("id1", "INC0010001", "Danish Meteorological Institute",
                                "2026-12-07 07:10:00", "true") "," REC("id2", "INC0010002",
                                                                        "Geodatastyrelsen",
                                                                        "2026-12-07 07:20:00",
                                                                        "false") "]}",
           2, &d);
    assert_null(d.error);
    assert_int_equal(d.nrows, 2);
    assert_true(d.more); /* a full page: another may follow */
    a = (const struct sn_incident *)d.rows[0];
    b = (const struct sn_incident *)d.rows[1];
    assert_string_equal(a->row.uid, "id1");
    assert_string_equal(a->number, "INC0010001");
    assert_int_equal(a->priority, 1);
    assert_int_equal(a->state, SN_STATE_IN_PROGRESS);
    assert_string_equal(a->state_text, "In Progress");
    assert_string_equal(a->company, "Danish Meteorological Institute"); /* the display value */
    assert_string_equal(a->assigned_to, "Anne Nielsen");
    assert_int_equal(a->opened, sn_time_parse("2026-12-07 07:00:00")); /* the value, UTC */
    assert_int_equal(a->made_sla, 1);
    assert_int_equal(b->made_sla, 0);
    assert_true(a->active);
    info = d.extra;
    assert_string_equal(info->newest, "2026-12-07 07:20:00");
    assert_int_equal(info->skipped, 0);
    decode_free(&d);
}

/* Without sysparm_display_value: strings and references {"link","value"}. */
static void test_plain_values(void **state)
{
    struct poller_decode d;
    const struct sn_incident *a;

    (void)state;
    decode("{\"result\":[{\"sys_id\":\"x\",\"number\":\"INC1\",\"priority\":\"4\",\"state\":\"6\","
           "\"active\":\"false\",\"company\":{\"link\":\"http://i/x\",\"value\":\"abc\"},"
           "\"made_sla\":\"\"}]}",
           1000, &d);
    assert_null(d.error);
    assert_int_equal(d.nrows, 1);
    assert_false(d.more);
    a = (const struct sn_incident *)d.rows[0];
    assert_int_equal(a->priority, 4);
    assert_int_equal(a->state, SN_STATE_RESOLVED);
    assert_false(a->active);
    assert_string_equal(a->company, "abc");
    assert_int_equal(a->made_sla, -1); /* the instance does not say */
    assert_null(a->assigned_to);
    decode_free(&d);
}

static void test_bad_input(void **state)
{
    struct poller_decode d;
    const struct sn_incident *a;
    const struct sn_page_info *info;

    (void)state;
    decode("\n<html><body>Instance under maintenance</body></html>", 100, &d);
    assert_non_null(d.error);
    assert_non_null(strstr(d.error, "HTML page"));
    assert_int_equal(d.nrows, 0);
    decode_free(&d);

    decode("{\"result\":[{\"sys_id\":", 100, &d);
    assert_non_null(d.error);
    assert_non_null(strstr(d.error, "malformed JSON"));
    decode_free(&d);

    decode("{\"records\":[]}", 100, &d);
    assert_non_null(d.error);
    assert_non_null(strstr(d.error, "not a Table API answer"));
    decode_free(&d);

    /* records missing fields: left out and counted; the rest kept */
    decode("{\"result\":[{\"number\":\"INC1\"},{\"sys_id\":\"a\"},{\"sys_id\":\"b\","
           "\"number\":\"INC2\",\"short_description\":\"evil \\u001b[31mred\\u0007 \\u009b2J\"}]}",
           100, &d);
    assert_null(d.error);
    assert_int_equal(d.nrows, 1);
    info = d.extra;
    assert_int_equal(info->skipped, 2);
    a = (const struct sn_incident *)d.rows[0];
    assert_null(strchr(a->short_description, '\033'));
    assert_null(strchr(a->short_description, '\a'));
    assert_null(strstr(a->short_description, "\xc2\x9b"));
    assert_non_null(strstr(a->short_description, "red"));
    decode_free(&d);
}

static void test_error_text(void **state)
{
    const char *body = "{\"error\":{\"message\":\"User is not authenticated\",\"detail\":\"Required "
                       "to provide Auth information\"},\"status\":\"failure\"}";
    char *t;

    (void)state;
    t = sn_error_text(401, body, strlen(body), NULL);
    assert_string_equal(t, "HTTP 401: User is not authenticated: Required to provide Auth "
                           "information");
    free(t);
    t = sn_error_text(503, "<html>down</html>", 17, NULL);
    assert_non_null(strstr(t, "HTTP 503: an HTML page"));
    free(t);
    t = sn_error_text(0, NULL, 0, "connection refused");
    assert_string_equal(t, "connection refused");
    free(t);
}

static void test_detail_timeline(void **state)
{
    const char *rec = "{\"result\":{" DV("number", "INC0010001", "INC0010001") ","
                      DV("priority", "2 - High", "2") "," DV("state", "New", "1") ","
                      DV("description", "line one\\nline two", "x") ","
                      DV("cmdb_ci", "dmi-forecast-api", "ci1") "}}";
    const char *journal =
        "{\"result\":[{\"element\":\"work_notes\",\"value\":\"older note\","
        "\"sys_created_on\":\"2026-12-07 07:00:00\",\"sys_created_by\":\"anne\"},"
        "{\"element\":\"comments\",\"value\":\"newer comment\","
        "\"sys_created_on\":\"2026-12-07 08:00:00\",\"sys_created_by\":\"lars\"}]}";
    char *err = NULL, *t;

    (void)state;
    t = sn_detail_text(rec, strlen(rec), journal, strlen(journal), "  Kubernetes app: dmi/forecast-api (:apps dmi)\n", &err);
    assert_null(err);
    assert_non_null(t);
    assert_non_null(strstr(t, "INC0010001  P2 High  New"));
    assert_non_null(strstr(t, "dmi-forecast-api"));
    assert_non_null(strstr(t, "  line two\n"));
    /* one timeline, newest first */
    assert_non_null(strstr(t, "newer comment"));
    assert_true(strstr(t, "newer comment") < strstr(t, "older note"));
    assert_non_null(strstr(t, "lars  comment"));
    assert_non_null(strstr(t, "anne  work note"));
    assert_non_null(strstr(t, "\nLinks\n  Kubernetes app: dmi/forecast-api (:apps dmi)\n"));
    free(t);
    t = sn_detail_text("<html/>", 7, NULL, 0, NULL, &err);
    assert_null(t);
    assert_non_null(strstr(err, "HTML"));
    free(err);
}

static void test_changes(void **state)
{
    struct poller_decode d;
    const struct sn_change *c;
    static const char body[] =
        "{\"result\":[{" DV("sys_id", "c1", "c1") "," DV("number", "CHG0030001", "CHG0030001") ","
        DV("type", "Normal", "normal") "," DV("state", "Implement", "-1") ","
        DV("risk", "Moderate", "3") "," DV("start_date", "x", "2026-12-07 06:00:00") ","
        DV("end_date", "x", "2026-12-07 09:00:00") "," DV("company", "Skat", "k")
        "},{\"number\":\"CHG2\"}]}";

    memset(&d, 0, sizeof d);
    (void)state;
    sn_changes_decode(body, strlen(body), 100, &d);
    assert_null(d.error);
    assert_int_equal(d.nrows, 1);
    assert_int_equal(((const struct sn_page_info *)d.extra)->skipped, 1);
    c = (const struct sn_change *)d.rows[0];
    assert_string_equal(c->number, "CHG0030001");
    assert_true(c->has_state);
    assert_int_equal(c->state, SN_CHANGE_IMPLEMENT); /* negative states read */
    assert_string_equal(c->state_text, "Implement");
    assert_string_equal(c->type, "Normal");
    assert_string_equal(c->risk, "Moderate");
    assert_string_equal(c->company, "Skat");
    assert_int_equal(c->end - c->start, 3 * 3600);
    assert_string_equal(c->start_raw, "2026-12-07 06:00:00"); /* as the instance wrote it */
    assert_string_equal(c->end_raw, "2026-12-07 09:00:00");
    for (size_t i = 0; i < d.nrows; i++) {
        sn_change_free(d.rows[i]);
    }
    free(d.rows);
    free(d.extra);
}

static void test_time(void **state)
{
    char buf[24];

    (void)state;
    assert_int_equal(sn_time_parse("1970-01-02 00:00:00"), 86400);
    assert_int_equal(sn_time_parse("2026-12-07"), 0);
    assert_int_equal(sn_time_parse(""), 0);
    sn_time_format(86400 + 61, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-02 00:01:01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_display_value_all), cmocka_unit_test(test_plain_values),
        cmocka_unit_test(test_bad_input),         cmocka_unit_test(test_error_text),
        cmocka_unit_test(test_detail_timeline),   cmocka_unit_test(test_time),
        cmocka_unit_test(test_changes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
