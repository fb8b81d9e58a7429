/* Directory enrichment (issue 16): the blocking read; see dir_read.h. */
#include "core/directory/dir_read.h"

#include <ldap.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

/* A value longer than this is cut: names and mail addresses, not documents. */
#define DIR_VALUE_MAX 512

struct dir_reader {
    LDAP *ld;
    long timeout_ms;
    double deadline_ms;
    char *err;
    bool no_answer;
};

static double dir_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

char *dir_read_tenants_dn(const char *base)
{
    return xasprintf("ou=Tenants,%s", base != NULL ? base : "");
}

/* The timeout of the next operation: timeout_ms, or what is left of the whole read. */
static bool dir_arm(struct dir_reader *r, struct timeval *tv)
{
    double left = r->deadline_ms - dir_now_ms();
    long ms = r->timeout_ms;

    if (left < 1.0) {
        r->err = xstrdup("reading the directory took too long");
        r->no_answer = true;
        return false;
    }
    if ((double)ms > left) {
        ms = (long)left;
    }
    tv->tv_sec = ms / 1000;
    tv->tv_usec = (ms % 1000) * 1000;
    ldap_set_option(r->ld, LDAP_OPT_TIMEOUT, tv);
    ldap_set_option(r->ld, LDAP_OPT_NETWORK_TIMEOUT, tv);
    return true;
}

static bool dir_no_answer(int rc)
{
    return rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT || rc == LDAP_CONNECT_ERROR ||
           rc == LDAP_LOCAL_ERROR || rc == LDAP_DECODING_ERROR;
}

static void dir_fail(struct dir_reader *r, const char *what, const char *dn, int rc)
{
    char *d = sanitize_dup(dn);

    if (r->err == NULL) {
        r->err = xasprintf("%s %s: %s", what, d, ldap_err2string(rc));
        r->no_answer = dir_no_answer(rc);
    }
    free(d);
}

/* The first value of attr in e, raw and cut to DIR_VALUE_MAX bytes; NULL when absent. */
static char *dir_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
    struct berval **vals = ldap_get_values_len(ld, e, attr);
    char *v = NULL;

    if (vals != NULL && vals[0] != NULL) {
        v = xstrndup(vals[0]->bv_val,
                     vals[0]->bv_len < DIR_VALUE_MAX ? vals[0]->bv_len : DIR_VALUE_MAX);
    }
    ldap_value_free_len(vals);
    return v;
}

/* Copies the entries of res into list; false once the cap is reached. */
static bool dir_take_entries(struct dir_reader *r, LDAPMessage *res, struct dir_entry **list,
                             size_t *n, size_t *cap, size_t max, const char *as_dn)
{
    for (LDAPMessage *e = ldap_first_entry(r->ld, res); e != NULL; e = ldap_next_entry(r->ld, e)) {
        char *dn = as_dn == NULL ? ldap_get_dn(r->ld, e) : NULL;
        struct dir_entry *de;

        if (*n >= max) {
            ldap_memfree(dn);
            return false;
        }
        if (as_dn == NULL && dn == NULL) {
            continue;
        }
        de = dir_entry_add(list, n, cap, as_dn != NULL ? as_dn : dn);
        ldap_memfree(dn);
        for (int a = 0; a < DIR_A_COUNT; a++) {
            de->attr[a] = dir_value(r->ld, e, dir_model_attrs[a]);
        }
    }
    return true;
}

