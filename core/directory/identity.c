#include "core/directory/identity.h"

#include <ctype.h>
#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/directory/escape.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* Groups asked about in one level search: (|(member=A)(member=B)...). */
#define IDENTITY_OR_CHUNK 64

/* A growing NULL-terminated list of owned strings. */
struct strv {
    char **v;
    size_t n, cap;
};

static void strv_push(struct strv *s, char *item)
{
    if (s->n + 2 > s->cap) {
        s->cap = s->cap == 0 ? 8 : s->cap * 2;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = item;
    s->v[s->n] = NULL;
}

static bool strv_has(const struct strv *s, const char *item)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->v[i], item) == 0) {
            return true;
        }
    }
    return false;
}

static void strv_free(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
        free(v[i]);
    }
    free(v);
}

/* A DN in a form two spellings of one DN share: normalised by libldap, lower-cased (the
 * attribute values the console compares, cn and dc, match case-insensitively). Caller frees. */
static char *identity_dn_key(const char *dn)
{
    char *norm = NULL, *key;

    if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAP, &norm, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
        norm != NULL) {
        key = xstrdup(norm);
        ldap_memfree(norm);
    } else {
        key = xstrdup(dn);
    }
    for (char *p = key; *p != '\0'; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    return key;
}

/* The value of the DN's first RDN when it is a single cn, else NULL. Caller frees. */
static char *identity_dn_cn(const char *dn)
{
    LDAPDN parsed = NULL;
    char *cn = NULL;

    if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAP) != LDAP_SUCCESS || parsed == NULL) {
        return NULL;
    }
    if (parsed[0] != NULL && parsed[0][0] != NULL && parsed[0][1] == NULL &&
        parsed[0][0]->la_attr.bv_len == 2 &&
        strncasecmp(parsed[0][0]->la_attr.bv_val, "cn", 2) == 0 &&
        memchr(parsed[0][0]->la_value.bv_val, '\0', parsed[0][0]->la_value.bv_len) == NULL) {
        cn = xstrndup(parsed[0][0]->la_value.bv_val, parsed[0][0]->la_value.bv_len);
    }
    ldap_dnfree(parsed);
    return cn;
}

/* Does the group (DN dn, cn cn, may be NULL) match a configured group: a DN or a cn? */
static bool identity_group_is(const char *dn, const char *cn, const char *want)
{
    bool same;

    if (strchr(want, '=') == NULL) {
        return cn != NULL && strcasecmp(cn, want) == 0;
    }
    char *a = identity_dn_key(dn), *b = identity_dn_key(want);

    same = strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

/* NAME when cn is prefix NAME suffix and NAME is a tenant name (lower-cased), else NULL. */
static char *identity_tenant_of(const char *cn, const char *prefix, const char *suffix)
{
    size_t n = strlen(cn), np = strlen(prefix), ns = strlen(suffix);
    char *name;

    if (n <= np + ns || strncasecmp(cn, prefix, np) != 0 || strcasecmp(cn + n - ns, suffix) != 0) {
        return NULL;
    }
    name = xstrndup(cn + np, n - np - ns);
    if (name[0] == '-') {
        free(name);
        return NULL;
    }
    for (char *p = name; *p != '\0'; p++) {
        *p = (char)tolower((unsigned char)*p);
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
            free(name);
            return NULL;
        }
    }
    return name;
}

static void identity_add_tenant(struct strv *s, char *name)
{
    if (name == NULL) {
        return;
    }
    if (strv_has(s, name)) {
        free(name);
    } else {
        strv_push(s, name);
    }
}

