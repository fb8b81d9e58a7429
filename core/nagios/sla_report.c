/* `govconsole report sla`. */
#include "core/nagios/sla_report.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/access.h"
#include "core/loop.h"
#include "core/nagios/sla_fetch.h"
#include "core/sla/sla_table.h"
#include "core/xalloc.h"

int sla_report_format_parse(const char *name, enum sla_report_format *out)
{
    if (strcmp(name, "csv") == 0) {
        *out = SLA_REPORT_CSV;
    } else if (strcmp(name, "json") == 0) {
        *out = SLA_REPORT_JSON;
    } else if (strcmp(name, "md") == 0 || strcmp(name, "markdown") == 0) {
        *out = SLA_REPORT_MD;
    } else {
        return -1;
    }
    return 0;
}

struct report_wait {
    bool done;
    struct sla_table *table;
    char *err;
};

static void report_got(struct sla_table *t, const char *err, void *arg)
{
    struct report_wait *w = arg;

    w->done = true;
    w->table = t;
    w->err = err != NULL ? xstrdup(err) : NULL;
}

static bool report_visible(const char *tenant, void *arg)
{
    return access_tenant_visible(arg, tenant);
}

int sla_report_run(const struct source_env *env, const struct sla_period *p, int64_t now,
                   enum sla_report_format fmt, int64_t timeout_ms, char **out, char **err)
{
    struct report_wait w = {0};
    struct sla_fetch *f;
    int64_t end = loop_now_ms() + timeout_ms;

    *err = NULL;
    if (!sla_fetch_configured(env)) {
        *err = xstrdup("no Nagios: set [nagios] url (or use --demo)");
        return -1;
    }
    f = sla_fetch_new(env, err);
    if (f == NULL) {
        return -1;
    }
    sla_fetch_table(f, p, now, report_got, &w);
    while (!w.done && loop_now_ms() < end) {
        loop_run_once(env->loop, 200);
    }
    sla_fetch_free(f);
    if (!w.done) {
        *err = xstrdup("Nagios did not answer in time");
        return -1;
    }
    if (w.table == NULL) {
        *err = w.err;
        return -1;
    }
    if (env->access != NULL) {
        sla_table_keep(w.table, report_visible, env->access);
    }
    if (w.table->n == 0) {
        const char *const *scope = env->access != NULL ? access_scope(env->access) : NULL;

        *err = scope != NULL && scope[0] != NULL
                   ? xasprintf("Nagios has no services of tenant %s (hostgroup tenant-%s)",
                               scope[0], scope[0])
                   : xstrdup("Nagios has no services in any tenant's hostgroup");
        sla_table_fini(w.table);
        free(w.table);
        return -1;
    }
    switch (fmt) {
    case SLA_REPORT_JSON:
        *out = sla_table_json(w.table);
        break;
    case SLA_REPORT_MD:
        *out = sla_table_markdown(w.table);
        break;
    case SLA_REPORT_CSV:
    default:
        *out = sla_table_csv(w.table);
        break;
    }
    *err = w.table->incidents_note;
    w.table->incidents_note = NULL;
    sla_table_fini(w.table);
    free(w.table);
    return 0;
}
