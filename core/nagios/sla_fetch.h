/* The SLA's questions to Nagios, asynchronous on the loop: for a period, the host map
 * (objectjson.cgi hostgrouplist) and every service's availability (archivejson.cgi), made into
 * a core/sla/sla_table.h table on the workpool; for one service, its state changes over a
 * period. Credentials and TLS come from [nagios] (core/source_http.h), or govsim's with --demo.
 * Loop thread only; the loop never blocks. */
#ifndef GC_CORE_NAGIOS_SLA_FETCH_H
#define GC_CORE_NAGIOS_SLA_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/nagios/archive.h"
#include "core/sla/sla_table.h"
#include "core/source.h"

struct sla_fetch;

/* A table's answer: t (the callee takes it: sla_table_fini() and free()) or NULL with err (one
 * line, borrowed for the call). */
typedef void (*sla_fetch_table_fn)(struct sla_table *t, const char *err, void *arg);
/* A timeline's answer: c (borrowed for the call) or NULL with err. */
typedef void (*sla_fetch_changes_fn)(const struct nagios_statechanges *c, const char *err,
                                     void *arg);

/* NULL with *err (caller frees) when [nagios] cannot be used (no url, a password file with
 * loose permissions ...). env is copied; its members must outlive the fetcher. */
struct sla_fetch *sla_fetch_new(const struct source_env *env, char **err);
/* Cancels what is in flight (no callback runs after). */
void sla_fetch_free(struct sla_fetch *f);

/* True when [nagios] has a url (or --demo). */
bool sla_fetch_configured(const struct source_env *env);

/* Asks for period p as measured until `now`; cancels an earlier table question. `done` runs
 * once, later, on the loop thread. A period that has not begun, or one the archive has no
 * history for, is an error ("Nagios has no history for 2026-01 ..."). */
void sla_fetch_table(struct sla_fetch *f, const struct sla_period *p, int64_t now,
                     sla_fetch_table_fn done, void *arg);

/* Asks for the state changes of host/service over p (until now); cancels an earlier timeline
 * question. */
void sla_fetch_changes(struct sla_fetch *f, const char *host, const char *service,
                       const struct sla_period *p, int64_t now, sla_fetch_changes_fn done,
                       void *arg);

/* Cancels both questions. */
void sla_fetch_cancel(struct sla_fetch *f);

#endif