void dir_grant_map(const char *const *groups, const char *operators, const char *oncall,
                   const char *prefix, struct dir_grant *out)
{
    struct strv dev = {0}, view = {0};

    operators = operators != NULL && operators[0] != '\0' ? operators : "govcloud-operators";
    oncall = oncall != NULL && oncall[0] != '\0' ? oncall : "govcloud-oncall";
    prefix = prefix != NULL ? prefix : "tenant-";
    memset(out, 0, sizeof *out);
    for (size_t i = 0; groups != NULL && groups[i] != NULL; i++) {
        char *cn = identity_dn_cn(groups[i]);

        out->g.operator = out->g.operator || identity_group_is(groups[i], cn, operators);
        out->g.oncall = out->g.oncall || identity_group_is(groups[i], cn, oncall);
        if (cn != NULL) {
            identity_add_tenant(&dev, identity_tenant_of(cn, prefix, "-developers"));
            identity_add_tenant(&view, identity_tenant_of(cn, prefix, "-viewers"));
        }
        free(cn);
    }
    out->developer = dev.v;
    out->viewer = view.v;
    out->g.developer = (const char *const *)dev.v;
    out->g.viewer = (const char *const *)view.v;
}

void dir_grant_fini(struct dir_grant *g)
{
    if (g == NULL) {
        return;
    }
    strv_free(g->developer);
    strv_free(g->viewer);
    memset(g, 0, sizeof *g);
}

/* Appends "what of a, b" for a non-empty list to *acc. */
static void identity_text_list(char **acc, const char *what, const char *const *names)
{
    char *list = NULL, *joined;

    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        joined = list == NULL ? xstrdup(names[i]) : xasprintf("%s, %s", list, names[i]);
        free(list);
        list = joined;
    }
    if (list == NULL) {
        return;
    }
    joined = *acc == NULL ? xasprintf("%s of %s", what, list)
                          : xasprintf("%s; %s of %s", *acc, what, list);
    free(*acc);
    free(list);
    *acc = joined;
}

static void identity_text_add(char **acc, const char *what)
{
    char *joined = *acc == NULL ? xstrdup(what) : xasprintf("%s; %s", *acc, what);

    free(*acc);
    *acc = joined;
}

char *dir_grant_text(const struct access_grant *g)
{
    char *t = NULL;

    if (g->operator) {
        identity_text_add(&t, "operator");
    }
    if (g->oncall) {
        identity_text_add(&t, "on-call");
    }
    identity_text_list(&t, "developer", g->developer);
    identity_text_list(&t, "viewer", g->viewer);
    return t != NULL ? t : xstrdup("no role");
}

/* One resolution. */
struct identity {
    const struct dir_identity_opts *o;
    struct dir_identity *out;
    struct dir_conn *c;
    struct dir_probe_result conn_res;
    struct strv groups;    /* DNs as the server spelled them */
    struct strv keys;      /* their identity_dn_key(), to visit each once */
};

static double identity_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* A subtree search of base under what is left of the deadline. Returns libldap's code;
 * a silence sets the connection's error. */
static int identity_search(struct identity *it, const char *step, const char *filter,
                           char **attrs, int sizelimit, LDAPMessage **res)
{
    struct timeval tv;
    int rc;

    *res = NULL;
    if (dir_conn_arm(it->c, step, &tv) != 0) {
        return LDAP_TIMEOUT;
    }
    rc = ldap_search_ext_s(dir_conn_ldap(it->c), it->o->conn.base, LDAP_SCOPE_SUBTREE, filter,
                           attrs, 0, NULL, NULL, &tv, sizelimit, res);
    if (dir_conn_no_answer(rc)) {
        dir_conn_fail(it->c, xasprintf("no answer from %s while %s", dir_conn_uri(it->c), step),
                      rc);
    }
    return rc;
}

/* Adds a group DN unless seen; true when it was new. */
static bool identity_add_group(struct identity *it, const char *dn)
{
    char *key = identity_dn_key(dn);

    if (it->groups.n >= DIR_GROUP_MAX || strv_has(&it->keys, key)) {
        free(key);
        return false;
    }
    strv_push(&it->keys, key);
    strv_push(&it->groups, xstrdup(dn));
    return true;
}

/* Adds the DN of every entry in res. */
static void identity_add_entries(struct identity *it, LDAPMessage *res)
{
    LDAP *ld = dir_conn_ldap(it->c);

    for (LDAPMessage *e = ldap_first_entry(ld, res); e != NULL; e = ldap_next_entry(ld, e)) {
        char *dn = ldap_get_dn(ld, e);

        if (dn != NULL) {
            identity_add_group(it, dn);
            ldap_memfree(dn);
        }
    }
}

