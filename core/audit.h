/* The audit log: one JSON line per attempted change and one per its outcome, appended, never
 * rewritten. $XDG_STATE_HOME/govconsole/audit.log (default ~/.local/state/govconsole/audit.log),
 * 0600 in a 0700 directory.
 *
 * A change is written before it is sent (result "attempt", with the request's id) and again
 * with its outcome (the same id): quitting, a hang-up or a kill while it is in flight still
 * leaves the attempt. When a line cannot be written the change is not sent (core's callers
 * refuse it, and every later one). */
#ifndef GC_CORE_AUDIT_H
#define GC_CORE_AUDIT_H

struct audit_entry {
    const char *user;
    const char *role;
    const char *tenant;  /* the tenant of the target, NULL when it has none */
    const char *scope;   /* the session's tenant scope ("dmi"), NULL for every tenant */
    const char *action;  /* "delete", "restart", "scale" ... */
    const char *target;  /* "dmi/pods/forecast-api-7c9-abcde" */
    const char *result;  /* "attempt", "ok", "refused: read-only", "HTTP 403: ...",
                            "cancelled: ...", "abandoned: ..." */
    const char *id;      /* the request's id: its attempt and its outcome share it */
    const char *context; /* where it went: the source's context (a kubeconfig context), or NULL */
    const char *server;  /* and its server's URL, or NULL */
};

/* The session's directory entry (its DN), written as "dn" on every later line; set once by
 * main() after the directory resolved who is at the keyboard (copied; NULL: none, as
 * without a directory). */
void audit_set_dn(const char *dn);
/* The tenant written for an object outside a scoped session's scope (a refusal): the
 * other tenant's name is not the user's to read. */
#define AUDIT_OUTSIDE_SCOPE "(outside the scope)"

/* The default path (caller frees). */
char *audit_default_path(void);

/* A new request id, 16 hex digits, into buf (at least 17 bytes). Returns buf. */
char *audit_new_id(char *buf);

/* Appends one line to `path` (NULL = default), creating the directory (0700) and the file
 * (0600) when missing. The file must be a regular file owned by the user, not reached
 * through a symlink; one that group or others may read or write is set to 0600 first. The
 * whole line is written or the call fails. Returns 0, or -1 with *err (caller frees): the
 * path and why ("audit log ~/...: Is a directory"). */
int audit_append(const char *path, const struct audit_entry *e, char **err);

#endif
