/* Directory enrichment (issue 16): entries to rows; see dir_model.h. */
#include "core/directory/dir_model.h"

#include <ctype.h>
#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

const char *const dir_model_attrs[DIR_A_COUNT + 1] = {
    [DIR_A_DISPLAYNAME] = "displayName",
    [DIR_A_DESCRIPTION] = "description",
    [DIR_A_O] = "o",
    [DIR_A_CN] = "cn",
    [DIR_A_MANAGER] = "manager",
    [DIR_A_OWNER] = "owner",
    [DIR_A_MANAGEDBY] = "managedBy",
    [DIR_A_MAIL] = "mail",
    [DIR_A_PHONE] = "telephoneNumber",
    [DIR_A_COUNT] = NULL,
};

struct dir_entry *dir_entry_add(struct dir_entry **list, size_t *n, size_t *cap, const char *dn)
{
    struct dir_entry *e;

    if (*n == *cap) {
        *cap = *cap != 0 ? *cap * 2 : 64;
        *list = xrealloc(*list, *cap * sizeof **list);
    }
    e = &(*list)[(*n)++];
    memset(e, 0, sizeof *e);
    e->dn = xstrdup(dn);
    return e;
}

static void dir_entries_free(struct dir_entry *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(list[i].dn);
        for (int a = 0; a < DIR_A_COUNT; a++) {
            free(list[i].attr[a]);
        }
    }
    free(list);
}

void dir_snapshot_fini(struct dir_snapshot *s)
{
    dir_entries_free(s->objs, s->nobjs);
    dir_entries_free(s->people, s->npeople);
    memset(s, 0, sizeof *s);
}

/* ---- DNs ---- */

static bool dir_bv_eq(const struct berval *a, const struct berval *b)
{
    return a->bv_len == b->bv_len && strncasecmp(a->bv_val, b->bv_val, a->bv_len) == 0;
}

static bool dir_bv_is(const struct berval *a, const char *s)
{
    return a->bv_len == strlen(s) && strncasecmp(a->bv_val, s, a->bv_len) == 0;
}

static bool dir_rdn_eq(LDAPRDN a, LDAPRDN b)
{
    size_t i;

    for (i = 0; a[i] != NULL && b[i] != NULL; i++) {
        if (!dir_bv_eq(&a[i]->la_attr, &b[i]->la_attr) ||
            !dir_bv_eq(&a[i]->la_value, &b[i]->la_value)) {
            return false;
        }
    }
    return a[i] == NULL && b[i] == NULL;
}

static size_t dir_dn_len(LDAPDN dn)
{
    size_t n = 0;

    while (dn != NULL && dn[n] != NULL) {
        n++;
    }
    return n;
}

static char *dir_bv_dup(const struct berval *v)
{
    return xstrndup(v->bv_val, v->bv_len);
}

char *dir_model_rdn_value(const char *dn)
{
    LDAPDN parsed = NULL;
    char *v = NULL;

    if (dn == NULL || ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS) {
        return NULL;
    }
    if (parsed != NULL && parsed[0] != NULL && parsed[0][0] != NULL) {
        v = dir_bv_dup(&parsed[0][0]->la_value);
    }
    ldap_dnfree(parsed);
    return v;
}

