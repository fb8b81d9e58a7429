/* The SLA arithmetic (core/sla/sla.c) on hand-computed cases, in Europe/Copenhagen as the
 * GovCloud hosts run: no data at all, an outage crossing the period's start and end, flapping,
 * downtime overlapping an outage, a service created mid-period, a running period at risk and
 * breached, worst-of aggregation, a leap day (February 2028) and both DST changes of 2026.
 * Expected figures are worked out in the comments, not by the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sla/sla.h"

/* Local midnights in Europe/Copenhagen (checked with `TZ=Europe/Copenhagen date -d ... +%s`). */
#define NOV_2026 1793487600 /* 2026-11-01 00:00 CET */
#define DEC_2026 1796079600
#define MAR_2026 1772319600 /* 2026-03-01 00:00 CET; summer time from 29 March */
#define APR_2026 1774994400 /* 2026-04-01 00:00 CEST */
#define OCT_2026 1790805600 /* 2026-10-01 00:00 CEST; winter time from 25 October */
#define FEB_2028 1832972400
#define MAR_2028 1835478000
#define DAY 86400

static int set_tz(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Copenhagen", 1);
    tzset();
    return 0;
}

static void test_no_data(void **state)
{
    (void)state;
    struct sla_times t;
    struct sla_figures f;

    sla_times_from_changes(NULL, 0, NULL, 0, NOV_2026, DEC_2026, &t);
    assert_int_equal(t.nodata, 30 * DAY);
    assert_int_equal(sla_times_total(&t), 30 * DAY);
    sla_figures_compute(&t, 30 * DAY, 0, 99.5, false, &f);
    assert_int_equal(f.eligible, 0);
    assert_int_equal(f.status, SLA_STATUS_NODATA);
    assert_string_equal(sla_status_name(f.status), "no data");
}

/* CRITICAL from an hour before the period to 2 h into it, and again for its last 30 min
 * (into the next month): 9000 s down of 2,592,000; the budget at 99.5% is 12,960 s. */
static void test_outage_across_edges(void **state)
{
    (void)state;
    const struct sla_change ch[] = {
        {NOV_2026 - 3600, SLA_STATE_CRITICAL},
        {NOV_2026 + 7200, SLA_STATE_OK},
        {DEC_2026 - 1800, SLA_STATE_CRITICAL},
        {DEC_2026 + 600, SLA_STATE_OK},
    };
    struct sla_times t;
    struct sla_figures f;

    sla_times_from_changes(ch, 4, NULL, 0, NOV_2026, DEC_2026, &t);
    assert_int_equal(t.critical, 9000);
    assert_int_equal(t.ok, 30 * DAY - 9000);
    assert_int_equal(t.nodata, 0);
    sla_figures_compute(&t, 30 * DAY, 0, 99.5, false, &f);
    assert_int_equal(f.eligible, 2592000);
    assert_int_equal(f.down, 9000);
    assert_float_equal(f.availability, 100.0 * 2583000 / 2592000, 1e-9); /* 99.6528 */
    assert_float_equal(f.budget, 12960, 1e-6);
    assert_float_equal(f.budget_left, 3960, 1e-6);
    assert_float_equal(f.budget_left_pct, 100.0 * 3960 / 12960, 1e-9); /* 30.56 */
    assert_int_equal(f.status, SLA_STATUS_MET);

    /* 99.9%: the budget is 2592 s, 9000 s breaches it */
    sla_figures_compute(&t, 30 * DAY, 0, 99.9, false, &f);
    assert_int_equal(f.status, SLA_STATUS_BREACHED);
    assert_float_equal(f.budget_left, 2592 - 9000, 1e-6);
}

/* OK, WARNING, CRITICAL for 60 s each, 20 times from the start: 1200 s WARNING and 1200 s
 * CRITICAL. WARNING is available unless warning_is_down. */
static void test_flapping(void **state)
{
    (void)state;
    struct sla_change ch[61];
    struct sla_times t;
    struct sla_figures f;
    size_t n = 0;

    for (int i = 0; i < 20; i++) {
        ch[n++] = (struct sla_change){NOV_2026 + 180 * i, SLA_STATE_OK};
        ch[n++] = (struct sla_change){NOV_2026 + 180 * i + 60, SLA_STATE_WARNING};
        ch[n++] = (struct sla_change){NOV_2026 + 180 * i + 120, SLA_STATE_CRITICAL};
    }
    ch[n++] = (struct sla_change){NOV_2026 + 3600, SLA_STATE_OK};
    sla_times_from_changes(ch, n, NULL, 0, NOV_2026, DEC_2026, &t);
    assert_int_equal(t.warning, 1200);
    assert_int_equal(t.critical, 1200);
    assert_int_equal(t.ok, 30 * DAY - 2400);

    sla_figures_compute(&t, 30 * DAY, 0, 99.9, false, &f);
    assert_int_equal(f.up, 30 * DAY - 1200);
    assert_int_equal(f.down, 1200);
    assert_int_equal(f.status, SLA_STATUS_MET); /* budget 2592 s */

    sla_figures_compute(&t, 30 * DAY, 0, 99.9, true, &f);
    assert_int_equal(f.down, 2400);
    assert_float_equal(f.availability, 100.0 * (30 * DAY - 2400) / (30 * DAY), 1e-9);
    assert_int_equal(f.status, SLA_STATUS_MET); /* 2400 <= 2592 */
}

