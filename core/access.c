/* The session's identity, role and tenant scope, between the store and the views. */
#include "core/access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/store_impl.h"
#include "core/tenant_pattern.h"
#include "core/xalloc.h"

/* One tenant a directory group grants, with the role it grants there. */
struct access_share {
    char *tenant;
    enum access_role role;
};

struct access {
    char *user;
    enum access_role role; /* the highest role held in the scope */
    /* A role over every tenant (operators, on-call staff; access_new()'s role). */
    bool global;
    enum access_role global_role;
    /* Roles in single tenants (a tenant's developers or viewers groups), in grant order. */
    struct access_share *shares;
    size_t nshares;
    unsigned any_verbs; /* the verbs some role held in the scope has (access_verb_check()) */
    char **tenants; /* the scope; NULL = every tenant; {NULL} = none */
    size_t ntenants;
    bool narrowed; /* the scope was narrowed by --tenant */
    char *scope_text;
    char *role_text;
    bool role_text_names_scope;
    bool readonly;
    struct store *store;
    /* The names texts may not use in this scoped session (lower case): other tenants'
     * namespaces, names and display names, built for tenancy generation `hidden_gen`. */
    char **hidden;
    size_t nhidden, caphidden;
    uint64_t hidden_gen;
    bool hidden_built;
};

/* ---- the roles ---------------------------------------------------------------------------
 *
 * What each role may do, in the tenants it holds (docs/security.md, "Roles"). A session's
 * roles add up per tenant: the verbs it may use on an object are those of every role it holds
 * in the object's tenant. */

#define VERB(v) (1u << (v))

static unsigned access_role_verbs(enum access_role role)
{
    const unsigned look = VERB(ACCESS_VIEW) | VERB(ACCESS_LOGS);

    switch (role) {
    case ACCESS_OPERATOR:
        return ~0u;
    case ACCESS_ONCALL: /* works problems and incidents everywhere; no capacity or deletes */
        return look | VERB(ACCESS_RESTART) | VERB(ACCESS_ACKNOWLEDGE) |
               VERB(ACCESS_INCIDENT_CREATE) | VERB(ACCESS_INCIDENT_NOTE) |
               VERB(ACCESS_INCIDENT_UPDATE);
    case ACCESS_DEVELOPER: /* runs its own apps; reports to the platform, never works it */
        return look | VERB(ACCESS_RESTART) | VERB(ACCESS_SCALE) |
               VERB(ACCESS_INCIDENT_CREATE) | VERB(ACCESS_INCIDENT_NOTE);
    case ACCESS_VIEWER:
        return look;
    }
    return 0;
}

/* The higher of two roles (the enum lists them highest first). */
static enum access_role access_higher(enum access_role a, enum access_role b)
{
    return a < b ? a : b;
}

/* Is `t` among the first `n` of `list`? */
static bool access_listed(char *const *list, size_t n, const char *t)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], t) == 0) {
            return true;
        }
    }
    return false;
}

/* The verbs, and the highest role, the session holds in `tenant` (in scope or not; NULL: no
 * tenant, where only a role over every tenant counts). False when it holds none there. */
static bool access_in_tenant(const struct access *a, const char *tenant, unsigned *verbs,
                             enum access_role *role)
{
    bool any = a->global;

    *verbs = a->global ? access_role_verbs(a->global_role) : 0;
    *role = a->global ? a->global_role : ACCESS_VIEWER;
    for (size_t i = 0; tenant != NULL && i < a->nshares; i++) {
        if (strcmp(a->shares[i].tenant, tenant) == 0) {
            *verbs |= access_role_verbs(a->shares[i].role);
            *role = any ? access_higher(*role, a->shares[i].role) : a->shares[i].role;
            any = true;
        }
    }
    return any;
}

static void access_append(char **text, const char *sep, const char *piece)
{
    char *next = xasprintf("%s%s%s", *text != NULL ? *text : "", *text != NULL ? sep : "",
                           piece);

    free(*text);
    *text = next;
}

/* The scope's text ("all", "none", or the tenants joined by ','), the highest role, the verbs
 * some role holds, and the roles as the header says them: a single role by its name
 * ("developer": the header adds the scope), several with the tenants each holds beside it
 * ("developer dmi, viewer registry"; "oncall, developer dmi"), none "viewer (no tenants)". */