/* The failure of a step the server answered with an error. */
static int identity_fail(struct identity *it, const char *step, int rc)
{
    dir_conn_fail(it->c, xasprintf("%s failed", step), rc);
    return -1;
}

/* Groups by AD's transitive rule. 0 when the server answered it; 1 when it answered with an
 * error, or with no group although the entry's memberOf names some (the transitive groups
 * include the direct ones: a server that answers so cannot evaluate the rule): fall back;
 * -1 when it did not answer. */
static int identity_groups_rule(struct identity *it)
{
    size_t direct = it->groups.n;
    char *no_attrs[] = {(char *)LDAP_NO_ATTRS, NULL};
    char *esc = dir_filter_escape(it->out->dn, strlen(it->out->dn));
    char *filter = xasprintf("(member:1.2.840.113556.1.4.1941:=%s)", esc);
    LDAPMessage *res = NULL;
    int rc = identity_search(it, "reading the user's groups", filter, no_attrs, 0, &res);

    free(esc);
    free(filter);
    if (dir_conn_no_answer(rc) || rc == LDAP_TIMEOUT) {
        ldap_msgfree(res);
        return -1;
    }
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
        ldap_msgfree(res);
        return 1;
    }
    if (direct > 0 && ldap_count_entries(dir_conn_ldap(it->c), res) == 0) {
        ldap_msgfree(res);
        return 1;
    }
    identity_add_entries(it, res);
    ldap_msgfree(res);
    it->out->nested_rule = true;
    return 0;
}

/* One level: the groups whose member is one of dns[0..n). */
static int identity_groups_level(struct identity *it, char *const *dns, size_t n)
{
    char *no_attrs[] = {(char *)LDAP_NO_ATTRS, NULL};
    char *filter = xstrdup("(|");
    LDAPMessage *res = NULL;
    int rc;

    for (size_t i = 0; i < n; i++) {
        char *esc = dir_filter_escape(dns[i], strlen(dns[i]));
        char *more = xasprintf("%s(member=%s)", filter, esc);

        free(esc);
        free(filter);
        filter = more;
    }
    {
        char *closed = xasprintf("%s)", filter);

        free(filter);
        filter = closed;
    }
    rc = identity_search(it, "reading the user's groups", filter, no_attrs, 0, &res);
    free(filter);
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
        ldap_msgfree(res);
        return dir_conn_no_answer(rc) || rc == LDAP_TIMEOUT
                   ? -1
                   : identity_fail(it, "the search for the user's groups", rc);
    }
    identity_add_entries(it, res);
    ldap_msgfree(res);
    return 0;
}

/* Groups level by level from the user's DN (and memberOf values already added). */
static int identity_groups_levels(struct identity *it)
{
    size_t from = 0, to;

    /* level 0: groups with the user as a member */
    if (identity_groups_level(it, &it->out->dn, 1) != 0) {
        return -1;
    }
    for (int depth = 0; depth < DIR_GROUP_DEPTH && from < it->groups.n; depth++) {
        to = it->groups.n;
        for (size_t i = from; i < to; i += IDENTITY_OR_CHUNK) {
            size_t n = to - i < IDENTITY_OR_CHUNK ? to - i : IDENTITY_OR_CHUNK;

            if (identity_groups_level(it, it->groups.v + i, n) != 0) {
                return -1;
            }
        }
        from = to;
    }
    return 0;
}