/* CRITICAL [+1000, +5000); downtimes [+3000, +8000) and [+4000, +6000) overlap each other
 * and the outage: 2000 s unplanned, 2000 s CRITICAL and 3000 s OK in downtime (5000 s
 * scheduled, counted once), all excluded from eligible. */
static void test_downtime_over_outage(void **state)
{
    (void)state;
    const struct sla_change ch[] = {
        {NOV_2026 - DAY, SLA_STATE_OK},
        {NOV_2026 + 1000, SLA_STATE_CRITICAL},
        {NOV_2026 + 5000, SLA_STATE_OK},
    };
    const struct sla_span dt[] = {
        {NOV_2026 + 4000, NOV_2026 + 6000},
        {NOV_2026 + 3000, NOV_2026 + 8000},
    };
    struct sla_times t;
    struct sla_figures f;

    sla_times_from_changes(ch, 3, dt, 2, NOV_2026, DEC_2026, &t);
    assert_int_equal(t.critical, 2000);
    assert_int_equal(t.sched_critical, 2000);
    assert_int_equal(t.sched_ok, 3000);
    assert_int_equal(t.ok, 30 * DAY - 7000);
    assert_int_equal(sla_times_total(&t), 30 * DAY);
    sla_figures_compute(&t, 30 * DAY, 0, 99.5, false, &f);
    assert_int_equal(f.scheduled, 5000);
    assert_int_equal(f.eligible, 30 * DAY - 5000);
    assert_int_equal(f.down, 2000);
    assert_float_equal(f.budget, 0.005 * (30 * DAY - 5000), 1e-6);

    /* a downtime wholly before the period counts for nothing */
    const struct sla_span before[] = {{NOV_2026 - 5000, NOV_2026}};

    sla_times_from_changes(ch, 3, before, 1, NOV_2026, DEC_2026, &t);
    assert_int_equal(t.sched_ok + t.sched_critical, 0);
    assert_int_equal(t.critical, 4000);
}

/* Created on 11 November: the first ten days are no data, not downtime. 1728 s CRITICAL
 * of the remaining 1,728,000 s is exactly 99.9%. */
static void test_created_mid_period(void **state)
{
    (void)state;
    const struct sla_change ch[] = {
        {NOV_2026 + 10 * DAY, SLA_STATE_OK},
        {NOV_2026 + 12 * DAY, SLA_STATE_CRITICAL},
        {NOV_2026 + 12 * DAY + 1728, SLA_STATE_OK},
    };
    struct sla_times t;
    struct sla_figures f;

    sla_times_from_changes(ch, 3, NULL, 0, NOV_2026, DEC_2026, &t);
    assert_int_equal(t.nodata, 10 * DAY);
    sla_figures_compute(&t, 30 * DAY, 0, 99.9, false, &f);
    assert_int_equal(f.eligible, 20 * DAY);
    assert_float_equal(f.availability, 99.9, 1e-9);
    assert_float_equal(f.budget, 1728, 1e-6);
    assert_float_equal(f.budget_left, 0, 1e-6);
    assert_int_equal(f.status, SLA_STATUS_MET); /* exactly the budget is not a breach */
}

/* Half of November measured, half to come: the budget covers the whole month (12,960 s at
 * 99.5%); 10,000 s spent is 77% of it (at risk), 13,000 s is past it (breached). */
