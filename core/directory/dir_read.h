/* Directory enrichment (issue 16): reads the tenants, their applications and datasets, and
 * the people they name as manager or owner, over a bound connection (dir_probe_open()).
 * Blocking: for a worker thread. See dir_model.h for the convention.
 *
 *   1. a subtree search of ou=Tenants,BASE for (objectClass=*) asking for dir_model_attrs,
 *      with the paged results control (RFC 2696, pages of DIR_READ_PAGE; Active Directory
 *      answers at most 1000 entries a search without it), at most DIR_READ_MAX_ENTRIES
 *      entries in all; a missing ou=Tenants is an empty answer, not a failure;
 *   2. a base-scope read of each distinct manager, owner and managedBy DN found (at most
 *      DIR_READ_MAX_PEOPLE; the rest stay unresolved: their RDN value is shown), asking for
 *      displayName, cn and mail; a DN that is not there (or not readable) stays unresolved.
 *
 * No filter or DN is built from a value: the only DN built is "ou=Tenants," + the configured
 * base, every other is one the server returned. */
#ifndef GC_CORE_DIRECTORY_DIR_READ_H
#define GC_CORE_DIRECTORY_DIR_READ_H

#include "core/directory/dir_model.h"

#define DIR_READ_PAGE 500
#define DIR_READ_MAX_ENTRIES 50000
#define DIR_READ_MAX_PEOPLE 5000

struct ldap;

/* Reads as above into *out (zeroed first). timeout_ms bounds each operation; the whole
 * read is bounded by 10 times that. Returns 0, or -1 with *err set to one sanitized line
 * (the caller frees it) and *out emptied; *no_answer says whether the server stopped
 * answering (as opposed to answering with an error). */
int dir_read(struct ldap *ld, const char *base, long timeout_ms, struct dir_snapshot *out,
             char **err, bool *no_answer);

/* "ou=Tenants,BASE", owned. */
char *dir_read_tenants_dn(const char *base);

#endif