/* Step 2: the user's entry; its memberOf values become groups. 0 found, 1 nobody, -1 error. */
static int identity_find_user(struct identity *it)
{
    char *attrs[] = {(char *)"memberOf", NULL};
    const char *user = it->o->user != NULL ? it->o->user : "";
    char *esc, *filter;
    LDAPMessage *res = NULL, *e;
    LDAP *ld = dir_conn_ldap(it->c);
    int rc;

    if (user[0] == '\0') {
        return 1;
    }
    esc = dir_filter_escape(user, strlen(user));
    filter = xasprintf("(|(uid=%s)(sAMAccountName=%s))", esc, esc);
    free(esc);
    rc = identity_search(it, "looking up the user", filter, attrs, 2, &res);
    free(filter);
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
        ldap_msgfree(res);
        if (dir_conn_no_answer(rc) || rc == LDAP_TIMEOUT) {
            return -1;
        }
        if (rc == LDAP_NO_SUCH_OBJECT) {
            char *base = sanitize_dup(it->o->conn.base);

            dir_conn_fail_msg(it->c, xasprintf("base %s not found (or not visible to the "
                                               "service account)",
                                               base));
            free(base);
            return -1;
        }
        return identity_fail(it, "looking up the user", rc);
    }
    if (ldap_count_entries(ld, res) != 1) {
        ldap_msgfree(res);
        return 1;
    }
    e = ldap_first_entry(ld, res);
    {
        char *dn = ldap_get_dn(ld, e);
        struct berval **vals;

        if (dn == NULL) {
            ldap_msgfree(res);
            return 1;
        }
        it->out->dn = xstrdup(dn);
        ldap_memfree(dn);
        vals = ldap_get_values_len(ld, e, "memberOf");
        for (int i = 0; vals != NULL && vals[i] != NULL; i++) {
            char *v = xstrndup(vals[i]->bv_val, vals[i]->bv_len);

            if (strlen(v) == vals[i]->bv_len) {
                identity_add_group(it, v);
            }
            free(v);
        }
        ldap_value_free_len(vals);
    }
    ldap_msgfree(res);
    return 0;
}

/* The service bind, when there is a service account. */
static int identity_service_bind(struct identity *it)
{
    if (it->o->conn.bind_dn == NULL) {
        return 0;
    }
    return dir_conn_bind(it->c, it->o->conn.bind_dn, it->o->conn.password) == LDAP_SUCCESS ? 0
                                                                                            : -1;
}

/* For a --login name that finds no single entry: a bind as a DN that cannot exist, so that
 * the refusal costs the round trip a wrong password costs, and the time taken does not tell
 * whether the user exists. Its outcome is not used. */
static void identity_decoy_bind(struct identity *it)
{
    char *dn = xasprintf("cn=govconsole-no-such-user,%s", it->o->conn.base);
    struct dir_probe_result *res = &it->conn_res;
    char *kept = res->error;

    res->error = NULL;
    dir_conn_bind(it->c, dn, it->o->password);
    free(res->error);
    res->error = kept;
    free(dn);
}

/* Steps 1-4; sets out->status. */
static void identity_run(struct identity *it)
{
    struct dir_identity *out = it->out;
    int found, rc;

    out->status = DIR_IDENTITY_ERROR;
    if (it->conn_res.error != NULL || identity_service_bind(it) != 0) {
        return;
    }
    found = identity_find_user(it);
    if (found < 0) {
        return;
    }
    if (it->o->password != NULL) {
        if (found == 1 && it->o->password[0] != '\0') {
            identity_decoy_bind(it);
        }
        if (found == 1 || it->o->password[0] == '\0') {
            out->status = DIR_IDENTITY_REFUSED;
            return;
        }
        rc = dir_conn_bind(it->c, out->dn, it->o->password);
        if (rc == LDAP_INVALID_CREDENTIALS) {
            out->status = DIR_IDENTITY_REFUSED;
            return;
        }
        if (rc != LDAP_SUCCESS || identity_service_bind(it) != 0) {
            return;
        }
    } else if (found == 1) {
        out->status = DIR_IDENTITY_UNKNOWN;
        return;
    }
    rc = dir_conn_ad(it->c) ? identity_groups_rule(it) : 1;
    if (rc < 0 || (rc > 0 && identity_groups_levels(it) != 0)) {
        return;
    }
    out->status = DIR_IDENTITY_OK;
}

