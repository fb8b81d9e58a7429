/* A tenant convention that matches names: a PCRE2 pattern whose first capture group is the
 * tenant (`tenant_pattern` in a source's section: namespaces, Nagios hostgroups, MapR volume
 * names, KrakenD endpoint paths). The tenants found are interned: the strings returned live
 * as long as the pattern. Loop thread only. */
#ifndef GC_CORE_TENANT_PATTERN_H
#define GC_CORE_TENANT_PATTERN_H

struct tenant_pattern;

/* Compiles `pattern` (UTF); NULL with *err (caller frees) when it does not compile or has no
 * capture group. */
struct tenant_pattern *tenant_pattern_new(const char *pattern, char **err);
void tenant_pattern_free(struct tenant_pattern *tp);

/* The tenant `name` belongs to by the pattern (interned, borrowed for the pattern's life),
 * or NULL when it does not match or the group is empty. */
const char *tenant_pattern_match(struct tenant_pattern *tp, const char *name);

#endif
