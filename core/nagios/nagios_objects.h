/* The Nagios host map: which tenant and app each Nagios host belongs to, read from the object
 * CGI, by ../shared/DESIGN.md "Tenant mapping":
 *
 * - tenant: a hostgroup the host is a member of names it. A `[tenant NAME]` section whose
 *   `nagios_hostgroup` is that group wins over everything; else `[nagios] tenant_pattern`
 *   (default `^tenant-([a-z0-9-]+)$`), whose first group is the tenant, unless that tenant's
 *   section names another hostgroup (the override replaces the convention for it). Of several
 *   groups, overrides first, then the groups in name order; a host in none has no tenant.
 * - app: the host's custom variable `_APP` (objectjson lists it as "APP") where set, else the
 *   host name without the `TENANT-` prefix (`dmi-forecast-api` -> `forecast-api`), else the
 *   host name.
 *
 * Two steps, so that the JSON is read on a worker thread and the tenant pattern (loop thread
 * only, core/tenant_pattern.h) is applied on the loop:
 *   1. any thread: nagios_hostmap_new(), nagios_hostmap_read_groups() with the answer of
 *      `objectjson.cgi?query=hostgrouplist&details=true`, and optionally
 *      nagios_hostmap_read_hosts() with `objectjson.cgi?query=hostlist&details=true`;
 *      (nagios_hostmap_merge() puts maps read from separate answers together);
 *   2. loop thread: nagios_hostmap_resolve();
 * then nagios_hostmap_find() / nagios_hostmap_host() read it (any thread, once resolved and no
 * longer changed). Host names, tenants and apps are sanitized (core/sanitize.h).
 *
 * nagios_answer_data() reads the envelope every Nagios JSON CGI shares (statusjson,
 * objectjson, archivejson): HTTP 200 even for errors, result.type_code says. */
#ifndef GC_CORE_NAGIOS_NAGIOS_OBJECTS_H
#define GC_CORE_NAGIOS_NAGIOS_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct gc_config;
struct tenant_pattern;
struct nagios_hostmap;

/* One host of the map. Strings borrowed for the map's life. */
struct nagios_host_entry {
    const char *host;   /* the Nagios host name (sanitized) */
    const char *tenant; /* NULL when no hostgroup names one (or before resolve) */
    const char *app;    /* never NULL once resolved */
};

/* An empty map (caller frees with nagios_hostmap_free()). */
struct nagios_hostmap *nagios_hostmap_new(void);
void nagios_hostmap_free(struct nagios_hostmap *m);

/* Adds the hostgroups of a hostgrouplist&details=true answer (body borrowed). Returns 0, or
 * -1 with *err (one line, caller frees) when the answer is not usable (see
 * nagios_answer_data()). No hostgroups at all is a valid answer (*rejected stays false).
 * `rejected` may be NULL. Any thread; call before nagios_hostmap_resolve(). */
int nagios_hostmap_read_groups(struct nagios_hostmap *m, const char *body, size_t len,
                               bool *rejected, char **err);

/* Adds the hosts and their `_APP` custom variables of a hostlist&details=true answer; same
 * contract as nagios_hostmap_read_groups(), except that an empty host list is -1 with
 * *rejected set and *err = nagios_no_data_text(the answer's user). */
int nagios_hostmap_read_hosts(struct nagios_hostmap *m, const char *body, size_t len,
                              bool *rejected, char **err);

/* Adds every host of `src` to `dst` with its hostgroups, and its _APP where `dst` has none
 * (src unchanged). Before nagios_hostmap_resolve() of dst. Any thread. */
void nagios_hostmap_merge(struct nagios_hostmap *dst, const struct nagios_hostmap *src);

/* Gives every host its tenant and app, by `cfg`'s [tenant NAME] sections and `tp` (the
 * compiled [nagios] tenant_pattern; NULL = no pattern). Both borrowed for the call only.
 * Loop thread (tp). May be called again after more reads. */
void nagios_hostmap_resolve(struct nagios_hostmap *m, const struct gc_config *cfg,
                            struct tenant_pattern *tp);

/* The host called `host`, or NULL when the map does not know it. Borrowed. */
const struct nagios_host_entry *nagios_hostmap_find(const struct nagios_hostmap *m,
                                                    const char *host);

/* How many hosts, and the i-th in name order (borrowed), for walking the map. */
size_t nagios_hostmap_count(const struct nagios_hostmap *m);
const struct nagios_host_entry *nagios_hostmap_host(const struct nagios_hostmap *m, size_t i);

/* The envelope of a JSON CGI answer: data.<member> (borrowed from root) when result.type_code
 * is 0 and the member is there; else NULL with *err (one line, sanitized, caller frees):
 * "Nagios: <type_text>: <message>" for a type_code not 0, or "not the Nagios JSON CGI's
 * answer" for anything else. *user (may be NULL) gets result.user, borrowed from root. An
 * empty member is returned as is: the caller decides whether empty means "not authorised"
 * (nagios_no_data_text()). */
json_t *nagios_answer_data(json_t *root, const char *member, const char **user, char **err);

/* The message for an answer empty for its user: "Nagios returned no data for user X; check
 * cgi.cfg authorization" (X sanitized; "?" when NULL). Caller frees. */
char *nagios_no_data_text(const char *user);

/* Why a body that did not parse as JSON is not the CGI's answer (an HTML login page, ...):
 * one line, caller frees. */
char *nagios_not_json_text(const char *body, size_t len);

/* The CGI directory of [nagios] url (no trailing '/'; govsim's under --demo), or NULL when
 * the section names none. Caller frees. */
char *nagios_cgi_base(const struct gc_config *cfg, const char *demo_url);

#endif
