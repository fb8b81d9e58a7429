/* Service levels as rows and documents; docs/sla.md. */
#include "core/sla/sla_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/xalloc.h"

const char *sla_level_name(enum sla_level l)
{
    switch (l) {
    case SLA_LEVEL_TENANT:
        return "tenant";
    case SLA_LEVEL_APP:
        return "app";
    case SLA_LEVEL_SERVICE:
    default:
        return "service";
    }
}

static int str_cmp(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

static int input_cmp(const void *x, const void *y)
{
    const struct sla_input *a = *(const struct sla_input *const *)x;
    const struct sla_input *b = *(const struct sla_input *const *)y;
    int c = str_cmp(a->tenant, b->tenant);

    if (c == 0) {
        c = str_cmp(a->app, b->app);
    }
    if (c == 0) {
        c = str_cmp(a->host, b->host);
    }
    return c != 0 ? c : str_cmp(a->service, b->service);
}

static struct sla_row *row_add(struct sla_table *t, enum sla_level level,
                               const struct sla_input *in)
{
    struct sla_row *r = &t->rows[t->n++];

    memset(r, 0, sizeof *r);
    r->level = level;
    r->incidents = -1;
    r->mttr = -1;
    r->tenant = xstrdup(in->tenant);
    r->app = level != SLA_LEVEL_TENANT ? xstrdup(in->app != NULL ? in->app : "") : NULL;
    if (level == SLA_LEVEL_SERVICE) {
        r->host = xstrdup(in->host != NULL ? in->host : "");
        r->service = xstrdup(in->service != NULL ? in->service : "");
    }
    return r;
}

/* Folds figures f of one member into an aggregate row. */
static void row_take_worst(struct sla_row *agg, const struct sla_figures *f, size_t services)
{
    if (agg->services == 0 || sla_worse(f, &agg->f)) {
        agg->f = *f;
    }
    agg->services += services;
}

void sla_table_build(struct sla_table *t, const struct sla_period *p, int64_t now,
                     bool warning_is_down, const struct sla_input *in, size_t n)
{
    const struct sla_input **sorted = xcalloc(n + 1, sizeof *sorted);
    size_t m = 0;

    memset(t, 0, sizeof *t);
    t->period = *p;
    t->warning_is_down = warning_is_down;
    t->measured_end = now < p->start ? p->start : now > p->end ? p->end : now;
    for (size_t i = 0; i < n; i++) {
        if (in[i].tenant != NULL && in[i].tenant[0] != '\0') {
            sorted[m++] = &in[i];
        }
    }
    qsort(sorted, m, sizeof *sorted, input_cmp);
    t->rows = xcalloc(3 * m + 1, sizeof *t->rows);
    size_t tenant_row = 0, app_row = 0;

    for (size_t i = 0; i < m; i++) {
        const struct sla_input *s = sorted[i];
        bool new_tenant = i == 0 || str_cmp(s->tenant, sorted[i - 1]->tenant) != 0;
        bool new_app = new_tenant || str_cmp(s->app, sorted[i - 1]->app) != 0;
        struct sla_row *r;

        if (new_tenant) {
            tenant_row = t->n;
            row_add(t, SLA_LEVEL_TENANT, s);
        }
        if (new_app) {
            app_row = t->n;
            row_add(t, SLA_LEVEL_APP, s);
        }
        r = row_add(t, SLA_LEVEL_SERVICE, s);
        r->services = 1;
        sla_figures_compute(&s->times, p->end - p->start, p->end - t->measured_end, s->target,
                            warning_is_down, &r->f);
        row_take_worst(&t->rows[app_row], &r->f, 1);
        row_take_worst(&t->rows[tenant_row], &r->f, 1);
    }
    free(sorted);
}

void sla_table_fini(struct sla_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->rows[i].tenant);
        free(t->rows[i].app);
        free(t->rows[i].host);
        free(t->rows[i].service);
    }
    free(t->rows);
    free(t->incidents_note);
    memset(t, 0, sizeof *t);
}

