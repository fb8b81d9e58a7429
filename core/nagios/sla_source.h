/* The service levels as a source ("sla"): the rows of one period (core/sla/sla_table.h) and
 * one service's state-change timeline in it, fetched from Nagios's archive when the sla view
 * asks for them (source_ops.want) and kept in the store, where the access layer limits them
 * to the session's tenants like any rows. Configured when [nagios] is. */
#ifndef GC_CORE_NAGIOS_SLA_SOURCE_H
#define GC_CORE_NAGIOS_SLA_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sla/sla_table.h"
#include "core/source.h"
#include "core/store.h"

/* A row of the held period (STORE_SLA). */
struct sla_store_row {
    struct store_row row;
    struct sla_row r; /* strings owned */
    size_t order;     /* its place in the table: tenant, its apps, each app's services */
};

/* A state change of the held timeline (STORE_SLA_CHANGE): the state from t to until. */
struct sla_change_row {
    struct store_row row;
    char *tenant;
    char *host;
    char *service;
    char *output;
    int64_t t;
    int64_t until; /* the next change, or the end of what was measured */
    enum sla_state state;
    bool hard;
    size_t index;
};

/* What source_ops.want takes: the period ("2026-11", "2026-11-01..2026-11-15" as
 * sla_period_format() writes it), or the timeline of a service in it (caller frees). */
char *sla_want_period(const struct sla_period *p);
char *sla_want_changes(const struct sla_period *p, const char *tenant, const char *host,
                       const char *service);

extern const struct source_ops sla_source;

#endif
