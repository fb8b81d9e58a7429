/* The Nagios host map: hostgroups and custom variables to tenant and app per host. */
#include "core/nagios/nagios_objects.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/jsonflat.h"
#include "core/sanitize.h"
#include "core/tenant_pattern.h"
#include "core/xalloc.h"

struct host {
    struct nagios_host_entry e; /* e.host = name, e.tenant = tenant, e.app = app */
    char *name;
    char **groups; /* sanitized, sorted once resolved */
    size_t ngroups;
    char *app_var; /* _APP, NULL when not set */
    char *tenant;
    char *app;
};

struct nagios_hostmap {
    struct host *hosts; /* sorted by name when `sorted` */
    size_t n, cap;
    bool sorted;
};

struct nagios_hostmap *nagios_hostmap_new(void)
{
    return xcalloc(1, sizeof(struct nagios_hostmap));
}

static void host_fini(struct host *h)
{
    for (size_t i = 0; i < h->ngroups; i++) {
        free(h->groups[i]);
    }
    free(h->groups);
    free(h->name);
    free(h->app_var);
    free(h->tenant);
    free(h->app);
}

void nagios_hostmap_free(struct nagios_hostmap *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        host_fini(&m->hosts[i]);
    }
    free(m->hosts);
    free(m);
}

static int host_cmp(const void *a, const void *b)
{
    return strcmp(((const struct host *)a)->name, ((const struct host *)b)->name);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the hosts by name and folds duplicates (a host read from both answers) into one. */
static void hostmap_sort(struct nagios_hostmap *m)
{
    size_t out = 0;

    if (m->sorted) {
        return;
    }
    if (m->n > 1) {
        qsort(m->hosts, m->n, sizeof m->hosts[0], host_cmp);
    }
    for (size_t i = 0; i < m->n; i++) {
        struct host *h = &m->hosts[i];

        if (out > 0 && strcmp(m->hosts[out - 1].name, h->name) == 0) {
            struct host *keep = &m->hosts[out - 1];

            if (h->ngroups > 0) {
                keep->groups = xrealloc(keep->groups,
                                        (keep->ngroups + h->ngroups) * sizeof(char *));
                memcpy(keep->groups + keep->ngroups, h->groups, h->ngroups * sizeof(char *));
                keep->ngroups += h->ngroups;
                h->ngroups = 0;
            }
            if (keep->app_var == NULL) {
                keep->app_var = h->app_var;
                h->app_var = NULL;
            }
            host_fini(h);
            continue;
        }
        m->hosts[out++] = *h;
    }
    m->n = out;
    m->sorted = true;
}

static struct host *hostmap_add(struct nagios_hostmap *m, const char *name)
{
    struct host *h;

    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        m->hosts = xrealloc(m->hosts, m->cap * sizeof m->hosts[0]);
    }
    h = &m->hosts[m->n++];
    memset(h, 0, sizeof *h);
    h->name = sanitize_dup(name);
    m->sorted = false;
    return h;
}

static void host_add_group(struct host *h, const char *group)
{
    h->groups = xrealloc(h->groups, (h->ngroups + 1) * sizeof(char *));
    h->groups[h->ngroups++] = sanitize_dup(group);
}

char *nagios_not_json_text(const char *body, size_t len)
{
    size_t i = 0;

    while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) {
        i++;
    }
    if (i < len && body[i] == '<') {
        return xstrdup("an HTML page, not the JSON CGI: is [nagios] url the cgi-bin directory, "
                       "and are the credentials accepted?");
    }
    return xstrdup("not the Nagios JSON CGI's answer");
}

