/* MapR (HPE Data Fabric) as a source: its REST API under [mapr] url. Until the datasets view
 * comes, it lists the nodes with one column (/rest/node/list?columns=hostname) on [mapr]
 * interval to say how the cluster is, and `govconsole check` probes the same. Answers carry
 * "status": "OK" or "ERROR" with errors[].desc, whatever the HTTP status says. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/sanitize.h"
#include "core/source_http.h"
#include "core/xalloc.h"

static char *mapr_url(const struct gc_config *cfg, const char *demo_url)
{
    const char *base = demo_url != NULL ? demo_url : cfg->mapr.url;
    size_t n;

    if (base == NULL || base[0] == '\0') {
        return NULL;
    }
    n = strlen(base);
    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    return xasprintf("%.*s/rest/node/list?columns=hostname", (int)n, base);
}

/* The first error's description of a MapR error envelope, sanitized (caller frees), or NULL. */
static char *mapr_error_desc(json_t *root)
{
    const char *desc = json_string_value(
        json_object_get(json_array_get(json_object_get(root, "errors"), 0), "desc"));

    return desc != NULL ? sanitize_dup(desc) : NULL;
}

static enum source_http_verdict mapr_answer(const char *body, size_t len, const char *user,
                                            char **about, char **why)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    const char *status = json_string_value(json_object_get(root, "status"));
    enum source_http_verdict v = SOURCE_HTTP_OK;

    (void)user;
    if (status == NULL) {
        *why = xstrdup(len > 0 && body[0] == '<'
                           ? "an HTML page, not the MapR REST API: is [mapr] url right?"
                           : "not a MapR REST answer");
        v = SOURCE_HTTP_BAD;
    } else if (strcmp(status, "OK") != 0) {
        char *desc = mapr_error_desc(root);

        *why = xasprintf("MapR: %s", desc != NULL ? desc : "status ERROR");
        free(desc);
        v = SOURCE_HTTP_BAD;
    } else {
        json_t *data = json_object_get(root, "data");
        json_int_t total = json_integer_value(json_object_get(root, "total"));

        *about = xasprintf("MapR REST API, %lld nodes",
                           (long long)(total > 0 ? total : (json_int_t)json_array_size(data)));
    }
    json_decref(root);
    return v;
}

static char *mapr_error_text(long status, const char *body, size_t len, const char *transport)
{
    json_t *root;
    char *desc, *out;

    if (transport != NULL) {
        return xstrdup(transport);
    }
    root = body != NULL ? json_loadb(body, len, 0, NULL) : NULL;
    desc = mapr_error_desc(root);
    out = desc != NULL ? xasprintf("HTTP %ld: %s", status, desc) : xasprintf("HTTP %ld", status);
    free(desc);
    json_decref(root);
    return out;
}

static const struct source_http_def mapr_def = {
    .name = "mapr",
    .url = mapr_url,
    .answer = mapr_answer,
    .error_text = mapr_error_text,
};

static bool mapr_configured(const struct gc_config *cfg, const char *demo_url)
{
    return source_http_configured(&mapr_def, cfg, demo_url);
}

static void *mapr_init(const struct source_env *env, char **err)
{
    return source_http_new(env, &mapr_def, err);
}

const struct source_ops mapr_source = {
    .name = "mapr",
    .configured = mapr_configured,
    .init = mapr_init,
    .start = source_http_op_start,
    .stop = source_http_op_stop,
    .fini = source_http_op_fini,
    .health = source_http_op_health,
    .url = source_http_op_url,
    .stats = source_http_op_stats,
    .error_text = mapr_error_text,
    .probe = source_http_op_probe,
};