static void access_describe(struct access *a)
{
    const unsigned everywhere = a->global ? access_role_verbs(a->global_role) : 0;
    enum access_role *best = xcalloc(a->nshares + 1, sizeof *best);
    bool held = a->global, *listed = xcalloc(a->nshares + 1, sizeof *listed);
    size_t parts = a->global ? 1 : 0;
    char *text = a->global ? xstrdup(access_role_name(a->global_role)) : NULL;

    if (a->tenants == NULL) {
        a->scope_text = xstrdup("all");
    } else if (a->ntenants == 0) {
        a->scope_text = xstrdup("none");
    }
    for (size_t i = 0; i < a->ntenants; i++) {
        access_append(&a->scope_text, ",", a->tenants[i]);
    }
    a->role = a->global ? a->global_role : ACCESS_VIEWER;
    a->any_verbs = everywhere;
    /* each tenant in scope once, with the highest role it is granted alone */
    for (size_t i = 0; i < a->nshares; i++) {
        const char *t = a->shares[i].tenant;
        bool again = false;

        best[i] = a->shares[i].role;
        for (size_t k = 0; k < a->nshares; k++) {
            if (strcmp(a->shares[k].tenant, t) == 0) {
                best[i] = access_higher(best[i], a->shares[k].role);
                again = again || k < i;
            }
        }
        if (again || !access_tenant_visible(a, t)) {
            continue;
        }
        a->role = held ? access_higher(a->role, best[i]) : best[i];
        held = true;
        a->any_verbs |= access_role_verbs(best[i]);
        /* named in the text only where it adds to the role over every tenant */
        listed[i] = (access_role_verbs(best[i]) & ~everywhere) != 0;
    }
    for (int r = ACCESS_OPERATOR; r <= ACCESS_VIEWER; r++) {
        char *group = NULL;

        for (size_t i = 0; i < a->nshares; i++) {
            if (listed[i] && (int)best[i] == r) {
                access_append(&group, " ", a->shares[i].tenant);
            }
        }
        if (group != NULL) {
            char *piece = xasprintf("%s %s", access_role_name((enum access_role)r), group);

            access_append(&text, ", ", piece);
            free(piece);
            free(group);
            parts++;
        }
    }
    if (!held) {
        /* no role in any tenant of the scope: a viewer of nothing */
        free(text);
        text = xstrdup("viewer (no tenants)");
        a->any_verbs = access_role_verbs(ACCESS_VIEWER);
        a->role_text_names_scope = true;
    } else if (parts == 1) {
        /* one role: its name, the scope beside it */
        char *sp = strchr(text, ' ');

        if (sp != NULL) {
            *sp = '\0';
        }
    } else {
        a->role_text_names_scope = !a->global;
    }
    a->role_text = text;
    free(best);
    free(listed);
}

/* A session of `user`; the caller fills in the roles and the scope, then describes it. */
static struct access *access_alloc(const char *user, bool readonly)
{
    struct access *a = xcalloc(1, sizeof *a);

    a->user = xstrdup(user != NULL ? user : "unknown");
    a->readonly = readonly;
    return a;
}

/* The scope: `tenants` (n of them, copied, each once), or every tenant when `all`. */
static void access_set_scope(struct access *a, bool all, const char *const *tenants, size_t n)
{
    if (all) {
        return;
    }
    a->tenants = xcalloc(n + 1, sizeof *a->tenants); /* NULL-terminated */
    for (size_t i = 0; i < n; i++) {
        if (!access_listed(a->tenants, a->ntenants, tenants[i])) {
            a->tenants[a->ntenants++] = xstrdup(tenants[i]);
        }
    }
}

struct access *access_new(const char *user, enum access_role role, const char *const *tenants,
                          bool readonly)
{
    struct access *a = access_alloc(user, readonly);
    size_t n = 0;

    while (tenants != NULL && tenants[n] != NULL) {
        n++;
    }
    a->global = true;
    a->global_role = role;
    a->narrowed = n > 0;
    access_set_scope(a, n == 0, tenants, n);
    access_describe(a);
    return a;
}

void access_free(struct access *a)
{
    if (a == NULL) {
        return;
    }
    for (size_t i = 0; i < a->ntenants; i++) {
        free(a->tenants[i]);
    }
    free(a->tenants);
    for (size_t i = 0; i < a->nhidden; i++) {
        free(a->hidden[i]);
    }
    free(a->hidden);
    for (size_t i = 0; i < a->nshares; i++) {
        free(a->shares[i].tenant);
    }
    free(a->shares);
    free(a->role_text);
    free(a->scope_text);
    free(a->user);
    free(a);
}

