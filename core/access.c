/* The session's identity, role and tenant scope, between the store and the views. */
#include "core/access.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/k8s/k8s_model.h"
#include "core/xalloc.h"

/* One namespace's tenant, in an open-addressing index keyed by the namespace name. */
struct access_ns {
    const char *ns;     /* borrowed from the namespace row or an override */
    const char *tenant; /* borrowed; NULL if unknown */
    bool visible;
};

struct access_override {
    char *ns;
    char *tenant;
};

struct access {
    char *user;
    enum access_role role;
    char **tenants; /* NULL = every tenant */
    size_t ntenants;
    char *scope_text;
    bool readonly;
    struct access_override *overrides;
    size_t noverrides;
    pcre2_code *ns_pattern;   /* NULL: labels and overrides only */
    pcre2_match_data *ns_match;
    char **derived;           /* tenants the pattern gave, owned, interned: kept until
                                 access_free() since views hold them like label strings */
    size_t nderived, capderived;
    struct store *store;
    /* The namespace index, built for namespace table generation `index_gen`. */
    struct access_ns *index;
    size_t nindex; /* slots, a power of two */
    uint64_t index_gen;
    uint64_t epoch; /* bumped at every index build: what access_gen() returns */
    bool index_built;
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
    a->tenants = xcalloc(n, sizeof *a->tenants);
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
    for (size_t i = 0; i < a->noverrides; i++) {
        free(a->overrides[i].ns);
        free(a->overrides[i].tenant);
    }
    free(a->tenants);
    free(a->overrides);
    for (size_t i = 0; i < a->nderived; i++) {
        free(a->derived[i]);
    }
    free(a->derived);
    pcre2_match_data_free(a->ns_match);
    pcre2_code_free(a->ns_pattern);
    free(a->index);
    free(a->scope_text);
    free(a->user);
    free(a);
}

void access_map_namespace(struct access *a, const char *ns, const char *tenant)
{
    a->overrides = xrealloc(a->overrides, (a->noverrides + 1) * sizeof *a->overrides);
    a->overrides[a->noverrides].ns = xstrdup(ns);
    a->overrides[a->noverrides].tenant = xstrdup(tenant);
    a->noverrides++;
    a->index_built = false;
}

/* Compiles a tenant pattern; NULL with *err (caller frees) when it does not compile or has no
 * capture group. */
static pcre2_code *access_pattern_compile(const char *pattern, char **err)
{
    int code;
    PCRE2_SIZE off;
    uint32_t groups = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code,
                                   &off, NULL);

    if (re == NULL) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(code, msg, sizeof msg);
        *err = xasprintf("%s at offset %zu", (const char *)msg, (size_t)off);
        return NULL;
    }
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (groups < 1) {
        pcre2_code_free(re);
        *err = xstrdup("no capture group for the tenant");
        return NULL;
    }
    return re;
}

char *access_pattern_error(const char *pattern)
{
    char *err = NULL;
    pcre2_code *re = access_pattern_compile(pattern, &err);

    pcre2_code_free(re);
    return err;
}

int access_set_ns_pattern(struct access *a, const char *pattern, char **err)
{
    char *why = NULL;
    pcre2_code *re = access_pattern_compile(pattern, &why);

    if (re == NULL) {
        *err = xasprintf("bad tenant_pattern: %s", why);
        free(why);
        return -1;
    }
    pcre2_match_data_free(a->ns_match);
    pcre2_code_free(a->ns_pattern);
    a->ns_pattern = re;
    a->ns_match = pcre2_match_data_create_from_pattern(re, NULL);
    a->index_built = false;
    return 0;
}

/* The tenant the pattern gives namespace `ns` (owned by the index), or NULL. */
static const char *access_pattern_tenant(struct access *a, const char *ns)
{
    PCRE2_SIZE *ov;
    size_t len;

    if (a->ns_pattern == NULL ||
        pcre2_match(a->ns_pattern, (PCRE2_SPTR)ns, PCRE2_ZERO_TERMINATED, 0, 0, a->ns_match,
                    NULL) < 2) {
        return NULL;
    }
    ov = pcre2_get_ovector_pointer(a->ns_match);
    if (ov[2] == PCRE2_UNSET || ov[3] <= ov[2]) {
        return NULL;
    }
    len = ov[3] - ov[2];
    for (size_t i = 0; i < a->nderived; i++) {
        if (strncmp(a->derived[i], ns + ov[2], len) == 0 && a->derived[i][len] == '\0') {
            return a->derived[i];
        }
    }
    if (a->nderived == a->capderived) {
        a->capderived = a->capderived ? 2 * a->capderived : 16;
        a->derived = xrealloc(a->derived, a->capderived * sizeof *a->derived);
    }
    a->derived[a->nderived] = xstrndup(ns + ov[2], len);
    return a->derived[a->nderived++];
}

