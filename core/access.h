/* Access control: who the session is, what role it has, which tenants it may see.
 *
 * Every row a view shows comes through access_rows()/access_next() or access_get(), and every
 * action passes access_check() with the tenant its source resolved for the object before it
 * reaches the source. A row belongs to the tenant its kind's tenancy says (store_register():
 * a Kubernetes object through its namespace, other sources by their own convention); a row
 * without a tenant (an unlabelled namespace, a cluster-scoped object, a namespace not listed
 * yet) is visible only to a session whose scope is every tenant: the layer fails closed.
 *
 * A session holds roles: one over every tenant (operators, on-call staff) and roles in single
 * tenants (a tenant's developers or viewers); they add up per tenant (the table in
 * docs/security.md, "Roles"). --tenant narrows the scope, never widens it. Only the loop
 * thread uses an access object. */
#ifndef GC_CORE_ACCESS_H
#define GC_CORE_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

/* Highest first. */
enum access_role {
    ACCESS_OPERATOR,  /* platform staff: every verb */
    ACCESS_ONCALL,    /* on-call staff: look, restart, acknowledge, incidents */
    ACCESS_DEVELOPER, /* a tenant's developers: look, restart, scale, open incidents, notes */
    ACCESS_VIEWER,    /* a tenant's viewers: look, never change */
};

/* What a session may want to do with an object. */
enum access_verb {
    ACCESS_VIEW,    /* rows, describe, raw object */
    ACCESS_LOGS,
    ACCESS_RESTART,
    ACCESS_SCALE,
    ACCESS_DELETE,
    /* nagios (issue 13): acknowledge a problem, schedule a downtime */
    ACCESS_ACKNOWLEDGE,
    ACCESS_DOWNTIME,
    /* ServiceNow incidents (core/servicenow/) */
    ACCESS_INCIDENT_CREATE, /* open an incident: staff and a tenant's developers */
    ACCESS_INCIDENT_NOTE,   /* add a work note: staff and a tenant's developers */
    ACCESS_INCIDENT_UPDATE, /* assign, resolve: operators and on-call staff only */
};

struct access;

/* A new session: `user` (copied), `role` over every tenant, narrowed to `tenants` (copied;
 * NULL-terminated; NULL or empty: not narrowed, every tenant) and `readonly` (every mutation
 * refused, whatever the role). */
struct access *access_new(const char *user, enum access_role role, const char *const *tenants,
                          bool readonly);
void access_free(struct access *a);

/* What the directory granted a user (core/directory/ fills it in from their groups). */
struct access_grant {
    bool operator;                /* [access] operators: every tenant, every verb */
    bool oncall;                  /* [access] oncall: every tenant; acknowledge, incidents,
                                     restart */
    const char *const *developer; /* tenants whose developers group has the user
                                     (NULL-terminated; NULL for none) */
    const char *const *viewer;    /* tenants whose viewers group has the user (likewise) */
};

/* A session for `user` with the union of what `g` grants, narrowed to the tenant `narrow`
 * (--tenant; NULL: not narrowed) and `readonly`. NULL, with the reason in *why (caller
 * frees), when `g` grants no role at all, or when `narrow` is not among the tenants `g`
 * grants (--tenant never widens a scope). */
struct access *access_new_grant(const char *user, const struct access_grant *g,
                                const char *narrow, bool readonly, char **why);

/* A session that may see nothing: the viewer role and no tenant ([directory] required =
 * false and the directory could not say who `user` is). */
struct access *access_new_nobody(const char *user, bool readonly);

/* Why `pattern` cannot be a tenant pattern (caller frees), or NULL when it can. */
char *access_pattern_error(const char *pattern);

/* The store the rows come from. Borrowed; call once before reading rows. */
void access_bind(struct access *a, struct store *s);

const char *access_user(const struct access *a);
/* The highest role the session holds in its scope (the viewer role when it holds none). */
enum access_role access_role(const struct access *a);
/* "operator", "oncall", "developer", "viewer". */
const char *access_role_name(enum access_role role);
/* The roles as the header says them (borrowed): one role by its name ("operator",
 * "developer"); several with the tenants each is held in ("developer dmi, viewer registry",
 * "oncall, developer dmi": a tenant is named where its role adds to the one over every
 * tenant); none "viewer (no tenants)". *names_scope (may be NULL) is set when the text names
 * the whole scope itself; otherwise say the scope beside it (access_scope_text()). */
