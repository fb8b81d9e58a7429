/* Nagios Core 4 as a source: its JSON CGIs under [nagios] url (the cgi-bin directory). Until
 * the alerts view comes, it polls statusjson.cgi?query=programstatus on [nagios] interval to
 * say how the server is, and `govconsole check` probes the same. The CGIs answer HTTP 200 even
 * for errors (result.type_code says), and an answer empty for the user means the user is not
 * a contact authorised to see it (/work/shared/notes/nagios4.md): counted as rejected. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/nagios/nagios_objects.h"
#include "core/sanitize.h"
#include "core/source_http.h"
#include "core/xalloc.h"

static char *nagios_url(const struct gc_config *cfg, const char *demo_url)
{
    const char *base = demo_url != NULL ? NULL : cfg->nagios.url;
    size_t n;

    if (demo_url != NULL) {
        return xasprintf("%s/nagios4/cgi-bin/statusjson.cgi?query=programstatus", demo_url);
    }
    if (base == NULL || base[0] == '\0') {
        return NULL;
    }
    n = strlen(base);
    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    return xasprintf("%.*s/statusjson.cgi?query=programstatus", (int)n, base);
}

static enum source_http_verdict nagios_answer(const char *body, size_t len, const char *user,
                                              char **about, char **why)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    json_t *result = json_object_get(root, "result");
    json_t *ps = json_object_get(json_object_get(root, "data"), "programstatus");
    const char *who = json_string_value(json_object_get(result, "user"));
    enum source_http_verdict v = SOURCE_HTTP_OK;

    if (!json_is_object(result) || !json_is_integer(json_object_get(result, "type_code"))) {
        *why = nagios_not_json_text(body, len);
        v = SOURCE_HTTP_BAD;
    } else if (json_integer_value(json_object_get(result, "type_code")) != 0) {
        const char *type = json_string_value(json_object_get(result, "type_text"));
        const char *msg = json_string_value(json_object_get(result, "message"));
        char *clean = sanitize_dup(msg != NULL ? msg : "");

        *why = xasprintf("Nagios: %s%s%s", type != NULL ? type : "error", clean[0] ? ": " : "",
                         clean);
        free(clean);
        v = SOURCE_HTTP_BAD;
    } else if (!json_is_object(ps) || json_object_size(ps) == 0) {
        char *clean = sanitize_dup(who != NULL ? who : (user != NULL ? user : "?"));

        *why = xasprintf("Nagios shows nothing to user %s: not a contact with access to the "
                         "program status",
                         clean);
        free(clean);
        v = SOURCE_HTTP_REJECTED;
    } else {
        const char *version = json_string_value(json_object_get(ps, "version"));
        char *clean = sanitize_dup(version != NULL ? version : "?");

        *about = xasprintf("Nagios Core %s", clean);
        free(clean);
    }
    json_decref(root);
    return v;
}

/* A failed answer: the CGI's own message when it is JSON, else the status. */
static char *nagios_error_text(long status, const char *body, size_t len, const char *transport)
{
    json_t *root;
    const char *msg;
    char *out;

    if (transport != NULL) {
        return xstrdup(transport);
    }
    root = body != NULL ? json_loadb(body, len, 0, NULL) : NULL;
    msg = json_string_value(json_object_get(json_object_get(root, "result"), "message"));
    out = msg != NULL && msg[0] != '\0' ? xasprintf("HTTP %ld: %s", status, msg)
          : status == 401                ? xstrdup("HTTP 401: unauthorized")
                                         : xasprintf("HTTP %ld", status);
    json_decref(root);
    return out;
}

static const struct source_http_def nagios_def = {
    .name = "nagios",
    .url = nagios_url,
    .answer = nagios_answer,
    .error_text = nagios_error_text,
};

static bool nagios_configured(const struct gc_config *cfg, const char *demo_url)
{
    return source_http_configured(&nagios_def, cfg, demo_url);
}

static void *nagios_init(const struct source_env *env, char **err)
{
    return source_http_new(env, &nagios_def, err);
}

const struct source_ops nagios_source = {
    .name = "nagios",
    .configured = nagios_configured,
    .init = nagios_init,
    .start = source_http_op_start,
    .stop = source_http_op_stop,
    .fini = source_http_op_fini,
    .health = source_http_op_health,
    .url = source_http_op_url,
    .stats = source_http_op_stats,
    .error_text = nagios_error_text,
    .probe = source_http_op_probe,
};
