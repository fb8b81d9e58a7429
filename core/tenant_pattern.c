/* Tenant patterns: PCRE2, first capture group, interned results. */
#include "core/tenant_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct tenant_pattern {
    pcre2_code *re;
    pcre2_match_data *md;
    char **tenants; /* interned: views hold them like label strings */
    size_t n, cap;
};

struct tenant_pattern *tenant_pattern_new(const char *pattern, char **err)
{
    int code;
    PCRE2_SIZE off;
    uint32_t groups = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code,
                                   &off, NULL);
    struct tenant_pattern *tp;

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
    tp = xcalloc(1, sizeof *tp);
    tp->re = re;
    tp->md = pcre2_match_data_create_from_pattern(re, NULL);
    return tp;
}

void tenant_pattern_free(struct tenant_pattern *tp)
{
    if (tp == NULL) {
        return;
    }
    for (size_t i = 0; i < tp->n; i++) {
        free(tp->tenants[i]);
    }
    free(tp->tenants);
    pcre2_match_data_free(tp->md);
    pcre2_code_free(tp->re);
    free(tp);
}

const char *tenant_pattern_match(struct tenant_pattern *tp, const char *name)
{
    PCRE2_SIZE *ov;
    size_t len;

    if (tp == NULL || name == NULL ||
        pcre2_match(tp->re, (PCRE2_SPTR)name, PCRE2_ZERO_TERMINATED, 0, 0, tp->md, NULL) < 2) {
        return NULL;
    }
    ov = pcre2_get_ovector_pointer(tp->md);
    if (ov[2] == PCRE2_UNSET || ov[3] <= ov[2]) {
        return NULL;
    }
    len = ov[3] - ov[2];
    for (size_t i = 0; i < tp->n; i++) {
        if (strncmp(tp->tenants[i], name + ov[2], len) == 0 && tp->tenants[i][len] == '\0') {
            return tp->tenants[i];
        }
    }
    if (tp->n == tp->cap) {
        tp->cap = tp->cap ? 2 * tp->cap : 16;
        tp->tenants = xrealloc(tp->tenants, tp->cap * sizeof *tp->tenants);
    }
    tp->tenants[tp->n] = xstrndup(name + ov[2], len);
    return tp->tenants[tp->n++];
}
