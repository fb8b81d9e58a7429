/* The session's identity, role and tenant scope, between the store and the views. */
#include "core/access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/store_impl.h"
#include "core/tenant_pattern.h"
#include "core/xalloc.h"

struct access {
    char *user;
    enum access_role role;
    char **tenants; /* NULL = every tenant */
    size_t ntenants;
    char *scope_text;
    bool readonly;
    struct store *store;
    /* The names texts may not use in this scoped session (lower case): other tenants'
     * namespaces, names and display names, built for tenancy generation `hidden_gen`. */
    char **hidden;
    size_t nhidden, caphidden;
    uint64_t hidden_gen;
    bool hidden_built;
};

struct access *access_new(const char *user, enum access_role role, const char *const *tenants,
                          bool readonly)
{
    struct access *a = xcalloc(1, sizeof *a);
    size_t n = 0, len = 0;

    a->user = xstrdup(user != NULL ? user : "unknown");
    a->role = role;
    a->readonly = readonly;
    while (tenants != NULL && tenants[n] != NULL) {
        len += strlen(tenants[n]) + 1;
        n++;
    }
    if (n == 0) {
        a->scope_text = xstrdup("all");
        return a;
    }
    a->tenants = xcalloc(n + 1, sizeof *a->tenants); /* NULL-terminated */
    a->ntenants = n;
    a->scope_text = xcalloc(1, len);
    for (size_t i = 0; i < n; i++) {
        a->tenants[i] = xstrdup(tenants[i]);
        if (i > 0) {
            strcat(a->scope_text, ",");
        }
        strcat(a->scope_text, tenants[i]);
    }
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
    if (tenant == NULL) {
        return false;
    }
    for (size_t i = 0; i < a->ntenants; i++) {
        if (strcmp(a->tenants[i], tenant) == 0) {
            return true;
        }
    }
    return false;
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
    if (access_mutates(verb) && a->readonly) {
        snprintf(why, size, "read-only session (--readonly)");
        return -1;
    }
    if (!access_tenant_visible(a, tenant)) {
        snprintf(why, size, "not in your tenant scope (%s)", a->scope_text);
        return -1;
    }
    return access_verb_check(a, verb, why, size);
}

int access_verb_check(const struct access *a, enum access_verb verb, char *why, size_t size)
{
    if (access_mutates(verb) && a->readonly) {
        snprintf(why, size, "read-only session (--readonly)");
        return -1;
    }
    if (access_mutates(verb) && a->role == ACCESS_VIEWER) {
        snprintf(why, size, "role %s may not %s", access_role_name(a->role),
                 access_verb_name(verb));
        return -1;
    }
    /* A tenant's developers open incidents and add to them; the platform's staff works them. */
    if (verb == ACCESS_INCIDENT_UPDATE && a->role == ACCESS_DEVELOPER) {
        snprintf(why, size, "role %s may not %s", access_role_name(a->role),
                 access_verb_name(verb));
        return -1;
    }
    return 0;
}

/* Provisional (issue 16 in progress): the highest role granted, over every tenant granted. */
struct access *access_new_grant(const char *user, const struct access_grant *g,
                                const char *narrow, bool readonly, char **why)
{
    const char *list[64];
    size_t n = 0;
    enum access_role role = ACCESS_VIEWER;
    const char *const *sets[2] = {g->developer, g->viewer};

    *why = NULL;
    for (size_t s = 0; s < 2; s++) {
        for (size_t i = 0; sets[s] != NULL && sets[s][i] != NULL && n + 1 < 64; i++) {
            list[n++] = sets[s][i];
        }
    }
    list[n] = NULL;
    if (g->operator || g->oncall) {
        role = g->operator ? ACCESS_OPERATOR : ACCESS_ONCALL;
        const char *one[2] = {narrow, NULL};
        return access_new(user, role, one, readonly);
    }
    if (n == 0) {
        *why = xstrdup("no role: the directory puts you in no group that grants one");
        return NULL;
    }
    if (g->developer != NULL && g->developer[0] != NULL) {
        role = ACCESS_DEVELOPER;
    }
    if (narrow != NULL) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(list[i], narrow) == 0) {
                const char *one[2] = {narrow, NULL};
                return access_new(user, role, one, readonly);
            }
        }
        *why = xstrdup("--tenant names a tenant outside your scope");
        return NULL;
    }
    return access_new(user, role, list, readonly);
}

struct access *access_new_nobody(const char *user, bool readonly)
{
    const char *none[2] = {"", NULL}; /* provisional: a tenant no row has */
    return access_new(user, ACCESS_VIEWER, none, readonly);
}