void access_bind(struct access *a, struct store *s)
{
    a->store = s;
    a->index_built = false;
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

static struct access_ns *access_slot(const struct access *a, const char *ns)
{
    size_t mask = a->nindex - 1;

    for (size_t i = (size_t)store_hash(ns) & mask;; i = (i + 1) & mask) {
        if (a->index[i].ns == NULL || strcmp(a->index[i].ns, ns) == 0) {
            return &a->index[i];
        }
    }
}

static void access_index_put(struct access *a, const char *ns, const char *tenant)
{
    struct access_ns *e = access_slot(a, ns);

    if (e->ns != NULL) {
        return; /* an override came first */
    }
    e->ns = ns;
    e->tenant = tenant;
    e->visible = access_tenant_visible(a, tenant);
}

/* Rebuilds the namespace index when the namespaces changed since it was built. */
static void access_index(struct access *a)
{
    const struct store_table *t;
    size_t want = 16;

    if (a->store == NULL) {
        return;
    }
    t = &a->store->tables[STORE_NAMESPACE];
    if (a->index_built && a->index_gen == t->gen) {
        return;
    }
    while (want < 2 * (t->count + a->noverrides) + 2) {
        want *= 2;
    }
    if (want != a->nindex) {
        free(a->index);
        a->index = xmalloc(want * sizeof *a->index);
        a->nindex = want;
    }
    memset(a->index, 0, a->nindex * sizeof *a->index);
    for (size_t i = 0; i < a->noverrides; i++) {
        access_index_put(a, a->overrides[i].ns, a->overrides[i].tenant);
    }
    for (size_t i = 0; i < t->count; i++) {
        const struct k8s_namespace *ns = (const struct k8s_namespace *)t->rows[i];

        if (ns->name != NULL) {
            const char *tenant = ns->tenant;

            if (tenant == NULL && a->ns_pattern != NULL) {
                tenant = access_pattern_tenant(a, ns->name);
            }
            access_index_put(a, ns->name, tenant);
        }
    }
    a->index_gen = t->gen;
    a->epoch++;
    a->index_built = true;
}

uint64_t access_gen(struct access *a)
{
    access_index(a);
    return a->epoch;
}

static const struct access_ns *access_lookup(struct access *a, const char *ns)
{
    const struct access_ns *e;

    access_index(a);
    if (ns == NULL || a->index == NULL) {
        return NULL;
    }
    e = access_slot(a, ns);
    return e->ns != NULL ? e : NULL;
}

const char *access_ns_tenant(struct access *a, const char *ns)
{
    const struct access_ns *e = access_lookup(a, ns);

    return e != NULL ? e->tenant : NULL;
}

bool access_ns_visible(struct access *a, const char *ns)
{
    const struct access_ns *e;

    if (a->tenants == NULL) {
        return true;
    }
    e = access_lookup(a, ns);
    return e != NULL && e->visible;
}

/* Is `tok` (len bytes) a namespace or a tenant this session (scoped) may not see? */
static bool access_token_hidden(struct access *a, const char *tok, size_t len)
{
    const struct access_ns *ns;
    char name[64];

    if (len == 0 || len >= sizeof name) {
        return false;
    }
    memcpy(name, tok, len);
    name[len] = '\0';
    ns = access_lookup(a, name);
    if (ns != NULL) {
        return !ns->visible;
    }
    for (size_t i = 0; i < a->nindex; i++) {
        const struct access_ns *e = &a->index[i];

        if (e->ns != NULL && e->tenant != NULL && strcmp(e->tenant, name) == 0) {
            return !e->visible;
        }
    }
    return false;
}

const char *access_redact(struct access *a, const char *text)
{
    static const char withheld[] =
        "an error about a namespace outside your scope (details withheld)";
    const char *p = text;

    if (a->tenants == NULL || text == NULL) {
        return text;
    }
    access_index(a);
    while (*p != '\0') {
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");

        if (n > 0 && access_token_hidden(a, p, n)) {
            return withheld;
        }
        p += n;
        p += strcspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");
    }
    return text;
}

/* Where a row of `kind` lives: its namespace (NULL for cluster-scoped rows). Every kind the
 * store holds is named here, so that a new kind cannot skip the scope check. */
static const char *access_row_ns(enum store_kind kind, const struct store_row *r)
{
    switch (kind) {
    case STORE_NAMESPACE:
        return ((const struct k8s_namespace *)r)->name;
    case STORE_POD:
        return ((const struct k8s_pod *)r)->ns;
    case STORE_DEPLOYMENT:
    case STORE_STATEFULSET:
        return ((const struct k8s_workload *)r)->ns;
    case STORE_EVENT:
        return ((const struct k8s_event *)r)->ns;
    case STORE_REPLICASET:
        return ((const struct k8s_replicaset *)r)->ns;
    case STORE_QUOTA:
        return ((const struct k8s_quota *)r)->ns;
    case STORE_POD_METRICS:
    case STORE_NODE_METRICS: /* a node's: NULL, cluster-scoped */
        return ((const struct k8s_metrics *)r)->ns;
    case STORE_KIND_COUNT:
        break;
    }
    return NULL;
}

/* True if the row is in scope; *tenant gets its tenant. */
static bool access_row_visible(struct access *a, enum store_kind kind, const struct store_row *r,
                               const char **tenant)
{
    const struct access_ns *e = access_lookup(a, access_row_ns(kind, r));

    *tenant = e != NULL ? e->tenant : NULL;
    return a->tenants == NULL || (e != NULL && e->visible);
}

void access_rows(struct access *a, enum store_kind kind, struct access_cursor *c)
{
    access_index(a);
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
    return verb == ACCESS_RESTART || verb == ACCESS_SCALE || verb == ACCESS_DELETE;
}

int access_check(struct access *a, enum access_verb verb, const char *ns, char *why,
                 size_t size)
{
    if (access_mutates(verb) && a->readonly) {
        snprintf(why, size, "read-only session (--readonly)");
        return -1;
    }
    if (a->tenants != NULL && (ns == NULL || !access_ns_visible(a, ns))) {
        snprintf(why, size, "not in your tenant scope (%s)", a->scope_text);
        return -1;
    }
    if (access_mutates(verb) && a->role == ACCESS_VIEWER) {
        snprintf(why, size, "role %s may not %s", access_role_name(a->role),
                 access_verb_name(verb));
        return -1;
    }
    return 0;
}