enum dir_class dir_model_classify(const char *dn, const char *tenants_dn, char **tenant,
                                  char **name)
{
    LDAPDN d = NULL, t = NULL;
    enum dir_class cls = DIR_CLASS_NONE;
    size_t nd, nt, depth;

    *tenant = *name = NULL;
    if (ldap_str2dn(dn, &d, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
        ldap_str2dn(tenants_dn, &t, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS) {
        goto out;
    }
    nd = dir_dn_len(d);
    nt = dir_dn_len(t);
    if (nd <= nt) {
        goto out;
    }
    depth = nd - nt;
    for (size_t i = 0; i < nt; i++) {
        if (!dir_rdn_eq(d[depth + i], t[i])) {
            goto out;
        }
    }
    if (depth == 1) {
        cls = DIR_CLASS_TENANT;
    } else if (depth == 3 && dir_bv_is(&d[1][0]->la_value, "Applications")) {
        cls = DIR_CLASS_APP;
    } else if (depth == 3 && dir_bv_is(&d[1][0]->la_value, "Datasets")) {
        cls = DIR_CLASS_DATASET;
    } else {
        goto out;
    }
    *tenant = dir_bv_dup(&d[depth - 1][0]->la_value);
    for (char *p = *tenant; *p != '\0'; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    if (cls != DIR_CLASS_TENANT) {
        *name = dir_bv_dup(&d[0][0]->la_value);
    }
out:
    ldap_dnfree(d);
    ldap_dnfree(t);
    return cls;
}

/* ---- rows ---- */

static int dir_entry_ptr_cmp(const void *a, const void *b)
{
    return strcmp((*(const struct dir_entry *const *)a)->dn,
                  (*(const struct dir_entry *const *)b)->dn);
}

struct dir_people {
    const struct dir_entry **sorted;
    size_t n;
};

static const struct dir_entry *dir_person(const struct dir_people *p, const char *dn)
{
    struct dir_entry key = {.dn = (char *)dn};
    const struct dir_entry *kp = &key, *const * hit;

    if (dn == NULL || p->n == 0) {
        return NULL;
    }
    hit = bsearch(&kp, p->sorted, p->n, sizeof *p->sorted, dir_entry_ptr_cmp);
    return hit != NULL ? *hit : NULL;
}

/* A sanitized copy of s, NULL for NULL or an empty (or all-blank) value. */
static char *dir_clean(const char *s)
{
    char *c;
    size_t n;

    if (s == NULL) {
        return NULL;
    }
    c = sanitize_dup(s);
    n = strlen(c);
    while (n > 0 && c[n - 1] == ' ') {
        c[--n] = '\0';
    }
    if (strspn(c, " ") == n) {
        free(c);
        return NULL;
    }
    return c;
}

/* The name of the person dn points at, sanitized: their displayName, else cn, else the
 * DN's first RDN value (also when the entry could not be read); NULL without dn. */
static char *dir_person_name(const struct dir_people *p, const char *dn)
{
    const struct dir_entry *e = dir_person(p, dn);
    char *name = NULL, *rdn;

    if (dn == NULL) {
        return NULL;
    }
    if (e != NULL) {
        name = dir_clean(e->attr[DIR_A_DISPLAYNAME]);
        if (name == NULL) {
            name = dir_clean(e->attr[DIR_A_CN]);
        }
    }
    if (name == NULL) {
        rdn = dir_model_rdn_value(dn);
        name = dir_clean(rdn != NULL ? rdn : dn);
        free(rdn);
    }
    return name;
}

static char *dir_first(const struct dir_entry *e, enum dir_attr a, enum dir_attr b, enum dir_attr c)
{
    char *v = dir_clean(e->attr[a]);

    if (v == NULL) {
        v = dir_clean(e->attr[b]);
    }
    if (v == NULL) {
        v = dir_clean(e->attr[c]);
    }
    return v;
}

/* The DN of the entry's manager: manager, else managedBy (NULL without either). */
static const char *dir_manager(const struct dir_entry *e)
{
    return e->attr[DIR_A_MANAGER] != NULL ? e->attr[DIR_A_MANAGER] : e->attr[DIR_A_MANAGEDBY];
}

static struct dir_tenant *dir_tenant_row(const struct dir_entry *e, char *tenant,
                                         const struct dir_people *p)
{
    struct dir_tenant *t = xcalloc(1, sizeof *t);
    char *mail = dir_clean(e->attr[DIR_A_MAIL]), *phone = dir_clean(e->attr[DIR_A_PHONE]);

    t->row.uid = dir_clean(tenant);
    if (t->row.uid == NULL) {
        t->row.uid = xstrdup("");
    }
    t->display = dir_first(e, DIR_A_DISPLAYNAME, DIR_A_DESCRIPTION, DIR_A_O);
    t->responsible = dir_person_name(p, dir_manager(e));
    if (mail != NULL && phone != NULL) {
        t->contact = xasprintf("%s, %s", mail, phone);
    } else if (mail != NULL || phone != NULL) {
        t->contact = xstrdup(mail != NULL ? mail : phone);
    } else {
        const struct dir_entry *m = dir_person(p, dir_manager(e));

        t->contact = m != NULL ? dir_clean(m->attr[DIR_A_MAIL]) : NULL;
    }
    free(mail);
    free(phone);
    return t;
}

char *dir_object_key(const char *tenant, const char *name, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/%s", tenant, name);

    return n >= 0 && (size_t)n < size ? buf : NULL;
}

static struct dir_object *dir_object_row(const struct dir_entry *e, const char *tenant,
                                         const char *name, const struct dir_people *p)
{
    struct dir_object *o = xcalloc(1, sizeof *o);
    const char *owner = e->attr[DIR_A_OWNER] != NULL ? e->attr[DIR_A_OWNER] : dir_manager(e);

    o->tenant = sanitize_dup(tenant);
    o->name = sanitize_dup(name);
    o->row.uid = xasprintf("%s/%s", o->tenant, o->name);
    o->owner = dir_person_name(p, owner);
    return o;
}

void dir_model_rows(const struct dir_snapshot *s, const char *tenants_dn, struct dir_rows *out)
{
    struct dir_people p = {xcalloc(s->npeople + 1, sizeof *p.sorted), s->npeople};

    memset(out, 0, sizeof *out);
    out->tenants = xcalloc(s->nobjs + 1, sizeof *out->tenants);
    out->apps = xcalloc(s->nobjs + 1, sizeof *out->apps);
    out->datasets = xcalloc(s->nobjs + 1, sizeof *out->datasets);
    for (size_t i = 0; i < s->npeople; i++) {
        p.sorted[i] = &s->people[i];
    }
    qsort(p.sorted, p.n, sizeof *p.sorted, dir_entry_ptr_cmp);
    for (size_t i = 0; i < s->nobjs; i++) {
        const struct dir_entry *e = &s->objs[i];
        char *tenant, *name;

        switch (dir_model_classify(e->dn, tenants_dn, &tenant, &name)) {
        case DIR_CLASS_TENANT:
            out->tenants[out->ntenants++] = dir_tenant_row(e, tenant, &p);
            break;
        case DIR_CLASS_APP:
            out->apps[out->napps++] = dir_object_row(e, tenant, name, &p);
            break;
        case DIR_CLASS_DATASET:
            out->datasets[out->ndatasets++] = dir_object_row(e, tenant, name, &p);
            break;
        case DIR_CLASS_NONE:
            break;
        }
        free(tenant);
        free(name);
    }
    free(p.sorted);
}

void dir_tenant_free(struct store_row *row)
{
    struct dir_tenant *t = (struct dir_tenant *)row;

    if (t == NULL) {
        return;
    }
    free(t->row.uid);
    free(t->display);
    free(t->responsible);
    free(t->contact);
    free(t);
}

void dir_object_free(struct store_row *row)
{
    struct dir_object *o = (struct dir_object *)row;

    if (o == NULL) {
        return;
    }
    free(o->row.uid);
    free(o->tenant);
    free(o->name);
    free(o->owner);
    free(o);
}

void dir_rows_fini(struct dir_rows *r)
{
    for (size_t i = 0; i < r->ntenants; i++) {
        dir_tenant_free(r->tenants[i] != NULL ? &r->tenants[i]->row : NULL);
    }
    for (size_t i = 0; i < r->napps; i++) {
        dir_object_free(r->apps[i] != NULL ? &r->apps[i]->row : NULL);
    }
    for (size_t i = 0; i < r->ndatasets; i++) {
        dir_object_free(r->datasets[i] != NULL ? &r->datasets[i]->row : NULL);
    }
    free(r->tenants);
    free(r->apps);
    free(r->datasets);
    memset(r, 0, sizeof *r);
}