int dir_identity_resolve(const struct dir_identity_opts *o, struct dir_identity *out)
{
    struct identity it = {0};
    double start = identity_now_ms();
    char *user;

    memset(out, 0, sizeof *out);
    it.o = o;
    it.out = out;
    it.c = dir_conn_open(&o->conn, &it.conn_res);
    identity_run(&it);
    dir_conn_close(it.c);
    user = sanitize_dup(o->user != NULL ? o->user : "");
    switch (out->status) {
    case DIR_IDENTITY_OK:
        out->groups = it.groups.v != NULL ? it.groups.v : xcalloc(1, sizeof(char *));
        it.groups.v = NULL;
        dir_grant_map((const char *const *)out->groups, o->operators, o->oncall,
                      o->tenant_prefix, &out->grant);
        break;
    case DIR_IDENTITY_UNKNOWN:
        out->error = xasprintf("%s is not in the directory (no single entry with that uid or "
                               "sAMAccountName)",
                               user);
        break;
    case DIR_IDENTITY_REFUSED:
        out->error = xstrdup("login refused: wrong user name or password");
        break;
    case DIR_IDENTITY_ERROR:
        out->error = it.conn_res.error != NULL ? it.conn_res.error
                                               : xstrdup("the directory did not answer");
        it.conn_res.error = NULL;
        break;
    }
    if (out->status != DIR_IDENTITY_OK) {
        free(out->dn);
        out->dn = NULL;
    }
    free(user);
    strv_free(it.groups.v);
    strv_free(it.keys.v);
    dir_probe_result_fini(&it.conn_res);
    out->ms = identity_now_ms() - start;
    return out->status == DIR_IDENTITY_OK ? 0 : -1;
}

char *dir_identity_summary(const struct dir_identity *id, const char *user)
{
    char *groups = NULL, *role, *line, *clean;

    if (id->status != DIR_IDENTITY_OK) {
        line = xasprintf("user %s: %s", user, id->error != NULL ? id->error : "unknown");
    } else {
        for (size_t i = 0; id->groups != NULL && id->groups[i] != NULL; i++) {
            char *cn = identity_dn_cn(id->groups[i]);
            char *more = xasprintf("%s%s%s", groups != NULL ? groups : "",
                                   groups != NULL ? ", " : "", cn != NULL ? cn : id->groups[i]);

            free(cn);
            free(groups);
            groups = more;
        }
        role = dir_grant_text(&id->grant.g);
        line = xasprintf("user %s (%s): groups %s; role %s", user, id->dn,
                         groups != NULL ? groups : "none", role);
        free(role);
        free(groups);
    }
    clean = sanitize_dup(line);
    free(line);
    return clean;
}

int dir_identity_opts_init(const struct gc_config *cfg, const char *user,
                           struct dir_identity_opts *o, char **password, char **err)
{
    const char *ca_file = NULL;
    bool insecure = false;
    char *why = NULL;

    memset(o, 0, sizeof *o);
    *password = config_password(cfg, "directory", &why);
    if (why != NULL) {
        *err = why;
        return -1;
    }
    if (cfg->directory.bind_dn != NULL && *password == NULL) {
        *err = xstrdup("[directory] bind_dn has no password: set password_file (mode 0600) or "
                       "$GOVCONSOLE_DIRECTORY_PASSWORD");
        return -1;
    }
    config_tls(cfg, "directory", &ca_file, &insecure);
    o->conn = (struct dir_probe_opts){
        .uri = cfg->directory.uri,
        .base = cfg->directory.base,
        .bind_dn = cfg->directory.bind_dn,
        .password = *password,
        .starttls = cfg->directory.starttls,
        .ca_file = ca_file,
        .insecure = insecure,
        .timeout_ms = (long)cfg->directory.timeout_ms,
    };
    o->user = user;
    o->operators = cfg->access.operators;
    o->oncall = cfg->access.oncall;
    o->tenant_prefix = cfg->access.tenant_group_prefix;
    return 0;
}

void dir_identity_fini(struct dir_identity *id)
{
    if (id == NULL) {
        return;
    }
    free(id->dn);
    strv_free(id->groups);
    dir_grant_fini(&id->grant);
    free(id->error);
    memset(id, 0, sizeof *id);
}
