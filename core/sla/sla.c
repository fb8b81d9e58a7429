/* Service-level arithmetic; the rules are written down in docs/sla.md. */
#include "core/sla/sla.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"

static int span_cmp(const void *a, const void *b)
{
    const struct sla_span *x = a, *y = b;

    return (x->start > y->start) - (x->start < y->start);
}

/* Sorts and merges the spans (clipped to [start, end)) in place; returns how many remain. */
static size_t spans_merge(struct sla_span *s, size_t m, int64_t start, int64_t end)
{
    size_t k = 0;

    if (m == 0) {
        return 0;
    }
    qsort(s, m, sizeof *s, span_cmp);
    for (size_t i = 0; i < m; i++) {
        int64_t a = s[i].start > start ? s[i].start : start;
        int64_t b = s[i].end < end ? s[i].end : end;

        if (b <= a) {
            continue;
        }
        if (k > 0 && a <= s[k - 1].end) {
            if (b > s[k - 1].end) {
                s[k - 1].end = b;
            }
        } else {
            s[k].start = a;
            s[k].end = b;
            k++;
        }
    }
    return k;
}

/* Adds `len` seconds of `state` to *out, inside downtime or not. */
static void times_add(struct sla_times *out, enum sla_state state, bool scheduled, int64_t len)
{
    switch (state) {
    case SLA_STATE_OK:
        *(scheduled ? &out->sched_ok : &out->ok) += len;
        break;
    case SLA_STATE_WARNING:
        *(scheduled ? &out->sched_warning : &out->warning) += len;
        break;
    case SLA_STATE_CRITICAL:
        *(scheduled ? &out->sched_critical : &out->critical) += len;
        break;
    case SLA_STATE_UNKNOWN:
        *(scheduled ? &out->sched_unknown : &out->unknown) += len;
        break;
    case SLA_STATE_NODATA:
    default:
        out->nodata += len;
        break;
    }
}

void sla_times_from_changes(const struct sla_change *changes, size_t n,
                            const struct sla_span *downtimes, size_t m, int64_t start,
                            int64_t end, struct sla_times *out)
{
    memset(out, 0, sizeof *out);
    if (end <= start) {
        return;
    }
    struct sla_span *dt = m ? xmalloc(m * sizeof *dt) : NULL;

    if (m) {
        memcpy(dt, downtimes, m * sizeof *dt);
    }
    size_t nd = spans_merge(dt, m, start, end);
    size_t j = 0; /* the first merged span that may still overlap */

    for (size_t i = 0; i <= n; i++) {
        int64_t a = i == 0 ? start : changes[i - 1].t;
        int64_t b = i == n ? end : changes[i].t;
        enum sla_state state = i == 0 ? SLA_STATE_NODATA : changes[i - 1].state;

        if (a < start) {
            a = start;
        }
        if (b > end) {
            b = end;
        }
        if (b <= a) {
            continue;
        }
        while (j < nd && dt[j].end <= a) {
            j++;
        }
        int64_t in = 0;

        for (size_t k = j; k < nd && dt[k].start < b; k++) {
            int64_t lo = dt[k].start > a ? dt[k].start : a;
            int64_t hi = dt[k].end < b ? dt[k].end : b;

            in += hi - lo;
        }
        times_add(out, state, true, in);
        times_add(out, state, false, b - a - in);
    }
    free(dt);
}

int64_t sla_times_total(const struct sla_times *t)
{
    return t->ok + t->warning + t->critical + t->unknown + t->sched_ok + t->sched_warning +
           t->sched_critical + t->sched_unknown + t->nodata;
}

const char *sla_status_name(enum sla_status s)
{
    switch (s) {
    case SLA_STATUS_MET:
        return "met";
    case SLA_STATUS_AT_RISK:
        return "at risk";
    case SLA_STATUS_BREACHED:
        return "breached";
    case SLA_STATUS_NODATA:
    default:
        return "no data";
    }
}

