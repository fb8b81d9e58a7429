/* The audit log: one JSON line per attempted mutation, appended, never rewritten.
 * $XDG_STATE_HOME/govconsole/audit.log (default ~/.local/state/govconsole/audit.log), 0600. */
#ifndef GC_CORE_AUDIT_H
#define GC_CORE_AUDIT_H

struct audit_entry {
    const char *user;
    const char *role;
    const char *tenant;  /* the tenant of the target, NULL when it has none */
    const char *scope;   /* the session's tenant scope ("dmi"), NULL for every tenant */
    const char *action;  /* "delete", "restart", "scale" ... */
    const char *target;  /* "pods/dmi/forecast-api-7c9-abcde" */
    const char *result;  /* "ok", "refused: read-only", "HTTP 403: ..." */
};

/* The default path (caller frees). */
char *audit_default_path(void);

/* Appends one line to `path` (NULL = default), creating the directory (0700) and the file
 * (0600) when missing. Returns 0, or -1 with *err (caller frees). */
int audit_append(const char *path, const struct audit_entry *e, char **err);

#endif
