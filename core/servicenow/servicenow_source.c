/* ServiceNow as a source: the REST Table API under [servicenow] url (the instance). Until the
 * incidents view comes, it reads one sys_user record (the configured user's) on [servicenow]
 * interval to say how the instance is, and `govconsole check` probes the same. An empty
 * result for the user's own record means the account may not read it: counted as rejected.
 * Errors come as {"error": {"message", "detail"}, "status": "failure"}. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/http.h"
#include "core/sanitize.h"
#include "core/source_http.h"
#include "core/xalloc.h"

static char *servicenow_url(const struct gc_config *cfg, const char *demo_url)
{
    const char *base = demo_url != NULL ? demo_url : cfg->servicenow.url;
    const char *user = demo_url != NULL ? NULL : cfg->servicenow.user;
    char *esc, *url;
    size_t n;

    if (base == NULL || base[0] == '\0') {
        return NULL;
    }
    n = strlen(base);
    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    if (user == NULL) {
        return xasprintf("%.*s/api/now/table/sys_user?sysparm_limit=1"
                         "&sysparm_fields=user_name,name",
                         (int)n, base);
    }
    esc = http_escape(user);
    url = xasprintf("%.*s/api/now/table/sys_user?sysparm_limit=1&sysparm_fields=user_name,name"
                    "&user_name=%s",
                    (int)n, base, esc);
    free(esc);
    return url;
}

static enum source_http_verdict servicenow_answer(const char *body, size_t len, const char *user,
                                                  char **about, char **why)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    json_t *result = json_object_get(root, "result");
    enum source_http_verdict v = SOURCE_HTTP_OK;

    if (!json_is_array(result)) {
        *why = xstrdup(len > 0 && body[0] == '<'
                           ? "an HTML page, not the Table API: is [servicenow] url the instance?"
                           : "not a ServiceNow Table API answer");
        v = SOURCE_HTTP_BAD;
    } else if (json_array_size(result) == 0) {
        char *clean = sanitize_dup(user != NULL ? user : "this account");

        *why = xasprintf("ServiceNow shows no sys_user record for %s: the account may not read "
                         "it",
                         clean);
        free(clean);
        v = SOURCE_HTTP_REJECTED;
    } else {
        const char *name = json_string_value(
            json_object_get(json_array_get(result, 0), "user_name"));
        char *clean = sanitize_dup(name != NULL ? name : "?");

        *about = xasprintf("ServiceNow Table API, user %s", clean);
        free(clean);
    }
    json_decref(root);
    return v;
}

/* A failed answer: the instance's error message and detail, else the status. */
static char *servicenow_error_text(long status, const char *body, size_t len,
                                   const char *transport)
{
    json_t *root, *e;
    const char *msg, *detail;
    char *out;

    if (transport != NULL) {
        return xstrdup(transport);
    }
    root = body != NULL ? json_loadb(body, len, 0, NULL) : NULL;
    e = json_object_get(root, "error");
    msg = json_string_value(json_object_get(e, "message"));
    detail = json_string_value(json_object_get(e, "detail"));
    if (msg != NULL) {
        out = xasprintf("HTTP %ld: %s%s%s", status, msg, detail != NULL && detail[0] ? ": " : "",
                        detail != NULL ? detail : "");
    } else {
        out = xasprintf("HTTP %ld", status);
    }
    json_decref(root);
    return out;
}

static const struct source_http_def servicenow_def = {
    .name = "servicenow",
    .url = servicenow_url,
    .answer = servicenow_answer,
    .error_text = servicenow_error_text,
};

static bool servicenow_configured(const struct gc_config *cfg, const char *demo_url)
{
    return source_http_configured(&servicenow_def, cfg, demo_url);
}

static void *servicenow_init(const struct source_env *env, char **err)
{
    return source_http_new(env, &servicenow_def, err);
}

const struct source_ops servicenow_source = {
    .name = "servicenow",
    .configured = servicenow_configured,
    .init = servicenow_init,
    .start = source_http_op_start,
    .stop = source_http_op_stop,
    .fini = source_http_op_fini,
    .health = source_http_op_health,
    .url = source_http_op_url,
    .stats = source_http_op_stats,
    .error_text = servicenow_error_text,
    .probe = source_http_op_probe,
};