/* The tenant row of `tenant`, or of the tenant `ci` names as TENANT-APP (the longest such);
 * SIZE_MAX when none. */
static size_t incident_tenant_row(const struct sla_table *t, const char *tenant, const char *ci)
{
    size_t best = SIZE_MAX, best_len = 0;

    for (size_t i = 0; i < t->n; i++) {
        const struct sla_row *r = &t->rows[i];
        size_t len;

        if (r->level != SLA_LEVEL_TENANT) {
            continue;
        }
        if (tenant != NULL) {
            if (strcmp(r->tenant, tenant) == 0) {
                return i;
            }
            continue;
        }
        len = strlen(r->tenant);
        if (ci != NULL && len > best_len && strncmp(ci, r->tenant, len) == 0 && ci[len] == '-') {
            best = i;
            best_len = len;
        }
    }
    return best;
}

/* The app row under tenant row `tr` that `ci` names as TENANT-APP; SIZE_MAX when none. */
static size_t incident_app_row(const struct sla_table *t, size_t tr, const char *ci)
{
    size_t len = strlen(t->rows[tr].tenant);

    if (ci == NULL || strncmp(ci, t->rows[tr].tenant, len) != 0 || ci[len] != '-') {
        return SIZE_MAX;
    }
    for (size_t i = tr + 1; i < t->n && t->rows[i].level != SLA_LEVEL_TENANT; i++) {
        if (t->rows[i].level == SLA_LEVEL_APP && strcmp(t->rows[i].app, ci + len + 1) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

void sla_table_incidents(struct sla_table *t, const struct sla_incident *in, size_t n)
{
    int64_t *sum = xcalloc(t->n + 1, sizeof *sum);
    long *resolved = xcalloc(t->n + 1, sizeof *resolved);

    for (size_t i = 0; i < t->n; i++) {
        t->rows[i].incidents = t->rows[i].level == SLA_LEVEL_SERVICE ? -1 : 0;
        t->rows[i].mttr = -1;
    }
    for (size_t k = 0; k < n; k++) {
        const struct sla_incident *x = &in[k];
        size_t rows[2];

        if (x->canceled || x->opened < t->period.start || x->opened >= t->measured_end) {
            continue;
        }
        rows[0] = incident_tenant_row(t, x->tenant, x->ci);
        if (rows[0] == SIZE_MAX) {
            continue;
        }
        rows[1] = incident_app_row(t, rows[0], x->ci);
        for (size_t j = 0; j < 2 && rows[j] != SIZE_MAX; j++) {
            t->rows[rows[j]].incidents++;
            if (x->resolved > 0 && x->resolved >= x->opened) {
                sum[rows[j]] += x->resolved - x->opened;
                resolved[rows[j]]++;
            }
        }
    }
    for (size_t i = 0; i < t->n; i++) {
        if (resolved[i] > 0) { /* the mean, rounded to the second */
            t->rows[i].mttr = (sum[i] + resolved[i] / 2) / resolved[i];
        }
    }
    free(sum);
    free(resolved);
}

void sla_table_keep(struct sla_table *t, bool (*visible)(const char *tenant, void *arg),
                    void *arg)
{
    size_t k = 0;

    for (size_t i = 0; i < t->n; i++) {
        struct sla_row *r = &t->rows[i];

        if (visible(r->tenant, arg)) {
            t->rows[k++] = *r;
        } else {
            free(r->tenant);
            free(r->app);
            free(r->host);
            free(r->service);
        }
    }
    t->n = k;
}

/* ---- numbers ------------------------------------------------------------------------ */

void sla_fmt_incidents(const struct sla_row *r, char *buf, size_t size)
{
    if (r->incidents < 0) {
        snprintf(buf, size, "%s", "");
    } else {
        snprintf(buf, size, "%ld", r->incidents);
    }
}

void sla_fmt_mttr(const struct sla_row *r, char *buf, size_t size)
{
    if (r->mttr < 0) {
        snprintf(buf, size, "%s", "");
    } else {
        sla_fmt_minutes((double)r->mttr, buf, size);
    }
}

void sla_fmt_availability(const struct sla_figures *f, char *buf, size_t size)
{
    if (f->status == SLA_STATUS_NODATA) {
        snprintf(buf, size, "%s", "");
    } else {
        snprintf(buf, size, "%.3f", f->availability);
    }
}

void sla_fmt_minutes(double seconds, char *buf, size_t size)
{
    double m = seconds / 60.0;

    snprintf(buf, size, "%.1f", m > -0.05 && m < 0.05 ? 0.0 : m);
}

void sla_fmt_percent(double pct, char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", pct > -0.05 && pct < 0.05 ? 0.0 : pct);
}

void sla_fmt_target(double target, char *buf, size_t size)
{
    snprintf(buf, size, "%.4g", target);
}

/* ---- documents ---------------------------------------------------------------------- */

struct text {
    char *buf;
    size_t len, cap;
};

static void text_put(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->buf = xrealloc(t->buf, t->cap);
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void text_puts(struct text *t, const char *s)
{
    text_put(t, s, strlen(s));
}

/* Appends s and frees it. */
static void text_take(struct text *t, char *s)
{
    text_puts(t, s);
    free(s);
}

/* The cells every format shows, as text. */
struct cells {
    char target[16];
    char avail[16];
    char unplanned[24];
    char scheduled[24];
    char nodata[24];
    char eligible[24];
    char budget[24];
    char left[24];
    char left_pct[16];
    char incidents[24];
    char mttr[24];
};

static void cells_of(const struct sla_row *r, struct cells *c)
{
    const struct sla_figures *f = &r->f;

    sla_fmt_incidents(r, c->incidents, sizeof c->incidents);
    sla_fmt_mttr(r, c->mttr, sizeof c->mttr);
    sla_fmt_target(f->target, c->target, sizeof c->target);
    sla_fmt_availability(f, c->avail, sizeof c->avail);
    sla_fmt_minutes((double)f->down, c->unplanned, sizeof c->unplanned);
    sla_fmt_minutes((double)f->scheduled, c->scheduled, sizeof c->scheduled);
    sla_fmt_minutes((double)f->nodata, c->nodata, sizeof c->nodata);
    sla_fmt_minutes((double)f->eligible, c->eligible, sizeof c->eligible);
    sla_fmt_minutes(f->budget, c->budget, sizeof c->budget);
    sla_fmt_minutes(f->budget_left, c->left, sizeof c->left);
    sla_fmt_percent(f->budget_left_pct, c->left_pct, sizeof c->left_pct);
}

/* One CSV field: quoted when it holds a comma, quote, CR or LF, quotes doubled. */
static void csv_field(struct text *t, const char *s, bool last)
{
    if (s == NULL) {
        s = "";
    }
    if (strpbrk(s, ",\"\r\n") != NULL) {
        text_put(t, "\"", 1);
        for (; *s; s++) {
            text_put(t, s, 1);
            if (*s == '"') {
                text_put(t, "\"", 1);
            }
        }
        text_put(t, "\"", 1);
    } else {
        text_puts(t, s);
    }
    text_puts(t, last ? "\r\n" : ",");
}

char *sla_table_csv(const struct sla_table *t)
{
    static const char *const header[] = {
        "period",          "level",          "tenant",           "app",
        "host",            "service",        "target_pct",       "availability_pct",
        "unplanned_downtime_min", "scheduled_downtime_min", "no_data_min", "eligible_min",
        "error_budget_min", "budget_left_min", "budget_left_pct", "incidents",
        "mttr_min",        "status",
    };
    size_t nh = sizeof header / sizeof header[0];
    struct text out = {0};
    char period[48];

    sla_period_format(&t->period, period, sizeof period);
    for (size_t i = 0; i < nh; i++) {
        csv_field(&out, header[i], i + 1 == nh);
    }
    for (size_t i = 0; i < t->n; i++) {
        const struct sla_row *r = &t->rows[i];
        struct cells c;

        cells_of(r, &c);
        csv_field(&out, period, false);
        csv_field(&out, sla_level_name(r->level), false);
        csv_field(&out, r->tenant, false);
        csv_field(&out, r->app, false);
        csv_field(&out, r->host, false);
        csv_field(&out, r->service, false);
        csv_field(&out, c.target, false);
        csv_field(&out, c.avail, false);
        csv_field(&out, c.unplanned, false);
        csv_field(&out, c.scheduled, false);
        csv_field(&out, c.nodata, false);
        csv_field(&out, c.eligible, false);
        csv_field(&out, c.budget, false);
        csv_field(&out, c.left, false);
        csv_field(&out, c.left_pct, false);
        csv_field(&out, c.incidents, false);
        csv_field(&out, c.mttr, false);
        csv_field(&out, sla_status_name(r->f.status), true);
    }
    if (out.buf == NULL) {
        out.buf = xstrdup("");
    }
    return out.buf;
}

static void json_figures(struct jsonw *w, const struct sla_row *r)
{
    const struct sla_figures *f = &r->f;
    struct cells c;
    char num[48];

    cells_of(r, &c);
    jsonw_literal(w, "target_pct", c.target);
    jsonw_literal(w, "availability_pct", c.avail[0] ? c.avail : "null");
    jsonw_int(w, "unplanned_downtime_s", f->down);
    jsonw_int(w, "scheduled_downtime_s", f->scheduled);
    jsonw_int(w, "no_data_s", f->nodata);
    jsonw_int(w, "eligible_s", f->eligible);
    snprintf(num, sizeof num, "%.3f", f->budget);
    jsonw_literal(w, "error_budget_s", num);
    snprintf(num, sizeof num, "%.3f", f->budget_left);
    jsonw_literal(w, "budget_left_s", num);
    jsonw_literal(w, "budget_left_pct", c.left_pct);
    jsonw_literal(w, "incidents", c.incidents[0] ? c.incidents : "null");
    if (r->mttr >= 0) {
        jsonw_int(w, "mttr_s", r->mttr);
    } else {
        jsonw_literal(w, "mttr_s", "null");
    }
    jsonw_string(w, "status", sla_status_name(f->status));
}

char *sla_table_json(const struct sla_table *t)
{
    struct jsonw w = {0};
    char buf[48];
    bool in_tenant = false, in_app = false;

    jsonw_object(&w, NULL);
    jsonw_object(&w, "period");
    sla_period_format(&t->period, buf, sizeof buf);
    jsonw_string(&w, "name", buf);
    sla_day_format(t->period.start, buf, sizeof buf);
    jsonw_string(&w, "from", buf);
    sla_day_format(t->period.end - 1, buf, sizeof buf);
    jsonw_string(&w, "to", buf);
    jsonw_int(&w, "start", t->period.start);
    jsonw_int(&w, "end", t->period.end);
    jsonw_int(&w, "measured_until", t->measured_end);
    jsonw_literal(&w, "complete", t->measured_end >= t->period.end ? "true" : "false");
    jsonw_end_object(&w);
    jsonw_literal(&w, "warning_is_down", t->warning_is_down ? "true" : "false");
    jsonw_array(&w, "tenants");
    for (size_t i = 0; i < t->n; i++) {
        const struct sla_row *r = &t->rows[i];

        if (r->level != SLA_LEVEL_SERVICE && in_app) {
            jsonw_end_array(&w); /* services */
            jsonw_end_object(&w);
            in_app = false;
        }
        if (r->level == SLA_LEVEL_TENANT && in_tenant) {
            jsonw_end_array(&w); /* apps */
            jsonw_end_object(&w);
        }
        jsonw_object(&w, NULL);
        switch (r->level) {
        case SLA_LEVEL_TENANT:
            jsonw_string(&w, "tenant", r->tenant);
            jsonw_int(&w, "service_count", (long long)r->services);
            json_figures(&w, r);
            jsonw_array(&w, "apps");
            in_tenant = true;
            break;
        case SLA_LEVEL_APP:
            jsonw_string(&w, "app", r->app);
            jsonw_int(&w, "service_count", (long long)r->services);
            json_figures(&w, r);
            jsonw_array(&w, "services");
            in_app = true;
            break;
        case SLA_LEVEL_SERVICE:
        default:
            jsonw_string(&w, "host", r->host);
            jsonw_string(&w, "service", r->service);
            json_figures(&w, r);
            jsonw_end_object(&w);
            break;
        }
    }
    if (in_app) {
        jsonw_end_array(&w);
        jsonw_end_object(&w);
    }
    if (in_tenant) {
        jsonw_end_array(&w);
        jsonw_end_object(&w);
    }
    jsonw_end_array(&w);
    jsonw_end_object(&w);
    char *doc = jsonw_finish(&w);
    char *out = xasprintf("%s\n", doc);

    free(doc);
    return out;
}

/* A Markdown table cell: `|` escaped, line breaks as spaces. */
static void md_cell(struct text *t, const char *s)
{
    text_puts(t, " ");
    for (; s != NULL && *s; s++) {
        if (*s == '|') {
            text_puts(t, "\\|");
        } else if (*s == '\n' || *s == '\r') {
            text_puts(t, " ");
        } else {
            text_put(t, s, 1);
        }
    }
    text_puts(t, " |");
}

char *sla_table_markdown(const struct sla_table *t)
{
    struct text out = {0};
    char period[48], from[16], to[16], until[16];

    sla_period_format(&t->period, period, sizeof period);
    sla_day_format(t->period.start, from, sizeof from);
    sla_day_format(t->period.end - 1, to, sizeof to);
    text_take(&out, xasprintf("# Service levels %s\n\n", period));
    text_take(&out, xasprintf("Period %s to %s, both included", from, to));
    if (t->measured_end < t->period.end) {
        sla_day_format(t->measured_end, until, sizeof until);
        text_take(&out, xasprintf(", measured until %s (the period is still running)", until));
    }
    text_take(&out, xasprintf(". WARNING counts as %s. An app shows its worst service, a tenant "
                              "its worst app.\n\n",
                              t->warning_is_down ? "down" : "available"));
    text_puts(&out, "| Tenant | App | Service | Target % | Availability % | Unplanned min | "
                    "Scheduled min | Budget left min | Budget left % | Incidents | MTTR min | "
                    "Status |\n");
    text_puts(&out, "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
    for (size_t i = 0; i < t->n; i++) {
        const struct sla_row *r = &t->rows[i];
        struct cells c;
        char *svc = r->level == SLA_LEVEL_SERVICE ? xasprintf("%s %s", r->host, r->service)
                                                  : xstrdup("");

        cells_of(r, &c);
        text_puts(&out, "|");
        md_cell(&out, r->level == SLA_LEVEL_TENANT ? r->tenant : "");
        md_cell(&out, r->level == SLA_LEVEL_APP ? r->app : "");
        md_cell(&out, svc);
        md_cell(&out, c.target);
        md_cell(&out, c.avail);
        md_cell(&out, c.unplanned);
        md_cell(&out, c.scheduled);
        md_cell(&out, c.left);
        md_cell(&out, c.left_pct);
        md_cell(&out, c.incidents);
        md_cell(&out, c.mttr);
        md_cell(&out, sla_status_name(r->f.status));
        text_puts(&out, "\n");
        free(svc);
    }
    return out.buf;
}
