/* Service-level rows and documents (core/sla/sla_table.c): tree order, an app and a tenant
 * taking their worst service's figures, services without a tenant left out, a scoped keep,
 * CSV per RFC 4180 (quotes, commas, CRLF), JSON that parses with the documented members,
 * Markdown cells with `|` escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/config.h"
#include "core/nagios/sla_incidents.h"
#include "core/sla/sla_table.h"
#include "core/tenant_pattern.h"

#define NOV_2026 1793487600 /* Europe/Copenhagen */
#define DAY 86400

static int set_tz(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Copenhagen", 1);
    tzset();
    return 0;
}

/* dmi: forecast-api (HTTP 60 min down, Pods fine), obs-api (9 h down: breached at 99.5%);
 * skat: tax-calc with a name that needs quoting; a host without a tenant. */
static void build(struct sla_table *t)
{
    static const struct sla_input in[] = {
        {"skat", "tax-calc", "skat-tax-calc", "HTTP \"p95\", EU", 99.5,
         {.ok = 30 * DAY}},
        {"dmi", "obs-api", "dmi-obs-api", "HTTP", 99.5,
         {.ok = 30 * DAY - 32400, .critical = 32400}},
        {"dmi", "forecast-api", "dmi-forecast-api", "Pods", 99.5,
         {.ok = 30 * DAY - 60, .warning = 60}},
        {"dmi", "forecast-api", "dmi-forecast-api", "HTTP", 99.5,
         {.ok = 30 * DAY - 3600, .critical = 3600}},
        {NULL, "core-switch", "core-switch", "PING", 99.5, {.ok = 30 * DAY}},
    };
    struct sla_period p;

    assert_int_equal(sla_period_parse("2026-11", &p), 0);
    sla_table_build(t, &p, NOV_2026 + 40 * DAY, false, in, sizeof in / sizeof in[0]);
}

static void test_tree(void **state)
{
    (void)state;
    struct sla_table t;
    char buf[32];

    build(&t);
    assert_int_equal(t.n, 9); /* 2 tenants, 3 apps, 4 services */
    assert_int_equal(t.rows[0].level, SLA_LEVEL_TENANT);
    assert_string_equal(t.rows[0].tenant, "dmi");
    assert_int_equal(t.rows[0].services, 3);
    assert_string_equal(t.rows[1].app, "forecast-api");
    assert_string_equal(t.rows[2].service, "HTTP");
    assert_string_equal(t.rows[3].service, "Pods");
    assert_string_equal(t.rows[4].app, "obs-api");
    assert_string_equal(t.rows[6].tenant, "skat");
    /* the app shows HTTP's hour down, not Pods' WARNING minute (available) */
    assert_int_equal(t.rows[1].f.down, 3600);
    /* the tenant shows obs-api's 9 hours: over the 216-minute budget */
    assert_int_equal(t.rows[0].f.down, 32400);
    assert_int_equal(t.rows[0].f.status, SLA_STATUS_BREACHED);
    sla_fmt_availability(&t.rows[0].f, buf, sizeof buf);
    assert_string_equal(buf, "98.750"); /* 1 - 9 h / 720 h */
    sla_fmt_minutes(t.rows[0].f.budget_left, buf, sizeof buf);
    assert_string_equal(buf, "-324.0"); /* 216 - 540 */
    sla_table_fini(&t);
}

static bool only_skat(const char *tenant, void *arg)
{
    (void)arg;
    return strcmp(tenant, "skat") == 0;
}

static void test_keep(void **state)
{
    (void)state;
    struct sla_table t;

    build(&t);
    sla_table_keep(&t, only_skat, NULL);
    assert_int_equal(t.n, 3);
    for (size_t i = 0; i < t.n; i++) {
        assert_string_equal(t.rows[i].tenant, "skat");
    }
    sla_table_fini(&t);
}

static void test_csv(void **state)
{
    (void)state;
    struct sla_table t;
    char *csv;
    const char *line;

    build(&t);
    csv = sla_table_csv(&t);
    /* 1 header + 9 rows, each ended by CRLF */
    size_t crlf = 0;

    for (const char *p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2) {
        crlf++;
    }
    assert_int_equal(crlf, 10);
    assert_null(strstr(csv, "\n\n"));
    line = strstr(csv, "skat-tax-calc,");
    assert_non_null(line);
    assert_memory_equal(line, "skat-tax-calc,\"HTTP \"\"p95\"\", EU\",99.5,100.000,",
                        strlen("skat-tax-calc,\"HTTP \"\"p95\"\", EU\",99.5,100.000,"));
    assert_non_null(strstr(csv, "2026-11,tenant,dmi,,,,99.5,98.750,540.0,0.0,0.0,43200.0,"
                                "216.0,-324.0,-150.0,,,breached\r\n"));
    assert_null(strstr(csv, "core-switch"));
    free(csv);
    sla_table_fini(&t);
}