void sla_figures_compute(const struct sla_times *t, int64_t period, int64_t remaining,
                         double target, bool warning_is_down, struct sla_figures *out)
{
    memset(out, 0, sizeof *out);
    out->period = period;
    out->remaining = remaining > 0 ? remaining : 0;
    out->target = target;
    out->scheduled = t->sched_ok + t->sched_warning + t->sched_critical + t->sched_unknown;
    out->nodata = t->nodata;
    out->up = t->ok + (warning_is_down ? 0 : t->warning);
    out->down = t->critical + t->unknown + (warning_is_down ? t->warning : 0);
    out->eligible = out->up + out->down;
    /* rounded to the millisecond, so that 99.9% of 1,728,000 s leaves exactly 1728 s */
    out->budget = round((100.0 - target) * (double)(out->eligible + out->remaining) * 10.0) /
                  1000.0;
    if (out->budget < 0) {
        out->budget = 0;
    }
    out->budget_left = out->budget - (double)out->down;
    if (out->budget > 0) {
        out->budget_left_pct = 100.0 * out->budget_left / out->budget;
    } else {
        out->budget_left_pct = out->down > 0 ? -100.0 : 100.0;
    }
    if (out->eligible == 0) {
        out->status = SLA_STATUS_NODATA;
        return;
    }
    out->availability = 100.0 * (double)out->up / (double)out->eligible;
    if ((double)out->down > out->budget) {
        out->status = SLA_STATUS_BREACHED;
    } else if (out->remaining > 0 && (double)out->down > 0.75 * out->budget) {
        out->status = SLA_STATUS_AT_RISK;
    } else {
        out->status = SLA_STATUS_MET;
    }
}

static int status_rank(enum sla_status s)
{
    switch (s) {
    case SLA_STATUS_BREACHED:
        return 3;
    case SLA_STATUS_AT_RISK:
        return 2;
    case SLA_STATUS_MET:
        return 1;
    case SLA_STATUS_NODATA:
    default:
        return 0;
    }
}

bool sla_worse(const struct sla_figures *a, const struct sla_figures *b)
{
    int ra = status_rank(a->status), rb = status_rank(b->status);

    if (ra != rb) {
        return ra > rb;
    }
    if (a->availability != b->availability) {
        return a->availability < b->availability;
    }
    return a->budget_left_pct < b->budget_left_pct;
}

/* ---- periods ------------------------------------------------------------------------- */

/* Local midnight of (y, m 1-12, d); mktime normalises days and months out of range. */
static int64_t local_midnight(int y, int m, int d)
{
    struct tm tm = {0};

    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

static void local_day(int64_t t, int *y, int *m, int *d, int *wday)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    *y = tm.tm_year + 1900;
    *m = tm.tm_mon + 1;
    *d = tm.tm_mday;
    if (wday) {
        *wday = tm.tm_wday;
    }
}

void sla_period_containing(enum sla_unit unit, int64_t t, struct sla_period *out)
{
    int y, m, d, wday;

    local_day(t, &y, &m, &d, &wday);
    out->unit = unit;
    switch (unit) {
    case SLA_UNIT_WEEK: {
        int back = (wday + 6) % 7; /* days since Monday */

        out->start = local_midnight(y, m, d - back);
        out->end = local_midnight(y, m, d - back + 7);
        break;
    }
    case SLA_UNIT_DAY:
    case SLA_UNIT_RANGE:
        out->unit = SLA_UNIT_DAY;
        out->start = local_midnight(y, m, d);
        out->end = local_midnight(y, m, d + 1);
        break;
    case SLA_UNIT_MONTH:
    default:
        out->start = local_midnight(y, m, 1);
        out->end = local_midnight(y, m + 1, 1);
        break;
    }
}

static bool day_exists(int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1) {
        return false;
    }
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

