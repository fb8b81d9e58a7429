/* Service-level arithmetic (docs/sla.md): periods of local calendar time, the time a service
 * spent in each state inside and outside scheduled downtime, and the figures a period gives
 * (availability, error budget, met / at risk / breached). Pure arithmetic: no I/O, no
 * allocation that outlives a call; times are epoch seconds; periods follow the process's
 * local time zone (TZ). */
#ifndef GC_CORE_SLA_SLA_H
#define GC_CORE_SLA_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A state as the SLA counts it. Hosts map UP to OK, DOWN to CRITICAL, UNREACHABLE to
 * UNKNOWN. */
enum sla_state {
    SLA_STATE_NODATA,
    SLA_STATE_OK,
    SLA_STATE_WARNING,
    SLA_STATE_CRITICAL,
    SLA_STATE_UNKNOWN,
};

/* From `t` on, the object is in `state` (until the next change). */
struct sla_change {
    int64_t t;
    enum sla_state state;
};

/* A scheduled downtime [start, end). Spans may overlap each other. */
struct sla_span {
    int64_t start;
    int64_t end;
};

/* Seconds in each state over a measured span. The fields are disjoint and add up to the
 * span: ok..unknown outside scheduled downtime, sched_* inside it, nodata where nothing is
 * known (inside downtime or not). This is the shape of archivejson's availability answer. */
struct sla_times {
    int64_t ok;
    int64_t warning;
    int64_t critical;
    int64_t unknown;
    int64_t sched_ok;
    int64_t sched_warning;
    int64_t sched_critical;
    int64_t sched_unknown;
    int64_t nodata;
};

/* Accumulates [start, end) from state changes sorted by time (the state before the first
 * change is NODATA) and downtime spans (any order, may overlap) into *out (zeroed first). */
void sla_times_from_changes(const struct sla_change *changes, size_t n,
                            const struct sla_span *downtimes, size_t m, int64_t start,
                            int64_t end, struct sla_times *out);

/* The sum of all fields. */
int64_t sla_times_total(const struct sla_times *t);

enum sla_status {
    SLA_STATUS_NODATA, /* no eligible time measured */
    SLA_STATUS_MET,
    SLA_STATUS_AT_RISK, /* the period is running and more than 75% of the budget is spent */
    SLA_STATUS_BREACHED,
};

/* "no data", "met", "at risk", "breached". */
const char *sla_status_name(enum sla_status s);

struct sla_figures {
    int64_t period;    /* the period's length */
    int64_t remaining; /* the part of the period not yet measured (it has not happened) */
    int64_t eligible;  /* measured time minus scheduled downtime minus no data */
    int64_t up;        /* eligible time available (OK, and WARNING unless warning_is_down) */
    int64_t down;      /* eligible time unavailable: the unplanned downtime */
    int64_t scheduled; /* measured time in scheduled downtime (excluded from eligible) */
    int64_t nodata;
    double target;       /* percent */
    double availability; /* percent of eligible time up; 0 when eligible is 0 */
    double budget;       /* seconds: (1 - target) x (eligible + remaining) */
    double budget_left;  /* budget - down; negative when overspent */
    double budget_left_pct; /* 100 x budget_left / budget; 100 or -100 when the budget is 0 */
    enum sla_status status;
};

/* The figures of `t` measured over a period of `period` seconds of which `remaining` have not
 * happened yet (0 for a finished period), against `target` percent. */
void sla_figures_compute(const struct sla_times *t, int64_t period, int64_t remaining,
                         double target, bool warning_is_down, struct sla_figures *out);

/* True when a is worse than b: a worse status (breached, at risk, met, no data), then the
 * lower availability, then the smaller budget left in percent. An app takes the figures of
 * its worst service, a tenant those of its worst app. */
bool sla_worse(const struct sla_figures *a, const struct sla_figures *b);

/* ---- periods ------------------------------------------------------------------------- */

enum sla_unit {
    SLA_UNIT_MONTH,
    SLA_UNIT_WEEK, /* Monday to Sunday */
    SLA_UNIT_DAY,
    SLA_UNIT_RANGE, /* days given by the user; steps by its own length in days */
};

/* [start, end): local midnights. */
struct sla_period {
    int64_t start;
    int64_t end;
    enum sla_unit unit;
};

/* The period of `unit` (not RANGE) that contains t. */
void sla_period_containing(enum sla_unit unit, int64_t t, struct sla_period *out);

/* Days from..to, both included: local midnight of from to local midnight after to. Days are
 * (year, month 1-12, day). Returns -1 when to is before from or a day does not exist. The
 * days of one whole calendar month are that month (unit MONTH), other days a RANGE. */
int sla_period_days(int y1, int m1, int d1, int y2, int m2, int d2, struct sla_period *out);

/* Parses "YYYY-MM-DD" into its parts. Returns -1 unless it is a real day. */
int sla_day_parse(const char *text, int *y, int *m, int *d);

/* Parses "YYYY-MM" (a month), "YYYY-MM-DD" (a day) or "YYYY-MM-DD..YYYY-MM-DD" (days, both
 * included). Returns -1 on anything else. */
int sla_period_parse(const char *text, struct sla_period *out);

/* The period before (step -1) or after (step 1) p, of the same unit. */
void sla_period_step(const struct sla_period *p, int step, struct sla_period *out);

/* "2026-11", "2026-11-05" or "2026-11-01..2026-11-15" into buf. */
void sla_period_format(const struct sla_period *p, char *buf, size_t size);

/* "YYYY-MM-DD" of the local day containing t. */
void sla_day_format(int64_t t, char *buf, size_t size);

#endif
