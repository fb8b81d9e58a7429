/* Directory enrichment (issue 16): what the directory says about tenants, applications and
 * datasets, as store rows. The convention (docs/directory.md):
 *
 *   ou=NAME,ou=Tenants,BASE                      a tenant, whatever its object class:
 *                                                display name  displayName, else description,
 *                                                              else o
 *                                                responsible   manager (a DN; AD: managedBy)
 *                                                              -> that entry's
 *                                                              displayName, else cn, else the
 *                                                              DN's first RDN value
 *                                                contact       mail and telephoneNumber, else
 *                                                              the manager's mail
 *   cn=APP,ou=Applications,ou=NAME,ou=Tenants,BASE   an application (APP = the Kubernetes
 *                                                app name, app.kubernetes.io/name)
 *   cn=DATASET,ou=Datasets,ou=NAME,ou=Tenants,BASE   a dataset (a MapR volume name or stream
 *                                                path)
 *     owner (a DN), else manager, else managedBy -> the owner's name as for the responsible
 *     person
 *
 * The RDN's attribute type is not checked (ou=, cn=, o= ...), its value is the name; a
 * tenant's name is lowercased (AD compares names without case; tenant names are a-z0-9-).
 * Everything stored is sanitized (core/sanitize.h). Pure: the reader (dir_read.h) fills a
 * struct dir_snapshot, dir_model_rows() maps it, on any thread. */
#ifndef GC_CORE_DIRECTORY_DIR_MODEL_H
#define GC_CORE_DIRECTORY_DIR_MODEL_H

#include <stddef.h>

#include "core/store.h"

/* The attributes read, in this order (dir_model_attrs). */
enum dir_attr {
    DIR_A_DISPLAYNAME,
    DIR_A_DESCRIPTION,
    DIR_A_O,
    DIR_A_CN,
    DIR_A_MANAGER,
    DIR_A_OWNER,
    DIR_A_MANAGEDBY, /* Active Directory's manager of a non-person object */
    DIR_A_MAIL,
    DIR_A_PHONE, /* telephoneNumber */
    DIR_A_COUNT
};

/* The attribute names, NULL-terminated, for a search's attribute list. */
extern const char *const dir_model_attrs[DIR_A_COUNT + 1];

/* One entry as the server sent it: its DN and the first value of each attribute (NULL when
 * absent); raw, not yet sanitized. */
struct dir_entry {
    char *dn;
    char *attr[DIR_A_COUNT];
};

/* What one read found: the entries below ou=Tenants (objs) and the people their manager and
 * owner values point at (people; each entry's dn is the value as the referring entry had it,
 * so a lookup is an exact match). */
struct dir_snapshot {
    struct dir_entry *objs;
    size_t nobjs, objs_cap;
    struct dir_entry *people;
    size_t npeople, people_cap;
};

/* A new entry at the end of the list (zeroed, dn copied); the list grows as needed. */
struct dir_entry *dir_entry_add(struct dir_entry **list, size_t *n, size_t *cap, const char *dn);
void dir_snapshot_fini(struct dir_snapshot *s);

/* STORE_DIR_TENANT: uid = the tenant's name (its tenancy). */
struct dir_tenant {
    struct store_row row;
    char *display;     /* NULL when the entry has none */
    char *responsible; /* NULL without a manager */
    char *contact;     /* "mail, phone", NULL when none */
};

/* STORE_DIR_APP and STORE_DIR_DATASET: uid = "TENANT/NAME" (dir_object_key()). */
struct dir_object {
    struct store_row row;
    char *tenant;
    char *name;
    char *owner; /* NULL without owner or manager */
};

/* What dir_model_rows() makes: rows not yet in the store (the caller takes them). */
struct dir_rows {
    struct dir_tenant **tenants;
    size_t ntenants;
    struct dir_object **apps;
    size_t napps;
    struct dir_object **datasets;
    size_t ndatasets;
};

/* What a DN is below tenants_dn ("ou=Tenants,BASE"). */
enum dir_class { DIR_CLASS_NONE, DIR_CLASS_TENANT, DIR_CLASS_APP, DIR_CLASS_DATASET };

/* Classifies dn against tenants_dn (compared as parsed DNs, attribute types and values
 * without case). Sets *tenant (lowercased) and, for an app or a dataset, *name (the first
 * RDN's value), both raw, owned by the caller; NULL otherwise. */
enum dir_class dir_model_classify(const char *dn, const char *tenants_dn, char **tenant,
                                  char **name);

/* The value of dn's first RDN ("Alice Tester" of "cn=Alice Tester,ou=People,..."), raw and
 * owned; NULL when dn does not parse. */
char *dir_model_rdn_value(const char *dn);

/* The rows of a snapshot, sanitized. Entries that are neither tenants nor their apps or
 * datasets (the ou=Applications containers, anything deeper) are skipped; an app or a
 * dataset belongs to the tenant its DN names. */
void dir_model_rows(const struct dir_snapshot *s, const char *tenants_dn, struct dir_rows *out);
/* Frees rows still held (those the caller did not take: set taken slots to NULL). */
void dir_rows_fini(struct dir_rows *r);

/* "TENANT/NAME" into buf; returns buf (NULL when it does not fit). */
char *dir_object_key(const char *tenant, const char *name, char *buf, size_t size);

void dir_tenant_free(struct store_row *row);
void dir_object_free(struct store_row *row);

#endif