static void test_running_period(void **state)
{
    (void)state;
    struct sla_times t = {.ok = 15 * DAY - 10000, .critical = 10000};
    struct sla_figures f;

    sla_figures_compute(&t, 30 * DAY, 15 * DAY, 99.5, false, &f);
    assert_float_equal(f.budget, 12960, 1e-6);
    assert_int_equal(f.status, SLA_STATUS_AT_RISK);
    assert_string_equal(sla_status_name(f.status), "at risk");
    /* the same 10,000 s in a finished half-month period: its budget is 6480 s */
    sla_figures_compute(&t, 15 * DAY, 0, 99.5, false, &f);
    assert_int_equal(f.status, SLA_STATUS_BREACHED);
    t.critical = 9000;
    t.ok = 30 * DAY - 9000;
    sla_figures_compute(&t, 30 * DAY, 0, 99.5, false, &f);
    assert_int_equal(f.status, SLA_STATUS_MET); /* 69% spent, finished */
    t.critical = 13000;
    t.ok = 15 * DAY - 13000;
    sla_figures_compute(&t, 30 * DAY, 15 * DAY, 99.5, false, &f);
    assert_int_equal(f.status, SLA_STATUS_BREACHED);
    /* 100% target: any unplanned second breaches */
    t.critical = 1;
    sla_figures_compute(&t, 30 * DAY, 0, 100.0, false, &f);
    assert_int_equal(f.status, SLA_STATUS_BREACHED);
    assert_float_equal(f.budget_left_pct, -100.0, 1e-9);
}

static void test_worst(void **state)
{
    (void)state;
    struct sla_times good = {.ok = 30 * DAY - 100, .critical = 100};
    struct sla_times bad = {.ok = 30 * DAY - 5000, .critical = 5000};
    struct sla_times none = {.nodata = 30 * DAY};
    struct sla_figures g, b, n;

    sla_figures_compute(&good, 30 * DAY, 0, 99.9, false, &g);
    sla_figures_compute(&bad, 30 * DAY, 0, 99.9, false, &b);
    sla_figures_compute(&none, 30 * DAY, 0, 99.9, false, &n);
    assert_true(sla_worse(&b, &g));
    assert_false(sla_worse(&g, &b));
    assert_true(sla_worse(&g, &n)); /* no data is never the worst of measured services */
    assert_false(sla_worse(&n, &g));
    assert_false(sla_worse(&g, &g));
}

/* February 2028 has 29 days; 2027-02-29 does not exist. */
static void test_leap_day(void **state)
{
    (void)state;
    struct sla_period p, q;
    char buf[32];

    assert_int_equal(sla_period_parse("2028-02", &p), 0);
    assert_int_equal(p.start, FEB_2028);
    assert_int_equal(p.end, MAR_2028);
    assert_int_equal(p.end - p.start, 29 * DAY);
    assert_int_equal(sla_period_parse("2028-02-29", &p), 0);
    assert_int_equal(p.end - p.start, DAY);
    assert_int_equal(p.end, MAR_2028);
    assert_int_equal(sla_period_parse("2027-02-29", &p), -1);
    assert_int_equal(sla_period_parse("2028-02-01..2028-02-29", &p), 0);
    assert_int_equal(p.unit, SLA_UNIT_MONTH); /* the whole month reads and steps as one */
    sla_period_format(&p, buf, sizeof buf);
    assert_string_equal(buf, "2028-02");
    assert_int_equal(sla_period_parse("2028-02-01..2028-02-28", &p), 0);
    assert_int_equal(p.unit, SLA_UNIT_RANGE);
    assert_int_equal(sla_period_parse("2028-02-28..2028-03-01", &p), 0);
    assert_int_equal(p.end - p.start, 3 * DAY);
    sla_period_format(&p, buf, sizeof buf);
    assert_string_equal(buf, "2028-02-28..2028-03-01");
    /* stepping keeps three calendar days */
    sla_period_step(&p, 1, &q);
    sla_period_format(&q, buf, sizeof buf);
    assert_string_equal(buf, "2028-03-02..2028-03-04");

    /* a month of OK with one CRITICAL hour on the leap day */
    const struct sla_change ch[] = {
        {FEB_2028, SLA_STATE_OK},
        {MAR_2028 - 3600, SLA_STATE_CRITICAL},
    };
    struct sla_times t;
    struct sla_figures f;

    sla_times_from_changes(ch, 2, NULL, 0, FEB_2028, MAR_2028, &t);
    assert_int_equal(t.ok, 29 * DAY - 3600);
    sla_figures_compute(&t, MAR_2028 - FEB_2028, 0, 99.5, false, &f);
    assert_float_equal(f.availability, 100.0 * (29 * DAY - 3600) / (29 * DAY), 1e-9);
    assert_float_equal(f.budget, 0.005 * 29 * DAY, 1e-6); /* 12,528 s */
}

/* Copenhagen moves to summer time on 29 March 2026 (March has 743 h) and back on 25 October
 * (October has 745 h). */