const char *access_role_text(const struct access *a, bool *names_scope);
/* True when --tenant narrowed the scope (access_new() with tenants, access_new_grant() with
 * `narrow`). */
bool access_narrowed(const struct access *a);
bool access_readonly(const struct access *a);
/* True when the scope is every tenant. */
bool access_all_tenants(const struct access *a);
/* The scope's tenants, NULL-terminated (borrowed); NULL for every tenant; an empty list
 * (only NULL) for none. */
const char *const *access_scope(const struct access *a);
/* The scope as text: "all", "none" (access_new_nobody()) or the tenants joined by ','.
 * Borrowed. */
const char *access_scope_text(const struct access *a);

/* True if `tenant` is in scope. NULL (no tenant) only with every tenant in scope. */
bool access_tenant_visible(const struct access *a, const char *tenant);

/* The tenant of a row of `kind`, as its tenancy says (NULL: none). Borrowed until
 * store_commit(). */
const char *access_row_tenant(struct access *a, enum store_kind kind, const struct store_row *r);

/* Walks the rows of one kind that are in scope. */
struct access_cursor {
    struct access *a;
    const struct store_table *t;
    size_t i;
    uint64_t since;                      /* only rows put after this table generation */
    struct store_row *const *list;       /* walks these instead of the table, when set */
    size_t nlist;
};
void access_rows(struct access *a, enum store_kind kind, struct access_cursor *c);
/* The same, limited to the rows put after table generation `gen` and since the last
 * store_commit() (a view catching up with churn: it must have rebuilt since that commit);
 * rows replaced or removed again meanwhile are not among them (see store_row.gone). */
void access_rows_since(struct access *a, enum store_kind kind, uint64_t gen,
                       struct access_cursor *c);
/* The rows of `kind` replaced or removed since the last store_commit(), in any scope: only to
 * find them among the rows a view holds (they are still allocated, marked gone). */
size_t access_rows_gone(struct access *a, enum store_kind kind,
                        struct store_row *const **rows);
/* The next visible row or NULL at the end; *tenant (may be NULL) gets its tenant (borrowed;
 * NULL when unknown). Rows are borrowed until store_commit(). */
const struct store_row *access_next(struct access_cursor *c, const char **tenant);

/* `text` (a message from a server), or, in a scoped session, when it names something the
 * session may not see (another tenant's namespace, name or display name, any case: every name
 * the kinds' tenancies know, store_names()), a fixed sentence saying details are withheld.
 * Neither is to be freed. */
const char *access_redact(struct access *a, const char *text);

/* The same line by line for a longer text (a describe, an object, a log): NULL when nothing
 * is withheld (use the text as it is), else a new text (caller frees, *out_len its length)
 * with each line that names something outside the scope replaced by a sentence saying so. */
char *access_redact_lines(struct access *a, const char *text, size_t len, size_t *out_len);

/* The row with `uid` if it exists and is in scope, else NULL. Borrowed until store_commit(). */
const struct store_row *access_get(struct access *a, enum store_kind kind, const char *uid);

/* Generation of everything that decides visibility (the tenancies: store_tenancy_gen()): a
 * view that rebuilt at this generation and its kinds' generations is current. */
uint64_t access_gen(struct access *a);

/* May the session do `verb` to an object of `tenant` (as the object's source resolved it;
 * NULL: it has none, as a cluster-scoped object), with the roles it holds in that tenant? 0
 * if so; otherwise -1 with the reason, fit for the status line and the audit log, in `why`
 * ("read-only session (--readonly)", "not in your tenant scope (dmi)", "role viewer may not
 * restart (in registry)"). The reason never says whether an object outside the scope
 * exists. */
int access_check(struct access *a, enum access_verb verb, const char *tenant, char *why,
                 size_t size);

/* The part of access_check() that does not depend on the object: may this session do `verb`
 * anywhere (not --readonly for a mutation, a role held in some tenant of the scope that has
 * the verb)? 0 if so, else -1 with the reason in `why` ("role viewer may not restart"). */
int access_verb_check(const struct access *a, enum access_verb verb, char *why, size_t size);

/* Does a role the session holds in its scope have `verb` (whatever --readonly says)? Help and
 * the key hints leave out the actions of verbs it has not. */
bool access_verb_granted(const struct access *a, enum access_verb verb);

/* The verb's name: "view", "logs", "restart", "scale", "delete", "acknowledge", "schedule
 * downtime", "open incidents", "add work notes", "update incidents". */
const char *access_verb_name(enum access_verb verb);

#endif
