/* What the views ask of ServiceNow, as requests (core/source.h): the detail of an incident
 * (its fields, description and journal). The method, path and body stay in the request's
 * priv, which only the ServiceNow source reads. */
#ifndef GC_CORE_SERVICENOW_SN_REQUEST_H
#define GC_CORE_SERVICENOW_SN_REQUEST_H

#include "core/servicenow/sn_model.h"
#include "core/source.h"

/* What a request asks of the instance (the source's own; views do not read it). */
enum sn_req_kind {
    SN_REQ_DETAIL, /* GET incident/SYS_ID, then its journal */
};

struct sn_req {
    enum sn_req_kind kind;
    char *sys_id; /* the incident's */
};

/* Enter on an incident: its detail (caller frees). `tenant` is the row's, as the tenancy
 * resolved it (NULL: none). */
struct source_request *sn_request_detail(const struct sn_incident *in, const char *tenant);

#endif
