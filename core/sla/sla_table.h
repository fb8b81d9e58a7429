/* A period's service levels as rows: per tenant, per app, per service (docs/sla.md), and the
 * same rows as CSV (RFC 4180), JSON (schema in docs/sla.md) and Markdown. The screen and
 * `govconsole report sla` format their numbers with the same functions, so both say the same.
 * Pure: no I/O. */
#ifndef GC_CORE_SLA_SLA_TABLE_H
#define GC_CORE_SLA_SLA_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sla/sla.h"

/* One measured service. Strings borrowed for sla_table_build(). */
struct sla_input {
    const char *tenant;
    const char *app;
    const char *host;
    const char *service;
    double target; /* percent */
    struct sla_times times;
};

enum sla_level {
    SLA_LEVEL_TENANT,
    SLA_LEVEL_APP,
    SLA_LEVEL_SERVICE,
};

/* "tenant", "app", "service". */
const char *sla_level_name(enum sla_level l);

struct sla_row {
    enum sla_level level;
    char *tenant;
    char *app;     /* NULL on a tenant row */
    char *host;    /* service rows only */
    char *service; /* service rows only */
    size_t services; /* tenant and app rows: how many services they stand for */
    struct sla_figures f; /* a service's own; an app's or tenant's: its worst service's */
    long incidents;       /* ServiceNow incidents opened in the period; -1: not known (no
                             ServiceNow, it failed, or a service row) */
    int64_t mttr;         /* their mean time to resolve, seconds; -1: none resolved / unknown */
};

struct sla_table {
    struct sla_period period;
    int64_t measured_end; /* the period's end, or now when it is still running */
    bool warning_is_down;
    struct sla_row *rows; /* tenants in name order, each followed by its apps, each app by its
                             services (host, service order) */
    size_t n;
    char *incidents_note; /* why incidents and MTTR are blank although ServiceNow is
                             configured (one line), NULL when they are filled or not asked */
};

/* Builds t (caller frees with sla_table_fini()) from n measured services over p as measured
 * until `now`: inputs need not be sorted; inputs without a tenant are left out. */
void sla_table_build(struct sla_table *t, const struct sla_period *p, int64_t now,
                     bool warning_is_down, const struct sla_input *in, size_t n);
void sla_table_fini(struct sla_table *t);

/* Keeps only the rows of tenants `visible` says yes to (a scoped session's, --tenant). */
void sla_table_keep(struct sla_table *t, bool (*visible)(const char *tenant, void *arg),
                    void *arg);

/* An incident as the SLA counts it (docs/sla.md, Incidents). Strings borrowed. */
struct sla_incident {
    const char *tenant; /* its company's tenant; NULL when the company maps to none */
    const char *ci;     /* its configuration item's name ("dmi-forecast-api"); NULL: none */
    int64_t opened;     /* epoch seconds; 0 unknown */
    int64_t resolved;   /* epoch seconds; 0 not resolved */
    bool canceled;
};

/* Fills the tenant and app rows' incidents and MTTR from n incidents: those opened within
 * [period start, measured end) count for their tenant (the company's, else the one the CI
 * names as TENANT-APP) and for the app their CI names; service rows stay blank. */
void sla_table_incidents(struct sla_table *t, const struct sla_incident *in, size_t n);

/* ---- the numbers as both the screen and the report write them ------------------------ */

/* "99.653" (three decimals), or "" when there is no data. */
void sla_fmt_availability(const struct sla_figures *f, char *buf, size_t size);
/* Minutes with one decimal: "150.0", "-3.5". */
void sla_fmt_minutes(double seconds, char *buf, size_t size);
/* Percent with one decimal: "30.6". */
void sla_fmt_percent(double pct, char *buf, size_t size);
/* The target as configured: "99.5", "99.95". */
void sla_fmt_target(double target, char *buf, size_t size);

/* The incidents ("3"), or "" when not known. */
void sla_fmt_incidents(const struct sla_row *r, char *buf, size_t size);
/* The MTTR in minutes with one decimal, or "" when none. */
void sla_fmt_mttr(const struct sla_row *r, char *buf, size_t size);

/* The documents (caller frees). */
char *sla_table_csv(const struct sla_table *t);
char *sla_table_json(const struct sla_table *t);
char *sla_table_markdown(const struct sla_table *t);

#endif
