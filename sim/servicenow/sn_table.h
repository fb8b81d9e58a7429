/* govsim's ServiceNow tables besides sys_user: incident, change_request, sys_journal_field,
 * sys_user_group, core_company and cmdb_ci_service, kept in memory and derived once from the
 * world (a company per tenant, a service CI per tenant app, an incident for each troubled app,
 * recently resolved and old closed ones, change requests of this week and last), then
 * changed by POST and PATCH with business-rule-like effects.
 *
 * Reads answer as an instance does: the result envelope; sysparm_fields (dot-walked too),
 * sysparm_display_value (false, true, all), sysparm_exclude_reference_link, sysparm_limit and
 * sysparm_offset with X-Total-Count and Link headers; encoded queries with ^, ^OR, ^NQ,
 * ORDERBY/ORDERBYDESC and the operators =, !=, >, >=, <, <=, IN, NOT IN, LIKE, NOT LIKE,
 * STARTSWITH, ENDSWITH, ISEMPTY, ISNOTEMPTY, on dot-walked fields too. Writes: POST
 * incident and change_request (number assigned, state New, priority from impact and urgency,
 * mandatory short description), PATCH/PUT of one record (state transitions checked, resolving
 * needs a resolution code and notes, a closed record refuses changes), work_notes and
 * comments turned into sys_journal_field entries, sys_updated_on and sys_mod_count kept.
 * Errors in the instance's envelope with 400, 403 and 404. Thread-safe. */
#ifndef GC_SIM_SERVICENOW_SN_TABLE_H
#define GC_SIM_SERVICENOW_SN_TABLE_H

#include <stdbool.h>

#include "sim/router.h"

struct sn_db;

struct sn_db *sn_db_new(void);
void sn_db_free(struct sn_db *db);

/* True for the tables sn_db_serve() answers. */
bool sn_db_serves(const char *table);

/* Called once per user before the first request is served (sn_db_seeded() false): the
 * sys_user records references point to. */
bool sn_db_seeded(struct sn_db *db);
void sn_db_add_user(struct sn_db *db, const char *sys_id, const char *user_name,
                    const char *name);

/* POST /oauth_token.do: a token for the password grant (the --basic-auth pair as username
 * and password), client credentials (the --basic-auth password as client_secret) or a refresh
 * token it issued; any pair without --basic-auth. Tokens live $GOVSIM_SN_TOKEN_TTL seconds
 * (default 1800). */
enum MHD_Result sn_db_oauth(struct sn_db *db, const struct router_request *req);
/* True when `token` is one sn_db_oauth() issued and it has not expired. */
bool sn_db_token_ok(struct sn_db *db, const char *token);

/* Answers one request for `table` (sn_db_serves()), `sys_id` NULL for the collection, as
 * `user` (the authenticated user name). Seeds the tables from req->world on first use. */
enum MHD_Result sn_db_serve(struct sn_db *db, const struct router_request *req,
                            const char *table, const char *sys_id, const char *user);

#endif