char *access_pattern_error(const char *pattern)
{
    char *err = NULL;

    tenant_pattern_free(tenant_pattern_new(pattern, &err));
    return err;
}

void access_bind(struct access *a, struct store *s)
{
    a->store = s;
}

const char *access_user(const struct access *a)
{
    return a->user;
}

enum access_role access_role(const struct access *a)
{
    return a->role;
}

const char *access_role_name(enum access_role role)
{
    switch (role) {
    case ACCESS_OPERATOR:
        return "operator";
    case ACCESS_ONCALL:
        return "oncall";
    case ACCESS_DEVELOPER:
        return "developer";
    case ACCESS_VIEWER:
        return "viewer";
    }
    return "unknown";
}

const char *access_verb_name(enum access_verb verb)
{
    switch (verb) {
    case ACCESS_VIEW:
        return "view";
    case ACCESS_LOGS:
        return "logs";
    case ACCESS_RESTART:
        return "restart";
    case ACCESS_SCALE:
        return "scale";
    case ACCESS_DELETE:
        return "delete";
    case ACCESS_ACKNOWLEDGE: /* nagios */
        return "acknowledge";
    case ACCESS_DOWNTIME:
        return "schedule downtime";
    case ACCESS_INCIDENT_CREATE:
        return "open incidents";
    case ACCESS_INCIDENT_NOTE:
        return "add work notes";
    case ACCESS_INCIDENT_UPDATE:
        return "update incidents";
    }
    return "unknown";
}

bool access_readonly(const struct access *a)
{
    return a->readonly;
}

bool access_all_tenants(const struct access *a)
{
    return a->tenants == NULL;
}

const char *const *access_scope(const struct access *a)
{
    return (const char *const *)a->tenants;
}

const char *access_scope_text(const struct access *a)
{
    return a->scope_text;
}

bool access_tenant_visible(const struct access *a, const char *tenant)
{
    if (a->tenants == NULL) {
        return true;
    }
    return tenant != NULL && access_listed(a->tenants, a->ntenants, tenant);
}

uint64_t access_gen(struct access *a)
{
    return a->store != NULL ? store_tenancy_gen(a->store) : 0;
}

const char *access_row_tenant(struct access *a, enum store_kind kind, const struct store_row *r)
{
    return a->store != NULL ? store_row_tenant(a->store, kind, r) : NULL;
}

/* store_names(): keeps a name (lower case, once) when its tenant is out of scope. */
static void access_hide_name(const char *name, const char *tenant, void *arg)
{
    struct access *a = arg;
    char *low;

    if (name == NULL || name[0] == '\0' || access_tenant_visible(a, tenant)) {
        return;
    }
    low = xstrdup(name);
    for (char *p = low; *p != '\0'; p++) {
        *p = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
    }
    for (size_t i = 0; i < a->nhidden; i++) {
        if (strcmp(a->hidden[i], low) == 0) {
            free(low);
            return;
        }
    }
    if (a->nhidden == a->caphidden) {
        a->caphidden = a->caphidden ? a->caphidden * 2 : 32;
        a->hidden = xrealloc(a->hidden, a->caphidden * sizeof *a->hidden);
    }
    a->hidden[a->nhidden++] = low;
}

/* The hidden names, up to date with the tenancies. */
static void access_hidden(struct access *a)
{
    uint64_t gen = store_tenancy_gen(a->store);

    if (a->hidden_built && a->hidden_gen == gen) {
        return;
    }
    for (size_t i = 0; i < a->nhidden; i++) {
        free(a->hidden[i]);
    }
    a->nhidden = 0;
    store_names(a->store, access_hide_name, a);
    a->hidden_gen = gen;
    a->hidden_built = true;
}

/* A character that continues a name: around a hidden name in a text, neither side may be one
 * ("skat" is not named in "skattestyrelsen" nor in "skat-prod"). */
static bool access_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

