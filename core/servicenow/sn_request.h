/* What the views ask of ServiceNow, as requests (core/source.h): the detail of an incident
 * (its fields, description and journal), and the changes: open an incident (a form), add a
 * work note, assign one to the session's user, resolve one (a form). The method, path and
 * body stay in the request's priv, which only the ServiceNow source reads. */
#ifndef GC_CORE_SERVICENOW_SN_REQUEST_H
#define GC_CORE_SERVICENOW_SN_REQUEST_H

#include "core/servicenow/sn_model.h"
#include "core/source.h"

/* What a request asks of the instance (the source's own; views do not read it). */
enum sn_req_kind {
    SN_REQ_DETAIL,  /* GET incident/SYS_ID, then its journal */
    SN_REQ_CREATE,  /* POST incident; on a timeout, look for its correlation id */
    SN_REQ_NOTE,    /* PATCH incident/SYS_ID {"work_notes"} */
    SN_REQ_ASSIGN,  /* GET sys_user of the session's user, then PATCH {"assigned_to"} */
    SN_REQ_RESOLVE, /* PATCH incident/SYS_ID {"state":"6","close_code","close_notes"} */
};

struct sn_req {
    enum sn_req_kind kind;
    char *sys_id;      /* the incident's; NULL for a create */
    char *tenant;      /* a create: the tenant the form names (the source maps it to its
                          company, and says it in tenant_of) */
    char *correlation; /* a create: the correlation id it sets, to find it again */
    char *body;        /* the JSON of the fields to write, once the form or input is in */
};

/* Enter on an incident: its detail (caller frees). `tenant` is the row's, as the tenancy
 * resolved it (NULL: none). */
struct source_request *sn_request_detail(const struct sn_incident *in, const char *tenant);

/* `n`: a new incident in `tenant` (where the user stands; the form may change it), its form
 * prefilled with `short_desc`, `description` and `ci` (each may be NULL). */
struct source_request *sn_request_create(const char *tenant, const char *short_desc,
                                         const char *description, const char *ci);
/* `w`, `m`, `x` on an incident. */
struct source_request *sn_request_note(const struct sn_incident *in, const char *tenant);
struct source_request *sn_request_assign(const struct sn_incident *in, const char *tenant,
                                         const char *user);
struct source_request *sn_request_resolve(const struct sn_incident *in, const char *tenant);

#endif
