/* Who is at the keyboard: the user's entry in the directory, their groups (nested ones
 * included) and what those groups grant (struct access_grant, core/access.h).
 *
 * One blocking run over the probe's connection (core/directory/probe.h: connect, TLS, root
 * DSE), bounded as a whole by the options' timeout:
 *
 *   1. the service bind (bind_dn and its password; anonymous without bind_dn);
 *   2. the user: a subtree search of base for (|(uid=NAME)(sAMAccountName=NAME)), NAME
 *      escaped per RFC 4515; exactly one entry, else nobody;
 *   3. with a password (--login): a bind as that entry's DN, then the service bind again
 *      (no single entry: a bind as a DN that cannot exist, whose outcome is not used, so
 *      that a refusal takes as long whether or not the user exists);
 *   4. groups: on a server whose root DSE names Active Directory's capability, one search
 *      for (member:1.2.840.113556.1.4.1941:=DN), AD's transitive membership rule; elsewhere
 *      (OpenLDAP answers that rule with success and no entries, as an undefined filter), or
 *      when the server answers the rule with an error, or with no group while the entry's
 *      memberOf names some (the transitive groups include the direct ones, so the rule was
 *      not evaluated): the user's memberOf values and the groups
 *      whose member is the user, then level by level the groups whose member is one found
 *      at the level before: nested groups, each group visited once (a cycle ends), at most
 *      DIR_GROUP_DEPTH levels and DIR_GROUP_MAX groups;
 *   5. the grant: dir_grant_map() over the groups' DNs.
 *
 * Messages are one line, sanitized; the password never appears; a wrong password and an
 * unknown user get the same refusal. */
#ifndef GC_CORE_DIRECTORY_IDENTITY_H
#define GC_CORE_DIRECTORY_IDENTITY_H

#include <stdbool.h>

#include "core/access.h"
#include "core/config.h"
#include "core/directory/probe.h"

#define DIR_GROUP_DEPTH 16 /* nesting levels followed below the user's own groups */
#define DIR_GROUP_MAX 1024 /* groups collected at most */

/* What the groups grant, with the arrays access_grant points into. */
struct dir_grant {
    struct access_grant g; /* developer and viewer point into the arrays below (or NULL) */
    char **developer;      /* tenant names, NULL-terminated, owned; NULL for none */
    char **viewer;
};

/* Maps the DNs of the groups a user is in (NULL-terminated) to what they grant:
 *   operator  a group equal to `operators`: its DN when `operators` holds a `=` (compared
 *             after normalisation, case-insensitively), else its cn (the group's first RDN);
 *   oncall    likewise for `oncall`;
 *   developer a group whose cn is `prefix`NAME`-developers` (cn compared case-insensitively;
 *             NAME lower-cased, and only when it is a tenant name: letters, digits, '-', not
 *             starting with '-');
 *   viewer    `prefix`NAME`-viewers` likewise.
 * NULL `operators`, `oncall` or `prefix` mean the defaults govcloud-operators,
 * govcloud-oncall and tenant-. Each tenant is listed once. *out is overwritten; free with
 * dir_grant_fini(). */
void dir_grant_map(const char *const *groups, const char *operators, const char *oncall,
                   const char *prefix, struct dir_grant *out);
void dir_grant_fini(struct dir_grant *g);

/* The grant as text: "operator", "on-call", "developer of dmi", "viewer of dmi, registry",
 * joined by "; ", or "no role". Caller frees. */
char *dir_grant_text(const struct access_grant *g);

enum dir_identity_status {
    DIR_IDENTITY_OK,      /* found (and, with a password, authenticated); grant from groups */
    DIR_IDENTITY_UNKNOWN, /* no entry for the user, or more than one (without a password) */
    DIR_IDENTITY_REFUSED, /* with a password: wrong password, or no single entry: the same */
    DIR_IDENTITY_ERROR,   /* the directory could not answer: down, silent, TLS, the service
                             account refused, no base; or the timeout ran out */
};

struct dir_identity_opts {
    struct dir_probe_opts conn; /* server, base, service account, TLS; conn.timeout_ms
                                   bounds the whole resolution (0: 5 s) */
    const char *user;           /* the login name or --login NAME */
    const char *password;       /* --login: the password typed; NULL: no bind as the user */
    const char *operators;      /* [access]; NULL for the defaults (dir_grant_map) */
    const char *oncall;
    const char *tenant_prefix;
};

struct dir_identity {
    enum dir_identity_status status;
    char *dn;           /* the user's entry (OK), owned */
    char **groups;      /* the DNs of the user's groups, nested included, NULL-terminated,
                           owned (OK) */
    bool nested_rule;   /* the groups came from AD's transitive rule */
    struct dir_grant grant;
    double ms;          /* wall time of the whole resolution */
    char *error;        /* one line, owned, for any status but OK */
};

/* Resolves o->user as described above into *out (overwritten, not freed). Returns 0 for
 * DIR_IDENTITY_OK, else -1 with out->status and out->error set. Blocking; safe on a worker
 * thread. Free *out with dir_identity_fini(). */
int dir_identity_resolve(const struct dir_identity_opts *o, struct dir_identity *out);

/* One line for `govconsole check`: "user NAME (DN): groups A, B; role ROLE" (groups by
 * their cn where they have one), or "user NAME: ERROR". Sanitized; caller frees. */
char *dir_identity_summary(const struct dir_identity *id, const char *user);

/* The options [directory] and [access] of cfg give for `user` (borrowed from cfg, which must
 * outlive them; password NULL). The service account's password goes to *password (caller
 * wipes and frees; NULL without bind_dn). Returns 0, or -1 with *err (caller frees) when the
 * password file cannot be used or bind_dn has no password. */
int dir_identity_opts_init(const struct gc_config *cfg, const char *user,
                           struct dir_identity_opts *o, char **password, char **err);
void dir_identity_fini(struct dir_identity *id);

#endif
