/* The SLA's question to ServiceNow: the incidents opened within a period (docs/sla.md,
 * Incidents), read through the ServiceNow source's own pieces (core/servicenow/sn_instance.h
 * for the instance and its credentials, sn_oauth for a token, sn_model for the decoding) in
 * Table API pages, each decoded on the workpool. Loop thread only; the loop never blocks. */
#ifndef GC_CORE_NAGIOS_SLA_INCIDENTS_H
#define GC_CORE_NAGIOS_SLA_INCIDENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sla/sla_table.h"
#include "core/source.h"

struct gc_config;
struct sla_incidents;
struct tenant_pattern;

/* The answer: n incidents (borrowed for the call; their tenant mapped from the company by
 * the configuration), or err (one line, borrowed). */
typedef void (*sla_incidents_fn)(const struct sla_incident *in, size_t n, const char *err,
                                 void *arg);

/* True when [servicenow] has a url (or --demo). */
bool sla_incidents_configured(const struct source_env *env);

/* NULL with *err (caller frees) when [servicenow] cannot be used (OAuth without its secret, a
 * tenant_pattern that does not compile ...). env is copied; its members must outlive it. */
struct sla_incidents *sla_incidents_new(const struct source_env *env, char **err);
/* Cancels what is in flight (no callback runs after). */
void sla_incidents_free(struct sla_incidents *x);

/* Asks for the incidents opened in [from, to) (epoch seconds); cancels an earlier question.
 * `done` runs once, later, on the loop thread. */
void sla_incidents_fetch(struct sla_incidents *x, int64_t from, int64_t to, sla_incidents_fn done,
                         void *arg);
void sla_incidents_cancel(struct sla_incidents *x);

/* The tenant a company display name maps to by the configuration alone (the SLA has no
 * Kubernetes display names: the report runs without them): [servicenow] tenant_pattern when
 * given, else a [tenant NAME] servicenow_company, display or NAME equal to it. NULL: none.
 * Borrowed from cfg or tp. */
const char *sla_incidents_company_tenant(const struct gc_config *cfg, struct tenant_pattern *tp,
                                         const char *company);

#endif
