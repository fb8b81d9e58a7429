/* The requests of the ServiceNow views. */
#include "core/servicenow/sn_request.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"

/* The choices of the forms: display values, written with sysparm_input_display_value. */
static const char *const sn_impacts[] = {"1 - High", "2 - Medium", "3 - Low", NULL};
static const char *const sn_close_codes[] = {
    "Solved (Permanently)", "Solved (Work Around)", "Solved Remotely (Permanently)",
    "Solved Remotely (Work Around)", "Not Solved (Not Reproducible)",
    "Not Solved (Too Costly)", "Closed/Resolved by Caller", NULL};

static void sn_req_free(void *priv)
{
    struct sn_req *q = priv;

    if (q != NULL) {
        free(q->sys_id);
        free(q->tenant);
        free(q->correlation);
        free(q->body);
        free(q);
    }
}

/* Keeps `obj` (taken) as the request's body. */
static void sn_req_body(struct sn_req *q, json_t *obj)
{
    free(q->body);
    q->body = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
}

/* A work note's text (the input). */
static int sn_note_input(struct source_request *r, const char *text, char **err)
{
    struct sn_req *q = r->priv;

    if (text[strspn(text, " ")] == '\0') {
        *err = xstrdup("an empty work note adds nothing");
        return -1;
    }
    sn_req_body(q, json_pack("{s:s}", "work_notes", text));
    free(r->question);
    r->question = xasprintf("Add this work note to %s?\n\n%s", r->target, text);
    return 0;
}

/* The resolve form: code, notes. */
static int sn_resolve_form(struct source_request *r, const char *const *values, char **err)
{
    struct sn_req *q = r->priv;

    (void)err;
    sn_req_body(q, json_pack("{s:s,s:s,s:s}", "state", "6", "close_code", values[0],
                             "close_notes", values[1]));
    free(r->question);
    r->question = xasprintf("Resolve %s as \"%s\"?\n\n%s", r->target, values[0], values[1]);
    return 0;
}

/* The create form: tenant, short description, description, impact, urgency, CI. The company
 * is the source's to add (it knows the tenant's). */
static int sn_create_form(struct source_request *r, const char *const *values, char **err)
{
    struct sn_req *q = r->priv;
    json_t *body;

    if (values[0][0] == '\0') {
        *err = xstrdup("the tenant is required: the incident's company is the tenant's");
        return -1;
    }
    free(q->tenant);
    q->tenant = xstrdup(values[0]);
    free(r->tenant);
    r->tenant = xstrdup(values[0]);
    free(r->target);
    r->target = xasprintf("%s/incidents/new", values[0]);
    body = json_pack("{s:s,s:s,s:s,s:s,s:s}", "short_description", values[1], "description",
                     values[2], "impact", values[3], "urgency", values[4], "correlation_id",
                     q->correlation);
    if (values[5][0] != '\0') {
        json_object_set_new(body, "cmdb_ci", json_string(values[5]));
    }
    sn_req_body(q, body);
    free(r->question);
    r->question = xasprintf("Open an incident for %s?\n\n%s", values[0], values[1]);
    return 0;
}

static const struct source_request_ops sn_request_ops = {
    .free = sn_req_free,
};
static const struct source_request_ops sn_note_ops = {
    .input = sn_note_input,
    .free = sn_req_free,
};
static const struct source_request_ops sn_resolve_ops = {
    .form = sn_resolve_form,
    .free = sn_req_free,
};
static const struct source_request_ops sn_create_ops = {
    .form = sn_create_form,
    .free = sn_req_free,
};

/* A request of `kind`, about incident `in` (NULL: a create). */
static struct source_request *sn_request_new(enum source_op op, enum access_verb verb,
                                             const char *action, enum sn_req_kind kind,
                                             const struct sn_incident *in, const char *tenant)
{
    struct source_request *r = source_request_new("servicenow", op, verb, action);
    struct sn_req *q = xcalloc(1, sizeof *q);

    q->kind = kind;
    q->sys_id = in != NULL ? xstrdup(in->row.uid) : NULL;
    r->ops = &sn_request_ops;
    r->priv = q;
    r->tenant = tenant != NULL ? xstrdup(tenant) : NULL;
    r->target = xasprintf("%s/incidents/%s", tenant != NULL ? tenant : "-",
                          in != NULL ? in->number : "new");
    if (in != NULL) {
        r->title = xstrdup(in->number);
    }
    return r;
}