json_t *nagios_answer_data(json_t *root, const char *member, const char **user, char **err)
{
    json_t *result = json_object_get(root, "result");
    json_t *code = json_object_get(result, "type_code");
    json_t *data;

    if (user != NULL) {
        *user = json_string_value(json_object_get(result, "user"));
    }
    if (!json_is_object(result) || !json_is_integer(code)) {
        *err = xstrdup("not the Nagios JSON CGI's answer");
        return NULL;
    }
    if (json_integer_value(code) != 0) {
        const char *type = json_string_value(json_object_get(result, "type_text"));
        const char *msg = json_string_value(json_object_get(result, "message"));
        char *ctype = sanitize_dup(type != NULL ? type : "error");
        char *cmsg = sanitize_dup(msg != NULL ? msg : "");

        *err = xasprintf("Nagios: %s%s%s", ctype, cmsg[0] ? ": " : "", cmsg);
        free(ctype);
        free(cmsg);
        return NULL;
    }
    data = json_object_get(json_object_get(root, "data"), member);
    if (data == NULL) {
        *err = xasprintf("Nagios: the answer holds no %s", member);
        return NULL;
    }
    return data;
}

char *nagios_no_data_text(const char *user)
{
    char *clean = sanitize_dup(user != NULL ? user : "?");
    char *out = xasprintf("Nagios returned no data for user %s; check cgi.cfg authorization",
                          clean);

    free(clean);
    return out;
}

/* Parses `body` and returns data.<member> as an object, or NULL with *err; *root to free. */
static json_t *read_answer(const char *body, size_t len, const char *member, json_t **root,
                           const char **user, char **err)
{
    json_t *data;

    *root = jsonflat_load(body, len, 0, NULL);
    if (*root == NULL) {
        *err = nagios_not_json_text(body, len);
        return NULL;
    }
    data = nagios_answer_data(*root, member, user, err);
    if (data != NULL && !json_is_object(data)) {
        *err = xasprintf("Nagios: %s is not an object", member);
        return NULL;
    }
    return data;
}

int nagios_hostmap_read_groups(struct nagios_hostmap *m, const char *body, size_t len,
                               bool *rejected, char **err)
{
    json_t *root;
    json_t *groups = read_answer(body, len, "hostgrouplist", &root, NULL, err);
    const char *gname;
    json_t *g;

    if (rejected != NULL) {
        *rejected = false;
    }
    if (groups == NULL) {
        json_decref(root);
        return -1;
    }
    json_object_foreach(groups, gname, g) {
        const char *name = json_string_value(json_object_get(g, "group_name"));
        json_t *members = json_object_get(g, "members");
        size_t i;
        json_t *member;

        if (name == NULL) {
            name = gname;
        }
        json_array_foreach(members, i, member) {
            const char *host = json_string_value(member);

            if (host != NULL && host[0] != '\0') {
                host_add_group(hostmap_add(m, host), name);
            }
        }
    }
    json_decref(root);
    return 0;
}

/* The _APP custom variable of a host object ("APP" as objectjson lists it), or NULL. */
static const char *app_var(const json_t *host)
{
    json_t *vars = json_object_get(host, "custom_variables");
    const char *key;
    json_t *v;

    json_object_foreach(vars, key, v) {
        if (strcasecmp(key, "APP") == 0 || strcasecmp(key, "_APP") == 0) {
            const char *s = json_string_value(v);

            if (s == NULL && json_is_object(v)) {
                s = json_string_value(json_object_get(v, "value"));
            }
            return s != NULL && s[0] != '\0' ? s : NULL;
        }
    }
    return NULL;
}

int nagios_hostmap_read_hosts(struct nagios_hostmap *m, const char *body, size_t len,
                              bool *rejected, char **err)
{
    json_t *root;
    const char *user = NULL;
    json_t *hosts = read_answer(body, len, "hostlist", &root, &user, err);
    const char *key;
    json_t *h;

    if (rejected != NULL) {
        *rejected = false;
    }
    if (hosts == NULL) {
        json_decref(root);
        return -1;
    }
    if (json_object_size(hosts) == 0) {
        *err = nagios_no_data_text(user);
        if (rejected != NULL) {
            *rejected = true;
        }
        json_decref(root);
        return -1;
    }
    json_object_foreach(hosts, key, h) {
        const char *name = json_string_value(json_object_get(h, "name"));
        const char *app = app_var(h);
        struct host *e = hostmap_add(m, name != NULL ? name : key);

        e->app_var = app != NULL ? sanitize_dup(app) : NULL;
    }
    json_decref(root);
    return 0;
}