int sla_day_parse(const char *text, int *y, int *m, int *d)
{
    int n = 0;

    if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%n", y, m, d, &n) != 3 || n != 10 ||
        text[4] != '-' || text[7] != '-') {
        return -1;
    }
    return day_exists(*y, *m, *d) ? 0 : -1;
}

int sla_period_days(int y1, int m1, int d1, int y2, int m2, int d2, struct sla_period *out)
{
    if (!day_exists(y1, m1, d1) || !day_exists(y2, m2, d2)) {
        return -1;
    }
    out->start = local_midnight(y1, m1, d1);
    out->end = local_midnight(y2, m2, d2 + 1);
    /* a whole calendar month is that month (it steps and reads as one) */
    out->unit = d1 == 1 && y2 == y1 && m2 == m1 && !day_exists(y2, m2, d2 + 1) ? SLA_UNIT_MONTH
                                                                               : SLA_UNIT_RANGE;
    return out->end > out->start ? 0 : -1;
}

int sla_period_parse(const char *text, struct sla_period *out)
{
    int y, m, d, y2, m2, d2, n = 0;
    char a[11], b[11];

    if (strlen(text) == 7 && sscanf(text, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7 &&
        text[4] == '-' && day_exists(y, m, 1)) {
        sla_period_containing(SLA_UNIT_MONTH, local_midnight(y, m, 1), out);
        return 0;
    }
    if (sla_day_parse(text, &y, &m, &d) == 0) {
        sla_period_containing(SLA_UNIT_DAY, local_midnight(y, m, d), out);
        return 0;
    }
    if (strlen(text) == 22 && strncmp(text + 10, "..", 2) == 0) {
        memcpy(a, text, 10);
        a[10] = '\0';
        memcpy(b, text + 12, 10);
        b[10] = '\0';
        if (sla_day_parse(a, &y, &m, &d) == 0 && sla_day_parse(b, &y2, &m2, &d2) == 0) {
            return sla_period_days(y, m, d, y2, m2, d2, out);
        }
    }
    return -1;
}

void sla_period_step(const struct sla_period *p, int step, struct sla_period *out)
{
    int y, m, d, y2, m2, d2;

    local_day(p->start, &y, &m, &d, NULL);
    switch (p->unit) {
    case SLA_UNIT_MONTH:
        sla_period_containing(SLA_UNIT_MONTH, local_midnight(y, m + step, 1), out);
        break;
    case SLA_UNIT_WEEK:
        sla_period_containing(SLA_UNIT_WEEK, local_midnight(y, m, d + 7 * step), out);
        break;
    case SLA_UNIT_DAY:
        sla_period_containing(SLA_UNIT_DAY, local_midnight(y, m, d + step), out);
        break;
    case SLA_UNIT_RANGE:
    default: {
        /* The number of days, counted on the calendar (a DST day is still one day). */
        int days = 0;

        for (int64_t t = p->start; t < p->end; days++) {
            local_day(t, &y2, &m2, &d2, NULL);
            t = local_midnight(y2, m2, d2 + 1);
        }
        out->unit = SLA_UNIT_RANGE;
        out->start = local_midnight(y, m, d + step * days);
        out->end = local_midnight(y, m, d + step * days + days);
        break;
    }
    }
}

void sla_day_format(int64_t t, char *buf, size_t size)
{
    int y, m, d;

    local_day(t, &y, &m, &d, NULL);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

void sla_period_format(const struct sla_period *p, char *buf, size_t size)
{
    char a[16], b[16];
    int y, m, d;

    if (p->unit == SLA_UNIT_MONTH) {
        local_day(p->start, &y, &m, &d, NULL);
        snprintf(buf, size, "%04d-%02d", y, m);
        return;
    }
    sla_day_format(p->start, a, sizeof a);
    sla_day_format(p->end - 1, b, sizeof b);
    if (p->unit == SLA_UNIT_DAY) {
        snprintf(buf, size, "%s", a);
    } else {
        snprintf(buf, size, "%s..%s", a, b);
    }
}