/* Step 1: the paged subtree search of ou=Tenants. */
static int dir_read_tenants(struct dir_reader *r, const char *tenants_dn, struct dir_snapshot *s)
{
    struct berval cookie = {0, NULL};
    bool more = true;

    while (more) {
        LDAPControl *page = NULL, *ctrls[2] = {NULL, NULL}, **resp = NULL, *pr;
        LDAPMessage *res = NULL;
        struct timeval tv;
        ber_int_t count = 0;
        int rc, err = LDAP_SUCCESS;

        if (!dir_arm(r, &tv)) {
            break;
        }
        rc = ldap_create_page_control(r->ld, DIR_READ_PAGE, &cookie, 0, &page);
        if (rc != LDAP_SUCCESS) {
            dir_fail(r, "cannot page the search of", tenants_dn, rc);
            break;
        }
        ctrls[0] = page;
        rc = ldap_search_ext_s(r->ld, tenants_dn, LDAP_SCOPE_SUBTREE, "(objectClass=*)",
                               (char **)dir_model_attrs, 0, ctrls, NULL, &tv, LDAP_NO_LIMIT, &res);
        ldap_control_free(page);
        ber_memfree(cookie.bv_val);
        cookie = (struct berval){0, NULL};
        more = false;
        if (rc == LDAP_NO_SUCH_OBJECT) {
            ldap_msgfree(res);
            return 0; /* no ou=Tenants: the directory registers none */
        }
        if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
            ldap_msgfree(res);
            dir_fail(r, "cannot read", tenants_dn, rc);
            break;
        }
        if (!dir_take_entries(r, res, &s->objs, &s->nobjs, &s->objs_cap, DIR_READ_MAX_ENTRIES,
                              NULL)) {
            ldap_msgfree(res);
            return 0; /* bounded: the first DIR_READ_MAX_ENTRIES */
        }
        if (ldap_parse_result(r->ld, res, &err, NULL, NULL, NULL, &resp, 0) == LDAP_SUCCESS &&
            (pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, resp, NULL)) != NULL &&
            ldap_parse_pageresponse_control(r->ld, pr, &count, &cookie) == LDAP_SUCCESS) {
            more = cookie.bv_len > 0;
        }
        ldap_controls_free(resp);
        ldap_msgfree(res);
    }
    ber_memfree(cookie.bv_val);
    return r->err == NULL ? 0 : -1;
}

static int dir_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Step 2: the people the entries point at. */
static int dir_read_people(struct dir_reader *r, struct dir_snapshot *s)
{
    const char *attrs[] = {dir_model_attrs[DIR_A_DISPLAYNAME], dir_model_attrs[DIR_A_CN],
                           dir_model_attrs[DIR_A_MAIL], NULL};
    static const enum dir_attr refs[] = {DIR_A_MANAGER, DIR_A_OWNER, DIR_A_MANAGEDBY};
    const size_t nrefs = sizeof refs / sizeof refs[0];
    char **dns = xcalloc(nrefs * s->nobjs + 1, sizeof *dns);
    size_t n = 0;

    for (size_t i = 0; i < s->nobjs; i++) {
        for (size_t k = 0; k < nrefs; k++) {
            if (s->objs[i].attr[refs[k]] != NULL) {
                dns[n++] = s->objs[i].attr[refs[k]];
            }
        }
    }
    qsort(dns, n, sizeof *dns, dir_str_cmp);
    for (size_t i = 0; i < n && r->err == NULL && s->npeople < DIR_READ_MAX_PEOPLE; i++) {
        LDAPMessage *res = NULL;
        struct timeval tv;
        int rc;

        if ((i > 0 && strcmp(dns[i - 1], dns[i]) == 0) || !dir_arm(r, &tv)) {
            continue;
        }
        /* a DN the server returned as a value: searched as it is, never built */
        rc = ldap_search_ext_s(r->ld, dns[i], LDAP_SCOPE_BASE, "(objectClass=*)", (char **)attrs, 0,
                               NULL, NULL, &tv, 1, &res);
        if (rc == LDAP_SUCCESS) {
            dir_take_entries(r, res, &s->people, &s->npeople, &s->people_cap, DIR_READ_MAX_PEOPLE,
                             dns[i]);
        } else if (dir_no_answer(rc)) {
            dir_fail(r, "no answer reading", dns[i], rc);
        } /* else: not there or not readable: shown by its RDN value */
        ldap_msgfree(res);
    }
    free(dns);
    return r->err == NULL ? 0 : -1;
}

int dir_read(struct ldap *ld, const char *base, long timeout_ms, struct dir_snapshot *out,
             char **err, bool *no_answer)
{
    struct dir_reader r = {ld, timeout_ms > 0 ? timeout_ms : 10000, 0, NULL, false};
    char *tenants_dn = dir_read_tenants_dn(base);

    memset(out, 0, sizeof *out);
    r.deadline_ms = dir_now_ms() + 10.0 * (double)r.timeout_ms;
    if (dir_read_tenants(&r, tenants_dn, out) == 0) {
        dir_read_people(&r, out);
    }
    free(tenants_dn);
    *no_answer = r.no_answer;
    *err = r.err;
    if (r.err != NULL) {
        dir_snapshot_fini(out);
        return -1;
    }
    return 0;
}
