/* [servicenow]'s instance for callers other than the ServiceNow source (the SLA's incidents,
 * core/nagios/sla_incidents.c): its base URL and the definition source_http_new() takes
 * (credentials, TLS, error text), so that every request to the instance is made the same way.
 * Defined in core/servicenow/servicenow_source.c. */
#ifndef GC_CORE_SERVICENOW_SN_INSTANCE_H
#define GC_CORE_SERVICENOW_SN_INSTANCE_H

#include "core/config.h"
#include "core/source_http.h"

extern const struct source_http_def sn_http_def;

/* The instance's base URL without trailing slashes (govsim's with demo_url; caller frees),
 * NULL when none. */
char *sn_base_url(const struct gc_config *cfg, const char *demo_url);

#endif