static void test_dst(void **state)
{
    (void)state;
    struct sla_period p, q;
    char buf[32];

    assert_int_equal(sla_period_parse("2026-03", &p), 0);
    assert_int_equal(p.start, MAR_2026);
    assert_int_equal(p.end, APR_2026);
    assert_int_equal(p.end - p.start, 31 * DAY - 3600);
    assert_int_equal(sla_period_parse("2026-10", &p), 0);
    assert_int_equal(p.start, OCT_2026);
    assert_int_equal(p.end, NOV_2026);
    assert_int_equal(p.end - p.start, 31 * DAY + 3600);
    assert_int_equal(sla_period_parse("2026-03-29", &p), 0);
    assert_int_equal(p.end - p.start, 23 * 3600);
    assert_int_equal(sla_period_parse("2026-10-25", &p), 0);
    assert_int_equal(p.end - p.start, 25 * 3600);
    /* a day after the change still starts at midnight, and steps land on midnights */
    sla_period_step(&p, 1, &q);
    sla_period_format(&q, buf, sizeof buf);
    assert_string_equal(buf, "2026-10-26");
    assert_int_equal(q.end - q.start, DAY);
    sla_period_containing(SLA_UNIT_MONTH, NOV_2026 - 1, &q);
    assert_int_equal(q.start, OCT_2026);
    sla_period_step(&q, 1, &p);
    assert_int_equal(p.start, NOV_2026);
    assert_int_equal(p.end, DEC_2026);
    sla_period_format(&p, buf, sizeof buf);
    assert_string_equal(buf, "2026-11");
    sla_period_step(&p, -8, &q);
    assert_int_equal(q.start, MAR_2026);

    /* October's budget at 99.5% is 0.5% of 745 h; all of it OK but the extra hour CRITICAL */
    const struct sla_change ch[] = {
        {OCT_2026, SLA_STATE_OK},
        {1792886400, SLA_STATE_CRITICAL}, /* 2026-10-25 02:00 CEST = 00:00 UTC */
        {1792890000, SLA_STATE_OK},       /* 02:00 CET = 01:00 UTC, an hour later */
    };
    struct sla_times t;
    struct sla_figures f;

    sla_times_from_changes(ch, 3, NULL, 0, OCT_2026, NOV_2026, &t);
    assert_int_equal(t.critical, 3600);
    assert_int_equal(t.ok, 745 * 3600 - 3600);
    sla_figures_compute(&t, NOV_2026 - OCT_2026, 0, 99.5, false, &f);
    assert_float_equal(f.budget, 0.005 * 745 * 3600, 1e-6); /* 13,410 s */
    assert_float_equal(f.availability, 100.0 * 744 / 745, 1e-9);
}

static void test_period_parse(void **state)
{
    (void)state;
    struct sla_period p, q;
    char buf[32];

    assert_int_equal(sla_period_parse("2026-11-01..2026-11-15", &p), 0);
    assert_int_equal(p.start, NOV_2026);
    assert_int_equal(p.end, NOV_2026 + 15 * DAY);
    assert_int_equal(p.unit, SLA_UNIT_RANGE);
    assert_int_equal(sla_period_parse("2026-11-15..2026-11-01", &p), -1);
    assert_int_equal(sla_period_parse("2026-13", &p), -1);
    assert_int_equal(sla_period_parse("2026-11-31", &p), -1);
    assert_int_equal(sla_period_parse("2026-1", &p), -1);
    assert_int_equal(sla_period_parse("november", &p), -1);
    assert_int_equal(sla_period_parse("2026-11-01..", &p), -1);
    /* weeks run Monday to Sunday: Wednesday 2026-11-04 is in 2026-11-02..2026-11-08 */
    sla_period_containing(SLA_UNIT_WEEK, NOV_2026 + 3 * DAY + 5000, &q);
    sla_period_format(&q, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-02..2026-11-08");
    assert_int_equal(q.end - q.start, 7 * DAY);
    sla_period_step(&q, -1, &p);
    sla_period_format(&p, buf, sizeof buf);
    assert_string_equal(buf, "2026-10-26..2026-11-01");
    /* December to January crosses the year */
    assert_int_equal(sla_period_parse("2026-12", &p), 0);
    sla_period_step(&p, 1, &q);
    sla_period_format(&q, buf, sizeof buf);
    assert_string_equal(buf, "2027-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_data),
        cmocka_unit_test(test_outage_across_edges),
        cmocka_unit_test(test_flapping),
        cmocka_unit_test(test_downtime_over_outage),
        cmocka_unit_test(test_created_mid_period),
        cmocka_unit_test(test_running_period),
        cmocka_unit_test(test_worst),
        cmocka_unit_test(test_leap_day),
        cmocka_unit_test(test_dst),
        cmocka_unit_test(test_period_parse),
    };

    return cmocka_run_group_tests(tests, set_tz, NULL);
}
