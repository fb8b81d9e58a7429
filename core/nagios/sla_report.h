/* `govconsole report sla`: one period's service levels as a document, without a terminal. */
#ifndef GC_CORE_NAGIOS_SLA_REPORT_H
#define GC_CORE_NAGIOS_SLA_REPORT_H

#include <stdint.h>

#include "core/sla/sla.h"
#include "core/source.h"

enum sla_report_format {
    SLA_REPORT_CSV,
    SLA_REPORT_JSON,
    SLA_REPORT_MD,
};

/* "csv", "json" or "md" into *out; -1 for anything else. */
int sla_report_format_parse(const char *name, enum sla_report_format *out);

/* Asks Nagios (env's [nagios], or govsim with env->demo_url) for period p as measured until
 * `now`, runs env->loop until the answer or timeout_ms, and returns 0 with *out (the document,
 * caller frees) and *err NULL, or a warning when ServiceNow is configured and could not give
 * the incidents (one line, caller frees; the document has them blank), or -1 with *err (one
 * line, caller frees). The rows are those env->access
 * shows (a session scoped to a tenant sees only its own); none at all is an error. */
int sla_report_run(const struct source_env *env, const struct sla_period *p, int64_t now,
                   enum sla_report_format fmt, int64_t timeout_ms, char **out, char **err);

#endif