/* Adds a field to the request's form. */
static void sn_field_add(struct source_request *r, const char *label, const char *value,
                         const char *const *choices, bool required)
{
    r->fields = xrealloc(r->fields, (r->nfields + 1) * sizeof *r->fields);
    r->fields[r->nfields++] = (struct source_field){
        .label = xstrdup(label),
        .value = value != NULL ? xstrdup(value) : NULL,
        .choices = choices,
        .required = required,
    };
}

struct source_request *sn_request_detail(const struct sn_incident *in, const char *tenant)
{
    struct source_request *r =
        sn_request_new(SOURCE_OP_DETAIL, ACCESS_VIEW, "detail", SN_REQ_DETAIL, in, tenant);

    free(r->title);
    r->title = xasprintf("incident %s", in->number);
    r->detail = SOURCE_DETAIL_TEXT;
    return r;
}

struct source_request *sn_request_create(const char *tenant, const char *short_desc,
                                         const char *description, const char *ci)
{
    struct source_request *r = sn_request_new(SOURCE_OP_CHANGE, ACCESS_INCIDENT_CREATE,
                                              "open incident", SN_REQ_CREATE, NULL, tenant);
    struct sn_req *q = r->priv;
    unsigned char rnd[8] = {0};
    FILE *f = fopen("/dev/urandom", "rb");

    if (f == NULL || fread(rnd, 1, sizeof rnd, f) != sizeof rnd) {
        uint64_t t = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)r;

        memcpy(rnd, &t, sizeof rnd);
    }
    if (f != NULL) {
        fclose(f);
    }
    q->correlation = xasprintf("govconsole-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
                               rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    r->ops = &sn_create_ops;
    r->title = xstrdup("New incident");
    r->confirm = xstrdup("Open");
    r->done = "opened";
    sn_field_add(r, "Tenant", tenant, NULL, true);
    sn_field_add(r, "Short description", short_desc, NULL, true);
    sn_field_add(r, "Description", description, NULL, false);
    r->fields[r->nfields - 1].multiline = true;
    sn_field_add(r, "Impact", "3 - Low", sn_impacts, false);
    sn_field_add(r, "Urgency", "3 - Low", sn_impacts, false);
    sn_field_add(r, "Configuration item", ci, NULL, false);
    return r;
}

struct source_request *sn_request_note(const struct sn_incident *in, const char *tenant)
{
    struct source_request *r = sn_request_new(SOURCE_OP_CHANGE, ACCESS_INCIDENT_NOTE,
                                              "add work note", SN_REQ_NOTE, in, tenant);

    r->ops = &sn_note_ops;
    r->input_label = xasprintf("work note on %s", in->number);
    r->confirm = xstrdup("Add");
    r->done = "work note added to";
    return r;
}

struct source_request *sn_request_assign(const struct sn_incident *in, const char *tenant,
                                         const char *user)
{
    struct source_request *r = sn_request_new(SOURCE_OP_CHANGE, ACCESS_INCIDENT_UPDATE,
                                              "assign", SN_REQ_ASSIGN, in, tenant);
    struct sn_req *q = r->priv;

    q->body = xstrdup(user); /* the user name: the source finds its sys_user record */
    r->question = xasprintf("Assign %s to %s?", in->number, user);
    r->confirm = xstrdup("Assign");
    r->done = "assigned";
    return r;
}

struct source_request *sn_request_resolve(const struct sn_incident *in, const char *tenant)
{
    struct source_request *r = sn_request_new(SOURCE_OP_CHANGE, ACCESS_INCIDENT_UPDATE,
                                              "resolve", SN_REQ_RESOLVE, in, tenant);

    r->ops = &sn_resolve_ops;
    free(r->title);
    r->title = xasprintf("Resolve %s", in->number);
    r->confirm = xstrdup("Resolve");
    r->done = "resolved";
    sn_field_add(r, "Resolution code", NULL, sn_close_codes, true);
    sn_field_add(r, "Resolution notes", NULL, NULL, true);
    r->fields[r->nfields - 1].multiline = true;
    return r;
}