static void test_json(void **state)
{
    (void)state;
    struct sla_table t;
    char *doc;
    json_t *root, *dmi, *app;
    json_error_t e;

    build(&t);
    doc = sla_table_json(&t);
    root = json_loads(doc, 0, &e);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "period"), "name")),
                        "2026-11");
    assert_true(json_is_true(json_object_get(json_object_get(root, "period"), "complete")));
    assert_int_equal(json_array_size(json_object_get(root, "tenants")), 2);
    dmi = json_array_get(json_object_get(root, "tenants"), 0);
    assert_string_equal(json_string_value(json_object_get(dmi, "status")), "breached");
    assert_int_equal(json_integer_value(json_object_get(dmi, "service_count")), 3);
    assert_true(json_is_null(json_object_get(dmi, "incidents")));
    assert_float_equal(json_number_value(json_object_get(dmi, "availability_pct")), 98.75, 1e-9);
    app = json_array_get(json_object_get(dmi, "apps"), 0);
    assert_string_equal(json_string_value(json_object_get(app, "app")), "forecast-api");
    assert_int_equal(json_array_size(json_object_get(app, "services")), 2);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(json_array_get(json_object_get(
                                json_array_get(json_object_get(root, "tenants"), 1), "apps"), 0),
                                "services"), 0), "service")),
                        "HTTP \"p95\", EU");
    json_decref(root);
    free(doc);
    sla_table_fini(&t);
}

static void test_markdown(void **state)
{
    (void)state;
    struct sla_table t;
    struct sla_period p;
    static const struct sla_input in[] = {
        {"dmi", "a|b", "dmi-a|b", "HTTP", 99.5, {.ok = 100}},
    };
    char *md;

    assert_int_equal(sla_period_parse("2026-11-01..2026-11-15", &p), 0);
    sla_table_build(&t, &p, NOV_2026 + 5 * DAY, true, in, 1);
    md = sla_table_markdown(&t);
    assert_non_null(strstr(md, "# Service levels 2026-11-01..2026-11-15\n"));
    assert_non_null(strstr(md, "measured until 2026-11-06 (the period is still running)"));
    assert_non_null(strstr(md, "WARNING counts as down"));
    assert_non_null(strstr(md, "| a\\|b |"));
    free(md);
    sla_table_fini(&t);
}

/* Incidents and MTTR (docs/sla.md, Incidents), by hand: November 2026 in Copenhagen, fully
 * measured (period start NOV_2026, end NOV_2026 + 30 days, exclusive). */