/* Does text[0..len) name something the session may not see (case-insensitively)? */
static bool access_names_hidden(struct access *a, const char *text, size_t len)
{
    for (size_t h = 0; h < a->nhidden; h++) {
        const char *name = a->hidden[h];
        size_t m = strlen(name);

        for (size_t i = 0; i + m <= len; i++) {
            if (strncasecmp(text + i, name, m) == 0 && (i == 0 || !access_name_char(text[i - 1])) &&
                (i + m == len || !access_name_char(text[i + m]))) {
                return true;
            }
        }
    }
    return false;
}

const char *access_redact(struct access *a, const char *text)
{
    static const char withheld[] =
        "a message about something outside your scope (details withheld)";

    if (a->tenants == NULL || text == NULL || a->store == NULL) {
        return text;
    }
    access_hidden(a);
    return access_names_hidden(a, text, strlen(text)) ? withheld : text;
}

char *access_redact_lines(struct access *a, const char *text, size_t len, size_t *out_len)
{
    static const char withheld[] = "[a line about something outside your scope: withheld]";
    char *out = NULL;
    size_t o = 0, cap = 0, start = 0;
    bool any = false;

    if (a->tenants == NULL || text == NULL || a->store == NULL) {
        return NULL;
    }
    access_hidden(a);
    while (start < len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t stop = nl != NULL ? (size_t)(nl - text) : len;
        bool hide = access_names_hidden(a, text + start, stop - start);
        const char *piece = hide ? withheld : text + start;
        size_t n = hide ? sizeof withheld - 1 : stop - start;

        any = any || hide;
        if (o + n + 2 > cap) {
            cap = (o + n + 2) * 2;
            out = xrealloc(out, cap);
        }
        memcpy(out + o, piece, n);
        o += n;
        if (nl != NULL) {
            out[o++] = '\n';
        }
        start = stop + 1;
    }
    if (!any) {
        free(out);
        return NULL;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* True if the row is in scope; *tenant gets its tenant. */
static bool access_row_visible(struct access *a, enum store_kind kind, const struct store_row *r,
                               const char **tenant)
{
    *tenant = store_row_tenant(a->store, kind, r);
    return access_tenant_visible(a, *tenant);
}

void access_rows(struct access *a, enum store_kind kind, struct access_cursor *c)
{
    c->a = a;
    c->t = a->store != NULL ? &a->store->tables[kind] : NULL;
    c->i = 0;
    c->since = 0;
    c->list = NULL;
    c->nlist = 0;
}

void access_rows_since(struct access *a, enum store_kind kind, uint64_t gen,
                       struct access_cursor *c)
{
    access_rows(a, kind, c);
    c->since = gen;
    if (c->t != NULL) {
        c->list = c->t->put_log;
        c->nlist = c->t->nput;
    }
}

size_t access_rows_gone(struct access *a, enum store_kind kind, struct store_row *const **rows)
{
    const struct store_table *t = a->store != NULL ? &a->store->tables[kind] : NULL;

    *rows = t != NULL ? t->gone_log : NULL;
    return t != NULL ? t->ngone : 0;
}

const struct store_row *access_next(struct access_cursor *c, const char **tenant)
{
    const char *t = NULL;

    if (c->t == NULL) {
        return NULL;
    }
    while (c->list != NULL && c->i < c->nlist) {
        const struct store_row *r = c->list[c->i++];

        if (!r->gone && r->gen > c->since && access_row_visible(c->a, c->t->kind, r, &t)) {
            if (tenant != NULL) {
                *tenant = t;
            }
            return r;
        }
    }
    while (c->list == NULL && c->i < c->t->count) {
        const struct store_row *r = c->t->rows[c->i++];

        if (r->gen > c->since && access_row_visible(c->a, c->t->kind, r, &t)) {
            if (tenant != NULL) {
                *tenant = t;
            }
            return r;
        }
    }
    return NULL;
}

const struct store_row *access_get(struct access *a, enum store_kind kind, const char *uid)
{
    const struct store_row *r;
    const char *tenant;

    if (a->store == NULL || uid == NULL) {
        return NULL;
    }
    r = store_get(&a->store->tables[kind], uid);
    return r != NULL && access_row_visible(a, kind, r, &tenant) ? r : NULL;
}

/* True for the verbs that change something. */
static bool access_mutates(enum access_verb verb)
{
    return verb == ACCESS_RESTART || verb == ACCESS_SCALE || verb == ACCESS_DELETE ||
           verb == ACCESS_ACKNOWLEDGE || verb == ACCESS_DOWNTIME ||
           verb == ACCESS_INCIDENT_CREATE || verb == ACCESS_INCIDENT_NOTE ||
           verb == ACCESS_INCIDENT_UPDATE;
}

int access_check(struct access *a, enum access_verb verb, const char *tenant, char *why,
                 size_t size)
{
    unsigned verbs;
    enum access_role role;

    if (access_mutates(verb) && a->readonly) {
        snprintf(why, size, "read-only session (--readonly)");
        return -1;
    }
    if (!access_tenant_visible(a, tenant) || !access_in_tenant(a, tenant, &verbs, &role)) {
        snprintf(why, size, "not in your tenant scope (%s)", a->scope_text);
        return -1;
    }
    if ((verbs & VERB(verb)) == 0) {
        snprintf(why, size, "role %s may not %s%s%s%s", access_role_name(role),
                 access_verb_name(verb), tenant != NULL ? " (in " : "",
                 tenant != NULL ? tenant : "", tenant != NULL ? ")" : "");
        return -1;
    }
    return 0;
}

int access_verb_check(const struct access *a, enum access_verb verb, char *why, size_t size)
{
    if (access_mutates(verb) && a->readonly) {
        snprintf(why, size, "read-only session (--readonly)");
        return -1;
    }
    if (!access_verb_granted(a, verb)) {
        snprintf(why, size, "role %s may not %s", access_role_name(a->role),
                 access_verb_name(verb));
        return -1;
    }
    return 0;
}

bool access_verb_granted(const struct access *a, enum access_verb verb)
{
    return (a->any_verbs & VERB(verb)) != 0;
}

const char *access_role_text(const struct access *a, bool *names_scope)
{
    if (names_scope != NULL) {
        *names_scope = a->role_text_names_scope;
    }
    return a->role_text;
}

bool access_narrowed(const struct access *a)
{
    return a->narrowed;
}

/* Adds a share of `role` in each tenant of `list` (NULL-terminated; NULL for none). */
static void access_add_shares(struct access *a, const char *const *list, enum access_role role)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
        a->shares = xrealloc(a->shares, (a->nshares + 1) * sizeof *a->shares);
        a->shares[a->nshares].tenant = xstrdup(list[i]);
        a->shares[a->nshares].role = role;
        a->nshares++;
    }
}

