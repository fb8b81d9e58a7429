/* The requests of the ServiceNow views. */
#include "core/servicenow/sn_request.h"

#include <stdlib.h>

#include "core/xalloc.h"

static void sn_req_free(void *priv)
{
    struct sn_req *q = priv;

    if (q != NULL) {
        free(q->sys_id);
        free(q);
    }
}

static const struct source_request_ops sn_request_ops = {
    .free = sn_req_free,
};

/* A request about incident `in`, of `kind`. */
static struct source_request *sn_request_new(enum source_op op, enum access_verb verb,
                                             const char *action, enum sn_req_kind kind,
                                             const struct sn_incident *in, const char *tenant)
{
    struct source_request *r = source_request_new("servicenow", op, verb, action);
    struct sn_req *q = xcalloc(1, sizeof *q);

    q->kind = kind;
    q->sys_id = xstrdup(in->row.uid);
    r->ops = &sn_request_ops;
    r->priv = q;
    r->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
    r->target = xasprintf("%s/incidents/%s", tenant != NULL ? tenant : "-", in->number);
    return r;
}

struct source_request *sn_request_detail(const struct sn_incident *in, const char *tenant)
{
    struct source_request *r =
        sn_request_new(SOURCE_OP_DETAIL, ACCESS_VIEW, "detail", SN_REQ_DETAIL, in, tenant);

    r->title = xasprintf("incident %s", in->number);
    r->detail = SOURCE_DETAIL_TEXT;
    return r;
}