static void test_incidents(void **state)
{
    (void)state;
    struct sla_table t;
    char buf[32], *csv, *doc;
    json_t *root, *dmi;
    static const struct sla_incident in[] = {
        /* dmi's company, its forecast-api CI: 90 minutes to resolve */
        {"dmi", "dmi-forecast-api", NOV_2026 + DAY, NOV_2026 + DAY + 5400, false},
        /* no company mapped, the CI names dmi's obs-api: 30 minutes */
        {NULL, "dmi-obs-api", NOV_2026 + 2 * DAY, NOV_2026 + 2 * DAY + 1800, false},
        /* dmi, no CI, still open: counted, not in the MTTR */
        {"dmi", NULL, NOV_2026 + 3 * DAY, 0, false},
        /* opened at the very start, resolved a second later */
        {"dmi", "", NOV_2026, NOV_2026 + 1, false},
        /* outside: a second before the start, at the (exclusive) end; canceled */
        {"dmi", "dmi-forecast-api", NOV_2026 - 1, NOV_2026 + 600, false},
        {"dmi", "dmi-forecast-api", NOV_2026 + 30 * DAY, NOV_2026 + 30 * DAY + 60, false},
        {"dmi", "dmi-forecast-api", NOV_2026 + 4 * DAY, NOV_2026 + 4 * DAY + 60, true},
        /* skat's company with a CI of dmi's: skat's tenant row, no app */
        {"skat", "dmi-forecast-api", NOV_2026 + 5 * DAY, NOV_2026 + 5 * DAY + 61, false},
        /* a company of no tenant and no CI: nowhere */
        {NULL, NULL, NOV_2026 + 6 * DAY, NOV_2026 + 6 * DAY + 60, false},
        /* a company of a tenant without services in the table: nowhere */
        {"sst", "sst-case-api", NOV_2026 + 6 * DAY, NOV_2026 + 6 * DAY + 60, false},
    };

    build(&t);
    sla_table_incidents(&t, in, sizeof in / sizeof in[0]);
    /* dmi: 4 incidents; resolved 5400, 1800 and 1 s: mean 7201 / 3 = 2400.33 -> 2400 s */
    assert_int_equal(t.rows[0].incidents, 4);
    assert_int_equal(t.rows[0].mttr, 2400);
    sla_fmt_mttr(&t.rows[0], buf, sizeof buf);
    assert_string_equal(buf, "40.0");
    assert_int_equal(t.rows[1].incidents, 1); /* forecast-api */
    assert_int_equal(t.rows[1].mttr, 5400);
    assert_int_equal(t.rows[2].incidents, -1); /* a service row: blank */
    sla_fmt_incidents(&t.rows[2], buf, sizeof buf);
    assert_string_equal(buf, "");
    assert_int_equal(t.rows[4].incidents, 1); /* obs-api */
    assert_int_equal(t.rows[4].mttr, 1800);
    assert_int_equal(t.rows[6].incidents, 1); /* skat */
    assert_int_equal(t.rows[6].mttr, 61);
    assert_int_equal(t.rows[7].incidents, 0); /* tax-calc: none, so no MTTR */
    assert_int_equal(t.rows[7].mttr, -1);
    sla_fmt_mttr(&t.rows[7], buf, sizeof buf);
    assert_string_equal(buf, "");

    csv = sla_table_csv(&t);
    assert_non_null(strstr(csv, ",-150.0,4,40.0,breached\r\n"));
    assert_non_null(strstr(csv, "2026-11,app,skat,tax-calc,,,99.5,100.000,0.0,0.0,0.0,43200.0,"
                                "216.0,216.0,100.0,0,,met\r\n"));
    free(csv);
    doc = sla_table_json(&t);
    root = json_loads(doc, 0, NULL);
    assert_non_null(root);
    dmi = json_array_get(json_object_get(root, "tenants"), 0);
    assert_int_equal(json_integer_value(json_object_get(dmi, "incidents")), 4);
    assert_int_equal(json_integer_value(json_object_get(dmi, "mttr_s")), 2400);
    json_decref(root);
    free(doc);
    sla_table_fini(&t);
}

/* An incident's company as a tenant, by the configuration alone (docs/sla.md, Incidents). */
static void test_company_tenant(void **state)
{
    (void)state;
    char dmi[] = "dmi", dmi_display[] = "Danmarks Meteorologiske Institut", skat[] = "skat",
         skat_display[] = "Skattestyrelsen", skat_company[] = "SKAT A/S", sst[] = "sst";
    struct config_tenant tenants[] = {
        {.name = dmi, .display = dmi_display},
        {.name = skat, .display = skat_display, .servicenow_company = skat_company},
        {.name = sst},
    };
    struct gc_config cfg = {.tenants = tenants, .ntenants = 3};
    struct tenant_pattern *tp;
    char *err = NULL;

    assert_string_equal(sla_incidents_company_tenant(&cfg, NULL, "Danmarks Meteorologiske Institut"),
                        "dmi");
    assert_string_equal(sla_incidents_company_tenant(&cfg, NULL, "SKAT A/S"), "skat");
    assert_string_equal(sla_incidents_company_tenant(&cfg, NULL, "Skattestyrelsen"), "skat");
    assert_string_equal(sla_incidents_company_tenant(&cfg, NULL, "sst"), "sst");
    assert_null(sla_incidents_company_tenant(&cfg, NULL, "Energistyrelsen"));
    assert_null(sla_incidents_company_tenant(&cfg, NULL, ""));
    assert_null(sla_incidents_company_tenant(&cfg, NULL, NULL));
    /* a pattern decides alone */
    tp = tenant_pattern_new("^Customer ([a-z]+)$", &err);
    assert_non_null(tp);
    assert_string_equal(sla_incidents_company_tenant(&cfg, tp, "Customer ens"), "ens");
    assert_null(sla_incidents_company_tenant(&cfg, tp, "SKAT A/S"));
    tenant_pattern_free(tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree),  cmocka_unit_test(test_keep),
        cmocka_unit_test(test_csv),   cmocka_unit_test(test_json),
        cmocka_unit_test(test_markdown), cmocka_unit_test(test_incidents),
        cmocka_unit_test(test_company_tenant),
    };

    return cmocka_run_group_tests(tests, set_tz, NULL);
}