struct access *access_new_grant(const char *user, const struct access_grant *g,
                                const char *narrow, bool readonly, char **why)
{
    struct access *a = access_alloc(user, readonly);
    unsigned verbs;
    enum access_role role;

    *why = NULL;
    a->global = g->operator || g->oncall;
    a->global_role = g->operator ? ACCESS_OPERATOR : ACCESS_ONCALL;
    access_add_shares(a, g->developer, ACCESS_DEVELOPER);
    access_add_shares(a, g->viewer, ACCESS_VIEWER);
    if (!a->global && a->nshares == 0) {
        *why = xstrdup("no role: the directory puts you in no group that grants one");
        access_free(a);
        return NULL;
    }
    if (narrow != NULL && !access_in_tenant(a, narrow, &verbs, &role)) {
        /* names only the user's own tenants: nothing about whether `narrow` exists */
        char *mine = NULL;

        for (size_t i = 0; i < a->nshares; i++) {
            bool again = false;

            for (size_t k = 0; k < i; k++) {
                again = again || strcmp(a->shares[k].tenant, a->shares[i].tenant) == 0;
            }
            if (!again) {
                access_append(&mine, ", ", a->shares[i].tenant);
            }
        }
        *why = xasprintf("--tenant %s: not one of your tenants (%s)", narrow, mine);
        free(mine);
        access_free(a);
        return NULL;
    }
    if (narrow != NULL) {
        const char *one[1] = {narrow};

        a->narrowed = true;
        access_set_scope(a, false, one, 1);
    } else if (!a->global) {
        const char **list = xcalloc(a->nshares + 1, sizeof *list);

        for (size_t i = 0; i < a->nshares; i++) {
            list[i] = a->shares[i].tenant;
        }
        access_set_scope(a, false, list, a->nshares);
        free(list);
    }
    access_describe(a);
    return a;
}

struct access *access_new_nobody(const char *user, bool readonly)
{
    struct access *a = access_alloc(user, readonly);

    access_set_scope(a, false, NULL, 0); /* no tenant at all: not "every tenant" */
    access_describe(a);
    return a;
}