void nagios_hostmap_merge(struct nagios_hostmap *dst, const struct nagios_hostmap *src)
{
    for (size_t i = 0; src != NULL && i < src->n; i++) {
        const struct host *s = &src->hosts[i];
        struct host *d = hostmap_add(dst, s->name);

        for (size_t g = 0; g < s->ngroups; g++) {
            host_add_group(d, s->groups[g]);
        }
        d->app_var = s->app_var != NULL ? xstrdup(s->app_var) : NULL;
    }
}

/* The tenant whose [tenant NAME] nagios_hostgroup is `group`, or NULL. */
static const char *override_tenant(const struct gc_config *cfg, const char *group)
{
    for (size_t i = 0; cfg != NULL && i < cfg->ntenants; i++) {
        const char *hg = cfg->tenants[i].nagios_hostgroup;

        if (hg != NULL && strcmp(hg, group) == 0) {
            return cfg->tenants[i].name;
        }
    }
    return NULL;
}

/* The tenant of a group by the pattern, unless that tenant names another hostgroup. */
static const char *pattern_tenant(const struct gc_config *cfg, struct tenant_pattern *tp,
                                  const char *group)
{
    const char *t = tenant_pattern_match(tp, group);
    const struct config_tenant *ct = t != NULL && cfg != NULL ? config_tenant(cfg, t) : NULL;

    if (ct != NULL && ct->nagios_hostgroup != NULL && strcmp(ct->nagios_hostgroup, group) != 0) {
        return NULL;
    }
    return t;
}

static const char *host_tenant(const struct host *h, const struct gc_config *cfg,
                               struct tenant_pattern *tp)
{
    for (size_t i = 0; i < h->ngroups; i++) {
        const char *t = override_tenant(cfg, h->groups[i]);

        if (t != NULL) {
            return t;
        }
    }
    for (size_t i = 0; i < h->ngroups; i++) {
        const char *t = pattern_tenant(cfg, tp, h->groups[i]);

        if (t != NULL) {
            return t;
        }
    }
    return NULL;
}

void nagios_hostmap_resolve(struct nagios_hostmap *m, const struct gc_config *cfg,
                            struct tenant_pattern *tp)
{
    hostmap_sort(m);
    for (size_t i = 0; i < m->n; i++) {
        struct host *h = &m->hosts[i];
        const char *t;
        size_t tl;

        if (h->ngroups > 1) {
            qsort(h->groups, h->ngroups, sizeof h->groups[0], str_cmp);
        }
        t = host_tenant(h, cfg, tp);
        free(h->tenant);
        free(h->app);
        h->tenant = t != NULL ? sanitize_dup(t) : NULL;
        tl = t != NULL ? strlen(t) : 0;
        if (h->app_var != NULL) {
            h->app = xstrdup(h->app_var);
        } else if (t != NULL && strncmp(h->name, t, tl) == 0 && h->name[tl] == '-' &&
                   h->name[tl + 1] != '\0') {
            h->app = xstrdup(h->name + tl + 1);
        } else {
            h->app = xstrdup(h->name);
        }
        h->e.host = h->name;
        h->e.tenant = h->tenant;
        h->e.app = h->app;
    }
}

const struct nagios_host_entry *nagios_hostmap_find(const struct nagios_hostmap *m,
                                                    const char *host)
{
    size_t lo = 0, hi;

    if (m == NULL || host == NULL || !m->sorted) {
        return NULL;
    }
    hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(host, m->hosts[mid].name);

        if (c == 0) {
            return &m->hosts[mid].e;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

size_t nagios_hostmap_count(const struct nagios_hostmap *m)
{
    return m != NULL && m->sorted ? m->n : 0;
}

const struct nagios_host_entry *nagios_hostmap_host(const struct nagios_hostmap *m, size_t i)
{
    return m != NULL && m->sorted && i < m->n ? &m->hosts[i].e : NULL;
}

char *nagios_cgi_base(const struct gc_config *cfg, const char *demo_url)
{
    const char *base = cfg->nagios.url;
    size_t n;

    if (demo_url != NULL) {
        return xasprintf("%s/nagios4/cgi-bin", demo_url);
    }
    if (base == NULL || base[0] == '\0') {
        return NULL;
    }
    n = strlen(base);
    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    return xasprintf("%.*s", (int)n, base);
}
